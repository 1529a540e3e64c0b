-- attack: file a new dossier under COMMITMENT, a Decree 11/2020 code retired in favour of PAYMENT_RECURRENT
-- expect-app: 23514 dossier_procedure_in_force
-- expect-owner: 23514 dossier_procedure_in_force
INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, subject_kind, subject_id)
VALUES ('COMMITMENT', '9900001', '9901', now(), now() + interval '1 day', 'COMMITMENT', 'attack-158');
