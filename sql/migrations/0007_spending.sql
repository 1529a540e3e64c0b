-- Spending (expenditure control): commitments, payment orders with their
-- status history, advance settlements. The allocation figures move only
-- in the triggers here (SECURITY DEFINER, so treasury_app needs no right on
-- the figures), in this lock order: allocation, then commitment, then order.
--   commitment OPEN with remaining r      -> allocation.committed includes r
--   order SUBMITTED/APPROVED               -> allocation.pending includes amount
--     (against a commitment: taken from its remaining, so committed falls)
--   order REJECTED/CANCELLED               -> the submit is reversed exactly
--   order PAID                             -> pending -> spent (PAYMENT) or advanced (ADVANCE)
--   settlement x of a PAID advance         -> advanced -= x, spent += x
-- Public investment (0012_investment.sql) uses the same orders: an order with a
-- contract_id is an advance or a payment under a contract, charged to that
-- project's capital plan; its triggers there add the rule-8 limits and book a
-- payment's advance recovery as settlements (recovery_order_id).
-- The verify() checks of this area are in the verify file.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Commitments
------------------------------------------------------------------------------
CREATE TABLE treasury.commitments (
    id                  bigserial PRIMARY KEY,
    allocation_id       bigint NOT NULL REFERENCES treasury.allocations (id),
    contract_no         text NOT NULL CHECK (length(btrim(contract_no)) BETWEEN 1 AND 64),
    economic_code       text NOT NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    amount              bigint NOT NULL,
    remaining           bigint NOT NULL,
    supplier_name       text NOT NULL CHECK (length(btrim(supplier_name)) > 0),
    supplier_tax_id     text NULL CHECK (supplier_tax_id ~ '^[0-9A-Z-]{1,20}$'),
    supplier_bank_code  text NOT NULL REFERENCES treasury.banks (code),
    supplier_account_no text NOT NULL CHECK (supplier_account_no ~ '^[0-9A-Za-z]{1,34}$'),
    signed_on           date NOT NULL,
    status              text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED', 'CANCELLED')),
    dossier_id          bigint NULL REFERENCES treasury.dossiers (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          bigint NULL REFERENCES treasury.users (id),
    closed_at           timestamptz NULL,
    CONSTRAINT commitment_amount_range CHECK (amount > 0 AND amount <= 1000000000000000000),
    CONSTRAINT commitment_exceeded CHECK (remaining >= 0 AND remaining <= amount),
    CONSTRAINT commitments_contract_unique UNIQUE (allocation_id, contract_no)
);
CREATE INDEX commitments_dossier_idx ON treasury.commitments (dossier_id);
COMMENT ON TABLE treasury.commitments IS 'Registered contracts: an OPEN commitment reserves its remaining (unpaid) amount of the allocation (allocation.committed), so arrears cannot build up. Status OPEN -> CLOSED | CANCELLED only (commitment_status_transition); never deleted.';
COMMENT ON COLUMN treasury.commitments.id IS 'Commitment id (commitment_id in the API).';
COMMENT ON COLUMN treasury.commitments.allocation_id IS 'Allocation the contract is charged to. Immutable.';
COMMENT ON COLUMN treasury.commitments.contract_no IS 'Contract number, unique per allocation. Immutable.';
COMMENT ON COLUMN treasury.commitments.economic_code IS 'Economic content code (muc/tieu muc); validity checked by the service (code_valid). Immutable.';
COMMENT ON COLUMN treasury.commitments.amount IS 'Contract value in minor units, 1..10^18. Immutable.';
COMMENT ON COLUMN treasury.commitments.remaining IS 'Part not yet taken by payment orders: amount - orders SUBMITTED, APPROVED or PAID against it; 0..amount (commitment_exceeded). Starts = amount; kept by the payment-order triggers only (commitment_remaining_derived).';
COMMENT ON COLUMN treasury.commitments.supplier_name IS 'Supplier (contractor) name. Immutable.';
COMMENT ON COLUMN treasury.commitments.supplier_tax_id IS 'Supplier tax id, optional. Immutable.';
COMMENT ON COLUMN treasury.commitments.supplier_bank_code IS 'Supplier''s bank. Immutable.';
COMMENT ON COLUMN treasury.commitments.supplier_account_no IS 'Supplier''s bank account number. Immutable.';
COMMENT ON COLUMN treasury.commitments.signed_on IS 'Date the contract was signed. Immutable.';
COMMENT ON COLUMN treasury.commitments.status IS 'OPEN, CLOSED or CANCELLED; only OPEN -> CLOSED | CANCELLED, and not while orders against it are SUBMITTED or APPROVED (commitment_orders_in_flight). Leaving OPEN releases remaining from allocation.committed.';
COMMENT ON COLUMN treasury.commitments.dossier_id IS 'COMMITMENT dossier; may be set once from NULL.';
COMMENT ON COLUMN treasury.commitments.created_at IS 'When it was registered (forced to now()).';
COMMENT ON COLUMN treasury.commitments.created_by IS 'User who registered it.';
COMMENT ON COLUMN treasury.commitments.closed_at IS 'When it left OPEN (set by trigger).';

CREATE FUNCTION treasury.commitments_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('commitment_no_delete',
            format('commitment %s cannot be deleted: close or cancel it instead', OLD.id), 'commitments');
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'OPEN' THEN
            PERFORM treasury.raise_rule('commitment_status_transition',
                format('a new commitment starts OPEN, not %s', NEW.status), 'commitments');
        END IF;
        IF NEW.remaining IS NOT NULL AND NEW.remaining <> NEW.amount THEN
            PERFORM treasury.raise_rule('commitment_remaining_derived',
                format('a new commitment starts with remaining = amount (%s), not %s', NEW.amount, NEW.remaining), 'commitments');
        END IF;
        NEW.remaining := NEW.amount;
        NEW.created_at := now();
        NEW.closed_at := NULL;
        -- Lock order: the allocation first.
        PERFORM 1 FROM treasury.allocations a WHERE a.id = NEW.allocation_id FOR UPDATE;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.allocation_id IS DISTINCT FROM OLD.allocation_id
       OR NEW.contract_no IS DISTINCT FROM OLD.contract_no OR NEW.economic_code IS DISTINCT FROM OLD.economic_code
       OR NEW.amount IS DISTINCT FROM OLD.amount OR NEW.supplier_name IS DISTINCT FROM OLD.supplier_name
       OR NEW.supplier_tax_id IS DISTINCT FROM OLD.supplier_tax_id OR NEW.supplier_bank_code IS DISTINCT FROM OLD.supplier_bank_code
       OR NEW.supplier_account_no IS DISTINCT FROM OLD.supplier_account_no OR NEW.signed_on IS DISTINCT FROM OLD.signed_on
       OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
       OR (OLD.dossier_id IS NOT NULL AND NEW.dossier_id IS DISTINCT FROM OLD.dossier_id) THEN
        PERFORM treasury.raise_rule('commitment_immutable_fields',
            format('commitment %s: only status (and dossier_id once, from NULL) change', OLD.id), 'commitments');
    END IF;
    IF NEW.remaining IS DISTINCT FROM OLD.remaining AND pg_trigger_depth() <= 1 THEN
        PERFORM treasury.raise_rule('commitment_remaining_derived',
            format('commitment %s: remaining changes only when payment orders are submitted, rejected or cancelled', OLD.id), 'commitments');
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT (OLD.status = 'OPEN' AND NEW.status IN ('CLOSED', 'CANCELLED')) THEN
            PERFORM treasury.raise_rule('commitment_status_transition',
                format('commitment %s cannot go from %s to %s (only OPEN -> CLOSED or CANCELLED)', OLD.id, OLD.status, NEW.status), 'commitments');
        END IF;
        PERFORM 1 FROM treasury.allocations a WHERE a.id = OLD.allocation_id FOR UPDATE;
        IF EXISTS (SELECT 1 FROM treasury.payment_orders o
                   WHERE o.commitment_id = OLD.id AND o.status IN ('SUBMITTED', 'APPROVED')) THEN
            PERFORM treasury.raise_rule('commitment_orders_in_flight',
                format('commitment %s cannot become %s while payment orders against it are SUBMITTED or APPROVED', OLD.id, NEW.status), 'commitments');
        END IF;
        NEW.closed_at := now();
    ELSE
        NEW.closed_at := OLD.closed_at;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.commitments_guard() IS 'Trigger function on commitments: starts OPEN with remaining = amount, locks the allocation; immutable fields; remaining only from the order triggers; OPEN -> CLOSED | CANCELLED only and not with orders in flight; no delete; sets created_at/closed_at.';

-- Keeps allocation.committed = sum of OPEN commitments' remaining.
CREATE FUNCTION treasury.commitments_book() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_old bigint := 0;
    v_new bigint := 0;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'OPEN' THEN
        v_old := OLD.remaining;
    END IF;
    IF NEW.status = 'OPEN' THEN
        v_new := NEW.remaining;
    END IF;
    IF v_new <> v_old THEN
        UPDATE treasury.allocations SET committed = committed + (v_new - v_old) WHERE id = NEW.allocation_id;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.commitments_book() IS 'Trigger function: after a commitment is registered, its remaining changes or it leaves OPEN, moves the difference into allocation.committed (rule 4 refuses a commitment beyond available).';

CREATE TRIGGER commitments_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.commitments
    FOR EACH ROW EXECUTE FUNCTION treasury.commitments_guard();
CREATE TRIGGER commitment_no_delete_truncate BEFORE TRUNCATE ON treasury.commitments
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('commitment_no_delete');
CREATE TRIGGER commitments_book AFTER INSERT OR UPDATE OF remaining, status ON treasury.commitments
    FOR EACH ROW EXECUTE FUNCTION treasury.commitments_book();

------------------------------------------------------------------------------
-- Payment orders
------------------------------------------------------------------------------
CREATE TABLE treasury.payment_orders (
    id                     bigserial PRIMARY KEY,
    allocation_id          bigint NOT NULL REFERENCES treasury.allocations (id),
    commitment_id          bigint NULL REFERENCES treasury.commitments (id),
    kind                   text NOT NULL CHECK (kind IN ('PAYMENT', 'ADVANCE')),
    economic_code          text NOT NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    amount                 bigint NOT NULL,
    beneficiary_name       text NOT NULL CHECK (length(btrim(beneficiary_name)) > 0),
    beneficiary_bank_code  text NOT NULL REFERENCES treasury.banks (code),
    beneficiary_account_no text NOT NULL CHECK (beneficiary_account_no ~ '^[0-9A-Za-z]{1,34}$'),
    description            text NULL,
    status                 text NOT NULL DEFAULT 'SUBMITTED' CHECK (status IN ('SUBMITTED', 'APPROVED', 'PAID', 'REJECTED', 'CANCELLED')),
    submitted_by           bigint NOT NULL REFERENCES treasury.users (id),
    approved_by            bigint NULL REFERENCES treasury.users (id),
    authorized_by          bigint NULL REFERENCES treasury.users (id),
    rejected_by            bigint NULL REFERENCES treasury.users (id),
    cancelled_by           bigint NULL REFERENCES treasury.users (id),
    reject_reason_code     text NULL CHECK (reject_reason_code ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    reject_reasons         jsonb NULL,
    note                   text NULL,
    entry_id               bigint NULL REFERENCES treasury.journal_entries (id),
    dossier_id             bigint NULL REFERENCES treasury.dossiers (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    paid_at                timestamptz NULL,
    settled                bigint NOT NULL DEFAULT 0,
    -- The foreign keys of these two are declared in 0012_investment.sql, once
    -- their tables exist (payment_orders_contract_fkey, payment_orders_acceptance_fkey).
    contract_id            bigint NULL,
    acceptance_id          bigint NULL,
    CONSTRAINT payment_order_amount_range CHECK (amount > 0 AND amount <= 1000000000000000000),
    CONSTRAINT payment_order_four_eyes CHECK (authorized_by IS NULL OR approved_by IS NULL OR authorized_by <> approved_by),
    CONSTRAINT advance_settlement_within_advance CHECK (settled >= 0 AND settled <= amount AND (settled = 0 OR (kind = 'ADVANCE' AND status = 'PAID'))),
    CONSTRAINT payment_order_status_fields CHECK (
        (status = 'PAID') = (authorized_by IS NOT NULL AND entry_id IS NOT NULL AND paid_at IS NOT NULL)
        AND (status NOT IN ('APPROVED', 'PAID') OR approved_by IS NOT NULL)
        AND (status IN ('APPROVED', 'PAID', 'REJECTED') OR approved_by IS NULL)
        AND (status = 'REJECTED') = (reject_reason_code IS NOT NULL)
        AND (status = 'REJECTED') = (reject_reasons IS NOT NULL)
        AND (status = 'REJECTED' OR rejected_by IS NULL)
        AND (status = 'CANCELLED' OR cancelled_by IS NULL)),
    -- A contract order pays no commitment (the contract is the investment form of one); an
    -- advance names no acceptance, a payment names exactly one, and no acceptance is paid twice.
    CONSTRAINT payment_order_contract_shape CHECK ((contract_id IS NULL AND acceptance_id IS NULL)
        OR (contract_id IS NOT NULL AND commitment_id IS NULL AND (kind = 'PAYMENT') = (acceptance_id IS NOT NULL))),
    CONSTRAINT payment_orders_acceptance_unique UNIQUE (acceptance_id),
    -- Every reason of a refusal at once (Decree 347/2025 Art 6): 1 to 20, the first one's code
    -- in reject_reason_code; each element's shape is checked by payment_orders_guard_reasons.
    CONSTRAINT payment_order_reject_reasons_shape CHECK (reject_reasons IS NULL OR CASE WHEN jsonb_typeof(reject_reasons) = 'array'
        THEN jsonb_array_length(reject_reasons) BETWEEN 1 AND 20 AND reject_reasons->0->>'code' IS NOT DISTINCT FROM reject_reason_code
        ELSE false END)
);
CREATE INDEX payment_orders_allocation_idx ON treasury.payment_orders (allocation_id, status);
CREATE INDEX payment_orders_commitment_idx ON treasury.payment_orders (commitment_id, status);
CREATE INDEX payment_orders_entry_idx ON treasury.payment_orders (entry_id);
CREATE INDEX payment_orders_dossier_idx ON treasury.payment_orders (dossier_id);
-- Partial: the rule-8 sums read a contract's orders; other orders do not pay for the index.
CREATE INDEX payment_orders_contract_idx ON treasury.payment_orders (contract_id, kind, status) WHERE contract_id IS NOT NULL;
COMMENT ON TABLE treasury.payment_orders IS 'Payment orders and advances. Status SUBMITTED -> APPROVED | REJECTED | CANCELLED, APPROVED -> PAID | REJECTED, others terminal (payment_order_status_transition); authorizer <> approver (payment_order_four_eyes). Triggers move the allocation figures (pending, spent, advanced) and the commitment''s remaining, and write payment_order_events. Never deleted.';
COMMENT ON COLUMN treasury.payment_orders.id IS 'Order id (order_id in the API).';
COMMENT ON COLUMN treasury.payment_orders.allocation_id IS 'Allocation charged. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.commitment_id IS 'Commitment paid against (same allocation, OPEN, amount <= its remaining), or NULL: then taken from available. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.kind IS 'PAYMENT or ADVANCE. An ADVANCE against a commitment of an INVESTMENT allocation is limited to 30% of the commitment (advance_limit_exceeded). Immutable.';
COMMENT ON COLUMN treasury.payment_orders.economic_code IS 'Economic content code; validity checked by the service. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.amount IS 'Amount in minor units, 1..10^18. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.beneficiary_name IS 'Beneficiary name. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.beneficiary_bank_code IS 'Beneficiary''s bank. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.beneficiary_account_no IS 'Beneficiary''s bank account number. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.description IS 'What the payment is for. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.status IS 'SUBMITTED, APPROVED, PAID, REJECTED or CANCELLED, along the state machine only.';
COMMENT ON COLUMN treasury.payment_orders.submitted_by IS 'Unit accountant who submitted it. Immutable.';
COMMENT ON COLUMN treasury.payment_orders.approved_by IS 'Treasury officer who approved it (control); set with status APPROVED; required for APPROVED and PAID.';
COMMENT ON COLUMN treasury.payment_orders.authorized_by IS 'Chief accountant who authorized (second signature); set with status PAID; never equal to approved_by (payment_order_four_eyes).';
COMMENT ON COLUMN treasury.payment_orders.rejected_by IS 'Who rejected it; only on REJECTED.';
COMMENT ON COLUMN treasury.payment_orders.cancelled_by IS 'Who cancelled it; only on CANCELLED.';
COMMENT ON COLUMN treasury.payment_orders.reject_reason_code IS 'UPPER_SNAKE code of the first reason of the refusal (e.g. DOCUMENTS_INCOMPLETE), kept for the readers of one reason; set exactly when REJECTED, equal to reject_reasons->0->>''code'' (payment_order_reject_reasons_shape).';
COMMENT ON COLUMN treasury.payment_orders.reject_reasons IS 'Every reason of the refusal, given at once: a JSON array of 1 to 20 objects {"code": UPPER_SNAKE, "note": text of at most 1000 characters or null}, codes distinct, in the order given (payment_order_reject_reasons_shape); set exactly when REJECTED, with the status, and never changed. A writer naming only reject_reason_code (and note) gets that one reason; one naming only reject_reasons gets the first code in reject_reason_code. As rows: the view payment_order_reject_reasons.';
COMMENT ON COLUMN treasury.payment_orders.note IS 'Note of the last decision (approval, or rejection: the first reason''s note); copied into the event.';
COMMENT ON COLUMN treasury.payment_orders.entry_id IS 'Journal entry posted by the payment; set exactly when PAID.';
COMMENT ON COLUMN treasury.payment_orders.dossier_id IS 'PAYMENT_RECURRENT or PAYMENT_INVESTMENT dossier; may be set once from NULL.';
COMMENT ON COLUMN treasury.payment_orders.created_at IS 'When it was submitted (forced to now()).';
COMMENT ON COLUMN treasury.payment_orders.paid_at IS 'When it became PAID (set by trigger).';
COMMENT ON COLUMN treasury.payment_orders.settled IS 'For a PAID advance: the part settled so far (sum of its advance_settlements), 0..amount (advance_settlement_within_advance); kept by the settlement trigger. Outstanding = amount - settled.';
COMMENT ON COLUMN treasury.payment_orders.contract_id IS 'Public investment: the contract (contracts) this advance or payment is made under, or NULL for regular spending. A contract order is charged to a capital plan of the contract''s project and checked against rule 8 when submitted (payment_orders_investment_guard); it has no commitment (payment_order_contract_shape). Immutable.';
COMMENT ON COLUMN treasury.payment_orders.acceptance_id IS 'Public investment: for a contract PAYMENT, the acceptance (completed-volume statement) it pays, with its recovery and retention; the order''s amount is accepted_value - recovery. NULL for an ADVANCE and for regular spending. At most one order per acceptance (payment_orders_acceptance_unique). Immutable.';

-- The guard's steps are the functions below it, called as assignments,
-- NEW := step(...), like the steps of allocations_guard (see there why not PERFORM).
CREATE FUNCTION treasury.payment_orders_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_purpose text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('payment_order_no_delete',
            format('payment order %s cannot be deleted: reject or cancel it instead', OLD.id), 'payment_orders');
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'SUBMITTED' THEN
            PERFORM treasury.raise_rule('payment_order_status_transition',
                format('a new payment order starts SUBMITTED, not %s', NEW.status), 'payment_orders');
        END IF;
        IF NEW.settled <> 0 THEN
            PERFORM treasury.raise_rule('advance_settlement_within_advance',
                'a new payment order starts with settled = 0: settlements are advance_settlements rows', 'payment_orders');
        END IF;
        NEW.created_at := now();
        NEW.paid_at := NULL;
        -- Lock order: allocation, then commitment (in payment_orders_guard_commitment).
        SELECT a.purpose INTO v_purpose FROM treasury.allocations a WHERE a.id = NEW.allocation_id FOR UPDATE;
        IF NOT FOUND THEN
            RETURN NEW; -- the foreign key reports it
        END IF;
        IF NEW.commitment_id IS NOT NULL THEN
            NEW := treasury.payment_orders_guard_commitment(NEW, v_purpose);
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    NEW := treasury.payment_orders_guard_update(OLD, NEW);
    IF NEW.status = 'REJECTED' AND OLD.status IS DISTINCT FROM 'REJECTED' THEN
        NEW := treasury.payment_orders_guard_reasons(NEW);
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT ((OLD.status, NEW.status) IN (('SUBMITTED', 'APPROVED'), ('SUBMITTED', 'REJECTED'), ('SUBMITTED', 'CANCELLED'),
                                             ('APPROVED', 'PAID'), ('APPROVED', 'REJECTED'))) THEN
            PERFORM treasury.raise_rule('payment_order_status_transition',
                format('payment order %s cannot go from %s to %s', OLD.id, OLD.status, NEW.status), 'payment_orders');
        END IF;
        IF NEW.authorized_by IS NOT NULL AND NEW.authorized_by = NEW.approved_by THEN
            PERFORM treasury.raise_rule('payment_order_four_eyes',
                format('payment order %s: the authorizer (user %s) must not be the approver', OLD.id, NEW.authorized_by), 'payment_orders');
        END IF;
        -- Lock order: allocation, then commitment (the order row is already locked by this UPDATE).
        PERFORM 1 FROM treasury.allocations a WHERE a.id = OLD.allocation_id FOR UPDATE;
        IF OLD.commitment_id IS NOT NULL THEN
            PERFORM 1 FROM treasury.commitments c WHERE c.id = OLD.commitment_id FOR UPDATE;
        END IF;
        IF NEW.status = 'PAID' THEN
            NEW.paid_at := now();
        ELSE
            NEW.paid_at := NULL;
        END IF;
    ELSE
        NEW.paid_at := OLD.paid_at;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_guard() IS 'Trigger function on payment orders: new orders start SUBMITTED; locks allocation then commitment; commitment same allocation, OPEN, not exceeded, 30% advance limit on INVESTMENT (payment_orders_guard_commitment); immutable content and set-once signatures, settled only from settlements (payment_orders_guard_update); the reasons of a rejection (payment_orders_guard_reasons); state machine; four eyes; no delete; sets created_at/paid_at.';

-- Step of payment_orders_guard for a new order against a commitment, after the
-- allocation is locked; returns p_new unchanged.
CREATE FUNCTION treasury.payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text) RETURNS treasury.payment_orders
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_commitment treasury.commitments%ROWTYPE;
    v_advances   numeric;
BEGIN
    SELECT * INTO v_commitment FROM treasury.commitments c WHERE c.id = p_new.commitment_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN p_new; -- the foreign key reports it
    END IF;
    IF v_commitment.allocation_id <> p_new.allocation_id THEN
        PERFORM treasury.raise_rule('payment_order_commitment_allocation',
            format('commitment %s belongs to allocation %s, not %s', v_commitment.id, v_commitment.allocation_id, p_new.allocation_id), 'payment_orders');
    END IF;
    IF v_commitment.status <> 'OPEN' THEN
        PERFORM treasury.raise_rule('commitment_not_open',
            format('commitment %s is %s: orders are submitted only against an OPEN commitment', v_commitment.id, v_commitment.status), 'payment_orders');
    END IF;
    IF p_new.amount > v_commitment.remaining THEN
        PERFORM treasury.raise_rule('commitment_exceeded',
            format('order amount %s exceeds what is left of commitment %s (%s of %s)', p_new.amount, v_commitment.id, v_commitment.remaining, v_commitment.amount), 'payment_orders');
    END IF;
    IF p_new.kind = 'ADVANCE' AND p_purpose = 'INVESTMENT' THEN
        SELECT coalesce(sum(o.amount), 0) INTO v_advances FROM treasury.payment_orders o
        WHERE o.commitment_id = v_commitment.id AND o.kind = 'ADVANCE' AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID');
        IF (v_advances + p_new.amount) * 100 > v_commitment.amount::numeric * 30 THEN
            PERFORM treasury.raise_rule('advance_limit_exceeded',
                format('advances on investment commitment %s would reach %s, over 30%% of its amount %s', v_commitment.id, v_advances + p_new.amount, v_commitment.amount), 'payment_orders');
        END IF;
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_guard_commitment(treasury.payment_orders, text) IS 'Step of payment_orders_guard for a new order against a commitment (p_purpose: the purpose of the order''s allocation, already locked); returns p_new unchanged. Locks the commitment (FOR UPDATE) and checks payment_order_commitment_allocation (same allocation), commitment_not_open (the commitment is OPEN), commitment_exceeded (amount <= its remaining) and, for an ADVANCE on an INVESTMENT allocation, advance_limit_exceeded (SUBMITTED, APPROVED and PAID advances on the commitment at most 30% of its amount). An unknown commitment is left to the foreign key.';

-- Step of payment_orders_guard for an UPDATE, before the status change; returns
-- p_new unchanged.
CREATE FUNCTION treasury.payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders) RETURNS treasury.payment_orders
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_new.id IS DISTINCT FROM p_old.id OR p_new.allocation_id IS DISTINCT FROM p_old.allocation_id
       OR p_new.commitment_id IS DISTINCT FROM p_old.commitment_id OR p_new.kind IS DISTINCT FROM p_old.kind
       OR p_new.economic_code IS DISTINCT FROM p_old.economic_code OR p_new.amount IS DISTINCT FROM p_old.amount
       OR p_new.beneficiary_name IS DISTINCT FROM p_old.beneficiary_name OR p_new.beneficiary_bank_code IS DISTINCT FROM p_old.beneficiary_bank_code
       OR p_new.beneficiary_account_no IS DISTINCT FROM p_old.beneficiary_account_no OR p_new.description IS DISTINCT FROM p_old.description
       OR p_new.submitted_by IS DISTINCT FROM p_old.submitted_by OR p_new.created_at IS DISTINCT FROM p_old.created_at
       OR p_new.contract_id IS DISTINCT FROM p_old.contract_id OR p_new.acceptance_id IS DISTINCT FROM p_old.acceptance_id
       OR (p_old.approved_by IS NOT NULL AND p_new.approved_by IS DISTINCT FROM p_old.approved_by)
       OR (p_old.authorized_by IS NOT NULL AND p_new.authorized_by IS DISTINCT FROM p_old.authorized_by)
       OR (p_old.rejected_by IS NOT NULL AND p_new.rejected_by IS DISTINCT FROM p_old.rejected_by)
       OR (p_old.cancelled_by IS NOT NULL AND p_new.cancelled_by IS DISTINCT FROM p_old.cancelled_by)
       OR (p_old.reject_reason_code IS NOT NULL AND p_new.reject_reason_code IS DISTINCT FROM p_old.reject_reason_code)
       OR (p_old.reject_reasons IS NOT NULL AND p_new.reject_reasons IS DISTINCT FROM p_old.reject_reasons)
       OR (p_old.entry_id IS NOT NULL AND p_new.entry_id IS DISTINCT FROM p_old.entry_id)
       OR (p_old.dossier_id IS NOT NULL AND p_new.dossier_id IS DISTINCT FROM p_old.dossier_id) THEN
        PERFORM treasury.raise_rule('payment_order_immutable_fields',
            format('payment order %s: its content never changes, and who approved, authorized, rejected or cancelled it, the reason, the entry and the dossier are set once', p_old.id), 'payment_orders');
    END IF;
    -- A function call does not change pg_trigger_depth(): it is the guard's.
    IF p_new.settled IS DISTINCT FROM p_old.settled AND pg_trigger_depth() <= 1 THEN
        PERFORM treasury.raise_rule('advance_settlement_within_advance',
            format('payment order %s: settled changes only by inserting advance_settlements rows', p_old.id), 'payment_orders');
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_guard_update(treasury.payment_orders, treasury.payment_orders) IS 'Step of payment_orders_guard for an UPDATE, before the status change (returns p_new unchanged): payment_order_immutable_fields (the content, contract_id and acceptance_id included, never changes; approved_by, authorized_by, rejected_by, cancelled_by, reject_reason_code, reject_reasons, entry_id and dossier_id are set once) and advance_settlement_within_advance (settled changes only from the settlement trigger, pg_trigger_depth() > 1).';

-- Step of payment_orders_guard for the move to REJECTED: the reasons, every one at once.
CREATE FUNCTION treasury.payment_orders_guard_reasons(p_new treasury.payment_orders) RETURNS treasury.payment_orders
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A writer that names one reason the old way gets it as the list, and the reverse.
    IF p_new.reject_reasons IS NULL AND p_new.reject_reason_code IS NOT NULL THEN
        p_new.reject_reasons := jsonb_build_array(jsonb_build_object('code', p_new.reject_reason_code, 'note', p_new.note));
    ELSIF p_new.reject_reason_code IS NULL AND jsonb_typeof(p_new.reject_reasons) = 'array' THEN
        p_new.reject_reason_code := p_new.reject_reasons->0->>'code';
    END IF;
    IF jsonb_typeof(p_new.reject_reasons) = 'array' AND (
           EXISTS (SELECT 1 FROM jsonb_array_elements(p_new.reject_reasons) r
                   WHERE jsonb_typeof(r) <> 'object'
                      OR EXISTS (SELECT 1 FROM jsonb_object_keys(r) k WHERE k NOT IN ('code', 'note'))
                      OR jsonb_typeof(r->'code') IS DISTINCT FROM 'string' OR NOT (r->>'code') ~ '^[A-Z][A-Z0-9_]{0,63}$'
                      OR coalesce(jsonb_typeof(r->'note'), 'null') NOT IN ('string', 'null') OR length(r->>'note') > 1000)
           OR (SELECT count(DISTINCT r->>'code') <> count(*) FROM jsonb_array_elements(p_new.reject_reasons) r)) THEN
        PERFORM treasury.raise_rule('payment_order_reject_reasons_shape',
            format('payment order %s: each reason is {"code": UPPER_SNAKE, "note": text of at most 1000 characters or null}, each code once', p_new.id),
            'payment_orders');
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_guard_reasons(treasury.payment_orders) IS 'Step of payment_orders_guard for the move to REJECTED (returns the row): fills reject_reasons from reject_reason_code and note when only the code is given, or reject_reason_code from the first reason when only the list is; payment_order_reject_reasons_shape: each reason an object {code: UPPER_SNAKE, note: text <= 1000 characters or null}, no code twice (the table''s CHECK holds the count, 1 to 20, and the first code).';

CREATE FUNCTION treasury.payment_orders_book() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_by bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Take from the commitment first (committed falls), then reserve as pending.
        IF NEW.commitment_id IS NOT NULL THEN
            UPDATE treasury.commitments SET remaining = remaining - NEW.amount WHERE id = NEW.commitment_id;
        END IF;
        UPDATE treasury.allocations SET pending = pending + NEW.amount WHERE id = NEW.allocation_id;
    ELSIF NEW.status IN ('REJECTED', 'CANCELLED') THEN
        -- Reverse the submit exactly: release pending first, then give back to the commitment.
        UPDATE treasury.allocations SET pending = pending - NEW.amount WHERE id = NEW.allocation_id;
        IF NEW.commitment_id IS NOT NULL THEN
            UPDATE treasury.commitments SET remaining = remaining + NEW.amount WHERE id = NEW.commitment_id;
        END IF;
    ELSIF NEW.status = 'PAID' THEN
        IF NEW.kind = 'ADVANCE' THEN
            UPDATE treasury.allocations SET pending = pending - NEW.amount, advanced = advanced + NEW.amount WHERE id = NEW.allocation_id;
        ELSE
            UPDATE treasury.allocations SET pending = pending - NEW.amount, spent = spent + NEW.amount WHERE id = NEW.allocation_id;
        END IF;
    END IF;

    v_by := CASE NEW.status WHEN 'SUBMITTED' THEN NEW.submitted_by WHEN 'APPROVED' THEN NEW.approved_by
                            WHEN 'PAID' THEN NEW.authorized_by WHEN 'REJECTED' THEN NEW.rejected_by
                            WHEN 'CANCELLED' THEN NEW.cancelled_by END;
    INSERT INTO treasury.payment_order_events (order_id, status, by, note)
    VALUES (NEW.id, NEW.status, v_by,
            CASE WHEN NEW.status = 'REJECTED' THEN (SELECT string_agg(concat_ws(': ', x.r->>'code', x.r->>'note'), '; ' ORDER BY x.n)
                                                   FROM jsonb_array_elements(NEW.reject_reasons) WITH ORDINALITY x(r, n))
                 WHEN NEW.status = 'SUBMITTED' THEN NEW.description ELSE NEW.note END);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_book() IS 'Trigger function: after an order is submitted or changes status, moves the figures (submit: commitment.remaining -> allocation.pending, or available -> pending; reject/cancel: the reverse; pay: pending -> spent or advanced) and appends the payment_order_events row.';

CREATE TRIGGER payment_orders_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.payment_orders
    FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_guard();
CREATE TRIGGER payment_order_no_delete_truncate BEFORE TRUNCATE ON treasury.payment_orders
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('payment_order_no_delete');
CREATE TRIGGER payment_orders_book_insert AFTER INSERT ON treasury.payment_orders
    FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_book();
CREATE TRIGGER payment_orders_book_status AFTER UPDATE OF status ON treasury.payment_orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION treasury.payment_orders_book();

------------------------------------------------------------------------------
-- Status history
------------------------------------------------------------------------------
CREATE TABLE treasury.payment_order_events (
    id       bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES treasury.payment_orders (id),
    status   text NOT NULL CHECK (status IN ('SUBMITTED', 'APPROVED', 'PAID', 'REJECTED', 'CANCELLED')),
    at       timestamptz NOT NULL DEFAULT now(),
    by       bigint NULL REFERENCES treasury.users (id),
    note     text NULL
);
CREATE INDEX payment_order_events_order_idx ON treasury.payment_order_events (order_id, id);
COMMENT ON TABLE treasury.payment_order_events IS 'Status history of payment orders (who, when, what), written only by the payment-order trigger. Append-only (ledger_append_only); treasury_app may only read it.';
COMMENT ON COLUMN treasury.payment_order_events.id IS 'Sequence number: history order.';
COMMENT ON COLUMN treasury.payment_order_events.order_id IS 'The payment order.';
COMMENT ON COLUMN treasury.payment_order_events.status IS 'Status the order entered.';
COMMENT ON COLUMN treasury.payment_order_events.at IS 'When (now() of the transaction).';
COMMENT ON COLUMN treasury.payment_order_events.by IS 'Who: submitted_by, approved_by, authorized_by, rejected_by or cancelled_by of the order for that status.';
COMMENT ON COLUMN treasury.payment_order_events.note IS 'SUBMITTED: the description; REJECTED: every reason as "<code>: <note>", joined by "; "; otherwise the order''s note.';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.payment_order_events
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.payment_order_events
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

-- The reasons of rejected orders as rows, for DBAs and reports.
CREATE VIEW treasury.payment_order_reject_reasons AS
SELECT o.id AS order_id, x.position::int AS position, x.reason->>'code' AS code, x.reason->>'note' AS note
FROM treasury.payment_orders o
CROSS JOIN LATERAL jsonb_array_elements(o.reject_reasons) WITH ORDINALITY AS x(reason, position)
WHERE o.reject_reasons IS NOT NULL;
COMMENT ON VIEW treasury.payment_order_reject_reasons IS 'Every reason of every rejected payment order, one row each (payment_orders.reject_reasons unnested).';
COMMENT ON COLUMN treasury.payment_order_reject_reasons.order_id IS 'The rejected payment order.';
COMMENT ON COLUMN treasury.payment_order_reject_reasons.position IS 'Order in which the reasons were given, from 1; the first one''s code is payment_orders.reject_reason_code.';
COMMENT ON COLUMN treasury.payment_order_reject_reasons.code IS 'UPPER_SNAKE reason code.';
COMMENT ON COLUMN treasury.payment_order_reject_reasons.note IS 'What is wrong, for the unit (NULL when none was given).';

------------------------------------------------------------------------------
-- Advance settlements
------------------------------------------------------------------------------
CREATE TABLE treasury.advance_settlements (
    id            bigserial PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES treasury.payment_orders (id),
    amount        bigint NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000000),
    economic_code text NOT NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    entry_id      bigint NOT NULL REFERENCES treasury.journal_entries (id),
    dossier_id    bigint NULL REFERENCES treasury.dossiers (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id),
    recovery_order_id bigint NULL REFERENCES treasury.payment_orders (id)
);
CREATE INDEX advance_settlements_order_idx ON treasury.advance_settlements (order_id);
CREATE INDEX advance_settlements_recovery_idx ON treasury.advance_settlements (recovery_order_id) WHERE recovery_order_id IS NOT NULL;
COMMENT ON TABLE treasury.advance_settlements IS 'Settlements of PAID advances: each turns part of the outstanding advance into spending (allocation.advanced -> spent, order.settled grows); never beyond the advance (advance_settlement_within_advance). A contract advance (public investment) is settled only by the recoveries of its contract''s payments, booked when each is paid (recovery_order_id). Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.advance_settlements.id IS 'Sequence number.';
COMMENT ON COLUMN treasury.advance_settlements.order_id IS 'The advance (a PAID payment order of kind ADVANCE).';
COMMENT ON COLUMN treasury.advance_settlements.amount IS 'Amount settled, 1..outstanding.';
COMMENT ON COLUMN treasury.advance_settlements.economic_code IS 'Economic content code of the spending justified.';
COMMENT ON COLUMN treasury.advance_settlements.entry_id IS 'Journal entry posted (Dr 8111 / Cr 1310).';
COMMENT ON COLUMN treasury.advance_settlements.dossier_id IS 'ADVANCE_SETTLEMENT dossier, if any.';
COMMENT ON COLUMN treasury.advance_settlements.created_at IS 'When (forced to now()).';
COMMENT ON COLUMN treasury.advance_settlements.created_by IS 'User who settled.';
COMMENT ON COLUMN treasury.advance_settlements.recovery_order_id IS 'Public investment: the contract PAYMENT whose advance recovery this row books (written only by payment_orders_book_recovery when that payment is PAID; entry_id is the payment''s entry). NULL for a regular settlement (Spending/SettleAdvance). A contract advance is settled only so (advance_recovery_by_payment).';

