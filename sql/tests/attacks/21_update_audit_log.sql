-- attack: rewrite an audit_log row
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
UPDATE treasury.audit_log SET action = 'NOTHING_HAPPENED' WHERE action = 'FIXTURE';
