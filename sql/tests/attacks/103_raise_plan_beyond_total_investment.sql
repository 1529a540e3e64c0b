-- attack: raise the year's plan by adjustment past the project's total investment
-- expect-app: 23514 plans_exceed_total_investment
-- expect-owner: 23514 plans_exceed_total_investment
INSERT INTO treasury.allocation_adjustments (allocation_id, delta, reason)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), 50000001, 'attack-103');
