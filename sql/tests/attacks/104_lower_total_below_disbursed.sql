-- attack: lower the total investment below what the project has disbursed (14,000,000)
-- expect-app: 23514 total_investment_exceeded
-- expect-owner: 23514 total_investment_exceeded
UPDATE treasury.projects SET total_investment = 13999999 WHERE project_code = 'FIXP-1';
