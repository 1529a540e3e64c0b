-- attack: reopen the CLOSED period 2031-01
-- expect-app: 23514 period_reopen
-- expect-owner: 23514 period_reopen
UPDATE treasury.periods SET status = 'OPEN' WHERE fiscal_year = 2031 AND month = 1;
