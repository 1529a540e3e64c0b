import Foundation
import Testing
import TreasuryProtocol

/// The `treasury` executable against the real server: output, errors and exit codes.
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// The CLI built beside the test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("treasury").path
    }

    /// Runs the CLI and waits for it off the cooperative thread pool: the server under test runs
    /// in this process, and a test blocking one of the pool's threads (as many as there are
    /// cores) per CLI run starves it when tests run in parallel on a small machine.
    /// `environment` is added to the test's own (without TREASURY_TOKEN and TREASURY_SIGN).
    func treasury(_ arguments: [String], token: String?, port: Int, environment extra: [String: String] = [:]) async throws -> Run {
        try await treasury(arguments + ["--server", "127.0.0.1:\(port)"] + (token.map { ["--token", $0] } ?? []), environment: extra)
    }

    /// Runs the CLI with exactly these arguments (a command that calls no server: treasury keys).
    func treasury(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TREASURY_TOKEN"] = nil
        environment["TREASURY_SIGN"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let child = UncheckedSendableProcess(process: process)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                // Both pipes are drained at once, so a child filling one never blocks on it.
                let errors = DispatchGroup()
                nonisolated(unsafe) var err = Data()
                DispatchQueue.global().async(group: errors) { err = error.fileHandleForReading.readDataToEndOfFile() }
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errors.wait()
                child.process.waitUntilExit()
                continuation.resume(returning: Run(status: child.process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                                                   error: String(decoding: err, as: UTF8.self)))
            }
        }
    }

    struct UncheckedSendableProcess: @unchecked Sendable { let process: Process }

    @Test func theCLIOpensDepositsTransfersAndReportsWithTablesJSONAndCSV() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "the CLI is built beside the tests")
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let port = environment.port
        #expect(try await treasury(["health"], token: nil, port: port).output.contains("SERVING"))

        let opened = try await treasury(["accounts", "open", world.unit, "--json"], token: world.officer.token, port: port)
        #expect(opened.status == 0, "\(opened.error)")
        let account = (try? JSON.parse(opened.output.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue?["account_no"]?.stringValue ?? ""
        #expect(account.count == 10)
        let deposit = try await treasury(["accounts", "deposit", account, "5000", "--bank", "VCB", "--ref", "CLI-\(UUID())"], token: world.bank.token, port: port)
        #expect(deposit.status == 0)
        #expect(deposit.output.contains("balance   5000"))

        let other = try await world.account()
        let refused = try await treasury(["accounts", "transfer", account, other, "9000"], token: world.accountant.token, port: port)
        #expect(refused.status == 1)
        #expect(refused.error.contains("FAILED_PRECONDITION/INSUFFICIENT_FUNDS"))
        let statement = try await treasury(["accounts", "statement", account], token: world.auditor.token, port: port)
        #expect(statement.output.split(separator: "\n").first?.hasPrefix("entry_id") == true)

        _ = try await world.allocation(year: 2030)
        let csv = try await treasury(["report", "budget-execution", "--year", "2030", "--treasury", world.treasury, "--group-by", "unit_code", "--csv"],
                               token: world.auditor.token, port: port)
        #expect(csv.status == 0, "\(csv.error)")
        #expect(csv.output.hasPrefix("unit_code,amount,committed,pending,spent,advanced,available\n"))
        #expect(csv.output.contains("\(world.unit),600000,0,0,0,0,600000"))

        let anonymous = try await treasury(["accounts", "get", account], token: nil, port: port)
        #expect(anonymous.status == 1)
        #expect(anonymous.error.contains("UNAUTHENTICATED/TOKEN_MISSING"))
        let unreachable = try await treasury(["health"], token: nil, port: 1)
        #expect(unreachable.status == 3)
        let usage = try await treasury(["accounts", "transfer", account], token: nil, port: port)
        #expect(usage.status == 64, "a usage error (EX_USAGE) is not a server refusal")
    }
}
