-- attack: move a used sharing rule to another fiscal year
-- expect-app: 42501
-- expect-owner: 23514 sharing_rule_immutable_fields
UPDATE treasury.sharing_rules SET fiscal_year = fiscal_year + 1 WHERE id = treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '99001');
