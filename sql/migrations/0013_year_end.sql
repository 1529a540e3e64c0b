-- 0013: the fiscal year end (Budget Law 89/2025 Art 66, Decree 73/2026 Art 30-31,
-- Circular 26/2026 Art 15). The adjustment period (period 13) and rule 9 are
-- the ledger's (0004_ledger.sql: fiscal_year_closings, year_adjusting,
-- adjustment_restricted_entry, journal_entries_after_insert); this file holds
-- what the close works on and the close itself:
--   carry_overs        the budget authority's carry-over decisions, each on one
--                      allocation, with its legal ground; they mark
--                      allocations.carried_over, which spending cannot eat into
--                      (carry_over_exceeds_available).
--   year_end_advances  the advances outstanding at the close: public investment
--                      advances (and those of a carried-over task) roll forward,
--                      the others are due back by 15 February.
--   the close          inserting the year's fiscal_year_closings row runs
--                      year_end_close: months 1-12 closed, the previous year
--                      closed, then cancel what is still in flight, close the
--                      commitments, list the advances, lapse what is unspent,
--                      create next year's allocations (and extended capital
--                      plans) for the carry-overs. From then on the year takes no
--                      posting and its allocations and carry-overs never change
--                      (year_closed).
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Carry-overs
------------------------------------------------------------------------------
CREATE TABLE treasury.carry_overs (
    id            bigserial PRIMARY KEY,
    allocation_id bigint NOT NULL REFERENCES treasury.allocations (id),
    amount        bigint NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000000),
    ground        text NOT NULL CHECK (ground IN ('INVESTMENT_EXTENDED', 'CONTRACTED_BEFORE_YEAR_END', 'ADDED_AFTER_30_SEP',
                                                  'SALARY_REFORM', 'OTHER')),
    decision_no   text NOT NULL CHECK (length(btrim(decision_no)) BETWEEN 1 AND 64),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint NULL REFERENCES treasury.users (id)
);
CREATE INDEX carry_overs_allocation_idx ON treasury.carry_overs (allocation_id);
COMMENT ON TABLE treasury.carry_overs IS 'Carry-over decisions (Budget Law Art 66): part of an allocation''s unspent estimate that becomes next year''s estimate of the same classification at the year close, instead of lapsing. Inserting one adds to allocations.carried_over (never beyond what is unspent: carry_over_exceeds_available). Append-only (carry_over_append_only); once the year is closed, year_closed.';
COMMENT ON COLUMN treasury.carry_overs.id IS 'Carry-over id (carry_over_id in the API).';
COMMENT ON COLUMN treasury.carry_overs.allocation_id IS 'The allocation (of the year being closed) whose unspent part carries over.';
COMMENT ON COLUMN treasury.carry_overs.amount IS 'Amount carried, dong.';
COMMENT ON COLUMN treasury.carry_overs.ground IS 'Legal ground: INVESTMENT_EXTENDED (investment plan whose implementation was extended), CONTRACTED_BEFORE_YEAR_END (goods and works contracted before 31 December), ADDED_AFTER_30_SEP (estimate added after 30 September), SALARY_REFORM (salary-reform funds), OTHER.';
COMMENT ON COLUMN treasury.carry_overs.decision_no IS 'Number of the decision allowing it.';
COMMENT ON COLUMN treasury.carry_overs.created_at IS 'When it was marked (forced to now()).';
COMMENT ON COLUMN treasury.carry_overs.created_by IS 'Budget authority who marked it.';

CREATE FUNCTION treasury.carry_overs_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION treasury.carry_overs_guard() IS 'Trigger function on carry_overs: nothing is marked, changed or deleted in a closed year (year_closed); otherwise only inserts (carry_over_append_only); forces created_at.';
CREATE TRIGGER carry_overs_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.carry_overs
    FOR EACH ROW EXECUTE FUNCTION treasury.carry_overs_guard();
CREATE TRIGGER carry_overs_append_only_truncate BEFORE TRUNCATE ON treasury.carry_overs
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

