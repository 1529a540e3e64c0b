-- attack: rewrite an invariant check into one that finds nothing
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.verify_checks SET query = 'SELECT NULL::text WHERE false' WHERE check_name = 'entry_balanced';
