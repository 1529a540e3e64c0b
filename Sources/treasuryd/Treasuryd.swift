import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import ServiceLifecycle
import TreasuryServer
import TreasuryService

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

    @Option(help: "Unit filings: required (unsigned ones are refused) or optional (default: $TREASURY_SIGNATURES, else required).")
    var signatures: String?

    func run() async throws {
        let logger = makeLogger("treasuryd")
        let policyText = signatures ?? ProcessInfo.processInfo.environment["TREASURY_SIGNATURES"] ?? SignaturePolicy.required.rawValue
        guard let signaturePolicy = SignaturePolicy(rawValue: policyText) else {
            throw ValidationError("--signatures must be required or optional, not \(policyText)")
        }
        guard groupCommitConcurrency >= 0, groupCommitMaximum >= 1, batchConcurrency >= 0 else {
            throw ValidationError("--group-commit and --batch-concurrency must be 0 or more, --group-commit-max 1 or more")
        }
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
        var poolConfiguration = PostgresPoolConfiguration(conninfo: conninfo, size: poolSize)
        poolConfiguration.connectionSetup = setup
        let pool = PostgresPool(configuration: poolConfiguration, logger: logger)
        var serverConfiguration = ServerConfiguration()
        let address = listen ?? ProcessInfo.processInfo.environment["TREASURY_LISTEN"] ?? "127.0.0.1:7400"
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--listen must be host:port")
        }
        serverConfiguration.host = String(address[..<colon])
        serverConfiguration.port = port
        serverConfiguration.maximumLineBytes = maximumLineBytes
        serverConfiguration.maximumConcurrentCallsPerConnection = maximumCallsPerConnection
        serverConfiguration.maximumConnections = maximumConnections
        serverConfiguration.maximumOutboundBufferBytes = maximumOutputBytes
        var serviceConfiguration = ServiceConfiguration()
        serviceConfiguration.groupCommit.setInFlight(groupCommitConcurrency)
        serviceConfiguration.groupCommit.maximumGroup = groupCommitMaximum
        serviceConfiguration.batchConcurrency = batchConcurrency
        serviceConfiguration.signatures = signaturePolicy
        let service = TreasuryService(pool: pool, configuration: serviceConfiguration, logger: logger)
        let server = TreasuryServer(configuration: serverConfiguration, dispatcher: service, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.notice("treasuryd listening", metadata: ["address": "\(address)"])
        try await group.run()
        await pool.shutdown()
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
