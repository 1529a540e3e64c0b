-- attack: charge a contract advance to an INVESTMENT allocation that is not a plan of the project
-- expect-app: 23514 contract_order_on_plan
-- expect-owner: 23514 contract_order_on_plan
INSERT INTO treasury.payment_orders (allocation_id, contract_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-inv-child'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ADVANCE', '9301', 1000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
