-- 0004: the double-entry ledger: chart of GL accounts, transaction accounts of
-- budget units (a sub-ledger of 3711), periods, journal entries and lines, the
-- commit-time checks of the ledger (deferred_checks), post_entry (the
-- one-round-trip posting function) and bank_transactions (the business key of
-- bank deposits and collections).
-- Every rule here holds for every writer (service or DBA); a violation raises
-- SQLSTATE 23514 with the rule's name in CONSTRAINT (raise_rule).
--
-- The write path checks per statement, not per row, wherever a set-based check
-- holds the same rule:
--  * entry_balanced (every entry has >= 2 lines and balances per currency) runs
--    ONCE per transaction at COMMIT over every entry the transaction created
--    (the only entries it can have touched: lines only join entries of their
--    own transaction, entry_closed_for_lines);
--  * entry_closed_for_lines, line_subledger and period_closed are statement-level
--    AFTER INSERT triggers over the transition tables (still inside the
--    inserting statement). Account lines also have a per-row BEFORE trigger
--    (lock, status, currency, non-negative balance, balance_after chain).
-- PostgreSQL allows no transition table on a deferrable constraint trigger, so
-- the statement triggers "arm" the deferred check: they insert one row
-- (txid, rule) into deferred_checks, whose deferred constraint trigger runs the
-- set-based check at COMMIT (or at once under SET CONSTRAINTS ... IMMEDIATE)
-- and deletes the row, so a later statement arms it again.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Chart of GL accounts
------------------------------------------------------------------------------
CREATE TABLE treasury.gl_accounts (
    code      text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name      text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('ASSET', 'LIABILITY', 'REVENUE', 'EXPENDITURE', 'EQUITY')),
    subledger boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE treasury.gl_accounts IS 'Chart of general-ledger accounts (illustrative TABMIS chart, see docs/schema.md).';
COMMENT ON COLUMN treasury.gl_accounts.code IS 'GL account code, 4 digits.';
COMMENT ON COLUMN treasury.gl_accounts.name IS 'Name of the GL account.';
COMMENT ON COLUMN treasury.gl_accounts.kind IS 'ASSET, LIABILITY, REVENUE, EXPENDITURE or EQUITY.';
COMMENT ON COLUMN treasury.gl_accounts.subledger IS 'True when every line on this GL account names a transaction account (account_no) and no other line may (3711 deposits of budget units); rule line_subledger.';

INSERT INTO treasury.gl_accounts (code, name, kind, subledger) VALUES
    ('1110', 'Treasury cash (Treasury Single Account)', 'ASSET', false),
    ('1130', 'Cash in transit at commercial banks', 'ASSET', false),
    ('1310', 'Advances to budget units', 'ASSET', false),
    ('3711', 'Deposits of budget units', 'LIABILITY', true),
    ('7111', 'Budget revenue', 'REVENUE', false),
    ('8111', 'Budget expenditure', 'EXPENDITURE', false);

------------------------------------------------------------------------------
-- Transaction accounts
------------------------------------------------------------------------------
CREATE SEQUENCE treasury.account_no_seq MINVALUE 1 MAXVALUE 999999;
COMMENT ON SEQUENCE treasury.account_no_seq IS 'Serial part of new account numbers (next_account_no).';

CREATE FUNCTION treasury.next_account_no() RETURNS text
LANGUAGE sql VOLATILE AS $$
    SELECT '3711' || lpad(nextval('treasury.account_no_seq')::text, 6, '0')
$$;
COMMENT ON FUNCTION treasury.next_account_no() IS 'A new 10-digit transaction account number: 3711 followed by 6 digits from account_no_seq.';

