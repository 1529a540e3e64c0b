import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol
import TreasuryService

/// Public investment over TCP: docs/investment.md's worked example, figure by figure.
@Suite struct InvestmentTests {
    static let billion: Int64 = 1_000_000_000

    @Test func theSchoolBuildingExampleOfDocsInvestmentHoldsAfterEveryStep() async throws {
        let spending = try await SpendingWorld.make(try await TestEnvironment.get())
        let world = spending.world, budget = spending.budget, accountant = spending.accountant
        let project = "THCS-\(world.unit)"
        let investorAccount = try await world.account()

        // Appropriations of the two years, the project and its plans.
        func root(_ year: Int, _ amount: Int64) async throws -> String {
            try await budget.must("treasury.v1.Budget/Appropriate", [
                "fiscal_year": .integer(year), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
                "amount": .money(amount), "purpose": .string("INVESTMENT")])["allocation_id"]?.stringValue ?? ""
        }
        let root2030 = try await root(2030, 20 * Self.billion), root2031 = try await root(2031, 20 * Self.billion)
        let put = try await accountant.must("treasury.v1.Investment/PutProject", [
            "project_code": .string(project), "name": .string("Lower secondary school"), "investor_unit_code": .string(world.unit),
            "total_investment": .money(15 * Self.billion), "decision_no": .string("QD-12/2030"), "decision_date": .string("2030-01-10"),
            "group": .string("C"), "source": .string("10")])
        #expect(put["total_investment"] == .string("15000000000"))
        func plan(_ year: Int, _ parent: String, _ amount: Int64) async throws -> CallResponse {
            try await budget.mutate("treasury.v1.Investment/PutCapitalPlan", [
                "project_code": .string(project), "fiscal_year": .integer(year), "parent_id": .string(parent),
                "amount": .money(amount), "sector": .string("341")])
        }
        let plan2030 = try await plan(2030, root2030, 9 * Self.billion).string("allocation_id") ?? ""
        let plan2031 = try await plan(2031, root2031, 6 * Self.billion).string("allocation_id") ?? ""
        #expect(try await plan(2031, root2031, 6 * Self.billion + 1).reason == "TOTAL_INVESTMENT_EXCEEDED")

        let contract = try await accountant.must("treasury.v1.Investment/RegisterContract", [
            "project_code": .string(project), "contract_no": .string("HD-01"),
            "contractor": .object(["name": .string("Cong ty Xay dung So 1"), "tax_id": .string("0100100100"), "bank_code": .string("VCB"),
                                   "account_no": .string("0011000999999")]),
            "value": .money(12 * Self.billion), "advance_rate_bp": .integer(2000), "signed_on": .string("2026-01-05"),
            "effective_on": .string("2026-01-05"), "ends_on": .string("2031-12-31"),
            "guarantee": .object(["amount": .money(2_400_000_000), "bank_code": .string("BIDV"), "expires_on": .string("2031-12-31")]),
            "retention_bp": .integer(500)])["contract_id"]?.stringValue ?? ""
        #expect(!contract.isEmpty)

        func pay(_ order: String?) async throws {
            try await spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order ?? "")])
            try await spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order ?? "")])
        }
        func payment(_ number: String, _ gross: Int64, year: Int) async throws -> CallResponse {
            try await accountant.mutate("treasury.v1.Investment/RequestPayment", [
                "contract_id": .string(contract), "acceptance_no": .string(number), "accepted_on": .string("2026-06-30"),
                "accepted_value": .money(gross), "fiscal_year": .integer(year)])
        }
        func expectProject(disbursed: Int64, outstanding: Int64, accepted: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let got = try await accountant.mustRead("treasury.v1.Investment/GetProject", ["project_code": .string(project)])
            #expect(got["disbursed_total"] == .money(disbursed), sourceLocation: sourceLocation)
            #expect(got["advance_outstanding"] == .money(outstanding), sourceLocation: sourceLocation)
            let first = got["contracts"]?.arrayValue?.first?.objectValue
            #expect(first?["accepted"] == .money(accepted), sourceLocation: sourceLocation)
            #expect(first?["paid"] == .money(disbursed), sourceLocation: sourceLocation)
        }

        // 1. The advance: the whole 20% (2.4 bn), with the guarantee; not one dong more.
        let advance = try await accountant.mutate("treasury.v1.Investment/RequestAdvance", [
            "contract_id": .string(contract), "amount": .money(2_400_000_000), "fiscal_year": .integer(2030)])
        #expect(advance.error == nil, "\(advance.terminalLine)")
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, pending: 2_400_000_000, available: 6_600_000_000))
        let more = try await accountant.mutate("treasury.v1.Investment/RequestAdvance", [
            "contract_id": .string(contract), "amount": .money(1), "fiscal_year": .integer(2030)])
        #expect(more.reason == "ADVANCE_LIMIT_EXCEEDED")
        try await pay(advance.string("order_id"))
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, advanced: 2_400_000_000, available: 6_600_000_000))
        try await expectProject(disbursed: 2_400_000_000, outstanding: 2_400_000_000, accepted: 0)

        // 2. Acceptance 1: 3.0 bn, the least recovery 750 m, retention 5% = 150 m, net 2.1 bn.
        let first = try await payment("NT-01", 3 * Self.billion, year: 2030)
        #expect(first.string("recovery") == "750000000")
        #expect(first.string("retention") == "150000000")
        #expect(first.string("net") == "2100000000")
        try await pay(first.string("order_id"))
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, spent: 3 * Self.billion, advanced: 1_650_000_000,
                                                                available: 4_350_000_000))
        try await expectProject(disbursed: 4_650_000_000, outstanding: 1_650_000_000, accepted: 3 * Self.billion)

        // 3. Acceptance 2: 4.2 bn, recovery 1.05 bn.
        let second = try await payment("NT-02", 4_200_000_000, year: 2030)
        #expect(second.string("recovery") == "1050000000")
        try await pay(second.string("order_id"))
        try await expectProject(disbursed: 7_800_000_000, outstanding: 600_000_000, accepted: 7_200_000_000)

        // 4. Acceptance 3 on the 2031 plan: past 80%, the whole 600 m outstanding is recovered.
        #expect(try await payment("NT-03", 4_800_000_001, year: 2031).reason == "CONTRACT_VALUE_EXCEEDED")
        #expect(try await payment("NT-03", 4_800_000_000, year: 2030).reason == "PLAN_EXCEEDED")
        let third = try await payment("NT-03", 4_800_000_000, year: 2031)
        #expect(third.string("recovery") == "600000000")
        try await pay(third.string("order_id"))
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, spent: 7_800_000_000, available: 1_200_000_000))
        #expect(try await spending.figures(plan2031) == Figures(amount: 6 * Self.billion, spent: 4_200_000_000, available: 1_800_000_000))
        try await expectProject(disbursed: 12 * Self.billion, outstanding: 0, accepted: 12 * Self.billion)
        #expect(try await world.balance(investorAccount) == 600_000_000)
        #expect(try Operations.verify(try world.environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
}
