import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// One supplement request per dossier (Decree 347/2025 Art 6; API.md "Procedures and
// signatures"): an officer asks for everything missing at once, the clock stops, and the unit's
// supplement restarts it, due_at counted from then. The schema holds the same rules for every
// writer (dossiers_guard: dossier_supplement_once, dossier_status_transition,
// dossier_immutable_fields; the CHECK dossier_supplement_shape).
extension DossierMethods {
    /// A dossier locked for a change, with what the supplement methods need.
    struct Locked {
        var id: Int64
        var status: String
        var procedure: Procedure
        var channel: Channel
        var supplementRequested: Bool
        /// The dossier's subject is an advance payment order (its limit may be shorter).
        var advance: Bool
        var unitCode: String?
        var target: AccessTarget
    }

    /// Finds and locks a dossier, or answers DOSSIER_NOT_FOUND.
    static func lock(_ connection: PostgresConnection, _ id: String) throws -> Locked? {
        guard let number = Int64(id), let row = try connection.query(
            """
            SELECT d.id, d.status, d.procedure, d.channel, d.unit_code, d.supplement_requested_at IS NOT NULL AS requested,
                   EXISTS (SELECT 1 FROM payment_orders o WHERE o.dossier_id = d.id AND o.kind = 'ADVANCE') AS advance,
                   treasury_ancestors(d.treasury_code) AS chain
            FROM dossiers d WHERE d.id = $1 FOR UPDATE OF d
            """, [number]).first else { return nil }
        guard let procedure = Procedure(rawValue: try row.decode(String.self, "procedure")) else {
            throw CallError(.internal, "INTERNAL", "dossier \(id) has a procedure this server does not know")
        }
        return Locked(id: number, status: try row.decode(String.self, "status"), procedure: procedure,
                      channel: Channel(rawValue: try row.decode(String.self, "channel")) ?? .online,
                      supplementRequested: try row.decode(Bool.self, "requested"), advance: try row.decode(Bool.self, "advance"),
                      unitCode: row["unit_code"], target: target(row))
    }

    static func notFound(_ id: String) -> CallError {
        CallError(.notFound, "DOSSIER_NOT_FOUND", "dossier \(id) does not exist", details: ["dossier_id": .string(id)])
    }

    static func invalidStatus(_ dossier: Locked, _ message: String) -> CallError {
        CallError(.failedPrecondition, "INVALID_STATUS", "dossier \(dossier.id) is \(dossier.status); \(message)",
                  details: ["dossier_id": .string(String(dossier.id)), "status": .string(dossier.status)])
    }

    /// The dossier as Dossiers/Get shows it, after the change.
    static func reread(_ connection: PostgresConnection, _ id: Int64) throws -> JSON {
        guard let row = try connection.query("SELECT \(columns) FROM dossiers d WHERE d.id = $1", [id]).first else {
            throw notFound(String(id))
        }
        return json(row)
    }

    static let requestSupplement = MethodDeclaration(
        "treasury.v1.Dossiers/RequestSupplement",
        "An officer asks the unit for a supplement, listing everything missing at once: the dossier becomes SUPPLEMENT_REQUESTED and its clock stops. Only once per dossier.",
        roles: [.treasuryOfficer],
        params: [Field("dossier_id", .string(.text, maximumLength: 20)),
                 Field("items", .array(.string(.nonEmptyText, maximumLength: 1000), count: 1...20), "everything the unit must supply, at once")],
        reasons: ["DOSSIER_NOT_FOUND", "INVALID_STATUS", "SUPPLEMENT_ALREADY_REQUESTED"],
        handler: .mutating { context, connection in
            let id = context.params.string("dossier_id"), items = context.params.strings("items")
            if let blank = items.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw CallError.field("params.items[\(blank)]", "FIELD_INVALID", "params.items[\(blank)] must say what is missing")
            }
            guard let dossier = try lock(connection, id) else { return Staged(target: nil) { throw notFound(id) } }
            return Staged(target: dossier.target) {
                guard ["RECEIVED", "PROCESSING", "SUPPLEMENT_REQUESTED"].contains(dossier.status) else {
                    throw invalidStatus(dossier, "a supplement is asked for only while it is being handled")
                }
                guard !dossier.supplementRequested else {
                    throw CallError(.failedPrecondition, "SUPPLEMENT_ALREADY_REQUESTED",
                                    "dossier \(dossier.id) already had its supplement request; the treasury asks only once, for everything at once",
                                    details: ["dossier_id": .string(String(dossier.id)), "status": .string(dossier.status)])
                }
                try connection.query(
                    """
                    UPDATE dossiers SET status = 'SUPPLEMENT_REQUESTED', supplement_requested_at = to_timestamp($2),
                                        supplement_requested_by = $3, supplement_items = $4::text[]
                    WHERE id = $1
                    """, [dossier.id, SQL.epochSeconds(context.now), context.caller.userID, items])
                return try reread(connection, dossier.id)
            }
        })

    static let supplement = MethodDeclaration(
        "treasury.v1.Dossiers/Supplement",
        "The unit supplies what the treasury asked for: the dossier is PROCESSING again and due_at is counted anew from now, under its procedure's limit.",
        roles: [.unitAccountant],
        params: [Field("dossier_id", .string(.text, maximumLength: 20)), Field("note", .string(.text, maximumLength: 2000), "what was supplied")],
        reasons: ["DOSSIER_NOT_FOUND", "INVALID_STATUS"] + Signatures.reasons,
        handler: .mutating { context, connection in
            let id = context.params.string("dossier_id")
            guard let dossier = try lock(connection, id) else { return Staged(target: nil) { throw notFound(id) } }
            return Staged(target: dossier.target) {
                guard dossier.status == "SUPPLEMENT_REQUESTED" else {
                    throw invalidStatus(dossier, "only a dossier awaiting a supplement is supplemented")
                }
                // The unit's supplement changes its dossier: signed like the filing (not stored again).
                if let unit = dossier.unitCode { _ = try Signatures.checkFiling(connection, context, unit: unit) }
                let due = try Dossiers.dueAt(connection, context, procedure: dossier.procedure, channel: dossier.channel, advance: dossier.advance)
                try connection.query(
                    """
                    UPDATE dossiers SET status = 'PROCESSING', supplemented_at = to_timestamp($2), supplemented_by = $3,
                                        supplement_note = $4, due_at = to_timestamp($5)
                    WHERE id = $1
                    """, [dossier.id, SQL.epochSeconds(context.now), context.caller.userID, context.params.string("note"), SQL.epochSeconds(due)])
                return try reread(connection, dossier.id)
            }
        })
}
