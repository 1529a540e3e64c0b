-- 0003: users, grants, API tokens, stored idempotency outcomes and the audit log.
-- idempotency_outcomes and audit_log are append-only through refuse_change (0001_roles.sql).
SET LOCAL ROLE treasury_owner;

CREATE TABLE treasury.users (
    id           bigserial PRIMARY KEY,
    username     text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name text NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE treasury.users IS 'People and systems that call the service; rights come from grants.';
COMMENT ON COLUMN treasury.users.id IS 'Surrogate key.';
COMMENT ON COLUMN treasury.users.username IS 'Login name: lower-case letters, digits, dot, underscore, dash; 1-64 characters.';
COMMENT ON COLUMN treasury.users.display_name IS 'Name shown to people.';
COMMENT ON COLUMN treasury.users.created_at IS 'When the user was created.';

CREATE TABLE treasury.grants (
    user_id    bigint NOT NULL REFERENCES treasury.users (id),
    role       text NOT NULL CHECK (role IN ('ADMIN', 'BUDGET_AUTHORITY', 'UNIT_ACCOUNTANT', 'TREASURY_OFFICER',
                                             'CHIEF_ACCOUNTANT', 'BANK', 'TAX_AUTHORITY', 'AUDITOR')),
    scope      text NOT NULL CHECK (scope = '*' OR scope ~ '^T:[0-9]{4}$' OR scope ~ '^U:[0-9]{7}$' OR scope ~ '^B:[A-Z0-9]{2,11}$'),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role, scope)
);
COMMENT ON TABLE treasury.grants IS 'A user''s (role, scope) pairs. A call is allowed when some grant''s role may call the method and its scope covers the object.';
COMMENT ON COLUMN treasury.grants.user_id IS 'The user holding the grant.';
COMMENT ON COLUMN treasury.grants.role IS 'Application role (ADMIN, BUDGET_AUTHORITY, UNIT_ACCOUNTANT, TREASURY_OFFICER, CHIEF_ACCOUNTANT, BANK, TAX_AUTHORITY, AUDITOR).';
COMMENT ON COLUMN treasury.grants.scope IS 'Scope: * (everything), T:<treasury> (that treasury and those under it), U:<unit> or B:<bank>.';
COMMENT ON COLUMN treasury.grants.granted_at IS 'When the grant was given.';

CREATE TABLE treasury.api_tokens (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES treasury.users (id),
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NULL,
    revoked_at timestamptz NULL
);
CREATE INDEX api_tokens_user_idx ON treasury.api_tokens (user_id);
COMMENT ON TABLE treasury.api_tokens IS 'Bearer tokens. Only the SHA-256 of the token is stored; the token is shown once. Only revoked_at may change, once (trigger api_token_immutable).';
COMMENT ON COLUMN treasury.api_tokens.id IS 'Token id (token_id in the API).';
COMMENT ON COLUMN treasury.api_tokens.user_id IS 'Owner of the token.';
COMMENT ON COLUMN treasury.api_tokens.token_hash IS 'sha256(token text), 32 bytes; the token itself is never stored.';
COMMENT ON COLUMN treasury.api_tokens.created_at IS 'When the token was issued.';
COMMENT ON COLUMN treasury.api_tokens.expires_at IS 'Expiry; NULL = never expires.';
COMMENT ON COLUMN treasury.api_tokens.revoked_at IS 'When the token was revoked; NULL = not revoked.';

CREATE FUNCTION treasury.api_token_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.user_id IS DISTINCT FROM OLD.user_id
       OR NEW.token_hash IS DISTINCT FROM OLD.token_hash OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
       OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
       OR (OLD.revoked_at IS NULL AND NEW.revoked_at IS NULL) THEN
        RAISE EXCEPTION 'api token % may only be revoked (revoked_at from NULL to a time), nothing else changes', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'api_token_immutable',
                  SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.api_token_guard() IS 'Trigger function: an api_tokens UPDATE may only set revoked_at from NULL to a value (constraint api_token_immutable).';
CREATE TRIGGER api_token_immutable BEFORE UPDATE ON treasury.api_tokens
    FOR EACH ROW EXECUTE FUNCTION treasury.api_token_guard();

CREATE TABLE treasury.idempotency_outcomes (
    user_id      bigint NOT NULL REFERENCES treasury.users (id),
    method       text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    outcome      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, method, key)
);
COMMENT ON TABLE treasury.idempotency_outcomes IS 'First outcome of each mutating call per (user, method, idempotency key); a replay with the same request returns it. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.idempotency_outcomes.user_id IS 'Caller.';
COMMENT ON COLUMN treasury.idempotency_outcomes.method IS 'Full method name, e.g. treasury.v1.Accounts/Transfer.';
COMMENT ON COLUMN treasury.idempotency_outcomes.key IS 'Client idempotency key, 1-255 characters.';
COMMENT ON COLUMN treasury.idempotency_outcomes.request_hash IS 'Hash of the canonical request params: a replay with other params is refused.';
COMMENT ON COLUMN treasury.idempotency_outcomes.outcome IS 'Serialized JSON object: {"result": ...} or {"error": ...}, returned verbatim on replay.';
COMMENT ON COLUMN treasury.idempotency_outcomes.created_at IS 'When the outcome was stored.';

