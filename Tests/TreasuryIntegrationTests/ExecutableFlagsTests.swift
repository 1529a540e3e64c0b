import Foundation
import Testing

/// Out-of-range flags of `treasuryd serve` and `treasury-bench` are refused with a message
/// before anything starts: no embedded cluster is created, no database is touched.
@Suite struct ExecutableFlagsTests {
    static func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func treasurydRefusesNegativeConcurrencyFlagsBeforeCreatingItsCluster() throws {
        for flag in ["--batch-concurrency=-1", "--group-commit=-1", "--group-commit-max=0"] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)").path
            let run = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--listen", "127.0.0.1:1", flag],
                                   environment: ["TREASURY_DATABASE_URL": ""])
            #expect(run.status != 0, "\(flag)")
            #expect(run.error.contains("--group-commit and --batch-concurrency must be 0 or more, --group-commit-max 1 or more"), "\(flag): \(run.error)")
            #expect(!FileManager.default.fileExists(atPath: directory), "\(flag) created \(directory)")
        }
    }

    @Test func serveRefusesABadMetricsAddressBeforeStartingAnything() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)").path
        let cases: [([String], [String: String])] = [
            (["--metrics-listen", "nowhere"], [:]), (["--metrics-listen", "127.0.0.1:70000"], [:]),
            ([], ["TREASURY_METRICS_LISTEN": "127.0.0.1:port"]),
        ]
        for (flags, environment) in cases {
            let run = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--listen", "127.0.0.1:1"] + flags,
                                   environment: environment.merging(["TREASURY_DATABASE_URL": ""]) { $1 })
            #expect(run.status != 0, "\(flags) \(environment)")
            #expect(run.error.contains("--metrics-listen must be host:port"), "\(flags) \(environment): \(run.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory), "a refused serve created \(directory)")
    }

    @Test func serveRefusesANonLoopbackAddressWithoutTLSOrInsecureBeforeStartingAnything() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)").path
        let clear: [String: String] = ["TREASURY_DATABASE_URL": "", "TREASURY_TLS_CERT": "", "TREASURY_TLS_KEY": "",
                                       "TREASURY_TLS_CLIENT_CA": "", "TREASURY_INSECURE": "", "TREASURY_LISTEN": ""]
        for address in ["0.0.0.0:7400", "10.1.2.3:7400", ":7400", "[::]:7400", "treasury.example:7400"] {
            let run = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--listen", address], environment: clear)
            #expect(run.status != 0, "\(address)")
            #expect(run.error.contains("refusing to listen on \(address) without TLS"), "\(address): \(run.error)")
        }
        var fromEnvironment = clear
        fromEnvironment["TREASURY_LISTEN"] = "0.0.0.0:7400"
        let listen = try Self.run("treasuryd", ["serve", "--data-dir", directory], environment: fromEnvironment)
        #expect(listen.error.contains("refusing to listen on 0.0.0.0:7400 without TLS"), "\(listen.error)")
        #expect(!FileManager.default.fileExists(atPath: directory), "a refused serve created \(directory)")

        // TLS flags are checked the same way, from flags or from the environment.
        let halfTLS = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--tls-cert", "/nonexistent/cert.pem"], environment: clear)
        #expect(halfTLS.status != 0 && halfTLS.error.contains("TLS needs both --tls-cert and --tls-key"), "\(halfTLS.error)")
        var missing = clear
        missing["TREASURY_TLS_CERT"] = "/nonexistent/cert.pem"
        missing["TREASURY_TLS_KEY"] = "/nonexistent/key.pem"
        let unreadable = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--listen", "0.0.0.0:7400"], environment: missing)
        #expect(unreadable.status != 0 && unreadable.error.contains("cannot read the TLS certificate chain"), "\(unreadable.error)")
        let caAlone = try Self.run("treasuryd", ["serve", "--data-dir", directory, "--tls-client-ca", "/nonexistent/ca.pem"], environment: clear)
        #expect(caAlone.error.contains("--tls-client-ca needs --tls-cert and --tls-key"), "\(caAlone.error)")
        #expect(!FileManager.default.fileExists(atPath: directory), "a refused serve created \(directory)")

        // --insecure (or TREASURY_INSECURE=1) lets it past the check: it then fails on the
        // unreachable database named, not on the address.
        let unreachable = "host=/nonexistent-socket-dir port=1 dbname=none connect_timeout=2"
        var insecure = clear
        insecure["TREASURY_DATABASE_URL"] = unreachable
        let flag = try Self.run("treasuryd", ["serve", "--listen", "0.0.0.0:0", "--insecure"], environment: insecure)
        #expect(flag.status != 0 && !flag.error.contains("refusing to listen"), "\(flag.error)")
        insecure["TREASURY_INSECURE"] = "1"
        let variable = try Self.run("treasuryd", ["serve", "--listen", "0.0.0.0:0"], environment: insecure)
        #expect(variable.status != 0 && !variable.error.contains("refusing to listen"), "\(variable.error)")
        // Loopback addresses need neither.
        for address in ["127.0.0.1:0", "localhost:0", "[::1]:0", "127.8.9.10:0"] {
            let loopback = try Self.run("treasuryd", ["serve", "--listen", address], environment: insecure.merging(["TREASURY_INSECURE": ""]) { $1 })
            #expect(loopback.status != 0 && !loopback.error.contains("refusing to listen"), "\(address): \(loopback.error)")
        }
    }

    @Test func theBenchRefusesBadFlagsBeforeStartingADatabase() throws {
        // No database given, and TMPDIR a regular file: starting the embedded cluster would fail
        // there ("Not a directory") before any later refusal could be printed.
        let notADirectory = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: notADirectory, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: notADirectory) }
        for flag in ["--batch-concurrency=-1", "--warmup=-1", "--seconds=0", "--clients=0", "--group-commit=-1"] {
            let run = try Self.run("treasury-bench", ["--no-pgbench", flag],
                                   environment: ["TREASURY_BENCH_DATABASE_URL": "", "TMPDIR": notADirectory])
            #expect(run.status != 0, "\(flag)")
            #expect(run.error.contains("must be 0 or more, --seconds and --clients 1 or more"), "\(flag): \(run.error)")
        }
    }
}
