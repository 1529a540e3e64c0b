-- Revenue: sharing rules between budget levels (versioned by fiscal year),
-- collections with their shares, refunds with theirs, bank statements and their
-- reconciliation against the day's collections and deposits.
-- Rule 5 of API.md (shares sum to 10000 basis points; refunds never exceed their
-- collection) holds for every writer. The split itself is computed by the
-- service or by record_collections with the rule of split_amount, and checked
-- here at COMMIT. Ledger convention in docs/schema.md: a collection is Dr 1130 /
-- Cr 7111 per level; a refund Dr 7111 per level / Cr 1130. None of these lines
-- names an account_no, so no shared balance row is updated: the write path has
-- no hot row.
-- The collection_shares_sum check runs once per transaction over every
-- collection it recorded: the statement triggers of collections and
-- collection_shares arm it in deferred_checks (see the ledger file), whose
-- deferred constraint trigger runs it at COMMIT.
-- The revenue_summary view is in the views and reports file; the verify()
-- checks of this area are in the verify file.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- split_amount: the one rounding rule
------------------------------------------------------------------------------
CREATE FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks int[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v_n      int := coalesce(array_length(p_weights, 1), 0);
    v_total  numeric := 0;
    v_result bigint[] := ARRAY[]::bigint[];
    v_given  bigint := 0;
    v_best   int := 0;
    v_share  bigint;
BEGIN
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION 'split_amount: amount must be >= 0, got %', p_amount USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_n = 0 OR coalesce(array_length(p_ranks, 1), 0) <> v_n THEN
        RAISE EXCEPTION 'split_amount: weights and ranks must be non-empty arrays of the same length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        IF p_weights[i] IS NULL OR p_weights[i] < 0 OR p_ranks[i] IS NULL THEN
            RAISE EXCEPTION 'split_amount: weight % is % (must be >= 0), rank %', i, p_weights[i], p_ranks[i] USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_total := v_total + p_weights[i];
        -- The remainder goes to the largest weight; ties to the higher level (smaller rank), then the first.
        IF v_best = 0 OR p_weights[i] > p_weights[v_best]
           OR (p_weights[i] = p_weights[v_best] AND p_ranks[i] < p_ranks[v_best]) THEN
            v_best := i;
        END IF;
    END LOOP;
    IF v_total = 0 THEN
        RAISE EXCEPTION 'split_amount: the weights sum to 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        -- div() is the exact integer quotient: a numeric division is rounded at the scale
        -- PostgreSQL picks for its result (about 16 significant digits), so floor(a / b) could be
        -- one đồng high for large amounts. Operands are >= 0, so div() is the floor.
        v_share := div(p_amount::numeric * p_weights[i], v_total)::bigint;
        v_result := v_result || v_share;
        v_given := v_given + v_share;
    END LOOP;
    v_result[v_best] := v_result[v_best] + (p_amount - v_given);
    RETURN v_result;
END
$$;
COMMENT ON FUNCTION treasury.split_amount(bigint, bigint[], int[]) IS
'The split rule of revenue sharing: share[i] = floor(amount * weight[i] / sum(weights)) computed exactly (div on numeric); the remainder goes to the largest weight, ties to the smaller rank (the higher budget level, CENTRAL = 1), then to the first. For a collection weights = basis points (sum 10000); for a refund weights = the collection''s share amounts (sum = collected). The result sums to amount exactly. 22023 on empty or mismatched arrays, negative weights or a zero sum.';

------------------------------------------------------------------------------
-- Helpers of the write path
------------------------------------------------------------------------------
-- revenue_error is PL/pgSQL, not SQL: a non-inlined SQL function's body is
-- parsed and planned again on every execution of the calling statement, where
-- PL/pgSQL prepares its statements once per session.
CREATE FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object('code', p_code, 'reason', p_reason, 'message', p_message, 'field', p_field)));
END
$$;
COMMENT ON FUNCTION treasury.revenue_error(text, text, text, text) IS 'The per-item error object of record_collections and record_refund: {"error": {"code", "reason", "message", "field"?}} (field relative to the item, e.g. "amount", "payer.name").';

CREATE FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.n), '[]'::jsonb)
    FROM unnest(p_levels, p_amounts) WITH ORDINALITY AS x(level, amount, n)
$$;
COMMENT ON FUNCTION treasury.shares_json(text[], bigint[]) IS 'Shares as the API lists them: [{"budget_level", "amount" (decimal string)}], in the given order (level rank).';

CREATE FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text,
    p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws(E'\n', 'COLLECTION', p_collected_on, coalesce(p_payer_tax_id, ''), p_payer_name, coalesce(p_revenue_id, ''),
                     p_chapter, p_economic_code, p_area_code, p_treasury_code, p_amount)
$$;
COMMENT ON FUNCTION treasury.collection_content(text, text, text, text, text, text, text, text, text) IS
'Canonical content of a collection request (collected_on YYYY-MM-DD, payer tax id or empty, payer name, revenue id or empty, chapter, economic code, area, treasury, amount as plain decimal digits), joined by newlines after the word COLLECTION. bank_transactions.request_hash = sha256(convert_to(content, ''UTF8'')): every path that records a collection must compute it so (parse_collections writes this expression out in its query), so a replay through either path returns the first result.';

------------------------------------------------------------------------------
-- Sharing rules
------------------------------------------------------------------------------
CREATE TABLE treasury.sharing_rules (
    id            bigserial PRIMARY KEY,
    fiscal_year   int NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    economic_code text NOT NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    area_code     text NULL REFERENCES treasury.areas (code),
    area_key      text GENERATED ALWAYS AS (coalesce(area_code, '*')) STORED,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint NULL REFERENCES treasury.users (id),
    CONSTRAINT sharing_rules_key UNIQUE (fiscal_year, economic_code, area_key)
);
COMMENT ON TABLE treasury.sharing_rules IS 'Revenue sharing rule per fiscal year, economic code and area (NULL area = every area; a rule with the area wins, see sharing_rule_for). Its shares are sharing_rule_shares (rule 5: they sum to 10000 basis points, sharing_rule_shares_sum, checked at commit). Upsert on (fiscal_year, economic_code, area_key); rows are never deleted and their key never changes.';
COMMENT ON COLUMN treasury.sharing_rules.id IS 'Rule id; collections record the rule they used.';
COMMENT ON COLUMN treasury.sharing_rules.fiscal_year IS 'Fiscal year the ratios apply to (of the collection''s accounting date). Immutable.';
COMMENT ON COLUMN treasury.sharing_rules.economic_code IS 'Economic content code (tieu muc) of the revenue. Immutable.';
COMMENT ON COLUMN treasury.sharing_rules.area_code IS 'Area the rule is for; NULL = all areas (a fallback). Immutable.';
COMMENT ON COLUMN treasury.sharing_rules.area_key IS 'Generated: area_code, or ''*'' for NULL, so that the key (fiscal_year, economic_code, area_key) is unique with a NULL area too. ON CONFLICT target.';
COMMENT ON COLUMN treasury.sharing_rules.created_at IS 'When the rule was first put.';
COMMENT ON COLUMN treasury.sharing_rules.created_by IS 'Who first put the rule.';
COMMENT ON COLUMN treasury.sharing_rules.updated_at IS 'When the shares were last replaced (set by the upsert).';
COMMENT ON COLUMN treasury.sharing_rules.updated_by IS 'Who last replaced the shares.';

