import Foundation
import PostgresClient
import TreasuryProtocol

/// Reference data: treasuries, areas, banks, budget units, classification codes, holidays,
/// and (read only: they are law, kept by migrations) the procedures with their legal limits.
/// Put methods create or update and return the stored object.
enum ReferenceMethods {
    static var all: [MethodDeclaration] { [putTreasury, putArea, putBank, putBudgetUnit, putCode, putHoliday, list] }

    static let name = ParamType.string(.text, maximumLength: 300)
    static let level = ParamType.string(StringFormat(pattern: "^[A-Z][A-Z_]{0,31}$") { value in
        StringFormat.upperSnake.check(value) && !value.contains(where: \.isNumber) && value.count <= 32
    }, maximumLength: 32)

    /// A row as a JSON object of strings (NULL as null), in column order.
    static func object(_ row: PostgresRow) -> JSON {
        JSON.object(JSONObject(row.columnNames.enumerated().map { index, name in (name, JSON.optionalString(row[index])) }))
    }

    static func requireExists(_ connection: PostgresConnection, _ table: String, _ code: String?, reason: String, what: String, field: String) throws {
        guard let code else { return }
        guard try connection.query("SELECT 1 FROM \(table) WHERE code = $1", [code]).first != nil else {
            throw CallError(.notFound, reason, "\(what) \(code) does not exist", details: ["field": .string("params.\(field)")])
        }
    }

    static func requireLevel(_ connection: PostgresConnection, _ code: String) throws {
        try requireExists(connection, "budget_levels", code, reason: "BUDGET_LEVEL_NOT_FOUND", what: "budget level", field: "budget_level")
    }

    static func put(_ description: String, _ name: String, params: [Field], reasons: [String] = [],
                    body: @escaping @Sendable (Params, PostgresConnection) throws -> PostgresRow?) -> MethodDeclaration {
        MethodDeclaration(
            "treasury.v1.Reference/\(name)", description, roles: [.admin], params: params, reasons: reasons,
            handler: .mutating { context, connection in
                Staged(target: .global) {
                    guard let row = try body(context.params, connection) else {
                        throw CallError(.internal, "INTERNAL", "the stored object was not returned")
                    }
                    return object(row)
                }
            })
    }

    static let putTreasury = put(
        "Creates or updates a treasury (KBNN unit).", "PutTreasury",
        params: [Field("code", .string(.digits(4), maximumLength: 4)), Field("name", name), Field("budget_level", level),
                 .optional("parent_code", .string(.digits(4), maximumLength: 4))],
        reasons: ["BUDGET_LEVEL_NOT_FOUND", "PARENT_NOT_FOUND", "PARENT_CYCLE"]) { params, connection in
        try requireLevel(connection, params.string("budget_level"))
        let parent = params.optionalString("parent_code")
        try requireExists(connection, "treasuries", parent, reason: "PARENT_NOT_FOUND", what: "treasury", field: "parent_code")
        if let parent, SQL.codes(try connection.query("SELECT treasury_ancestors($1) AS chain", [parent]).first?["chain"]).contains(params.string("code")) {
            throw CallError(.failedPrecondition, "PARENT_CYCLE", "treasury \(parent) is under \(params.string("code"))")
        }
        return try connection.query(
            """
            INSERT INTO treasuries (code, name, budget_level, parent_code) VALUES ($1, $2, $3, $4)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, budget_level = EXCLUDED.budget_level,
                parent_code = EXCLUDED.parent_code, updated_at = now()
            RETURNING code, name, budget_level, parent_code
            """, [params.string("code"), params.string("name"), params.string("budget_level"), parent]).first
    }

