-- attack: delete a contract (HD-02 has no orders, so no foreign key stops it first)
-- expect-app: 42501
-- expect-owner: 23514 contract_no_delete
DELETE FROM treasury.contracts WHERE contract_no = 'HD-02';
