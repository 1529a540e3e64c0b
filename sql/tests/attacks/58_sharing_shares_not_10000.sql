-- attack: put a sharing rule whose shares sum to 9000 basis points (caught at COMMIT)
-- expect-app: 23514 sharing_rule_shares_sum
-- expect-owner: 23514 sharing_rule_shares_sum
INSERT INTO treasury.sharing_rules (fiscal_year, economic_code, area_code) VALUES (2031, '1001', NULL);
INSERT INTO treasury.sharing_rule_shares (rule_id, budget_level, basis_points)
SELECT id, x.level, x.bp FROM treasury.sharing_rules, (VALUES ('CENTRAL', 6000), ('PROVINCE', 3000)) x(level, bp)
WHERE fiscal_year = 2031 AND economic_code = '1001';
