import ArgumentParser
import CoreMetrics
import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import Prometheus
import ServiceLifecycle
import TreasuryMetrics
import TreasuryServer
import TreasuryService
import UnixSignals

@main
struct Treasuryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treasuryd",
        abstract: "The digital state treasury server.",
        subcommands: [Serve.self, Migrate.self, Bootstrap.self, Verify.self],
        defaultSubcommand: Serve.self)
}

/// Where the database is: a flag, then TREASURY_DATABASE_URL, else the embedded local cluster.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq conninfo or postgresql:// URI (default: $TREASURY_DATABASE_URL, else an embedded cluster in --data-dir)")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Directory of the embedded local PostgreSQL cluster.")
    var dataDirectory = "./.treasury"

    @Option(name: .customLong("sql-dir"), help: "Directory of the migrations (default: $TREASURY_SQL_DIR, else ./sql/migrations).")
    var sqlDirectory: String?

    /// The conninfo to use, starting the embedded cluster when nothing is configured.
    func conninfo(logger: Logger) throws -> (String, EmbeddedPostgres?) {
        if let databaseURL { return (databaseURL, nil) }
        if let url = ProcessInfo.processInfo.environment["TREASURY_DATABASE_URL"], !url.isEmpty { return (url, nil) }
        let (directory, relocated) = EmbeddedPostgres.usableDirectory(dataDirectory)
        if relocated {
            logger.notice("the postgres user cannot reach the data directory (this runs as root): the embedded cluster lives elsewhere",
                          metadata: ["requested": "\(dataDirectory)", "directory": "\(directory)"])
        }
        logger.notice("no database configured: using the embedded local PostgreSQL cluster", metadata: ["directory": "\(directory)"])
        let embedded = EmbeddedPostgres(configuration: EmbeddedPostgresConfiguration(directory: directory), logger: logger)
        return (try embedded.start(), embedded)
    }

    func migrator(logger: Logger) throws -> Migrator {
        guard let directory = Migrator.locateDirectory(explicit: sqlDirectory) else {
            throw ValidationError("no migrations found: pass --sql-dir or set TREASURY_SQL_DIR")
        }
        return Migrator(directory: directory, logger: logger)
    }
}

