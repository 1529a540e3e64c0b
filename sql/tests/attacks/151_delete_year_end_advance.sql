-- attack: drop an advance due back (attack-151, listed TO_RECOVER at the close of fiscal year 2098) from the year-end list
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2098, 'PROVINCE', 'RECURRENT', '9901', 1000000, 'attack-151-root', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-151-root'), '9900001', '599', '341', 1000000, 'attack-151');
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'attack-151'), 'ADVANCE', '6501', 500000, 'Fixture unit staff', 'FIXBANK', '42',
        'attack-151', (SELECT id FROM treasury.users WHERE username = 'fixture'));
UPDATE treasury.payment_orders SET status = 'APPROVED', approved_by = (SELECT id FROM treasury.users WHERE username = 'fixture-officer')
WHERE description = 'attack-151';
SELECT treasury.post_entry(DATE '2098-06-15', 'ADVANCE', (SELECT id::text FROM treasury.payment_orders WHERE description = 'attack-151'), '9901', 'advance of 2098', NULL,
    '[{"gl_account": "1310", "debit": "500000", "unit_code": "9900001", "budget_level": "PROVINCE", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "500000", "bank_code": "FIXBANK"}]');
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       entry_id = (SELECT id FROM treasury.journal_entries WHERE accounting_date = DATE '2098-06-15' AND source_kind = 'ADVANCE')
WHERE description = 'attack-151';
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2098, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2098, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
DELETE FROM treasury.year_end_advances WHERE order_id = (SELECT id FROM treasury.payment_orders WHERE description = 'attack-151');
