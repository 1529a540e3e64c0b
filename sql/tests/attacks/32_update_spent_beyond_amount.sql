-- attack: set an allocation's spent directly beyond its amount
-- expect-app: 42501
-- expect-owner: 23514 allocation_within_amount
UPDATE treasury.allocations SET spent = amount + 1 WHERE note = 'fixture-child';
