-- 0010: verify(), the whole-database invariant check, and verify_checks, the
-- registry of every check it runs: each area's invariants, restated as queries
-- over the stored rows, so that a DBA (or the service) can prove after any
-- incident that the triggers' rules still hold.
SET LOCAL ROLE treasury_owner;

CREATE TABLE treasury.verify_checks (
    check_name  text PRIMARY KEY CHECK (check_name ~ '^[a-z][a-z0-9_]*$'),
    description text NOT NULL,
    query       text NOT NULL
);
COMMENT ON TABLE treasury.verify_checks IS 'Registry of invariant checks run by verify(): each query returns one text column, one row per problem found. Append-only for every writer (ledger_append_only): UPDATE, DELETE and TRUNCATE are refused, so no DML can remove or rewrite a check and make verify() pass a broken database; a new check is a new row.';
COMMENT ON COLUMN treasury.verify_checks.check_name IS 'Name of the check (lower_snake), reported by verify().';
COMMENT ON COLUMN treasury.verify_checks.description IS 'What the check asserts, in plain words.';
COMMENT ON COLUMN treasury.verify_checks.query IS 'SELECT returning a single text column: one row per violation, describing it.';

-- Ledger: balances, the balance chain, balanced entries, closed periods.
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
('closed_period_postings', 'No entry dated in a CLOSED month was posted after the month closed, except into December in the adjustment period (period 13; closed_year_postings checks the year).',
 $q$SELECT format('entry %s dated %s posted at %s, after period %s-%s closed at %s', e.id, e.accounting_date, e.posted_at, p.fiscal_year, p.month, p.closed_at)
    FROM treasury.journal_entries e
    JOIN treasury.periods p ON p.fiscal_year = extract(year FROM e.accounting_date)::int
                           AND p.month = extract(month FROM e.accounting_date)::int
    WHERE p.status = 'CLOSED' AND e.posted_at > p.closed_at AND p.month <> 12$q$),
('ledger_total_balanced', 'Over the whole ledger, total debit equals total credit per currency.',
 $q$SELECT format('ledger total in %s: debit %s, credit %s', currency, sum(debit), sum(credit))
    FROM treasury.journal_lines GROUP BY currency HAVING sum(debit) <> sum(credit)$q$),
('line_account_consistent', 'Account lines are on a subledger GL account and in the account''s currency; subledger GL lines name an account.',
 $q$SELECT format('line %s (entry %s): gl %s, account %s, currency %s vs account currency %s', l.id, l.entry_id, l.gl_account, l.account_no, l.currency, a.currency)
    FROM treasury.journal_lines l
    JOIN treasury.gl_accounts g ON g.code = l.gl_account
    LEFT JOIN treasury.accounts a ON a.account_no = l.account_no
    WHERE g.subledger <> (l.account_no IS NOT NULL) OR l.currency <> a.currency$q$);

-- Budget: allocation arithmetic (rule 4) and the allocation tree.
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('allocation_within_amount', 'Rule 4: for every allocation, amount >= sub_allocated + committed + pending + spent + advanced + lapsed, all figures >= 0, and carried_over + lapsed within the unspent part.',
 $q$SELECT format('allocation %s: amount %s, sub_allocated %s, committed %s, pending %s, spent %s, advanced %s, carried_over %s, lapsed %s',
                  id, amount, sub_allocated, committed, pending, spent, advanced, carried_over, lapsed)
    FROM treasury.allocations
    WHERE amount::numeric < sub_allocated::numeric + committed + pending + spent + advanced + lapsed
       OR carried_over::numeric + lapsed > amount::numeric - sub_allocated - pending - spent - advanced
       OR least(sub_allocated, committed, pending, spent, advanced, carried_over, lapsed) < 0 OR amount <= 0$q$),
