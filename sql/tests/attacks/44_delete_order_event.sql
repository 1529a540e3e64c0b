-- attack: delete a rejection from the status history
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.payment_order_events WHERE status = 'REJECTED';
