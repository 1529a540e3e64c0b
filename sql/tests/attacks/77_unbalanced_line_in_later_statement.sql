-- attack: post a balanced entry, then add a line to it in a later statement of the same transaction (caught at COMMIT)
-- expect-app: 23514 entry_balanced
-- expect-owner: 23514 entry_balanced
SELECT treasury.post_entry(current_date, 'ADJUSTMENT', 'attack-77', '9901', 'balanced first', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "100"}]');
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit)
VALUES ((SELECT id FROM treasury.journal_entries WHERE source_id = 'attack-77'), 3, '1110', 5);
