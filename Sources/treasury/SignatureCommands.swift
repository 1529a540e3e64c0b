import ArgumentParser
import Foundation
import TreasuryProtocol

/// Signing keys on this machine (docs/procedures.md; issue #13 item 5). A signer generates a
/// key, an officer registers its public key as a specimen of the unit, the signer records the
/// specimen id in the key file, and the unit's filings are then sent with `--sign FILE` once
/// per signer.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Signing key files: generate one, record its specimen id, show its public key.",
        discussion: """
        A unit's filing is signed by its chief accountant and its head (or a deputy). Each of them:
          1. treasury keys generate --algorithm ed25519 --out chief.key   (prints the public key)
          2. an officer registers it: treasury signatures register --unit 1012345 --name "..." --title CHIEF_ACCOUNTANT \
        --algorithm ED25519 --public-key <base64> --valid-from 2026-01-01   (prints specimen_id)
          3. treasury keys set-specimen chief.key <specimen_id>
        Then the unit's accountant files with both: treasury spending submit ... --sign chief.key --sign head.key \
        (or TREASURY_SIGN=chief.key,head.key).
        A key file is JSON: {"algorithm": "ED25519"|"ECDSA_P256", "private_key": "<base64 of the raw 32-byte private key>", \
        "public_key": "<base64, as registered>", "specimen_id": "<id>"}, mode 0600; a file with a wider mode is refused.
        """,
        subcommands: [Generate.self, SetSpecimen.self, Show.self])

    /// The key's public part as a result object, in the order people read it.
    static func describe(_ key: SigningKey) throws -> JSONObject {
        var object: JSONObject = ["algorithm": .string(key.algorithm.rawValue), "public_key": .string(try key.publicKey().base64EncodedString()),
                                  "file": .string(key.path)]
        object["specimen_id"] = key.specimenID.map(JSON.string)
        return object
    }

    static func print(_ object: JSONObject, json: Bool) {
        Swift.print(json ? JSON.object(object).serialized() : Table.keyValue(.object(object)))
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new private key into a new file (mode 0600) and print its public key in base64, as signatures register wants it.",
            discussion: "Never overwrites a file. Without --specimen, record the id with treasury keys set-specimen once the key is registered.")
        @Option(help: "ed25519 or p256 (ECDSA P-256 with SHA-256).") var algorithm: String
        @Option(help: "The key file to create.") var out: String
        @Option(help: "The specimen id, if the public key is already registered.") var specimen: String?
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            guard SigningKey.Algorithm(typed: algorithm) != nil else { throw ValidationError("--algorithm must be ed25519 or p256, not \(algorithm)") }
            if let specimen, !SigningKey.isSpecimenID(specimen) { throw ValidationError("--specimen must be the digits signatures register printed") }
        }

        func run() async throws {
            var key = SigningKey.generate(SigningKey.Algorithm(typed: algorithm)!, path: out)
            key.specimenID = specimen
            try key.create()
            KeysCommand.print(try KeysCommand.describe(key), json: json)
            if specimen == nil && !json {
                FileHandle.standardError.write(Data(
                    "next: have an officer register public_key (treasury signatures register ... --algorithm \(key.algorithm.rawValue) --public-key ...), then: treasury keys set-specimen \(out) SPECIMEN_ID\n".utf8))
            }
        }
    }

    struct SetSpecimen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-specimen", abstract: "Record in a key file the specimen id its public key was registered under.")
        @Argument(help: "The key file.") var file: String
        @Argument(help: "The specimen id signatures register printed.") var specimen: String
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            guard SigningKey.isSpecimenID(specimen) else { throw ValidationError("SPECIMEN must be the digits signatures register printed, not \(specimen)") }
        }

        func run() async throws {
            var key = try SigningKey.load(file)
            key.specimenID = specimen
            try key.replace()
            KeysCommand.print(try KeysCommand.describe(key), json: json)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a key file's algorithm, public key and specimen id (never the private key).")
        @Argument(help: "The key file.") var file: String
        @Flag(help: "Print the result as JSON.") var json = false
        func run() async throws { KeysCommand.print(try KeysCommand.describe(try SigningKey.load(file)), json: json) }
    }
}

