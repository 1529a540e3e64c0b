import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// The line protocol over TLS (docs/operations.md "TLS"): real servers on real TCP ports, with
/// certificates made for each test by openssl.
@Suite struct TLSTests {
    static let health = "grpc.health.v1.Health/Check"

    /// A TLS server over the shared test database, on a free port.
    static func server(_ environment: TestEnvironment, _ tls: ServerTLS) async throws -> Int {
        try await TestEnvironment.startServer(pool: environment.pool, clock: SystemClock(), logger: environment.logger) { $0.tls = tls }
    }

    static func connect(_ port: Int, ca: TestPKI.Identity, client: TestPKI.Identity? = nil) async throws -> TreasuryConnection {
        try await TreasuryConnection.connect(
            host: "127.0.0.1", port: port,
            tls: ClientTLSOptions(caFile: ca.certificate, certificateFile: client?.certificate, keyFile: client?.key))
    }

    /// Whether a Health call over a new connection with these settings is answered SERVING.
    static func healthy(_ port: Int, ca: TestPKI.Identity, client: TestPKI.Identity? = nil) async -> Bool {
        do {
            let connection = try await connect(port, ca: ca, client: client)
            defer { Task { await connection.close() } }
            return try await connection.call(health).result?.objectValue?["status"] == .string("SERVING")
        } catch {
            return false
        }
    }

