-- attack: delete an invariant check so that verify stops looking
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.verify_checks WHERE check_name = 'account_balance_matches_lines';
