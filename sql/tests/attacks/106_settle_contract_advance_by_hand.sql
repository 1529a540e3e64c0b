-- attack: settle a contract advance directly (as Spending/SettleAdvance would) instead of recovering it from a payment
-- expect-app: 23514 advance_recovery_by_payment
-- expect-owner: 23514 advance_recovery_by_payment
INSERT INTO treasury.advance_settlements (order_id, amount, economic_code, entry_id)
VALUES ((SELECT id FROM treasury.payment_orders WHERE description = 'fixture-inv-advance'), 1000000, '9301',
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-inv-paid'));
