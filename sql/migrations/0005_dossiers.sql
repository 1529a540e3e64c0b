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
