-- attack: stop a dossier's clock for a supplement without saying what is missing
-- expect-app: 23514 dossier_supplement_shape
-- expect-owner: 23514 dossier_supplement_shape
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now() WHERE subject_id = 'fixture-received';
