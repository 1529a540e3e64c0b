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

-- Open dossiers for the supplement attacks: one RECEIVED, one awaiting its supplement, one
-- supplemented (PROCESSING again, due_at counted from the supplement).
INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, subject_kind, subject_id)
SELECT 'PAYMENT_RECURRENT', '9900001', '9901', now() - interval '2 days', now() + interval '1 day', 'FIXTURE', x
FROM unnest(ARRAY['fixture-received', 'fixture-awaiting', 'fixture-supplemented']) x;
UPDATE treasury.dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = now() - interval '1 day',
       supplement_requested_by = (SELECT id FROM treasury.users WHERE username = 'fixture'), supplement_items = ARRAY['invoice', 'contract']
WHERE subject_id IN ('fixture-awaiting', 'fixture-supplemented');
UPDATE treasury.dossiers SET status = 'PROCESSING', supplemented_at = now() - interval '1 hour', supplement_note = 'attached',
       supplemented_by = (SELECT id FROM treasury.users WHERE username = 'fixture'), due_at = now() + interval '2 days'
WHERE subject_id = 'fixture-supplemented';

-- A confirmed balance reconciliation of account A.
INSERT INTO treasury.dossiers (procedure, unit_code, treasury_code, received_at, due_at, status, subject_kind, subject_id)
VALUES ('BALANCE_RECONCILIATION', '9900001', '9901', now() - interval '1 day', now() + interval '1 day', 'COMPLETED', 'ACCOUNT', '3711990001');
INSERT INTO treasury.balance_reconciliations (dossier_id, account_no, as_of, balance_seen, treasury_balance, confirmed_by, confirmed_at, note)
VALUES (currval('treasury.dossiers_id_seq'), '3711990001', current_date - 1, 5, 5,
        (SELECT id FROM treasury.users WHERE username = 'fixture'), now(), 'fixture-reconciliation');

INSERT INTO treasury.idempotency_outcomes (user_id, method, key, request_hash, outcome)
VALUES ((SELECT id FROM treasury.users WHERE username = 'fixture'), 'treasury.v1.Accounts/Transfer', 'fixture-key',
        sha256('fixture'), '{"result":{}}');
INSERT INTO treasury.audit_log (user_id, action, object_kind, object_id, details)
VALUES ((SELECT id FROM treasury.users WHERE username = 'fixture'), 'FIXTURE', 'ACCOUNT', '3711990001', '{"fixture": true}');
COMMIT;

-- Budget (0006_budget.sql), done as treasury_app so the service's rights are exercised:
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

