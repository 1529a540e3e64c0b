-- attack: delete an audit_log row
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.audit_log WHERE action = 'FIXTURE';
