-- Fixture for the attack tests: run once, as a superuser, after the migrations.
-- Uses its own codes (treasury 9901, area 99001, unit 9900001, accounts
-- 371199000x) so it never collides with seeded reference data.
BEGIN;
INSERT INTO treasury.users (username, display_name) VALUES ('fixture', 'Attack test fixture');
INSERT INTO treasury.treasuries (code, name, budget_level) VALUES ('9901', 'Fixture treasury', 'PROVINCE');
INSERT INTO treasury.areas (code, name) VALUES ('99001', 'Fixture area');
INSERT INTO treasury.banks (code, name) VALUES ('FIXBANK', 'Fixture bank');
INSERT INTO treasury.budget_units (code, name, budget_level, chapter, area_code, treasury_code)
VALUES ('9900001', 'Fixture unit', 'PROVINCE', '599', '99001', '9901');

INSERT INTO treasury.accounts (account_no, unit_code, treasury_code, status) VALUES
    ('3711990001', '9900001', '9901', 'ACTIVE'),   -- A: active, funded
    ('3711990002', '9900001', '9901', 'ACTIVE'),   -- B: active, funded
    ('3711990003', '9900001', '9901', 'ACTIVE'),   -- F: frozen below
    ('3711990004', '9900001', '9901', 'PENDING'),  -- C: closed below
    ('3711990005', '9900001', '9901', 'PENDING');  -- P: stays pending

SELECT treasury.post_entry(current_date, 'FIXTURE', 'fixture-deposit-a', '9901', 'fixture deposit into A',
    (SELECT id FROM treasury.users WHERE username = 'fixture'),
    '[{"gl_account": "1110", "debit": "1000000", "bank_code": "FIXBANK"},
      {"gl_account": "3711", "account_no": "3711990001", "credit": "1000000"}]');
SELECT treasury.post_entry(current_date, 'FIXTURE', 'fixture-deposit-b', '9901', 'fixture deposit into B',
    (SELECT id FROM treasury.users WHERE username = 'fixture'),
    '[{"gl_account": "1110", "debit": 500000},
      {"gl_account": "3711", "account_no": "3711990002", "credit": 500000}]');

INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, account_no, amount, request_hash, result, entry_id)
VALUES ('FIXBANK', 'fixture-ref-1', 'DEPOSIT', '3711990001', 1000000, sha256('fixture-ref-1'), '{"entry_id": "fixture"}',
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-deposit-a'));

UPDATE treasury.accounts SET status = 'FROZEN', frozen_reason = 'fixture' WHERE account_no = '3711990003';
UPDATE treasury.accounts SET status = 'CLOSED' WHERE account_no = '3711990004';

INSERT INTO treasury.periods (fiscal_year, month, status) VALUES (2031, 1, 'CLOSED');
INSERT INTO treasury.periods (fiscal_year, month, status) VALUES (2031, 2, 'CLOSED');

INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, status, subject_kind, subject_id)
VALUES ('ACCOUNT_OPEN', '9900001', '9901', now() - interval '1 day', now() + interval '1 day', 'COMPLETED', 'FIXTURE', 'fixture-dossier');

INSERT INTO treasury.idempotency_outcomes (user_id, method, key, request_hash, outcome)
VALUES ((SELECT id FROM treasury.users WHERE username = 'fixture'), 'treasury.v1.Accounts/Transfer', 'fixture-key',
        sha256('fixture'), '{"result":{}}');
INSERT INTO treasury.audit_log (user_id, action, object_kind, object_id, details)
VALUES ((SELECT id FROM treasury.users WHERE username = 'fixture'), 'FIXTURE', 'ACCOUNT', '3711990001', '{"fixture": true}');
COMMIT;

-- Budget (0008), done as treasury_app so the service's rights are exercised:
-- a RECURRENT appropriation 'fixture-root' (1,000,000,000) with a child
-- 'fixture-child' (100,000,000) for unit 9900001, and an INVESTMENT pair
-- 'fixture-inv-root' / 'fixture-inv-child'. Unit 9900002 sits under another
-- treasury (0360) for the UNIT_OUTSIDE_TREASURY attack.
BEGIN;
INSERT INTO treasury.users (username, display_name) VALUES
    ('fixture-officer', 'Fixture treasury officer'), ('fixture-chief', 'Fixture chief accountant');
INSERT INTO treasury.budget_units (code, name, budget_level, chapter, area_code, treasury_code)
VALUES ('9900002', 'Fixture unit elsewhere', 'PROVINCE', '599', '99001', '0360');
SET LOCAL ROLE treasury_app;
INSERT INTO treasury.allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
VALUES (2030, 'PROVINCE', 'RECURRENT', '9901', 1000000000, 'fixture-root', (SELECT id FROM treasury.users WHERE username = 'fixture')),
       (2030, 'PROVINCE', 'INVESTMENT', '9901', 500000000, 'fixture-inv-root', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-root'), '9900001', '599', '341', 90000000, 'fixture-child'),
       ((SELECT id FROM treasury.allocations WHERE note = 'fixture-inv-root'), '9900001', '599', '341', 200000000, 'fixture-inv-child');
-- A raise draws on the parent, a cut returns to it.
INSERT INTO treasury.allocation_adjustments (allocation_id, delta, reason)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 20000000, 'fixture raise');
INSERT INTO treasury.allocation_adjustments (allocation_id, delta, reason)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), -10000000, 'fixture cut');
UPDATE treasury.allocations SET note = note WHERE note = 'fixture-root';
DO $$
DECLARE
    r record;
BEGIN
    SELECT c.amount AS child_amount, c.fiscal_year, c.budget_level, c.purpose, c.treasury_code,
           p.sub_allocated AS parent_sub, (SELECT sum(amount) FROM treasury.budget_execution WHERE fiscal_year = 2030 AND purpose = 'RECURRENT') AS own_total
    INTO r
    FROM treasury.allocations c JOIN treasury.allocations p ON p.id = c.parent_id WHERE c.note = 'fixture-child';
    ASSERT r.child_amount = 100000000, format('child amount %s', r.child_amount);
    ASSERT r.parent_sub = 100000000, format('parent sub_allocated %s', r.parent_sub);
    ASSERT (r.fiscal_year, r.budget_level, r.purpose, r.treasury_code) = (2030, 'PROVINCE', 'RECURRENT', '9901'), 'child inherits';
    ASSERT r.own_total = 1000000000, format('budget_execution own shares sum to %s, not the root total', r.own_total);
END
$$;
COMMIT;