-- The allocation's own rules (carry_over_exceeds_available, year_closed) judge the mark.
CREATE FUNCTION treasury.carry_overs_book() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE treasury.allocations SET carried_over = carried_over + NEW.amount WHERE id = NEW.allocation_id;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION treasury.carry_overs_book() IS 'Trigger function: after a carry-over is marked, adds it to its allocation''s carried_over (which carry_over_exceeds_available keeps within the unspent part).';
CREATE TRIGGER carry_overs_book AFTER INSERT ON treasury.carry_overs
    FOR EACH ROW EXECUTE FUNCTION treasury.carry_overs_book();

------------------------------------------------------------------------------
-- Advances outstanding at the close
------------------------------------------------------------------------------
CREATE TABLE treasury.year_end_advances (
    fiscal_year int NOT NULL,
    order_id    bigint NOT NULL REFERENCES treasury.payment_orders (id),
    outstanding bigint NOT NULL CHECK (outstanding > 0),
    disposition text NOT NULL CHECK (disposition IN ('ROLLED_FORWARD', 'TO_RECOVER')),
    due_on      date NULL,
    PRIMARY KEY (fiscal_year, order_id),
    CONSTRAINT year_end_advances_closing_fkey FOREIGN KEY (fiscal_year) REFERENCES treasury.fiscal_year_closings (fiscal_year)
        DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT year_end_advance_due CHECK ((disposition = 'TO_RECOVER') = (due_on IS NOT NULL))
);
COMMENT ON TABLE treasury.year_end_advances IS 'The advances (PAID, not fully settled) of a year''s allocations at its close, written by the close only: ROLLED_FORWARD (public investment advances, and advances of an allocation with a carry-over, keep being recovered next year) or TO_RECOVER (due back by due_on, 15 February). The closed year''s allocation keeps them as advanced; later settlements only reduce the order''s outstanding. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.year_end_advances.fiscal_year IS 'The year closed (its fiscal_year_closings row; the foreign key is checked at commit, as the row is inserted by its own trigger''s transaction).';
COMMENT ON COLUMN treasury.year_end_advances.order_id IS 'The advance (a PAID payment order of kind ADVANCE).';
COMMENT ON COLUMN treasury.year_end_advances.outstanding IS 'Its outstanding amount (amount - settled) at the close.';
COMMENT ON COLUMN treasury.year_end_advances.disposition IS 'ROLLED_FORWARD or TO_RECOVER.';
COMMENT ON COLUMN treasury.year_end_advances.due_on IS 'For TO_RECOVER: the day it is due back (15 February of the next year); NULL when rolled forward.';
-- Rows come only from the close (year_end_list_advances, inside year_end_close: depth 2).
CREATE FUNCTION treasury.year_end_advances_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() <= 1 THEN
        PERFORM treasury.raise_rule('year_end_advances_by_close',
            format('advance %s is listed for fiscal year %s only by that year''s close', NEW.order_id, NEW.fiscal_year), 'year_end_advances');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.year_end_advances_guard() IS 'Trigger function: a year_end_advances row is inserted only by the year close (pg_trigger_depth() > 1), never by hand (year_end_advances_by_close).';
CREATE TRIGGER year_end_advances_guard BEFORE INSERT ON treasury.year_end_advances
    FOR EACH ROW EXECUTE FUNCTION treasury.year_end_advances_guard();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.year_end_advances
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.year_end_advances
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- The close: inserting the year's fiscal_year_closings row
------------------------------------------------------------------------------
-- Step 1: months 1-12 closed, and the previous year closed unless it never had an
-- allocation or a posting.
CREATE FUNCTION treasury.year_end_check_order(p_year int) RETURNS void
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.year_end_check_order(int) IS 'Step 1 of year_end_close: refuses while a month 1-12 of the year is not CLOSED (year_close_order) or while the previous year, having any allocation or posting, is not closed (previous_year_open).';

