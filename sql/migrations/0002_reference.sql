-- 0002: reference data (budget levels, treasuries, areas, banks, budget
-- classification codes, budget units, holidays). Everything is data with
-- validity dates where the law changes it; nothing assumes four budget levels.
-- The trigger functions used here (touch_updated_at, refuse_tree_cycle) are the
-- shared rule helpers of 0001_roles.sql.
SET LOCAL ROLE treasury_owner;

CREATE TABLE treasury.budget_levels (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z_]*$'),
    name       text NOT NULL,
    rank       int  NOT NULL UNIQUE,
    valid_from date NOT NULL,
    valid_to   date NULL,
    CONSTRAINT budget_levels_validity CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
COMMENT ON TABLE treasury.budget_levels IS 'Budget levels (State Budget Law): reference rows with validity dates, not an enum. DISTRICT ends 2025-06-30.';
COMMENT ON COLUMN treasury.budget_levels.code IS 'Level code, UPPER_SNAKE (CENTRAL, PROVINCE, DISTRICT, COMMUNE).';
COMMENT ON COLUMN treasury.budget_levels.name IS 'Human-readable name.';
COMMENT ON COLUMN treasury.budget_levels.rank IS 'Order of the levels: 1 = CENTRAL, the highest; larger = lower. Used to break ties (higher level first).';
COMMENT ON COLUMN treasury.budget_levels.valid_from IS 'First day the level exists.';
COMMENT ON COLUMN treasury.budget_levels.valid_to IS 'Last day the level exists; NULL = still valid.';

INSERT INTO treasury.budget_levels (code, name, rank, valid_from, valid_to) VALUES
    ('CENTRAL',  'Central budget',  1, DATE '2017-01-01', NULL),
    ('PROVINCE', 'Provincial budget', 2, DATE '2017-01-01', NULL),
    ('DISTRICT', 'District budget', 3, DATE '2017-01-01', DATE '2025-06-30'),
    ('COMMUNE',  'Commune budget',  4, DATE '2017-01-01', NULL);

CREATE TABLE treasury.treasuries (
    code         text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name         text NOT NULL,
    budget_level text NOT NULL REFERENCES treasury.budget_levels (code),
    parent_code  text NULL REFERENCES treasury.treasuries (code),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT treasury_no_cycle CHECK (parent_code IS NULL OR parent_code <> code)
);
CREATE INDEX treasuries_parent_idx ON treasury.treasuries (parent_code);
COMMENT ON TABLE treasury.treasuries IS 'State Treasury offices (KBNN codes) in a tree: a grant T:X covers X and every treasury under it. No cycles (trigger treasury_no_cycle).';
COMMENT ON COLUMN treasury.treasuries.code IS 'KBNN unit code, 4 digits (e.g. 0360 Hai Duong).';
COMMENT ON COLUMN treasury.treasuries.name IS 'Name of the treasury office.';
COMMENT ON COLUMN treasury.treasuries.budget_level IS 'Budget level the treasury serves.';
COMMENT ON COLUMN treasury.treasuries.parent_code IS 'Treasury directly above; NULL for a root.';
COMMENT ON COLUMN treasury.treasuries.updated_at IS 'Last change (set by trigger).';

CREATE TABLE treasury.areas (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
    name        text NOT NULL,
    parent_code text NULL REFERENCES treasury.areas (code),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT area_no_cycle CHECK (parent_code IS NULL OR parent_code <> code)
);
CREATE INDEX areas_parent_idx ON treasury.areas (parent_code);
COMMENT ON TABLE treasury.areas IS 'Administrative areas (GSO codes padded to 5 digits), the "area" segment of a posting. No cycles (trigger area_no_cycle).';
COMMENT ON COLUMN treasury.areas.code IS 'GSO administrative code, left-padded with zeros to 5 digits.';
COMMENT ON COLUMN treasury.areas.name IS 'Name of the area.';
COMMENT ON COLUMN treasury.areas.parent_code IS 'Enclosing area; NULL for a root.';
COMMENT ON COLUMN treasury.areas.updated_at IS 'Last change (set by trigger).';

CREATE TABLE treasury.banks (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,11}$'),
    name       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE treasury.banks IS 'Commercial banks that collect revenue and forward deposits (scope B:<code>).';
COMMENT ON COLUMN treasury.banks.code IS 'Short bank code, 2-11 upper-case letters or digits (VCB, CTG, BIDV, AGRI...).';
COMMENT ON COLUMN treasury.banks.name IS 'Bank name.';
COMMENT ON COLUMN treasury.banks.updated_at IS 'Last change (set by trigger).';

CREATE TABLE treasury.classification_codes (
    kind       text NOT NULL CHECK (kind IN ('CHAPTER', 'SECTOR', 'ECONOMIC', 'PROGRAM', 'SOURCE')),
    code       text NOT NULL CHECK (code ~ '^[0-9A-Z]{1,10}$'),
    name       text NOT NULL,
    valid_from date NOT NULL DEFAULT DATE '1900-01-01',
    valid_to   date NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, code),
    CONSTRAINT classification_codes_validity CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
COMMENT ON TABLE treasury.classification_codes IS 'Budget classification codes (Circular 324/2016, later 130/2025) with validity dates; a posting uses codes valid on its accounting date (see code_valid).';
COMMENT ON COLUMN treasury.classification_codes.kind IS 'CHAPTER (chuong), SECTOR (loai-khoan), ECONOMIC (muc/tieu muc), PROGRAM (CTMT) or SOURCE (nguon).';
COMMENT ON COLUMN treasury.classification_codes.code IS 'The code, 1-10 digits or upper-case letters.';
COMMENT ON COLUMN treasury.classification_codes.name IS 'Official (or best known) name.';
COMMENT ON COLUMN treasury.classification_codes.valid_from IS 'First day the code may be used (1900-01-01 = since always).';
COMMENT ON COLUMN treasury.classification_codes.valid_to IS 'Last day the code may be used; NULL = still valid.';
COMMENT ON COLUMN treasury.classification_codes.updated_at IS 'Last change (set by trigger).';

