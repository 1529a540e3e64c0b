-- attack: submit an order for more than is left of its commitment (28,000,000 left)
-- expect-app: 23514 commitment_exceeded
-- expect-owner: 23514 commitment_exceeded
INSERT INTO treasury.payment_orders (allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
SELECT c.allocation_id, c.id, 'PAYMENT', '6501', 28000001, 'x', 'FIXBANK', '1', (SELECT id FROM treasury.users WHERE username = 'fixture')
FROM treasury.commitments c WHERE c.contract_no = 'FIX-C-1';
