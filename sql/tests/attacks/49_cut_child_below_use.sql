-- attack: cut a child allocation below what it has used (100,000,000, 46,000,000 used)
-- expect-app: 23514 allocation_within_amount
-- expect-owner: 23514 allocation_within_amount
INSERT INTO treasury.allocation_adjustments (allocation_id, delta, reason)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), -54000001, 'attack-49');