    @Test func callsWorkOverTLSAndAClientThatDoesNotTrustTheServerIsRefused() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca)
        let port = try await Self.server(environment, try ServerTLS(files: ServerTLSFiles(certificateChain: server.certificate, privateKey: server.key)))

        let connection = try await Self.connect(port, ca: ca)
        let health = try await connection.call(Self.health)
        #expect(health.result?.objectValue?["status"] == .string("SERVING"), "\(health.terminalLine)")
        // An authenticated call, pipelined with others on the same TLS connection.
        let admin = Session(connection: connection, token: environment.adminToken)
        async let first = admin.read("treasury.v1.Reflection/ListMethods")
        async let second = admin.read(Self.health)
        let (methods, again) = try await (first, second)
        #expect(methods.error == nil && (methods.object["methods"]?.arrayValue?.count ?? 0) > 10, "\(methods.terminalLine)")
        #expect(again.error == nil, "\(again.terminalLine)")
        await connection.close()

        // The system trust store does not hold the test CA: the handshake fails, cleanly.
        await #expect(throws: (any Error).self) {
            _ = try await TreasuryConnection.connect(host: "127.0.0.1", port: port, tls: ClientTLSOptions())
        }
        // A certificate that does not name the address connected to is refused too, unless the
        // client is told the name to expect.
        let elsewhere = try pki.server("elsewhere", signedBy: ca, names: "DNS:treasury.example")
        let elsewherePort = try await Self.server(environment, try ServerTLS(files: ServerTLSFiles(certificateChain: elsewhere.certificate, privateKey: elsewhere.key)))
        await #expect(throws: (any Error).self) {
            _ = try await TreasuryConnection.connect(host: "127.0.0.1", port: elsewherePort, tls: ClientTLSOptions(caFile: ca.certificate))
        }
        let named = try await TreasuryConnection.connect(
            host: "127.0.0.1", port: elsewherePort, tls: ClientTLSOptions(caFile: ca.certificate, serverName: "treasury.example"))
        #expect(try await named.call(Self.health).error == nil)
        await named.close()
        #expect(await Self.healthy(port, ca: ca), "the server still serves")
    }

    @Test func aClearTextClientOnTheTLSPortGetsOneErrorLineAndTheServerSurvives() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca)
        let port = try await Self.server(environment, try ServerTLS(files: ServerTLSFiles(certificateChain: server.certificate, privateKey: server.key)))

        let raw = try await RawLineConnection.connect(host: "127.0.0.1", port: port)
        try await raw.send("{\"id\":1,\"method\":\"\(Self.health)\"}\n")
        let line = try #require(try await raw.readLine())
        let error = try #require(try JSON.parse(line).objectValue)
        #expect(error["id"] == .null)
        #expect(error["error"]?.objectValue?["code"] == .string("FAILED_PRECONDITION"), "\(line)")
        #expect(error["error"]?.objectValue?["reason"] == .string("TLS_REQUIRED"), "\(line)")
        #expect(try await raw.readLine() == nil, "the server closes the connection after the error line")
        await raw.close()

        // The client library reports it as a closed connection carrying the server's error.
        let plain = try await TreasuryConnection.connect(host: "127.0.0.1", port: port)
        do {
            let response = try await plain.call(Self.health)
            Issue.record("a clear-text call on a TLS port was answered: \(response.terminalLine)")
        } catch let error as TreasuryClientError {
            #expect(error.serverError?.reason == "TLS_REQUIRED", "\(error)")
        }
        await plain.close()

        // Bytes that look like a TLS record but are not one: the handshake fails, the connection closes.
        let garbage = try await RawLineConnection.connect(host: "127.0.0.1", port: port)
        try await garbage.send([0x16, 0x03, 0x01, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00] + Array("\n".utf8))
        var linesBeforeClose = 0
        while try await garbage.readLine() != nil, linesBeforeClose < 3 { linesBeforeClose += 1 }
        #expect(linesBeforeClose < 3, "the server closes the connection")
        await garbage.close()

        #expect(await Self.healthy(port, ca: ca), "the server still serves TLS clients")
        let other = try await environment.client()
        #expect(try await other.call(Self.health).result?.objectValue?["status"] == .string("SERVING"), "other servers are untouched")
        await other.close()
    }

    @Test func mutualTLSRefusesClientsWithoutACertificateOrWithOneFromAnotherCA() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca)
        let banks = try pki.authority("banks"), stranger = try pki.authority("stranger")
        let vcb = try pki.client("vcb", commonName: "VCB", signedBy: banks)
        let forged = try pki.client("forged", commonName: "VCB", signedBy: stranger)
        let tls = try ServerTLS(files: ServerTLSFiles(certificateChain: server.certificate, privateKey: server.key, clientCA: banks.certificate))
        #expect(tls.requiresClientCertificates)
        let port = try await Self.server(environment, tls)

        #expect(await Self.healthy(port, ca: ca, client: vcb), "a certificate of the client CA is accepted")
        #expect(await !Self.healthy(port, ca: ca), "no client certificate: refused")
        #expect(await !Self.healthy(port, ca: ca, client: forged), "a certificate of another CA (even with a bank's name): refused")
        // A server certificate is not a client certificate of the client CA either.
        #expect(await !Self.healthy(port, ca: ca, client: server), "the server's own certificate is not from the client CA")
        #expect(await Self.healthy(port, ca: ca, client: vcb), "the server survives the refusals")
    }

    @Test func aBankGrantOverAnotherBanksCertificateIsRefusedAndItsOwnIsAuditedWithTheSubject() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let world = revenue.world
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca), banks = try pki.authority("banks")
        let port = try await Self.server(environment, try ServerTLS(files: ServerTLSFiles(
            certificateChain: server.certificate, privateKey: server.key, clientCA: banks.certificate)))
        let account = try await world.account()
        let database = try environment.database()
        func audited(_ action: String, ref: String) throws -> [String?] {
            try database.query(
                "SELECT client_certificate FROM audit_log WHERE action = $1 AND details::text LIKE '%' || $2 || '%' ORDER BY id",
                [action, ref]).rows.map { $0["client_certificate"] }
        }

        // world.bank holds BANK B:VCB; over a certificate of BIDV its grant is set aside.
        let bidvConnection = try await Self.connect(port, ca: ca, client: try pki.client("bidv", commonName: "BIDV", signedBy: banks))
        let overBIDV = Session(connection: bidvConnection, token: world.bank.token)
        let ref = "TLS-\(UUID().uuidString)", key = UUID().uuidString
        let deposit: JSONObject = ["account_no": .string(account), "amount": .money(5_000), "bank_code": .string("VCB"), "bank_ref": .string(ref)]
        let refused = try await overBIDV.mutate("treasury.v1.Accounts/Deposit", deposit, key: key)
        #expect(refused.code == "PERMISSION_DENIED" && refused.reason == "CERTIFICATE_MISMATCH", "\(refused.terminalLine)")
        #expect(refused.error?.details?["certificate_common_name"] == .string("BIDV"), "\(refused.terminalLine)")
        #expect(try await world.balance(account) == 0, "nothing changed")
        #expect(try audited("treasury.v1.Accounts/Deposit", ref: ref).isEmpty, "no audit row for a refusal")
        let collection = revenue.collection(1_000)
        let refusedCollection = try await overBIDV.mutate("treasury.v1.Revenue/RecordCollection", collection)
        #expect(refusedCollection.reason == "CERTIFICATE_MISMATCH", "\(refusedCollection.terminalLine)")
        let refusedBatch = try await overBIDV.mutate("treasury.v1.Revenue/RecordCollections", ["collections": .array([.object(revenue.collection(1_000))])])
        #expect(refusedBatch.reason == "CERTIFICATE_MISMATCH", "\(refusedBatch.terminalLine)")
        // Calls no BANK grant is needed for are not affected (Health needs no token at all).
        #expect(try await overBIDV.read(Self.health).object["status"] == .string("SERVING"))
        await bidvConnection.close()

        // Over its own bank's certificate the same call (same idempotency key: the refusal was
        // not stored) is accepted, and the audit row names the certificate's subject.
        let vcbConnection = try await Self.connect(port, ca: ca, client: try pki.client("vcb", commonName: "VCB", signedBy: banks))
        let overVCB = Session(connection: vcbConnection, token: world.bank.token)
        let accepted = try await overVCB.mutate("treasury.v1.Accounts/Deposit", deposit, key: key)
        #expect(accepted.error == nil, "\(accepted.terminalLine)")
        #expect(try await world.balance(account) == 5_000)
        let subject = "CN=VCB,O=Treasury Tests,C=VN"
        #expect(try audited("treasury.v1.Accounts/Deposit", ref: ref) == [subject])
        // Through group commit and through a batch, the subject is recorded the same way.
        let recorded = try await overVCB.mutate("treasury.v1.Revenue/RecordCollection", collection)
        #expect(recorded.error == nil, "\(recorded.terminalLine)")
        #expect(try audited("treasury.v1.Revenue/RecordCollection", ref: collection["bank_ref"]?.stringValue ?? "?") == [subject])
        let batchItem = revenue.collection(2_000)
        let batch = try await overVCB.mutate("treasury.v1.Revenue/RecordCollections", ["collections": .array([.object(batchItem)])])
        #expect(batch.error == nil, "\(batch.terminalLine)")
        #expect(try audited("treasury.v1.Revenue/RecordCollections", ref: batchItem["bank_ref"]?.stringValue ?? "?") == [subject])
        await vcbConnection.close()

        // Without TLS there is no certificate: the audit column stays NULL.
        let plainRef = "PLAIN-\(UUID().uuidString)"
        try await world.bank.must("treasury.v1.Accounts/Deposit", [
            "account_no": .string(account), "amount": .money(1), "bank_code": .string("VCB"), "bank_ref": .string(plainRef)])
        #expect(try audited("treasury.v1.Accounts/Deposit", ref: plainRef) == [nil])

        // Reflection lists the reason for the methods a BANK calls, not for the others.
        let methods = try await world.admin.mustRead("treasury.v1.Reflection/ListMethods", [:])["methods"]?.arrayValue ?? []
        let reasons = Dictionary(uniqueKeysWithValues: methods.compactMap(\.objectValue).map {
            ($0["name"]?.stringValue ?? "", ($0["reasons"]?.arrayValue ?? []).compactMap(\.stringValue))
        })
        #expect(reasons["treasury.v1.Accounts/Deposit"]?.contains("CERTIFICATE_MISMATCH") == true)
        #expect(reasons["treasury.v1.Revenue/RecordCollection"]?.contains("CERTIFICATE_MISMATCH") == true)
        #expect(reasons["treasury.v1.Admin/CreateUser"]?.contains("CERTIFICATE_MISMATCH") == false)
    }

    @Test func aReloadMakesNewConnectionsUseTheNewCertificateAndABadOneChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let oldCA = try pki.authority("old-ca"), newCA = try pki.authority("new-ca")
        let live = try pki.server("live", signedBy: oldCA)
        let tls = try ServerTLS(files: ServerTLSFiles(certificateChain: live.certificate, privateKey: live.key))
        let port = try await Self.server(environment, tls)
        let open = try await Self.connect(port, ca: oldCA)
        #expect(await Self.healthy(port, ca: oldCA))
        #expect(await !Self.healthy(port, ca: newCA))

        try pki.install(try pki.server("rotated", signedBy: newCA), as: live)
        #expect(await Self.healthy(port, ca: oldCA), "before the reload, new connections still get the old certificate")
        let summary = try tls.reload()
        #expect(summary.contains("CN=localhost"), "\(summary)")
        #expect(await Self.healthy(port, ca: newCA), "after the reload, new connections get the new certificate")
        #expect(await !Self.healthy(port, ca: oldCA))
        #expect(try await open.call(Self.health).error == nil, "an open connection keeps its certificate and goes on")

        // A broken file: the reload fails and the server keeps the certificate it has.
        try "not a certificate".write(toFile: live.certificate, atomically: true, encoding: .utf8)
        #expect(throws: ServerTLSError.self) { try tls.reload() }
        #expect(await Self.healthy(port, ca: newCA))
        await open.close()
    }

    @Test func theCLIConnectsOverTLSWithItsFlagsOrEnvironment() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca), banks = try pki.authority("banks")
        let vcb = try pki.client("vcb", commonName: "VCB", signedBy: banks)
        let port = try await Self.server(environment, try ServerTLS(files: ServerTLSFiles(
            certificateChain: server.certificate, privateKey: server.key, clientCA: banks.certificate)))
        let cli = CLITests()
        let clear: [String: String] = ["TREASURY_TLS": "", "TREASURY_CA": "", "TREASURY_TLS_CERT": "", "TREASURY_TLS_KEY": ""]

        let flags = try await cli.treasury(["health", "--ca", ca.certificate, "--tls-cert", vcb.certificate, "--tls-key", vcb.key],
                                           token: nil, port: port, environment: clear)
        #expect(flags.status == 0 && flags.output.contains("SERVING"), "\(flags.error)")
        let variables = try await cli.treasury(["health"], token: nil, port: port, environment: [
            "TREASURY_TLS": "1", "TREASURY_CA": ca.certificate, "TREASURY_TLS_CERT": vcb.certificate, "TREASURY_TLS_KEY": vcb.key])
        #expect(variables.status == 0 && variables.output.contains("SERVING"), "\(variables.error)")

        let clearText = try await cli.treasury(["health"], token: nil, port: port, environment: clear)
        #expect(clearText.status != 0 && clearText.error.contains("TLS_REQUIRED"), "\(clearText.status) \(clearText.error)")
        let untrusted = try await cli.treasury(["health", "--tls"], token: nil, port: port, environment: clear)
        #expect(untrusted.status == 3, "the system trust store does not know the test CA: \(untrusted.error)")
        let halfPair = try await cli.treasury(["health", "--ca", ca.certificate, "--tls-cert", vcb.certificate], token: nil, port: port, environment: clear)
        #expect(halfPair.status == 64 && halfPair.error.contains("both --tls-cert and --tls-key"), "\(halfPair.error)")
        let missing = try await cli.treasury(["health", "--ca", pki.path("missing.pem")], token: nil, port: port, environment: clear)
        #expect(missing.status == 64 && missing.error.contains("cannot read"), "\(missing.error)")
    }

    @Test func treasurydReloadsItsCertificateOnSIGHUP() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let oldCA = try pki.authority("old-ca"), newCA = try pki.authority("new-ca")
        let live = try pki.server("live", signedBy: oldCA)
        let daemon = try Daemon(["serve", "--no-migrate", "--database-url", environment.databaseConninfo, "--listen", "127.0.0.1:0",
                                 "--pool-size", "2", "--tls-cert", live.certificate, "--tls-key", live.key])
        defer { daemon.stop() }
        let port = try await daemon.port()
        #expect(await Self.healthy(port, ca: oldCA))

        try pki.install(try pki.server("rotated", signedBy: newCA), as: live)
        daemon.signal(SIGHUP)
        try await daemon.waitForLog("TLS certificate reloaded")
        #expect(await Self.healthy(port, ca: newCA), "after SIGHUP new connections get the new certificate")
        #expect(await !Self.healthy(port, ca: oldCA))

        // A SIGHUP with a broken file logs the failure and keeps serving the certificate it has.
        try "not a key".write(toFile: live.key, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForLog("TLS reload failed")
        #expect(await Self.healthy(port, ca: newCA))
        #expect(daemon.isRunning)
    }
}

