import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// An allocation with its figures, as read from the database.
struct AllocationRecord: Sendable {
    var row: PostgresRow
    var id: Int64
    var parentID: Int64?
    var treasuryCode: String
    var unitCode: String?
    var purpose: String
    var fiscalYear: Int
    var amount: Int64
    var committed: Int64
    var available: Int64
    var carriedOver: Int64
    var treasuryChain: [String]

    /// What may still be marked to carry over: the unspent part (available + committed) not marked yet.
    var carriable: Int64

    /// What a new order may still take: rule 4's remainder, less the part of the carry-over
    /// marks that committed money does not cover (docs/year-end.md "Carry-over").
    static let available = """
        a.amount - a.sub_allocated - a.committed - a.pending - a.spent - a.advanced - a.lapsed - greatest(a.carried_over - a.committed, 0)
        """

    static let columns = """
        a.id, a.parent_id, a.fiscal_year, a.budget_level, a.purpose, a.treasury_code, a.unit_code, a.chapter, a.sector,
        a.source, a.program, a.amount, a.sub_allocated, a.committed, a.pending, a.spent, a.advanced,
        \(available) AS available,
        a.amount - a.sub_allocated - a.pending - a.spent - a.advanced - a.lapsed - a.carried_over AS carriable,
        a.carried_over, a.lapsed, a.carried_over_from,
        treasury_ancestors(a.treasury_code) AS chain
        """

    init(_ row: PostgresRow) throws {
        self.row = row
        id = try row.decode(Int64.self, "id")
        parentID = try row.decodeIfPresent(Int64.self, "parent_id")
        treasuryCode = try row.decode(String.self, "treasury_code")
        unitCode = row["unit_code"]
        purpose = try row.decode(String.self, "purpose")
        fiscalYear = Int(try row.decode(Int64.self, "fiscal_year"))
        amount = try row.decode(Int64.self, "amount")
        committed = try row.decode(Int64.self, "committed")
        available = try row.decode(Int64.self, "available")
        carriedOver = try row.decode(Int64.self, "carried_over")
        carriable = try row.decode(Int64.self, "carriable")
        treasuryChain = SQL.codes(row["chain"])
    }

    /// Reads an allocation; `lock` takes its row lock (children before parents, per the schema's lock order).
    static func load(_ connection: PostgresConnection, _ id: Int64, lock: Bool = false) throws -> AllocationRecord? {
        try connection.query("SELECT \(columns) FROM allocations a WHERE a.id = $1\(lock ? " FOR UPDATE OF a" : "")", [id]).first.map(AllocationRecord.init)
    }

    static func notFound(_ id: String) -> CallError {
        CallError(.notFound, "ALLOCATION_NOT_FOUND", "allocation \(id) does not exist", details: ["allocation_id": .string(id)])
    }

    var target: AccessTarget { .treasury(treasuryChain, unit: unitCode) }

    var json: JSON {
        var object = JSONObject()
        object["allocation_id"] = .string(String(id))
        object["parent_id"] = .optionalString(row["parent_id"])
        object["fiscal_year"] = row["fiscal_year"].flatMap(Int64.init).map(JSON.integer) ?? .null
        for key in ["budget_level", "purpose", "treasury_code", "unit_code", "chapter", "sector", "source", "program"] {
            object[key] = .optionalString(row[key])
        }
        for key in ["amount", "sub_allocated", "committed", "pending", "spent", "advanced", "available", "carried_over", "lapsed"] {
            object[key] = .optionalString(row[key])
        }
        object["carried_over_from"] = .optionalString(row["carried_over_from"])
        return .object(object)
    }

    func insufficient(_ needed: Int64) -> CallError {
        CallError(.failedPrecondition, "INSUFFICIENT_ALLOCATION", "allocation \(id) has \(available) available, \(needed) is needed",
                  details: ["allocation_id": .string(String(id)), "available": .money(available)])
    }
}

/// Appropriations and allocations (API.md "Budget").
enum BudgetMethods {
    static var all: [MethodDeclaration] { [appropriate, allocate, adjust, get, list] }

    static let readers: [Role] = [.budgetAuthority, .unitAccountant, .treasuryOfficer, .chiefAccountant, .auditor]
    static let identifier = ParamType.string(.digits(1...18), maximumLength: 18)
    static let segment = ParamType.string(.upperAlphanumeric(1...10), maximumLength: 10)

