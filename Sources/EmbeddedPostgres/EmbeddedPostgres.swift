import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local PostgreSQL cluster for `treasuryd serve` when no database is configured.
///
/// It uses the installed PostgreSQL (initdb, pg_ctl, psql), keeps everything under one
/// directory, listens on a unix socket only and trusts local connections, so it is meant for
/// development and demos on one machine, never for production. PostgreSQL refuses to run as
/// root, so when this process is root the cluster runs as the `postgres` system user.
public final class EmbeddedPostgres: Sendable {
    public let configuration: EmbeddedPostgresConfiguration
    let logger: Logger
    let paths: Paths
    /// PostgreSQL refuses to run as root: then every PostgreSQL binary runs through `runuser`.
    let runsAsRoot: Bool

    struct Paths: Sendable {
        var directory: String
        var data: String
        var run: String
        var logFile: String
        var includedConfiguration: String
        var postmasterPID: String
    }

    static let configurationFileName = "treasury-embedded.conf"
    static let systemUser = "postgres"

    public init(configuration: EmbeddedPostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let directory = Self.absolutePath(configuration.directory)
        let data = directory + "/data"
        self.paths = Paths(
            directory: directory,
            data: data,
            run: directory + "/run",
            logFile: directory + "/postgresql.log",
            includedConfiguration: data + "/" + Self.configurationFileName,
            postmasterPID: data + "/postmaster.pid"
        )
        self.runsAsRoot = geteuid() == 0
    }

    /// Initializes the cluster once, starts it unless it is already running, creates the
    /// database when missing, and returns a libpq conninfo string for it.
    public func start() throws -> String {
        let binaries = try Binaries.find()
        let owner = try runsAsRoot ? SystemUser.lookUp(Self.systemUser) : nil
        logger.notice(
            "using an embedded local PostgreSQL cluster (no database configured)",
            metadata: [
                "directory": "\(paths.directory)",
                "binaries": "\(binaries.directory)",
                "run_as": "\(owner?.name ?? "current user")",
            ]
        )
        try prepareDirectories(owner: owner)
        if !FileManager.default.fileExists(atPath: paths.data + "/PG_VERSION") {
            try initializeCluster(binaries: binaries, owner: owner)
        }
        let socket: (directory: String, port: Int)
        if let running = try runningServer(binaries: binaries) {
            logger.notice(
                "embedded PostgreSQL cluster is already running; reusing it",
                metadata: ["pid": "\(running.pid)", "socket_directory": "\(running.socketDirectory)"]
            )
            socket = (running.socketDirectory, running.port)
        } else {
            try writeServerConfiguration(owner: owner)
            try startServer(binaries: binaries)
            socket = (paths.run, configuration.port)
        }
        try createDatabaseIfMissing(binaries: binaries, socketDirectory: socket.directory, port: socket.port)
        let conninfo = Self.conninfo(
            host: socket.directory, port: socket.port, database: configuration.databaseName
        )
        logger.notice(
            "embedded PostgreSQL cluster is ready",
            metadata: ["conninfo": "\(conninfo)", "log": "\(paths.logFile)"]
        )
        return conninfo
    }

    /// Stops the cluster (`pg_ctl stop -m fast`); does nothing when it is not running.
    public func stop() throws {
        guard FileManager.default.fileExists(atPath: paths.postmasterPID) else {
            logger.debug("embedded PostgreSQL cluster is not running", metadata: ["directory": "\(paths.directory)"])
            return
        }
        let binaries = try Binaries.find()
        guard try runningServer(binaries: binaries) != nil else { return }
        logger.notice("stopping the embedded PostgreSQL cluster", metadata: ["directory": "\(paths.directory)"])
        let result = try runPostgresBinary(
            binaries.pgCtl, ["stop", "-D", paths.data, "-m", "fast", "-w", "-t", "60", "-s"]
        )
        guard result.status == 0 else {
            throw failure("pg_ctl stop failed (exit \(result.status)): \(result.output)")
        }
    }
}

// MARK: - Steps of start()

