-- attack: pay an acceptance that takes the accepted value past the contract value (HD-01: 40,000,000, 10,000,000 accepted)
-- expect-app: 23514 contract_value_exceeded
-- expect-owner: 23514 contract_value_exceeded
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ATTACK-98', DATE '2030-04-01', 30000001, 0);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-98'),
        'PAYMENT', '9301', 30000001, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
