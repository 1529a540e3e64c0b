-- attack: a supplement request of 21 items (1 to 20)
-- expect-app: 23514 dossier_supplement_shape
-- expect-owner: 23514 dossier_supplement_shape
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now(),
       supplement_items = ARRAY(SELECT 'item ' || i FROM generate_series(1, 21) i)
WHERE subject_id = 'fixture-received';
