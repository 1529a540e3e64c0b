-- attack: delete a balance reconciliation
-- expect-app: 42501
-- expect-owner: 23514 balance_reconciliation_no_delete
DELETE FROM treasury.balance_reconciliations WHERE note = 'fixture-reconciliation';
