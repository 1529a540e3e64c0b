-- attack: lower the recovery of a paid acceptance
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.acceptances SET recovery = 0 WHERE acceptance_no = 'NT-01';
