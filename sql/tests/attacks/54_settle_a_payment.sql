-- attack: settle an order that is not a PAID advance
-- expect-app: 23514 advance_settlement_requires_paid_advance
-- expect-owner: 23514 advance_settlement_requires_paid_advance
INSERT INTO treasury.advance_settlements (order_id, amount, economic_code, entry_id)
VALUES ((SELECT id FROM treasury.payment_orders WHERE description = 'fixture-paid'), 1, '6501',
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-settlement'));
