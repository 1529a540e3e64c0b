import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// The fiscal year end (issue #12; API.md "Fiscal year end"; docs/year-end.md):
// - A posting charged to fiscal year Y carries today's date while today is in Y. From
//   1 January of Y+1 until Y is closed it is dated 31 December of Y (period 13), and only
//   collections collected by 31 December, payments (of work accepted by then: an order on
//   a Y allocation was submitted by then, or names an acceptance dated by then), advance
//   settlements and reversals may be: anything else is ADJUSTMENT_PERIOD_RESTRICTED. Once
//   Y is closed, YEAR_CLOSED. The schema holds the same rule (rule 9) for every writer
//   once Y's December is closed.
// - YearEnd/Close is an INSERT into fiscal_year_closings: its trigger does the work in
//   one transaction (sql/migrations/0013_year_end.sql); the service checks the calendar
//   (the adjustment period is over by its clock) and answers the figures.

/// Dates and refusals of postings charged to a fiscal year.
enum YearEnd {
    /// Whether the fiscal year has been closed.
    static func isClosed(_ connection: PostgresConnection, _ year: Int) throws -> Bool {
        try connection.query("SELECT year_closed($1) AS closed", [year]).first?["closed"] == "t"
    }

    static func yearClosed(_ year: Int) -> CallError {
        CallError(.failedPrecondition, "YEAR_CLOSED", "fiscal year \(year) is closed: nothing is posted into it or charged to its budget",
                  details: ["fiscal_year": .integer(year)])
    }

    static func restricted(_ year: Int, _ what: String) -> CallError {
        CallError(.failedPrecondition, "ADJUSTMENT_PERIOD_RESTRICTED",
                  "fiscal year \(year) is in its adjustment period: \(what) is no longer dated into it (only collections collected by 31 December, payments for work accepted by then, advance settlements and reversals are)",
                  details: ["fiscal_year": .integer(year)])
    }

    /// The accounting date of a posting charged to `year`, made today: today within the year
    /// (or for a later year's budget), else 31 December of the year in its adjustment period
    /// when `allowed`; refuses a restricted kind and a closed year.
    static func postingDate(_ connection: PostgresConnection, _ context: CallContext, year: Int, allowed: Bool, what: String) throws -> TreasuryTime.LocalDate {
        let today = context.today
        guard year < today.year else { return today }
        if try isClosed(connection, year) { throw yearClosed(year) }
        guard allowed else { throw restricted(year, what) }
        return TreasuryTime.LocalDate(year: year, month: 12, day: 31)
    }

    /// Refuses a new charge (an order or a request) to `year`'s budget once the year is over.
    static func requireChargeable(_ connection: PostgresConnection, _ context: CallContext, year: Int, allowed: Bool = false, what: String) throws {
        _ = try postingDate(connection, context, year: year, allowed: allowed, what: what)
    }
}

enum YearEndMethods {
    static var all: [MethodDeclaration] { [markCarryOver, close, budgetSettlement] }

    static let grounds = ["INVESTMENT_EXTENDED", "CONTRACTED_BEFORE_YEAR_END", "ADDED_AFTER_30_SEP", "SALARY_REFORM", "OTHER"]

