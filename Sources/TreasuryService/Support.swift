import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Small SQL helpers shared by the methods.
enum SQL {
    /// A timestamptz column rendered as RFC 3339 UTC with `Z`.
    static func timestamp(_ column: String, as name: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS \(name)"
    }

    /// Parses a PostgreSQL text[] of simple codes (`{0362,0360}`); codes never need quoting.
    static func codes(_ text: String?) -> [String] {
        guard let text, text.count >= 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    /// The treasury and the treasuries above it, nearest first.
    static func treasuryAncestors(_ connection: PostgresConnection, _ code: String) throws -> [String] {
        codes(try connection.query("SELECT treasury_ancestors($1) AS chain", [code]).first?["chain"])
    }

    static func epochSeconds(_ date: Date) -> Int64 { Int64(floor(date.timeIntervalSince1970)) }
}

/// Common fields of the dossier-creating methods.
enum CommonFields {
    static let channel = Field.optional("channel", .enumeration(["ONLINE", "COUNTER"]), "ONLINE (default) or COUNTER for a paper submission registered by an officer")
}

/// Dossiers of the online public services: created by the procedure's method, due per the
/// procedure's legal limit and the working-day calendar.
/// A budget unit's place in the scope tree.
enum BudgetUnit {
    /// The scopes covering the unit and its treasury, or nil for an unknown unit.
    static func scope(_ connection: PostgresConnection, _ unit: String) throws -> (target: AccessTarget, treasury: String)? {
        guard let row = try connection.query(
            "SELECT treasury_code, treasury_ancestors(treasury_code) AS chain FROM budget_units WHERE code = $1", [unit]).first,
              let treasury = row["treasury_code"] else { return nil }
        return (.treasury(SQL.codes(row["chain"]), unit: unit), treasury)
    }
}

enum Dossiers {
    static func calendar(_ connection: PostgresConnection, from day: TreasuryTime.LocalDate, cutoff: Int) throws -> WorkingCalendar {
        let rows = try connection.query(
            "SELECT to_char(day, 'YYYY-MM-DD') AS day FROM holidays WHERE day BETWEEN $1::date AND $1::date + 90", [day.description]).rows
        return WorkingCalendar(holidays: Set(rows.compactMap { $0["day"].flatMap(TreasuryTime.LocalDate.init) }), paymentCutoffSecondsOfDay: cutoff)
    }

    /// When a dossier whose clock starts now is due: at receipt, or when a supplement arrives.
    static func dueAt(_ connection: PostgresConnection, _ context: CallContext, procedure: Procedure, channel: Channel, advance: Bool) throws -> Date {
        let calendar = try calendar(connection, from: context.today, cutoff: context.core.configuration.paymentCutoffSecondsOfDay)
        return calendar.dueAt(procedure: procedure, receivedAt: context.now, channel: channel, advance: advance)
    }

    /// Records a dossier received now; `completed` marks it done at once (an officer acting
    /// directly). `advance` says the subject is an advance, whose limit may be shorter.
    static func open(
        _ connection: PostgresConnection, _ context: CallContext, procedure: Procedure, unit: String?, treasury: String?,
        subjectKind: String, subjectID: String, completed: Bool, advance: Bool = false
    ) throws -> Int64 {
        // New dossiers are filed under a procedure in force; the schema refuses others too.
        precondition(procedure.inForce, "\(procedure.rawValue) is retired: file under \(procedure.replacedBy?.rawValue ?? "")")
        // A unit's own filing is signed (its account opening excepted: its specimens come with it).
        let signed = try unit.flatMap { procedure == .accountOpen ? nil : try Signatures.checkFiling(connection, context, unit: $0) }
        let channel = Channel(rawValue: context.params.optionalString("channel") ?? "") ?? .online
        let due = try dueAt(connection, context, procedure: procedure, channel: channel, advance: advance)
        let row = try connection.query(
            """
            INSERT INTO dossiers (procedure, unit_code, treasury_code, channel, received_at, due_at, status, completed_at,
                                  subject_kind, subject_id, created_by)
            VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($6), $7, CASE WHEN $7 = 'COMPLETED' THEN to_timestamp($5) END,
                    $8, $9, $10)
            RETURNING id
            """,
            [procedure.rawValue, unit, treasury, channel.rawValue, SQL.epochSeconds(context.now), SQL.epochSeconds(due),
             completed ? "COMPLETED" : "RECEIVED", subjectKind, subjectID, context.caller.userID]).first
        let dossier = try row?.decode(Int64.self, "id") ?? 0
        if let signed { try Signatures.store(connection, dossier: dossier, signed) }
        return dossier
    }

    /// Refuses to move a dossier on while it awaits the supplement the treasury asked for.
    static func requireNotAwaitingSupplement(_ id: Int64, status: String) throws {
        guard status != "SUPPLEMENT_REQUESTED" else {
            throw CallError(.failedPrecondition, "AWAITING_SUPPLEMENT",
                            "dossier \(id) awaits the supplement the treasury asked for; it goes on once the unit supplies it (Dossiers/Supplement)",
                            details: ["dossier_id": .string(String(id)), "status": .string(status)])
        }
    }