/// `treasuryd` run as a child process, its log collected as it comes.
final class Daemon: Sendable {
    private let process: UncheckedProcess
    private let log = LockedState("")

    struct UncheckedProcess: @unchecked Sendable { let process: Process }

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("treasuryd")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for name in ["TREASURY_TLS_CERT", "TREASURY_TLS_KEY", "TREASURY_TLS_CLIENT_CA", "TREASURY_INSECURE", "TREASURY_LISTEN",
                     "TREASURY_METRICS_LISTEN"] { environment[name] = nil }
        environment["TREASURY_LOG_LEVEL"] = "info"
        process.environment = environment
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        self.process = UncheckedProcess(process: process)
        try process.run()
        let log = self.log
        let reader = errors.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let data = reader.availableData
                if data.isEmpty { return }
                log.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
    }

    var isRunning: Bool { process.process.isRunning }

    func signal(_ signal: Int32) {
        kill(process.process.processIdentifier, signal)
    }

    func stop() {
        if process.process.isRunning { process.process.terminate() }
    }

    /// Waits until the log holds `text` after what was already waited for.
    func waitForLog(_ text: String, timeout: Duration = .seconds(60)) async throws {
        _ = try await waitFor(timeout: timeout) { log in log.contains(text) ? () : nil }
    }

    /// The port the server listens on, from its "listening" log line.
    func port() async throws -> Int {
        try await waitFor(timeout: .seconds(120)) { log in
            for line in log.split(separator: "\n") where line.hasSuffix("listening") {
                if let range = line.range(of: #" port=(\d+)"#, options: .regularExpression) {
                    return Int(line[range].dropFirst(" port=".count))
                }
            }
            return nil
        }
    }

    /// The ports of the line protocol and of the metrics endpoint, from their log lines.
    func ports() async throws -> (server: Int, metrics: Int) {
        func port(_ log: String, _ message: String) -> Int? {
            for line in log.split(separator: "\n") where line.hasSuffix(" \(message)") {
                if let range = line.range(of: #" port=(\d+)"#, options: .regularExpression) {
                    return Int(line[range].dropFirst(" port=".count))
                }
            }
            return nil
        }
        return try await waitFor(timeout: .seconds(120)) { log in
            guard let server = port(log, "listening"), let metrics = port(log, "serving metrics") else { return nil }
            return (server, metrics)
        }
    }

    private func waitFor<T>(timeout: Duration, _ found: (String) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = found(log.withLock { $0 }) {
                log.withLock { $0 = "" }
                return value
            }
            guard process.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = log.withLock { $0 }
        Issue.record("treasuryd did not log what was awaited; its log:\n\(text)")
        throw CancellationError()
    }
}
