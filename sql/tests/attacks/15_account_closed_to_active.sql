-- attack: move a CLOSED account back to ACTIVE
-- expect-app: 23514 account_status_transition
-- expect-owner: 23514 account_status_transition
UPDATE treasury.accounts SET status = 'ACTIVE' WHERE account_no = '3711990004';
