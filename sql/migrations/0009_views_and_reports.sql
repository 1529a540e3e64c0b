-- 0009: reporting views: account balances against their lines, the trial
-- balance, budget execution, the service level of the online public services
-- and the revenue summary. Each is a plain view over the tables of the earlier
-- files; the service and the DBA read them, nobody writes through them.
SET LOCAL ROLE treasury_owner;

------------------------------------------------------------------------------
-- Ledger
------------------------------------------------------------------------------
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

------------------------------------------------------------------------------
-- Budget
------------------------------------------------------------------------------
CREATE VIEW treasury.budget_execution AS
SELECT a.id AS allocation_id, a.parent_id, a.fiscal_year, a.treasury_code, a.budget_level, a.purpose,
       a.unit_code, a.chapter, a.sector, a.source, a.program,
       a.amount - a.sub_allocated AS amount,
       a.committed, a.pending, a.spent, a.advanced,
       a.amount - a.sub_allocated - a.committed - a.pending - a.spent - a.advanced - a.lapsed
           - greatest(a.carried_over - a.committed, 0) AS available
FROM treasury.allocations a;
COMMENT ON VIEW treasury.budget_execution IS 'Budget execution per allocation, counting each allocation''s own share (amount - sub_allocated) so that sums over any set of allocations count nothing twice: over the whole tree, sum(amount) equals the roots'' total. Group it by fiscal_year, treasury_code, budget_level, unit_code, chapter, sector.';
COMMENT ON COLUMN treasury.budget_execution.allocation_id IS 'The allocation.';
COMMENT ON COLUMN treasury.budget_execution.parent_id IS 'Its parent; NULL for a root.';
COMMENT ON COLUMN treasury.budget_execution.fiscal_year IS 'Fiscal year.';
COMMENT ON COLUMN treasury.budget_execution.treasury_code IS 'Treasury of the allocation.';
COMMENT ON COLUMN treasury.budget_execution.budget_level IS 'Budget level.';
COMMENT ON COLUMN treasury.budget_execution.purpose IS 'RECURRENT or INVESTMENT.';
COMMENT ON COLUMN treasury.budget_execution.unit_code IS 'Budget unit (NULL for a root).';
COMMENT ON COLUMN treasury.budget_execution.chapter IS 'Chapter segment.';
COMMENT ON COLUMN treasury.budget_execution.sector IS 'Sector segment.';
COMMENT ON COLUMN treasury.budget_execution.source IS 'Source segment.';
COMMENT ON COLUMN treasury.budget_execution.program IS 'Program segment.';
COMMENT ON COLUMN treasury.budget_execution.amount IS 'Own share: amount - sub_allocated (what stays with this allocation after its children took theirs).';
COMMENT ON COLUMN treasury.budget_execution.committed IS 'Unpaid remainder of OPEN commitments on this allocation.';
COMMENT ON COLUMN treasury.budget_execution.pending IS 'SUBMITTED and APPROVED payment orders on this allocation.';
COMMENT ON COLUMN treasury.budget_execution.spent IS 'Paid payments and settled advances on this allocation.';
COMMENT ON COLUMN treasury.budget_execution.advanced IS 'Paid, unsettled advances on this allocation.';
COMMENT ON COLUMN treasury.budget_execution.available IS 'What a new order may still take: amount - sub_allocated - committed - pending - spent - advanced - lapsed, less the carry-over marks committed money does not cover (greatest(carried_over - committed, 0)); never negative, 0 once the year is closed.';

