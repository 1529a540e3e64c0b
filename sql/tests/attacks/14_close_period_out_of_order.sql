-- attack: close 2031-04 while 2031-03 is still open
-- expect-app: 23514 period_order
-- expect-owner: 23514 period_order
INSERT INTO treasury.periods (fiscal_year, month, status) VALUES (2031, 4, 'CLOSED');
