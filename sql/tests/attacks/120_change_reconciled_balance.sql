-- attack: change the balance the unit stated in a balance reconciliation
-- expect-app: 42501
-- expect-owner: 23514 balance_reconciliation_immutable_fields
UPDATE treasury.balance_reconciliations SET balance_seen = 6 WHERE note = 'fixture-reconciliation';
