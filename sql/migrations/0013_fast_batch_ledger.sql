-- 0013: the batch write path without per-row checks where a set-based one
-- holds the same rule. Replaces, for every writer:
--  * entry_balanced: the per-row deferred constraint triggers on journal_entries
--    and journal_lines (one entry_problem() call per entry and per line at
--    COMMIT) by ONE deferred check per transaction over every entry the
--    transaction created (the only entries it can have touched: lines only join
--    entries of their own transaction, entry_closed_for_lines);
--  * collection_shares_sum / collection_shares_split: the per-row deferred
--    trigger on collections by ONE deferred check per transaction over every
--    collection it recorded (shares only join collections of their own
--    transaction, collection_closed_for_shares);
--  * entry_closed_for_lines and line_subledger for lines without an account,
--    and period_closed: per-row BEFORE triggers by statement-level AFTER
--    triggers over the transition tables (still inside the inserting
--    statement). Account lines keep the per-row trigger (lock, status,
--    currency, non-negative balance, balance_after chain), unchanged.
-- PostgreSQL allows no transition table on a deferrable constraint trigger, so
-- the statement triggers "arm" the deferred check: they insert one row
-- (txid, rule) into deferred_checks, whose deferred constraint trigger runs the
-- set-based check at COMMIT (or at once under SET CONSTRAINTS ... IMMEDIATE)
-- and deletes the row, so a later statement arms it again.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- The arming table
------------------------------------------------------------------------------
CREATE TABLE treasury.deferred_checks (
    txid xid8 NOT NULL,
    rule text NOT NULL CHECK (rule IN ('entry_balanced', 'collection_shares_sum')),
    PRIMARY KEY (txid, rule)
);
COMMENT ON TABLE treasury.deferred_checks IS 'Transient: one row per open transaction and deferred set-based rule (entry_balanced, collection_shares_sum) that must still run; inserted by the statement triggers of journal_entries, journal_lines, collections and collection_shares, its insert queues the deferred constraint trigger of that name, which checks every entry / collection of the transaction at COMMIT and deletes the row. Empty when no transaction is in flight. Written only by those triggers.';
COMMENT ON COLUMN treasury.deferred_checks.txid IS 'Top-level transaction (pg_current_xact_id()) whose check is pending.';
COMMENT ON COLUMN treasury.deferred_checks.rule IS 'entry_balanced or collection_shares_sum: the deferred constraint trigger the row queued.';

-- Rows are removed only by the check itself (trigger depth > 1); no update.
CREATE FUNCTION treasury.deferred_checks_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on treasury.deferred_checks refused: its rows are written and removed only by the ledger triggers', TG_OP
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_append_only', SCHEMA = 'treasury', TABLE = 'deferred_checks';
END
$$;
COMMENT ON FUNCTION treasury.deferred_checks_guard() IS 'Trigger function on deferred_checks: refuses UPDATE, TRUNCATE and any DELETE not made by the deferred check itself.';
CREATE TRIGGER deferred_checks_guard BEFORE UPDATE OR DELETE ON treasury.deferred_checks
    FOR EACH ROW EXECUTE FUNCTION treasury.deferred_checks_guard();
CREATE TRIGGER deferred_checks_guard_truncate BEFORE TRUNCATE ON treasury.deferred_checks
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.deferred_checks_guard();

