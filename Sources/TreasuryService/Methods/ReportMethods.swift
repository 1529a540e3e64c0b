import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Reports: budget execution and service level (API.md), computed from the same views a DBA reads.
enum ReportMethods {
    static var all: [MethodDeclaration] { [budgetExecution, serviceLevel] + InvestmentReports.all }

    static let readers: [Role] = [.budgetAuthority, .treasuryOfficer, .chiefAccountant, .auditor]
    static let groupKeys = ["unit_code", "chapter", "sector", "treasury_code", "budget_level", "purpose"]

    /// The report's object: a treasury subtree when one is named, else the whole ledger.
    static func target(_ connection: PostgresConnection, treasury: String?) throws -> AccessTarget? {
        guard let treasury else { return .global }
        let chain = try SQL.treasuryAncestors(connection, treasury)
        return chain.isEmpty ? nil : .treasury(chain)
    }

    static func authorize(_ context: CallContext, treasury: String?) async throws {
        let target: AccessTarget? = try await context.core.pool.withConnection { connection in try Self.target(connection, treasury: treasury) }
        guard let target else { throw CallError(.notFound, "TREASURY_NOT_FOUND", "treasury \(treasury ?? "") does not exist") }
        try context.authorize(target)
    }

    static let budgetExecution = MethodDeclaration(
        "treasury.v1.Reports/BudgetExecution",
        "Streams budget execution grouped by the keys asked for, summing each allocation's own share (amount − sub_allocated) so nothing counts twice.",
        roles: readers,
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)),
                 .optional("budget_level", ReferenceMethods.level),
                 .optional("group_by", .array(.enumeration(groupKeys + ["economic_code"]), count: 0...6))],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .streaming { context, stream in
            let p = context.params
            let keys = p.strings("group_by")
            try await authorize(context, treasury: p.optionalString("treasury_code"))
            let unique = keys.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let select = unique.map { "e.\($0)" }
            let sql = """
                SELECT \((select + ["sum(e.amount)::text AS amount", "sum(e.committed)::text AS committed", "sum(e.pending)::text AS pending",
                                    "sum(e.spent)::text AS spent", "sum(e.advanced)::text AS advanced",
                                    "sum(e.available)::text AS available"]).joined(separator: ", "))
                FROM \(keys.contains("economic_code") ? byEconomicCode : "budget_execution") e
                WHERE e.fiscal_year = $1 AND ($2::text IS NULL OR $2 = ANY(treasury_ancestors(e.treasury_code)))
                  AND ($3::text IS NULL OR e.budget_level = $3)
                \(select.isEmpty ? "" : "GROUP BY " + select.joined(separator: ", ") + " ORDER BY " + select.joined(separator: ", "))
                """
            let rows = try await context.core.reportPool.withConnection { connection in
                try connection.query(sql, [p.integer("fiscal_year"), p.optionalString("treasury_code"), p.optionalString("budget_level")]).rows
            }
            var count = 0
            for row in rows where row["amount"] != nil {
                var item = JSONObject()
                for key in unique { item[key] = .optionalString(row[key]) }
                for figure in ["amount", "committed", "pending", "spent", "advanced", "available"] { item[figure] = .optionalString(row[figure]) }
                try await stream.send(.object(item))
                count += 1
            }
            return .object(["count": .integer(count)])
        })

    /// Execution split by economic code. Allocations carry no economic code, so their own amount
    /// and what is still available stand on rows with a null economic_code, while committed,
    /// pending, spent and advanced are split by the codes of the commitments, orders and
    /// settlements that make them up. Every figure is counted once, so totals equal the
    /// budget_execution view's.
    static let byEconomicCode = """
        (SELECT a.fiscal_year, a.treasury_code, a.budget_level, a.purpose, a.unit_code, a.chapter, a.sector, x.economic_code,
                x.amount, x.committed, x.pending, x.spent, x.advanced, x.available
         FROM allocations a
         JOIN LATERAL (
             SELECT NULL::text AS economic_code, a.amount - a.sub_allocated AS amount, 0::bigint AS committed, 0::bigint AS pending,
                    0::bigint AS spent, 0::bigint AS advanced,
                    \(AllocationRecord.available) AS available
             UNION ALL
             SELECT c.economic_code, 0, c.remaining, 0, 0, 0, 0 FROM commitments c WHERE c.allocation_id = a.id AND c.status = 'OPEN'
             UNION ALL
             SELECT o.economic_code, 0, 0, CASE WHEN o.status IN ('SUBMITTED', 'APPROVED') THEN o.amount ELSE 0 END,
                    CASE WHEN o.status = 'PAID' AND o.kind = 'PAYMENT' THEN o.amount ELSE 0 END,
                    CASE WHEN o.status = 'PAID' AND o.kind = 'ADVANCE' THEN o.amount - o.settled ELSE 0 END, 0
             FROM payment_orders o WHERE o.allocation_id = a.id AND o.status IN ('SUBMITTED', 'APPROVED', 'PAID')
             UNION ALL
             SELECT s.economic_code, 0, 0, 0, s.amount, 0, 0
             FROM advance_settlements s JOIN payment_orders o ON o.id = s.order_id WHERE o.allocation_id = a.id
         ) x ON true)
        """

    static let serviceLevel = MethodDeclaration(
        "treasury.v1.Reports/ServiceLevel",
        "How the online public services performed between two local dates (inclusive): received, completed, on time, the same day, online, median processing time; per procedure with its legal limit.",
        roles: readers,
        params: [Field("from", .date), Field("to", .date), .optional("treasury_code", .string(.digits(4), maximumLength: 4))],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .custom { context in
            let p = context.params
            guard p.string("from") <= p.string("to") else {
                throw CallError.field("params.to", "FIELD_INVALID", "to must not be before from")
            }
            try await authorize(context, treasury: p.optionalString("treasury_code"))
            let (rows, limits) = try await context.core.reportPool.withConnection { connection in
                (try connection.query(
                    """
                    SELECT d.procedure, count(*) AS received,
                           count(*) FILTER (WHERE d.status = 'COMPLETED') AS completed,
                           count(*) FILTER (WHERE d.status = 'COMPLETED' AND d.completed_at <= d.due_at) AS completed_on_time,
                           count(*) FILTER (WHERE d.status = 'COMPLETED' AND (d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                                                  = (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS completed_same_day,
                           count(*) FILTER (WHERE d.channel = 'ONLINE') AS online,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.completed_at - d.received_at) / 60)
                               FILTER (WHERE d.status = 'COMPLETED') AS median_minutes
                    FROM dossiers d
                    WHERE (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN $1::date AND $2::date
                      AND ($3::text IS NULL OR $3 = ANY(treasury_ancestors(d.treasury_code)))
                    GROUP BY ROLLUP (d.procedure) ORDER BY d.procedure NULLS LAST
                    """, [p.string("from"), p.string("to"), p.optionalString("treasury_code")]).rows,
                 try ProcedureReference.legalLimits(connection))
            }
            let figures = { (row: PostgresRow?) -> JSONObject in
                let received = row.flatMap { Int64($0["received"] ?? "") } ?? 0
                let completed = row.flatMap { Int64($0["completed"] ?? "") } ?? 0
                let onTime = row.flatMap { Int64($0["completed_on_time"] ?? "") } ?? 0
                let sameDay = row.flatMap { Int64($0["completed_same_day"] ?? "") } ?? 0
                let online = row.flatMap { Int64($0["online"] ?? "") } ?? 0
                let median = row.flatMap { $0["median_minutes"] }.flatMap(Double.init)
                return [
                    "received": .integer(received), "completed": .integer(completed), "completed_on_time": .integer(onTime),
                    "on_time_rate": rate(onTime, completed), "online_rate": rate(online, received),
                    "completed_same_day": .integer(sameDay), "same_day_rate": rate(sameDay, completed),
                    "median_processing_minutes": median.map { .number(String(format: "%.1f", $0)) } ?? .null,
                ]
            }
            var result = figures(rows.first { $0["procedure"] == nil })
            result["procedures"] = .array(rows.filter { $0["procedure"] != nil }.map { row in
                var object: JSONObject = ["procedure": .optionalString(row["procedure"]),
                                          "legal_limit": limits[row["procedure"] ?? ""] ?? .null]
                for (key, value) in figures(row) { object[key] = value }
                return .object(object)
            })
            return .object(result)
        })

    /// A share as a JSON number with four decimals (rates are not money); 0 when nothing was counted.
    static func rate(_ part: Int64, _ whole: Int64) -> JSON {
        .number(whole == 0 ? "0" : String(format: "%.4f", Double(part) / Double(whole)))
    }
}
