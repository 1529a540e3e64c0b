-- attack: a deposit record naming an account that does not exist (declared foreign key)
-- expect-app: 23503 bank_transactions_account_no_fkey
-- expect-owner: 23503 bank_transactions_account_no_fkey
INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
VALUES ('FIXBANK', 'attack-90', 'DEPOSIT', '3711999999', 5, sha256('a'), '{}', NULL);
