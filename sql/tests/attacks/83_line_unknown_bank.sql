-- attack: a balanced entry whose cash line names a bank that does not exist (declared foreign key)
-- expect-app: 23503 journal_lines_bank_code_fkey
-- expect-owner: 23503 journal_lines_bank_code_fkey
SELECT treasury.post_entry(current_date, 'ADJUSTMENT', 'attack-83', '9901', 'ghost bank', NULL,
    '[{"gl_account": "1130", "debit": "100", "bank_code": "NOSUCHBANK"}, {"gl_account": "7111", "credit": "100"}]');
