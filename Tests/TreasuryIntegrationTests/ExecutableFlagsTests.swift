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
