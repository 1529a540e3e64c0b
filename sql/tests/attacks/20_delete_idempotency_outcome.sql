-- attack: delete a stored idempotency outcome
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.idempotency_outcomes WHERE key = 'fixture-key';
