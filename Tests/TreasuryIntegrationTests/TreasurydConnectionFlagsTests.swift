import Foundation
import Testing

/// treasuryd's connection flags and its file-descriptor check at start.
@Suite struct TreasurydConnectionFlagsTests {
    @Test func serveLogsTheFileDescriptorLimitAndWarnsWhenTheConnectionsCannotFit() throws {
        // An unreachable database: serve checks its limits, then fails to connect and exits.
        let run = try ExecutableFlagsTests.run(
            "treasuryd", ["serve", "--database-url", "host=/nonexistent-treasury-socket-dir port=1", "--listen", "127.0.0.1:1",
                          "--max-connections", "100000000"])
        #expect(run.status != 0)
        #expect(run.error.contains("file-descriptor limit (RLIMIT_NOFILE)"), "\(run.error)")
        #expect(run.error.contains("the file-descriptor limit cannot hold the configured connections"), "\(run.error)")
    }

    @Test func serveRefusesConnectionLimitsOutOfRange() throws {
        for flag in ["--max-connections=0", "--max-output-bytes=1000"] {
            let run = try ExecutableFlagsTests.run(
                "treasuryd", ["serve", "--database-url", "host=/nonexistent-treasury-socket-dir port=1", "--listen", "127.0.0.1:1", flag])
            #expect(run.status != 0, "\(flag)")
            #expect(run.error.contains("--max-connections must be 1 or more, --max-output-bytes 65536 or more"), "\(flag): \(run.error)")
        }
    }
}