    static let putArea = put(
        "Creates or updates an administrative area.", "PutArea",
        params: [Field("code", .string(.digits(5), maximumLength: 5)), Field("name", name), .optional("parent_code", .string(.digits(5), maximumLength: 5))],
        reasons: ["PARENT_NOT_FOUND"]) { params, connection in
        try requireExists(connection, "areas", params.optionalString("parent_code"), reason: "PARENT_NOT_FOUND", what: "area", field: "parent_code")
        return try connection.query(
            """
            INSERT INTO areas (code, name, parent_code) VALUES ($1, $2, $3)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, updated_at = now()
            RETURNING code, name, parent_code
            """, [params.string("code"), params.string("name"), params.optionalString("parent_code")]).first
    }

    static let putBank = put(
        "Creates or updates a commercial bank.", "PutBank",
        params: [Field("code", .string(.upperAlphanumeric(2...11), maximumLength: 11)), Field("name", name)]) { params, connection in
        try connection.query(
            """
            INSERT INTO banks (code, name) VALUES ($1, $2)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, updated_at = now() RETURNING code, name
            """, [params.string("code"), params.string("name")]).first
    }

    static let putBudgetUnit = put(
        "Creates or updates a budget-using unit (ĐVQHNS).", "PutBudgetUnit",
        params: [Field("code", .string(.digits(7), maximumLength: 7)), Field("name", name), Field("budget_level", level),
                 Field("chapter", .string(.digits(3), maximumLength: 3)), Field("area_code", .string(.digits(5), maximumLength: 5)),
                 Field("treasury_code", .string(.digits(4), maximumLength: 4)), .optional("parent_code", .string(.digits(7), maximumLength: 7))],
        reasons: ["BUDGET_LEVEL_NOT_FOUND", "AREA_NOT_FOUND", "TREASURY_NOT_FOUND", "PARENT_NOT_FOUND"]) { params, connection in
        try requireLevel(connection, params.string("budget_level"))
        try requireExists(connection, "areas", params.string("area_code"), reason: "AREA_NOT_FOUND", what: "area", field: "area_code")
        try requireExists(connection, "treasuries", params.string("treasury_code"), reason: "TREASURY_NOT_FOUND", what: "treasury", field: "treasury_code")
        try requireExists(connection, "budget_units", params.optionalString("parent_code"), reason: "PARENT_NOT_FOUND", what: "budget unit", field: "parent_code")
        return try connection.query(
            """
            INSERT INTO budget_units (code, name, budget_level, chapter, area_code, treasury_code, parent_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, budget_level = EXCLUDED.budget_level, chapter = EXCLUDED.chapter,
                area_code = EXCLUDED.area_code, treasury_code = EXCLUDED.treasury_code, parent_code = EXCLUDED.parent_code, updated_at = now()
            RETURNING code, name, budget_level, chapter, area_code, treasury_code, parent_code
            """, [params.string("code"), params.string("name"), params.string("budget_level"), params.string("chapter"),
                  params.string("area_code"), params.string("treasury_code"), params.optionalString("parent_code")]).first
    }

    static let codeKinds = ["CHAPTER", "SECTOR", "ECONOMIC", "PROGRAM", "SOURCE"]

    static let putCode = put(
        "Creates or updates a budget classification code with its validity dates.", "PutCode",
        params: [Field("kind", .enumeration(codeKinds)), Field("code", .string(.upperAlphanumeric(1...10), maximumLength: 10)), Field("name", name),
                 .optional("valid_from", .date), .optional("valid_to", .date)]) { params, connection in
        let from = params.optionalString("valid_from") ?? "1900-01-01"
        if let to = params.optionalString("valid_to"), to < from {
            throw CallError.field("params.valid_to", "FIELD_INVALID", "valid_to must not be before valid_from")
        }
        return try connection.query(
            """
            INSERT INTO classification_codes (kind, code, name, valid_from, valid_to) VALUES ($1, $2, $3, $4::date, $5::date)
            ON CONFLICT (kind, code) DO UPDATE SET name = EXCLUDED.name, valid_from = EXCLUDED.valid_from,
                valid_to = EXCLUDED.valid_to, updated_at = now()
            RETURNING kind, code, name, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
            """, [params.string("kind"), params.string("code"), params.string("name"), from, params.optionalString("valid_to")]).first
    }

