-- attack: settle more of an advance than is outstanding (5,000,000 paid, 1,000,000 settled)
-- expect-app: 23514 advance_settlement_within_advance
-- expect-owner: 23514 advance_settlement_within_advance
INSERT INTO treasury.advance_settlements (order_id, amount, economic_code, entry_id)
VALUES ((SELECT id FROM treasury.payment_orders WHERE description = 'fixture-advance'), 4000001, '6501',
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-settlement'));