CREATE TABLE treasury.accounts (
    account_no    text PRIMARY KEY DEFAULT treasury.next_account_no() CHECK (account_no ~ '^[0-9]{10}$'),
    unit_code     text NOT NULL REFERENCES treasury.budget_units (code),
    treasury_code text NOT NULL REFERENCES treasury.treasuries (code),
    currency      text NOT NULL DEFAULT 'VND' CHECK (currency ~ '^[A-Z]{3}$'),
    status        text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'FROZEN', 'CLOSED')),
    balance       bigint NOT NULL DEFAULT 0,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz NULL,
    closed_at     timestamptz NULL,
    frozen_reason text NULL,
    created_by    bigint NULL REFERENCES treasury.users (id)
);
CREATE INDEX accounts_unit_idx ON treasury.accounts (unit_code);
CREATE INDEX accounts_treasury_idx ON treasury.accounts (treasury_code);
COMMENT ON TABLE treasury.accounts IS 'Transaction accounts of budget units at the treasury: sub-accounts of GL 3711 inside the Treasury Single Account. balance is maintained only by posting journal lines (account_balance_from_lines).';
COMMENT ON COLUMN treasury.accounts.account_no IS 'Account number, 10 digits (3711 + serial, see next_account_no). Immutable.';
COMMENT ON COLUMN treasury.accounts.unit_code IS 'Budget unit holding the account. Immutable.';
COMMENT ON COLUMN treasury.accounts.treasury_code IS 'Treasury keeping the account. Immutable.';
COMMENT ON COLUMN treasury.accounts.currency IS 'ISO 4217 currency, VND by default. Immutable; every line must be in it.';
COMMENT ON COLUMN treasury.accounts.status IS 'PENDING, ACTIVE, FROZEN or CLOSED; changes only along the state machine (account_status_transition). Only ACTIVE takes postings.';
COMMENT ON COLUMN treasury.accounts.balance IS 'Current balance in minor units (dong) = sum(credit - debit) of its journal lines; never negative; written only by the line-posting trigger.';
COMMENT ON COLUMN treasury.accounts.opened_at IS 'When the account was requested or opened. Immutable.';
COMMENT ON COLUMN treasury.accounts.activated_at IS 'When it first became ACTIVE (set by trigger).';
COMMENT ON COLUMN treasury.accounts.closed_at IS 'When it became CLOSED (set by trigger).';
COMMENT ON COLUMN treasury.accounts.frozen_reason IS 'Why it was frozen (free text).';
COMMENT ON COLUMN treasury.accounts.created_by IS 'User who opened it.';

CREATE FUNCTION treasury.accounts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.accounts_guard() IS 'Trigger function on accounts: start balance 0, immutable fields, balance only from lines, status state machine, close only when empty, no delete; sets activated_at/closed_at.';

CREATE TRIGGER accounts_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.accounts
    FOR EACH ROW EXECUTE FUNCTION treasury.accounts_guard();

------------------------------------------------------------------------------
-- Periods
------------------------------------------------------------------------------
CREATE TABLE treasury.periods (
    fiscal_year int NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    month       int NOT NULL CHECK (month BETWEEN 1 AND 12),
    status      text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
    closed_at   timestamptz NULL,
    closed_by   bigint NULL REFERENCES treasury.users (id),
    PRIMARY KEY (fiscal_year, month)
);
COMMENT ON TABLE treasury.periods IS 'Accounting periods (months of the calendar fiscal year). A month with no row is OPEN. Months close in order (period_order), never reopen (period_reopen); nothing posts into a CLOSED month (period_closed).';
COMMENT ON COLUMN treasury.periods.fiscal_year IS 'Fiscal (= calendar) year.';
COMMENT ON COLUMN treasury.periods.month IS 'Month 1-12.';
COMMENT ON COLUMN treasury.periods.status IS 'OPEN or CLOSED; CLOSED is final.';
COMMENT ON COLUMN treasury.periods.closed_at IS 'When the month closed: the clock once the close held its lock on journal_entries (set by trigger), so every posting into the month has posted_at before it.';
COMMENT ON COLUMN treasury.periods.closed_by IS 'User who closed it.';

-- SECURITY DEFINER: LOCK TABLE ... SHARE ROW EXCLUSIVE needs more than INSERT,
-- and treasury_app has only INSERT on journal_entries.
CREATE FUNCTION treasury.periods_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
COMMENT ON FUNCTION treasury.periods_guard() IS 'Trigger function on periods: close in order, never reopen or delete, lock journal_entries while closing so no in-flight posting slips in; sets closed_at.';

CREATE TRIGGER periods_guard BEFORE INSERT OR UPDATE OR DELETE ON treasury.periods
    FOR EACH ROW EXECUTE FUNCTION treasury.periods_guard();

