-- attack: reopen a CLOSED commitment
-- expect-app: 23514 commitment_status_transition
-- expect-owner: 23514 commitment_status_transition
UPDATE treasury.commitments SET status = 'OPEN' WHERE contract_no = 'FIX-C-2';
