import Foundation
import Testing
import TreasuryDomain
import TreasuryProtocol

/// Signed filings through the CLI (docs/procedures.md, issue #13 item 5): `treasury keys`,
/// `treasury signatures`, `--sign` and `treasury dossiers verify` against the real server.
extension CLITests {
    /// A new directory for key files; the caller removes it.
    static func keyDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("treasury-cli-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    static func object(_ run: Run) -> JSONObject {
        (try? JSON.parse(run.output.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue ?? [:]
    }

    /// The value of a `name  value` line of a key-value table.
    static func field(_ run: Run, _ name: String) -> String? {
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.first.map(String.init) == name { return parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "" }
        }
        return nil
    }

    /// A signer of the world's unit set up as a person would: `keys generate`, the officer's
    /// `signatures register`, `keys set-specimen`. Returns the key file and the specimen id.
    func cliSigner(_ world: World, port: Int, in directory: URL, title: String, algorithm: String,
                   sourceLocation: SourceLocation = #_sourceLocation) async throws -> (file: String, specimen: String) {
        let file = directory.appendingPathComponent("\(title.lowercased()).key").path
        let generated = try await treasury(["keys", "generate", "--algorithm", algorithm, "--out", file, "--json"])
        #expect(generated.status == 0, "\(generated.error)", sourceLocation: sourceLocation)
        let key = Self.object(generated)
        let registered = try await treasury(["signatures", "register", "--unit", world.unit, "--name", "\(title.capitalized) of \(world.unit)",
                                             "--title", title, "--algorithm", key["algorithm"]?.stringValue ?? "",
                                             "--public-key", key["public_key"]?.stringValue ?? "", "--valid-from", "2000-01-01", "--json"],
                                            token: world.officer.token, port: port)
        #expect(registered.status == 0, "\(registered.error)", sourceLocation: sourceLocation)
        let specimen = Self.object(registered)["specimen_id"]?.stringValue ?? ""
        let recorded = try await treasury(["keys", "set-specimen", file, specimen])
        #expect(recorded.status == 0, "\(recorded.error)", sourceLocation: sourceLocation)
        return (file, specimen)
    }

    /// The unit's chief accountant (Ed25519) and head (ECDSA P-256) through the CLI: the
    /// `--sign` arguments of the accountant's filings.
    func cliSigning(_ world: World, port: Int, in directory: URL) async throws -> [String] {
        let chief = try await cliSigner(world, port: port, in: directory, title: "CHIEF_ACCOUNTANT", algorithm: "ed25519")
        let head = try await cliSigner(world, port: port, in: directory, title: "HEAD", algorithm: "p256")
        return ["--sign", chief.file, "--sign", head.file]
    }

    @Test func keysGenerateWritesAnOwnerOnlyFileOnceAndPrintsThePublicKey() async throws {
        let directory = try Self.keyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chief.key").path

        let generated = try await treasury(["keys", "generate", "--algorithm", "ed25519", "--out", file])
        #expect(generated.status == 0, "\(generated.error)")
        let lines = generated.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "algorithm   ED25519", "\(generated.output)")
        let publicKey = lines.first { $0.hasPrefix("public_key  ") }.map { String($0.dropFirst("public_key  ".count)) } ?? ""
        #expect(Data(base64Encoded: publicKey)?.count == 32, "\(generated.output)")
        #expect(generated.error.contains("treasury keys set-specimen \(file) SPECIMEN_ID"), "\(generated.error)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let contents = try #require(FileManager.default.contents(atPath: file))
        let fields = try #require(try JSON.parse(contents).objectValue)
        #expect(fields["algorithm"] == .string("ED25519") && fields["public_key"] == .string(publicKey))
        #expect(Data(base64Encoded: fields["private_key"]?.stringValue ?? "")?.count == 32)
        #expect(fields["specimen_id"] == nil)

        // Never overwritten, not even by the same command.
        let again = try await treasury(["keys", "generate", "--algorithm", "p256", "--out", file])
        #expect(again.status == 64)
        #expect(again.error.contains("already exists"), "\(again.error)")
        #expect(FileManager.default.contents(atPath: file) == contents)

        // P-256: the 65-byte uncompressed point; the specimen given at once; show and set-specimen.
        let head = directory.appendingPathComponent("head.key").path
        let p256 = Self.object(try await treasury(["keys", "generate", "--algorithm", "p256", "--out", head, "--specimen", "41", "--json"]))
        let point = Data(base64Encoded: p256["public_key"]?.stringValue ?? "") ?? Data()
        #expect(p256["algorithm"] == .string("ECDSA_P256") && point.count == 65 && point.first == 4, "\(p256)")
        #expect(p256["specimen_id"] == .string("41"))
        let recorded = try await treasury(["keys", "set-specimen", file, "17"])
        #expect(recorded.status == 0 && recorded.output.contains("specimen_id  17"), "\(recorded.output)\(recorded.error)")
        let shown = Self.object(try await treasury(["keys", "show", file, "--json"]))
        #expect(shown["public_key"] == .string(publicKey) && shown["specimen_id"] == .string("17"), "\(shown)")
        #expect(!(try await treasury(["keys", "show", file])).output.contains(fields["private_key"]?.stringValue ?? "-"))
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try await treasury(["keys", "generate", "--algorithm", "rsa", "--out", directory.appendingPathComponent("x").path]).status == 64)
    }

    @Test func theCLIRegistersSpecimensSignsAFilingVerifiesItsDossierAndRevokes() async throws {
        let environment = try await TestEnvironment.get()
        let spending = try await SpendingWorld.make(environment)
        let world = spending.world
        let port = environment.port
        let directory = try Self.keyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let chief = try await cliSigner(world, port: port, in: directory, title: "CHIEF_ACCOUNTANT", algorithm: "ed25519")
        let head = try await cliSigner(world, port: port, in: directory, title: "HEAD", algorithm: "p256")

        // The list: the world's own two specimens and these two, as a table and as JSON lines.
        let listed = try await treasury(["signatures", "list", "--unit", world.unit], token: world.auditor.token, port: port)
        #expect(listed.status == 0, "\(listed.error)")
        let rows = listed.output.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("specimen_id  title") == true, "\(listed.output)")
        #expect(rows.contains { $0.hasPrefix(chief.specimen + " ") && $0.contains("CHIEF_ACCOUNTANT") && $0.contains("ED25519") }, "\(listed.output)")
        #expect(rows.contains { $0.hasPrefix(head.specimen + " ") && $0.contains("HEAD") && $0.contains("ECDSA_P256") }, "\(listed.output)")
        let listedJSON = try await treasury(["signatures", "list", "--unit", world.unit, "--json"], token: world.officer.token, port: port)
        let items = listedJSON.output.split(separator: "\n").compactMap { try? JSON.parse(String($0)).objectValue }
        #expect(items.filter { $0["specimen_id"] != nil }.count == 4, "\(listedJSON.output)")
        #expect(items.last?["count"] == .integer(4))

        // A signed payment order (UTF-8 in the params), its dossier verified by the auditor.
        let allocation = try await spending.allocation(1_000_000)
        let submit = ["spending", "submit", allocation, "1500", "--economic-code", "6501", "--beneficiary", "Công ty Điện lực Hải Dương",
                      "--beneficiary-bank", "VCB", "--beneficiary-account", "0011000123456", "--description", "Tiền điện tháng 3"]
        let signed = try await treasury(submit + ["--sign", chief.file, "--sign", head.file, "--json"], token: world.accountant.token, port: port)
        #expect(signed.status == 0, "\(signed.error)")
        let dossier = Self.object(signed)["dossier_id"]?.stringValue ?? ""
        let order = Self.object(signed)["order_id"]?.stringValue ?? ""
        #expect(!dossier.isEmpty && !order.isEmpty, "\(signed.output)")
        let verified = try await treasury(["dossiers", "verify", dossier], token: world.auditor.token, port: port)
        #expect(verified.status == 0, "\(verified.error)")
        let table = verified.output.split(separator: "\n").map(String.init)
        #expect(Self.field(verified, "dossier_id") == dossier && Self.field(verified, "signed") == "true" && Self.field(verified, "valid") == "true"
                && Self.field(verified, "signing_text_intact") == "true", "\(verified.output)")
        #expect(table.contains { $0.hasPrefix(chief.specimen + " ") && $0.contains("CHIEF_ACCOUNTANT") && $0.contains("true") }, "\(verified.output)")
        #expect(table.contains { $0.hasPrefix(head.specimen + " ") && $0.contains("HEAD") && $0.contains("true") }, "\(verified.output)")
        let verifiedJSON = Self.object(try await treasury(["dossiers", "verify", dossier, "--json"], token: world.chief.token, port: port))
        #expect(verifiedJSON["valid"] == .bool(true) && verifiedJSON["signatures"]?.arrayValue?.count == 2, "\(verifiedJSON)")

        // Withdrawing it is signed too, here through TREASURY_SIGN.
        let cancelled = try await treasury(["spending", "cancel", order], token: world.accountant.token, port: port,
                                           environment: ["TREASURY_SIGN": "\(chief.file), \(head.file)"])
        #expect(cancelled.status == 0, "\(cancelled.error)")
        #expect(cancelled.output.contains("CANCELLED"), "\(cancelled.output)")

        // Unsigned, and signed by the chief accountant alone: refused, the reason on stderr.
        let unsigned = try await treasury(submit, token: world.accountant.token, port: port)
        #expect(unsigned.status == 1)
        #expect(unsigned.error.contains("error: FAILED_PRECONDITION/SIGNATURE_MISSING"), "\(unsigned.error)")
        #expect(unsigned.output.isEmpty)
        let halfSigned = try await treasury(submit + ["--sign", chief.file], token: world.accountant.token, port: port)
        #expect(halfSigned.status == 1)
        #expect(halfSigned.error.contains("SIGNATURE_MISSING") && halfSigned.error.contains("HEAD or DEPUTY"), "\(halfSigned.error)")

        // A key file others may read is refused before anything is sent; so is one without its specimen id.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: chief.file)
        let exposed = try await treasury(submit + ["--sign", chief.file, "--sign", head.file], token: world.accountant.token, port: port)
        #expect(exposed.status == 64)
        #expect(exposed.error.contains("key file \(chief.file) has mode 0644, wider than 0600") && exposed.error.contains("chmod 600"),
                "\(exposed.error)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: chief.file)
        let deputy = directory.appendingPathComponent("deputy.key").path
        #expect(try await treasury(["keys", "generate", "--algorithm", "ed25519", "--out", deputy]).status == 0)
        let unregistered = try await treasury(submit + ["--sign", chief.file, "--sign", deputy], token: world.accountant.token, port: port)
        #expect(unregistered.status == 64)
        #expect(unregistered.error.contains("names no specimen") && unregistered.error.contains("treasury keys set-specimen \(deputy)"),
                "\(unregistered.error)")

        // An unsigned dossier (the specimen's own) does not verify: exit 1.
        let registration = try await treasury(["signatures", "register", "--unit", world.unit, "--name", "Deputy", "--title", "deputy",
                                               "--algorithm", "ed25519", "--public-key", Self.object(try await treasury(["keys", "show", deputy, "--json"]))["public_key"]?.stringValue ?? "",
                                               "--valid-from", "2000-01-01", "--valid-to", "2099-12-31", "--json"], token: world.officer.token, port: port)
        #expect(registration.status == 0, "\(registration.error)")
        let deputySpecimen = Self.object(registration)["specimen_id"]?.stringValue ?? ""
        let notSigned = try await treasury(["dossiers", "verify", Self.object(registration)["dossier_id"]?.stringValue ?? ""],
                                           token: world.auditor.token, port: port)
        #expect(notSigned.status == 1)
        #expect(Self.field(notSigned, "signed") == "false" && Self.field(notSigned, "valid") == "false", "\(notSigned.output)")
        #expect(notSigned.error.contains("is not signed"), "\(notSigned.error)")

        // The head's specimen revoked: the head's key no longer signs; the deputy's does.
        let revoked = try await treasury(["signatures", "revoke", head.specimen, "--reason", "left the unit"], token: world.officer.token, port: port)
        #expect(revoked.status == 0, "\(revoked.error)")
        #expect(revoked.output.contains("revoked_at"), "\(revoked.output)")
        let late = try await treasury(submit + ["--sign", chief.file, "--sign", head.file], token: world.accountant.token, port: port)
        #expect(late.status == 1)
        #expect(late.error.contains("FAILED_PRECONDITION/SPECIMEN_NOT_VALID"), "\(late.error)")
        #expect(try await treasury(["keys", "set-specimen", deputy, deputySpecimen]).status == 0)
        let byDeputy = try await treasury(submit + ["--sign", chief.file, "--sign", deputy], token: world.accountant.token, port: port)
        #expect(byDeputy.status == 0, "\(byDeputy.error)")
        let twice = try await treasury(["signatures", "revoke", head.specimen, "--reason", "again"], token: world.officer.token, port: port)
        #expect(twice.status == 1)
        #expect(twice.error.contains("FAILED_PRECONDITION/INVALID_STATUS"), "\(twice.error)")
        let after = try await treasury(["signatures", "list", "--unit", world.unit], token: world.auditor.token, port: port)
        #expect(after.output.split(separator: "\n").contains { $0.hasPrefix(head.specimen + " ") && $0.hasSuffix("left the unit") }, "\(after.output)")
        // Only officers register.
        let byAccountant = try await treasury(["signatures", "register", "--unit", world.unit, "--name", "X", "--title", "HEAD", "--algorithm", "p256",
                                               "--public-key", "AAAA", "--valid-from", "2000-01-01"], token: world.accountant.token, port: port)
        #expect(byAccountant.status == 1)
        #expect(byAccountant.error.contains("PERMISSION_DENIED"), "\(byAccountant.error)")
    }
}

