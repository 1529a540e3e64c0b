#!/usr/bin/env bash
# Runs the schema attack tests.
# usage: sql/tests/run_attacks.sh '<conninfo of a superuser>'   (key=value or postgresql:// URI)
# Creates fresh databases, applies sql/migrations like the Swift migrator (each
# file once, in one transaction), loads fixture.sql, then runs every attack in
# sql/tests/attacks as treasury_app and as treasury_owner inside
#   BEGIN; SET LOCAL ROLE <role>; <file>; COMMIT;
# and compares the first error's SQLSTATE and constraint with the file header.
# Prints one line per case and "N passed, N failed"; exits 1 on any failure.
# Set KEEP=1 to keep the databases afterwards.
set -u -o pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 '<superuser conninfo>'" >&2
    exit 2
fi
ADMIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
MIGRATIONS="$HERE/../migrations"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
SUFFIX="$$"
DB="treasury_attacks_$SUFFIX"
DB2="treasury_attacks2_$SUFFIX"
DB3="treasury_attacks3_$SUFFIX"
MIGRATOR="treasury_test_migrator_$SUFFIX"
passed=0
failed=0

# conninfo for another database: URIs take a dbname query parameter, key=value
# strings take a later dbname keyword (the last one wins).
conn_for() {
    case "$ADMIN" in
        *://*\?*) printf '%s&dbname=%s' "$ADMIN" "$1" ;;
        *://*)    printf '%s?dbname=%s' "$ADMIN" "$1" ;;
        *)        printf '%s dbname=%s' "$ADMIN" "$1" ;;
    esac
}

