-- 0015: the statement and COMMIT checks of the write path without per-call planning and
-- without any scan that grows with the table. Same rules, same errors (SQLSTATE,
-- CONSTRAINT names, messages); nothing changes for any writer but the cost.
--  * fk_checks: the generic fk_check_insert(args) ran one EXECUTE per foreign key per
--    statement, parsed and planned every time (~0.15 ms each, about 20 per collection
--    batch: most of the cost of a small batch). Each table now has its own trigger
--    function, generated here from the same arguments, whose queries are static SQL
--    that PL/pgSQL prepares once per session: the same query per constraint (the
--    distinct keys of the statement, one index probe each FOR KEY SHARE), the same
--    message, DETAIL and CONSTRAINT name. The trigger keeps its name (fk_checks), so
--    the order of a table's triggers is unchanged.
--  * entry_balanced at COMMIT joined the transaction's entries to journal_lines with a
--    hash join over a sequential scan of all lines (it grew with the ledger: 2 ms at
--    a few thousand lines). It now reads each entry's lines by index (LATERAL).
--  * collection_shares_sum at COMMIT did the same with collection_shares; now by index.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- fk_checks: one static function per table
------------------------------------------------------------------------------
DO $do$
DECLARE
    t       record;
    a       text;
    p       text[];
    v_body  text;
    v_list  text;
    v_fn    text;
BEGIN
    FOR t IN
        SELECT c.relname AS tab,
               (SELECT array_agg(x ORDER BY n) FROM unnest(string_to_array(encode(g.tgargs, 'escape'), '\000')) WITH ORDINALITY AS u(x, n) WHERE x <> '') AS args
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE s.nspname = 'treasury' AND g.tgname = 'fk_checks'
        ORDER BY c.relname
    LOOP
        v_body := '';
        v_list := '';
        FOREACH a IN ARRAY t.args LOOP
            p := string_to_array(a, '|');  -- constraint, column, referenced table, referenced column
            v_body := v_body || format($f$
    SELECT n.v::text INTO v_missing FROM (SELECT DISTINCT r.%2$I AS v FROM new_rows r WHERE r.%2$I IS NOT NULL) n
    LEFT JOIN LATERAL (SELECT x.%4$I AS k FROM %3$s x WHERE x.%4$I = n.v OFFSET 0 FOR KEY SHARE OF x) l ON true
    WHERE l.k IS NULL LIMIT 1;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "%%" violates foreign key constraint "%%"', TG_TABLE_NAME, %1$L
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = %1$L, SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
                  DETAIL = format('Key (%%s)=(%%s) is not present in table "%%s".', %2$L, v_missing, %3$L);
    END IF;
$f$, p[1], p[2], p[3], p[4]);
            v_list := v_list || CASE WHEN v_list = '' THEN '' ELSE ', ' END || p[1];
        END LOOP;
        v_fn := 'fk_check_insert_' || t.tab;
        EXECUTE format($f$CREATE FUNCTION treasury.%I() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $b$
DECLARE
    v_missing text;
BEGIN%s
    RETURN NULL;
END
$b$ $f$, v_fn, v_body);
        EXECUTE format('COMMENT ON FUNCTION treasury.%I() IS %L', v_fn,
            format('AFTER INSERT statement trigger function (fk_checks on %s, 0015): the foreign keys %s, each checked once per distinct key of the statement by index with FOR KEY SHARE; raises 23503 with the constraint name. Static SQL, prepared once per session (generated from the arguments of 0013/0014''s fk_check_insert).', t.tab, v_list));
        EXECUTE format('DROP TRIGGER fk_checks ON treasury.%I', t.tab);
        EXECUTE format('CREATE TRIGGER fk_checks AFTER INSERT ON treasury.%I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.%I()', t.tab, v_fn);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'fk_check_insert_journal_lines') THEN
        RAISE EXCEPTION '0015: expected fk_checks on journal_lines';
    END IF;
END
$do$;

-- Kept for reading the older migrations; no trigger uses it any more.
COMMENT ON FUNCTION treasury.fk_check_insert() IS 'Generic form of the statement-level foreign key check (0013/0014): arguments ''constraint|column|referenced table|referenced column''. Since 0015 every fk_checks trigger calls its table''s generated static function (fk_check_insert_<table>) instead.';

------------------------------------------------------------------------------
-- entry_balanced at COMMIT: each entry's lines by index
------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION treasury.entries_balanced_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    -- Every entry of this transaction: >= 2 lines, and per currency debits = credits.
    WITH e AS MATERIALIZED (
        SELECT e.id FROM treasury.journal_entries e WHERE e.created_txid = pg_current_xact_id()
    )
    SELECT e.id INTO v_id
    FROM e
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(x.k), 0) AS n, coalesce(bool_or(x.d <> x.c), false) AS unbalanced
        FROM (SELECT count(*) AS k, sum(l.debit) AS d, sum(l.credit) AS c
              FROM treasury.journal_lines l WHERE l.entry_id = e.id GROUP BY l.currency) x
    ) t
    WHERE t.n < 2 OR t.unbalanced
    ORDER BY e.id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('entry_balanced', treasury.entry_problem(v_id) || ' (checked at commit)', 'journal_entries');
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'entry_balanced';
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.entries_balanced_check() IS 'Deferred constraint trigger function (entry_balanced on deferred_checks): at COMMIT every journal entry created by the transaction has >= 2 lines and balances per currency, its lines read by index (0015); then the transaction''s deferred_checks row is removed so a later statement re-arms it.';

------------------------------------------------------------------------------
-- collection_shares_sum at COMMIT: each collection's shares by index
------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION treasury.collections_shares_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    WITH c AS MATERIALIZED (
        SELECT c.id, c.amount, c.sharing_rule_id FROM treasury.collections c WHERE c.created_txid = pg_current_xact_id()
    ), r AS MATERIALIZED (
        SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
               array_agg(s.basis_points::bigint ORDER BY l.rank) AS bps, array_agg(l.rank ORDER BY l.rank) AS ranks
        FROM (SELECT DISTINCT c.sharing_rule_id FROM c) k
        JOIN LATERAL (SELECT * FROM treasury.sharing_rule_shares s WHERE s.rule_id = k.sharing_rule_id OFFSET 0) s ON true
        JOIN treasury.budget_levels l ON l.code = s.budget_level
        GROUP BY s.rule_id
    )
    SELECT c.id INTO v_id
    FROM c
    CROSS JOIN LATERAL (
        SELECT sum(s.amount) AS total, array_agg(s.budget_level ORDER BY l.rank) AS levels, array_agg(s.amount ORDER BY l.rank) AS amounts
        FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
        WHERE s.collection_id = c.id
    ) sh
    LEFT JOIN r ON r.rule_id = c.sharing_rule_id
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
COMMENT ON FUNCTION treasury.collections_shares_check() IS 'Deferred constraint trigger function (collection_shares_sum on deferred_checks): at COMMIT every collection recorded by the transaction has shares summing to its amount (collection_shares_sum) that are exactly its rule''s split (collection_shares_split), each collection''s shares read by index (0015); then the deferred_checks row is removed so a later statement re-arms it.';
