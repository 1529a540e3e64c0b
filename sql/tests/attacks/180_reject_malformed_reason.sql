-- attack: reject with a reason whose code is not UPPER_SNAKE and that carries an unknown key
-- expect-app: 23514 payment_order_reject_reasons_shape
-- expect-owner: 23514 payment_order_reject_reasons_shape
UPDATE treasury.payment_orders SET status = 'REJECTED', rejected_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       reject_reasons = '[{"code": "DOCUMENTS_INCOMPLETE", "note": "no invoice"}, {"code": "late", "note": null, "by": "me"}]'
WHERE description = 'fixture-approved';
