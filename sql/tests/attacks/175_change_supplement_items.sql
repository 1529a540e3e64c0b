-- attack: rewrite what the officer asked for after the request
-- expect-app: 23514 dossier_immutable_fields
-- expect-owner: 23514 dossier_immutable_fields
UPDATE treasury.dossiers SET supplement_items = ARRAY['invoice'] WHERE subject_id = 'fixture-awaiting';
