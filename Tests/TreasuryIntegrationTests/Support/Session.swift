import Crypto
import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// A signer of a unit's filings: the specimen registered for it and its private key.
struct TestSigner: Sendable {
    let specimenID: String
    let title: String
    let sign: @Sendable (Data) throws -> Data

    // The keys' raw bytes are captured (the key types are not Sendable).
    static func ed25519(_ specimenID: String, title: String, key: Curve25519.Signing.PrivateKey) -> TestSigner {
        let raw = key.rawRepresentation
        return TestSigner(specimenID: specimenID, title: title) { try Curve25519.Signing.PrivateKey(rawRepresentation: raw).signature(for: $0) }
    }

    static func p256(_ specimenID: String, title: String, key: P256.Signing.PrivateKey) -> TestSigner {
        let raw = key.rawRepresentation
        return TestSigner(specimenID: specimenID, title: title) { try P256.Signing.PrivateKey(rawRepresentation: raw).signature(for: $0).rawRepresentation }
    }

    /// The signing text of a call (docs/procedures.md): method, key, canonical params.
    static func signingText(method: String, key: String, params: JSONObject) throws -> Data {
        Data("\(method)\n\(key)\n\(try JSON.object(params).canonicalized())".utf8)
    }

    /// The `signatures` metadata of `signers` over a call.
    static func metadata(_ signers: [TestSigner], method: String, key: String, params: JSONObject) throws -> String {
        let text = try signingText(method: method, key: key, params: params)
        return try JSON.array(signers.map { signer in
            .object(["specimen_id": .string(signer.specimenID), "signature": .string(try signer.sign(text).base64EncodedString())])
        }).serialized()
    }
}

/// One user's connection: calls carry its token; mutating calls a fresh idempotency key
/// unless a test names one, and the unit's signatures when the user files for a unit.
struct Session: Sendable {
    let connection: TreasuryConnection
    let token: String?
    var signers: [TestSigner] = []

    func metadata(key: String?) -> [String: String] {
        var metadata: [String: String] = [:]
        if let token { metadata["authorization"] = "Bearer \(token)" }
        if let key { metadata["idempotency-key"] = key }
        return metadata
    }

    /// The same user and connection without signatures (a unit's filing that is not signed).
    var unsigned: Session { Session(connection: connection, token: token) }

    /// A read (no idempotency key).
    func read(_ method: String, _ params: JSONObject = [:], deadlineMs: Int? = nil) async throws -> CallResponse {
        try await connection.call(method, params: params, metadata: metadata(key: nil), deadlineMs: deadlineMs)
    }

    /// A state change with an idempotency key.
    func mutate(_ method: String, _ params: JSONObject, key: String = UUID().uuidString, deadlineMs: Int? = nil) async throws -> CallResponse {
        var metadata = metadata(key: key)
        if !signers.isEmpty { metadata["signatures"] = try TestSigner.metadata(signers, method: method, key: key, params: params) }
        return try await connection.call(method, params: params, metadata: metadata, deadlineMs: deadlineMs)
    }

    /// A state change that must succeed; returns its result object.
    @discardableResult
    func must(_ method: String, _ params: JSONObject, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let response = try await mutate(method, params)
        #expect(response.error == nil, "\(method) failed: \(response.terminalLine)", sourceLocation: sourceLocation)
        return response.result?.objectValue ?? [:]
    }

    func mustRead(_ method: String, _ params: JSONObject, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let response = try await read(method, params)
        #expect(response.error == nil, "\(method) failed: \(response.terminalLine)", sourceLocation: sourceLocation)
        return response.result?.objectValue ?? [:]
    }
}

extension CallResponse {
    var code: String? { error?.code.rawValue }
    var reason: String? { error?.reason }
    var object: JSONObject { result?.objectValue ?? [:] }
    func string(_ key: String) -> String? { object[key]?.stringValue }
}

/// A treasury with one area, one unit and users of every role, made through the API by the
/// bootstrap administrator, with codes unique to this test process.
struct World: Sendable {
    let environment: TestEnvironment
    let treasury: String
    let area: String
    let unit: String
    let admin: Session
    let officer: Session
    let accountant: Session
    let chief: Session
    let auditor: Session
    let bank: Session
    let budget: Session
    let bankCode = "VCB"

