-- attack: record a collection with every check run at once (IMMEDIATE), then add a zero share for a level outside its rule
-- expect-app: 23514 collection_shares_split
-- expect-owner: 23514 collection_shares_split
SET CONSTRAINTS ALL IMMEDIATE;
SELECT treasury.record_collections('[{"bank_code": "FIXBANK", "bank_ref": "attack-80", "collected_on": "2030-01-02", "payer": {"name": "Attacker"},
    "chapter": "599", "economic_code": "1001", "area_code": "00288", "treasury_code": "9901", "amount": "1000"}]', NULL, current_date);
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
SELECT c.id, 'COMMUNE', 0 FROM treasury.collections c WHERE c.bank_ref = 'attack-80';
