-- attack: file a dossier already awaiting a supplement, skipping the officer's request
-- expect-app: 23514 dossier_supplement_by_request
-- expect-owner: 23514 dossier_supplement_by_request
INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, status, subject_kind, subject_id)
VALUES ('PAYMENT_RECURRENT', '9900001', '9901', now(), now() + interval '1 day', 'SUPPLEMENT_REQUESTED', 'PAYMENT_ORDER', 'attack-160');