ok()   { passed=$((passed + 1)); echo "PASS  $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/      /'; }

cleanup() {
    if [ "${KEEP:-0}" != 1 ]; then
        for d in "$DB" "$DB2" "$DB3"; do
            "${PSQL[@]}" -d "$ADMIN" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
        done
        "${PSQL[@]}" -d "$ADMIN" -c "DROP ROLE IF EXISTS $MIGRATOR" >/dev/null 2>&1
    fi
}
trap cleanup EXIT

# apply_migrations <db> [session user]: each file once, in one transaction, after creating
# the migrator's record table as Sources/TreasuryService/Migrator.swift does (0001 adopts it).
apply_migrations() {
    local conn; conn="$(conn_for "$1")"
    local f
    { [ $# -gt 1 ] && echo "SET SESSION AUTHORIZATION $2;"
      echo "CREATE TABLE IF NOT EXISTS public.treasury_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
    } | "${PSQL[@]}" -d "$conn" -f - 2>&1 || { echo "creating public.treasury_schema_migrations"; return 1; }
    for f in "$MIGRATIONS"/*.sql; do
        if [ $# -gt 1 ]; then
            { echo "SET SESSION AUTHORIZATION $2;"; cat "$f"; } | "${PSQL[@]}" --single-transaction -d "$conn" -f - 2>&1 || { echo "in $f"; return 1; }
        else
            "${PSQL[@]}" --single-transaction -d "$conn" -f "$f" 2>&1 || { echo "in $f"; return 1; }
        fi
    done
}

"${PSQL[@]}" -d "$ADMIN" -c "CREATE DATABASE $DB" || exit 1
CONN="$(conn_for "$DB")"
if out="$(apply_migrations "$DB")"; then ok "migrations apply to a fresh database"; else fail "migrations apply to a fresh database" "$out"; echo "$passed passed, $failed failed"; exit 1; fi

# Roles already exist now: the migrations must apply to a second database too.
"${PSQL[@]}" -d "$ADMIN" -c "CREATE DATABASE $DB2" || exit 1
if out="$(apply_migrations "$DB2")"; then ok "migrations apply to a second database (roles exist)"; else fail "migrations apply to a second database (roles exist)" "$out"; fi

# A CREATEROLE (non-superuser) migrator that owns its database.
"${PSQL[@]}" -d "$ADMIN" -c "CREATE ROLE $MIGRATOR NOLOGIN CREATEROLE" -c "CREATE DATABASE $DB3 OWNER $MIGRATOR" || exit 1
if out="$(apply_migrations "$DB3" "$MIGRATOR")"; then
    if [ "$("${PSQL[@]}" -At -d "$(conn_for "$DB3")" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (n.nspname = 'treasury' OR c.relname = 'treasury_schema_migrations') AND pg_get_userbyid(c.relowner) <> 'treasury_owner'")" = 0 ]; then
        ok "migrations apply as a CREATEROLE non-superuser; treasury_owner owns every object"
    else
        fail "migrations as a CREATEROLE non-superuser: some object not owned by treasury_owner"
    fi
else
    fail "migrations apply as a CREATEROLE non-superuser" "$out"
fi

if out="$("${PSQL[@]}" -d "$CONN" -f "$HERE/fixture.sql" 2>&1)"; then ok "fixture loads"; else fail "fixture loads" "$out"; echo "$passed passed, $failed failed"; exit 1; fi

# run_as <role> <sql file>: prints psql's verbose stderr.
run_as() {
    { printf '\\set VERBOSITY verbose\nBEGIN;\nSET LOCAL ROLE %s;\n' "$1"; cat "$2"; printf '\nCOMMIT;\n'; } |
        "${PSQL[@]}" -d "$CONN" -f - 2>&1 >/dev/null
}

for file in "$HERE"/attacks/*.sql; do
    name="$(basename "$file" .sql)"
    for who in app owner; do
        expect="$(sed -n "s/^-- expect-$who: *//p" "$file" | head -1 | sed 's/[[:space:]]*$//')"
        if [ -z "$expect" ]; then fail "$name as treasury_$who: no expect-$who header"; continue; fi
        want_state="${expect%% *}"
        want_constraint=""
        [ "$expect" != "$want_state" ] && want_constraint="${expect#* }"
        out="$(run_as "treasury_$who" "$file")"
        got_state="$(printf '%s\n' "$out" | sed -n 's/^.*ERROR:  \([0-9A-Z]\{5\}\): .*$/\1/p' | head -1)"
        got_constraint="$(printf '%s\n' "$out" | sed -n 's/^CONSTRAINT NAME:  *//p' | head -1)"
        got="$got_state${got_constraint:+ $got_constraint}"
        if [ -z "$got_state" ]; then
            fail "$name as treasury_$who: expected $expect, but it was NOT refused" "$out"
        elif [ "$got_state" = "$want_state" ] && { [ -z "$want_constraint" ] || [ "$got_constraint" = "$want_constraint" ]; }; then
            ok "$name as treasury_$who: refused with $got"
        else
            fail "$name as treasury_$who: expected $expect, got $got" "$(printf '%s\n' "$out" | grep -m1 'ERROR')"
        fi
    done
done

# check <description> <role> <sql> <expected output>
check() {
    local got
    got="$(printf 'BEGIN;\nSET LOCAL ROLE %s;\n%s\nCOMMIT;\n' "$2" "$3" | "${PSQL[@]}" -At -d "$CONN" -f - 2>&1)"
    if [ "$got" = "$4" ]; then ok "$1"; else fail "$1" "expected: $4"$'\n'"got: $got"; fi
}

check "transfer via post_entry as treasury_app returns both balances" treasury_app \
    "SELECT r->'balances' FROM treasury.post_entry(current_date, 'TRANSFER', 'positive-1', '9901', 'transfer', NULL,
        '[{\"gl_account\": \"3711\", \"account_no\": \"3711990002\", \"credit\": \"250\"},
          {\"gl_account\": \"3711\", \"account_no\": \"3711990001\", \"debit\": 250}]') AS r;" \
    '{"3711990001": "999750", "3711990002": "500250"}'
check "several lines on one account chain their balance_after" treasury_app \
    "SELECT r->'balances' FROM treasury.post_entry(current_date, 'TRANSFER', 'positive-2', '9901', 'split', NULL,
        '[{\"gl_account\": \"3711\", \"account_no\": \"3711990001\", \"debit\": \"100\"},
          {\"gl_account\": \"3711\", \"account_no\": \"3711990001\", \"debit\": \"50\"},
          {\"gl_account\": \"3711\", \"account_no\": \"3711990002\", \"credit\": \"150\"}]') AS r;
     SELECT string_agg(l.balance_after::text, ',' ORDER BY l.id) FROM treasury.journal_lines l JOIN treasury.journal_entries e ON e.id = l.entry_id
     WHERE e.source_id = 'positive-2' AND l.account_no = '3711990001';" \
    '{"3711990001": "999600", "3711990002": "500400"}
999650,999600'
check "post_entry returns entry_id as a string and posted_at in UTC with Z" treasury_app \
    "SELECT jsonb_typeof(r->'entry_id'), (r->>'posted_at') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\$'
     FROM treasury.post_entry(current_date, 'DEPOSIT', 'positive-3', '9901', NULL, NULL,
        '[{\"gl_account\": \"1130\", \"debit\": \"7\", \"bank_code\": \"FIXBANK\"}, {\"gl_account\": \"3711\", \"account_no\": \"3711990002\", \"credit\": \"7\"}]') AS r;" \
    'string|t'
check "treasury_app can close the next month in order (2031-03)" treasury_app \
    "INSERT INTO treasury.periods (fiscal_year, month, status) VALUES (2031, 3, 'CLOSED') RETURNING status, closed_at IS NOT NULL;" \
    'CLOSED|t'
check "account lifecycle PENDING -> ACTIVE -> FROZEN -> ACTIVE -> CLOSED as treasury_app" treasury_app \
    "INSERT INTO treasury.accounts (unit_code, treasury_code, status) VALUES ('9900001', '9901', 'PENDING');
     UPDATE treasury.accounts SET status = 'ACTIVE' WHERE account_no = '3711000001';
     UPDATE treasury.accounts SET status = 'FROZEN' WHERE account_no = '3711000001';
     UPDATE treasury.accounts SET status = 'ACTIVE' WHERE account_no = '3711000001';
     UPDATE treasury.accounts SET status = 'CLOSED' WHERE account_no = '3711000001';
     SELECT status, activated_at IS NOT NULL, closed_at IS NOT NULL FROM treasury.accounts WHERE account_no = '3711000001';" \
    'CLOSED|t|t'
check "a collection may be inserted before its bank_transactions row (collections_bank_transaction checked at COMMIT)" treasury_app \
    "INSERT INTO treasury.collections (bank_code, bank_ref, collected_on, payer_name, chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id)
     SELECT 'FIXBANK', 'positive-late-bank', collected_on, 'late bank row', chapter, economic_code, area_code, treasury_code, amount, sharing_rule_id, entry_id
     FROM treasury.collections WHERE bank_ref = 'fixture-col-1';
     INSERT INTO treasury.collection_shares (collection_id, budget_level, amount)
     SELECT c.id, s.budget_level, s.amount FROM treasury.collections c, treasury.collection_shares s
     WHERE c.bank_ref = 'positive-late-bank' AND s.collection_id = (SELECT id FROM treasury.collections WHERE bank_ref = 'fixture-col-1');
     INSERT INTO treasury.bank_transactions (bank_code, bank_ref, kind, amount, request_hash, result)
     VALUES ('FIXBANK', 'positive-late-bank', 'COLLECTION', 5, sha256('late'), '{}');
     SELECT count(*) FROM treasury.collections WHERE bank_ref = 'positive-late-bank';" \
    '1'
check "verify() finds nothing wrong" treasury_readonly "SELECT count(*) FROM treasury.verify();" '0'
check "account_balances all match" treasury_readonly "SELECT bool_and(matches) FROM treasury.account_balances;" 't'
check "trial_balance debits equal credits" treasury_readonly "SELECT sum(debit) = sum(credit) FROM treasury.trial_balance;" 't'
check "treasury_readonly cannot read api_tokens" treasury_readonly \
    "SELECT CASE WHEN has_table_privilege('treasury.api_tokens', 'SELECT') THEN 'readable' ELSE 'denied' END;" 'denied'
check "every table, column, view and function in schema treasury has a comment" treasury_readonly \
    "SELECT count(*) FROM (
        SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'treasury' AND c.relkind IN ('r', 'v', 'm') AND obj_description(c.oid, 'pg_class') IS NULL
        UNION ALL
        SELECT c.oid::regclass::text || '.' || a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'treasury' AND c.relkind IN ('r', 'v', 'm') AND col_description(c.oid, a.attnum) IS NULL
        UNION ALL
        SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'treasury' AND obj_description(p.oid, 'pg_proc') IS NULL) missing;" \
    '0'

check "treasury_app has no UPDATE, DELETE or TRUNCATE on the append-only tables" treasury_readonly \
    "SELECT count(*) FROM unnest(ARRAY['journal_entries', 'journal_lines', 'audit_log', 'idempotency_outcomes', 'bank_transactions']) t,
            unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) p
     WHERE has_table_privilege('treasury_app', 'treasury.' || t, p);" '0'
check "treasury_readonly reads every table except api_tokens, and writes none" treasury_readonly \
    "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'treasury' AND c.relkind IN ('r', 'v')
       AND (has_table_privilege('treasury_readonly', c.oid, 'SELECT') = (c.relname = 'api_tokens')
            OR has_table_privilege('treasury_readonly', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'));" ''
check "treasury_readonly can run no function that runs as its owner" treasury_readonly \
    "SELECT string_agg(p.oid::regprocedure::text, ',') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'treasury' AND p.prosecdef AND p.prorettype <> 'trigger'::regtype
       AND has_function_privilege('treasury_readonly', p.oid, 'EXECUTE');" ''
check "the migrator's record is treasury_owner's, commented, and readable by treasury_readonly" treasury_readonly \
    "SELECT pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class') IS NOT NULL, has_table_privilege('treasury_readonly', c.oid, 'SELECT')
     FROM pg_class c WHERE c.oid = 'public.treasury_schema_migrations'::regclass;" 'treasury_owner|t|t'
check "treasury_app reads every table and view" treasury_readonly \
    "SELECT string_agg(c.relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'treasury' AND c.relkind IN ('r', 'v') AND NOT has_table_privilege('treasury_app', c.oid, 'SELECT');" ''

# verify() must see damage done by a superuser with triggers disabled (rolled back).
got="$(printf '%s\n' "BEGIN;" "SET LOCAL session_replication_role = replica;" \
    "UPDATE treasury.accounts SET balance = balance + 1 WHERE account_no = '3711990002';" \
    "INSERT INTO treasury.journal_entries (accounting_date, source_kind, treasury_code) VALUES (current_date, 'DAMAGE', '9901');" \
    "SELECT DISTINCT check_name FROM treasury.verify() ORDER BY 1;" "ROLLBACK;" | "${PSQL[@]}" -At -d "$CONN" -f - 2>&1)"
want="account_balance_matches_lines
entry_balanced"
if [ "$got" = "$want" ]; then ok "verify() reports damage made with triggers disabled"; else fail "verify() reports damage made with triggers disabled" "got: $got"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
