-- 0005: dossiers of the online public services: one per call of an administrative
-- procedure, with its status and service-level deadline; and balance_reconciliations, the
-- content of the BALANCE_RECONCILIATION dossiers.
SET LOCAL ROLE treasury_owner;

CREATE TABLE treasury.dossiers (
    id            bigserial PRIMARY KEY,
    procedure     text NOT NULL CHECK (procedure IN ('ACCOUNT_OPEN', 'ACCOUNT_CHANGE', 'ACCOUNT_CLOSE', 'COMMITMENT',
                                                     'PAYMENT_RECURRENT', 'PAYMENT_INVESTMENT', 'ADVANCE_SETTLEMENT',
                                                     'REVENUE_COLLECTION', 'REVENUE_REFUND', 'BALANCE_RECONCILIATION')),
    unit_code     text NULL REFERENCES treasury.budget_units (code),
    treasury_code text NULL REFERENCES treasury.treasuries (code),
    channel       text NOT NULL DEFAULT 'ONLINE' CHECK (channel IN ('ONLINE', 'COUNTER')),
    received_at   timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED', 'PROCESSING', 'COMPLETED', 'REJECTED', 'CANCELLED')),
    completed_at  timestamptz NULL,
    subject_kind  text NULL,
    subject_id    text NULL,
    created_by    bigint NULL REFERENCES treasury.users (id),
    CONSTRAINT dossiers_due_after_received CHECK (due_at > received_at)
);
CREATE INDEX dossiers_status_idx ON treasury.dossiers (status, received_at);
CREATE INDEX dossiers_procedure_idx ON treasury.dossiers (procedure, received_at);
CREATE INDEX dossiers_unit_idx ON treasury.dossiers (unit_code, received_at);
CREATE INDEX dossiers_received_idx ON treasury.dossiers (received_at);
CREATE INDEX dossiers_subject_idx ON treasury.dossiers (subject_kind, subject_id);
COMMENT ON TABLE treasury.dossiers IS 'One dossier per call of the nine administrative procedures (online public services); status follows dossier_status_transition; due_at is computed by the service from the working-day calendar.';
COMMENT ON COLUMN treasury.dossiers.id IS 'Dossier id (dossier_id in the API).';
COMMENT ON COLUMN treasury.dossiers.procedure IS 'Which of the nine procedures. Immutable.';
COMMENT ON COLUMN treasury.dossiers.unit_code IS 'Budget unit concerned, when there is one.';
COMMENT ON COLUMN treasury.dossiers.treasury_code IS 'Treasury handling the dossier.';
COMMENT ON COLUMN treasury.dossiers.channel IS 'ONLINE (default) or COUNTER (paper submission registered by an officer).';
COMMENT ON COLUMN treasury.dossiers.received_at IS 'When it was received. Immutable.';
COMMENT ON COLUMN treasury.dossiers.due_at IS 'Service-level deadline (end of a working day, Asia/Ho_Chi_Minh); after received_at. Immutable.';
COMMENT ON COLUMN treasury.dossiers.status IS 'RECEIVED, PROCESSING, COMPLETED, REJECTED or CANCELLED; the last three are terminal.';
COMMENT ON COLUMN treasury.dossiers.completed_at IS 'When it reached a terminal status (set by trigger unless given).';
COMMENT ON COLUMN treasury.dossiers.subject_kind IS 'Kind of object the dossier is about (ACCOUNT, COMMITMENT, PAYMENT_ORDER, COLLECTION, REFUND...).';
COMMENT ON COLUMN treasury.dossiers.subject_id IS 'Id of that object.';
COMMENT ON COLUMN treasury.dossiers.created_by IS 'User who submitted or registered it.';

