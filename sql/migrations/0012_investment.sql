-- 0012: public investment capital (Decree 254/2025/ND-CP): projects (the legal
-- file), capital plans (each one an INVESTMENT allocation of a fiscal year to the
-- investor), contracts, and acceptances (completed-volume statements, with the
-- advance recovery and retention of the payment that pays them).
-- Advances and payments are payment orders (0007_spending.sql) that name a
-- contract (contract_id) and, for a payment, its acceptance (acceptance_id). They
-- go through the same approve/authorize steps, and the spending triggers move the
-- plan allocation's figures as for any order:
--   advance A submitted / paid             -> plan.pending / plan.advanced += A
--   payment of W with recovery R, paid     -> order amount W - R: plan.spent += W - R;
--                                             R booked as settlements of the contract's
--                                             paid advances: advanced -> spent
-- So a contract order's amount is the money that leaves the budget, and
--   disbursed = advances paid + gross of payments paid - their recoveries
--             = sum of the amounts of the contract orders that are PAID.
-- Rule 8 holds for every writer, checked when an order is submitted, on what the
-- orders in flight and paid reserve (a reservation only ever shrinks afterwards):
-- per project reserved <= total_investment, per plan <= its amount, per contract
-- accepted <= value and outstanding advance <= rate x value, recovery <= advances
-- paid; and the plans of all years never exceed total_investment.
-- Lock order: allocation (payment_orders_guard), then project. Every rule-8 sum is
-- over one project's orders, so holding the project row serialises every check
-- that could raise one; a sum only falls without that lock (a rejection, a
-- recovery booked), which no check can be wrong about.
-- The reporting views (investment_disbursement, contract_advances_outstanding) come
-- before the privileges; the verify() checks of this area are at the end of this file.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Projects: the legal file
------------------------------------------------------------------------------
CREATE TABLE treasury.projects (
    project_code       text PRIMARY KEY,
    name               text NOT NULL,
    investor_unit_code text NOT NULL,
    total_investment   bigint NOT NULL,
    decision_no        text NOT NULL,
    decision_date      date NOT NULL,
    project_group      text NOT NULL,
    source             text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         bigint NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         bigint NULL,
    CONSTRAINT project_code_format CHECK (project_code ~ '^[0-9A-Z][0-9A-Z._-]{0,31}$'),
    CONSTRAINT project_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 500),
    CONSTRAINT project_decision_no_present CHECK (length(btrim(decision_no)) BETWEEN 1 AND 64),
    CONSTRAINT project_group_known CHECK (project_group IN ('NATIONAL', 'A', 'B', 'C')),
    CONSTRAINT project_source_format CHECK (source ~ '^[0-9A-Z]{1,10}$'),
    CONSTRAINT project_total_investment_range CHECK (total_investment > 0 AND total_investment <= 1000000000000000000),
    CONSTRAINT projects_investor_fkey FOREIGN KEY (investor_unit_code) REFERENCES treasury.budget_units (code),
    CONSTRAINT projects_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users (id),
    CONSTRAINT projects_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES treasury.users (id)
);
CREATE INDEX projects_investor_idx ON treasury.projects (investor_unit_code);
COMMENT ON TABLE treasury.projects IS 'Public investment projects: the legal file, registered once before the first payment (Decree 254 Art 8). Rule 8: the orders of its contracts never reserve more than total_investment (total_investment_exceeded), nor do its capital plans of all years add up to more (plans_exceed_total_investment). Only name, total_investment, decision, group and source change; never deleted (project_no_delete).';
COMMENT ON COLUMN treasury.projects.project_code IS 'Project code (project_code in the API): upper-case letters, digits, . _ -, 1..32 characters. Immutable.';
COMMENT ON COLUMN treasury.projects.name IS 'Project name.';
COMMENT ON COLUMN treasury.projects.investor_unit_code IS 'The investor (chu dau tu): a budget unit; its capital plans are allocations to this unit. Immutable.';
COMMENT ON COLUMN treasury.projects.total_investment IS 'Total investment approved by the investment decision, dong, 1..10^18. Lowered only down to what the plans and the orders already take (projects_guard).';
COMMENT ON COLUMN treasury.projects.decision_no IS 'Number of the investment decision (or of the latest adjusting decision).';
COMMENT ON COLUMN treasury.projects.decision_date IS 'Date of that decision.';
COMMENT ON COLUMN treasury.projects.project_group IS 'Project group under the Public Investment Law: NATIONAL (national important), A, B or C (group in the API).';
COMMENT ON COLUMN treasury.projects.source IS 'Capital source code (nguon von), the segment the Disbursement report groups by.';
COMMENT ON COLUMN treasury.projects.created_at IS 'When it was registered (forced to now()). Immutable.';
COMMENT ON COLUMN treasury.projects.created_by IS 'User who registered it. Immutable.';
COMMENT ON COLUMN treasury.projects.updated_at IS 'When it last changed (forced to now()).';
COMMENT ON COLUMN treasury.projects.updated_by IS 'User who last changed it.';