-- Queues the deferred check p_rule for this transaction unless it is already queued.
CREATE FUNCTION treasury.arm_deferred_check(p_rule text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO treasury.deferred_checks (txid, rule) VALUES (pg_current_xact_id(), p_rule) ON CONFLICT DO NOTHING
$$;
COMMENT ON FUNCTION treasury.arm_deferred_check(text) IS 'Inserts (current transaction, p_rule) into deferred_checks if absent, which queues the deferred constraint trigger p_rule once for the transaction. Called by the statement triggers, as the inserting role; calling it by hand only adds a check.';

------------------------------------------------------------------------------
-- entry_balanced: one set-based check per transaction
------------------------------------------------------------------------------
DROP TRIGGER entry_balanced ON treasury.journal_entries;
DROP TRIGGER entry_balanced ON treasury.journal_lines;

-- Created entries are found by created_txid (forced by the entry trigger).
CREATE INDEX journal_entries_created_txid_idx ON treasury.journal_entries (created_txid);

CREATE FUNCTION treasury.entries_balanced_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    -- Every entry of this transaction: >= 2 lines, and per currency debits = credits.
    SELECT x.id INTO v_id
    FROM (SELECT e.id, l.currency, count(l.id) AS n, sum(l.debit) AS d, sum(l.credit) AS c
          FROM treasury.journal_entries e
          LEFT JOIN treasury.journal_lines l ON l.entry_id = e.id
          WHERE e.created_txid = pg_current_xact_id()
          GROUP BY e.id, l.currency) x
    GROUP BY x.id
    HAVING sum(x.n) < 2 OR bool_or(x.d <> x.c)
    ORDER BY x.id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('entry_balanced', treasury.entry_problem(v_id) || ' (checked at commit)', 'journal_entries');
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'entry_balanced';
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.entries_balanced_check() IS 'Deferred constraint trigger function (entry_balanced on deferred_checks): at COMMIT every journal entry created by the transaction has >= 2 lines and balances per currency, checked in one query; then the transaction''s deferred_checks row is removed so a later statement re-arms it.';

CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON treasury.deferred_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.rule = 'entry_balanced')
    EXECUTE FUNCTION treasury.entries_balanced_check();

------------------------------------------------------------------------------
-- journal_entries: forced values per row, period_closed per statement
------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION treasury.journal_entries_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.posted_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.journal_entries_before_insert() IS 'Trigger function: forces posted_at = now() and created_txid = current transaction (period_closed is checked per statement by journal_entries_after_insert).';

CREATE FUNCTION treasury.journal_entries_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_date date;
BEGIN
    -- A fresh snapshot, taken after the insert holds ROW EXCLUSIVE on journal_entries:
    -- a month closing (SHARE ROW EXCLUSIVE, periods_guard) committed before is seen here,
    -- one closing later waits for this transaction.
    SELECT n.accounting_date INTO v_date
    FROM (SELECT DISTINCT ON (date_trunc('month', x.accounting_date)) x.accounting_date FROM new_entries x) n
    JOIN treasury.periods p ON p.fiscal_year = extract(year FROM n.accounting_date)::int
                           AND p.month = extract(month FROM n.accounting_date)::int AND p.status = 'CLOSED'
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('period_closed',
            format('accounting date %s falls in closed period %s: nothing posts into a closed month', v_date,
                   to_char(v_date, 'YYYY-MM')), 'journal_entries');
    END IF;
    IF EXISTS (SELECT 1 FROM new_entries) THEN
        PERFORM treasury.arm_deferred_check('entry_balanced');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.journal_entries_after_insert() IS 'Statement trigger function on journal_entries: refuses the statement if any new entry is dated in a CLOSED month (period_closed); arms the deferred entry_balanced check of the transaction.';
CREATE TRIGGER journal_entries_after_insert AFTER INSERT ON treasury.journal_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_entries_after_insert();

------------------------------------------------------------------------------
-- journal_lines: per-row trigger only for account lines, the rest per statement
------------------------------------------------------------------------------
-- The row trigger (0004, unchanged function) now runs only where it has work:
-- an account line (lock, status, currency, non-negative balance, balance_after,
-- id after the lock), or a line without account that names a balance_after
-- (which it forces back to NULL).
DROP TRIGGER journal_lines_before_insert ON treasury.journal_lines;
CREATE TRIGGER journal_lines_before_insert BEFORE INSERT ON treasury.journal_lines
    FOR EACH ROW WHEN (NEW.account_no IS NOT NULL OR NEW.balance_after IS NOT NULL)
    EXECUTE FUNCTION treasury.journal_lines_before_insert();

CREATE FUNCTION treasury.journal_lines_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_entry bigint;
    v_gl    text;
    v_sub   boolean;
BEGIN
    SELECT n.entry_id INTO v_entry
    FROM (SELECT DISTINCT x.entry_id FROM new_lines x) n
    JOIN treasury.journal_entries e ON e.id = n.entry_id
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
COMMENT ON FUNCTION treasury.journal_lines_after_insert() IS 'Statement trigger function on journal_lines: refuses the statement if a new line joins an entry of an earlier transaction (entry_closed_for_lines) or breaks line_subledger; arms the deferred entry_balanced check of the transaction.';
CREATE TRIGGER journal_lines_after_insert AFTER INSERT ON treasury.journal_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_lines_after_insert();

------------------------------------------------------------------------------
-- collection_shares_sum / collection_shares_split: one check per transaction
------------------------------------------------------------------------------
DROP TRIGGER collection_shares_sum ON treasury.collections;

