--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: treasury; Type: SCHEMA; Schema: -; Owner: treasury_owner
--

CREATE SCHEMA treasury;


ALTER SCHEMA treasury OWNER TO treasury_owner;

--
-- Name: SCHEMA treasury; Type: COMMENT; Schema: -; Owner: treasury_owner
--

COMMENT ON SCHEMA treasury IS 'State treasury system of record: reference data, identity, the double-entry ledger, dossiers.';


--
-- Name: collection_batch_item; Type: TYPE; Schema: treasury; Owner: treasury_owner
--

CREATE TYPE treasury.collection_batch_item AS (
	ord integer,
	bank_code text,
	bank_ref text,
	collected_on date,
	payer_tax_id text,
	payer_name text,
	revenue_id text,
	chapter text,
	economic_code text,
	area_code text,
	treasury_code text,
	amount bigint,
	dossier_id bigint,
	request_hash bytea,
	rule_id bigint,
	first_ord integer,
	answer jsonb,
	levels text[],
	shares bigint[],
	collection_id bigint,
	entry_id bigint,
	new_result jsonb
);


ALTER TYPE treasury.collection_batch_item OWNER TO treasury_owner;

--
-- Name: TYPE collection_batch_item; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TYPE treasury.collection_batch_item IS 'Working row of record_collections, one per item, filled in step by step: parse_collections sets the request (ord = position from 1 .. request_hash); validate_collections the sharing rule_id, first_ord (the first accepted item of the same bank key: the one recorded) and answer (when already decided: a refusal or a replayed first result); split_collections, for each item to record, its levels, shares, collection_id, entry_id and new_result (its answer once recorded).';


--
-- Name: acceptances_before_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.acceptances_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.created_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.acceptances_before_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION acceptances_before_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.acceptances_before_insert() IS 'Trigger function: forces created_at of a new acceptance. Its limits are checked when its payment order is submitted (payment_orders_investment_guard).';


--
-- Name: account_scopes(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.account_scopes(p_account_no text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_scopes text[];
BEGIN
    SELECT ARRAY['*', 'U:' || a.unit_code] || ARRAY(SELECT 'T:' || t FROM unnest(treasury.treasury_ancestors(a.treasury_code)) AS t)
    INTO v_scopes
    FROM treasury.accounts a WHERE a.account_no = p_account_no;
    IF NOT FOUND THEN
        PERFORM treasury.raise_rule('account_not_found', format('account %s does not exist', p_account_no), 'accounts',
                                    jsonb_build_object('account', p_account_no));
    END IF;
    RETURN v_scopes;
END
$$;


ALTER FUNCTION treasury.account_scopes(p_account_no text) OWNER TO treasury_owner;

--
-- Name: FUNCTION account_scopes(p_account_no text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.account_scopes(p_account_no text) IS 'The grant scopes that cover an account: *, U:<its unit>, and T:<treasury> for its treasury and each one above it (a treasury grant covers the treasuries under it). Raises account_not_found for an unknown account.';


--
-- Name: accounts_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.accounts_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('account_no_delete',
            format('account %s cannot be deleted: accounts are kept forever (close it instead)', OLD.account_no), 'accounts');
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.balance <> 0 THEN
            PERFORM treasury.raise_rule('account_balance_from_lines',
                format('account %s must start with balance 0: a balance comes only from journal lines', NEW.account_no), 'accounts');
        END IF;
        IF NEW.status NOT IN ('PENDING', 'ACTIVE') THEN
            PERFORM treasury.raise_rule('account_status_transition',
                format('a new account starts PENDING or ACTIVE, not %s', NEW.status), 'accounts');
        END IF;
        NEW.closed_at := NULL;
        IF NEW.status = 'ACTIVE' THEN
            NEW.activated_at := coalesce(NEW.activated_at, now());
        ELSE
            NEW.activated_at := NULL;
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF NEW.account_no IS DISTINCT FROM OLD.account_no OR NEW.unit_code IS DISTINCT FROM OLD.unit_code
       OR NEW.treasury_code IS DISTINCT FROM OLD.treasury_code OR NEW.currency IS DISTINCT FROM OLD.currency
       OR NEW.opened_at IS DISTINCT FROM OLD.opened_at THEN
        PERFORM treasury.raise_rule('account_immutable_fields',
            format('account %s: account_no, unit_code, treasury_code, currency and opened_at never change', OLD.account_no), 'accounts');
    END IF;

    -- Depth 1 is a direct UPDATE; the line-posting trigger updates from depth 2.
    IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() <= 1 THEN
        PERFORM treasury.raise_rule('account_balance_from_lines',
            format('account %s: the balance changes only by posting journal lines, never directly', OLD.account_no), 'accounts');
    END IF;

    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT ((OLD.status, NEW.status) IN (('PENDING', 'ACTIVE'), ('PENDING', 'CLOSED'), ('ACTIVE', 'FROZEN'),
                                             ('FROZEN', 'ACTIVE'), ('ACTIVE', 'CLOSED'), ('FROZEN', 'CLOSED'))) THEN
            PERFORM treasury.raise_rule('account_status_transition',
                format('account %s cannot go from %s to %s', OLD.account_no, OLD.status, NEW.status), 'accounts');
        END IF;
        IF NEW.status = 'CLOSED' THEN
            IF NEW.balance <> 0 THEN
                PERFORM treasury.raise_rule('account_close_not_empty',
                    format('account %s cannot be closed with balance %s: it must be 0', OLD.account_no, NEW.balance), 'accounts');
            END IF;
            NEW.closed_at := now();
        END IF;
        IF NEW.status = 'ACTIVE' THEN
            NEW.activated_at := coalesce(OLD.activated_at, now());
        END IF;
    ELSE
        NEW.activated_at := OLD.activated_at;
        NEW.closed_at := OLD.closed_at;
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.accounts_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION accounts_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.accounts_guard() IS 'Trigger function on accounts: start balance 0, immutable fields, balance only from lines, status state machine, close only when empty, no delete; sets activated_at/closed_at.';


--
-- Name: adjustment_restricted_entry(integer, bigint[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.adjustment_restricted_entry(p_fiscal_year integer, p_entry_ids bigint[]) RETURNS TABLE(id bigint, source_kind text, source_id text, accounting_date date)
    LANGUAGE plpgsql STABLE
    AS $_$
BEGIN
    RETURN QUERY
    SELECT e.id, e.source_kind, e.source_id, e.accounting_date
    FROM treasury.journal_entries e
    -- The cast only for a PAYMENT's numeric source_id: the planner may evaluate the join
    -- condition before the other conditions, and other kinds' source_id are any text.
    LEFT JOIN treasury.payment_orders o
           ON o.id = CASE WHEN e.source_kind = 'PAYMENT' AND e.source_id ~ '^[0-9]{1,18}$' THEN e.source_id::bigint END
    LEFT JOIN treasury.acceptances a ON a.id = o.acceptance_id
    WHERE e.id = ANY (p_entry_ids)
      AND (e.source_kind NOT IN ('COLLECTION', 'PAYMENT', 'ADVANCE_SETTLEMENT', 'REVERSAL')
           OR (e.source_kind = 'PAYMENT'
               AND NOT coalesce(o.kind = 'PAYMENT' AND coalesce(a.accepted_on, (o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
                                                       <= make_date(p_fiscal_year, 12, 31), false)))
    ORDER BY e.id
    LIMIT 1;
END
$_$;


ALTER FUNCTION treasury.adjustment_restricted_entry(p_fiscal_year integer, p_entry_ids bigint[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION adjustment_restricted_entry(p_fiscal_year integer, p_entry_ids bigint[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.adjustment_restricted_entry(p_fiscal_year integer, p_entry_ids bigint[]) IS 'Rule 9: the first of the given entries (dated into p_fiscal_year in its adjustment period) that may not be: anything but COLLECTION, PAYMENT, ADVANCE_SETTLEMENT and REVERSAL, and a PAYMENT whose payment order is not a PAYMENT for work accepted by 31 December (acceptances.accepted_on, else the order''s submission day). No row when all may.';


--
-- Name: advance_settlements_book(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.advance_settlements_book() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.advance_settlements_book() OWNER TO treasury_owner;

--
-- Name: FUNCTION advance_settlements_book(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.advance_settlements_book() IS 'Trigger function: after a settlement, adds it to the order''s settled and moves it from the allocation''s advanced to spent, unless the allocation''s year is closed (the advance was rolled forward or listed for recovery at the close, year_end_advances).';


--
-- Name: advance_settlements_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.advance_settlements_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.advance_settlements_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION advance_settlements_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.advance_settlements_guard() IS 'Trigger function: locks the allocation, then the order; only a PAID ADVANCE is settled, never beyond its outstanding amount; forces created_at.';


--
-- Name: advance_settlements_recovery(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.advance_settlements_recovery() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.advance_settlements_recovery() OWNER TO treasury_owner;

--
-- Name: FUNCTION advance_settlements_recovery(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.advance_settlements_recovery() IS 'Trigger function: a settlement of a contract advance, or one naming a recovery_order_id, is only the booking of a payment''s recovery (written by payment_orders_book_recovery, pg_trigger_depth() > 1, the payment of the same contract): advance_recovery_by_payment.';


--
-- Name: allocation_adjustments_apply(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocation_adjustments_apply() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.allocation_adjustments_apply() OWNER TO treasury_owner;

--
-- Name: FUNCTION allocation_adjustments_apply(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocation_adjustments_apply() IS 'Trigger function: before an adjustment is stored, locks the allocation and adds delta to its amount (rule 4 refuses a cut below use; a child''s raise draws on the parent).';


--
-- Name: allocations_draw_on_parent(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocations_draw_on_parent() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.allocations_draw_on_parent() OWNER TO treasury_owner;

--
-- Name: FUNCTION allocations_draw_on_parent(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocations_draw_on_parent() IS 'Trigger function: after a child allocation is created or its amount changes, adds the difference to the parent''s sub_allocated (so the parent''s rule 4 refuses over-allocation and a cut returns to the parent).';


--
-- Name: allocations_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocations_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.allocations_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION allocations_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocations_guard() IS 'Trigger function on allocations: new rows start with zero figures; a carried-over allocation is created only by the year close (allocation_carry_over_by_close); nothing is added to or changed in a closed year (year_closed); a child locks its parent, inherits fiscal_year/budget_level/purpose and fixed segments, lies under the parent''s treasury (allocations_guard_new_child); immutable fields; rule 4 (allocation_within_amount); figures and amount change only from the bookkeeping triggers, pg_trigger_depth() > 1 (allocations_guard_update); no delete.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: allocations; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.allocations (
    id bigint NOT NULL,
    parent_id bigint,
    fiscal_year integer NOT NULL,
    budget_level text NOT NULL,
    purpose text NOT NULL,
    treasury_code text NOT NULL,
    unit_code text,
    chapter text,
    sector text,
    source text,
    program text,
    amount bigint NOT NULL,
    sub_allocated bigint DEFAULT 0 NOT NULL,
    committed bigint DEFAULT 0 NOT NULL,
    pending bigint DEFAULT 0 NOT NULL,
    spent bigint DEFAULT 0 NOT NULL,
    advanced bigint DEFAULT 0 NOT NULL,
    carried_over bigint DEFAULT 0 NOT NULL,
    lapsed bigint DEFAULT 0 NOT NULL,
    carried_over_from bigint,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT allocation_amount_range CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT allocation_figures_non_negative CHECK (((sub_allocated >= 0) AND (committed >= 0) AND (pending >= 0) AND (spent >= 0) AND (advanced >= 0) AND (carried_over >= 0) AND (lapsed >= 0))),
    CONSTRAINT allocation_no_self_parent CHECK (((parent_id IS NULL) OR (parent_id <> id))),
    CONSTRAINT allocation_shape CHECK ((((parent_id IS NULL) AND ((unit_code IS NULL) OR ((carried_over_from IS NOT NULL) AND (chapter IS NOT NULL) AND (sector IS NOT NULL)))) OR ((parent_id IS NOT NULL) AND (unit_code IS NOT NULL) AND (chapter IS NOT NULL) AND (sector IS NOT NULL)))),
    CONSTRAINT allocation_within_amount CHECK (((amount)::numeric >= ((((((sub_allocated)::numeric + (committed)::numeric) + (pending)::numeric) + (spent)::numeric) + (advanced)::numeric) + (lapsed)::numeric))),
    CONSTRAINT allocations_chapter_check CHECK ((chapter ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT allocations_fiscal_year_check CHECK (((fiscal_year >= 1900) AND (fiscal_year <= 9999))),
    CONSTRAINT allocations_program_check CHECK ((program ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT allocations_purpose_check CHECK ((purpose = ANY (ARRAY['RECURRENT'::text, 'INVESTMENT'::text]))),
    CONSTRAINT allocations_sector_check CHECK ((sector ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT allocations_source_check CHECK ((source ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT carry_over_exceeds_available CHECK ((((carried_over)::numeric + (lapsed)::numeric) <= (((((amount)::numeric - (sub_allocated)::numeric) - (pending)::numeric) - (spent)::numeric) - (advanced)::numeric)))
);


ALTER TABLE treasury.allocations OWNER TO treasury_owner;

--
-- Name: TABLE allocations; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.allocations IS 'Budget estimates in a tree per fiscal year and budget level: a root (parent_id NULL) is an appropriation, a child narrows its parent to a budget unit. Rule 4: amount >= sub_allocated + committed + pending + spent + advanced + lapsed (allocation_within_amount); what is marked to carry over stays unspent (carry_over_exceeds_available). A closed year''s allocations never change (year_closed). Figures are kept by triggers only (allocation_children_within_parent, allocation_figures_derived); amount changes only by inserting allocation_adjustments (allocation_amount_by_adjustment). Never deleted.';


--
-- Name: COLUMN allocations.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.id IS 'Allocation id (allocation_id in the API).';


--
-- Name: COLUMN allocations.parent_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.parent_id IS 'Parent allocation; NULL for a root (an appropriation). Immutable.';


--
-- Name: COLUMN allocations.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.fiscal_year IS 'Fiscal year; a child inherits it from its parent (allocation_inherits_parent). Immutable.';


--
-- Name: COLUMN allocations.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.budget_level IS 'Budget level; inherited by children. Immutable.';


--
-- Name: COLUMN allocations.purpose; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.purpose IS 'RECURRENT or INVESTMENT; inherited by children. Immutable.';


--
-- Name: COLUMN allocations.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.treasury_code IS 'Treasury of the estimate; for a child it defaults to the unit''s treasury, and both must lie under the parent''s treasury (allocation_unit_outside_treasury). Immutable.';


--
-- Name: COLUMN allocations.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.unit_code IS 'Budget unit the child is allocated to; NULL on roots, required on children (allocation_shape). Immutable.';


--
-- Name: COLUMN allocations.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.chapter IS 'Segment chapter / chuong; required on children; a child keeps the parent''s value when the parent has one (allocation_narrows_parent). Immutable.';


--
-- Name: COLUMN allocations.sector; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.sector IS 'Segment sector / loai-khoan; required on children; narrows the parent like chapter. Immutable.';


--
-- Name: COLUMN allocations.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.source IS 'Segment source / nguon; optional; a NULL on a child takes the parent''s value. Immutable.';


--
-- Name: COLUMN allocations.program; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.program IS 'Segment program / CTMT; optional; a NULL on a child takes the parent''s value. Immutable.';


--
-- Name: COLUMN allocations.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.amount IS 'The estimate in minor units (dong), 1..10^18. Set at creation; changed only by inserting an allocation_adjustments row.';


--
-- Name: COLUMN allocations.sub_allocated; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.sub_allocated IS 'Sum of the children''s amounts; kept by trigger when a child is created or adjusted (allocation_children_within_parent).';


--
-- Name: COLUMN allocations.committed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.committed IS 'Unpaid remainder of this allocation''s OPEN commitments; kept by the commitment and payment-order triggers.';


--
-- Name: COLUMN allocations.pending; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.pending IS 'Amounts of this allocation''s SUBMITTED and APPROVED payment orders; kept by the payment-order triggers.';


--
-- Name: COLUMN allocations.spent; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.spent IS 'PAID payment orders of kind PAYMENT plus settled advances; kept by triggers.';


--
-- Name: COLUMN allocations.advanced; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.advanced IS 'PAID advances not yet settled (outstanding); kept by triggers.';


--
-- Name: COLUMN allocations.carried_over; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.carried_over IS 'Marked to carry over into next year: the sum of its carry_overs (kept by their trigger); at most what is unspent, amount - sub_allocated - pending - spent - advanced - lapsed (carry_over_exceeds_available). At the year close it becomes next year''s allocation (carried_over_from).';


--
-- Name: COLUMN allocations.lapsed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.lapsed IS 'Cancelled at the year close: the own share neither spent, advanced nor carried over (amount - sub_allocated - spent - advanced - carried_over); 0 until the close sets it.';


--
-- Name: COLUMN allocations.carried_over_from; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.carried_over_from IS 'For an allocation created by the year close from a carry-over: the previous year''s allocation it continues (same budget level, purpose, treasury, unit and segments), else NULL. Immutable.';


--
-- Name: COLUMN allocations.note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.note IS 'Free text; the only column that may be updated directly.';


--
-- Name: COLUMN allocations.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.created_at IS 'When the allocation was created (forced to now()).';


--
-- Name: COLUMN allocations.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocations.created_by IS 'User who created it.';


--
-- Name: allocations_guard_new_child(treasury.allocations); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocations_guard_new_child(p_new treasury.allocations) RETURNS treasury.allocations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.allocations_guard_new_child(p_new treasury.allocations) OWNER TO treasury_owner;

--
-- Name: FUNCTION allocations_guard_new_child(p_new treasury.allocations); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocations_guard_new_child(p_new treasury.allocations) IS 'Step of allocations_guard for a new child allocation: locks the parent (FOR UPDATE) and returns the row with fiscal_year, budget_level, purpose and the segments (chapter, sector, source, program) filled from the parent and treasury_code from the unit; checks allocation_inherits_parent (same fiscal_year, budget_level, purpose as the parent), allocation_narrows_parent (keeps every segment the parent fixes) and allocation_unit_outside_treasury (the unit''s treasury and treasury_code lie under the parent''s treasury). An unknown parent is left to the foreign key.';


--
-- Name: allocations_guard_update(treasury.allocations, treasury.allocations); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations) RETURNS treasury.allocations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations) OWNER TO treasury_owner;

--
-- Name: FUNCTION allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations) IS 'Step of allocations_guard for an UPDATE (returns p_new unchanged): allocation_immutable_fields (only amount, the figures and note change); rule 4, allocation_within_amount, then carry_over_exceeds_available, checked first whoever updates; on a direct UPDATE (pg_trigger_depth() <= 1): allocation_children_within_parent (sub_allocated), allocation_figures_derived (committed, pending, spent, advanced) and allocation_amount_by_adjustment (amount).';


--
-- Name: allocations_plan_within_total(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.allocations_plan_within_total() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.allocations_plan_within_total() OWNER TO treasury_owner;

--
-- Name: FUNCTION allocations_plan_within_total(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.allocations_plan_within_total() IS 'Trigger function: after an allocation''s amount is raised, if it is a capital plan, locks the project and refuses plans of all years above total_investment (plans_exceed_total_investment, via project_check_total).';


--
-- Name: api_token_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.api_token_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.api_token_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION api_token_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.api_token_guard() IS 'Trigger function: an api_tokens UPDATE may only set revoked_at from NULL to a value (constraint api_token_immutable).';


--
-- Name: arm_deferred_check(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.arm_deferred_check(p_rule text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO treasury.deferred_checks (txid, rule) VALUES (pg_current_xact_id(), p_rule) ON CONFLICT DO NOTHING;
END
$$;


ALTER FUNCTION treasury.arm_deferred_check(p_rule text) OWNER TO treasury_owner;

--
-- Name: FUNCTION arm_deferred_check(p_rule text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.arm_deferred_check(p_rule text) IS 'Inserts (current transaction, p_rule) into deferred_checks if absent, which queues the deferred constraint trigger p_rule once for the transaction. Called by the statement triggers, as the inserting role; calling it by hand only adds a check.';


--
-- Name: balance_reconciliations_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.balance_reconciliations_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.balance_reconciliations_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION balance_reconciliations_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.balance_reconciliations_guard() IS 'Trigger function on balance_reconciliations: the request columns never change (balance_reconciliation_immutable_fields); confirmed_by, confirmed_at and note are written once (balance_reconciliation_confirmed_once).';


--
-- Name: bank_day_transactions(text, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date) RETURNS TABLE(bank_ref text, kind text, amount bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT c.bank_ref, 'COLLECTION', c.amount
    FROM treasury.collections c WHERE c.bank_code = p_bank_code AND c.collected_on = p_day
    UNION ALL
    SELECT bt.bank_ref, bt.kind, bt.amount
    FROM treasury.bank_transactions bt JOIN treasury.journal_entries e ON e.id = bt.entry_id
    WHERE bt.bank_code = p_bank_code AND bt.kind = 'DEPOSIT' AND e.accounting_date = p_day
$$;


ALTER FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date) OWNER TO treasury_owner;

--
-- Name: FUNCTION bank_day_transactions(p_bank_code text, p_day date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date) IS 'The treasury''s side of a bank''s day: its collections with collected_on = the day and its deposits whose entry''s accounting_date = the day (bank_ref, kind, amount).';


--
-- Name: calls_begin(text, bigint[], text[], text[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]) RETURNS TABLE(ord bigint, outcome text, same_request boolean)
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]) IS 'Starts mutating calls of one method (one per array position): takes each call''s idempotency lock (user, method, key) until the end of the transaction and returns, for calls that already have a stored outcome, their position (ord, from 1), the outcome and whether the stored request is the same (false: the key was used with other params).';


--
-- Name: calls_finish(text, bigint[], text[], text[], text[], bigint[], jsonb[], text[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO treasury.idempotency_outcomes (user_id, method, key, request_hash, outcome)
    SELECT call.user_id, p_method, call.key, sha256(convert_to(call.request, 'UTF8')), call.outcome
    FROM unnest(p_user_ids, p_keys, p_requests, p_outcomes) AS call(user_id, key, request, outcome);
    INSERT INTO treasury.audit_log (user_id, action, details, client_certificate)
    SELECT audit.user_id, p_method, audit.details, audit.certificate
    FROM unnest(p_audit_user_ids, p_audit_details, p_audit_certificates) AS audit(user_id, details, certificate);
END
$$;


ALTER FUNCTION treasury.calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]) IS 'Finishes mutating calls of one method: stores each call''s outcome for replay (same array positions as calls_begin) and one audit row per call that changed something (the audit arrays: the calls whose outcome is a result, with the subject of the TLS client certificate each came over, NULL without one).';


--
-- Name: capital_plans_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.capital_plans_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.capital_plans_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION capital_plans_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.capital_plans_guard() IS 'Trigger function: before a plan is stored, locks its allocation, then the project; fills fiscal_year; no plan of a closed year (year_closed); the allocation is INVESTMENT, of that year, to the investor and unused (capital_plan_allocation); the plans of all years stay within total_investment (plans_exceed_total_investment); forces created_at.';


--
-- Name: carry_overs_book(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.carry_overs_book() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    UPDATE treasury.allocations SET carried_over = carried_over + NEW.amount WHERE id = NEW.allocation_id;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.carry_overs_book() OWNER TO treasury_owner;

--
-- Name: FUNCTION carry_overs_book(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.carry_overs_book() IS 'Trigger function: after a carry-over is marked, adds it to its allocation''s carried_over (which carry_over_exceeds_available keeps within the unspent part).';


--
-- Name: carry_overs_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.carry_overs_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_year int;
BEGIN
    SELECT a.fiscal_year INTO v_year FROM treasury.allocations a
    WHERE a.id = CASE WHEN TG_OP = 'INSERT' THEN NEW.allocation_id ELSE OLD.allocation_id END;
    IF v_year IS NOT NULL AND treasury.year_closed(v_year) THEN
        PERFORM treasury.raise_rule('year_closed',
            format('fiscal year %s is closed: its carry-overs are final', v_year), 'carry_overs',
            jsonb_build_object('fiscal_year', v_year));
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM treasury.raise_rule('carry_over_append_only',
            format('carry-over %s cannot be changed or deleted: mark another one', OLD.id), 'carry_overs');
    END IF;
    NEW.created_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.carry_overs_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION carry_overs_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.carry_overs_guard() IS 'Trigger function on carry_overs: nothing is marked, changed or deleted in a closed year (year_closed); otherwise only inserts (carry_over_append_only); forces created_at.';


--
-- Name: code_valid(text, text, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM treasury.classification_codes c
        WHERE c.kind = p_kind AND c.code = p_code
          AND c.valid_from <= p_on AND (c.valid_to IS NULL OR p_on <= c.valid_to));
END
$$;


ALTER FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) OWNER TO treasury_owner;

--
-- Name: FUNCTION code_valid(p_kind text, p_code text, p_on date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) IS 'True when classification code (kind, code) exists and is valid on the given date (valid_from <= date <= valid_to).';


--
-- Name: collection_content(text, text, text, text, text, text, text, text, text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT concat_ws(E'\n', 'COLLECTION', p_collected_on, coalesce(p_payer_tax_id, ''), p_payer_name, coalesce(p_revenue_id, ''),
                     p_chapter, p_economic_code, p_area_code, p_treasury_code, p_amount)
$$;


ALTER FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) OWNER TO treasury_owner;

--
-- Name: FUNCTION collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) IS 'Canonical content of a collection request (collected_on YYYY-MM-DD, payer tax id or empty, payer name, revenue id or empty, chapter, economic code, area, treasury, amount as plain decimal digits), joined by newlines after the word COLLECTION. bank_transactions.request_hash = sha256(convert_to(content, ''UTF8'')): every path that records a collection must compute it so (parse_collections writes this expression out in its query), so a replay through either path returns the first result.';


--
-- Name: collection_results(treasury.collection_batch_item[], integer[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]) RETURNS jsonb
    LANGUAGE plpgsql
    SET enable_nestloop TO 'off'
    AS $$
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT * FROM unnest(p_items)
        ), recorded AS MATERIALIZED (
            SELECT DISTINCT r.ord FROM unnest(p_recorded) AS r(ord)
        ), own_answers AS MATERIALIZED (
            -- Every item answers for itself except a later occurrence of an accepted bank key.
            SELECT i.ord, CASE
                WHEN i.answer IS NOT NULL THEN i.answer
                WHEN r.ord IS NOT NULL THEN i.new_result
                WHEN raced.kind IS NULL THEN NULL
                WHEN raced.kind = 'COLLECTION' AND raced.request_hash = i.request_hash THEN raced.result
                ELSE treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                         format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
                END AS answer
            FROM items i
            LEFT JOIN recorded r ON r.ord = i.ord
            LEFT JOIN LATERAL (SELECT b.kind, b.request_hash, b.result FROM treasury.bank_transactions b
                               WHERE i.answer IS NULL AND r.ord IS NULL AND b.bank_code = i.bank_code AND b.bank_ref = i.bank_ref
                               OFFSET 0) raced ON true
            WHERE i.answer IS NOT NULL OR i.first_ord = i.ord
        )
        SELECT jsonb_agg(coalesce(own.answer, first.answer) ORDER BY i.ord)
        FROM items i
        LEFT JOIN own_answers own ON own.ord = i.ord
        LEFT JOIN own_answers first ON first.ord = i.first_ord
    );
END
$$;


ALTER FUNCTION treasury.collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]) IS 'Step 5 of record_collections: the answers in input order: a refusal or replay as validated; a recorded item its new_result; a first occurrence that lost its key to a concurrent transaction a replay or DUPLICATE_BANK_REF after looking it up again; a later occurrence of the same content the answer of its first.';


--
-- Name: collection_shares_after_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collection_shares_after_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT n.collection_id INTO v_id
    FROM (SELECT DISTINCT r.collection_id FROM new_rows r) n
    LEFT JOIN LATERAL (SELECT c.created_txid FROM treasury.collections c WHERE c.id = n.collection_id OFFSET 0) c ON true
    WHERE c.created_txid IS DISTINCT FROM pg_current_xact_id()
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('collection_closed_for_shares',
            format('collection %s was recorded by an earlier transaction: its shares are final', v_id), 'collection_shares');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.collection_shares_after_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION collection_shares_after_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collection_shares_after_insert() IS 'Statement trigger function: shares are only added by the transaction that recorded the collection (collection_closed_for_shares).';


--
-- Name: collection_shares_verify(bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collection_shares_verify(p_id bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_amount   bigint;
    v_rule     bigint;
    v_sum      numeric;
    v_levels   text[];
    v_amounts  bigint[];
    v_rlevels  text[];
    v_bp       bigint[];
    v_ranks    int[];
BEGIN
    SELECT c.amount, c.sharing_rule_id INTO v_amount, v_rule FROM treasury.collections c WHERE c.id = p_id;
    SELECT coalesce(sum(s.amount), 0), array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank)
    INTO v_sum, v_levels, v_amounts
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = p_id;
    IF v_sum <> v_amount THEN
        PERFORM treasury.raise_rule('collection_shares_sum',
            format('collection %s: shares sum to %s, not the collected amount %s (checked at commit)', p_id, v_sum, v_amount),
            'collection_shares');
    END IF;
    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.basis_points::bigint ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_rlevels, v_bp, v_ranks
    FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.rule_id = v_rule;
    IF v_rlevels IS NULL OR v_levels IS DISTINCT FROM v_rlevels
       OR v_amounts IS DISTINCT FROM treasury.split_amount(v_amount, v_bp, v_ranks) THEN
        PERFORM treasury.raise_rule('collection_shares_split',
            format('collection %s: shares %s of %s are not the split %s of rule %s (levels %s, basis points %s): floor(amount * bp / 10000), remainder to the most basis points, ties to the higher level',
                   p_id, v_amounts, v_levels, CASE WHEN v_rlevels IS NULL THEN NULL ELSE treasury.split_amount(v_amount, v_bp, v_ranks) END,
                   v_rule, v_rlevels, v_bp),
            'collection_shares');
    END IF;
END
$$;


ALTER FUNCTION treasury.collection_shares_verify(p_id bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION collection_shares_verify(p_id bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collection_shares_verify(p_id bigint) IS 'Checks one collection: its shares sum to the amount (collection_shares_sum) and are exactly split_amount(amount, the rule''s basis points, ranks) over every level of the rule (collection_shares_split); raises 23514 naming the rule, else returns.';


--
-- Name: collections_arm_shares_check(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collections_arm_shares_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) AND NOT treasury.deferred_check_armed('collection_shares_sum') THEN
        PERFORM treasury.arm_deferred_check('collection_shares_sum');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.collections_arm_shares_check() OWNER TO treasury_owner;

--
-- Name: FUNCTION collections_arm_shares_check(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collections_arm_shares_check() IS 'Statement trigger function on collections and collection_shares: arms the deferred collection_shares_sum check of the transaction when the statement inserted rows.';


--
-- Name: collections_shares_check(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.collections_shares_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
    v_id bigint;
BEGIN
    WITH c AS MATERIALIZED (
        SELECT c.id, c.amount, c.sharing_rule_id FROM treasury.collections c WHERE c.created_txid = pg_current_xact_id()
    ), r AS MATERIALIZED (
        -- Each rule's levels: basis points, their total, and the one level that takes the remainder.
        SELECT s.rule_id, s.budget_level, s.basis_points::numeric AS bp,
               sum(s.basis_points::numeric) OVER (PARTITION BY s.rule_id) AS total,
               row_number() OVER (PARTITION BY s.rule_id ORDER BY s.basis_points DESC, l.rank) = 1 AS takes_remainder
        FROM (SELECT DISTINCT c.sharing_rule_id FROM c) k
        JOIN LATERAL (SELECT * FROM treasury.sharing_rule_shares s WHERE s.rule_id = k.sharing_rule_id OFFSET 0) s ON true
        JOIN treasury.budget_levels l ON l.code = s.budget_level
    ), e AS (
        SELECT c.id, r.budget_level, c.amount, r.takes_remainder,
               CASE WHEN r.total > 0 THEN div(c.amount::numeric * r.bp, r.total) END AS base
        FROM c JOIN r ON r.rule_id = c.sharing_rule_id
    ), expected AS (
        SELECT e.id, e.budget_level,
               e.base + CASE WHEN e.takes_remainder THEN e.amount - sum(e.base) OVER (PARTITION BY e.id) ELSE 0 END AS amount
        FROM e
    ), stored AS (
        SELECT s.collection_id AS id, s.budget_level, s.amount::numeric AS amount
        FROM c JOIN LATERAL (SELECT * FROM treasury.collection_shares s WHERE s.collection_id = c.id OFFSET 0) s ON true
    )
    SELECT min(x.id) INTO v_id FROM (
        SELECT coalesce(x.id, y.id) AS id
        FROM expected x FULL JOIN stored y ON y.id = x.id AND y.budget_level = x.budget_level
        WHERE x.amount IS NULL OR y.amount IS NULL OR x.amount <> y.amount
        UNION ALL
        SELECT c.id FROM c WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.rule_id = c.sharing_rule_id)
    ) x;
    IF v_id IS NOT NULL THEN
        PERFORM treasury.collection_shares_verify(v_id);
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'collection_shares_sum';
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.collections_shares_check() OWNER TO treasury_owner;

--
-- Name: FUNCTION collections_shares_check(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.collections_shares_check() IS 'Deferred constraint trigger function (collection_shares_sum on deferred_checks): at COMMIT every collection recorded by the transaction has exactly its rule''s split as shares (floor(amount * bp / total), remainder to the most basis points, ties to the smaller rank), computed for all of them in one set-based query and compared with the stored shares; the first collection that differs goes to collection_shares_verify, which raises collection_shares_sum or collection_shares_split. Then the deferred_checks row is removed so a later statement re-arms it.';


--
-- Name: commitments_book(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.commitments_book() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.commitments_book() OWNER TO treasury_owner;

--
-- Name: FUNCTION commitments_book(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.commitments_book() IS 'Trigger function: after a commitment is registered, its remaining changes or it leaves OPEN, moves the difference into allocation.committed (rule 4 refuses a commitment beyond available).';


--
-- Name: commitments_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.commitments_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.commitments_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION commitments_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.commitments_guard() IS 'Trigger function on commitments: starts OPEN with remaining = amount, locks the allocation; immutable fields; remaining only from the order triggers; OPEN -> CLOSED | CANCELLED only and not with orders in flight; no delete; sets created_at/closed_at.';


--
-- Name: commitments_not_on_plan(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.commitments_not_on_plan() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM treasury.capital_plans p WHERE p.allocation_id = NEW.allocation_id) THEN
        PERFORM treasury.raise_rule('capital_plan_contract_only',
            format('allocation %s is a capital plan: it is spent only by orders under the project''s contracts, not by commitments', NEW.allocation_id),
            'commitments');
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.commitments_not_on_plan() OWNER TO treasury_owner;

--
-- Name: FUNCTION commitments_not_on_plan(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.commitments_not_on_plan() IS 'Trigger function: refuses a commitment on a capital plan''s allocation (capital_plan_contract_only): a plan is spent only by contract orders.';


--
-- Name: contracts; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.contracts (
    id bigint NOT NULL,
    project_code text NOT NULL,
    contract_no text NOT NULL,
    contractor_name text NOT NULL,
    contractor_tax_id text NOT NULL,
    contractor_bank_code text NOT NULL,
    contractor_account_no text NOT NULL,
    value bigint NOT NULL,
    advance_rate_bp integer NOT NULL,
    signed_on date NOT NULL,
    effective_on date NOT NULL,
    ends_on date NOT NULL,
    guarantee_amount bigint,
    guarantee_bank_code text,
    guarantee_expires_on date,
    retention_bp integer DEFAULT 0 NOT NULL,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT contract_advance_rate_range CHECK (((advance_rate_bp >= 0) AND (advance_rate_bp <= 3000))),
    CONSTRAINT contract_dates_in_order CHECK (((signed_on <= effective_on) AND (effective_on <= ends_on))),
    CONSTRAINT contract_guarantee_shape CHECK ((((guarantee_amount IS NULL) = (guarantee_bank_code IS NULL)) AND ((guarantee_amount IS NULL) = (guarantee_expires_on IS NULL)) AND ((guarantee_amount IS NULL) OR ((guarantee_amount > 0) AND (guarantee_amount <= '1000000000000000000'::bigint))))),
    CONSTRAINT contract_no_present CHECK (((length(btrim(contract_no)) >= 1) AND (length(btrim(contract_no)) <= 64))),
    CONSTRAINT contract_retention_range CHECK (((retention_bp >= 0) AND (retention_bp <= 10000))),
    CONSTRAINT contract_value_range CHECK (((value > 0) AND (value <= '1000000000000000000'::bigint))),
    CONSTRAINT contractor_account_no_format CHECK ((contractor_account_no ~ '^[0-9A-Za-z]{1,34}$'::text)),
    CONSTRAINT contractor_name_present CHECK (((length(btrim(contractor_name)) >= 1) AND (length(btrim(contractor_name)) <= 500))),
    CONSTRAINT contractor_tax_id_format CHECK ((contractor_tax_id ~ '^[0-9A-Z-]{1,20}$'::text))
);


ALTER TABLE treasury.contracts OWNER TO treasury_owner;

--
-- Name: TABLE contracts; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.contracts IS 'Contracts of a project: the investment form of a commitment. Its advances and payments are payment orders with contract_id, charged to the project''s capital plans. Rule 8 per contract: accepted <= value (contract_value_exceeded), outstanding advance <= advance_rate_bp x value (contract_advance_limit_exceeded), recovery <= advances paid (recovery_exceeds_advance). Immutable but dossier_id (set once); never deleted (contract_no_delete).';


--
-- Name: COLUMN contracts.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.id IS 'Contract id (contract_id in the API).';


--
-- Name: COLUMN contracts.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.project_code IS 'The project.';


--
-- Name: COLUMN contracts.contract_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.contract_no IS 'Contract number, unique per project (contracts_contract_no_unique).';


--
-- Name: COLUMN contracts.contractor_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.contractor_name IS 'Contractor name.';


--
-- Name: COLUMN contracts.contractor_tax_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.contractor_tax_id IS 'Contractor tax id.';


--
-- Name: COLUMN contracts.contractor_bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.contractor_bank_code IS 'Contractor''s bank; advances and payments go there.';


--
-- Name: COLUMN contracts.contractor_account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.contractor_account_no IS 'Contractor''s account number at that bank.';


--
-- Name: COLUMN contracts.value; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.value IS 'Contract value, dong, 1..10^18: the cumulative accepted value never passes it (contract_value_exceeded).';


--
-- Name: COLUMN contracts.advance_rate_bp; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.advance_rate_bp IS 'Advance rate in basis points, 0..3000 (contract_advance_rate_range: the legal 30% cap, for every writer; the service answers ADVANCE_RATE_TOO_HIGH first). Outstanding advance <= floor(value x advance_rate_bp / 10000).';


--
-- Name: COLUMN contracts.signed_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.signed_on IS 'Date signed.';


--
-- Name: COLUMN contracts.effective_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.effective_on IS 'Date the contract takes effect (>= signed_on); no advance before it (checked by the service: CONTRACT_NOT_EFFECTIVE).';


--
-- Name: COLUMN contracts.ends_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.ends_on IS 'End date (>= effective_on); an advance still outstanding 3 months after it is overdue.';


--
-- Name: COLUMN contracts.guarantee_amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.guarantee_amount IS 'Advance guarantee (bank guarantee) amount, or NULL without one; set with guarantee_bank_code and guarantee_expires_on (contract_guarantee_shape). The service requires it over 1,000,000,000 dong outstanding (GUARANTEE_REQUIRED).';


--
-- Name: COLUMN contracts.guarantee_bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.guarantee_bank_code IS 'Bank that issued the guarantee.';


--
-- Name: COLUMN contracts.guarantee_expires_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.guarantee_expires_on IS 'Last day the guarantee is valid.';


--
-- Name: COLUMN contracts.retention_bp; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.retention_bp IS 'Retention (warranty money kept back from each payment''s net) in basis points, 0..10000; default 0.';


--
-- Name: COLUMN contracts.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.dossier_id IS 'Dossier of the registration; may be set once from NULL.';


--
-- Name: COLUMN contracts.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.created_at IS 'When it was registered (forced to now()).';


--
-- Name: COLUMN contracts.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contracts.created_by IS 'User (the investor''s accountant) who registered it.';


--
-- Name: contract_check_advance(treasury.contracts, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.contract_check_advance(p_contract treasury.contracts, p_amount bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.contract_check_advance(p_contract treasury.contracts, p_amount bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION contract_check_advance(p_contract treasury.contracts, p_amount bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.contract_check_advance(p_contract treasury.contracts, p_amount bigint) IS 'Step of payment_orders_investment_guard for a new ADVANCE: refuses when the contract''s advances SUBMITTED, APPROVED and PAID, less what was recovered (settled), plus p_amount pass floor(value x advance_rate_bp / 10000) (contract_advance_limit_exceeded).';


--
-- Name: contract_check_payment(treasury.contracts, bigint, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.contract_check_payment(p_contract treasury.contracts, p_acceptance_id bigint, p_amount bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.contract_check_payment(p_contract treasury.contracts, p_acceptance_id bigint, p_amount bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION contract_check_payment(p_contract treasury.contracts, p_acceptance_id bigint, p_amount bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.contract_check_payment(p_contract treasury.contracts, p_acceptance_id bigint, p_amount bigint) IS 'Step of payment_orders_investment_guard for a new PAYMENT: the acceptance is of the contract and amount = accepted_value - recovery (contract_payment_matches_acceptance); accepted values of the contract''s payments SUBMITTED, APPROVED and PAID stay within its value (contract_value_exceeded); their recoveries within its PAID advances (recovery_exceeds_advance).';


--
-- Name: contracts_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.contracts_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.contracts_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION contracts_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.contracts_guard() IS 'Trigger function on contracts: forces created_at; nothing changes but dossier_id, once (contract_immutable_fields); no delete (contract_no_delete).';


--
-- Name: deferred_check_armed(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.deferred_check_armed(p_rule text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.deferred_checks d WHERE d.txid = pg_current_xact_id() AND d.rule = p_rule);
END
$$;


ALTER FUNCTION treasury.deferred_check_armed(p_rule text) OWNER TO treasury_owner;

--
-- Name: FUNCTION deferred_check_armed(p_rule text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.deferred_check_armed(p_rule text) IS 'True when the deferred check p_rule is queued for the current transaction and has not run yet (its deferred_checks row exists); the statement triggers call arm_deferred_check only otherwise.';


--
-- Name: deferred_checks_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.deferred_checks_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on treasury.deferred_checks refused: its rows are written and removed only by the ledger triggers', TG_OP
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_append_only', SCHEMA = 'treasury', TABLE = 'deferred_checks';
END
$$;


ALTER FUNCTION treasury.deferred_checks_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION deferred_checks_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.deferred_checks_guard() IS 'Trigger function on deferred_checks: refuses UPDATE, TRUNCATE and any DELETE not made by the deferred check itself.';


--
-- Name: deposit(text, bigint, text, text, text, bigint, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_content text := concat_ws(E'\n', 'DEPOSIT', p_account_no, p_amount::text, coalesce(p_memo, ''));
    v_key     jsonb := jsonb_build_object('bank_code', p_bank_code, 'bank_ref', p_bank_ref);
    v_seen    treasury.bank_transactions%ROWTYPE;
    v_account treasury.accounts%ROWTYPE;
    v_posted  jsonb;
    v_result  jsonb;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(concat_ws(E'\n', 'bank_transaction', p_bank_code, p_bank_ref), 1));

    -- A reference already recorded: the same deposit again replays its result.
    SELECT * INTO v_seen FROM treasury.bank_transactions b WHERE b.bank_code = p_bank_code AND b.bank_ref = p_bank_ref;
    IF FOUND THEN
        IF v_seen.request_hash = sha256(convert_to(v_content, 'UTF8')) THEN
            RETURN v_seen.result;
        END IF;
        PERFORM treasury.raise_rule('duplicate_bank_ref',
            format('bank reference %s/%s was recorded with other content', p_bank_code, p_bank_ref), 'bank_transactions', v_key);
    END IF;

    SELECT * INTO v_account FROM treasury.accounts a WHERE a.account_no = p_account_no;
    IF NOT FOUND THEN
        PERFORM treasury.raise_rule('account_not_found', format('account %s does not exist', p_account_no), 'accounts',
                                    jsonb_build_object('account', p_account_no));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM treasury.banks b WHERE b.code = p_bank_code) THEN
        PERFORM treasury.raise_rule('bank_not_found', format('bank %s does not exist', p_bank_code), 'banks',
                                    jsonb_build_object('bank_code', p_bank_code));
    END IF;

    -- Cash in transit at the bank (1130) against the unit's deposit (3711); the ledger's rules
    -- refuse an account that is not ACTIVE and a closed month.
    v_posted := treasury.post_entry(p_accounting_date, 'DEPOSIT', p_bank_code || '/' || p_bank_ref, v_account.treasury_code,
        p_memo, p_created_by, jsonb_build_array(
        jsonb_build_object('gl_account', '1130', 'currency', v_account.currency, 'debit', p_amount,
                           'bank_code', p_bank_code, 'treasury_code', v_account.treasury_code),
        jsonb_build_object('gl_account', '3711', 'account_no', p_account_no, 'currency', v_account.currency, 'credit', p_amount,
                           'unit_code', v_account.unit_code, 'treasury_code', v_account.treasury_code)));
    v_result := jsonb_build_object('entry_id', v_posted->'entry_id', 'balance', v_posted->'balances'->p_account_no);

    -- A collection may take the same reference meanwhile (collections do not take the lock
    -- above): then the reference is another's, and the posting is undone with the refusal.
    INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
    VALUES (p_bank_code, p_bank_ref, 'DEPOSIT', p_account_no, p_amount, sha256(convert_to(v_content, 'UTF8')), v_result,
            (v_posted->>'entry_id')::bigint)
    ON CONFLICT (bank_code, bank_ref) DO NOTHING;
    IF NOT FOUND THEN
        PERFORM treasury.raise_rule('duplicate_bank_ref',
            format('bank reference %s/%s was recorded with other content', p_bank_code, p_bank_ref), 'bank_transactions', v_key);
    END IF;
    RETURN v_result;
END
$$;


ALTER FUNCTION treasury.deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date) OWNER TO treasury_owner;

--
-- Name: FUNCTION deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date) IS 'Accounts/Deposit''s effects: credits the account with p_amount received through the bank (1130 debit, 3711 credit) and records (bank_code, bank_ref) in bank_transactions with the result. The same reference with the same content (account, amount, memo) returns the first result; other content is duplicate_bank_ref. Refuses account_not_found and bank_not_found itself; the ledger''s rules refuse the rest (account_not_active, period_closed). Returns {"entry_id", "balance"} (decimal strings).';


--
-- Name: dossiers_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.dossiers_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.dossiers_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION dossiers_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.dossiers_guard() IS 'Trigger function on dossiers: dossiers_guard_insert for a new one; for an update dossiers_guard_fields, then the status state machine (dossier_status_transition: RECEIVED -> PROCESSING | SUPPLEMENT_REQUESTED | COMPLETED | REJECTED | CANCELLED, PROCESSING -> SUPPLEMENT_REQUESTED | COMPLETED | REJECTED | CANCELLED, SUPPLEMENT_REQUESTED -> PROCESSING | REJECTED | CANCELLED), completed_at on reaching a terminal status.';


--
-- Name: dossiers; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.dossiers (
    id bigint NOT NULL,
    procedure text NOT NULL,
    unit_code text,
    treasury_code text,
    channel text DEFAULT 'ONLINE'::text NOT NULL,
    received_at timestamp with time zone NOT NULL,
    due_at timestamp with time zone NOT NULL,
    status text DEFAULT 'RECEIVED'::text NOT NULL,
    completed_at timestamp with time zone,
    subject_kind text,
    subject_id text,
    created_by bigint,
    supplement_requested_at timestamp with time zone,
    supplement_requested_by bigint,
    supplement_items text[],
    supplemented_at timestamp with time zone,
    supplemented_by bigint,
    supplement_note text,
    CONSTRAINT dossier_supplement_shape CHECK ((((supplement_requested_at IS NULL) = (supplement_items IS NULL)) AND ((supplement_requested_at IS NOT NULL) OR ((supplement_requested_by IS NULL) AND (supplemented_at IS NULL))) AND ((supplemented_at IS NOT NULL) OR ((supplemented_by IS NULL) AND (supplement_note IS NULL))) AND ((supplement_items IS NULL) OR (((cardinality(supplement_items) >= 1) AND (cardinality(supplement_items) <= 20)) AND (array_ndims(supplement_items) = 1) AND (array_position(supplement_items, NULL::text) IS NULL))) AND ((supplement_requested_at IS NULL) OR (supplement_requested_at >= received_at)) AND ((supplemented_at IS NULL) OR ((supplemented_at >= supplement_requested_at) AND (due_at > supplemented_at))) AND ((status <> 'SUPPLEMENT_REQUESTED'::text) OR ((supplement_requested_at IS NOT NULL) AND (supplemented_at IS NULL))) AND ((supplement_requested_at IS NULL) OR (supplemented_at IS NOT NULL) OR (status = ANY (ARRAY['SUPPLEMENT_REQUESTED'::text, 'REJECTED'::text, 'CANCELLED'::text]))))),
    CONSTRAINT dossiers_channel_check CHECK ((channel = ANY (ARRAY['ONLINE'::text, 'COUNTER'::text]))),
    CONSTRAINT dossiers_due_after_received CHECK ((due_at > received_at)),
    CONSTRAINT dossiers_status_check CHECK ((status = ANY (ARRAY['RECEIVED'::text, 'PROCESSING'::text, 'SUPPLEMENT_REQUESTED'::text, 'COMPLETED'::text, 'REJECTED'::text, 'CANCELLED'::text]))),
    CONSTRAINT dossiers_supplement_note_check CHECK ((length(supplement_note) <= 2000))
);


ALTER TABLE treasury.dossiers OWNER TO treasury_owner;

--
-- Name: TABLE dossiers; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.dossiers IS 'One dossier per call of an administrative procedure (online public services); status follows dossier_status_transition; due_at is computed by the service from the procedure''s limit and the working-day calendar, and changes only when a requested supplement arrives. The treasury asks for a supplement at most once (dossier_supplement_once).';


--
-- Name: COLUMN dossiers.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.id IS 'Dossier id (dossier_id in the API).';


--
-- Name: COLUMN dossiers.procedure; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.procedure IS 'The procedure (procedures), one in force when filed (dossier_procedure_in_force); dossiers filed before Decree 347/2025 keep their Decree 11/2020 code. Immutable.';


--
-- Name: COLUMN dossiers.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.unit_code IS 'Budget unit concerned, when there is one.';


--
-- Name: COLUMN dossiers.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.treasury_code IS 'Treasury handling the dossier.';


--
-- Name: COLUMN dossiers.channel; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.channel IS 'ONLINE (default) or COUNTER (paper submission registered by an officer); for a limit in minutes it picks the electronic or the counter limit.';


--
-- Name: COLUMN dossiers.received_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.received_at IS 'When it was received. Immutable.';


--
-- Name: COLUMN dossiers.due_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.due_at IS 'Service-level deadline under the procedure''s legal limit, counted from received_at, or from supplemented_at once a requested supplement arrived (the only change allowed: dossier_immutable_fields); after both.';


--
-- Name: COLUMN dossiers.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.status IS 'RECEIVED, PROCESSING, SUPPLEMENT_REQUESTED (the clock stops until the unit supplements), COMPLETED, REJECTED or CANCELLED; the last three are terminal.';


--
-- Name: COLUMN dossiers.completed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.completed_at IS 'When it reached a terminal status (set by trigger unless given).';


--
-- Name: COLUMN dossiers.subject_kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.subject_kind IS 'Kind of object the dossier is about (ACCOUNT, COMMITMENT, CONTRACT, PAYMENT_ORDER, ADVANCE_SETTLEMENT, COLLECTION, REFUND...): within PAYMENT_RECURRENT and PAYMENT_INVESTMENT it tells commitments, orders and settlements apart.';


--
-- Name: COLUMN dossiers.subject_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.subject_id IS 'Id of that object.';


--
-- Name: COLUMN dossiers.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.created_by IS 'User who submitted or registered it.';


--
-- Name: COLUMN dossiers.supplement_requested_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplement_requested_at IS 'When an officer asked for a supplement (Dossiers/RequestSupplement): set once, with the move to SUPPLEMENT_REQUESTED (dossier_supplement_once).';


--
-- Name: COLUMN dossiers.supplement_requested_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplement_requested_by IS 'Officer who asked for the supplement; set with supplement_requested_at.';


--
-- Name: COLUMN dossiers.supplement_items; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplement_items IS 'What the officer asked for: 1 to 20 non-blank texts of at most 1000 characters, every item at once; set with supplement_requested_at.';


--
-- Name: COLUMN dossiers.supplemented_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplemented_at IS 'When the unit supplied the supplement (Dossiers/Supplement): set once, with the move from SUPPLEMENT_REQUESTED back to PROCESSING; due_at is counted again from it.';


--
-- Name: COLUMN dossiers.supplemented_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplemented_by IS 'Unit accountant who supplied it; set with supplemented_at.';


--
-- Name: COLUMN dossiers.supplement_note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossiers.supplement_note IS 'The unit''s note with the supplement (at most 2000 characters); set with supplemented_at.';


--
-- Name: dossiers_guard_fields(treasury.dossiers, treasury.dossiers); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.dossiers_guard_fields(p_old treasury.dossiers, p_new treasury.dossiers) RETURNS treasury.dossiers
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.dossiers_guard_fields(p_old treasury.dossiers, p_new treasury.dossiers) OWNER TO treasury_owner;

--
-- Name: FUNCTION dossiers_guard_fields(p_old treasury.dossiers, p_new treasury.dossiers); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.dossiers_guard_fields(p_old treasury.dossiers, p_new treasury.dossiers) IS 'Step of dossiers_guard for an UPDATE, before the status change (returns p_new unchanged): id, procedure and received_at never change; the supplement request (supplement_requested_at, _by, supplement_items) is written only with a move to SUPPLEMENT_REQUESTED, and only once (dossier_supplement_once); the supplement (supplemented_at, _by, supplement_note) and a new due_at only with the move from SUPPLEMENT_REQUESTED back to PROCESSING (dossier_immutable_fields); items are non-blank and at most 1000 characters (dossier_supplement_shape, which the table''s CHECK completes).';


--
-- Name: dossiers_guard_insert(treasury.dossiers); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.dossiers_guard_insert(p_new treasury.dossiers) RETURNS treasury.dossiers
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.dossiers_guard_insert(p_new treasury.dossiers) OWNER TO treasury_owner;

--
-- Name: FUNCTION dossiers_guard_insert(p_new treasury.dossiers); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.dossiers_guard_insert(p_new treasury.dossiers) IS 'Step of dossiers_guard for an INSERT; returns the row to insert: only under a procedure in force (dossier_procedure_in_force; an unknown code is left to the foreign key), never already awaiting or holding a supplement (dossier_supplement_by_request); completed_at set for a terminal status, else NULL.';


--
-- Name: entries_balanced_check(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.entries_balanced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
    v_id bigint;
BEGIN
    -- Every entry of this transaction: >= 2 lines, and per currency debits = credits.
    WITH e AS MATERIALIZED (
        SELECT e.id FROM treasury.journal_entries e WHERE e.created_txid = pg_current_xact_id()
    )
    SELECT e.id INTO v_id
    FROM e
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(x.k), 0) AS n, coalesce(bool_or(x.d <> x.c), false) AS unbalanced
        FROM (SELECT count(*) AS k, sum(l.debit) AS d, sum(l.credit) AS c
              FROM treasury.journal_lines l WHERE l.entry_id = e.id GROUP BY l.currency) x
    ) t
    WHERE t.n < 2 OR t.unbalanced
    ORDER BY e.id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('entry_balanced', treasury.entry_problem(v_id) || ' (checked at commit)', 'journal_entries');
    END IF;
    DELETE FROM treasury.deferred_checks WHERE txid = pg_current_xact_id() AND rule = 'entry_balanced';
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.entries_balanced_check() OWNER TO treasury_owner;

--
-- Name: FUNCTION entries_balanced_check(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.entries_balanced_check() IS 'Deferred constraint trigger function (entry_balanced on deferred_checks): at COMMIT every journal entry created by the transaction has >= 2 lines and balances per currency, its lines read by index; then the transaction''s deferred_checks row is removed so a later statement re-arms it.';


--
-- Name: entry_problem(bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.entry_problem(p_entry_id bigint) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE
        WHEN (SELECT count(*) FROM treasury.journal_lines l WHERE l.entry_id = p_entry_id) < 2
            THEN format('journal entry %s has %s line(s): an entry needs at least 2', p_entry_id,
                        (SELECT count(*) FROM treasury.journal_lines l WHERE l.entry_id = p_entry_id))
        ELSE (SELECT format('journal entry %s is unbalanced in %s: debits %s, credits %s', p_entry_id, l.currency, sum(l.debit), sum(l.credit))
              FROM treasury.journal_lines l WHERE l.entry_id = p_entry_id
              GROUP BY l.currency HAVING sum(l.debit) <> sum(l.credit)
              ORDER BY l.currency LIMIT 1)
    END
$$;


ALTER FUNCTION treasury.entry_problem(p_entry_id bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION entry_problem(p_entry_id bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.entry_problem(p_entry_id bigint) IS 'NULL when the entry has at least 2 lines and balances per currency; otherwise a sentence saying what is wrong.';


--
-- Name: import_bank_statement(text, date, jsonb, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' THEN
        RAISE EXCEPTION 'p_lines must be a JSON array of {bank_ref, amount}' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO treasury.bank_statements (bank_code, statement_date, imported_by)
    VALUES (p_bank_code, p_statement_date, p_imported_by) RETURNING id INTO v_id;
    INSERT INTO treasury.bank_statement_lines (statement_id, line_no, bank_ref, amount)
    SELECT v_id, e.n, e.obj->>'bank_ref', treasury.json_amount(e.obj->'amount', format('line %s amount', e.n))
    FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e(obj, n);
    RETURN treasury.reconcile_statement(v_id);
END
$$;


ALTER FUNCTION treasury.import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint) IS 'Stores a bank statement (p_lines: [{bank_ref, amount}]) and returns reconcile_statement of it. A reference twice in one statement is 23505 (bank_statement_lines_ref_key), a bad amount 22023, an unknown bank 23503.';


--
-- Name: journal_entries_after_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.journal_entries_after_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_month record;
    v_entry record;
BEGIN
    -- Fresh snapshots, taken after the insert holds ROW EXCLUSIVE on journal_entries:
    -- a month or year close (SHARE ROW EXCLUSIVE) committed before is seen here, one
    -- closing later waits for this transaction.
    FOR v_month IN
        SELECT n.y, n.m, n.day,
               EXISTS (SELECT 1 FROM treasury.fiscal_year_closings c WHERE c.fiscal_year = n.y) AS year_closed,
               EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = n.y AND p.month = 12 AND p.status = 'CLOSED') AS adjusting,
               EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = n.y AND p.month = n.m AND p.status = 'CLOSED') AS month_closed
        FROM (SELECT extract(year FROM x.accounting_date)::int AS y, extract(month FROM x.accounting_date)::int AS m, min(x.accounting_date) AS day
              FROM new_entries x GROUP BY 1, 2) n
    LOOP
        IF v_month.year_closed THEN
            PERFORM treasury.raise_rule('year_closed',
                format('accounting date %s falls in fiscal year %s, which is closed: nothing posts into a closed year', v_month.day, v_month.y),
                'journal_entries', jsonb_build_object('fiscal_year', v_month.y));
        END IF;
        -- adjusting = year_adjusting(y): December closed, the year not.
        IF v_month.adjusting THEN
            SELECT * INTO v_entry FROM treasury.adjustment_restricted_entry(v_month.y, ARRAY(
                SELECT x.id FROM new_entries x WHERE extract(year FROM x.accounting_date) = v_month.y));
            IF FOUND THEN
                PERFORM treasury.raise_rule('adjustment_period_restricted',
                    format('entry %s (%s %s) is dated %s, into fiscal year %s in its adjustment period: only collections, payments for work accepted by 31 December, advance settlements and reversals are', v_entry.id,
                           v_entry.source_kind, coalesce(v_entry.source_id, ''), v_entry.accounting_date, v_month.y),
                    'journal_entries', jsonb_build_object('fiscal_year', v_month.y, 'source_kind', v_entry.source_kind));
            END IF;
        END IF;
        -- A closed December is period 13, open in the adjustment period for the kinds above.
        IF v_month.month_closed AND NOT (v_month.m = 12 AND v_month.adjusting) THEN
            PERFORM treasury.raise_rule('period_closed',
                format('accounting date %s falls in closed period %s: nothing posts into a closed month', v_month.day,
                       to_char(v_month.day, 'YYYY-MM')), 'journal_entries');
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM new_entries) AND NOT treasury.deferred_check_armed('entry_balanced') THEN
        PERFORM treasury.arm_deferred_check('entry_balanced');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.journal_entries_after_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION journal_entries_after_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.journal_entries_after_insert() IS 'Statement trigger function on journal_entries, per month the new entries are dated in: rule 9, nothing into a closed fiscal year (year_closed) and, in a year''s adjustment period, only the kinds adjustment_restricted_entry allows (adjustment_period_restricted); rule 6, nothing into a CLOSED month (period_closed), except a closed December in the adjustment period (period 13). Arms the deferred entry_balanced check of the transaction.';


--
-- Name: journal_entries_before_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.journal_entries_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.posted_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.journal_entries_before_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION journal_entries_before_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.journal_entries_before_insert() IS 'Trigger function: forces posted_at = now() and created_txid = current transaction (period_closed is checked per statement by journal_entries_after_insert).';


--
-- Name: journal_lines_after_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.journal_lines_after_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_entry bigint;
    v_gl    text;
    v_sub   boolean;
BEGIN
    SELECT n.entry_id INTO v_entry
    FROM (SELECT DISTINCT x.entry_id FROM new_lines x) n
    JOIN LATERAL (SELECT e.created_txid FROM treasury.journal_entries e WHERE e.id = n.entry_id OFFSET 0) e ON true
    WHERE e.created_txid <> pg_current_xact_id()
    ORDER BY n.entry_id
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('entry_closed_for_lines',
            format('journal entry %s was posted by an earlier transaction: it cannot gain lines (post a new entry instead)', v_entry), 'journal_lines');
    END IF;
    SELECT g.code, g.subledger INTO v_gl, v_sub
    FROM (SELECT DISTINCT x.gl_account, x.account_no IS NOT NULL AS has_account FROM new_lines x) n
    JOIN treasury.gl_accounts g ON g.code = n.gl_account
    WHERE g.subledger <> n.has_account
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('line_subledger',
            format('a line on GL %s %s an account_no', v_gl, CASE WHEN v_sub THEN 'needs' ELSE 'must not have' END), 'journal_lines');
    END IF;
    IF EXISTS (SELECT 1 FROM new_lines) AND NOT treasury.deferred_check_armed('entry_balanced') THEN
        PERFORM treasury.arm_deferred_check('entry_balanced');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.journal_lines_after_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION journal_lines_after_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.journal_lines_after_insert() IS 'Statement trigger function on journal_lines: refuses the statement if a new line joins an entry of an earlier transaction (entry_closed_for_lines) or breaks line_subledger; arms the deferred entry_balanced check of the transaction.';


--
-- Name: journal_lines_before_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.journal_lines_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_status   text;
    v_currency text;
    v_balance  bigint;
BEGIN
    IF NEW.account_no IS NULL THEN
        NEW.balance_after := NULL;
        RETURN NEW;
    END IF;
    UPDATE treasury.accounts a SET balance = a.balance + NEW.credit - NEW.debit
    WHERE a.account_no = NEW.account_no
    RETURNING a.status, a.currency, a.balance INTO v_status, v_currency, v_balance;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports the unknown account
    END IF;
    IF v_status <> 'ACTIVE' THEN
        PERFORM treasury.raise_rule('account_not_active',
            format('account %s is %s: only an ACTIVE account takes debits or credits', NEW.account_no, v_status), 'journal_lines',
            jsonb_build_object('account', NEW.account_no, 'status', v_status));
    END IF;
    IF NEW.currency <> v_currency THEN
        PERFORM treasury.raise_rule('account_currency_mismatch',
            format('line currency %s differs from account %s currency %s', NEW.currency, NEW.account_no, v_currency), 'journal_lines',
            jsonb_build_object('account', NEW.account_no, 'currency', NEW.currency, 'account_currency', v_currency));
    END IF;
    IF v_balance < 0 THEN
        PERFORM treasury.raise_rule('account_non_negative',
            format('account %s would go to %s: a deposit balance never goes below zero (balance %s, debit %s)',
                   NEW.account_no, v_balance, v_balance - NEW.credit + NEW.debit, NEW.debit), 'journal_lines',
            jsonb_build_object('account', NEW.account_no, 'balance', (v_balance - NEW.credit + NEW.debit)::text));
    END IF;
    NEW.balance_after := v_balance;
    -- Taken after the lock, so id order is posting order for this account.
    NEW.id := nextval('treasury.journal_lines_id_seq');
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.journal_lines_before_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION journal_lines_before_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.journal_lines_before_insert() IS 'Trigger function for an account line: moves the account''s balance (its row lock serialises postings to the account) and refuses unless the account is ACTIVE (account_not_active), in the line''s currency (account_currency_mismatch) and not below zero after it (account_non_negative); sets balance_after and takes the line id after the lock.';


--
-- Name: json_amount(jsonb, text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.json_amount(p_value jsonb, p_what text) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
DECLARE
    v_text text;
    v_num  numeric;
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RETURN 0;
    END IF;
    IF jsonb_typeof(p_value) NOT IN ('number', 'string') THEN
        RAISE EXCEPTION '% must be a number or a decimal string, not %', p_what, jsonb_typeof(p_value)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_text := p_value #>> '{}';
    IF v_text !~ '^[0-9]{1,19}(\.0*)?$' THEN
        RAISE EXCEPTION '% must be a whole non-negative number of minor units, got %', p_what, v_text
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_num := v_text::numeric;
    IF v_num > 1000000000000000000 THEN
        RAISE EXCEPTION '% is over the limit 10^18: %', p_what, v_text USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN v_num::bigint;
END
$_$;


ALTER FUNCTION treasury.json_amount(p_value jsonb, p_what text) OWNER TO treasury_owner;

--
-- Name: FUNCTION json_amount(p_value jsonb, p_what text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.json_amount(p_value jsonb, p_what text) IS 'Parses a JSON amount (number or decimal string, whole minor units, 0..10^18; null = 0) for post_entry and import_bank_statement; 22023 otherwise.';


--
-- Name: next_account_no(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.next_account_no() RETURNS text
    LANGUAGE sql
    AS $$
    SELECT '3711' || lpad(nextval('treasury.account_no_seq')::text, 6, '0')
$$;


ALTER FUNCTION treasury.next_account_no() OWNER TO treasury_owner;

--
-- Name: FUNCTION next_account_no(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.next_account_no() IS 'A new 10-digit transaction account number: 3711 followed by 6 digits from account_no_seq.';


--
-- Name: parse_collections(jsonb); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.parse_collections(p_items jsonb) RETURNS treasury.collection_batch_item[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        WITH parsed AS (
            SELECT x.ord::int AS ord, x.bank_code, x.bank_ref, x.collected_on, x.payer->>'tax_id' AS payer_tax_id,
                   x.payer->>'name' AS payer_name, x.revenue_id, x.chapter, x.economic_code, x.area_code, x.treasury_code,
                   x.amount, x.dossier_id
            FROM ROWS FROM (jsonb_to_recordset(p_items) AS (bank_code text, bank_ref text, collected_on date, payer jsonb,
                     revenue_id text, chapter text, economic_code text, area_code text, treasury_code text, amount bigint,
                     dossier_id bigint))
                 WITH ORDINALITY AS x(bank_code, bank_ref, collected_on, payer, revenue_id, chapter, economic_code, area_code,
                     treasury_code, amount, dossier_id, ord)
        )
        SELECT array_agg(ROW(p.ord, p.bank_code, p.bank_ref, p.collected_on, p.payer_tax_id, p.payer_name, p.revenue_id,
                   p.chapter, p.economic_code, p.area_code, p.treasury_code, p.amount, p.dossier_id,
                   sha256(convert_to(concat_ws(E'\n', 'COLLECTION', to_char(p.collected_on, 'YYYY-MM-DD'),
                       coalesce(p.payer_tax_id, ''), p.payer_name, coalesce(p.revenue_id, ''), p.chapter, p.economic_code,
                       p.area_code, p.treasury_code, p.amount::text), 'UTF8')),
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::treasury.collection_batch_item ORDER BY p.ord)
        FROM parsed p
    );
END
$$;


ALTER FUNCTION treasury.parse_collections(p_items jsonb) OWNER TO treasury_owner;

--
-- Name: FUNCTION parse_collections(p_items jsonb); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.parse_collections(p_items jsonb) IS 'Step 1 of record_collections: the items as collection_batch_item rows in input order, with their request hash (sha256 of collection_content). Checks no field: a value that is not of its column''s type (date, bigint) raises the cast''s error.';


--
-- Name: payment_orders_book(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_book() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.payment_orders_book() OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_book(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_book() IS 'Trigger function: after an order is submitted or changes status, moves the figures (submit: commitment.remaining -> allocation.pending, or available -> pending; reject/cancel: the reverse; pay: pending -> spent or advanced) and appends the payment_order_events row.';


--
-- Name: payment_orders_book_recovery(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_book_recovery() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.payment_orders_book_recovery() OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_book_recovery(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_book_recovery() IS 'Trigger function: when a contract PAYMENT becomes PAID, books its acceptance''s recovery as advance_settlements rows (recovery_order_id = the payment, its entry and economic code) against the contract''s PAID advances still outstanding, oldest first; locks their allocations, then the advances.';


--
-- Name: payment_orders_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.payment_orders_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_guard() IS 'Trigger function on payment orders: new orders start SUBMITTED; locks allocation then commitment; commitment same allocation, OPEN, not exceeded, 30% advance limit on INVESTMENT (payment_orders_guard_commitment); immutable content and set-once signatures, settled only from settlements (payment_orders_guard_update); the reasons of a rejection (payment_orders_guard_reasons); state machine; four eyes; no delete; sets created_at/paid_at.';


--
-- Name: payment_orders; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.payment_orders (
    id bigint NOT NULL,
    allocation_id bigint NOT NULL,
    commitment_id bigint,
    kind text NOT NULL,
    economic_code text NOT NULL,
    amount bigint NOT NULL,
    beneficiary_name text NOT NULL,
    beneficiary_bank_code text NOT NULL,
    beneficiary_account_no text NOT NULL,
    description text,
    status text DEFAULT 'SUBMITTED'::text NOT NULL,
    submitted_by bigint NOT NULL,
    approved_by bigint,
    authorized_by bigint,
    rejected_by bigint,
    cancelled_by bigint,
    reject_reason_code text,
    reject_reasons jsonb,
    note text,
    entry_id bigint,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    paid_at timestamp with time zone,
    settled bigint DEFAULT 0 NOT NULL,
    contract_id bigint,
    acceptance_id bigint,
    CONSTRAINT advance_settlement_within_advance CHECK (((settled >= 0) AND (settled <= amount) AND ((settled = 0) OR ((kind = 'ADVANCE'::text) AND (status = 'PAID'::text))))),
    CONSTRAINT payment_order_amount_range CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT payment_order_contract_shape CHECK ((((contract_id IS NULL) AND (acceptance_id IS NULL)) OR ((contract_id IS NOT NULL) AND (commitment_id IS NULL) AND ((kind = 'PAYMENT'::text) = (acceptance_id IS NOT NULL))))),
    CONSTRAINT payment_order_four_eyes CHECK (((authorized_by IS NULL) OR (approved_by IS NULL) OR (authorized_by <> approved_by))),
    CONSTRAINT payment_order_reject_reasons_shape CHECK (((reject_reasons IS NULL) OR
CASE
    WHEN (jsonb_typeof(reject_reasons) = 'array'::text) THEN (((jsonb_array_length(reject_reasons) >= 1) AND (jsonb_array_length(reject_reasons) <= 20)) AND (NOT (((reject_reasons -> 0) ->> 'code'::text) IS DISTINCT FROM reject_reason_code)))
    ELSE false
END)),
    CONSTRAINT payment_order_status_fields CHECK ((((status = 'PAID'::text) = ((authorized_by IS NOT NULL) AND (entry_id IS NOT NULL) AND (paid_at IS NOT NULL))) AND ((status <> ALL (ARRAY['APPROVED'::text, 'PAID'::text])) OR (approved_by IS NOT NULL)) AND ((status = ANY (ARRAY['APPROVED'::text, 'PAID'::text, 'REJECTED'::text])) OR (approved_by IS NULL)) AND ((status = 'REJECTED'::text) = (reject_reason_code IS NOT NULL)) AND ((status = 'REJECTED'::text) = (reject_reasons IS NOT NULL)) AND ((status = 'REJECTED'::text) OR (rejected_by IS NULL)) AND ((status = 'CANCELLED'::text) OR (cancelled_by IS NULL)))),
    CONSTRAINT payment_orders_beneficiary_account_no_check CHECK ((beneficiary_account_no ~ '^[0-9A-Za-z]{1,34}$'::text)),
    CONSTRAINT payment_orders_beneficiary_name_check CHECK ((length(btrim(beneficiary_name)) > 0)),
    CONSTRAINT payment_orders_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT payment_orders_kind_check CHECK ((kind = ANY (ARRAY['PAYMENT'::text, 'ADVANCE'::text]))),
    CONSTRAINT payment_orders_reject_reason_code_check CHECK ((reject_reason_code ~ '^[A-Z][A-Z0-9_]{0,63}$'::text)),
    CONSTRAINT payment_orders_status_check CHECK ((status = ANY (ARRAY['SUBMITTED'::text, 'APPROVED'::text, 'PAID'::text, 'REJECTED'::text, 'CANCELLED'::text])))
);


ALTER TABLE treasury.payment_orders OWNER TO treasury_owner;

--
-- Name: TABLE payment_orders; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.payment_orders IS 'Payment orders and advances. Status SUBMITTED -> APPROVED | REJECTED | CANCELLED, APPROVED -> PAID | REJECTED, others terminal (payment_order_status_transition); authorizer <> approver (payment_order_four_eyes). Triggers move the allocation figures (pending, spent, advanced) and the commitment''s remaining, and write payment_order_events. Never deleted.';


--
-- Name: COLUMN payment_orders.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.id IS 'Order id (order_id in the API).';


--
-- Name: COLUMN payment_orders.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.allocation_id IS 'Allocation charged. Immutable.';


--
-- Name: COLUMN payment_orders.commitment_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.commitment_id IS 'Commitment paid against (same allocation, OPEN, amount <= its remaining), or NULL: then taken from available. Immutable.';


--
-- Name: COLUMN payment_orders.kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.kind IS 'PAYMENT or ADVANCE. An ADVANCE against a commitment of an INVESTMENT allocation is limited to 30% of the commitment (advance_limit_exceeded). Immutable.';


--
-- Name: COLUMN payment_orders.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.economic_code IS 'Economic content code; validity checked by the service. Immutable.';


--
-- Name: COLUMN payment_orders.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.amount IS 'Amount in minor units, 1..10^18. Immutable.';


--
-- Name: COLUMN payment_orders.beneficiary_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.beneficiary_name IS 'Beneficiary name. Immutable.';


--
-- Name: COLUMN payment_orders.beneficiary_bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.beneficiary_bank_code IS 'Beneficiary''s bank. Immutable.';


--
-- Name: COLUMN payment_orders.beneficiary_account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.beneficiary_account_no IS 'Beneficiary''s bank account number. Immutable.';


--
-- Name: COLUMN payment_orders.description; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.description IS 'What the payment is for. Immutable.';


--
-- Name: COLUMN payment_orders.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.status IS 'SUBMITTED, APPROVED, PAID, REJECTED or CANCELLED, along the state machine only.';


--
-- Name: COLUMN payment_orders.submitted_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.submitted_by IS 'Unit accountant who submitted it. Immutable.';


--
-- Name: COLUMN payment_orders.approved_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.approved_by IS 'Treasury officer who approved it (control); set with status APPROVED; required for APPROVED and PAID.';


--
-- Name: COLUMN payment_orders.authorized_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.authorized_by IS 'Chief accountant who authorized (second signature); set with status PAID; never equal to approved_by (payment_order_four_eyes).';


--
-- Name: COLUMN payment_orders.rejected_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.rejected_by IS 'Who rejected it; only on REJECTED.';


--
-- Name: COLUMN payment_orders.cancelled_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.cancelled_by IS 'Who cancelled it; only on CANCELLED.';


--
-- Name: COLUMN payment_orders.reject_reason_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.reject_reason_code IS 'UPPER_SNAKE code of the first reason of the refusal (e.g. DOCUMENTS_INCOMPLETE), kept for the readers of one reason; set exactly when REJECTED, equal to reject_reasons->0->>''code'' (payment_order_reject_reasons_shape).';


--
-- Name: COLUMN payment_orders.reject_reasons; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.reject_reasons IS 'Every reason of the refusal, given at once: a JSON array of 1 to 20 objects {"code": UPPER_SNAKE, "note": text of at most 1000 characters or null}, codes distinct, in the order given (payment_order_reject_reasons_shape); set exactly when REJECTED, with the status, and never changed. A writer naming only reject_reason_code (and note) gets that one reason; one naming only reject_reasons gets the first code in reject_reason_code. As rows: the view payment_order_reject_reasons.';


--
-- Name: COLUMN payment_orders.note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.note IS 'Note of the last decision (approval, or rejection: the first reason''s note); copied into the event.';


--
-- Name: COLUMN payment_orders.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.entry_id IS 'Journal entry posted by the payment; set exactly when PAID.';


--
-- Name: COLUMN payment_orders.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.dossier_id IS 'PAYMENT_RECURRENT or PAYMENT_INVESTMENT dossier; may be set once from NULL.';


--
-- Name: COLUMN payment_orders.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.created_at IS 'When it was submitted (forced to now()).';


--
-- Name: COLUMN payment_orders.paid_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.paid_at IS 'When it became PAID (set by trigger).';


--
-- Name: COLUMN payment_orders.settled; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.settled IS 'For a PAID advance: the part settled so far (sum of its advance_settlements), 0..amount (advance_settlement_within_advance); kept by the settlement trigger. Outstanding = amount - settled.';


--
-- Name: COLUMN payment_orders.contract_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.contract_id IS 'Public investment: the contract (contracts) this advance or payment is made under, or NULL for regular spending. A contract order is charged to a capital plan of the contract''s project and checked against rule 8 when submitted (payment_orders_investment_guard); it has no commitment (payment_order_contract_shape). Immutable.';


--
-- Name: COLUMN payment_orders.acceptance_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_orders.acceptance_id IS 'Public investment: for a contract PAYMENT, the acceptance (completed-volume statement) it pays, with its recovery and retention; the order''s amount is accepted_value - recovery. NULL for an ADVANCE and for regular spending. At most one order per acceptance (payment_orders_acceptance_unique). Immutable.';


--
-- Name: payment_orders_guard_commitment(treasury.payment_orders, text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text) RETURNS treasury.payment_orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text) OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text) IS 'Step of payment_orders_guard for a new order against a commitment (p_purpose: the purpose of the order''s allocation, already locked); returns p_new unchanged. Locks the commitment (FOR UPDATE) and checks payment_order_commitment_allocation (same allocation), commitment_not_open (the commitment is OPEN), commitment_exceeded (amount <= its remaining) and, for an ADVANCE on an INVESTMENT allocation, advance_limit_exceeded (SUBMITTED, APPROVED and PAID advances on the commitment at most 30% of its amount). An unknown commitment is left to the foreign key.';


--
-- Name: payment_orders_guard_reasons(treasury.payment_orders); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_guard_reasons(p_new treasury.payment_orders) RETURNS treasury.payment_orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
$_$;


ALTER FUNCTION treasury.payment_orders_guard_reasons(p_new treasury.payment_orders) OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_guard_reasons(p_new treasury.payment_orders); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_guard_reasons(p_new treasury.payment_orders) IS 'Step of payment_orders_guard for the move to REJECTED (returns the row): fills reject_reasons from reject_reason_code and note when only the code is given, or reject_reason_code from the first reason when only the list is; payment_order_reject_reasons_shape: each reason an object {code: UPPER_SNAKE, note: text <= 1000 characters or null}, no code twice (the table''s CHECK holds the count, 1 to 20, and the first code).';


--
-- Name: payment_orders_guard_update(treasury.payment_orders, treasury.payment_orders); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders) RETURNS treasury.payment_orders
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION treasury.payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders) OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders) IS 'Step of payment_orders_guard for an UPDATE, before the status change (returns p_new unchanged): payment_order_immutable_fields (the content, contract_id and acceptance_id included, never changes; approved_by, authorized_by, rejected_by, cancelled_by, reject_reason_code, reject_reasons, entry_id and dossier_id are set once) and advance_settlement_within_advance (settled changes only from the settlement trigger, pg_trigger_depth() > 1).';


--
-- Name: payment_orders_investment_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.payment_orders_investment_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.payment_orders_investment_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION payment_orders_investment_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.payment_orders_investment_guard() IS 'Trigger function, before a payment order is stored (after payment_orders_guard locked its allocation): an order without contract is refused on a capital plan (capital_plan_contract_only); a contract order locks the project, is charged to one of its plans (contract_order_on_plan) and passes rule 8: contract_check_advance or contract_check_payment, then project_check_order.';


--
-- Name: periods_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.periods_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM treasury.raise_rule('period_reopen',
            format('period %s-%s cannot be deleted: that would reopen it', OLD.fiscal_year, OLD.month), 'periods');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.fiscal_year <> OLD.fiscal_year OR NEW.month <> OLD.month THEN
            PERFORM treasury.raise_rule('period_reopen',
                format('period %s-%s cannot be renamed', OLD.fiscal_year, OLD.month), 'periods');
        END IF;
        IF OLD.status = 'CLOSED' THEN
            IF NEW.status <> 'CLOSED' THEN
                PERFORM treasury.raise_rule('period_reopen',
                    format('period %s-%s is CLOSED and never reopens: post corrections into the next open month', OLD.fiscal_year, OLD.month), 'periods');
            END IF;
            NEW.closed_at := OLD.closed_at;
            NEW.closed_by := OLD.closed_by;
            RETURN NEW;
        END IF;
    END IF;

    IF NEW.status = 'CLOSED' THEN
        IF NEW.month > 1 AND NOT EXISTS (
            SELECT 1 FROM treasury.periods p
            WHERE p.fiscal_year = NEW.fiscal_year AND p.month = NEW.month - 1 AND p.status = 'CLOSED') THEN
            PERFORM treasury.raise_rule('period_order',
                format('period %s-%s cannot close while %s-%s is open: months close in order', NEW.fiscal_year, NEW.month, NEW.fiscal_year, NEW.month - 1), 'periods');
        END IF;
        -- Wait for in-flight postings; later ones queue behind this lock and then see CLOSED.
        LOCK TABLE treasury.journal_entries IN SHARE ROW EXCLUSIVE MODE;
        -- The moment the month closes: every posting into it began before it.
        NEW.closed_at := clock_timestamp();
    ELSE
        NEW.closed_at := NULL;
        NEW.closed_by := NULL;
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.periods_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION periods_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.periods_guard() IS 'Trigger function on periods: close in order, never reopen or delete, lock journal_entries while closing so no in-flight posting slips in; sets closed_at.';


--
-- Name: post_entry(date, text, text, text, text, bigint, jsonb); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_entry    treasury.journal_entries%ROWTYPE;
    v_unknown  text;
    v_balances jsonb;
BEGIN
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) < 2 THEN
        RAISE EXCEPTION 'p_lines must be a JSON array of at least 2 line objects' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT k INTO v_unknown
    FROM jsonb_array_elements(p_lines) AS e(obj), LATERAL jsonb_object_keys(
            CASE WHEN jsonb_typeof(e.obj) = 'object' THEN e.obj ELSE '{"<not an object>": 0}'::jsonb END) AS k
    WHERE k NOT IN ('gl_account', 'account_no', 'currency', 'debit', 'credit', 'fund', 'economic_code', 'budget_level',
                    'unit_code', 'area_code', 'chapter', 'sector', 'program', 'treasury_code', 'source', 'reserve', 'bank_code',
                    'project_code')
    LIMIT 1;
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown field in a line of p_lines: %', v_unknown USING ERRCODE = 'invalid_parameter_value';
    END IF;

    INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code, memo, created_by)
    VALUES (p_accounting_date, p_source_kind, p_source_id, p_treasury_code, p_memo, p_created_by)
    RETURNING * INTO v_entry;

    -- Sorted by account_no so that concurrent postings lock accounts in one order. Each
    -- account's balance after its last line of the entry comes back with the insert.
    WITH inserted AS (
        INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, account_no, currency, debit, credit,
            fund, economic_code, budget_level, unit_code, area_code, chapter, sector, program, treasury_code,
            source, reserve, bank_code, project_code)
        SELECT v_entry.id, e.ord::int, e.obj->>'gl_account', e.obj->>'account_no', coalesce(e.obj->>'currency', 'VND'),
            treasury.json_amount(e.obj->'debit', format('line %s debit', e.ord)),
            treasury.json_amount(e.obj->'credit', format('line %s credit', e.ord)),
            e.obj->>'fund', e.obj->>'economic_code', e.obj->>'budget_level', e.obj->>'unit_code', e.obj->>'area_code',
            e.obj->>'chapter', e.obj->>'sector', e.obj->>'program', e.obj->>'treasury_code', e.obj->>'source',
            e.obj->>'reserve', e.obj->>'bank_code', e.obj->>'project_code'
        FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e(obj, ord)
        ORDER BY e.obj->>'account_no' NULLS LAST, e.ord
        RETURNING id, account_no, balance_after
    )
    SELECT coalesce(jsonb_object_agg(last.account_no, last.balance_after::text), '{}'::jsonb) INTO v_balances
    FROM (SELECT DISTINCT ON (i.account_no) i.account_no, i.balance_after
          FROM inserted i WHERE i.account_no IS NOT NULL ORDER BY i.account_no, i.id DESC) AS last;

    RETURN jsonb_build_object(
        'entry_id', v_entry.id::text,
        'posted_at', to_char(v_entry.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'balances', v_balances);
END
$$;


ALTER FUNCTION treasury.post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb) OWNER TO treasury_owner;

--
-- Name: FUNCTION post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb) IS 'Posts one journal entry and its lines in one round trip. p_lines: JSON array of {gl_account, account_no?, currency? (VND), debit?, credit? (whole minor units, number or decimal string), fund?, economic_code?, budget_level?, unit_code?, area_code?, chapter?, sector?, program?, treasury_code?, source?, reserve?, bank_code?, project_code?}; line_no = position in the array; lines are inserted in account_no order (locks in sorted order, no deadlocks). Returns {"entry_id": "<id>", "posted_at": "<RFC 3339 UTC, Z>", "balances": {"<account_no>": "<balance after>"}}. Every ledger rule applies (entry_balanced at commit).';


--
-- Name: projects; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.projects (
    project_code text NOT NULL,
    name text NOT NULL,
    investor_unit_code text NOT NULL,
    total_investment bigint NOT NULL,
    decision_no text NOT NULL,
    decision_date date NOT NULL,
    project_group text NOT NULL,
    source text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by bigint,
    CONSTRAINT project_code_format CHECK ((project_code ~ '^[0-9A-Z][0-9A-Z._-]{0,31}$'::text)),
    CONSTRAINT project_decision_no_present CHECK (((length(btrim(decision_no)) >= 1) AND (length(btrim(decision_no)) <= 64))),
    CONSTRAINT project_group_known CHECK ((project_group = ANY (ARRAY['NATIONAL'::text, 'A'::text, 'B'::text, 'C'::text]))),
    CONSTRAINT project_name_present CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 500))),
    CONSTRAINT project_source_format CHECK ((source ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT project_total_investment_range CHECK (((total_investment > 0) AND (total_investment <= '1000000000000000000'::bigint)))
);


ALTER TABLE treasury.projects OWNER TO treasury_owner;

--
-- Name: TABLE projects; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.projects IS 'Public investment projects: the legal file, registered once before the first payment (Decree 254 Art 8). Rule 8: the orders of its contracts never reserve more than total_investment (total_investment_exceeded), nor do its capital plans of all years add up to more (plans_exceed_total_investment). Only name, total_investment, decision, group and source change; never deleted (project_no_delete).';


--
-- Name: COLUMN projects.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.project_code IS 'Project code (project_code in the API): upper-case letters, digits, . _ -, 1..32 characters. Immutable.';


--
-- Name: COLUMN projects.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.name IS 'Project name.';


--
-- Name: COLUMN projects.investor_unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.investor_unit_code IS 'The investor (chu dau tu): a budget unit; its capital plans are allocations to this unit. Immutable.';


--
-- Name: COLUMN projects.total_investment; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.total_investment IS 'Total investment approved by the investment decision, dong, 1..10^18. Lowered only down to what the plans and the orders already take (projects_guard).';


--
-- Name: COLUMN projects.decision_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.decision_no IS 'Number of the investment decision (or of the latest adjusting decision).';


--
-- Name: COLUMN projects.decision_date; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.decision_date IS 'Date of that decision.';


--
-- Name: COLUMN projects.project_group; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.project_group IS 'Project group under the Public Investment Law: NATIONAL (national important), A, B or C (group in the API).';


--
-- Name: COLUMN projects.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.source IS 'Capital source code (nguon von), the segment the Disbursement report groups by.';


--
-- Name: COLUMN projects.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.created_at IS 'When it was registered (forced to now()). Immutable.';


--
-- Name: COLUMN projects.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.created_by IS 'User who registered it. Immutable.';


--
-- Name: COLUMN projects.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.updated_at IS 'When it last changed (forced to now()).';


--
-- Name: COLUMN projects.updated_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.projects.updated_by IS 'User who last changed it.';


--
-- Name: project_check_order(treasury.projects, bigint, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.project_check_order(p_project treasury.projects, p_allocation_id bigint, p_amount bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.project_check_order(p_project treasury.projects, p_allocation_id bigint, p_amount bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION project_check_order(p_project treasury.projects, p_allocation_id bigint, p_amount bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.project_check_order(p_project treasury.projects, p_allocation_id bigint, p_amount bigint) IS 'Step of payment_orders_investment_guard: refuses a contract order beyond the available of its plan''s allocation (plan_exceeded) or taking the project''s orders SUBMITTED, APPROVED and PAID over total_investment (total_investment_exceeded).';


--
-- Name: project_check_total(text, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.project_check_total(p_project_code text, p_total bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.project_check_total(p_project_code text, p_total bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION project_check_total(p_project_code text, p_total bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.project_check_total(p_project_code text, p_total bigint) IS 'Rule 8 for a project: refuses when its contract orders SUBMITTED, APPROVED or PAID take more than p_total (total_investment_exceeded) or its capital plans of all years add up to more (plans_exceed_total_investment). The caller holds the project row (FOR UPDATE).';


--
-- Name: project_planned(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.project_planned(p_project_code text) RETURNS numeric
    LANGUAGE plpgsql STABLE
    AS $$
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


ALTER FUNCTION treasury.project_planned(p_project_code text) OWNER TO treasury_owner;

--
-- Name: FUNCTION project_planned(p_project_code text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.project_planned(p_project_code text) IS 'Sum of the project''s capital plans (their allocations'' amounts), all years and extended plans included, less what a closed year lapsed and what it carried into an extended plan (counted there).';


--
-- Name: project_reserved(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.project_reserved(p_project_code text) RETURNS numeric
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(sum(o.amount), 0)
            FROM treasury.contracts c JOIN treasury.payment_orders o ON o.contract_id = c.id
            WHERE c.project_code = p_project_code AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID'));
END
$$;


ALTER FUNCTION treasury.project_reserved(p_project_code text) OWNER TO treasury_owner;

--
-- Name: FUNCTION project_reserved(p_project_code text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.project_reserved(p_project_code text) IS 'Sum of the amounts of the project''s contract orders SUBMITTED, APPROVED or PAID: what they reserve of total_investment (the PAID part is the disbursed).';


--
-- Name: projects_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.projects_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.projects_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION projects_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.projects_guard() IS 'Trigger function on projects: forces created_at and updated_at; code, investor and created_* immutable (project_immutable_fields); a lowered total_investment still covers the orders and plans (project_check_total); no delete (project_no_delete).';


--
-- Name: raise_rule(text, text, text, jsonb); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.raise_rule(p_constraint text, p_message text, p_table text DEFAULT NULL::text, p_details jsonb DEFAULT NULL::jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.raise_rule(p_constraint text, p_message text, p_table text, p_details jsonb) OWNER TO treasury_owner;

--
-- Name: FUNCTION raise_rule(p_constraint text, p_message text, p_table text, p_details jsonb); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.raise_rule(p_constraint text, p_message text, p_table text, p_details jsonb) IS 'Raises check_violation (23514) with CONSTRAINT = the rule name and the given plain-words message, and DETAIL = p_details (a JSON object of the figures involved, which the service passes on as the error''s details); the single shape of every rule violation.';


--
-- Name: reconcile_statement(bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.reconcile_statement(p_statement_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'statement_id', p_statement_id::text,
        'matched', count(*) FILTER (WHERE r.status = 'MATCHED'),
        'amount_mismatch', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'bank_amount', r.bank_amount::text,
                                    'treasury_amount', r.treasury_amount::text) ORDER BY r.bank_ref) FILTER (WHERE r.status = 'AMOUNT_MISMATCH'), '[]'),
        'missing_in_treasury', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'bank_amount', r.bank_amount::text)
                                    ORDER BY r.bank_ref) FILTER (WHERE r.status = 'MISSING_IN_TREASURY'), '[]'),
        'missing_in_bank', coalesce(jsonb_agg(jsonb_build_object('bank_ref', r.bank_ref, 'treasury_amount', r.treasury_amount::text)
                                    ORDER BY r.bank_ref) FILTER (WHERE r.status = 'MISSING_IN_BANK'), '[]'))
    FROM treasury.statement_reconciliation(p_statement_id) r
$$;


ALTER FUNCTION treasury.reconcile_statement(p_statement_id bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION reconcile_statement(p_statement_id bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.reconcile_statement(p_statement_id bigint) IS 'The ImportBankStatement result for a stored statement: {"statement_id", "matched" (count), "amount_mismatch": [{bank_ref, bank_amount, treasury_amount}], "missing_in_treasury": [{bank_ref, bank_amount}], "missing_in_bank": [{bank_ref, treasury_amount}]} (amounts as decimal strings, sorted by bank_ref).';


--
-- Name: record_collections(jsonb, bigint, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) RETURNS jsonb
    LANGUAGE plpgsql
    SET jit TO 'off'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    v_items    treasury.collection_batch_item[];
    v_recorded int[];
BEGIN
    IF p_items IS NULL OR jsonb_typeof(p_items) <> 'array' THEN
        RAISE EXCEPTION 'p_items must be a JSON array of collections' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_array_length(p_items) NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'p_items must hold 1 to 10000 collections, not %', jsonb_array_length(p_items) USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF p_accounting_date IS NULL THEN
        RAISE EXCEPTION 'p_accounting_date is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_items := treasury.parse_collections(p_items);
    v_items := treasury.validate_collections(v_items, p_accounting_date);
    v_items := treasury.split_collections(v_items);
    v_recorded := treasury.write_collections(v_items, p_created_by, p_accounting_date);
    RETURN jsonb_build_object('results', treasury.collection_results(v_items, v_recorded));
END
$$;


ALTER FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) OWNER TO treasury_owner;

--
-- Name: FUNCTION record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) IS 'Records 1 to 10000 collections in one call, set-based. p_items: JSON array of {bank_code, bank_ref, collected_on (YYYY-MM-DD), payer: {tax_id?, name}, revenue_id?, chapter, economic_code, area_code, treasury_code, amount (decimal string or integer), dossier_id?}, whose fields the caller has validated (the service does, RevenueMethods.collectionFields; a malformed field fails the statement with a cast error or a table''s constraint); every entry is dated p_accounting_date, whose year selects the sharing rule and on which chapter and economic code must be valid. Returns {"results": [...]} in input order, each {"collection_id", "entry_id", "shares": [{"budget_level", "amount"}]} or {"error": {"code", "reason", "message", "field"?}}; reasons BANK_NOT_FOUND, TREASURY_NOT_FOUND, AREA_NOT_FOUND, DOSSIER_NOT_FOUND, CODE_NOT_VALID, PERIOD_CLOSED, NO_SHARING_RULE, DUPLICATE_BANK_REF. A business key already recorded with the same content (collection_content) returns the first result. Items succeed or fail on their own. 22023 / 22003 only for a wrong envelope. One entry per collection: Dr 1130 / Cr 7111 per non-zero share; no balance row is updated. Steps: parse_collections, validate_collections, split_collections, write_collections, collection_results.';


--
-- Name: record_refund(bigint, bigint, text, text, bigint, date, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint DEFAULT NULL::bigint) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_coll     treasury.collections%ROWTYPE;
    v_existing treasury.refunds%ROWTYPE;
    v_refunded numeric;
    v_levels   text[];
    v_cshares  bigint[];
    v_ranks    int[];
    v_shares   bigint[];
    v_id       bigint;
    v_entry    bigint;
BEGIN
    SELECT * INTO v_existing FROM treasury.refunds r WHERE r.decision_no = p_decision_no;
    IF FOUND THEN
        IF v_existing.collection_id = p_collection_id AND v_existing.amount = p_amount
           AND v_existing.reason IS NOT DISTINCT FROM p_reason THEN
            RETURN jsonb_build_object('refund_id', v_existing.id::text, 'entry_id', v_existing.entry_id::text,
                'shares', (SELECT treasury.shares_json(array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank))
                           FROM treasury.refund_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
                           WHERE s.refund_id = v_existing.id));
        END IF;
        RETURN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_DECISION',
            format('decision %s was recorded with other content (refund %s)', p_decision_no, v_existing.id));
    END IF;
    SELECT * INTO v_coll FROM treasury.collections c WHERE c.id = p_collection_id;
    IF NOT FOUND THEN
        RETURN treasury.revenue_error('NOT_FOUND', 'COLLECTION_NOT_FOUND', format('collection %s does not exist', p_collection_id), 'collection_id');
    END IF;
    IF p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000000000000 THEN
        RETURN treasury.revenue_error('INVALID_ARGUMENT', 'FIELD_INVALID', 'amount must be 1..10^18', 'amount');
    END IF;
    SELECT coalesce(sum(r.amount), 0) INTO v_refunded FROM treasury.refunds r WHERE r.collection_id = p_collection_id;
    IF v_refunded + p_amount > v_coll.amount THEN
        RETURN treasury.revenue_error('FAILED_PRECONDITION', 'REFUND_EXCEEDS_COLLECTION',
            format('refund of %s on collection %s: %s of %s already refunded', p_amount, p_collection_id, v_refunded, v_coll.amount));
    END IF;
    IF EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = extract(year FROM p_accounting_date)::int
                 AND p.month = extract(month FROM p_accounting_date)::int AND p.status = 'CLOSED') THEN
        RETURN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED', format('accounting date %s falls in a closed period', p_accounting_date));
    END IF;

    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_levels, v_cshares, v_ranks
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = p_collection_id;
    v_shares := treasury.split_amount(p_amount, v_cshares, v_ranks);
    v_id := nextval('treasury.refunds_id_seq');

    INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code, memo, created_by)
    VALUES (p_accounting_date, 'REFUND', v_id::text, v_coll.treasury_code, 'refund ' || p_decision_no, p_created_by)
    RETURNING id INTO v_entry;
    -- The trigger locks the collection and checks rule 5 again (refund_within_collection).
    INSERT INTO treasury.refunds (id, collection_id, amount, decision_no, reason, entry_id, dossier_id, created_by)
    VALUES (v_id, p_collection_id, p_amount, p_decision_no, p_reason, v_entry, p_dossier_id, p_created_by);
    INSERT INTO treasury.refund_shares (refund_id, budget_level, amount)
    SELECT v_id, x.level, x.amount FROM unnest(v_levels, v_shares) AS x(level, amount);
    INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit, economic_code, budget_level, area_code,
        chapter, treasury_code, bank_code)
    SELECT v_entry, row_number() OVER (ORDER BY x.n), '7111', x.amount, 0, v_coll.economic_code, x.level, v_coll.area_code,
           v_coll.chapter, v_coll.treasury_code, NULL
    FROM unnest(v_levels, v_shares) WITH ORDINALITY AS x(level, amount, n) WHERE x.amount > 0
    UNION ALL
    SELECT v_entry, 1 + (SELECT count(*) FROM unnest(v_shares) a WHERE a > 0), '1130', 0, p_amount, NULL, NULL, NULL, NULL,
           v_coll.treasury_code, v_coll.bank_code;

    RETURN jsonb_build_object('refund_id', v_id::text, 'entry_id', v_entry::text, 'shares', treasury.shares_json(v_levels, v_shares));
END
$$;


ALTER FUNCTION treasury.record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint) IS 'Records one refund in one round trip: the shares are split_amount(amount, the collection''s shares, ranks) over every level of the collection; entry dated p_accounting_date: Dr 7111 per non-zero share (the collection''s segments) / Cr 1130 (bank_code, treasury_code). Returns {"refund_id", "entry_id", "shares": [{"budget_level", "amount"}]} or {"error": {"code", "reason", "message", "field"?}} with reasons DUPLICATE_DECISION (same decision_no, other collection, amount or reason; the same content returns the first result), COLLECTION_NOT_FOUND, FIELD_INVALID, REFUND_EXCEEDS_COLLECTION, PERIOD_CLOSED. A concurrent refund can still make the insert fail with 23514 refund_within_collection (= REFUND_EXCEEDS_COLLECTION), a concurrent same decision_no with 23505 (retry: it replays).';


--
-- Name: refund_shares_after_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refund_shares_after_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT n.refund_id INTO v_id
    FROM new_rows n LEFT JOIN treasury.refunds r ON r.id = n.refund_id
    WHERE r.created_txid IS DISTINCT FROM pg_current_xact_id()
    LIMIT 1;
    IF FOUND THEN
        PERFORM treasury.raise_rule('refund_closed_for_shares',
            format('refund %s was recorded by an earlier transaction: its shares are final', v_id), 'refund_shares');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.refund_shares_after_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION refund_shares_after_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refund_shares_after_insert() IS 'Statement trigger function: refund shares are only added by the transaction that recorded the refund (refund_closed_for_shares).';


--
-- Name: refund_shares_check(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refund_shares_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_amount   bigint;
    v_coll     bigint;
    v_sum      numeric;
    v_levels   text[];
    v_amounts  bigint[];
    v_clevels  text[];
    v_cshares  bigint[];
    v_ranks    int[];
BEGIN
    SELECT r.amount, r.collection_id INTO v_amount, v_coll FROM treasury.refunds r WHERE r.id = NEW.id;
    SELECT coalesce(sum(s.amount), 0), array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank)
    INTO v_sum, v_levels, v_amounts
    FROM treasury.refund_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.refund_id = NEW.id;
    IF v_sum <> v_amount THEN
        PERFORM treasury.raise_rule('refund_shares_sum',
            format('refund %s: shares sum to %s, not the refunded amount %s (checked at commit)', NEW.id, v_sum, v_amount),
            'refund_shares');
    END IF;
    SELECT array_agg(s.budget_level ORDER BY l.rank), array_agg(s.amount ORDER BY l.rank), array_agg(l.rank ORDER BY l.rank)
    INTO v_clevels, v_cshares, v_ranks
    FROM treasury.collection_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
    WHERE s.collection_id = v_coll;
    IF v_clevels IS NULL OR v_levels IS DISTINCT FROM v_clevels
       OR v_amounts IS DISTINCT FROM treasury.split_amount(v_amount, v_cshares, v_ranks) THEN
        PERFORM treasury.raise_rule('refund_shares_split',
            format('refund %s: shares %s of %s are not the proportional split %s of collection %s''s shares %s (floor(refund * share / collected), remainder to the largest share, ties to the higher level)',
                   NEW.id, v_amounts, v_levels, CASE WHEN v_clevels IS NULL THEN NULL ELSE treasury.split_amount(v_amount, v_cshares, v_ranks) END,
                   v_coll, v_cshares),
            'refund_shares');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.refund_shares_check() OWNER TO treasury_owner;

--
-- Name: FUNCTION refund_shares_check(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refund_shares_check() IS 'Deferred constraint trigger function on refunds: at commit the shares sum to the refund (refund_shares_sum) and are exactly split_amount(refund, the collection''s shares, level ranks) over the collection''s levels (refund_shares_split).';


--
-- Name: refunds_before_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refunds_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_collected bigint;
    v_refunded  numeric;
BEGIN
    NEW.created_at := now();
    NEW.created_txid := pg_current_xact_id();
    SELECT c.amount INTO v_collected FROM treasury.collections c WHERE c.id = NEW.collection_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports the unknown collection
    END IF;
    SELECT coalesce(sum(r.amount), 0) INTO v_refunded FROM treasury.refunds r WHERE r.collection_id = NEW.collection_id;
    IF v_refunded + NEW.amount > v_collected THEN
        PERFORM treasury.raise_rule('refund_within_collection',
            format('refund of %s on collection %s: with %s already refunded it would exceed the collected %s', NEW.amount,
                   NEW.collection_id, v_refunded, v_collected), 'refunds');
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.refunds_before_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION refunds_before_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refunds_before_insert() IS 'Trigger function on refunds: forces created_at and created_txid; locks the collection row and refuses a refund that with the earlier ones exceeds the collected amount (refund_within_collection).';


--
-- Name: refuse_change(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% on %.% refused: the table is append-only (ledger_append_only); corrections are new rows, e.g. a reversing entry', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_append_only',
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
END
$$;


ALTER FUNCTION treasury.refuse_change() OWNER TO treasury_owner;

--
-- Name: FUNCTION refuse_change(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refuse_change() IS 'Trigger function for append-only tables: refuses UPDATE, DELETE and TRUNCATE with check_violation, constraint ledger_append_only.';


--
-- Name: refuse_delete(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refuse_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% on %.% refused: rows of this table are kept forever (%); change their status instead', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0],
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
END
$$;


ALTER FUNCTION treasury.refuse_delete() OWNER TO treasury_owner;

--
-- Name: FUNCTION refuse_delete(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refuse_delete() IS 'Trigger function for tables whose rows are never deleted: refuses DELETE and TRUNCATE with check_violation, constraint = the trigger argument.';


--
-- Name: refuse_tree_cycle(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.refuse_tree_cycle() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
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
$_$;


ALTER FUNCTION treasury.refuse_tree_cycle() OWNER TO treasury_owner;

--
-- Name: FUNCTION refuse_tree_cycle(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.refuse_tree_cycle() IS 'Trigger function: refuses a parent_code whose ancestor chain reaches the row itself (constraint named by the trigger argument).';


--
-- Name: require_scope(text[], text[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.require_scope(p_object_scopes text[], p_grant_scopes text[]) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF NOT coalesce(p_object_scopes && p_grant_scopes, false) THEN
        RAISE EXCEPTION 'the object is outside the caller''s grants'' scope'
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'out_of_scope', SCHEMA = 'treasury';
    END IF;
END
$$;


ALTER FUNCTION treasury.require_scope(p_object_scopes text[], p_grant_scopes text[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION require_scope(p_object_scopes text[], p_grant_scopes text[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.require_scope(p_object_scopes text[], p_grant_scopes text[]) IS 'Refuses (42501, CONSTRAINT out_of_scope) unless one of the caller''s grant scopes (e.g. U:5900001, T:0101, *) is among the scopes that cover the object (e.g. account_scopes); the service maps it to PERMISSION_DENIED/OUT_OF_SCOPE.';


--
-- Name: revenue_before_insert(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.revenue_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.created_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.revenue_before_insert() OWNER TO treasury_owner;

--
-- Name: FUNCTION revenue_before_insert(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.revenue_before_insert() IS 'Trigger function on collections (collections_before_insert): forces created_at = now() and created_txid = the current transaction.';


--
-- Name: revenue_error(text, text, text, text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN jsonb_build_object('error', jsonb_strip_nulls(jsonb_build_object('code', p_code, 'reason', p_reason, 'message', p_message, 'field', p_field)));
END
$$;


ALTER FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text) OWNER TO treasury_owner;

--
-- Name: FUNCTION revenue_error(p_code text, p_reason text, p_message text, p_field text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text) IS 'The per-item error object of record_collections and record_refund: {"error": {"code", "reason", "message", "field"?}} (field relative to the item, e.g. "amount", "payer.name").';


--
-- Name: shares_json(text[], bigint[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.n), '[]'::jsonb)
    FROM unnest(p_levels, p_amounts) WITH ORDINALITY AS x(level, amount, n)
$$;


ALTER FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION shares_json(p_levels text[], p_amounts bigint[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) IS 'Shares as the API lists them: [{"budget_level", "amount" (decimal string)}], in the given order (level rank).';


--
-- Name: sharing_rule_for(integer, text, text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT r.id FROM treasury.sharing_rules r
            WHERE r.fiscal_year = p_fiscal_year AND r.economic_code = p_economic_code
              AND r.area_key IN (coalesce(p_area_code, '*'), '*')
            ORDER BY r.area_key = '*'
            LIMIT 1);
END
$$;


ALTER FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) OWNER TO treasury_owner;

--
-- Name: FUNCTION sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) IS 'The sharing rule for a collection: the rule of that fiscal year and economic code for exactly that area, else the one for all areas (area NULL); NULL when there is none (NO_SHARING_RULE).';


--
-- Name: sharing_rule_shares_sum_check(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.sharing_rule_shares_sum_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_rule_id bigint;
    v_sum     bigint;
    v_count   int;
BEGIN
    IF TG_TABLE_NAME = 'sharing_rules' THEN
        v_rule_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        v_rule_id := OLD.rule_id;
    ELSE
        v_rule_id := NEW.rule_id;
    END IF;
    PERFORM 1 FROM treasury.sharing_rules r WHERE r.id = v_rule_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(s.basis_points), 0), count(*) INTO v_sum, v_count
    FROM treasury.sharing_rule_shares s WHERE s.rule_id = v_rule_id;
    IF v_sum <> 10000 THEN
        PERFORM treasury.raise_rule('sharing_rule_shares_sum',
            format('sharing rule %s: its %s share(s) sum to %s basis points, not 10000 (checked at commit)', v_rule_id, v_count, v_sum),
            'sharing_rule_shares');
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION treasury.sharing_rule_shares_sum_check() OWNER TO treasury_owner;

--
-- Name: FUNCTION sharing_rule_shares_sum_check(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.sharing_rule_shares_sum_check() IS 'Deferred constraint trigger function: at commit a sharing rule (new, or whose shares changed) has shares summing to exactly 10000 basis points (sharing_rule_shares_sum). Locks the rule row first so concurrent changes serialise.';


--
-- Name: sharing_rules_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.sharing_rules_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.updated_at := now();
        NEW.updated_by := coalesce(NEW.updated_by, NEW.created_by);
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.fiscal_year IS DISTINCT FROM OLD.fiscal_year
       OR NEW.economic_code IS DISTINCT FROM OLD.economic_code OR NEW.area_code IS DISTINCT FROM OLD.area_code
       OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
        PERFORM treasury.raise_rule('sharing_rule_immutable_fields',
            format('sharing rule %s: id, fiscal_year, economic_code, area_code, created_at and created_by never change (put a new rule instead)', OLD.id),
            'sharing_rules');
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.sharing_rules_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION sharing_rules_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.sharing_rules_guard() IS 'Trigger function on sharing_rules: forces created_at/updated_at; only updated_at and updated_by change (sharing_rule_immutable_fields).';


--
-- Name: signature_specimens_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.signature_specimens_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


ALTER FUNCTION treasury.signature_specimens_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION signature_specimens_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.signature_specimens_guard() IS 'Trigger function on signature_specimens: nothing changes but a revocation, set once (specimen_immutable); revoked_at and created_at forced to now(); no delete (specimen_no_delete).';


--
-- Name: split_amount(bigint, bigint[], integer[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]) RETURNS bigint[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    v_n      int := coalesce(array_length(p_weights, 1), 0);
    v_total  numeric := 0;
    v_result bigint[] := ARRAY[]::bigint[];
    v_given  bigint := 0;
    v_best   int := 0;
    v_share  bigint;
BEGIN
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION 'split_amount: amount must be >= 0, got %', p_amount USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_n = 0 OR coalesce(array_length(p_ranks, 1), 0) <> v_n THEN
        RAISE EXCEPTION 'split_amount: weights and ranks must be non-empty arrays of the same length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        IF p_weights[i] IS NULL OR p_weights[i] < 0 OR p_ranks[i] IS NULL THEN
            RAISE EXCEPTION 'split_amount: weight % is % (must be >= 0), rank %', i, p_weights[i], p_ranks[i] USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_total := v_total + p_weights[i];
        -- The remainder goes to the largest weight; ties to the higher level (smaller rank), then the first.
        IF v_best = 0 OR p_weights[i] > p_weights[v_best]
           OR (p_weights[i] = p_weights[v_best] AND p_ranks[i] < p_ranks[v_best]) THEN
            v_best := i;
        END IF;
    END LOOP;
    IF v_total = 0 THEN
        RAISE EXCEPTION 'split_amount: the weights sum to 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        -- div() is the exact integer quotient: a numeric division is rounded at the scale
        -- PostgreSQL picks for its result (about 16 significant digits), so floor(a / b) could be
        -- one đồng high for large amounts. Operands are >= 0, so div() is the floor.
        v_share := div(p_amount::numeric * p_weights[i], v_total)::bigint;
        v_result := v_result || v_share;
        v_given := v_given + v_share;
    END LOOP;
    v_result[v_best] := v_result[v_best] + (p_amount - v_given);
    RETURN v_result;
END
$$;


ALTER FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]) IS 'The split rule of revenue sharing: share[i] = floor(amount * weight[i] / sum(weights)) computed exactly (div on numeric); the remainder goes to the largest weight, ties to the smaller rank (the higher budget level, CENTRAL = 1), then to the first. For a collection weights = basis points (sum 10000); for a refund weights = the collection''s share amounts (sum = collected). The result sums to amount exactly. 22023 on empty or mismatched arrays, negative weights or a zero sum.';


--
-- Name: split_collections(treasury.collection_batch_item[]); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.split_collections(p_items treasury.collection_batch_item[]) RETURNS treasury.collection_batch_item[]
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT i.*, i.answer IS NULL AND i.first_ord = i.ord AS to_record FROM unnest(p_items) i
        ), rule_levels AS MATERIALIZED (
            SELECT s.rule_id, array_agg(s.budget_level ORDER BY l.rank) AS levels,
                   array_agg(s.basis_points::bigint ORDER BY l.rank) AS basis_points, array_agg(l.rank ORDER BY l.rank) AS ranks
            FROM treasury.sharing_rule_shares s JOIN treasury.budget_levels l ON l.code = s.budget_level
            WHERE s.rule_id IN (SELECT i.rule_id FROM items i WHERE i.to_record)
            GROUP BY s.rule_id
        ), split AS MATERIALIZED (
            -- Ids are drawn in input order: volatile expressions are evaluated after the sort.
            SELECT i.*, r.levels AS split_levels,
                   CASE WHEN i.to_record THEN treasury.split_amount(i.amount, r.basis_points, r.ranks) END AS split_shares,
                   CASE WHEN i.to_record THEN nextval('treasury.collections_id_seq') END AS new_collection_id,
                   CASE WHEN i.to_record THEN nextval('treasury.journal_entries_id_seq') END AS new_entry_id
            FROM items i LEFT JOIN rule_levels r ON i.to_record AND r.rule_id = i.rule_id
            ORDER BY i.ord
        )
        SELECT array_agg(ROW(s.ord, s.bank_code, s.bank_ref, s.collected_on, s.payer_tax_id, s.payer_name, s.revenue_id,
                   s.chapter, s.economic_code, s.area_code, s.treasury_code, s.amount, s.dossier_id, s.request_hash,
                   s.rule_id, s.first_ord, s.answer, s.split_levels, s.split_shares, s.new_collection_id, s.new_entry_id,
                   CASE WHEN s.to_record THEN jsonb_build_object('collection_id', s.new_collection_id::text,
                       'entry_id', s.new_entry_id::text,
                       'shares', (SELECT jsonb_agg(jsonb_build_object('budget_level', x.level, 'amount', x.amount::text) ORDER BY x.n)
                                  FROM unnest(s.split_levels, s.split_shares) WITH ORDINALITY AS x(level, amount, n))) END
               )::treasury.collection_batch_item ORDER BY s.ord)
        FROM split s
    );
END
$$;


ALTER FUNCTION treasury.split_collections(p_items treasury.collection_batch_item[]) OWNER TO treasury_owner;

--
-- Name: FUNCTION split_collections(p_items treasury.collection_batch_item[]); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.split_collections(p_items treasury.collection_batch_item[]) IS 'Step 3 of record_collections: for each item to record (no answer, first of its bank key) its levels and shares (split_amount of the amount by the rule''s basis points, levels in rank order), collection_id and entry_id drawn from their sequences in input order, and new_result {"collection_id", "entry_id", "shares"}.';


--
-- Name: statement_reconciliation(bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.statement_reconciliation(p_statement_id bigint) RETURNS TABLE(bank_ref text, status text, bank_amount bigint, treasury_amount bigint)
    LANGUAGE sql STABLE
    AS $$
    WITH st AS (SELECT s.bank_code, s.statement_date FROM treasury.bank_statements s WHERE s.id = p_statement_id),
    b AS (SELECT l.bank_ref, l.amount FROM treasury.bank_statement_lines l WHERE l.statement_id = p_statement_id),
    t AS (SELECT x.bank_ref, x.amount FROM st, treasury.bank_day_transactions(st.bank_code, st.statement_date) x)
    SELECT coalesce(b.bank_ref, t.bank_ref),
           CASE WHEN t.bank_ref IS NULL THEN 'MISSING_IN_TREASURY'
                WHEN b.bank_ref IS NULL THEN 'MISSING_IN_BANK'
                WHEN b.amount = t.amount THEN 'MATCHED'
                ELSE 'AMOUNT_MISMATCH' END,
           b.amount, t.amount
    FROM b FULL JOIN t ON t.bank_ref = b.bank_ref
    ORDER BY 1
$$;


ALTER FUNCTION treasury.statement_reconciliation(p_statement_id bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION statement_reconciliation(p_statement_id bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.statement_reconciliation(p_statement_id bigint) IS 'A statement against the treasury''s collections and deposits of that bank and day (bank_day_transactions), one row per reference: MATCHED, AMOUNT_MISMATCH, MISSING_IN_TREASURY (on the statement only) or MISSING_IN_BANK (in the treasury only).';


--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.touch_updated_at() OWNER TO treasury_owner;

--
-- Name: FUNCTION touch_updated_at(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.touch_updated_at() IS 'Trigger function: sets updated_at = now() on every UPDATE of a reference row.';


--
-- Name: transfer(text, text, bigint, text, bigint, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_from   treasury.accounts%ROWTYPE;
    v_to     treasury.accounts%ROWTYPE;
    v_posted jsonb;
BEGIN
    SELECT * INTO v_from FROM treasury.accounts a WHERE a.account_no = p_from;
    SELECT * INTO v_to FROM treasury.accounts a WHERE a.account_no = p_to;
    IF v_from.account_no IS NULL OR v_to.account_no IS NULL THEN
        PERFORM treasury.raise_rule('account_not_found',
            format('account %s does not exist', CASE WHEN v_from.account_no IS NULL THEN p_from ELSE p_to END), 'accounts',
            jsonb_build_object('account', CASE WHEN v_from.account_no IS NULL THEN p_from ELSE p_to END));
    END IF;
    IF v_from.currency <> v_to.currency THEN
        PERFORM treasury.raise_rule('account_currency_mismatch',
            format('account %s holds %s, %s holds %s', p_from, v_from.currency, p_to, v_to.currency), 'journal_lines',
            jsonb_build_object('from_currency', v_from.currency, 'to_currency', v_to.currency));
    END IF;
    v_posted := treasury.post_entry(p_accounting_date, 'TRANSFER', NULL, v_from.treasury_code, p_memo, p_created_by, jsonb_build_array(
        jsonb_build_object('gl_account', '3711', 'account_no', p_from, 'currency', v_from.currency, 'debit', p_amount,
                           'unit_code', v_from.unit_code, 'treasury_code', v_from.treasury_code),
        jsonb_build_object('gl_account', '3711', 'account_no', p_to, 'currency', v_to.currency, 'credit', p_amount,
                           'unit_code', v_to.unit_code, 'treasury_code', v_to.treasury_code)));
    RETURN jsonb_build_object('entry_id', v_posted->'entry_id',
                              'from_balance', v_posted->'balances'->p_from, 'to_balance', v_posted->'balances'->p_to);
END
$$;


ALTER FUNCTION treasury.transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date) OWNER TO treasury_owner;

--
-- Name: FUNCTION transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date) IS 'Accounts/Transfer''s effects: debits p_from and credits p_to by p_amount (GL 3711, each line with its account''s unit and treasury) in one entry dated p_accounting_date. Refuses account_not_found and account_currency_mismatch itself; the ledger''s rules refuse the rest (account_not_active, account_non_negative, period_closed). Returns {"entry_id", "from_balance", "to_balance"} (decimal strings).';


--
-- Name: treasury_ancestors(text); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.treasury_ancestors(p_code text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_chain  text[] := ARRAY[]::text[];
    v_code   text := p_code;
    v_parent text;
BEGIN
    -- One primary-key probe per level, up to the root (refuse_tree_cycle keeps the tree a tree;
    -- the depth bound only guards against a damaged one).
    WHILE v_code IS NOT NULL AND cardinality(v_chain) < 1000 LOOP
        SELECT t.parent_code INTO v_parent FROM treasury.treasuries t WHERE t.code = v_code;
        EXIT WHEN NOT FOUND;
        v_chain := v_chain || v_code;
        v_code := v_parent;
    END LOOP;
    RETURN v_chain;
END
$$;


ALTER FUNCTION treasury.treasury_ancestors(p_code text) OWNER TO treasury_owner;

--
-- Name: FUNCTION treasury_ancestors(p_code text); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.treasury_ancestors(p_code text) IS 'The treasury code itself, then its parent, grandparent... up to the root (empty array for an unknown code). A grant T:X covers treasury Y when X = ANY(treasury_ancestors(Y)).';


--
-- Name: validate_collections(treasury.collection_batch_item[], date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date) RETURNS treasury.collection_batch_item[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_fiscal_year   int := extract(year FROM p_accounting_date)::int;
    -- A closed December still takes collections in the adjustment period (period 13).
    v_period_closed boolean := treasury.year_closed(v_fiscal_year)
                               OR (EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = v_fiscal_year
                                           AND p.month = extract(month FROM p_accounting_date)::int AND p.status = 'CLOSED')
                                   AND NOT (extract(month FROM p_accounting_date) = 12 AND treasury.year_adjusting(v_fiscal_year)));
BEGIN
    RETURN (
        WITH items AS MATERIALIZED (
            SELECT * FROM unnest(p_items)
        ), chapters AS MATERIALIZED (
            SELECT c.code, treasury.code_valid('CHAPTER', c.code, p_accounting_date) AS valid
            FROM (SELECT DISTINCT i.chapter AS code FROM items i) c
        ), economic_codes AS MATERIALIZED (
            SELECT c.code, treasury.code_valid('ECONOMIC', c.code, p_accounting_date) AS valid
            FROM (SELECT DISTINCT i.economic_code AS code FROM items i) c
        ), rules AS MATERIALIZED (
            -- A rule without shares yet (inside the transaction putting it) splits nothing.
            SELECT k.economic_code, k.area_code, r.id AS rule_id
            FROM (SELECT DISTINCT i.economic_code, i.area_code FROM items i) k
            CROSS JOIN LATERAL (SELECT treasury.sharing_rule_for(v_fiscal_year, k.economic_code, k.area_code) AS id) r
            WHERE EXISTS (SELECT 1 FROM treasury.sharing_rule_shares s WHERE s.rule_id = r.id)
        ), answered AS MATERIALIZED (
            SELECT i.*, rule.rule_id AS found_rule_id, CASE
                WHEN known_ref.kind = 'COLLECTION' AND known_ref.request_hash = i.request_hash THEN known_ref.result
                WHEN known_ref.kind IS NOT NULL THEN treasury.revenue_error('ALREADY_EXISTS', 'DUPLICATE_BANK_REF',
                    format('bank reference %s/%s was recorded with other content', i.bank_code, i.bank_ref))
                WHEN known_bank.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'BANK_NOT_FOUND',
                    format('bank %s does not exist', i.bank_code), 'bank_code')
                WHEN known_treasury.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'TREASURY_NOT_FOUND',
                    format('treasury %s does not exist', i.treasury_code), 'treasury_code')
                WHEN known_area.code IS NULL THEN treasury.revenue_error('NOT_FOUND', 'AREA_NOT_FOUND',
                    format('area %s does not exist', i.area_code), 'area_code')
                WHEN i.dossier_id IS NOT NULL AND known_dossier.id IS NULL THEN treasury.revenue_error('NOT_FOUND', 'DOSSIER_NOT_FOUND',
                    format('dossier %s does not exist', i.dossier_id), 'dossier_id')
                WHEN NOT chapter.valid THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID',
                    format('chapter %s is not valid on %s', i.chapter, p_accounting_date), 'chapter')
                WHEN NOT economic.valid THEN treasury.revenue_error('FAILED_PRECONDITION', 'CODE_NOT_VALID',
                    format('economic code %s is not valid on %s', i.economic_code, p_accounting_date), 'economic_code')
                WHEN v_period_closed THEN treasury.revenue_error('FAILED_PRECONDITION', 'PERIOD_CLOSED',
                    format('accounting date %s falls in a closed period', p_accounting_date))
                WHEN rule.rule_id IS NULL THEN treasury.revenue_error('FAILED_PRECONDITION', 'NO_SHARING_RULE',
                    format('no sharing rule for fiscal year %s, economic code %s, area %s', v_fiscal_year, i.economic_code, i.area_code))
                END AS found_answer
            FROM items i
            LEFT JOIN LATERAL (SELECT b.kind, b.request_hash, b.result FROM treasury.bank_transactions b
                               WHERE b.bank_code = i.bank_code AND b.bank_ref = i.bank_ref OFFSET 0) known_ref ON true
            LEFT JOIN treasury.banks known_bank ON known_bank.code = i.bank_code
            LEFT JOIN treasury.treasuries known_treasury ON known_treasury.code = i.treasury_code
            LEFT JOIN treasury.areas known_area ON known_area.code = i.area_code
            LEFT JOIN LATERAL (SELECT d.id FROM treasury.dossiers d
                               WHERE i.dossier_id IS NOT NULL AND d.id = i.dossier_id OFFSET 0) known_dossier ON true
            LEFT JOIN chapters chapter ON chapter.code = i.chapter
            LEFT JOIN economic_codes economic ON economic.code = i.economic_code
            LEFT JOIN rules rule ON rule.economic_code = i.economic_code AND rule.area_code = i.area_code
        ), ranked AS (
            -- The first accepted item of each bank key is the one recorded; a refused
            -- item does not take the key from a later valid one.
            SELECT a.*, CASE WHEN a.found_answer IS NULL THEN first_value(a.ord) OVER same_key END AS found_first_ord,
                   CASE WHEN a.found_answer IS NULL THEN first_value(a.request_hash) OVER same_key END AS first_hash
            FROM answered a
            WINDOW same_key AS (PARTITION BY a.found_answer IS NULL, a.bank_code, a.bank_ref ORDER BY a.ord)
        )
        SELECT array_agg(ROW(r.ord, r.bank_code, r.bank_ref, r.collected_on, r.payer_tax_id, r.payer_name, r.revenue_id,
                   r.chapter, r.economic_code, r.area_code, r.treasury_code, r.amount, r.dossier_id, r.request_hash,
                   r.found_rule_id, r.found_first_ord,
                   coalesce(r.found_answer, CASE WHEN r.first_hash <> r.request_hash THEN treasury.revenue_error('ALREADY_EXISTS',
                       'DUPLICATE_BANK_REF', format('bank reference %s/%s appears earlier in the batch with other content',
                       r.bank_code, r.bank_ref)) END),
                   NULL, NULL, NULL, NULL, NULL)::treasury.collection_batch_item ORDER BY r.ord)
        FROM ranked r
    );
END
$$;


ALTER FUNCTION treasury.validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date) OWNER TO treasury_owner;

--
-- Name: FUNCTION validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date) IS 'Step 2 of record_collections: sets each item''s answer when the database refuses it (DUPLICATE_BANK_REF, BANK_NOT_FOUND, TREASURY_NOT_FOUND, AREA_NOT_FOUND, DOSSIER_NOT_FOUND, CODE_NOT_VALID, PERIOD_CLOSED, NO_SHARING_RULE) or it replays a recorded collection; for the accepted ones the sharing rule_id and first_ord, the first accepted item of the same bank key.';


--
-- Name: verify(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.verify() RETURNS TABLE(check_name text, problem text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_check record;
BEGIN
    FOR v_check IN SELECT c.check_name, c.query FROM treasury.verify_checks c ORDER BY c.check_name LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, q.problem::text FROM (%s) AS q(problem)', v_check.check_name, v_check.query);
    END LOOP;
END
$$;


ALTER FUNCTION treasury.verify() OWNER TO treasury_owner;

--
-- Name: FUNCTION verify(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.verify() IS 'Runs every check registered in verify_checks over the whole database; one row (check_name, problem) per violation. Empty result = every invariant holds.';


--
-- Name: write_collections(treasury.collection_batch_item[], bigint, date); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date) RETURNS integer[]
    LANGUAGE plpgsql
    SET enable_nestloop TO 'off'
    AS $$
DECLARE
    v_recorded int[];
BEGIN
    WITH to_record AS MATERIALIZED (
        SELECT i.* FROM unnest(p_items) i WHERE i.answer IS NULL AND i.first_ord = i.ord
    ), bank_keys AS (
        INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, amount, request_hash, result, entry_id)
        SELECT t.bank_code, t.bank_ref, 'COLLECTION', t.amount, t.request_hash, t.new_result, t.entry_id
        FROM to_record t
        ON CONFLICT DO NOTHING
        RETURNING bank_code, bank_ref
    ), won AS MATERIALIZED (
        SELECT t.* FROM to_record t JOIN bank_keys k ON k.bank_code = t.bank_code AND k.bank_ref = t.bank_ref
    ), entries AS (
        INSERT INTO treasury.journal_entries (id, accounting_date, source_kind, source_id, treasury_code, memo, created_by)
        SELECT w.entry_id, p_accounting_date, 'COLLECTION', w.collection_id::text, w.treasury_code,
               'collection ' || w.bank_code || '/' || w.bank_ref, p_created_by
        FROM won w
    ), collections AS (
        INSERT INTO treasury.collections (id, bank_code, bank_ref, collected_on, payer_tax_id, payer_name, revenue_id, chapter,
            economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id, dossier_id, created_by)
        SELECT w.collection_id, w.bank_code, w.bank_ref, w.collected_on, w.payer_tax_id, w.payer_name, w.revenue_id, w.chapter,
            w.economic_code, w.area_code, w.treasury_code, w.amount, w.rule_id, w.entry_id, w.dossier_id, p_created_by
        FROM won w
    ), shares AS (
        INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
        SELECT w.collection_id, x.level, x.amount FROM won w, unnest(w.levels, w.shares) AS x(level, amount)
    ), lines AS (
        -- Dr 1130 the amount; Cr 7111 per level with a non-zero share.
        INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit, economic_code, budget_level,
            area_code, chapter, treasury_code, bank_code)
        SELECT w.entry_id, 1, '1130', w.amount, 0, NULL, NULL, NULL, NULL, w.treasury_code, w.bank_code FROM won w
        UNION ALL
        SELECT w.entry_id, 1 + row_number() OVER (PARTITION BY w.entry_id ORDER BY x.n), '7111', 0, x.amount, w.economic_code,
               x.level, w.area_code, w.chapter, w.treasury_code, NULL
        FROM won w, unnest(w.levels, w.shares) WITH ORDINALITY AS x(level, amount, n)
        WHERE x.amount > 0
    )
    SELECT array_agg(w.ord) INTO v_recorded FROM won w;
    RETURN v_recorded;
END
$$;


ALTER FUNCTION treasury.write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date) OWNER TO treasury_owner;

--
-- Name: FUNCTION write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date) IS 'Step 4 of record_collections: writes bank_transactions (ON CONFLICT DO NOTHING), journal_entries, collections, collection_shares and journal_lines of the items to record, in one statement; returns the ords of the items recorded (those whose bank key was not taken concurrently).';


--
-- Name: year_adjusting(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_adjusting(p_fiscal_year integer) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = p_fiscal_year AND p.month = 12 AND p.status = 'CLOSED');
END
$$;


ALTER FUNCTION treasury.year_adjusting(p_fiscal_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_adjusting(p_fiscal_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_adjusting(p_fiscal_year integer) IS 'True when postings dated into the year are adjustment-period (period 13) postings: its December is CLOSED (and, for them to post at all, the year is not closed).';


--
-- Name: year_closed(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_closed(p_fiscal_year integer) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.fiscal_year_closings c WHERE c.fiscal_year = p_fiscal_year);
END
$$;


ALTER FUNCTION treasury.year_closed(p_fiscal_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_closed(p_fiscal_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_closed(p_fiscal_year integer) IS 'True when the fiscal year is closed: it has a fiscal_year_closings row (its own close, or passed over empty by the close of the next year).';


--
-- Name: year_end_advances_guard(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_advances_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF pg_trigger_depth() <= 1 THEN
        PERFORM treasury.raise_rule('year_end_advances_by_close',
            format('advance %s is listed for fiscal year %s only by that year''s close', NEW.order_id, NEW.fiscal_year), 'year_end_advances');
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.year_end_advances_guard() OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_advances_guard(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_advances_guard() IS 'Trigger function: a year_end_advances row is inserted only by the year close (pg_trigger_depth() > 1), never by hand (year_end_advances_by_close).';


--
-- Name: year_end_cancel_orders(integer, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_cancel_orders(p_year integer, p_by bigint) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_count int;
BEGIN
    WITH stopped AS (
        UPDATE treasury.payment_orders o
        SET status = CASE o.status WHEN 'SUBMITTED' THEN 'CANCELLED' ELSE 'REJECTED' END,
            cancelled_by = CASE o.status WHEN 'SUBMITTED' THEN p_by END,
            rejected_by = CASE o.status WHEN 'APPROVED' THEN p_by END,
            reject_reason_code = CASE o.status WHEN 'APPROVED' THEN 'YEAR_CLOSED' END,
            note = format('stopped by the close of fiscal year %s', p_year)
        FROM treasury.allocations a
        WHERE a.id = o.allocation_id AND a.fiscal_year = p_year AND o.status IN ('SUBMITTED', 'APPROVED')
        RETURNING o.id, o.status, o.dossier_id
    ), dossiers AS (
        UPDATE treasury.dossiers d SET status = s.status
        FROM stopped s
        WHERE d.id = s.dossier_id AND d.status IN ('RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED')
    )
    SELECT count(*) INTO v_count FROM stopped;
    RETURN v_count;
END
$$;


ALTER FUNCTION treasury.year_end_cancel_orders(p_year integer, p_by bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_cancel_orders(p_year integer, p_by bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_cancel_orders(p_year integer, p_by bigint) IS 'Step 3 of year_end_close: the year''s SUBMITTED payment orders become CANCELLED and its APPROVED ones REJECTED (reason YEAR_CLOSED), by p_by, their open dossiers likewise; returns how many (pending is released by the order triggers).';


--
-- Name: year_end_carry_over(integer, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_carry_over(p_year integer, p_by bigint) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_carried numeric;
BEGIN
    WITH created AS (
        INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, unit_code, chapter, sector, source, program,
                                          amount, carried_over_from, note, created_by)
        SELECT p_year + 1, a.budget_level, a.purpose, a.treasury_code, a.unit_code, a.chapter, a.sector, a.source, a.program,
               a.carried_over, a.id, format('carried over from allocation %s of %s', a.id, p_year), p_by
        FROM treasury.allocations a
        WHERE a.fiscal_year = p_year AND a.carried_over > 0
        ORDER BY a.id
        RETURNING id, carried_over_from, amount
    ), plans AS (
        INSERT INTO treasury.capital_plans (allocation_id, project_code, fiscal_year, extended_from_year, created_by)
        SELECT c.id, p.project_code, p_year + 1, p_year, p_by
        FROM created c JOIN treasury.capital_plans p ON p.allocation_id = c.carried_over_from
    )
    SELECT coalesce(sum(c.amount), 0) INTO v_carried FROM created c;
    RETURN v_carried;
END
$$;


ALTER FUNCTION treasury.year_end_carry_over(p_year integer, p_by bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_carry_over(p_year integer, p_by bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_carry_over(p_year integer, p_by bigint) IS 'Step 7 of year_end_close: for each allocation of the year with carried_over > 0, a root allocation of the next year with the same budget level, purpose, treasury, unit and segments, amount = carried_over, carried_over_from = it; an allocation that is a capital plan also gets the next year''s extended plan (extended_from_year). Returns the total carried.';


--
-- Name: year_end_check_order(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_check_order(p_year integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_open int;
BEGIN
    SELECT min(m) INTO v_open FROM generate_series(1, 12) AS m
    WHERE NOT EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = p_year AND p.month = m AND p.status = 'CLOSED');
    IF v_open IS NOT NULL THEN
        PERFORM treasury.raise_rule('year_close_order',
            format('fiscal year %s cannot close while %s-%s is open: months 1-12 close before period 13', p_year, p_year, lpad(v_open::text, 2, '0')),
            'fiscal_year_closings', jsonb_build_object('fiscal_year', p_year, 'month', v_open));
    END IF;
    IF NOT treasury.year_closed(p_year - 1)
       AND (EXISTS (SELECT 1 FROM treasury.allocations a WHERE a.fiscal_year = p_year - 1)
            OR EXISTS (SELECT 1 FROM treasury.journal_entries e
                       WHERE e.accounting_date BETWEEN make_date(p_year - 1, 1, 1) AND make_date(p_year - 1, 12, 31))) THEN
        PERFORM treasury.raise_rule('previous_year_open',
            format('fiscal year %s cannot close while fiscal year %s is open: years close in order', p_year, p_year - 1),
            'fiscal_year_closings', jsonb_build_object('fiscal_year', p_year - 1));
    END IF;
END
$$;


ALTER FUNCTION treasury.year_end_check_order(p_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_check_order(p_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_check_order(p_year integer) IS 'Step 1 of year_end_close: refuses while a month 1-12 of the year is not CLOSED (year_close_order) or while the previous year, having any allocation or posting, is not closed (previous_year_open).';


--
-- Name: year_end_close(); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_close() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    -- A year passed over empty is written only by the next year's close (step 2).
    IF NEW.passed_over THEN
        IF pg_trigger_depth() <= 1 THEN
            PERFORM treasury.raise_rule('year_passed_over_by_close',
                format('fiscal year %s is passed over only by the close of %s, when it never had an allocation or a posting', NEW.fiscal_year, NEW.fiscal_year + 1),
                'fiscal_year_closings');
        END IF;
        NEW.closed_at := clock_timestamp();
        NEW.lapsed := 0;
        NEW.carried_over := 0;
        NEW.orders_cancelled := 0;
        RETURN NEW;
    END IF;
    PERFORM treasury.year_end_check_order(NEW.fiscal_year);
    -- Lock order of every spending path: allocations, then the journal. In-flight
    -- orders and postings finish first; later ones wait, then see the year closed.
    LOCK TABLE treasury.allocations IN EXCLUSIVE MODE;
    LOCK TABLE treasury.journal_entries IN SHARE ROW EXCLUSIVE MODE;
    -- The moment the close takes effect: every posting into the year began before it.
    NEW.closed_at := clock_timestamp();
    -- A close that waited for another close of the same year.
    IF treasury.year_closed(NEW.fiscal_year) THEN
        PERFORM treasury.raise_rule('year_already_closed', format('fiscal year %s is already closed', NEW.fiscal_year),
            'fiscal_year_closings', jsonb_build_object('fiscal_year', NEW.fiscal_year));
    END IF;
    PERFORM treasury.year_end_pass_over_previous(NEW.fiscal_year, NEW.closed_by);
    NEW.orders_cancelled := treasury.year_end_cancel_orders(NEW.fiscal_year, NEW.closed_by);
    PERFORM treasury.year_end_close_commitments(NEW.fiscal_year);
    PERFORM treasury.year_end_list_advances(NEW.fiscal_year);
    NEW.lapsed := treasury.year_end_lapse(NEW.fiscal_year);
    NEW.carried_over := treasury.year_end_carry_over(NEW.fiscal_year, NEW.closed_by);
    RETURN NEW;
END
$$;


ALTER FUNCTION treasury.year_end_close() OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_close(); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_close() IS 'Trigger function: the year-end close, run by inserting the year''s fiscal_year_closings row (a passed_over row, only from the next year''s close, year_passed_over_by_close, does nothing else): checks the order (year_end_check_order), locks allocations and journal_entries, refuses a year closed meanwhile (year_already_closed), then year_end_pass_over_previous, year_end_cancel_orders, year_end_close_commitments, year_end_list_advances, year_end_lapse, year_end_carry_over, and fills the row''s figures. The row''s existence then closes the year (year_closed).';


--
-- Name: year_end_close_commitments(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_close_commitments(p_year integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE treasury.commitments c SET status = 'CLOSED'
    FROM treasury.allocations a
    WHERE a.id = c.allocation_id AND a.fiscal_year = p_year AND c.status = 'OPEN';
END
$$;


ALTER FUNCTION treasury.year_end_close_commitments(p_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_close_commitments(p_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_close_commitments(p_year integer) IS 'Step 4 of year_end_close: the year''s OPEN commitments become CLOSED (committed is released by the commitment trigger); a contract carried over is registered again against next year''s allocation.';


--
-- Name: year_end_lapse(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_lapse(p_year integer) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_lapsed numeric;
BEGIN
    WITH lapsing AS (
        UPDATE treasury.allocations a
        SET lapsed = a.amount - a.sub_allocated - a.spent - a.advanced - a.carried_over
        WHERE a.fiscal_year = p_year AND a.amount - a.sub_allocated - a.spent - a.advanced - a.carried_over > 0
        RETURNING a.lapsed
    )
    SELECT coalesce(sum(l.lapsed), 0) INTO v_lapsed FROM lapsing l;
    RETURN v_lapsed;
END
$$;


ALTER FUNCTION treasury.year_end_lapse(p_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_lapse(p_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_lapse(p_year integer) IS 'Step 6 of year_end_close (after steps 3 and 4 emptied pending and committed): sets each allocation''s lapsed to its own share neither spent, advanced nor carried over; returns the total.';


--
-- Name: year_end_list_advances(integer); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_list_advances(p_year integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO treasury.year_end_advances (fiscal_year, order_id, outstanding, disposition, due_on)
    SELECT p_year, o.id, o.amount - o.settled,
           CASE WHEN o.contract_id IS NOT NULL OR a.purpose = 'INVESTMENT' OR a.carried_over > 0 THEN 'ROLLED_FORWARD' ELSE 'TO_RECOVER' END,
           CASE WHEN o.contract_id IS NOT NULL OR a.purpose = 'INVESTMENT' OR a.carried_over > 0 THEN NULL ELSE make_date(p_year + 1, 2, 15) END
    FROM treasury.payment_orders o JOIN treasury.allocations a ON a.id = o.allocation_id
    WHERE a.fiscal_year = p_year AND o.kind = 'ADVANCE' AND o.status = 'PAID' AND o.settled < o.amount;
END
$$;


ALTER FUNCTION treasury.year_end_list_advances(p_year integer) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_list_advances(p_year integer); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_list_advances(p_year integer) IS 'Step 5 of year_end_close: one year_end_advances row per PAID advance of the year not fully settled: ROLLED_FORWARD for investment advances and advances of an allocation with a carry-over, else TO_RECOVER by 15 February of the next year.';


--
-- Name: year_end_pass_over_previous(integer, bigint); Type: FUNCTION; Schema: treasury; Owner: treasury_owner
--

CREATE FUNCTION treasury.year_end_pass_over_previous(p_year integer, p_by bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NOT treasury.year_closed(p_year - 1) THEN
        INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by, passed_over) VALUES (p_year - 1, p_by, true);
    END IF;
END
$$;


ALTER FUNCTION treasury.year_end_pass_over_previous(p_year integer, p_by bigint) OWNER TO treasury_owner;

--
-- Name: FUNCTION year_end_pass_over_previous(p_year integer, p_by bigint); Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON FUNCTION treasury.year_end_pass_over_previous(p_year integer, p_by bigint) IS 'Step 2 of year_end_close: when the previous year is not closed (so, by step 1, empty), inserts its fiscal_year_closings row with passed_over = true.';


--
-- Name: treasury_schema_migrations; Type: TABLE; Schema: public; Owner: treasury_owner
--

CREATE TABLE public.treasury_schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.treasury_schema_migrations OWNER TO treasury_owner;

--
-- Name: TABLE treasury_schema_migrations; Type: COMMENT; Schema: public; Owner: treasury_owner
--

COMMENT ON TABLE public.treasury_schema_migrations IS 'Migration files (sql/migrations/NNNN_name.sql) applied to this database, one row per file, written by the service''s migrator in the same transaction as the file. A file already recorded is not run again; one whose text no longer matches its checksum stops the migrator (add a new file instead of editing an applied one). Do not edit by hand.';


--
-- Name: COLUMN treasury_schema_migrations.version; Type: COMMENT; Schema: public; Owner: treasury_owner
--

COMMENT ON COLUMN public.treasury_schema_migrations.version IS 'Number of the file: the four leading digits of its name (0001_roles.sql = 1); files are applied in this order.';


--
-- Name: COLUMN treasury_schema_migrations.name; Type: COMMENT; Schema: public; Owner: treasury_owner
--

COMMENT ON COLUMN public.treasury_schema_migrations.name IS 'File name as applied, e.g. 0001_roles.sql.';


--
-- Name: COLUMN treasury_schema_migrations.checksum; Type: COMMENT; Schema: public; Owner: treasury_owner
--

COMMENT ON COLUMN public.treasury_schema_migrations.checksum IS 'SHA-256 of the file text (UTF-8), 64 lower-case hex digits; compared with the file each time the migrator runs.';


--
-- Name: COLUMN treasury_schema_migrations.applied_at; Type: COMMENT; Schema: public; Owner: treasury_owner
--

COMMENT ON COLUMN public.treasury_schema_migrations.applied_at IS 'When the file was applied (start of its transaction).';


--
-- Name: acceptances; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.acceptances (
    id bigint NOT NULL,
    contract_id bigint NOT NULL,
    acceptance_no text NOT NULL,
    accepted_on date NOT NULL,
    accepted_value bigint NOT NULL,
    recovery bigint DEFAULT 0 NOT NULL,
    retention bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT acceptance_no_present CHECK (((length(btrim(acceptance_no)) >= 1) AND (length(btrim(acceptance_no)) <= 64))),
    CONSTRAINT acceptance_split CHECK (((recovery >= 0) AND (retention >= 0) AND (recovery < accepted_value) AND (((recovery)::numeric + (retention)::numeric) <= (accepted_value)::numeric))),
    CONSTRAINT acceptance_value_range CHECK (((accepted_value > 0) AND (accepted_value <= '1000000000000000000'::bigint)))
);


ALTER TABLE treasury.acceptances OWNER TO treasury_owner;

--
-- Name: TABLE acceptances; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.acceptances IS 'Completed-volume statements (form 03.a) filed for payment, each with the advance recovery and retention of the one payment order that pays it (payment_orders.acceptance_id): gross = accepted_value, order amount = gross - recovery, net = that - retention. A statement counts (accepted, rule 8) while its order is SUBMITTED, APPROVED or PAID; after a rejection it is filed again as a new row. Append-only (ledger_append_only).';


--
-- Name: COLUMN acceptances.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.id IS 'Acceptance id.';


--
-- Name: COLUMN acceptances.contract_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.contract_id IS 'The contract.';


--
-- Name: COLUMN acceptances.acceptance_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.acceptance_no IS 'Number of the statement; not unique: a statement whose payment was rejected is filed again.';


--
-- Name: COLUMN acceptances.accepted_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.accepted_on IS 'Date the completed volume was accepted (decides the fiscal year in the adjustment period).';


--
-- Name: COLUMN acceptances.accepted_value; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.accepted_value IS 'Value of the work accepted, dong: the payment''s gross. The accepted values of a contract''s orders in flight and paid never pass its value (contract_value_exceeded).';


--
-- Name: COLUMN acceptances.recovery; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.recovery IS 'Advance recovered by deduction from this payment, 0 <= recovery < accepted_value (acceptance_split); the recoveries of a contract never pass its advances paid (recovery_exceeds_advance). Booked as advance settlements when the payment is PAID.';


--
-- Name: COLUMN acceptances.retention; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.retention IS 'Part of the payment kept back (to the investor''s deposit account); recovery + retention <= accepted_value. Counts as disbursed.';


--
-- Name: COLUMN acceptances.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.created_at IS 'When it was filed (forced to now()).';


--
-- Name: COLUMN acceptances.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.acceptances.created_by IS 'User who filed it.';


--
-- Name: acceptances_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.acceptances_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.acceptances_id_seq OWNER TO treasury_owner;

--
-- Name: acceptances_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.acceptances_id_seq OWNED BY treasury.acceptances.id;


--
-- Name: accounts; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.accounts (
    account_no text DEFAULT treasury.next_account_no() NOT NULL,
    unit_code text NOT NULL,
    treasury_code text NOT NULL,
    currency text DEFAULT 'VND'::text NOT NULL,
    status text NOT NULL,
    balance bigint DEFAULT 0 NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    activated_at timestamp with time zone,
    closed_at timestamp with time zone,
    frozen_reason text,
    created_by bigint,
    CONSTRAINT accounts_account_no_check CHECK ((account_no ~ '^[0-9]{10}$'::text)),
    CONSTRAINT accounts_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT accounts_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'ACTIVE'::text, 'FROZEN'::text, 'CLOSED'::text])))
);


ALTER TABLE treasury.accounts OWNER TO treasury_owner;

--
-- Name: TABLE accounts; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.accounts IS 'Transaction accounts of budget units at the treasury: sub-accounts of GL 3711 inside the Treasury Single Account. balance is maintained only by posting journal lines (account_balance_from_lines).';


--
-- Name: COLUMN accounts.account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.account_no IS 'Account number, 10 digits (3711 + serial, see next_account_no). Immutable.';


--
-- Name: COLUMN accounts.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.unit_code IS 'Budget unit holding the account. Immutable.';


--
-- Name: COLUMN accounts.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.treasury_code IS 'Treasury keeping the account. Immutable.';


--
-- Name: COLUMN accounts.currency; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.currency IS 'ISO 4217 currency, VND by default. Immutable; every line must be in it.';


--
-- Name: COLUMN accounts.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.status IS 'PENDING, ACTIVE, FROZEN or CLOSED; changes only along the state machine (account_status_transition). Only ACTIVE takes postings.';


--
-- Name: COLUMN accounts.balance; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.balance IS 'Current balance in minor units (dong) = sum(credit - debit) of its journal lines; never negative; written only by the line-posting trigger.';


--
-- Name: COLUMN accounts.opened_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.opened_at IS 'When the account was requested or opened. Immutable.';


--
-- Name: COLUMN accounts.activated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.activated_at IS 'When it first became ACTIVE (set by trigger).';


--
-- Name: COLUMN accounts.closed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.closed_at IS 'When it became CLOSED (set by trigger).';


--
-- Name: COLUMN accounts.frozen_reason; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.frozen_reason IS 'Why it was frozen (free text).';


--
-- Name: COLUMN accounts.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.accounts.created_by IS 'User who opened it.';


--
-- Name: journal_lines; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.journal_lines (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    line_no integer NOT NULL,
    gl_account text NOT NULL,
    account_no text,
    currency text DEFAULT 'VND'::text NOT NULL,
    debit bigint DEFAULT 0 NOT NULL,
    credit bigint DEFAULT 0 NOT NULL,
    balance_after bigint,
    fund text,
    economic_code text,
    budget_level text,
    unit_code text,
    area_code text,
    chapter text,
    sector text,
    program text,
    treasury_code text,
    source text,
    reserve text,
    bank_code text,
    project_code text,
    CONSTRAINT journal_lines_amount_limit CHECK (((debit <= '1000000000000000000'::bigint) AND (credit <= '1000000000000000000'::bigint))),
    CONSTRAINT journal_lines_chapter_check CHECK ((chapter ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT journal_lines_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT journal_lines_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT journal_lines_fund_check CHECK ((fund ~ '^[0-9A-Z]{1,2}$'::text)),
    CONSTRAINT journal_lines_line_no_check CHECK ((line_no >= 1)),
    CONSTRAINT journal_lines_one_side CHECK (((debit >= 0) AND (credit >= 0) AND ((debit > 0) <> (credit > 0)))),
    CONSTRAINT journal_lines_program_check CHECK ((program ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT journal_lines_reserve_check CHECK ((reserve ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT journal_lines_sector_check CHECK ((sector ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT journal_lines_source_check CHECK ((source ~ '^[0-9A-Z]{1,10}$'::text))
);


ALTER TABLE treasury.journal_lines OWNER TO treasury_owner;

--
-- Name: TABLE journal_lines; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.journal_lines IS 'Journal lines: a debit or a credit on a GL account with its TABMIS segments. Lines naming an account_no move that account''s balance (in id order). Append-only; only added by the transaction that created the entry.';


--
-- Name: COLUMN journal_lines.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.id IS 'Line id; for lines with an account_no it is taken after the account lock, so id order is posting order per account.';


--
-- Name: COLUMN journal_lines.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.entry_id IS 'The entry the line belongs to.';


--
-- Name: COLUMN journal_lines.line_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.line_no IS 'Position of the line in the entry (1-based, as given to post_entry).';


--
-- Name: COLUMN journal_lines.gl_account; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.gl_account IS 'GL account (segment, 4 digits).';


--
-- Name: COLUMN journal_lines.account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.account_no IS 'Transaction account (sub-ledger of 3711) whose balance this line moves; required exactly on subledger GL accounts.';


--
-- Name: COLUMN journal_lines.currency; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.currency IS 'Currency of the amount; must equal the account''s currency when account_no is set.';


--
-- Name: COLUMN journal_lines.debit; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.debit IS 'Debit amount in minor units; exactly one of debit and credit is positive.';


--
-- Name: COLUMN journal_lines.credit; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.credit IS 'Credit amount in minor units; exactly one of debit and credit is positive.';


--
-- Name: COLUMN journal_lines.balance_after; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.balance_after IS 'Balance of account_no right after this line (set by trigger; NULL without account_no).';


--
-- Name: COLUMN journal_lines.fund; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.fund IS 'Segment: fund (2).';


--
-- Name: COLUMN journal_lines.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.economic_code IS 'Segment: economic content code (muc/tieu muc, 4).';


--
-- Name: COLUMN journal_lines.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.budget_level IS 'Segment: budget level.';


--
-- Name: COLUMN journal_lines.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.unit_code IS 'Segment: budget-unit code DVQHNS (7).';


--
-- Name: COLUMN journal_lines.area_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.area_code IS 'Segment: area (5).';


--
-- Name: COLUMN journal_lines.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.chapter IS 'Segment: chapter / chuong (3).';


--
-- Name: COLUMN journal_lines.sector; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.sector IS 'Segment: sector / loai-khoan (3).';


--
-- Name: COLUMN journal_lines.program; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.program IS 'Segment: program / CTMT (5).';


--
-- Name: COLUMN journal_lines.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.treasury_code IS 'Segment: treasury code KBNN (4).';


--
-- Name: COLUMN journal_lines.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.source IS 'Segment: source / nguon (2).';


--
-- Name: COLUMN journal_lines.reserve; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.reserve IS 'Segment: reserve (3).';


--
-- Name: COLUMN journal_lines.bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.bank_code IS 'Commercial bank involved (collections, deposits, payments out).';


--
-- Name: COLUMN journal_lines.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_lines.project_code IS 'Segment: public investment project (projects) of an advance or a payment under one of its contracts.';


--
-- Name: account_balances; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.account_balances AS
 SELECT a.account_no,
    a.unit_code,
    a.treasury_code,
    a.currency,
    a.status,
    a.balance,
    (COALESCE(s.ledger_balance, (0)::numeric))::bigint AS ledger_balance,
    ((a.balance)::numeric = COALESCE(s.ledger_balance, (0)::numeric)) AS matches
   FROM (treasury.accounts a
     LEFT JOIN ( SELECT l.account_no,
            sum((l.credit - l.debit)) AS ledger_balance
           FROM treasury.journal_lines l
          WHERE (l.account_no IS NOT NULL)
          GROUP BY l.account_no) s ON ((s.account_no = a.account_no)));


ALTER TABLE treasury.account_balances OWNER TO treasury_owner;

--
-- Name: VIEW account_balances; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.account_balances IS 'Each transaction account with its stored balance and the balance recomputed from its journal lines; matches is false when they differ (never, unless triggers were disabled).';


--
-- Name: COLUMN account_balances.account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.account_no IS 'Account number.';


--
-- Name: COLUMN account_balances.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.unit_code IS 'Budget unit holding the account.';


--
-- Name: COLUMN account_balances.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.treasury_code IS 'Treasury keeping the account.';


--
-- Name: COLUMN account_balances.currency; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.currency IS 'Currency of the account.';


--
-- Name: COLUMN account_balances.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.status IS 'Account status.';


--
-- Name: COLUMN account_balances.balance; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.balance IS 'Stored balance (accounts.balance).';


--
-- Name: COLUMN account_balances.ledger_balance; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.ledger_balance IS 'sum(credit - debit) of the account''s journal lines.';


--
-- Name: COLUMN account_balances.matches; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.account_balances.matches IS 'balance = ledger_balance.';


--
-- Name: account_no_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.account_no_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    MAXVALUE 999999
    CACHE 1;


ALTER TABLE treasury.account_no_seq OWNER TO treasury_owner;

--
-- Name: SEQUENCE account_no_seq; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON SEQUENCE treasury.account_no_seq IS 'Serial part of new account numbers (next_account_no).';


--
-- Name: advance_settlements; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.advance_settlements (
    id bigint NOT NULL,
    order_id bigint NOT NULL,
    amount bigint NOT NULL,
    economic_code text NOT NULL,
    entry_id bigint NOT NULL,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    recovery_order_id bigint,
    CONSTRAINT advance_settlements_amount_check CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT advance_settlements_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text))
);


ALTER TABLE treasury.advance_settlements OWNER TO treasury_owner;

--
-- Name: TABLE advance_settlements; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.advance_settlements IS 'Settlements of PAID advances: each turns part of the outstanding advance into spending (allocation.advanced -> spent, order.settled grows); never beyond the advance (advance_settlement_within_advance). A contract advance (public investment) is settled only by the recoveries of its contract''s payments, booked when each is paid (recovery_order_id). Append-only (ledger_append_only).';


--
-- Name: COLUMN advance_settlements.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.id IS 'Sequence number.';


--
-- Name: COLUMN advance_settlements.order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.order_id IS 'The advance (a PAID payment order of kind ADVANCE).';


--
-- Name: COLUMN advance_settlements.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.amount IS 'Amount settled, 1..outstanding.';


--
-- Name: COLUMN advance_settlements.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.economic_code IS 'Economic content code of the spending justified.';


--
-- Name: COLUMN advance_settlements.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.entry_id IS 'Journal entry posted (Dr 8111 / Cr 1310).';


--
-- Name: COLUMN advance_settlements.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.dossier_id IS 'ADVANCE_SETTLEMENT dossier, if any.';


--
-- Name: COLUMN advance_settlements.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.created_at IS 'When (forced to now()).';


--
-- Name: COLUMN advance_settlements.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.created_by IS 'User who settled.';


--
-- Name: COLUMN advance_settlements.recovery_order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.advance_settlements.recovery_order_id IS 'Public investment: the contract PAYMENT whose advance recovery this row books (written only by payment_orders_book_recovery when that payment is PAID; entry_id is the payment''s entry). NULL for a regular settlement (Spending/SettleAdvance). A contract advance is settled only so (advance_recovery_by_payment).';


--
-- Name: advance_settlements_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.advance_settlements_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.advance_settlements_id_seq OWNER TO treasury_owner;

--
-- Name: advance_settlements_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.advance_settlements_id_seq OWNED BY treasury.advance_settlements.id;


--
-- Name: allocation_adjustments; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.allocation_adjustments (
    id bigint NOT NULL,
    allocation_id bigint NOT NULL,
    delta bigint NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT allocation_adjustments_delta_check CHECK (((delta <> 0) AND ((delta >= '-1000000000000000000'::bigint) AND (delta <= '1000000000000000000'::bigint)))),
    CONSTRAINT allocation_adjustments_reason_check CHECK ((length(btrim(reason)) > 0))
);


ALTER TABLE treasury.allocation_adjustments OWNER TO treasury_owner;

--
-- Name: TABLE allocation_adjustments; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.allocation_adjustments IS 'History of Budget/Adjust: inserting a row adds delta to the allocation''s amount (trigger); a child''s change draws on or returns to its parent. Append-only (ledger_append_only).';


--
-- Name: COLUMN allocation_adjustments.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.id IS 'Sequence number.';


--
-- Name: COLUMN allocation_adjustments.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.allocation_id IS 'The allocation adjusted.';


--
-- Name: COLUMN allocation_adjustments.delta; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.delta IS 'Signed change of the amount, non-zero: positive raises, negative cuts.';


--
-- Name: COLUMN allocation_adjustments.reason; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.reason IS 'Why (required, not blank).';


--
-- Name: COLUMN allocation_adjustments.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.created_at IS 'When (forced to now()).';


--
-- Name: COLUMN allocation_adjustments.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.allocation_adjustments.created_by IS 'User who adjusted.';


--
-- Name: allocation_adjustments_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.allocation_adjustments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.allocation_adjustments_id_seq OWNER TO treasury_owner;

--
-- Name: allocation_adjustments_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.allocation_adjustments_id_seq OWNED BY treasury.allocation_adjustments.id;


--
-- Name: allocations_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.allocations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.allocations_id_seq OWNER TO treasury_owner;

--
-- Name: allocations_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.allocations_id_seq OWNED BY treasury.allocations.id;


--
-- Name: api_tokens; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.api_tokens (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT api_tokens_token_hash_check CHECK ((octet_length(token_hash) = 32))
);


ALTER TABLE treasury.api_tokens OWNER TO treasury_owner;

--
-- Name: TABLE api_tokens; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.api_tokens IS 'Bearer tokens. Only the SHA-256 of the token is stored; the token is shown once. Only revoked_at may change, once (trigger api_token_immutable).';


--
-- Name: COLUMN api_tokens.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.id IS 'Token id (token_id in the API).';


--
-- Name: COLUMN api_tokens.user_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.user_id IS 'Owner of the token.';


--
-- Name: COLUMN api_tokens.token_hash; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.token_hash IS 'sha256(token text), 32 bytes; the token itself is never stored.';


--
-- Name: COLUMN api_tokens.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.created_at IS 'When the token was issued.';


--
-- Name: COLUMN api_tokens.expires_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.expires_at IS 'Expiry; NULL = never expires.';


--
-- Name: COLUMN api_tokens.revoked_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.api_tokens.revoked_at IS 'When the token was revoked; NULL = not revoked.';


--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.api_tokens_id_seq OWNER TO treasury_owner;

--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.api_tokens_id_seq OWNED BY treasury.api_tokens.id;


--
-- Name: areas; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.areas (
    code text NOT NULL,
    name text NOT NULL,
    parent_code text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT area_no_cycle CHECK (((parent_code IS NULL) OR (parent_code <> code))),
    CONSTRAINT areas_code_check CHECK ((code ~ '^[0-9]{5}$'::text))
);


ALTER TABLE treasury.areas OWNER TO treasury_owner;

--
-- Name: TABLE areas; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.areas IS 'Administrative areas (GSO codes padded to 5 digits), the "area" segment of a posting. No cycles (trigger area_no_cycle).';


--
-- Name: COLUMN areas.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.areas.code IS 'GSO administrative code, left-padded with zeros to 5 digits.';


--
-- Name: COLUMN areas.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.areas.name IS 'Name of the area.';


--
-- Name: COLUMN areas.parent_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.areas.parent_code IS 'Enclosing area; NULL for a root.';


--
-- Name: COLUMN areas.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.areas.updated_at IS 'Last change (set by trigger).';


--
-- Name: audit_log; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    user_id bigint,
    action text NOT NULL,
    object_kind text,
    object_id text,
    details jsonb,
    client_certificate text
);


ALTER TABLE treasury.audit_log OWNER TO treasury_owner;

--
-- Name: TABLE audit_log; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.audit_log IS 'Who did what and when. Append-only (ledger_append_only).';


--
-- Name: COLUMN audit_log.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.id IS 'Sequence number.';


--
-- Name: COLUMN audit_log.at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.at IS 'When it happened.';


--
-- Name: COLUMN audit_log.user_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.user_id IS 'Acting user (no foreign key: the log outlives everything); NULL for the system.';


--
-- Name: COLUMN audit_log.action; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.action IS 'What was done, e.g. the method name.';


--
-- Name: COLUMN audit_log.object_kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.object_kind IS 'Kind of object acted on (ACCOUNT, ENTRY, USER...).';


--
-- Name: COLUMN audit_log.object_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.object_id IS 'Id of the object acted on.';


--
-- Name: COLUMN audit_log.details; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.details IS 'Anything else worth keeping, as JSON.';


--
-- Name: COLUMN audit_log.client_certificate; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.audit_log.client_certificate IS 'Subject of the verified TLS client certificate the call came over (mutual TLS, e.g. CN=VCB,O=Vietcombank,C=VN); NULL over clear text or TLS without client certificates.';


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.audit_log_id_seq OWNER TO treasury_owner;

--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.audit_log_id_seq OWNED BY treasury.audit_log.id;


--
-- Name: balance_reconciliations; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.balance_reconciliations (
    dossier_id bigint NOT NULL,
    account_no text NOT NULL,
    as_of date NOT NULL,
    balance_seen bigint NOT NULL,
    treasury_balance bigint NOT NULL,
    requested_by bigint,
    confirmed_by bigint,
    confirmed_at timestamp with time zone,
    note text,
    CONSTRAINT balance_reconciliation_confirmation_shape CHECK ((((confirmed_at IS NULL) = (confirmed_by IS NULL)) AND ((note IS NULL) OR (confirmed_at IS NOT NULL)))),
    CONSTRAINT balance_reconciliation_seen_range CHECK (((balance_seen >= 0) AND (balance_seen <= '1000000000000000000'::bigint))),
    CONSTRAINT balance_reconciliation_treasury_range CHECK ((treasury_balance >= 0)),
    CONSTRAINT balance_reconciliations_note_check CHECK ((length(note) <= 2000))
);


ALTER TABLE treasury.balance_reconciliations OWNER TO treasury_owner;

--
-- Name: TABLE balance_reconciliations; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.balance_reconciliations IS 'Balance reconciliations with units (procedure BALANCE_RECONCILIATION): the balance a unit saw for an account at the end of as_of and the treasury''s own, confirmed once by an officer. Request columns never change, the confirmation is written once, no row is deleted (balance_reconciliation_guard).';


--
-- Name: COLUMN balance_reconciliations.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.dossier_id IS 'The BALANCE_RECONCILIATION dossier this is the content of (one row per dossier).';


--
-- Name: COLUMN balance_reconciliations.account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.account_no IS 'Account reconciled. Immutable.';


--
-- Name: COLUMN balance_reconciliations.as_of; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.as_of IS 'Local day (Asia/Ho_Chi_Minh) whose closing balance is reconciled; not after the day of the request. Immutable.';


--
-- Name: COLUMN balance_reconciliations.balance_seen; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.balance_seen IS 'Balance the unit''s books show at the end of as_of, minor units. Immutable.';


--
-- Name: COLUMN balance_reconciliations.treasury_balance; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.treasury_balance IS 'Treasury''s balance at the end of as_of when requested: the sum of the account''s journal lines (credit - debit) dated on or before as_of. Immutable.';


--
-- Name: COLUMN balance_reconciliations.requested_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.requested_by IS 'Unit accountant who asked.';


--
-- Name: COLUMN balance_reconciliations.confirmed_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.confirmed_by IS 'Treasury officer who confirmed; set once, with confirmed_at.';


--
-- Name: COLUMN balance_reconciliations.confirmed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.confirmed_at IS 'When it was confirmed (its dossier COMPLETED); set once, with confirmed_by.';


--
-- Name: COLUMN balance_reconciliations.note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.balance_reconciliations.note IS 'Officer''s note on confirming, e.g. how a difference is explained; set only with the confirmation.';


--
-- Name: bank_statement_lines; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.bank_statement_lines (
    statement_id bigint NOT NULL,
    line_no integer NOT NULL,
    bank_ref text NOT NULL,
    amount bigint NOT NULL,
    CONSTRAINT bank_statement_lines_amount_check CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT bank_statement_lines_bank_ref_check CHECK (((length(bank_ref) >= 1) AND (length(bank_ref) <= 64))),
    CONSTRAINT bank_statement_lines_line_no_check CHECK ((line_no >= 1))
);


ALTER TABLE treasury.bank_statement_lines OWNER TO treasury_owner;

--
-- Name: TABLE bank_statement_lines; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.bank_statement_lines IS 'Lines of a bank statement: the bank''s reference and amount of each collection or deposit; a reference appears once per statement. Append-only.';


--
-- Name: COLUMN bank_statement_lines.statement_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statement_lines.statement_id IS 'The statement.';


--
-- Name: COLUMN bank_statement_lines.line_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statement_lines.line_no IS 'Position in the statement, from 1.';


--
-- Name: COLUMN bank_statement_lines.bank_ref; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statement_lines.bank_ref IS 'The bank''s reference (bank_transactions.bank_ref).';


--
-- Name: COLUMN bank_statement_lines.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statement_lines.amount IS 'Amount the bank reports, minor units.';


--
-- Name: bank_statements; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.bank_statements (
    id bigint NOT NULL,
    bank_code text NOT NULL,
    statement_date date NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by bigint
);


ALTER TABLE treasury.bank_statements OWNER TO treasury_owner;

--
-- Name: TABLE bank_statements; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.bank_statements IS 'Daily statements imported from a commercial bank (ImportBankStatement); a day may be imported again (each import is kept). Append-only.';


--
-- Name: COLUMN bank_statements.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statements.id IS 'Statement id.';


--
-- Name: COLUMN bank_statements.bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statements.bank_code IS 'Bank that sent the statement.';


--
-- Name: COLUMN bank_statements.statement_date; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statements.statement_date IS 'Day the statement covers.';


--
-- Name: COLUMN bank_statements.imported_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statements.imported_at IS 'When it was imported.';


--
-- Name: COLUMN bank_statements.imported_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_statements.imported_by IS 'User who imported it.';


--
-- Name: bank_statements_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.bank_statements_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.bank_statements_id_seq OWNER TO treasury_owner;

--
-- Name: bank_statements_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.bank_statements_id_seq OWNED BY treasury.bank_statements.id;


--
-- Name: bank_transactions; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.bank_transactions (
    bank_code text NOT NULL,
    bank_ref text NOT NULL,
    kind text NOT NULL,
    account_no text,
    amount bigint NOT NULL,
    request_hash bytea NOT NULL,
    result jsonb NOT NULL,
    entry_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT bank_transactions_amount_check CHECK ((amount > 0)),
    CONSTRAINT bank_transactions_bank_ref_check CHECK (((length(bank_ref) >= 1) AND (length(bank_ref) <= 64))),
    CONSTRAINT bank_transactions_kind_check CHECK ((kind = ANY (ARRAY['DEPOSIT'::text, 'COLLECTION'::text])))
);


ALTER TABLE treasury.bank_transactions OWNER TO treasury_owner;

--
-- Name: TABLE bank_transactions; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.bank_transactions IS 'Business key (bank_code, bank_ref) of every deposit or collection forwarded by a bank: a replay with the same content returns result, other content is DUPLICATE_BANK_REF. Append-only (ledger_append_only).';


--
-- Name: COLUMN bank_transactions.bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.bank_code IS 'Bank that forwarded the money.';


--
-- Name: COLUMN bank_transactions.bank_ref; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.bank_ref IS 'The bank''s own reference, 1-64 characters; unique per bank.';


--
-- Name: COLUMN bank_transactions.kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.kind IS 'DEPOSIT (into a unit account) or COLLECTION (budget revenue).';


--
-- Name: COLUMN bank_transactions.account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.account_no IS 'Credited account for a deposit.';


--
-- Name: COLUMN bank_transactions.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.amount IS 'Amount in minor units, positive.';


--
-- Name: COLUMN bank_transactions.request_hash; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.request_hash IS 'Hash of the canonical request content, to tell a replay from a conflicting reuse of bank_ref.';


--
-- Name: COLUMN bank_transactions.result; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.result IS 'Result returned to the first call, returned again on replay.';


--
-- Name: COLUMN bank_transactions.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.entry_id IS 'Journal entry posted for it.';


--
-- Name: COLUMN bank_transactions.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.bank_transactions.created_at IS 'When it was recorded.';


--
-- Name: banks; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.banks (
    code text NOT NULL,
    name text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT banks_code_check CHECK ((code ~ '^[A-Z0-9]{2,11}$'::text))
);


ALTER TABLE treasury.banks OWNER TO treasury_owner;

--
-- Name: TABLE banks; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.banks IS 'Commercial banks that collect revenue and forward deposits (scope B:<code>).';


--
-- Name: COLUMN banks.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.banks.code IS 'Short bank code, 2-11 upper-case letters or digits (VCB, CTG, BIDV, AGRI...).';


--
-- Name: COLUMN banks.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.banks.name IS 'Bank name.';


--
-- Name: COLUMN banks.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.banks.updated_at IS 'Last change (set by trigger).';


--
-- Name: budget_execution; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.budget_execution AS
 SELECT a.id AS allocation_id,
    a.parent_id,
    a.fiscal_year,
    a.treasury_code,
    a.budget_level,
    a.purpose,
    a.unit_code,
    a.chapter,
    a.sector,
    a.source,
    a.program,
    (a.amount - a.sub_allocated) AS amount,
    a.committed,
    a.pending,
    a.spent,
    a.advanced,
    (((((((a.amount - a.sub_allocated) - a.committed) - a.pending) - a.spent) - a.advanced) - a.lapsed) - GREATEST((a.carried_over - a.committed), (0)::bigint)) AS available
   FROM treasury.allocations a;


ALTER TABLE treasury.budget_execution OWNER TO treasury_owner;

--
-- Name: VIEW budget_execution; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.budget_execution IS 'Budget execution per allocation, counting each allocation''s own share (amount - sub_allocated) so that sums over any set of allocations count nothing twice: over the whole tree, sum(amount) equals the roots'' total. Group it by fiscal_year, treasury_code, budget_level, unit_code, chapter, sector.';


--
-- Name: COLUMN budget_execution.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.allocation_id IS 'The allocation.';


--
-- Name: COLUMN budget_execution.parent_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.parent_id IS 'Its parent; NULL for a root.';


--
-- Name: COLUMN budget_execution.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.fiscal_year IS 'Fiscal year.';


--
-- Name: COLUMN budget_execution.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.treasury_code IS 'Treasury of the allocation.';


--
-- Name: COLUMN budget_execution.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.budget_level IS 'Budget level.';


--
-- Name: COLUMN budget_execution.purpose; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.purpose IS 'RECURRENT or INVESTMENT.';


--
-- Name: COLUMN budget_execution.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.unit_code IS 'Budget unit (NULL for a root).';


--
-- Name: COLUMN budget_execution.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.chapter IS 'Chapter segment.';


--
-- Name: COLUMN budget_execution.sector; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.sector IS 'Sector segment.';


--
-- Name: COLUMN budget_execution.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.source IS 'Source segment.';


--
-- Name: COLUMN budget_execution.program; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.program IS 'Program segment.';


--
-- Name: COLUMN budget_execution.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.amount IS 'Own share: amount - sub_allocated (what stays with this allocation after its children took theirs).';


--
-- Name: COLUMN budget_execution.committed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.committed IS 'Unpaid remainder of OPEN commitments on this allocation.';


--
-- Name: COLUMN budget_execution.pending; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.pending IS 'SUBMITTED and APPROVED payment orders on this allocation.';


--
-- Name: COLUMN budget_execution.spent; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.spent IS 'Paid payments and settled advances on this allocation.';


--
-- Name: COLUMN budget_execution.advanced; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.advanced IS 'Paid, unsettled advances on this allocation.';


--
-- Name: COLUMN budget_execution.available; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_execution.available IS 'What a new order may still take: amount - sub_allocated - committed - pending - spent - advanced - lapsed, less the carry-over marks committed money does not cover (greatest(carried_over - committed, 0)); never negative, 0 once the year is closed.';


--
-- Name: budget_levels; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.budget_levels (
    code text NOT NULL,
    name text NOT NULL,
    rank integer NOT NULL,
    valid_from date NOT NULL,
    valid_to date,
    CONSTRAINT budget_levels_code_check CHECK ((code ~ '^[A-Z][A-Z_]*$'::text)),
    CONSTRAINT budget_levels_validity CHECK (((valid_to IS NULL) OR (valid_to >= valid_from)))
);


ALTER TABLE treasury.budget_levels OWNER TO treasury_owner;

--
-- Name: TABLE budget_levels; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.budget_levels IS 'Budget levels (State Budget Law): reference rows with validity dates, not an enum. DISTRICT ends 2025-06-30.';


--
-- Name: COLUMN budget_levels.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_levels.code IS 'Level code, UPPER_SNAKE (CENTRAL, PROVINCE, DISTRICT, COMMUNE).';


--
-- Name: COLUMN budget_levels.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_levels.name IS 'Human-readable name.';


--
-- Name: COLUMN budget_levels.rank; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_levels.rank IS 'Order of the levels: 1 = CENTRAL, the highest; larger = lower. Used to break ties (higher level first).';


--
-- Name: COLUMN budget_levels.valid_from; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_levels.valid_from IS 'First day the level exists.';


--
-- Name: COLUMN budget_levels.valid_to; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_levels.valid_to IS 'Last day the level exists; NULL = still valid.';


--
-- Name: budget_settlement; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.budget_settlement AS
 SELECT a.id AS allocation_id,
    a.fiscal_year,
    a.treasury_code,
    a.budget_level,
    a.purpose,
    a.unit_code,
    a.chapter,
    a.sector,
    a.source,
    a.program,
    (a.amount - a.sub_allocated) AS appropriated,
        CASE
            WHEN (a.unit_code IS NOT NULL) THEN (a.amount - a.sub_allocated)
            ELSE (0)::bigint
        END AS allocated,
    a.spent,
    a.advanced AS advance_outstanding,
    a.carried_over,
    a.lapsed,
    a.committed,
    a.pending,
    a.carried_over_from,
    treasury.year_closed(a.fiscal_year) AS closed
   FROM treasury.allocations a;


ALTER TABLE treasury.budget_settlement OWNER TO treasury_owner;

--
-- Name: VIEW budget_settlement; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.budget_settlement IS 'Budget settlement per allocation, own shares (amount - sub_allocated) so that sums count nothing twice. For a closed year appropriated = spent + advance_outstanding + carried_over + lapsed (committed and pending are 0): the year''s figures at its close, never changed after it.';


--
-- Name: COLUMN budget_settlement.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.allocation_id IS 'The allocation.';


--
-- Name: COLUMN budget_settlement.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.fiscal_year IS 'Fiscal year.';


--
-- Name: COLUMN budget_settlement.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.treasury_code IS 'Treasury of the allocation.';


--
-- Name: COLUMN budget_settlement.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.budget_level IS 'Budget level.';


--
-- Name: COLUMN budget_settlement.purpose; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.purpose IS 'RECURRENT or INVESTMENT.';


--
-- Name: COLUMN budget_settlement.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.unit_code IS 'Budget unit (NULL for an appropriation).';


--
-- Name: COLUMN budget_settlement.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.chapter IS 'Chapter segment.';


--
-- Name: COLUMN budget_settlement.sector; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.sector IS 'Sector segment.';


--
-- Name: COLUMN budget_settlement.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.source IS 'Source segment.';


--
-- Name: COLUMN budget_settlement.program; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.program IS 'Program segment.';


--
-- Name: COLUMN budget_settlement.appropriated; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.appropriated IS 'Own share of the estimate: amount - sub_allocated.';


--
-- Name: COLUMN budget_settlement.allocated; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.allocated IS 'The same own share when it reached a budget unit (unit_code set), else 0: the part of the appropriation allocated to units.';


--
-- Name: COLUMN budget_settlement.spent; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.spent IS 'Paid payments and settled advances.';


--
-- Name: COLUMN budget_settlement.advance_outstanding; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.advance_outstanding IS 'Paid advances not settled (at the close, for a closed year).';


--
-- Name: COLUMN budget_settlement.carried_over; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.carried_over IS 'Marked to carry over (next year''s allocation once closed).';


--
-- Name: COLUMN budget_settlement.lapsed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.lapsed IS 'Cancelled at the close (0 while the year is open).';


--
-- Name: COLUMN budget_settlement.committed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.committed IS 'Open commitments'' remainder (0 once closed).';


--
-- Name: COLUMN budget_settlement.pending; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.pending IS 'Orders in flight (0 once closed).';


--
-- Name: COLUMN budget_settlement.carried_over_from; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.carried_over_from IS 'The previous year''s allocation this one continues, if any.';


--
-- Name: COLUMN budget_settlement.closed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_settlement.closed IS 'Whether the fiscal year is closed.';


--
-- Name: budget_units; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.budget_units (
    code text NOT NULL,
    name text NOT NULL,
    budget_level text NOT NULL,
    chapter text NOT NULL,
    area_code text NOT NULL,
    treasury_code text NOT NULL,
    parent_code text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT budget_unit_no_cycle CHECK (((parent_code IS NULL) OR (parent_code <> code))),
    CONSTRAINT budget_units_chapter_check CHECK ((chapter ~ '^[0-9]{3}$'::text)),
    CONSTRAINT budget_units_code_check CHECK ((code ~ '^[0-9]{7}$'::text))
);


ALTER TABLE treasury.budget_units OWNER TO treasury_owner;

--
-- Name: TABLE budget_units; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.budget_units IS 'Budget-using units (DVQHNS: schools, hospitals, departments) that hold transaction accounts at a treasury. No cycles (trigger budget_unit_no_cycle).';


--
-- Name: COLUMN budget_units.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.code IS 'DVQHNS code, 7 digits.';


--
-- Name: COLUMN budget_units.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.name IS 'Name of the unit.';


--
-- Name: COLUMN budget_units.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.budget_level IS 'Budget level the unit belongs to.';


--
-- Name: COLUMN budget_units.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.chapter IS 'Chapter (chuong) code of the unit, 3 digits; tells the owning level.';


--
-- Name: COLUMN budget_units.area_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.area_code IS 'Area the unit is in.';


--
-- Name: COLUMN budget_units.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.treasury_code IS 'Treasury that keeps the unit''s accounts.';


--
-- Name: COLUMN budget_units.parent_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.parent_code IS 'Superior unit; NULL for a top unit.';


--
-- Name: COLUMN budget_units.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.budget_units.updated_at IS 'Last change (set by trigger).';


--
-- Name: capital_plans; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.capital_plans (
    allocation_id bigint NOT NULL,
    project_code text NOT NULL,
    fiscal_year integer NOT NULL,
    extended_from_year integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT capital_plan_extended_from_earlier CHECK (((extended_from_year IS NULL) OR ((extended_from_year >= 1900) AND (extended_from_year <= (fiscal_year - 1)))))
);


ALTER TABLE treasury.capital_plans OWNER TO treasury_owner;

--
-- Name: TABLE capital_plans; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.capital_plans IS 'Annual capital plans (ke hoach von): each row makes an INVESTMENT allocation to the project''s investor the project''s plan of that fiscal year, so rule 4 keeps holding and the allocation''s figures are the year''s disbursement. Its amount is the allocation''s and changes by allocation_adjustments; the plans of all years never exceed total_investment (plans_exceed_total_investment). Only contract orders of the project use a plan (capital_plan_contract_only). Append-only (ledger_append_only).';


--
-- Name: COLUMN capital_plans.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.allocation_id IS 'The plan''s allocation: INVESTMENT, allocated to the investor, unused when it becomes a plan (capital_plan_allocation); a plan of one project only.';


--
-- Name: COLUMN capital_plans.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.project_code IS 'The project.';


--
-- Name: COLUMN capital_plans.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.fiscal_year IS 'The allocation''s fiscal year (filled from it when NULL; capital_plan_allocation otherwise).';


--
-- Name: COLUMN capital_plans.extended_from_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.extended_from_year IS 'For a plan extended from a prior year (its unspent part carried into this year): that year; NULL for the year''s own plan. A project has at most one plan per (fiscal_year, extended_from_year) (capital_plans_key).';


--
-- Name: COLUMN capital_plans.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.created_at IS 'When the plan was registered (forced to now()).';


--
-- Name: COLUMN capital_plans.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.capital_plans.created_by IS 'User (budget authority) who registered it.';


--
-- Name: carry_overs; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.carry_overs (
    id bigint NOT NULL,
    allocation_id bigint NOT NULL,
    amount bigint NOT NULL,
    ground text NOT NULL,
    decision_no text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    CONSTRAINT carry_overs_amount_check CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT carry_overs_decision_no_check CHECK (((length(btrim(decision_no)) >= 1) AND (length(btrim(decision_no)) <= 64))),
    CONSTRAINT carry_overs_ground_check CHECK ((ground = ANY (ARRAY['INVESTMENT_EXTENDED'::text, 'CONTRACTED_BEFORE_YEAR_END'::text, 'ADDED_AFTER_30_SEP'::text, 'SALARY_REFORM'::text, 'OTHER'::text])))
);


ALTER TABLE treasury.carry_overs OWNER TO treasury_owner;

--
-- Name: TABLE carry_overs; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.carry_overs IS 'Carry-over decisions (Budget Law Art 66): part of an allocation''s unspent estimate that becomes next year''s estimate of the same classification at the year close, instead of lapsing. Inserting one adds to allocations.carried_over (never beyond what is unspent: carry_over_exceeds_available). Append-only (carry_over_append_only); once the year is closed, year_closed.';


--
-- Name: COLUMN carry_overs.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.id IS 'Carry-over id (carry_over_id in the API).';


--
-- Name: COLUMN carry_overs.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.allocation_id IS 'The allocation (of the year being closed) whose unspent part carries over.';


--
-- Name: COLUMN carry_overs.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.amount IS 'Amount carried, dong.';


--
-- Name: COLUMN carry_overs.ground; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.ground IS 'Legal ground: INVESTMENT_EXTENDED (investment plan whose implementation was extended), CONTRACTED_BEFORE_YEAR_END (goods and works contracted before 31 December), ADDED_AFTER_30_SEP (estimate added after 30 September), SALARY_REFORM (salary-reform funds), OTHER.';


--
-- Name: COLUMN carry_overs.decision_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.decision_no IS 'Number of the decision allowing it.';


--
-- Name: COLUMN carry_overs.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.created_at IS 'When it was marked (forced to now()).';


--
-- Name: COLUMN carry_overs.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.carry_overs.created_by IS 'Budget authority who marked it.';


--
-- Name: carry_overs_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.carry_overs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.carry_overs_id_seq OWNER TO treasury_owner;

--
-- Name: carry_overs_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.carry_overs_id_seq OWNED BY treasury.carry_overs.id;


--
-- Name: classification_codes; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.classification_codes (
    kind text NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    valid_from date DEFAULT '1900-01-01'::date NOT NULL,
    valid_to date,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT classification_codes_code_check CHECK ((code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT classification_codes_kind_check CHECK ((kind = ANY (ARRAY['CHAPTER'::text, 'SECTOR'::text, 'ECONOMIC'::text, 'PROGRAM'::text, 'SOURCE'::text]))),
    CONSTRAINT classification_codes_validity CHECK (((valid_to IS NULL) OR (valid_to >= valid_from)))
);


ALTER TABLE treasury.classification_codes OWNER TO treasury_owner;

--
-- Name: TABLE classification_codes; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.classification_codes IS 'Budget classification codes (Circular 324/2016, later 130/2025) with validity dates; a posting uses codes valid on its accounting date (see code_valid).';


--
-- Name: COLUMN classification_codes.kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.kind IS 'CHAPTER (chuong), SECTOR (loai-khoan), ECONOMIC (muc/tieu muc), PROGRAM (CTMT) or SOURCE (nguon).';


--
-- Name: COLUMN classification_codes.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.code IS 'The code, 1-10 digits or upper-case letters.';


--
-- Name: COLUMN classification_codes.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.name IS 'Official (or best known) name.';


--
-- Name: COLUMN classification_codes.valid_from; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.valid_from IS 'First day the code may be used (1900-01-01 = since always).';


--
-- Name: COLUMN classification_codes.valid_to; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.valid_to IS 'Last day the code may be used; NULL = still valid.';


--
-- Name: COLUMN classification_codes.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.classification_codes.updated_at IS 'Last change (set by trigger).';


--
-- Name: collection_shares; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.collection_shares (
    collection_id bigint NOT NULL,
    budget_level text NOT NULL,
    amount bigint NOT NULL,
    CONSTRAINT collection_share_non_negative CHECK ((amount >= 0))
);


ALTER TABLE treasury.collection_shares OWNER TO treasury_owner;

--
-- Name: TABLE collection_shares; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.collection_shares IS 'Share of a collection per budget level of its rule (zero shares included). They sum to the collection amount (collection_shares_sum) and are exactly split_amount(amount, the rule''s basis points, ranks) (collection_shares_split), checked at commit. Append-only.';


--
-- Name: COLUMN collection_shares.collection_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collection_shares.collection_id IS 'The collection.';


--
-- Name: COLUMN collection_shares.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collection_shares.budget_level IS 'Budget level receiving the share.';


--
-- Name: COLUMN collection_shares.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collection_shares.amount IS 'Share in minor units, >= 0.';


--
-- Name: collections; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.collections (
    id bigint NOT NULL,
    bank_code text NOT NULL,
    bank_ref text NOT NULL,
    bank_kind text DEFAULT 'COLLECTION'::text NOT NULL,
    collected_on date NOT NULL,
    payer_tax_id text,
    payer_name text NOT NULL,
    revenue_id text,
    chapter text NOT NULL,
    economic_code text NOT NULL,
    area_code text NOT NULL,
    treasury_code text NOT NULL,
    amount bigint NOT NULL,
    sharing_rule_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    created_txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT collection_amount_range CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT collections_bank_kind_check CHECK ((bank_kind = 'COLLECTION'::text)),
    CONSTRAINT collections_bank_ref_check CHECK (((length(bank_ref) >= 1) AND (length(bank_ref) <= 64))),
    CONSTRAINT collections_chapter_check CHECK ((chapter ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT collections_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT collections_payer_name_check CHECK (((length(payer_name) >= 1) AND (length(payer_name) <= 200))),
    CONSTRAINT collections_payer_tax_id_check CHECK (((length(payer_tax_id) >= 1) AND (length(payer_tax_id) <= 20))),
    CONSTRAINT collections_revenue_id_check CHECK (((length(revenue_id) >= 1) AND (length(revenue_id) <= 64)))
);


ALTER TABLE treasury.collections OWNER TO treasury_owner;

--
-- Name: TABLE collections; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.collections IS 'Budget revenue collected by a commercial bank (or registered by an officer): one journal entry each (Dr 1130 / Cr 7111 per level). Shares in collection_shares (collection_shares_sum, collection_shares_split at commit). (bank_code, bank_ref) is unique and is a COLLECTION row of bank_transactions (foreign key checked at commit). Append-only (ledger_append_only).';


--
-- Name: COLUMN collections.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.id IS 'Collection id (collection_id in the API).';


--
-- Name: COLUMN collections.bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.bank_code IS 'Bank that collected the money.';


--
-- Name: COLUMN collections.bank_ref; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.bank_ref IS 'The bank''s reference, 1-64 characters; (bank_code, bank_ref) is unique.';


--
-- Name: COLUMN collections.bank_kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.bank_kind IS 'Always COLLECTION: with bank_code and bank_ref the foreign key to bank_transactions (bank_code, bank_ref, kind).';


--
-- Name: COLUMN collections.collected_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.collected_on IS 'Day the bank collected the money (its value date); reconciliation matches statements by it.';


--
-- Name: COLUMN collections.payer_tax_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.payer_tax_id IS 'Payer''s tax id, when given.';


--
-- Name: COLUMN collections.payer_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.payer_name IS 'Payer''s name.';


--
-- Name: COLUMN collections.revenue_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.revenue_id IS 'Revenue identification code issued by the tax or customs authority, when given.';


--
-- Name: COLUMN collections.chapter; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.chapter IS 'Chapter (chuong) of the payer; segment of the 7111 lines.';


--
-- Name: COLUMN collections.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.economic_code IS 'Economic content code (tieu muc) of the revenue; selects the sharing rule.';


--
-- Name: COLUMN collections.area_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.area_code IS 'Area of the revenue; selects the sharing rule.';


--
-- Name: COLUMN collections.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.treasury_code IS 'Treasury whose books take the collection (entry treasury).';


--
-- Name: COLUMN collections.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.amount IS 'Collected amount in minor units, 1..10^18.';


--
-- Name: COLUMN collections.sharing_rule_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.sharing_rule_id IS 'Sharing rule used for the split (the shares must be its split, collection_shares_split).';


--
-- Name: COLUMN collections.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.entry_id IS 'Journal entry of the collection.';


--
-- Name: COLUMN collections.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.dossier_id IS 'REVENUE_COLLECTION dossier when an officer recorded it; NULL when forwarded by a bank.';


--
-- Name: COLUMN collections.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.created_at IS 'When it was recorded (forced to now()).';


--
-- Name: COLUMN collections.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.created_by IS 'User who recorded it.';


--
-- Name: COLUMN collections.created_txid; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.collections.created_txid IS 'Transaction that recorded it (forced); only that transaction may add its shares (collection_closed_for_shares).';


--
-- Name: collections_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.collections_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.collections_id_seq OWNER TO treasury_owner;

--
-- Name: collections_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.collections_id_seq OWNED BY treasury.collections.id;


--
-- Name: commitments; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.commitments (
    id bigint NOT NULL,
    allocation_id bigint NOT NULL,
    contract_no text NOT NULL,
    economic_code text NOT NULL,
    amount bigint NOT NULL,
    remaining bigint NOT NULL,
    supplier_name text NOT NULL,
    supplier_tax_id text,
    supplier_bank_code text NOT NULL,
    supplier_account_no text NOT NULL,
    signed_on date NOT NULL,
    status text DEFAULT 'OPEN'::text NOT NULL,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    closed_at timestamp with time zone,
    CONSTRAINT commitment_amount_range CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT commitment_exceeded CHECK (((remaining >= 0) AND (remaining <= amount))),
    CONSTRAINT commitments_contract_no_check CHECK (((length(btrim(contract_no)) >= 1) AND (length(btrim(contract_no)) <= 64))),
    CONSTRAINT commitments_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT commitments_status_check CHECK ((status = ANY (ARRAY['OPEN'::text, 'CLOSED'::text, 'CANCELLED'::text]))),
    CONSTRAINT commitments_supplier_account_no_check CHECK ((supplier_account_no ~ '^[0-9A-Za-z]{1,34}$'::text)),
    CONSTRAINT commitments_supplier_name_check CHECK ((length(btrim(supplier_name)) > 0)),
    CONSTRAINT commitments_supplier_tax_id_check CHECK ((supplier_tax_id ~ '^[0-9A-Z-]{1,20}$'::text))
);


ALTER TABLE treasury.commitments OWNER TO treasury_owner;

--
-- Name: TABLE commitments; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.commitments IS 'Registered contracts: an OPEN commitment reserves its remaining (unpaid) amount of the allocation (allocation.committed), so arrears cannot build up. Status OPEN -> CLOSED | CANCELLED only (commitment_status_transition); never deleted.';


--
-- Name: COLUMN commitments.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.id IS 'Commitment id (commitment_id in the API).';


--
-- Name: COLUMN commitments.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.allocation_id IS 'Allocation the contract is charged to. Immutable.';


--
-- Name: COLUMN commitments.contract_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.contract_no IS 'Contract number, unique per allocation. Immutable.';


--
-- Name: COLUMN commitments.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.economic_code IS 'Economic content code (muc/tieu muc); validity checked by the service (code_valid). Immutable.';


--
-- Name: COLUMN commitments.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.amount IS 'Contract value in minor units, 1..10^18. Immutable.';


--
-- Name: COLUMN commitments.remaining; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.remaining IS 'Part not yet taken by payment orders: amount - orders SUBMITTED, APPROVED or PAID against it; 0..amount (commitment_exceeded). Starts = amount; kept by the payment-order triggers only (commitment_remaining_derived).';


--
-- Name: COLUMN commitments.supplier_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.supplier_name IS 'Supplier (contractor) name. Immutable.';


--
-- Name: COLUMN commitments.supplier_tax_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.supplier_tax_id IS 'Supplier tax id, optional. Immutable.';


--
-- Name: COLUMN commitments.supplier_bank_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.supplier_bank_code IS 'Supplier''s bank. Immutable.';


--
-- Name: COLUMN commitments.supplier_account_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.supplier_account_no IS 'Supplier''s bank account number. Immutable.';


--
-- Name: COLUMN commitments.signed_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.signed_on IS 'Date the contract was signed. Immutable.';


--
-- Name: COLUMN commitments.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.status IS 'OPEN, CLOSED or CANCELLED; only OPEN -> CLOSED | CANCELLED, and not while orders against it are SUBMITTED or APPROVED (commitment_orders_in_flight). Leaving OPEN releases remaining from allocation.committed.';


--
-- Name: COLUMN commitments.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.dossier_id IS 'COMMITMENT dossier; may be set once from NULL.';


--
-- Name: COLUMN commitments.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.created_at IS 'When it was registered (forced to now()).';


--
-- Name: COLUMN commitments.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.created_by IS 'User who registered it.';


--
-- Name: COLUMN commitments.closed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.commitments.closed_at IS 'When it left OPEN (set by trigger).';


--
-- Name: commitments_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.commitments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.commitments_id_seq OWNER TO treasury_owner;

--
-- Name: commitments_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.commitments_id_seq OWNED BY treasury.commitments.id;


--
-- Name: contract_advances_outstanding; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.contract_advances_outstanding AS
 SELECT o.id AS order_id,
    o.contract_id,
    c.contract_no,
    c.project_code,
    p.investor_unit_code,
    o.allocation_id,
    cp.fiscal_year,
    a.treasury_code,
    o.amount,
    o.settled,
    (o.amount - o.settled) AS outstanding,
    o.paid_at,
    c.ends_on,
    ((c.ends_on + '3 mons'::interval))::date AS recovery_deadline
   FROM ((((treasury.payment_orders o
     JOIN treasury.contracts c ON ((c.id = o.contract_id)))
     JOIN treasury.projects p ON ((p.project_code = c.project_code)))
     JOIN treasury.allocations a ON ((a.id = o.allocation_id)))
     JOIN treasury.capital_plans cp ON ((cp.allocation_id = o.allocation_id)))
  WHERE ((o.kind = 'ADVANCE'::text) AND (o.status = 'PAID'::text) AND (o.settled < o.amount));


ALTER TABLE treasury.contract_advances_outstanding OWNER TO treasury_owner;

--
-- Name: VIEW contract_advances_outstanding; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.contract_advances_outstanding IS 'Contract advances paid and not fully recovered: money that left the budget and is still owed back (advances in flight moved none, so they are not here). One is overdue on a day D when recovery_deadline < D (Decree 254 Art 9.6: 3 months past the contract''s end), by D - recovery_deadline days (Reports/OverdueAdvances).';


--
-- Name: COLUMN contract_advances_outstanding.order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.order_id IS 'The advance (a payment order of kind ADVANCE, PAID).';


--
-- Name: COLUMN contract_advances_outstanding.contract_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.contract_id IS 'Its contract.';


--
-- Name: COLUMN contract_advances_outstanding.contract_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.contract_no IS 'The contract''s number.';


--
-- Name: COLUMN contract_advances_outstanding.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.project_code IS 'The contract''s project.';


--
-- Name: COLUMN contract_advances_outstanding.investor_unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.investor_unit_code IS 'The project''s investor.';


--
-- Name: COLUMN contract_advances_outstanding.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.allocation_id IS 'The capital plan the advance is charged to.';


--
-- Name: COLUMN contract_advances_outstanding.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.fiscal_year IS 'That plan''s fiscal year.';


--
-- Name: COLUMN contract_advances_outstanding.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.treasury_code IS 'Treasury of the plan''s allocation (the scope of the report).';


--
-- Name: COLUMN contract_advances_outstanding.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.amount IS 'The advance paid, dong.';


--
-- Name: COLUMN contract_advances_outstanding.settled; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.settled IS 'What payments'' recoveries took back of it so far, dong.';


--
-- Name: COLUMN contract_advances_outstanding.outstanding; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.outstanding IS 'amount - settled, > 0.';


--
-- Name: COLUMN contract_advances_outstanding.paid_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.paid_at IS 'When the advance was paid.';


--
-- Name: COLUMN contract_advances_outstanding.ends_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.ends_on IS 'The contract''s end date.';


--
-- Name: COLUMN contract_advances_outstanding.recovery_deadline; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.contract_advances_outstanding.recovery_deadline IS 'ends_on + 3 months (PostgreSQL date arithmetic: the same day 3 months on, or the last day of that month when it is shorter: 30 Nov -> 28/29 Feb): the last day the advance may be outstanding without being overdue.';


--
-- Name: contracts_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.contracts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.contracts_id_seq OWNER TO treasury_owner;

--
-- Name: contracts_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.contracts_id_seq OWNED BY treasury.contracts.id;


--
-- Name: deferred_checks; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.deferred_checks (
    txid xid8 NOT NULL,
    rule text NOT NULL,
    CONSTRAINT deferred_checks_rule_check CHECK ((rule = ANY (ARRAY['entry_balanced'::text, 'collection_shares_sum'::text])))
);


ALTER TABLE treasury.deferred_checks OWNER TO treasury_owner;

--
-- Name: TABLE deferred_checks; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.deferred_checks IS 'Transient: one row per open transaction and deferred set-based rule (entry_balanced, collection_shares_sum) that must still run; inserted by the statement triggers of journal_entries, journal_lines, collections and collection_shares, its insert queues the deferred constraint trigger of that name, which checks every entry / collection of the transaction at COMMIT and deletes the row. Empty when no transaction is in flight. Written only by those triggers.';


--
-- Name: COLUMN deferred_checks.txid; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.deferred_checks.txid IS 'Top-level transaction (pg_current_xact_id()) whose check is pending.';


--
-- Name: COLUMN deferred_checks.rule; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.deferred_checks.rule IS 'entry_balanced or collection_shares_sum: the deferred constraint trigger the row queued.';


--
-- Name: dossier_signatures; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.dossier_signatures (
    dossier_id bigint NOT NULL,
    specimen_id bigint NOT NULL,
    signature bytea NOT NULL,
    CONSTRAINT dossier_signatures_signature_check CHECK ((length(signature) = 64))
);


ALTER TABLE treasury.dossier_signatures OWNER TO treasury_owner;

--
-- Name: TABLE dossier_signatures; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.dossier_signatures IS 'The signatures a signed dossier carried, each under one specimen of the dossier''s unit, over its dossier_signings text. Append-only (ledger_append_only).';


--
-- Name: COLUMN dossier_signatures.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signatures.dossier_id IS 'The signed dossier.';


--
-- Name: COLUMN dossier_signatures.specimen_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signatures.specimen_id IS 'The specimen the signature verified under when the dossier was filed.';


--
-- Name: COLUMN dossier_signatures.signature; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signatures.signature IS 'The 64 bytes: Ed25519''s signature, or P-256''s r and s.';


--
-- Name: dossier_signings; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.dossier_signings (
    dossier_id bigint NOT NULL,
    signing_text text NOT NULL,
    signing_hash bytea NOT NULL,
    CONSTRAINT dossier_signing_hash CHECK ((signing_hash = sha256(convert_to(signing_text, 'UTF8'::name))))
);


ALTER TABLE treasury.dossier_signings OWNER TO treasury_owner;

--
-- Name: TABLE dossier_signings; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.dossier_signings IS 'The signing text of a signed dossier (UTF-8: the full method name, a newline, the idempotency key, a newline, the params in RFC 8785 canonical JSON) and its SHA-256 (dossier_signing_hash). Append-only (ledger_append_only).';


--
-- Name: COLUMN dossier_signings.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signings.dossier_id IS 'The dossier the unit filed.';


--
-- Name: COLUMN dossier_signings.signing_text; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signings.signing_text IS 'What the signers signed, exactly.';


--
-- Name: COLUMN dossier_signings.signing_hash; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.dossier_signings.signing_hash IS 'sha256 of signing_text''s UTF-8 (checked).';


--
-- Name: dossiers_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.dossiers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.dossiers_id_seq OWNER TO treasury_owner;

--
-- Name: dossiers_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.dossiers_id_seq OWNED BY treasury.dossiers.id;


--
-- Name: fiscal_year_closings; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.fiscal_year_closings (
    fiscal_year integer NOT NULL,
    closed_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_by bigint,
    lapsed bigint DEFAULT 0 NOT NULL,
    carried_over bigint DEFAULT 0 NOT NULL,
    orders_cancelled integer DEFAULT 0 NOT NULL,
    passed_over boolean DEFAULT false NOT NULL,
    CONSTRAINT fiscal_year_closings_carried_over_check CHECK ((carried_over >= 0)),
    CONSTRAINT fiscal_year_closings_fiscal_year_check CHECK (((fiscal_year >= 1900) AND (fiscal_year <= 9999))),
    CONSTRAINT fiscal_year_closings_lapsed_check CHECK ((lapsed >= 0)),
    CONSTRAINT fiscal_year_closings_orders_cancelled_check CHECK ((orders_cancelled >= 0))
);


ALTER TABLE treasury.fiscal_year_closings OWNER TO treasury_owner;

--
-- Name: TABLE fiscal_year_closings; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.fiscal_year_closings IS 'One row per closed fiscal year (period 13 closed): inserting it is the year-end close (its trigger does the work and fills the figures); a year without a row is open. Append-only: a closed year never reopens (ledger_append_only). Nothing posts into a closed year (year_closed) and its allocations and carry-overs never change.';


--
-- Name: COLUMN fiscal_year_closings.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.fiscal_year IS 'The year closed.';


--
-- Name: COLUMN fiscal_year_closings.closed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.closed_at IS 'When the close took effect: the clock once it held its locks (forced), so every posting into the year has posted_at before it.';


--
-- Name: COLUMN fiscal_year_closings.closed_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.closed_by IS 'Chief accountant who closed it.';


--
-- Name: COLUMN fiscal_year_closings.lapsed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.lapsed IS 'Total cancelled (lapsed) over the year''s allocations: the sum of allocations.lapsed (set by the close trigger).';


--
-- Name: COLUMN fiscal_year_closings.carried_over; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.carried_over IS 'Total carried into next year''s allocations: the sum of allocations.carried_over (set by the close trigger).';


--
-- Name: COLUMN fiscal_year_closings.orders_cancelled; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.orders_cancelled IS 'Payment orders still SUBMITTED or APPROVED at the close, cancelled by it (set by the close trigger).';


--
-- Name: COLUMN fiscal_year_closings.passed_over; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.fiscal_year_closings.passed_over IS 'True for a year that never had an allocation or a posting, closed (empty) by the close of the next year so that nothing is added to it afterwards; its figures are 0.';


--
-- Name: gl_accounts; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.gl_accounts (
    code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    subledger boolean DEFAULT false NOT NULL,
    CONSTRAINT gl_accounts_code_check CHECK ((code ~ '^[0-9]{4}$'::text)),
    CONSTRAINT gl_accounts_kind_check CHECK ((kind = ANY (ARRAY['ASSET'::text, 'LIABILITY'::text, 'REVENUE'::text, 'EXPENDITURE'::text, 'EQUITY'::text])))
);


ALTER TABLE treasury.gl_accounts OWNER TO treasury_owner;

--
-- Name: TABLE gl_accounts; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.gl_accounts IS 'Chart of general-ledger accounts (illustrative TABMIS chart, see docs/schema.md).';


--
-- Name: COLUMN gl_accounts.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.gl_accounts.code IS 'GL account code, 4 digits.';


--
-- Name: COLUMN gl_accounts.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.gl_accounts.name IS 'Name of the GL account.';


--
-- Name: COLUMN gl_accounts.kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.gl_accounts.kind IS 'ASSET, LIABILITY, REVENUE, EXPENDITURE or EQUITY.';


--
-- Name: COLUMN gl_accounts.subledger; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.gl_accounts.subledger IS 'True when every line on this GL account names a transaction account (account_no) and no other line may (3711 deposits of budget units); rule line_subledger.';


--
-- Name: grants; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.grants (
    user_id bigint NOT NULL,
    role text NOT NULL,
    scope text NOT NULL,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT grants_role_check CHECK ((role = ANY (ARRAY['ADMIN'::text, 'BUDGET_AUTHORITY'::text, 'UNIT_ACCOUNTANT'::text, 'TREASURY_OFFICER'::text, 'CHIEF_ACCOUNTANT'::text, 'BANK'::text, 'TAX_AUTHORITY'::text, 'AUDITOR'::text]))),
    CONSTRAINT grants_scope_check CHECK (((scope = '*'::text) OR (scope ~ '^T:[0-9]{4}$'::text) OR (scope ~ '^U:[0-9]{7}$'::text) OR (scope ~ '^B:[A-Z0-9]{2,11}$'::text)))
);


ALTER TABLE treasury.grants OWNER TO treasury_owner;

--
-- Name: TABLE grants; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.grants IS 'A user''s (role, scope) pairs. A call is allowed when some grant''s role may call the method and its scope covers the object.';


--
-- Name: COLUMN grants.user_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.grants.user_id IS 'The user holding the grant.';


--
-- Name: COLUMN grants.role; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.grants.role IS 'Application role (ADMIN, BUDGET_AUTHORITY, UNIT_ACCOUNTANT, TREASURY_OFFICER, CHIEF_ACCOUNTANT, BANK, TAX_AUTHORITY, AUDITOR).';


--
-- Name: COLUMN grants.scope; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.grants.scope IS 'Scope: * (everything), T:<treasury> (that treasury and those under it), U:<unit> or B:<bank>.';


--
-- Name: COLUMN grants.granted_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.grants.granted_at IS 'When the grant was given.';


--
-- Name: holidays; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.holidays (
    day date NOT NULL,
    name text NOT NULL
);


ALTER TABLE treasury.holidays OWNER TO treasury_owner;

--
-- Name: TABLE holidays; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.holidays IS 'Public holidays: not working days (with weekends) for dossier due dates.';


--
-- Name: COLUMN holidays.day; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.holidays.day IS 'The holiday date.';


--
-- Name: COLUMN holidays.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.holidays.name IS 'Name of the holiday.';


--
-- Name: idempotency_outcomes; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.idempotency_outcomes (
    user_id bigint NOT NULL,
    method text NOT NULL,
    key text NOT NULL,
    request_hash bytea NOT NULL,
    outcome text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT idempotency_outcomes_key_check CHECK (((length(key) >= 1) AND (length(key) <= 255)))
);


ALTER TABLE treasury.idempotency_outcomes OWNER TO treasury_owner;

--
-- Name: TABLE idempotency_outcomes; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.idempotency_outcomes IS 'First outcome of each mutating call per (user, method, idempotency key); a replay with the same request returns it. Append-only (ledger_append_only).';


--
-- Name: COLUMN idempotency_outcomes.user_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.user_id IS 'Caller.';


--
-- Name: COLUMN idempotency_outcomes.method; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.method IS 'Full method name, e.g. treasury.v1.Accounts/Transfer.';


--
-- Name: COLUMN idempotency_outcomes.key; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.key IS 'Client idempotency key, 1-255 characters.';


--
-- Name: COLUMN idempotency_outcomes.request_hash; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.request_hash IS 'Hash of the canonical request params: a replay with other params is refused.';


--
-- Name: COLUMN idempotency_outcomes.outcome; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.outcome IS 'Serialized JSON object: {"result": ...} or {"error": ...}, returned verbatim on replay.';


--
-- Name: COLUMN idempotency_outcomes.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.idempotency_outcomes.created_at IS 'When the outcome was stored.';


--
-- Name: investment_disbursement; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.investment_disbursement AS
 SELECT cp.allocation_id,
    cp.project_code,
    cp.fiscal_year,
    cp.extended_from_year,
    a.treasury_code,
    p.investor_unit_code,
    p.source,
    p.project_group,
    a.amount AS planned,
    (a.spent + a.advanced) AS disbursed,
    adv.outstanding AS advance_outstanding,
    round((((a.spent + a.advanced))::numeric / (a.amount)::numeric), 4) AS rate
   FROM (((treasury.capital_plans cp
     JOIN treasury.allocations a ON ((a.id = cp.allocation_id)))
     JOIN treasury.projects p ON ((p.project_code = cp.project_code)))
     CROSS JOIN LATERAL ( SELECT (COALESCE(sum((o.amount - o.settled)), (0)::numeric))::bigint AS outstanding
           FROM treasury.payment_orders o
          WHERE ((o.allocation_id = cp.allocation_id) AND (o.kind = 'ADVANCE'::text) AND (o.status = ANY (ARRAY['SUBMITTED'::text, 'APPROVED'::text, 'PAID'::text])))) adv);


ALTER TABLE treasury.investment_disbursement OWNER TO treasury_owner;

--
-- Name: VIEW investment_disbursement; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.investment_disbursement IS 'Public investment disbursement per capital plan (one row per plan, extended plans included): planned, disbursed (the plan allocation''s spent + advanced = the amounts of the PAID contract orders charged to it) and the advances charged to it still outstanding. Figures add up over any set of plans; rate does not (recompute it from the sums, as Reports/Disbursement does). Group it by fiscal_year, treasury_code, project_code, investor_unit_code, source, project_group.';


--
-- Name: COLUMN investment_disbursement.allocation_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.allocation_id IS 'The plan''s allocation.';


--
-- Name: COLUMN investment_disbursement.project_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.project_code IS 'The project.';


--
-- Name: COLUMN investment_disbursement.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.fiscal_year IS 'The plan''s fiscal year.';


--
-- Name: COLUMN investment_disbursement.extended_from_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.extended_from_year IS 'For a plan extended from a prior year, that year; NULL for the year''s own plan.';


--
-- Name: COLUMN investment_disbursement.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.treasury_code IS 'Treasury of the plan''s allocation (the scope of the reports).';


--
-- Name: COLUMN investment_disbursement.investor_unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.investor_unit_code IS 'The project''s investor (a budget unit).';


--
-- Name: COLUMN investment_disbursement.source; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.source IS 'The project''s capital source code.';


--
-- Name: COLUMN investment_disbursement.project_group; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.project_group IS 'The project''s group: NATIONAL, A, B or C (group in the API).';


--
-- Name: COLUMN investment_disbursement.planned; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.planned IS 'The plan''s amount (its allocation''s amount), dong.';


--
-- Name: COLUMN investment_disbursement.disbursed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.disbursed IS 'spent + advanced of the plan''s allocation: the sum of the amounts of the PAID contract orders charged to the plan (advances paid + gross of payments paid - their recoveries), dong. A recovery booked later moves the advance''s plan from advanced to spent, so it stays in the year of the advance.';


--
-- Name: COLUMN investment_disbursement.advance_outstanding; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.advance_outstanding IS 'Advances charged to the plan SUBMITTED, APPROVED or PAID, less what was recovered from them (settled), dong: API.md''s "outstanding", in-flight advances included.';


--
-- Name: COLUMN investment_disbursement.rate; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.investment_disbursement.rate IS 'disbursed / planned rounded to 4 decimals (half away from zero), for this plan alone.';


--
-- Name: journal_entries; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.journal_entries (
    id bigint NOT NULL,
    posted_at timestamp with time zone DEFAULT now() NOT NULL,
    accounting_date date NOT NULL,
    source_kind text NOT NULL,
    source_id text,
    treasury_code text NOT NULL,
    memo text,
    created_by bigint,
    created_txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT journal_entries_source_kind_check CHECK ((source_kind ~ '^[A-Z][A-Z0-9_]*$'::text))
);


ALTER TABLE treasury.journal_entries OWNER TO treasury_owner;

--
-- Name: TABLE journal_entries; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.journal_entries IS 'Journal entries: one per movement of money; balanced at commit (entry_balanced), append-only (ledger_append_only), never in a closed period (period_closed).';


--
-- Name: COLUMN journal_entries.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.id IS 'Entry id (entry_id in the API).';


--
-- Name: COLUMN journal_entries.posted_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.posted_at IS 'Transaction time of posting; forced to now() by trigger.';


--
-- Name: COLUMN journal_entries.accounting_date; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.accounting_date IS 'Accounting date (local date, Asia/Ho_Chi_Minh); its month must not be CLOSED.';


--
-- Name: COLUMN journal_entries.source_kind; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.source_kind IS 'What produced the entry, UPPER_SNAKE: DEPOSIT, TRANSFER, COLLECTION, REFUND, PAYMENT...';


--
-- Name: COLUMN journal_entries.source_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.source_id IS 'Id of the producing object (order, collection, bank ref...).';


--
-- Name: COLUMN journal_entries.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.treasury_code IS 'Treasury whose books the entry is in (trial_balance groups by it).';


--
-- Name: COLUMN journal_entries.memo; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.memo IS 'Free text.';


--
-- Name: COLUMN journal_entries.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.created_by IS 'User who caused the posting.';


--
-- Name: COLUMN journal_entries.created_txid; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.journal_entries.created_txid IS 'Top-level transaction that created the entry (forced by trigger); lines may only be added by that transaction (entry_closed_for_lines).';


--
-- Name: journal_entries_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.journal_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.journal_entries_id_seq OWNER TO treasury_owner;

--
-- Name: journal_entries_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.journal_entries_id_seq OWNED BY treasury.journal_entries.id;


--
-- Name: journal_lines_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.journal_lines_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.journal_lines_id_seq OWNER TO treasury_owner;

--
-- Name: journal_lines_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.journal_lines_id_seq OWNED BY treasury.journal_lines.id;


--
-- Name: payment_order_events; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.payment_order_events (
    id bigint NOT NULL,
    order_id bigint NOT NULL,
    status text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    by bigint,
    note text,
    CONSTRAINT payment_order_events_status_check CHECK ((status = ANY (ARRAY['SUBMITTED'::text, 'APPROVED'::text, 'PAID'::text, 'REJECTED'::text, 'CANCELLED'::text])))
);


ALTER TABLE treasury.payment_order_events OWNER TO treasury_owner;

--
-- Name: TABLE payment_order_events; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.payment_order_events IS 'Status history of payment orders (who, when, what), written only by the payment-order trigger. Append-only (ledger_append_only); treasury_app may only read it.';


--
-- Name: COLUMN payment_order_events.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.id IS 'Sequence number: history order.';


--
-- Name: COLUMN payment_order_events.order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.order_id IS 'The payment order.';


--
-- Name: COLUMN payment_order_events.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.status IS 'Status the order entered.';


--
-- Name: COLUMN payment_order_events.at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.at IS 'When (now() of the transaction).';


--
-- Name: COLUMN payment_order_events.by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.by IS 'Who: submitted_by, approved_by, authorized_by, rejected_by or cancelled_by of the order for that status.';


--
-- Name: COLUMN payment_order_events.note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_events.note IS 'SUBMITTED: the description; REJECTED: every reason as "<code>: <note>", joined by "; "; otherwise the order''s note.';


--
-- Name: payment_order_events_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.payment_order_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.payment_order_events_id_seq OWNER TO treasury_owner;

--
-- Name: payment_order_events_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.payment_order_events_id_seq OWNED BY treasury.payment_order_events.id;


--
-- Name: payment_order_reject_reasons; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.payment_order_reject_reasons AS
 SELECT o.id AS order_id,
    (x."position")::integer AS "position",
    (x.reason ->> 'code'::text) AS code,
    (x.reason ->> 'note'::text) AS note
   FROM (treasury.payment_orders o
     CROSS JOIN LATERAL jsonb_array_elements(o.reject_reasons) WITH ORDINALITY x(reason, "position"))
  WHERE (o.reject_reasons IS NOT NULL);


ALTER TABLE treasury.payment_order_reject_reasons OWNER TO treasury_owner;

--
-- Name: VIEW payment_order_reject_reasons; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.payment_order_reject_reasons IS 'Every reason of every rejected payment order, one row each (payment_orders.reject_reasons unnested).';


--
-- Name: COLUMN payment_order_reject_reasons.order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_reject_reasons.order_id IS 'The rejected payment order.';


--
-- Name: COLUMN payment_order_reject_reasons."position"; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_reject_reasons."position" IS 'Order in which the reasons were given, from 1; the first one''s code is payment_orders.reject_reason_code.';


--
-- Name: COLUMN payment_order_reject_reasons.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_reject_reasons.code IS 'UPPER_SNAKE reason code.';


--
-- Name: COLUMN payment_order_reject_reasons.note; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.payment_order_reject_reasons.note IS 'What is wrong, for the unit (NULL when none was given).';


--
-- Name: payment_orders_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.payment_orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.payment_orders_id_seq OWNER TO treasury_owner;

--
-- Name: payment_orders_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.payment_orders_id_seq OWNED BY treasury.payment_orders.id;


--
-- Name: periods; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.periods (
    fiscal_year integer NOT NULL,
    month integer NOT NULL,
    status text NOT NULL,
    closed_at timestamp with time zone,
    closed_by bigint,
    CONSTRAINT periods_fiscal_year_check CHECK (((fiscal_year >= 1900) AND (fiscal_year <= 9999))),
    CONSTRAINT periods_month_check CHECK (((month >= 1) AND (month <= 12))),
    CONSTRAINT periods_status_check CHECK ((status = ANY (ARRAY['OPEN'::text, 'CLOSED'::text])))
);


ALTER TABLE treasury.periods OWNER TO treasury_owner;

--
-- Name: TABLE periods; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.periods IS 'Accounting periods (months of the calendar fiscal year). A month with no row is OPEN. Months close in order (period_order), never reopen (period_reopen); nothing posts into a CLOSED month (period_closed).';


--
-- Name: COLUMN periods.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.periods.fiscal_year IS 'Fiscal (= calendar) year.';


--
-- Name: COLUMN periods.month; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.periods.month IS 'Month 1-12.';


--
-- Name: COLUMN periods.status; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.periods.status IS 'OPEN or CLOSED; CLOSED is final.';


--
-- Name: COLUMN periods.closed_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.periods.closed_at IS 'When the month closed: the clock once the close held its lock on journal_entries (set by trigger), so every posting into the month has posted_at before it.';


--
-- Name: COLUMN periods.closed_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.periods.closed_by IS 'User who closed it.';


--
-- Name: procedures; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.procedures (
    code text NOT NULL,
    name text NOT NULL,
    legal_basis text NOT NULL,
    "position" smallint NOT NULL,
    in_force boolean NOT NULL,
    replaced_by text,
    limit_minutes integer,
    counter_limit_minutes integer,
    limit_working_days integer,
    advance_limit_working_days integer,
    year_end_limit_working_days integer,
    CONSTRAINT procedure_code_format CHECK ((code ~ '^[A-Z][A-Z_]{0,39}$'::text)),
    CONSTRAINT procedure_limit_shape CHECK ((((limit_minutes IS NULL) <> (limit_working_days IS NULL)) AND ((counter_limit_minutes IS NULL) OR (limit_minutes IS NOT NULL)) AND ((advance_limit_working_days IS NULL) OR (limit_working_days IS NOT NULL)) AND ((year_end_limit_working_days IS NULL) OR (limit_working_days IS NOT NULL)) AND ((COALESCE(limit_minutes, 1) >= 1) AND (COALESCE(limit_minutes, 1) <= 1440)) AND ((COALESCE(counter_limit_minutes, 1) >= 1) AND (COALESCE(counter_limit_minutes, 1) <= 1440)) AND ((COALESCE(limit_working_days, 1) >= 1) AND (COALESCE(limit_working_days, 1) <= 60)) AND ((COALESCE(advance_limit_working_days, 1) >= 1) AND (COALESCE(advance_limit_working_days, 1) <= 60)) AND ((COALESCE(year_end_limit_working_days, 1) >= 1) AND (COALESCE(year_end_limit_working_days, 1) <= 60)))),
    CONSTRAINT procedure_replaced_only_when_retired CHECK (((replaced_by IS NULL) OR (NOT in_force))),
    CONSTRAINT procedures_legal_basis_check CHECK ((length(btrim(legal_basis)) > 0)),
    CONSTRAINT procedures_name_check CHECK ((length(btrim(name)) > 0))
);


ALTER TABLE treasury.procedures OWNER TO treasury_owner;

--
-- Name: TABLE procedures; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.procedures IS 'The administrative procedures dossiers are filed under, with their legal time limits (Decree 347/2025/ND-CP from 2026-01-01). A dossier''s due_at follows its procedure''s limit: N minutes after received_at, or the end (23:59:59 Asia/Ho_Chi_Minh) of the N-th working day, the day of receipt counting as the first when it is a working day and the dossier arrived before the cut-off (15:30, configurable), else counting from the next working day. New dossiers only under a procedure in force (dossier_procedure_in_force); retired codes stay for the dossiers filed under them. Listed by Reference/List {kind: PROCEDURE}; read-only to treasury_app.';


--
-- Name: COLUMN procedures.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.code IS 'Procedure code (dossiers.procedure), UPPER_SNAKE.';


--
-- Name: COLUMN procedures.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.name IS 'What the procedure is, in plain words.';


--
-- Name: COLUMN procedures.legal_basis; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.legal_basis IS 'The text that sets the procedure and its limit (Decree 347/2025/ND-CP for the nine; Decree 11/2020/ND-CP for retired codes).';


--
-- Name: COLUMN procedures."position"; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures."position" IS 'Display order: the nine in Decree 347''s order, then ACCOUNT_CHANGE, then the retired codes.';


--
-- Name: COLUMN procedures.in_force; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.in_force IS 'Whether new dossiers may be filed under it: the nine and ACCOUNT_CHANGE. Retired codes (COMMITMENT, ADVANCE_SETTLEMENT) are kept for the dossiers filed before.';


--
-- Name: COLUMN procedures.replaced_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.replaced_by IS 'For a retired code, the procedure new dossiers of the same kind are filed under (COMMITMENT and ADVANCE_SETTLEMENT: PAYMENT_RECURRENT); NULL for one in force (procedure_replaced_only_when_retired).';


--
-- Name: COLUMN procedures.limit_minutes; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.limit_minutes IS 'Limit in minutes after received_at (REVENUE_COLLECTION: 5, electronic); exactly one of limit_minutes and limit_working_days is set (procedure_limit_shape).';


--
-- Name: COLUMN procedures.counter_limit_minutes; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.counter_limit_minutes IS 'Limit in minutes for a dossier received at the counter (channel COUNTER) of a procedure counted in minutes (REVENUE_COLLECTION: 30); NULL when the channel makes no difference.';


--
-- Name: COLUMN procedures.limit_working_days; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.limit_working_days IS 'Limit in working days counted from the day of receipt (see the table''s comment); for PAYMENT_INVESTMENT and PAYMENT_INVESTMENT_FOREIGN the limit of payments and of everything that is not an advance (2).';


--
-- Name: COLUMN procedures.advance_limit_working_days; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.advance_limit_working_days IS 'Limit in working days of an advance (a dossier whose subject is an ADVANCE payment order) where it differs: public investment, 1; NULL when advances have the base limit.';


--
-- Name: COLUMN procedures.year_end_limit_working_days; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.procedures.year_end_limit_working_days IS 'Limit in working days of a dossier received (local date) from 25 to 31 December or from 25 to 31 January (PAYMENT_RECURRENT: 2); NULL when there is no year-end extension.';


--
-- Name: refund_shares; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.refund_shares (
    refund_id bigint NOT NULL,
    budget_level text NOT NULL,
    amount bigint NOT NULL,
    CONSTRAINT refund_share_non_negative CHECK ((amount >= 0))
);


ALTER TABLE treasury.refund_shares OWNER TO treasury_owner;

--
-- Name: TABLE refund_shares; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.refund_shares IS 'Share of a refund per budget level of its collection (zero shares included): they sum to the refund (refund_shares_sum) and are split_amount(refund, the collection''s shares, ranks) (refund_shares_split), checked at commit. Append-only.';


--
-- Name: COLUMN refund_shares.refund_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refund_shares.refund_id IS 'The refund.';


--
-- Name: COLUMN refund_shares.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refund_shares.budget_level IS 'Budget level giving the money back.';


--
-- Name: COLUMN refund_shares.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refund_shares.amount IS 'Share in minor units, >= 0.';


--
-- Name: refunds; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.refunds (
    id bigint NOT NULL,
    collection_id bigint NOT NULL,
    amount bigint NOT NULL,
    decision_no text NOT NULL,
    reason text,
    entry_id bigint NOT NULL,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    created_txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT refund_amount_range CHECK (((amount > 0) AND (amount <= '1000000000000000000'::bigint))),
    CONSTRAINT refunds_decision_no_check CHECK (((length(decision_no) >= 1) AND (length(decision_no) <= 64))),
    CONSTRAINT refunds_reason_check CHECK ((length(reason) <= 500))
);


ALTER TABLE treasury.refunds OWNER TO treasury_owner;

--
-- Name: TABLE refunds; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.refunds IS 'Refunds of revenue ordered by the competent authority: each reverses part of one collection in proportion to its actual shares (Dr 7111 per level / Cr 1130). Rule 5 refund_within_collection: the refunds of a collection never exceed it (the collection row is locked, so concurrent refunds serialise). Append-only.';


--
-- Name: COLUMN refunds.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.id IS 'Refund id (refund_id in the API).';


--
-- Name: COLUMN refunds.collection_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.collection_id IS 'The collection refunded.';


--
-- Name: COLUMN refunds.amount; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.amount IS 'Refunded amount in minor units, 1..10^18; with earlier refunds at most the collected amount.';


--
-- Name: COLUMN refunds.decision_no; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.decision_no IS 'Number of the refund decision; a business key (unique).';


--
-- Name: COLUMN refunds.reason; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.reason IS 'Why, in words.';


--
-- Name: COLUMN refunds.entry_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.entry_id IS 'Journal entry of the refund.';


--
-- Name: COLUMN refunds.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.dossier_id IS 'REVENUE_REFUND dossier.';


--
-- Name: COLUMN refunds.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.created_at IS 'When it was recorded (forced to now()).';


--
-- Name: COLUMN refunds.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.created_by IS 'User who recorded it.';


--
-- Name: COLUMN refunds.created_txid; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.refunds.created_txid IS 'Transaction that recorded it (forced); only that transaction may add its shares (refund_closed_for_shares).';


--
-- Name: refunds_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.refunds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.refunds_id_seq OWNER TO treasury_owner;

--
-- Name: refunds_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.refunds_id_seq OWNED BY treasury.refunds.id;


--
-- Name: revenue_summary; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.revenue_summary AS
 SELECT x.fiscal_year,
    x.treasury_code,
    x.budget_level,
    (sum(x.collected))::bigint AS collected,
    (sum(x.refunded))::bigint AS refunded,
    ((sum(x.collected) - sum(x.refunded)))::bigint AS net
   FROM ( SELECT (EXTRACT(year FROM e.accounting_date))::integer AS fiscal_year,
            c.treasury_code,
            s.budget_level,
            s.amount AS collected,
            (0)::bigint AS refunded
           FROM ((treasury.collection_shares s
             JOIN treasury.collections c ON ((c.id = s.collection_id)))
             JOIN treasury.journal_entries e ON ((e.id = c.entry_id)))
        UNION ALL
         SELECT (EXTRACT(year FROM e.accounting_date))::integer AS "extract",
            c.treasury_code,
            s.budget_level,
            (0)::bigint AS int8,
            s.amount
           FROM (((treasury.refund_shares s
             JOIN treasury.refunds r ON ((r.id = s.refund_id)))
             JOIN treasury.collections c ON ((c.id = r.collection_id)))
             JOIN treasury.journal_entries e ON ((e.id = r.entry_id)))) x
  GROUP BY x.fiscal_year, x.treasury_code, x.budget_level;


ALTER TABLE treasury.revenue_summary OWNER TO treasury_owner;

--
-- Name: VIEW revenue_summary; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.revenue_summary IS 'Revenue per fiscal year (of the accounting date of the collection''s or the refund''s entry), treasury and budget level: collected, refunded and net. Equals the 7111 credits and debits of those entries.';


--
-- Name: COLUMN revenue_summary.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.fiscal_year IS 'Year of the entry''s accounting date.';


--
-- Name: COLUMN revenue_summary.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.treasury_code IS 'Treasury of the collection.';


--
-- Name: COLUMN revenue_summary.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.budget_level IS 'Budget level.';


--
-- Name: COLUMN revenue_summary.collected; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.collected IS 'Sum of collection shares of the level.';


--
-- Name: COLUMN revenue_summary.refunded; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.refunded IS 'Sum of refund shares of the level.';


--
-- Name: COLUMN revenue_summary.net; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.revenue_summary.net IS 'collected - refunded.';


--
-- Name: service_level; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.service_level AS
 SELECT d.procedure,
    d.treasury_code,
    ((d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date AS day,
    count(*) AS received,
    count(*) FILTER (WHERE (d.status = 'COMPLETED'::text)) AS completed,
    count(*) FILTER (WHERE ((d.status = 'COMPLETED'::text) AND (d.completed_at <= d.due_at))) AS completed_on_time,
    count(*) FILTER (WHERE ((d.status = 'COMPLETED'::text) AND (((d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date = ((d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date))) AS completed_same_day,
    count(*) FILTER (WHERE (d.channel = 'ONLINE'::text)) AS online,
    percentile_cont((0.5)::double precision) WITHIN GROUP (ORDER BY (((EXTRACT(epoch FROM (d.completed_at - d.received_at)) / (60)::numeric))::double precision)) FILTER (WHERE (d.status = 'COMPLETED'::text)) AS median_processing_minutes
   FROM treasury.dossiers d
  GROUP BY d.procedure, d.treasury_code, (((d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'::text))::date);


ALTER TABLE treasury.service_level OWNER TO treasury_owner;

--
-- Name: VIEW service_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.service_level IS 'Dossiers per procedure, treasury and day received (local date, Asia/Ho_Chi_Minh): how many were received, completed, completed on time (completed_at <= due_at, due_at counted again from a requested supplement), completed the same local day they were received, received online, and the median processing time. Counts add up over days; medians do not (Reports/ServiceLevel computes its own over the whole range).';


--
-- Name: COLUMN service_level.procedure; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.procedure IS 'The dossiers'' procedure (procedures.code, where its legal limit is): one of the nine of Decree 347/2025, ACCOUNT_CHANGE, or a retired code older dossiers keep.';


--
-- Name: COLUMN service_level.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.treasury_code IS 'Treasury handling the dossiers (NULL when not recorded).';


--
-- Name: COLUMN service_level.day; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.day IS 'Local date (Asia/Ho_Chi_Minh) of received_at.';


--
-- Name: COLUMN service_level.received; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.received IS 'Dossiers received that day.';


--
-- Name: COLUMN service_level.completed; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.completed IS 'Of those, how many are COMPLETED (REJECTED and CANCELLED are not completions).';


--
-- Name: COLUMN service_level.completed_on_time; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.completed_on_time IS 'Of the completed, how many completed at or before due_at.';


--
-- Name: COLUMN service_level.completed_same_day; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.completed_same_day IS 'Of them, completed on the local day (Asia/Ho_Chi_Minh) they were received: the province''s same-working-day target for payments, investment ones above all.';


--
-- Name: COLUMN service_level.online; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.online IS 'Of those received, how many came through channel ONLINE.';


--
-- Name: COLUMN service_level.median_processing_minutes; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.service_level.median_processing_minutes IS 'Median of completed_at - received_at in minutes over the COMPLETED ones (double precision; NULL when none).';


--
-- Name: sharing_rule_shares; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.sharing_rule_shares (
    rule_id bigint NOT NULL,
    budget_level text NOT NULL,
    basis_points integer NOT NULL,
    CONSTRAINT sharing_rule_share_range CHECK (((basis_points >= 0) AND (basis_points <= 10000)))
);


ALTER TABLE treasury.sharing_rule_shares OWNER TO treasury_owner;

--
-- Name: TABLE sharing_rule_shares; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.sharing_rule_shares IS 'Share of each budget level in a sharing rule, in basis points (1/10000). Rule 5 sharing_rule_shares_sum: a rule''s shares sum to exactly 10000, checked at COMMIT, so replacing them (DELETE the rule''s shares, INSERT the new ones, in one transaction) is possible.';


--
-- Name: COLUMN sharing_rule_shares.rule_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rule_shares.rule_id IS 'The rule.';


--
-- Name: COLUMN sharing_rule_shares.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rule_shares.budget_level IS 'Budget level receiving the share.';


--
-- Name: COLUMN sharing_rule_shares.basis_points; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rule_shares.basis_points IS 'Share in basis points, 0..10000 (0 keeps the level listed with a zero share).';


--
-- Name: sharing_rules; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.sharing_rules (
    id bigint NOT NULL,
    fiscal_year integer NOT NULL,
    economic_code text NOT NULL,
    area_code text,
    area_key text GENERATED ALWAYS AS (COALESCE(area_code, '*'::text)) STORED,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by bigint,
    CONSTRAINT sharing_rules_economic_code_check CHECK ((economic_code ~ '^[0-9A-Z]{1,10}$'::text)),
    CONSTRAINT sharing_rules_fiscal_year_check CHECK (((fiscal_year >= 1900) AND (fiscal_year <= 9999)))
);


ALTER TABLE treasury.sharing_rules OWNER TO treasury_owner;

--
-- Name: TABLE sharing_rules; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.sharing_rules IS 'Revenue sharing rule per fiscal year, economic code and area (NULL area = every area; a rule with the area wins, see sharing_rule_for). Its shares are sharing_rule_shares (rule 5: they sum to 10000 basis points, sharing_rule_shares_sum, checked at commit). Upsert on (fiscal_year, economic_code, area_key); rows are never deleted and their key never changes.';


--
-- Name: COLUMN sharing_rules.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.id IS 'Rule id; collections record the rule they used.';


--
-- Name: COLUMN sharing_rules.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.fiscal_year IS 'Fiscal year the ratios apply to (of the collection''s accounting date). Immutable.';


--
-- Name: COLUMN sharing_rules.economic_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.economic_code IS 'Economic content code (tieu muc) of the revenue. Immutable.';


--
-- Name: COLUMN sharing_rules.area_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.area_code IS 'Area the rule is for; NULL = all areas (a fallback). Immutable.';


--
-- Name: COLUMN sharing_rules.area_key; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.area_key IS 'Generated: area_code, or ''*'' for NULL, so that the key (fiscal_year, economic_code, area_key) is unique with a NULL area too. ON CONFLICT target.';


--
-- Name: COLUMN sharing_rules.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.created_at IS 'When the rule was first put.';


--
-- Name: COLUMN sharing_rules.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.created_by IS 'Who first put the rule.';


--
-- Name: COLUMN sharing_rules.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.updated_at IS 'When the shares were last replaced (set by the upsert).';


--
-- Name: COLUMN sharing_rules.updated_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.sharing_rules.updated_by IS 'Who last replaced the shares.';


--
-- Name: sharing_rules_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.sharing_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.sharing_rules_id_seq OWNER TO treasury_owner;

--
-- Name: sharing_rules_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.sharing_rules_id_seq OWNED BY treasury.sharing_rules.id;


--
-- Name: signature_specimens; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.signature_specimens (
    id bigint NOT NULL,
    unit_code text NOT NULL,
    signer_name text NOT NULL,
    title text NOT NULL,
    algorithm text NOT NULL,
    public_key bytea NOT NULL,
    valid_from date NOT NULL,
    valid_to date,
    dossier_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by bigint,
    revoked_at timestamp with time zone,
    revoked_by bigint,
    revoke_reason text,
    CONSTRAINT signature_specimens_algorithm_check CHECK ((algorithm = ANY (ARRAY['ED25519'::text, 'ECDSA_P256'::text]))),
    CONSTRAINT signature_specimens_revoke_reason_check CHECK (((length(btrim(revoke_reason)) >= 1) AND (length(btrim(revoke_reason)) <= 500))),
    CONSTRAINT signature_specimens_signer_name_check CHECK (((length(btrim(signer_name)) >= 1) AND (length(btrim(signer_name)) <= 200))),
    CONSTRAINT signature_specimens_title_check CHECK ((title = ANY (ARRAY['HEAD'::text, 'CHIEF_ACCOUNTANT'::text, 'DEPUTY'::text]))),
    CONSTRAINT specimen_key_shape CHECK ((((algorithm = 'ED25519'::text) AND (length(public_key) = 32)) OR ((algorithm = 'ECDSA_P256'::text) AND (length(public_key) = 65) AND (get_byte(public_key, 0) = 4)))),
    CONSTRAINT specimen_revocation_shape CHECK ((((revoked_at IS NULL) = (revoked_by IS NULL)) AND ((revoked_at IS NULL) = (revoke_reason IS NULL)))),
    CONSTRAINT specimen_validity_order CHECK (((valid_to IS NULL) OR (valid_to >= valid_from)))
);


ALTER TABLE treasury.signature_specimens OWNER TO treasury_owner;

--
-- Name: TABLE signature_specimens; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.signature_specimens IS 'Signature specimens of budget units (Decree 347/2025): the public keys of a unit''s head, chief accountant and deputies, registered by an officer under the ACCOUNT_OPEN procedure. A specimen never changes (specimen_immutable) but is revoked once; never deleted (specimen_no_delete).';


--
-- Name: COLUMN signature_specimens.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.id IS 'Specimen id (specimen_id in the API and in the signatures metadata).';


--
-- Name: COLUMN signature_specimens.unit_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.unit_code IS 'The unit whose signer this is.';


--
-- Name: COLUMN signature_specimens.signer_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.signer_name IS 'Name of the person.';


--
-- Name: COLUMN signature_specimens.title; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.title IS 'HEAD, CHIEF_ACCOUNTANT or DEPUTY: a filing needs a CHIEF_ACCOUNTANT''s signature and a HEAD''s or DEPUTY''s.';


--
-- Name: COLUMN signature_specimens.algorithm; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.algorithm IS 'ED25519 or ECDSA_P256 (ECDSA over P-256 with SHA-256).';


--
-- Name: COLUMN signature_specimens.public_key; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.public_key IS 'The public key: Ed25519''s 32 raw bytes, or P-256''s uncompressed point of 65 bytes (specimen_key_shape).';


--
-- Name: COLUMN signature_specimens.valid_from; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.valid_from IS 'First local day a signature under it counts.';


--
-- Name: COLUMN signature_specimens.valid_to; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.valid_to IS 'Last local day a signature under it counts; NULL: no end.';


--
-- Name: COLUMN signature_specimens.dossier_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.dossier_id IS 'The ACCOUNT_OPEN dossier it was registered under.';


--
-- Name: COLUMN signature_specimens.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.created_at IS 'When it was registered (forced to now()).';


--
-- Name: COLUMN signature_specimens.created_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.created_by IS 'Officer who registered it.';


--
-- Name: COLUMN signature_specimens.revoked_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.revoked_at IS 'When it was revoked (forced to now() when revoked_by is set); a signature made after it does not count.';


--
-- Name: COLUMN signature_specimens.revoked_by; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.revoked_by IS 'Officer who revoked it.';


--
-- Name: COLUMN signature_specimens.revoke_reason; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.signature_specimens.revoke_reason IS 'Why it was revoked.';


--
-- Name: signature_specimens_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.signature_specimens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.signature_specimens_id_seq OWNER TO treasury_owner;

--
-- Name: signature_specimens_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.signature_specimens_id_seq OWNED BY treasury.signature_specimens.id;


--
-- Name: treasuries; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.treasuries (
    code text NOT NULL,
    name text NOT NULL,
    budget_level text NOT NULL,
    parent_code text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT treasuries_code_check CHECK ((code ~ '^[0-9]{4}$'::text)),
    CONSTRAINT treasury_no_cycle CHECK (((parent_code IS NULL) OR (parent_code <> code)))
);


ALTER TABLE treasury.treasuries OWNER TO treasury_owner;

--
-- Name: TABLE treasuries; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.treasuries IS 'State Treasury offices (KBNN codes) in a tree: a grant T:X covers X and every treasury under it. No cycles (trigger treasury_no_cycle).';


--
-- Name: COLUMN treasuries.code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.treasuries.code IS 'KBNN unit code, 4 digits (e.g. 0360 Hai Duong).';


--
-- Name: COLUMN treasuries.name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.treasuries.name IS 'Name of the treasury office.';


--
-- Name: COLUMN treasuries.budget_level; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.treasuries.budget_level IS 'Budget level the treasury serves.';


--
-- Name: COLUMN treasuries.parent_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.treasuries.parent_code IS 'Treasury directly above; NULL for a root.';


--
-- Name: COLUMN treasuries.updated_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.treasuries.updated_at IS 'Last change (set by trigger).';


--
-- Name: trial_balance; Type: VIEW; Schema: treasury; Owner: treasury_owner
--

CREATE VIEW treasury.trial_balance AS
 SELECT (EXTRACT(year FROM e.accounting_date))::integer AS fiscal_year,
    (EXTRACT(month FROM e.accounting_date))::integer AS month,
    e.treasury_code,
    l.gl_account,
    l.currency,
    sum(l.debit) AS debit,
    sum(l.credit) AS credit
   FROM (treasury.journal_entries e
     JOIN treasury.journal_lines l ON ((l.entry_id = e.id)))
  GROUP BY ((EXTRACT(year FROM e.accounting_date))::integer), ((EXTRACT(month FROM e.accounting_date))::integer), e.treasury_code, l.gl_account, l.currency;


ALTER TABLE treasury.trial_balance OWNER TO treasury_owner;

--
-- Name: VIEW trial_balance; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON VIEW treasury.trial_balance IS 'Debit and credit totals per fiscal year, month (of the accounting date), entry treasury, GL account and currency. Over any complete set of entries total debit = total credit.';


--
-- Name: COLUMN trial_balance.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.fiscal_year IS 'Year of the accounting date.';


--
-- Name: COLUMN trial_balance.month; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.month IS 'Month of the accounting date.';


--
-- Name: COLUMN trial_balance.treasury_code; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.treasury_code IS 'Treasury of the entry.';


--
-- Name: COLUMN trial_balance.gl_account; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.gl_account IS 'GL account.';


--
-- Name: COLUMN trial_balance.currency; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.currency IS 'Currency of the lines.';


--
-- Name: COLUMN trial_balance.debit; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.debit IS 'Sum of debits (numeric, minor units).';


--
-- Name: COLUMN trial_balance.credit; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.trial_balance.credit IS 'Sum of credits (numeric, minor units).';


--
-- Name: users; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.users (
    id bigint NOT NULL,
    username text NOT NULL,
    display_name text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_username_check CHECK ((username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'::text))
);


ALTER TABLE treasury.users OWNER TO treasury_owner;

--
-- Name: TABLE users; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.users IS 'People and systems that call the service; rights come from grants.';


--
-- Name: COLUMN users.id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.users.id IS 'Surrogate key.';


--
-- Name: COLUMN users.username; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.users.username IS 'Login name: lower-case letters, digits, dot, underscore, dash; 1-64 characters.';


--
-- Name: COLUMN users.display_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.users.display_name IS 'Name shown to people.';


--
-- Name: COLUMN users.created_at; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.users.created_at IS 'When the user was created.';


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: treasury; Owner: treasury_owner
--

CREATE SEQUENCE treasury.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE treasury.users_id_seq OWNER TO treasury_owner;

--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: treasury; Owner: treasury_owner
--

ALTER SEQUENCE treasury.users_id_seq OWNED BY treasury.users.id;


--
-- Name: verify_checks; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.verify_checks (
    check_name text NOT NULL,
    description text NOT NULL,
    query text NOT NULL,
    CONSTRAINT verify_checks_check_name_check CHECK ((check_name ~ '^[a-z][a-z0-9_]*$'::text))
);


ALTER TABLE treasury.verify_checks OWNER TO treasury_owner;

--
-- Name: TABLE verify_checks; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.verify_checks IS 'Registry of invariant checks run by verify(): each query returns one text column, one row per problem found. Append-only for every writer (ledger_append_only): UPDATE, DELETE and TRUNCATE are refused, so no DML can remove or rewrite a check and make verify() pass a broken database; a new check is a new row.';


--
-- Name: COLUMN verify_checks.check_name; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.verify_checks.check_name IS 'Name of the check (lower_snake), reported by verify().';


--
-- Name: COLUMN verify_checks.description; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.verify_checks.description IS 'What the check asserts, in plain words.';


--
-- Name: COLUMN verify_checks.query; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.verify_checks.query IS 'SELECT returning a single text column: one row per violation, describing it.';


--
-- Name: year_end_advances; Type: TABLE; Schema: treasury; Owner: treasury_owner
--

CREATE TABLE treasury.year_end_advances (
    fiscal_year integer NOT NULL,
    order_id bigint NOT NULL,
    outstanding bigint NOT NULL,
    disposition text NOT NULL,
    due_on date,
    CONSTRAINT year_end_advance_due CHECK (((disposition = 'TO_RECOVER'::text) = (due_on IS NOT NULL))),
    CONSTRAINT year_end_advances_disposition_check CHECK ((disposition = ANY (ARRAY['ROLLED_FORWARD'::text, 'TO_RECOVER'::text]))),
    CONSTRAINT year_end_advances_outstanding_check CHECK ((outstanding > 0))
);


ALTER TABLE treasury.year_end_advances OWNER TO treasury_owner;

--
-- Name: TABLE year_end_advances; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON TABLE treasury.year_end_advances IS 'The advances (PAID, not fully settled) of a year''s allocations at its close, written by the close only: ROLLED_FORWARD (public investment advances, and advances of an allocation with a carry-over, keep being recovered next year) or TO_RECOVER (due back by due_on, 15 February). The closed year''s allocation keeps them as advanced; later settlements only reduce the order''s outstanding. Append-only (ledger_append_only).';


--
-- Name: COLUMN year_end_advances.fiscal_year; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.year_end_advances.fiscal_year IS 'The year closed (its fiscal_year_closings row; the foreign key is checked at commit, as the row is inserted by its own trigger''s transaction).';


--
-- Name: COLUMN year_end_advances.order_id; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.year_end_advances.order_id IS 'The advance (a PAID payment order of kind ADVANCE).';


--
-- Name: COLUMN year_end_advances.outstanding; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.year_end_advances.outstanding IS 'Its outstanding amount (amount - settled) at the close.';


--
-- Name: COLUMN year_end_advances.disposition; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.year_end_advances.disposition IS 'ROLLED_FORWARD or TO_RECOVER.';


--
-- Name: COLUMN year_end_advances.due_on; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON COLUMN treasury.year_end_advances.due_on IS 'For TO_RECOVER: the day it is due back (15 February of the next year); NULL when rolled forward.';


--
-- Name: acceptances id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.acceptances ALTER COLUMN id SET DEFAULT nextval('treasury.acceptances_id_seq'::regclass);


--
-- Name: advance_settlements id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements ALTER COLUMN id SET DEFAULT nextval('treasury.advance_settlements_id_seq'::regclass);


--
-- Name: allocation_adjustments id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocation_adjustments ALTER COLUMN id SET DEFAULT nextval('treasury.allocation_adjustments_id_seq'::regclass);


--
-- Name: allocations id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations ALTER COLUMN id SET DEFAULT nextval('treasury.allocations_id_seq'::regclass);


--
-- Name: api_tokens id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.api_tokens ALTER COLUMN id SET DEFAULT nextval('treasury.api_tokens_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.audit_log ALTER COLUMN id SET DEFAULT nextval('treasury.audit_log_id_seq'::regclass);


--
-- Name: bank_statements id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statements ALTER COLUMN id SET DEFAULT nextval('treasury.bank_statements_id_seq'::regclass);


--
-- Name: carry_overs id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.carry_overs ALTER COLUMN id SET DEFAULT nextval('treasury.carry_overs_id_seq'::regclass);


--
-- Name: collections id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections ALTER COLUMN id SET DEFAULT nextval('treasury.collections_id_seq'::regclass);


--
-- Name: commitments id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments ALTER COLUMN id SET DEFAULT nextval('treasury.commitments_id_seq'::regclass);


--
-- Name: contracts id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts ALTER COLUMN id SET DEFAULT nextval('treasury.contracts_id_seq'::regclass);


--
-- Name: dossiers id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers ALTER COLUMN id SET DEFAULT nextval('treasury.dossiers_id_seq'::regclass);


--
-- Name: journal_entries id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_entries ALTER COLUMN id SET DEFAULT nextval('treasury.journal_entries_id_seq'::regclass);


--
-- Name: journal_lines id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines ALTER COLUMN id SET DEFAULT nextval('treasury.journal_lines_id_seq'::regclass);


--
-- Name: payment_order_events id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_order_events ALTER COLUMN id SET DEFAULT nextval('treasury.payment_order_events_id_seq'::regclass);


--
-- Name: payment_orders id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders ALTER COLUMN id SET DEFAULT nextval('treasury.payment_orders_id_seq'::regclass);


--
-- Name: refunds id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds ALTER COLUMN id SET DEFAULT nextval('treasury.refunds_id_seq'::regclass);


--
-- Name: sharing_rules id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules ALTER COLUMN id SET DEFAULT nextval('treasury.sharing_rules_id_seq'::regclass);


--
-- Name: signature_specimens id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens ALTER COLUMN id SET DEFAULT nextval('treasury.signature_specimens_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.users ALTER COLUMN id SET DEFAULT nextval('treasury.users_id_seq'::regclass);


--
-- Name: treasury_schema_migrations treasury_schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: treasury_owner
--

ALTER TABLE ONLY public.treasury_schema_migrations
    ADD CONSTRAINT treasury_schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: acceptances acceptances_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.acceptances
    ADD CONSTRAINT acceptances_pkey PRIMARY KEY (id);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (account_no);


--
-- Name: advance_settlements advance_settlements_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_pkey PRIMARY KEY (id);


--
-- Name: allocation_adjustments allocation_adjustments_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocation_adjustments
    ADD CONSTRAINT allocation_adjustments_pkey PRIMARY KEY (id);


--
-- Name: allocations allocations_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_pkey PRIMARY KEY (id);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);


--
-- Name: api_tokens api_tokens_token_hash_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: areas areas_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.areas
    ADD CONSTRAINT areas_pkey PRIMARY KEY (code);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: balance_reconciliations balance_reconciliations_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.balance_reconciliations
    ADD CONSTRAINT balance_reconciliations_pkey PRIMARY KEY (dossier_id);


--
-- Name: bank_statement_lines bank_statement_lines_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statement_lines
    ADD CONSTRAINT bank_statement_lines_pkey PRIMARY KEY (statement_id, line_no);


--
-- Name: bank_statement_lines bank_statement_lines_ref_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statement_lines
    ADD CONSTRAINT bank_statement_lines_ref_key UNIQUE (statement_id, bank_ref);


--
-- Name: bank_statements bank_statements_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statements
    ADD CONSTRAINT bank_statements_pkey PRIMARY KEY (id);


--
-- Name: bank_transactions bank_transactions_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_transactions
    ADD CONSTRAINT bank_transactions_pkey PRIMARY KEY (bank_code, bank_ref);


--
-- Name: banks banks_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.banks
    ADD CONSTRAINT banks_pkey PRIMARY KEY (code);


--
-- Name: budget_levels budget_levels_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_levels
    ADD CONSTRAINT budget_levels_pkey PRIMARY KEY (code);


--
-- Name: budget_levels budget_levels_rank_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_levels
    ADD CONSTRAINT budget_levels_rank_key UNIQUE (rank);


--
-- Name: budget_units budget_units_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_units
    ADD CONSTRAINT budget_units_pkey PRIMARY KEY (code);


--
-- Name: capital_plans capital_plans_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.capital_plans
    ADD CONSTRAINT capital_plans_key UNIQUE NULLS NOT DISTINCT (project_code, fiscal_year, extended_from_year);


--
-- Name: capital_plans capital_plans_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.capital_plans
    ADD CONSTRAINT capital_plans_pkey PRIMARY KEY (allocation_id);


--
-- Name: carry_overs carry_overs_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.carry_overs
    ADD CONSTRAINT carry_overs_pkey PRIMARY KEY (id);


--
-- Name: classification_codes classification_codes_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.classification_codes
    ADD CONSTRAINT classification_codes_pkey PRIMARY KEY (kind, code);


--
-- Name: collection_shares collection_shares_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collection_shares
    ADD CONSTRAINT collection_shares_pkey PRIMARY KEY (collection_id, budget_level);


--
-- Name: collections collections_bank_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_bank_key UNIQUE (bank_code, bank_ref);


--
-- Name: collections collections_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_pkey PRIMARY KEY (id);


--
-- Name: commitments commitments_contract_unique; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_contract_unique UNIQUE (allocation_id, contract_no);


--
-- Name: commitments commitments_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_pkey PRIMARY KEY (id);


--
-- Name: contracts contracts_contract_no_unique; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_contract_no_unique UNIQUE (project_code, contract_no);


--
-- Name: contracts contracts_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_pkey PRIMARY KEY (id);


--
-- Name: deferred_checks deferred_checks_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.deferred_checks
    ADD CONSTRAINT deferred_checks_pkey PRIMARY KEY (txid, rule);


--
-- Name: dossier_signatures dossier_signatures_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossier_signatures
    ADD CONSTRAINT dossier_signatures_pkey PRIMARY KEY (dossier_id, specimen_id);


--
-- Name: dossier_signings dossier_signings_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossier_signings
    ADD CONSTRAINT dossier_signings_pkey PRIMARY KEY (dossier_id);


--
-- Name: dossiers dossiers_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_pkey PRIMARY KEY (id);


--
-- Name: fiscal_year_closings fiscal_year_closings_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.fiscal_year_closings
    ADD CONSTRAINT fiscal_year_closings_pkey PRIMARY KEY (fiscal_year);


--
-- Name: gl_accounts gl_accounts_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.gl_accounts
    ADD CONSTRAINT gl_accounts_pkey PRIMARY KEY (code);


--
-- Name: grants grants_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.grants
    ADD CONSTRAINT grants_pkey PRIMARY KEY (user_id, role, scope);


--
-- Name: holidays holidays_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.holidays
    ADD CONSTRAINT holidays_pkey PRIMARY KEY (day);


--
-- Name: idempotency_outcomes idempotency_outcomes_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.idempotency_outcomes
    ADD CONSTRAINT idempotency_outcomes_pkey PRIMARY KEY (user_id, method, key);


--
-- Name: journal_entries journal_entries_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_entries
    ADD CONSTRAINT journal_entries_pkey PRIMARY KEY (id);


--
-- Name: journal_lines journal_lines_entry_id_line_no_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_entry_id_line_no_key UNIQUE (entry_id, line_no);


--
-- Name: journal_lines journal_lines_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_pkey PRIMARY KEY (id);


--
-- Name: payment_order_events payment_order_events_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_order_events
    ADD CONSTRAINT payment_order_events_pkey PRIMARY KEY (id);


--
-- Name: payment_orders payment_orders_acceptance_unique; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_acceptance_unique UNIQUE (acceptance_id);


--
-- Name: payment_orders payment_orders_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_pkey PRIMARY KEY (id);


--
-- Name: periods periods_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.periods
    ADD CONSTRAINT periods_pkey PRIMARY KEY (fiscal_year, month);


--
-- Name: procedures procedures_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.procedures
    ADD CONSTRAINT procedures_pkey PRIMARY KEY (code);


--
-- Name: procedures procedures_position_unique; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.procedures
    ADD CONSTRAINT procedures_position_unique UNIQUE ("position");


--
-- Name: projects projects_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.projects
    ADD CONSTRAINT projects_pkey PRIMARY KEY (project_code);


--
-- Name: refund_shares refund_shares_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refund_shares
    ADD CONSTRAINT refund_shares_pkey PRIMARY KEY (refund_id, budget_level);


--
-- Name: refunds refunds_decision_no_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_decision_no_key UNIQUE (decision_no);


--
-- Name: refunds refunds_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_pkey PRIMARY KEY (id);


--
-- Name: sharing_rule_shares sharing_rule_shares_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rule_shares
    ADD CONSTRAINT sharing_rule_shares_pkey PRIMARY KEY (rule_id, budget_level);


--
-- Name: sharing_rules sharing_rules_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules
    ADD CONSTRAINT sharing_rules_key UNIQUE (fiscal_year, economic_code, area_key);


--
-- Name: sharing_rules sharing_rules_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules
    ADD CONSTRAINT sharing_rules_pkey PRIMARY KEY (id);


--
-- Name: signature_specimens signature_specimens_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens
    ADD CONSTRAINT signature_specimens_pkey PRIMARY KEY (id);


--
-- Name: treasuries treasuries_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.treasuries
    ADD CONSTRAINT treasuries_pkey PRIMARY KEY (code);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: users users_username_key; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.users
    ADD CONSTRAINT users_username_key UNIQUE (username);


--
-- Name: verify_checks verify_checks_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.verify_checks
    ADD CONSTRAINT verify_checks_pkey PRIMARY KEY (check_name);


--
-- Name: year_end_advances year_end_advances_pkey; Type: CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.year_end_advances
    ADD CONSTRAINT year_end_advances_pkey PRIMARY KEY (fiscal_year, order_id);


--
-- Name: acceptances_contract_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX acceptances_contract_idx ON treasury.acceptances USING btree (contract_id, acceptance_no);


--
-- Name: accounts_treasury_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX accounts_treasury_idx ON treasury.accounts USING btree (treasury_code);


--
-- Name: accounts_unit_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX accounts_unit_idx ON treasury.accounts USING btree (unit_code);


--
-- Name: advance_settlements_order_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX advance_settlements_order_idx ON treasury.advance_settlements USING btree (order_id);


--
-- Name: advance_settlements_recovery_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX advance_settlements_recovery_idx ON treasury.advance_settlements USING btree (recovery_order_id) WHERE (recovery_order_id IS NOT NULL);


--
-- Name: allocation_adjustments_allocation_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX allocation_adjustments_allocation_idx ON treasury.allocation_adjustments USING btree (allocation_id, id);


--
-- Name: allocations_carried_over_from_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX allocations_carried_over_from_idx ON treasury.allocations USING btree (carried_over_from) WHERE (carried_over_from IS NOT NULL);


--
-- Name: allocations_parent_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX allocations_parent_idx ON treasury.allocations USING btree (parent_id);


--
-- Name: allocations_unit_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX allocations_unit_idx ON treasury.allocations USING btree (unit_code, fiscal_year);


--
-- Name: allocations_year_treasury_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX allocations_year_treasury_idx ON treasury.allocations USING btree (fiscal_year, treasury_code);


--
-- Name: api_tokens_user_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX api_tokens_user_idx ON treasury.api_tokens USING btree (user_id);


--
-- Name: areas_parent_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX areas_parent_idx ON treasury.areas USING btree (parent_code);


--
-- Name: audit_log_object_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX audit_log_object_idx ON treasury.audit_log USING btree (object_kind, object_id);


--
-- Name: balance_reconciliations_account_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX balance_reconciliations_account_idx ON treasury.balance_reconciliations USING btree (account_no, as_of);


--
-- Name: bank_statements_bank_day_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX bank_statements_bank_day_idx ON treasury.bank_statements USING btree (bank_code, statement_date);


--
-- Name: bank_transactions_created_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX bank_transactions_created_idx ON treasury.bank_transactions USING btree (bank_code, created_at);


--
-- Name: bank_transactions_entry_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX bank_transactions_entry_idx ON treasury.bank_transactions USING btree (entry_id);


--
-- Name: bank_transactions_key_kind_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE UNIQUE INDEX bank_transactions_key_kind_idx ON treasury.bank_transactions USING btree (bank_code, bank_ref, kind);


--
-- Name: budget_units_parent_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX budget_units_parent_idx ON treasury.budget_units USING btree (parent_code);


--
-- Name: budget_units_treasury_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX budget_units_treasury_idx ON treasury.budget_units USING btree (treasury_code);


--
-- Name: carry_overs_allocation_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX carry_overs_allocation_idx ON treasury.carry_overs USING btree (allocation_id);


--
-- Name: collections_bank_day_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX collections_bank_day_idx ON treasury.collections USING btree (bank_code, collected_on);


--
-- Name: collections_created_txid_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX collections_created_txid_idx ON treasury.collections USING btree (created_txid);


--
-- Name: collections_entry_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX collections_entry_idx ON treasury.collections USING btree (entry_id);


--
-- Name: commitments_dossier_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX commitments_dossier_idx ON treasury.commitments USING btree (dossier_id);


--
-- Name: contracts_dossier_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX contracts_dossier_idx ON treasury.contracts USING btree (dossier_id);


--
-- Name: dossier_signatures_specimen_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossier_signatures_specimen_idx ON treasury.dossier_signatures USING btree (specimen_id);


--
-- Name: dossiers_procedure_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossiers_procedure_idx ON treasury.dossiers USING btree (procedure, received_at);


--
-- Name: dossiers_received_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossiers_received_idx ON treasury.dossiers USING btree (received_at);


--
-- Name: dossiers_status_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossiers_status_idx ON treasury.dossiers USING btree (status, received_at);


--
-- Name: dossiers_subject_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossiers_subject_idx ON treasury.dossiers USING btree (subject_kind, subject_id);


--
-- Name: dossiers_unit_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX dossiers_unit_idx ON treasury.dossiers USING btree (unit_code, received_at);


--
-- Name: journal_entries_created_txid_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX journal_entries_created_txid_idx ON treasury.journal_entries USING btree (created_txid);


--
-- Name: journal_entries_date_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX journal_entries_date_idx ON treasury.journal_entries USING btree (accounting_date);


--
-- Name: journal_entries_source_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX journal_entries_source_idx ON treasury.journal_entries USING btree (source_kind, source_id);


--
-- Name: journal_lines_account_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX journal_lines_account_idx ON treasury.journal_lines USING btree (account_no, id) WHERE (account_no IS NOT NULL);


--
-- Name: INDEX journal_lines_account_idx; Type: COMMENT; Schema: treasury; Owner: treasury_owner
--

COMMENT ON INDEX treasury.journal_lines_account_idx IS 'Subledger lines of an account in posting order (balance chain, statements); partial: lines without an account are not indexed.';


--
-- Name: payment_order_events_order_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_order_events_order_idx ON treasury.payment_order_events USING btree (order_id, id);


--
-- Name: payment_orders_allocation_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_orders_allocation_idx ON treasury.payment_orders USING btree (allocation_id, status);


--
-- Name: payment_orders_commitment_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_orders_commitment_idx ON treasury.payment_orders USING btree (commitment_id, status);


--
-- Name: payment_orders_contract_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_orders_contract_idx ON treasury.payment_orders USING btree (contract_id, kind, status) WHERE (contract_id IS NOT NULL);


--
-- Name: payment_orders_dossier_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_orders_dossier_idx ON treasury.payment_orders USING btree (dossier_id);


--
-- Name: payment_orders_entry_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX payment_orders_entry_idx ON treasury.payment_orders USING btree (entry_id);


--
-- Name: projects_investor_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX projects_investor_idx ON treasury.projects USING btree (investor_unit_code);


--
-- Name: refunds_collection_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX refunds_collection_idx ON treasury.refunds USING btree (collection_id);


--
-- Name: signature_specimens_unit_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX signature_specimens_unit_idx ON treasury.signature_specimens USING btree (unit_code, id);


--
-- Name: treasuries_parent_idx; Type: INDEX; Schema: treasury; Owner: treasury_owner
--

CREATE INDEX treasuries_parent_idx ON treasury.treasuries USING btree (parent_code);


--
-- Name: acceptances acceptances_before_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER acceptances_before_insert BEFORE INSERT ON treasury.acceptances FOR EACH ROW EXECUTE FUNCTION treasury.acceptances_before_insert();


--
-- Name: accounts accounts_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER accounts_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.accounts FOR EACH ROW EXECUTE FUNCTION treasury.accounts_guard();


--
-- Name: advance_settlements advance_settlements_book; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER advance_settlements_book AFTER INSERT ON treasury.advance_settlements FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_book();


--
-- Name: advance_settlements advance_settlements_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER advance_settlements_guard BEFORE INSERT ON treasury.advance_settlements FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_guard();


--
-- Name: advance_settlements advance_settlements_recovery; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER advance_settlements_recovery BEFORE INSERT ON treasury.advance_settlements FOR EACH ROW EXECUTE FUNCTION treasury.advance_settlements_recovery();


--
-- Name: allocation_adjustments allocation_adjustments_apply; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER allocation_adjustments_apply BEFORE INSERT ON treasury.allocation_adjustments FOR EACH ROW EXECUTE FUNCTION treasury.allocation_adjustments_apply();


--
-- Name: allocations allocation_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER allocation_no_delete_truncate BEFORE TRUNCATE ON treasury.allocations FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('allocation_no_delete');


--
-- Name: allocations allocations_draw_on_parent; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER allocations_draw_on_parent AFTER INSERT OR UPDATE OF amount ON treasury.allocations FOR EACH ROW EXECUTE FUNCTION treasury.allocations_draw_on_parent();


--
-- Name: allocations allocations_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER allocations_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.allocations FOR EACH ROW EXECUTE FUNCTION treasury.allocations_guard();


--
-- Name: allocations allocations_plan_within_total; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER allocations_plan_within_total AFTER UPDATE OF amount ON treasury.allocations FOR EACH ROW WHEN ((new.amount > old.amount)) EXECUTE FUNCTION treasury.allocations_plan_within_total();


--
-- Name: api_tokens api_token_immutable; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER api_token_immutable BEFORE UPDATE ON treasury.api_tokens FOR EACH ROW EXECUTE FUNCTION treasury.api_token_guard();


--
-- Name: areas area_no_cycle; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER area_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.areas FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('area_no_cycle');


--
-- Name: balance_reconciliations balance_reconciliation_no_delete; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER balance_reconciliation_no_delete BEFORE DELETE ON treasury.balance_reconciliations FOR EACH ROW EXECUTE FUNCTION treasury.refuse_delete('balance_reconciliation_no_delete');


--
-- Name: balance_reconciliations balance_reconciliation_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER balance_reconciliation_no_delete_truncate BEFORE TRUNCATE ON treasury.balance_reconciliations FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('balance_reconciliation_no_delete');


--
-- Name: balance_reconciliations balance_reconciliations_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER balance_reconciliations_guard BEFORE UPDATE ON treasury.balance_reconciliations FOR EACH ROW EXECUTE FUNCTION treasury.balance_reconciliations_guard();


--
-- Name: budget_units budget_unit_no_cycle; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER budget_unit_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.budget_units FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('budget_unit_no_cycle');


--
-- Name: capital_plans capital_plans_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER capital_plans_guard BEFORE INSERT ON treasury.capital_plans FOR EACH ROW EXECUTE FUNCTION treasury.capital_plans_guard();


--
-- Name: carry_overs carry_overs_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER carry_overs_append_only_truncate BEFORE TRUNCATE ON treasury.carry_overs FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: carry_overs carry_overs_book; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER carry_overs_book AFTER INSERT ON treasury.carry_overs FOR EACH ROW EXECUTE FUNCTION treasury.carry_overs_book();


--
-- Name: carry_overs carry_overs_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER carry_overs_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.carry_overs FOR EACH ROW EXECUTE FUNCTION treasury.carry_overs_guard();


--
-- Name: collection_shares collection_shares_after_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER collection_shares_after_insert AFTER INSERT ON treasury.collection_shares REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collection_shares_after_insert();


--
-- Name: collection_shares collection_shares_arm_check; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER collection_shares_arm_check AFTER INSERT ON treasury.collection_shares REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collections_arm_shares_check();


--
-- Name: deferred_checks collection_shares_sum; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE CONSTRAINT TRIGGER collection_shares_sum AFTER INSERT ON treasury.deferred_checks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.rule = 'collection_shares_sum'::text)) EXECUTE FUNCTION treasury.collections_shares_check();


--
-- Name: collections collections_arm_shares_check; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER collections_arm_shares_check AFTER INSERT ON treasury.collections REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.collections_arm_shares_check();


--
-- Name: collections collections_before_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER collections_before_insert BEFORE INSERT ON treasury.collections FOR EACH ROW EXECUTE FUNCTION treasury.revenue_before_insert();


--
-- Name: commitments commitment_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER commitment_no_delete_truncate BEFORE TRUNCATE ON treasury.commitments FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('commitment_no_delete');


--
-- Name: commitments commitments_book; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER commitments_book AFTER INSERT OR UPDATE OF remaining, status ON treasury.commitments FOR EACH ROW EXECUTE FUNCTION treasury.commitments_book();


--
-- Name: commitments commitments_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER commitments_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.commitments FOR EACH ROW EXECUTE FUNCTION treasury.commitments_guard();


--
-- Name: commitments commitments_not_on_plan; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER commitments_not_on_plan BEFORE INSERT ON treasury.commitments FOR EACH ROW EXECUTE FUNCTION treasury.commitments_not_on_plan();


--
-- Name: contracts contract_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER contract_no_delete_truncate BEFORE TRUNCATE ON treasury.contracts FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('contract_no_delete');


--
-- Name: contracts contracts_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER contracts_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.contracts FOR EACH ROW EXECUTE FUNCTION treasury.contracts_guard();


--
-- Name: deferred_checks deferred_checks_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER deferred_checks_guard BEFORE DELETE OR UPDATE ON treasury.deferred_checks FOR EACH ROW EXECUTE FUNCTION treasury.deferred_checks_guard();


--
-- Name: deferred_checks deferred_checks_guard_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER deferred_checks_guard_truncate BEFORE TRUNCATE ON treasury.deferred_checks FOR EACH STATEMENT EXECUTE FUNCTION treasury.deferred_checks_guard();


--
-- Name: dossiers dossiers_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER dossiers_guard BEFORE INSERT OR UPDATE ON treasury.dossiers FOR EACH ROW EXECUTE FUNCTION treasury.dossiers_guard();


--
-- Name: deferred_checks entry_balanced; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON treasury.deferred_checks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.rule = 'entry_balanced'::text)) EXECUTE FUNCTION treasury.entries_balanced_check();


--
-- Name: journal_entries journal_entries_after_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER journal_entries_after_insert AFTER INSERT ON treasury.journal_entries REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_entries_after_insert();


--
-- Name: journal_entries journal_entries_before_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER journal_entries_before_insert BEFORE INSERT ON treasury.journal_entries FOR EACH ROW EXECUTE FUNCTION treasury.journal_entries_before_insert();


--
-- Name: journal_lines journal_lines_after_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER journal_lines_after_insert AFTER INSERT ON treasury.journal_lines REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_lines_after_insert();


--
-- Name: journal_lines journal_lines_before_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER journal_lines_before_insert BEFORE INSERT ON treasury.journal_lines FOR EACH ROW WHEN (((new.account_no IS NOT NULL) OR (new.balance_after IS NOT NULL))) EXECUTE FUNCTION treasury.journal_lines_before_insert();


--
-- Name: acceptances ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.acceptances FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: advance_settlements ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.advance_settlements FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: allocation_adjustments ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.allocation_adjustments FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: audit_log ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.audit_log FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_statement_lines ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.bank_statement_lines FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_statements ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.bank_statements FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_transactions ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.bank_transactions FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: capital_plans ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.capital_plans FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: collection_shares ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.collection_shares FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: collections ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.collections FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: dossier_signatures ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.dossier_signatures FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: dossier_signings ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.dossier_signings FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: fiscal_year_closings ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.fiscal_year_closings FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: idempotency_outcomes ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.idempotency_outcomes FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: journal_entries ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.journal_entries FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: journal_lines ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.journal_lines FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: payment_order_events ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.payment_order_events FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: refund_shares ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.refund_shares FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: refunds ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.refunds FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: verify_checks ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.verify_checks FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: year_end_advances ledger_append_only; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only BEFORE DELETE OR UPDATE ON treasury.year_end_advances FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: acceptances ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.acceptances FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: advance_settlements ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.advance_settlements FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: allocation_adjustments ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.allocation_adjustments FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: audit_log ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.audit_log FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_statement_lines ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_statement_lines FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_statements ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_statements FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: bank_transactions ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_transactions FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: capital_plans ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.capital_plans FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: collection_shares ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.collection_shares FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: collections ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.collections FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: dossier_signatures ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.dossier_signatures FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: dossier_signings ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.dossier_signings FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: fiscal_year_closings ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.fiscal_year_closings FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: idempotency_outcomes ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.idempotency_outcomes FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: journal_entries ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.journal_entries FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: journal_lines ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.journal_lines FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: payment_order_events ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.payment_order_events FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: refund_shares ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.refund_shares FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: refunds ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.refunds FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: verify_checks ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.verify_checks FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: year_end_advances ledger_append_only_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.year_end_advances FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();


--
-- Name: payment_orders payment_order_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_order_no_delete_truncate BEFORE TRUNCATE ON treasury.payment_orders FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('payment_order_no_delete');


--
-- Name: payment_orders payment_orders_book_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_orders_book_insert AFTER INSERT ON treasury.payment_orders FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_book();


--
-- Name: payment_orders payment_orders_book_recovery; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_orders_book_recovery AFTER UPDATE OF status ON treasury.payment_orders FOR EACH ROW WHEN (((new.status = 'PAID'::text) AND (old.status IS DISTINCT FROM 'PAID'::text) AND (new.acceptance_id IS NOT NULL))) EXECUTE FUNCTION treasury.payment_orders_book_recovery();


--
-- Name: payment_orders payment_orders_book_status; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_orders_book_status AFTER UPDATE OF status ON treasury.payment_orders FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION treasury.payment_orders_book();


--
-- Name: payment_orders payment_orders_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_orders_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.payment_orders FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_guard();


--
-- Name: payment_orders payment_orders_investment_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER payment_orders_investment_guard BEFORE INSERT ON treasury.payment_orders FOR EACH ROW EXECUTE FUNCTION treasury.payment_orders_investment_guard();


--
-- Name: periods periods_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER periods_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.periods FOR EACH ROW EXECUTE FUNCTION treasury.periods_guard();


--
-- Name: projects project_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER project_no_delete_truncate BEFORE TRUNCATE ON treasury.projects FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('project_no_delete');


--
-- Name: projects projects_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER projects_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.projects FOR EACH ROW EXECUTE FUNCTION treasury.projects_guard();


--
-- Name: refund_shares refund_shares_after_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER refund_shares_after_insert AFTER INSERT ON treasury.refund_shares REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION treasury.refund_shares_after_insert();


--
-- Name: refunds refund_shares_sum; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE CONSTRAINT TRIGGER refund_shares_sum AFTER INSERT ON treasury.refunds DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.refund_shares_check();


--
-- Name: refunds refunds_before_insert; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER refunds_before_insert BEFORE INSERT ON treasury.refunds FOR EACH ROW EXECUTE FUNCTION treasury.refunds_before_insert();


--
-- Name: sharing_rules sharing_rule_no_delete; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER sharing_rule_no_delete BEFORE DELETE ON treasury.sharing_rules FOR EACH ROW EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_no_delete');


--
-- Name: sharing_rules sharing_rule_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER sharing_rule_no_delete_truncate BEFORE TRUNCATE ON treasury.sharing_rules FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_no_delete');


--
-- Name: sharing_rule_shares sharing_rule_shares_no_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER sharing_rule_shares_no_truncate BEFORE TRUNCATE ON treasury.sharing_rule_shares FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('sharing_rule_shares_sum');


--
-- Name: sharing_rule_shares sharing_rule_shares_sum; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE CONSTRAINT TRIGGER sharing_rule_shares_sum AFTER INSERT OR DELETE OR UPDATE ON treasury.sharing_rule_shares DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rule_shares_sum_check();


--
-- Name: sharing_rules sharing_rule_shares_sum; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE CONSTRAINT TRIGGER sharing_rule_shares_sum AFTER INSERT ON treasury.sharing_rules DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rule_shares_sum_check();


--
-- Name: sharing_rules sharing_rules_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER sharing_rules_guard BEFORE INSERT OR UPDATE ON treasury.sharing_rules FOR EACH ROW EXECUTE FUNCTION treasury.sharing_rules_guard();


--
-- Name: signature_specimens signature_specimens_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER signature_specimens_guard BEFORE INSERT OR DELETE OR UPDATE ON treasury.signature_specimens FOR EACH ROW EXECUTE FUNCTION treasury.signature_specimens_guard();


--
-- Name: signature_specimens specimen_no_delete_truncate; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER specimen_no_delete_truncate BEFORE TRUNCATE ON treasury.signature_specimens FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_delete('specimen_no_delete');


--
-- Name: areas touch_updated_at; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.areas FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();


--
-- Name: banks touch_updated_at; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.banks FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();


--
-- Name: budget_units touch_updated_at; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.budget_units FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();


--
-- Name: classification_codes touch_updated_at; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.classification_codes FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();


--
-- Name: treasuries touch_updated_at; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.treasuries FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();


--
-- Name: treasuries treasury_no_cycle; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER treasury_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.treasuries FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('treasury_no_cycle');


--
-- Name: year_end_advances year_end_advances_guard; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER year_end_advances_guard BEFORE INSERT ON treasury.year_end_advances FOR EACH ROW EXECUTE FUNCTION treasury.year_end_advances_guard();


--
-- Name: fiscal_year_closings year_end_close; Type: TRIGGER; Schema: treasury; Owner: treasury_owner
--

CREATE TRIGGER year_end_close BEFORE INSERT ON treasury.fiscal_year_closings FOR EACH ROW EXECUTE FUNCTION treasury.year_end_close();


--
-- Name: acceptances acceptances_contract_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.acceptances
    ADD CONSTRAINT acceptances_contract_fkey FOREIGN KEY (contract_id) REFERENCES treasury.contracts(id);


--
-- Name: acceptances acceptances_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.acceptances
    ADD CONSTRAINT acceptances_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: accounts accounts_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.accounts
    ADD CONSTRAINT accounts_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: accounts accounts_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.accounts
    ADD CONSTRAINT accounts_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: accounts accounts_unit_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.accounts
    ADD CONSTRAINT accounts_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: advance_settlements advance_settlements_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: advance_settlements advance_settlements_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: advance_settlements advance_settlements_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: advance_settlements advance_settlements_order_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_order_id_fkey FOREIGN KEY (order_id) REFERENCES treasury.payment_orders(id);


--
-- Name: advance_settlements advance_settlements_recovery_order_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.advance_settlements
    ADD CONSTRAINT advance_settlements_recovery_order_id_fkey FOREIGN KEY (recovery_order_id) REFERENCES treasury.payment_orders(id);


--
-- Name: allocation_adjustments allocation_adjustments_allocation_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocation_adjustments
    ADD CONSTRAINT allocation_adjustments_allocation_id_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations(id);


--
-- Name: allocation_adjustments allocation_adjustments_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocation_adjustments
    ADD CONSTRAINT allocation_adjustments_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: allocations allocations_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: allocations allocations_carried_over_from_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_carried_over_from_fkey FOREIGN KEY (carried_over_from) REFERENCES treasury.allocations(id);


--
-- Name: allocations allocations_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: allocations allocations_parent_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES treasury.allocations(id);


--
-- Name: allocations allocations_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: allocations allocations_unit_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.allocations
    ADD CONSTRAINT allocations_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: api_tokens api_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES treasury.users(id);


--
-- Name: areas areas_parent_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.areas
    ADD CONSTRAINT areas_parent_code_fkey FOREIGN KEY (parent_code) REFERENCES treasury.areas(code);


--
-- Name: balance_reconciliations balance_reconciliations_account_no_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.balance_reconciliations
    ADD CONSTRAINT balance_reconciliations_account_no_fkey FOREIGN KEY (account_no) REFERENCES treasury.accounts(account_no);


--
-- Name: balance_reconciliations balance_reconciliations_confirmed_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.balance_reconciliations
    ADD CONSTRAINT balance_reconciliations_confirmed_by_fkey FOREIGN KEY (confirmed_by) REFERENCES treasury.users(id);


--
-- Name: balance_reconciliations balance_reconciliations_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.balance_reconciliations
    ADD CONSTRAINT balance_reconciliations_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: balance_reconciliations balance_reconciliations_requested_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.balance_reconciliations
    ADD CONSTRAINT balance_reconciliations_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES treasury.users(id);


--
-- Name: bank_statement_lines bank_statement_lines_statement_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statement_lines
    ADD CONSTRAINT bank_statement_lines_statement_id_fkey FOREIGN KEY (statement_id) REFERENCES treasury.bank_statements(id);


--
-- Name: bank_statements bank_statements_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statements
    ADD CONSTRAINT bank_statements_bank_code_fkey FOREIGN KEY (bank_code) REFERENCES treasury.banks(code);


--
-- Name: bank_statements bank_statements_imported_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_statements
    ADD CONSTRAINT bank_statements_imported_by_fkey FOREIGN KEY (imported_by) REFERENCES treasury.users(id);


--
-- Name: bank_transactions bank_transactions_account_no_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_transactions
    ADD CONSTRAINT bank_transactions_account_no_fkey FOREIGN KEY (account_no) REFERENCES treasury.accounts(account_no);


--
-- Name: bank_transactions bank_transactions_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_transactions
    ADD CONSTRAINT bank_transactions_bank_code_fkey FOREIGN KEY (bank_code) REFERENCES treasury.banks(code);


--
-- Name: bank_transactions bank_transactions_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.bank_transactions
    ADD CONSTRAINT bank_transactions_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: budget_units budget_units_area_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_units
    ADD CONSTRAINT budget_units_area_code_fkey FOREIGN KEY (area_code) REFERENCES treasury.areas(code);


--
-- Name: budget_units budget_units_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_units
    ADD CONSTRAINT budget_units_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: budget_units budget_units_parent_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_units
    ADD CONSTRAINT budget_units_parent_code_fkey FOREIGN KEY (parent_code) REFERENCES treasury.budget_units(code);


--
-- Name: budget_units budget_units_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.budget_units
    ADD CONSTRAINT budget_units_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: capital_plans capital_plans_allocation_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.capital_plans
    ADD CONSTRAINT capital_plans_allocation_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations(id);


--
-- Name: capital_plans capital_plans_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.capital_plans
    ADD CONSTRAINT capital_plans_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: capital_plans capital_plans_project_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.capital_plans
    ADD CONSTRAINT capital_plans_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects(project_code);


--
-- Name: carry_overs carry_overs_allocation_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.carry_overs
    ADD CONSTRAINT carry_overs_allocation_id_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations(id);


--
-- Name: carry_overs carry_overs_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.carry_overs
    ADD CONSTRAINT carry_overs_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: collection_shares collection_shares_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collection_shares
    ADD CONSTRAINT collection_shares_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: collection_shares collection_shares_collection_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collection_shares
    ADD CONSTRAINT collection_shares_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES treasury.collections(id);


--
-- Name: collections collections_area_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_area_code_fkey FOREIGN KEY (area_code) REFERENCES treasury.areas(code);


--
-- Name: collections collections_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_bank_code_fkey FOREIGN KEY (bank_code) REFERENCES treasury.banks(code);


--
-- Name: collections collections_bank_transaction; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_bank_transaction FOREIGN KEY (bank_code, bank_ref, bank_kind) REFERENCES treasury.bank_transactions(bank_code, bank_ref, kind) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: collections collections_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: collections collections_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: collections collections_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: collections collections_sharing_rule_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_sharing_rule_id_fkey FOREIGN KEY (sharing_rule_id) REFERENCES treasury.sharing_rules(id);


--
-- Name: collections collections_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.collections
    ADD CONSTRAINT collections_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: commitments commitments_allocation_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_allocation_id_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations(id);


--
-- Name: commitments commitments_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: commitments commitments_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: commitments commitments_supplier_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.commitments
    ADD CONSTRAINT commitments_supplier_bank_code_fkey FOREIGN KEY (supplier_bank_code) REFERENCES treasury.banks(code);


--
-- Name: contracts contracts_contractor_bank_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_contractor_bank_fkey FOREIGN KEY (contractor_bank_code) REFERENCES treasury.banks(code);


--
-- Name: contracts contracts_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: contracts contracts_dossier_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_dossier_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: contracts contracts_guarantee_bank_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_guarantee_bank_fkey FOREIGN KEY (guarantee_bank_code) REFERENCES treasury.banks(code);


--
-- Name: contracts contracts_project_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.contracts
    ADD CONSTRAINT contracts_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects(project_code);


--
-- Name: dossier_signatures dossier_signatures_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossier_signatures
    ADD CONSTRAINT dossier_signatures_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossier_signings(dossier_id);


--
-- Name: dossier_signatures dossier_signatures_specimen_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossier_signatures
    ADD CONSTRAINT dossier_signatures_specimen_id_fkey FOREIGN KEY (specimen_id) REFERENCES treasury.signature_specimens(id);


--
-- Name: dossier_signings dossier_signings_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossier_signings
    ADD CONSTRAINT dossier_signings_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: dossiers dossiers_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: dossiers dossiers_procedure_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_procedure_fkey FOREIGN KEY (procedure) REFERENCES treasury.procedures(code);


--
-- Name: dossiers dossiers_supplement_requested_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_supplement_requested_by_fkey FOREIGN KEY (supplement_requested_by) REFERENCES treasury.users(id);


--
-- Name: dossiers dossiers_supplemented_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_supplemented_by_fkey FOREIGN KEY (supplemented_by) REFERENCES treasury.users(id);


--
-- Name: dossiers dossiers_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: dossiers dossiers_unit_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.dossiers
    ADD CONSTRAINT dossiers_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: fiscal_year_closings fiscal_year_closings_closed_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.fiscal_year_closings
    ADD CONSTRAINT fiscal_year_closings_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES treasury.users(id);


--
-- Name: grants grants_user_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.grants
    ADD CONSTRAINT grants_user_id_fkey FOREIGN KEY (user_id) REFERENCES treasury.users(id);


--
-- Name: idempotency_outcomes idempotency_outcomes_user_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.idempotency_outcomes
    ADD CONSTRAINT idempotency_outcomes_user_id_fkey FOREIGN KEY (user_id) REFERENCES treasury.users(id);


--
-- Name: journal_entries journal_entries_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_entries
    ADD CONSTRAINT journal_entries_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: journal_entries journal_entries_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_entries
    ADD CONSTRAINT journal_entries_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: journal_lines journal_lines_account_no_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_account_no_fkey FOREIGN KEY (account_no) REFERENCES treasury.accounts(account_no);


--
-- Name: journal_lines journal_lines_area_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_area_code_fkey FOREIGN KEY (area_code) REFERENCES treasury.areas(code);


--
-- Name: journal_lines journal_lines_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_bank_code_fkey FOREIGN KEY (bank_code) REFERENCES treasury.banks(code);


--
-- Name: journal_lines journal_lines_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: journal_lines journal_lines_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: journal_lines journal_lines_gl_account_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_gl_account_fkey FOREIGN KEY (gl_account) REFERENCES treasury.gl_accounts(code);


--
-- Name: journal_lines journal_lines_project_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_project_fkey FOREIGN KEY (project_code) REFERENCES treasury.projects(project_code);


--
-- Name: journal_lines journal_lines_treasury_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_treasury_code_fkey FOREIGN KEY (treasury_code) REFERENCES treasury.treasuries(code);


--
-- Name: journal_lines journal_lines_unit_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.journal_lines
    ADD CONSTRAINT journal_lines_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: payment_order_events payment_order_events_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_order_events
    ADD CONSTRAINT payment_order_events_by_fkey FOREIGN KEY (by) REFERENCES treasury.users(id);


--
-- Name: payment_order_events payment_order_events_order_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_order_events
    ADD CONSTRAINT payment_order_events_order_id_fkey FOREIGN KEY (order_id) REFERENCES treasury.payment_orders(id);


--
-- Name: payment_orders payment_orders_acceptance_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_acceptance_fkey FOREIGN KEY (acceptance_id) REFERENCES treasury.acceptances(id);


--
-- Name: payment_orders payment_orders_allocation_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_allocation_id_fkey FOREIGN KEY (allocation_id) REFERENCES treasury.allocations(id);


--
-- Name: payment_orders payment_orders_approved_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES treasury.users(id);


--
-- Name: payment_orders payment_orders_authorized_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_authorized_by_fkey FOREIGN KEY (authorized_by) REFERENCES treasury.users(id);


--
-- Name: payment_orders payment_orders_beneficiary_bank_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_beneficiary_bank_code_fkey FOREIGN KEY (beneficiary_bank_code) REFERENCES treasury.banks(code);


--
-- Name: payment_orders payment_orders_cancelled_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_cancelled_by_fkey FOREIGN KEY (cancelled_by) REFERENCES treasury.users(id);


--
-- Name: payment_orders payment_orders_commitment_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES treasury.commitments(id);


--
-- Name: payment_orders payment_orders_contract_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_contract_fkey FOREIGN KEY (contract_id) REFERENCES treasury.contracts(id);


--
-- Name: payment_orders payment_orders_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: payment_orders payment_orders_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: payment_orders payment_orders_rejected_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_rejected_by_fkey FOREIGN KEY (rejected_by) REFERENCES treasury.users(id);


--
-- Name: payment_orders payment_orders_submitted_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.payment_orders
    ADD CONSTRAINT payment_orders_submitted_by_fkey FOREIGN KEY (submitted_by) REFERENCES treasury.users(id);


--
-- Name: periods periods_closed_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.periods
    ADD CONSTRAINT periods_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES treasury.users(id);


--
-- Name: procedures procedures_replaced_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.procedures
    ADD CONSTRAINT procedures_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES treasury.procedures(code);


--
-- Name: projects projects_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.projects
    ADD CONSTRAINT projects_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: projects projects_investor_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.projects
    ADD CONSTRAINT projects_investor_fkey FOREIGN KEY (investor_unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: projects projects_updated_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.projects
    ADD CONSTRAINT projects_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES treasury.users(id);


--
-- Name: refund_shares refund_shares_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refund_shares
    ADD CONSTRAINT refund_shares_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: refund_shares refund_shares_refund_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refund_shares
    ADD CONSTRAINT refund_shares_refund_id_fkey FOREIGN KEY (refund_id) REFERENCES treasury.refunds(id);


--
-- Name: refunds refunds_collection_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_collection_id_fkey FOREIGN KEY (collection_id) REFERENCES treasury.collections(id);


--
-- Name: refunds refunds_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: refunds refunds_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: refunds refunds_entry_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.refunds
    ADD CONSTRAINT refunds_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES treasury.journal_entries(id);


--
-- Name: sharing_rule_shares sharing_rule_shares_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rule_shares
    ADD CONSTRAINT sharing_rule_shares_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: sharing_rule_shares sharing_rule_shares_rule_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rule_shares
    ADD CONSTRAINT sharing_rule_shares_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES treasury.sharing_rules(id);


--
-- Name: sharing_rules sharing_rules_area_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules
    ADD CONSTRAINT sharing_rules_area_code_fkey FOREIGN KEY (area_code) REFERENCES treasury.areas(code);


--
-- Name: sharing_rules sharing_rules_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules
    ADD CONSTRAINT sharing_rules_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: sharing_rules sharing_rules_updated_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.sharing_rules
    ADD CONSTRAINT sharing_rules_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES treasury.users(id);


--
-- Name: signature_specimens signature_specimens_created_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens
    ADD CONSTRAINT signature_specimens_created_by_fkey FOREIGN KEY (created_by) REFERENCES treasury.users(id);


--
-- Name: signature_specimens signature_specimens_dossier_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens
    ADD CONSTRAINT signature_specimens_dossier_id_fkey FOREIGN KEY (dossier_id) REFERENCES treasury.dossiers(id);


--
-- Name: signature_specimens signature_specimens_revoked_by_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens
    ADD CONSTRAINT signature_specimens_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES treasury.users(id);


--
-- Name: signature_specimens signature_specimens_unit_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.signature_specimens
    ADD CONSTRAINT signature_specimens_unit_code_fkey FOREIGN KEY (unit_code) REFERENCES treasury.budget_units(code);


--
-- Name: treasuries treasuries_budget_level_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.treasuries
    ADD CONSTRAINT treasuries_budget_level_fkey FOREIGN KEY (budget_level) REFERENCES treasury.budget_levels(code);


--
-- Name: treasuries treasuries_parent_code_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.treasuries
    ADD CONSTRAINT treasuries_parent_code_fkey FOREIGN KEY (parent_code) REFERENCES treasury.treasuries(code);


--
-- Name: year_end_advances year_end_advances_closing_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.year_end_advances
    ADD CONSTRAINT year_end_advances_closing_fkey FOREIGN KEY (fiscal_year) REFERENCES treasury.fiscal_year_closings(fiscal_year) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: year_end_advances year_end_advances_order_id_fkey; Type: FK CONSTRAINT; Schema: treasury; Owner: treasury_owner
--

ALTER TABLE ONLY treasury.year_end_advances
    ADD CONSTRAINT year_end_advances_order_id_fkey FOREIGN KEY (order_id) REFERENCES treasury.payment_orders(id);


--
-- Name: SCHEMA treasury; Type: ACL; Schema: -; Owner: treasury_owner
--

GRANT USAGE ON SCHEMA treasury TO treasury_app;
GRANT USAGE ON SCHEMA treasury TO treasury_readonly;


--
-- Name: TYPE collection_batch_item; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON TYPE treasury.collection_batch_item TO treasury_app;
GRANT ALL ON TYPE treasury.collection_batch_item TO treasury_readonly;


--
-- Name: FUNCTION account_scopes(p_account_no text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.account_scopes(p_account_no text) TO treasury_app;


--
-- Name: TABLE allocations; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.allocations TO treasury_app;
GRANT SELECT ON TABLE treasury.allocations TO treasury_readonly;


--
-- Name: COLUMN allocations.note; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(note) ON TABLE treasury.allocations TO treasury_app;


--
-- Name: FUNCTION allocations_guard_new_child(p_new treasury.allocations); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.allocations_guard_new_child(p_new treasury.allocations) FROM PUBLIC;


--
-- Name: FUNCTION allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.allocations_guard_update(p_old treasury.allocations, p_new treasury.allocations) FROM PUBLIC;


--
-- Name: FUNCTION arm_deferred_check(p_rule text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.arm_deferred_check(p_rule text) FROM PUBLIC;
GRANT ALL ON FUNCTION treasury.arm_deferred_check(p_rule text) TO treasury_app;


--
-- Name: FUNCTION bank_day_transactions(p_bank_code text, p_day date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date) TO treasury_app;
GRANT ALL ON FUNCTION treasury.bank_day_transactions(p_bank_code text, p_day date) TO treasury_readonly;


--
-- Name: FUNCTION calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.calls_begin(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[]) TO treasury_app;


--
-- Name: FUNCTION calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.calls_finish(p_method text, p_user_ids bigint[], p_keys text[], p_requests text[], p_outcomes text[], p_audit_user_ids bigint[], p_audit_details jsonb[], p_audit_certificates text[]) TO treasury_app;


--
-- Name: FUNCTION code_valid(p_kind text, p_code text, p_on date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) TO treasury_app;
GRANT ALL ON FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) TO treasury_readonly;


--
-- Name: FUNCTION collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) TO treasury_app;
GRANT ALL ON FUNCTION treasury.collection_content(p_collected_on text, p_payer_tax_id text, p_payer_name text, p_revenue_id text, p_chapter text, p_economic_code text, p_area_code text, p_treasury_code text, p_amount text) TO treasury_readonly;


--
-- Name: FUNCTION collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.collection_results(p_items treasury.collection_batch_item[], p_recorded integer[]) TO treasury_app;


--
-- Name: TABLE contracts; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.contracts TO treasury_app;
GRANT SELECT ON TABLE treasury.contracts TO treasury_readonly;


--
-- Name: COLUMN contracts.dossier_id; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(dossier_id) ON TABLE treasury.contracts TO treasury_app;


--
-- Name: FUNCTION deferred_check_armed(p_rule text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.deferred_check_armed(p_rule text) TO treasury_app;
GRANT ALL ON FUNCTION treasury.deferred_check_armed(p_rule text) TO treasury_readonly;


--
-- Name: FUNCTION deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.deposit(p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text, p_created_by bigint, p_accounting_date date) TO treasury_app;


--
-- Name: TABLE dossiers; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.dossiers TO treasury_app;
GRANT SELECT ON TABLE treasury.dossiers TO treasury_readonly;


--
-- Name: FUNCTION entry_problem(p_entry_id bigint); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.entry_problem(p_entry_id bigint) TO treasury_app;


--
-- Name: FUNCTION import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.import_bank_statement(p_bank_code text, p_statement_date date, p_lines jsonb, p_imported_by bigint) TO treasury_app;


--
-- Name: FUNCTION json_amount(p_value jsonb, p_what text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.json_amount(p_value jsonb, p_what text) TO treasury_app;


--
-- Name: FUNCTION next_account_no(); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.next_account_no() TO treasury_app;


--
-- Name: FUNCTION parse_collections(p_items jsonb); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.parse_collections(p_items jsonb) TO treasury_app;


--
-- Name: TABLE payment_orders; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.payment_orders TO treasury_app;
GRANT SELECT ON TABLE treasury.payment_orders TO treasury_readonly;


--
-- Name: COLUMN payment_orders.status; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(status) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.approved_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(approved_by) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.authorized_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(authorized_by) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.rejected_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(rejected_by) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.cancelled_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(cancelled_by) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.reject_reason_code; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(reject_reason_code) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.reject_reasons; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(reject_reasons) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.note; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(note) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.entry_id; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(entry_id) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: COLUMN payment_orders.dossier_id; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(dossier_id) ON TABLE treasury.payment_orders TO treasury_app;


--
-- Name: FUNCTION payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.payment_orders_guard_commitment(p_new treasury.payment_orders, p_purpose text) FROM PUBLIC;


--
-- Name: FUNCTION payment_orders_guard_reasons(p_new treasury.payment_orders); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.payment_orders_guard_reasons(p_new treasury.payment_orders) FROM PUBLIC;


--
-- Name: FUNCTION payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders); Type: ACL; Schema: treasury; Owner: treasury_owner
--

REVOKE ALL ON FUNCTION treasury.payment_orders_guard_update(p_old treasury.payment_orders, p_new treasury.payment_orders) FROM PUBLIC;


--
-- Name: FUNCTION post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.post_entry(p_accounting_date date, p_source_kind text, p_source_id text, p_treasury_code text, p_memo text, p_created_by bigint, p_lines jsonb) TO treasury_app;


--
-- Name: TABLE projects; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.projects TO treasury_app;
GRANT SELECT ON TABLE treasury.projects TO treasury_readonly;


--
-- Name: COLUMN projects.name; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(name) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.total_investment; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(total_investment) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.decision_no; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(decision_no) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.decision_date; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(decision_date) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.project_group; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(project_group) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.source; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(source) ON TABLE treasury.projects TO treasury_app;


--
-- Name: COLUMN projects.updated_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(updated_by) ON TABLE treasury.projects TO treasury_app;


--
-- Name: FUNCTION reconcile_statement(p_statement_id bigint); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.reconcile_statement(p_statement_id bigint) TO treasury_app;
GRANT ALL ON FUNCTION treasury.reconcile_statement(p_statement_id bigint) TO treasury_readonly;


--
-- Name: FUNCTION record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.record_collections(p_items jsonb, p_created_by bigint, p_accounting_date date) TO treasury_app;


--
-- Name: FUNCTION record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.record_refund(p_collection_id bigint, p_amount bigint, p_decision_no text, p_reason text, p_created_by bigint, p_accounting_date date, p_dossier_id bigint) TO treasury_app;


--
-- Name: FUNCTION require_scope(p_object_scopes text[], p_grant_scopes text[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.require_scope(p_object_scopes text[], p_grant_scopes text[]) TO treasury_app;


--
-- Name: FUNCTION revenue_error(p_code text, p_reason text, p_message text, p_field text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text) TO treasury_app;
GRANT ALL ON FUNCTION treasury.revenue_error(p_code text, p_reason text, p_message text, p_field text) TO treasury_readonly;


--
-- Name: FUNCTION shares_json(p_levels text[], p_amounts bigint[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) TO treasury_app;
GRANT ALL ON FUNCTION treasury.shares_json(p_levels text[], p_amounts bigint[]) TO treasury_readonly;


--
-- Name: FUNCTION sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) TO treasury_app;
GRANT ALL ON FUNCTION treasury.sharing_rule_for(p_fiscal_year integer, p_economic_code text, p_area_code text) TO treasury_readonly;


--
-- Name: FUNCTION split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]) TO treasury_app;
GRANT ALL ON FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks integer[]) TO treasury_readonly;


--
-- Name: FUNCTION split_collections(p_items treasury.collection_batch_item[]); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.split_collections(p_items treasury.collection_batch_item[]) TO treasury_app;


--
-- Name: FUNCTION statement_reconciliation(p_statement_id bigint); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.statement_reconciliation(p_statement_id bigint) TO treasury_app;
GRANT ALL ON FUNCTION treasury.statement_reconciliation(p_statement_id bigint) TO treasury_readonly;


--
-- Name: FUNCTION transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.transfer(p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date) TO treasury_app;


--
-- Name: FUNCTION treasury_ancestors(p_code text); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.treasury_ancestors(p_code text) TO treasury_app;
GRANT ALL ON FUNCTION treasury.treasury_ancestors(p_code text) TO treasury_readonly;


--
-- Name: FUNCTION validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.validate_collections(p_items treasury.collection_batch_item[], p_accounting_date date) TO treasury_app;


--
-- Name: FUNCTION verify(); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.verify() TO treasury_app;
GRANT ALL ON FUNCTION treasury.verify() TO treasury_readonly;


--
-- Name: FUNCTION write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date); Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT ALL ON FUNCTION treasury.write_collections(p_items treasury.collection_batch_item[], p_created_by bigint, p_accounting_date date) TO treasury_app;


--
-- Name: TABLE treasury_schema_migrations; Type: ACL; Schema: public; Owner: treasury_owner
--

GRANT SELECT ON TABLE public.treasury_schema_migrations TO treasury_readonly;


--
-- Name: TABLE acceptances; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.acceptances TO treasury_app;
GRANT SELECT ON TABLE treasury.acceptances TO treasury_readonly;


--
-- Name: SEQUENCE acceptances_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.acceptances_id_seq TO treasury_app;


--
-- Name: TABLE accounts; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.accounts TO treasury_app;
GRANT SELECT ON TABLE treasury.accounts TO treasury_readonly;


--
-- Name: TABLE journal_lines; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.journal_lines TO treasury_app;
GRANT SELECT ON TABLE treasury.journal_lines TO treasury_readonly;


--
-- Name: TABLE account_balances; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.account_balances TO treasury_app;
GRANT SELECT ON TABLE treasury.account_balances TO treasury_readonly;


--
-- Name: SEQUENCE account_no_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.account_no_seq TO treasury_app;


--
-- Name: TABLE advance_settlements; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.advance_settlements TO treasury_app;
GRANT SELECT ON TABLE treasury.advance_settlements TO treasury_readonly;


--
-- Name: SEQUENCE advance_settlements_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.advance_settlements_id_seq TO treasury_app;


--
-- Name: TABLE allocation_adjustments; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.allocation_adjustments TO treasury_app;
GRANT SELECT ON TABLE treasury.allocation_adjustments TO treasury_readonly;


--
-- Name: SEQUENCE allocation_adjustments_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.allocation_adjustments_id_seq TO treasury_app;


--
-- Name: SEQUENCE allocations_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.allocations_id_seq TO treasury_app;


--
-- Name: TABLE api_tokens; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.api_tokens TO treasury_app;


--
-- Name: COLUMN api_tokens.revoked_at; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(revoked_at) ON TABLE treasury.api_tokens TO treasury_app;


--
-- Name: SEQUENCE api_tokens_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.api_tokens_id_seq TO treasury_app;


--
-- Name: TABLE areas; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.areas TO treasury_app;
GRANT SELECT ON TABLE treasury.areas TO treasury_readonly;


--
-- Name: TABLE audit_log; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.audit_log TO treasury_app;
GRANT SELECT ON TABLE treasury.audit_log TO treasury_readonly;


--
-- Name: SEQUENCE audit_log_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.audit_log_id_seq TO treasury_app;


--
-- Name: TABLE balance_reconciliations; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.balance_reconciliations TO treasury_app;
GRANT SELECT ON TABLE treasury.balance_reconciliations TO treasury_readonly;


--
-- Name: COLUMN balance_reconciliations.confirmed_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(confirmed_by) ON TABLE treasury.balance_reconciliations TO treasury_app;


--
-- Name: COLUMN balance_reconciliations.confirmed_at; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(confirmed_at) ON TABLE treasury.balance_reconciliations TO treasury_app;


--
-- Name: COLUMN balance_reconciliations.note; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(note) ON TABLE treasury.balance_reconciliations TO treasury_app;


--
-- Name: TABLE bank_statement_lines; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.bank_statement_lines TO treasury_app;
GRANT SELECT ON TABLE treasury.bank_statement_lines TO treasury_readonly;


--
-- Name: TABLE bank_statements; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.bank_statements TO treasury_app;
GRANT SELECT ON TABLE treasury.bank_statements TO treasury_readonly;


--
-- Name: SEQUENCE bank_statements_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.bank_statements_id_seq TO treasury_app;


--
-- Name: TABLE bank_transactions; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.bank_transactions TO treasury_app;
GRANT SELECT ON TABLE treasury.bank_transactions TO treasury_readonly;


--
-- Name: TABLE banks; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.banks TO treasury_app;
GRANT SELECT ON TABLE treasury.banks TO treasury_readonly;


--
-- Name: TABLE budget_execution; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.budget_execution TO treasury_app;
GRANT SELECT ON TABLE treasury.budget_execution TO treasury_readonly;


--
-- Name: TABLE budget_levels; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.budget_levels TO treasury_app;
GRANT SELECT ON TABLE treasury.budget_levels TO treasury_readonly;


--
-- Name: TABLE budget_settlement; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.budget_settlement TO treasury_app;
GRANT SELECT ON TABLE treasury.budget_settlement TO treasury_readonly;


--
-- Name: TABLE budget_units; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.budget_units TO treasury_app;
GRANT SELECT ON TABLE treasury.budget_units TO treasury_readonly;


--
-- Name: TABLE capital_plans; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.capital_plans TO treasury_app;
GRANT SELECT ON TABLE treasury.capital_plans TO treasury_readonly;


--
-- Name: TABLE carry_overs; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.carry_overs TO treasury_app;
GRANT SELECT ON TABLE treasury.carry_overs TO treasury_readonly;


--
-- Name: SEQUENCE carry_overs_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.carry_overs_id_seq TO treasury_app;


--
-- Name: TABLE classification_codes; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.classification_codes TO treasury_app;
GRANT SELECT ON TABLE treasury.classification_codes TO treasury_readonly;


--
-- Name: TABLE collection_shares; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.collection_shares TO treasury_app;
GRANT SELECT ON TABLE treasury.collection_shares TO treasury_readonly;


--
-- Name: TABLE collections; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.collections TO treasury_app;
GRANT SELECT ON TABLE treasury.collections TO treasury_readonly;


--
-- Name: SEQUENCE collections_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.collections_id_seq TO treasury_app;


--
-- Name: TABLE commitments; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.commitments TO treasury_app;
GRANT SELECT ON TABLE treasury.commitments TO treasury_readonly;


--
-- Name: COLUMN commitments.status; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(status) ON TABLE treasury.commitments TO treasury_app;


--
-- Name: COLUMN commitments.dossier_id; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(dossier_id) ON TABLE treasury.commitments TO treasury_app;


--
-- Name: SEQUENCE commitments_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.commitments_id_seq TO treasury_app;


--
-- Name: TABLE contract_advances_outstanding; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.contract_advances_outstanding TO treasury_app;
GRANT SELECT ON TABLE treasury.contract_advances_outstanding TO treasury_readonly;


--
-- Name: SEQUENCE contracts_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.contracts_id_seq TO treasury_app;


--
-- Name: TABLE deferred_checks; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.deferred_checks TO treasury_app;
GRANT SELECT ON TABLE treasury.deferred_checks TO treasury_readonly;


--
-- Name: TABLE dossier_signatures; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.dossier_signatures TO treasury_app;
GRANT SELECT ON TABLE treasury.dossier_signatures TO treasury_readonly;


--
-- Name: TABLE dossier_signings; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.dossier_signings TO treasury_app;
GRANT SELECT ON TABLE treasury.dossier_signings TO treasury_readonly;


--
-- Name: SEQUENCE dossiers_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.dossiers_id_seq TO treasury_app;


--
-- Name: TABLE fiscal_year_closings; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.fiscal_year_closings TO treasury_app;
GRANT SELECT ON TABLE treasury.fiscal_year_closings TO treasury_readonly;


--
-- Name: TABLE gl_accounts; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.gl_accounts TO treasury_app;
GRANT SELECT ON TABLE treasury.gl_accounts TO treasury_readonly;


--
-- Name: TABLE grants; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,DELETE ON TABLE treasury.grants TO treasury_app;
GRANT SELECT ON TABLE treasury.grants TO treasury_readonly;


--
-- Name: TABLE holidays; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.holidays TO treasury_app;
GRANT SELECT ON TABLE treasury.holidays TO treasury_readonly;


--
-- Name: TABLE idempotency_outcomes; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.idempotency_outcomes TO treasury_app;
GRANT SELECT ON TABLE treasury.idempotency_outcomes TO treasury_readonly;


--
-- Name: TABLE investment_disbursement; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.investment_disbursement TO treasury_app;
GRANT SELECT ON TABLE treasury.investment_disbursement TO treasury_readonly;


--
-- Name: TABLE journal_entries; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.journal_entries TO treasury_app;
GRANT SELECT ON TABLE treasury.journal_entries TO treasury_readonly;


--
-- Name: SEQUENCE journal_entries_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.journal_entries_id_seq TO treasury_app;


--
-- Name: SEQUENCE journal_lines_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.journal_lines_id_seq TO treasury_app;


--
-- Name: TABLE payment_order_events; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.payment_order_events TO treasury_app;
GRANT SELECT ON TABLE treasury.payment_order_events TO treasury_readonly;


--
-- Name: TABLE payment_order_reject_reasons; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.payment_order_reject_reasons TO treasury_app;
GRANT SELECT ON TABLE treasury.payment_order_reject_reasons TO treasury_readonly;


--
-- Name: SEQUENCE payment_orders_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.payment_orders_id_seq TO treasury_app;


--
-- Name: TABLE periods; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.periods TO treasury_app;
GRANT SELECT ON TABLE treasury.periods TO treasury_readonly;


--
-- Name: TABLE procedures; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.procedures TO treasury_app;
GRANT SELECT ON TABLE treasury.procedures TO treasury_readonly;


--
-- Name: TABLE refund_shares; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.refund_shares TO treasury_app;
GRANT SELECT ON TABLE treasury.refund_shares TO treasury_readonly;


--
-- Name: TABLE refunds; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.refunds TO treasury_app;
GRANT SELECT ON TABLE treasury.refunds TO treasury_readonly;


--
-- Name: SEQUENCE refunds_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.refunds_id_seq TO treasury_app;


--
-- Name: TABLE revenue_summary; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.revenue_summary TO treasury_app;
GRANT SELECT ON TABLE treasury.revenue_summary TO treasury_readonly;


--
-- Name: TABLE service_level; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.service_level TO treasury_app;
GRANT SELECT ON TABLE treasury.service_level TO treasury_readonly;


--
-- Name: TABLE sharing_rule_shares; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,DELETE ON TABLE treasury.sharing_rule_shares TO treasury_app;
GRANT SELECT ON TABLE treasury.sharing_rule_shares TO treasury_readonly;


--
-- Name: COLUMN sharing_rule_shares.basis_points; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(basis_points) ON TABLE treasury.sharing_rule_shares TO treasury_app;


--
-- Name: TABLE sharing_rules; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.sharing_rules TO treasury_app;
GRANT SELECT ON TABLE treasury.sharing_rules TO treasury_readonly;


--
-- Name: COLUMN sharing_rules.updated_at; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(updated_at) ON TABLE treasury.sharing_rules TO treasury_app;


--
-- Name: COLUMN sharing_rules.updated_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(updated_by) ON TABLE treasury.sharing_rules TO treasury_app;


--
-- Name: SEQUENCE sharing_rules_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.sharing_rules_id_seq TO treasury_app;


--
-- Name: TABLE signature_specimens; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.signature_specimens TO treasury_app;
GRANT SELECT ON TABLE treasury.signature_specimens TO treasury_readonly;


--
-- Name: COLUMN signature_specimens.revoked_by; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(revoked_by) ON TABLE treasury.signature_specimens TO treasury_app;


--
-- Name: COLUMN signature_specimens.revoke_reason; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(revoke_reason) ON TABLE treasury.signature_specimens TO treasury_app;


--
-- Name: SEQUENCE signature_specimens_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.signature_specimens_id_seq TO treasury_app;


--
-- Name: TABLE treasuries; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE treasury.treasuries TO treasury_app;
GRANT SELECT ON TABLE treasury.treasuries TO treasury_readonly;


--
-- Name: TABLE trial_balance; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.trial_balance TO treasury_app;
GRANT SELECT ON TABLE treasury.trial_balance TO treasury_readonly;


--
-- Name: TABLE users; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT,INSERT ON TABLE treasury.users TO treasury_app;
GRANT SELECT ON TABLE treasury.users TO treasury_readonly;


--
-- Name: COLUMN users.display_name; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT UPDATE(display_name) ON TABLE treasury.users TO treasury_app;


--
-- Name: SEQUENCE users_id_seq; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT USAGE ON SEQUENCE treasury.users_id_seq TO treasury_app;


--
-- Name: TABLE verify_checks; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.verify_checks TO treasury_app;
GRANT SELECT ON TABLE treasury.verify_checks TO treasury_readonly;


--
-- Name: TABLE year_end_advances; Type: ACL; Schema: treasury; Owner: treasury_owner
--

GRANT SELECT ON TABLE treasury.year_end_advances TO treasury_app;
GRANT SELECT ON TABLE treasury.year_end_advances TO treasury_readonly;


--
-- PostgreSQL database dump complete
--


