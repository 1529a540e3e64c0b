-- attack: submit an order without commitment beyond the allocation's available (54,000,000)
-- expect-app: 23514 allocation_within_amount
-- expect-owner: 23514 allocation_within_amount
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 'PAYMENT', '6501', 54000001, 'x', 'FIXBANK', '1',
        (SELECT id FROM treasury.users WHERE username = 'fixture'));
