import Foundation
import Logging
import PostgresClient
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// A fresh database with a real server in front of it and the reference data the workloads use.
struct BenchEnvironment: Sendable {
    let serverConninfo: String
    /// The bench database, as the superuser.
    let databaseConninfo: String
    let port: Int
    let token: String
    let treasury = "5900"
    let unit = "5900001"
    let area = "59001"

    static func start(serverConninfo: String, service serviceConfiguration: ServiceConfiguration, logger: Logger) async throws -> BenchEnvironment {
        let name = "treasury_bench_\(getpid())"
        try PostgresConnection(conninfo: serverConninfo).query("CREATE DATABASE \(name)")
        let conninfo = Conninfo.withDatabase(serverConninfo, name)
        let connection = try PostgresConnection(conninfo: conninfo)
        guard let directory = Migrator.locateDirectory(explicit: nil) else { throw BenchError("no sql/migrations found: run from the repository") }
        try Migrator(directory: directory, logger: logger).migrate(connection)
        let token = try Operations.bootstrap(connection, username: "bench", ttlDays: 1)
        var configuration = PostgresPoolConfiguration(conninfo: conninfo, size: 16)
        configuration.connectionSetup = try Operations.connectionSetup(connection)
        let pool = PostgresPool(configuration: configuration, logger: logger)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.port = 0
        let server = TreasuryServer(configuration: serverConfiguration, dispatcher: TreasuryService(pool: pool, configuration: serviceConfiguration, logger: logger), logger: logger)
        Task { try await server.run() }
        let environment = BenchEnvironment(serverConninfo: serverConninfo, databaseConninfo: conninfo, port: try await server.listeningPort(), token: token)
        try await environment.prepare()
        return environment
    }

    /// Before each workload: a CHECKPOINT, so that no workload pays for the checkpoint that the
    /// one before it made due (the batch workload writes hundreds of thousands of rows). No
    /// VACUUM or ANALYZE then: statistics taken while the tables are nearly empty make cached
    /// plans scan them sequentially until autovacuum analyzes them again (measured: the spread
    /// workload fell from ~650 to 290-520 calls/s); autovacuum runs as it would in production.
    /// Before the pgbench runs, `vacuum` first: the bench database's autovacuum must not run
    /// during pgbench's.
    func settle(vacuum: Bool = false) throws {
        let connection = try PostgresConnection(conninfo: databaseConninfo)
        if vacuum { try connection.query("VACUUM (ANALYZE)") }
        try connection.query("CHECKPOINT")
    }

    /// Drops this run's databases on a server the bench was given (an embedded cluster is
    /// removed whole): repeated runs would otherwise pile them up. FORCE ends the server's own
    /// pooled connections.
    func dropDatabases() {
        guard let connection = try? PostgresConnection(conninfo: serverConninfo) else { return }
        for name in ["treasury_bench_\(getpid())", "treasury_pgbench_\(getpid())"] {
            _ = try? connection.query("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
        }
    }

    func session() async throws -> BenchSession {
        BenchSession(connection: try await TreasuryConnection.connect(host: "127.0.0.1", port: port), token: token)
    }

    /// Reference rows and grants every workload relies on.
    func prepare() async throws {
        let admin = try await session()
        try await admin.must("treasury.v1.Reference/PutTreasury", ["code": .string(treasury), "name": .string("Bench treasury"),
                                                                    "budget_level": .string("PROVINCE"), "parent_code": .string("0360")])
        try await admin.must("treasury.v1.Reference/PutArea", ["code": .string(area), "name": .string("Bench area")])
        try await admin.must("treasury.v1.Reference/PutBudgetUnit", [
            "code": .string(unit), "name": .string("Bench unit"), "budget_level": .string("PROVINCE"), "chapter": .string("422"),
            "area_code": .string(area), "treasury_code": .string(treasury)])
        for (role, scope) in [("TREASURY_OFFICER", "*"), ("UNIT_ACCOUNTANT", "U:\(unit)"), ("BANK", "B:VCB"), ("AUDITOR", "*"),
                              ("BUDGET_AUTHORITY", "*"), ("CHIEF_ACCOUNTANT", "*")] {
            try await admin.must("treasury.v1.Admin/Grant", ["username": .string("bench"), "role": .string(role), "scope": .string(scope)])
        }
        await admin.connection.close()
    }

    /// Today in Asia/Ho_Chi_Minh, the accounting date the server uses.
    var today: String { TreasuryTime.localDate(of: Date()).description }

    /// Areas under the bench treasury and a sharing rule for economic code 1001 this fiscal year
    /// (central 30%, province 70%); returns the area codes.
    func revenueSetup(areas count: Int) async throws -> [String] {
        let admin = try await session()
        var areas: [String] = []
        for index in 0..<count {
            let code = String(format: "59%03d", 100 + index)
            try await admin.must("treasury.v1.Reference/PutArea", ["code": .string(code), "name": .string("Bench area \(index)")])
            areas.append(code)
        }
        try await admin.must("treasury.v1.Revenue/PutSharingRule", [
            "fiscal_year": .integer(TreasuryTime.localDate(of: Date()).year), "economic_code": .string("1001"),
            "shares": .array([.object(["budget_level": .string("CENTRAL"), "basis_points": .integer(3000)]),
                              .object(["budget_level": .string("PROVINCE"), "basis_points": .integer(7000)])])])
        await admin.connection.close()
        return areas
    }

    /// Opens `count` funded accounts.
    func accounts(_ count: Int, balance: Int64) async throws -> [String] {
        let admin = try await session()
        var numbers: [String] = []
        for index in 0..<count {
            let number = try await admin.must("treasury.v1.Accounts/Open", ["unit_code": .string(unit)])["account_no"]?.stringValue ?? ""
            try await admin.must("treasury.v1.Accounts/Deposit", ["account_no": .string(number), "amount": .money(balance),
                                                                  "bank_code": .string("VCB"), "bank_ref": .string("BENCH-OPEN-\(index)-\(number)")])
            numbers.append(number)
        }
        await admin.connection.close()
        return numbers
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One client connection with the benchmark user's token.
struct BenchSession: Sendable {
    let connection: TreasuryConnection
    let token: String

    func call(_ method: String, _ params: JSONObject, mutating: Bool) async throws -> CallResponse {
        var metadata = ["authorization": "Bearer \(token)"]
        if mutating { metadata["idempotency-key"] = UUID().uuidString }
        return try await connection.call(method, params: params, metadata: metadata)
    }

    @discardableResult
    func must(_ method: String, _ params: JSONObject) async throws -> JSONObject {
        let response = try await call(method, params, mutating: true)
        if let error = response.error { throw BenchError("\(method) failed during setup: \(error)") }
        return response.result?.objectValue ?? [:]
    }
}
