import Foundation
import Testing
@testable import TreasuryService

/// The per-call log line's duration is printed with one decimal, as "%.1f" would.
@Suite struct CallLogTests {
    @Test func durationsPrintWithOneDecimalAsPrintfWould() {
        for value in [0.0, 0.04, 0.05, 0.96, 1.0, 12.34, 12.35, 999.99, 30_000.0] {
            #expect(TreasuryService.tenths(value) == String(format: "%.1f", (value * 10).rounded() / 10))
        }
        #expect(TreasuryService.tenths(-3) == "0.0")
    }
}