CREATE FUNCTION treasury.dossiers_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') THEN
            NEW.completed_at := coalesce(NEW.completed_at, now());
        ELSE
            NEW.completed_at := NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.procedure IS DISTINCT FROM OLD.procedure
       OR NEW.received_at IS DISTINCT FROM OLD.received_at OR NEW.due_at IS DISTINCT FROM OLD.due_at THEN
        PERFORM treasury.raise_rule('dossier_immutable_fields',
            format('dossier %s: id, procedure, received_at and due_at never change', OLD.id), 'dossiers');
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT ((OLD.status, NEW.status) IN (('RECEIVED', 'PROCESSING'), ('RECEIVED', 'COMPLETED'), ('RECEIVED', 'REJECTED'),
                                             ('RECEIVED', 'CANCELLED'), ('PROCESSING', 'COMPLETED'), ('PROCESSING', 'REJECTED'),
                                             ('PROCESSING', 'CANCELLED'))) THEN
            PERFORM treasury.raise_rule('dossier_status_transition',
                format('dossier %s cannot go from %s to %s', OLD.id, OLD.status, NEW.status), 'dossiers');
        END IF;
        IF NEW.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') THEN
            NEW.completed_at := coalesce(NEW.completed_at, now());
        END IF;
    ELSIF OLD.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') THEN
        -- A terminal dossier is final: only descriptive fields may still be corrected.
        NEW.completed_at := OLD.completed_at;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.dossiers_guard() IS 'Trigger function on dossiers: status state machine (dossier_status_transition), immutable procedure/received_at/due_at (dossier_immutable_fields), completed_at on reaching a terminal status.';
CREATE TRIGGER dossiers_guard BEFORE INSERT OR UPDATE ON treasury.dossiers
    FOR EACH ROW EXECUTE FUNCTION treasury.dossiers_guard();

GRANT SELECT, INSERT, UPDATE ON treasury.dossiers TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.dossiers_id_seq TO treasury_app;
GRANT SELECT ON treasury.dossiers TO treasury_readonly;

-- Balance reconciliation (Decree 347/2025, forms 26-29): a unit states the balance its books
-- show for an account at the end of a day; the treasury answers with its own and an officer
-- confirms. One row per BALANCE_RECONCILIATION dossier; the request is fixed, the
-- confirmation is written once.
CREATE TABLE treasury.balance_reconciliations (
    dossier_id       bigint PRIMARY KEY REFERENCES treasury.dossiers (id),
    account_no       text NOT NULL REFERENCES treasury.accounts (account_no),
    as_of            date NOT NULL,
    balance_seen     bigint NOT NULL CONSTRAINT balance_reconciliation_seen_range CHECK (balance_seen BETWEEN 0 AND 1000000000000000000),
    treasury_balance bigint NOT NULL CONSTRAINT balance_reconciliation_treasury_range CHECK (treasury_balance >= 0),
    requested_by     bigint NULL REFERENCES treasury.users (id),
    confirmed_by     bigint NULL REFERENCES treasury.users (id),
    confirmed_at     timestamptz NULL,
    note             text NULL CHECK (length(note) <= 2000),
    CONSTRAINT balance_reconciliation_confirmation_shape CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)
                                                               AND (note IS NULL OR confirmed_at IS NOT NULL))
);
CREATE INDEX balance_reconciliations_account_idx ON treasury.balance_reconciliations (account_no, as_of);
COMMENT ON TABLE treasury.balance_reconciliations IS 'Balance reconciliations with units (procedure BALANCE_RECONCILIATION): the balance a unit saw for an account at the end of as_of and the treasury''s own, confirmed once by an officer. Request columns never change, the confirmation is written once, no row is deleted (balance_reconciliation_guard).';
COMMENT ON COLUMN treasury.balance_reconciliations.dossier_id IS 'The BALANCE_RECONCILIATION dossier this is the content of (one row per dossier).';
COMMENT ON COLUMN treasury.balance_reconciliations.account_no IS 'Account reconciled. Immutable.';
COMMENT ON COLUMN treasury.balance_reconciliations.as_of IS 'Local day (Asia/Ho_Chi_Minh) whose closing balance is reconciled; not after the day of the request. Immutable.';
COMMENT ON COLUMN treasury.balance_reconciliations.balance_seen IS 'Balance the unit''s books show at the end of as_of, minor units. Immutable.';
COMMENT ON COLUMN treasury.balance_reconciliations.treasury_balance IS 'Treasury''s balance at the end of as_of when requested: the sum of the account''s journal lines (credit - debit) dated on or before as_of. Immutable.';
COMMENT ON COLUMN treasury.balance_reconciliations.requested_by IS 'Unit accountant who asked.';
COMMENT ON COLUMN treasury.balance_reconciliations.confirmed_by IS 'Treasury officer who confirmed; set once, with confirmed_at.';
COMMENT ON COLUMN treasury.balance_reconciliations.confirmed_at IS 'When it was confirmed (its dossier COMPLETED); set once, with confirmed_by.';
COMMENT ON COLUMN treasury.balance_reconciliations.note IS 'Officer''s note on confirming, e.g. how a difference is explained; set only with the confirmation.';

