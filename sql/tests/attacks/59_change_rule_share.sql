-- attack: raise one level's basis points of an existing rule without lowering another (caught at COMMIT)
-- expect-app: 23514 sharing_rule_shares_sum
-- expect-owner: 23514 sharing_rule_shares_sum
UPDATE treasury.sharing_rule_shares SET basis_points = basis_points + 1
WHERE rule_id = treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '99001') AND budget_level = 'CENTRAL';