('allocation_children_within_parent', 'Every allocation''s sub_allocated equals the sum of its children''s amounts.',
 $q$SELECT format('allocation %s: sub_allocated %s but its children sum to %s', a.id, a.sub_allocated, coalesce(c.total, 0))
    FROM treasury.allocations a
    LEFT JOIN (SELECT parent_id, sum(amount) AS total FROM treasury.allocations WHERE parent_id IS NOT NULL GROUP BY parent_id) c
           ON c.parent_id = a.id
    WHERE a.sub_allocated <> coalesce(c.total, 0)$q$),
('allocation_inherits_parent', 'Every child allocation has its parent''s fiscal_year, budget_level and purpose.',
 $q$SELECT format('allocation %s: (%s, %s, %s) differs from parent %s (%s, %s, %s)', c.id, c.fiscal_year, c.budget_level, c.purpose,
                  p.id, p.fiscal_year, p.budget_level, p.purpose)
    FROM treasury.allocations c JOIN treasury.allocations p ON p.id = c.parent_id
    WHERE (c.fiscal_year, c.budget_level, c.purpose) IS DISTINCT FROM (p.fiscal_year, p.budget_level, p.purpose)$q$);

-- Spending: what commitments, payment orders and settlements book on allocations.
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('allocation_committed', 'Every allocation''s committed equals the sum of its OPEN commitments'' remaining.',
 $q$SELECT format('allocation %s: committed %s but its OPEN commitments have %s remaining', a.id, a.committed, coalesce(c.total, 0))
    FROM treasury.allocations a
    LEFT JOIN (SELECT allocation_id, sum(remaining) AS total FROM treasury.commitments WHERE status = 'OPEN' GROUP BY allocation_id) c
           ON c.allocation_id = a.id
    WHERE a.committed <> coalesce(c.total, 0)$q$),
('allocation_pending', 'Every allocation''s pending equals the sum of its SUBMITTED and APPROVED payment orders.',
 $q$SELECT format('allocation %s: pending %s but its SUBMITTED and APPROVED orders sum to %s', a.id, a.pending, coalesce(o.total, 0))
    FROM treasury.allocations a
    LEFT JOIN (SELECT allocation_id, sum(amount) AS total FROM treasury.payment_orders WHERE status IN ('SUBMITTED', 'APPROVED') GROUP BY allocation_id) o
           ON o.allocation_id = a.id
    WHERE a.pending <> coalesce(o.total, 0)$q$),
('allocation_spent_advanced', 'Every allocation''s spent equals its PAID payments plus settled advances, and advanced equals its PAID advances not yet settled; for a closed year, as they stood at its close (year_end_advances).',
 $q$SELECT format('allocation %s: spent %s / advanced %s, but its PAID orders give spent %s / advanced %s', a.id, a.spent, a.advanced,
                  coalesce(o.spent, 0), coalesce(o.advanced, 0))
    FROM treasury.allocations a
    LEFT JOIN (SELECT po.allocation_id,
                      sum(CASE WHEN po.kind = 'PAYMENT' THEN po.amount ELSE coalesce(s.total, 0) END) AS spent,
                      sum(CASE WHEN po.kind = 'ADVANCE' THEN po.amount - coalesce(s.total, 0) ELSE 0 END) AS advanced
               FROM treasury.payment_orders po
               LEFT JOIN (SELECT order_id, sum(amount) AS total FROM treasury.advance_settlements GROUP BY order_id) s0 ON s0.order_id = po.id
               JOIN treasury.allocations pa ON pa.id = po.allocation_id
               LEFT JOIN treasury.year_end_advances y ON y.fiscal_year = pa.fiscal_year AND y.order_id = po.id
               -- A closed year's advance counts as settled what was settled at its close.
               CROSS JOIN LATERAL (SELECT CASE WHEN treasury.year_closed(pa.fiscal_year) AND po.kind = 'ADVANCE'
                                               THEN po.amount - coalesce(y.outstanding, 0) ELSE s0.total END AS total) s
               WHERE po.status = 'PAID' GROUP BY po.allocation_id) o ON o.allocation_id = a.id
    WHERE a.spent <> coalesce(o.spent, 0) OR a.advanced <> coalesce(o.advanced, 0)$q$),
