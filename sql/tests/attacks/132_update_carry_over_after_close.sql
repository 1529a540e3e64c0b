-- attack: raise a carry-over (300,000 of allocation attack-132, 2095) after the close of fiscal year 2095 carried it into 2096
-- expect-app: 42501
-- expect-owner: 23514 year_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2095, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-132', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-132'), 300000, 'ADDED_AFTER_30_SEP', 'QD-132');
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2095, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2095, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
UPDATE treasury.carry_overs SET amount = 1000000 WHERE decision_no = 'QD-132';
