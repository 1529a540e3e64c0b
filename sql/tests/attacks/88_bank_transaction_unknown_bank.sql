-- attack: a bank transaction naming a bank that does not exist, among valid rows (declared foreign key)
-- expect-app: 23503 bank_transactions_bank_code_fkey
-- expect-owner: 23503 bank_transactions_bank_code_fkey
INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
VALUES ('FIXBANK', 'attack-88-a', 'DEPOSIT', '3711990001', 5, sha256('a'), '{}', NULL),
       ('NOSUCHBANK', 'attack-88-b', 'DEPOSIT', '3711990001', 5, sha256('b'), '{}', NULL);
