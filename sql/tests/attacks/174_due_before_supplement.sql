-- attack: supply a dossier's supplement with a due_at before the supplement (already late)
-- expect-app: 23514 dossier_supplement_shape
-- expect-owner: 23514 dossier_supplement_shape
UPDATE treasury.dossiers SET status = 'PROCESSING', supplemented_at = now(), supplement_note = 'attached', due_at = now() - interval '1 hour'
WHERE subject_id = 'fixture-awaiting';
