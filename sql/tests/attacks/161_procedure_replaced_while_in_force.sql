-- attack: mark ACCOUNT_CLOSE as replaced by ACCOUNT_OPEN while it is still in force
-- expect-app: 42501
-- expect-owner: 23514 procedure_replaced_only_when_retired
UPDATE treasury.procedures SET replaced_by = 'ACCOUNT_OPEN' WHERE code = 'ACCOUNT_CLOSE';
