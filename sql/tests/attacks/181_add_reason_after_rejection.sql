-- attack: add a reason to an order rejected earlier (every reason is given at once)
-- expect-app: 23514 payment_order_immutable_fields
-- expect-owner: 23514 payment_order_immutable_fields
UPDATE treasury.payment_orders
SET reject_reasons = reject_reasons || '[{"code": "SIGNATURE_INVALID", "note": "found later"}]'::jsonb
WHERE description = 'fixture-rejected';
