-- attack: a bank transaction pointing at a journal entry that does not exist (declared foreign key)
-- expect-app: 23503 bank_transactions_entry_id_fkey
-- expect-owner: 23503 bank_transactions_entry_id_fkey
INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
VALUES ('FIXBANK', 'attack-89', 'DEPOSIT', '3711990001', 5, sha256('a'), '{}', 999999999);
