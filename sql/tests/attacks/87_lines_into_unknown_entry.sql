-- attack: insert lines for an entry id that does not exist (declared foreign key)
-- expect-app: 23503 journal_lines_entry_id_fkey
-- expect-owner: 23503 journal_lines_entry_id_fkey
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit)
VALUES (999999999, 1, '1110', 100, 0), (999999999, 2, '7111', 0, 100);
