-- attack: change the amount of a carry-over before the close (fiscal year 2095 open)
-- expect-app: 42501
-- expect-owner: 23514 carry_over_append_only
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2095, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-134', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-134'), 300000, 'ADDED_AFTER_30_SEP', 'QD-134');
UPDATE treasury.carry_overs SET amount = 200000 WHERE decision_no = 'QD-134';
