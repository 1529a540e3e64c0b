import Foundation
import Logging
import PostgresClient

/// Applies `sql/migrations/NNNN_name.sql` in order, each once and in its own transaction,
/// recording version and checksum; refuses when an applied file has changed.
public struct Migrator: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: String
    let logger: Logger

    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// Where migrations are found: an explicit directory, `$TREASURY_SQL_DIR`, `./sql/migrations`,
    /// or beside the executable's package checkout (for `swift run` from elsewhere).
    public static func locateDirectory(explicit: String?) -> String? {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["TREASURY_SQL_DIR"] { candidates.append(fromEnvironment) }
        candidates.append(FileManager.default.currentDirectoryPath + "/sql/migrations")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("sql/migrations").path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    struct File {
        var version: Int
        var name: String
        var sql: String
    }

    func files() throws -> [File] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            guard name.count > 5, let version = Int(name.prefix(4)), name.dropFirst(4).first == "_" else {
                throw Failure(description: "migration file \(name) is not named NNNN_name.sql")
            }
            return File(version: version, name: name, sql: try String(contentsOfFile: directory + "/" + name, encoding: .utf8))
        }
    }

    /// Applies what is missing; returns the names applied now. Safe to run concurrently and twice.
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT pg_advisory_lock(7400001)")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(7400001)") }
        // Created once, before any file runs (0001 then hands it to treasury_owner); checked
        // first so that a second run prints no "already exists" notice.
        let missing = try connection.query("SELECT to_regclass('public.treasury_schema_migrations') IS NULL AS missing").first
        if try missing?.decode(Bool.self, "missing") == true {
            try connection.query(
                """
                CREATE TABLE public.treasury_schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """)
        }
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in try connection.query("SELECT version, name, checksum FROM public.treasury_schema_migrations").rows {
            applied[try row.decode(Int.self, "version")] = (try row.decode(String.self, "name"), try row.decode(String.self, "checksum"))
        }
        var appliedNow: [String] = []
        for file in try files() {
            let checksum = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS sum", [file.sql]).first?["sum"] ?? ""
            if let existing = applied[file.version] {
                guard existing.name == file.name else {
                    throw Failure(description: "this database was migrated with other files (version \(file.version) was applied as "
                                  + "\(existing.name), this checkout has \(file.name)): it predates the schema 1.0 baseline of "
                                  + "sql/migrations and cannot be upgraded; migrate a new database (the embedded cluster: remove its data directory)")
                }
                guard existing.checksum == checksum else {
                    throw Failure(description: "migration \(file.name) has changed since it was applied as \(existing.name); "
                                  + "restore it and add a new migration instead")
                }
                continue
            }
            try connection.transaction { connection in
                try connection.execute(script: file.sql)
                // A migration may have switched to treasury_owner (SET LOCAL ROLE); the record
                // of it is written as the login user.
                try connection.query("RESET ROLE")
                try connection.query("INSERT INTO public.treasury_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                                     [file.version, file.name, checksum])
            }
            logger.info("migration applied", metadata: ["migration": "\(file.name)"])
            appliedNow.append(file.name)
        }
        return appliedNow
    }
}
