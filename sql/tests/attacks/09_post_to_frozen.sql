-- attack: credit a FROZEN account
-- expect-app: 23514 account_not_active
-- expect-owner: 23514 account_not_active
SELECT treasury.post_entry(current_date, 'TRANSFER', 'attack-09', '9901', 'to frozen', NULL,
    '[{"gl_account": "3711", "account_no": "3711990001", "debit": "100"},
      {"gl_account": "3711", "account_no": "3711990003", "credit": "100"}]');
