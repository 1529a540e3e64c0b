-- attack: a payment for the gross of its acceptance, not gross - recovery (the recovery would be paid out too)
-- expect-app: 23514 contract_payment_matches_acceptance
-- expect-owner: 23514 contract_payment_matches_acceptance
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'ATTACK-110', DATE '2030-04-01', 5000000, 1000000);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-110'),
        'PAYMENT', '9301', 5000000, 'Fixture builder', 'FIXBANK', '777', (SELECT id FROM treasury.users WHERE username = 'fixture'));
