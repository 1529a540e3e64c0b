-- attack: two advances, each within what is left of the rate, that together pass it (in-flight advances count)
-- expect-app: 23514 contract_advance_limit_exceeded
-- expect-owner: 23514 contract_advance_limit_exceeded
INSERT INTO treasury.payment_orders (allocation_id, contract_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ADVANCE', '9301', 2000000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.payment_orders (allocation_id, contract_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ADVANCE', '9301', 2000001, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
