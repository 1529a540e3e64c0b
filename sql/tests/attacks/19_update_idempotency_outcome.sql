-- attack: rewrite a stored idempotency outcome
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.idempotency_outcomes SET outcome = '{"result":{"forged":true}}' WHERE key = 'fixture-key';
