-- attack: two payments, each recovering less than is outstanding (4,000,000), that together recover more
-- expect-app: 23514 recovery_exceeds_advance
-- expect-owner: 23514 recovery_exceeds_advance
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ATTACK-100-A', DATE '2030-04-01', 5000000, 3000000);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-100-A'),
        'PAYMENT', '9301', 2000000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ATTACK-100-B', DATE '2030-04-01', 5000000, 3000000);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-100-B'),
        'PAYMENT', '9301', 2000000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
