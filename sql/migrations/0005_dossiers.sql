-- 0005: the procedures of the online public services with their legal time limits
-- (Decree 347/2025); dossiers, one per call of a procedure, with its status, deadline and its
-- one supplement request; and balance_reconciliations, the content of the
-- BALANCE_RECONCILIATION dossiers.
SET LOCAL ROLE treasury_owner;

-- Reference data, not an enum in code: the nine procedures of Decree 347/2025, ACCOUNT_CHANGE
-- (freeze and unfreeze, not one of the nine) and the Decree 11/2020 codes that dossiers filed
-- before keep. The service mirrors the limits in Swift (TreasuryDomain.Procedure) to compute
-- due_at; a test proves the two agree, and treasury_app can only read this table.
CREATE TABLE treasury.procedures (
    code                        text PRIMARY KEY CONSTRAINT procedure_code_format CHECK (code ~ '^[A-Z][A-Z_]{0,39}$'),
    name                        text NOT NULL CHECK (length(btrim(name)) > 0),
    legal_basis                 text NOT NULL CHECK (length(btrim(legal_basis)) > 0),
    position                    smallint NOT NULL CONSTRAINT procedures_position_unique UNIQUE,
    in_force                    boolean NOT NULL,
    replaced_by                 text NULL REFERENCES treasury.procedures (code),
    limit_minutes               integer NULL,
    counter_limit_minutes       integer NULL,
    limit_working_days          integer NULL,
    advance_limit_working_days  integer NULL,
    year_end_limit_working_days integer NULL,
    CONSTRAINT procedure_limit_shape CHECK (
        (limit_minutes IS NULL) <> (limit_working_days IS NULL)
        AND (counter_limit_minutes IS NULL OR limit_minutes IS NOT NULL)
        AND (advance_limit_working_days IS NULL OR limit_working_days IS NOT NULL)
        AND (year_end_limit_working_days IS NULL OR limit_working_days IS NOT NULL)
        AND coalesce(limit_minutes, 1) BETWEEN 1 AND 1440 AND coalesce(counter_limit_minutes, 1) BETWEEN 1 AND 1440
        AND coalesce(limit_working_days, 1) BETWEEN 1 AND 60 AND coalesce(advance_limit_working_days, 1) BETWEEN 1 AND 60
        AND coalesce(year_end_limit_working_days, 1) BETWEEN 1 AND 60),
    CONSTRAINT procedure_replaced_only_when_retired CHECK (replaced_by IS NULL OR NOT in_force)
);
COMMENT ON TABLE treasury.procedures IS 'The administrative procedures dossiers are filed under, with their legal time limits (Decree 347/2025/ND-CP from 2026-01-01). A dossier''s due_at follows its procedure''s limit: N minutes after received_at, or the end (23:59:59 Asia/Ho_Chi_Minh) of the N-th working day, the day of receipt counting as the first when it is a working day and the dossier arrived before the cut-off (15:30, configurable), else counting from the next working day. New dossiers only under a procedure in force (dossier_procedure_in_force); retired codes stay for the dossiers filed under them. Listed by Reference/List {kind: PROCEDURE}; read-only to treasury_app.';
COMMENT ON COLUMN treasury.procedures.code IS 'Procedure code (dossiers.procedure), UPPER_SNAKE.';
COMMENT ON COLUMN treasury.procedures.name IS 'What the procedure is, in plain words.';
COMMENT ON COLUMN treasury.procedures.legal_basis IS 'The text that sets the procedure and its limit (Decree 347/2025/ND-CP for the nine; Decree 11/2020/ND-CP for retired codes).';
COMMENT ON COLUMN treasury.procedures.position IS 'Display order: the nine in Decree 347''s order, then ACCOUNT_CHANGE, then the retired codes.';
COMMENT ON COLUMN treasury.procedures.in_force IS 'Whether new dossiers may be filed under it: the nine and ACCOUNT_CHANGE. Retired codes (COMMITMENT, ADVANCE_SETTLEMENT) are kept for the dossiers filed before.';
COMMENT ON COLUMN treasury.procedures.replaced_by IS 'For a retired code, the procedure new dossiers of the same kind are filed under (COMMITMENT and ADVANCE_SETTLEMENT: PAYMENT_RECURRENT); NULL for one in force (procedure_replaced_only_when_retired).';
COMMENT ON COLUMN treasury.procedures.limit_minutes IS 'Limit in minutes after received_at (REVENUE_COLLECTION: 5, electronic); exactly one of limit_minutes and limit_working_days is set (procedure_limit_shape).';
COMMENT ON COLUMN treasury.procedures.counter_limit_minutes IS 'Limit in minutes for a dossier received at the counter (channel COUNTER) of a procedure counted in minutes (REVENUE_COLLECTION: 30); NULL when the channel makes no difference.';
COMMENT ON COLUMN treasury.procedures.limit_working_days IS 'Limit in working days counted from the day of receipt (see the table''s comment); for PAYMENT_INVESTMENT and PAYMENT_INVESTMENT_FOREIGN the limit of payments and of everything that is not an advance (2).';
COMMENT ON COLUMN treasury.procedures.advance_limit_working_days IS 'Limit in working days of an advance (a dossier whose subject is an ADVANCE payment order) where it differs: public investment, 1; NULL when advances have the base limit.';
COMMENT ON COLUMN treasury.procedures.year_end_limit_working_days IS 'Limit in working days of a dossier received (local date) from 25 to 31 December or from 25 to 31 January (PAYMENT_RECURRENT: 2); NULL when there is no year-end extension.';

