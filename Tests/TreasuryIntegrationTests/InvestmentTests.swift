import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
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

        // Paid orders post with the project in the accounting key.
        func pay(_ order: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order ?? "")])
            let paid = try await spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order ?? "")])
            let entry = try await world.auditor.mustRead("treasury.v1.Ledger/GetEntry", ["entry_id": paid["entry_id"] ?? .null])
            let budgetLines = entry["lines"]?.arrayValue?.compactMap(\.objectValue).filter { ["8111", "1310"].contains($0["gl_account"]?.stringValue ?? "") }
            #expect(budgetLines?.isEmpty == false && budgetLines?.allSatisfy { $0["segments"]?.objectValue?["project_code"] == .string(project) } == true,
                    "\(entry)", sourceLocation: sourceLocation)
        }
        // Reports/Disbursement per year for this project: planned, disbursed, outstanding, rate.
        func expectRate(_ year: Int, _ disbursed: Int64, _ outstanding: Int64, _ rate: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let report = try await world.auditor.read("treasury.v1.Reports/Disbursement", [
                "fiscal_year": .integer(Int64(year)), "treasury_code": .string(world.treasury), "group_by": .array([.string("project_code")])])
            let row = report.items.compactMap(\.objectValue).first { $0["project_code"] == .string(project) }
            #expect(row?["disbursed"] == .money(disbursed) && row?["advance_outstanding"] == .money(outstanding) && row?["rate"] == .string(rate),
                    "\(report.terminalLine) \(report.items)", sourceLocation: sourceLocation)
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
            // The plans' disbursed add up to the project's.
            let plans = got["plans"]?.arrayValue?.compactMap { $0.objectValue?["disbursed"]?.stringValue.flatMap { Int64($0) } } ?? []
            #expect(plans.count == 2 && plans.reduce(0, +) == disbursed, "\(got)", sourceLocation: sourceLocation)
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
        try await expectRate(2030, 2_400_000_000, 2_400_000_000, "0.2667")

        // 2. Acceptance 1: 3.0 bn, the least recovery 750 m, retention 5% = 150 m, net 2.1 bn.
        let first = try await payment("NT-01", 3 * Self.billion, year: 2030)
        #expect(first.string("recovery") == "750000000")
        #expect(first.string("retention") == "150000000")
        #expect(first.string("net") == "2100000000")
        try await pay(first.string("order_id"))
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, spent: 3 * Self.billion, advanced: 1_650_000_000,
                                                                available: 4_350_000_000))
        try await expectProject(disbursed: 4_650_000_000, outstanding: 1_650_000_000, accepted: 3 * Self.billion)
        try await expectRate(2030, 4_650_000_000, 1_650_000_000, "0.5167")

        // 3. Acceptance 2: 4.2 bn, recovery 1.05 bn.
        let second = try await payment("NT-02", 4_200_000_000, year: 2030)
        #expect(second.string("recovery") == "1050000000")
        try await pay(second.string("order_id"))
        try await expectProject(disbursed: 7_800_000_000, outstanding: 600_000_000, accepted: 7_200_000_000)
        try await expectRate(2030, 7_800_000_000, 600_000_000, "0.8667")
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, spent: 7_200_000_000, advanced: 600_000_000,
                                                                available: 1_200_000_000))

        // 4. Acceptance 3 on the 2031 plan: past 80%, the whole 600 m outstanding is recovered.
        #expect(try await payment("NT-03", 4_800_000_001, year: 2031).reason == "CONTRACT_VALUE_EXCEEDED")
        #expect(try await payment("NT-03", 4_800_000_000, year: 2030).reason == "PLAN_EXCEEDED")
        let third = try await payment("NT-03", 4_800_000_000, year: 2031)
        #expect(third.string("recovery") == "600000000")
        try await pay(third.string("order_id"))
        #expect(try await spending.figures(plan2030) == Figures(amount: 9 * Self.billion, spent: 7_800_000_000, available: 1_200_000_000))
        #expect(try await spending.figures(plan2031) == Figures(amount: 6 * Self.billion, spent: 4_200_000_000, available: 1_800_000_000))
        try await expectProject(disbursed: 12 * Self.billion, outstanding: 0, accepted: 12 * Self.billion)
        try await expectRate(2030, 7_800_000_000, 0, "0.8667")
        try await expectRate(2031, 4_200_000_000, 0, "0.7000")
        #expect(try await world.balance(investorAccount) == 600_000_000)
        #expect(try Operations.verify(try world.environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
}

