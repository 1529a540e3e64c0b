-- attack: record a collection of 100 whose shares sum to 99 (caught at COMMIT)
-- expect-app: 23514 collection_shares_sum
-- expect-owner: 23514 collection_shares_sum
SELECT treasury.post_entry(current_date, 'COLLECTION', 'attack-69', '9901', NULL, NULL,
    '[{"gl_account": "1130", "debit": "100", "bank_code": "FIXBANK", "treasury_code": "9901"},
      {"gl_account": "7111", "credit": "100", "budget_level": "CENTRAL"}]');
INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, amount, request_hash, result, entry_id)
VALUES ('FIXBANK', 'attack-69', 'COLLECTION', 100, sha256('attack-69'), '{}', (SELECT id FROM treasury.journal_entries WHERE source_id = 'attack-69'));
INSERT INTO treasury.collections (bank_code, bank_ref, collected_on, payer_name, chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id)
VALUES ('FIXBANK', 'attack-69', current_date, 'Attacker', '599', '1001', '99001', '9901', 100, treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '99001'),
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'attack-69'));
INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
SELECT c.id, x.level, x.amount FROM treasury.collections c, (VALUES ('CENTRAL', 30::bigint), ('PROVINCE', 33), ('COMMUNE', 36)) x(level, amount) WHERE c.bank_ref = 'attack-69';