CREATE FUNCTION treasury.balance_reconciliations_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.dossier_id IS DISTINCT FROM OLD.dossier_id OR NEW.account_no IS DISTINCT FROM OLD.account_no
       OR NEW.as_of IS DISTINCT FROM OLD.as_of OR NEW.balance_seen IS DISTINCT FROM OLD.balance_seen
       OR NEW.treasury_balance IS DISTINCT FROM OLD.treasury_balance OR NEW.requested_by IS DISTINCT FROM OLD.requested_by THEN
        PERFORM treasury.raise_rule('balance_reconciliation_immutable_fields',
            format('balance reconciliation %s: the request never changes', OLD.dossier_id), 'balance_reconciliations');
    END IF;
    IF OLD.confirmed_at IS NOT NULL AND (NEW.confirmed_at IS DISTINCT FROM OLD.confirmed_at
       OR NEW.confirmed_by IS DISTINCT FROM OLD.confirmed_by OR NEW.note IS DISTINCT FROM OLD.note) THEN
        PERFORM treasury.raise_rule('balance_reconciliation_confirmed_once',
            format('balance reconciliation %s is already confirmed', OLD.dossier_id), 'balance_reconciliations');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.balance_reconciliations_guard() IS 'Trigger function on balance_reconciliations: the request columns never change (balance_reconciliation_immutable_fields); confirmed_by, confirmed_at and note are written once (balance_reconciliation_confirmed_once).';
CREATE TRIGGER balance_reconciliations_guard BEFORE UPDATE ON treasury.balance_reconciliations
    FOR EACH ROW EXECUTE FUNCTION treasury.balance_reconciliations_guard();
CREATE TRIGGER balance_reconciliation_no_delete BEFORE DELETE ON treasury.balance_reconciliations
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_delete('balance_reconciliation_no_delete');
CREATE TRIGGER balance_reconciliation_no_delete_truncate BEFORE TRUNCATE ON treasury.balance_reconciliations
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('balance_reconciliation_no_delete');

GRANT SELECT, INSERT, UPDATE (confirmed_by, confirmed_at, note) ON treasury.balance_reconciliations TO treasury_app;
GRANT SELECT ON treasury.balance_reconciliations TO treasury_readonly;

