-- attack: bypass post_entry and insert lines straight into a FROZEN account
-- expect-app: 23514 account_not_active
-- expect-owner: 23514 account_not_active
INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code)
VALUES (current_date, 'ATTACK', 'attack-28', '9901');
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit)
VALUES (currval('treasury.journal_entries_id_seq'), 1, '1110', 100);
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, account_no, credit)
VALUES (currval('treasury.journal_entries_id_seq'), 2, '3711', '3711990003', 100);