CREATE TABLE treasury.sharing_rule_shares (
    rule_id      bigint NOT NULL REFERENCES treasury.sharing_rules (id),
    budget_level text NOT NULL REFERENCES treasury.budget_levels (code),
    basis_points int NOT NULL CONSTRAINT sharing_rule_share_range CHECK (basis_points BETWEEN 0 AND 10000),
    PRIMARY KEY (rule_id, budget_level)
);
COMMENT ON TABLE treasury.sharing_rule_shares IS 'Share of each budget level in a sharing rule, in basis points (1/10000). Rule 5 sharing_rule_shares_sum: a rule''s shares sum to exactly 10000, checked at COMMIT, so replacing them (DELETE the rule''s shares, INSERT the new ones, in one transaction) is possible.';
COMMENT ON COLUMN treasury.sharing_rule_shares.rule_id IS 'The rule.';
COMMENT ON COLUMN treasury.sharing_rule_shares.budget_level IS 'Budget level receiving the share.';
COMMENT ON COLUMN treasury.sharing_rule_shares.basis_points IS 'Share in basis points, 0..10000 (0 keeps the level listed with a zero share).';

CREATE FUNCTION treasury.sharing_rules_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.updated_at := now();
        NEW.updated_by := coalesce(NEW.updated_by, NEW.created_by);
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.fiscal_year IS DISTINCT FROM OLD.fiscal_year
       OR NEW.economic_code IS DISTINCT FROM OLD.economic_code OR NEW.area_code IS DISTINCT FROM OLD.area_code
       OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
        PERFORM treasury.raise_rule('sharing_rule_immutable_fields',
            format('sharing rule %s: id, fiscal_year, economic_code, area_code, created_at and created_by never change (put a new rule instead)', OLD.id),
            'sharing_rules');
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.sharing_rules_guard() IS 'Trigger function on sharing_rules: forces created_at/updated_at; only updated_at and updated_by change (sharing_rule_immutable_fields).';
CREATE TRIGGER sharing_rules_guard BEFORE INSERT OR UPDATE ON treasury.sharing_rules
    FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rules_guard();
CREATE TRIGGER sharing_rule_no_delete BEFORE DELETE ON treasury.sharing_rules
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_no_delete');
CREATE TRIGGER sharing_rule_no_delete_truncate BEFORE TRUNCATE ON treasury.sharing_rules
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_no_delete');

-- Deferred: at COMMIT the rule's shares sum to 10000. It locks the rule row
-- first, so two transactions changing one rule's shares serialise and the
-- second sums what the first committed (READ COMMITTED: each statement here
-- takes a fresh snapshot). SECURITY DEFINER: treasury_app may not lock rules.
CREATE FUNCTION treasury.sharing_rule_shares_sum_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_rule_id bigint;
    v_sum     bigint;
    v_count   int;
BEGIN
    IF TG_TABLE_NAME = 'sharing_rules' THEN
        v_rule_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        v_rule_id := OLD.rule_id;
    ELSE
        v_rule_id := NEW.rule_id;
    END IF;
    PERFORM 1 FROM treasury.sharing_rules r WHERE r.id = v_rule_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(s.basis_points), 0), count(*) INTO v_sum, v_count
    FROM treasury.sharing_rule_shares s WHERE s.rule_id = v_rule_id;
    IF v_sum <> 10000 THEN
        PERFORM treasury.raise_rule('sharing_rule_shares_sum',
            format('sharing rule %s: its %s share(s) sum to %s basis points, not 10000 (checked at commit)', v_rule_id, v_count, v_sum),
            'sharing_rule_shares');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.sharing_rule_shares_sum_check() IS 'Deferred constraint trigger function: at commit a sharing rule (new, or whose shares changed) has shares summing to exactly 10000 basis points (sharing_rule_shares_sum). Locks the rule row first so concurrent changes serialise.';
CREATE CONSTRAINT TRIGGER sharing_rule_shares_sum AFTER INSERT ON treasury.sharing_rules
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rule_shares_sum_check();
CREATE CONSTRAINT TRIGGER sharing_rule_shares_sum AFTER INSERT OR UPDATE OR DELETE ON treasury.sharing_rule_shares
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rule_shares_sum_check();
CREATE TRIGGER sharing_rule_shares_no_truncate BEFORE TRUNCATE ON treasury.sharing_rule_shares
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_shares_sum');

-- PL/pgSQL, not SQL: its sub-select keeps PostgreSQL from inlining it, and a
-- non-inlined SQL function is planned again on every execution of the calling
-- statement. validate_collections calls it once per distinct (economic code, area).
CREATE FUNCTION treasury.sharing_rule_for(p_fiscal_year int, p_economic_code text, p_area_code text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT r.id FROM treasury.sharing_rules r
            WHERE r.fiscal_year = p_fiscal_year AND r.economic_code = p_economic_code
              AND r.area_key IN (coalesce(p_area_code, '*'), '*')
            ORDER BY r.area_key = '*'
            LIMIT 1);
END
$$;
COMMENT ON FUNCTION treasury.sharing_rule_for(int, text, text) IS 'The sharing rule for a collection: the rule of that fiscal year and economic code for exactly that area, else the one for all areas (area NULL); NULL when there is none (NO_SHARING_RULE).';

