-- attack: freeze a PENDING account (only ACTIVE accounts can be frozen)
-- expect-app: 23514 account_status_transition
-- expect-owner: 23514 account_status_transition
UPDATE treasury.accounts SET status = 'FROZEN', frozen_reason = 'attack' WHERE account_no = '3711990005';
