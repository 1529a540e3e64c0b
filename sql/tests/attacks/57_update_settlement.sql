-- attack: shrink a recorded advance settlement
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.advance_settlements SET amount = 1;
