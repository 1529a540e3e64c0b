-- attack: reopen the closed fiscal year 2091 by deleting its closing
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
DELETE FROM treasury.fiscal_year_closings WHERE fiscal_year = 2091;
