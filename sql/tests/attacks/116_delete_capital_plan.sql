-- attack: delete a capital plan, so that its allocation no longer counts as the project's
-- expect-app: 42501
-- expect-owner: 23514 ledger_append_only
DELETE FROM treasury.capital_plans WHERE project_code = 'FIXP-1';
