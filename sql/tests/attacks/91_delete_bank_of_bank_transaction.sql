-- attack: delete a bank that only a bank transaction refers to (declared foreign key, referenced side)
-- expect-app: 42501
-- expect-owner: 23503 bank_transactions_bank_code_fkey
INSERT INTO treasury.banks (code, name) SELECT 'ATK91BANK', 'attack 91' WHERE has_table_privilege('treasury.banks', 'DELETE');
INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
SELECT 'ATK91BANK', 'attack-91', 'DEPOSIT', '3711990001', 5, sha256('a'), '{}', NULL WHERE has_table_privilege('treasury.banks', 'DELETE');
DELETE FROM treasury.banks WHERE code = coalesce((SELECT code FROM treasury.banks WHERE code = 'ATK91BANK'), 'FIXBANK');
