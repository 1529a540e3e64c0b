-- attack: add a share to a collection recorded by an earlier transaction
-- expect-app: 23514 collection_closed_for_shares
-- expect-owner: 23514 collection_closed_for_shares
INSERT INTO treasury.collection_shares (collection_id, budget_level, amount) VALUES ((SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1'), 'DISTRICT', 0);
