-- attack: submit a payment order on an allocation of fiscal year 2098 after the year is closed
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2098, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-152-root', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-152-root'), '9900001', '599', '341', 1000000, 'attack-152');
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2098, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2098, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-152'), 'PAYMENT', '6501', 1000, 'Fixture supplier', 'FIXBANK', '1234567890',
        'attack-152', (SELECT id FROM treasury.users WHERE username = 'fixture'));
