-- Budget allocation. A tree of budget estimates per fiscal year and budget
-- level: a root is an appropriation, a child narrows its parent to a unit.
-- Rule 4 (allocation_within_amount) holds for every writer; the figures
-- (sub_allocated, committed, pending, spent, advanced) are kept only by the
-- bookkeeping triggers (here and in the spending triggers: commitments,
-- payment orders, advance settlements), never set by hand.
-- The budget_execution view is in the views and reports file; the verify()
-- checks of this area are in the verify file.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Allocations
------------------------------------------------------------------------------
CREATE TABLE treasury.allocations (
    id            bigserial PRIMARY KEY,
    parent_id     bigint NULL REFERENCES treasury.allocations (id),
    fiscal_year   int NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    budget_level  text NOT NULL REFERENCES treasury.budget_levels (code),
    purpose       text NOT NULL CHECK (purpose IN ('RECURRENT', 'INVESTMENT')),
    treasury_code text NOT NULL REFERENCES treasury.treasuries (code),
    unit_code     text NULL REFERENCES treasury.budget_units (code),
    chapter       text NULL CHECK (chapter ~ '^[0-9A-Z]{1,10}$'),
    sector        text NULL CHECK (sector ~ '^[0-9A-Z]{1,10}$'),
    source        text NULL CHECK (source ~ '^[0-9A-Z]{1,10}$'),
    program       text NULL CHECK (program ~ '^[0-9A-Z]{1,10}$'),
    amount        bigint NOT NULL,
    sub_allocated bigint NOT NULL DEFAULT 0,
    committed     bigint NOT NULL DEFAULT 0,
    pending       bigint NOT NULL DEFAULT 0,
    spent         bigint NOT NULL DEFAULT 0,
    advanced      bigint NOT NULL DEFAULT 0,
    carried_over  bigint NOT NULL DEFAULT 0,
    lapsed        bigint NOT NULL DEFAULT 0,
    carried_over_from bigint NULL REFERENCES treasury.allocations (id),
    note          text NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id),
    CONSTRAINT allocation_amount_range CHECK (amount > 0 AND amount <= 1000000000000000000),
    CONSTRAINT allocation_figures_non_negative CHECK (sub_allocated >= 0 AND committed >= 0 AND pending >= 0 AND spent >= 0 AND advanced >= 0
                                                      AND carried_over >= 0 AND lapsed >= 0),
    -- numeric: six bigints may not overflow into a different error.
    CONSTRAINT allocation_within_amount CHECK (amount::numeric >= sub_allocated::numeric + committed + pending + spent + advanced + lapsed),
    -- What is marked to carry over stays unspent: committed money may be carried
    -- (a contract signed before year end), but not also paid in the old year.
    CONSTRAINT carry_over_exceeds_available CHECK (carried_over::numeric + lapsed <= amount::numeric - sub_allocated - pending - spent - advanced),
    -- A root is an appropriation, except the carry-over of a unit's allocation:
    -- next year's root for that unit, with the origin's classification.
    CONSTRAINT allocation_shape CHECK ((parent_id IS NULL AND (unit_code IS NULL OR (carried_over_from IS NOT NULL AND chapter IS NOT NULL AND sector IS NOT NULL)))
        OR (parent_id IS NOT NULL AND unit_code IS NOT NULL AND chapter IS NOT NULL AND sector IS NOT NULL)),
    CONSTRAINT allocation_no_self_parent CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX allocations_parent_idx ON treasury.allocations (parent_id);