CREATE INDEX collections_created_txid_idx ON treasury.collections (created_txid);

-- The detailed check of one collection (the body of 0011's per-row trigger), for the message.
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

CREATE FUNCTION treasury.collections_shares_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    WITH c AS MATERIALIZED (
        SELECT c.id, c.amount, c.sharing_rule_id FROM treasury.collections c WHERE c.created_txid = pg_current_xact_id()
    ), r AS MATERIALIZED (
        SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
               array_agg(s.basis_points::bigint ORDER BY l.rank) AS bps, array_agg(l.rank ORDER BY l.rank) AS ranks
        FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
        WHERE s.rule_id IN (SELECT DISTINCT c.sharing_rule_id FROM c)
        GROUP BY s.rule_id
    ), sh AS MATERIALIZED (
        SELECT s.collection_id, sum(s.amount) AS total, array_agg(s.budget_level ORDER BY l.rank) AS levels,
               array_agg(s.amount ORDER BY l.rank) AS amounts
        FROM c JOIN treasury.collection_shares s ON s.collection_id = c.id
        JOIN treasury.budget_levels l ON l.code = s.budget_level
        GROUP BY s.collection_id
    )
    SELECT c.id INTO v_id
    FROM c LEFT JOIN sh ON sh.collection_id = c.id LEFT JOIN r ON r.rule_id = c.sharing_rule_id
    WHERE coalesce(sh.total, 0) <> c.amount OR r.levels IS NULL OR sh.levels IS DISTINCT FROM r.levels
       OR sh.amounts IS DISTINCT FROM treasury.split_amount(c.amount, r.bps, r.ranks)
    ORDER BY c.id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.collection_shares_verify(v_id);
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'collection_shares_sum';
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.collections_shares_check() IS 'Deferred constraint trigger function (collection_shares_sum on deferred_checks): at COMMIT every collection recorded by the transaction has shares summing to its amount (collection_shares_sum) that are exactly its rule''s split (collection_shares_split), checked in one query; then the deferred_checks row is removed so a later statement re-arms it.';

CREATE CONSTRAINT TRIGGER collection_shares_sum AFTER INSERT ON treasury.deferred_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.rule = 'collection_shares_sum')
    EXECUTE FUNCTION treasury.collections_shares_check();

CREATE FUNCTION treasury.collections_arm_shares_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) THEN
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
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.deferred_checks TO treasury_app, treasury_readonly;

------------------------------------------------------------------------------
-- record_collections: no JIT
------------------------------------------------------------------------------
-- Its insert statement runs with nested loops off, whose disable cost (10^10)
-- pushes the plan over jit_above_cost: 2.5 s of LLVM compilation per call for
-- 1000 items (measured), more than all the work. Off for the function.
ALTER FUNCTION treasury.record_collections(jsonb, bigint, date) SET jit = off;

------------------------------------------------------------------------------
-- Foreign keys of the journal and revenue tables: per statement, not per row
------------------------------------------------------------------------------
-- A declared foreign key checks every inserted row with its own query and row
-- lock (RI_FKey_check_ins): 19 of them on journal_entries, journal_lines,
-- collections and collection_shares cost ~0.6 ms per collection, more than
-- everything else. Each is replaced by the same rule checked once per
-- statement over the transition table, with the same error (23503, CONSTRAINT
-- = the old constraint name):
--  * inserting side (these four tables are append-only, so INSERT is the only
--    way a row gets a key): fk_check_insert() takes FOR KEY SHARE on every
--    distinct referenced row, exactly the lock the built-in check takes, and
--    refuses the statement if one is missing;
--  * referenced side: fk_check_referenced() refuses a DELETE, or an UPDATE
--    that changes the key, of a row still referenced (NO ACTION, like the
--    built-in one), and TRUNCATE of a referenced table. Its row lock waits for
--    a transaction holding KEY SHARE, then it sees that transaction's rows.
--    Named z_fk_referenced so that it fires after the tables' own guards
--    (ledger_append_only, sharing_rule_no_delete...), as the built-in AFTER
--    trigger did: those rules keep reporting first.
-- The deferred collections_bank_transaction stays a declared foreign key.
CREATE FUNCTION treasury.fk_check_insert() RETURNS trigger
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
             LEFT JOIN (SELECT x.%3$I AS k FROM %2$s x WHERE x.%3$I IN (SELECT r.%1$I FROM new_rows r) FOR KEY SHARE OF x) l ON l.k = n.v
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
COMMENT ON FUNCTION treasury.fk_check_insert() IS 'Statement trigger function (AFTER INSERT, transition table new_rows): for each argument "constraint|column|referenced table|referenced column" locks every distinct referenced row FOR KEY SHARE and raises 23503 naming the constraint when one does not exist. The set-based form of a foreign key on an append-only table.';

