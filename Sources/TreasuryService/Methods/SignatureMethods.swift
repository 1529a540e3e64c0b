import Crypto
import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// Signature specimens and signed filings (issue #13; API.md "Procedures and signatures";
// docs/procedures.md). A unit's filing is signed by its chief accountant and its head or
// deputy, each under a specimen the unit registered, over the call's signing text:
//   <full method name> "\n" <idempotency key> "\n" <params as sent, RFC 8785 canonical JSON>
// Dossiers.open checks the signatures before it files the dossier and stores them with it.

/// Whether unsigned unit filings are refused (`--signatures`, `TREASURY_SIGNATURES`).
public enum SignaturePolicy: String, Sendable, CaseIterable {
    /// Every filing a unit accountant makes must be signed (the default).
    case required
    /// Unsigned filings are accepted; signatures sent are still checked and stored.
    case optional
}

/// The signatures a unit filing carries, checked: what to store with its dossier.
struct SignedFiling: Sendable {
    var text: String
    /// (specimen id, the 64 signature bytes)
    var signatures: [(Int64, Data)]
}

enum Signatures {
    static let reasons = ["SIGNATURE_MISSING", "SIGNATURE_INVALID", "SPECIMEN_NOT_VALID"]

    /// The text a filing's signers sign.
    static func signingText(method: String, idempotencyKey: String, params: JSONObject) throws -> String {
        "\(method)\n\(idempotencyKey)\n\(try JSON.object(params).canonicalized())"
    }

