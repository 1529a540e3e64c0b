-- attack: release an allocation's pending reservation by hand
-- expect-app: 42501
-- expect-owner: 23514 allocation_figures_derived
UPDATE treasury.allocations SET pending = 0 WHERE note = 'fixture-child';
