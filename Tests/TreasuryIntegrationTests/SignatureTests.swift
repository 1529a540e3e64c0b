import Crypto
import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// Signed filings (Decree 347/2025; docs/procedures.md): a unit's payment order carries its
/// chief accountant's and its head's signatures over the call's signing text, each checked
/// against a specimen valid at the call's time; anything else is refused and changes nothing.
@Suite struct SignatureTests {
    /// A call with the metadata `signatures` given as is (nil: none).
    static func call(_ session: Session, _ method: String, _ params: JSONObject, key: String = UUID().uuidString,
                     signatures: String?) async throws -> CallResponse {
        var metadata = session.metadata(key: key)
        metadata["signatures"] = signatures
        return try await session.connection.call(method, params: params, metadata: metadata, deadlineMs: nil)
    }

    static func signatures(_ signers: [TestSigner], method: String, key: String, params: JSONObject) throws -> String {
        try TestSigner.metadata(signers, method: method, key: key, params: params)
    }

    @Test func eachWrongSignatureIsRefusedWithItsReasonAndChangesNothing() async throws {
        let spending = try await SpendingWorld.make(try await TestEnvironment.get())
        let world = spending.world, accountant = spending.accountant
        let allocation = try await spending.allocation(1_000_000)
        let submit = "treasury.v1.Spending/SubmitPaymentOrder"
        let params = spending.order(allocation, 1_000)
        let chief = accountant.signers[0], head = accountant.signers[1]
        let before = try await spending.snapshot(allocation)

        func refused(_ signatures: String?, key: String = UUID().uuidString, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let response = try await Self.call(accountant, submit, params, key: key, signatures: signatures)
            #expect(response.code == "FAILED_PRECONDITION" && response.reason == reason, "\(response.terminalLine)", sourceLocation: sourceLocation)
            #expect(try await spending.snapshot(allocation) == before, sourceLocation: sourceLocation)
        }
        // No signature at all, then one of the two titles only.
        try await refused(nil, "SIGNATURE_MISSING")
        var key = UUID().uuidString
        try await refused(try Self.signatures([chief], method: submit, key: key, params: params), key: key, "SIGNATURE_MISSING")
        key = UUID().uuidString
        try await refused(try Self.signatures([head], method: submit, key: key, params: params), key: key, "SIGNATURE_MISSING")
        // The head's signature made with another key.
        let stranger = TestSigner.p256(head.specimenID, title: "HEAD", key: P256.Signing.PrivateKey())
        key = UUID().uuidString
        try await refused(try Self.signatures([chief, stranger], method: submit, key: key, params: params), key: key, "SIGNATURE_INVALID")
        // Signatures over other params, over another idempotency key, and replayed from another call.
        var other = params
        other["amount"] = .money(999)
        key = UUID().uuidString
        try await refused(try Self.signatures([chief, head], method: submit, key: key, params: other), key: key, "SIGNATURE_INVALID")
        key = UUID().uuidString
        try await refused(try Self.signatures([chief, head], method: submit, key: "another-key", params: params), key: key, "SIGNATURE_INVALID")
        let signedElsewhere = try Self.signatures([chief, head], method: "treasury.v1.Spending/RegisterCommitment", key: key, params: params)
        try await refused(signedElsewhere, key: key, "SIGNATURE_INVALID")
        // A specimen of another unit.
        let stranger2 = try await SpendingWorld.make(world.environment)
        key = UUID().uuidString
        try await refused(try Self.signatures([chief, stranger2.accountant.signers[1]], method: submit, key: key, params: params), key: key, "SIGNATURE_INVALID")
        // Malformed metadata.
        let malformed = try await Self.call(accountant, submit, params, signatures: "[{\"specimen_id\": \"1\"}]")
        #expect(malformed.code == "INVALID_ARGUMENT" && malformed.reason == "FIELD_INVALID", "\(malformed.terminalLine)")

        // Both, as the accountant's session signs: accepted, and the dossier keeps them.
        let accepted = try await accountant.must(submit, params)
        let verified = try await world.auditor.mustRead("treasury.v1.Dossiers/VerifySignatures", ["dossier_id": accepted["dossier_id"] ?? .null])
        #expect(verified["valid"] == .bool(true) && verified["signatures"]?.arrayValue?.count == 2, "\(verified)")
    }

