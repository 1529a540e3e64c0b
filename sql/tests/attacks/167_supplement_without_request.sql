-- attack: record a supplement (and restart the clock) on a dossier no officer asked one of
-- expect-app: 23514 dossier_immutable_fields
-- expect-owner: 23514 dossier_immutable_fields
UPDATE treasury.dossiers SET status = 'PROCESSING', supplemented_at = now(), supplement_note = 'unasked', due_at = now() + interval '3 days'
WHERE subject_id = 'fixture-received';
