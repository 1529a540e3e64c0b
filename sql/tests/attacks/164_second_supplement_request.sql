-- attack: ask a supplemented dossier (back in PROCESSING) for a second supplement
-- expect-app: 23514 dossier_supplement_once
-- expect-owner: 23514 dossier_supplement_once
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now(), supplement_items = ARRAY['one more paper'],
       supplemented_at = NULL, supplemented_by = NULL, supplement_note = NULL
WHERE subject_id = 'fixture-supplemented';