    static let putHoliday = put(
        "Declares a non-working day (weekends are never working days).", "PutHoliday",
        params: [Field("date", .date), Field("name", name)]) { params, connection in
        try connection.query(
            """
            INSERT INTO holidays (day, name) VALUES ($1::date, $2) ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name
            RETURNING to_char(day, 'YYYY-MM-DD') AS date, name
            """, [params.string("date"), params.string("name")]).first
    }

    static let listQueries: [String: String] = [
        "TREASURY": "SELECT code, name, budget_level, parent_code FROM treasuries ORDER BY code",
        "AREA": "SELECT code, name, parent_code FROM areas ORDER BY code",
        "BANK": "SELECT code, name FROM banks ORDER BY code",
        "BUDGET_UNIT": "SELECT code, name, budget_level, chapter, area_code, treasury_code, parent_code FROM budget_units ORDER BY code",
        "HOLIDAY": "SELECT to_char(day, 'YYYY-MM-DD') AS date, name FROM holidays ORDER BY day",
        "BUDGET_LEVEL": "SELECT code, name, rank::text AS rank, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM budget_levels ORDER BY rank",
        "PROCEDURE": """
            SELECT jsonb_build_object('code', p.code, 'name', p.name, 'legal_basis', p.legal_basis, 'in_force', p.in_force,
                                      'replaced_by', p.replaced_by, 'legal_limit', \(ProcedureReference.legalLimit))::text AS item
            FROM procedures p ORDER BY p.position
            """,
    ]

    static let list = MethodDeclaration(
        "treasury.v1.Reference/List", "Streams the reference rows of one kind.",
        roles: [],
        params: [Field("kind", .enumeration(["TREASURY", "AREA", "BANK", "BUDGET_UNIT"] + codeKinds + ["HOLIDAY", "BUDGET_LEVEL", "PROCEDURE"]))],
        handler: .streaming { context, stream in
            let kind = context.params.string("kind")
            let sql = listQueries[kind] ?? """
                SELECT kind, code, name, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
                FROM classification_codes WHERE kind = $1 ORDER BY code
                """
            let parameters: [any PostgresEncodable] = listQueries[kind] == nil ? [kind] : []
            let rows = try await context.core.pool.withConnection { try $0.query(sql, parameters).rows }
            for row in rows {
                // A procedure is one JSON object (its legal limit nests); other kinds are flat rows of strings.
                try await stream.send(kind == "PROCEDURE" ? try JSON.parse(row["item"] ?? "{}") : object(row))
            }
            return .object(["count": .integer(rows.count)])
        })
}

/// The procedures table as the API shows it.
enum ProcedureReference {
    /// A procedure's legal limit as a JSON object over `procedures p`, only the limits it has:
    /// `{"minutes": 5, "counter_minutes": 30}`, `{"working_days": 1, "year_end_working_days": 2}`,
    /// `{"working_days": 2, "advance_working_days": 1}`, `{"working_days": 1}`.
    static let legalLimit = """
        jsonb_strip_nulls(jsonb_build_object('minutes', p.limit_minutes, 'counter_minutes', p.counter_limit_minutes,
                                             'working_days', p.limit_working_days, 'advance_working_days', p.advance_limit_working_days,
                                             'year_end_working_days', p.year_end_limit_working_days))
        """

    /// Every procedure's legal limit, by code.
    static func legalLimits(_ connection: PostgresConnection) throws -> [String: JSON] {
        var limits: [String: JSON] = [:]
        for row in try connection.query("SELECT p.code, \(legalLimit)::text AS legal_limit FROM procedures p").rows {
            if let code = row["code"], let text = row["legal_limit"] { limits[code] = try JSON.parse(text) }
        }
        return limits
    }
}
