import Foundation
import Testing
import TreasuryProtocol

/// `treasury spending reject` with every reason at once, and `report service-level` with each
/// procedure's legal limit, against the real server.
extension CLITests {
    @Test func theCLIRejectsWithEveryReasonAndShowsEachProceduresLimit() async throws {
        let environment = try await TestEnvironment.get()
        let s = try await SpendingWorld.make(environment)
        let allocation = try await s.allocation(1_000_000)
        let order = try await s.submit(allocation, 10_000)
        let unpaired = try await treasury(["spending", "reject", order, "--reason", "DOCUMENTS_INCOMPLETE", "--reason", "CODE_MISMATCH",
                                           "--note", "no invoice"], token: s.officer.token, port: environment.port)
        #expect(unpaired.status == 64 && unpaired.error.contains("2 reasons, 1 notes"), "\(unpaired.error)")
        let rejected = try await treasury(["spending", "reject", order, "--reason", "DOCUMENTS_INCOMPLETE", "--note", "no invoice",
                                           "--reason", "CODE_MISMATCH", "--note", "water, not power", "--json"],
                                          token: s.officer.token, port: environment.port)
        #expect(rejected.status == 0, "\(rejected.error)")
        let got = try await s.officer.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)])
        #expect(got["reasons"] == .array([.object(["code": .string("DOCUMENTS_INCOMPLETE"), "note": .string("no invoice")]),
                                          .object(["code": .string("CODE_MISMATCH"), "note": .string("water, not power")])]))

        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(secondsFromGMT: 7 * 3600)!, formatOptions: [.withFullDate])
        let level = try await treasury(["report", "service-level", "--from", today, "--to", today, "--treasury", s.world.treasury, "--csv"],
                                       token: s.officer.token, port: environment.port)
        #expect(level.status == 0, "\(level.error)")
        let lines = level.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("procedure,legal_limit,received,") == true, "\(level.output)")
        #expect(lines.contains { $0.hasPrefix("PAYMENT_RECURRENT,1 wd (25-31 Dec/Jan 2 wd),1,") }, "\(level.output)")
    }
}
