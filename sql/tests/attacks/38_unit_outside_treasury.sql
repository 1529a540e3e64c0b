-- attack: allocate to a unit kept by a treasury outside the parent's treasury
-- expect-app: 23514 allocation_unit_outside_treasury
-- expect-owner: 23514 allocation_unit_outside_treasury
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-root'), '9900002', '599', '341', 1000, 'attack-38');