    /// Completes (or rejects) the open dossier of a subject, if there is one; one awaiting a
    /// supplement is not completed (AWAITING_SUPPLEMENT).
    static func finish(_ connection: PostgresConnection, _ context: CallContext, procedure: Procedure, subjectKind: String, subjectID: String, status: String) throws {
        let open = try connection.query(
            """
            SELECT id, status FROM dossiers
            WHERE procedure = $1 AND subject_kind = $2 AND subject_id = $3 AND status IN ('RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED')
            FOR UPDATE
            """, [procedure.rawValue, subjectKind, subjectID]).rows
        if status == "COMPLETED" {
            for row in open { try requireNotAwaitingSupplement(try row.decode(Int64.self, "id"), status: try row.decode(String.self, "status")) }
        }
        try connection.query(
            """
            UPDATE dossiers SET status = $4, completed_at = to_timestamp($5)
            WHERE procedure = $1 AND subject_kind = $2 AND subject_id = $3 AND status IN ('RECEIVED', 'PROCESSING', 'SUPPLEMENT_REQUESTED')
            """, [procedure.rawValue, subjectKind, subjectID, status, SQL.epochSeconds(context.now)])
    }
}

/// Posting through the schema's one-round-trip `post_entry`.
enum Ledger {
    struct Line {
        var glAccount: String
        var accountNo: String? = nil
        var debit: Int64 = 0
        var credit: Int64 = 0
        var currency = "VND"
        var segments: [String: String] = [:]

        var json: JSON {
            var object: JSONObject = ["gl_account": .string(glAccount), "currency": .string(currency),
                                      "debit": .money(debit), "credit": .money(credit)]
            if let accountNo { object["account_no"] = .string(accountNo) }
            for key in segments.keys.sorted() { object[key] = .string(segments[key]!) }
            return .object(object)
        }
    }

    struct Posted {
        var entryID: String
        var postedAt: String
        var balances: [String: Int64]
    }

    static func post(
        _ connection: PostgresConnection, _ context: CallContext, sourceKind: String, sourceID: String?,
        treasury: String, memo: String?, accountingDate: TreasuryTime.LocalDate? = nil, lines: [Line]
    ) throws -> Posted {
        let row = try connection.query(
            "SELECT post_entry($1::date, $2, $3, $4, $5, $6, $7::jsonb)::text AS posted",
            [(accountingDate ?? context.today).description, sourceKind, sourceID, treasury, memo, context.caller.userID,
             JSON.array(lines.map(\.json)).serialized()]).first
        guard let text = row?["posted"], let object = try? JSON.parse(text).objectValue else {
            throw CallError(.internal, "INTERNAL", "the ledger did not confirm the posting")
        }
        var balances: [String: Int64] = [:]
        for (account, value) in object["balances"]?.objectValue ?? [:] {
            if let text = value.stringValue, let amount = Int64(text) { balances[account] = amount }
            else if let amount = value.integerValue { balances[account] = amount }
        }
        let entryID = object["entry_id"]?.stringValue ?? object["entry_id"]?.integerValue.map { String($0) } ?? ""
        return Posted(entryID: entryID, postedAt: object["posted_at"]?.stringValue ?? "", balances: balances)
    }

    /// Refuses with PERIOD_CLOSED before any work when the accounting date's month is closed
    /// (the schema refuses it too; this gives the caller a clear answer). A closed December
    /// is period 13, still open, for a posting dated into last year in its adjustment period.
    static func requireOpenPeriod(_ connection: PostgresConnection, _ context: CallContext, date: TreasuryTime.LocalDate? = nil) throws {
        let day = date ?? context.today
        let closed = try connection.query(
            """
            SELECT 1 FROM periods WHERE fiscal_year = $1 AND month = $2 AND status = 'CLOSED'
              AND NOT ($2 = 12 AND $3 AND year_adjusting($1))
            """, [day.year, day.month, day.year < context.today.year]).first
        if closed != nil {
            throw CallError(.failedPrecondition, "PERIOD_CLOSED", "\(day.year)-\(String(format: "%02d", day.month)) is closed; nothing posts into it",
                            details: ["fiscal_year": .integer(day.year), "month": .integer(day.month)])
        }
    }
}

/// Streams query results in pages ordered by a bigint key (keyset pagination). Each page is a
/// short query of its own, so no transaction or connection is held while a slow client reads;
/// the tables paged are append-only or keyed by creation order, so no row is skipped.
enum Paging {
    /// `sql` takes `$1` = the last key seen and `$2` = the page size, then `parameters` from `$3`;
    /// it must order by `key` ascending. Returns the number of items sent.
    static func stream(
        _ context: CallContext, _ stream: any CallStream, sql: String, parameters: [any PostgresEncodable], key: String = "id",
        item: @escaping @Sendable (PostgresRow) throws -> JSON
    ) async throws -> Int {
        let pageSize = context.core.configuration.streamPageSize
        var last: Int64 = 0
        var count = 0
        while true {
            let bound: [any PostgresEncodable] = [last, pageSize] + parameters
            let rows = try await context.core.reportPool.withConnection { try $0.query(sql, bound).rows }
            for row in rows {
                try await stream.send(try item(row))
                last = try row.decode(Int64.self, key)
                count += 1
            }
            if rows.count < pageSize { return count }
        }
    }
}
