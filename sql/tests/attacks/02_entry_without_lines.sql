-- attack: insert a journal entry with no lines at all (caught at COMMIT)
-- expect-app: 23514 entry_balanced
-- expect-owner: 23514 entry_balanced
INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code)
VALUES (current_date, 'ATTACK', 'attack-02', '9901');