CREATE INDEX allocations_year_treasury_idx ON treasury.allocations (fiscal_year, treasury_code);
CREATE INDEX allocations_unit_idx ON treasury.allocations (unit_code, fiscal_year);
CREATE INDEX allocations_carried_over_from_idx ON treasury.allocations (carried_over_from) WHERE carried_over_from IS NOT NULL;
COMMENT ON TABLE treasury.allocations IS 'Budget estimates in a tree per fiscal year and budget level: a root (parent_id NULL) is an appropriation, a child narrows its parent to a budget unit. Rule 4: amount >= sub_allocated + committed + pending + spent + advanced + lapsed (allocation_within_amount); what is marked to carry over stays unspent (carry_over_exceeds_available). A closed year''s allocations never change (year_closed). Figures are kept by triggers only (allocation_children_within_parent, allocation_figures_derived); amount changes only by inserting allocation_adjustments (allocation_amount_by_adjustment). Never deleted.';
COMMENT ON COLUMN treasury.allocations.id IS 'Allocation id (allocation_id in the API).';
COMMENT ON COLUMN treasury.allocations.parent_id IS 'Parent allocation; NULL for a root (an appropriation). Immutable.';
COMMENT ON COLUMN treasury.allocations.fiscal_year IS 'Fiscal year; a child inherits it from its parent (allocation_inherits_parent). Immutable.';
COMMENT ON COLUMN treasury.allocations.budget_level IS 'Budget level; inherited by children. Immutable.';
COMMENT ON COLUMN treasury.allocations.purpose IS 'RECURRENT or INVESTMENT; inherited by children. Immutable.';
COMMENT ON COLUMN treasury.allocations.treasury_code IS 'Treasury of the estimate; for a child it defaults to the unit''s treasury, and both must lie under the parent''s treasury (allocation_unit_outside_treasury). Immutable.';
COMMENT ON COLUMN treasury.allocations.unit_code IS 'Budget unit the child is allocated to; NULL on roots, required on children (allocation_shape). Immutable.';
COMMENT ON COLUMN treasury.allocations.chapter IS 'Segment chapter / chuong; required on children; a child keeps the parent''s value when the parent has one (allocation_narrows_parent). Immutable.';
COMMENT ON COLUMN treasury.allocations.sector IS 'Segment sector / loai-khoan; required on children; narrows the parent like chapter. Immutable.';
COMMENT ON COLUMN treasury.allocations.source IS 'Segment source / nguon; optional; a NULL on a child takes the parent''s value. Immutable.';
COMMENT ON COLUMN treasury.allocations.program IS 'Segment program / CTMT; optional; a NULL on a child takes the parent''s value. Immutable.';
COMMENT ON COLUMN treasury.allocations.amount IS 'The estimate in minor units (dong), 1..10^18. Set at creation; changed only by inserting an allocation_adjustments row.';
COMMENT ON COLUMN treasury.allocations.sub_allocated IS 'Sum of the children''s amounts; kept by trigger when a child is created or adjusted (allocation_children_within_parent).';
COMMENT ON COLUMN treasury.allocations.committed IS 'Unpaid remainder of this allocation''s OPEN commitments; kept by the commitment and payment-order triggers.';
COMMENT ON COLUMN treasury.allocations.pending IS 'Amounts of this allocation''s SUBMITTED and APPROVED payment orders; kept by the payment-order triggers.';
COMMENT ON COLUMN treasury.allocations.spent IS 'PAID payment orders of kind PAYMENT plus settled advances; kept by triggers.';
COMMENT ON COLUMN treasury.allocations.advanced IS 'PAID advances not yet settled (outstanding); kept by triggers.';
COMMENT ON COLUMN treasury.allocations.carried_over IS 'Marked to carry over into next year: the sum of its carry_overs (kept by their trigger); at most what is unspent, amount - sub_allocated - pending - spent - advanced - lapsed (carry_over_exceeds_available). At the year close it becomes next year''s allocation (carried_over_from).';
COMMENT ON COLUMN treasury.allocations.lapsed IS 'Cancelled at the year close: the own share neither spent, advanced nor carried over (amount - sub_allocated - spent - advanced - carried_over); 0 until the close sets it.';
COMMENT ON COLUMN treasury.allocations.carried_over_from IS 'For an allocation created by the year close from a carry-over: the previous year''s allocation it continues (same budget level, purpose, treasury, unit and segments), else NULL. Immutable.';
COMMENT ON COLUMN treasury.allocations.note IS 'Free text; the only column that may be updated directly.';
COMMENT ON COLUMN treasury.allocations.created_at IS 'When the allocation was created (forced to now()).';
COMMENT ON COLUMN treasury.allocations.created_by IS 'User who created it.';

