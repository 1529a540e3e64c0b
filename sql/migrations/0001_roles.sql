-- 0001: database roles, the treasury schema, the migrator's record of applied files,
-- and the rule helpers every area's triggers share.
-- Runs as the migrator's login user (a superuser, or a CREATEROLE user): roles are
-- created and the migrations table adopted as that user; everything after
-- SET LOCAL ROLE treasury_owner below is owned by treasury_owner.
-- Roles are cluster-wide, so they are created only when missing: the same file
-- must apply cleanly to a second database in the same cluster.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'treasury_owner') THEN
        CREATE ROLE treasury_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'treasury_app') THEN
        CREATE ROLE treasury_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'treasury_readonly') THEN
        CREATE ROLE treasury_readonly NOLOGIN;
    END IF;
    -- A non-superuser migrator must be able to SET ROLE treasury_owner in later files.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'treasury_owner', 'MEMBER') THEN
        EXECUTE format('GRANT treasury_owner TO %I', current_user);
    END IF;
END
$$;

COMMENT ON ROLE treasury_owner IS 'Owns every object of the treasury schema; cannot log in. Migrations run as it (SET LOCAL ROLE treasury_owner).';
COMMENT ON ROLE treasury_app IS 'The rights the treasury service needs and nothing more (no DDL, no UPDATE/DELETE on the ledger); the service does SET ROLE treasury_app.';
COMMENT ON ROLE treasury_readonly IS 'Reads every table except credentials (api_tokens) and the reporting views; changes nothing.';

CREATE SCHEMA treasury AUTHORIZATION treasury_owner;
COMMENT ON SCHEMA treasury IS 'State treasury system of record: reference data, identity, the double-entry ledger, dossiers.';

GRANT USAGE ON SCHEMA treasury TO treasury_app, treasury_readonly;

-- The migrator (Sources/TreasuryService/Migrator.swift) creates this table, as the login
-- user, before it runs any file; it is adopted here so that treasury_owner owns it like
-- everything else. The login user keeps writing it through its membership in treasury_owner.
-- A new owner needs CREATE on the table's schema (public); it gets it only for the change.
GRANT CREATE ON SCHEMA public TO treasury_owner;
ALTER TABLE public.treasury_schema_migrations OWNER TO treasury_owner;
REVOKE CREATE ON SCHEMA public FROM treasury_owner;

SET LOCAL ROLE treasury_owner;

COMMENT ON TABLE public.treasury_schema_migrations IS 'Migration files (sql/migrations/NNNN_name.sql) applied to this database, one row per file, written by the service''s migrator in the same transaction as the file. A file already recorded is not run again; one whose text no longer matches its checksum stops the migrator (add a new file instead of editing an applied one). Do not edit by hand.';
COMMENT ON COLUMN public.treasury_schema_migrations.version IS 'Number of the file: the four leading digits of its name (0001_roles.sql = 1); files are applied in this order.';
COMMENT ON COLUMN public.treasury_schema_migrations.name IS 'File name as applied, e.g. 0001_roles.sql.';
COMMENT ON COLUMN public.treasury_schema_migrations.checksum IS 'SHA-256 of the file text (UTF-8), 64 lower-case hex digits; compared with the file each time the migrator runs.';
COMMENT ON COLUMN public.treasury_schema_migrations.applied_at IS 'When the file was applied (start of its transaction).';

GRANT SELECT ON public.treasury_schema_migrations TO treasury_readonly;

------------------------------------------------------------------------------
-- Rule helpers shared by every area
------------------------------------------------------------------------------

-- Raises the standard rule violation. Used by every rule trigger so that the
-- SQLSTATE and the CONSTRAINT field are always the same shape.
CREATE FUNCTION treasury.raise_rule(p_constraint text, p_message text, p_table text DEFAULT NULL, p_details jsonb DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_details IS NULL THEN
        RAISE EXCEPTION '%', p_message
            USING ERRCODE = 'check_violation', CONSTRAINT = p_constraint, SCHEMA = 'treasury', TABLE = coalesce(p_table, '');
    END IF;
    RAISE EXCEPTION '%', p_message
        USING ERRCODE = 'check_violation', CONSTRAINT = p_constraint, SCHEMA = 'treasury', TABLE = coalesce(p_table, ''),
              DETAIL = p_details::text;
END
$$;
COMMENT ON FUNCTION treasury.raise_rule(text, text, text, jsonb) IS 'Raises check_violation (23514) with CONSTRAINT = the rule name and the given plain-words message, and DETAIL = p_details (a JSON object of the figures involved, which the service passes on as the error''s details); the single shape of every rule violation.';

-- Shared by every append-only table: any UPDATE, DELETE or TRUNCATE is refused.
CREATE FUNCTION treasury.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %.% refused: the table is append-only (ledger_append_only); corrections are new rows, e.g. a reversing entry', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_append_only',
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
END
$$;
COMMENT ON FUNCTION treasury.refuse_change() IS 'Trigger function for append-only tables: refuses UPDATE, DELETE and TRUNCATE with check_violation, constraint ledger_append_only.';

-- Refuses DELETE and TRUNCATE (not UPDATE) with the rule named by the trigger
-- argument: for tables whose rows are kept forever but still change status.
CREATE FUNCTION treasury.refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %.% refused: rows of this table are kept forever (%); change their status instead', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0],
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
END
$$;
COMMENT ON FUNCTION treasury.refuse_delete() IS 'Trigger function for tables whose rows are never deleted: refuses DELETE and TRUNCATE with check_violation, constraint = the trigger argument.';

-- Keeps updated_at honest on every reference table.
CREATE FUNCTION treasury.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.touch_updated_at() IS 'Trigger function: sets updated_at = now() on every UPDATE of a reference row.';

-- Refuses a parent chain that comes back to the row itself. One function for the
-- trees of treasuries, areas and budget units; TG_ARGV[0] is the constraint name reported.
CREATE FUNCTION treasury.refuse_tree_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_current text := NEW.parent_code;
    v_depth   int  := 0;
BEGIN
    WHILE v_current IS NOT NULL LOOP
        IF v_current = NEW.code THEN
            RAISE EXCEPTION 'tree cycle: % % would be its own ancestor (parent chain must not reach itself)', TG_TABLE_NAME, NEW.code
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0],
                      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
        END IF;
        v_depth := v_depth + 1;
        IF v_depth > 1000 THEN
            RAISE EXCEPTION 'tree cycle: parent chain of % % is longer than 1000', TG_TABLE_NAME, NEW.code
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0];
        END IF;
        EXECUTE format('SELECT parent_code FROM %I.%I WHERE code = $1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO v_current USING v_current;
    END LOOP;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.refuse_tree_cycle() IS 'Trigger function: refuses a parent_code whose ancestor chain reaches the row itself (constraint named by the trigger argument).';