------------------------------------------------------------------------------
-- Collections
------------------------------------------------------------------------------
CREATE TABLE treasury.collections (
    id              bigserial PRIMARY KEY,
    bank_code       text NOT NULL REFERENCES treasury.banks (code),
    bank_ref        text NOT NULL CHECK (length(bank_ref) BETWEEN 1 AND 64),
    bank_kind       text NOT NULL DEFAULT 'COLLECTION' CHECK (bank_kind = 'COLLECTION'),
    collected_on    date NOT NULL,
    payer_tax_id    text NULL CHECK (length(payer_tax_id) BETWEEN 1 AND 20),
    payer_name      text NOT NULL CHECK (length(payer_name) BETWEEN 1 AND 200),
    revenue_id      text NULL CHECK (length(revenue_id) BETWEEN 1 AND 64),
    chapter         text NOT NULL CHECK (chapter ~ '^[0-9A-Z]{1,10}$'),
    economic_code   text NOT NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    area_code       text NOT NULL REFERENCES treasury.areas (code),
    treasury_code   text NOT NULL REFERENCES treasury.treasuries (code),
    amount          bigint NOT NULL CONSTRAINT collection_amount_range CHECK (amount > 0 AND amount <= 1000000000000000000),
    sharing_rule_id bigint NOT NULL REFERENCES treasury.sharing_rules (id),
    entry_id        bigint NOT NULL REFERENCES treasury.journal_entries (id),
    dossier_id      bigint NULL REFERENCES treasury.dossiers (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      bigint NULL REFERENCES treasury.users (id),
    created_txid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT collections_bank_key UNIQUE (bank_code, bank_ref),
    -- The target is the unique index bank_transactions_key_kind_idx (ledger file).
    CONSTRAINT collections_bank_transaction FOREIGN KEY (bank_code, bank_ref, bank_kind)
        REFERENCES treasury.bank_transactions (bank_code, bank_ref, kind) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX collections_bank_day_idx ON treasury.collections (bank_code, collected_on);
CREATE INDEX collections_entry_idx ON treasury.collections (entry_id);
-- The collections of one transaction (created_txid is forced by collections_before_insert):
-- the COMMIT check collection_shares_sum reads them by it.
CREATE INDEX collections_created_txid_idx ON treasury.collections (created_txid);
COMMENT ON TABLE treasury.collections IS 'Budget revenue collected by a commercial bank (or registered by an officer): one journal entry each (Dr 1130 / Cr 7111 per level). Shares in collection_shares (collection_shares_sum, collection_shares_split at commit). (bank_code, bank_ref) is unique and is a COLLECTION row of bank_transactions (foreign key checked at commit). Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.collections.id IS 'Collection id (collection_id in the API).';
COMMENT ON COLUMN treasury.collections.bank_code IS 'Bank that collected the money.';
COMMENT ON COLUMN treasury.collections.bank_ref IS 'The bank''s reference, 1-64 characters; (bank_code, bank_ref) is unique.';
COMMENT ON COLUMN treasury.collections.bank_kind IS 'Always COLLECTION: with bank_code and bank_ref the foreign key to bank_transactions (bank_code, bank_ref, kind).';
COMMENT ON COLUMN treasury.collections.collected_on IS 'Day the bank collected the money (its value date); reconciliation matches statements by it.';
COMMENT ON COLUMN treasury.collections.payer_tax_id IS 'Payer''s tax id, when given.';
COMMENT ON COLUMN treasury.collections.payer_name IS 'Payer''s name.';
COMMENT ON COLUMN treasury.collections.revenue_id IS 'Revenue identification code issued by the tax or customs authority, when given.';
COMMENT ON COLUMN treasury.collections.chapter IS 'Chapter (chuong) of the payer; segment of the 7111 lines.';
COMMENT ON COLUMN treasury.collections.economic_code IS 'Economic content code (tieu muc) of the revenue; selects the sharing rule.';
COMMENT ON COLUMN treasury.collections.area_code IS 'Area of the revenue; selects the sharing rule.';
COMMENT ON COLUMN treasury.collections.treasury_code IS 'Treasury whose books take the collection (entry treasury).';
COMMENT ON COLUMN treasury.collections.amount IS 'Collected amount in minor units, 1..10^18.';
COMMENT ON COLUMN treasury.collections.sharing_rule_id IS 'Sharing rule used for the split (the shares must be its split, collection_shares_split).';
COMMENT ON COLUMN treasury.collections.entry_id IS 'Journal entry of the collection.';
COMMENT ON COLUMN treasury.collections.dossier_id IS 'REVENUE_COLLECTION dossier when an officer recorded it; NULL when forwarded by a bank.';
COMMENT ON COLUMN treasury.collections.created_at IS 'When it was recorded (forced to now()).';
COMMENT ON COLUMN treasury.collections.created_by IS 'User who recorded it.';
COMMENT ON COLUMN treasury.collections.created_txid IS 'Transaction that recorded it (forced); only that transaction may add its shares (collection_closed_for_shares).';

CREATE TABLE treasury.collection_shares (
    collection_id bigint NOT NULL REFERENCES treasury.collections (id),
    budget_level  text NOT NULL REFERENCES treasury.budget_levels (code),
    amount        bigint NOT NULL CONSTRAINT collection_share_non_negative CHECK (amount >= 0),
    PRIMARY KEY (collection_id, budget_level)
);
COMMENT ON TABLE treasury.collection_shares IS 'Share of a collection per budget level of its rule (zero shares included). They sum to the collection amount (collection_shares_sum) and are exactly split_amount(amount, the rule''s basis points, ranks) (collection_shares_split), checked at commit. Append-only.';
COMMENT ON COLUMN treasury.collection_shares.collection_id IS 'The collection.';
COMMENT ON COLUMN treasury.collection_shares.budget_level IS 'Budget level receiving the share.';
COMMENT ON COLUMN treasury.collection_shares.amount IS 'Share in minor units, >= 0.';

-- Forces created_at and created_txid on collections (refunds_before_insert does the
-- same for refunds).
CREATE FUNCTION treasury.revenue_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.revenue_before_insert() IS 'Trigger function on collections (collections_before_insert): forces created_at = now() and created_txid = the current transaction.';
CREATE TRIGGER collections_before_insert BEFORE INSERT ON treasury.collections
    FOR EACH ROW EXECUTE FUNCTION treasury.revenue_before_insert();

-- Statement level: new shares only for collections of this transaction. Each
-- distinct collection is probed by its index (LATERAL ... OFFSET 0 is never a hash
-- join over the whole table), so the cost depends only on the statement's rows.
CREATE FUNCTION treasury.collection_shares_after_insert() RETURNS trigger
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
COMMENT ON FUNCTION treasury.collection_shares_after_insert() IS 'Statement trigger function: shares are only added by the transaction that recorded the collection (collection_closed_for_shares).';
CREATE TRIGGER collection_shares_after_insert AFTER INSERT ON treasury.collection_shares
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collection_shares_after_insert();

-- The detailed check of one collection, for the message: the COMMIT check below
-- finds the first collection that fails and passes it here.
CREATE FUNCTION treasury.collection_shares_verify(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_amount   bigint;
    v_rule     bigint;
    v_sum      numeric;
    v_levels   text[];
    v_amounts  bigint[];
    v_rlevels  text[];
    v_bp       bigint[];
    v_ranks    int[];
BEGIN
    SELECT c.amount, c.sharing_rule_id INTO v_amount, v_rule FROM treasury.collections c WHERE c.id = p_id;
    SELECT coalesce(sum(s.amount), 0), array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank)
    INTO v_sum, v_levels, v_amounts
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = p_id;
    IF v_sum <> v_amount THEN
        PERFORM treasury.raise_rule('collection_shares_sum',
            format('collection %s: shares sum to %s, not the collected amount %s (checked at commit)', p_id, v_sum, v_amount),
            'collection_shares');
    END IF;
    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.basis_points::bigint ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_rlevels, v_bp, v_ranks
    FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.rule_id = v_rule;
    IF v_rlevels IS NULL OR v_levels IS DISTINCT FROM v_rlevels
       OR v_amounts IS DISTINCT FROM treasury.split_amount(v_amount, v_bp, v_ranks) THEN
        PERFORM treasury.raise_rule('collection_shares_split',
            format('collection %s: shares %s of %s are not the split %s of rule %s (levels %s, basis points %s): floor(amount * bp / 10000), remainder to the most basis points, ties to the higher level',
                   p_id, v_amounts, v_levels, CASE WHEN v_rlevels IS NULL THEN NULL ELSE treasury.split_amount(v_amount, v_bp, v_ranks) END,
                   v_rule, v_rlevels, v_bp),
            'collection_shares');
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.collection_shares_verify(bigint) IS 'Checks one collection: its shares sum to the amount (collection_shares_sum) and are exactly split_amount(amount, the rule''s basis points, ranks) over every level of the rule (collection_shares_split); raises 23514 naming the rule, else returns.';

-- collection_shares_sum / collection_shares_split: one set-based check per
-- transaction over every collection it recorded (shares only join collections of
-- their own transaction, collection_closed_for_shares). PostgreSQL allows no
-- transition table on a deferrable constraint trigger, so the statement triggers
-- of collections and collection_shares arm it: they insert (txid,
-- 'collection_shares_sum') into deferred_checks, whose deferred constraint trigger
-- collection_shares_sum runs this at COMMIT (or at once under SET CONSTRAINTS ...
-- IMMEDIATE) and deletes the row, so a later statement arms it again.
-- The expected split is computed for all collections in one query (the rule of
-- split_amount: floor(amount * bp / total) by exact integer division, the
-- remainder to the largest basis points, ties to the higher level, i.e. the
-- smaller rank, which is unique) and compared with the stored shares by a full
-- join; shares and rule levels are read by index (LATERAL ... OFFSET 0), so the
-- cost does not grow with the tables.
-- enable_seqscan = off for the reason entries_balanced_check gives (0004).
CREATE FUNCTION treasury.collections_shares_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $$
DECLARE
    v_id bigint;
BEGIN
    WITH c AS MATERIALIZED (
        SELECT c.id, c.amount, c.sharing_rule_id FROM treasury.collections c WHERE c.created_txid = pg_current_xact_id()
    ), r AS MATERIALIZED (
        -- Each rule's levels: basis points, their total, and the one level that takes the remainder.
        SELECT s.rule_id, s.budget_level, s.basis_points::numeric AS bp,
               sum(s.basis_points::numeric) OVER (PARTITION BY s.rule_id) AS total,
               row_number() OVER (PARTITION BY s.rule_id ORDER BY s.basis_points DESC, l.rank) = 1 AS takes_remainder
        FROM (SELECT DISTINCT c.sharing_rule_id FROM c) k
        JOIN LATERAL (SELECT * FROM treasury.sharing_rule_shares s WHERE s.rule_id = k.sharing_rule_id OFFSET 0) s ON true
        JOIN treasury.budget_levels l ON l.code = s.budget_level
    ), e AS (
        SELECT c.id, r.budget_level, c.amount, r.takes_remainder,
               CASE WHEN r.total > 0 THEN div(c.amount::numeric * r.bp, r.total) END AS base
        FROM c JOIN r ON r.rule_id = c.sharing_rule_id
    ), expected AS (
        SELECT e.id, e.budget_level,
               e.base + CASE WHEN e.takes_remainder THEN e.amount - sum(e.base) OVER (PARTITION BY e.id) ELSE 0 END AS amount
        FROM e
    ), stored AS (
        SELECT s.collection_id AS id, s.budget_level, s.amount::numeric AS amount
        FROM c JOIN LATERAL (SELECT * FROM treasury.collection_shares s WHERE s.collection_id = c.id OFFSET 0) s ON true
    )
    SELECT min(x.id) INTO v_id FROM (
        SELECT coalesce(x.id, y.id) AS id
        FROM expected x FULL JOIN stored y ON y.id = x.id AND y.budget_level = x.budget_level
        WHERE x.amount IS NULL OR y.amount IS NULL OR x.amount <> y.amount
        UNION ALL
        SELECT c.id FROM c WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.rule_id = c.sharing_rule_id)
    ) x;
    IF v_id IS NOT NULL THEN
        PERFORM treasury.collection_shares_verify(v_id);
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'collection_shares_sum';
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collections_shares_check() IS 'Deferred constraint trigger function (collection_shares_sum on deferred_checks): at COMMIT every collection recorded by the transaction has exactly its rule''s split as shares (floor(amount * bp / total), remainder to the most basis points, ties to the smaller rank), computed for all of them in one set-based query and compared with the stored shares; the first collection that differs goes to collection_shares_verify, which raises collection_shares_sum or collection_shares_split. Then the deferred_checks row is removed so a later statement re-arms it.';

CREATE CONSTRAINT TRIGGER collection_shares_sum AFTER INSERT ON treasury.deferred_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.rule = 'collection_shares_sum')
    EXECUTE FUNCTION treasury.collections_shares_check();

