-- attack: create a child allocation (fiscal year left to inherit) under an appropriation of the closed fiscal year 2091
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2091, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-144-root', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-144-root'), '9900001', '599', '341', 1000, 'attack-144');
