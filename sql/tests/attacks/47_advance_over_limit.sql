-- attack: an advance over 30% of an investment commitment (10,000,000: at most 3,000,000)
-- expect-app: 23514 advance_limit_exceeded
-- expect-owner: 23514 advance_limit_exceeded
INSERT INTO treasury.payment_orders (allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
SELECT c.allocation_id, c.id, 'ADVANCE', '9301', 2000000, 'x', 'FIXBANK', '1', (SELECT id FROM treasury.users WHERE username = 'fixture')
FROM treasury.commitments c WHERE c.contract_no = 'FIX-I-1';
INSERT INTO treasury.payment_orders (allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
SELECT c.allocation_id, c.id, 'ADVANCE', '9301', 1000001, 'x', 'FIXBANK', '1', (SELECT id FROM treasury.users WHERE username = 'fixture')
FROM treasury.commitments c WHERE c.contract_no = 'FIX-I-1';
