-- attack: delete a sharing rule
-- expect-app: 42501
-- expect-owner: 23514 sharing_rule_no_delete
DELETE FROM treasury.sharing_rules WHERE id = treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '99001');
