-- attack: raise an account balance directly so it no longer matches its lines
-- expect-app: 23514 account_balance_from_lines
-- expect-owner: 23514 account_balance_from_lines
UPDATE treasury.accounts SET balance = balance + 1000000 WHERE account_no = '3711990001';
