-- attack: record a refund of 10 whose shares sum to 9 (caught at COMMIT)
-- expect-app: 23514 refund_shares_sum
-- expect-owner: 23514 refund_shares_sum
SELECT treasury.post_entry(current_date, 'REFUND', 'attack-73', '9901', NULL, NULL,
    '[{"gl_account": "7111", "debit": "10", "budget_level": "CENTRAL"}, {"gl_account": "1130", "credit": "10", "bank_code": "FIXBANK"}]');
INSERT INTO treasury.refunds (collection_id, amount, decision_no, entry_id)
VALUES ((SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), 10, 'ATTACK-73', (SELECT id FROM treasury.journal_entries WHERE source_id = 'attack-73'));
INSERT INTO treasury.refund_shares (refund_id, budget_level, amount)
SELECT r.id, x.level, x.amount FROM treasury.refunds r, (VALUES ('CENTRAL', 3::bigint), ('PROVINCE', 3), ('COMMUNE', 3)) x(level, amount)
WHERE r.decision_no = 'ATTACK-73';
