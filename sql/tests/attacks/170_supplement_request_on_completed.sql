-- attack: ask a COMPLETED dossier for a supplement (reopening it)
-- expect-app: 23514 dossier_status_transition
-- expect-owner: 23514 dossier_status_transition
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now(), supplement_items = ARRAY['invoice']
WHERE subject_id = 'fixture-dossier';