extension EmbeddedPostgres {
    func prepareDirectories(owner: SystemUser?) throws {
        // The cluster trusts every local connection, so only its owner may reach the socket.
        try makeDirectory(paths.directory, permissions: owner == nil ? 0o700 : 0o755, owner: nil)
        try makeDirectory(paths.data, permissions: 0o700, owner: owner)
        try makeDirectory(paths.run, permissions: 0o700, owner: owner)
        guard let owner else { return }
        // pg_ctl appends the server's output to the log as the postgres user.
        if !FileManager.default.fileExists(atPath: paths.logFile) {
            _ = FileManager.default.createFile(atPath: paths.logFile, contents: nil, attributes: [.posixPermissions: 0o640])
        }
        try changeOwner(paths.logFile, to: owner)
        try checkReachable(by: owner)
    }

    /// Fails early, with advice, when a parent directory is not traversable by the postgres user
    /// (for example a project under /root), instead of leaving pg_ctl to fail obscurely.
    func checkReachable(by owner: SystemUser) throws {
        let test = Self.searchPath("test") ?? "/usr/bin/test"
        let result = try runPostgresBinary(
            test, ["-w", paths.data, "-a", "-w", paths.run, "-a", "-w", paths.logFile]
        )
        guard result.status == 0 else {
            throw EmbeddedPostgresError(
                "the \(owner.name) system user cannot reach \(paths.directory) (a parent directory is "
                    + "not traversable or writable by it; PostgreSQL refuses to run as root, so the "
                    + "embedded cluster runs as \(owner.name)). Set TREASURY_DATABASE_URL to use an existing "
                    + "database server, or choose a directory \(owner.name) can reach (for example under /tmp "
                    + "or /var/lib)."
            )
        }
    }

    func initializeCluster(binaries: Binaries, owner: SystemUser?) throws {
        logger.notice("initializing a new embedded PostgreSQL cluster", metadata: ["data": "\(paths.data)"])
        var lastOutput = ""
        // C.UTF-8 sorts by code point and exists on Debian; plain C is the fallback everywhere.
        for locale in ["C.UTF-8", "C"] {
            let result = try runPostgresBinary(
                binaries.initdb,
                ["-D", paths.data, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--locale=\(locale)"]
            )
            if result.status == 0 {
                logger.debug("initdb finished", metadata: ["output": "\(result.output)"])
                try includeServerConfiguration()
                return
            }
            lastOutput = result.output
            logger.warning("initdb failed", metadata: ["locale": "\(locale)", "output": "\(result.output)"])
        }
        throw failure("initdb failed: \(lastOutput)")
    }

    /// postgresql.conf includes a file this type rewrites on every start, so the socket
    /// settings follow the configuration while the rest stays the DBA's.
    func includeServerConfiguration() throws {
        let mainFile = paths.data + "/postgresql.conf"
        let main = try String(contentsOfFile: mainFile, encoding: .utf8)
        let include = "include_if_exists = '\(Self.configurationFileName)'"
        guard !main.contains(include) else { return }
        let appended = main + "\n# Socket settings written by treasuryd's EmbeddedPostgres on each start.\n" + include + "\n"
        try appended.write(toFile: mainFile, atomically: false, encoding: .utf8)
    }

    func writeServerConfiguration(owner: SystemUser?) throws {
        let text = """
            # Written by treasuryd's EmbeddedPostgres on each start; edits here are overwritten.
            listen_addresses = ''
            port = \(configuration.port)
            unix_socket_directories = '\(Self.configurationString(paths.run))'
            logging_collector = off

            """
        try text.write(toFile: paths.includedConfiguration, atomically: false, encoding: .utf8)
        if let owner { try changeOwner(paths.includedConfiguration, to: owner) }
    }

    func startServer(binaries: Binaries) throws {
        logger.notice(
            "starting the embedded PostgreSQL cluster",
            metadata: ["socket_directory": "\(paths.run)", "port": "\(configuration.port)", "log": "\(paths.logFile)"]
        )
        let result = try runPostgresBinary(
            binaries.pgCtl,
            ["start", "-D", paths.data, "-l", paths.logFile, "-w", "-t", "\(configuration.startTimeoutSeconds)", "-s"]
        )
        guard result.status == 0 else {
            throw failure("pg_ctl start failed (exit \(result.status)): \(result.output)")
        }
    }

    struct RunningServer {
        var pid: Int
        var port: Int
        var socketDirectory: String
    }

    /// The running server of this data directory, read from postmaster.pid once pg_ctl
    /// confirms it is alive (a stale pid file from a crash does not count).
    func runningServer(binaries: Binaries) throws -> RunningServer? {
        guard FileManager.default.fileExists(atPath: paths.postmasterPID) else { return nil }
        let status = try runPostgresBinary(binaries.pgCtl, ["status", "-D", paths.data])
        guard status.status == 0 else { return nil }
        let lines = (try? String(contentsOfFile: paths.postmasterPID, encoding: .utf8))?
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
        // Lines: pid, data directory, start time, port, first socket directory, ...
        guard lines.count >= 5, let pid = Int(lines[0]), let port = Int(lines[3]), !lines[4].isEmpty else {
            throw failure("the cluster in \(paths.data) is running without a unix socket; stop it first")
        }
        return RunningServer(pid: pid, port: port, socketDirectory: lines[4])
    }

    func createDatabaseIfMissing(binaries: Binaries, socketDirectory: String, port: Int) throws {
        let maintenance = Self.conninfo(host: socketDirectory, port: port, database: "postgres")
        let name = configuration.databaseName
        let literal = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
        let exists = try runPsql(binaries.psql, maintenance, "select 1 from pg_database where datname = \(literal)")
        guard exists.status == 0 else {
            throw failure("cannot connect to the embedded cluster with psql: \(exists.output)")
        }
        guard exists.output.trimmingCharacters(in: .whitespacesAndNewlines) != "1" else { return }
        logger.notice("creating database", metadata: ["database": "\(name)"])
        let identifier = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let created = try runPsql(binaries.psql, maintenance, "create database \(identifier)")
        guard created.status == 0 else {
            throw failure("cannot create database \(name): \(created.output)")
        }
    }
}

// MARK: - Processes, files and users

extension EmbeddedPostgres {
    struct CommandResult {
        var status: Int32
        var output: String
    }

