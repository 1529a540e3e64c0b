-- attack: insert the transaction's deferred_checks row first, hoping the ledger triggers then queue no check
-- expect-app: 42501
-- expect-owner: 23514 entry_balanced
INSERT INTO treasury.deferred_checks (txid, rule) VALUES (pg_current_xact_id(), 'entry_balanced');
SET CONSTRAINTS treasury.entry_balanced IMMEDIATE;
SET CONSTRAINTS treasury.entry_balanced DEFERRED;
SELECT treasury.post_entry(current_date, 'ADJUSTMENT', 'attack-82', '9901', 'unbalanced', NULL,
    '[{"gl_account": "1110", "debit": "100"}, {"gl_account": "7111", "credit": "90"}]');
