-- 0012: the revenue write path in SQL: record_collections (1 to 10000
-- collections in one call, set-based, items succeed or fail on their own),
-- record_refund (one refund in one round trip), bank statements and their
-- reconciliation against the day's collections and deposits.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Helpers
------------------------------------------------------------------------------
CREATE FUNCTION treasury.json_str(p_value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(p_value) = 'string' THEN p_value #>> '{}' END
$$;
COMMENT ON FUNCTION treasury.json_str(jsonb) IS 'The text of a JSON string; NULL for anything else (missing, null, number, object...).';

CREATE FUNCTION treasury.iso_date(p_text text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_text ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
         AND substr(p_text, 9, 2)::int <= extract(day FROM (make_date(substr(p_text, 1, 4)::int, substr(p_text, 6, 2)::int, 1)
                                                            + interval '1 month - 1 day'))::int
        THEN p_text::date
    END
$$;
COMMENT ON FUNCTION treasury.iso_date(text) IS 'A YYYY-MM-DD text as a date; NULL when it is not a real calendar date (never raises).';

CREATE FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text DEFAULT NULL) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object('code', p_code, 'reason', p_reason, 'message', p_message, 'field', p_field)))
$$;
COMMENT ON FUNCTION treasury.revenue_error(text, text, text, text) IS 'The per-item error object of record_collections and record_refund: {"error": {"code", "reason", "message", "field"?}} (field relative to the item, e.g. "amount", "payer.name").';

CREATE FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.n), '[]'::jsonb)
    FROM unnest(p_levels, p_amounts) WITH ORDINALITY AS x(level, amount, n)
$$;
COMMENT ON FUNCTION treasury.shares_json(text[], bigint[]) IS 'Shares as the API lists them: [{"budget_level", "amount" (decimal string)}], in the given order (level rank).';

CREATE TYPE treasury.collection_batch_item AS (
    ord             int,
    bank_code       text,
    bank_ref        text,
    collected_on    date,
    payer_tax_id    text,
    payer_name      text,
    revenue_id      text,
    chapter         text,
    economic_code   text,
    area_code       text,
    treasury_code   text,
    amount          bigint,
    dossier_id      bigint,
    request_hash    bytea,
    rule_id         bigint,
    levels          text[],
    shares          bigint[],
    collection_id   bigint,
    entry_id        bigint,
    primary_ord     int,
    result          jsonb
);
COMMENT ON TYPE treasury.collection_batch_item IS 'Working row of record_collections: one parsed and validated item (result set when it is already decided: an error or a replayed first result).';

------------------------------------------------------------------------------
-- record_collections: the set-based batch
------------------------------------------------------------------------------
CREATE FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_items   treasury.collection_batch_item[];
    v_won     int[];
    v_closed  boolean;
    v_year    int := extract(year FROM p_accounting_date)::int;
    v_results jsonb;
    v_nestloop text;
