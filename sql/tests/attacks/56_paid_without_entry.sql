-- attack: mark an approved order PAID without a journal entry
-- expect-app: 23514 payment_order_status_fields
-- expect-owner: 23514 payment_order_status_fields
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief') WHERE description = 'fixture-approved';