------------------------------------------------------------------------------
-- Fiscal years: the close that ends a year for good
------------------------------------------------------------------------------
-- A year with no row here is open. Inserting its row closes it: the row's
-- trigger (year_end_close, in 0013_year_end.sql, with the budget tables it
-- works on) lapses, carries over and lists the advances, and from then on no
-- writer posts into the year (year_closed) nor changes its allocations.
CREATE TABLE treasury.fiscal_year_closings (
    fiscal_year      int PRIMARY KEY CHECK (fiscal_year BETWEEN 1900 AND 9999),
    closed_at        timestamptz NOT NULL DEFAULT now(),
    closed_by        bigint NULL REFERENCES treasury.users (id),
    lapsed           bigint NOT NULL DEFAULT 0 CHECK (lapsed >= 0),
    carried_over     bigint NOT NULL DEFAULT 0 CHECK (carried_over >= 0),
    orders_cancelled int NOT NULL DEFAULT 0 CHECK (orders_cancelled >= 0),
    passed_over      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE treasury.fiscal_year_closings IS 'One row per closed fiscal year (period 13 closed): inserting it is the year-end close (its trigger does the work and fills the figures); a year without a row is open. Append-only: a closed year never reopens (ledger_append_only). Nothing posts into a closed year (year_closed) and its allocations and carry-overs never change.';
COMMENT ON COLUMN treasury.fiscal_year_closings.fiscal_year IS 'The year closed.';
COMMENT ON COLUMN treasury.fiscal_year_closings.closed_at IS 'When the close took effect: the clock once it held its locks (forced), so every posting into the year has posted_at before it.';
COMMENT ON COLUMN treasury.fiscal_year_closings.closed_by IS 'Chief accountant who closed it.';
COMMENT ON COLUMN treasury.fiscal_year_closings.lapsed IS 'Total cancelled (lapsed) over the year''s allocations: the sum of allocations.lapsed (set by the close trigger).';
COMMENT ON COLUMN treasury.fiscal_year_closings.carried_over IS 'Total carried into next year''s allocations: the sum of allocations.carried_over (set by the close trigger).';
COMMENT ON COLUMN treasury.fiscal_year_closings.passed_over IS 'True for a year that never had an allocation or a posting, closed (empty) by the close of the next year so that nothing is added to it afterwards; its figures are 0.';
COMMENT ON COLUMN treasury.fiscal_year_closings.orders_cancelled IS 'Payment orders still SUBMITTED or APPROVED at the close, cancelled by it (set by the close trigger).';

-- Whether the year is closed. PL/pgSQL: prepared once per session.
CREATE FUNCTION treasury.year_closed(p_fiscal_year int) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.fiscal_year_closings c WHERE c.fiscal_year = p_fiscal_year);
END
$$;
COMMENT ON FUNCTION treasury.year_closed(int) IS 'True when the fiscal year is closed: it has a fiscal_year_closings row (its own close, or passed over empty by the close of the next year).';

-- The adjustment period of year Y (period 13): once Y's December is closed and
-- until Y is closed, postings dated into Y are adjustment postings. The treasury
-- closes December in the first days of January; a state, not the clock, so every
-- writer and every replica sees the same rule (docs/year-end.md).
CREATE FUNCTION treasury.year_adjusting(p_fiscal_year int) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.periods p WHERE p.fiscal_year = p_fiscal_year AND p.month = 12 AND p.status = 'CLOSED');
END
$$;
COMMENT ON FUNCTION treasury.year_adjusting(int) IS 'True when postings dated into the year are adjustment-period (period 13) postings: its December is CLOSED (and, for them to post at all, the year is not closed).';