CREATE TABLE treasury.budget_units (
    code          text PRIMARY KEY CHECK (code ~ '^[0-9]{7}$'),
    name          text NOT NULL,
    budget_level  text NOT NULL REFERENCES treasury.budget_levels (code),
    chapter       text NOT NULL CHECK (chapter ~ '^[0-9]{3}$'),
    area_code     text NOT NULL REFERENCES treasury.areas (code),
    treasury_code text NOT NULL REFERENCES treasury.treasuries (code),
    parent_code   text NULL REFERENCES treasury.budget_units (code),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT budget_unit_no_cycle CHECK (parent_code IS NULL OR parent_code <> code)
);
CREATE INDEX budget_units_treasury_idx ON treasury.budget_units (treasury_code);
CREATE INDEX budget_units_parent_idx ON treasury.budget_units (parent_code);
COMMENT ON TABLE treasury.budget_units IS 'Budget-using units (DVQHNS: schools, hospitals, departments) that hold transaction accounts at a treasury. No cycles (trigger budget_unit_no_cycle).';
COMMENT ON COLUMN treasury.budget_units.code IS 'DVQHNS code, 7 digits.';
COMMENT ON COLUMN treasury.budget_units.name IS 'Name of the unit.';
COMMENT ON COLUMN treasury.budget_units.budget_level IS 'Budget level the unit belongs to.';
COMMENT ON COLUMN treasury.budget_units.chapter IS 'Chapter (chuong) code of the unit, 3 digits; tells the owning level.';
COMMENT ON COLUMN treasury.budget_units.area_code IS 'Area the unit is in.';
COMMENT ON COLUMN treasury.budget_units.treasury_code IS 'Treasury that keeps the unit''s accounts.';
COMMENT ON COLUMN treasury.budget_units.parent_code IS 'Superior unit; NULL for a top unit.';
COMMENT ON COLUMN treasury.budget_units.updated_at IS 'Last change (set by trigger).';

CREATE TABLE treasury.holidays (
    day  date PRIMARY KEY,
    name text NOT NULL
);
COMMENT ON TABLE treasury.holidays IS 'Public holidays: not working days (with weekends) for dossier due dates.';
COMMENT ON COLUMN treasury.holidays.day IS 'The holiday date.';
COMMENT ON COLUMN treasury.holidays.name IS 'Name of the holiday.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.treasuries FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.areas FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.banks FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.classification_codes FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON treasury.budget_units FOR EACH ROW EXECUTE FUNCTION treasury.touch_updated_at();

CREATE TRIGGER treasury_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.treasuries
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('treasury_no_cycle');
CREATE TRIGGER area_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.areas
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('area_no_cycle');
CREATE TRIGGER budget_unit_no_cycle BEFORE INSERT OR UPDATE OF parent_code, code ON treasury.budget_units
    FOR EACH ROW EXECUTE FUNCTION treasury.refuse_tree_cycle('budget_unit_no_cycle');

-- treasury_ancestors (the grant scope of nearly every call) and code_valid (called once
-- per distinct code by record_collections' validation query) are PL/pgSQL, not SQL:
-- PostgreSQL parses and plans a non-inlined SQL-language function's body again on every
-- execution of the calling statement, while PL/pgSQL prepares its statements once per
-- session. Neither could be inlined (a loop; a sub-select).
CREATE FUNCTION treasury.treasury_ancestors(p_code text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_chain  text[] := ARRAY[]::text[];
    v_code   text := p_code;
    v_parent text;
BEGIN
    -- One primary-key probe per level, up to the root (refuse_tree_cycle keeps the tree a tree;
    -- the depth bound only guards against a damaged one).
    WHILE v_code IS NOT NULL AND cardinality(v_chain) < 1000 LOOP
        SELECT t.parent_code INTO v_parent FROM treasury.treasuries t WHERE t.code = v_code;
        EXIT WHEN NOT FOUND;
        v_chain := v_chain || v_code;
        v_code := v_parent;
    END LOOP;
    RETURN v_chain;
END
$$;
COMMENT ON FUNCTION treasury.treasury_ancestors(text) IS 'The treasury code itself, then its parent, grandparent... up to the root (empty array for an unknown code). A grant T:X covers treasury Y when X = ANY(treasury_ancestors(Y)).';

CREATE FUNCTION treasury.code_valid(p_kind text, p_code text, p_on date) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM treasury.classification_codes c
        WHERE c.kind = p_kind AND c.code = p_code
          AND c.valid_from <= p_on AND (c.valid_to IS NULL OR p_on <= c.valid_to));
END
$$;
COMMENT ON FUNCTION treasury.code_valid(text, text, date) IS 'True when classification code (kind, code) exists and is valid on the given date (valid_from <= date <= valid_to).';

GRANT SELECT, INSERT, UPDATE ON treasury.budget_levels, treasury.treasuries, treasury.areas, treasury.banks,
    treasury.classification_codes, treasury.budget_units, treasury.holidays TO treasury_app;
GRANT SELECT ON treasury.budget_levels, treasury.treasuries, treasury.areas, treasury.banks,
    treasury.classification_codes, treasury.budget_units, treasury.holidays TO treasury_readonly;
GRANT EXECUTE ON FUNCTION treasury.treasury_ancestors(text), treasury.code_valid(text, text, date) TO treasury_app, treasury_readonly;
