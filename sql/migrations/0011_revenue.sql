-- 0011: revenue: sharing rules between budget levels (versioned by fiscal
-- year), collections with their shares, refunds with theirs. Rule 5 of API.md
-- (shares sum to 10000 basis points; refunds never exceed their collection)
-- holds for every writer. The split itself is computed by the service (or by
-- record_collections, 0012) with the rule of split_amount and checked here at
-- COMMIT. Ledger convention in docs/schema.md: a collection is Dr 1130 /
-- Cr 7111 per level; a refund Dr 7111 per level / Cr 1130. None of these
-- lines names an account_no, so no shared balance row is updated: the write
-- path has no hot row.
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

CREATE FUNCTION treasury.sharing_rule_for(p_fiscal_year int, p_economic_code text, p_area_code text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT r.id FROM treasury.sharing_rules r
    WHERE r.fiscal_year = p_fiscal_year AND r.economic_code = p_economic_code
      AND r.area_key IN (coalesce(p_area_code, '*'), '*')
    ORDER BY r.area_key = '*'
    LIMIT 1
$$;
COMMENT ON FUNCTION treasury.sharing_rule_for(int, text, text) IS 'The sharing rule for a collection: the rule of that fiscal year and economic code for exactly that area, else the one for all areas (area NULL); NULL when there is none (NO_SHARING_RULE).';

------------------------------------------------------------------------------
-- Collections
------------------------------------------------------------------------------
-- The key (bank_code, bank_ref) of bank_transactions, with the kind, so that a
-- collection can only point at a COLLECTION record.
CREATE UNIQUE INDEX bank_transactions_key_kind_idx ON treasury.bank_transactions (bank_code, bank_ref, kind);

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
    CONSTRAINT collections_bank_transaction FOREIGN KEY (bank_code, bank_ref, bank_kind)
        REFERENCES treasury.bank_transactions (bank_code, bank_ref, kind) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX collections_bank_day_idx ON treasury.collections (bank_code, collected_on);
CREATE INDEX collections_entry_idx ON treasury.collections (entry_id);
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

-- Forces created_at and created_txid on collections and refunds.
CREATE FUNCTION treasury.revenue_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.revenue_before_insert() IS 'Trigger function on collections and refunds: forces created_at = now() and created_txid = the current transaction.';
CREATE TRIGGER collections_before_insert BEFORE INSERT ON treasury.collections
    FOR EACH ROW EXECUTE FUNCTION treasury.revenue_before_insert();

-- Statement level: new shares only for collections of this transaction.
CREATE FUNCTION treasury.collection_shares_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT n.collection_id INTO v_id
    FROM new_rows n LEFT JOIN treasury.collections c ON c.id = n.collection_id
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

-- Deferred, once per collection: shares sum to the amount and are the rule's split.
CREATE FUNCTION treasury.collection_shares_check() RETURNS trigger
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
    SELECT c.amount, c.sharing_rule_id INTO v_amount, v_rule FROM treasury.collections c WHERE c.id = NEW.id;
    SELECT coalesce(sum(s.amount), 0), array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank)
    INTO v_sum, v_levels, v_amounts
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = NEW.id;
    IF v_sum <> v_amount THEN
        PERFORM treasury.raise_rule('collection_shares_sum',
            format('collection %s: shares sum to %s, not the collected amount %s (checked at commit)', NEW.id, v_sum, v_amount),
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
                   NEW.id, v_amounts, v_levels, CASE WHEN v_rlevels IS NULL THEN NULL ELSE treasury.split_amount(v_amount, v_bp, v_ranks) END,
                   v_rule, v_rlevels, v_bp),
            'collection_shares');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collection_shares_check() IS 'Deferred constraint trigger function on collections: at commit the shares sum to the amount (collection_shares_sum) and are exactly split_amount(amount, basis points of the rule, level ranks) for every level of the rule (collection_shares_split).';
CREATE CONSTRAINT TRIGGER collection_shares_sum AFTER INSERT ON treasury.collections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.collection_shares_check();

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
-- Request content of a collection (business-key replay detection)
------------------------------------------------------------------------------
CREATE FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text,
    p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws(E'\n', 'COLLECTION', p_collected_on, coalesce(p_payer_tax_id, ''), p_payer_name, coalesce(p_revenue_id, ''),
                     p_chapter, p_economic_code, p_area_code, p_treasury_code, p_amount)