------------------------------------------------------------------------------
-- Online public services
------------------------------------------------------------------------------
CREATE VIEW treasury.service_level AS
SELECT d.procedure, d.treasury_code,
       (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       count(*) AS received,
       count(*) FILTER (WHERE d.status = 'COMPLETED') AS completed,
       count(*) FILTER (WHERE d.status = 'COMPLETED' AND d.completed_at <= d.due_at) AS completed_on_time,
       count(*) FILTER (WHERE d.status = 'COMPLETED' AND (d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                              = (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS completed_same_day,
       count(*) FILTER (WHERE d.channel = 'ONLINE') AS online,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.completed_at - d.received_at) / 60)
           FILTER (WHERE d.status = 'COMPLETED') AS median_processing_minutes
FROM treasury.dossiers d
GROUP BY d.procedure, d.treasury_code, (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
COMMENT ON VIEW treasury.service_level IS 'Dossiers per procedure, treasury and day received (local date, Asia/Ho_Chi_Minh): how many were received, completed, completed on time (completed_at <= due_at, due_at counted again from a requested supplement), completed the same local day they were received, received online, and the median processing time. Counts add up over days; medians do not (Reports/ServiceLevel computes its own over the whole range).';
COMMENT ON COLUMN treasury.service_level.procedure IS 'The dossiers'' procedure (procedures.code, where its legal limit is): one of the nine of Decree 347/2025, ACCOUNT_CHANGE, or a retired code older dossiers keep.';
COMMENT ON COLUMN treasury.service_level.treasury_code IS 'Treasury handling the dossiers (NULL when not recorded).';
COMMENT ON COLUMN treasury.service_level.day IS 'Local date (Asia/Ho_Chi_Minh) of received_at.';
COMMENT ON COLUMN treasury.service_level.received IS 'Dossiers received that day.';
COMMENT ON COLUMN treasury.service_level.completed IS 'Of those, how many are COMPLETED (REJECTED and CANCELLED are not completions).';
COMMENT ON COLUMN treasury.service_level.completed_on_time IS 'Of the completed, how many completed at or before due_at.';
COMMENT ON COLUMN treasury.service_level.completed_same_day IS 'Of them, completed on the local day (Asia/Ho_Chi_Minh) they were received: the province''s same-working-day target for payments, investment ones above all.';
COMMENT ON COLUMN treasury.service_level.online IS 'Of those received, how many came through channel ONLINE.';
COMMENT ON COLUMN treasury.service_level.median_processing_minutes IS 'Median of completed_at - received_at in minutes over the COMPLETED ones (double precision; NULL when none).';

------------------------------------------------------------------------------
-- Revenue
------------------------------------------------------------------------------
CREATE VIEW treasury.revenue_summary AS
SELECT x.fiscal_year, x.treasury_code, x.budget_level,
       sum(x.collected)::bigint AS collected, sum(x.refunded)::bigint AS refunded,
       (sum(x.collected) - sum(x.refunded))::bigint AS net
FROM (
    SELECT extract(year FROM e.accounting_date)::int AS fiscal_year, c.treasury_code, s.budget_level,
           s.amount AS collected, 0::bigint AS refunded
    FROM treasury.collection_shares s
    JOIN treasury.collections c ON c.id = s.collection_id
    JOIN treasury.journal_entries e ON e.id = c.entry_id
    UNION ALL
    SELECT extract(year FROM e.accounting_date)::int, c.treasury_code, s.budget_level, 0::bigint, s.amount
    FROM treasury.refund_shares s
    JOIN treasury.refunds r ON r.id = s.refund_id
    JOIN treasury.collections c ON c.id = r.collection_id
    JOIN treasury.journal_entries e ON e.id = r.entry_id
) x
GROUP BY x.fiscal_year, x.treasury_code, x.budget_level;
COMMENT ON VIEW treasury.revenue_summary IS 'Revenue per fiscal year (of the accounting date of the collection''s or the refund''s entry), treasury and budget level: collected, refunded and net. Equals the 7111 credits and debits of those entries.';
COMMENT ON COLUMN treasury.revenue_summary.fiscal_year IS 'Year of the entry''s accounting date.';
COMMENT ON COLUMN treasury.revenue_summary.treasury_code IS 'Treasury of the collection.';
COMMENT ON COLUMN treasury.revenue_summary.budget_level IS 'Budget level.';
COMMENT ON COLUMN treasury.revenue_summary.collected IS 'Sum of collection shares of the level.';
COMMENT ON COLUMN treasury.revenue_summary.refunded IS 'Sum of refund shares of the level.';
COMMENT ON COLUMN treasury.revenue_summary.net IS 'collected - refunded.';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------
GRANT SELECT ON treasury.account_balances, treasury.trial_balance, treasury.budget_execution, treasury.service_level,
    treasury.revenue_summary TO treasury_app, treasury_readonly;