CREATE FUNCTION treasury.collections_arm_shares_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) AND NOT treasury.deferred_check_armed('collection_shares_sum') THEN
        PERFORM treasury.arm_deferred_check('collection_shares_sum');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collections_arm_shares_check() IS 'Statement trigger function on collections and collection_shares: arms the deferred collection_shares_sum check of the transaction when the statement inserted rows.';
CREATE TRIGGER collections_arm_shares_check AFTER INSERT ON treasury.collections
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collections_arm_shares_check();
CREATE TRIGGER collection_shares_arm_check AFTER INSERT ON treasury.collection_shares
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collections_arm_shares_check();

------------------------------------------------------------------------------
-- Refunds
------------------------------------------------------------------------------
CREATE TABLE treasury.refunds (
    id            bigserial PRIMARY KEY,
    collection_id bigint NOT NULL REFERENCES treasury.collections (id),
    amount        bigint NOT NULL CONSTRAINT refund_amount_range CHECK (amount > 0 AND amount <= 1000000000000000000),
    decision_no   text NOT NULL CHECK (length(decision_no) BETWEEN 1 AND 64),
    reason        text NULL CHECK (length(reason) <= 500),
    entry_id      bigint NOT NULL REFERENCES treasury.journal_entries (id),
    dossier_id    bigint NULL REFERENCES treasury.dossiers (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id),
    created_txid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT refunds_decision_no_key UNIQUE (decision_no)
);
CREATE INDEX refunds_collection_idx ON treasury.refunds (collection_id);
COMMENT ON TABLE treasury.refunds IS 'Refunds of revenue ordered by the competent authority: each reverses part of one collection in proportion to its actual shares (Dr 7111 per level / Cr 1130). Rule 5 refund_within_collection: the refunds of a collection never exceed it (the collection row is locked, so concurrent refunds serialise). Append-only.';
COMMENT ON COLUMN treasury.refunds.id IS 'Refund id (refund_id in the API).';
COMMENT ON COLUMN treasury.refunds.collection_id IS 'The collection refunded.';
COMMENT ON COLUMN treasury.refunds.amount IS 'Refunded amount in minor units, 1..10^18; with earlier refunds at most the collected amount.';
COMMENT ON COLUMN treasury.refunds.decision_no IS 'Number of the refund decision; a business key (unique).';
COMMENT ON COLUMN treasury.refunds.reason IS 'Why, in words.';
COMMENT ON COLUMN treasury.refunds.entry_id IS 'Journal entry of the refund.';
COMMENT ON COLUMN treasury.refunds.dossier_id IS 'REVENUE_REFUND dossier.';
COMMENT ON COLUMN treasury.refunds.created_at IS 'When it was recorded (forced to now()).';
COMMENT ON COLUMN treasury.refunds.created_by IS 'User who recorded it.';
COMMENT ON COLUMN treasury.refunds.created_txid IS 'Transaction that recorded it (forced); only that transaction may add its shares (refund_closed_for_shares).';

