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
        #expect(economic.items.count == 1, "without spending, everything stands on the row without an economic code")
        #expect(economic.items.first?.objectValue?["economic_code"] == .null)
        #expect(economic.items.first?.objectValue?["amount"] == .string("1500000"))
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
        // World.make registered the unit's two signature specimens: two ACCOUNT_OPEN dossiers
        // completed at once, online; then two accounts opened by the officer and one asked for
        // at the counter.
        let report = try await world.auditor.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2029-05-14"), "to": .string("2029-05-14"), "treasury_code": .string(world.treasury)])
        #expect(report["received"] == .integer(5))
        #expect(report["completed"] == .integer(4))
        #expect(report["completed_on_time"] == .integer(4))
        #expect(report["on_time_rate"] == .number("1.0000"))
        #expect(report["online_rate"] == .number("0.8000"))
        let procedures = report["procedures"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(procedures.map { $0["procedure"] } == [.string("ACCOUNT_OPEN")])
        let view = try environment.database().query(
            "SELECT sum(received)::int AS received, sum(completed)::int AS completed FROM service_level WHERE day = '2029-05-14' AND treasury_code = $1",
            [world.treasury]).first
        #expect(view?["received"] == "5")
        #expect(view?["completed"] == "4")
        let empty = try await world.auditor.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2029-05-15"), "to": .string("2029-05-20"), "treasury_code": .string(world.treasury)])
        #expect(empty["received"] == .integer(0))
        #expect(empty["on_time_rate"] == .number("0"))
    }
}

@Suite struct BudgetExecutionByEconomicCodeTests {
    @Test func groupingByEconomicCodeSplitsTheUseByTheCodesOfCommitmentsAndOrdersAndKeepsTheTotals() async throws {
        let environment = try await TestEnvironment.get()
        let spending = try await SpendingWorld.make(environment)
        let child = try await spending.allocation(1_000_000, year: 2031)
        try await spending.accountant.must("treasury.v1.Spending/RegisterCommitment", spending.commit(child, 300_000, code: "6501"))
        var order = spending.order(child, 50_000, code: "6001")
        order["kind"] = .string("PAYMENT")
        let submitted = try await spending.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", order)["order_id"] ?? .null
        try await spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": submitted])
        try await spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": submitted])
        _ = try await spending.submit(child, 20_000)

        let auditor = spending.world.auditor
        let params: JSONObject = ["fiscal_year": .integer(2031), "treasury_code": .string(spending.world.treasury)]
        var grouped = params
        grouped["group_by"] = .array([.string("economic_code")])
        let rows = try await auditor.read("treasury.v1.Reports/BudgetExecution", grouped).items.compactMap(\.objectValue)
        let byCode = Dictionary(uniqueKeysWithValues: rows.map { ($0["economic_code"]?.stringValue ?? "none", $0) })
        #expect(byCode["6501"]?["committed"] == .string("300000"))
        #expect(byCode["6001"]?["spent"] == .string("50000"))
        #expect(byCode["6501"]?["pending"] == .string("20000"), "the unbound order uses the helper's default code")
        #expect(byCode["none"]?["amount"] == .string("2000000"))
        #expect(byCode["none"]?["available"] == .string("1630000"))
        let total = try await auditor.read("treasury.v1.Reports/BudgetExecution", params).items.first?.objectValue ?? [:]
        for figure in ["amount", "committed", "pending", "spent", "advanced", "available"] {
            let sum = rows.compactMap { Int64($0[figure]?.stringValue ?? "") }.reduce(0, +)
            #expect(String(sum) == total[figure]?.stringValue, "\(figure) adds up to the ungrouped total")
        }
    }
}
