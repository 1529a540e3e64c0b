-- attack: rewrite the note of a confirmed balance reconciliation
-- expect-app: 23514 balance_reconciliation_confirmed_once
-- expect-owner: 23514 balance_reconciliation_confirmed_once
UPDATE treasury.balance_reconciliations SET note = 'nothing to see' WHERE note = 'fixture-reconciliation';
