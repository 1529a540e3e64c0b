-- attack: close fiscal year 2097 (months 1-12 closed) while 2096, which has an allocation, is open
-- expect-app: 23514 previous_year_open
-- expect-owner: 23514 previous_year_open
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2096, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-140', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2097, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2097, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