    /// Whether the algorithm's signature over `message` verifies under the public key.
    static func isValid(algorithm: String, publicKey: Data, signature: Data, message: Data) -> Bool {
        switch algorithm {
        case "ED25519":
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
            return key.isValidSignature(signature, for: message)
        case "ECDSA_P256":
            guard let key = try? P256.Signing.PublicKey(x963Representation: publicKey),
                  let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: message)
        default:
            return false
        }
    }

    /// A specimen as the checks need it.
    struct Specimen: Sendable {
        var id: Int64
        var unitCode: String
        var title: String
        var algorithm: String
        var publicKey: Data
        var validFrom: String
        var validTo: String?
        var revokedAt: Date?

        /// Valid on the local day of `instant` and not revoked by then.
        func isValid(at instant: Date) -> Bool {
            let day = TreasuryTime.localDate(of: instant).description
            return validFrom <= day && (validTo.map { day <= $0 } ?? true) && (revokedAt.map { $0 > instant } ?? true)
        }

        static func load(_ connection: PostgresConnection, ids: [Int64]) throws -> [Int64: Specimen] {
            guard !ids.isEmpty else { return [:] }
            let rows = try connection.query(
                """
                SELECT id, unit_code, title, algorithm, encode(public_key, 'base64') AS public_key, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
                       to_char(valid_to, 'YYYY-MM-DD') AS valid_to, extract(epoch FROM revoked_at)::float8 AS revoked_at
                FROM signature_specimens WHERE id = ANY($1::bigint[])
                """, ["{" + ids.map(String.init).joined(separator: ",") + "}"]).rows
            var specimens: [Int64: Specimen] = [:]
            for row in rows {
                let id = try row.decode(Int64.self, "id")
                specimens[id] = Specimen(
                    id: id, unitCode: try row.decode(String.self, "unit_code"), title: try row.decode(String.self, "title"),
                    algorithm: try row.decode(String.self, "algorithm"),
                    publicKey: Data(base64Encoded: (row["public_key"] ?? "").replacingOccurrences(of: "\n", with: "")) ?? Data(),
                    validFrom: try row.decode(String.self, "valid_from"), validTo: row["valid_to"],
                    revokedAt: row["revoked_at"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) })
            }
            return specimens
        }
    }

    /// The `signatures` metadata: a JSON array (as a string) of {specimen_id, signature}.
    static func parse(_ metadata: String) throws -> [(specimen: Int64, signature: Data)] {
        let field = "metadata.signatures"
        guard let items = (try? JSON.parse(metadata))?.arrayValue, (1...10).contains(items.count) else {
            throw CallError.field(field, "FIELD_INVALID", "signatures must be a JSON array of 1 to 10 {specimen_id, signature} objects, as a string")
        }
        return try items.enumerated().map { index, item in
            guard let object = item.objectValue, object.count == 2,
                  let id = object["specimen_id"]?.stringValue.flatMap({ Int64($0) }) ?? object["specimen_id"]?.integerValue,
                  let text = object["signature"]?.stringValue, let signature = Data(base64Encoded: text), signature.count == 64 else {
                throw CallError.field("\(field)[\(index)]", "FIELD_INVALID",
                                      "each signature is {\"specimen_id\": \"<id>\", \"signature\": \"<base64 of 64 bytes>\"}")
            }
            return (id, signature)
        }
    }

    /// A unit accountant's filing for `unit`: refuses unless it carries a valid signature of
    /// the unit's CHIEF_ACCOUNTANT and one of its HEAD or DEPUTY, each under a specimen valid
    /// at the call's time; nil when the filing needs no signature (an officer's, or unsigned
    /// under the optional policy).
    static func checkFiling(_ connection: PostgresConnection, _ context: CallContext, unit: String) throws -> SignedFiling? {
        let metadata = context.call.metadata["signatures"]
        guard Set(context.eligibleGrants.map(\.role)) == [.unitAccountant] else { return nil }
        if metadata == nil, context.core.configuration.signatures == .optional { return nil }
        let given = try metadata.map(parse) ?? []
        let text = try signingText(method: context.call.method, idempotencyKey: context.call.metadata["idempotency-key"] ?? "",
                                   params: context.call.params)
        let message = Data(text.utf8)
        let specimens = try Specimen.load(connection, ids: given.map(\.specimen))
        var kept: [(Int64, Data)] = []
        // Per title (a DEPUTY stands for the HEAD): satisfied by a valid signature under a valid
        // specimen; else the best reason why not: a signature that verifies only under a revoked
        // or out-of-date specimen (SPECIMEN_NOT_VALID), one that does not verify (SIGNATURE_INVALID).
        var satisfied = Set<String>(), notValid: [String: CallError] = [:], invalid: [String: CallError] = [:]
        for (id, signature) in given {
            guard let specimen = specimens[id], specimen.unitCode == unit else {
                throw CallError(.failedPrecondition, "SIGNATURE_INVALID", "specimen \(id) is not a signature specimen of unit \(unit)",
                                details: ["specimen_id": .string(String(id))])
            }
            let title = specimen.title == "DEPUTY" ? "HEAD" : specimen.title
            let details: JSONObject = ["specimen_id": .string(String(id)), "title": .string(specimen.title)]
            if !isValid(algorithm: specimen.algorithm, publicKey: specimen.publicKey, signature: signature, message: message) {
                invalid[title] = invalid[title] ?? CallError(.failedPrecondition, "SIGNATURE_INVALID",
                    "the signature under specimen \(id) (\(specimen.title)) does not verify over this call's signing text", details: details)
            } else if !specimen.isValid(at: context.now) {
                notValid[title] = notValid[title] ?? CallError(.failedPrecondition, "SPECIMEN_NOT_VALID",
                    "specimen \(id) (\(specimen.title)) is revoked or not valid on \(context.today)", details: details)
            } else {
                satisfied.insert(title)
                kept.append((id, signature))
            }
        }
        for title in ["CHIEF_ACCOUNTANT", "HEAD"] where !satisfied.contains(title) {
            if let error = notValid[title] ?? invalid[title] { throw error }
            let needed = title == "HEAD" ? "HEAD or DEPUTY" : title
            throw CallError(.failedPrecondition, "SIGNATURE_MISSING", "the filing needs a signature of the unit's \(needed)",
                            details: ["title": .string(needed)])
        }
        return SignedFiling(text: text, signatures: kept)
    }

    /// Stores a checked filing's signing text and signatures with its dossier.
    static func store(_ connection: PostgresConnection, dossier: Int64, _ filing: SignedFiling) throws {
        try connection.query(
            "INSERT INTO dossier_signings (dossier_id, signing_text, signing_hash) VALUES ($1, $2, sha256(convert_to($2, 'UTF8')))",
            [dossier, filing.text])
        for (specimen, signature) in filing.signatures {
            try connection.query("INSERT INTO dossier_signatures (dossier_id, specimen_id, signature) VALUES ($1, $2, decode($3, 'base64'))",
                                 [dossier, specimen, signature.base64EncodedString()])
        }
    }
}

enum SignatureMethods {
    static var all: [MethodDeclaration] { [registerSpecimen, revokeSpecimen, list, verifySignatures] }

    static let unitCode = ParamType.string(.digits(7), maximumLength: 7)
    static let identifier = ParamType.string(.digits(1...18), maximumLength: 18)

    static func unitNotFound(_ unit: String) -> CallError {
        CallError(.notFound, "UNIT_NOT_FOUND", "budget unit \(unit) does not exist", details: ["unit_code": .string(unit)])
    }

