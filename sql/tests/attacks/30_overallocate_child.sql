-- attack: allocate a child beyond the parent's available (root 1,000,000,000 has 900,000,000 left)
-- expect-app: 23514 allocation_within_amount
-- expect-owner: 23514 allocation_within_amount
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-root'), '9900001', '599', '341', 900000001, 'attack-30');
