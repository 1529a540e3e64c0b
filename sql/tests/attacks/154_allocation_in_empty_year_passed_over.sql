-- attack: close 2094 while 2093 is empty (no allocation, no posting), then appropriate in 2093: the close passed 2093 over, closing it empty
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2094, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2094, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2093, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-154', (SELECT id FROM treasury.users WHERE username = 'fixture'));
