-- attack: record a good batch with every check run at once (IMMEDIATE), then, deferred again, a collection with no bank_transactions row (the deferred key is checked again at COMMIT)
-- expect-app: 23503 collections_bank_transaction
-- expect-owner: 23503 collections_bank_transaction
SET CONSTRAINTS ALL IMMEDIATE;
SELECT treasury.record_collections('[{"bank_code": "FIXBANK", "bank_ref": "attack-93", "collected_on": "2030-01-02", "payer": {"name": "Attacker"},
    "chapter": "599", "economic_code": "1001", "area_code": "00288", "treasury_code": "9901", "amount": "1000"}]', NULL, current_date);
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO treasury.collections (bank_code, bank_ref, collected_on, payer_name, chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id)
SELECT 'FIXBANK', 'attack-93-no-bank-row', collected_on, 'No bank row', chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id
FROM treasury.collections WHERE bank_ref = 'attack-93';
INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
SELECT c.id, s.budget_level, s.amount FROM treasury.collections c, treasury.collection_shares s
WHERE c.bank_ref = 'attack-93-no-bank-row' AND s.collection_id = (SELECT id FROM treasury.collections WHERE bank_ref = 'attack-93');
