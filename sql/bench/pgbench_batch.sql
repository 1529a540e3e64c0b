-- pgbench script: one record_collections call of :n items per transaction (default 1000),
-- unique bank_refs from the client id, a random number and the transaction id.
-- pgbench -n -c 4 -j 2 -T 15 -D n=1000 -f sql/bench/pgbench_batch.sql <db>
\set r random(1, 1000000000)
BEGIN;
SET LOCAL ROLE treasury_app;
SELECT jsonb_array_length(treasury.record_collections((
    SELECT jsonb_agg(jsonb_build_object(
        'bank_code', 'FIXBANK', 'bank_ref', 'pgb-' || :client_id || '-' || :r || '-' || pg_current_xact_id()::text || '-' || g,
        'collected_on', to_char(current_date, 'YYYY-MM-DD'),
        'payer', jsonb_build_object('tax_id', '0100000001', 'name', 'Bench payer ' || g),
        'chapter', '599', 'economic_code', '1001', 'area_code', CASE WHEN g % 2 = 0 THEN '99001' ELSE '00288' END,
        'treasury_code', '9901', 'amount', (1000 + g)::text))
    FROM generate_series(1, :n) g), NULL, current_date)->'results');
COMMIT;
