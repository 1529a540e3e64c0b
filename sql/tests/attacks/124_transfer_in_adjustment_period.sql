-- attack: a transfer between accounts dated 2092-12-31, in the adjustment period of 2092 (December closed, the year not)
-- expect-app: 23514 adjustment_period_restricted
-- expect-owner: 23514 adjustment_period_restricted
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2092, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.transfer('3711990001', '3711990002', 100, 'attack-124', NULL, DATE '2092-12-31');
