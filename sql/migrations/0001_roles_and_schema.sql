-- 0001: database roles and the treasury schema.
-- Runs as the migrator's login user (a superuser, or a CREATEROLE user).
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
