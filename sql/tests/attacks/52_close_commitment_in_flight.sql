-- attack: close a commitment while an order against it is APPROVED
-- expect-app: 23514 commitment_orders_in_flight
-- expect-owner: 23514 commitment_orders_in_flight
UPDATE treasury.commitments SET status = 'CLOSED' WHERE contract_no = 'FIX-C-1';