    static let appropriate = MethodDeclaration(
        "treasury.v1.Budget/Appropriate", "Creates a root budget estimate (an appropriation) for a fiscal year, budget level and treasury.",
        roles: [.budgetAuthority],
        params: [Field("fiscal_year", .integer(1900...9999)), Field("budget_level", ReferenceMethods.level),
                 Field("treasury_code", .string(.digits(4), maximumLength: 4)), Field("amount", .money),
                 Field("purpose", .enumeration(["RECURRENT", "INVESTMENT"])), .optional("note", .string(.text, maximumLength: 500))],
        reasons: ["TREASURY_NOT_FOUND", "BUDGET_LEVEL_NOT_FOUND", "YEAR_CLOSED"],
        handler: .mutating { context, connection in
            let p = context.params
            let chain = try SQL.treasuryAncestors(connection, p.string("treasury_code"))
            guard !chain.isEmpty else {
                return Staged(target: nil) {
                    throw CallError(.notFound, "TREASURY_NOT_FOUND", "treasury \(p.string("treasury_code")) does not exist")
                }
            }
            return Staged(target: .treasury(chain)) {
                try ReferenceMethods.requireLevel(connection, p.string("budget_level"))
                let year = Int(p.integer("fiscal_year"))
                if try YearEnd.isClosed(connection, year) { throw YearEnd.yearClosed(year) }
                let row = try connection.query(
                    """
                    INSERT INTO allocations (fiscal_year, budget_level, purpose, treasury_code, amount, note, created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                    """, [p.integer("fiscal_year"), p.string("budget_level"), p.string("purpose"), p.string("treasury_code"),
                          p.money("amount"), p.optionalString("note"), context.caller.userID]).first
                return .object(["allocation_id": .string(row?["id"] ?? "")])
            }
        })

    static let allocate = MethodDeclaration(
        "treasury.v1.Budget/Allocate", "Creates a child estimate narrowing its parent to a budget unit; draws on the parent's available amount.",
        roles: [.budgetAuthority],
        params: [Field("parent_id", identifier), Field("unit_code", .string(.digits(7), maximumLength: 7)), Field("chapter", segment),
                 Field("sector", segment), .optional("source", segment), .optional("program", segment), Field("amount", .money),
                 .optional("note", .string(.text, maximumLength: 500))],
        reasons: ["ALLOCATION_NOT_FOUND", "UNIT_NOT_FOUND", "INSUFFICIENT_ALLOCATION", "UNIT_OUTSIDE_TREASURY", "SEGMENT_MISMATCH", "YEAR_CLOSED", "CARRY_OVER_EXCEEDS_AVAILABLE"],
        handler: .mutating { context, connection in
            let p = context.params
            guard let parent = try AllocationRecord.load(connection, p.identifier("parent_id"), lock: true) else {
                return Staged(target: nil) { throw AllocationRecord.notFound(p.string("parent_id")) }
            }
            return Staged(target: .treasury(parent.treasuryChain)) {
                guard let unit = try connection.query(
                    "SELECT treasury_ancestors(treasury_code) AS chain FROM budget_units WHERE code = $1", [p.string("unit_code")]).first else {
                    throw CallError(.notFound, "UNIT_NOT_FOUND", "budget unit \(p.string("unit_code")) does not exist")
                }
                guard SQL.codes(unit["chain"]).contains(parent.treasuryCode) else {
                    throw CallError(.failedPrecondition, "UNIT_OUTSIDE_TREASURY",
                                    "unit \(p.string("unit_code")) is not served by treasury \(parent.treasuryCode) or one under it")
                }
                if try YearEnd.isClosed(connection, parent.fiscalYear) { throw YearEnd.yearClosed(parent.fiscalYear) }
                let amount = p.money("amount")
                guard parent.available >= amount else { throw parent.insufficient(amount) }
                let row = try connection.query(
                    """
                    INSERT INTO allocations (parent_id, unit_code, chapter, sector, source, program, amount, note, created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """, [parent.id, p.string("unit_code"), p.string("chapter"), p.string("sector"), p.optionalString("source"),
                          p.optionalString("program"), amount, p.optionalString("note"), context.caller.userID]).first
                return .object(["allocation_id": .string(row?["id"] ?? "")])
            }
        })

