-- attack: raise a contract's value (or rate) after the fact, so that its limits grow
-- expect-app: 42501
-- expect-owner: 23514 contract_immutable_fields
UPDATE treasury.contracts SET value = 400000000 WHERE contract_no = 'HD-01';
