@testable import EmbeddedPostgres
import Foundation
import PostgresClient
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A primary and a synchronous streaming standby of the installed PostgreSQL, made for one
/// test in a temporary directory, listening on free ports of 127.0.0.1 (docs/operations.md
/// "Failover").
///
/// The binaries are found as the embedded cluster finds them (initdb on PATH, pg_config
/// --bindir, the newest /usr/lib/postgresql/*/bin); when they are missing `create()` throws, so
/// the test fails rather than skips. As root every PostgreSQL program runs as the `postgres`
/// system user through runuser, since PostgreSQL refuses to run as root.
///
/// The standby is a `pg_basebackup -R` copy streaming from the primary; once it streams, the
/// primary is given `synchronous_standby_names = '*'` (with ALTER SYSTEM, after the base backup,
/// so the standby does not inherit it: promoted, it must not wait for a standby of its own), so
/// a COMMIT returns only once the standby has flushed it. Local replication is trusted in
/// pg_hba. `destroy()` stops both servers and deletes the directory; call it in a `defer`.
final class ReplicatedClusters: Sendable {
    let directory: String
    private let binaries: Binaries
    /// Set when this process is root: the programs then run through runuser as this user.
    private let owner: SystemUser?
    private let ports = Mutex((primary: 0, standby: 0))
    /// The primary's WAL sender while `stallReplication()` holds it stopped.
    private let stalledSender = Mutex<pid_t?>(nil)

    var primaryData: String { directory + "/primary" }
    var standbyData: String { directory + "/standby" }
    var primaryPort: Int { ports.withLock { $0.primary } }
    var standbyPort: Int { ports.withLock { $0.standby } }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private init(directory: String, binaries: Binaries, owner: SystemUser?) {
        self.directory = directory
        self.binaries = binaries
        self.owner = owner
    }

