-- attack: a payment beyond what is left of the year's capital plan (50,000,000 planned, 14,000,000 taken) though within its contract (HD-02: 90,000,000)
-- expect-app: 23514 plan_exceeded
-- expect-owner: 23514 plan_exceeded
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-02'), 'ATTACK-101', DATE '2030-04-01', 36000001, 0);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-02'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-101'),
        'PAYMENT', '9301', 36000001, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