-- Spending (0007_spending.sql), as treasury_app: on 'fixture-child' a commitment FIX-C-1
-- (40,000,000), an order 'fixture-approved' against it (10,000,000, APPROVED
-- by fixture-officer), a rejected and a cancelled order (reversed exactly), a
-- paid advance 'fixture-advance' (5,000,000, Dr 1310 / Cr 1110) settled in part
-- (1,000,000, Dr 8111 / Cr 1310), and a paid payment 'fixture-paid'
-- (2,000,000, Dr 8111 / Cr 1110). On 'fixture-inv-child' commitment FIX-I-1
-- (10,000,000) for the 30% advance limit.
BEGIN;
SET LOCAL ROLE treasury_app;
INSERT INTO treasury.commitments (allocation_id, contract_no, economic_code, amount, supplier_name, supplier_bank_code, supplier_account_no, signed_on, created_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 'FIX-C-1', '6501', 40000000, 'Fixture supplier', 'FIXBANK', '1234567890', DATE '2030-01-15',
        (SELECT id FROM treasury.users WHERE username = 'fixture')),
       ((SELECT id FROM treasury.allocations WHERE note = 'fixture-inv-child'), 'FIX-I-1', '9301', 10000000, 'Fixture builder', 'FIXBANK', '555', DATE '2030-02-01',
        (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.payment_orders (allocation_id, commitment_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
SELECT a.id, c.id, 'PAYMENT', '6501', x.amount, 'Fixture supplier', 'FIXBANK', '1234567890', x.description, (SELECT id FROM treasury.users WHERE username = 'fixture')
FROM treasury.allocations a JOIN treasury.commitments c ON c.allocation_id = a.id AND c.contract_no = 'FIX-C-1',
     (VALUES (10000000, 'fixture-approved'), (3000000, 'fixture-rejected'), (4000000, 'fixture-cancelled'), (2000000, 'fixture-paid')) x(amount, description)
WHERE a.note = 'fixture-child';
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 'ADVANCE', '6501', 5000000, 'Fixture unit staff', 'FIXBANK', '42',
        'fixture-advance', (SELECT id FROM treasury.users WHERE username = 'fixture'));
UPDATE treasury.payment_orders SET status = 'APPROVED', approved_by = (SELECT id FROM treasury.users WHERE username = 'fixture-officer'), note = 'ok'
WHERE description IN ('fixture-approved', 'fixture-rejected', 'fixture-advance', 'fixture-paid');
UPDATE treasury.payment_orders SET status = 'REJECTED', rejected_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       reject_reason_code = 'DOCUMENTS_INCOMPLETE', note = 'invoice missing'
WHERE description = 'fixture-rejected';
UPDATE treasury.payment_orders SET status = 'CANCELLED', cancelled_by = submitted_by WHERE description = 'fixture-cancelled';
SELECT treasury.post_entry(current_date, 'PAYMENT', 'fixture-advance', '9901', 'fixture advance', NULL,
    '[{"gl_account": "1310", "debit": "5000000", "unit_code": "9900001", "budget_level": "PROVINCE", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "5000000", "bank_code": "FIXBANK"}]');
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-advance')
WHERE description = 'fixture-advance';
SELECT treasury.post_entry(current_date, 'PAYMENT', 'fixture-paid', '9901', 'fixture payment', NULL,
    '[{"gl_account": "8111", "debit": "2000000", "economic_code": "6501", "budget_level": "PROVINCE", "unit_code": "9900001", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "2000000", "bank_code": "FIXBANK"}]');
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-paid')
WHERE description = 'fixture-paid';
SELECT treasury.post_entry(current_date, 'ADVANCE_SETTLEMENT', 'fixture-settlement', '9901', 'fixture settlement', NULL,
    '[{"gl_account": "8111", "debit": "1000000", "economic_code": "6501", "budget_level": "PROVINCE", "unit_code": "9900001", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1310", "credit": "1000000", "unit_code": "9900001", "budget_level": "PROVINCE", "treasury_code": "9901"}]');
INSERT INTO treasury.advance_settlements (order_id, amount, economic_code, entry_id)
VALUES ((SELECT id FROM treasury.payment_orders WHERE description = 'fixture-advance'), 1000000, '6501',
        (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-settlement'));
DO $$
DECLARE
    a treasury.allocations%ROWTYPE;
    c treasury.commitments%ROWTYPE;
BEGIN
    SELECT * INTO a FROM treasury.allocations WHERE note = 'fixture-child';
    SELECT * INTO c FROM treasury.commitments WHERE contract_no = 'FIX-C-1';
    ASSERT c.remaining = 28000000, format('commitment remaining %s', c.remaining);
    ASSERT (a.committed, a.pending, a.spent, a.advanced) = (28000000::bigint, 10000000::bigint, 3000000::bigint, 4000000::bigint),
        format('figures committed %s pending %s spent %s advanced %s', a.committed, a.pending, a.spent, a.advanced);
    ASSERT (SELECT available FROM treasury.budget_execution WHERE allocation_id = a.id) = 100000000 - 45000000, 'available';
    ASSERT (SELECT string_agg(e.status, ',' ORDER BY e.id) FROM treasury.payment_order_events e JOIN treasury.payment_orders o ON o.id = e.order_id
            WHERE o.description = 'fixture-rejected') = 'SUBMITTED,APPROVED,REJECTED', 'event history';
    ASSERT (SELECT count(*) FROM treasury.verify()) = 0, 'verify() finds problems after the spending fixture';
END
$$;
COMMIT;

-- More targets: a SUBMITTED order 'fixture-submitted' (1,000,000, no commitment)
-- and a CLOSED commitment FIX-C-2 on 'fixture-child'.
BEGIN;
SET LOCAL ROLE treasury_app;
INSERT INTO treasury.payment_orders (allocation_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 'PAYMENT', '6501', 1000000, 'Fixture supplier', 'FIXBANK', '1234567890',
        'fixture-submitted', (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.commitments (allocation_id, contract_no, economic_code, amount, supplier_name, supplier_bank_code, supplier_account_no, signed_on)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-child'), 'FIX-C-2', '6501', 1000, 'Fixture supplier', 'FIXBANK', '1234567890', DATE '2030-03-01');
UPDATE treasury.commitments SET status = 'CLOSED' WHERE contract_no = 'FIX-C-2';
COMMIT;

-- Public investment (0012_investment.sql), as treasury_app: project FIXP-1 (total
-- investment 100,000,000) of unit 9900001; its 2030 plan 'fixture-plan-2030'
-- (50,000,000, an allocation drawn from fixture-inv-root); contract HD-01
-- (40,000,000, advance rate 2000 bp: at most 8,000,000 outstanding; retention 500 bp)
-- with a paid advance 'fixture-inv-advance' (6,000,000, Dr 1310 / Cr 1110) and a paid
-- payment 'fixture-inv-paid' of acceptance NT-01 (10,000,000, recovery 2,000,000,
-- retention 500,000: the order is 8,000,000; Dr 8111 10,000,000 / Cr 1310 2,000,000 /
-- Cr 1110 7,500,000 / Cr 3711 500,000 into the investor's account 3711990006, opened
-- here); contract HD-02 (90,000,000, no advance) without
-- orders. Disbursed: 14,000,000; outstanding advance 4,000,000; plan available 36,000,000.
BEGIN;
SET LOCAL ROLE treasury_app;
INSERT INTO treasury.accounts (account_no, unit_code, treasury_code, status) VALUES ('3711990006', '9900001', '9901', 'ACTIVE');
INSERT INTO treasury.projects (project_code, name, investor_unit_code, total_investment, decision_no, decision_date, project_group, source, created_by)
VALUES ('FIXP-1', 'Fixture school building', '9900001', 100000000, 'QD-1/2030', DATE '2030-01-10', 'C', '10',
        (SELECT id FROM treasury.users WHERE username = 'fixture'));
INSERT INTO treasury.allocations (parent_id, unit_code, chapter, sector, amount, note)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-inv-root'), '9900001', '599', '341', 50000000, 'fixture-plan-2030');
INSERT INTO treasury.capital_plans (allocation_id, project_code)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), 'FIXP-1');
INSERT INTO treasury.contracts (project_code, contract_no, contractor_name, contractor_tax_id, contractor_bank_code, contractor_account_no,
                                value, advance_rate_bp, signed_on, effective_on, ends_on, retention_bp)
VALUES ('FIXP-1', 'HD-01', 'Fixture builder', '0100000002', 'FIXBANK', '777', 40000000, 2000, DATE '2030-02-01', DATE '2030-02-01', DATE '2031-06-30', 500),
       ('FIXP-1', 'HD-02', 'Fixture builder', '0100000002', 'FIXBANK', '777', 90000000, 0, DATE '2030-02-01', DATE '2030-02-01', DATE '2031-06-30', 0);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'),
        'ADVANCE', '9301', 6000000, 'Fixture builder', 'FIXBANK', '777', 'fixture-inv-advance', (SELECT id FROM treasury.users WHERE username = 'fixture'));
UPDATE treasury.payment_orders SET status = 'APPROVED', approved_by = (SELECT id FROM treasury.users WHERE username = 'fixture-officer')
WHERE description = 'fixture-inv-advance';
SELECT treasury.post_entry(current_date, 'ADVANCE', 'fixture-inv-advance', '9901', 'fixture investment advance', NULL,
    '[{"gl_account": "1310", "debit": "6000000", "unit_code": "9900001", "budget_level": "PROVINCE", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "6000000", "bank_code": "FIXBANK", "treasury_code": "9901"}]');
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-inv-advance')
WHERE description = 'fixture-inv-advance';
INSERT INTO treasury.acceptances (contract_id, acceptance_no, accepted_on, accepted_value, recovery, retention)
VALUES ((SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'), 'NT-01', DATE '2030-03-01', 10000000, 2000000, 500000);
INSERT INTO treasury.payment_orders (allocation_id, contract_id, acceptance_id, kind, economic_code, amount, beneficiary_name, beneficiary_bank_code, beneficiary_account_no, description, submitted_by)
VALUES ((SELECT id FROM treasury.allocations WHERE note = 'fixture-plan-2030'), (SELECT id FROM treasury.contracts WHERE contract_no = 'HD-01'),
        (SELECT id FROM treasury.acceptances WHERE acceptance_no = 'NT-01'),
        'PAYMENT', '9301', 8000000, 'Fixture builder', 'FIXBANK', '777', 'fixture-inv-paid', (SELECT id FROM treasury.users WHERE username = 'fixture'));
UPDATE treasury.payment_orders SET status = 'APPROVED', approved_by = (SELECT id FROM treasury.users WHERE username = 'fixture-officer')
WHERE description = 'fixture-inv-paid';
SELECT treasury.post_entry(current_date, 'PAYMENT', 'fixture-inv-paid', '9901', 'fixture investment payment', NULL,
    '[{"gl_account": "8111", "debit": "10000000", "economic_code": "9301", "budget_level": "PROVINCE", "unit_code": "9900001", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1310", "credit": "2000000", "unit_code": "9900001", "budget_level": "PROVINCE", "chapter": "599", "sector": "341", "treasury_code": "9901"},
      {"gl_account": "1110", "credit": "7500000", "bank_code": "FIXBANK", "treasury_code": "9901"},
      {"gl_account": "3711", "account_no": "3711990006", "credit": "500000"}]');
UPDATE treasury.payment_orders SET status = 'PAID', authorized_by = (SELECT id FROM treasury.users WHERE username = 'fixture-chief'),
       entry_id = (SELECT id FROM treasury.journal_entries WHERE source_id = 'fixture-inv-paid')
WHERE description = 'fixture-inv-paid';
DO $$
DECLARE
    a treasury.allocations%ROWTYPE;
BEGIN
    SELECT * INTO a FROM treasury.allocations WHERE note = 'fixture-plan-2030';
    ASSERT (a.pending, a.spent, a.advanced) = (0::bigint, 10000000::bigint, 4000000::bigint),
        format('plan figures pending %s spent %s advanced %s', a.pending, a.spent, a.advanced);
    ASSERT (SELECT settled FROM treasury.payment_orders WHERE description = 'fixture-inv-advance') = 2000000, 'advance recovered in part';
    ASSERT (SELECT s.recovery_order_id FROM treasury.advance_settlements s JOIN treasury.payment_orders o ON o.id = s.order_id
            WHERE o.description = 'fixture-inv-advance') = (SELECT id FROM treasury.payment_orders WHERE description = 'fixture-inv-paid'),
        'the recovery is booked as a settlement naming the payment';
    ASSERT treasury.project_reserved('FIXP-1') = 14000000, format('disbursed %s', treasury.project_reserved('FIXP-1'));
    ASSERT treasury.project_planned('FIXP-1') = 50000000, format('planned %s', treasury.project_planned('FIXP-1'));
    ASSERT (SELECT count(*) FROM treasury.verify()) = 0, 'verify() finds problems after the investment fixture';
END
$$;
COMMIT;

-- Revenue (0008_revenue.sql), as treasury_app. Sharing rules of the current fiscal
-- year for economic code 1001: all areas CENTRAL 6000 / PROVINCE 4000 (put as
-- 5000/5000, then replaced the way PutSharingRule does it), area 99001 CENTRAL
-- 3000 / PROVINCE 3333 / COMMUNE 3667. Collections by record_collections:
-- 'fixture-col-1' (1,000,001 in 99001: 300,000 / 333,300 / 366,701) and
-- 'fixture-col-2' (1,000 in 00288: 600 / 400); refund 'FIX-D-1' (400,000 of
-- fixture-col-1: 119,999 / 133,319 / 146,682); a statement of FIXBANK for today.
BEGIN;
SET LOCAL ROLE treasury_app;
INSERT INTO treasury.sharing_rules (fiscal_year, economic_code, area_code)
VALUES (extract(year FROM current_date)::int, '1001', NULL), (extract(year FROM current_date)::int, '1001', '99001');
INSERT INTO treasury.sharing_rule_shares (rule_id, budget_level, basis_points)
SELECT r.id, x.level, x.bp FROM treasury.sharing_rules r,
       (VALUES (NULL, 'CENTRAL', 5000), (NULL, 'PROVINCE', 5000), ('99001', 'CENTRAL', 3000), ('99001', 'PROVINCE', 3333), ('99001', 'COMMUNE', 3667)) x(area, level, bp)
WHERE r.economic_code = '1001' AND r.area_code IS NOT DISTINCT FROM x.area;
COMMIT;
BEGIN;
SET LOCAL ROLE treasury_app;
-- PutSharingRule: upsert the rule, replace its shares; rule 5 is checked at COMMIT.
WITH r AS (
    INSERT INTO treasury.sharing_rules (fiscal_year, economic_code, area_code, created_by, updated_by)
    VALUES (extract(year FROM current_date)::int, '1001', NULL, NULL, (SELECT id FROM treasury.users WHERE username = 'fixture'))
    ON CONFLICT (fiscal_year, economic_code, area_key) DO UPDATE SET updated_by = EXCLUDED.updated_by
    RETURNING id
), d AS (
    DELETE FROM treasury.sharing_rule_shares s USING r WHERE s.rule_id = r.id
)
SELECT 1;
INSERT INTO treasury.sharing_rule_shares (rule_id, budget_level, basis_points)
SELECT treasury.sharing_rule_for(extract(year FROM current_date)::int, '1001', '00288'), x.level, x.bp
FROM (VALUES ('CENTRAL', 6000), ('PROVINCE', 4000)) x(level, bp);
COMMIT;
BEGIN;
SET LOCAL ROLE treasury_app;
CREATE TEMP TABLE fixture_batch ON COMMIT DROP AS
SELECT treasury.record_collections($$[
    {"bank_code": "FIXBANK", "bank_ref": "fixture-col-1", "collected_on": "2030-01-02", "payer": {"tax_id": "0100000001", "name": "Fixture payer"},
     "revenue_id": "FIX-RID-1", "chapter": "599", "economic_code": "1001", "area_code": "99001", "treasury_code": "9901", "amount": "1000001"},
    {"bank_code": "FIXBANK", "bank_ref": "fixture-col-2", "collected_on": "2030-01-02", "payer": {"name": "Fixture payer 2"},
     "chapter": "599", "economic_code": "1001", "area_code": "00288", "treasury_code": "9901", "amount": 1000},
    {"bank_code": "FIXBANK", "bank_ref": "fixture-col-1", "collected_on": "2030-01-02", "payer": {"tax_id": "0100000001", "name": "Fixture payer"},
     "revenue_id": "FIX-RID-1", "chapter": "599", "economic_code": "1001", "area_code": "99001", "treasury_code": "9901", "amount": 1000001},
    {"bank_code": "FIXBANK", "bank_ref": "fixture-col-3", "collected_on": "2030-01-02", "payer": {"name": "No rule"},
     "chapter": "599", "economic_code": "1003", "area_code": "99001", "treasury_code": "9901", "amount": "5"},
    {"bank_code": "FIXBANK", "bank_ref": "fixture-ref-1", "collected_on": "2030-01-02", "payer": {"name": "Deposit key"},
     "chapter": "599", "economic_code": "1001", "area_code": "99001", "treasury_code": "9901", "amount": "5"}
]$$::jsonb, (SELECT id FROM treasury.users WHERE username = 'fixture'), current_date) AS r;
DO $$
DECLARE
    r jsonb := (SELECT r FROM fixture_batch);
BEGIN
    ASSERT jsonb_array_length(r->'results') = 5, 'five results';
    ASSERT r->'results'->0->'shares' = '[{"budget_level": "CENTRAL", "amount": "300000"}, {"budget_level": "PROVINCE", "amount": "333300"}, {"budget_level": "COMMUNE", "amount": "366701"}]',
        format('fixture-col-1 shares %s', r->'results'->0->'shares');
    ASSERT r->'results'->1->'shares' = '[{"budget_level": "CENTRAL", "amount": "600"}, {"budget_level": "PROVINCE", "amount": "400"}]',
        format('fixture-col-2 shares %s (replaced rule)', r->'results'->1->'shares');
    ASSERT r->'results'->2 = r->'results'->0, 'a repeated item with the same content gets the first result';
    ASSERT r->'results'->3->'error'->>'reason' = 'NO_SHARING_RULE', format('no rule: %s', r->'results'->3);
    ASSERT r->'results'->4->'error'->>'reason' = 'DUPLICATE_BANK_REF', format('deposit key: %s', r->'results'->4);
    ASSERT treasury.split_amount(400000, '{300000,333300,366701}', '{1,2,4}') = '{119999,133319,146682}', 'refund split';
    ASSERT treasury.split_amount(10, '{5000,5000}', '{2,1}') = '{5,5}', 'even split';
    ASSERT treasury.split_amount(1, '{5000,5000}', '{2,1}') = '{0,1}', 'tie goes to the higher level (smaller rank)';
    ASSERT treasury.split_amount(7, '{3333,3333,3334}', '{1,2,3}') = '{2,2,3}', 'remainder to the most basis points';
END
$$;
-- Replaying the same item in a later call returns the first result.
DO $$
BEGIN
    ASSERT (treasury.record_collections('[{"bank_code": "FIXBANK", "bank_ref": "fixture-col-2", "collected_on": "2030-01-02", "payer": {"name": "Fixture payer 2"},
            "chapter": "599", "economic_code": "1001", "area_code": "00288", "treasury_code": "9901", "amount": "1000"}]', NULL, current_date))->'results'->0
         = (SELECT result FROM treasury.bank_transactions WHERE bank_ref = 'fixture-col-2'), 'replay returns the stored result';
END
$$;
COMMIT;
BEGIN;
SET LOCAL ROLE treasury_app;
DO $$
DECLARE
    v_col bigint := (SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1');
    r jsonb;
BEGIN
    r := treasury.record_refund(v_col, 400000, 'FIX-D-1', 'fixture refund', NULL, current_date);
    ASSERT r->'shares' = '[{"budget_level": "CENTRAL", "amount": "119999"}, {"budget_level": "PROVINCE", "amount": "133319"}, {"budget_level": "COMMUNE", "amount": "146682"}]',
        format('refund %s', r);
    ASSERT treasury.record_refund(v_col, 400000, 'FIX-D-1', 'fixture refund', NULL, current_date) = r, 'refund replay';
    ASSERT treasury.record_refund(v_col, 1, 'FIX-D-1', 'fixture refund', NULL, current_date)->'error'->>'reason' = 'DUPLICATE_DECISION', 'duplicate decision';
    ASSERT treasury.record_refund(v_col, 600002, 'FIX-D-9', NULL, NULL, current_date)->'error'->>'reason' = 'REFUND_EXCEEDS_COLLECTION', 'refund beyond';
END
$$;
CREATE TEMP TABLE fixture_statement ON COMMIT DROP AS
SELECT treasury.import_bank_statement('FIXBANK', DATE '2030-01-02',
    '[{"bank_ref": "fixture-col-1", "amount": "1000001"}, {"bank_ref": "fixture-col-2", "amount": "999"}, {"bank_ref": "fixture-bank-only", "amount": 5}]',
    (SELECT id FROM treasury.users WHERE username = 'fixture')) AS r;
DO $$
DECLARE
    r jsonb := (SELECT r FROM fixture_statement);
BEGIN
    ASSERT (r->>'matched')::int = 1, format('reconciliation %s', r);
    ASSERT r->'amount_mismatch' = '[{"bank_ref": "fixture-col-2", "bank_amount": "999", "treasury_amount": "1000"}]', format('mismatch %s', r);
    ASSERT r->'missing_in_treasury' = '[{"bank_ref": "fixture-bank-only", "bank_amount": "5"}]', format('missing in treasury %s', r);
    ASSERT r->'missing_in_bank' = '[]', format('missing in bank %s', r);
END
$$;
COMMIT;
DO $$
BEGIN
    ASSERT (SELECT count(*) FROM treasury.verify()) = 0, 'verify() finds problems after the revenue fixture';
    ASSERT (SELECT string_agg(budget_level || ':' || collected || '/' || refunded || '/' || net, ',' ORDER BY budget_level)
            FROM treasury.revenue_summary WHERE treasury_code = '9901') = 'CENTRAL:300600/119999/180601,COMMUNE:366701/146682/220019,PROVINCE:333700/133319/200381',
        format('revenue_summary %s', (SELECT string_agg(budget_level || ':' || collected || '/' || refunded || '/' || net, ',' ORDER BY budget_level)
            FROM treasury.revenue_summary WHERE treasury_code = '9901'));
END
$$;