    static let registerSpecimen = MethodDeclaration(
        "treasury.v1.Signatures/RegisterSpecimen",
        "Registers a signature specimen of a unit's signer (an ACCOUNT_OPEN dossier, completed at once): the public key its filings' signatures must verify under between valid_from and valid_to.",
        roles: [.treasuryOfficer],
        params: [Field("unit_code", unitCode), Field("signer_name", .string(.nonEmptyText, maximumLength: 200)),
                 Field("title", .enumeration(["HEAD", "CHIEF_ACCOUNTANT", "DEPUTY"])), Field("algorithm", .enumeration(["ED25519", "ECDSA_P256"])),
                 Field("public_key", .string(.nonEmptyText, maximumLength: 200)), Field("valid_from", .date), .optional("valid_to", .date),
                 CommonFields.channel],
        reasons: ["UNIT_NOT_FOUND"],
        handler: .mutating { context, connection in
            let p = context.params, unit = p.string("unit_code")
            guard let (target, treasury) = try BudgetUnit.scope(connection, unit) else {
                return Staged(target: nil) { throw unitNotFound(unit) }
            }
            return Staged(target: target) {
                let algorithm = p.string("algorithm")
                guard let key = Data(base64Encoded: p.string("public_key")), publicKeyIsValid(algorithm: algorithm, key) else {
                    throw CallError.field("params.public_key", "FIELD_INVALID",
                                          algorithm == "ED25519" ? "public_key is the base64 of Ed25519's 32 raw bytes"
                                                                 : "public_key is the base64 of P-256's uncompressed point (65 bytes, 0x04 X Y)")
                }
                if let to = p.optionalString("valid_to"), to < p.string("valid_from") {
                    throw CallError.field("params.valid_to", "FIELD_INVALID", "valid_to must not be before valid_from")
                }
                let id = try Spending.nextID(connection, "treasury.signature_specimens_id_seq")
                let dossier = try Dossiers.open(connection, context, procedure: .accountOpen, unit: unit, treasury: treasury,
                                                subjectKind: "SIGNATURE_SPECIMEN", subjectID: String(id), completed: true)
                try connection.query(
                    """
                    INSERT INTO signature_specimens (id, unit_code, signer_name, title, algorithm, public_key, valid_from, valid_to, dossier_id, created_by)
                    VALUES ($1, $2, $3, $4, $5, decode($6, 'base64'), $7::date, $8::date, $9, $10)
                    """, [id, unit, p.string("signer_name"), p.string("title"), algorithm, key.base64EncodedString(),
                          p.string("valid_from"), p.optionalString("valid_to"), dossier, context.caller.userID])
                return .object(["specimen_id": .string(String(id)), "dossier_id": .string(String(dossier))])
            }
        })

