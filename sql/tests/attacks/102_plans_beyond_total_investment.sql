-- attack: a second plan (extended from 2029) that takes the plans of all years over the total investment (100,000,000; 50,000,000 planned)
-- expect-app: 23514 plans_exceed_total_investment
-- expect-owner: 23514 plans_exceed_total_investment
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-inv-root'), '9900001', '599', '341', 50000001, 'attack-102');
INSERT INTO treasury.capital_plans (allocation_id, project_code, extended_from_year)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-102'), 'FIXP-1', 2029);