BEGIN
    IF p_items IS NULL OR jsonb_typeof(p_items) <> 'array' THEN
        RAISE EXCEPTION 'p_items must be a JSON array of collections' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_array_length(p_items) NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'p_items must hold 1 to 10000 collections, not %', jsonb_array_length(p_items) USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF p_accounting_date IS NULL THEN
        RAISE EXCEPTION 'p_accounting_date is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_closed := EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = v_year
                          AND p.month = extract(month FROM p_accounting_date)::int AND p.status = 'CLOSED');

    -- 1. Parse, validate the fields, look up the business key, then the business rules.
    WITH raw AS (
        SELECT e.ord::int AS ord, CASE WHEN jsonb_typeof(e.obj) = 'object' THEN e.obj END AS o
        FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(obj, ord)
    ), f AS MATERIALIZED (
        SELECT r.ord, r.o,
            (SELECT k FROM jsonb_object_keys(r.o) k
             WHERE k NOT IN ('bank_code', 'bank_ref', 'collected_on', 'payer', 'revenue_id', 'chapter', 'economic_code',
                             'area_code', 'treasury_code', 'amount', 'dossier_id') ORDER BY k LIMIT 1) AS unknown_key,
            CASE WHEN jsonb_typeof(r.o->'payer') = 'object' THEN
                (SELECT 'payer.' || k FROM jsonb_object_keys(r.o->'payer') k WHERE k NOT IN ('tax_id', 'name') ORDER BY k LIMIT 1) END AS unknown_payer_key,
            treasury.json_str(r.o->'bank_code') AS bank_code,
            treasury.json_str(r.o->'bank_ref') AS bank_ref,
            treasury.iso_date(treasury.json_str(r.o->'collected_on')) AS collected_on,
            treasury.json_str(r.o->'payer'->'tax_id') AS payer_tax_id,
            treasury.json_str(r.o->'payer'->'name') AS payer_name,
            treasury.json_str(r.o->'revenue_id') AS revenue_id,
            treasury.json_str(r.o->'chapter') AS chapter,
            treasury.json_str(r.o->'economic_code') AS economic_code,
            treasury.json_str(r.o->'area_code') AS area_code,
            treasury.json_str(r.o->'treasury_code') AS treasury_code,
            CASE WHEN jsonb_typeof(r.o->'amount') IN ('string', 'number') AND (r.o->>'amount') ~ '^[0-9]{1,30}$'
                 THEN (r.o->>'amount')::numeric END AS amount_num,
            CASE WHEN jsonb_typeof(r.o->'dossier_id') IN ('string', 'number') AND (r.o->>'dossier_id') ~ '^[0-9]{1,18}$'
                 THEN (r.o->>'dossier_id')::bigint END AS dossier_id
        FROM raw r
    ), v AS MATERIALIZED (
        SELECT f.*,
            CASE
            WHEN f.o IS NULL THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'a collection must be a JSON object')
            WHEN f.unknown_key IS NOT NULL THEN treasury.revenue_error('INVALID_ARGUMENT', 'UNKNOWN_FIELD', 'unknown field ' || f.unknown_key, f.unknown_key)
            WHEN coalesce(jsonb_typeof(f.o->'bank_code'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'bank_code is required', 'bank_code')
            WHEN f.bank_code IS NULL OR f.bank_code !~ '^[A-Z0-9]{2,11}$' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'bank_code must be 2-11 upper-case letters or digits', 'bank_code')
            WHEN coalesce(jsonb_typeof(f.o->'bank_ref'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'bank_ref is required', 'bank_ref')
            WHEN f.bank_ref IS NULL OR length(f.bank_ref) NOT BETWEEN 1 AND 64 THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'bank_ref must be a string of 1-64 characters', 'bank_ref')
            WHEN coalesce(jsonb_typeof(f.o->'collected_on'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'collected_on is required', 'collected_on')
            WHEN f.collected_on IS NULL THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'collected_on must be a date YYYY-MM-DD', 'collected_on')
            WHEN coalesce(jsonb_typeof(f.o->'payer'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'payer is required', 'payer')
            WHEN jsonb_typeof(f.o->'payer') <> 'object' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'payer must be an object {tax_id?, name}', 'payer')
            WHEN f.unknown_payer_key IS NOT NULL THEN treasury.revenue_error('INVALID_ARGUMENT', 'UNKNOWN_FIELD', 'unknown field ' || f.unknown_payer_key, f.unknown_payer_key)
            WHEN coalesce(jsonb_typeof(f.o->'payer'->'name'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'payer.name is required', 'payer.name')
            WHEN f.payer_name IS NULL OR length(f.payer_name) NOT BETWEEN 1 AND 200 THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'payer.name must be a string of 1-200 characters', 'payer.name')
            WHEN coalesce(jsonb_typeof(f.o->'payer'->'tax_id'), 'null') <> 'null' AND (f.payer_tax_id IS NULL OR length(f.payer_tax_id) NOT BETWEEN 1 AND 20)
                THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'payer.tax_id must be a string of 1-20 characters', 'payer.tax_id')
            WHEN coalesce(jsonb_typeof(f.o->'revenue_id'), 'null') <> 'null' AND (f.revenue_id IS NULL OR length(f.revenue_id) NOT BETWEEN 1 AND 64)
                THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'revenue_id must be a string of 1-64 characters', 'revenue_id')
            WHEN coalesce(jsonb_typeof(f.o->'chapter'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'chapter is required', 'chapter')
            WHEN f.chapter IS NULL OR f.chapter !~ '^[0-9A-Z]{1,10}$' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'chapter must be a code of digits', 'chapter')
            WHEN coalesce(jsonb_typeof(f.o->'economic_code'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'economic_code is required', 'economic_code')
            WHEN f.economic_code IS NULL OR f.economic_code !~ '^[0-9A-Z]{1,10}$' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'economic_code must be a code of digits', 'economic_code')
            WHEN coalesce(jsonb_typeof(f.o->'area_code'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'area_code is required', 'area_code')
            WHEN f.area_code IS NULL OR f.area_code !~ '^[0-9]{5}$' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'area_code must be 5 digits', 'area_code')
            WHEN coalesce(jsonb_typeof(f.o->'treasury_code'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'treasury_code is required', 'treasury_code')
            WHEN f.treasury_code IS NULL OR f.treasury_code !~ '^[0-9]{4}$' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'treasury_code must be 4 digits', 'treasury_code')
            WHEN coalesce(jsonb_typeof(f.o->'amount'), 'null') = 'null' THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_REQUIRED', 'amount is required', 'amount')
            WHEN f.amount_num IS NULL OR f.amount_num = 0 THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'amount must be a positive whole number of minor units (decimal string or integer)', 'amount')
            WHEN f.amount_num > 1000000000000000000 THEN treasury.revenue_error('OUT_OF_RANGE', 'FIELD_INVALID', 'amount is above the limit 10^18', 'amount')
            WHEN coalesce(jsonb_typeof(f.o->'dossier_id'), 'null') <> 'null' AND f.dossier_id IS NULL
                THEN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'dossier_id must be an id', 'dossier_id')
            END AS field_error
        FROM f
    ), k AS (
        SELECT v.*, CASE WHEN v.field_error IS NULL THEN v.amount_num::bigint END AS amount,
            CASE WHEN v.field_error IS NULL THEN sha256(convert_to(treasury.collection_content(
                to_char(v.collected_on, 'YYYY-MM-DD'), v.payer_tax_id, v.payer_name, v.revenue_id, v.chapter, v.economic_code,
                v.area_code, v.treasury_code, v.amount_num::text), 'UTF8')) END AS request_hash
        FROM v
    ), b AS MATERIALIZED (
        SELECT k.*, bt.kind AS existing_kind, bt.request_hash AS existing_hash, bt.result AS existing_result,
            CASE WHEN k.field_error IS NULL THEN treasury.sharing_rule_for(v_year, k.economic_code, k.area_code) END AS rule_id,
            CASE
            WHEN k.field_error IS NOT NULL OR bt.bank_code IS NOT NULL THEN NULL
            WHEN NOT EXISTS (SELECT 1 FROM treasury.banks x WHERE x.code = k.bank_code)
                THEN treasury.revenue_error('NOT_FOUND', 'BANK_NOT_FOUND', format('bank %s does not exist', k.bank_code), 'bank_code')
            WHEN NOT EXISTS (SELECT 1 FROM treasury.treasuries x WHERE x.code = k.treasury_code)
                THEN treasury.revenue_error('NOT_FOUND', 'TREASURY_NOT_FOUND', format('treasury %s does not exist', k.treasury_code), 'treasury_code')
            WHEN NOT EXISTS (SELECT 1 FROM treasury.areas x WHERE x.code = k.area_code)
                THEN treasury.revenue_error('NOT_FOUND', 'AREA_NOT_FOUND', format('area %s does not exist', k.area_code), 'area_code')
            WHEN k.dossier_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM treasury.dossiers x WHERE x.id = k.dossier_id)
                THEN treasury.revenue_error('NOT_FOUND', 'DOSSIER_NOT_FOUND', format('dossier %s does not exist', k.dossier_id), 'dossier_id')
            WHEN NOT treasury.code_valid('CHAPTER', k.chapter, p_accounting_date)
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID', format('chapter %s is not valid on %s', k.chapter, p_accounting_date), 'chapter')
            WHEN NOT treasury.code_valid('ECONOMIC', k.economic_code, p_accounting_date)
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID', format('economic code %s is not valid on %s', k.economic_code, p_accounting_date), 'economic_code')
            WHEN v_closed
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED', format('accounting date %s falls in a closed period', p_accounting_date))
            END AS business_error
        FROM k
        LEFT JOIN treasury.bank_transactions bt ON k.field_error IS NULL AND bt.bank_code = k.bank_code AND bt.bank_ref = k.bank_ref
    ), rules AS (
        SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
               array_agg(s.basis_points::bigint ORDER BY l.rank) AS bps, array_agg(l.rank ORDER BY l.rank) AS ranks
        FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
        WHERE s.rule_id IN (SELECT DISTINCT b.rule_id FROM b WHERE b.rule_id IS NOT NULL)
        GROUP BY s.rule_id
    ), d AS MATERIALIZED (
        SELECT b.*, r.levels, r.bps, r.ranks,
            coalesce(b.field_error,
                CASE WHEN b.existing_kind IS NOT NULL THEN
                    CASE WHEN b.existing_kind = 'COLLECTION' AND b.existing_hash = b.request_hash THEN b.existing_result
                         ELSE treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                                  format('bank reference %s/%s was recorded with other content', b.bank_code, b.bank_ref)) END
                END,
                b.business_error,
                CASE WHEN r.rule_id IS NULL THEN treasury.revenue_error('FAILED_PRECONDITION', 'NO_SHARING_RULE',
                    format('no sharing rule for fiscal year %s, economic code %s, area %s', v_year, b.economic_code, b.area_code)) END
            ) AS decided
        FROM b LEFT JOIN rules r ON r.rule_id = b.rule_id
    ), p AS (
        SELECT d.*,
            CASE WHEN d.decided IS NULL THEN first_value(d.ord) OVER w END AS primary_ord,
            CASE WHEN d.decided IS NULL THEN first_value(d.request_hash) OVER w END AS primary_hash
        FROM d
        WINDOW w AS (PARTITION BY d.decided IS NULL, d.bank_code, d.bank_ref ORDER BY d.ord)
    )
    SELECT array_agg(ROW(p.ord, p.bank_code, p.bank_ref, p.collected_on, p.payer_tax_id, p.payer_name, p.revenue_id, p.chapter,
            p.economic_code, p.area_code, p.treasury_code, p.amount, p.dossier_id, p.request_hash, p.rule_id, p.levels,
            CASE WHEN p.primary_ord = p.ord THEN treasury.split_amount(p.amount, p.bps, p.ranks) END,
            CASE WHEN p.primary_ord = p.ord THEN nextval('treasury.collections_id_seq') END,
            CASE WHEN p.primary_ord = p.ord THEN nextval('treasury.journal_entries_id_seq') END,
            p.primary_ord,
            coalesce(p.decided,
                CASE WHEN p.primary_ord <> p.ord AND p.primary_hash IS DISTINCT FROM p.request_hash
                     THEN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                              format('bank reference %s/%s appears earlier in the batch with other content', p.bank_code, p.bank_ref)) END)
        )::treasury.collection_batch_item ORDER BY p.ord)
    INTO v_items
    FROM p;

    -- 2. Insert the undecided first occurrences, set-based, in one statement. The bank key
    -- goes first with ON CONFLICT DO NOTHING: a key taken meanwhile by a concurrent
    -- transaction drops that item only (it is looked up again below), never the batch.
    -- Foreign keys are checked at the end of the statement, when every row exists.
    -- Every join in it is between its own CTEs, whose sizes the planner cannot know
    -- (it guesses 1 row and would nest loops: quadratic at 10000 items), so nested
    -- loops are off for this statement only.
    v_nestloop := current_setting('enable_nestloop');
    PERFORM set_config('enable_nestloop', 'off', true);
    WITH todo AS MATERIALIZED (
        SELECT i.* FROM unnest(v_items) i WHERE i.result IS NULL AND i.primary_ord = i.ord
    ), bt AS (
        INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, amount, request_hash, result, entry_id)
        SELECT t.bank_code, t.bank_ref, 'COLLECTION', t.amount, t.request_hash,
               jsonb_build_object('collection_id', t.collection_id::text, 'entry_id', t.entry_id::text,
                                  'shares', treasury.shares_json(t.levels, t.shares)),
               t.entry_id
        FROM todo t
        ON CONFLICT DO NOTHING
        RETURNING bank_code, bank_ref
    ), won AS MATERIALIZED (
        SELECT t.* FROM todo t JOIN bt ON bt.bank_code = t.bank_code AND bt.bank_ref = t.bank_ref
    ), e AS (
        INSERT INTO treasury.journal_entries (id, accounting_date, source_kind, source_id, treasury_code, memo, created_by)
        SELECT w.entry_id, p_accounting_date, 'COLLECTION', w.collection_id::text, w.treasury_code,
               'collection ' || w.bank_code || '/' || w.bank_ref, p_created_by
        FROM won w
        RETURNING id
    ), c AS (
        INSERT INTO treasury.collections (id, bank_code, bank_ref, collected_on, payer_tax_id, payer_name, revenue_id, chapter,
            economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id, dossier_id, created_by)
        SELECT w.collection_id, w.bank_code, w.bank_ref, w.collected_on, w.payer_tax_id, w.payer_name, w.revenue_id, w.chapter,
            w.economic_code, w.area_code, w.treasury_code, w.amount, w.rule_id, w.entry_id, w.dossier_id, p_created_by
        FROM won w
        RETURNING id
    ), s AS (
        INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
        SELECT w.collection_id, x.level, x.amount FROM won w, unnest(w.levels, w.shares) AS x(level, amount)
        RETURNING collection_id
    ), l AS (
        INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit, economic_code, budget_level,
            area_code, chapter, treasury_code, bank_code)
        SELECT w.entry_id, 1, '1130', w.amount, 0, NULL, NULL, NULL, NULL, w.treasury_code, w.bank_code FROM won w
        UNION ALL
        SELECT w.entry_id, 1 + row_number() OVER (PARTITION BY w.entry_id ORDER BY x.n), '7111', 0, x.amount, w.economic_code,
               x.level, w.area_code, w.chapter, w.treasury_code, NULL
        FROM won w, unnest(w.levels, w.shares) WITH ORDINALITY AS x(level, amount, n)
        WHERE x.amount > 0
        RETURNING entry_id
    )
    SELECT array_agg(w.ord) INTO v_won FROM won w;
    PERFORM set_config('enable_nestloop', v_nestloop, true);

    -- 3. Results in input order: decided items as decided; winners their new result;
    -- first occurrences that lost a race are looked up again (replay or duplicate);
    -- later occurrences with the same content get their first occurrence's result.
    WITH i AS MATERIALIZED (
        SELECT * FROM unnest(v_items)
    ), w AS MATERIALIZED (
        SELECT DISTINCT x.ord FROM unnest(v_won) AS x(ord)
    ), prim AS MATERIALIZED (
        SELECT i.ord,
            CASE
            WHEN i.result IS NOT NULL THEN i.result
            WHEN w.ord IS NOT NULL THEN
                jsonb_build_object('collection_id', i.collection_id::text, 'entry_id', i.entry_id::text,
                                   'shares', treasury.shares_json(i.levels, i.shares))
            WHEN bt.bank_code IS NULL THEN NULL
            WHEN bt.kind = 'COLLECTION' AND bt.request_hash = i.request_hash THEN bt.result
            ELSE treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                     format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
            END AS outcome
        FROM i
        LEFT JOIN w ON w.ord = i.ord
        LEFT JOIN treasury.bank_transactions bt ON i.result IS NULL AND w.ord IS NULL
              AND bt.bank_code = i.bank_code AND bt.bank_ref = i.bank_ref
        WHERE i.result IS NOT NULL OR i.primary_ord = i.ord
    )
    SELECT jsonb_agg(coalesce(pr.outcome, pp.outcome) ORDER BY i.ord) INTO v_results
    FROM i
    LEFT JOIN prim pr ON pr.ord = i.ord
    LEFT JOIN prim pp ON pp.ord = i.primary_ord;

    RETURN jsonb_build_object('results', v_results);
