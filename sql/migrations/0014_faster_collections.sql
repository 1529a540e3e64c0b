-- 0014: record_collections without per-item function calls, and the foreign keys
-- of bank_transactions checked per statement. Same interface, same results,
-- same errors (SQLSTATE, CONSTRAINT names); every rule holds for every writer.
--  * Validation (step 1 of record_collections): the lookups that depend only on a
--    value shared by many items run once per DISTINCT value and are joined back:
--    iso_date per distinct collected_on text, code_valid per distinct chapter and
--    economic code, sharing_rule_for per distinct (economic code, area), banks,
--    treasuries, areas, dossiers by hash join. json_str and collection_content
--    (SQL functions PostgreSQL cannot inline: concat_ws is only STABLE) are
--    written out in the query, the same expressions. Unknown keys are looked for
--    only when the object has a key outside the known ones.
--  * The result of a new collection ({collection_id, entry_id, shares}) is built
--    once in step 1 (new attribute new_result of collection_batch_item) and used
--    for bank_transactions.result and the answer (was shares_json twice per item).
--  * Collection and entry ids are drawn in input order.
--  * bank_transactions' three row-level foreign keys (bank_code, entry_id,
--    account_no) become the statement-level fk_checks of 0013: bank_transactions
--    is append-only (ledger_append_only refuses UPDATE, DELETE, TRUNCATE), so
--    INSERT is the only way a row gets a key; the referenced side (banks,
--    journal_entries, accounts) gets the same z_fk_referenced guards.
SET LOCAL ROLE treasury_owner;

ALTER TYPE treasury.collection_batch_item ADD ATTRIBUTE new_result jsonb;
COMMENT ON TYPE treasury.collection_batch_item IS 'Working row of record_collections: one parsed and validated item (result set when it is already decided: an error or a replayed first result; new_result: the answer of a first occurrence if it is recorded now).';

