-- attack: two refunds, each within what is left, that together exceed the collection
-- expect-app: 23514 refund_within_collection
-- expect-owner: 23514 refund_within_collection
INSERT INTO treasury.refunds (collection_id, amount, decision_no, entry_id)
VALUES ((SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), 350000, 'ATTACK-68-A', (SELECT entry_id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'));
INSERT INTO treasury.refunds (collection_id, amount, decision_no, entry_id)
VALUES ((SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), 350000, 'ATTACK-68-B', (SELECT entry_id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'));
