-- attack: a supplement request whose second item says nothing
-- expect-app: 23514 dossier_supplement_shape
-- expect-owner: 23514 dossier_supplement_shape
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now(), supplement_items = ARRAY['invoice', '   ']
WHERE subject_id = 'fixture-received';