    static let adjust = MethodDeclaration(
        "treasury.v1.Budget/Adjust",
        "Raises or cuts an allocation by a signed delta: a cut below what is used is refused; a child's raise draws on its parent, its cut returns to it.",
        roles: [.budgetAuthority],
        params: [Field("allocation_id", identifier), Field("delta", .money(signed: true)), Field("reason", .string(.text, maximumLength: 500))],
        reasons: ["ALLOCATION_NOT_FOUND", "INSUFFICIENT_ALLOCATION", "YEAR_CLOSED", "CARRY_OVER_EXCEEDS_AVAILABLE"],
        handler: .mutating { context, connection in
            let p = context.params
            guard let allocation = try AllocationRecord.load(connection, p.identifier("allocation_id"), lock: true) else {
                return Staged(target: nil) { throw AllocationRecord.notFound(p.string("allocation_id")) }
            }
            let parent = try allocation.parentID.flatMap { try AllocationRecord.load(connection, $0, lock: true) }
            return Staged(target: .treasury(parent?.treasuryChain ?? allocation.treasuryChain)) {
                if try YearEnd.isClosed(connection, allocation.fiscalYear) { throw YearEnd.yearClosed(allocation.fiscalYear) }
                let delta = p.money("delta")
                // An allocation keeps a positive amount: cutting all of it is cutting more than it can give.
                if delta < 0, allocation.available < -delta || allocation.amount + delta <= 0 { throw allocation.insufficient(-delta) }
                if delta > 0, let parent, parent.available < delta { throw parent.insufficient(delta) }
                try connection.query(
                    "INSERT INTO allocation_adjustments (allocation_id, delta, reason, created_by) VALUES ($1, $2, $3, $4)",
                    [allocation.id, delta, p.string("reason"), context.caller.userID])
                return try AllocationRecord.load(connection, allocation.id)?.json ?? .null
            }
        })

    static let get = MethodDeclaration(
        "treasury.v1.Budget/Get", "An allocation with its figures; available = amount − sub_allocated − committed − pending − spent − advanced.",
        roles: readers,
        params: [Field("allocation_id", identifier)],
        reasons: ["ALLOCATION_NOT_FOUND"],
        handler: .read { context, connection in
            let id = context.params.string("allocation_id")
            guard let allocation = try AllocationRecord.load(connection, context.params.identifier("allocation_id")) else {
                return Staged(target: nil) { throw AllocationRecord.notFound(id) }
            }
            return Staged(target: allocation.target) { allocation.json }
        })

    static let list = MethodDeclaration(
        "treasury.v1.Budget/List", "Streams the allocations of a fiscal year in the caller's scope, optionally of one treasury (and those under it) or unit.",
        roles: readers,
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)),
                 .optional("unit_code", .string(.digits(7), maximumLength: 7))],
        handler: .streaming { context, stream in
            let scope = ScopeFilter(context.eligibleGrants)
            let p = context.params
            let count = try await Paging.stream(context, stream, sql: """
                SELECT \(AllocationRecord.columns) FROM allocations a
                WHERE a.id > $1 AND a.fiscal_year = $3
                  AND ($4 OR a.unit_code = ANY($5::text[]) OR treasury_ancestors(a.treasury_code) && $6::text[])
                  AND ($7::text IS NULL OR $7 = ANY(treasury_ancestors(a.treasury_code)))
                  AND ($8::text IS NULL OR a.unit_code = $8)
                ORDER BY a.id LIMIT $2
                """, parameters: [p.integer("fiscal_year"), scope.everything, scope.units, scope.treasuries,
                                  p.optionalString("treasury_code"), p.optionalString("unit_code")]) { try AllocationRecord($0).json }
            return .object(["count": .integer(count)])
        })
}

/// What a caller's grants let a list show: everything, or some units and treasury subtrees.
struct ScopeFilter: Sendable {
    var everything: Bool
    var units: [String]
    var treasuries: [String]

    init(_ grants: [Grant]) {
        everything = grants.contains { $0.scope == "*" }
        units = grants.filter { $0.scope.hasPrefix("U:") }.map { String($0.scope.dropFirst(2)) }
        treasuries = grants.filter { $0.scope.hasPrefix("T:") }.map { String($0.scope.dropFirst(2)) }
    }
}

/// The budget schema's rules (constraint name → meaning for callers).
enum BudgetRules {
    static let meanings: [String: SchemaRule.Meaning] = [
        "allocation_within_amount": SchemaRule.Meaning("INSUFFICIENT_ALLOCATION", "the allocation's available amount does not cover this"),
        "allocation_unit_outside_treasury": SchemaRule.Meaning("UNIT_OUTSIDE_TREASURY", "the unit is not served by the allocation's treasury"),
        "allocation_narrows_parent": SchemaRule.Meaning("SEGMENT_MISMATCH", "a child must keep the segments its parent fixes"),
        "allocation_amount_range": SchemaRule.Meaning("AMOUNT_OUT_OF_RANGE", "an allocation's amount must stay between 1 and 10^18", code: .outOfRange),
    ]
}
