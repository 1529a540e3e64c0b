-- attack: truncate journal_lines
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
TRUNCATE treasury.journal_lines;
