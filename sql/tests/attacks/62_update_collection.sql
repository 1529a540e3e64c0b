-- attack: raise a recorded collection's amount
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.collections SET amount = amount + 1 WHERE bank_ref = 'fixture-col-1';
