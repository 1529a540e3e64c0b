-- attack: delete a posted journal line
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.journal_lines
WHERE entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-deposit-a');
