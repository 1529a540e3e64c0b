-- attack: reject with reject_reason_code naming another reason than the first of reject_reasons
-- expect-app: 23514 payment_order_reject_reasons_shape
-- expect-owner: 23514 payment_order_reject_reasons_shape
UPDATE treasury.payment_orders SET status = 'REJECTED', rejected_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       reject_reason_code = 'CODE_MISMATCH',
       reject_reasons = '[{"code": "DOCUMENTS_INCOMPLETE", "note": "no invoice"}, {"code": "CODE_MISMATCH", "note": "water, not power"}]'
WHERE description = 'fixture-approved';
