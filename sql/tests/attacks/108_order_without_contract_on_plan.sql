-- attack: spend a capital plan by a payment order without contract (outside rule 8's count)
-- expect-app: 23514 capital_plan_contract_only
-- expect-owner: 23514 capital_plan_contract_only
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), 'PAYMENT', '9301', 1000, 'x', 'FIXBANK', '1', (SELECT id FROM treasury.users WHERE username = 'fixture'));