INSERT INTO treasury.procedures (code, name, legal_basis, position, in_force, replaced_by, limit_minutes, counter_limit_minutes,
                                 limit_working_days, advance_limit_working_days, year_end_limit_working_days) VALUES
    ('REVENUE_COLLECTION', 'Paying into the state budget (collection)', 'Decree 347/2025/ND-CP', 1, true, NULL, 5, 30, NULL, NULL, NULL),
    ('REVENUE_REFUND', 'Refund of budget revenue on the competent authority''s refund order (non-cash)', 'Decree 347/2025/ND-CP', 2, true, NULL, NULL, NULL, 1, NULL, NULL),
    ('PAYMENT_RECURRENT', 'Regular spending: commitments and withdrawals (C2-02a), payment orders (C4-02a), advance settlements (C2-03)', 'Decree 347/2025/ND-CP', 3, true, NULL, NULL, NULL, 1, NULL, 2),
    ('AID_BOOKING', 'Booking ODA and foreign aid as budget revenue and spending', 'Decree 347/2025/ND-CP', 4, true, NULL, NULL, NULL, 2, NULL, NULL),
    ('PAYMENT_INVESTMENT', 'Public investment of domestic capital: contracts, advances and payments', 'Decree 347/2025/ND-CP', 5, true, NULL, NULL, NULL, 2, 1, NULL),
    ('PAYMENT_INVESTMENT_FOREIGN', 'Public investment of foreign capital: contracts, advances and payments', 'Decree 347/2025/ND-CP', 6, true, NULL, NULL, NULL, 2, 1, NULL),
    ('ACCOUNT_OPEN', 'Registration of a transaction account, with seal and signature specimens', 'Decree 347/2025/ND-CP', 7, true, NULL, NULL, NULL, 1, NULL, NULL),
    ('ACCOUNT_CLOSE', 'Closing a transaction account', 'Decree 347/2025/ND-CP', 8, true, NULL, NULL, NULL, 1, NULL, NULL),
    ('BALANCE_RECONCILIATION', 'Reconciliation and confirmation of balances (forms 26-29)', 'Decree 347/2025/ND-CP', 9, true, NULL, NULL, NULL, 1, NULL, NULL),
    ('ACCOUNT_CHANGE', 'Freezing or unfreezing a transaction account', 'Treasury practice: not one of the procedures of Decree 347/2025/ND-CP; the limit of the other account procedures', 10, true, NULL, NULL, NULL, 1, NULL, NULL),
    ('COMMITMENT', 'Registering a commitment (now part of PAYMENT_RECURRENT, or PAYMENT_INVESTMENT on investment capital)', 'Decree 11/2020/ND-CP, replaced by Decree 347/2025/ND-CP on 2026-01-01', 11, false, 'PAYMENT_RECURRENT', NULL, NULL, 2, NULL, NULL),
    ('ADVANCE_SETTLEMENT', 'Settling an advance (now part of PAYMENT_RECURRENT)', 'Decree 11/2020/ND-CP, replaced by Decree 347/2025/ND-CP on 2026-01-01', 12, false, 'PAYMENT_RECURRENT', NULL, NULL, 2, NULL, NULL);

GRANT SELECT ON treasury.procedures TO treasury_app, treasury_readonly;

