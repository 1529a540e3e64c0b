-- attack: truncate journal_entries with CASCADE (would take the lines with it)
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
TRUNCATE treasury.journal_entries CASCADE;
