-- attack: credit a CLOSED account
-- expect-app: 23514 account_not_active
-- expect-owner: 23514 account_not_active
SELECT treasury.post_entry(current_date, 'TRANSFER', 'attack-10', '9901', 'to closed', NULL,
    '[{"gl_account": "3711", "account_no": "3711990001", "debit": "100"},
      {"gl_account": "3711", "account_no": "3711990004", "credit": "100"}]');