END
$$;
COMMENT ON FUNCTION treasury.record_collections(jsonb, bigint, date) IS
'Records 1 to 10000 collections in one call, set-based. p_items: JSON array of {bank_code, bank_ref, collected_on (YYYY-MM-DD), payer: {tax_id?, name}, revenue_id?, chapter, economic_code, area_code, treasury_code, amount (decimal string or integer), dossier_id?}; every entry is dated p_accounting_date, whose year selects the sharing rule and on which chapter and economic code must be valid. Returns {"results": [...]} in input order, each {"collection_id", "entry_id", "shares": [{"budget_level", "amount"}]} or {"error": {"code", "reason", "message", "field"?}}; reasons FIELD_REQUIRED, FIELD_INVALID, UNKNOWN_FIELD, BANK_NOT_FOUND, TREASURY_NOT_FOUND, AREA_NOT_FOUND, DOSSIER_NOT_FOUND, CODE_NOT_VALID, PERIOD_CLOSED, NO_SHARING_RULE, DUPLICATE_BANK_REF. A business key already recorded with the same content (collection_content) returns the first result. Items succeed or fail on their own. 22023 / 22003 only for a wrong envelope. One entry per collection: Dr 1130 / Cr 7111 per non-zero share; no balance row is updated.';

------------------------------------------------------------------------------
-- record_refund: one refund in one round trip
------------------------------------------------------------------------------
CREATE FUNCTION treasury.record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text,
    p_created_by bigint, p_accounting_date date, p_dossier_id bigint DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_coll     treasury.collections%ROWTYPE;
    v_existing treasury.refunds%ROWTYPE;
    v_refunded numeric;
    v_levels   text[];
    v_cshares  bigint[];
    v_ranks    int[];
    v_shares   bigint[];
    v_id       bigint;
    v_entry    bigint;
