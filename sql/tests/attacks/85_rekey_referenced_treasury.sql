-- attack: change the code of a treasury that budget units, journal entries and lines refer to
-- expect-app: 23503 budget_units_treasury_code_fkey
-- expect-owner: 23503 budget_units_treasury_code_fkey
UPDATE treasury.treasuries SET code = '9902' WHERE code = '9901';
