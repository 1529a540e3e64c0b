-- attack: close fiscal year 2096 by hand as "passed over" (empty), skipping its months and its figures
-- expect-app: 23514 year_passed_over_by_close
-- expect-owner: 23514 year_passed_over_by_close
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2096, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-157', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by, passed_over)
VALUES (2096, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'), true);
