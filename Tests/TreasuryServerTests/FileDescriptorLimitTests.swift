import Logging
import Testing
import TreasuryServer

@Suite("File-descriptor limit")
struct FileDescriptorLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardOneAndAShortfallIsReported() throws {
        var logger = Logger(label: "test.limits")
        logger.logLevel = .critical
        let original = try #require(FileDescriptorLimit.current())
        defer { FileDescriptorLimit.setSoft(original.soft) }
        if original.hard != UInt64.max {
            // Lowered a little (never below what this process may hold), then raised again.
            #expect(FileDescriptorLimit.setSoft(original.hard - 1))
            let report = try #require(FileDescriptorLimit.raise(toFit: 100, logger: logger))
            #expect(report.before.soft == original.hard - 1)
            #expect(report.after.soft == original.hard)
            #expect(report.fits)
        }
        let current = try #require(FileDescriptorLimit.current())
        let tooMany = try #require(FileDescriptorLimit.raise(toFit: Int(clamping: current.soft) + 1, logger: logger))
        #expect(!tooMany.fits)
        #expect(FileDescriptorLimit.needed(maximumConnections: 4096, databaseConnections: 17) == 4096 + 17 + FileDescriptorLimit.reserved)
    }
}