    /// Runs a PostgreSQL binary as the cluster's owner: through `runuser -u postgres` when root.
    func runPostgresBinary(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        guard runsAsRoot else { return try Self.run(executable, arguments) }
        guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
            .first(where: FileManager.default.isExecutableFile(atPath:))
        else {
            throw EmbeddedPostgresError(
                "running as root, but runuser (util-linux) is missing: cannot run PostgreSQL as the "
                    + "\(Self.systemUser) user. Set TREASURY_DATABASE_URL or run as a normal user."
            )
        }
        return try Self.run(runuser, ["-u", Self.systemUser, "--", executable] + arguments)
    }

    /// psql runs as this process's user: it proves the returned conninfo works for it.
    func runPsql(_ psql: String, _ conninfo: String, _ sql: String) throws -> CommandResult {
        try Self.run(psql, ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql])
    }

    /// Runs a program to completion and returns its combined stdout and stderr. The PG*
    /// variables are dropped so a developer's environment cannot redirect these commands.
    ///
    /// This uses posix_spawn and waitpid, not Foundation's Process: `pg_ctl start` leaves a
    /// postmaster running that inherits the descriptors of its parent, and Process (on Linux)
    /// only notices a child's exit once every holder of its internal pipes has closed them,
    /// so waiting for pg_ctl would never return. For the same reason the output goes to a
    /// close-on-exec temporary file rather than a pipe.
    static func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let outputPath = NSTemporaryDirectory() + "/embedded-postgres-\(UUID().uuidString).out"
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw EmbeddedPostgresError("cannot create \(outputPath): \(String(cString: strerror(errno)))")
        }
        defer {
            close(output)
            unlink(outputPath)
        }
        let pid = try spawn(executable, arguments, output: output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw EmbeddedPostgresError("waiting for \(executable) failed: \(String(cString: strerror(errno)))")
            }
        }
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return CommandResult(status: exitCode(status), output: text)
    }

    /// Starts a program with stdin from /dev/null, stdout and stderr into `output`, in "/"
    /// (reachable by every user, unlike a root-owned working directory).
    static func spawn(_ executable: String, _ arguments: [String], output: Int32) throws -> pid_t {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        // posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory.
        let command = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh", executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard result == 0 else {
            throw EmbeddedPostgresError("cannot run \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the program.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    func makeDirectory(_ path: String, permissions: Int, owner: SystemUser?) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw EmbeddedPostgresError("\(path) exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: permissions]
            )
        } catch {
            throw EmbeddedPostgresError("cannot create \(path): \(error)")
        }
        if let owner { try changeOwner(path, to: owner) }
    }

    func changeOwner(_ path: String, to owner: SystemUser) throws {
        guard chown(path, owner.uid, owner.gid) == 0 else {
            throw EmbeddedPostgresError("cannot give \(path) to \(owner.name): \(String(cString: strerror(errno)))")
        }
    }

    func failure(_ message: String) -> EmbeddedPostgresError {
        EmbeddedPostgresError(message, logTail: logTail())
    }

    func logTail() -> String {
        guard let data = FileManager.default.contents(atPath: paths.logFile) else { return "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return lines.suffix(configuration.logTailLineCount).joined(separator: "\n")
    }

    /// A libpq conninfo string; values are quoted only when they need it.
    static func conninfo(host: String, port: Int, database: String) -> String {
        "host=\(conninfoValue(host)) port=\(port) user=postgres dbname=\(conninfoValue(database))"
    }

    static func conninfoValue(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" || $0 == "=" })
        if plain { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'\(escaped)'"
    }

    /// A string inside single quotes in postgresql.conf.
    static func configurationString(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
    }

    static func absolutePath(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: base).standardizedFileURL.path
    }

    static func searchPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first(where: FileManager.default.isExecutableFile(atPath:))
    }
}

