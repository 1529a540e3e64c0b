-- attack: add a line to an entry posted by an earlier transaction (the fixture deposit)
-- expect-app: 23514 entry_closed_for_lines
-- expect-owner: 23514 entry_closed_for_lines
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit)
VALUES ((SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-deposit-a'), 99, '1110', 1);
