-- attack: post an unbalanced entry, then delete the transaction's pending check from deferred_checks
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
SELECT treasury.post_entry(current_date, 'ADJUSTMENT', 'attack-81', '9901', 'unbalanced', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "90"}]');
DELETE FROM treasury.deferred_checks;