BEGIN
    SELECT * INTO v_existing FROM treasury.refunds r WHERE r.decision_no = p_decision_no;
    IF FOUND THEN
        IF v_existing.collection_id = p_collection_id AND v_existing.amount = p_amount
           AND v_existing.reason IS NOT DISTINCT FROM p_reason THEN
            RETURN jsonb_build_object('refund_id', v_existing.id::text, 'entry_id', v_existing.entry_id::text,
                'shares', (SELECT treasury.shares_json(array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank))
                           FROM treasury.refund_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
                           WHERE s.refund_id = v_existing.id));
        END IF;
        RETURN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_DECISION',
            format('decision %s was recorded with other content (refund %s)', p_decision_no, v_existing.id));
    END IF;
    SELECT * INTO v_coll FROM treasury.collections c WHERE c.id = p_collection_id;
    IF NOT FOUND THEN
        RETURN treasury.revenue_error('NOT_FOUND', 'COLLECTION_NOT_FOUND', format('collection %s does not exist', p_collection_id), 'collection_id');
    END IF;
    IF p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000000000000 THEN
        RETURN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'amount must be 1..10^18', 'amount');
    END IF;
    SELECT coalesce(sum(r.amount), 0) INTO v_refunded FROM treasury.refunds r WHERE r.collection_id = p_collection_id;
    IF v_refunded + p_amount > v_coll.amount THEN
        RETURN treasury.revenue_error('FAILED_PRECONDITION', 'REFUND_EXCEEDS_COLLECTION',
            format('refund of %s on collection %s: %s of %s already refunded', p_amount, p_collection_id, v_refunded, v_coll.amount));
    END IF;
    IF EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = extract(year FROM p_accounting_date)::int
                 AND p.month = extract(month FROM p_accounting_date)::int AND p.status = 'CLOSED') THEN
        RETURN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED', format('accounting date %s falls in a closed period', p_accounting_date));
    END IF;

    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_levels, v_cshares, v_ranks
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = p_collection_id;
    v_shares := treasury.split_amount(p_amount, v_cshares, v_ranks);
    v_id := nextval('treasury.refunds_id_seq');

    INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code, memo, created_by)
    VALUES (p_accounting_date, 'REFUND', v_id::text, v_coll.treasury_code, 'refund ' || p_decision_no, p_created_by)
    RETURNING id INTO v_entry;
    -- The trigger locks the collection and checks rule 5 again (refund_within_collection).
    INSERT INTO treasury.refunds (id, collection_id, amount, decision_no, reason, entry_id, dossier_id, created_by)
    VALUES (v_id, p_collection_id, p_amount, p_decision_no, p_reason, v_entry, p_dossier_id, p_created_by);
    INSERT INTO treasury.refund_shares (refund_id, budget_level, amount)
    SELECT v_id, x.level, x.amount FROM unnest(v_levels, v_shares) AS x(level, amount);
    INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit, economic_code, budget_level, area_code,
        chapter, treasury_code, bank_code)
    SELECT v_entry, row_number() OVER (ORDER BY x.n), '7111', x.amount, 0, v_coll.economic_code, x.level, v_coll.area_code,
           v_coll.chapter, v_coll.treasury_code, NULL
    FROM unnest(v_levels, v_shares) WITH ORDINALITY AS x(level, amount, n) WHERE x.amount > 0
    UNION ALL
    SELECT v_entry, 1 + (SELECT count(*) FROM unnest(v_shares) a WHERE a > 0), '1130', 0, p_amount, NULL, NULL, NULL, NULL,
           v_coll.treasury_code, v_coll.bank_code;

    RETURN jsonb_build_object('refund_id', v_id::text, 'entry_id', v_entry::text, 'shares', treasury.shares_json(v_levels, v_shares));