CREATE TABLE treasury.refund_shares (
    refund_id    bigint NOT NULL REFERENCES treasury.refunds (id),
    budget_level text NOT NULL REFERENCES treasury.budget_levels (code),
    amount       bigint NOT NULL CONSTRAINT refund_share_non_negative CHECK (amount >= 0),
    PRIMARY KEY (refund_id, budget_level)
);
COMMENT ON TABLE treasury.refund_shares IS 'Share of a refund per budget level of its collection (zero shares included): they sum to the refund (refund_shares_sum) and are split_amount(refund, the collection''s shares, ranks) (refund_shares_split), checked at commit. Append-only.';
COMMENT ON COLUMN treasury.refund_shares.refund_id IS 'The refund.';
COMMENT ON COLUMN treasury.refund_shares.budget_level IS 'Budget level giving the money back.';
COMMENT ON COLUMN treasury.refund_shares.amount IS 'Share in minor units, >= 0.';

-- Locks the collection, then sums its refunds: concurrent refunds of one
-- collection serialise and the second sees the first (READ COMMITTED, the
-- service's level, or SERIALIZABLE). SECURITY DEFINER for the row lock.
CREATE FUNCTION treasury.refunds_before_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_collected bigint;
    v_refunded  numeric;
BEGIN
    NEW.created_at := now();
    NEW.created_txid := pg_current_xact_id();
    SELECT c.amount INTO v_collected FROM treasury.collections c WHERE c.id = NEW.collection_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports the unknown collection
    END IF;
    SELECT coalesce(sum(r.amount), 0) INTO v_refunded FROM treasury.refunds r WHERE r.collection_id = NEW.collection_id;
    IF v_refunded + NEW.amount > v_collected THEN
        PERFORM treasury.raise_rule('refund_within_collection',
            format('refund of %s on collection %s: with %s already refunded it would exceed the collected %s', NEW.amount,
                   NEW.collection_id, v_refunded, v_collected), 'refunds');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.refunds_before_insert() IS 'Trigger function on refunds: forces created_at and created_txid; locks the collection row and refuses a refund that with the earlier ones exceeds the collected amount (refund_within_collection).';
CREATE TRIGGER refunds_before_insert BEFORE INSERT ON treasury.refunds
    FOR EACH ROW EXECUTE FUNCTION treasury.refunds_before_insert();

CREATE FUNCTION treasury.refund_shares_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT n.refund_id INTO v_id
    FROM new_rows n LEFT JOIN treasury.refunds r ON r.id = n.refund_id
    WHERE r.created_txid IS DISTINCT FROM pg_current_xact_id()
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('refund_closed_for_shares',
            format('refund %s was recorded by an earlier transaction: its shares are final', v_id), 'refund_shares');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.refund_shares_after_insert() IS 'Statement trigger function: refund shares are only added by the transaction that recorded the refund (refund_closed_for_shares).';
CREATE TRIGGER refund_shares_after_insert AFTER INSERT ON treasury.refund_shares
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.refund_shares_after_insert();

CREATE FUNCTION treasury.refund_shares_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_amount   bigint;
    v_coll     bigint;
    v_sum      numeric;
    v_levels   text[];
    v_amounts  bigint[];
    v_clevels  text[];
    v_cshares  bigint[];
    v_ranks    int[];
BEGIN
    SELECT r.amount, r.collection_id INTO v_amount, v_coll FROM treasury.refunds r WHERE r.id = NEW.id;
    SELECT coalesce(sum(s.amount), 0), array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank)
    INTO v_sum, v_levels, v_amounts
    FROM treasury.refund_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.refund_id = NEW.id;
    IF v_sum <> v_amount THEN
        PERFORM treasury.raise_rule('refund_shares_sum',
            format('refund %s: shares sum to %s, not the refunded amount %s (checked at commit)', NEW.id, v_sum, v_amount),
            'refund_shares');
    END IF;
    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_clevels, v_cshares, v_ranks
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = v_coll;
    IF v_clevels IS NULL OR v_levels IS DISTINCT FROM v_clevels
       OR v_amounts IS DISTINCT FROM treasury.split_amount(v_amount, v_cshares, v_ranks) THEN
        PERFORM treasury.raise_rule('refund_shares_split',
            format('refund %s: shares %s of %s are not the proportional split %s of collection %s''s shares %s (floor(refund * share / collected), remainder to the largest share, ties to the higher level)',
                   NEW.id, v_amounts, v_levels, CASE WHEN v_clevels IS NULL THEN NULL ELSE treasury.split_amount(v_amount, v_cshares, v_ranks) END,
                   v_coll, v_cshares),
            'refund_shares');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.refund_shares_check() IS 'Deferred constraint trigger function on refunds: at commit the shares sum to the refund (refund_shares_sum) and are exactly split_amount(refund, the collection''s shares, level ranks) over the collection''s levels (refund_shares_split).';
CREATE CONSTRAINT TRIGGER refund_shares_sum AFTER INSERT ON treasury.refunds
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.refund_shares_check();

