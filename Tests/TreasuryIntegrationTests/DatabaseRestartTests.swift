import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// The server outlives its database: while PostgreSQL is down calls answer UNAVAILABLE and
/// health NOT_SERVING; once it is back, the same server serves again without a restart.
@Suite struct DatabaseRestartTests {
    @Test func theServerAnswersUnavailableWhileTheDatabaseIsDownAndServesAgainAfterItsRestart() async throws {
        let directory = try EmbeddedPostgresTests.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EmbeddedPostgresConfiguration(directory: directory + "/.treasury")
        configuration.port = Int.random(in: 30_000..<40_000)
        var logger = Logger(label: "DatabaseRestartTests")
        logger.logLevel = .critical
        let cluster = EmbeddedPostgres(configuration: configuration, logger: logger)
        defer { try? cluster.stop() }
        let conninfo = try cluster.start()
        let connection = try PostgresConnection(conninfo: conninfo)
        _ = try TestEnvironment.migrate(connection, logger: logger)
        let token = try Operations.bootstrap(connection, username: "restart-admin", ttlDays: 1)
        var poolConfiguration = PostgresPoolConfiguration(conninfo: conninfo + " connect_timeout=2", size: 2)
        poolConfiguration.connectionSetup = try Operations.connectionSetup(connection)
        let pool = PostgresPool(configuration: poolConfiguration, logger: logger)
        let port = try await TestEnvironment.startServer(pool: pool, clock: SystemClock(), logger: logger)
        let session = Session(connection: try await TreasuryConnection.connect(host: "127.0.0.1", port: port), token: token)

        func health() async throws -> String? { try await session.read("grpc.health.v1.Health/Check").string("status") }
        func createUser(_ name: String, key: String = UUID().uuidString) async throws -> CallResponse {
            try await session.mutate("treasury.v1.Admin/CreateUser", ["username": .string(name)], key: key)
        }

        #expect(try await health() == "SERVING")
        #expect(try await createUser("before-restart").error == nil)

        try cluster.stop()
        #expect(try await health() == "NOT_SERVING")
        let key = UUID().uuidString
        let down = try await createUser("while-down", key: key)
        #expect(down.code == "UNAVAILABLE")
        #expect(down.reason == "DATABASE_UNAVAILABLE")

        _ = try cluster.start()
        try await waitUntil("the server serves again") { try await health() == "SERVING" }
        #expect(try await createUser("after-restart").error == nil)
        let again = try await createUser("while-down", key: key)
        #expect(again.error == nil, "an UNAVAILABLE outcome is not stored: the same call succeeds once the database is back")
        await session.connection.close()
        await pool.shutdown()
    }
}
