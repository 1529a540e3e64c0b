-- 0017: the per-collection cost of the checks a collection triggers, without weakening
-- any of them. Same rules, same errors (SQLSTATE, CONSTRAINT names, messages).
--  * No FOR KEY SHARE on rows that can never change. A foreign key check locks the
--    referenced row so that a concurrent UPDATE or DELETE cannot remove the key before
--    the referencing row commits. journal_entries, collections and bank_transactions are
--    append-only (ledger_append_only refuses every UPDATE and DELETE, and TRUNCATE),
--    so a row of theirs that the check sees stays as it is: the lock protects nothing,
--    and it cost a tuple lock (a WAL record, and a MultiXact when two transactions hold
--    it) per referencing key. The probes of collections.entry_id, journal_lines.entry_id,
--    bank_transactions.entry_id, collection_shares.collection_id and the COMMIT check
--    collections_bank_transaction no longer lock; those on mutable reference data
--    (banks, treasuries, areas, users, accounts, ...) still do.
--  * collection_shares_sum at COMMIT computed each collection's expected split with
--    split_amount (PL/pgSQL, ~16 us a call) and compared arrays per collection. It now
--    computes every expected share in one set-based query (the same rule: floor(amount *
--    bp / total) by exact integer division, the remainder to the largest basis points,
--    ties to the higher level, i.e. the smaller rank, which is unique) and compares it
--    with the stored shares by a full join. The first collection (by id) that differs,
--    or whose rule has no shares, is passed to collection_shares_verify as before, which
--    raises collection_shares_sum or collection_shares_split with the same messages.
--  * Fewer index entries per journal line: journal_lines_entry_idx (entry_id) duplicated
--    the leading column of the unique (entry_id, line_no) index, which now serves every
--    read by entry (the COMMIT check entry_balanced reads each entry's lines by it since
--    0015); journal_lines_account_idx (account_no, id) becomes partial, WHERE account_no
--    IS NOT NULL: only subledger lines carry an account and every read of it is by
--    account_no = value (the balance chain, statements), which implies the predicate.
--    A collection's revenue and cash lines have no account: 7 index entries less per
--    3-level collection.
SET LOCAL ROLE treasury_owner;

DROP INDEX treasury.journal_lines_entry_idx;
DROP INDEX treasury.journal_lines_account_idx;
CREATE INDEX journal_lines_account_idx ON treasury.journal_lines (account_no, id) WHERE account_no IS NOT NULL;
COMMENT ON INDEX treasury.journal_lines_account_idx IS 'Subledger lines of an account in posting order (balance chain, statements); partial: lines without an account are not indexed (0017).';

DO $do$
DECLARE
    f       record;
    v_def   text;
    v_new   text;
    v_count int := 0;
    r       text;
BEGIN
    FOR f IN SELECT p.oid, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'treasury' AND p.proname IN ('fk_check_insert_bank_transactions', 'fk_check_insert_collections',
                                                             'fk_check_insert_collection_shares', 'fk_check_insert_journal_lines')
    LOOP
        v_def := pg_get_functiondef(f.oid);
        v_new := v_def;
        FOREACH r IN ARRAY ARRAY['treasury.journal_entries x WHERE x.id = n.v OFFSET 0', 'treasury.collections x WHERE x.id = n.v OFFSET 0'] LOOP
            IF position(r || ' FOR KEY SHARE OF x' IN v_new) > 0 THEN
                v_new := replace(v_new, r || ' FOR KEY SHARE OF x', r);
                v_count := v_count + 1;
            END IF;
        END LOOP;
        IF v_new <> v_def THEN
            EXECUTE v_new;
        END IF;
    END LOOP;
    IF v_count <> 4 THEN
        RAISE EXCEPTION '0017: expected 4 foreign key probes of journal_entries/collections to unlock, found %', v_count;
    END IF;
END
$do$;
COMMENT ON FUNCTION treasury.fk_check_insert_bank_transactions() IS 'AFTER INSERT statement trigger function (fk_checks on bank_transactions, 0015/0017): the foreign keys bank_transactions_account_no_fkey, bank_transactions_bank_code_fkey, bank_transactions_entry_id_fkey, each checked once per distinct key of the statement by index; raises 23503 with the constraint name. Keys of mutable tables are locked FOR KEY SHARE; journal_entries rows are append-only and are not locked (0017).';
COMMENT ON FUNCTION treasury.fk_check_insert_collections() IS 'AFTER INSERT statement trigger function (fk_checks on collections, 0015/0017): the foreign keys collections_area_code_fkey, collections_bank_code_fkey, collections_created_by_fkey, collections_dossier_id_fkey, collections_entry_id_fkey, collections_sharing_rule_id_fkey, collections_treasury_code_fkey, each checked once per distinct key of the statement by index; raises 23503 with the constraint name. Keys of mutable tables are locked FOR KEY SHARE; journal_entries rows are append-only and are not locked (0017).';
COMMENT ON FUNCTION treasury.fk_check_insert_collection_shares() IS 'AFTER INSERT statement trigger function (fk_checks on collection_shares, 0015/0017): the foreign keys collection_shares_budget_level_fkey, collection_shares_collection_id_fkey, each checked once per distinct key of the statement by index; raises 23503 with the constraint name. Keys of mutable tables are locked FOR KEY SHARE; collections rows are append-only and are not locked (0017).';
COMMENT ON FUNCTION treasury.fk_check_insert_journal_lines() IS 'AFTER INSERT statement trigger function (fk_checks on journal_lines, 0015/0017): the foreign keys journal_lines_account_no_fkey, journal_lines_area_code_fkey, journal_lines_bank_code_fkey, journal_lines_budget_level_fkey, journal_lines_entry_id_fkey, journal_lines_gl_account_fkey, journal_lines_treasury_code_fkey, journal_lines_unit_code_fkey, each checked once per distinct key of the statement by index; raises 23503 with the constraint name. Keys of mutable tables are locked FOR KEY SHARE; journal_entries rows are append-only and are not locked (0017).';

CREATE OR REPLACE FUNCTION treasury.collections_bank_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_code text;
    v_ref  text;
    v_kind text;
BEGIN
    -- bank_transactions is append-only: a row seen here stays, so it is not locked.
    SELECT c.bank_code, c.bank_ref, c.bank_kind INTO v_code, v_ref, v_kind
    FROM treasury.collections c
    LEFT JOIN LATERAL (SELECT true AS found FROM treasury.bank_transactions b
                       WHERE b.bank_code = c.bank_code AND b.bank_ref = c.bank_ref AND b.kind = c.bank_kind
                       OFFSET 0) b ON true
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
COMMENT ON FUNCTION treasury.collections_bank_check() IS 'Deferred constraint trigger function (collections_bank_transaction on deferred_checks): at COMMIT every collection recorded by the transaction has its bank_transactions row (bank_code, bank_ref, kind), probed by index without a lock (bank_transactions is append-only, 0017); 23503 otherwise. Then the deferred_checks row is removed so a later statement re-arms it.';

CREATE OR REPLACE FUNCTION treasury.collections_shares_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION treasury.collections_shares_check() IS 'Deferred constraint trigger function (collection_shares_sum on deferred_checks): at COMMIT every collection recorded by the transaction has exactly its rule''s split as shares (floor(amount * bp / total), remainder to the most basis points, ties to the smaller rank), computed for all of them in one set-based query and compared with the stored shares (0017); the first collection that differs goes to collection_shares_verify, which raises collection_shares_sum or collection_shares_split. Then the deferred_checks row is removed so a later statement re-arms it.';
