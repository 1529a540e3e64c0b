-- attack: an advance that takes the contract's outstanding advance over its rate (HD-01: 20% of 40,000,000 = 8,000,000; 4,000,000 outstanding)
-- expect-app: 23514 contract_advance_limit_exceeded
-- expect-owner: 23514 contract_advance_limit_exceeded
INSERT INTO treasury.payment_orders (allocation_id, contract_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ADVANCE', '9301', 4000001, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
