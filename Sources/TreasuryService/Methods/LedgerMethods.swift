import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// The general ledger: entries, the trial balance, and closing periods.
enum LedgerMethods {
    static let readers: [Role] = [.treasuryOfficer, .chiefAccountant, .auditor]
    static var all: [MethodDeclaration] { [getEntry, trialBalance, closePeriod] }

    static let segmentColumns = ["fund", "economic_code", "budget_level", "unit_code", "area_code", "chapter", "sector",
                                 "program", "treasury_code", "source", "reserve", "bank_code", "project_code", "account_no"]

    static let getEntry = MethodDeclaration(
        "treasury.v1.Ledger/GetEntry", "A journal entry with its lines and their accounting segments.",
        roles: readers,
        params: [Field("entry_id", .string(.text, maximumLength: 20))],
        reasons: ["ENTRY_NOT_FOUND"],
        handler: .read { context, connection in
            let id = context.params.string("entry_id")
            guard let number = Int64(id), let entry = try connection.query(
                """
                SELECT e.id, \(SQL.timestamp("e.posted_at", as: "posted_at")), to_char(e.accounting_date, 'YYYY-MM-DD') AS accounting_date,
                       e.source_kind, e.source_id, e.treasury_code, e.memo, treasury_ancestors(e.treasury_code) AS chain
                FROM journal_entries e WHERE e.id = $1
                """, [number]).first
            else {
                return Staged(target: nil) { throw CallError(.notFound, "ENTRY_NOT_FOUND", "entry \(id) does not exist") }
            }
            let lines = try connection.query(
                "SELECT gl_account, currency, debit, credit, \(segmentColumns.joined(separator: ", ")) FROM journal_lines WHERE entry_id = $1 ORDER BY line_no",
                [number]).rows
            return Staged(target: .treasury(SQL.codes(entry["chain"]))) {
                .object([
                    "entry_id": .string(id), "posted_at": .optionalString(entry["posted_at"]), "accounting_date": .optionalString(entry["accounting_date"]),
                    "treasury_code": .optionalString(entry["treasury_code"]), "memo": .optionalString(entry["memo"]),
                    "source": .object(["kind": .optionalString(entry["source_kind"]), "id": .optionalString(entry["source_id"])]),
                    "lines": .array(lines.map { line in
                        var segments = JSONObject()
                        for column in segmentColumns { if let value = line[column] { segments[column] = .string(value) } }
                        return .object(["gl_account": .optionalString(line["gl_account"]), "currency": .optionalString(line["currency"]),
                                        "segments": .object(segments), "debit": .optionalString(line["debit"]), "credit": .optionalString(line["credit"])])
                    }),
                ])
            }
        })

    static let trialBalance = MethodDeclaration(
        "treasury.v1.Ledger/TrialBalance",
        "Streams debit and credit totals per GL account for a fiscal year (optionally one treasury and those under it, through a date).",
        roles: readers,
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)), .optional("through", .date)],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .streaming { context, stream in
            let year = context.params.integer("fiscal_year")
            let treasury = context.params.optionalString("treasury_code")
            let through = context.params.optionalString("through")
            let rows = try await context.core.reportPool.transaction(isolation: .repeatableRead) { connection -> [PostgresRow]? in
                if let treasury {
                    let chain = try SQL.treasuryAncestors(connection, treasury)
                    guard !chain.isEmpty else { return nil }
                    try context.authorize(.treasury(chain))
                } else {
                    try context.authorize(.global)
                }
                return try connection.query(
                    """
                    SELECT l.gl_account, sum(l.debit)::text AS debit, sum(l.credit)::text AS credit
                    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                    WHERE e.accounting_date >= make_date($1::int, 1, 1) AND e.accounting_date < make_date($1::int + 1, 1, 1)
                      AND ($2::date IS NULL OR e.accounting_date <= $2::date)
                      AND ($3::text IS NULL OR $3 = ANY(treasury_ancestors(e.treasury_code)))
                    GROUP BY l.gl_account ORDER BY l.gl_account
                    """, [year, through, treasury]).rows
            }
            guard let rows else { throw CallError(.notFound, "TREASURY_NOT_FOUND", "treasury \(treasury ?? "") does not exist") }
            var totalDebit: Int64 = 0, totalCredit: Int64 = 0
            for row in rows {
                let debit = try row.decode(Int64.self, "debit"), credit = try row.decode(Int64.self, "credit")
                totalDebit += debit
                totalCredit += credit
                try await stream.send(.object(["gl_account": .optionalString(row["gl_account"]), "debit": .money(debit), "credit": .money(credit)]))
            }
            return .object(["total_debit": .money(totalDebit), "total_credit": .money(totalCredit)])
        })

    /// Periods are the province ledger's months, so closing one needs a chief accountant whose
    /// scope covers the whole ledger: `*` or a top-level treasury.
    static let closePeriod = MethodDeclaration(
        "treasury.v1.Periods/Close", "Closes a month of a fiscal year; months close in order and nothing posts into a closed month.",
        roles: [.chiefAccountant],
        params: [Field("fiscal_year", .integer(1900...9999)), Field("month", .integer(1...12))],
        reasons: ["PREVIOUS_PERIOD_OPEN", "PERIOD_ALREADY_CLOSED", "PERIOD_NOT_STARTED"],
        handler: .mutating { context, connection in
            let roots = try connection.query("SELECT code FROM treasuries WHERE parent_code IS NULL").rows.compactMap { $0["code"] }
            return Staged(target: AccessTarget(scopes: Set(roots.map { "T:\($0)" }))) {
                let year = Int(context.params.integer("fiscal_year")), month = Int(context.params.integer("month"))
                let today = context.today
                guard (year, month) <= (today.year, today.month) else {
                    throw CallError(.failedPrecondition, "PERIOD_NOT_STARTED", "\(year)-\(String(format: "%02d", month)) has not started yet")
                }
                let statuses = try connection.query(
                    "SELECT month, status FROM periods WHERE fiscal_year = $1 AND month IN ($2, $2 - 1) FOR UPDATE", [year, month]).rows
                let status = { (m: Int) in statuses.first { $0["month"] == String(m) }?["status"] ?? "OPEN" }
                if status(month) == "CLOSED" {
                    throw CallError(.failedPrecondition, "PERIOD_ALREADY_CLOSED", "\(year)-\(String(format: "%02d", month)) is already closed")
                }
                if month > 1, status(month - 1) != "CLOSED" {
                    throw CallError(.failedPrecondition, "PREVIOUS_PERIOD_OPEN", "close \(year)-\(String(format: "%02d", month - 1)) first",
                                    details: ["fiscal_year": .integer(year), "month": .integer(month - 1)])
                }
                try connection.query(
                    """
                    INSERT INTO periods (fiscal_year, month, status, closed_by) VALUES ($1, $2, 'CLOSED', $3)
                    ON CONFLICT (fiscal_year, month) DO UPDATE SET status = 'CLOSED', closed_by = EXCLUDED.closed_by
                    """, [year, month, context.caller.userID])
                return .object(["fiscal_year": .integer(year), "month": .integer(month), "status": .string("CLOSED")])
            }
        })
}
