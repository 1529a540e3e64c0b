-- attack: delete a bank that collections and journal lines refer to
-- expect-app: 42501
-- expect-owner: 23503 collections_bank_code_fkey
DELETE FROM treasury.banks WHERE code = 'FIXBANK';