------------------------------------------------------------------------------
-- Signature specimens and signed filings (Decree 347/2025 Art 3, 6)
------------------------------------------------------------------------------
-- A unit's chief accountant and its head (or deputy) sign every dossier the unit files
-- online; the treasury checks each signature against the specimens the unit registered
-- (docs/procedures.md). A specimen is a public key with its validity; it is never
-- changed but revoked, once.
CREATE TABLE treasury.signature_specimens (
    id            bigserial PRIMARY KEY,
    unit_code     text NOT NULL REFERENCES treasury.budget_units (code),
    signer_name   text NOT NULL CHECK (length(btrim(signer_name)) BETWEEN 1 AND 200),
    title         text NOT NULL CHECK (title IN ('HEAD', 'CHIEF_ACCOUNTANT', 'DEPUTY')),
    algorithm     text NOT NULL CHECK (algorithm IN ('ED25519', 'ECDSA_P256')),
    public_key    bytea NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date NULL,
    dossier_id    bigint NULL REFERENCES treasury.dossiers (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id),
    revoked_at    timestamptz NULL,
    revoked_by    bigint NULL REFERENCES treasury.users (id),
    revoke_reason text NULL CHECK (length(btrim(revoke_reason)) BETWEEN 1 AND 500),
    -- Ed25519: the 32 raw bytes; P-256: the uncompressed point (0x04, X, Y).
    CONSTRAINT specimen_key_shape CHECK ((algorithm = 'ED25519' AND length(public_key) = 32)
        OR (algorithm = 'ECDSA_P256' AND length(public_key) = 65 AND get_byte(public_key, 0) = 4)),
    CONSTRAINT specimen_validity_order CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT specimen_revocation_shape CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE INDEX signature_specimens_unit_idx ON treasury.signature_specimens (unit_code, id);
COMMENT ON TABLE treasury.signature_specimens IS 'Signature specimens of budget units (Decree 347/2025): the public keys of a unit''s head, chief accountant and deputies, registered by an officer under the ACCOUNT_OPEN procedure. A specimen never changes (specimen_immutable) but is revoked once; never deleted (specimen_no_delete).';
COMMENT ON COLUMN treasury.signature_specimens.id IS 'Specimen id (specimen_id in the API and in the signatures metadata).';
COMMENT ON COLUMN treasury.signature_specimens.unit_code IS 'The unit whose signer this is.';
COMMENT ON COLUMN treasury.signature_specimens.signer_name IS 'Name of the person.';
COMMENT ON COLUMN treasury.signature_specimens.title IS 'HEAD, CHIEF_ACCOUNTANT or DEPUTY: a filing needs a CHIEF_ACCOUNTANT''s signature and a HEAD''s or DEPUTY''s.';
COMMENT ON COLUMN treasury.signature_specimens.algorithm IS 'ED25519 or ECDSA_P256 (ECDSA over P-256 with SHA-256).';
COMMENT ON COLUMN treasury.signature_specimens.public_key IS 'The public key: Ed25519''s 32 raw bytes, or P-256''s uncompressed point of 65 bytes (specimen_key_shape).';
COMMENT ON COLUMN treasury.signature_specimens.valid_from IS 'First local day a signature under it counts.';
COMMENT ON COLUMN treasury.signature_specimens.valid_to IS 'Last local day a signature under it counts; NULL: no end.';
COMMENT ON COLUMN treasury.signature_specimens.dossier_id IS 'The ACCOUNT_OPEN dossier it was registered under.';
COMMENT ON COLUMN treasury.signature_specimens.created_at IS 'When it was registered (forced to now()).';
COMMENT ON COLUMN treasury.signature_specimens.created_by IS 'Officer who registered it.';
COMMENT ON COLUMN treasury.signature_specimens.revoked_at IS 'When it was revoked (forced to now() when revoked_by is set); a signature made after it does not count.';
COMMENT ON COLUMN treasury.signature_specimens.revoked_by IS 'Officer who revoked it.';
COMMENT ON COLUMN treasury.signature_specimens.revoke_reason IS 'Why it was revoked.';

CREATE FUNCTION treasury.signature_specimens_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('specimen_no_delete',
            format('signature specimen %s cannot be deleted: revoke it', OLD.id), 'signature_specimens');
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        IF NEW.revoked_by IS NOT NULL THEN
            NEW.revoked_at := now();
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.unit_code IS DISTINCT FROM OLD.unit_code OR NEW.signer_name IS DISTINCT FROM OLD.signer_name
       OR NEW.title IS DISTINCT FROM OLD.title OR NEW.algorithm IS DISTINCT FROM OLD.algorithm OR NEW.public_key IS DISTINCT FROM OLD.public_key
       OR NEW.valid_from IS DISTINCT FROM OLD.valid_from OR NEW.valid_to IS DISTINCT FROM OLD.valid_to
       OR NEW.dossier_id IS DISTINCT FROM OLD.dossier_id OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.created_by IS DISTINCT FROM OLD.created_by OR OLD.revoked_by IS NOT NULL THEN
        PERFORM treasury.raise_rule('specimen_immutable',
            format('signature specimen %s never changes; it is revoked once (revoked_by, revoke_reason)', OLD.id), 'signature_specimens');
    END IF;
    NEW.revoked_at := CASE WHEN NEW.revoked_by IS NOT NULL THEN now() END;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.signature_specimens_guard() IS 'Trigger function on signature_specimens: nothing changes but a revocation, set once (specimen_immutable); revoked_at and created_at forced to now(); no delete (specimen_no_delete).';
CREATE TRIGGER signature_specimens_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.signature_specimens
    FOR EACH ROW EXECUTE FUNCTION treasury.signature_specimens_guard();
CREATE TRIGGER specimen_no_delete_truncate BEFORE TRUNCATE ON treasury.signature_specimens
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('specimen_no_delete');

-- What a signed dossier's signers signed: the signing text (method, idempotency key,
-- canonical params) and its SHA-256, and each signature. Written with the dossier, never
-- changed, so Dossiers/VerifySignatures can check them again at any time.
CREATE TABLE treasury.dossier_signings (
    dossier_id   bigint PRIMARY KEY REFERENCES treasury.dossiers (id),
    signing_text text NOT NULL,
    signing_hash bytea NOT NULL,
    CONSTRAINT dossier_signing_hash CHECK (signing_hash = sha256(convert_to(signing_text, 'UTF8')))
);
COMMENT ON TABLE treasury.dossier_signings IS 'The signing text of a signed dossier (UTF-8: the full method name, a newline, the idempotency key, a newline, the params in RFC 8785 canonical JSON) and its SHA-256 (dossier_signing_hash). Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.dossier_signings.dossier_id IS 'The dossier the unit filed.';
COMMENT ON COLUMN treasury.dossier_signings.signing_text IS 'What the signers signed, exactly.';
COMMENT ON COLUMN treasury.dossier_signings.signing_hash IS 'sha256 of signing_text''s UTF-8 (checked).';