    /// Makes both clusters and starts them, the standby streaming synchronously. Cleans up
    /// what it made when a step fails.
    static func create(database: String) throws -> ReplicatedClusters {
        let binaries = try Binaries.find()
        for program in ["initdb", "pg_ctl", "pg_basebackup"] where !FileManager.default.isExecutableFile(atPath: binaries.directory + "/" + program) {
            throw Failure("\(program) is missing from \(binaries.directory): install the PostgreSQL server package")
        }
        let owner = geteuid() == 0 ? try SystemUser.lookUp(EmbeddedPostgres.systemUser) : nil
        var template = Array("/tmp/treasury-failover-XXXXXX".utf8CString)
        guard let path = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!).map { String(cString: $0) } }) else {
            throw Failure("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        let clusters = ReplicatedClusters(directory: path, binaries: binaries, owner: owner)
        do {
            // The postgres user creates both data directories, the sockets and the logs here.
            guard chmod(path, 0o755) == 0 else { throw Failure("chmod \(path) failed") }
            if let owner, chown(path, owner.uid, owner.gid) != 0 { throw Failure("chown \(path) failed") }
            try clusters.setUp(database: database)
            return clusters
        } catch {
            clusters.destroy()
            throw error
        }
    }

    private func setUp(database: String) throws {
        try initializePrimary()
        let primary = try start(data: primaryData, log: directory + "/primary.log")
        ports.withLock { $0.primary = primary }
        try PostgresConnection(conninfo: conninfo(port: primary, database: "postgres")).execute(script: "CREATE DATABASE \(database)")

        // The standby: a base backup with its recovery settings (-R: standby.signal and
        // primary_conninfo), streaming the WAL it needs while it copies.
        try check("pg_basebackup", run("pg_basebackup", [
            "-D", standbyData, "-R", "-X", "stream", "-c", "fast", "-h", "127.0.0.1", "-p", "\(primary)", "-U", "postgres",
        ]))
        let standby = try start(data: standbyData, log: directory + "/standby.log")
        ports.withLock { $0.standby = standby }

        let admin = try PostgresConnection(conninfo: conninfo(port: primary, database: "postgres"))
        try waitFor("the standby to stream from the primary") {
            try admin.query("SELECT count(*)::int8 AS n FROM pg_stat_replication WHERE state = 'streaming'").first?.decode(Int64.self, "n") == 1
        }
        try admin.execute(script: "ALTER SYSTEM SET synchronous_standby_names = '*'")
        try admin.execute(script: "SELECT pg_reload_conf()")
        try waitFor("the standby to be synchronous") {
            try admin.query("SELECT count(*)::int8 AS n FROM pg_stat_replication WHERE sync_state = 'sync'").first?.decode(Int64.self, "n") == 1
        }
    }

    private func initializePrimary() throws {
        var output = ""
        var initialized = false
        for locale in ["C.UTF-8", "C"] where !initialized {
            let result = try run("initdb", ["-D", primaryData, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--locale=\(locale)", "--no-sync"])
            initialized = result.status == 0
            output = result.output
        }
        guard initialized else { throw Failure("initdb failed: \(output)") }
        try append(to: primaryData + "/postgresql.conf", """

            # ReplicatedClusters (Tests/TreasuryIntegrationTests): a primary with a streaming standby.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(EmbeddedPostgres.configurationString(directory))'
            max_connections = 100
            shared_buffers = '32MB'
            wal_level = replica
            max_wal_senders = 10
            wal_keep_size = '256MB'
            hot_standby = on
            synchronous_commit = on
            fsync = on
            logging_collector = off
            log_min_messages = warning
            lc_messages = 'C'

            """)
        // Trust is the initdb default here (-A trust); said explicitly for replication.
        try append(to: primaryData + "/pg_hba.conf", """

            local   replication   all                  trust
            host    replication   all   127.0.0.1/32   trust

            """)
    }

    /// Starts a cluster on a free port (another, if that one was taken meanwhile) and returns it.
    private func start(data: String, log: String) throws -> Int {
        var lastOutput = ""
        for _ in 0..<3 {
            let port = try Self.freePort()
            let result = try run("pg_ctl", ["start", "-D", data, "-l", log, "-w", "-t", "180", "-s", "-o", "-p \(port)"])
            if result.status == 0 { return port }
            lastOutput = result.output + "\n" + logTail(log)
            // A server that did start late must not stay behind on the next attempt.
            _ = try? run("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "60", "-s"])
        }
        throw Failure("pg_ctl start -D \(data) failed: \(lastOutput)")
    }

    /// Stops (SIGSTOP) the primary's WAL sender: from now on the primary sends the standby
    /// nothing, so the standby falls behind. With synchronous replication every COMMIT then waits
    /// (no OK can come back); with asynchronous replication the primary would go on answering OK
    /// for commits the standby never gets.
    func stallReplication() throws {
        let admin = try PostgresConnection(conninfo: conninfo(port: primaryPort, database: "postgres"))
        guard let pid = try admin.query("SELECT pid FROM pg_stat_replication").first?.decode(Int32.self, "pid") else {
            throw Failure("the primary has no WAL sender")
        }
        guard kill(pid, SIGSTOP) == 0 else { throw Failure("cannot stop the WAL sender \(pid): \(String(cString: strerror(errno)))") }
        stalledSender.withLock { $0 = pid }
    }

    /// `pg_ctl stop -m immediate`: the primary dies as in a crash (no shutdown checkpoint, its
    /// backends end at once, clients see their connections drop). A stalled WAL sender cannot
    /// act on the SIGQUIT it is sent, so it never sends what it held back: the postmaster kills
    /// it (SIGKILL) after 5 s, and only then is the primary gone.
    func killPrimary() throws {
        try check("pg_ctl stop -m immediate", run("pg_ctl", ["stop", "-D", primaryData, "-m", "immediate", "-w", "-t", "60", "-s"]))
        stalledSender.withLock { $0 = nil }
    }

    /// `pg_ctl promote`: the standby ends recovery and takes writes; returns once it does.
    func promoteStandby() throws {
        try check("pg_ctl promote", run("pg_ctl", ["promote", "-D", standbyData, "-w", "-t", "180", "-s"]))
    }

    /// One bigint (column `v`) read on the standby once it has replayed all the WAL it received
    /// (after the primary is gone: everything the primary had sent it).
    func lastReplayed(_ sql: String, database: String = "treasury") throws -> Int64 {
        let standby = try PostgresConnection(conninfo: conninfo(port: standbyPort, database: database))
        try waitFor("the standby to replay what it received") {
            try standby.query("SELECT pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() AS done").first?.decode(Bool.self, "done") == true
        }
        return try standby.query(sql).first?.decode(Int64.self, "v") ?? 0
    }

    /// Stops whatever still runs (immediately: nothing here is kept) and deletes the directory.
    func destroy() {
        // A WAL sender still stopped belongs to a primary still running: let it go, so it can stop.
        if let pid = stalledSender.withLock({ $0 }), FileManager.default.fileExists(atPath: primaryData + "/postmaster.pid") {
            kill(pid, SIGCONT)
        }
        for data in [primaryData, standbyData] where FileManager.default.fileExists(atPath: data + "/postmaster.pid") {
            _ = try? run("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "60", "-s"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func conninfo(port: Int, database: String) -> String {
        "host=127.0.0.1 port=\(port) user=postgres dbname=\(database) connect_timeout=5"
    }

    /// Both servers, the writable one wherever it is: libpq tries them in order and keeps the
    /// first that accepts writes.
    func failoverConninfo(database: String) -> String {
        "host=127.0.0.1,127.0.0.1 port=\(primaryPort),\(standbyPort) user=postgres dbname=\(database) target_session_attrs=read-write connect_timeout=5"
    }

    /// The last lines of both servers' logs, for a failure message.
    func logs() -> String {
        ["primary", "standby"].map { "--- \($0).log\n" + logTail(directory + "/\($0).log") }.joined(separator: "\n")
    }

    // MARK: - Helpers

    private func run(_ program: String, _ arguments: [String]) throws -> EmbeddedPostgres.CommandResult {
        let executable = binaries.directory + "/" + program
        guard let owner else { return try Self.run(executable, arguments) }
        guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Failure("running as root, but runuser (util-linux) is missing: cannot run PostgreSQL as \(owner.name)")
        }
        return try Self.run(runuser, ["-u", owner.name, "--", executable] + arguments)
    }

    /// EmbeddedPostgres.run (posix_spawn, output to a file, from "/", no PG* variables), but the
    /// program inherits no descriptor beyond 0-2. `pg_ctl start` leaves a postmaster running for
    /// the rest of the test, and the test process holds the sockets of every test running
    /// meanwhile: a postmaster that inherited one keeps it open after the test closes it, and
    /// its peer never sees the close (other suites' connection and half-close tests then time out).
    static func run(_ executable: String, _ arguments: [String]) throws -> EmbeddedPostgres.CommandResult {
        #if canImport(Glibc)
        let outputPath = NSTemporaryDirectory() + "/replicated-clusters-\(UUID().uuidString).out"
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw Failure("cannot create \(outputPath): \(String(cString: strerror(errno)))") }
        defer {
            close(output)
            unlink(outputPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // glibc 2.34+ has it, but its header does not show it to Swift: found at run time.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure("posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later is needed)")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        let command = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh", executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure("waiting for \(executable) failed: \(String(cString: strerror(errno)))") }
        }
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return EmbeddedPostgres.CommandResult(status: EmbeddedPostgres.exitCode(status), output: text)
        #else
        return try EmbeddedPostgres.run(executable, arguments)
        #endif
    }

    private func check(_ what: String, _ result: EmbeddedPostgres.CommandResult) throws {
        guard result.status == 0 else { throw Failure("\(what) failed (exit \(result.status)): \(result.output)\n\(logs())") }
    }

    private func append(to file: String, _ text: String) throws {
        guard let handle = FileHandle(forWritingAtPath: file) else { throw Failure("cannot open \(file)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    private func waitFor(_ what: String, seconds: Double = 120, _ condition: () throws -> Bool) throws {
        let limit = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < limit else { throw Failure("timed out after \(Int(seconds)) s waiting for \(what)\n\(logs())") }
            usleep(100_000)
        }
    }

    private func logTail(_ file: String, lines: Int = 30) -> String {
        guard let data = FileManager.default.contents(atPath: file) else { return "(no log)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// A port of 127.0.0.1 nothing listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else { throw Failure("cannot bind a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
