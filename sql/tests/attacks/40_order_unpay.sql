-- attack: move a PAID payment order back to SUBMITTED
-- expect-app: 23514 payment_order_status_transition
-- expect-owner: 23514 payment_order_status_transition
UPDATE treasury.payment_orders SET status = 'SUBMITTED' WHERE description = 'fixture-paid';
