-- attack: rewrite the history of an allocation adjustment
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.allocation_adjustments SET delta = 1 WHERE reason = 'fixture raise';
