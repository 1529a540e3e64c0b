-- attack: a PAYMENT entry dated 2094-12-31, in the adjustment period of 2094, for work accepted on 2095-01-05 (acceptance ATTACK-128 of HD-02)
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-02'), 'ATTACK-128', DATE '2095-01-05', 1000000, 0);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-02'), (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'ATTACK-128'),
        'PAYMENT', '9301', 1000000, 'Fixture builder', 'FIXBANK', '777', 'attack-128', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2094, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.post_entry(DATE '2094-12-31', 'PAYMENT', (SELECT id::text FROM treasury.payment_orders WHERE description = 'attack-128'), '9901', 'work accepted in January', NULL,
    '[{"gl_account": "8111", "debit": "1000000", "economic_code": "9301", "budget_level": "PROVINCE", "unit_code": "9900001", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "1000000", "bank_code": "FIXBANK", "treasury_code": "9901"}]');
