-- attack: file a dossier under a procedure that is not in the procedures table
-- expect-app: 23503 dossiers_procedure_fkey
-- expect-owner: 23503 dossiers_procedure_fkey
INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, subject_kind, subject_id)
VALUES ('PAYMENT_ANYTHING', '9900001', '9901', now(), now() + interval '1 day', 'PAYMENT_ORDER', 'attack-159');