CREATE OR REPLACE FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) RETURNS jsonb
LANGUAGE plpgsql SET jit = off AS $$
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
    -- Per item only what differs per item; lookups by value once per distinct value.
    WITH raw AS (
        SELECT e.ord::int AS ord, CASE WHEN jsonb_typeof(e.obj) = 'object' THEN e.obj END AS o
        FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(obj, ord)
    ), f0 AS MATERIALIZED (
        SELECT r.ord, r.o,
            CASE WHEN r.o - '{bank_code,bank_ref,collected_on,payer,revenue_id,chapter,economic_code,area_code,treasury_code,amount,dossier_id}'::text[] <> '{}'::jsonb
                 THEN (SELECT min(k) FROM jsonb_object_keys(r.o) k
                       WHERE k NOT IN ('bank_code', 'bank_ref', 'collected_on', 'payer', 'revenue_id', 'chapter', 'economic_code',
                                       'area_code', 'treasury_code', 'amount', 'dossier_id')) END AS unknown_key,
            CASE WHEN jsonb_typeof(r.o->'payer') = 'object' AND (r.o->'payer') - '{tax_id,name}'::text[] <> '{}'::jsonb
                 THEN (SELECT 'payer.' || min(k) FROM jsonb_object_keys(r.o->'payer') k WHERE k NOT IN ('tax_id', 'name')) END AS unknown_payer_key,
            CASE WHEN jsonb_typeof(r.o->'bank_code') = 'string' THEN r.o->>'bank_code' END AS bank_code,
            CASE WHEN jsonb_typeof(r.o->'bank_ref') = 'string' THEN r.o->>'bank_ref' END AS bank_ref,
            CASE WHEN jsonb_typeof(r.o->'collected_on') = 'string' THEN r.o->>'collected_on' END AS collected_on_text,
            CASE WHEN jsonb_typeof(r.o->'payer'->'tax_id') = 'string' THEN r.o->'payer'->>'tax_id' END AS payer_tax_id,
            CASE WHEN jsonb_typeof(r.o->'payer'->'name') = 'string' THEN r.o->'payer'->>'name' END AS payer_name,
            CASE WHEN jsonb_typeof(r.o->'revenue_id') = 'string' THEN r.o->>'revenue_id' END AS revenue_id,
            CASE WHEN jsonb_typeof(r.o->'chapter') = 'string' THEN r.o->>'chapter' END AS chapter,
            CASE WHEN jsonb_typeof(r.o->'economic_code') = 'string' THEN r.o->>'economic_code' END AS economic_code,
            CASE WHEN jsonb_typeof(r.o->'area_code') = 'string' THEN r.o->>'area_code' END AS area_code,
            CASE WHEN jsonb_typeof(r.o->'treasury_code') = 'string' THEN r.o->>'treasury_code' END AS treasury_code,
            CASE WHEN jsonb_typeof(r.o->'amount') IN ('string', 'number') AND (r.o->>'amount') ~ '^[0-9]{1,30}$'
                 THEN (r.o->>'amount')::numeric END AS amount_num,
            CASE WHEN jsonb_typeof(r.o->'dossier_id') IN ('string', 'number') AND (r.o->>'dossier_id') ~ '^[0-9]{1,18}$'
                 THEN (r.o->>'dossier_id')::bigint END AS dossier_id
        FROM raw r
    ), dates AS MATERIALIZED (
        SELECT x.t, treasury.iso_date(x.t) AS d, to_char(treasury.iso_date(x.t), 'YYYY-MM-DD') AS canon
        FROM (SELECT DISTINCT f0.collected_on_text AS t FROM f0 WHERE f0.collected_on_text IS NOT NULL) x
    ), f AS (
        SELECT f0.*, dt.d AS collected_on, dt.canon AS collected_on_canon
        FROM f0 LEFT JOIN dates dt ON dt.t = f0.collected_on_text
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
    ), k AS MATERIALIZED (
        -- request_hash = sha256(convert_to(collection_content(...), 'UTF8')), collection_content written out.
        SELECT v.*, CASE WHEN v.field_error IS NULL THEN v.amount_num::bigint END AS amount,
            CASE WHEN v.field_error IS NULL THEN sha256(convert_to(concat_ws(E'\n', 'COLLECTION', v.collected_on_canon,
                coalesce(v.payer_tax_id, ''), v.payer_name, coalesce(v.revenue_id, ''), v.chapter, v.economic_code,
                v.area_code, v.treasury_code, v.amount_num::text), 'UTF8')) END AS request_hash
        FROM v
    ), chapters AS MATERIALIZED (
        SELECT x.code, treasury.code_valid('CHAPTER', x.code, p_accounting_date) AS ok
        FROM (SELECT DISTINCT k.chapter AS code FROM k WHERE k.field_error IS NULL) x
    ), econs AS MATERIALIZED (
        SELECT x.code, treasury.code_valid('ECONOMIC', x.code, p_accounting_date) AS ok
        FROM (SELECT DISTINCT k.economic_code AS code FROM k WHERE k.field_error IS NULL) x
    ), rk AS MATERIALIZED (
        SELECT x.economic_code, x.area_code, treasury.sharing_rule_for(v_year, x.economic_code, x.area_code) AS rule_id
        FROM (SELECT DISTINCT k.economic_code, k.area_code FROM k WHERE k.field_error IS NULL) x
    ), b AS MATERIALIZED (
        SELECT k.*, bt.kind AS existing_kind, bt.request_hash AS existing_hash, bt.result AS existing_result,
            rk.rule_id,
            CASE
            WHEN k.field_error IS NOT NULL OR bt.bank_code IS NOT NULL THEN NULL
            WHEN xb.code IS NULL
                THEN treasury.revenue_error('NOT_FOUND', 'BANK_NOT_FOUND', format('bank %s does not exist', k.bank_code), 'bank_code')
            WHEN xt.code IS NULL
                THEN treasury.revenue_error('NOT_FOUND', 'TREASURY_NOT_FOUND', format('treasury %s does not exist', k.treasury_code), 'treasury_code')
            WHEN xa.code IS NULL
                THEN treasury.revenue_error('NOT_FOUND', 'AREA_NOT_FOUND', format('area %s does not exist', k.area_code), 'area_code')
            WHEN k.dossier_id IS NOT NULL AND xd.id IS NULL
                THEN treasury.revenue_error('NOT_FOUND', 'DOSSIER_NOT_FOUND', format('dossier %s does not exist', k.dossier_id), 'dossier_id')
            WHEN NOT ch.ok
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID', format('chapter %s is not valid on %s', k.chapter, p_accounting_date), 'chapter')
            WHEN NOT ec.ok
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID', format('economic code %s is not valid on %s', k.economic_code, p_accounting_date), 'economic_code')
            WHEN v_closed
                THEN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED', format('accounting date %s falls in a closed period', p_accounting_date))
            END AS business_error
        FROM k
        -- bank_transactions and dossiers grow without bound: probe their index per item
        -- (LATERAL ... OFFSET 0), never a hash join over the whole table.
        LEFT JOIN LATERAL (SELECT y.bank_code, y.kind, y.request_hash, y.result FROM treasury.bank_transactions y
                           WHERE k.field_error IS NULL AND y.bank_code = k.bank_code AND y.bank_ref = k.bank_ref OFFSET 0) bt ON true
        LEFT JOIN rk ON k.field_error IS NULL AND rk.economic_code = k.economic_code AND rk.area_code = k.area_code
        LEFT JOIN chapters ch ON k.field_error IS NULL AND ch.code = k.chapter
        LEFT JOIN econs ec ON k.field_error IS NULL AND ec.code = k.economic_code
        LEFT JOIN treasury.banks xb ON k.field_error IS NULL AND xb.code = k.bank_code
        LEFT JOIN treasury.treasuries xt ON k.field_error IS NULL AND xt.code = k.treasury_code
        LEFT JOIN treasury.areas xa ON k.field_error IS NULL AND xa.code = k.area_code
        LEFT JOIN LATERAL (SELECT y.id FROM treasury.dossiers y
                           WHERE k.field_error IS NULL AND k.dossier_id IS NOT NULL AND y.id = k.dossier_id OFFSET 0) xd ON true
    ), rules AS (
        SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
               array_agg(s.basis_points::bigint ORDER BY l.rank) AS bps, array_agg(l.rank ORDER BY l.rank) AS ranks
        FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
        WHERE s.rule_id IN (SELECT rk.rule_id FROM rk WHERE rk.rule_id IS NOT NULL)
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
    ), n AS MATERIALIZED (
        -- Ids drawn in input order (volatile expressions are evaluated after the sort).
        SELECT p.*,
            CASE WHEN p.primary_ord = p.ord THEN treasury.split_amount(p.amount, p.bps, p.ranks) END AS shares,
            CASE WHEN p.primary_ord = p.ord THEN nextval('treasury.collections_id_seq') END AS collection_id,
            CASE WHEN p.primary_ord = p.ord THEN nextval('treasury.journal_entries_id_seq') END AS entry_id
        FROM p
        ORDER BY p.ord
    )
    SELECT array_agg(ROW(n.ord, n.bank_code, n.bank_ref, n.collected_on, n.payer_tax_id, n.payer_name, n.revenue_id, n.chapter,
            n.economic_code, n.area_code, n.treasury_code, n.amount, n.dossier_id, n.request_hash, n.rule_id, n.levels,
            n.shares, n.collection_id, n.entry_id, n.primary_ord,
            coalesce(n.decided,
                CASE WHEN n.primary_ord <> n.ord AND n.primary_hash IS DISTINCT FROM n.request_hash
                     THEN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                              format('bank reference %s/%s appears earlier in the batch with other content', n.bank_code, n.bank_ref)) END),
            CASE WHEN n.primary_ord = n.ord THEN
                jsonb_build_object('collection_id', n.collection_id::text, 'entry_id', n.entry_id::text,
                    'shares', (SELECT coalesce(jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.i), '[]'::jsonb)
                               FROM unnest(n.levels, n.shares) WITH ORDINALITY AS x(level, amount, i))) END
        )::treasury.collection_batch_item ORDER BY n.ord)
    INTO v_items
    FROM n;

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
        SELECT t.bank_code, t.bank_ref, 'COLLECTION', t.amount, t.request_hash, t.new_result, t.entry_id
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
            WHEN w.ord IS NOT NULL THEN i.new_result
            WHEN bt.bank_code IS NULL THEN NULL
            WHEN bt.kind = 'COLLECTION' AND bt.request_hash = i.request_hash THEN bt.result
            ELSE treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                     format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
            END AS outcome
        FROM i
        LEFT JOIN w ON w.ord = i.ord
        LEFT JOIN LATERAL (SELECT y.bank_code, y.kind, y.request_hash, y.result FROM treasury.bank_transactions y
                           WHERE i.result IS NULL AND w.ord IS NULL AND y.bank_code = i.bank_code AND y.bank_ref = i.bank_ref OFFSET 0) bt ON true
        WHERE i.result IS NOT NULL OR i.primary_ord = i.ord
    )
    SELECT jsonb_agg(coalesce(pr.outcome, pp.outcome) ORDER BY i.ord) INTO v_results
    FROM i
    LEFT JOIN prim pr ON pr.ord = i.ord
    LEFT JOIN prim pp ON pp.ord = i.primary_ord;

    RETURN jsonb_build_object('results', v_results);