-- Refuses a total_investment below what the project's orders reserve or its
-- plans add up to. The caller holds the project row.
CREATE FUNCTION treasury.project_check_total(p_project_code text, p_total bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_reserved numeric := treasury.project_reserved(p_project_code);
    v_planned  numeric := treasury.project_planned(p_project_code);
BEGIN
    -- Disbursed first: it is the money rule, the plans are the planning rule.
    IF v_reserved > p_total THEN
        PERFORM treasury.raise_rule('total_investment_exceeded',
            format('project %s: its contract orders take %s (disbursed or in flight), more than the total investment %s',
                   p_project_code, v_reserved, p_total), 'projects',
            jsonb_build_object('project_code', p_project_code, 'total_investment', p_total::text, 'reserved', v_reserved::text));
    END IF;
    IF v_planned > p_total THEN
        PERFORM treasury.raise_rule('plans_exceed_total_investment',
            format('project %s: its capital plans of all years add up to %s, more than the total investment %s',
                   p_project_code, v_planned, p_total), 'projects',
            jsonb_build_object('project_code', p_project_code, 'total_investment', p_total::text, 'planned', v_planned::text));
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.project_check_total(text, bigint) IS 'Rule 8 for a project: refuses when its contract orders SUBMITTED, APPROVED or PAID take more than p_total (total_investment_exceeded) or its capital plans of all years add up to more (plans_exceed_total_investment). The caller holds the project row (FOR UPDATE).';

CREATE FUNCTION treasury.projects_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('project_no_delete',
            format('project %s cannot be deleted: the legal file is kept forever', OLD.project_code), 'projects');
    END IF;
    NEW.updated_at := now();
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        RETURN NEW;
    END IF;
    -- UPDATE: the row is locked by the statement itself.
    IF NEW.project_code IS DISTINCT FROM OLD.project_code OR NEW.investor_unit_code IS DISTINCT FROM OLD.investor_unit_code
       OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
        PERFORM treasury.raise_rule('project_immutable_fields',
            format('project %s: the code, the investor and who registered it never change', OLD.project_code), 'projects');
    END IF;
    IF NEW.total_investment < OLD.total_investment THEN
        PERFORM treasury.project_check_total(OLD.project_code, NEW.total_investment);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.projects_guard() IS 'Trigger function on projects: forces created_at and updated_at; code, investor and created_* immutable (project_immutable_fields); a lowered total_investment still covers the orders and plans (project_check_total); no delete (project_no_delete).';
CREATE TRIGGER projects_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.projects
    FOR EACH ROW EXECUTE FUNCTION treasury.projects_guard();
CREATE TRIGGER project_no_delete_truncate BEFORE TRUNCATE ON treasury.projects
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('project_no_delete');

------------------------------------------------------------------------------
-- Capital plans: a plan is an INVESTMENT allocation to the investor
------------------------------------------------------------------------------
CREATE TABLE treasury.capital_plans (
    allocation_id      bigint PRIMARY KEY,
    project_code       text NOT NULL,
    fiscal_year        int NOT NULL,
    extended_from_year int NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         bigint NULL,
    CONSTRAINT capital_plan_extended_from_earlier CHECK (extended_from_year IS NULL OR (extended_from_year BETWEEN 1900 AND fiscal_year - 1)),
    CONSTRAINT capital_plans_key UNIQUE NULLS NOT DISTINCT (project_code, fiscal_year, extended_from_year),
    CONSTRAINT capital_plans_allocation_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations (id),
    CONSTRAINT capital_plans_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects (project_code),
    CONSTRAINT capital_plans_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users (id)
);
COMMENT ON TABLE treasury.capital_plans IS 'Annual capital plans (ke hoach von): each row makes an INVESTMENT allocation to the project''s investor the project''s plan of that fiscal year, so rule 4 keeps holding and the allocation''s figures are the year''s disbursement. Its amount is the allocation''s and changes by allocation_adjustments; the plans of all years never exceed total_investment (plans_exceed_total_investment). Only contract orders of the project use a plan (capital_plan_contract_only). Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.capital_plans.allocation_id IS 'The plan''s allocation: INVESTMENT, allocated to the investor, unused when it becomes a plan (capital_plan_allocation); a plan of one project only.';
COMMENT ON COLUMN treasury.capital_plans.project_code IS 'The project.';
COMMENT ON COLUMN treasury.capital_plans.fiscal_year IS 'The allocation''s fiscal year (filled from it when NULL; capital_plan_allocation otherwise).';
COMMENT ON COLUMN treasury.capital_plans.extended_from_year IS 'For a plan extended from a prior year (its unspent part carried into this year): that year; NULL for the year''s own plan. A project has at most one plan per (fiscal_year, extended_from_year) (capital_plans_key).';
COMMENT ON COLUMN treasury.capital_plans.created_at IS 'When the plan was registered (forced to now()).';
COMMENT ON COLUMN treasury.capital_plans.created_by IS 'User (budget authority) who registered it.';

-- The investor's allocation becomes the plan: lock it, then the project (the
-- lock order of every investment path), and keep the plans within the total.
CREATE FUNCTION treasury.capital_plans_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_allocation treasury.allocations%ROWTYPE;
    v_project    treasury.projects%ROWTYPE;
    v_planned    numeric;
BEGIN
    NEW.created_at := now();
    SELECT * INTO v_allocation FROM treasury.allocations a WHERE a.id = NEW.allocation_id FOR UPDATE;
    SELECT * INTO v_project FROM treasury.projects p WHERE p.project_code = NEW.project_code FOR UPDATE;
    IF v_allocation.id IS NULL OR v_project.project_code IS NULL THEN
        RETURN NEW; -- the foreign keys report it
    END IF;
    NEW.fiscal_year := coalesce(NEW.fiscal_year, v_allocation.fiscal_year);
    IF treasury.year_closed(v_allocation.fiscal_year) THEN
        PERFORM treasury.raise_rule('year_closed',
            format('allocation %s is of fiscal year %s, which is closed: it becomes no plan', v_allocation.id, v_allocation.fiscal_year),
            'capital_plans', jsonb_build_object('fiscal_year', v_allocation.fiscal_year));
    END IF;
    IF v_allocation.purpose <> 'INVESTMENT' OR v_allocation.unit_code IS DISTINCT FROM v_project.investor_unit_code
       OR NEW.fiscal_year <> v_allocation.fiscal_year
       OR v_allocation.committed <> 0 OR v_allocation.pending <> 0 OR v_allocation.spent <> 0 OR v_allocation.advanced <> 0 THEN
        PERFORM treasury.raise_rule('capital_plan_allocation',
            format('allocation %s (%s %s to unit %s, committed %s, pending %s, spent %s, advanced %s) cannot be the %s plan of project %s: a plan is an unused INVESTMENT allocation of that year to the investor %s',
                   v_allocation.id, v_allocation.purpose, v_allocation.fiscal_year, v_allocation.unit_code, v_allocation.committed,
                   v_allocation.pending, v_allocation.spent, v_allocation.advanced, NEW.fiscal_year, NEW.project_code, v_project.investor_unit_code),
            'capital_plans');
    END IF;
    v_planned := treasury.project_planned(NEW.project_code) + v_allocation.amount;
    IF v_planned > v_project.total_investment THEN
        PERFORM treasury.raise_rule('plans_exceed_total_investment',
            format('project %s: with plan %s of %s its capital plans would add up to %s, more than the total investment %s',
                   NEW.project_code, NEW.fiscal_year, v_allocation.amount, v_planned, v_project.total_investment), 'capital_plans',
            jsonb_build_object('project_code', NEW.project_code, 'total_investment', v_project.total_investment::text, 'planned', v_planned::text));
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.capital_plans_guard() IS 'Trigger function: before a plan is stored, locks its allocation, then the project; fills fiscal_year; no plan of a closed year (year_closed); the allocation is INVESTMENT, of that year, to the investor and unused (capital_plan_allocation); the plans of all years stay within total_investment (plans_exceed_total_investment); forces created_at.';
CREATE TRIGGER capital_plans_guard BEFORE INSERT ON treasury.capital_plans
    FOR EACH ROW EXECUTE FUNCTION treasury.capital_plans_guard();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.capital_plans
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.capital_plans
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

-- A plan raised by an adjustment (PutCapitalPlan again for the same year): the
-- allocation is locked by the adjustment; lock the project and recheck the sum.
CREATE FUNCTION treasury.allocations_plan_within_total() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_project_code text;
    v_total        bigint;
BEGIN
    SELECT p.project_code INTO v_project_code FROM treasury.capital_plans p WHERE p.allocation_id = NEW.id;
    IF FOUND THEN
        SELECT pr.total_investment INTO v_total FROM treasury.projects pr WHERE pr.project_code = v_project_code FOR UPDATE;
        PERFORM treasury.project_check_total(v_project_code, v_total);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.allocations_plan_within_total() IS 'Trigger function: after an allocation''s amount is raised, if it is a capital plan, locks the project and refuses plans of all years above total_investment (plans_exceed_total_investment, via project_check_total).';
CREATE TRIGGER allocations_plan_within_total AFTER UPDATE OF amount ON treasury.allocations
    FOR EACH ROW WHEN (NEW.amount > OLD.amount) EXECUTE FUNCTION treasury.allocations_plan_within_total();

