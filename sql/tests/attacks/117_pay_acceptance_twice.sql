-- attack: pay the same acceptance twice
-- expect-app: 23505 payment_orders_acceptance_unique
-- expect-owner: 23505 payment_orders_acceptance_unique
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'NT-01'),
        'PAYMENT', '9301', 8000000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
