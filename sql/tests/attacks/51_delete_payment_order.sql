-- attack: delete a payment order
-- expect-app: 42501
-- expect-owner: 23514 payment_order_no_delete
DELETE FROM treasury.payment_orders WHERE description = 'fixture-submitted';
