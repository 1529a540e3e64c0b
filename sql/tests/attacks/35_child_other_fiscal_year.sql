-- attack: create a child allocation with another fiscal year than its parent
-- expect-app: 23514 allocation_inherits_parent
-- expect-owner: 23514 allocation_inherits_parent
INSERT INTO treasury.allocations (parent_id, fiscal_year, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-root'), 2029, '9900001', '599', '341', 1000, 'attack-35');
