-- attack: refund more than what is left of a collection (1,000,001 collected, 400,000 refunded)
-- expect-app: 23514 refund_within_collection
-- expect-owner: 23514 refund_within_collection
INSERT INTO treasury.refunds (collection_id, amount, decision_no, entry_id)
VALUES ((SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), 600002, 'ATTACK-67', (SELECT entry_id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'));
