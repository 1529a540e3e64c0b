-- attack: the officer who approved an order also authorizes it (four eyes)
-- expect-app: 23514 payment_order_four_eyes
-- expect-owner: 23514 payment_order_four_eyes
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = approved_by, entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-paid')
WHERE description = 'fixture-approved';