END
$$;

------------------------------------------------------------------------------
-- Statement-level checks: one index probe per distinct key, whatever the table size
------------------------------------------------------------------------------
-- The 0011/0013 statement checks joined the transition table to the whole
-- referenced table; the planner chose a hash join over a sequential scan
-- (always, inside record_collections, whose insert statement runs with nested
-- loops off, and the AFTER statement triggers run inside that statement), so
-- their cost grew with journal_entries and collections (67 ms per statement at
-- 100,000 entries, measured). Each distinct key is now looked up by its index
-- (LATERAL ... OFFSET 0 cannot be flattened into a hash join): the cost
-- depends only on the statement's rows. Same queries otherwise, same locks
-- (FOR KEY SHARE per referenced row), same errors.
CREATE OR REPLACE FUNCTION treasury.fk_check_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a         text;
    p         text[];
    v_missing text;
BEGIN
    FOREACH a IN ARRAY TG_ARGV LOOP
        p := string_to_array(a, '|');  -- constraint, column, referenced table, referenced column
        EXECUTE format(
            'SELECT n.v::text FROM (SELECT DISTINCT r.%1$I AS v FROM new_rows r WHERE r.%1$I IS NOT NULL) n
             LEFT JOIN LATERAL (SELECT x.%3$I AS k FROM %2$s x WHERE x.%3$I = n.v OFFSET 0 FOR KEY SHARE OF x) l ON true
             WHERE l.k IS NULL LIMIT 1', p[2], p[3], p[4]) INTO v_missing;
        IF v_missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, p[1]
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = p[1], SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                      DETAIL = format('Key (%s)=(%s) is not present in table "%s".', p[2], v_missing, p[3]);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION treasury.journal_lines_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_entry bigint;
    v_gl    text;
    v_sub   boolean;
BEGIN
    SELECT n.entry_id INTO v_entry
    FROM (SELECT DISTINCT x.entry_id FROM new_lines x) n
    JOIN LATERAL (SELECT e.created_txid FROM treasury.journal_entries e WHERE e.id = n.entry_id OFFSET 0) e ON true
    WHERE e.created_txid <> pg_current_xact_id()
    ORDER BY n.entry_id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('entry_closed_for_lines',
            format('journal entry %s was posted by an earlier transaction: it cannot gain lines (post a new entry instead)', v_entry), 'journal_lines');
    END IF;
    SELECT g.code, g.subledger INTO v_gl, v_sub
    FROM (SELECT DISTINCT x.gl_account, x.account_no IS NOT NULL AS has_account FROM new_lines x) n
    JOIN treasury.gl_accounts g ON g.code = n.gl_account
    WHERE g.subledger <> n.has_account
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('line_subledger',
            format('a line on GL %s %s an account_no', v_gl, CASE WHEN v_sub THEN 'needs' ELSE 'must not have' END), 'journal_lines');
    END IF;
    IF EXISTS (SELECT 1 FROM new_lines) THEN
        PERFORM treasury.arm_deferred_check('entry_balanced');
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION treasury.collection_shares_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT n.collection_id INTO v_id
    FROM (SELECT DISTINCT r.collection_id FROM new_rows r) n
    LEFT JOIN LATERAL (SELECT c.created_txid FROM treasury.collections c WHERE c.id = n.collection_id OFFSET 0) c ON true
    WHERE c.created_txid IS DISTINCT FROM pg_current_xact_id()
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('collection_closed_for_shares',
            format('collection %s was recorded by an earlier transaction: its shares are final', v_id), 'collection_shares');
    END IF;
    RETURN NULL;
END
$$;

------------------------------------------------------------------------------
-- bank_transactions: its foreign keys per statement (as 0013 did for the journal)
------------------------------------------------------------------------------
-- bank_code -> banks, entry_id -> journal_entries, account_no -> accounts were
-- three built-in row-level checks, one query and one row lock per inserted row
-- (~30 ms per 1000 collections). bank_transactions is append-only
-- (ledger_append_only refuses UPDATE, DELETE and TRUNCATE for every role), so
-- INSERT is the only way a row gets a key: the statement trigger fk_checks
-- (fk_check_insert) holds the same rule with the same error and lock. The
-- referenced side (banks, journal_entries, accounts) already has the 0013 guards
-- z_fk_referenced / z_fk_referenced_truncate; the bank_transactions constraints
-- are appended to their arguments, so the rules they already report keep
-- reporting first.
DO $$
DECLARE
    r       record;
    v_child text[] := '{}';
    v_par   jsonb := '{}';
    k       text;
    v_args  text[];
BEGIN
    FOR r IN
        SELECT c.conname, a.attname AS col, c.confrelid::regclass::text AS parent, pa.attname AS pcol
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND NOT c.condeferrable AND cardinality(c.conkey) = 1
          AND c.conrelid = 'treasury.bank_transactions'::regclass
        ORDER BY c.conname
    LOOP
        EXECUTE format('ALTER TABLE treasury.bank_transactions DROP CONSTRAINT %I', r.conname);
        v_child := v_child || concat_ws('|', r.conname, r.col, r.parent, r.pcol);
        v_par := jsonb_set(v_par, ARRAY[r.parent], coalesce(v_par->r.parent, '[]') || to_jsonb(concat_ws('|', r.conname, 'treasury.bank_transactions', r.col, r.pcol)));
    END LOOP;
    IF cardinality(v_child) <> 3 THEN
        RAISE EXCEPTION '0014: expected the 3 foreign keys of bank_transactions, found %', cardinality(v_child);
    END IF;
    EXECUTE format('CREATE TRIGGER fk_checks AFTER INSERT ON treasury.bank_transactions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.fk_check_insert(%s)',
                   (SELECT string_agg(quote_literal(x), ', ') FROM unnest(v_child) x));
    FOR k IN SELECT jsonb_object_keys(v_par) LOOP
        -- Existing arguments of the parent's guard (0013), then the new ones.
        SELECT coalesce((SELECT array_agg(x ORDER BY n) FROM unnest(string_to_array(encode(t.tgargs, 'escape'), '\000')) WITH ORDINALITY AS u(x, n) WHERE x <> ''), '{}')
        INTO v_args
        FROM pg_trigger t WHERE t.tgrelid = k::regclass AND t.tgname = 'z_fk_referenced';
        v_args := coalesce(v_args, '{}') || ARRAY(SELECT jsonb_array_elements_text(v_par->k));
        EXECUTE format('DROP TRIGGER IF EXISTS z_fk_referenced ON %s', k);
        EXECUTE format('DROP TRIGGER IF EXISTS z_fk_referenced_truncate ON %s', k);
        EXECUTE format('CREATE TRIGGER z_fk_referenced BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION treasury.fk_check_referenced(%s)',
                       k, (SELECT string_agg(quote_literal(x), ', ') FROM unnest(v_args) x));
        EXECUTE format('CREATE TRIGGER z_fk_referenced_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION treasury.fk_check_referenced(%s)',
                       k, (SELECT string_agg(quote_literal(x), ', ') FROM unnest(v_args) x));
    END LOOP;
END
$$;

------------------------------------------------------------------------------
-- collections_bank_transaction: one deferred check per transaction
------------------------------------------------------------------------------
-- The deferrable foreign key collections (bank_code, bank_ref, bank_kind) ->
-- bank_transactions (bank_code, bank_ref, kind) ran one query and one row lock
-- per collection at COMMIT (~17 ms per 1000). It becomes a deferred check of
-- the 0013 kind: the statement trigger collections_arm_bank_check arms it in
-- deferred_checks; at COMMIT (or SET CONSTRAINTS treasury.collections_bank_transaction
-- IMMEDIATE) the constraint trigger of the same name checks every collection
-- the transaction recorded (created_txid, forced by collections_before_insert)
-- with one index probe each, takes FOR KEY SHARE on each bank_transactions row
-- (the built-in check's lock) and raises 23503 collections_bank_transaction,
-- as before. Collections are append-only (INSERT is the only way a row gets a
-- bank key), and so is bank_transactions (ledger_append_only refuses every
-- UPDATE, DELETE and TRUNCATE, before any referenced-side check could run).
-- Armed before collection_shares_sum (trigger names sort so), so that it is
-- still checked first at COMMIT, as the row-level foreign key was.
ALTER TABLE treasury.collections DROP CONSTRAINT collections_bank_transaction;
ALTER TABLE treasury.deferred_checks DROP CONSTRAINT deferred_checks_rule_check;
ALTER TABLE treasury.deferred_checks ADD CONSTRAINT deferred_checks_rule_check
    CHECK (rule IN ('entry_balanced', 'collection_shares_sum', 'collections_bank_transaction'));
COMMENT ON COLUMN treasury.deferred_checks.rule IS 'entry_balanced, collection_shares_sum or collections_bank_transaction (0014): the deferred constraint trigger the row queued.';

CREATE FUNCTION treasury.collections_bank_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_code text;
    v_ref  text;
    v_kind text;
BEGIN
    SELECT c.bank_code, c.bank_ref, c.bank_kind INTO v_code, v_ref, v_kind
    FROM treasury.collections c
    LEFT JOIN LATERAL (SELECT true AS found FROM treasury.bank_transactions b
                       WHERE b.bank_code = c.bank_code AND b.bank_ref = c.bank_ref AND b.kind = c.bank_kind
                       OFFSET 0 FOR KEY SHARE OF b) b ON true
    WHERE c.created_txid = pg_current_xact_id() AND b.found IS NULL
    ORDER BY c.id
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "collections" violates foreign key constraint "collections_bank_transaction"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'collections_bank_transaction', SCHEMA = 'treasury', TABLE = 'collections',
                  DETAIL = format('Key (bank_code, bank_ref, bank_kind)=(%s, %s, %s) is not present in table "bank_transactions".', v_code, v_ref, v_kind);
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'collections_bank_transaction';
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collections_bank_check() IS 'Deferred constraint trigger function (collections_bank_transaction on deferred_checks): at COMMIT every collection recorded by the transaction has its (bank_code, bank_ref, bank_kind) as a row of bank_transactions (locked FOR KEY SHARE), else 23503 collections_bank_transaction; then the deferred_checks row is removed so a later statement re-arms it.';

CREATE CONSTRAINT TRIGGER collections_bank_transaction AFTER INSERT ON treasury.deferred_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.rule = 'collections_bank_transaction')
    EXECUTE FUNCTION treasury.collections_bank_check();

CREATE FUNCTION treasury.collections_arm_bank_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) THEN
        PERFORM treasury.arm_deferred_check('collections_bank_transaction');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collections_arm_bank_check() IS 'Statement trigger function on collections: arms the deferred collections_bank_transaction check of the transaction when the statement inserted rows.';
CREATE TRIGGER collections_arm_bank_check AFTER INSERT ON treasury.collections
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collections_arm_bank_check();
