-- attack: close an account that still holds money
-- expect-app: 23514 account_close_not_empty
-- expect-owner: 23514 account_close_not_empty
UPDATE treasury.accounts SET status = 'CLOSED' WHERE account_no = '3711990001';
