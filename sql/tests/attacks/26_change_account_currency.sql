-- attack: change the currency of an account that has postings
-- expect-app: 23514 account_immutable_fields
-- expect-owner: 23514 account_immutable_fields
UPDATE treasury.accounts SET currency = 'USD' WHERE account_no = '3711990001';
