-- attack: reject with reasons that are one object instead of a list
-- expect-app: 23514 payment_order_reject_reasons_shape
-- expect-owner: 23514 payment_order_reject_reasons_shape
UPDATE treasury.payment_orders SET status = 'REJECTED', rejected_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       reject_reason_code = 'DOCUMENTS_INCOMPLETE', reject_reasons = '{"code": "DOCUMENTS_INCOMPLETE", "note": "no invoice"}'
WHERE description = 'fixture-approved';
