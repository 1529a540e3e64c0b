-- attack: change an allocation's amount directly instead of through an adjustment
-- expect-app: 42501
-- expect-owner: 23514 allocation_amount_by_adjustment
UPDATE treasury.allocations SET amount = amount + 1 WHERE note = 'fixture-root';
