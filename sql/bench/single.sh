#!/usr/bin/env bash
# usage: sql/bench/single.sh <db> <items> <prefix>: one record_collections call as treasury_app,
# timed with \timing, then its COMMIT.
db=$1; n=$2; pfx=$3
here="$(cd "$(dirname "$0")" && pwd)"
psql -X -q -d "$db" -v n="$n" -v pfx="$pfx" <<SQL
BEGIN;
CREATE TEMP TABLE bench_items ON COMMIT DROP AS $(cat "$here/items.sql");
GRANT SELECT ON bench_items TO treasury_app;
SET LOCAL ROLE treasury_app;
\timing on
\echo record_collections:
SELECT jsonb_array_length(treasury.record_collections((SELECT items FROM bench_items), NULL, current_date)->'results') AS results;
\echo COMMIT:
COMMIT;
SQL
