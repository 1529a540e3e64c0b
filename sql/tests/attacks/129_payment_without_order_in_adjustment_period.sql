-- attack: a PAYMENT entry dated 2093-12-31, in the adjustment period of 2093, naming no payment order (source id 0)
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2093, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.post_entry(DATE '2093-12-31', 'PAYMENT', '0', '9901', 'payment without an order', NULL,
    '[{"gl_account": "8111", "debit": "100", "economic_code": "6501", "budget_level": "PROVINCE", "unit_code": "9900001", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "100", "bank_code": "FIXBANK"}]');