/// Signature specimens of budget units (officers register and revoke them).
struct SignaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures", abstract: "Signature specimens of budget units: register, revoke, list.",
        subcommands: [Register.self, Revoke.self, List.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a signer's public key as a specimen of a unit (officer): prints specimen_id and dossier_id.",
            discussion: "The signer then records the id in the key file: treasury keys set-specimen FILE SPECIMEN_ID.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Budget unit code (7 digits).") var unit: String
        @Option(help: "The signer's name.") var name: String
        @Option(help: "HEAD, CHIEF_ACCOUNTANT or DEPUTY.") var title: String
        @Option(help: "ED25519 or ECDSA_P256 (ed25519 and p256 are accepted).") var algorithm: String
        @Option(name: .customLong("public-key"), help: "The public key in base64, as treasury keys generate printed it.") var publicKey: String
        @Option(name: .customLong("valid-from"), help: "First day signatures count, YYYY-MM-DD.") var validFrom: String
        @Option(name: .customLong("valid-to"), help: "Last day signatures count, YYYY-MM-DD (default: no end).") var validTo: String?
        @Option(help: "ONLINE or COUNTER.") var channel: String?

        func run() async throws {
            var params: JSONObject = [
                "unit_code": .string(unit), "signer_name": .string(name),
                "title": .string(title.uppercased().replacingOccurrences(of: "-", with: "_")),
                "algorithm": .string(SigningKey.Algorithm(typed: algorithm)?.rawValue ?? algorithm),
                "public_key": .string(publicKey), "valid_from": .string(validFrom)]
            if let validTo { params["valid_to"] = .string(validTo) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Signatures/RegisterSpecimen", params, mutating: true)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a specimen (officer): signatures under it no longer count from now on.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Specimen id.") var specimen: String
        @Option var reason: String
        func run() async throws {
            try await options.run("treasury.v1.Signatures/RevokeSpecimen", ["specimen_id": .string(specimen), "reason": .string(reason)], mutating: true)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A unit's specimens, revoked ones included (--json adds the public keys).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Budget unit code (7 digits).") var unit: String
        func run() async throws {
            try await options.run("treasury.v1.Signatures/List", ["unit_code": .string(unit)], mutating: false,
                                  columns: ["specimen_id", "title", "signer_name", "algorithm", "valid_from", "valid_to", "revoked_at", "revoke_reason"])
        }
    }
}

/// Dossiers of the online procedures.
struct DossiersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dossiers", abstract: "Dossiers of the online procedures.",
                                                    subcommands: [Verify.self, RequestSupplement.self, Supplement.self])

    /// Prints a dossier as Dossiers/Get returns it (its supplement as key/value lines).
    static func printDossier(_ result: JSON, json: Bool) {
        if json { print(result.serialized()); return }
        var object = result.objectValue ?? [:]
        let supplement = object["supplement"]
        object["supplement"] = nil
        print(Table.keyValue(.object(object)))
        if let supplement, supplement != .null {
            print("")
            print(Table.keyValue(supplement))
        }
    }

    struct RequestSupplement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-supplement",
            abstract: "Ask the unit, once, for everything missing from a dossier (officer): its clock stops until the unit supplies it.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Dossier id.") var dossier: String
        @Option(name: .customLong("item"), help: "One thing missing (repeat for each, 1 to 20).") var items: [String] = []

        func run() async throws {
            guard !items.isEmpty else { throw ValidationError("name what is missing with --item (1 to 20)") }
            let response = try await options.response("treasury.v1.Dossiers/RequestSupplement",
                                                      ["dossier_id": .string(dossier), "items": .array(items.map(JSON.string))], mutating: true)
            DossiersCommand.printDossier(response.result ?? .null, json: options.json)
        }
    }

    struct Supplement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Supply what the treasury asked for (the unit's accountant, signed with --sign): the dossier is processed again, due anew from now.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Dossier id.") var dossier: String
        @Option(help: "What was supplied.") var note: String

        func run() async throws {
            let response = try await options.response("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(dossier), "note": .string(note)], mutating: true)
            DossiersCommand.printDossier(response.result ?? .null, json: options.json)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a dossier's signatures again against its stored signing text and the specimens (officer, chief accountant, auditor).",
            discussion: "Prints whether it is signed and valid, then each signature. Exits 1 when the dossier is unsigned or not valid, 0 only when it verifies.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Dossier id.") var dossier: String

        func run() async throws {
            let response = try await options.response("treasury.v1.Dossiers/VerifySignatures", ["dossier_id": .string(dossier)], mutating: false)
            var result = response.result?.objectValue ?? [:]
            if options.json {
                print(JSON.object(result).serialized())
            } else {
                let signatures = result["signatures"]?.arrayValue ?? []
                result["signatures"] = nil
                print(Table.keyValue(.object(result)))
                if !signatures.isEmpty {
                    print("")
                    print(Table.rows(signatures, columns: ["specimen_id", "title", "valid", "reason"]))
                }
            }
            guard result["valid"] == .bool(true) else {
                let why = result["signed"] == .bool(false) ? "is not signed" : "has signatures that do not verify"
                FileHandle.standardError.write(Data("error: dossier \(dossier) \(why)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
