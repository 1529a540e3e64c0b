import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// Reports give the same figures a DBA reads in the views.
@Suite struct ReportTests {
    @Test func budgetExecutionCountsEachAllocationOnceAndMatchesTheView() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        _ = try await world.allocation(root: 1_000_000, child: 600_000, year: 2028)
        _ = try await world.allocation(root: 500_000, child: 100_000, year: 2028)
        let total = try await world.auditor.read("treasury.v1.Reports/BudgetExecution", [
            "fiscal_year": .integer(2028), "treasury_code": .string(world.treasury)])
        #expect(total.items.count == 1)
        #expect(total.items.first?.objectValue?["amount"] == .string("1500000"), "over the whole tree amount equals the roots' total")
        #expect(total.items.first?.objectValue?["available"] == .string("1500000"))

        let byUnit = try await world.auditor.read("treasury.v1.Reports/BudgetExecution", [
            "fiscal_year": .integer(2028), "treasury_code": .string(world.treasury), "group_by": .array([.string("unit_code")])])
        let rows = Dictionary(uniqueKeysWithValues: byUnit.items.compactMap(\.objectValue).map { ($0["unit_code"]?.stringValue ?? "root", $0) })
        #expect(rows[world.unit]?["amount"] == .string("700000"))
        #expect(rows["root"]?["amount"] == .string("800000"))

        let view = try environment.database().query(
            "SELECT sum(amount)::text AS amount FROM budget_execution WHERE fiscal_year = 2028 AND unit_code = $1", [world.unit]).first?["amount"]
        #expect(view == "700000")
        let economic = try await world.auditor.read("treasury.v1.Reports/BudgetExecution", [
            "fiscal_year": .integer(2028), "treasury_code": .string(world.treasury), "group_by": .array([.string("economic_code")])])
        #expect(economic.code == "INVALID_ARGUMENT")
    }

    @Test func serviceLevelCountsTheDossiersOfTheRangeLikeTheView() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(TreasuryTime.instant(of: TreasuryTime.LocalDate("2029-05-14")!, secondsOfDay: 9 * 3600))
        let port = try await environment.startServer(clock: clock)
        let world = try await World.make(environment, port: port)
        _ = try await world.account()
        _ = try await world.account()
        let pending = try await world.accountant.must("treasury.v1.Accounts/Open", ["unit_code": .string(world.unit), "channel": .string("COUNTER")])
        #expect(pending["status"] == .string("PENDING"))
        let report = try await world.auditor.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2029-05-14"), "to": .string("2029-05-14"), "treasury_code": .string(world.treasury)])
        #expect(report["received"] == .integer(3))
        #expect(report["completed"] == .integer(2))
        #expect(report["completed_on_time"] == .integer(2))
        #expect(report["on_time_rate"] == .number("1.0000"))
        #expect(report["online_rate"] == .number("0.6667"))
        let procedures = report["procedures"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(procedures.map { $0["procedure"] } == [.string("ACCOUNT_OPEN")])
        let view = try environment.database().query(
            "SELECT sum(received)::int AS received, sum(completed)::int AS completed FROM service_level WHERE day = '2029-05-14' AND treasury_code = $1",
            [world.treasury]).first
        #expect(view?["received"] == "3")
        #expect(view?["completed"] == "2")
        let empty = try await world.auditor.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2029-05-15"), "to": .string("2029-05-20"), "treasury_code": .string(world.treasury)])
        #expect(empty["received"] == .integer(0))
        #expect(empty["on_time_rate"] == .number("0"))
    }
}