('commitment_remaining', 'Every commitment''s remaining equals its amount minus its SUBMITTED, APPROVED and PAID orders, between 0 and amount.',
 $q$SELECT format('commitment %s: remaining %s, amount %s, orders taken %s', c.id, c.remaining, c.amount, coalesce(o.total, 0))
    FROM treasury.commitments c
    LEFT JOIN (SELECT commitment_id, sum(amount) AS total FROM treasury.payment_orders
               WHERE commitment_id IS NOT NULL AND status IN ('SUBMITTED', 'APPROVED', 'PAID') GROUP BY commitment_id) o
           ON o.commitment_id = c.id
    WHERE c.remaining <> c.amount - coalesce(o.total, 0) OR c.remaining < 0 OR c.remaining > c.amount$q$),
('advance_settled', 'Every order''s settled equals the sum of its settlements, never exceeds the amount, and only PAID advances have settlements.',
 $q$SELECT format('payment order %s (%s %s): settled %s, settlements %s, amount %s', o.id, o.status, o.kind, o.settled, coalesce(s.total, 0), o.amount)
    FROM treasury.payment_orders o
    LEFT JOIN (SELECT order_id, sum(amount) AS total FROM treasury.advance_settlements GROUP BY order_id) s ON s.order_id = o.id
    WHERE o.settled <> coalesce(s.total, 0) OR o.settled > o.amount
       OR (coalesce(s.total, 0) > 0 AND (o.kind <> 'ADVANCE' OR o.status <> 'PAID'))$q$),
('payment_order_four_eyes', 'No payment order was authorized by the person who approved it; every PAID order has an approver, an authorizer, an entry and paid_at.',
 $q$SELECT format('payment order %s: approved_by %s, authorized_by %s, entry %s, paid_at %s', id, approved_by, authorized_by, entry_id, paid_at)
    FROM treasury.payment_orders
    WHERE authorized_by = approved_by
       OR (status = 'PAID' AND (approved_by IS NULL OR authorized_by IS NULL OR entry_id IS NULL OR paid_at IS NULL))$q$),
('payment_order_events_match', 'Every payment order''s latest status event is its current status.',
 $q$SELECT format('payment order %s is %s but its last event says %s', o.id, o.status, coalesce(e.status, '(none)'))
    FROM treasury.payment_orders o
    LEFT JOIN LATERAL (SELECT ev.status FROM treasury.payment_order_events ev WHERE ev.order_id = o.id ORDER BY ev.id DESC LIMIT 1) e ON true
    WHERE e.status IS DISTINCT FROM o.status$q$);

-- Revenue: sharing rules, shares, refunds (rule 5) and the revenue entries.
INSERT INTO treasury.verify_checks (check_name, description, query) VALUES
('sharing_rule_shares_sum', 'Every sharing rule''s shares sum to 10000 basis points.',
 $q$SELECT format('sharing rule %s: shares sum to %s basis points', r.id, coalesce(sum(s.basis_points), 0))
    FROM treasury.sharing_rules r LEFT JOIN treasury.sharing_rule_shares s ON s.rule_id = r.id
    GROUP BY r.id HAVING coalesce(sum(s.basis_points), 0) <> 10000$q$),
('collection_shares_sum', 'Every collection''s shares sum to its amount.',
 $q$SELECT format('collection %s: amount %s, shares sum to %s', c.id, c.amount, coalesce(sum(s.amount), 0))
    FROM treasury.collections c LEFT JOIN treasury.collection_shares s ON s.collection_id = c.id
    GROUP BY c.id, c.amount HAVING coalesce(sum(s.amount), 0) <> c.amount$q$),