CREATE TABLE treasury.dossier_signatures (
    dossier_id  bigint NOT NULL REFERENCES treasury.dossier_signings (dossier_id),
    specimen_id bigint NOT NULL REFERENCES treasury.signature_specimens (id),
    signature   bytea NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (dossier_id, specimen_id)
);
CREATE INDEX dossier_signatures_specimen_idx ON treasury.dossier_signatures (specimen_id);
COMMENT ON TABLE treasury.dossier_signatures IS 'The signatures a signed dossier carried, each under one specimen of the dossier''s unit, over its dossier_signings text. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.dossier_signatures.dossier_id IS 'The signed dossier.';
COMMENT ON COLUMN treasury.dossier_signatures.specimen_id IS 'The specimen the signature verified under when the dossier was filed.';
COMMENT ON COLUMN treasury.dossier_signatures.signature IS 'The 64 bytes: Ed25519''s signature, or P-256''s r and s.';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.dossier_signings
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.dossier_signings
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.dossier_signatures
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.dossier_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

GRANT SELECT, INSERT ON treasury.signature_specimens, treasury.dossier_signings, treasury.dossier_signatures TO treasury_app;
GRANT UPDATE (revoked_by, revoke_reason) ON treasury.signature_specimens TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.signature_specimens_id_seq TO treasury_app;
GRANT SELECT ON treasury.signature_specimens, treasury.dossier_signings, treasury.dossier_signatures TO treasury_readonly;
