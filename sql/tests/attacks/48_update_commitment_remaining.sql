-- attack: give a commitment back its remaining by hand
-- expect-app: 42501
-- expect-owner: 23514 commitment_remaining_derived
UPDATE treasury.commitments SET remaining = amount WHERE contract_no = 'FIX-C-1';
