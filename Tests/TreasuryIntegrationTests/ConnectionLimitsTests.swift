import Foundation
import Logging
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// Issue #14 item 5 against the real service: a client that sends and never reads costs the
/// server a bounded amount of output, and health answers at once while business calls hold
/// every pooled connection.
@Suite struct ConnectionLimitsTests {
    /// A server of its own over the test database (its own pool, its own settings), so its
    /// statistics are this test's alone.
    static func startServer(
        _ environment: TestEnvironment, pool: PostgresPool, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> (server: TreasuryServer, port: Int) {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        let service = TreasuryService(pool: pool, configuration: TestEnvironment.serviceConfiguration(), logger: environment.logger)
        let server = TreasuryServer(configuration: configuration, dispatcher: service, logger: environment.logger)
        Task { try await server.run() }
        return (server, try await server.listeningPort())
    }

    static func health(port: Int) async throws -> (status: String?, elapsed: Duration) {
        let session = Session(connection: try await TreasuryConnection.connect(host: "127.0.0.1", port: port), token: nil)
        let started = ContinuousClock.now
        let response = try await session.read("grpc.health.v1.Health/Check")
        let elapsed = ContinuousClock.now - started
        await session.connection.close()
        return (response.string("status"), elapsed)
    }

    @Test func aClientThatSendsReflectionCallsAndNeverReadsIsCutOffWithinTheOutputLimit() async throws {
        let environment = try await TestEnvironment.get()
        let (server, port) = try await Self.startServer(environment, pool: environment.pool) { $0.outboundStallTimeout = .seconds(2) }
        let limit = ServerConfiguration().maximumOutboundBufferBytes
        let raw = try await RawLineConnection.connect(host: "127.0.0.1", port: port)
        // 2,000 ListMethods of some 70 kB each: far more than the sockets' buffers hold.
        let request = { (id: Int) in
            #"{"id":\#(id),"method":"treasury.v1.Reflection/ListMethods","metadata":{"authorization":"Bearer \#(environment.adminToken)"}}"#
        }
        let sender = Task { try? await raw.send((0..<2000).map(request).joined(separator: "\n") + "\n") }
        try await waitUntil("the server closes the connection of the client that does not read") {
            let statistics = server.statistics
            return statistics.closedStalled + statistics.closedForUnreadOutput == 1 && statistics.openConnections == 0
        }
        let statistics = server.statistics
        #expect(statistics.highestUnsentBytes > 0)
        #expect(statistics.highestUnsentBytes <= limit, "held \(statistics.highestUnsentBytes) bytes for it")
        #expect(statistics.highestCallsInFlight <= ServerConfiguration().maximumConcurrentCallsPerConnection)
        #expect(statistics.unsentBytes == 0)
        // The server goes on serving.
        #expect(try await Self.health(port: port).status == "SERVING")
        sender.cancel()
        await raw.close()
        server.triggerGracefulShutdown()
    }

    @Test func healthAnswersServingAtOnceWhileBusinessCallsHoldEveryPooledConnection() async throws {
        let environment = try await TestEnvironment.get()
        let holder = try environment.database()
        var configuration = PostgresPoolConfiguration(conninfo: environment.databaseConninfo, size: 1)
        configuration.connectionSetup = try Operations.connectionSetup(holder)
        let pool = PostgresPool(configuration: configuration, logger: environment.logger)
        let (server, port) = try await Self.startServer(environment, pool: pool)

        // The pool's only connection waits on a lock this test holds: a slow business call.
        let key = Int64.random(in: 1_000_000...2_000_000_000)
        try holder.query("SELECT pg_advisory_lock($1)", [key])
        let holderPID = try #require(try holder.query("SELECT pg_backend_pid() AS pid").first?.decode(Int64.self, "pid"))
        let blocked = Task {
            try await pool.withConnection { connection in
                try connection.query("SELECT pg_advisory_lock($1)", [key])
                try connection.query("SELECT pg_advisory_unlock($1)", [key])
            }
        }
        try await waitUntil("the pooled connection waits for the lock") {
            try holder.query("SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))", [holderPID])
                .first!.decode(Int64.self, "n") == 1
        }
        // And a call through the server queues behind it for the pool (its token is looked up).
        let caller = Session(connection: try await TreasuryConnection.connect(host: "127.0.0.1", port: port), token: environment.adminToken)
        let queued = Task { try await caller.read("treasury.v1.Reflection/ListMethods") }

        // Health gives up after 3 s (NOT_SERVING): SERVING means it did not wait for the pool,
        // which stays held until the lock is released below.
        let health = try await Self.health(port: port)
        #expect(health.status == "SERVING", "the database is up; only the pool is busy (answered after \(health.elapsed))")

        try holder.query("SELECT pg_advisory_unlock($1)", [key])
        try await blocked.value
        #expect(try await queued.value.error == nil, "the queued call ran once the connection was free")
        await caller.connection.close()
        server.triggerGracefulShutdown()
        await pool.shutdown()
    }
}