    static func make(_ environment: TestEnvironment, port: Int? = nil) async throws -> World {
        let n = TestEnvironment.next()
        let connection = try await environment.client(port: port)
        let admin = Session(connection: connection, token: environment.adminToken)
        let treasury = String(format: "5%03d", n % 1000), area = String(format: "9%04d", n), unit = String(format: "9%06d", n)
        try await admin.must("treasury.v1.Reference/PutTreasury", ["code": .string(treasury), "name": .string("Test treasury \(n)"),
                                                                    "budget_level": .string("PROVINCE"), "parent_code": .string("0360")])
        try await admin.must("treasury.v1.Reference/PutArea", ["code": .string(area), "name": .string("Area \(n)")])
        try await admin.must("treasury.v1.Reference/PutBudgetUnit", [
            "code": .string(unit), "name": .string("School \(n)"), "budget_level": .string("PROVINCE"), "chapter": .string("422"),
            "area_code": .string(area), "treasury_code": .string(treasury)])
        func user(_ role: String, _ scope: String) async throws -> Session {
            let name = "\(role.lowercased())-\(n)"
            try await admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
            try await admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string(role), "scope": .string(scope)])
            let token = try await admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name), "ttl_days": .integer(3650)])["token"]?.stringValue
            return Session(connection: connection, token: token)
        }
        // The unit's signers: its chief accountant (Ed25519) and its head (ECDSA P-256).
        let officer = try await user("TREASURY_OFFICER", "T:\(treasury)")
        let chiefKey = Curve25519.Signing.PrivateKey(), headKey = P256.Signing.PrivateKey()
        func specimen(_ title: String, _ algorithm: String, _ publicKey: Data) async throws -> String {
            try await officer.must("treasury.v1.Signatures/RegisterSpecimen", [
                "unit_code": .string(unit), "signer_name": .string("\(title.capitalized) \(n)"), "title": .string(title),
                "algorithm": .string(algorithm), "public_key": .string(publicKey.base64EncodedString()), "valid_from": .string("2000-01-01")])["specimen_id"]?.stringValue ?? ""
        }
        let signers = [
            TestSigner.ed25519(try await specimen("CHIEF_ACCOUNTANT", "ED25519", chiefKey.publicKey.rawRepresentation), title: "CHIEF_ACCOUNTANT", key: chiefKey),
            TestSigner.p256(try await specimen("HEAD", "ECDSA_P256", headKey.publicKey.x963Representation), title: "HEAD", key: headKey),
        ]
        var accountant = try await user("UNIT_ACCOUNTANT", "U:\(unit)")
        accountant.signers = signers
        return World(
            environment: environment, treasury: treasury, area: area, unit: unit, admin: admin,
            officer: officer, accountant: accountant,
            chief: try await user("CHIEF_ACCOUNTANT", "T:\(treasury)"), auditor: try await user("AUDITOR", "T:\(treasury)"),
            bank: try await user("BANK", "B:VCB"), budget: try await user("BUDGET_AUTHORITY", "T:\(treasury)"))
    }

    /// Opens an ACTIVE account as the officer, funded by a bank deposit when `balance` > 0.
    func account(balance: Int64 = 0, currency: String? = nil) async throws -> String {
        var params: JSONObject = ["unit_code": .string(unit)]
        if let currency { params["currency"] = .string(currency) }
        let number = try await officer.must("treasury.v1.Accounts/Open", params)["account_no"]?.stringValue ?? ""
        if balance > 0 { try await deposit(number, balance) }
        return number
    }

    func deposit(_ account: String, _ amount: Int64) async throws {
        try await bank.must("treasury.v1.Accounts/Deposit", [
            "account_no": .string(account), "amount": .money(amount), "bank_code": .string(bankCode), "bank_ref": .string("REF-\(UUID().uuidString)")])
    }

    /// An appropriation at this world's treasury and a child allocated to its unit.
    func allocation(root: Int64 = 1_000_000, child: Int64 = 600_000, purpose: String = "RECURRENT", year: Int = 2026) async throws -> (root: String, child: String) {
        let rootID = try await budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(year), "budget_level": .string("PROVINCE"), "treasury_code": .string(treasury),
            "amount": .money(root), "purpose": .string(purpose)])["allocation_id"]?.stringValue ?? ""
        let childID = try await budget.must("treasury.v1.Budget/Allocate", [
            "parent_id": .string(rootID), "unit_code": .string(unit), "chapter": .string("422"), "sector": .string("070"),
            "amount": .money(child)])["allocation_id"]?.stringValue ?? ""
        return (rootID, childID)
    }

    /// The figures of an allocation as integers.
    func figures(_ allocation: String) async throws -> [String: Int64] {
        let result = try await budget.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(allocation)])
        var figures: [String: Int64] = [:]
        for key in ["amount", "sub_allocated", "committed", "pending", "spent", "advanced", "available"] {
            figures[key] = Int64(result[key]?.stringValue ?? "")
        }
        return figures
    }

    func balance(_ account: String) async throws -> Int64 {
        let result = try await officer.mustRead("treasury.v1.Accounts/Get", ["account_no": .string(account)])
        return Int64(result["balance"]?.stringValue ?? "") ?? -1
    }
}
