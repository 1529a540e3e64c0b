-- attack: push back the due_at of a dossier already supplemented (its clock was restarted once)
-- expect-app: 23514 dossier_immutable_fields
-- expect-owner: 23514 dossier_immutable_fields
UPDATE treasury.dossiers SET due_at = due_at + interval '7 days' WHERE subject_id = 'fixture-supplemented';