$$;
COMMENT ON FUNCTION treasury.collection_content(text, text, text, text, text, text, text, text, text) IS
'Canonical content of a collection request (collected_on YYYY-MM-DD, payer tax id or empty, payer name, revenue id or empty, chapter, economic code, area, treasury, amount as plain decimal digits), joined by newlines after the word COLLECTION. bank_transactions.request_hash = sha256(convert_to(content, ''UTF8'')): the single call and record_collections must both use it, so a replay through either path returns the first result.';

------------------------------------------------------------------------------
-- Views
------------------------------------------------------------------------------
CREATE VIEW treasury.revenue_summary AS
SELECT x.fiscal_year, x.treasury_code, x.budget_level,
       sum(x.collected)::bigint AS collected, sum(x.refunded)::bigint AS refunded,
       (sum(x.collected) - sum(x.refunded))::bigint AS net
FROM (
    SELECT extract(year FROM e.accounting_date)::int AS fiscal_year, c.treasury_code, s.budget_level,
           s.amount AS collected, 0::bigint AS refunded
    FROM treasury.collection_shares s
    JOIN treasury.collections c ON c.id = s.collection_id
    JOIN treasury.journal_entries e ON e.id = c.entry_id
    UNION ALL
    SELECT extract(year FROM e.accounting_date)::int, c.treasury_code, s.budget_level, 0::bigint, s.amount
    FROM treasury.refund_shares s
    JOIN treasury.refunds r ON r.id = s.refund_id
    JOIN treasury.collections c ON c.id = r.collection_id
    JOIN treasury.journal_entries e ON e.id = r.entry_id
) x
GROUP BY x.fiscal_year, x.treasury_code, x.budget_level;
COMMENT ON VIEW treasury.revenue_summary IS 'Revenue per fiscal year (of the accounting date of the collection''s or the refund''s entry), treasury and budget level: collected, refunded and net. Equals the 7111 credits and debits of those entries.';
COMMENT ON COLUMN treasury.revenue_summary.fiscal_year IS 'Year of the entry''s accounting date.';
COMMENT ON COLUMN treasury.revenue_summary.treasury_code IS 'Treasury of the collection.';
COMMENT ON COLUMN treasury.revenue_summary.budget_level IS 'Budget level.';
COMMENT ON COLUMN treasury.revenue_summary.collected IS 'Sum of collection shares of the level.';
COMMENT ON COLUMN treasury.revenue_summary.refunded IS 'Sum of refund shares of the level.';
COMMENT ON COLUMN treasury.revenue_summary.net IS 'collected - refunded.';

------------------------------------------------------------------------------
-- verify() checks
------------------------------------------------------------------------------
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('sharing_rule_shares_sum', 'Every sharing rule''s shares sum to 10000 basis points.',
 $q$SELECT format('sharing rule %s: shares sum to %s basis points', r.id, coalesce(sum(s.basis_points), 0))
    FROM treasury.sharing_rules r LEFT JOIN treasury.sharing_rule_shares s ON s.rule_id = r.id
    GROUP BY r.id HAVING coalesce(sum(s.basis_points), 0) <> 10000$q$),
('collection_shares_sum', 'Every collection''s shares sum to its amount.',
 $q$SELECT format('collection %s: amount %s, shares sum to %s', c.id, c.amount, coalesce(sum(s.amount), 0))
    FROM treasury.collections c LEFT JOIN treasury.collection_shares s ON s.collection_id = c.id
    GROUP BY c.id, c.amount HAVING coalesce(sum(s.amount), 0) <> c.amount$q$),
('refund_shares_sum', 'Every refund''s shares sum to its amount.',
 $q$SELECT format('refund %s: amount %s, shares sum to %s', r.id, r.amount, coalesce(sum(s.amount), 0))
    FROM treasury.refunds r LEFT JOIN treasury.refund_shares s ON s.refund_id = r.id
    GROUP BY r.id, r.amount HAVING coalesce(sum(s.amount), 0) <> r.amount$q$),