('refund_shares_sum', 'Every refund''s shares sum to its amount.',
 $q$SELECT format('refund %s: amount %s, shares sum to %s', r.id, r.amount, coalesce(sum(s.amount), 0))
    FROM treasury.refunds r LEFT JOIN treasury.refund_shares s ON s.refund_id = r.id
    GROUP BY r.id, r.amount HAVING coalesce(sum(s.amount), 0) <> r.amount$q$),
('refund_within_collection', 'Rule 5: the refunds of a collection never exceed it.',
 $q$SELECT format('collection %s: amount %s, refunded %s', c.id, c.amount, sum(r.amount))
    FROM treasury.collections c JOIN treasury.refunds r ON r.collection_id = c.id
    GROUP BY c.id, c.amount HAVING sum(r.amount) > c.amount$q$),
('revenue_entries_match_shares', 'A collection''s entry debits 1130 by the amount and credits 7111 per level exactly its (non-zero) shares; a refund''s entry mirrors it with its shares.',
 $q$WITH expected AS (
        SELECT c.entry_id, 'collection ' || c.id AS what, s.budget_level, s.amount::numeric AS amount
        FROM treasury.collections c JOIN treasury.collection_shares s ON s.collection_id = c.id WHERE s.amount > 0
        UNION ALL
        SELECT r.entry_id, 'refund ' || r.id, s.budget_level, s.amount
        FROM treasury.refunds r JOIN treasury.refund_shares s ON s.refund_id = r.id WHERE s.amount > 0
    ), posted AS (
        SELECT l.entry_id, l.budget_level, sum(l.credit) - sum(l.debit) AS amount
        FROM treasury.journal_lines l
        WHERE l.gl_account = '7111' AND l.entry_id IN (SELECT entry_id FROM treasury.collections UNION ALL SELECT entry_id FROM treasury.refunds)
        GROUP BY l.entry_id, l.budget_level
    ), signed AS (
        SELECT p.entry_id, p.budget_level,
               CASE WHEN EXISTS (SELECT 1 FROM treasury.refunds r WHERE r.entry_id = p.entry_id) THEN -p.amount ELSE p.amount END AS amount
        FROM posted p
    )
    SELECT format('entry %s (%s), level %s: shares %s, 7111 lines %s', coalesce(e.entry_id, s.entry_id), coalesce(e.what, '?'),
                  coalesce(e.budget_level, s.budget_level), e.amount, s.amount)
    FROM expected e FULL JOIN signed s ON s.entry_id = e.entry_id AND s.budget_level IS NOT DISTINCT FROM e.budget_level
    WHERE e.amount IS DISTINCT FROM s.amount
    UNION ALL
    SELECT format('entry %s (collection %s): 1130 debit %s, amount %s', c.entry_id, c.id, sum(l.debit) - sum(l.credit), c.amount)
    FROM treasury.collections c LEFT JOIN treasury.journal_lines l ON l.entry_id = c.entry_id AND l.gl_account = '1130'
    GROUP BY c.id, c.entry_id, c.amount HAVING coalesce(sum(l.debit) - sum(l.credit), 0) <> c.amount
    UNION ALL
    SELECT format('entry %s (refund %s): 1130 credit %s, amount %s', r.entry_id, r.id, sum(l.credit) - sum(l.debit), r.amount)
    FROM treasury.refunds r LEFT JOIN treasury.journal_lines l ON l.entry_id = r.entry_id AND l.gl_account = '1130'
    GROUP BY r.id, r.entry_id, r.amount HAVING coalesce(sum(l.credit) - sum(l.debit), 0) <> r.amount$q$);

-- A removed or rewritten check would silently stop verify() from seeing what it
-- checks: the registry refuses UPDATE, DELETE and TRUNCATE, as the ledger does.
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON treasury.verify_checks
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_change();
CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON treasury.verify_checks
    FOR EACH STATEMENT EXECUTE FUNCTION treasury.refuse_change();

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

GRANT SELECT ON treasury.verify_checks TO treasury_app, treasury_readonly;
GRANT EXECUTE ON FUNCTION treasury.verify() TO treasury_app, treasury_readonly;
