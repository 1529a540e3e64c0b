-- attack: list an advance under a closed year by hand (only the close writes year_end_advances)
-- expect-app: 42501
-- expect-owner: 23514 year_end_advances_by_close
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2091, m, 'CLOSED' FROM generate_series(1, 12) AS m;
INSERT INTO treasury.fiscal_year_closings (fiscal_year, closed_by) VALUES (2091, (SELECT id FROM treasury.users WHERE username = 'fixture-chief'));
INSERT INTO treasury.year_end_advances (fiscal_year, order_id, outstanding, disposition)
VALUES (2091, (SELECT min(id) FROM treasury.payment_orders), 1, 'ROLLED_FORWARD');
