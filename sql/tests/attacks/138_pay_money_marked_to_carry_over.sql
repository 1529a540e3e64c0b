-- attack: pay from commitment FIX-C-1 once all of fixture-child's unspent 82,000,000 (its committed 28,000,000 included) is marked to carry over
-- expect-app: 23514 carry_over_exceeds_available
-- expect-owner: 23514 carry_over_exceeds_available
INSERT INTO treasury.carry_overs (allocation_id, amount, ground, decision_no)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 82000000, 'CONTRACTED_BEFORE_YEAR_END', 'QD-138');
INSERT INTO treasury.payment_orders (allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
SELECT c.allocation_id, c.id, 'PAYMENT', '6501', 1000, 'Fixture supplier', 'FIXBANK', '1234567890', (SELECT id FROM treasury.users WHERE username = 'fixture')
FROM treasury.commitments c WHERE c.contract_no = 'FIX-C-1';