END
$$;
COMMENT ON FUNCTION treasury.record_refund(bigint, bigint, text, text, bigint, date, bigint) IS
'Records one refund in one round trip: the shares are split_amount(amount, the collection''s shares, ranks) over every level of the collection; entry dated p_accounting_date: Dr 7111 per non-zero share (the collection''s segments) / Cr 1130 (bank_code, treasury_code). Returns {"refund_id", "entry_id", "shares": [{"budget_level", "amount"}]} or {"error": {"code", "reason", "message", "field"?}} with reasons DUPLICATE_DECISION (same decision_no, other collection, amount or reason; the same content returns the first result), COLLECTION_NOT_FOUND, FIELD_INVALID, REFUND_EXCEEDS_COLLECTION, PERIOD_CLOSED. A concurrent refund can still make the insert fail with 23514 refund_within_collection (= REFUND_EXCEEDS_COLLECTION), a concurrent same decision_no with 23505 (retry: it replays).';

------------------------------------------------------------------------------
-- Bank statements and reconciliation
------------------------------------------------------------------------------
CREATE TABLE treasury.bank_statements (
    id             bigserial PRIMARY KEY,
    bank_code      text NOT NULL REFERENCES treasury.banks (code),
    statement_date date NOT NULL,
    imported_at    timestamptz NOT NULL DEFAULT now(),
    imported_by    bigint NULL REFERENCES treasury.users (id)
);
CREATE INDEX bank_statements_bank_day_idx ON treasury.bank_statements (bank_code, statement_date);
COMMENT ON TABLE treasury.bank_statements IS 'Daily statements imported from a commercial bank (ImportBankStatement); a day may be imported again (each import is kept). Append-only.';
COMMENT ON COLUMN treasury.bank_statements.id IS 'Statement id.';
COMMENT ON COLUMN treasury.bank_statements.bank_code IS 'Bank that sent the statement.';
COMMENT ON COLUMN treasury.bank_statements.statement_date IS 'Day the statement covers.';
COMMENT ON COLUMN treasury.bank_statements.imported_at IS 'When it was imported.';
COMMENT ON COLUMN treasury.bank_statements.imported_by IS 'User who imported it.';

