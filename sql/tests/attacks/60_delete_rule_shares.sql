-- attack: delete every share of a rule, leaving a rule of 0 basis points (caught at COMMIT)
-- expect-app: 23514 sharing_rule_shares_sum
-- expect-owner: 23514 sharing_rule_shares_sum
DELETE FROM treasury.sharing_rule_shares WHERE rule_id = treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '99001');