/// Every reason of the Investment methods, each refusal leaving the project, its plan, its
/// orders, dossiers and ledger exactly as they were.
@Suite struct InvestmentRefusalTests {
    static let billion: Int64 = 1_000_000_000

    struct Setup {
        let spending: SpendingWorld
        let project: String
        let plan: String
        let root: String
        let contracts: [String: String]
    }

    /// A project of 15 bn with a 2030 plan of 9 bn (from a 10 bn appropriation) and three
    /// contracts: HD-A 12 bn at 20% with a 2.4 bn guarantee, HD-B not effective before 2040,
    /// HD-C 10 bn at 30% without a guarantee.
    static func setUp() async throws -> Setup {
        let spending = try await SpendingWorld.make(try await TestEnvironment.get())
        let world = spending.world
        let project = "REF-\(world.unit)"
        _ = try await world.account()
        let root = try await spending.budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2030), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
            "amount": .money(10 * billion), "purpose": .string("INVESTMENT")])["allocation_id"]?.stringValue ?? ""
        try await spending.accountant.must("treasury.v1.Investment/PutProject", projectParams(project, world.unit, total: 15 * billion))
        let plan = try await spending.budget.must("treasury.v1.Investment/PutCapitalPlan", [
            "project_code": .string(project), "fiscal_year": .integer(2030), "parent_id": .string(root), "amount": .money(9 * billion),
            "sector": .string("341")])["allocation_id"]?.stringValue ?? ""
        var contracts: [String: String] = [:]
        for (number, value, rate, effective, guarantee) in [("HD-A", 12 * billion, 2000, "2026-01-05", Int64(2_400_000_000)),
                                                             ("HD-B", billion, 1000, "2040-01-01", nil), ("HD-C", 10 * billion, 3000, "2026-01-05", nil)] {
            contracts[number] = try await spending.accountant.must("treasury.v1.Investment/RegisterContract",
                contractParams(project, number, value: value, rate: rate, effective: effective, guarantee: guarantee))["contract_id"]?.stringValue ?? ""
        }
        return Setup(spending: spending, project: project, plan: plan, root: root, contracts: contracts)
    }

    static func projectParams(_ code: String, _ unit: String, total: Int64) -> JSONObject {
        ["project_code": .string(code), "name": .string("Refusals"), "investor_unit_code": .string(unit), "total_investment": .money(total),
         "decision_no": .string("QD-1/2030"), "decision_date": .string("2030-01-10"), "group": .string("B"), "source": .string("10")]
    }

    static func contractParams(_ project: String, _ number: String, value: Int64, rate: Int, effective: String = "2026-01-05",
                               guarantee: Int64? = nil, bank: String = "VCB") -> JSONObject {
        var params: JSONObject = [
            "project_code": .string(project), "contract_no": .string(number),
            "contractor": .object(["name": .string("Builder"), "tax_id": .string("0100100100"), "bank_code": .string(bank),
                                   "account_no": .string("0011000999999")]),
            "value": .money(value), "advance_rate_bp": .integer(Int64(rate)), "signed_on": .string("2026-01-05"),
            "effective_on": .string(effective), "ends_on": .string("2045-12-31")]
        if let guarantee {
            params["guarantee"] = .object(["amount": .money(guarantee), "bank_code": .string("BIDV"), "expires_on": .string("2045-12-31")])
        }
        return params
    }

    /// The call answers `reason` and leaves everything as it was.
    static func expectRefused(_ setup: Setup, _ session: Session, _ method: String, _ params: JSONObject, _ reason: String,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await state(setup)
        let response = try await session.mutate("treasury.v1.Investment/\(method)", params)
        #expect(response.reason == reason, "\(method): \(response.terminalLine)", sourceLocation: sourceLocation)
        #expect(try await state(setup) == before, "\(method) refused with \(reason) changed something", sourceLocation: sourceLocation)
    }

    static func state(_ setup: Setup) async throws -> [String] {
        let snapshot = try await setup.spending.snapshot(setup.plan)
        let project = try await setup.spending.accountant.mustRead("treasury.v1.Investment/GetProject", ["project_code": .string(setup.project)])
        let database = try setup.spending.world.environment.database()
        let rows = try database.query(
            """
            SELECT (SELECT count(*) FROM acceptances a JOIN contracts c ON c.id = a.contract_id WHERE c.project_code = $1)
                || '/' || (SELECT count(*) FROM contracts WHERE project_code = $1)
                || '/' || (SELECT count(*) FROM capital_plans WHERE project_code = $1) AS counts
            """, [setup.project]).first?["counts"] ?? ""
        return ["\(snapshot.figures)", snapshot.orders.joined(separator: ","), "\(snapshot.dossiers)", snapshot.ledger.joined(separator: ","),
                JSON.object(project).serialized(sortedKeys: true), rows]
    }

    @Test func everyReasonOfProjectsPlansAndContractsRefusesAndChangesNothing() async throws {
        let setup = try await Self.setUp()
        let accountant = setup.spending.accountant, budget = setup.spending.budget, unit = setup.spending.world.unit
        try await Self.expectRefused(setup, accountant, "PutProject", Self.projectParams(setup.project, "9999999", total: 15 * Self.billion), "UNIT_NOT_FOUND")
        try await Self.expectRefused(setup, accountant, "PutProject", Self.projectParams(setup.project, unit, total: 9 * Self.billion - 1),
                                     "TOTAL_INVESTMENT_EXCEEDED")
        func plan(_ project: String, _ year: Int, _ parent: String, _ amount: Int64) -> JSONObject {
            ["project_code": .string(project), "fiscal_year": .integer(Int64(year)), "parent_id": .string(parent), "amount": .money(amount),
             "sector": .string("341")]
        }
        try await Self.expectRefused(setup, budget, "PutCapitalPlan", plan("NO-SUCH-PROJECT", 2030, setup.root, 1), "PROJECT_NOT_FOUND")
        try await Self.expectRefused(setup, budget, "PutCapitalPlan", plan(setup.project, 2030, "999999999999", 1), "ALLOCATION_NOT_FOUND")
        try await Self.expectRefused(setup, budget, "PutCapitalPlan", plan(setup.project, 2030, setup.root, 10 * Self.billion + 1),
                                     "INSUFFICIENT_ALLOCATION")
        try await Self.expectRefused(setup, budget, "PutCapitalPlan", plan(setup.project, 2030, setup.root, 15 * Self.billion + 1),
                                     "TOTAL_INVESTMENT_EXCEEDED")
        let contract = Self.contractParams(setup.project, "HD-NEW", value: Self.billion, rate: 3001)
        try await Self.expectRefused(setup, accountant, "RegisterContract", contract, "ADVANCE_RATE_TOO_HIGH")
        try await Self.expectRefused(setup, accountant, "RegisterContract",
                                     Self.contractParams(setup.project, "HD-NEW", value: Self.billion, rate: 1000, bank: "NOBANK"), "BANK_NOT_FOUND")
        try await Self.expectRefused(setup, accountant, "RegisterContract",
                                     Self.contractParams(setup.project, "HD-A", value: Self.billion, rate: 1000), "DUPLICATE_CONTRACT")
        try await Self.expectRefused(setup, accountant, "RegisterContract",
                                     Self.contractParams("NO-SUCH-PROJECT", "HD-NEW", value: Self.billion, rate: 1000), "PROJECT_NOT_FOUND")
    }

    @Test func everyReasonOfAdvancesAndPaymentsRefusesAndChangesNothing() async throws {
        let setup = try await Self.setUp()
        let accountant = setup.spending.accountant
        func advance(_ contract: String?, _ amount: Int64, year: Int = 2030) -> JSONObject {
            ["contract_id": .string(contract ?? ""), "amount": .money(amount), "fiscal_year": .integer(Int64(year))]
        }
        try await Self.expectRefused(setup, accountant, "RequestAdvance", advance("999999999999", 1), "CONTRACT_NOT_FOUND")
        try await Self.expectRefused(setup, accountant, "RequestAdvance", advance(setup.contracts["HD-B"], 1), "CONTRACT_NOT_EFFECTIVE")
        try await Self.expectRefused(setup, accountant, "RequestAdvance", advance(setup.contracts["HD-A"], 2_400_000_001), "ADVANCE_LIMIT_EXCEEDED")
        try await Self.expectRefused(setup, accountant, "RequestAdvance", advance(setup.contracts["HD-C"], 1_000_000_001), "GUARANTEE_REQUIRED")
        try await Self.expectRefused(setup, accountant, "RequestAdvance", advance(setup.contracts["HD-A"], 1, year: 2032), "PLAN_EXCEEDED")

        // A paid advance of 2.4 bn on HD-A, for the recoveries.
        let order = try await accountant.must("treasury.v1.Investment/RequestAdvance", advance(setup.contracts["HD-A"], 2_400_000_000))["order_id"]
        try await setup.spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": order ?? .null])
        try await setup.spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": order ?? .null])
        func payment(_ gross: Int64, recovery: Int64? = nil, year: Int = 2030) -> JSONObject {
            var params: JSONObject = ["contract_id": .string(setup.contracts["HD-A"] ?? ""), "acceptance_no": .string("NT-X"),
                                      "accepted_on": .string("2026-06-30"), "accepted_value": .money(gross), "fiscal_year": .integer(Int64(year))]
            if let recovery { params["recovery"] = .money(recovery) }
            return params
        }
        try await Self.expectRefused(setup, accountant, "RequestPayment", payment(12 * Self.billion + 1), "CONTRACT_VALUE_EXCEEDED")
        // 3 bn accepted of 12: the least recovery is ceil(2.4 × 3 ÷ 9.6) bn = 750 m.
        try await Self.expectRefused(setup, accountant, "RequestPayment", payment(3 * Self.billion, recovery: 749_999_999), "RECOVERY_TOO_LOW")
        try await Self.expectRefused(setup, accountant, "RequestPayment", payment(3 * Self.billion, recovery: 2_400_000_001), "RECOVERY_EXCEEDS_ADVANCE")
        try await Self.expectRefused(setup, accountant, "RequestPayment", payment(3 * Self.billion, year: 2032), "PLAN_EXCEEDED")
        try await Self.expectRefused(setup, accountant, "RequestPayment",
                                     ["contract_id": .string("999999999999"), "acceptance_no": .string("NT-X"), "accepted_on": .string("2026-06-30"),
                                      "accepted_value": .money(1)], "CONTRACT_NOT_FOUND")
    }
}

