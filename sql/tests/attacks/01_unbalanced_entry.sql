-- attack: post an entry whose debits and credits differ (caught at COMMIT)
-- expect-app: 23514 entry_balanced
-- expect-owner: 23514 entry_balanced
SELECT treasury.post_entry(current_date, 'TRANSFER', 'attack-01', '9901', 'unbalanced', NULL,
    '[{"gl_account": "3711", "account_no": "3711990001", "debit": "100"},
      {"gl_account": "3711", "account_no": "3711990002", "credit": "90"}]');
