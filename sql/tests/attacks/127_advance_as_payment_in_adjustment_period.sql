-- attack: a PAYMENT entry dated 2093-12-31, in the adjustment period of 2093, whose payment order is the advance 'fixture-advance'
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2093, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.post_entry(DATE '2093-12-31', 'PAYMENT', (SELECT id::text FROM treasury.payment_orders WHERE description = 'fixture-advance'), '9901', 'advance as a payment', NULL,
    '[{"gl_account": "1310", "debit": "100", "unit_code": "9900001", "budget_level": "PROVINCE", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "100", "bank_code": "FIXBANK"}]');
