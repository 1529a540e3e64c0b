-- attack: raise a child by an adjustment beyond what its parent has left
-- expect-app: 23514 allocation_within_amount
-- expect-owner: 23514 allocation_within_amount
INSERT INTO treasury.allocation_adjustments (allocation_id, delta, reason)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 900000001, 'attack-31');