-- Step 2: a previous year that never had an allocation or a posting (step 1 let it
-- pass) is closed with this one, empty, so nothing can be added to it afterwards.
CREATE FUNCTION treasury.year_end_pass_over_previous(p_year int, p_by bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT treasury.year_closed(p_year - 1) THEN
        INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by, passed_over) VALUES (p_year - 1, p_by, true);
    END IF;
END
$$;
COMMENT ON FUNCTION treasury.year_end_pass_over_previous(int, bigint) IS 'Step 2 of year_end_close: when the previous year is not closed (so, by step 1, empty), inserts its fiscal_year_closings row with passed_over = true.';

-- Step 3: orders still in flight can no longer be paid from the year: SUBMITTED
-- ones are cancelled, APPROVED ones rejected (YEAR_CLOSED), with their dossiers.
CREATE FUNCTION treasury.year_end_cancel_orders(p_year int, p_by bigint) RETURNS int
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.year_end_cancel_orders(int, bigint) IS 'Step 3 of year_end_close: the year''s SUBMITTED payment orders become CANCELLED and its APPROVED ones REJECTED (reason YEAR_CLOSED), by p_by, their open dossiers likewise; returns how many (pending is released by the order triggers).';

-- Step 4: the year's OPEN commitments close, releasing what they still reserve.
CREATE FUNCTION treasury.year_end_close_commitments(p_year int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE treasury.commitments c SET status = 'CLOSED'
    FROM treasury.allocations a
    WHERE a.id = c.allocation_id AND a.fiscal_year = p_year AND c.status = 'OPEN';
END
$$;
COMMENT ON FUNCTION treasury.year_end_close_commitments(int) IS 'Step 4 of year_end_close: the year''s OPEN commitments become CLOSED (committed is released by the commitment trigger); a contract carried over is registered again against next year''s allocation.';

-- Step 5: the advances still outstanding: investment advances, and those of an
-- allocation that carries a task over, roll forward; the others are due back by
-- 15 February.
CREATE FUNCTION treasury.year_end_list_advances(p_year int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO treasury.year_end_advances (fiscal_year, order_id, outstanding, disposition, due_on)
    SELECT p_year, o.id, o.amount - o.settled,
           CASE WHEN o.contract_id IS NOT NULL OR a.purpose = 'INVESTMENT' OR a.carried_over > 0 THEN 'ROLLED_FORWARD' ELSE 'TO_RECOVER' END,
           CASE WHEN o.contract_id IS NOT NULL OR a.purpose = 'INVESTMENT' OR a.carried_over > 0 THEN NULL ELSE make_date(p_year + 1, 2, 15) END
    FROM treasury.payment_orders o JOIN treasury.allocations a ON a.id = o.allocation_id
    WHERE a.fiscal_year = p_year AND o.kind = 'ADVANCE' AND o.status = 'PAID' AND o.settled < o.amount;
END
$$;
COMMENT ON FUNCTION treasury.year_end_list_advances(int) IS 'Step 5 of year_end_close: one year_end_advances row per PAID advance of the year not fully settled: ROLLED_FORWARD for investment advances and advances of an allocation with a carry-over, else TO_RECOVER by 15 February of the next year.';

-- Step 6: what is neither spent, advanced nor carried over lapses.
CREATE FUNCTION treasury.year_end_lapse(p_year int) RETURNS bigint
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.year_end_lapse(int) IS 'Step 6 of year_end_close (after steps 3 and 4 emptied pending and committed): sets each allocation''s lapsed to its own share neither spent, advanced nor carried over; returns the total.';

-- Step 7: each allocation with a carry-over continues next year as a root of the
-- same classification (carried_over_from), and an investment plan as an extended
-- plan of the same project.
CREATE FUNCTION treasury.year_end_carry_over(p_year int, p_by bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.year_end_carry_over(int, bigint) IS 'Step 7 of year_end_close: for each allocation of the year with carried_over > 0, a root allocation of the next year with the same budget level, purpose, treasury, unit and segments, amount = carried_over, carried_over_from = it; an allocation that is a capital plan also gets the next year''s extended plan (extended_from_year). Returns the total carried.';

-- SECURITY DEFINER: LOCK TABLE needs more than treasury_app's INSERT rights.
CREATE FUNCTION treasury.year_end_close() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION treasury.year_end_close() IS 'Trigger function: the year-end close, run by inserting the year''s fiscal_year_closings row (a passed_over row, only from the next year''s close, year_passed_over_by_close, does nothing else): checks the order (year_end_check_order), locks allocations and journal_entries, refuses a year closed meanwhile (year_already_closed), then year_end_pass_over_previous, year_end_cancel_orders, year_end_close_commitments, year_end_list_advances, year_end_lapse, year_end_carry_over, and fills the row''s figures. The row''s existence then closes the year (year_closed).';
CREATE TRIGGER year_end_close BEFORE INSERT ON treasury.fiscal_year_closings
    FOR EACH ROW EXECUTE FUNCTION treasury.year_end_close();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.fiscal_year_closings
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.fiscal_year_closings
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- The settlement report
------------------------------------------------------------------------------
CREATE VIEW treasury.budget_settlement AS
SELECT a.id AS allocation_id, a.fiscal_year, a.treasury_code, a.budget_level, a.purpose,
       a.unit_code, a.chapter, a.sector, a.source, a.program,
       a.amount - a.sub_allocated AS appropriated,
       CASE WHEN a.unit_code IS NOT NULL THEN a.amount - a.sub_allocated ELSE 0 END AS allocated,
       a.spent, a.advanced AS advance_outstanding, a.carried_over, a.lapsed,
       a.committed, a.pending,
       a.carried_over_from,
       treasury.year_closed(a.fiscal_year) AS closed
FROM treasury.allocations a;
COMMENT ON VIEW treasury.budget_settlement IS 'Budget settlement per allocation, own shares (amount - sub_allocated) so that sums count nothing twice. For a closed year appropriated = spent + advance_outstanding + carried_over + lapsed (committed and pending are 0): the year''s figures at its close, never changed after it.';
COMMENT ON COLUMN treasury.budget_settlement.allocation_id IS 'The allocation.';
COMMENT ON COLUMN treasury.budget_settlement.fiscal_year IS 'Fiscal year.';
COMMENT ON COLUMN treasury.budget_settlement.treasury_code IS 'Treasury of the allocation.';
COMMENT ON COLUMN treasury.budget_settlement.budget_level IS 'Budget level.';
COMMENT ON COLUMN treasury.budget_settlement.purpose IS 'RECURRENT or INVESTMENT.';
COMMENT ON COLUMN treasury.budget_settlement.unit_code IS 'Budget unit (NULL for an appropriation).';
COMMENT ON COLUMN treasury.budget_settlement.chapter IS 'Chapter segment.';
COMMENT ON COLUMN treasury.budget_settlement.sector IS 'Sector segment.';
COMMENT ON COLUMN treasury.budget_settlement.source IS 'Source segment.';
COMMENT ON COLUMN treasury.budget_settlement.program IS 'Program segment.';
COMMENT ON COLUMN treasury.budget_settlement.appropriated IS 'Own share of the estimate: amount - sub_allocated.';
COMMENT ON COLUMN treasury.budget_settlement.allocated IS 'The same own share when it reached a budget unit (unit_code set), else 0: the part of the appropriation allocated to units.';
COMMENT ON COLUMN treasury.budget_settlement.spent IS 'Paid payments and settled advances.';
COMMENT ON COLUMN treasury.budget_settlement.advance_outstanding IS 'Paid advances not settled (at the close, for a closed year).';
COMMENT ON COLUMN treasury.budget_settlement.carried_over IS 'Marked to carry over (next year''s allocation once closed).';
COMMENT ON COLUMN treasury.budget_settlement.lapsed IS 'Cancelled at the close (0 while the year is open).';
COMMENT ON COLUMN treasury.budget_settlement.committed IS 'Open commitments'' remainder (0 once closed).';
COMMENT ON COLUMN treasury.budget_settlement.pending IS 'Orders in flight (0 once closed).';
COMMENT ON COLUMN treasury.budget_settlement.carried_over_from IS 'The previous year''s allocation this one continues, if any.';
COMMENT ON COLUMN treasury.budget_settlement.closed IS 'Whether the fiscal year is closed.';

------------------------------------------------------------------------------
-- verify(): the year end
------------------------------------------------------------------------------
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('closed_year_settled', 'Every allocation of a closed year: nothing committed or pending, and amount = sub_allocated + spent + advanced + carried_over + lapsed.',
 $q$SELECT format('allocation %s (closed year %s): amount %s, sub_allocated %s, committed %s, pending %s, spent %s, advanced %s, carried_over %s, lapsed %s',
                  a.id, a.fiscal_year, a.amount, a.sub_allocated, a.committed, a.pending, a.spent, a.advanced, a.carried_over, a.lapsed)
    FROM treasury.allocations a
    WHERE treasury.year_closed(a.fiscal_year) AND (a.committed <> 0 OR a.pending <> 0)
       OR (treasury.year_closed(a.fiscal_year) AND a.amount::numeric <> a.sub_allocated::numeric + a.spent + a.advanced + a.carried_over + a.lapsed)$q$),
('open_year_not_lapsed', 'No allocation of an open year has a lapsed part.',
 $q$SELECT format('allocation %s (open year %s): lapsed %s', a.id, a.fiscal_year, a.lapsed)
    FROM treasury.allocations a WHERE a.lapsed <> 0 AND NOT treasury.year_closed(a.fiscal_year)$q$),
('carried_over_marked', 'Every allocation''s carried_over equals the sum of its carry-overs, and a closed year''s carried allocations continue next year with that amount.',
 $q$SELECT format('allocation %s: carried_over %s, carry-overs %s', a.id, a.carried_over, coalesce(c.total, 0))
    FROM treasury.allocations a
    LEFT JOIN (SELECT allocation_id, sum(amount) AS total FROM treasury.carry_overs GROUP BY allocation_id) c ON c.allocation_id = a.id
    WHERE a.carried_over <> coalesce(c.total, 0)
    UNION ALL
    SELECT format('allocation %s (closed year %s): carried_over %s, next year''s allocations from it %s', a.id, a.fiscal_year, a.carried_over, coalesce(sum(n.amount), 0))
    FROM treasury.allocations a
    LEFT JOIN treasury.allocations n ON n.carried_over_from = a.id
    WHERE treasury.year_closed(a.fiscal_year)
    GROUP BY a.id HAVING a.carried_over <> coalesce(sum(n.amount), 0)$q$),
('year_closing_figures', 'Each closed year''s lapsed and carried_over equal the sums over its allocations.',
 $q$SELECT format('fiscal year %s: closing says lapsed %s / carried %s, allocations sum to %s / %s', c.fiscal_year, c.lapsed, c.carried_over,
                  coalesce(sum(a.lapsed), 0), coalesce(sum(a.carried_over), 0))
    FROM treasury.fiscal_year_closings c LEFT JOIN treasury.allocations a ON a.fiscal_year = c.fiscal_year
    GROUP BY c.fiscal_year HAVING c.lapsed <> coalesce(sum(a.lapsed), 0) OR c.carried_over <> coalesce(sum(a.carried_over), 0)$q$),
('closed_year_postings', 'No entry dated into a closed year was posted after its close.',
 $q$SELECT format('entry %s dated %s posted at %s, after fiscal year %s closed at %s', e.id, e.accounting_date, e.posted_at, c.fiscal_year, c.closed_at)
    FROM treasury.journal_entries e
    JOIN LATERAL (SELECT c.fiscal_year, c.closed_at FROM treasury.fiscal_year_closings c
                  WHERE c.fiscal_year = extract(year FROM e.accounting_date)::int) c ON true
    WHERE e.posted_at > c.closed_at$q$);

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.carry_overs, treasury.year_end_advances, treasury.budget_settlement TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.carry_overs TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.carry_overs_id_seq TO treasury_app;
