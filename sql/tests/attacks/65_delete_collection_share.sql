-- attack: delete a share of a recorded collection
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.collection_shares WHERE collection_id = (SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1') AND budget_level = 'COMMUNE';
