-- attack: mark a carry-over on an allocation of fiscal year 2091 after the year is closed
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2091, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-131', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-131'), 1000, 'OTHER', 'QD-131');
