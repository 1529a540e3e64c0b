import Foundation
import PostgresClient

/// pgbench's built-in scripts on the same server, for a reference point measured in the same run.
enum PgBench {
    static func binary() -> String? {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/pgbench" }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Initializes a scale-10 pgbench database once and returns the run's tps.
    static func run(serverConninfo: String, builtin: String, clients: Int, seconds: Int) throws -> Double? {
        guard let pgbench = binary() else {
            Swift.print("pgbench not found: install postgresql-contrib (or the postgresql package) to compare")
            return nil
        }
        let database = "treasury_pgbench_\(getpid())"
        let conninfo = Conninfo.withDatabase(serverConninfo, database)
        if try PostgresConnection(conninfo: serverConninfo).query("SELECT 1 FROM pg_database WHERE datname = $1", [database]).first == nil {
            try PostgresConnection(conninfo: serverConninfo).query("CREATE DATABASE \(database)")
            _ = try execute(pgbench, ["-i", "-q", "-s", "10", conninfo])
        }
        let output = try execute(pgbench, ["-n", "-M", "prepared", "-b", builtin, "-c", String(clients), "-j", "2", "-T", String(seconds), conninfo])
        let line = output.split(separator: "\n").first { $0.hasPrefix("tps = ") }
        return line.flatMap { Double($0.dropFirst(6).split(separator: " ").first ?? "") }
    }

    static func execute(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("pgbench \(arguments.first ?? "") exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