/// The system user a root process hands the cluster to.
struct SystemUser: Sendable {
    var name: String
    var uid: uid_t
    var gid: gid_t

    static func lookUp(_ name: String) throws -> SystemUser {
        guard let entry = getpwnam(name) else {
            throw EmbeddedPostgresError(
                "running as root, but there is no '\(name)' system user to run PostgreSQL as (PostgreSQL "
                    + "refuses to run as root). Install the postgresql package, run as a normal user, "
                    + "or set TREASURY_DATABASE_URL."
            )
        }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }
}

/// The PostgreSQL programs of one installation, all from the same bin directory.
struct Binaries: Sendable {
    var directory: String
    var initdb: String
    var pgCtl: String
    var psql: String

    /// Looks in the directory of `initdb` on PATH (following symlinks), then
    /// `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin.
    static func find() throws -> Binaries {
        var candidates: [String] = []
        if let initdb = EmbeddedPostgres.searchPath("initdb") {
            candidates.append(URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        if let pgConfig = EmbeddedPostgres.searchPath("pg_config"),
            let result = try? EmbeddedPostgres.run(pgConfig, ["--bindir"]), result.status == 0
        {
            candidates.append(result.output)
        }
        candidates += debianBinDirectories()
        let isExecutable = FileManager.default.isExecutableFile(atPath:)
        guard let directory = candidates.first(where: { isExecutable($0 + "/initdb") && isExecutable($0 + "/pg_ctl") })
        else {
            throw EmbeddedPostgresError(
                "no PostgreSQL server installation found (initdb and pg_ctl on PATH, in pg_config --bindir "
                    + "or /usr/lib/postgresql/*/bin). Install it (Debian: apt-get install -y postgresql) "
                    + "or set TREASURY_DATABASE_URL to an existing database server."
            )
        }
        let psql = isExecutable(directory + "/psql") ? directory + "/psql" : EmbeddedPostgres.searchPath("psql")
        guard let psql else { throw EmbeddedPostgresError("psql not found next to \(directory)/initdb nor on PATH") }
        return Binaries(directory: directory, initdb: directory + "/initdb", pgCtl: directory + "/pg_ctl", psql: psql)
    }

    /// Debian keeps each major version in /usr/lib/postgresql/<version>/bin; newest first.
    static func debianBinDirectories() -> [String] {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        func key(_ version: String) -> [Int] { version.split(separator: ".").map { Int($0) ?? 0 } }
        return versions.sorted { key($0).lexicographicallyPrecedes(key($1)) }.reversed().map { "\(root)/\($0)/bin" }
    }
}
