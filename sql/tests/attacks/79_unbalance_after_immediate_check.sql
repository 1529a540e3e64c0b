-- attack: make entry_balanced IMMEDIATE so it runs on a balanced entry, then add an unbalanced line in a later statement
-- expect-app: 23514 entry_balanced
-- expect-owner: 23514 entry_balanced
SET CONSTRAINTS treasury.entry_balanced IMMEDIATE;
WITH e AS (
    INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code)
    VALUES (current_date, 'ATTACK', 'attack-79', '9901') RETURNING id
)
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit)
SELECT e.id, x.n, x.gl, x.d, x.c FROM e, (VALUES (1, '1110', 100, 0), (2, '7111', 0, 100)) x(n, gl, d, c);
SET CONSTRAINTS treasury.entry_balanced DEFERRED;
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit)
VALUES ((SELECT id FROM treasury.journal_entries WHERE source_id = 'attack-79'), 3, '1110', 1);