/// Rule 8 under concurrency: many clients at once on one contract and one plan.
@Suite struct InvestmentRaceTests {
    @Test func sixteenClientsAdvancingAndPayingAtOnceGetExactlyTheAffordableOnes() async throws {
        let setup = try await InvestmentRefusalTests.setUp()
        let environment = setup.spending.world.environment, token = setup.spending.accountant.token, signers = setup.spending.accountant.signers
        let advanceContract = setup.contracts["HD-A"] ?? "", paymentContract = advanceContract
        // Advances of 200 m (at most 12: HD-A's 2.4 bn limit) and payments of 1 bn of accepted
        // work (nothing advanced is paid yet, so no recovery) on one contract compete for its one
        // 9 bn plan: whatever the order, no limit is passed and nothing affordable is refused.
        let outcomes = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for client in 0..<16 {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: token, signers: signers)
                    let advance = try await session.mutate("treasury.v1.Investment/RequestAdvance", [
                        "contract_id": .string(advanceContract), "amount": .money(200_000_000), "fiscal_year": .integer(2030)])
                    return ("advance", advance.reason ?? "OK")
                }
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: token, signers: signers)
                    let payment = try await session.mutate("treasury.v1.Investment/RequestPayment", [
                        "contract_id": .string(paymentContract), "acceptance_no": .string("NT-\(client)"), "accepted_on": .string("2026-06-30"),
                        "accepted_value": .money(1_000_000_000), "fiscal_year": .integer(2030)])
                    return ("payment", payment.reason ?? "OK")
                }
            }
            var outcomes: [String: Int] = [:]
            for try await (kind, outcome) in group { outcomes["\(kind) \(outcome)", default: 0] += 1 }
            return outcomes
        }
        let advances = outcomes["advance OK", default: 0], payments = outcomes["payment OK", default: 0]
        #expect(outcomes.values.reduce(0, +) == 32)
        #expect(Set(outcomes.keys).isSubset(of: ["advance OK", "advance ADVANCE_LIMIT_EXCEEDED", "advance PLAN_EXCEEDED",
                                                 "payment OK", "payment PLAN_EXCEEDED"]), "\(outcomes)")
        let reserved = Int64(advances) * 200_000_000 + Int64(payments) * 1_000_000_000
        #expect(advances <= 12 && reserved <= 9_000_000_000, "\(outcomes)")
        #expect(try await setup.spending.figures(setup.plan) == Figures(amount: 9_000_000_000, pending: reserved, available: 9_000_000_000 - reserved))
        // A refusal means the limit was reached: the contract's, or the plan's for that amount.
        if outcomes["advance ADVANCE_LIMIT_EXCEEDED", default: 0] > 0 { #expect(advances == 12, "\(outcomes)") }
        if outcomes["advance PLAN_EXCEEDED", default: 0] > 0 { #expect(9_000_000_000 - reserved < 200_000_000, "\(outcomes)") }
        if outcomes["payment PLAN_EXCEEDED", default: 0] > 0 { #expect(9_000_000_000 - reserved < 1_000_000_000, "\(outcomes)") }
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
}

/// Investment dossiers on an injected clock: an advance is due within 1 working day, a payment
/// within 2 (Decree 347/2025), the day of receipt counting before the cut-off; a supplement
/// restarts each with its own limit; and no advance or payment dated into a closed month.
@Suite struct InvestmentDeadlineTests {
    static func at(_ day: String, seconds: Int) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: seconds)
    }

    @Test func advancesHaveOneWorkingDayPaymentsTwoAndNeverInAClosedMonth() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2034-03-08", seconds: 9 * 3600))
        let spending = try await SpendingWorld.make(environment, port: try await environment.startServer(clock: clock))
        let world = spending.world
        try await world.admin.must("treasury.v1.Reference/PutHoliday", ["date": .string("2034-03-15"), "name": .string("test holiday 2034")])
        let root = try await spending.budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2034), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
            "amount": .money(10_000_000_000), "purpose": .string("INVESTMENT")])["allocation_id"]?.stringValue ?? ""
        let project = "DL-\(world.unit)"
        try await spending.accountant.must("treasury.v1.Investment/PutProject", InvestmentRefusalTests.projectParams(project, world.unit, total: 9_000_000_000))
        let plan = try await spending.budget.must("treasury.v1.Investment/PutCapitalPlan", [
            "project_code": .string(project), "fiscal_year": .integer(2034), "parent_id": .string(root), "amount": .money(9_000_000_000),
            "sector": .string("341")])["allocation_id"]?.stringValue ?? ""
        let registered = try await spending.accountant.must("treasury.v1.Investment/RegisterContract",
            InvestmentRefusalTests.contractParams(project, "HD-DL", value: 8_000_000_000, rate: 3000, effective: "2034-01-02"))
        let contract = registered["contract_id"]?.stringValue ?? ""
        let contractDossier = try await spending.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(registered["dossier_id"]?.stringValue ?? "")])
        #expect(contractDossier["procedure"] == .string("PAYMENT_INVESTMENT") && contractDossier["subject"]?.objectValue?["kind"] == .string("CONTRACT"))

        // (day, seconds, advance due, payment due)
        let cases: [(String, Int, String, String)] = [
            ("2034-03-08", 10 * 3600, "2034-03-08T16:59:59Z", "2034-03-09T16:59:59Z"),                // Wednesday morning: that day; and Thursday
            ("2034-03-08", 15 * 3600 + 29 * 60 + 59, "2034-03-08T16:59:59Z", "2034-03-09T16:59:59Z"), // one second before the cut-off
            ("2034-03-08", 15 * 3600 + 30 * 60, "2034-03-09T16:59:59Z", "2034-03-10T16:59:59Z"),      // at the cut-off: from the next working day
            ("2034-03-10", 18 * 3600, "2034-03-13T16:59:59Z", "2034-03-14T16:59:59Z"),                // Friday evening: Monday; Tuesday
            ("2034-03-11", 10 * 3600, "2034-03-13T16:59:59Z", "2034-03-14T16:59:59Z"),                // Saturday: Monday; Tuesday
            ("2034-03-14", 16 * 3600, "2034-03-16T16:59:59Z", "2034-03-17T16:59:59Z"),                // Tuesday evening, Wednesday a holiday: Thursday; Friday
        ]
        var advances: [String] = [], advanceDossiers: [String] = [], paymentDossiers: [String] = []
        for (index, (day, seconds, advanceDue, paymentDue)) in cases.enumerated() {
            clock.set(Self.at(day, seconds: seconds))
            let advance = try await spending.accountant.must("treasury.v1.Investment/RequestAdvance", [
                "contract_id": .string(contract), "amount": .money(1_000_000)])
            #expect(advance["due_at"] == .string(advanceDue), "advance on \(day) at \(seconds)s")
            advances.append(advance["order_id"]?.stringValue ?? "")
            advanceDossiers.append(advance["dossier_id"]?.stringValue ?? "")
            let payment = try await spending.accountant.must("treasury.v1.Investment/RequestPayment", [
                "contract_id": .string(contract), "acceptance_no": .string("NT-\(index)"), "accepted_on": .string(day),
                "accepted_value": .money(1_000_000)])
            #expect(payment["due_at"] == .string(paymentDue), "payment on \(day) at \(seconds)s")
            paymentDossiers.append(payment["dossier_id"]?.stringValue ?? "")
        }

        // The contract, registered at once, and the first advance (Wednesday 10:00) paid at 14:00
        // are done that day, the second advance (15:29:59) the next morning: ServiceLevel's
        // same-day rate for PAYMENT_INVESTMENT is two of three.
        for (order, paidAt) in [(advances[0], Self.at("2034-03-08", seconds: 14 * 3600)), (advances[1], Self.at("2034-03-09", seconds: 9 * 3600))] {
            clock.set(paidAt)
            try await spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
            try await spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)])
        }
        let level = try await spending.officer.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2034-03-08"), "to": .string("2034-03-08"), "treasury_code": .string(world.treasury)])
        let investment = level["procedures"]?.arrayValue?.compactMap(\.objectValue).first { $0["procedure"] == .string("PAYMENT_INVESTMENT") }
        #expect(investment?["received"] == .integer(7))
        #expect(investment?["completed"] == .integer(3))
        #expect(investment?["completed_same_day"] == .integer(2))
        #expect(investment?["same_day_rate"] == .number("0.6667"))
        #expect(investment?["legal_limit"] == .object(["working_days": .integer(2), "advance_working_days": .integer(1)]))

        // A supplement restarts each clock with its own limit: supplied Friday 17 March at 10:00,
        // the advance is due that day, the payment on Monday.
        clock.set(Self.at("2034-03-16", seconds: 10 * 3600))
        for dossier in [advanceDossiers[5], paymentDossiers[5]] {
            try await spending.officer.must("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("guarantee")])])
        }
        clock.set(Self.at("2034-03-17", seconds: 10 * 3600))
        for (dossier, due) in [(advanceDossiers[5], "2034-03-17T16:59:59Z"), (paymentDossiers[5], "2034-03-20T16:59:59Z")] {
            let supplied = try await spending.accountant.must("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(dossier), "note": .string("attached")])
            #expect(supplied["due_at"] == .string(due))
        }

        // January closed: nothing is requested dated into it.
        let chiefOfAll = try await world.user("CHIEF_ACCOUNTANT", scope: "*")
        clock.set(Self.at("2034-02-10", seconds: 9 * 3600))
        try await chiefOfAll.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2034), "month": .integer(1)])
        clock.set(Self.at("2034-01-20", seconds: 9 * 3600))
        let setup = InvestmentRefusalTests.Setup(spending: spending, project: project, plan: plan, root: root, contracts: ["HD-DL": contract])
        try await InvestmentRefusalTests.expectRefused(setup, spending.accountant, "RequestAdvance",
                                                       ["contract_id": .string(contract), "amount": .money(1_000_000)], "PERIOD_CLOSED")
        try await InvestmentRefusalTests.expectRefused(setup, spending.accountant, "RequestPayment", [
            "contract_id": .string(contract), "acceptance_no": .string("NT-closed"), "accepted_on": .string("2034-01-19"),
            "accepted_value": .money(1_000_000)], "PERIOD_CLOSED")
    }
}