-- Append-only, like the journal.
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.collections
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.collections
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.collection_shares
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.collection_shares
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.refunds
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.refunds
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.refund_shares
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.refund_shares
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- record_collections: the set-based batch
------------------------------------------------------------------------------
-- record_collections is a pipeline of five functions over one array of
-- collection_batch_item, each step a few set-based statements that fill in the
-- attributes it decides: parse_collections (the JSON as typed rows and the
-- request hash), validate_collections (what only the database can decide),
-- split_collections (the shares and ids of the collections to record),
-- write_collections (the rows) and collection_results (the answers). Handing the
-- array on costs an unnest and an array_agg per step, about 1 us per item,
-- against ~0.2 ms of rows and checks per collection (measured, docs/schema.md).
--
-- The fields' formats are not checked here: the service validates every item
-- (RevenueMethods.collectionFields) and answers INVALID_ARGUMENT with the field's
-- path before any item reaches this function, so a second copy of those checks
-- would only be a second place to keep in step. A direct caller's malformed item
-- still cannot be recorded: it fails the statement, with a cast error here (a
-- collected_on or amount that is not a date or a number) or with the tables'
-- CHECK, NOT NULL or foreign key at the insert.
--
-- The steps are called by record_collections only and run with its settings
-- (a function's SET holds for the functions it calls):
--  * jit = off: the insert statement runs with nested loops off, whose disable
--    cost (10^10) pushes the plan over jit_above_cost; LLVM compilation then took
--    longer than all the work (2.5 s for 1000 items, measured).
--  * plan_cache_mode = force_generic_plan: every statement runs on its generic
--    plan; the custom plans looked cheaper and were planned again on every call.
CREATE TYPE treasury.collection_batch_item AS (
    ord           int,
    bank_code     text,
    bank_ref      text,
    collected_on  date,
    payer_tax_id  text,
    payer_name    text,
    revenue_id    text,
    chapter       text,
    economic_code text,
    area_code     text,
    treasury_code text,
    amount        bigint,
    dossier_id    bigint,
    request_hash  bytea,
    rule_id       bigint,
    first_ord     int,
    answer        jsonb,
    levels        text[],
    shares        bigint[],
    collection_id bigint,
    entry_id      bigint,
    new_result    jsonb
);
COMMENT ON TYPE treasury.collection_batch_item IS 'Working row of record_collections, one per item, filled in step by step: parse_collections sets the request (ord = position from 1 .. request_hash); validate_collections the sharing rule_id, first_ord (the first accepted item of the same bank key: the one recorded) and answer (when already decided: a refusal or a replayed first result); split_collections, for each item to record, its levels, shares, collection_id, entry_id and new_result (its answer once recorded).';

-- jsonb_to_recordset reads each object once. collection_content is written out
-- (PostgreSQL cannot inline it) over the canonical date and amount texts, so that
-- "1000" and 1000 are the same content.
CREATE FUNCTION treasury.parse_collections(p_items jsonb) RETURNS treasury.collection_batch_item[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH parsed AS (
            SELECT x.ord::int AS ord, x.bank_code, x.bank_ref, x.collected_on, x.payer->>'tax_id' AS payer_tax_id,
                   x.payer->>'name' AS payer_name, x.revenue_id, x.chapter, x.economic_code, x.area_code, x.treasury_code,
                   x.amount, x.dossier_id
            FROM ROWS FROM (jsonb_to_recordset(p_items) AS (bank_code text, bank_ref text, collected_on date, payer jsonb,
                     revenue_id text, chapter text, economic_code text, area_code text, treasury_code text, amount bigint,
                     dossier_id bigint))
                 WITH ORDINALITY AS x(bank_code, bank_ref, collected_on, payer, revenue_id, chapter, economic_code, area_code,
                     treasury_code, amount, dossier_id, ord)
        )
        SELECT array_agg(ROW(p.ord, p.bank_code, p.bank_ref, p.collected_on, p.payer_tax_id, p.payer_name, p.revenue_id,
                   p.chapter, p.economic_code, p.area_code, p.treasury_code, p.amount, p.dossier_id,
                   sha256(convert_to(concat_ws(E'\n', 'COLLECTION', to_char(p.collected_on, 'YYYY-MM-DD'),
                       coalesce(p.payer_tax_id, ''), p.payer_name, coalesce(p.revenue_id, ''), p.chapter, p.economic_code,
                       p.area_code, p.treasury_code, p.amount::text), 'UTF8')),
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::treasury.collection_batch_item ORDER BY p.ord)
        FROM parsed p
    );
END
$$;
COMMENT ON FUNCTION treasury.parse_collections(jsonb) IS 'Step 1 of record_collections: the items as collection_batch_item rows in input order, with their request hash (sha256 of collection_content). Checks no field: a value that is not of its column''s type (date, bigint) raises the cast''s error.';

-- An item is answered by the first of these that applies: its bank key already
-- recorded (a replay when the content is the same, else DUPLICATE_BANK_REF); an
-- unknown bank, treasury, area or dossier; a chapter or economic code not valid on
-- the accounting date; a closed period; no sharing rule. Among the accepted items
-- the first of each bank key is the one recorded; a later one with other content
-- is DUPLICATE_BANK_REF (with the same content it gets the first one's answer).
-- The lookups of a value many items share run once per distinct value;
-- bank_transactions and dossiers grow without bound, so they are probed by index
-- per item (LATERAL ... OFFSET 0 is never a hash join over the whole table).
CREATE FUNCTION treasury.validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date)
RETURNS treasury.collection_batch_item[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fiscal_year   int := extract(year FROM p_accounting_date)::int;
    -- A closed December still takes collections in the adjustment period (period 13).
    v_period_closed boolean := treasury.year_closed(v_fiscal_year)
                               OR (EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = v_fiscal_year
                                           AND p.month = extract(month FROM p_accounting_date)::int AND p.status = 'CLOSED')
                                   AND NOT (extract(month FROM p_accounting_date) = 12 AND treasury.year_adjusting(v_fiscal_year)));
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT * FROM unnest(p_items)
        ), chapters AS MATERIALIZED (
            SELECT c.code, treasury.code_valid('CHAPTER', c.code, p_accounting_date) AS valid
            FROM (SELECT DISTINCT i.chapter AS code FROM items i) c
        ), economic_codes AS MATERIALIZED (
            SELECT c.code, treasury.code_valid('ECONOMIC', c.code, p_accounting_date) AS valid
            FROM (SELECT DISTINCT i.economic_code AS code FROM items i) c
        ), rules AS MATERIALIZED (
            -- A rule without shares yet (inside the transaction putting it) splits nothing.
            SELECT k.economic_code, k.area_code, r.id AS rule_id
            FROM (SELECT DISTINCT i.economic_code, i.area_code FROM items i) k
            CROSS JOIN LATERAL (SELECT treasury.sharing_rule_for(v_fiscal_year, k.economic_code, k.area_code) AS id) r
            WHERE EXISTS (SELECT 1 FROM treasury.sharing_rule_shares s WHERE s.rule_id = r.id)
        ), answered AS MATERIALIZED (
            SELECT i.*, rule.rule_id AS found_rule_id, CASE
                WHEN known_ref.kind = 'COLLECTION' AND known_ref.request_hash = i.request_hash THEN known_ref.result
                WHEN known_ref.kind IS NOT NULL THEN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                    format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
                WHEN known_bank.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'BANK_NOT_FOUND',
                    format('bank %s does not exist', i.bank_code), 'bank_code')
                WHEN known_treasury.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'TREASURY_NOT_FOUND',
                    format('treasury %s does not exist', i.treasury_code), 'treasury_code')
                WHEN known_area.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'AREA_NOT_FOUND',
                    format('area %s does not exist', i.area_code), 'area_code')
                WHEN i.dossier_id IS NOT NULL AND known_dossier.id IS NULL THEN treasury.revenue_error('NOT_FOUND', 'DOSSIER_NOT_FOUND',
                    format('dossier %s does not exist', i.dossier_id), 'dossier_id')
                WHEN NOT chapter.valid THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID',
                    format('chapter %s is not valid on %s', i.chapter, p_accounting_date), 'chapter')
                WHEN NOT economic.valid THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID',
                    format('economic code %s is not valid on %s', i.economic_code, p_accounting_date), 'economic_code')
                WHEN v_period_closed THEN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED',
                    format('accounting date %s falls in a closed period', p_accounting_date))
                WHEN rule.rule_id IS NULL THEN treasury.revenue_error('FAILED_PRECONDITION', 'NO_SHARING_RULE',
                    format('no sharing rule for fiscal year %s, economic code %s, area %s', v_fiscal_year, i.economic_code, i.area_code))
                END AS found_answer
            FROM items i
            LEFT JOIN LATERAL (SELECT b.kind, b.request_hash, b.result FROM treasury.bank_transactions b
                               WHERE b.bank_code = i.bank_code AND b.bank_ref = i.bank_ref OFFSET 0) known_ref ON true
            LEFT JOIN treasury.banks known_bank ON known_bank.code = i.bank_code
            LEFT JOIN treasury.treasuries known_treasury ON known_treasury.code = i.treasury_code
            LEFT JOIN treasury.areas known_area ON known_area.code = i.area_code
            LEFT JOIN LATERAL (SELECT d.id FROM treasury.dossiers d
                               WHERE i.dossier_id IS NOT NULL AND d.id = i.dossier_id OFFSET 0) known_dossier ON true
            LEFT JOIN chapters chapter ON chapter.code = i.chapter
            LEFT JOIN economic_codes economic ON economic.code = i.economic_code
            LEFT JOIN rules rule ON rule.economic_code = i.economic_code AND rule.area_code = i.area_code
        ), ranked AS (
            -- The first accepted item of each bank key is the one recorded; a refused
            -- item does not take the key from a later valid one.
            SELECT a.*, CASE WHEN a.found_answer IS NULL THEN first_value(a.ord) OVER same_key END AS found_first_ord,
                   CASE WHEN a.found_answer IS NULL THEN first_value(a.request_hash) OVER same_key END AS first_hash
            FROM answered a
            WINDOW same_key AS (PARTITION BY a.found_answer IS NULL, a.bank_code, a.bank_ref ORDER BY a.ord)
        )
        SELECT array_agg(ROW(r.ord, r.bank_code, r.bank_ref, r.collected_on, r.payer_tax_id, r.payer_name, r.revenue_id,
                   r.chapter, r.economic_code, r.area_code, r.treasury_code, r.amount, r.dossier_id, r.request_hash,
                   r.found_rule_id, r.found_first_ord,
                   coalesce(r.found_answer, CASE WHEN r.first_hash <> r.request_hash THEN treasury.revenue_error('ALREADY_EXISTS',
                       'DUPLICATE_BANK_REF', format('bank reference %s/%s appears earlier in the batch with other content',
                       r.bank_code, r.bank_ref)) END),
                   NULL, NULL, NULL, NULL, NULL)::treasury.collection_batch_item ORDER BY r.ord)
        FROM ranked r
    );
