-- attack: delete a bank that collections and journal lines refer to
-- expect-app: 42501
-- expect-owner: 23503 journal_lines_bank_code_fkey
DELETE FROM treasury.banks WHERE code = 'FIXBANK';
