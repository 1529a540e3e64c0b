#!/usr/bin/env bash
# usage: sql/bench/loop.sh <conninfo> <calls> <items>
# <calls> record_collections calls of <items> new collections each, in one transaction (a
# PL/pgSQL loop, so no client round trips), then COMMIT; prints the times of BEGIN, the loop and COMMIT.
# The per-call cost at several sizes gives the fixed cost of a call and the cost per
# collection (docs/benchmarks.md, "a cost model"). Items as in items.sql.
set -euo pipefail
db=$1; calls=$2; n=$3
psql -X -q -d "$db" -v ON_ERROR_STOP=1 <<SQL | grep '^Time' | tr '\n' ' '
\timing on
BEGIN;
DO \$\$
DECLARE r text := md5(random()::text);
BEGIN
  FOR i IN 1..$calls LOOP
    PERFORM treasury.record_collections((SELECT jsonb_agg(jsonb_build_object(
        'bank_code', 'FIXBANK', 'bank_ref', 'loop-' || r || '-' || i || '-' || g,
        'collected_on', to_char(current_date, 'YYYY-MM-DD'),
        'payer', jsonb_build_object('tax_id', '0100000001', 'name', 'Bench payer ' || g),
        'chapter', '599', 'economic_code', '1001', 'area_code', CASE WHEN g % 2 = 0 THEN '99001' ELSE '00288' END,
        'treasury_code', '9901', 'amount', (1000 + g)::text)) FROM generate_series(1, $n) g), NULL, current_date);
  END LOOP;
END \$\$;
COMMIT;
SQL
echo