-- A plan is the project's money: regular commitments do not draw on it.
CREATE FUNCTION treasury.commitments_not_on_plan() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM treasury.capital_plans p WHERE p.allocation_id = NEW.allocation_id) THEN
        PERFORM treasury.raise_rule('capital_plan_contract_only',
            format('allocation %s is a capital plan: it is spent only by orders under the project''s contracts, not by commitments', NEW.allocation_id),
            'commitments');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.commitments_not_on_plan() IS 'Trigger function: refuses a commitment on a capital plan''s allocation (capital_plan_contract_only): a plan is spent only by contract orders.';
CREATE TRIGGER commitments_not_on_plan BEFORE INSERT ON treasury.commitments
    FOR EACH ROW EXECUTE FUNCTION treasury.commitments_not_on_plan();

------------------------------------------------------------------------------
-- Contracts
------------------------------------------------------------------------------
CREATE TABLE treasury.contracts (
    id                    bigserial PRIMARY KEY,
    project_code          text NOT NULL,
    contract_no           text NOT NULL,
    contractor_name       text NOT NULL,
    contractor_tax_id     text NOT NULL,
    contractor_bank_code  text NOT NULL,
    contractor_account_no text NOT NULL,
    value                 bigint NOT NULL,
    advance_rate_bp       int NOT NULL,
    signed_on             date NOT NULL,
    effective_on          date NOT NULL,
    ends_on               date NOT NULL,
    guarantee_amount      bigint NULL,
    guarantee_bank_code   text NULL,
    guarantee_expires_on  date NULL,
    retention_bp          int NOT NULL DEFAULT 0,
    dossier_id            bigint NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    created_by            bigint NULL,
    CONSTRAINT contract_no_present CHECK (length(btrim(contract_no)) BETWEEN 1 AND 64),
    CONSTRAINT contractor_name_present CHECK (length(btrim(contractor_name)) BETWEEN 1 AND 500),
    CONSTRAINT contractor_tax_id_format CHECK (contractor_tax_id ~ '^[0-9A-Z-]{1,20}$'),
    CONSTRAINT contractor_account_no_format CHECK (contractor_account_no ~ '^[0-9A-Za-z]{1,34}$'),
    CONSTRAINT contract_value_range CHECK (value > 0 AND value <= 1000000000000000000),
    -- The legal cap (30%, Decree 254 Art 10) for every writer, as 0007 caps advances on
    -- investment commitments: rule 8 keeps advances within the rate, so the rate is capped.
    CONSTRAINT contract_advance_rate_range CHECK (advance_rate_bp BETWEEN 0 AND 3000),
    CONSTRAINT contract_retention_range CHECK (retention_bp BETWEEN 0 AND 10000),
    CONSTRAINT contract_dates_in_order CHECK (signed_on <= effective_on AND effective_on <= ends_on),
    CONSTRAINT contract_guarantee_shape CHECK ((guarantee_amount IS NULL) = (guarantee_bank_code IS NULL)
        AND (guarantee_amount IS NULL) = (guarantee_expires_on IS NULL)
        AND (guarantee_amount IS NULL OR (guarantee_amount > 0 AND guarantee_amount <= 1000000000000000000))),
    CONSTRAINT contracts_contract_no_unique UNIQUE (project_code, contract_no),
    CONSTRAINT contracts_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects (project_code),
    CONSTRAINT contracts_contractor_bank_fkey FOREIGN KEY (contractor_bank_code) REFERENCES treasury.banks (code),
    CONSTRAINT contracts_guarantee_bank_fkey FOREIGN KEY (guarantee_bank_code) REFERENCES treasury.banks (code),
    CONSTRAINT contracts_dossier_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers (id),
    CONSTRAINT contracts_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users (id)
);
CREATE INDEX contracts_dossier_idx ON treasury.contracts (dossier_id);
COMMENT ON TABLE treasury.contracts IS 'Contracts of a project: the investment form of a commitment. Its advances and payments are payment orders with contract_id, charged to the project''s capital plans. Rule 8 per contract: accepted <= value (contract_value_exceeded), outstanding advance <= advance_rate_bp x value (contract_advance_limit_exceeded), recovery <= advances paid (recovery_exceeds_advance). Immutable but dossier_id (set once); never deleted (contract_no_delete).';
COMMENT ON COLUMN treasury.contracts.id IS 'Contract id (contract_id in the API).';
COMMENT ON COLUMN treasury.contracts.project_code IS 'The project.';
COMMENT ON COLUMN treasury.contracts.contract_no IS 'Contract number, unique per project (contracts_contract_no_unique).';
COMMENT ON COLUMN treasury.contracts.contractor_name IS 'Contractor name.';
COMMENT ON COLUMN treasury.contracts.contractor_tax_id IS 'Contractor tax id.';
COMMENT ON COLUMN treasury.contracts.contractor_bank_code IS 'Contractor''s bank; advances and payments go there.';
COMMENT ON COLUMN treasury.contracts.contractor_account_no IS 'Contractor''s account number at that bank.';
COMMENT ON COLUMN treasury.contracts.value IS 'Contract value, dong, 1..10^18: the cumulative accepted value never passes it (contract_value_exceeded).';
COMMENT ON COLUMN treasury.contracts.advance_rate_bp IS 'Advance rate in basis points, 0..3000 (contract_advance_rate_range: the legal 30% cap, for every writer; the service answers ADVANCE_RATE_TOO_HIGH first). Outstanding advance <= floor(value x advance_rate_bp / 10000).';
COMMENT ON COLUMN treasury.contracts.signed_on IS 'Date signed.';
COMMENT ON COLUMN treasury.contracts.effective_on IS 'Date the contract takes effect (>= signed_on); no advance before it (checked by the service: CONTRACT_NOT_EFFECTIVE).';
COMMENT ON COLUMN treasury.contracts.ends_on IS 'End date (>= effective_on); an advance still outstanding 3 months after it is overdue.';
COMMENT ON COLUMN treasury.contracts.guarantee_amount IS 'Advance guarantee (bank guarantee) amount, or NULL without one; set with guarantee_bank_code and guarantee_expires_on (contract_guarantee_shape). The service requires it over 1,000,000,000 dong outstanding (GUARANTEE_REQUIRED).';
COMMENT ON COLUMN treasury.contracts.guarantee_bank_code IS 'Bank that issued the guarantee.';
COMMENT ON COLUMN treasury.contracts.guarantee_expires_on IS 'Last day the guarantee is valid.';
COMMENT ON COLUMN treasury.contracts.retention_bp IS 'Retention (warranty money kept back from each payment''s net) in basis points, 0..10000; default 0.';
COMMENT ON COLUMN treasury.contracts.dossier_id IS 'Dossier of the registration; may be set once from NULL.';
COMMENT ON COLUMN treasury.contracts.created_at IS 'When it was registered (forced to now()).';
COMMENT ON COLUMN treasury.contracts.created_by IS 'User (the investor''s accountant) who registered it.';