END
$$;
COMMENT ON FUNCTION treasury.validate_collections(treasury.collection_batch_item[], date) IS 'Step 2 of record_collections: sets each item''s answer when the database refuses it (DUPLICATE_BANK_REF, BANK_NOT_FOUND, TREASURY_NOT_FOUND, AREA_NOT_FOUND, DOSSIER_NOT_FOUND, CODE_NOT_VALID, PERIOD_CLOSED, NO_SHARING_RULE) or it replays a recorded collection; for the accepted ones the sharing rule_id and first_ord, the first accepted item of the same bank key.';

-- Each collection to record gets split_amount over its rule's levels in rank
-- order (zero shares included), then its ids, and the answer it will get once
-- recorded, built here once for both bank_transactions.result and the results.
CREATE FUNCTION treasury.split_collections(p_items treasury.collection_batch_item[]) RETURNS treasury.collection_batch_item[]
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT i.*, i.answer IS NULL AND i.first_ord = i.ord AS to_record FROM unnest(p_items) i
        ), rule_levels AS MATERIALIZED (
            SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
                   array_agg(s.basis_points::bigint ORDER BY l.rank) AS basis_points, array_agg(l.rank ORDER BY l.rank) AS ranks
            FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
            WHERE s.rule_id IN (SELECT i.rule_id FROM items i WHERE i.to_record)
            GROUP BY s.rule_id
        ), split AS MATERIALIZED (
            -- Ids are drawn in input order: volatile expressions are evaluated after the sort.
            SELECT i.*, r.levels AS split_levels,
                   CASE WHEN i.to_record THEN treasury.split_amount(i.amount, r.basis_points, r.ranks) END AS split_shares,
                   CASE WHEN i.to_record THEN nextval('treasury.collections_id_seq') END AS new_collection_id,
                   CASE WHEN i.to_record THEN nextval('treasury.journal_entries_id_seq') END AS new_entry_id
            FROM items i LEFT JOIN rule_levels r ON i.to_record AND r.rule_id = i.rule_id
            ORDER BY i.ord
        )
        SELECT array_agg(ROW(s.ord, s.bank_code, s.bank_ref, s.collected_on, s.payer_tax_id, s.payer_name, s.revenue_id,
                   s.chapter, s.economic_code, s.area_code, s.treasury_code, s.amount, s.dossier_id, s.request_hash,
                   s.rule_id, s.first_ord, s.answer, s.split_levels, s.split_shares, s.new_collection_id, s.new_entry_id,
                   CASE WHEN s.to_record THEN jsonb_build_object('collection_id', s.new_collection_id::text,
                       'entry_id', s.new_entry_id::text,
                       'shares', (SELECT jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.n)
                                  FROM unnest(s.split_levels, s.split_shares) WITH ORDINALITY AS x(level, amount, n))) END
               )::treasury.collection_batch_item ORDER BY s.ord)
        FROM split s
    );
END
$$;
COMMENT ON FUNCTION treasury.split_collections(treasury.collection_batch_item[]) IS 'Step 3 of record_collections: for each item to record (no answer, first of its bank key) its levels and shares (split_amount of the amount by the rule''s basis points, levels in rank order), collection_id and entry_id drawn from their sequences in input order, and new_result {"collection_id", "entry_id", "shares"}.';

-- One statement writes the five tables. The bank key goes first with ON
-- CONFLICT DO NOTHING: a key a concurrent transaction took meanwhile drops that
-- item only (collection_results looks it up again), never the batch. Foreign keys
-- and the statement checks run at the end of the statement, when every row
-- exists. Its joins are between its own CTEs, whose sizes the planner cannot know
-- (it guesses few rows and would nest loops: quadratic at 10000 items), hence
-- nested loops off, for this function only.
CREATE FUNCTION treasury.write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date)
RETURNS int[]
LANGUAGE plpgsql SET enable_nestloop = off AS $$
DECLARE
    v_recorded int[];
BEGIN
    WITH to_record AS MATERIALIZED (
        SELECT i.* FROM unnest(p_items) i WHERE i.answer IS NULL AND i.first_ord = i.ord
    ), bank_keys AS (
        INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, amount, request_hash, result, entry_id)
        SELECT t.bank_code, t.bank_ref, 'COLLECTION', t.amount, t.request_hash, t.new_result, t.entry_id
        FROM to_record t
        ON CONFLICT DO NOTHING
        RETURNING bank_code, bank_ref
    ), won AS MATERIALIZED (
        SELECT t.* FROM to_record t JOIN bank_keys k ON k.bank_code = t.bank_code AND k.bank_ref = t.bank_ref
    ), entries AS (
        INSERT INTO treasury.journal_entries (id, accounting_date, source_kind, source_id, treasury_code, memo, created_by)
        SELECT w.entry_id, p_accounting_date, 'COLLECTION', w.collection_id::text, w.treasury_code,
               'collection ' || w.bank_code || '/' || w.bank_ref, p_created_by
        FROM won w
    ), collections AS (
        INSERT INTO treasury.collections (id, bank_code, bank_ref, collected_on, payer_tax_id, payer_name, revenue_id, chapter,
            economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id, dossier_id, created_by)
        SELECT w.collection_id, w.bank_code, w.bank_ref, w.collected_on, w.payer_tax_id, w.payer_name, w.revenue_id, w.chapter,
            w.economic_code, w.area_code, w.treasury_code, w.amount, w.rule_id, w.entry_id, w.dossier_id, p_created_by
        FROM won w
    ), shares AS (
        INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
        SELECT w.collection_id, x.level, x.amount FROM won w, unnest(w.levels, w.shares) AS x(level, amount)
    ), lines AS (
        -- Dr 1130 the amount; Cr 7111 per level with a non-zero share.
        INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit, economic_code, budget_level,
            area_code, chapter, treasury_code, bank_code)
        SELECT w.entry_id, 1, '1130', w.amount, 0, NULL, NULL, NULL, NULL, w.treasury_code, w.bank_code FROM won w
        UNION ALL
        SELECT w.entry_id, 1 + row_number() OVER (PARTITION BY w.entry_id ORDER BY x.n), '7111', 0, x.amount, w.economic_code,
               x.level, w.area_code, w.chapter, w.treasury_code, NULL
        FROM won w, unnest(w.levels, w.shares) WITH ORDINALITY AS x(level, amount, n)
        WHERE x.amount > 0
    )
    SELECT array_agg(w.ord) INTO v_recorded FROM won w;
    RETURN v_recorded;
