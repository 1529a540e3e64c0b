-- attack: a deposit entry (Dr 1130 / Cr 3711 into account A) dated 2092-12-31, in the adjustment period of 2092 (December closed, the year not)
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2092, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.post_entry(DATE '2092-12-31', 'DEPOSIT', NULL, '9901', 'late deposit', NULL,
    '[{"gl_account": "1130", "debit": "100", "bank_code": "FIXBANK"}, {"gl_account": "3711", "account_no": "3711990001", "credit": "100"}]');