CREATE TABLE treasury.dossiers (
    id                      bigserial PRIMARY KEY,
    procedure               text NOT NULL REFERENCES treasury.procedures (code),
    unit_code               text NULL REFERENCES treasury.budget_units (code),
    treasury_code           text NULL REFERENCES treasury.treasuries (code),
    channel                 text NOT NULL DEFAULT 'ONLINE' CHECK (channel IN ('ONLINE', 'COUNTER')),
    received_at             timestamptz NOT NULL,
    due_at                  timestamptz NOT NULL,
    status                  text NOT NULL DEFAULT 'RECEIVED'
                            CHECK (status IN ('RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED', 'COMPLETED', 'REJECTED', 'CANCELLED')),
    completed_at            timestamptz NULL,
    subject_kind            text NULL,
    subject_id              text NULL,
    created_by              bigint NULL REFERENCES treasury.users (id),
    supplement_requested_at timestamptz NULL,
    supplement_requested_by bigint NULL REFERENCES treasury.users (id),
    supplement_items        text[] NULL,
    supplemented_at         timestamptz NULL,
    supplemented_by         bigint NULL REFERENCES treasury.users (id),
    supplement_note         text NULL CHECK (length(supplement_note) <= 2000),
    CONSTRAINT dossiers_due_after_received CHECK (due_at > received_at),
    -- The request and the supplement come in this order, each whole; a dossier awaiting one
    -- has the request and not yet the supplement; one that went on after a request (open or
    -- COMPLETED) has the supplement; due_at is after the supplement that restarted the clock.
    CONSTRAINT dossier_supplement_shape CHECK (
        (supplement_requested_at IS NULL) = (supplement_items IS NULL)
        AND (supplement_requested_at IS NOT NULL OR (supplement_requested_by IS NULL AND supplemented_at IS NULL))
        AND (supplemented_at IS NOT NULL OR (supplemented_by IS NULL AND supplement_note IS NULL))
        AND (supplement_items IS NULL OR (cardinality(supplement_items) BETWEEN 1 AND 20 AND array_ndims(supplement_items) = 1
                                          AND array_position(supplement_items, NULL) IS NULL))
        AND (supplement_requested_at IS NULL OR supplement_requested_at >= received_at)
        AND (supplemented_at IS NULL OR (supplemented_at >= supplement_requested_at AND due_at > supplemented_at))
        AND (status <> 'SUPPLEMENT_REQUESTED' OR (supplement_requested_at IS NOT NULL AND supplemented_at IS NULL))
        AND (supplement_requested_at IS NULL OR supplemented_at IS NOT NULL OR status IN ('SUPPLEMENT_REQUESTED', 'REJECTED', 'CANCELLED')))
);
CREATE INDEX dossiers_status_idx ON treasury.dossiers (status, received_at);
CREATE INDEX dossiers_procedure_idx ON treasury.dossiers (procedure, received_at);
CREATE INDEX dossiers_unit_idx ON treasury.dossiers (unit_code, received_at);
CREATE INDEX dossiers_received_idx ON treasury.dossiers (received_at);
CREATE INDEX dossiers_subject_idx ON treasury.dossiers (subject_kind, subject_id);
COMMENT ON TABLE treasury.dossiers IS 'One dossier per call of an administrative procedure (online public services); status follows dossier_status_transition; due_at is computed by the service from the procedure''s limit and the working-day calendar, and changes only when a requested supplement arrives. The treasury asks for a supplement at most once (dossier_supplement_once).';
COMMENT ON COLUMN treasury.dossiers.id IS 'Dossier id (dossier_id in the API).';
COMMENT ON COLUMN treasury.dossiers.procedure IS 'The procedure (procedures), one in force when filed (dossier_procedure_in_force); dossiers filed before Decree 347/2025 keep their Decree 11/2020 code. Immutable.';
COMMENT ON COLUMN treasury.dossiers.unit_code IS 'Budget unit concerned, when there is one.';
COMMENT ON COLUMN treasury.dossiers.treasury_code IS 'Treasury handling the dossier.';
COMMENT ON COLUMN treasury.dossiers.channel IS 'ONLINE (default) or COUNTER (paper submission registered by an officer); for a limit in minutes it picks the electronic or the counter limit.';
COMMENT ON COLUMN treasury.dossiers.received_at IS 'When it was received. Immutable.';
COMMENT ON COLUMN treasury.dossiers.due_at IS 'Service-level deadline under the procedure''s legal limit, counted from received_at, or from supplemented_at once a requested supplement arrived (the only change allowed: dossier_immutable_fields); after both.';
COMMENT ON COLUMN treasury.dossiers.status IS 'RECEIVED, PROCESSING, SUPPLEMENT_REQUESTED (the clock stops until the unit supplements), COMPLETED, REJECTED or CANCELLED; the last three are terminal.';
COMMENT ON COLUMN treasury.dossiers.completed_at IS 'When it reached a terminal status (set by trigger unless given).';
COMMENT ON COLUMN treasury.dossiers.subject_kind IS 'Kind of object the dossier is about (ACCOUNT, COMMITMENT, CONTRACT, PAYMENT_ORDER, ADVANCE_SETTLEMENT, COLLECTION, REFUND...): within PAYMENT_RECURRENT and PAYMENT_INVESTMENT it tells commitments, orders and settlements apart.';
COMMENT ON COLUMN treasury.dossiers.subject_id IS 'Id of that object.';
COMMENT ON COLUMN treasury.dossiers.created_by IS 'User who submitted or registered it.';
COMMENT ON COLUMN treasury.dossiers.supplement_requested_at IS 'When an officer asked for a supplement (Dossiers/RequestSupplement): set once, with the move to SUPPLEMENT_REQUESTED (dossier_supplement_once).';
COMMENT ON COLUMN treasury.dossiers.supplement_requested_by IS 'Officer who asked for the supplement; set with supplement_requested_at.';
COMMENT ON COLUMN treasury.dossiers.supplement_items IS 'What the officer asked for: 1 to 20 non-blank texts of at most 1000 characters, every item at once; set with supplement_requested_at.';
COMMENT ON COLUMN treasury.dossiers.supplemented_at IS 'When the unit supplied the supplement (Dossiers/Supplement): set once, with the move from SUPPLEMENT_REQUESTED back to PROCESSING; due_at is counted again from it.';
COMMENT ON COLUMN treasury.dossiers.supplemented_by IS 'Unit accountant who supplied it; set with supplemented_at.';
COMMENT ON COLUMN treasury.dossiers.supplement_note IS 'The unit''s note with the supplement (at most 2000 characters); set with supplemented_at.';

