-- attack: register a regular commitment on a capital plan
-- expect-app: 23514 capital_plan_contract_only
-- expect-owner: 23514 capital_plan_contract_only
INSERT INTO treasury.commitments (allocation_id, contract_no, economic_code, amount, supplier_name, supplier_bank_code, supplier_account_no, signed_on)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), 'ATTACK-109', '9301', 1000, 'x', 'FIXBANK', '1', DATE '2030-03-01');
