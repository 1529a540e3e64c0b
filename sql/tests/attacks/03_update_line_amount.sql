-- attack: change the amount of a posted journal line
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.journal_lines SET credit = credit + 1
WHERE entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-deposit-a') AND credit > 0;
