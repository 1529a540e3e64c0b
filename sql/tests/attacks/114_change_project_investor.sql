-- attack: move a project to another investor
-- expect-app: 42501
-- expect-owner: 23514 project_immutable_fields
UPDATE treasury.projects SET investor_unit_code = '9900002' WHERE project_code = 'FIXP-1';
