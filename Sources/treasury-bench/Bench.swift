import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import PostgresClient
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// Runs the server's write and read paths and pgbench against one PostgreSQL server in one run,
/// and prints operations per second, latency percentiles and each ratio to pgbench.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treasury-bench",
        abstract: "Benchmark the treasury server against pgbench on the same PostgreSQL.",
        discussion: "Uses --database-url (a superuser), else $TREASURY_BENCH_DATABASE_URL, else an embedded cluster in a temporary directory.")

    @Option(name: .customLong("database-url"), help: "Superuser conninfo of the PostgreSQL server to measure.")
    var databaseURL: String?

    @Option(help: "Concurrent client connections (also pgbench -c).")
    var clients = 16

    @Option(help: "Seconds per workload.")
    var seconds = 10

    @Option(help: "Unmeasured seconds before each workload (pooled connections prepare their statements).")
    var warmup = 2

    @Option(name: .customLong("batch-size"), help: "Collections per RecordCollections call.")
    var batchSize = 1000

    @Option(help: "Workloads to run, comma separated (default: all).")
    var only: String?

    @Flag(name: .customLong("no-pgbench"), help: "Skip the pgbench reference runs.")
    var noPgbench = false

    @Flag(name: .customLong("keep-databases"), help: "Keep the bench and pgbench databases afterwards (for inspection).")
    var keepDatabases = false

    @Option(name: .customLong("group-commit"), help: "The server's RecordCollection group commit: transactions in flight at once (0 turns it off).")
    var groupCommitConcurrency = GroupCommitConfiguration().concurrency

    @Option(name: .customLong("batch-concurrency"), help: "The server's RecordCollections batches recorded at once (0: no limit).")
    var batchConcurrency = ServiceConfiguration().batchConcurrency

    /// Before anything runs: a bad flag starts no database.
    func validate() throws {
        guard groupCommitConcurrency >= 0, batchConcurrency >= 0, warmup >= 0, seconds >= 1, clients >= 1 else {
            throw ValidationError("--group-commit, --batch-concurrency and --warmup must be 0 or more, --seconds and --clients 1 or more")
        }
    }

    func run() async throws {
        var logger = Logger(label: "treasury-bench")
        logger.logLevel = .warning
        let (serverConninfo, embedded) = try database(logger: logger)
        defer {
            try? embedded?.stop()
            if let embedded { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: embedded.configuration.directory).deletingLastPathComponent().path) }
        }
        var service = ServiceConfiguration()
        service.groupCommit.setInFlight(groupCommitConcurrency)
        service.batchConcurrency = batchConcurrency
        print("group commit: \(groupCommitConcurrency > 0 ? "\(groupCommitConcurrency) in flight" : "off"); batches at once: \(batchConcurrency > 0 ? "\(batchConcurrency)" : "no limit")")
        let environment = try await BenchEnvironment.start(serverConninfo: serverConninfo, service: service, logger: logger)
        var results: [Measurement] = []
        let selected = only.map { Set($0.split(separator: ",").map(String.init)) }
        for workload in try await Workloads.all(environment, batchSize: batchSize) where selected?.contains(workload.name) ?? true {
            try environment.settle()
            print("running \(workload.name) (\(clients) clients, \(warmup) s warm-up, \(seconds) s)...")
            results.append(try await workload.measure(environment, clients: clients, seconds: seconds, warmup: warmup))
        }
        var references: [String: Double] = [:]
        if !noPgbench {
            try environment.settle(vacuum: true)
            for (name, script) in [("pgbench tpcb-like", "tpcb-like"), ("pgbench select-only", "select-only")] {
                print("running \(name)...")
                if let tps = try PgBench.run(serverConninfo: serverConninfo, builtin: script, clients: clients, seconds: seconds) {
                    references[script] = tps
                    results.append(Measurement(name: name, operations: Int(tps * Double(seconds)), errors: 0, seconds: Double(seconds),
                                               latencies: [], unitsPerOperation: 1))
                }
            }
        }
        Report.print(results, references: references, clients: clients)
        if !keepDatabases, embedded == nil { environment.dropDatabases() }
    }

    func database(logger: Logger) throws -> (String, EmbeddedPostgres?) {
        if let databaseURL { return (databaseURL, nil) }
        if let url = ProcessInfo.processInfo.environment["TREASURY_BENCH_DATABASE_URL"], !url.isEmpty { return (url, nil) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("treasury-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        var configuration = EmbeddedPostgresConfiguration(directory: directory + "/cluster")
        configuration.databaseName = "postgres"
        let embedded = EmbeddedPostgres(configuration: configuration, logger: logger)
        return (try embedded.start(), embedded)
    }
}
