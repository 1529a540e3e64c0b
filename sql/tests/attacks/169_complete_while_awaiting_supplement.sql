-- attack: complete a dossier that awaits its supplement
-- expect-app: 23514 dossier_status_transition
-- expect-owner: 23514 dossier_status_transition
UPDATE treasury.dossiers SET status = 'COMPLETED' WHERE subject_id = 'fixture-awaiting';
