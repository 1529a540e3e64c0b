-- attack: mark more than is unspent of fixture-child to carry over (100,000,000 - pending 11,000,000 - spent 3,000,000 - advanced 4,000,000 = 82,000,000)
-- expect-app: 23514 carry_over_exceeds_available
-- expect-owner: 23514 carry_over_exceeds_available
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 82000001, 'CONTRACTED_BEFORE_YEAR_END', 'QD-136');