CREATE TABLE treasury.bank_statement_lines (
    statement_id bigint NOT NULL REFERENCES treasury.bank_statements (id),
    line_no      int NOT NULL CHECK (line_no >= 1),
    bank_ref     text NOT NULL CHECK (length(bank_ref) BETWEEN 1 AND 64),
    amount       bigint NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000000),
    PRIMARY KEY (statement_id, line_no),
    CONSTRAINT bank_statement_lines_ref_key UNIQUE (statement_id, bank_ref)
);
COMMENT ON TABLE treasury.bank_statement_lines IS 'Lines of a bank statement: the bank''s reference and amount of each collection or deposit; a reference appears once per statement. Append-only.';
COMMENT ON COLUMN treasury.bank_statement_lines.statement_id IS 'The statement.';
COMMENT ON COLUMN treasury.bank_statement_lines.line_no IS 'Position in the statement, from 1.';
COMMENT ON COLUMN treasury.bank_statement_lines.bank_ref IS 'The bank''s reference (bank_transactions.bank_ref).';
COMMENT ON COLUMN treasury.bank_statement_lines.amount IS 'Amount the bank reports, minor units.';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.bank_statements
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_statements
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.bank_statement_lines
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_statement_lines
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

-- What the treasury holds for a bank and a day: its collections collected that
-- day and its deposits whose entry is dated that day.
CREATE FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date)
RETURNS TABLE (bank_ref text, kind text, amount bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.bank_ref, 'COLLECTION', c.amount
    FROM treasury.collections c WHERE c.bank_code = p_bank_code AND c.collected_on = p_day
    UNION ALL
    SELECT bt.bank_ref, bt.kind, bt.amount
    FROM treasury.bank_transactions bt JOIN treasury.journal_entries e ON e.id = bt.entry_id
    WHERE bt.bank_code = p_bank_code AND bt.kind = 'DEPOSIT' AND e.accounting_date = p_day
$$;
COMMENT ON FUNCTION treasury.bank_day_transactions(text, date) IS 'The treasury''s side of a bank''s day: its collections with collected_on = the day and its deposits whose entry''s accounting_date = the day (bank_ref, kind, amount).';

CREATE FUNCTION treasury.statement_reconciliation(p_statement_id bigint)
RETURNS TABLE (bank_ref text, status text, bank_amount bigint, treasury_amount bigint)
LANGUAGE sql STABLE AS $$
    WITH st AS (SELECT s.bank_code, s.statement_date FROM treasury.bank_statements s WHERE s.id = p_statement_id),
    b AS (SELECT l.bank_ref, l.amount FROM treasury.bank_statement_lines l WHERE l.statement_id = p_statement_id),
    t AS (SELECT x.bank_ref, x.amount FROM st, treasury.bank_day_transactions(st.bank_code, st.statement_date) x)
    SELECT coalesce(b.bank_ref, t.bank_ref),
           CASE WHEN t.bank_ref IS NULL THEN 'MISSING_IN_TREASURY'
                WHEN b.bank_ref IS NULL THEN 'MISSING_IN_BANK'
                WHEN b.amount = t.amount THEN 'MATCHED'
                ELSE 'AMOUNT_MISMATCH' END,
           b.amount, t.amount
    FROM b FULL JOIN t ON t.bank_ref = b.bank_ref
    ORDER BY 1
$$;
COMMENT ON FUNCTION treasury.statement_reconciliation(bigint) IS 'A statement against the treasury''s collections and deposits of that bank and day (bank_day_transactions), one row per reference: MATCHED, AMOUNT_MISMATCH, MISSING_IN_TREASURY (on the statement only) or MISSING_IN_BANK (in the treasury only).';

CREATE FUNCTION treasury.reconcile_statement(p_statement_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'statement_id', p_statement_id::text,
        'matched', count(*) FILTER (WHERE r.status = 'MATCHED'),
        'amount_mismatch', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'bank_amount', r.bank_amount::text,
                                    'treasury_amount', r.treasury_amount::text) ORDER BY r.bank_ref) FILTER (WHERE r.status = 'AMOUNT_MISMATCH'), '[]'),
        'missing_in_treasury', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'bank_amount', r.bank_amount::text)
                                    ORDER BY r.bank_ref) FILTER (WHERE r.status = 'MISSING_IN_TREASURY'), '[]'),
        'missing_in_bank', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'treasury_amount', r.treasury_amount::text)
                                    ORDER BY r.bank_ref) FILTER (WHERE r.status = 'MISSING_IN_BANK'), '[]'))
    FROM treasury.statement_reconciliation(p_statement_id) r