------------------------------------------------------------------------------
-- Journal
------------------------------------------------------------------------------
CREATE TABLE treasury.journal_entries (
    id              bigserial PRIMARY KEY,
    posted_at       timestamptz NOT NULL DEFAULT now(),
    accounting_date date NOT NULL,
    source_kind     text NOT NULL CHECK (source_kind ~ '^[A-Z][A-Z0-9_]*$'),
    source_id       text NULL,
    treasury_code   text NOT NULL REFERENCES treasury.treasuries (code),
    memo            text NULL,
    created_by      bigint NULL REFERENCES treasury.users (id),
    created_txid    xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX journal_entries_source_idx ON treasury.journal_entries (source_kind, source_id);
CREATE INDEX journal_entries_date_idx ON treasury.journal_entries (accounting_date);
-- The COMMIT check entry_balanced finds the transaction's entries by created_txid.
CREATE INDEX journal_entries_created_txid_idx ON treasury.journal_entries (created_txid);
COMMENT ON TABLE treasury.journal_entries IS 'Journal entries: one per movement of money; balanced at commit (entry_balanced), append-only (ledger_append_only), never in a closed period (period_closed).';
COMMENT ON COLUMN treasury.journal_entries.id IS 'Entry id (entry_id in the API).';
COMMENT ON COLUMN treasury.journal_entries.posted_at IS 'Transaction time of posting; forced to now() by trigger.';
COMMENT ON COLUMN treasury.journal_entries.accounting_date IS 'Accounting date (local date, Asia/Ho_Chi_Minh); its month must not be CLOSED.';
COMMENT ON COLUMN treasury.journal_entries.source_kind IS 'What produced the entry, UPPER_SNAKE: DEPOSIT, TRANSFER, COLLECTION, REFUND, PAYMENT...';
COMMENT ON COLUMN treasury.journal_entries.source_id IS 'Id of the producing object (order, collection, bank ref...).';
COMMENT ON COLUMN treasury.journal_entries.treasury_code IS 'Treasury whose books the entry is in (trial_balance groups by it).';
COMMENT ON COLUMN treasury.journal_entries.memo IS 'Free text.';
COMMENT ON COLUMN treasury.journal_entries.created_by IS 'User who caused the posting.';
COMMENT ON COLUMN treasury.journal_entries.created_txid IS 'Top-level transaction that created the entry (forced by trigger); lines may only be added by that transaction (entry_closed_for_lines).';

CREATE TABLE treasury.journal_lines (
    id            bigserial PRIMARY KEY,
    entry_id      bigint NOT NULL REFERENCES treasury.journal_entries (id),
    line_no       int NOT NULL CHECK (line_no >= 1),
    gl_account    text NOT NULL REFERENCES treasury.gl_accounts (code),
    account_no    text NULL REFERENCES treasury.accounts (account_no),
    currency      text NOT NULL DEFAULT 'VND' CHECK (currency ~ '^[A-Z]{3}$'),
    debit         bigint NOT NULL DEFAULT 0,
    credit        bigint NOT NULL DEFAULT 0,
    balance_after bigint NULL,
    fund          text NULL CHECK (fund ~ '^[0-9A-Z]{1,2}$'),
    economic_code text NULL CHECK (economic_code ~ '^[0-9A-Z]{1,10}$'),
    budget_level  text NULL REFERENCES treasury.budget_levels (code),
    unit_code     text NULL REFERENCES treasury.budget_units (code),
    area_code     text NULL REFERENCES treasury.areas (code),
    chapter       text NULL CHECK (chapter ~ '^[0-9A-Z]{1,10}$'),
    sector        text NULL CHECK (sector ~ '^[0-9A-Z]{1,10}$'),
    program       text NULL CHECK (program ~ '^[0-9A-Z]{1,10}$'),
    treasury_code text NULL REFERENCES treasury.treasuries (code),
    source        text NULL CHECK (source ~ '^[0-9A-Z]{1,10}$'),
    reserve       text NULL CHECK (reserve ~ '^[0-9A-Z]{1,10}$'),
    bank_code     text NULL REFERENCES treasury.banks (code),
    -- Its foreign key to projects is declared in 0012_investment.sql, once that table exists.
    project_code  text NULL,
    CONSTRAINT journal_lines_one_side CHECK (debit >= 0 AND credit >= 0 AND (debit > 0) <> (credit > 0)),
    CONSTRAINT journal_lines_amount_limit CHECK (debit <= 1000000000000000000 AND credit <= 1000000000000000000),
    UNIQUE (entry_id, line_no)
);
-- Every read of lines by entry (the COMMIT check entry_balanced, entry_problem,
-- post_entry's result) uses the unique (entry_id, line_no) index; no separate
-- entry_id index.
-- Only subledger lines carry an account and every read by account is by
-- account_no = value (balance chain, statements), which implies the predicate:
-- lines without an account (revenue, cash) are not indexed.
CREATE INDEX journal_lines_account_idx ON treasury.journal_lines (account_no, id) WHERE account_no IS NOT NULL;
COMMENT ON INDEX treasury.journal_lines_account_idx IS 'Subledger lines of an account in posting order (balance chain, statements); partial: lines without an account are not indexed.';
COMMENT ON TABLE treasury.journal_lines IS 'Journal lines: a debit or a credit on a GL account with its TABMIS segments. Lines naming an account_no move that account''s balance (in id order). Append-only; only added by the transaction that created the entry.';
COMMENT ON COLUMN treasury.journal_lines.id IS 'Line id; for lines with an account_no it is taken after the account lock, so id order is posting order per account.';
COMMENT ON COLUMN treasury.journal_lines.entry_id IS 'The entry the line belongs to.';
COMMENT ON COLUMN treasury.journal_lines.line_no IS 'Position of the line in the entry (1-based, as given to post_entry).';
COMMENT ON COLUMN treasury.journal_lines.gl_account IS 'GL account (segment, 4 digits).';
COMMENT ON COLUMN treasury.journal_lines.account_no IS 'Transaction account (sub-ledger of 3711) whose balance this line moves; required exactly on subledger GL accounts.';
COMMENT ON COLUMN treasury.journal_lines.currency IS 'Currency of the amount; must equal the account''s currency when account_no is set.';
COMMENT ON COLUMN treasury.journal_lines.debit IS 'Debit amount in minor units; exactly one of debit and credit is positive.';
COMMENT ON COLUMN treasury.journal_lines.credit IS 'Credit amount in minor units; exactly one of debit and credit is positive.';
COMMENT ON COLUMN treasury.journal_lines.balance_after IS 'Balance of account_no right after this line (set by trigger; NULL without account_no).';
COMMENT ON COLUMN treasury.journal_lines.fund IS 'Segment: fund (2).';
COMMENT ON COLUMN treasury.journal_lines.economic_code IS 'Segment: economic content code (muc/tieu muc, 4).';
COMMENT ON COLUMN treasury.journal_lines.budget_level IS 'Segment: budget level.';
COMMENT ON COLUMN treasury.journal_lines.unit_code IS 'Segment: budget-unit code DVQHNS (7).';
COMMENT ON COLUMN treasury.journal_lines.area_code IS 'Segment: area (5).';
COMMENT ON COLUMN treasury.journal_lines.chapter IS 'Segment: chapter / chuong (3).';
COMMENT ON COLUMN treasury.journal_lines.sector IS 'Segment: sector / loai-khoan (3).';
COMMENT ON COLUMN treasury.journal_lines.program IS 'Segment: program / CTMT (5).';
COMMENT ON COLUMN treasury.journal_lines.treasury_code IS 'Segment: treasury code KBNN (4).';
COMMENT ON COLUMN treasury.journal_lines.source IS 'Segment: source / nguon (2).';
COMMENT ON COLUMN treasury.journal_lines.reserve IS 'Segment: reserve (3).';
COMMENT ON COLUMN treasury.journal_lines.bank_code IS 'Commercial bank involved (collections, deposits, payments out).';
COMMENT ON COLUMN treasury.journal_lines.project_code IS 'Segment: public investment project (projects) of an advance or a payment under one of its contracts.';

------------------------------------------------------------------------------
-- Commit-time checks: the arming table
------------------------------------------------------------------------------
CREATE TABLE treasury.deferred_checks (
    txid xid8 NOT NULL,
    rule text NOT NULL CHECK (rule IN ('entry_balanced', 'collection_shares_sum')),
    PRIMARY KEY (txid, rule)
);
COMMENT ON TABLE treasury.deferred_checks IS 'Transient: one row per open transaction and deferred set-based rule (entry_balanced, collection_shares_sum) that must still run; inserted by the statement triggers of journal_entries, journal_lines, collections and collection_shares, its insert queues the deferred constraint trigger of that name, which checks every entry / collection of the transaction at COMMIT and deletes the row. Empty when no transaction is in flight. Written only by those triggers.';
COMMENT ON COLUMN treasury.deferred_checks.txid IS 'Top-level transaction (pg_current_xact_id()) whose check is pending.';
COMMENT ON COLUMN treasury.deferred_checks.rule IS 'entry_balanced or collection_shares_sum: the deferred constraint trigger the row queued.';

-- Rows are removed only by the check itself (trigger depth > 1); no update.
CREATE FUNCTION treasury.deferred_checks_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on treasury.deferred_checks refused: its rows are written and removed only by the ledger triggers', TG_OP
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_append_only', SCHEMA = 'treasury', TABLE = 'deferred_checks';
END
$$;
COMMENT ON FUNCTION treasury.deferred_checks_guard() IS 'Trigger function on deferred_checks: refuses UPDATE, TRUNCATE and any DELETE not made by the deferred check itself.';
CREATE TRIGGER deferred_checks_guard BEFORE UPDATE OR DELETE ON treasury.deferred_checks
    FOR EACH ROW EXECUTE FUNCTION treasury.deferred_checks_guard();
CREATE TRIGGER deferred_checks_guard_truncate BEFORE TRUNCATE ON treasury.deferred_checks
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.deferred_checks_guard();

-- Queues the deferred check p_rule for this transaction unless it is already queued.
-- PL/pgSQL, not SQL: its statement is prepared once per session (an SQL function
-- that cannot be inlined is parsed and planned on every call).
CREATE FUNCTION treasury.arm_deferred_check(p_rule text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO treasury.deferred_checks (txid, rule) VALUES (pg_current_xact_id(), p_rule) ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION treasury.arm_deferred_check(text) IS 'Inserts (current transaction, p_rule) into deferred_checks if absent, which queues the deferred constraint trigger p_rule once for the transaction. Called by the statement triggers, as the inserting role; calling it by hand only adds a check.';

-- Whether the check is queued and has not run yet: only arm_deferred_check writes the row and
-- only the check itself removes it, so its presence means exactly that. A probe is cheaper
-- than a second arm_deferred_check call in the same transaction (its owner switch and
-- search_path).
-- PL/pgSQL: an SQL function with a sub-select is not inlined, so it would be parsed and
-- planned on every call.
CREATE FUNCTION treasury.deferred_check_armed(p_rule text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM treasury.deferred_checks d WHERE d.txid = pg_current_xact_id() AND d.rule = p_rule);
END
$$;
COMMENT ON FUNCTION treasury.deferred_check_armed(text) IS 'True when the deferred check p_rule is queued for the current transaction and has not run yet (its deferred_checks row exists); the statement triggers call arm_deferred_check only otherwise.';

------------------------------------------------------------------------------
-- entry_balanced: one set-based check per transaction, at COMMIT
------------------------------------------------------------------------------
-- Checks one entry: at least two lines and, per currency, debits = credits.
CREATE FUNCTION treasury.entry_problem(p_entry_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
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
COMMENT ON FUNCTION treasury.entry_problem(bigint) IS 'NULL when the entry has at least 2 lines and balances per currency; otherwise a sentence saying what is wrong.';

-- Each entry's lines are read by index (LATERAL): the cost depends on the
-- transaction's entries, not on the size of journal_lines. enable_seqscan = off: a plan
-- cached while deferred_checks or journal_entries was nearly empty would otherwise keep
-- scanning them whole (deferred_checks holds a dead row per transaction between vacuums).
CREATE FUNCTION treasury.entries_balanced_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off AS $$
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
COMMENT ON FUNCTION treasury.entries_balanced_check() IS 'Deferred constraint trigger function (entry_balanced on deferred_checks): at COMMIT every journal entry created by the transaction has >= 2 lines and balances per currency, its lines read by index; then the transaction''s deferred_checks row is removed so a later statement re-arms it.';

CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON treasury.deferred_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.rule = 'entry_balanced')
    EXECUTE FUNCTION treasury.entries_balanced_check();

------------------------------------------------------------------------------
-- journal_entries: forced values per row, period_closed per statement
------------------------------------------------------------------------------
CREATE FUNCTION treasury.journal_entries_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.posted_at := now();
    NEW.created_txid := pg_current_xact_id();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION treasury.journal_entries_before_insert() IS 'Trigger function: forces posted_at = now() and created_txid = current transaction (period_closed is checked per statement by journal_entries_after_insert).';
CREATE TRIGGER journal_entries_before_insert BEFORE INSERT ON treasury.journal_entries
    FOR EACH ROW EXECUTE FUNCTION treasury.journal_entries_before_insert();

-- Rule 9's list of what may still be dated into year Y in its adjustment period:
-- collections (COLLECTION; the service dates them into Y only when collected by 31
-- December), payments (PAYMENT) of work accepted by 31 December (the acceptance's
-- accepted_on, else the order's submission day), advance settlements
-- (ADVANCE_SETTLEMENT) and corrections (REVERSAL).
CREATE FUNCTION treasury.adjustment_restricted_entry(p_fiscal_year int, p_entry_ids bigint[])
RETURNS TABLE (id bigint, source_kind text, source_id text, accounting_date date)
LANGUAGE plpgsql STABLE AS $$
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
$$;
COMMENT ON FUNCTION treasury.adjustment_restricted_entry(int, bigint[]) IS 'Rule 9: the first of the given entries (dated into p_fiscal_year in its adjustment period) that may not be: anything but COLLECTION, PAYMENT, ADVANCE_SETTLEMENT and REVERSAL, and a PAYMENT whose payment order is not a PAYMENT for work accepted by 31 December (acceptances.accepted_on, else the order''s submission day). No row when all may.';

-- Rule 9, then rule 6, for each month the statement posts into (usually one): one
-- query reads the states, the loop only raises.
CREATE FUNCTION treasury.journal_entries_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.journal_entries_after_insert() IS 'Statement trigger function on journal_entries, per month the new entries are dated in: rule 9, nothing into a closed fiscal year (year_closed) and, in a year''s adjustment period, only the kinds adjustment_restricted_entry allows (adjustment_period_restricted); rule 6, nothing into a CLOSED month (period_closed), except a closed December in the adjustment period (period 13). Arms the deferred entry_balanced check of the transaction.';
CREATE TRIGGER journal_entries_after_insert AFTER INSERT ON treasury.journal_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_entries_after_insert();

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.journal_entries
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- journal_lines: per-row trigger only for account lines, the rest per statement
------------------------------------------------------------------------------
-- One statement per account line: the UPDATE takes the account's row lock (which serialises
-- every posting to the account) and moves the balance; the checks then read what it returned,
-- and a refusal undoes it with the statement. Which entry a line may join and which GL needs an
-- account are checked per statement (journal_lines_after_insert), for every line alike.
CREATE FUNCTION treasury.journal_lines_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.journal_lines_before_insert() IS 'Trigger function for an account line: moves the account''s balance (its row lock serialises postings to the account) and refuses unless the account is ACTIVE (account_not_active), in the line''s currency (account_currency_mismatch) and not below zero after it (account_non_negative); sets balance_after and takes the line id after the lock.';
-- The row trigger runs only where it has work: an account line, or a line without account
-- that names a balance_after (which it forces back to NULL).
CREATE TRIGGER journal_lines_before_insert BEFORE INSERT ON treasury.journal_lines
    FOR EACH ROW WHEN (NEW.account_no IS NOT NULL OR NEW.balance_after IS NOT NULL)
    EXECUTE FUNCTION treasury.journal_lines_before_insert();

-- Each distinct entry is looked up by its index (LATERAL ... OFFSET 0 cannot be
-- flattened into a hash join over the whole table): the cost depends only on
-- the statement's rows.
CREATE FUNCTION treasury.journal_lines_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.journal_lines_after_insert() IS 'Statement trigger function on journal_lines: refuses the statement if a new line joins an entry of an earlier transaction (entry_closed_for_lines) or breaks line_subledger; arms the deferred entry_balanced check of the transaction.';
CREATE TRIGGER journal_lines_after_insert AFTER INSERT ON treasury.journal_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION treasury.journal_lines_after_insert();

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.journal_lines
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- post_entry: one entry and its lines in one round trip
------------------------------------------------------------------------------
-- Converts a JSON amount (number or decimal string of whole minor units) to bigint.
CREATE FUNCTION treasury.json_amount(p_value jsonb, p_what text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
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
$$;
COMMENT ON FUNCTION treasury.json_amount(jsonb, text) IS 'Parses a JSON amount (number or decimal string, whole minor units, 0..10^18; null = 0) for post_entry and import_bank_statement; 22023 otherwise.';

CREATE FUNCTION treasury.post_entry(
    p_accounting_date date,
    p_source_kind     text,
    p_source_id       text,
    p_treasury_code   text,
    p_memo            text,
    p_created_by      bigint,
    p_lines           jsonb
) RETURNS jsonb
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.post_entry(date, text, text, text, text, bigint, jsonb) IS
'Posts one journal entry and its lines in one round trip. p_lines: JSON array of {gl_account, account_no?, currency? (VND), debit?, credit? (whole minor units, number or decimal string), fund?, economic_code?, budget_level?, unit_code?, area_code?, chapter?, sector?, program?, treasury_code?, source?, reserve?, bank_code?, project_code?}; line_no = position in the array; lines are inserted in account_no order (locks in sorted order, no deadlocks). Returns {"entry_id": "<id>", "posted_at": "<RFC 3339 UTC, Z>", "balances": {"<account_no>": "<balance after>"}}. Every ledger rule applies (entry_balanced at commit).';

------------------------------------------------------------------------------
-- Accounts/Transfer: its whole database work in one statement
------------------------------------------------------------------------------
-- The grant scopes that cover an account: every grant is checked against these (the service
-- reads them with the account; require_scope checks them in a one-flush call).
CREATE FUNCTION treasury.account_scopes(p_account_no text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
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
COMMENT ON FUNCTION treasury.account_scopes(text) IS 'The grant scopes that cover an account: *, U:<its unit>, and T:<treasury> for its treasury and each one above it (a treasury grant covers the treasuries under it). Raises account_not_found for an unknown account.';

-- Reads both accounts without locking them: post_entry locks them in account-number order,
-- and the line trigger refuses an account that is not ACTIVE or would go below zero.
CREATE FUNCTION treasury.transfer(
    p_from text, p_to text, p_amount bigint, p_memo text, p_created_by bigint, p_accounting_date date
) RETURNS jsonb
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.transfer(text, text, bigint, text, bigint, date) IS 'Accounts/Transfer''s effects: debits p_from and credits p_to by p_amount (GL 3711, each line with its account''s unit and treasury) in one entry dated p_accounting_date. Refuses account_not_found and account_currency_mismatch itself; the ledger''s rules refuse the rest (account_not_active, account_non_negative, period_closed). Returns {"entry_id", "from_balance", "to_balance"} (decimal strings).';

------------------------------------------------------------------------------
-- Bank transactions
------------------------------------------------------------------------------
CREATE TABLE treasury.bank_transactions (
    bank_code    text NOT NULL REFERENCES treasury.banks (code),
    bank_ref     text NOT NULL CHECK (length(bank_ref) BETWEEN 1 AND 64),
    kind         text NOT NULL CHECK (kind IN ('DEPOSIT', 'COLLECTION')),
    account_no   text NULL REFERENCES treasury.accounts (account_no),
    amount       bigint NOT NULL CHECK (amount > 0),
    request_hash bytea NOT NULL,
    result       jsonb NOT NULL,
    entry_id     bigint NULL REFERENCES treasury.journal_entries (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bank_code, bank_ref)
);
CREATE INDEX bank_transactions_entry_idx ON treasury.bank_transactions (entry_id);
CREATE INDEX bank_transactions_created_idx ON treasury.bank_transactions (bank_code, created_at);
-- The key (bank_code, bank_ref) with the kind, so that a collection can only
-- point at a COLLECTION record (foreign key collections_bank_transaction).
CREATE UNIQUE INDEX bank_transactions_key_kind_idx ON treasury.bank_transactions (bank_code, bank_ref, kind);
COMMENT ON TABLE treasury.bank_transactions IS 'Business key (bank_code, bank_ref) of every deposit or collection forwarded by a bank: a replay with the same content returns result, other content is DUPLICATE_BANK_REF. Append-only (ledger_append_only).';
COMMENT ON COLUMN treasury.bank_transactions.bank_code IS 'Bank that forwarded the money.';
COMMENT ON COLUMN treasury.bank_transactions.bank_ref IS 'The bank''s own reference, 1-64 characters; unique per bank.';
COMMENT ON COLUMN treasury.bank_transactions.kind IS 'DEPOSIT (into a unit account) or COLLECTION (budget revenue).';
COMMENT ON COLUMN treasury.bank_transactions.account_no IS 'Credited account for a deposit.';
COMMENT ON COLUMN treasury.bank_transactions.amount IS 'Amount in minor units, positive.';
COMMENT ON COLUMN treasury.bank_transactions.request_hash IS 'Hash of the canonical request content, to tell a replay from a conflicting reuse of bank_ref.';
COMMENT ON COLUMN treasury.bank_transactions.result IS 'Result returned to the first call, returned again on replay.';
COMMENT ON COLUMN treasury.bank_transactions.entry_id IS 'Journal entry posted for it.';
COMMENT ON COLUMN treasury.bank_transactions.created_at IS 'When it was recorded.';

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.bank_transactions
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.bank_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

------------------------------------------------------------------------------
-- Accounts/Deposit: its whole database work in one statement
------------------------------------------------------------------------------
-- (bank_code, bank_ref) is the business key: deposits of one reference run one after the
-- other (the advisory lock), whatever their idempotency keys and accounts, so the later one
-- finds the earlier one's row and replays its result (same content) or is refused.
CREATE FUNCTION treasury.deposit(
    p_account_no text, p_amount bigint, p_bank_code text, p_bank_ref text, p_memo text,
    p_created_by bigint, p_accounting_date date
) RETURNS jsonb
LANGUAGE plpgsql AS $$
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
COMMENT ON FUNCTION treasury.deposit(text, bigint, text, text, text, bigint, date) IS 'Accounts/Deposit''s effects: credits the account with p_amount received through the bank (1130 debit, 3711 credit) and records (bank_code, bank_ref) in bank_transactions with the result. The same reference with the same content (account, amount, memo) returns the first result; other content is duplicate_bank_ref. Refuses account_not_found and bank_not_found itself; the ledger''s rules refuse the rest (account_not_active, period_closed). Returns {"entry_id", "balance"} (decimal strings).';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.gl_accounts, treasury.accounts, treasury.journal_entries, treasury.journal_lines, treasury.periods,
    treasury.fiscal_year_closings, treasury.deferred_checks, treasury.bank_transactions
    TO treasury_app, treasury_readonly;
GRANT INSERT ON treasury.accounts, treasury.journal_entries, treasury.journal_lines, treasury.periods,
    treasury.fiscal_year_closings, treasury.bank_transactions TO treasury_app;
GRANT UPDATE ON treasury.accounts, treasury.periods TO treasury_app;
GRANT USAGE ON SEQUENCE treasury.account_no_seq, treasury.journal_entries_id_seq, treasury.journal_lines_id_seq TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.post_entry(date, text, text, text, text, bigint, jsonb), treasury.next_account_no(),
    treasury.account_scopes(text), treasury.transfer(text, text, bigint, text, bigint, date),
    treasury.deposit(text, bigint, text, text, text, bigint, date),
    treasury.entry_problem(bigint), treasury.json_amount(jsonb, text) TO treasury_app;
-- arm_deferred_check runs as its owner (it writes deferred_checks, which no caller may write):
-- only the role whose inserts arm the checks may call it, not every role (PostgreSQL's default).
REVOKE EXECUTE ON FUNCTION treasury.arm_deferred_check(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION treasury.arm_deferred_check(text) TO treasury_app;
GRANT EXECUTE ON FUNCTION treasury.deferred_check_armed(text) TO treasury_app, treasury_readonly;
