-- attack: insert a collection entry directly, dated 2091-06-15 in the closed fiscal year 2091 (the year is refused before the closed month)
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.journal_entries (accounting_date, source_kind, source_id, treasury_code)
VALUES (DATE '2091-06-15', 'COLLECTION', 'attack-123', '9901');
