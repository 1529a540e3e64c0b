import ArgumentParser
import Foundation
import TreasuryClient
import TreasuryProtocol

@main
struct TreasuryCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treasury",
        abstract: "Client for the treasury server's line protocol.",
        discussion: """
        Exit status: 0 success, 1 the server refused the call (or `dossiers verify` found the signatures not valid), \
        3 cannot reach the server, 64 usage error (a key file that cannot be used included).
        """,
        subcommands: [Call.self, Methods.self, Health.self, AccountsCommand.self, BudgetCommand.self, SpendingCommand.self,
                      ReportCommand.self, LedgerCommand.self, PeriodsCommand.self, AdminCommand.self, RevenueCommand.self,
                      InvestmentCommand.self, YearCommand.self, KeysCommand.self, SignaturesCommand.self, DossiersCommand.self])
}

/// Connection and output options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Server host:port (default: $TREASURY_SERVER, else 127.0.0.1:7400).")
    var server: String?

    @Option(help: "Bearer token (default: $TREASURY_TOKEN).")
    var token: String?

    @Option(help: "Idempotency key for a mutating call (default: a new random key).")
    var key: String?

    @Option(name: .customLong("deadline-ms"), help: "Deadline of the call in milliseconds.")
    var deadlineMs: Int?

    @Flag(help: "Print the raw JSON result instead of a table.")
    var json = false

    @Flag(help: "Connect over TLS, verifying the server's certificate (implied by --ca, --tls-cert; default: $TREASURY_TLS).")
    var tls = false

    @Option(name: .customLong("ca"), help: ArgumentHelp(
        "PEM CA certificates the server's certificate must chain to, instead of the system's trust store (implies --tls; default: $TREASURY_CA).",
        valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "PEM client certificate for a server that requires mutual TLS, with --tls-key (implies --tls; default: $TREASURY_TLS_CERT).",
        valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert (default: $TREASURY_TLS_KEY).", valueName: "file"))
    var tlsKey: String?

    /// The TLS settings from flags, then environment; nil: clear text.
    func tlsOptions() -> ClientTLSOptions? {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ variable: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            return environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let ca = setting(caFile, "TREASURY_CA")
        let certificate = setting(tlsCertificate, "TREASURY_TLS_CERT")
        let key = setting(tlsKey, "TREASURY_TLS_KEY")
        let wanted = tls || ["1", "true", "yes"].contains(environment["TREASURY_TLS"]?.lowercased() ?? "")
        guard wanted || ca != nil || certificate != nil || key != nil else { return nil }
        return ClientTLSOptions(caFile: ca, certificateFile: certificate, keyFile: key)
    }

    @Option(name: .customLong("sign"), help: ArgumentHelp(
        "Key file to sign a mutating call with (treasury keys generate; mode 0600); repeat for each signer: a unit's filing needs its chief accountant's and its head's or deputy's (default: $TREASURY_SIGN, comma-separated).",
        valueName: "key-file"))
    var sign: [String] = []

    /// The key files to sign with: --sign, else $TREASURY_SIGN.
    var signingKeyFiles: [String] {
        if !sign.isEmpty { return sign }
        return (ProcessInfo.processInfo.environment["TREASURY_SIGN"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func connect() async throws -> TreasuryConnection {
        let address = server ?? ProcessInfo.processInfo.environment["TREASURY_SERVER"] ?? "127.0.0.1:7400"
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--server must be host:port")
        }
        let tls = tlsOptions()
        do {
            try tls?.check()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(64)
        }
        do {
            return try await TreasuryConnection.connect(host: String(address[..<colon]), port: port, tls: tls)
        } catch {
            FileHandle.standardError.write(Data("error: cannot reach the server at \(address): \(error)\n".utf8))
            throw ExitCode(3)
        }
    }

    /// The call's metadata: the token; for a mutating call its idempotency key and, with key
    /// files to sign with, the `signatures` over method, that key and the params as sent.
    func metadata(_ method: String, _ params: JSONObject, mutating: Bool, idempotencyKey: String? = nil) throws -> [String: String] {
        var metadata: [String: String] = [:]
        if let token = token ?? ProcessInfo.processInfo.environment["TREASURY_TOKEN"] { metadata["authorization"] = "Bearer \(token)" }
        guard mutating else { return metadata }
        let idempotencyKey = idempotencyKey ?? key ?? UUID().uuidString.lowercased()
        metadata["idempotency-key"] = idempotencyKey
        let files = signingKeyFiles
        if !files.isEmpty {
            metadata["signatures"] = try Signing.metadata(try files.map(SigningKey.load), method: method, idempotencyKey: idempotencyKey, params: params)
        }
        return metadata
    }

    /// Runs one call; a refusal is printed (code, reason, message, details) and exits 1.
    func response(_ method: String, _ params: JSONObject, mutating: Bool) async throws -> CallResponse {
        // Key files are read (and refused) before anything goes out.
        let metadata = try metadata(method, params, mutating: mutating)
        let connection = try await connect()
        let response = try await connection.call(method, params: params, metadata: metadata, deadlineMs: deadlineMs)
        await connection.close()
        if let error = response.error {
            FileHandle.standardError.write(Data("error: \(error.code.rawValue)/\(error.reason): \(error.message)\n".utf8))
            if let details = error.details, !details.isEmpty {
                FileHandle.standardError.write(Data("details: \(JSON.object(details).serialized())\n".utf8))
            }
            throw ExitCode(1)
        }
        return response
    }

    /// Runs one call and prints it: items as table rows (or JSON lines), then the result.
    func run(_ method: String, _ params: JSONObject, mutating: Bool, columns: [String]? = nil) async throws {
        let response = try await response(method, params, mutating: mutating)
        if json {
            for item in response.items { print(item.serialized()) }
            print(response.result?.serialized() ?? "null")
            return
        }
        if !response.items.isEmpty || columns != nil {
            print(Table.rows(response.items, columns: columns))
        }
        if let result = response.result, !(response.items.isEmpty == false && (result.objectValue?.keys == ["count"])) {
            print(Table.keyValue(result))
        }
    }
}

/// Plain-text tables for people.
enum Table {
    static func text(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let string)?: return string
        case let other?: return other.serialized()
        }
    }

    static func keyValue(_ value: JSON) -> String {
        guard let object = value.objectValue else { return text(value) }
        if object.isEmpty { return "ok" }
        let width = object.keys.map(\.count).max() ?? 0
        return object.map { key, value in key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text(value) }
            .joined(separator: "\n")
    }

    static func rows(_ items: [JSON], columns: [String]?) -> String {
        let objects = items.compactMap(\.objectValue)
        let header = columns ?? objects.first?.keys ?? []
        let cells = objects.map { object in header.map { text(object[$0]) } }
        let widths = header.indices.map { column in ([header[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0 }
        let line = { (values: [String]) in
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + cells.map(line)).joined(separator: "\n")
    }
}

func parseObject(_ text: String) throws -> JSONObject {
    guard let object = try? JSON.parse(text).objectValue else { throw ValidationError("params must be a JSON object") }
    return object
}

struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Call any method with raw JSON params: treasury call METHOD '{...}'.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Full method name, e.g. treasury.v1.Accounts/Get.") var method: String
    @Argument(help: "Params as a JSON object.") var params = "{}"
    @Flag(help: "Send an idempotency key (for methods that change state); implied by --key and --sign.") var mutating = false

    func run() async throws {
        var options = options
        options.json = true
        try await options.run(method, try parseObject(params), mutating: mutating || options.key != nil || !options.sign.isEmpty)
    }
}

struct Methods: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the server's methods (reflection).")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let response = try await options.response("treasury.v1.Reflection/ListMethods", [:], mutating: false)
        let methods = response.result?.objectValue?["methods"]?.arrayValue ?? []
        if options.json { print(response.result?.serialized() ?? "null"); return }
        let rows = methods.compactMap(\.objectValue).map { method -> JSON in
            var flags: [String] = []
            if method["mutating"] == .bool(true) { flags.append("mutating") }
            if method["streaming"] == .bool(true) { flags.append("streaming") }
            let roles = method["roles"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ",") ?? ""
            return .object(["method": method["name"] ?? .null, "flags": .string(flags.joined(separator: ",")),
                            "roles": .string(roles.isEmpty ? "any" : roles)])
        }
        print(Table.rows(rows, columns: ["method", "flags", "roles"]))
    }
}

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask the server whether it is serving.")
    @OptionGroup var options: GlobalOptions
    func run() async throws { try await options.run("grpc.health.v1.Health/Check", [:], mutating: false) }
}