    static let markCarryOver = MethodDeclaration(
        "treasury.v1.YearEnd/MarkCarryOver",
        "Marks part of an allocation's unspent estimate (available plus committed) to carry over into next year on a legal ground; at the year close it becomes next year's allocation of the same classification instead of lapsing.",
        roles: [.budgetAuthority],
        params: [Field("allocation_id", BudgetMethods.identifier), Field("amount", .money), Field("ground", .enumeration(grounds)),
                 Field("decision_no", .string(.nonEmptyText, maximumLength: 64))],
        reasons: ["ALLOCATION_NOT_FOUND", "CARRY_OVER_EXCEEDS_AVAILABLE", "YEAR_CLOSED"],
        handler: .mutating { context, connection in
            let p = context.params
            guard let allocation = try AllocationRecord.load(connection, p.identifier("allocation_id"), lock: true) else {
                return Staged(target: nil) { throw AllocationRecord.notFound(p.string("allocation_id")) }
            }
            return Staged(target: .treasury(allocation.treasuryChain)) {
                if try YearEnd.isClosed(connection, allocation.fiscalYear) { throw YearEnd.yearClosed(allocation.fiscalYear) }
                let amount = p.money("amount")
                guard amount <= allocation.carriable else {
                    throw CallError(.failedPrecondition, "CARRY_OVER_EXCEEDS_AVAILABLE",
                                    "allocation \(allocation.id) can carry over at most \(allocation.carriable) more (available \(allocation.available) + committed \(allocation.committed) - already marked \(allocation.carriedOver))",
                                    details: ["allocation_id": .string(String(allocation.id)), "carriable": .money(allocation.carriable), "requested": .money(amount)])
                }
                let id = try connection.query(
                    "INSERT INTO carry_overs (allocation_id, amount, ground, decision_no, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    [allocation.id, amount, p.string("ground"), p.string("decision_no"), context.caller.userID]).first?["id"] ?? ""
                return .object(["carry_over_id": .string(id), "allocation_id": .string(String(allocation.id)),
                                "fiscal_year": .integer(allocation.fiscalYear), "carried_over": .money(allocation.carriedOver + amount)])
            }
        })

    static let close = MethodDeclaration(
        "treasury.v1.YearEnd/Close",
        "Closes a fiscal year for good after its adjustment period: stops the orders still in flight, closes commitments, lapses what is unspent, creates next year's allocations for the carry-overs, rolls investment advances forward and lists the others due back by 15 February.",
        roles: [.chiefAccountant],
        params: [Field("fiscal_year", .integer(1900...9999))],
        reasons: ["YEAR_ALREADY_CLOSED", "ADJUSTMENT_PERIOD_OPEN", "PREVIOUS_PERIOD_OPEN", "PREVIOUS_YEAR_OPEN"],
        handler: .mutating { context, connection in
            let roots = try connection.query("SELECT code FROM treasuries WHERE parent_code IS NULL").rows.compactMap { $0["code"] }
            return Staged(target: AccessTarget(scopes: Set(roots.map { "T:\($0)" }))) {
                let year = Int(context.params.integer("fiscal_year"))
                if try YearEnd.isClosed(connection, year) {
                    throw CallError(.failedPrecondition, "YEAR_ALREADY_CLOSED", "fiscal year \(year) is already closed", details: ["fiscal_year": .integer(year)])
                }
                // The adjustment period runs to 31 January of the next year, by the service's clock.
                let ends = TreasuryTime.LocalDate(year: year + 1, month: 1, day: 31)
                guard context.today > ends else {
                    throw CallError(.failedPrecondition, "ADJUSTMENT_PERIOD_OPEN",
                                    "fiscal year \(year) closes after its adjustment period, which ends on \(ends)",
                                    details: ["fiscal_year": .integer(year), "adjustment_period_ends": .string(ends.description)])
                }
                let closing = try connection.query(
                    """
                    INSERT INTO fiscal_year_closings (fiscal_year, closed_by) VALUES ($1, $2)
                    RETURNING lapsed, carried_over, orders_cancelled, \(SQL.timestamp("closed_at", as: "closed_at"))
                    """, [year, context.caller.userID]).first
                let advances = try connection.query(
                    """
                    SELECT order_id, outstanding, disposition, to_char(due_on, 'YYYY-MM-DD') AS due_on
                    FROM year_end_advances WHERE fiscal_year = $1 ORDER BY order_id
                    """, [year]).rows
                func list(_ disposition: String) -> JSON {
                    .array(advances.filter { $0["disposition"] == disposition }.map { row in
                        var item: JSONObject = ["order_id": .optionalString(row["order_id"]), "outstanding": .optionalString(row["outstanding"])]
                        if let due = row["due_on"] { item["due_on"] = .string(due) }
                        return .object(item)
                    })
                }
                return .object([
                    "fiscal_year": .integer(year), "status": .string("CLOSED"),
                    "lapsed": .optionalString(closing?["lapsed"]), "carried_over": .optionalString(closing?["carried_over"]),
                    "advances_rolled_forward": list("ROLLED_FORWARD"), "advances_to_recover": list("TO_RECOVER"),
                    "orders_stopped": .integer(Int(closing?["orders_cancelled"] ?? "0") ?? 0),
                    "closed_at": .optionalString(closing?["closed_at"]),
                ])
            }
        })

    static let settlementKeys = ["unit_code", "chapter", "sector", "treasury_code", "budget_level", "purpose"]
    static let settlementFigures = ["appropriated", "allocated", "spent", "advance_outstanding", "carried_over", "lapsed", "committed", "pending"]

    static let budgetSettlement = MethodDeclaration(
        "treasury.v1.Reports/BudgetSettlement",
        "Streams the budget settlement of a fiscal year grouped by the keys asked for: appropriated, allocated, spent, advance outstanding, carried over and lapsed (each allocation's own share, so nothing counts twice); a closed year's figures are those of its close.",
        roles: ReportMethods.readers,
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)),
                 .optional("group_by", .array(.enumeration(settlementKeys), count: 0...6))],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .streaming { context, stream in
            let p = context.params
            try await ReportMethods.authorize(context, treasury: p.optionalString("treasury_code"))
            let keys = p.strings("group_by").reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let select = keys.map { "s.\($0)" }
            let sql = """
                SELECT \((select + settlementFigures.map { "sum(s.\($0))::text AS \($0)" } + ["bool_and(s.closed) AS closed"]).joined(separator: ", "))
                FROM budget_settlement s
                WHERE s.fiscal_year = $1 AND ($2::text IS NULL OR $2 = ANY(treasury_ancestors(s.treasury_code)))
                \(select.isEmpty ? "" : "GROUP BY " + select.joined(separator: ", ") + " ORDER BY " + select.joined(separator: ", "))
                """
            let (rows, closed) = try await context.core.reportPool.withConnection { connection in
                (try connection.query(sql, [p.integer("fiscal_year"), p.optionalString("treasury_code")]).rows,
                 try YearEnd.isClosed(connection, Int(p.integer("fiscal_year"))))
            }
            var count = 0
            for row in rows where row["appropriated"] != nil {
                var item = JSONObject()
                for key in keys { item[key] = .optionalString(row[key]) }
                for figure in settlementFigures { item[figure] = .optionalString(row[figure]) }
                try await stream.send(.object(item))
                count += 1
            }
            return .object(["count": .integer(count), "fiscal_year": .integer(p.integer("fiscal_year")), "closed": .bool(closed)])
        })
}

/// The year-end schema's rules (constraint name → meaning for callers).
enum YearEndRules {
    static let meanings: [String: SchemaRule.Meaning] = [
        "year_closed": SchemaRule.Meaning("YEAR_CLOSED", "the fiscal year is closed"),
        "year_already_closed": SchemaRule.Meaning("YEAR_ALREADY_CLOSED", "the fiscal year is already closed"),
        "adjustment_period_restricted": SchemaRule.Meaning("ADJUSTMENT_PERIOD_RESTRICTED", "only some kinds of posting are dated into a year in its adjustment period"),
        "carry_over_exceeds_available": SchemaRule.Meaning("CARRY_OVER_EXCEEDS_AVAILABLE", "what is marked to carry over must stay unspent"),
        "year_close_order": SchemaRule.Meaning("PREVIOUS_PERIOD_OPEN", "months 1-12 close before the year"),
        "previous_year_open": SchemaRule.Meaning("PREVIOUS_YEAR_OPEN", "the previous fiscal year is still open"),
    ]
}
