import Foundation
import Logging
import PostgresClient
import Testing

/// `sql/schema.sql` is the schema whole, as `pg_dump --schema-only` prints a freshly migrated
/// database, so that every schema change shows as a diff of that file in review.
@Suite struct SchemaDumpTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: TestEnvironment.migrationsDirectory).deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func aFreshMigrateReproducesSchemaSQLExactly() throws {
        let conninfo = try TestEnvironment.createDatabase(prefix: "treasury_dump")
        let connection = try PostgresConnection(conninfo: conninfo)
        _ = try TestEnvironment.migrate(connection, logger: Logger(label: "schema-dump-test"))
        let major = try connection.query("SELECT current_setting('server_version_num')::int / 10000 AS major").first?.decode(Int.self, "major") ?? 0
        let actual = try SchemaDump.dump(conninfo: conninfo, serverMajorVersion: major)
        let committedURL = Self.repositoryRoot.appendingPathComponent("sql/schema.sql")
        let committed = (try? String(contentsOf: committedURL, encoding: .utf8)) ?? ""
        if actual != committed {
            let actualURL = Self.repositoryRoot.appendingPathComponent(".build/schema.actual.sql")
            try? actual.write(to: actualURL, atomically: true, encoding: .utf8)
            let first = SchemaDump.firstDifference(committed, actual)
            Issue.record("""
                a fresh migrate no longer reproduces sql/schema.sql (first difference at line \(first.line): \
                committed \(first.committed.debugDescription), migrated \(first.actual.debugDescription)). \
                If the change is intended: cp .build/schema.actual.sql sql/schema.sql
                """)
        }
    }
}

/// Runs pg_dump the way sql/schema.sql was made and drops the lines that name versions or a
/// random key, so the file is stable across runs and minor releases.
enum SchemaDump {
    static func dump(conninfo: String, serverMajorVersion: Int) throws -> String {
        let process = Process()
        let matching = "/usr/lib/postgresql/\(serverMajorVersion)/bin/pg_dump"
        if FileManager.default.isExecutableFile(atPath: matching) {
            process.executableURL = URL(fileURLWithPath: matching)
            process.arguments = ["--schema-only", "--dbname", conninfo]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["pg_dump", "--schema-only", "--dbname", conninfo]
        }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("pg_dump failed (exit \(process.terminationStatus)): \(errorText)")
            throw CancellationError()
        }
        return normalize(String(decoding: data, as: UTF8.self))
    }

    /// Without `-- Dumped from/by ...` (versions) and `\restrict KEY` / `\unrestrict KEY`
    /// (a random key newer pg_dump releases print).
    static func normalize(_ dump: String) -> String {
        dump.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                !line.hasPrefix("-- Dumped from database version") && !line.hasPrefix("-- Dumped by pg_dump version")
                    && !line.hasPrefix("\\restrict ") && !line.hasPrefix("\\unrestrict ")
            }
            .joined(separator: "\n")
    }

    static func firstDifference(_ committed: String, _ actual: String) -> (line: Int, committed: String, actual: String) {
        let left = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? String(left[index]) : "(end of file)"
            let b = index < right.count ? String(right[index]) : "(end of file)"
            if a != b { return (index + 1, a, b) }
        }
        return (0, "", "")
    }
}
