-- attack: post a reversal dated 2091-12-31 into fiscal year 2091 once it is closed (months 1-12 closed, then the year)
-- expect-app: 23514 year_closed
-- expect-owner: 23514 year_closed
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
SELECT treasury.post_entry(DATE '2091-12-31', 'REVERSAL', 'attack-122', '9901', 'into a closed year', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "100"}]');
