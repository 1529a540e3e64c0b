-- attack: pay a SUBMITTED payment order, skipping approval (SUBMITTED -> PAID)
-- expect-app: 23514 payment_order_status_transition
-- expect-owner: 23514 payment_order_status_transition
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'), entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-paid')
WHERE description = 'fixture-submitted';