    @Test func aRevokedOrExpiredSpecimenNoLongerSigns() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(TreasuryTime.instant(of: TreasuryTime.LocalDate("2036-03-02")!, secondsOfDay: 10 * 3600))
        let port = try await environment.startServer(clock: clock)
        let spending = try await SpendingWorld.make(environment, port: port)
        let world = spending.world, accountant = spending.accountant
        let allocation = try await spending.allocation(1_000_000, year: 2036)
        let chief = accountant.signers[0]
        // A deputy whose specimen runs to 10 March 2036, then the head's revoked.
        let deputyKey = Curve25519.Signing.PrivateKey()
        let deputySpecimen = try await world.officer.must("treasury.v1.Signatures/RegisterSpecimen", [
            "unit_code": .string(world.unit), "signer_name": .string("Deputy"), "title": .string("DEPUTY"), "algorithm": .string("ED25519"),
            "public_key": .string(deputyKey.publicKey.rawRepresentation.base64EncodedString()), "valid_from": .string("2036-03-01"),
            "valid_to": .string("2036-03-10")])["specimen_id"]?.stringValue ?? ""
        let deputy = TestSigner.ed25519(deputySpecimen, title: "DEPUTY", key: deputyKey)
        var withDeputy = accountant.unsigned
        withDeputy.signers = [chief, deputy]
        _ = try await withDeputy.must("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 100))
        let revoked = try await world.officer.must("treasury.v1.Signatures/RevokeSpecimen", ["specimen_id": .string(accountant.signers[1].specimenID), "reason": .string("left the unit")])
        #expect(revoked["revoked_at"] != nil)
        #expect(try await accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 100)).reason == "SPECIMEN_NOT_VALID")
        clock.set(TreasuryTime.instant(of: TreasuryTime.LocalDate("2036-03-11")!, secondsOfDay: 10 * 3600))
        let expired = try await withDeputy.mutate("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 100))
        #expect(expired.reason == "SPECIMEN_NOT_VALID" && expired.error?.details?["specimen_id"] == .string(deputySpecimen), "\(expired.terminalLine)")
        // The list shows all three, the revoked one with its reason.
        let listed = try await world.auditor.read("treasury.v1.Signatures/List", ["unit_code": .string(world.unit)])
        #expect(listed.items.count == 3)
        #expect(listed.items.contains { $0.objectValue?["revoke_reason"] == .string("left the unit") })
    }

    @Test func verifySignaturesDetectsASignatureOrParamsAlteredInTheDatabase() async throws {
        let spending = try await SpendingWorld.make(try await TestEnvironment.get())
        let world = spending.world
        let allocation = try await spending.allocation(1_000_000)
        func file() async throws -> JSON {
            try await spending.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 500))["dossier_id"] ?? .null
        }
        let first = try await file(), second = try await file()
        func verify(_ dossier: JSON) async throws -> JSONObject {
            try await world.auditor.mustRead("treasury.v1.Dossiers/VerifySignatures", ["dossier_id": dossier])
        }
        #expect(try await verify(first)["valid"] == .bool(true))
        // A superuser with triggers off: one signature's bytes, then the other dossier's params.
        let database = try world.environment.database()
        try database.query("SET session_replication_role = replica")
        try database.query(
            "UPDATE dossier_signatures SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE dossier_id = $1 AND specimen_id = $2",
            [Int64(first.stringValue ?? "") ?? 0, Int64(spending.accountant.signers[0].specimenID) ?? 0])
        try database.query(
            """
            UPDATE dossier_signings SET signing_text = replace(signing_text, '"amount":"500"', '"amount":"50000"'),
                   signing_hash = sha256(convert_to(replace(signing_text, '"amount":"500"', '"amount":"50000"'), 'UTF8'))
            WHERE dossier_id = $1
            """, [Int64(second.stringValue ?? "") ?? 0])
        try database.query("SET session_replication_role = origin")
        let altered = try await verify(first)
        #expect(altered["valid"] == .bool(false))
        #expect(altered["signatures"]?.arrayValue?.contains { $0.objectValue?["reason"] == .string("SIGNATURE_INVALID") } == true, "\(altered)")
        let rewritten = try await verify(second)
        #expect(rewritten["valid"] == .bool(false) && rewritten["signing_text_intact"] == .bool(true), "\(rewritten)")
        // An officer's dossier carries no signature.
        let opened = try await world.officer.must("treasury.v1.Accounts/Open", ["unit_code": .string(world.unit)])
        _ = opened
    }

    @Test func unsignedFilingsAreAcceptedOnlyWhenTheServerSaysOptional() async throws {
        let environment = try await TestEnvironment.get()
        var configuration = TestEnvironment.serviceConfiguration()
        configuration.signatures = .optional
        let port = try await TestEnvironment.startServer(
            TreasuryService(pool: environment.pool, configuration: configuration, logger: environment.logger), logger: environment.logger)
        let spending = try await SpendingWorld.make(environment, port: port)
        let allocation = try await spending.allocation(1_000_000)
        let unsigned = try await spending.accountant.unsigned.must("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 100))
        let verified = try await spending.world.auditor.mustRead("treasury.v1.Dossiers/VerifySignatures", ["dossier_id": unsigned["dossier_id"] ?? .null])
        #expect(verified["signed"] == .bool(false))
        // Signatures sent are still checked.
        let wrong = try await Self.call(spending.accountant, "treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 100),
                                        signatures: try Self.signatures(spending.accountant.signers, method: "x", key: "y", params: [:]))
        #expect(wrong.reason == "SIGNATURE_INVALID")
    }
    /// docs/procedures.md's worked example, computed there with Python's `cryptography`.
    @Test func theWorkedExampleOfDocsProceduresVerifiesByteForByte() throws {
        let params = try JSON.parse(#"{"allocation_id":"42","kind":"PAYMENT","economic_code":"6501","amount":"1500000","beneficiary":{"name":"Công ty Điện lực Hải Dương","bank_code":"VCB","account_no":"0011000123456"},"description":"Tiền điện tháng 3"}"#)
        let canonical = try params.canonicalized()
        #expect(canonical == #"{"allocation_id":"42","amount":"1500000","beneficiary":{"account_no":"0011000123456","bank_code":"VCB","name":"Công ty Điện lực Hải Dương"},"description":"Tiền điện tháng 3","economic_code":"6501","kind":"PAYMENT"}"#)
        let text = try TestSigner.signingText(method: "treasury.v1.Spending/SubmitPaymentOrder", key: "po-2026-03-0001", params: params.objectValue ?? [:])
        #expect(SHA256.hash(data: text).map { String(format: "%02x", $0) }.joined() == "d75b2a8641142ee6e45f7f3d8187f712e5299a66bc3a9f084f7efccadd3c1cae")
        let seed = Data(stride(from: 0, to: 64, by: 2).map { offset -> UInt8 in
            let hex = Array("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            return UInt8(String(hex[offset...offset + 1]), radix: 16)!
        })
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        #expect(key.publicKey.rawRepresentation.base64EncodedString() == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        let signature = Data(base64Encoded: "FbBm1NDkDkM10pcVcz2hUoVHOHWSVcBC8BPCvQo9k2w5I20LlhNB097TT8MHQkx8nWrRtYpVwsKwPH5akQbGDA==")!
        #expect(key.publicKey.isValidSignature(signature, for: text))
        #expect(try key.signature(for: text) == signature)
    }
}