('refund_within_collection', 'Rule 5: the refunds of a collection never exceed it.',
 $q$SELECT format('collection %s: amount %s, refunded %s', c.id, c.amount, sum(r.amount))
    FROM treasury.collections c JOIN treasury.refunds r ON r.collection_id = c.id
    GROUP BY c.id, c.amount HAVING sum(r.amount) > c.amount$q$),
('revenue_entries_match_shares', 'A collection''s entry debits 1130 by the amount and credits 7111 per level exactly its (non-zero) shares; a refund''s entry mirrors it with its shares.',
 $q$WITH expected AS (
        SELECT c.entry_id, 'collection ' || c.id AS what, s.budget_level, s.amount::numeric AS amount
        FROM treasury.collections c JOIN treasury.collection_shares s ON s.collection_id = c.id WHERE s.amount > 0
        UNION ALL
        SELECT r.entry_id, 'refund ' || r.id, s.budget_level, s.amount
        FROM treasury.refunds r JOIN treasury.refund_shares s ON s.refund_id = r.id WHERE s.amount > 0
    ), posted AS (
        SELECT l.entry_id, l.budget_level, sum(l.credit) - sum(l.debit) AS amount
        FROM treasury.journal_lines l
        WHERE l.gl_account = '7111' AND l.entry_id IN (SELECT entry_id FROM treasury.collections UNION ALL SELECT entry_id FROM treasury.refunds)
        GROUP BY l.entry_id, l.budget_level
    ), signed AS (
        SELECT p.entry_id, p.budget_level,
               CASE WHEN EXISTS (SELECT 1 FROM treasury.refunds r WHERE r.entry_id = p.entry_id) THEN -p.amount ELSE p.amount END AS amount
        FROM posted p
    )
    SELECT format('entry %s (%s), level %s: shares %s, 7111 lines %s', coalesce(e.entry_id, s.entry_id), coalesce(e.what, '?'),
                  coalesce(e.budget_level, s.budget_level), e.amount, s.amount)
    FROM expected e FULL JOIN signed s ON s.entry_id = e.entry_id AND s.budget_level IS NOT DISTINCT FROM e.budget_level
    WHERE e.amount IS DISTINCT FROM s.amount
    UNION ALL
    SELECT format('entry %s (collection %s): 1130 debit %s, amount %s', c.entry_id, c.id, sum(l.debit) - sum(l.credit), c.amount)
    FROM treasury.collections c LEFT JOIN treasury.journal_lines l ON l.entry_id = c.entry_id AND l.gl_account = '1130'
    GROUP BY c.id, c.entry_id, c.amount HAVING coalesce(sum(l.debit) - sum(l.credit), 0) <> c.amount
    UNION ALL
    SELECT format('entry %s (refund %s): 1130 credit %s, amount %s', r.entry_id, r.id, sum(l.credit) - sum(l.debit), r.amount)
    FROM treasury.refunds r LEFT JOIN treasury.journal_lines l ON l.entry_id = r.entry_id AND l.gl_account = '1130'
    GROUP BY r.id, r.entry_id, r.amount HAVING coalesce(sum(l.credit) - sum(l.debit), 0) <> r.amount$q$);

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.sharing_rules, treasury.sharing_rule_shares, treasury.collections, treasury.collection_shares,
    treasury.refunds, treasury.refund_shares, treasury.revenue_summary TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.sharing_rules, treasury.sharing_rule_shares, treasury.collections, treasury.collection_shares,
    treasury.refunds, treasury.refund_shares TO treasury_app;
-- The PutSharingRule upsert (ON CONFLICT DO UPDATE SET updated_by = ...) and the replacement of shares.
GRANT UPDATE (updated_at, updated_by) ON treasury.sharing_rules TO treasury_app;
GRANT UPDATE (basis_points), DELETE ON treasury.sharing_rule_shares TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.sharing_rules_id_seq, treasury.collections_id_seq, treasury.refunds_id_seq TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.split_amount(bigint, bigint[], int[]), treasury.sharing_rule_for(int, text, text),
    treasury.collection_content(text, text, text, text, text, text, text, text, text) TO treasury_app, treasury_readonly;
