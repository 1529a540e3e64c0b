-- 0006: reporting views and verify(), the whole-database invariant check.
-- verify() runs every query registered in verify_checks, so later migrations
-- extend it with one INSERT (allocation arithmetic, refund totals...).
SET LOCAL ROLE treasury_owner;

CREATE VIEW treasury.account_balances AS
SELECT a.account_no, a.unit_code, a.treasury_code, a.currency, a.status, a.balance,
       coalesce(s.ledger_balance, 0)::bigint AS ledger_balance,
       a.balance = coalesce(s.ledger_balance, 0) AS matches
FROM treasury.accounts a
LEFT JOIN (SELECT l.account_no, sum(l.credit - l.debit) AS ledger_balance
           FROM treasury.journal_lines l
           WHERE l.account_no IS NOT NULL
           GROUP BY l.account_no) s ON s.account_no = a.account_no;
COMMENT ON VIEW treasury.account_balances IS 'Each transaction account with its stored balance and the balance recomputed from its journal lines; matches is false when they differ (never, unless triggers were disabled).';
COMMENT ON COLUMN treasury.account_balances.account_no IS 'Account number.';
COMMENT ON COLUMN treasury.account_balances.unit_code IS 'Budget unit holding the account.';
COMMENT ON COLUMN treasury.account_balances.treasury_code IS 'Treasury keeping the account.';
COMMENT ON COLUMN treasury.account_balances.currency IS 'Currency of the account.';
COMMENT ON COLUMN treasury.account_balances.status IS 'Account status.';
COMMENT ON COLUMN treasury.account_balances.balance IS 'Stored balance (accounts.balance).';
COMMENT ON COLUMN treasury.account_balances.ledger_balance IS 'sum(credit - debit) of the account''s journal lines.';
COMMENT ON COLUMN treasury.account_balances.matches IS 'balance = ledger_balance.';

CREATE VIEW treasury.trial_balance AS
SELECT extract(year FROM e.accounting_date)::int AS fiscal_year,
       extract(month FROM e.accounting_date)::int AS month,
       e.treasury_code, l.gl_account, l.currency,
       sum(l.debit) AS debit, sum(l.credit) AS credit
FROM treasury.journal_entries e
JOIN treasury.journal_lines l ON l.entry_id = e.id
GROUP BY 1, 2, e.treasury_code, l.gl_account, l.currency;
COMMENT ON VIEW treasury.trial_balance IS 'Debit and credit totals per fiscal year, month (of the accounting date), entry treasury, GL account and currency. Over any complete set of entries total debit = total credit.';
COMMENT ON COLUMN treasury.trial_balance.fiscal_year IS 'Year of the accounting date.';
COMMENT ON COLUMN treasury.trial_balance.month IS 'Month of the accounting date.';
COMMENT ON COLUMN treasury.trial_balance.treasury_code IS 'Treasury of the entry.';
COMMENT ON COLUMN treasury.trial_balance.gl_account IS 'GL account.';
COMMENT ON COLUMN treasury.trial_balance.currency IS 'Currency of the lines.';
COMMENT ON COLUMN treasury.trial_balance.debit IS 'Sum of debits (numeric, minor units).';
COMMENT ON COLUMN treasury.trial_balance.credit IS 'Sum of credits (numeric, minor units).';

CREATE TABLE treasury.verify_checks (
    check_name  text PRIMARY KEY CHECK (check_name ~ '^[a-z][a-z0-9_]*$'),
    description text NOT NULL,
    query       text NOT NULL
);
COMMENT ON TABLE treasury.verify_checks IS 'Registry of invariant checks run by verify(): each query returns one text column, one row per problem found. Later migrations add rows.';
COMMENT ON COLUMN treasury.verify_checks.check_name IS 'Name of the check (lower_snake), reported by verify().';
COMMENT ON COLUMN treasury.verify_checks.description IS 'What the check asserts, in plain words.';
COMMENT ON COLUMN treasury.verify_checks.query IS 'SELECT returning a single text column: one row per violation, describing it.';

INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('account_balance_matches_lines', 'Every account balance equals sum(credit - debit) of its journal lines.',
 $q$SELECT format('account %s: balance %s but its lines sum to %s', account_no, balance, ledger_balance)
    FROM treasury.account_balances WHERE NOT matches$q$),
('balance_after_chain', 'Each account line''s balance_after equals the running sum of the account''s lines in id order.',
 $q$SELECT format('line %s (entry %s, account %s): balance_after %s, running sum %s', id, entry_id, account_no, balance_after, running)
    FROM (SELECT l.id, l.entry_id, l.account_no, l.balance_after,
                 sum(l.credit - l.debit) OVER (PARTITION BY l.account_no ORDER BY l.id) AS running
          FROM treasury.journal_lines l WHERE l.account_no IS NOT NULL) w
    WHERE balance_after IS DISTINCT FROM running$q$),
('deposit_non_negative', 'No deposit account balance, stored or after any line, is negative.',
 $q$SELECT format('account %s: negative balance %s', account_no, balance) FROM treasury.accounts WHERE balance < 0
    UNION ALL
    SELECT format('line %s (account %s): negative balance_after %s', id, account_no, balance_after)
    FROM treasury.journal_lines WHERE balance_after < 0$q$),
('entry_balanced', 'Every journal entry has at least 2 lines and balances per currency.',
 $q$SELECT format('entry %s has %s line(s), needs at least 2', e.id, count(l.id))
    FROM treasury.journal_entries e LEFT JOIN treasury.journal_lines l ON l.entry_id = e.id
    GROUP BY e.id HAVING count(l.id) < 2
    UNION ALL
    SELECT format('entry %s unbalanced in %s: debit %s, credit %s', l.entry_id, l.currency, sum(l.debit), sum(l.credit))
    FROM treasury.journal_lines l GROUP BY l.entry_id, l.currency HAVING sum(l.debit) <> sum(l.credit)$q$),
('closed_period_postings', 'No entry dated in a CLOSED month was posted after the month closed.',
 $q$SELECT format('entry %s dated %s posted at %s, after period %s-%s closed at %s', e.id, e.accounting_date, e.posted_at, p.fiscal_year, p.month, p.closed_at)
    FROM treasury.journal_entries e
    JOIN treasury.periods p ON p.fiscal_year = extract(year FROM e.accounting_date)::int
                           AND p.month = extract(month FROM e.accounting_date)::int
    WHERE p.status = 'CLOSED' AND e.posted_at > p.closed_at$q$),
('ledger_total_balanced', 'Over the whole ledger, total debit equals total credit per currency.',
 $q$SELECT format('ledger total in %s: debit %s, credit %s', currency, sum(debit), sum(credit))
    FROM treasury.journal_lines GROUP BY currency HAVING sum(debit) <> sum(credit)$q$),
('line_account_consistent', 'Account lines are on a subledger GL account and in the account''s currency; subledger GL lines name an account.',
 $q$SELECT format('line %s (entry %s): gl %s, account %s, currency %s vs account currency %s', l.id, l.entry_id, l.gl_account, l.account_no, l.currency, a.currency)
    FROM treasury.journal_lines l
    JOIN treasury.gl_accounts g ON g.code = l.gl_account
    LEFT JOIN treasury.accounts a ON a.account_no = l.account_no
    WHERE g.subledger <> (l.account_no IS NOT NULL) OR l.currency <> a.currency$q$);

CREATE FUNCTION treasury.verify() RETURNS TABLE (check_name text, problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_check record;
BEGIN
    FOR v_check IN SELECT c.check_name, c.query FROM treasury.verify_checks c ORDER BY c.check_name LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, q.problem::text FROM (%s) AS q(problem)', v_check.check_name, v_check.query);
    END LOOP;
END
$$;
COMMENT ON FUNCTION treasury.verify() IS 'Runs every check registered in verify_checks over the whole database; one row (check_name, problem) per violation. Empty result = every invariant holds.';

GRANT SELECT ON treasury.account_balances, treasury.trial_balance, treasury.verify_checks TO treasury_app, treasury_readonly;
GRANT EXECUTE ON FUNCTION treasury.verify() TO treasury_app, treasury_readonly;