-- The guard's steps: a new dossier, then an update (fields, then status).
CREATE FUNCTION treasury.dossiers_guard_insert(p_new treasury.dossiers) RETURNS treasury.dossiers
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM treasury.procedures p WHERE p.code = p_new.procedure AND NOT p.in_force) THEN
        PERFORM treasury.raise_rule('dossier_procedure_in_force',
            format('procedure %s is no longer in force: new dossiers are filed under %s', p_new.procedure,
                   (SELECT p.replaced_by FROM treasury.procedures p WHERE p.code = p_new.procedure)), 'dossiers');
    END IF;
    IF p_new.status = 'SUPPLEMENT_REQUESTED' OR p_new.supplement_requested_at IS NOT NULL OR p_new.supplemented_at IS NOT NULL THEN
        PERFORM treasury.raise_rule('dossier_supplement_by_request',
            'a dossier is filed without a supplement: one is asked for and supplied by later status changes', 'dossiers');
    END IF;
    p_new.completed_at := CASE WHEN p_new.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') THEN coalesce(p_new.completed_at, now()) END;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.dossiers_guard_insert(treasury.dossiers) IS 'Step of dossiers_guard for an INSERT; returns the row to insert: only under a procedure in force (dossier_procedure_in_force; an unknown code is left to the foreign key), never already awaiting or holding a supplement (dossier_supplement_by_request); completed_at set for a terminal status, else NULL.';

CREATE FUNCTION treasury.dossiers_guard_fields(p_old treasury.dossiers, p_new treasury.dossiers) RETURNS treasury.dossiers
LANGUAGE plpgsql AS $$
DECLARE
    v_requesting boolean := p_new.status = 'SUPPLEMENT_REQUESTED' AND p_old.status IS DISTINCT FROM 'SUPPLEMENT_REQUESTED';
    v_supplying boolean := p_old.status = 'SUPPLEMENT_REQUESTED' AND p_new.status = 'PROCESSING';