-- The guard's steps are the functions below it. Each is called as an assignment,
-- NEW := step(...), which PL/pgSQL evaluates as a simple expression: PERFORM
-- step(OLD, NEW) would run a query per call and make an UPDATE store NEW's
-- out-of-line (TOASTed) values again.
CREATE FUNCTION treasury.allocations_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.sub_allocated <> 0 OR NEW.committed <> 0 OR NEW.pending <> 0 OR NEW.spent <> 0 OR NEW.advanced <> 0
           OR NEW.carried_over <> 0 OR NEW.lapsed <> 0 THEN
            PERFORM treasury.raise_rule('allocation_figures_derived',
                'a new allocation starts with sub_allocated, committed, pending, spent, advanced, carried_over and lapsed all 0: they are kept by triggers', 'allocations');
        END IF;
        IF treasury.year_closed(NEW.fiscal_year) THEN
            PERFORM treasury.raise_rule('year_closed',
                format('fiscal year %s is closed: it takes no new allocation', NEW.fiscal_year), 'allocations',
                jsonb_build_object('fiscal_year', NEW.fiscal_year));
        END IF;
        NEW.created_at := now();
        -- Depth 1 is a direct INSERT; the year close inserts from its trigger.
        IF NEW.carried_over_from IS NOT NULL AND (pg_trigger_depth() <= 1 OR NEW.parent_id IS NOT NULL) THEN
            PERFORM treasury.raise_rule('allocation_carry_over_by_close',
                format('an allocation carried over from allocation %s is created only by the year close, as a root', NEW.carried_over_from), 'allocations');
        END IF;
        IF NEW.parent_id IS NOT NULL THEN
            NEW := treasury.allocations_guard_new_child(NEW);
        END IF;
        RETURN NEW;
    END IF;

    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('allocation_no_delete',
            format('allocation %s cannot be deleted: allocations are kept forever (cut it with an adjustment instead)', OLD.id), 'allocations');
    END IF;

    -- UPDATE
    IF treasury.year_closed(OLD.fiscal_year) THEN
        PERFORM treasury.raise_rule('year_closed',
            format('allocation %s is of fiscal year %s, which is closed: its figures are final', OLD.id, OLD.fiscal_year), 'allocations',
            jsonb_build_object('fiscal_year', OLD.fiscal_year, 'allocation_id', OLD.id::text));
    END IF;
    NEW := treasury.allocations_guard_update(OLD, NEW);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.allocations_guard() IS 'Trigger function on allocations: new rows start with zero figures; a carried-over allocation is created only by the year close (allocation_carry_over_by_close); nothing is added to or changed in a closed year (year_closed); a child locks its parent, inherits fiscal_year/budget_level/purpose and fixed segments, lies under the parent''s treasury (allocations_guard_new_child); immutable fields; rule 4 (allocation_within_amount); figures and amount change only from the bookkeeping triggers, pg_trigger_depth() > 1 (allocations_guard_update); no delete.';

-- Step of allocations_guard for a new child (parent_id set).
CREATE FUNCTION treasury.allocations_guard_new_child(p_new treasury.allocations) RETURNS treasury.allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_parent         treasury.allocations%ROWTYPE;
    v_unit_treasury  text;