CREATE FUNCTION treasury.contracts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('contract_no_delete',
            format('contract %s cannot be deleted: it is part of the project''s legal file', OLD.id), 'contracts');
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        RETURN NEW;
    END IF;
    -- UPDATE: the limits of rule 8 read value and advance_rate_bp, so nothing but the dossier changes.
    IF (NEW.id, NEW.project_code, NEW.contract_no, NEW.contractor_name, NEW.contractor_tax_id, NEW.contractor_bank_code,
        NEW.contractor_account_no, NEW.value, NEW.advance_rate_bp, NEW.signed_on, NEW.effective_on, NEW.ends_on,
        NEW.guarantee_amount, NEW.guarantee_bank_code, NEW.guarantee_expires_on, NEW.retention_bp, NEW.created_at, NEW.created_by)
       IS DISTINCT FROM
       (OLD.id, OLD.project_code, OLD.contract_no, OLD.contractor_name, OLD.contractor_tax_id, OLD.contractor_bank_code,
        OLD.contractor_account_no, OLD.value, OLD.advance_rate_bp, OLD.signed_on, OLD.effective_on, OLD.ends_on,
        OLD.guarantee_amount, OLD.guarantee_bank_code, OLD.guarantee_expires_on, OLD.retention_bp, OLD.created_at, OLD.created_by)
       OR (OLD.dossier_id IS NOT NULL AND NEW.dossier_id IS DISTINCT FROM OLD.dossier_id) THEN
        PERFORM treasury.raise_rule('contract_immutable_fields',
            format('contract %s: only dossier_id changes, once, from NULL', OLD.id), 'contracts');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.contracts_guard() IS 'Trigger function on contracts: forces created_at; nothing changes but dossier_id, once (contract_immutable_fields); no delete (contract_no_delete).';
CREATE TRIGGER contracts_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.contracts
    FOR EACH ROW EXECUTE FUNCTION treasury.contracts_guard();
CREATE TRIGGER contract_no_delete_truncate BEFORE TRUNCATE ON treasury.contracts
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('contract_no_delete');

------------------------------------------------------------------------------
-- Acceptances: completed-volume statements and the split of their payment
------------------------------------------------------------------------------
CREATE TABLE treasury.acceptances (
    id             bigserial PRIMARY KEY,
    contract_id    bigint NOT NULL,
    acceptance_no  text NOT NULL,
    accepted_on    date NOT NULL,
    accepted_value bigint NOT NULL,
    recovery       bigint NOT NULL DEFAULT 0,
    retention      bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     bigint NULL,
    CONSTRAINT acceptance_no_present CHECK (length(btrim(acceptance_no)) BETWEEN 1 AND 64),
    CONSTRAINT acceptance_value_range CHECK (accepted_value > 0 AND accepted_value <= 1000000000000000000),
    -- The payment's amount, accepted_value - recovery, is > 0; its net, that less retention, >= 0.
    CONSTRAINT acceptance_split CHECK (recovery >= 0 AND retention >= 0 AND recovery < accepted_value
        AND recovery::numeric + retention <= accepted_value),
    CONSTRAINT acceptances_contract_fkey FOREIGN KEY (contract_id) REFERENCES treasury.contracts (id),
    CONSTRAINT acceptances_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users (id)
);
CREATE INDEX acceptances_contract_idx ON treasury.acceptances (contract_id, acceptance_no);
COMMENT ON TABLE treasury.acceptances IS 'Completed-volume statements (form 03.a) filed for payment, each with the advance recovery and retention of the one payment order that pays it (payment_orders.acceptance_id): gross = accepted_value, order amount = gross - recovery, net = that - retention. A statement counts (accepted, rule 8) while its order is SUBMITTED, APPROVED or PAID; after a rejection it is filed again as a new row. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.acceptances.id IS 'Acceptance id.';
COMMENT ON COLUMN treasury.acceptances.contract_id IS 'The contract.';
COMMENT ON COLUMN treasury.acceptances.acceptance_no IS 'Number of the statement; not unique: a statement whose payment was rejected is filed again.';
COMMENT ON COLUMN treasury.acceptances.accepted_on IS 'Date the completed volume was accepted (decides the fiscal year in the adjustment period).';
COMMENT ON COLUMN treasury.acceptances.accepted_value IS 'Value of the work accepted, dong: the payment''s gross. The accepted values of a contract''s orders in flight and paid never pass its value (contract_value_exceeded).';
COMMENT ON COLUMN treasury.acceptances.recovery IS 'Advance recovered by deduction from this payment, 0 <= recovery < accepted_value (acceptance_split); the recoveries of a contract never pass its advances paid (recovery_exceeds_advance). Booked as advance settlements when the payment is PAID.';
COMMENT ON COLUMN treasury.acceptances.retention IS 'Part of the payment kept back (to the investor''s deposit account); recovery + retention <= accepted_value. Counts as disbursed.';
COMMENT ON COLUMN treasury.acceptances.created_at IS 'When it was filed (forced to now()).';
COMMENT ON COLUMN treasury.acceptances.created_by IS 'User who filed it.';

CREATE FUNCTION treasury.acceptances_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.acceptances_before_insert() IS 'Trigger function: forces created_at of a new acceptance. Its limits are checked when its payment order is submitted (payment_orders_investment_guard).';
CREATE TRIGGER acceptances_before_insert BEFORE INSERT ON treasury.acceptances
    FOR EACH ROW EXECUTE FUNCTION treasury.acceptances_before_insert();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.acceptances
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.acceptances
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

-- The keys of payment_orders' two investment columns (declared with the table in
-- 0007, which comes before these tables).
ALTER TABLE treasury.payment_orders
    ADD CONSTRAINT payment_orders_contract_fkey FOREIGN KEY (contract_id) REFERENCES treasury.contracts (id),
    ADD CONSTRAINT payment_orders_acceptance_fkey FOREIGN KEY (acceptance_id) REFERENCES treasury.acceptances (id);
-- The project segment of the ledger (journal_lines.project_code, 0004).
ALTER TABLE treasury.journal_lines
    ADD CONSTRAINT journal_lines_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects (project_code);

------------------------------------------------------------------------------
-- Contract orders: rule 8 when an advance or a payment is submitted
------------------------------------------------------------------------------

-- The two project sums of rule 8 (used by project_check_total above, and below), written
-- once their tables exist. PL/pgSQL, not SQL: an SQL function with a FROM clause is not
-- inlined, so it would be planned anew on every call.
-- What a project's contract orders reserve: the amounts of its SUBMITTED,
-- APPROVED and PAID contract orders (the PAID ones are the disbursed).
CREATE FUNCTION treasury.project_reserved(p_project_code text) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(sum(o.amount), 0)
            FROM treasury.contracts c JOIN treasury.payment_orders o ON o.contract_id = c.id
            WHERE c.project_code = p_project_code AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID'));
END
$$;
COMMENT ON FUNCTION treasury.project_reserved(text) IS 'Sum of the amounts of the project''s contract orders SUBMITTED, APPROVED or PAID: what they reserve of total_investment (the PAID part is the disbursed).';

