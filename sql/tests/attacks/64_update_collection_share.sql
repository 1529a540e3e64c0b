-- attack: move money between the levels of a recorded collection
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.collection_shares SET amount = amount + CASE WHEN budget_level = 'CENTRAL' THEN 1 ELSE -1 END
WHERE collection_id = (SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1') AND budget_level IN ('CENTRAL', 'PROVINCE');