BEGIN
    -- Lock order: the parent first (a child does not exist yet).
    SELECT * INTO v_parent FROM treasury.allocations a WHERE a.id = p_new.parent_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN p_new; -- the foreign key reports the unknown parent
    END IF;
    p_new.fiscal_year := coalesce(p_new.fiscal_year, v_parent.fiscal_year);
    p_new.budget_level := coalesce(p_new.budget_level, v_parent.budget_level);
    p_new.purpose := coalesce(p_new.purpose, v_parent.purpose);
    IF p_new.fiscal_year <> v_parent.fiscal_year OR p_new.budget_level <> v_parent.budget_level OR p_new.purpose <> v_parent.purpose THEN
        PERFORM treasury.raise_rule('allocation_inherits_parent',
            format('a child allocation has its parent''s fiscal_year, budget_level and purpose (%s, %s, %s), not (%s, %s, %s)',
                   v_parent.fiscal_year, v_parent.budget_level, v_parent.purpose, p_new.fiscal_year, p_new.budget_level, p_new.purpose), 'allocations');
    END IF;
    p_new.chapter := coalesce(p_new.chapter, v_parent.chapter);
    p_new.sector := coalesce(p_new.sector, v_parent.sector);
    p_new.source := coalesce(p_new.source, v_parent.source);
    p_new.program := coalesce(p_new.program, v_parent.program);
    IF p_new.chapter IS DISTINCT FROM coalesce(v_parent.chapter, p_new.chapter)
       OR p_new.sector IS DISTINCT FROM coalesce(v_parent.sector, p_new.sector)
       OR p_new.source IS DISTINCT FROM coalesce(v_parent.source, p_new.source)
       OR p_new.program IS DISTINCT FROM coalesce(v_parent.program, p_new.program) THEN
        PERFORM treasury.raise_rule('allocation_narrows_parent',
            format('a child allocation keeps every segment its parent %s fixes (chapter %s, sector %s, source %s, program %s)',
                   v_parent.id, v_parent.chapter, v_parent.sector, v_parent.source, v_parent.program), 'allocations');
    END IF;
    SELECT u.treasury_code INTO v_unit_treasury FROM treasury.budget_units u WHERE u.code = p_new.unit_code;
    p_new.treasury_code := coalesce(p_new.treasury_code, v_unit_treasury);
    IF v_unit_treasury IS NOT NULL AND NOT (v_parent.treasury_code = ANY (treasury.treasury_ancestors(v_unit_treasury))
                                            AND v_parent.treasury_code = ANY (treasury.treasury_ancestors(p_new.treasury_code))) THEN
        PERFORM treasury.raise_rule('allocation_unit_outside_treasury',
            format('unit %s (treasury %s) is not under the parent''s treasury %s', p_new.unit_code, v_unit_treasury, v_parent.treasury_code), 'allocations');
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.allocations_guard_new_child(treasury.allocations) IS 'Step of allocations_guard for a new child allocation: locks the parent (FOR UPDATE) and returns the row with fiscal_year, budget_level, purpose and the segments (chapter, sector, source, program) filled from the parent and treasury_code from the unit; checks allocation_inherits_parent (same fiscal_year, budget_level, purpose as the parent), allocation_narrows_parent (keeps every segment the parent fixes) and allocation_unit_outside_treasury (the unit''s treasury and treasury_code lie under the parent''s treasury). An unknown parent is left to the foreign key.';

