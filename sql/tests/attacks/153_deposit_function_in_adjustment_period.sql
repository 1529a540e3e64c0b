-- attack: treasury.deposit() (its source_id is the bank key, text) dated 2092-12-31, in the adjustment period of 2092
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2092, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.deposit('3711990001', 100, 'FIXBANK', 'attack-153', 'late deposit', NULL, DATE '2092-12-31');
