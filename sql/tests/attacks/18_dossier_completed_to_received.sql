-- attack: move a COMPLETED dossier back to RECEIVED
-- expect-app: 23514 dossier_status_transition
-- expect-owner: 23514 dossier_status_transition
UPDATE treasury.dossiers SET status = 'RECEIVED' WHERE subject_id = 'fixture-dossier';
