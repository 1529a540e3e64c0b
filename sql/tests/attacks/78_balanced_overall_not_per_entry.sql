-- attack: two entries and their lines in one statement, balanced taken together but not each (caught at COMMIT)
-- expect-app: 23514 entry_balanced
-- expect-owner: 23514 entry_balanced
WITH e AS (
    INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code)
    VALUES (current_date, 'ATTACK', 'attack-78a', '9901'), (current_date, 'ATTACK', 'attack-78b', '9901')
    RETURNING id, source_id
)
INSERT INTO treasury.journal_lines (entry_id, line_no, gl_account, debit, credit)
SELECT e.id, x.n, x.gl, x.d, x.c FROM e JOIN (VALUES
    ('attack-78a', 1, '1110', 100, 0), ('attack-78a', 2, '7111', 0, 60),
    ('attack-78b', 1, '1110', 50, 0), ('attack-78b', 2, '7111', 0, 90)) x(src, n, gl, d, c) ON x.src = e.source_id;