CREATE FUNCTION treasury.fk_check_referenced() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a       text;
    p       text[];
    v_old   text;
    v_new   text;
    v_found boolean;
BEGIN
    FOREACH a IN ARRAY TG_ARGV LOOP
        p := string_to_array(a, '|');  -- constraint, referencing table, referencing column, referenced column
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', p[2]) INTO v_found;
            IF v_found THEN
                RAISE EXCEPTION 'cannot truncate a table referenced in a foreign key constraint'
                    USING ERRCODE = 'feature_not_supported', CONSTRAINT = p[1], SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                          DETAIL = format('Table "%s" references "%s" (%s).', p[2], TG_TABLE_NAME, p[1]);
            END IF;
            CONTINUE;
        END IF;
        EXECUTE format('SELECT ($1).%I::text', p[4]) INTO v_old USING OLD;
        IF TG_OP = 'UPDATE' THEN
            EXECUTE format('SELECT ($1).%I::text', p[4]) INTO v_new USING NEW;
            CONTINUE WHEN v_new IS NOT DISTINCT FROM v_old;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s c WHERE c.%I = ($1).%I)', p[2], p[3], p[4]) INTO v_found USING OLD;
        IF v_found THEN
            RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "%" on table "%"', TG_TABLE_NAME, p[1], p[2]
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = p[1], SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                      DETAIL = format('Key (%s)=(%s) is still referenced from table "%s".', p[4], v_old, p[2]);
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.fk_check_referenced() IS 'Trigger function on a referenced table (BEFORE UPDATE OR DELETE per row, BEFORE TRUNCATE per statement): for each argument "constraint|referencing table|referencing column|referenced column" refuses (23503, CONSTRAINT = the name) deleting or re-keying a row still referenced, and truncating the table while the referencing table has rows (0A000). The referenced side of fk_check_insert.';

DO $$
DECLARE
    r       record;
    v_child jsonb := '{}';
    v_par   jsonb := '{}';
    k       text;
BEGIN
    FOR r IN
        SELECT c.conname, c.conrelid::regclass::text AS child, a.attname AS col,
               c.confrelid::regclass::text AS parent, pa.attname AS pcol
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND NOT c.condeferrable AND cardinality(c.conkey) = 1
          AND c.conrelid IN ('treasury.journal_entries'::regclass, 'treasury.journal_lines'::regclass,
                             'treasury.collections'::regclass, 'treasury.collection_shares'::regclass)
        ORDER BY c.conrelid::regclass::text, c.conname
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.child, r.conname);
        v_child := jsonb_set(v_child, ARRAY[r.child], coalesce(v_child->r.child, '[]') || to_jsonb(concat_ws('|', r.conname, r.col, r.parent, r.pcol)));
        v_par := jsonb_set(v_par, ARRAY[r.parent], coalesce(v_par->r.parent, '[]') || to_jsonb(concat_ws('|', r.conname, r.child, r.col, r.pcol)));
    END LOOP;
    FOR k IN SELECT jsonb_object_keys(v_child) LOOP
        EXECUTE format('CREATE TRIGGER fk_checks AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.fk_check_insert(%s)',
                       k, (SELECT string_agg(quote_literal(x), ', ') FROM jsonb_array_elements_text(v_child->k) x));
    END LOOP;
    FOR k IN SELECT jsonb_object_keys(v_par) LOOP
        EXECUTE format('CREATE TRIGGER z_fk_referenced BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION treasury.fk_check_referenced(%s)',
                       k, (SELECT string_agg(quote_literal(x), ', ') FROM jsonb_array_elements_text(v_par->k) x));
        EXECUTE format('CREATE TRIGGER z_fk_referenced_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION treasury.fk_check_referenced(%s)',
                       k, (SELECT string_agg(quote_literal(x), ', ') FROM jsonb_array_elements_text(v_par->k) x));
    END LOOP;
END
$$;
