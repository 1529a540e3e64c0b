import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// The two public-investment reports (API.md "Public investment"; docs/investment.md "Reports"),
/// read from the views of 0012_investment.sql that a DBA reads too.
///
/// - `Reports/Disbursement` sums `investment_disbursement` (one row per capital plan) over the
///   plans of the year, grouped as asked; the rate is computed from the sums, never averaged.
///   Scope as `Reports/BudgetExecution`: a treasury subtree when `treasury_code` is given
///   (the plan allocation's treasury), else the whole ledger (scope `*`).
/// - `Reports/OverdueAdvances` lists `contract_advances_outstanding` (PAID advances not fully
///   recovered) whose `recovery_deadline` (the contract's `ends_on` + 3 months) is before
///   `as_of`. It takes no treasury: it shows what the caller's grants cover (the plan
///   allocation's treasury subtree, or the investor for a unit scope), as `Budget/List` does.
///   Advances in flight are not listed: they moved no money, so nothing is owed back; they
///   still count in Disbursement's `advance_outstanding`, which is API.md's "outstanding".
enum InvestmentReports {
    static let all = [disbursement, overdueAdvances]

    /// group_by key → column of investment_disbursement.
    static let groupColumns: [(key: String, column: String)] = [
        ("project_code", "project_code"), ("investor_unit_code", "investor_unit_code"), ("source", "source"), ("group", "project_group"),
    ]

    static let disbursement = MethodDeclaration(
        "treasury.v1.Reports/Disbursement",
        "Streams the public investment disbursement of a fiscal year: planned, disbursed, advances outstanding and the rate disbursed ÷ planned, grouped by the keys asked for.",
        roles: ReportMethods.readers,
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)),
                 .optional("group_by", .array(.enumeration(groupColumns.map(\.key)), count: 0...4))],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .streaming { context, stream in
            let p = context.params
            try await ReportMethods.authorize(context, treasury: p.optionalString("treasury_code"))
            let asked = p.strings("group_by")
            // In the order asked, each key once.
            let keys = asked.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let columns = Dictionary(uniqueKeysWithValues: groupColumns.map { ($0.key, $0.column) })
            let grouped = keys.compactMap { columns[$0].map { "d.\($0)" } }
            let select = zip(keys, grouped).map { "\($1) AS \"\($0)\"" }
            let sql = """
                SELECT \((select + [
                    "sum(d.planned)::text AS planned", "sum(d.disbursed)::text AS disbursed",
                    "sum(d.advance_outstanding)::text AS advance_outstanding",
                    "CASE WHEN coalesce(sum(d.planned), 0) = 0 THEN '0.0000' ELSE round(sum(d.disbursed) / sum(d.planned), 4)::text END AS rate",
                ]).joined(separator: ", "))
                FROM investment_disbursement d
                WHERE d.fiscal_year = $1 AND ($2::text IS NULL OR $2 = ANY(treasury_ancestors(d.treasury_code)))
                \(grouped.isEmpty ? "" : "GROUP BY " + grouped.joined(separator: ", ") + " ORDER BY " + grouped.joined(separator: ", "))
                """
            let rows = try await context.core.reportPool.withConnection { connection in
                try connection.query(sql, [p.integer("fiscal_year"), p.optionalString("treasury_code")]).rows
            }
            var count = 0
            // Ungrouped over no plan, the sums are NULL: no item, as in BudgetExecution.
            for row in rows where row["planned"] != nil {
                var item = JSONObject()
                for key in keys { item[key] = .optionalString(row[key]) }
                for figure in ["planned", "disbursed", "advance_outstanding", "rate"] { item[figure] = .optionalString(row[figure]) }
                try await stream.send(.object(item))
                count += 1
            }
            return .object(["count": .integer(count)])
        })

    static let overdueAdvances = MethodDeclaration(
        "treasury.v1.Reports/OverdueAdvances",
        "Streams the contract advances paid and not recovered whose contract ended more than 3 months before as_of, with the days overdue, in the caller's scope.",
        roles: ReportMethods.readers,
        params: [Field("as_of", .date)],
        handler: .streaming { context, stream in
            let scope = ScopeFilter(context.eligibleGrants)
            let count = try await Paging.stream(context, stream, sql: """
                SELECT v.order_id, v.contract_id, v.contract_no, v.project_code, v.investor_unit_code, v.treasury_code, v.fiscal_year,
                       v.allocation_id, v.amount::text AS amount, v.settled::text AS recovered, v.outstanding::text AS outstanding,
                       v.ends_on::text AS ends_on, v.recovery_deadline::text AS recovery_deadline,
                       ($3::date - v.recovery_deadline) AS days_overdue
                FROM contract_advances_outstanding v
                WHERE v.order_id > $1 AND v.recovery_deadline < $3::date
                  AND ($4 OR v.investor_unit_code = ANY($5::text[]) OR treasury_ancestors(v.treasury_code) && $6::text[])
                ORDER BY v.order_id LIMIT $2
                """, parameters: [context.params.string("as_of"), scope.everything, scope.units, scope.treasuries], key: "order_id") { row in
                .object([
                    "order_id": .string(row["order_id"] ?? ""), "contract_id": .string(row["contract_id"] ?? ""),
                    "contract_no": .optionalString(row["contract_no"]), "project_code": .optionalString(row["project_code"]),
                    "investor_unit_code": .optionalString(row["investor_unit_code"]), "treasury_code": .optionalString(row["treasury_code"]),
                    "fiscal_year": .integer(try row.decode(Int64.self, "fiscal_year")), "allocation_id": .string(row["allocation_id"] ?? ""),
                    "amount": .optionalString(row["amount"]), "recovered": .optionalString(row["recovered"]),
                    "outstanding": .optionalString(row["outstanding"]), "ends_on": .optionalString(row["ends_on"]),
                    "recovery_deadline": .optionalString(row["recovery_deadline"]),
                    "days_overdue": .integer(try row.decode(Int64.self, "days_overdue")),
                ])
            }
            return .object(["count": .integer(count)])
        })
}
