-- attack: push a RECEIVED dossier's due_at back a week (no supplement was asked for)
-- expect-app: 23514 dossier_immutable_fields
-- expect-owner: 23514 dossier_immutable_fields
UPDATE treasury.dossiers SET due_at = due_at + interval '7 days' WHERE subject_id = 'fixture-received';
