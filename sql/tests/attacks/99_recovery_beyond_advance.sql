-- attack: recover more than the contract's advances paid (6,000,000 paid, 2,000,000 recovered)
-- expect-app: 23514 recovery_exceeds_advance
-- expect-owner: 23514 recovery_exceeds_advance
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ATTACK-99', DATE '2030-04-01', 5000000, 4000001);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-99'),
        'PAYMENT', '9301', 999999, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
