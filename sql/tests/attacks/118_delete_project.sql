-- attack: delete a project (its legal file)
-- expect-app: 42501
-- expect-owner: 23514 project_no_delete
DELETE FROM treasury.projects WHERE project_code = 'FIXP-1';
