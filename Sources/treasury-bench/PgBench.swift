import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

    /// Runs pgbench to completion. posix_spawn with an empty signal mask, not Foundation's
    /// Process: the child would inherit this process's blocked signals, and pgbench's -T
    /// timer is a SIGALRM that must not be blocked.
    static func execute(_ path: String, _ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "/treasury-bench-\(UUID().uuidString).out"
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw BenchError("cannot create \(outputPath)") }
        defer {
            close(output)
            unlink(outputPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else { throw BenchError("cannot run \(path): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw BenchError("waiting for pgbench failed") }
        }
        guard status == 0 else { throw BenchError("pgbench \(arguments.first ?? "") exited with status \(status)") }
        return String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
    }
}