CREATE FUNCTION treasury.advance_settlements_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_allocation_id bigint;
    v_order         treasury.payment_orders%ROWTYPE;
BEGIN
    NEW.created_at := now();
    SELECT o.allocation_id INTO v_allocation_id FROM treasury.payment_orders o WHERE o.id = NEW.order_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports it
    END IF;
    -- Lock order: allocation, then order.
    PERFORM 1 FROM treasury.allocations a WHERE a.id = v_allocation_id FOR UPDATE;
    SELECT * INTO v_order FROM treasury.payment_orders o WHERE o.id = NEW.order_id FOR UPDATE;
    IF v_order.kind <> 'ADVANCE' OR v_order.status <> 'PAID' THEN
        PERFORM treasury.raise_rule('advance_settlement_requires_paid_advance',
            format('payment order %s is a %s %s: only a PAID ADVANCE can be settled', v_order.id, v_order.status, v_order.kind), 'advance_settlements');
    END IF;
    IF v_order.settled::numeric + NEW.amount > v_order.amount THEN
        PERFORM treasury.raise_rule('advance_settlement_within_advance',
            format('settling %s of advance %s exceeds its outstanding %s (amount %s, settled %s)', NEW.amount, v_order.id,
                   v_order.amount - v_order.settled, v_order.amount, v_order.settled), 'advance_settlements');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.advance_settlements_guard() IS 'Trigger function: locks the allocation, then the order; only a PAID ADVANCE is settled, never beyond its outstanding amount; forces created_at.';

