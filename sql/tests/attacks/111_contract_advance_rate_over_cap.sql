-- attack: register a contract with an advance rate over the 30% cap
-- expect-app: 23514 contract_advance_rate_range
-- expect-owner: 23514 contract_advance_rate_range
INSERT INTO treasury.contracts (project_code, contract_no, contractor_name, contractor_tax_id, contractor_bank_code, contractor_account_no,
                                value, advance_rate_bp, signed_on, effective_on, ends_on)
VALUES ('FIXP-1', 'ATTACK-111', 'x', '0100000002', 'FIXBANK', '1', 1000000, 3001, DATE '2030-02-01', DATE '2030-02-01', DATE '2030-12-31');
