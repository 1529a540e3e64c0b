-- 0005: dossiers of the online public services: one per call of an administrative
-- procedure, with its status and service-level deadline.
SET LOCAL ROLE treasury_owner;

CREATE TABLE treasury.dossiers (
    id            bigserial PRIMARY KEY,
    procedure     text NOT NULL CHECK (procedure IN ('ACCOUNT_OPEN', 'ACCOUNT_CHANGE', 'ACCOUNT_CLOSE', 'COMMITMENT',
                                                     'PAYMENT_RECURRENT', 'PAYMENT_INVESTMENT', 'ADVANCE_SETTLEMENT',
                                                     'REVENUE_COLLECTION', 'REVENUE_REFUND')),
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
