import EmbeddedPostgres
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a real embedded cluster from the installed PostgreSQL. It checks the conninfo with
/// psql rather than PostgresClient so it only depends on the module under test.
@Suite struct EmbeddedPostgresTests {
    @Test func startsReusesAndStopsACluster() throws {
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EmbeddedPostgresConfiguration(directory: directory + "/.treasury")
        // A random port keeps concurrent runs apart even if they ever share a socket directory.
        configuration.port = Int.random(in: 20_000..<30_000)
        configuration.databaseName = "treasury_embedded_test"
        let cluster = EmbeddedPostgres(configuration: configuration, logger: Logger(label: "EmbeddedPostgresTests"))
        defer { try? cluster.stop() }

        let conninfo = try cluster.start()
        #expect(conninfo.contains("dbname=treasury_embedded_test"))
        #expect(conninfo.contains("user=postgres"))
        #expect(try Self.psql(conninfo, "select current_database()") == "treasury_embedded_test")

        // Starting again, from this object or a new one, reuses the running cluster.
        #expect(try cluster.start() == conninfo)
        let again = EmbeddedPostgres(configuration: configuration, logger: Logger(label: "EmbeddedPostgresTests"))
        #expect(try again.start() == conninfo)
        #expect(try Self.psql(conninfo, "select 1") == "1")

        try cluster.stop()
        try cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: directory + "/.treasury/data/postmaster.pid"))

        // A stopped cluster starts again from its existing data directory.
        #expect(try cluster.start() == conninfo)
        #expect(try Self.psql(conninfo, "select 1") == "1")
        try cluster.stop()
    }

    @Test func stopWithoutAClusterDoesNothing() throws {
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cluster = EmbeddedPostgres(
            configuration: EmbeddedPostgresConfiguration(directory: directory + "/nothing"),
            logger: Logger(label: "EmbeddedPostgresTests")
        )
        try cluster.stop()
    }

    /// As root the cluster runs as `postgres`, which cannot enter a private (0700) root-owned
    /// directory: start() must say so and point at TREASURY_DATABASE_URL. Root-only behaviour,
    /// so for a normal user the test is skipped, and says so (CI runs as root).
    @Test(.enabled(if: geteuid() == 0, "root-only behaviour"))
    func rootExplainsAnUnreachableDirectory() throws {
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(chmod(directory, 0o700) == 0)
        let cluster = EmbeddedPostgres(
            configuration: EmbeddedPostgresConfiguration(directory: directory + "/.treasury"),
            logger: Logger(label: "EmbeddedPostgresTests")
        )
        defer { try? cluster.stop() }
        let error = #expect(throws: EmbeddedPostgresError.self) { _ = try cluster.start() }
        #expect(error?.message.contains("TREASURY_DATABASE_URL") == true)
        #expect(error?.message.contains("cannot reach") == true)
    }

    /// `treasuryd serve` run as root in a private directory (a checkout under /root, or made by
    /// mktemp) moves its cluster somewhere the postgres user can reach, the same place each time;
    /// a reachable directory stays where it is.
    @Test(.enabled(if: geteuid() == 0, "root-only behaviour"))
    func rootRelocatesAClusterFromAnUnreachableDirectoryAndKeepsAReachableOne() throws {
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(EmbeddedPostgres.usableDirectory(directory + "/.treasury") == (directory + "/.treasury", false))
        #expect(chmod(directory, 0o700) == 0)
        let moved = EmbeddedPostgres.usableDirectory(directory + "/.treasury")
        #expect(moved.relocated)
        #expect(moved.path.hasPrefix("/var/tmp/treasury-embedded/"))
        #expect(EmbeddedPostgres.usableDirectory(directory + "/.treasury") == moved, "the same checkout finds the same cluster")
    }

    /// A fresh directory under /tmp that the postgres user can traverse when tests run as root.
    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/embedded-postgres-test-XXXXXX".utf8CString)
        let created: String? = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let path = created else { throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))") }
        guard chmod(path, 0o755) == 0 else { throw TestFailure("chmod \(path) failed") }
        return path
    }

    /// Runs `psql "<conninfo>" -c <sql>` and returns its unaligned, tuples-only output.
    static func psql(_ conninfo: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", conninfo, "-c", sql]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw TestFailure("psql exited \(process.terminationStatus): \(output)")
        }
        return output
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
