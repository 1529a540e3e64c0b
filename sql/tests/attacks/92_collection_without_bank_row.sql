-- attack: record a collection (with correct shares) whose bank reference is in no bank_transactions row (deferred foreign key collections_bank_transaction)
-- expect-app: 23503 collections_bank_transaction
-- expect-owner: 23503 collections_bank_transaction
INSERT INTO treasury.collections (bank_code, bank_ref, collected_on, payer_name, chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id)
SELECT 'FIXBANK', 'attack-92-no-bank-row', collected_on, 'No bank row', chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id
FROM treasury.collections WHERE bank_ref = 'fixture-col-1';
INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
SELECT c.id, s.budget_level, s.amount FROM treasury.collections c, treasury.collection_shares s
WHERE c.bank_ref = 'attack-92-no-bank-row' AND s.collection_id = (SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1');
