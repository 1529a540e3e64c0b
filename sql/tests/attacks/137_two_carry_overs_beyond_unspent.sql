-- attack: two carry-overs on one allocation (attack-137, 2095: 1,000,000), each within it, together beyond it
-- expect-app: 23514 carry_over_exceeds_available
-- expect-owner: 23514 carry_over_exceeds_available
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2095, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-137', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-137'), 600000, 'ADDED_AFTER_30_SEP', 'QD-137-1');
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-137'), 400001, 'SALARY_REFORM', 'QD-137-2');