CREATE TABLE treasury.audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     bigint NULL,
    action      text NOT NULL,
    object_kind text NULL,
    object_id   text NULL,
    details     jsonb NULL,
    client_certificate text NULL
);
CREATE INDEX audit_log_object_idx ON treasury.audit_log (object_kind, object_id);
COMMENT ON TABLE treasury.audit_log IS 'Who did what and when. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.audit_log.id IS 'Sequence number.';
COMMENT ON COLUMN treasury.audit_log.at IS 'When it happened.';
COMMENT ON COLUMN treasury.audit_log.user_id IS 'Acting user (no foreign key: the log outlives everything); NULL for the system.';
COMMENT ON COLUMN treasury.audit_log.action IS 'What was done, e.g. the method name.';
COMMENT ON COLUMN treasury.audit_log.object_kind IS 'Kind of object acted on (ACCOUNT, ENTRY, USER...).';
COMMENT ON COLUMN treasury.audit_log.object_id IS 'Id of the object acted on.';
COMMENT ON COLUMN treasury.audit_log.details IS 'Anything else worth keeping, as JSON.';
COMMENT ON COLUMN treasury.audit_log.client_certificate IS 'Subject of the verified TLS client certificate the call came over (mutual TLS, e.g. CN=VCB,O=Vietcombank,C=VN); NULL over clear text or TLS without client certificates.';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.idempotency_outcomes
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.idempotency_outcomes
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.audit_log
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- A mutating call's idempotency record and audit row. Every mutating method, alone or in a
-- group commit, goes through these two functions (Sources/TreasuryService/Execution.swift).
-- They take arrays so that one call serves one caller's call or a whole group.
------------------------------------------------------------------------------

CREATE FUNCTION treasury.calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[])
RETURNS TABLE (ord bigint, outcome text, same_request boolean)
LANGUAGE plpgsql AS $$
BEGIN
    -- Concurrent calls with one (user, method, key) run one after the other: the lock is held
    -- to the end of the transaction, so the later one finds the earlier one's stored outcome.
    -- Locks are taken in one global order, so two groups sharing keys never deadlock.
    PERFORM count(pg_advisory_xact_lock(lock_hash))
    FROM (SELECT DISTINCT hashtextextended(u || E'\n' || p_method || E'\n' || k, 0) AS lock_hash
          FROM unnest(p_user_ids, p_keys) AS call(u, k) ORDER BY 1 OFFSET 0) AS locks;

    -- One primary-key probe per call, a statement with a generic plan: a set-returning query
    -- over the arrays would be planned anew on every call (its custom plans look cheaper).
    FOR i IN 1 .. coalesce(cardinality(p_user_ids), 0) LOOP
        SELECT o.outcome, o.request_hash = sha256(convert_to(p_requests[i], 'UTF8'))
        INTO outcome, same_request
        FROM treasury.idempotency_outcomes o
        WHERE o.user_id = p_user_ids[i] AND o.method = p_method AND o.key = p_keys[i];
        IF FOUND THEN
            ord := i;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION treasury.calls_begin(text, bigint[], text[], text[]) IS 'Starts mutating calls of one method (one per array position): takes each call''s idempotency lock (user, method, key) until the end of the transaction and returns, for calls that already have a stored outcome, their position (ord, from 1), the outcome and whether the stored request is the same (false: the key was used with other params).';

CREATE FUNCTION treasury.calls_finish(
    p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[],
    p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[])
RETURNS void
-- PL/pgSQL, not SQL: its statements are planned once per session, not on every call.
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO treasury.idempotency_outcomes (user_id, method, key, request_hash, outcome)
    SELECT call.user_id, p_method, call.key, sha256(convert_to(call.request, 'UTF8')), call.outcome
    FROM unnest(p_user_ids, p_keys, p_requests, p_outcomes) AS call(user_id, key, request, outcome);
    INSERT INTO treasury.audit_log (user_id, action, details, client_certificate)
    SELECT audit.user_id, p_method, audit.details, audit.certificate
    FROM unnest(p_audit_user_ids, p_audit_details, p_audit_certificates) AS audit(user_id, details, certificate);
END
$$;
COMMENT ON FUNCTION treasury.calls_finish(text, bigint[], text[], text[], text[], bigint[], jsonb[], text[]) IS 'Finishes mutating calls of one method: stores each call''s outcome for replay (same array positions as calls_begin) and one audit row per call that changed something (the audit arrays: the calls whose outcome is a result, with the subject of the TLS client certificate each came over, NULL without one).';

GRANT SELECT, INSERT ON treasury.users, treasury.grants, treasury.api_tokens,
    treasury.idempotency_outcomes, treasury.audit_log TO treasury_app;
GRANT UPDATE (display_name) ON treasury.users TO treasury_app;
GRANT UPDATE (revoked_at) ON treasury.api_tokens TO treasury_app;
GRANT DELETE ON treasury.grants TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.users_id_seq, treasury.api_tokens_id_seq, treasury.audit_log_id_seq TO treasury_app;
GRANT SELECT ON treasury.users, treasury.grants, treasury.idempotency_outcomes, treasury.audit_log TO treasury_readonly;
-- The scope check of a call whose whole database work goes out in one flush (the service
-- cannot look at the object first): which scopes cover the object is the object's function
-- (account_scopes), which grants the caller holds for the method is the service's.
CREATE FUNCTION treasury.require_scope(p_object_scopes text[], p_grant_scopes text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF NOT coalesce(p_object_scopes && p_grant_scopes, false) THEN
        RAISE EXCEPTION 'the object is outside the caller''s grants'' scope'
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'out_of_scope', SCHEMA = 'treasury';
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.require_scope(text[], text[]) IS 'Refuses (42501, CONSTRAINT out_of_scope) unless one of the caller''s grant scopes (e.g. U:5900001, T:0101, *) is among the scopes that cover the object (e.g. account_scopes); the service maps it to PERMISSION_DENIED/OUT_OF_SCOPE.';

GRANT EXECUTE ON FUNCTION treasury.calls_begin(text, bigint[], text[], text[]), treasury.require_scope(text[], text[]),
    treasury.calls_finish(text, bigint[], text[], text[], text[], bigint[], jsonb[], text[]) TO treasury_app;
