import Foundation
import Logging
import PostgresClient
import Synchronization
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// A clock tests can set, for dates, deadlines and closed periods.
final class ManualClock: TreasuryClock {
    private let current: Mutex<Date>
    init(_ date: Date) { current = Mutex(date) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// One fresh database per test process, migrated by the real migrator, and a real server on
/// a free port in front of it. Every suite shares it and makes its own uniquely coded data.
final class TestEnvironment: Sendable {
    let databaseConninfo: String
    let port: Int
    let adminToken: String
    let pool: PostgresPool
    let logger: Logger

    private static let shared = Task { try await TestEnvironment.start() }
    static func get() async throws -> TestEnvironment { try await shared.value }

    static var serverConninfo: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["TREASURY_TEST_DATABASE_URL"], !url.isEmpty else {
                Issue.record("TREASURY_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a PostgreSQL for them")
                throw CancellationError()
            }
            return url
        }
    }

    static var migrationsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql/migrations").path
    }

    /// Roles are cluster-wide and `CREATE ROLE` races between databases migrating at once, so
    /// this process migrates one database at a time.
    private static let migrationLock = Mutex<Void>(())

    static func migrate(_ connection: PostgresConnection, directory: String = migrationsDirectory, logger: Logger) throws -> [String] {
        try migrationLock.withLock { _ in try Migrator(directory: directory, logger: logger).migrate(connection) }
    }

    /// Creates an empty database and returns its conninfo.
    static func createDatabase(prefix: String) throws -> String {
        let base = try serverConninfo
        let name = "\(prefix)_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresConnection(conninfo: base)
        try admin.query("CREATE DATABASE \(name)")
        return Conninfo.withDatabase(base, name)
    }

    static func start() async throws -> TestEnvironment {
        var logger = Logger(label: "treasury-tests")
        logger.logLevel = .warning
        let conninfo = try createDatabase(prefix: "treasury_it")
        let connection = try PostgresConnection(conninfo: conninfo)
        _ = try migrate(connection, logger: logger)
        let token = try Operations.bootstrap(connection, username: "test-admin", ttlDays: 36_500)
        var configuration = PostgresPoolConfiguration(conninfo: conninfo, size: 12)
        configuration.connectionSetup = try Operations.connectionSetup(connection)
        let pool = PostgresPool(configuration: configuration, logger: logger)
        let environment = TestEnvironment(databaseConninfo: conninfo, pool: pool, adminToken: token, logger: logger)
        return try await environment.withServer()
    }

    private init(databaseConninfo: String, pool: PostgresPool, adminToken: String, logger: Logger, port: Int = 0) {
        self.databaseConninfo = databaseConninfo
        self.pool = pool
        self.adminToken = adminToken
        self.logger = logger
        self.port = port
    }

    private func withServer() async throws -> TestEnvironment {
        let port = try await Self.startServer(pool: pool, clock: SystemClock(), logger: logger)
        return TestEnvironment(databaseConninfo: databaseConninfo, pool: pool, adminToken: adminToken, logger: logger, port: port)
    }

    /// Starts another real server over the same database, e.g. with a manual clock; it runs
    /// until the test process ends.
    static func startServer(pool: PostgresPool, clock: any TreasuryClock, logger: Logger, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> Int {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        return try await startServer(TreasuryService(pool: pool, clock: clock, configuration: serviceConfiguration(), logger: logger),
                                     logger: logger, configuration: configuration)
    }

    /// The service's settings in tests: an answer with a reason the method's declaration does
    /// not list fails (INTERNAL), so every test checks that reflection lists what a method answers.
    static func serviceConfiguration() -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.undeclaredReasons = .refuse
        return configuration
    }

    /// Serves a given service (e.g. with its own ServiceConfiguration) on a free port until the
    /// test process ends.
    static func startServer(_ service: TreasuryService, logger: Logger, configuration: ServerConfiguration = ServerConfiguration()) async throws -> Int {
        var configuration = configuration
        configuration.port = 0
        let server = TreasuryServer(configuration: configuration, dispatcher: service, logger: logger)
        Task { try await server.run() }
        return try await server.listeningPort()
    }

    func startServer(clock: any TreasuryClock) async throws -> Int {
        try await Self.startServer(pool: pool, clock: clock, logger: logger)
    }

    /// A direct superuser connection for checks behind the service's back.
    func database() throws -> PostgresConnection {
        let connection = try PostgresConnection(conninfo: databaseConninfo)
        try connection.query("SET search_path = treasury, public")
        return connection
    }

    func client(port: Int? = nil) async throws -> TreasuryConnection {
        try await TreasuryConnection.connect(host: "127.0.0.1", port: port ?? self.port)
    }

    private static let counter = Atomic<Int>(0)
    /// A number unique within this test process, for codes and keys.
    static func next() -> Int { counter.add(1, ordering: .relaxed).newValue }
}
