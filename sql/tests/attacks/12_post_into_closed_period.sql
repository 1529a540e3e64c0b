-- attack: post an entry dated 2031-01-15, inside the CLOSED period 2031-01
-- expect-app: 23514 period_closed
-- expect-owner: 23514 period_closed
SELECT treasury.post_entry(DATE '2031-01-15', 'ADJUSTMENT', 'attack-12', '9901', 'backdated', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "100"}]');
