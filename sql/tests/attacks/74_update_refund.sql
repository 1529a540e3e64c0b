-- attack: lower a recorded refund
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.refunds SET amount = 1 WHERE decision_no = 'FIX-D-1';