END
$$;
COMMENT ON FUNCTION treasury.write_collections(treasury.collection_batch_item[], bigint, date) IS 'Step 4 of record_collections: writes bank_transactions (ON CONFLICT DO NOTHING), journal_entries, collections, collection_shares and journal_lines of the items to record, in one statement; returns the ords of the items recorded (those whose bank key was not taken concurrently).';

-- A first occurrence that was not recorded lost its bank key to a concurrent
-- transaction: the key is looked up again, now that that transaction has
-- committed, and answers as a replay or DUPLICATE_BANK_REF. Nested loops are off
-- for the same reason as in write_collections.
CREATE FUNCTION treasury.collection_results(p_items treasury.collection_batch_item[], p_recorded int[]) RETURNS jsonb
LANGUAGE plpgsql SET enable_nestloop = off AS $$
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT * FROM unnest(p_items)
        ), recorded AS MATERIALIZED (
            SELECT DISTINCT r.ord FROM unnest(p_recorded) AS r(ord)
        ), own_answers AS MATERIALIZED (
            -- Every item answers for itself except a later occurrence of an accepted bank key.
            SELECT i.ord, CASE
                WHEN i.answer IS NOT NULL THEN i.answer
                WHEN r.ord IS NOT NULL THEN i.new_result
                WHEN raced.kind IS NULL THEN NULL
                WHEN raced.kind = 'COLLECTION' AND raced.request_hash = i.request_hash THEN raced.result
                ELSE treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                         format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
                END AS answer
            FROM items i
            LEFT JOIN recorded r ON r.ord = i.ord
            LEFT JOIN LATERAL (SELECT b.kind, b.request_hash, b.result FROM treasury.bank_transactions b
                               WHERE i.answer IS NULL AND r.ord IS NULL AND b.bank_code = i.bank_code AND b.bank_ref = i.bank_ref
                               OFFSET 0) raced ON true
            WHERE i.answer IS NOT NULL OR i.first_ord = i.ord
        )
        SELECT jsonb_agg(coalesce(own.answer, first.answer) ORDER BY i.ord)
        FROM items i
        LEFT JOIN own_answers own ON own.ord = i.ord
        LEFT JOIN own_answers first ON first.ord = i.first_ord
    );
END
$$;
COMMENT ON FUNCTION treasury.collection_results(treasury.collection_batch_item[], int[]) IS 'Step 5 of record_collections: the answers in input order: a refusal or replay as validated; a recorded item its new_result; a first occurrence that lost its key to a concurrent transaction a replay or DUPLICATE_BANK_REF after looking it up again; a later occurrence of the same content the answer of its first.';

-- 1 to 10000 collections in one call; items succeed or fail on their own.
CREATE FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) RETURNS jsonb
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_items    treasury.collection_batch_item[];
    v_recorded int[];
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
    v_items := treasury.parse_collections(p_items);
    v_items := treasury.validate_collections(v_items, p_accounting_date);
    v_items := treasury.split_collections(v_items);
    v_recorded := treasury.write_collections(v_items, p_created_by, p_accounting_date);
    RETURN jsonb_build_object('results', treasury.collection_results(v_items, v_recorded));
END
$$;
COMMENT ON FUNCTION treasury.record_collections(jsonb, bigint, date) IS
'Records 1 to 10000 collections in one call, set-based. p_items: JSON array of {bank_code, bank_ref, collected_on (YYYY-MM-DD), payer: {tax_id?, name}, revenue_id?, chapter, economic_code, area_code, treasury_code, amount (decimal string or integer), dossier_id?}, whose fields the caller has validated (the service does, RevenueMethods.collectionFields; a malformed field fails the statement with a cast error or a table''s constraint); every entry is dated p_accounting_date, whose year selects the sharing rule and on which chapter and economic code must be valid. Returns {"results": [...]} in input order, each {"collection_id", "entry_id", "shares": [{"budget_level", "amount"}]} or {"error": {"code", "reason", "message", "field"?}}; reasons BANK_NOT_FOUND, TREASURY_NOT_FOUND, AREA_NOT_FOUND, DOSSIER_NOT_FOUND, CODE_NOT_VALID, PERIOD_CLOSED, NO_SHARING_RULE, DUPLICATE_BANK_REF. A business key already recorded with the same content (collection_content) returns the first result. Items succeed or fail on their own. 22023 / 22003 only for a wrong envelope. One entry per collection: Dr 1130 / Cr 7111 per non-zero share; no balance row is updated. Steps: parse_collections, validate_collections, split_collections, write_collections, collection_results.';

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
GRANT SELECT ON treasury.sharing_rules, treasury.sharing_rule_shares, treasury.collections, treasury.collection_shares,
    treasury.refunds, treasury.refund_shares, treasury.bank_statements, treasury.bank_statement_lines
    TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.sharing_rules, treasury.sharing_rule_shares, treasury.collections, treasury.collection_shares,
    treasury.refunds, treasury.refund_shares, treasury.bank_statements, treasury.bank_statement_lines TO treasury_app;
-- The PutSharingRule upsert (ON CONFLICT DO UPDATE SET updated_by = ...) and the replacement of shares.
GRANT UPDATE (updated_at, updated_by) ON treasury.sharing_rules TO treasury_app;
GRANT UPDATE (basis_points), DELETE ON treasury.sharing_rule_shares TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.sharing_rules_id_seq, treasury.collections_id_seq, treasury.refunds_id_seq,
    treasury.bank_statements_id_seq TO treasury_app;
GRANT USAGE ON TYPE treasury.collection_batch_item TO treasury_app, treasury_readonly;
GRANT EXECUTE ON FUNCTION treasury.record_collections(jsonb, bigint, date),
    treasury.parse_collections(jsonb), treasury.validate_collections(treasury.collection_batch_item[], date),
    treasury.split_collections(treasury.collection_batch_item[]),
    treasury.write_collections(treasury.collection_batch_item[], bigint, date),
    treasury.collection_results(treasury.collection_batch_item[], int[]),
    treasury.record_refund(bigint, bigint, text, text, bigint, date, bigint),
    treasury.import_bank_statement(text, date, jsonb, bigint) TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.split_amount(bigint, bigint[], int[]), treasury.sharing_rule_for(int, text, text),
    treasury.collection_content(text, text, text, text, text, text, text, text, text),
    treasury.revenue_error(text, text, text, text), treasury.shares_json(text[], bigint[]),
    treasury.bank_day_transactions(text, date), treasury.statement_reconciliation(bigint), treasury.reconcile_statement(bigint)
    TO treasury_app, treasury_readonly;
