-- attack: close fiscal year 2097 (months 1-12 closed) while 2096, which has a posting but no allocation, is open
-- expect-app: 23514 previous_year_open
-- expect-owner: 23514 previous_year_open
SELECT treasury.post_entry(DATE '2096-03-02', 'ADJUSTMENT', 'attack-141', '9901', 'a posting of 2096', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "100"}]');
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2097, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2097, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
