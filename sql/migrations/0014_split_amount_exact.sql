-- 0014: split_amount computed exactly. 0011 took floor(amount::numeric * weight / total): a
-- numeric division is ROUNDED to the scale PostgreSQL picks for its result (about 16
-- significant digits), so for large amounts (a quotient of 17+ digits: shares of collections
-- above ~10^16 đồng, or refunds whose weights are large shares) the "floor" could be one đồng
-- too high, the remainder then went wrong and the split differed from the rule and from the
-- service's Swift proportionalSplit (found by the RevenueTests property test: thousands of
-- random amounts and weights). div(numeric, numeric) is the truncated integer quotient,
-- exact at any size; with non-negative operands it is the floor.
SET LOCAL ROLE treasury_owner;

CREATE OR REPLACE FUNCTION treasury.split_amount(p_amount bigint, p_weights bigint[], p_ranks int[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v_n      int := coalesce(array_length(p_weights, 1), 0);
    v_total  numeric := 0;
    v_result bigint[] := ARRAY[]::bigint[];
    v_given  bigint := 0;
    v_best   int := 0;
    v_share  bigint;
BEGIN
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION 'split_amount: amount must be >= 0, got %', p_amount USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_n = 0 OR coalesce(array_length(p_ranks, 1), 0) <> v_n THEN
        RAISE EXCEPTION 'split_amount: weights and ranks must be non-empty arrays of the same length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        IF p_weights[i] IS NULL OR p_weights[i] < 0 OR p_ranks[i] IS NULL THEN
            RAISE EXCEPTION 'split_amount: weight % is % (must be >= 0), rank %', i, p_weights[i], p_ranks[i] USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_total := v_total + p_weights[i];
        -- The remainder goes to the largest weight; ties to the higher level (smaller rank), then the first.
        IF v_best = 0 OR p_weights[i] > p_weights[v_best]
           OR (p_weights[i] = p_weights[v_best] AND p_ranks[i] < p_ranks[v_best]) THEN
            v_best := i;
        END IF;
    END LOOP;
    IF v_total = 0 THEN
        RAISE EXCEPTION 'split_amount: the weights sum to 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. v_n LOOP
        -- Exact integer quotient (no rounding at any size); operands are >= 0, so it is the floor.
        v_share := div(p_amount::numeric * p_weights[i], v_total)::bigint;
        v_result := v_result || v_share;
        v_given := v_given + v_share;
    END LOOP;
    v_result[v_best] := v_result[v_best] + (p_amount - v_given);
    RETURN v_result;
END
$$;
COMMENT ON FUNCTION treasury.split_amount(bigint, bigint[], int[]) IS
'The split rule of revenue sharing: share[i] = floor(amount * weight[i] / sum(weights)) computed exactly (div on numeric, 0014); the remainder goes to the largest weight, ties to the smaller rank (the higher budget level, CENTRAL = 1), then to the first. For a collection weights = basis points (sum 10000); for a refund weights = the collection''s share amounts (sum = collected). The result sums to amount exactly. 22023 on empty or mismatched arrays, negative weights or a zero sum.';
