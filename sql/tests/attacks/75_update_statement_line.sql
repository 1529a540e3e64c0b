-- attack: change an imported bank statement line so that it matches
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.bank_statement_lines SET amount = 1000 WHERE bank_ref = 'fixture-col-2';
