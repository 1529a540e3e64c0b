-- attack: make an INVESTMENT allocation of closed fiscal year 2095 a capital plan of project FIXP-1
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2095, 'PROVINCE', 'INVESTMENT', '9901', 1000000, 'attack-156-root', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-156-root'), '9900001', '599', '341', 1000000, 'attack-156');
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2095, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2095, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.capital_plans (allocation_id, project_code, created_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-156'), 'FIXP-1', (SELECT id FROM treasury.users WHERE username = 'fixture'));
