-- attack: move a posted entry to another accounting date
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.journal_entries SET accounting_date = DATE '2031-01-15' WHERE source_id = 'fixture-deposit-a';
