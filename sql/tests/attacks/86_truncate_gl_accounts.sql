-- attack: truncate the chart of GL accounts that journal lines refer to
-- expect-app: 42501
-- expect-owner: 0A000
TRUNCATE treasury.gl_accounts;
