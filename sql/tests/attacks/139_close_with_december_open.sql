-- attack: close fiscal year 2096 while its December is still open (months 1-11 closed)
-- expect-app: 23514 year_close_order
-- expect-owner: 23514 year_close_order
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2096, m, 'CLOSED' FROM generate_series(1, 11) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2096, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
