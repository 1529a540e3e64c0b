-- attack: close fiscal year 2091 a second time (its lapsed and carried figures would be taken again)
-- expect-app: 23514 year_already_closed
-- expect-owner: 23514 year_already_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2091, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-142', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
