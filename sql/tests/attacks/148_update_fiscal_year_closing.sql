-- attack: rewrite the lapsed total of the closed fiscal year 2091
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2091, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-148', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
UPDATE treasury.fiscal_year_closings SET lapsed = 0 WHERE fiscal_year = 2091;