extension CLITests {
    @Test func theCLIAsksForASupplementOnceAndTheUnitSuppliesItSigned() async throws {
        let environment = try await TestEnvironment.get()
        let spending = try await SpendingWorld.make(environment)
        let world = spending.world, port = environment.port
        let directory = try Self.keyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sign = try await cliSigning(world, port: port, in: directory)
        let allocation = try await spending.allocation(1_000_000)
        let dossier = try await spending.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 1_000))["dossier_id"]?.stringValue ?? ""

        let asked = try await treasury(["dossiers", "request-supplement", dossier, "--item", "the signed invoice", "--item", "the delivery note"],
                                       token: world.officer.token, port: port)
        #expect(asked.status == 0, "\(asked.error)")
        #expect(Self.field(asked, "status") == "SUPPLEMENT_REQUESTED", "\(asked.output)")
        let again = try await treasury(["dossiers", "request-supplement", dossier, "--item", "more"], token: world.officer.token, port: port)
        #expect(again.status == 1 && again.error.contains("SUPPLEMENT_ALREADY_REQUESTED"), "\(again.error)")
        let noItem = try await treasury(["dossiers", "request-supplement", dossier], token: world.officer.token, port: port)
        #expect(noItem.status == 64, "\(noItem.error)")

        // Unsigned, the unit's supplement is refused; signed, the dossier is processed again.
        let unsigned = try await treasury(["dossiers", "supplement", dossier, "--note", "attached"], token: world.accountant.token, port: port)
        #expect(unsigned.status == 1 && unsigned.error.contains("SIGNATURE_MISSING"), "\(unsigned.error)")
        let supplied = try await treasury(["dossiers", "supplement", dossier, "--note", "attached"] + sign, token: world.accountant.token, port: port)
        #expect(supplied.status == 0, "\(supplied.error)")
        #expect(Self.field(supplied, "status") == "PROCESSING" && Self.field(supplied, "note") == "attached", "\(supplied.output)")
    }
}
