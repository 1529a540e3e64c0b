-- attack: delete the ACCOUNT_OPEN procedure that dossiers are filed under
-- expect-app: 42501
-- expect-owner: 23503 dossiers_procedure_fkey
DELETE FROM treasury.procedures WHERE code = 'ACCOUNT_OPEN';
