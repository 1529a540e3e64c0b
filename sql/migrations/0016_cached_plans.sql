-- 0016: the fixed cost of a small record_collections call (one bank transfer, or a
-- group-commit group of a few) without per-call parsing and planning. Same functions,
-- same signatures, same results and errors; nothing changes for any writer but the cost.
--  * PostgreSQL parses and plans a non-inlined SQL-language function's body again on
--    every execution of the calling statement (fmgr_sql keeps nothing across
--    statements). code_valid, sharing_rule_for and iso_date are called from
--    record_collections' validation query once per distinct value, arm_deferred_check
--    five times per insert statement (from the statement triggers); none of them can be
--    inlined (a sub-select, SECURITY DEFINER and SET, or a body less immutable than
--    declared: text::date depends on DateStyle). Measured with perf on a 1-item call:
--    about a sixth of its backend time was fmgr_sql parsing and planning these. As
--    PL/pgSQL functions their statements are prepared once per session.
--  * revenue_error likewise (it only runs for refused items).
--  * treasury_ancestors (the grant scope of nearly every call, and Accounts/Get's
--    chain): a recursive query, parsed and planned per calling statement; this was
--    most of Accounts/Get's database time.
SET LOCAL ROLE treasury_owner;

CREATE OR REPLACE FUNCTION treasury.treasury_ancestors(p_code text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH RECURSIVE chain (code, parent_code, depth) AS (
            SELECT t.code, t.parent_code, 1 FROM treasury.treasuries t WHERE t.code = p_code
            UNION ALL
            SELECT t.code, t.parent_code, c.depth + 1
            FROM chain c JOIN treasury.treasuries t ON t.code = c.parent_code
            WHERE c.depth < 1000
        )
        SELECT coalesce(array_agg(code ORDER BY depth), ARRAY[]::text[]) FROM chain);
END
$$;

CREATE OR REPLACE FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM treasury.classification_codes c
        WHERE c.kind = p_kind AND c.code = p_code
          AND c.valid_from <= p_on AND (c.valid_to IS NULL OR p_on <= c.valid_to));
END
$$;

CREATE OR REPLACE FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT r.id FROM treasury.sharing_rules r
            WHERE r.fiscal_year = p_fiscal_year AND r.economic_code = p_economic_code
              AND r.area_key IN (coalesce(p_area_code, '*'), '*')
            ORDER BY r.area_key = '*'
            LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION treasury.iso_date(p_text text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN CASE
        WHEN p_text ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
         AND substr(p_text, 9, 2)::int <= extract(day FROM (make_date(substr(p_text, 1, 4)::int, substr(p_text, 6, 2)::int, 1)
                                                            + interval '1 month - 1 day'))::int
        THEN p_text::date
    END;
END
$$;

CREATE OR REPLACE FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object('code', p_code, 'reason', p_reason, 'message', p_message, 'field', p_field)));
END
$$;

CREATE OR REPLACE FUNCTION treasury.arm_deferred_check(p_rule text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO treasury.deferred_checks (txid, rule) VALUES (pg_current_xact_id(), p_rule) ON CONFLICT DO NOTHING;
END
$$;
