-- attack: delete a posted journal entry
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.journal_entries WHERE source_id = 'fixture-deposit-a';
