-- Builds a batch of :n collections with unique bank_refs (prefix :'pfx'), alternating a
-- 3-level rule (area 99001) and a 2-level rule (area 00288) of the attack fixture.
SELECT jsonb_agg(jsonb_build_object(
    'bank_code', 'FIXBANK', 'bank_ref', :'pfx' || '-' || g, 'collected_on', to_char(current_date, 'YYYY-MM-DD'),
    'payer', jsonb_build_object('tax_id', '0100000001', 'name', 'Bench payer ' || g),
    'chapter', '599', 'economic_code', '1001', 'area_code', CASE WHEN g % 2 = 0 THEN '99001' ELSE '00288' END,
    'treasury_code', '9901', 'amount', (1000 + g)::text)) AS items
FROM generate_series(1, :n) g