-- The plans of all years of a project, extended plans included.
CREATE FUNCTION treasury.project_planned(p_project_code text) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- A closed year's plan counts what it kept: its lapsed part is gone and its
    -- carried part is counted once, in next year's extended plan.
    RETURN (SELECT coalesce(sum(a.amount - a.lapsed
                                - CASE WHEN EXISTS (SELECT 1 FROM treasury.allocations n WHERE n.carried_over_from = a.id)
                                       THEN a.carried_over ELSE 0 END), 0)
            FROM treasury.capital_plans p JOIN treasury.allocations a ON a.id = p.allocation_id
            WHERE p.project_code = p_project_code);
END
$$;
COMMENT ON FUNCTION treasury.project_planned(text) IS 'Sum of the project''s capital plans (their allocations'' amounts), all years and extended plans included, less what a closed year lapsed and what it carried into an extended plan (counted there).';


-- Step of payment_orders_investment_guard for an ADVANCE: outstanding advance
-- (advances in flight and paid, less what was recovered) within rate x value.
CREATE FUNCTION treasury.contract_check_advance(p_contract treasury.contracts, p_amount bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_outstanding numeric;
    v_limit       numeric := div(p_contract.value::numeric * p_contract.advance_rate_bp, 10000);
BEGIN
    -- settled is what recoveries took back; it is non-zero only on PAID advances.
    SELECT coalesce(sum(o.amount - o.settled), 0) INTO v_outstanding FROM treasury.payment_orders o
    WHERE o.contract_id = p_contract.id AND o.kind = 'ADVANCE' AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID');
    IF v_outstanding + p_amount > v_limit THEN
        PERFORM treasury.raise_rule('contract_advance_limit_exceeded',
            format('contract %s: advance %s would take the outstanding advance from %s to %s, over %s (%s bp of the value %s)',
                   p_contract.id, p_amount, v_outstanding, v_outstanding + p_amount, v_limit, p_contract.advance_rate_bp, p_contract.value),
            'payment_orders',
            jsonb_build_object('contract_id', p_contract.id::text, 'limit', v_limit::text, 'outstanding', v_outstanding::text, 'requested', p_amount::text));
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.contract_check_advance(treasury.contracts, bigint) IS 'Step of payment_orders_investment_guard for a new ADVANCE: refuses when the contract''s advances SUBMITTED, APPROVED and PAID, less what was recovered (settled), plus p_amount pass floor(value x advance_rate_bp / 10000) (contract_advance_limit_exceeded).';

-- Step of payment_orders_investment_guard for a PAYMENT: the order matches its
-- acceptance, accepted stays within the value, recovery within advances paid.
CREATE FUNCTION treasury.contract_check_payment(p_contract treasury.contracts, p_acceptance_id bigint, p_amount bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_acceptance treasury.acceptances%ROWTYPE;
    v_accepted   numeric;
    v_recovered  numeric;
    v_advanced   numeric;
BEGIN
    SELECT * INTO v_acceptance FROM treasury.acceptances a WHERE a.id = p_acceptance_id;
    IF NOT FOUND THEN
        RETURN; -- the foreign key reports it
    END IF;
    IF v_acceptance.contract_id <> p_contract.id OR p_amount <> v_acceptance.accepted_value - v_acceptance.recovery THEN
        PERFORM treasury.raise_rule('contract_payment_matches_acceptance',
            format('a payment of %s under contract %s cannot pay acceptance %s (contract %s, accepted %s, recovery %s): it pays accepted_value - recovery of an acceptance of its own contract',
                   p_amount, p_contract.id, v_acceptance.id, v_acceptance.contract_id, v_acceptance.accepted_value, v_acceptance.recovery), 'payment_orders');
    END IF;
    SELECT coalesce(sum(a.accepted_value), 0), coalesce(sum(a.recovery), 0) INTO v_accepted, v_recovered
    FROM treasury.payment_orders o JOIN treasury.acceptances a ON a.id = o.acceptance_id
    WHERE o.contract_id = p_contract.id AND o.kind = 'PAYMENT' AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID');
    IF v_accepted + v_acceptance.accepted_value > p_contract.value THEN
        PERFORM treasury.raise_rule('contract_value_exceeded',
            format('contract %s: accepting %s more would take the accepted value from %s to %s, over the contract value %s',
                   p_contract.id, v_acceptance.accepted_value, v_accepted, v_accepted + v_acceptance.accepted_value, p_contract.value), 'payment_orders',
            jsonb_build_object('contract_id', p_contract.id::text, 'value', p_contract.value::text, 'accepted', v_accepted::text, 'requested', v_acceptance.accepted_value::text));
    END IF;
    -- Only money advanced can be recovered: PAID advances (PAID is final, so this never falls).
    SELECT coalesce(sum(o.amount), 0) INTO v_advanced FROM treasury.payment_orders o
    WHERE o.contract_id = p_contract.id AND o.kind = 'ADVANCE' AND o.status = 'PAID';
    IF v_recovered + v_acceptance.recovery > v_advanced THEN
        PERFORM treasury.raise_rule('recovery_exceeds_advance',
            format('contract %s: recovering %s more would take the recoveries from %s to %s, over the advances paid %s',
                   p_contract.id, v_acceptance.recovery, v_recovered, v_recovered + v_acceptance.recovery, v_advanced), 'payment_orders',
            jsonb_build_object('contract_id', p_contract.id::text, 'advanced', v_advanced::text, 'recovered', v_recovered::text, 'requested', v_acceptance.recovery::text));
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.contract_check_payment(treasury.contracts, bigint, bigint) IS 'Step of payment_orders_investment_guard for a new PAYMENT: the acceptance is of the contract and amount = accepted_value - recovery (contract_payment_matches_acceptance); accepted values of the contract''s payments SUBMITTED, APPROVED and PAID stay within its value (contract_value_exceeded); their recoveries within its PAID advances (recovery_exceeds_advance).';

-- Step of payment_orders_investment_guard for any contract order: within the
-- year's plan (available of its allocation) and the project's total investment.
CREATE FUNCTION treasury.project_check_order(p_project treasury.projects, p_allocation_id bigint, p_amount bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_plan      treasury.allocations%ROWTYPE;
    v_available numeric;
    v_reserved  numeric := treasury.project_reserved(p_project.project_code);
BEGIN
    SELECT * INTO v_plan FROM treasury.allocations a WHERE a.id = p_allocation_id;
    v_available := v_plan.amount::numeric - v_plan.sub_allocated - v_plan.committed - v_plan.pending - v_plan.spent - v_plan.advanced;
    IF p_amount > v_available THEN
        PERFORM treasury.raise_rule('plan_exceeded',
            format('project %s: %s is more than what is left of its %s capital plan (allocation %s: amount %s, available %s)',
                   p_project.project_code, p_amount, v_plan.fiscal_year, v_plan.id, v_plan.amount, v_available), 'payment_orders',
            jsonb_build_object('project_code', p_project.project_code, 'fiscal_year', v_plan.fiscal_year, 'allocation_id', v_plan.id::text,
                               'plan', v_plan.amount::text, 'available', v_available::text, 'requested', p_amount::text));
    END IF;
    -- Implied by the plans (each within its amount, all within the total), and checked
    -- anyway: it is the rule the law states, and it must not hang on the plans' bookkeeping.
    IF v_reserved + p_amount > p_project.total_investment THEN
        PERFORM treasury.raise_rule('total_investment_exceeded',
            format('project %s: %s more would take its contract orders from %s to %s, over the total investment %s',
                   p_project.project_code, p_amount, v_reserved, v_reserved + p_amount, p_project.total_investment), 'payment_orders',
            jsonb_build_object('project_code', p_project.project_code, 'total_investment', p_project.total_investment::text,
                               'reserved', v_reserved::text, 'requested', p_amount::text));
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.project_check_order(treasury.projects, bigint, bigint) IS 'Step of payment_orders_investment_guard: refuses a contract order beyond the available of its plan''s allocation (plan_exceeded) or taking the project''s orders SUBMITTED, APPROVED and PAID over total_investment (total_investment_exceeded).';

-- Runs after payment_orders_guard (triggers fire in name order), which has
-- locked the order's allocation and checked the order's own shape.
CREATE FUNCTION treasury.payment_orders_investment_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_contract treasury.contracts%ROWTYPE;
    v_project  treasury.projects%ROWTYPE;
BEGIN
    IF NEW.contract_id IS NULL THEN
        IF EXISTS (SELECT 1 FROM treasury.capital_plans p WHERE p.allocation_id = NEW.allocation_id) THEN
            PERFORM treasury.raise_rule('capital_plan_contract_only',
                format('allocation %s is a capital plan: it is spent only by orders under the project''s contracts (contract_id)', NEW.allocation_id),
                'payment_orders');
        END IF;
        RETURN NEW;
    END IF;
    SELECT * INTO v_contract FROM treasury.contracts c WHERE c.id = NEW.contract_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports it
    END IF;
    -- Lock order: allocation (payment_orders_guard holds it already), then project.
    -- Every sum below is over this project's orders.
    PERFORM 1 FROM treasury.allocations a WHERE a.id = NEW.allocation_id FOR UPDATE;
    SELECT * INTO v_project FROM treasury.projects p WHERE p.project_code = v_contract.project_code FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM treasury.capital_plans p WHERE p.allocation_id = NEW.allocation_id AND p.project_code = v_contract.project_code) THEN
        PERFORM treasury.raise_rule('contract_order_on_plan',
            format('an order under contract %s is charged to a capital plan of project %s; allocation %s is not one', v_contract.id, v_contract.project_code, NEW.allocation_id),
            'payment_orders');
    END IF;
    IF NEW.kind = 'ADVANCE' THEN
        PERFORM treasury.contract_check_advance(v_contract, NEW.amount);
    ELSE
        PERFORM treasury.contract_check_payment(v_contract, NEW.acceptance_id, NEW.amount);
    END IF;
    PERFORM treasury.project_check_order(v_project, NEW.allocation_id, NEW.amount);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_investment_guard() IS 'Trigger function, before a payment order is stored (after payment_orders_guard locked its allocation): an order without contract is refused on a capital plan (capital_plan_contract_only); a contract order locks the project, is charged to one of its plans (contract_order_on_plan) and passes rule 8: contract_check_advance or contract_check_payment, then project_check_order.';
CREATE TRIGGER payment_orders_investment_guard BEFORE INSERT ON treasury.payment_orders
    FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_investment_guard();

------------------------------------------------------------------------------
-- Recovery: booked when a payment is paid
------------------------------------------------------------------------------

-- The payment's recovery settles the contract's paid advances, oldest first,
-- through advance_settlements (whose triggers move advanced -> spent). Locks: the
-- advances' allocations, then the advances (the settlement guard's order); the
-- FOR UPDATE re-reads each advance's settled after any wait.
CREATE FUNCTION treasury.payment_orders_book_recovery() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_left    bigint := (SELECT a.recovery FROM treasury.acceptances a WHERE a.id = NEW.acceptance_id);
    v_advance record;
    v_take    bigint;
BEGIN
    IF v_left = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM treasury.allocations a
    WHERE a.id IN (SELECT o.allocation_id FROM treasury.payment_orders o
                   WHERE o.contract_id = NEW.contract_id AND o.kind = 'ADVANCE' AND o.status = 'PAID' AND o.settled < o.amount)
    ORDER BY a.id FOR UPDATE;
    FOR v_advance IN SELECT o.id, o.amount - o.settled AS outstanding FROM treasury.payment_orders o
                     WHERE o.contract_id = NEW.contract_id AND o.kind = 'ADVANCE' AND o.status = 'PAID' AND o.settled < o.amount
                     ORDER BY o.id FOR UPDATE LOOP
        v_take := least(v_left, v_advance.outstanding);
        INSERT INTO treasury.advance_settlements (order_id, amount, economic_code, entry_id, created_by, recovery_order_id)
        VALUES (v_advance.id, v_take, NEW.economic_code, NEW.entry_id, NEW.authorized_by, NEW.id);
        v_left := v_left - v_take;
        EXIT WHEN v_left = 0;
    END LOOP;
    IF v_left > 0 THEN
        PERFORM treasury.raise_rule('recovery_exceeds_advance',
            format('payment order %s: %s of its recovery is more than the advances of contract %s still outstanding', NEW.id, v_left, NEW.contract_id),
            'payment_orders');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.payment_orders_book_recovery() IS 'Trigger function: when a contract PAYMENT becomes PAID, books its acceptance''s recovery as advance_settlements rows (recovery_order_id = the payment, its entry and economic code) against the contract''s PAID advances still outstanding, oldest first; locks their allocations, then the advances.';
CREATE TRIGGER payment_orders_book_recovery AFTER UPDATE OF status ON treasury.payment_orders
    FOR EACH ROW WHEN (NEW.status = 'PAID' AND OLD.status IS DISTINCT FROM 'PAID' AND NEW.acceptance_id IS NOT NULL)
    EXECUTE FUNCTION treasury.payment_orders_book_recovery();

-- Runs after advance_settlements_guard (name order), which locked the advance.
CREATE FUNCTION treasury.advance_settlements_recovery() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_advance_contract  bigint := (SELECT o.contract_id FROM treasury.payment_orders o WHERE o.id = NEW.order_id);
    v_recovery_contract bigint := (SELECT o.contract_id FROM treasury.payment_orders o WHERE o.id = NEW.recovery_order_id AND o.kind = 'PAYMENT');
BEGIN
    IF v_advance_contract IS NULL AND NEW.recovery_order_id IS NULL THEN
        RETURN NEW; -- a regular advance, settled by Spending/SettleAdvance
    END IF;
    -- Depth 1 is a direct INSERT; payment_orders_book_recovery inserts from depth 2.
    IF pg_trigger_depth() <= 1 OR v_recovery_contract IS DISTINCT FROM v_advance_contract THEN
        PERFORM treasury.raise_rule('advance_recovery_by_payment',
            format('advance %s (contract %s) is recovered only by deduction from a payment of its contract, booked when that payment is paid',
                   NEW.order_id, coalesce(v_advance_contract::text, 'none')), 'advance_settlements');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.advance_settlements_recovery() IS 'Trigger function: a settlement of a contract advance, or one naming a recovery_order_id, is only the booking of a payment''s recovery (written by payment_orders_book_recovery, pg_trigger_depth() > 1, the payment of the same contract): advance_recovery_by_payment.';
CREATE TRIGGER advance_settlements_recovery BEFORE INSERT ON treasury.advance_settlements
    FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_recovery();

------------------------------------------------------------------------------
-- Reports: disbursement per plan, contract advances still outstanding
------------------------------------------------------------------------------
-- Reports/Disbursement sums investment_disbursement over the plans of a year, grouped
-- as asked, and computes the rate from the sums; Reports/OverdueAdvances reads
-- contract_advances_outstanding with recovery_deadline < as_of.
CREATE VIEW treasury.investment_disbursement AS
SELECT cp.allocation_id, cp.project_code, cp.fiscal_year, cp.extended_from_year, a.treasury_code,
       p.investor_unit_code, p.source, p.project_group,
       a.amount AS planned,
       a.spent + a.advanced AS disbursed,
       adv.outstanding AS advance_outstanding,
       round((a.spent + a.advanced)::numeric / a.amount, 4) AS rate
FROM treasury.capital_plans cp
JOIN treasury.allocations a ON a.id = cp.allocation_id
JOIN treasury.projects p ON p.project_code = cp.project_code
CROSS JOIN LATERAL (
    SELECT coalesce(sum(o.amount - o.settled), 0)::bigint AS outstanding
    FROM treasury.payment_orders o
    WHERE o.allocation_id = cp.allocation_id AND o.kind = 'ADVANCE' AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID')
) adv;
COMMENT ON VIEW treasury.investment_disbursement IS 'Public investment disbursement per capital plan (one row per plan, extended plans included): planned, disbursed (the plan allocation''s spent + advanced = the amounts of the PAID contract orders charged to it) and the advances charged to it still outstanding. Figures add up over any set of plans; rate does not (recompute it from the sums, as Reports/Disbursement does). Group it by fiscal_year, treasury_code, project_code, investor_unit_code, source, project_group.';
COMMENT ON COLUMN treasury.investment_disbursement.allocation_id IS 'The plan''s allocation.';
COMMENT ON COLUMN treasury.investment_disbursement.project_code IS 'The project.';
COMMENT ON COLUMN treasury.investment_disbursement.fiscal_year IS 'The plan''s fiscal year.';
COMMENT ON COLUMN treasury.investment_disbursement.extended_from_year IS 'For a plan extended from a prior year, that year; NULL for the year''s own plan.';
COMMENT ON COLUMN treasury.investment_disbursement.treasury_code IS 'Treasury of the plan''s allocation (the scope of the reports).';
COMMENT ON COLUMN treasury.investment_disbursement.investor_unit_code IS 'The project''s investor (a budget unit).';
COMMENT ON COLUMN treasury.investment_disbursement.source IS 'The project''s capital source code.';
COMMENT ON COLUMN treasury.investment_disbursement.project_group IS 'The project''s group: NATIONAL, A, B or C (group in the API).';
COMMENT ON COLUMN treasury.investment_disbursement.planned IS 'The plan''s amount (its allocation''s amount), dong.';
COMMENT ON COLUMN treasury.investment_disbursement.disbursed IS 'spent + advanced of the plan''s allocation: the sum of the amounts of the PAID contract orders charged to the plan (advances paid + gross of payments paid - their recoveries), dong. A recovery booked later moves the advance''s plan from advanced to spent, so it stays in the year of the advance.';
COMMENT ON COLUMN treasury.investment_disbursement.advance_outstanding IS 'Advances charged to the plan SUBMITTED, APPROVED or PAID, less what was recovered from them (settled), dong: API.md''s "outstanding", in-flight advances included.';
COMMENT ON COLUMN treasury.investment_disbursement.rate IS 'disbursed / planned rounded to 4 decimals (half away from zero), for this plan alone.';

CREATE VIEW treasury.contract_advances_outstanding AS
SELECT o.id AS order_id, o.contract_id, c.contract_no, c.project_code, p.investor_unit_code,
       o.allocation_id, cp.fiscal_year, a.treasury_code,
       o.amount, o.settled, o.amount - o.settled AS outstanding,
       o.paid_at, c.ends_on, (c.ends_on + interval '3 months')::date AS recovery_deadline
FROM treasury.payment_orders o
JOIN treasury.contracts c ON c.id = o.contract_id
JOIN treasury.projects p ON p.project_code = c.project_code
JOIN treasury.allocations a ON a.id = o.allocation_id
JOIN treasury.capital_plans cp ON cp.allocation_id = o.allocation_id
WHERE o.kind = 'ADVANCE' AND o.status = 'PAID' AND o.settled < o.amount;
COMMENT ON VIEW treasury.contract_advances_outstanding IS 'Contract advances paid and not fully recovered: money that left the budget and is still owed back (advances in flight moved none, so they are not here). One is overdue on a day D when recovery_deadline < D (Decree 254 Art 9.6: 3 months past the contract''s end), by D - recovery_deadline days (Reports/OverdueAdvances).';
COMMENT ON COLUMN treasury.contract_advances_outstanding.order_id IS 'The advance (a payment order of kind ADVANCE, PAID).';
COMMENT ON COLUMN treasury.contract_advances_outstanding.contract_id IS 'Its contract.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.contract_no IS 'The contract''s number.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.project_code IS 'The contract''s project.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.investor_unit_code IS 'The project''s investor.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.allocation_id IS 'The capital plan the advance is charged to.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.fiscal_year IS 'That plan''s fiscal year.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.treasury_code IS 'Treasury of the plan''s allocation (the scope of the report).';
COMMENT ON COLUMN treasury.contract_advances_outstanding.amount IS 'The advance paid, dong.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.settled IS 'What payments'' recoveries took back of it so far, dong.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.outstanding IS 'amount - settled, > 0.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.paid_at IS 'When the advance was paid.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.ends_on IS 'The contract''s end date.';
COMMENT ON COLUMN treasury.contract_advances_outstanding.recovery_deadline IS 'ends_on + 3 months (PostgreSQL date arithmetic: the same day 3 months on, or the last day of that month when it is shorter: 30 Nov -> 28/29 Feb): the last day the advance may be outstanding without being overdue.';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.projects, treasury.capital_plans, treasury.contracts, treasury.acceptances
    TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.projects, treasury.capital_plans, treasury.contracts, treasury.acceptances TO treasury_app;
-- PutProject changes these; the column rights also let the service lock a project (FOR UPDATE).
GRANT UPDATE (name, total_investment, decision_no, decision_date, project_group, source, updated_by)
    ON treasury.projects TO treasury_app;
GRANT UPDATE (dossier_id) ON treasury.contracts TO treasury_app;
GRANT SELECT ON treasury.investment_disbursement, treasury.contract_advances_outstanding TO treasury_app, treasury_readonly;
GRANT USAGE ON SEQUENCE treasury.contracts_id_seq, treasury.acceptances_id_seq TO treasury_app;

------------------------------------------------------------------------------
-- verify(): rule 8 restated over the stored rows
------------------------------------------------------------------------------
-- What the triggers keep is the stronger form: SUBMITTED and APPROVED orders
-- count with the PAID ones, so the disbursed figures are within the limits too.
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('project_disbursed_within_total', 'Rule 8: per project, the contract orders disbursed (PAID) and in flight (SUBMITTED, APPROVED) take at most total_investment.',
 $q$SELECT format('project %s: total investment %s, disbursed %s, in flight %s', p.project_code, p.total_investment, o.paid, o.in_flight)
    FROM treasury.projects p
    JOIN (SELECT c.project_code, coalesce(sum(po.amount) FILTER (WHERE po.status = 'PAID'), 0) AS paid,
                 coalesce(sum(po.amount) FILTER (WHERE po.status IN ('SUBMITTED', 'APPROVED')), 0) AS in_flight
          FROM treasury.contracts c JOIN treasury.payment_orders po ON po.contract_id = c.id GROUP BY c.project_code) o
      ON o.project_code = p.project_code
    WHERE o.paid + o.in_flight > p.total_investment$q$),
('project_plans_within_total', 'Per project, the capital plans of all years (their allocations'' amounts) add up to at most total_investment.',
 $q$SELECT format('project %s: total investment %s, plans %s', p.project_code, p.total_investment, sum(a.amount))
    FROM treasury.projects p JOIN treasury.capital_plans cp ON cp.project_code = p.project_code JOIN treasury.allocations a ON a.id = cp.allocation_id
    GROUP BY p.project_code, p.total_investment HAVING sum(a.amount) > p.total_investment$q$),
('plan_disbursed_within_plan', 'Rule 8: per project and year, the orders on the plan (PAID, SUBMITTED, APPROVED) take at most its amount, and only contract orders of the project and no commitment use a plan.',
 $q$SELECT format('capital plan %s (project %s, %s): amount %s, sub_allocated %s, orders take %s', a.id, cp.project_code, cp.fiscal_year, a.amount, a.sub_allocated, o.total)
    FROM treasury.capital_plans cp JOIN treasury.allocations a ON a.id = cp.allocation_id
    JOIN (SELECT allocation_id, sum(amount) AS total FROM treasury.payment_orders WHERE status IN ('SUBMITTED', 'APPROVED', 'PAID') GROUP BY allocation_id) o
      ON o.allocation_id = cp.allocation_id
    WHERE o.total > a.amount - a.sub_allocated
    UNION ALL
    SELECT format('payment order %s (contract %s) is on allocation %s, not a capital plan of its project', po.id, po.contract_id, po.allocation_id)
    FROM treasury.payment_orders po
    LEFT JOIN treasury.capital_plans cp ON cp.allocation_id = po.allocation_id
    LEFT JOIN treasury.contracts c ON c.id = po.contract_id
    WHERE (po.contract_id IS NOT NULL OR cp.allocation_id IS NOT NULL) AND cp.project_code IS DISTINCT FROM c.project_code
    UNION ALL
    SELECT format('commitment %s is on capital plan %s', c.id, c.allocation_id)
    FROM treasury.commitments c JOIN treasury.capital_plans cp ON cp.allocation_id = c.allocation_id$q$),
('contract_accepted_within_value', 'Rule 8: per contract, the accepted values of its payments PAID and in flight add up to at most its value, and each payment''s amount is its acceptance''s accepted_value - recovery.',
 $q$SELECT format('contract %s: value %s, accepted %s', c.id, c.value, sum(a.accepted_value))
    FROM treasury.contracts c JOIN treasury.payment_orders po ON po.contract_id = c.id JOIN treasury.acceptances a ON a.id = po.acceptance_id
    WHERE po.status IN ('SUBMITTED', 'APPROVED', 'PAID')
    GROUP BY c.id, c.value HAVING sum(a.accepted_value) > c.value
    UNION ALL
    SELECT format('payment order %s (contract %s): amount %s, acceptance %s of contract %s: accepted %s - recovery %s', po.id, po.contract_id, po.amount,
                  a.id, a.contract_id, a.accepted_value, a.recovery)
    FROM treasury.payment_orders po JOIN treasury.acceptances a ON a.id = po.acceptance_id
    WHERE po.amount <> a.accepted_value - a.recovery OR po.contract_id <> a.contract_id$q$),
('contract_advance_within_limit', 'Rule 8: per contract, the advances PAID and in flight less what was recovered are at most floor(value x advance_rate_bp / 10000).',
 $q$SELECT format('contract %s: outstanding advance %s, limit %s (%s bp of %s)', c.id, sum(po.amount - po.settled),
                  div(c.value::numeric * c.advance_rate_bp, 10000), c.advance_rate_bp, c.value)
    FROM treasury.contracts c JOIN treasury.payment_orders po ON po.contract_id = c.id
    WHERE po.kind = 'ADVANCE' AND po.status IN ('SUBMITTED', 'APPROVED', 'PAID')
    GROUP BY c.id, c.value, c.advance_rate_bp HAVING sum(po.amount - po.settled) > div(c.value::numeric * c.advance_rate_bp, 10000)$q$),
('contract_recovery_within_advance', 'Rule 8: per contract, the recoveries of its payments PAID and in flight add up to at most its PAID advances.',
 $q$SELECT format('contract %s: recoveries %s, advances paid %s', c.id, coalesce(r.total, 0), coalesce(adv.total, 0))
    FROM treasury.contracts c
    LEFT JOIN (SELECT po.contract_id, sum(a.recovery) AS total FROM treasury.payment_orders po JOIN treasury.acceptances a ON a.id = po.acceptance_id
               WHERE po.status IN ('SUBMITTED', 'APPROVED', 'PAID') GROUP BY po.contract_id) r ON r.contract_id = c.id
    LEFT JOIN (SELECT contract_id, sum(amount) AS total FROM treasury.payment_orders
               WHERE contract_id IS NOT NULL AND kind = 'ADVANCE' AND status = 'PAID' GROUP BY contract_id) adv ON adv.contract_id = c.id
    WHERE coalesce(r.total, 0) > coalesce(adv.total, 0)$q$),
('recovery_booked', 'Every PAID contract payment''s recovery is booked exactly, as settlements of its own contract''s advances; no other payment has any; contract advances are settled only so.',
 $q$SELECT format('payment order %s (%s): recovery %s, settlements booked %s', po.id, po.status, a.recovery, coalesce(s.total, 0))
    FROM treasury.payment_orders po JOIN treasury.acceptances a ON a.id = po.acceptance_id
    LEFT JOIN (SELECT recovery_order_id, sum(amount) AS total FROM treasury.advance_settlements WHERE recovery_order_id IS NOT NULL GROUP BY recovery_order_id) s
      ON s.recovery_order_id = po.id
    WHERE coalesce(s.total, 0) <> CASE WHEN po.status = 'PAID' THEN a.recovery ELSE 0 END
    UNION ALL
    SELECT format('settlement %s of advance %s (contract %s): recovery order %s (contract %s)', s.id, s.order_id, adv.contract_id, s.recovery_order_id, rec.contract_id)
    FROM treasury.advance_settlements s JOIN treasury.payment_orders adv ON adv.id = s.order_id
    LEFT JOIN treasury.payment_orders rec ON rec.id = s.recovery_order_id
    WHERE (adv.contract_id IS NOT NULL OR s.recovery_order_id IS NOT NULL)
      AND (rec.contract_id IS DISTINCT FROM adv.contract_id OR rec.kind <> 'PAYMENT')$q$);