CREATE FUNCTION treasury.advance_settlements_book() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE treasury.payment_orders SET settled = settled + NEW.amount WHERE id = NEW.order_id;
    -- An advance of a closed year left that year's books at its close (year_end_advances):
    -- its allocation keeps the figures of the close.
    UPDATE treasury.allocations a SET advanced = a.advanced - NEW.amount, spent = a.spent + NEW.amount
    FROM treasury.payment_orders o
    WHERE o.id = NEW.order_id AND a.id = o.allocation_id AND NOT treasury.year_closed(a.fiscal_year);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.advance_settlements_book() IS 'Trigger function: after a settlement, adds it to the order''s settled and moves it from the allocation''s advanced to spent, unless the allocation''s year is closed (the advance was rolled forward or listed for recovery at the close, year_end_advances).';

CREATE TRIGGER advance_settlements_guard BEFORE INSERT ON treasury.advance_settlements
    FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_guard();
CREATE TRIGGER advance_settlements_book AFTER INSERT ON treasury.advance_settlements
    FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_book();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.advance_settlements
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.advance_settlements
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.commitments, treasury.payment_orders, treasury.payment_order_events, treasury.advance_settlements,
    treasury.payment_order_reject_reasons TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.commitments, treasury.payment_orders, treasury.advance_settlements TO treasury_app;
-- Column rights also let the service SELECT ... FOR UPDATE these rows.
GRANT UPDATE (status, dossier_id) ON treasury.commitments TO treasury_app;
GRANT UPDATE (status, approved_by, authorized_by, rejected_by, cancelled_by, reject_reason_code, reject_reasons, note, entry_id, dossier_id)
    ON treasury.payment_orders TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.commitments_id_seq, treasury.payment_orders_id_seq, treasury.advance_settlements_id_seq TO treasury_app;
-- The guard's steps run only inside payment_orders_guard, as treasury_owner: called
-- directly they would lock a commitment for treasury_readonly too.
REVOKE EXECUTE ON FUNCTION treasury.payment_orders_guard_commitment(treasury.payment_orders, text),
    treasury.payment_orders_guard_update(treasury.payment_orders, treasury.payment_orders),
    treasury.payment_orders_guard_reasons(treasury.payment_orders) FROM PUBLIC;
