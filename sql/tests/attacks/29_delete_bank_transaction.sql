-- attack: delete the business-key record of a bank transaction
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.bank_transactions WHERE bank_code = 'FIXBANK';
