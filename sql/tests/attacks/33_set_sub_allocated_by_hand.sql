-- attack: set a parent's sub_allocated by hand (within its amount, but not the children's sum)
-- expect-app: 42501
-- expect-owner: 23514 allocation_children_within_parent
UPDATE treasury.allocations SET sub_allocated = sub_allocated + 1 WHERE note = 'fixture-root';
