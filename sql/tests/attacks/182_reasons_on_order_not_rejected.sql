-- attack: attach a refusal (its code and reasons) to an APPROVED order without rejecting it
-- expect-app: 23514 payment_order_status_fields
-- expect-owner: 23514 payment_order_status_fields
UPDATE treasury.payment_orders SET reject_reason_code = 'DOCUMENTS_INCOMPLETE', reject_reasons = '[{"code": "DOCUMENTS_INCOMPLETE", "note": "no invoice"}]'
WHERE description = 'fixture-approved';