$$;
COMMENT ON FUNCTION treasury.reconcile_statement(bigint) IS 'The ImportBankStatement result for a stored statement: {"statement_id", "matched" (count), "amount_mismatch": [{bank_ref, bank_amount, treasury_amount}], "missing_in_treasury": [{bank_ref, bank_amount}], "missing_in_bank": [{bank_ref, treasury_amount}]} (amounts as decimal strings, sorted by bank_ref).';

CREATE FUNCTION treasury.import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' THEN
        RAISE EXCEPTION 'p_lines must be a JSON array of {bank_ref, amount}' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO treasury.bank_statements (bank_code, statement_date, imported_by)
    VALUES (p_bank_code, p_statement_date, p_imported_by) RETURNING id INTO v_id;
    INSERT INTO treasury.bank_statement_lines (statement_id, line_no, bank_ref, amount)
    SELECT v_id, e.n, e.obj->>'bank_ref', treasury.json_amount(e.obj->'amount', format('line %s amount', e.n))
    FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e(obj, n);
    RETURN treasury.reconcile_statement(v_id);
END
$$;
COMMENT ON FUNCTION treasury.import_bank_statement(text, date, jsonb, bigint) IS 'Stores a bank statement (p_lines: [{bank_ref, amount}]) and returns reconcile_statement of it. A reference twice in one statement is 23505 (bank_statement_lines_ref_key), a bad amount 22023, an unknown bank 23503.';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.bank_statements, treasury.bank_statement_lines TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.bank_statements, treasury.bank_statement_lines TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.bank_statements_id_seq TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.record_collections(jsonb, bigint, date),
    treasury.record_refund(bigint, bigint, text, text, bigint, date, bigint),
    treasury.import_bank_statement(text, date, jsonb, bigint) TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.json_str(jsonb), treasury.iso_date(text), treasury.revenue_error(text, text, text, text),
    treasury.shares_json(text[], bigint[]), treasury.bank_day_transactions(text, date),
    treasury.statement_reconciliation(bigint), treasury.reconcile_statement(bigint) TO treasury_app, treasury_readonly;
GRANT USAGE ON TYPE treasury.collection_batch_item TO treasury_app, treasury_readonly;