-- Step of allocations_guard for an UPDATE; returns p_new unchanged.
CREATE FUNCTION treasury.allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations) RETURNS treasury.allocations
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_new.id IS DISTINCT FROM p_old.id OR p_new.parent_id IS DISTINCT FROM p_old.parent_id
       OR p_new.fiscal_year IS DISTINCT FROM p_old.fiscal_year OR p_new.budget_level IS DISTINCT FROM p_old.budget_level
       OR p_new.purpose IS DISTINCT FROM p_old.purpose OR p_new.treasury_code IS DISTINCT FROM p_old.treasury_code
       OR p_new.unit_code IS DISTINCT FROM p_old.unit_code OR p_new.chapter IS DISTINCT FROM p_old.chapter
       OR p_new.sector IS DISTINCT FROM p_old.sector OR p_new.source IS DISTINCT FROM p_old.source
       OR p_new.program IS DISTINCT FROM p_old.program OR p_new.created_at IS DISTINCT FROM p_old.created_at
       OR p_new.created_by IS DISTINCT FROM p_old.created_by OR p_new.carried_over_from IS DISTINCT FROM p_old.carried_over_from THEN
        PERFORM treasury.raise_rule('allocation_immutable_fields',
            format('allocation %s: only amount (by adjustment), the figures (by triggers) and note change', p_old.id), 'allocations');
    END IF;
    -- Rule 4 first, so an over-spending update is reported as such whoever makes it.
    IF p_new.amount::numeric < p_new.sub_allocated::numeric + p_new.committed + p_new.pending + p_new.spent + p_new.advanced + p_new.lapsed THEN
        PERFORM treasury.raise_rule('allocation_within_amount',
            format('allocation %s: amount %s < sub_allocated %s + committed %s + pending %s + spent %s + advanced %s + lapsed %s (available would be %s)',
                   p_old.id, p_new.amount, p_new.sub_allocated, p_new.committed, p_new.pending, p_new.spent, p_new.advanced, p_new.lapsed,
                   p_new.amount::numeric - p_new.sub_allocated - p_new.committed - p_new.pending - p_new.spent - p_new.advanced - p_new.lapsed), 'allocations');
    END IF;
    IF p_new.carried_over::numeric + p_new.lapsed > p_new.amount::numeric - p_new.sub_allocated - p_new.pending - p_new.spent - p_new.advanced THEN
        PERFORM treasury.raise_rule('carry_over_exceeds_available',
            format('allocation %s: %s is marked to carry over, more than its unspent %s (amount %s - sub_allocated %s - pending %s - spent %s - advanced %s)',
                   p_old.id, p_new.carried_over, p_new.amount::numeric - p_new.sub_allocated - p_new.pending - p_new.spent - p_new.advanced - p_new.lapsed,
                   p_new.amount, p_new.sub_allocated, p_new.pending, p_new.spent, p_new.advanced), 'allocations',
            jsonb_build_object('allocation_id', p_old.id::text, 'carried_over', p_new.carried_over::text,
                               'unspent', (p_new.amount::numeric - p_new.sub_allocated - p_new.pending - p_new.spent - p_new.advanced - p_new.lapsed)::text));
    END IF;
    -- Depth 1 is a direct UPDATE; the bookkeeping triggers update from depth 2
    -- (a function call does not change the depth: it is the guard's).
    IF pg_trigger_depth() <= 1 THEN
        IF p_new.sub_allocated IS DISTINCT FROM p_old.sub_allocated THEN
            PERFORM treasury.raise_rule('allocation_children_within_parent',
                format('allocation %s: sub_allocated is the sum of the children''s amounts, kept by trigger; it cannot be set to %s by hand',
                       p_old.id, p_new.sub_allocated), 'allocations');
        END IF;
        IF p_new.committed IS DISTINCT FROM p_old.committed OR p_new.pending IS DISTINCT FROM p_old.pending
           OR p_new.spent IS DISTINCT FROM p_old.spent OR p_new.advanced IS DISTINCT FROM p_old.advanced
           OR p_new.carried_over IS DISTINCT FROM p_old.carried_over OR p_new.lapsed IS DISTINCT FROM p_old.lapsed THEN
            PERFORM treasury.raise_rule('allocation_figures_derived',
                format('allocation %s: committed, pending, spent, advanced, carried_over and lapsed change only through commitments, payment orders, settlements, carry-overs and the year close', p_old.id), 'allocations');
        END IF;
        IF p_new.amount IS DISTINCT FROM p_old.amount THEN
            PERFORM treasury.raise_rule('allocation_amount_by_adjustment',
                format('allocation %s: the amount changes only by inserting an allocation_adjustments row (delta and reason)', p_old.id), 'allocations');
        END IF;
    END IF;
    RETURN p_new;
END
$$;
COMMENT ON FUNCTION treasury.allocations_guard_update(treasury.allocations, treasury.allocations) IS 'Step of allocations_guard for an UPDATE (returns p_new unchanged): allocation_immutable_fields (only amount, the figures and note change); rule 4, allocation_within_amount, then carry_over_exceeds_available, checked first whoever updates; on a direct UPDATE (pg_trigger_depth() <= 1): allocation_children_within_parent (sub_allocated), allocation_figures_derived (committed, pending, spent, advanced) and allocation_amount_by_adjustment (amount).';

CREATE TRIGGER allocations_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.allocations
    FOR EACH ROW EXECUTE FUNCTION treasury.allocations_guard();
CREATE TRIGGER allocation_no_delete_truncate BEFORE TRUNCATE ON treasury.allocations
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('allocation_no_delete');

-- A child's amount draws on its parent: parent.sub_allocated moves with it, and
-- the parent's own rule 4 refuses over-allocation.
CREATE FUNCTION treasury.allocations_draw_on_parent() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_delta bigint;
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        v_delta := NEW.amount;
    ELSE
        v_delta := NEW.amount - OLD.amount;
    END IF;
    IF v_delta <> 0 THEN
        UPDATE treasury.allocations SET sub_allocated = sub_allocated + v_delta WHERE id = NEW.parent_id;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.allocations_draw_on_parent() IS 'Trigger function: after a child allocation is created or its amount changes, adds the difference to the parent''s sub_allocated (so the parent''s rule 4 refuses over-allocation and a cut returns to the parent).';
CREATE TRIGGER allocations_draw_on_parent AFTER INSERT OR UPDATE OF amount ON treasury.allocations
    FOR EACH ROW EXECUTE FUNCTION treasury.allocations_draw_on_parent();

------------------------------------------------------------------------------
-- Adjustments: the only way an amount changes
------------------------------------------------------------------------------
CREATE TABLE treasury.allocation_adjustments (
    id            bigserial PRIMARY KEY,
    allocation_id bigint NOT NULL REFERENCES treasury.allocations (id),
    delta         bigint NOT NULL CHECK (delta <> 0 AND delta BETWEEN -1000000000000000000 AND 1000000000000000000),
    reason        text NOT NULL CHECK (length(btrim(reason)) > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id)
);
CREATE INDEX allocation_adjustments_allocation_idx ON treasury.allocation_adjustments (allocation_id, id);
COMMENT ON TABLE treasury.allocation_adjustments IS 'History of Budget/Adjust: inserting a row adds delta to the allocation''s amount (trigger); a child''s change draws on or returns to its parent. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.allocation_adjustments.id IS 'Sequence number.';
COMMENT ON COLUMN treasury.allocation_adjustments.allocation_id IS 'The allocation adjusted.';
COMMENT ON COLUMN treasury.allocation_adjustments.delta IS 'Signed change of the amount, non-zero: positive raises, negative cuts.';
COMMENT ON COLUMN treasury.allocation_adjustments.reason IS 'Why (required, not blank).';
COMMENT ON COLUMN treasury.allocation_adjustments.created_at IS 'When (forced to now()).';
COMMENT ON COLUMN treasury.allocation_adjustments.created_by IS 'User who adjusted.';

CREATE FUNCTION treasury.allocation_adjustments_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.created_at := now();
    PERFORM 1 FROM treasury.allocations a WHERE a.id = NEW.allocation_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports it
    END IF;
    UPDATE treasury.allocations SET amount = amount + NEW.delta WHERE id = NEW.allocation_id;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.allocation_adjustments_apply() IS 'Trigger function: before an adjustment is stored, locks the allocation and adds delta to its amount (rule 4 refuses a cut below use; a child''s raise draws on the parent).';
CREATE TRIGGER allocation_adjustments_apply BEFORE INSERT ON treasury.allocation_adjustments
    FOR EACH ROW EXECUTE FUNCTION treasury.allocation_adjustments_apply();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.allocation_adjustments
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.allocation_adjustments
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.allocations, treasury.allocation_adjustments TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.allocations, treasury.allocation_adjustments TO treasury_app;
-- UPDATE (note) also lets the service SELECT ... FOR UPDATE an allocation.
GRANT UPDATE (note) ON treasury.allocations TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.allocations_id_seq, treasury.allocation_adjustments_id_seq TO treasury_app;
-- The guard's steps run only inside allocations_guard, as treasury_owner: called
-- directly they would lock a parent for treasury_readonly too.
REVOKE EXECUTE ON FUNCTION treasury.allocations_guard_new_child(treasury.allocations),
    treasury.allocations_guard_update(treasury.allocations, treasury.allocations) FROM PUBLIC;
