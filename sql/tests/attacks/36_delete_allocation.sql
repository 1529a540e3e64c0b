-- attack: delete an allocation (the child, so no foreign key stops it first)
-- expect-app: 42501
-- expect-owner: 23514 allocation_no_delete
DELETE FROM treasury.allocations WHERE note = 'fixture-inv-child';
