-- attack: reject an approved order with 21 reasons (1 to 20)
-- expect-app: 23514 payment_order_reject_reasons_shape
-- expect-owner: 23514 payment_order_reject_reasons_shape
UPDATE treasury.payment_orders SET status = 'REJECTED', rejected_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       reject_reason_code = 'R_1', reject_reasons = (SELECT jsonb_agg(jsonb_build_object('code', 'R_' || i, 'note', 'why') ORDER BY i) FROM generate_series(1, 21) i)
WHERE description = 'fixture-approved';
