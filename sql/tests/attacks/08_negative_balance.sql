-- attack: transfer more than the source account holds (deposit balance below zero)
-- expect-app: 23514 account_non_negative
-- expect-owner: 23514 account_non_negative
SELECT treasury.post_entry(current_date, 'TRANSFER', 'attack-08', '9901', 'overdraft', NULL,
    '[{"gl_account": "3711", "account_no": "3711990001", "debit": "1000000000000"},
      {"gl_account": "3711", "account_no": "3711990002", "credit": "1000000000000"}]');