func makeLogger(_ label: String) -> Logger {
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["TREASURY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (migrates first unless --no-migrate).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "host:port to listen on (default: $TREASURY_LISTEN, else 127.0.0.1:7400).")
    var listen: String?

    @Flag(name: .customLong("no-migrate"), help: "Do not apply migrations before serving.")
    var noMigrate = false

    @Option(name: .customLong("pool-size"), help: "Database connections (and their threads).")
    var poolSize = 16

    @Option(name: .customLong("max-line-bytes"), help: "Longest request line accepted.")
    var maximumLineBytes = 4 * 1024 * 1024

    @Option(name: .customLong("max-calls-per-connection"), help: "Calls run at once per connection.")
    var maximumCallsPerConnection = 64

    @Option(name: .customLong("max-connections"), help: "Connections open at once; one more gets RESOURCE_EXHAUSTED/TOO_MANY_CONNECTIONS.")
    var maximumConnections = ServerConfiguration().maximumConnections

    @Option(name: .customLong("max-output-bytes"), help: "Output one connection may hold for a client that has not read it; past it the connection closes.")
    var maximumOutputBytes = ServerConfiguration().maximumOutboundBufferBytes

    @Option(name: .customLong("group-commit"), help: "RecordCollection group commit: transactions in flight at once (0 turns it off).")
    var groupCommitConcurrency = GroupCommitConfiguration().concurrency

    @Option(name: .customLong("group-commit-max"), help: "Most RecordCollection calls in one group commit.")
    var groupCommitMaximum = GroupCommitConfiguration().maximumGroup

    @Option(name: .customLong("batch-concurrency"), help: "RecordCollections batches recorded at once; the others wait their turn (0: no limit).")
    var batchConcurrency = ServiceConfiguration().batchConcurrency

    @Option(name: .customLong("read-database-url"),
            help: "A standby (libpq conninfo or URI) for streaming reads and reports (default: $TREASURY_READ_DATABASE_URL; none: the primary serves them).")
    var readDatabaseURL: String?

    @Option(help: "Unit filings: required (unsigned ones are refused) or optional (default: $TREASURY_SIGNATURES, else required).")
    var signatures: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Serve over TLS 1.2+ with this PEM certificate chain (default: $TREASURY_TLS_CERT); SIGHUP reloads it.", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp(
        "The PEM private key of --tls-cert (default: $TREASURY_TLS_KEY); SIGHUP reloads it.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: ArgumentHelp(
        "Mutual TLS: require client certificates signed by this PEM CA; a certificate's common name is its bank's code (default: $TREASURY_TLS_CLIENT_CA).",
        valueName: "file"))
    var tlsClientCA: String?

    @Flag(help: "Allow listening on a non-loopback address without TLS (default: $TREASURY_INSECURE).")
    var insecure = false

    @Option(name: .customLong("metrics-listen"), help: ArgumentHelp(
        "Serve Prometheus metrics at http://host:port/metrics (default: $TREASURY_METRICS_LISTEN; none when unset).",
        valueName: "host:port"))
    var metricsListen: String?

    /// A flag's value, else its environment variable (empty means unset).
    static func setting(_ flag: String?, _ variable: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// The TLS settings from flags and environment, checked and loaded; nil serves clear text.
    /// Refuses a non-loopback address without TLS unless --insecure (or TREASURY_INSECURE).
    func tls(host: String, address: String) throws -> ServerTLS? {
        let certificate = Self.setting(tlsCertificate, "TREASURY_TLS_CERT")
        let key = Self.setting(tlsKey, "TREASURY_TLS_KEY")
        let clientCA = Self.setting(tlsClientCA, "TREASURY_TLS_CLIENT_CA")
        let insecureText = ProcessInfo.processInfo.environment["TREASURY_INSECURE"]?.lowercased() ?? ""
        guard ["", "0", "false", "no", "1", "true", "yes"].contains(insecureText) else {
            throw ValidationError("TREASURY_INSECURE must be 1, true, yes, 0, false or no, not \(insecureText)")
        }
        let insecure = insecure || ["1", "true", "yes"].contains(insecureText)
        switch (certificate, key) {
        case (let certificate?, let key?):
            do {
                return try ServerTLS(files: ServerTLSFiles(certificateChain: certificate, privateKey: key, clientCA: clientCA))
            } catch let error as ServerTLSError {
                throw ValidationError(error.description)
            }
        case (nil, nil):
            if clientCA != nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
            if !Self.isLoopback(host), !insecure {
                throw ValidationError("refusing to listen on \(address) without TLS: pass --tls-cert and --tls-key, or --insecure to serve clear text on a non-loopback address")
            }
            return nil
        default:
            throw ValidationError("TLS needs both --tls-cert and --tls-key")
        }
    }

    /// Splits `host:port` (the host may be empty, a name, an IPv4 address or a bracketed IPv6 one).
    static func hostAndPort(_ address: String, flag: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("\(flag) must be host:port, not \(address)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1) or `localhost`. Anything else,
    /// names included (they may resolve anywhere) and the empty host (every interface), is not.
    static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        if host.hasPrefix("::ffff:") { host = String(host.dropFirst("::ffff:".count)) }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }) else {
            return false
        }
        return octets[0] == "127"
    }

    func run() async throws {
        let logger = makeLogger("treasuryd")
        let policyText = signatures ?? ProcessInfo.processInfo.environment["TREASURY_SIGNATURES"] ?? SignaturePolicy.required.rawValue
        guard let signaturePolicy = SignaturePolicy(rawValue: policyText) else {
            throw ValidationError("--signatures must be required or optional, not \(policyText)")
        }
        guard groupCommitConcurrency >= 0, groupCommitMaximum >= 1, batchConcurrency >= 0 else {
            throw ValidationError("--group-commit and --batch-concurrency must be 0 or more, --group-commit-max 1 or more")
        }
        let address = Self.setting(listen, "TREASURY_LISTEN") ?? "127.0.0.1:7400"
        let (host, port) = try Self.hostAndPort(address, flag: "--listen")
        let metricsAddress = Self.setting(metricsListen, "TREASURY_METRICS_LISTEN")
        let metricsHostAndPort = try metricsAddress.map { try Self.hostAndPort($0, flag: "--metrics-listen") }
        // Checked and loaded before anything starts, so a bad file stops the server at once.
        let tls = try tls(host: host, address: address)
        guard maximumConnections >= 1, maximumOutputBytes >= 65_536 else {
            throw ValidationError("--max-connections must be 1 or more, --max-output-bytes 65536 or more")
        }
        // Every connection holds a descriptor, every database connection (and the health probe's) one more.
        FileDescriptorLimit.raise(
            toFit: FileDescriptorLimit.needed(maximumConnections: maximumConnections, databaseConnections: poolSize + 1),
            logger: logger)
        let (conninfo, embedded) = try database.conninfo(logger: logger)
        defer { try? embedded?.stop() }
        let setup: [String]
        do {
            let connection = try PostgresConnection(conninfo: conninfo)
            if !noMigrate { try database.migrator(logger: logger).migrate(connection) }
            setup = try Operations.connectionSetup(connection)
        }
        // Metrics only when asked for: MetricsSystem is bootstrapped once, here, with the
        // Prometheus factory; the service and server count into it (docs/operations.md "Metrics").
        var metrics: (TreasuryMetrics, PrometheusCollectorRegistry)?
        if metricsHostAndPort != nil {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(TreasuryMetrics.prometheusFactory(registry: registry))
            metrics = (TreasuryMetrics(), registry)
        }
        var poolConfiguration = PostgresPoolConfiguration(conninfo: conninfo, size: poolSize)
        poolConfiguration.connectionSetup = setup
        poolConfiguration.errorObserver = metrics?.0.databaseErrorObserver
        let pool = PostgresPool(configuration: poolConfiguration, logger: logger)
        // Streaming reads and reports on a standby: half the pool's size, the same session setup.
        let readPool = Self.setting(readDatabaseURL, "TREASURY_READ_DATABASE_URL").map { url in
            var configuration = PostgresPoolConfiguration(conninfo: url, size: max(2, poolSize / 2))
            configuration.connectionSetup = setup
            configuration.errorObserver = metrics?.0.databaseErrorObserver
            return PostgresPool(configuration: configuration, logger: logger)
        }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = host
        serverConfiguration.port = port
        serverConfiguration.tls = tls
        serverConfiguration.maximumLineBytes = maximumLineBytes
        serverConfiguration.maximumConcurrentCallsPerConnection = maximumCallsPerConnection
        serverConfiguration.metrics = metrics?.0
        serverConfiguration.maximumConnections = maximumConnections
        serverConfiguration.maximumOutboundBufferBytes = maximumOutputBytes
        var serviceConfiguration = ServiceConfiguration()
        serviceConfiguration.groupCommit.setInFlight(groupCommitConcurrency)
        serviceConfiguration.groupCommit.maximumGroup = groupCommitMaximum
        serviceConfiguration.batchConcurrency = batchConcurrency
        serviceConfiguration.signatures = signaturePolicy
        serviceConfiguration.metrics = metrics?.0
        let service = TreasuryService(pool: pool, readPool: readPool, configuration: serviceConfiguration, logger: logger)
        let server = TreasuryServer(configuration: serverConfiguration, dispatcher: service, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server)]
        if let (metricsHost, metricsPort) = metricsHostAndPort, let (metrics, registry) = metrics {
            let endpoint = try await MetricsServer.bind(host: metricsHost, port: metricsPort, logger: logger) {
                metrics.prometheusText(registry)
            }
            // Shut down after the server (services stop in reverse order): the last calls are counted.
            services.insert(.init(service: endpoint), at: 0)
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.notice("treasuryd listening", metadata: ["address": "\(address)", "tls": "\(tls != nil)"])
        // SIGHUP reloads the TLS certificate and key (and client CA): new connections use the
        // new ones, open connections keep theirs. Trapped before serving, so an early SIGHUP
        // cannot end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let reloader = Task {
            for await _ in hangups {
                guard let tls else {
                    logger.notice("SIGHUP: no TLS configured, nothing to reload")
                    continue
                }
                do {
                    let summary = try tls.reload()
                    logger.notice("SIGHUP: TLS certificate reloaded; new connections use it", metadata: ["certificate": "\(summary)"])
                } catch {
                    logger.error("SIGHUP: TLS reload failed; still serving the previous certificate", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { reloader.cancel() }
        try await group.run()
        await pool.shutdown()
        await readPool?.shutdown()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the SQL migrations that are not applied yet.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger("treasuryd")
        let (conninfo, _) = try database.conninfo(logger: logger)
        let connection = try PostgresConnection(conninfo: conninfo)
        do {
            let applied = try database.migrator(logger: logger).migrate(connection)
            print(applied.isEmpty ? "database is up to date" : "applied: " + applied.joined(separator: ", "))
        } catch let failure as Migrator.Failure {
            throw ValidationError(failure.description)
        }
    }
}

struct Bootstrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create (or reuse) an ADMIN with scope * and print a new token.")
    @OptionGroup var database: DatabaseOptions

    @Option(help: "The administrator's username.")
    var username: String

    @Option(name: .customLong("ttl-days"), help: "Days the token stays valid.")
    var ttlDays: Int64 = 90

    func run() async throws {
        let logger = makeLogger("treasuryd")
        let (conninfo, _) = try database.conninfo(logger: logger)
        let connection = try PostgresConnection(conninfo: conninfo)
        try database.migrator(logger: logger).migrate(connection)
        print(try Operations.bootstrap(connection, username: username, ttlDays: ttlDays))
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check every invariant over the whole database; exit 0 only when all hold.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger("treasuryd")
        let (conninfo, _) = try database.conninfo(logger: logger)
        let connection = try PostgresConnection(conninfo: conninfo)
        let problems = try Operations.verify(connection)
        for problem in problems { print("\(problem.check): \(problem.problem)") }
        if problems.isEmpty {
            print("all invariants hold")
        } else {
            print("\(problems.count) problem(s) found")
            throw ExitCode(1)
        }
    }
}
