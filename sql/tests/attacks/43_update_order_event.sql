-- attack: rewrite who approved an order in its status history
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.payment_order_events SET by = NULL WHERE status = 'APPROVED';
