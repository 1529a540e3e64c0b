-- attack: open a new account that already holds money
-- expect-app: 23514 account_balance_from_lines
-- expect-owner: 23514 account_balance_from_lines
INSERT INTO treasury.accounts (account_no, unit_code, treasury_code, status, balance)
VALUES ('3711990009', '9900001', '9901', 'ACTIVE', 1000000);
