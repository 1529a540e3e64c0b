import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// The online public services' dossiers: what was received, when it is due, how it ended.
enum DossierMethods {
    static let readers: [Role] = [.unitAccountant, .treasuryOfficer, .chiefAccountant, .auditor, .taxAuthority, .budgetAuthority]
    static var all: [MethodDeclaration] { [get, list, requestSupplement, supplement] }
    static let statuses = ["RECEIVED", "PROCESSING", "SUPPLEMENT_REQUESTED", "COMPLETED", "REJECTED", "CANCELLED"]

    static let columns = """
        d.id, d.procedure, d.unit_code, d.treasury_code, d.channel, \(SQL.timestamp("d.received_at", as: "received_at")),
        \(SQL.timestamp("d.due_at", as: "due_at")), d.status, \(SQL.timestamp("d.completed_at", as: "completed_at")),
        d.subject_kind, d.subject_id, treasury_ancestors(d.treasury_code) AS chain,
        \(SQL.timestamp("d.supplement_requested_at", as: "supplement_requested_at")),
        (SELECT u.username FROM users u WHERE u.id = d.supplement_requested_by) AS supplement_requested_by,
        to_jsonb(d.supplement_items)::text AS supplement_items, \(SQL.timestamp("d.supplemented_at", as: "supplemented_at")),
        (SELECT u.username FROM users u WHERE u.id = d.supplemented_by) AS supplemented_by, d.supplement_note,
        (SELECT o.reject_reasons::text FROM payment_orders o WHERE o.dossier_id = d.id AND o.reject_reasons IS NOT NULL LIMIT 1) AS reasons
        """

    static func json(_ row: PostgresRow) -> JSON {
        .object([
            "dossier_id": .optionalString(row["id"]), "procedure": .optionalString(row["procedure"]),
            "unit_code": .optionalString(row["unit_code"]), "treasury_code": .optionalString(row["treasury_code"]),
            "channel": .optionalString(row["channel"]), "received_at": .optionalString(row["received_at"]),
            "due_at": .optionalString(row["due_at"]), "status": .optionalString(row["status"]),
            "completed_at": .optionalString(row["completed_at"]),
            "subject": .object(["kind": .optionalString(row["subject_kind"]), "id": .optionalString(row["subject_id"])]),
            "supplement": supplementJSON(row),
            "reasons": SpendingMethods.rejectReasons(row["reasons"]),
        ])
    }

    /// The one supplement request and its answer, or null when none was asked for.
    static func supplementJSON(_ row: PostgresRow) -> JSON {
        guard let requested = row["supplement_requested_at"] else { return .null }
        return .object([
            "requested_at": .string(requested), "requested_by": .optionalString(row["supplement_requested_by"]),
            "items": .array(row["supplement_items"].flatMap { try? JSON.parse($0).arrayValue } ?? []),
            "supplemented_at": .optionalString(row["supplemented_at"]), "supplemented_by": .optionalString(row["supplemented_by"]),
            "note": .optionalString(row["supplement_note"]),
        ])
    }

    static func target(_ row: PostgresRow) -> AccessTarget {
        .treasury(SQL.codes(row["chain"]), unit: row["unit_code"])
    }

    static let get = MethodDeclaration(
        "treasury.v1.Dossiers/Get", "One dossier of an online public service.",
        roles: readers,
        params: [Field("dossier_id", .string(.text, maximumLength: 20))],
        reasons: ["DOSSIER_NOT_FOUND"],
        handler: .read { context, connection in
            let id = context.params.string("dossier_id")
            guard let number = Int64(id), let row = try connection.query("SELECT \(columns) FROM dossiers d WHERE d.id = $1", [number]).first else {
                return Staged(target: nil) { throw CallError(.notFound, "DOSSIER_NOT_FOUND", "dossier \(id) does not exist") }
            }
            return Staged(target: target(row)) { json(row) }
        })

    static let list = MethodDeclaration(
        "treasury.v1.Dossiers/List", "Streams the dossiers in the caller's scope, oldest first, filtered by status, procedure, unit and receipt date.",
        roles: readers,
        params: [.optional("status", .enumeration(statuses)),
                 .optional("procedure", .enumeration(Procedure.allCases.map(\.rawValue))),
                 .optional("unit_code", .string(.digits(7), maximumLength: 7)), .optional("from", .date), .optional("to", .date)],
        handler: .streaming { context, stream in
            let scope = ScopeFilter(context.eligibleGrants)
            let p = context.params
            let count = try await Paging.stream(context, stream, sql: """
                SELECT \(columns) FROM dossiers d
                WHERE d.id > $1
                  AND ($3 OR d.unit_code = ANY($4::text[]) OR treasury_ancestors(d.treasury_code) && $5::text[])
                  AND ($6::text IS NULL OR d.status = $6) AND ($7::text IS NULL OR d.procedure = $7)
                  AND ($8::text IS NULL OR d.unit_code = $8)
                  AND ($9::date IS NULL OR d.received_at >= ($9::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
                  AND ($10::date IS NULL OR d.received_at < (($10::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
                ORDER BY d.id LIMIT $2
                """, parameters: [scope.everything, scope.units, scope.treasuries, p.optionalString("status"), p.optionalString("procedure"),
                                  p.optionalString("unit_code"), p.optionalString("from"), p.optionalString("to")], item: json)
            return .object(["count": .integer(count)])
        })
}
