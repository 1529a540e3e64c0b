-- attack: give PAYMENT_RECURRENT a limit in minutes besides its working day
-- expect-app: 42501
-- expect-owner: 23514 procedure_limit_shape
UPDATE treasury.procedures SET limit_minutes = 5 WHERE code = 'PAYMENT_RECURRENT';
