-- attack: create a 2099 allocation carried over from fixture-root by hand, not by the year close
-- expect-app: 23514 allocation_carry_over_by_close
-- expect-owner: 23514 allocation_carry_over_by_close
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, carried_over_from, note, created_by)
VALUES (2099, 'PROVINCE', 'RECURRENT', '9901', 1000000, (SELECT id FROM treasury.allocations WHERE note = 'fixture-root'), 'attack-147',
        (SELECT id FROM treasury.users WHERE username = 'fixture'));
