-- attack: delete a recorded collection
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.collections WHERE bank_ref = 'fixture-col-2';
