import Foundation
import PostgresClient
import Prometheus
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryMetrics
import TreasuryProtocol
import TreasuryService

/// A read pool (`TREASURY_READ_DATABASE_URL`: a standby in production) takes the streaming
/// reads and reports; the writes and the reads that must see the caller's own writes stay on
/// the primary. Here both pools reach the test database, so what is checked is where each
/// call's queries go (each pool counts its round trips) and the lag gauge.
@Suite struct ReadReplicaTests {
    @Test func streamingReadsAndReportsGoToTheReadPoolAndEverythingElseToThePrimary() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 10_000), to = try await world.account()

        func pool(_ size: Int) throws -> PostgresPool {
            var configuration = PostgresPoolConfiguration(conninfo: environment.databaseConninfo, size: size)
            configuration.connectionSetup = try Operations.connectionSetup(try environment.database())
            return PostgresPool(configuration: configuration, logger: environment.logger)
        }
        let primary = try pool(2), replica = try pool(2)
        var configuration = TestEnvironment.serviceConfiguration()
        configuration.tokenCacheLifetime = .seconds(600)
        let port = try await TestEnvironment.startServer(
            TreasuryService(pool: primary, readPool: replica, configuration: configuration, logger: environment.logger), logger: environment.logger)
        let connection = try await environment.client(port: port)
        let accountant = Session(connection: connection, token: world.accountant.token, signers: world.accountant.signers)
        let auditor = Session(connection: connection, token: world.auditor.token)

        // Writes and unary reads: the primary only.
        _ = try await auditor.mustRead("treasury.v1.Accounts/Get", ["account_no": .string(from)])
        try await accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(from), "to_account": .string(to), "amount": .money(250)])
        _ = try await accountant.mustRead("treasury.v1.Accounts/Get", ["account_no": .string(from)])
        #expect(replica.roundTrips.total == 0)

        // Streaming reads and reports: their data from the read pool.
        let year = TreasuryTime.localDate(of: Date()).year
        for (method, params) in [
            ("treasury.v1.Accounts/Statement", ["account_no": JSON.string(from)]),
            ("treasury.v1.Ledger/TrialBalance", ["fiscal_year": .integer(year), "treasury_code": .string(world.treasury)]),
            ("treasury.v1.Reports/BudgetExecution", ["fiscal_year": .integer(year), "treasury_code": .string(world.treasury)]),
        ] as [(String, JSONObject)] {
            let before = replica.roundTrips.total
            let response = try await auditor.read(method, params)
            #expect(response.error == nil, "\(method): \(response.terminalLine)")
            #expect(replica.roundTrips.total > before, "\(method) read its data from the read pool")
        }
        let statement = try await auditor.read("treasury.v1.Accounts/Statement", ["account_no": .string(from)])
        #expect(statement.items.count == 2, "the deposit and the transfer: \(statement.items)")

        await connection.close()
    }

    @Test func theReadReplicasLagIsSampledIntoItsGauge() async throws {
        let environment = try await TestEnvironment.get()
        var poolConfiguration = PostgresPoolConfiguration(conninfo: environment.databaseConninfo, size: 1)
        poolConfiguration.connectionSetup = try Operations.connectionSetup(try environment.database())
        let primary = PostgresPool(configuration: poolConfiguration, logger: environment.logger)
        let replica = PostgresPool(configuration: poolConfiguration, logger: environment.logger)
        let registry = PrometheusCollectorRegistry()
        let metrics = TreasuryMetrics(factory: TreasuryMetrics.prometheusFactory(registry: registry))
        var configuration = TestEnvironment.serviceConfiguration()
        configuration.metrics = metrics
        let service = TreasuryService(pool: primary, readPool: replica, configuration: configuration, logger: environment.logger)
        // Sampled from the read pool every 5 s, the first time at once (0 here: not a standby).
        var text = ""
        // The gauge exists (at 0) before the first sample: wait for the sample's round trip too.
        for _ in 0..<100 where !(text.contains("treasury_replica_lag_seconds 0") && replica.roundTrips.total > 0) {
            text = String(decoding: metrics.prometheusText(registry), as: UTF8.self)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(text.contains("treasury_replica_lag_seconds 0"), "\(text.split(separator: "\n").filter { $0.contains("replica") })")
        #expect(replica.roundTrips.total > 0 && primary.roundTrips.total == 0)
        _ = service
    }
}
