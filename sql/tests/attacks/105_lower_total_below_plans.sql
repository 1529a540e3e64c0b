-- attack: lower the total investment below the plans of all years (50,000,000) though above the disbursed
-- expect-app: 23514 plans_exceed_total_investment
-- expect-owner: 23514 plans_exceed_total_investment
UPDATE treasury.projects SET total_investment = 49999999 WHERE project_code = 'FIXP-1';