BEGIN
    IF p_new.id IS DISTINCT FROM p_old.id OR p_new.procedure IS DISTINCT FROM p_old.procedure
       OR p_new.received_at IS DISTINCT FROM p_old.received_at THEN
        PERFORM treasury.raise_rule('dossier_immutable_fields',
            format('dossier %s: id, procedure and received_at never change', p_old.id), 'dossiers');
    END IF;
    IF v_requesting AND p_old.supplement_requested_at IS NOT NULL THEN
        PERFORM treasury.raise_rule('dossier_supplement_once',
            format('dossier %s: a supplement was already requested on %s; the treasury asks only once', p_old.id, p_old.supplement_requested_at), 'dossiers');
    END IF;
    IF NOT v_requesting AND (p_new.supplement_requested_at IS DISTINCT FROM p_old.supplement_requested_at
       OR p_new.supplement_requested_by IS DISTINCT FROM p_old.supplement_requested_by
       OR p_new.supplement_items IS DISTINCT FROM p_old.supplement_items) THEN
        PERFORM treasury.raise_rule('dossier_immutable_fields',
            format('dossier %s: the supplement request is written once, with the move to SUPPLEMENT_REQUESTED', p_old.id), 'dossiers');
    END IF;
    IF NOT v_supplying AND (p_new.supplemented_at IS DISTINCT FROM p_old.supplemented_at
       OR p_new.supplemented_by IS DISTINCT FROM p_old.supplemented_by OR p_new.supplement_note IS DISTINCT FROM p_old.supplement_note
       OR p_new.due_at IS DISTINCT FROM p_old.due_at) THEN
        PERFORM treasury.raise_rule('dossier_immutable_fields',
            format('dossier %s: the supplement and the due_at counted from it are written once, with the move from SUPPLEMENT_REQUESTED back to PROCESSING; due_at never changes otherwise', p_old.id), 'dossiers');
    END IF;
    IF v_requesting AND EXISTS (SELECT 1 FROM unnest(p_new.supplement_items) i WHERE length(btrim(i)) = 0 OR length(i) > 1000) THEN
        PERFORM treasury.raise_rule('dossier_supplement_shape',
            format('dossier %s: every supplement item says something, in at most 1000 characters', p_old.id), 'dossiers');
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.dossiers_guard_fields(treasury.dossiers, treasury.dossiers) IS 'Step of dossiers_guard for an UPDATE, before the status change (returns p_new unchanged): id, procedure and received_at never change; the supplement request (supplement_requested_at, _by, supplement_items) is written only with a move to SUPPLEMENT_REQUESTED, and only once (dossier_supplement_once); the supplement (supplemented_at, _by, supplement_note) and a new due_at only with the move from SUPPLEMENT_REQUESTED back to PROCESSING (dossier_immutable_fields); items are non-blank and at most 1000 characters (dossier_supplement_shape, which the table''s CHECK completes).';

CREATE FUNCTION treasury.dossiers_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        RETURN treasury.dossiers_guard_insert(NEW);
    END IF;
    NEW := treasury.dossiers_guard_fields(OLD, NEW);
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT ((OLD.status, NEW.status) IN (('RECEIVED', 'PROCESSING'), ('RECEIVED', 'COMPLETED'), ('RECEIVED', 'REJECTED'),
                                             ('RECEIVED', 'CANCELLED'), ('RECEIVED', 'SUPPLEMENT_REQUESTED'),
                                             ('PROCESSING', 'COMPLETED'), ('PROCESSING', 'REJECTED'), ('PROCESSING', 'CANCELLED'),
                                             ('PROCESSING', 'SUPPLEMENT_REQUESTED'),
                                             ('SUPPLEMENT_REQUESTED', 'PROCESSING'), ('SUPPLEMENT_REQUESTED', 'REJECTED'),
                                             ('SUPPLEMENT_REQUESTED', 'CANCELLED'))) THEN
            PERFORM treasury.raise_rule('dossier_status_transition',
                format('dossier %s cannot go from %s to %s', OLD.id, OLD.status, NEW.status), 'dossiers',
                jsonb_build_object('dossier_id', OLD.id::text, 'status', OLD.status));
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
COMMENT ON FUNCTION treasury.dossiers_guard() IS 'Trigger function on dossiers: dossiers_guard_insert for a new one; for an update dossiers_guard_fields, then the status state machine (dossier_status_transition: RECEIVED -> PROCESSING | SUPPLEMENT_REQUESTED | COMPLETED | REJECTED | CANCELLED, PROCESSING -> SUPPLEMENT_REQUESTED | COMPLETED | REJECTED | CANCELLED, SUPPLEMENT_REQUESTED -> PROCESSING | REJECTED | CANCELLED), completed_at on reaching a terminal status.';
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
