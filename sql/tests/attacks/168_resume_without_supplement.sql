-- attack: take a dossier awaiting its supplement back to PROCESSING though nothing was supplied
-- expect-app: 23514 dossier_supplement_shape
-- expect-owner: 23514 dossier_supplement_shape
UPDATE treasury.dossiers SET status = 'PROCESSING' WHERE subject_id = 'fixture-awaiting';