    static func publicKeyIsValid(algorithm: String, _ key: Data) -> Bool {
        switch algorithm {
        case "ED25519": key.count == 32 && (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil
        case "ECDSA_P256": key.count == 65 && key.first == 4 && (try? P256.Signing.PublicKey(x963Representation: key)) != nil
        default: false
        }
    }

    static let revokeSpecimen = MethodDeclaration(
        "treasury.v1.Signatures/RevokeSpecimen",
        "Revokes a signature specimen: signatures made under it from now on do not count.",
        roles: [.treasuryOfficer],
        params: [Field("specimen_id", identifier), Field("reason", .string(.nonEmptyText, maximumLength: 500))],
        reasons: ["SPECIMEN_NOT_FOUND", "INVALID_STATUS"],
        handler: .mutating { context, connection in
            let id = context.params.string("specimen_id")
            guard let row = try connection.query(
                "SELECT unit_code, revoked_at IS NOT NULL AS revoked FROM signature_specimens WHERE id = $1 FOR UPDATE", [context.params.identifier("specimen_id")]).first,
                  let unit = row["unit_code"], let (target, _) = try BudgetUnit.scope(connection, unit) else {
                return Staged(target: nil) {
                    throw CallError(.notFound, "SPECIMEN_NOT_FOUND", "signature specimen \(id) does not exist", details: ["specimen_id": .string(id)])
                }
            }
            return Staged(target: target) {
                guard row["revoked"] != "t" else {
                    throw CallError(.failedPrecondition, "INVALID_STATUS", "signature specimen \(id) is already revoked", details: ["specimen_id": .string(id)])
                }
                let revoked = try connection.query(
                    "UPDATE signature_specimens SET revoked_by = $2, revoke_reason = $3 WHERE id = $1 RETURNING \(SQL.timestamp("revoked_at", as: "revoked_at"))",
                    [context.params.identifier("specimen_id"), context.caller.userID, context.params.string("reason")]).first?["revoked_at"]
                return .object(["specimen_id": .string(id), "revoked_at": .optionalString(revoked)])
            }
        })

    static func specimenJSON(_ row: PostgresRow) -> JSON {
        .object([
            "specimen_id": .optionalString(row["id"]), "unit_code": .optionalString(row["unit_code"]),
            "signer_name": .optionalString(row["signer_name"]), "title": .optionalString(row["title"]),
            "algorithm": .optionalString(row["algorithm"]), "public_key": .optionalString(row["public_key"]),
            "valid_from": .optionalString(row["valid_from"]), "valid_to": .optionalString(row["valid_to"]),
            "revoked_at": .optionalString(row["revoked_at"]), "revoke_reason": .optionalString(row["revoke_reason"]),
        ])
    }

    static let list = MethodDeclaration(
        "treasury.v1.Signatures/List", "Streams a unit's signature specimens, revoked ones included.",
        roles: [.treasuryOfficer, .unitAccountant, .auditor],
        params: [Field("unit_code", unitCode)],
        reasons: ["UNIT_NOT_FOUND"],
        handler: .streaming { context, stream in
            let unit = context.params.string("unit_code")
            let target = try await context.core.pool.withConnection { connection in try BudgetUnit.scope(connection, unit)?.target }
            guard let target else { throw unitNotFound(unit) }
            try context.authorize(target)
            let count = try await Paging.stream(context, stream, sql: """
                SELECT id, unit_code, signer_name, title, algorithm, replace(encode(public_key, 'base64'), E'\\n', '') AS public_key,
                       to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to,
                       \(SQL.timestamp("revoked_at", as: "revoked_at")), revoke_reason
                FROM signature_specimens WHERE id > $1 AND unit_code = $3 ORDER BY id LIMIT $2
                """, parameters: [unit], item: specimenJSON)
            return .object(["count": .integer(count)])
        })

    static let verifySignatures = MethodDeclaration(
        "treasury.v1.Dossiers/VerifySignatures",
        "Checks a signed dossier's signatures again against its stored signing text and the specimens as they were when it was received.",
        roles: [.treasuryOfficer, .chiefAccountant, .auditor],
        params: [Field("dossier_id", .string(.text, maximumLength: 20))],
        reasons: ["DOSSIER_NOT_FOUND"],
        handler: .read { context, connection in
            let id = context.params.string("dossier_id")
            guard let number = Int64(id), let row = try connection.query(
                """
                SELECT d.id, d.unit_code, extract(epoch FROM d.received_at)::float8 AS received_at, treasury_ancestors(d.treasury_code) AS chain,
                       s.signing_text, s.signing_hash = sha256(convert_to(s.signing_text, 'UTF8')) AS intact
                FROM dossiers d LEFT JOIN dossier_signings s ON s.dossier_id = d.id WHERE d.id = $1
                """, [number]).first else {
                return Staged(target: nil) { throw CallError(.notFound, "DOSSIER_NOT_FOUND", "dossier \(id) does not exist") }
            }
            return Staged(target: DossierMethods.target(row)) { try verify(connection, row) }
        })

    static func verify(_ connection: PostgresConnection, _ dossier: PostgresRow) throws -> JSON {
        let id = dossier["id"] ?? ""
        guard let text = dossier["signing_text"] else {
            return .object(["dossier_id": .string(id), "signed": .bool(false), "valid": .bool(false), "signatures": .array([])])
        }
        let received = Date(timeIntervalSince1970: Double(dossier["received_at"] ?? "") ?? 0)
        let stored = try connection.query(
            "SELECT specimen_id, replace(encode(signature, 'base64'), E'\\n', '') AS signature FROM dossier_signatures WHERE dossier_id = $1 ORDER BY specimen_id",
            [Int64(id) ?? 0]).rows
        let specimens = try Signatures.Specimen.load(connection, ids: stored.compactMap { $0["specimen_id"].flatMap { Int64($0) } })
        let message = Data(text.utf8)
        var titles = Set<String>(), items: [JSON] = []
        for row in stored {
            let specimenID = Int64(row["specimen_id"] ?? "") ?? 0
            let signature = Data(base64Encoded: row["signature"] ?? "") ?? Data()
            var item: JSONObject = ["specimen_id": .string(String(specimenID))]
            guard let specimen = specimens[specimenID] else { continue }
            item["title"] = .string(specimen.title)
            if specimen.unitCode != dossier["unit_code"]
                || !Signatures.isValid(algorithm: specimen.algorithm, publicKey: specimen.publicKey, signature: signature, message: message) {
                item["valid"] = .bool(false)
                item["reason"] = .string("SIGNATURE_INVALID")
            } else if !specimen.isValid(at: received) {
                item["valid"] = .bool(false)
                item["reason"] = .string("SPECIMEN_NOT_VALID")
            } else {
                item["valid"] = .bool(true)
                titles.insert(specimen.title == "DEPUTY" ? "HEAD" : specimen.title)
            }
            items.append(.object(item))
        }
        let intact = dossier["intact"] == "t"
        let valid = intact && titles.isSuperset(of: ["CHIEF_ACCOUNTANT", "HEAD"])
            && items.allSatisfy { $0.objectValue?["valid"] == .bool(true) }
        return .object(["dossier_id": .string(id), "signed": .bool(true), "valid": .bool(valid), "signing_text_intact": .bool(intact),
                        "signatures": .array(items)])
    }
}
