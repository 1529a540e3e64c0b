-- attack: erase a supplemented dossier's request (so that a second one looks like the first)
-- expect-app: 23514 dossier_immutable_fields
-- expect-owner: 23514 dossier_immutable_fields
UPDATE treasury.dossiers SET supplement_requested_at = NULL, supplement_requested_by = NULL, supplement_items = NULL,
       supplemented_at = NULL, supplemented_by = NULL, supplement_note = NULL
WHERE subject_id = 'fixture-supplemented';
