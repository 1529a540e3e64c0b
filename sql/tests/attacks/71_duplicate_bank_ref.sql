-- attack: record a second collection under a bank reference already used
-- expect-app: 23505 collections_bank_key
-- expect-owner: 23505 collections_bank_key
INSERT INTO treasury.collections (bank_code, bank_ref, collected_on, payer_name, chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id)
SELECT bank_code, bank_ref, collected_on, 'Someone else', chapter, economic_code, area_code, treasury_code, 5, sharing_rule_id, entry_id
FROM treasury.collections WHERE bank_ref = 'fixture-col-1';
