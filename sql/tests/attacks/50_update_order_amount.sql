-- attack: change the amount of an approved payment order
-- expect-app: 42501
-- expect-owner: 23514 payment_order_immutable_fields
UPDATE treasury.payment_orders SET amount = amount + 1 WHERE description = 'fixture-approved';
