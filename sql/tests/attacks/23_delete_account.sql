-- attack: delete a transaction account
-- expect-app: 42501
-- expect-owner: 23514 account_no_delete
DELETE FROM treasury.accounts WHERE account_no = '3711990005';
