-- attack: change the code of a treasury that journal entries and lines refer to
-- expect-app: 23503 collections_treasury_code_fkey
-- expect-owner: 23503 collections_treasury_code_fkey
UPDATE treasury.treasuries SET code = '9902' WHERE code = '9901';
