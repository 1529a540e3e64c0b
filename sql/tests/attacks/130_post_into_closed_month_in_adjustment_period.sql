-- attack: a collection entry dated 2092-11-30, in the CLOSED month 2092-11, while 2092 is in its adjustment period (only December takes period 13 postings)
-- expect-app: 23514 period_closed
-- expect-owner: 23514 period_closed
INSERT INTO treasury.periods (fiscal_year, month, status) SELECT 2092, m, 'CLOSED' FROM generate_series(1, 12) AS m;
SELECT treasury.post_entry(DATE '2092-11-30', 'COLLECTION', (SELECT id::text FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), '9901', 'into November', NULL,
    '[{"gl_account": "1110", "debit": "100", "bank_code": "FIXBANK"}, {"gl_account": "7111", "credit": "100"}]');
