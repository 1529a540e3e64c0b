import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol
import TreasuryService

/// Reports/Disbursement and Reports/OverdueAdvances over TCP (API.md "Public investment";
/// docs/investment.md "Reports"), on a world built through the Investment methods:
///
/// Project P (the world's unit, source 10, group C), total 15 bn; plans 2030 9 bn, 2031 6 bn.
/// - HD-01 (12 bn, 20%, ends 2031-12-31): advance 2.4 bn on 2030, paid; NT-01 3 bn on 2030
///   (recovery 750 m), paid; NT-02 1 bn on 2031 (recovery ceil(1.65 × 1 ÷ 6.6) bn = 250 m),
///   paid. The advance is 1.4 bn outstanding, on the 2030 plan.
/// - HD-02 (1 bn, 10%, ends 2031-06-30): advance 100 m on 2031, only submitted.
/// - HD-03 (1 bn, 10%, ends 2031-06-30): advance 100 m on 2031, paid; NT-31 800 m (= 80%:
///   the whole 100 m recovered) on 2031, paid.
/// Project Q (a second unit, source 12, group B), total 2 bn; plan 2030 1 bn, nothing spent.
///
/// 2030: P planned 9 bn, disbursed 2.4 + 2.25 = 4.65 bn (NT-02's recovery moved 250 m from
/// advanced to spent on this plan: still disbursed), outstanding 1.4 bn, rate 0.5167.
/// 2031: P planned 6 bn, disbursed 750 m + 100 m + 700 m = 1.55 bn, outstanding 100 m (HD-02's
/// advance in flight), rate 0.2583.
@Suite struct InvestmentReportTests {
    static let billion: Int64 = 1_000_000_000

    struct Figures: Equatable, CustomStringConvertible {
        var planned: String, disbursed: String, outstanding: String, rate: String
        init(_ planned: String, _ disbursed: String, _ outstanding: String, _ rate: String) {
            (self.planned, self.disbursed, self.outstanding, self.rate) = (planned, disbursed, outstanding, rate)
        }
        init(_ item: JSONObject) {
            self.init(item["planned"]?.stringValue ?? "-", item["disbursed"]?.stringValue ?? "-",
                      item["advance_outstanding"]?.stringValue ?? "-", item["rate"]?.stringValue ?? "-")
        }
        var description: String { "planned \(planned), disbursed \(disbursed), outstanding \(outstanding), rate \(rate)" }
    }

    @Test func disbursementAndOverdueAdvancesGiveEveryFigureOfAProjectWithTwoYearsAndThreeContracts() async throws {
        let environment = try await TestEnvironment.get()
        let spending = try await SpendingWorld.make(environment)
        let world = spending.world, budget = spending.budget, accountant = spending.accountant
        let project = "RPT-\(world.unit)", other = "RPU-\(world.unit)"
        _ = try await world.account() // the investor's deposit account, for the retention

        // A second investor in the same treasury, for Q.
        let unit2 = String(format: "9%06d", TestEnvironment.next())
        try await world.admin.must("treasury.v1.Reference/PutBudgetUnit", [
            "code": .string(unit2), "name": .string("Hospital \(unit2)"), "budget_level": .string("PROVINCE"), "chapter": .string("422"),
            "area_code": .string(world.area), "treasury_code": .string(world.treasury)])

        func root(_ year: Int) async throws -> String {
            try await budget.must("treasury.v1.Budget/Appropriate", [
                "fiscal_year": .integer(year), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
                "amount": .money(20 * Self.billion), "purpose": .string("INVESTMENT")])["allocation_id"]?.stringValue ?? ""
        }
        let root2030 = try await root(2030), root2031 = try await root(2031)
        func putProject(_ code: String, investor: String, total: Int64, source: String, group: String) async throws {
            try await spending.officer.must("treasury.v1.Investment/PutProject", [
                "project_code": .string(code), "name": .string("Project \(code)"), "investor_unit_code": .string(investor),
                "total_investment": .money(total), "decision_no": .string("QD-\(code)"), "decision_date": .string("2026-01-02"),
                "group": .string(group), "source": .string(source)])
        }
        try await putProject(project, investor: world.unit, total: 15 * Self.billion, source: "10", group: "C")
        try await putProject(other, investor: unit2, total: 2 * Self.billion, source: "12", group: "B")
        func plan(_ code: String, _ year: Int, _ parent: String, _ amount: Int64) async throws {
            try await budget.must("treasury.v1.Investment/PutCapitalPlan", [
                "project_code": .string(code), "fiscal_year": .integer(year), "parent_id": .string(parent),
                "amount": .money(amount), "sector": .string("341")])
        }
        try await plan(project, 2030, root2030, 9 * Self.billion)
        try await plan(project, 2031, root2031, 6 * Self.billion)
        try await plan(other, 2030, root2030, 1 * Self.billion)

        func contract(_ number: String, value: Int64, rateBP: Int, endsOn: String, guarantee: Int64? = nil) async throws -> String {
            var params: JSONObject = [
                "project_code": .string(project), "contract_no": .string(number),
                "contractor": .object(["name": .string("Cong ty Xay dung \(number)"), "tax_id": .string("0100100100"),
                                       "bank_code": .string("VCB"), "account_no": .string("0011000999999")]),
                "value": .money(value), "advance_rate_bp": .integer(rateBP), "signed_on": .string("2026-01-05"),
                "effective_on": .string("2026-01-05"), "ends_on": .string(endsOn), "retention_bp": .integer(0)]
            if let guarantee {
                params["guarantee"] = .object(["amount": .money(guarantee), "bank_code": .string("BIDV"), "expires_on": .string(endsOn)])
            }
            return try await accountant.must("treasury.v1.Investment/RegisterContract", params)["contract_id"]?.stringValue ?? ""
        }
        func pay(_ order: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await spending.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order ?? "")], sourceLocation: sourceLocation)
            try await spending.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order ?? "")], sourceLocation: sourceLocation)
        }
        func advance(_ contract: String, _ amount: Int64, year: Int) async throws -> String {
            try await accountant.must("treasury.v1.Investment/RequestAdvance", [
                "contract_id": .string(contract), "amount": .money(amount), "fiscal_year": .integer(year)])["order_id"]?.stringValue ?? ""
        }
        func payment(_ contract: String, _ number: String, _ gross: Int64, year: Int, recovery: Int64) async throws -> String {
            let result = try await accountant.must("treasury.v1.Investment/RequestPayment", [
                "contract_id": .string(contract), "acceptance_no": .string(number), "accepted_on": .string("2026-06-30"),
                "accepted_value": .money(gross), "fiscal_year": .integer(year)])
            #expect(result["recovery"] == .money(recovery), "\(number): \(result)")
            return result["order_id"]?.stringValue ?? ""
        }

        let hd1 = try await contract("HD-01", value: 12 * Self.billion, rateBP: 2000, endsOn: "2031-12-31", guarantee: 2_400_000_000)
        let advance1 = try await advance(hd1, 2_400_000_000, year: 2030)
        try await pay(advance1)
        try await pay(try await payment(hd1, "NT-01", 3 * Self.billion, year: 2030, recovery: 750_000_000))
        try await pay(try await payment(hd1, "NT-02", 1 * Self.billion, year: 2031, recovery: 250_000_000))
        let hd2 = try await contract("HD-02", value: Self.billion, rateBP: 1000, endsOn: "2031-06-30")
        _ = try await advance(hd2, 100_000_000, year: 2031)
        let hd3 = try await contract("HD-03", value: Self.billion, rateBP: 1000, endsOn: "2031-06-30")
        try await pay(try await advance(hd3, 100_000_000, year: 2031))
        try await pay(try await payment(hd3, "NT-31", 800_000_000, year: 2031, recovery: 100_000_000))

        // Disbursement.
        let auditor = world.auditor
        func report(_ year: Int, _ keys: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [JSONObject] {
            var params: JSONObject = ["fiscal_year": .integer(year), "treasury_code": .string(world.treasury)]
            if !keys.isEmpty { params["group_by"] = .array(keys.map(JSON.string)) }
            let response = try await auditor.read("treasury.v1.Reports/Disbursement", params)
            #expect(response.error == nil, "\(response.terminalLine)", sourceLocation: sourceLocation)
            let items = response.items.compactMap(\.objectValue)
            #expect(response.result?.objectValue?["count"] == .integer(items.count), sourceLocation: sourceLocation)
            return items
        }
        let p2030 = Figures("9000000000", "4650000000", "1400000000", "0.5167")
        let q2030 = Figures("1000000000", "0", "0", "0.0000")
        let p2031 = Figures("6000000000", "1550000000", "100000000", "0.2583")

        let total2030 = try await report(2030)
        #expect(total2030.map(Figures.init) == [Figures("10000000000", "4650000000", "1400000000", "0.4650")])
        #expect(total2030.first?.keys.sorted() == ["advance_outstanding", "disbursed", "planned", "rate"], "no group key when ungrouped")

        let byProject = try await report(2030, ["project_code"])
        #expect(byProject.map { $0["project_code"] } == [.string(project), .string(other)], "ordered by the key")
        #expect(byProject.map(Figures.init) == [p2030, q2030])

        let byInvestor = try await report(2030, ["investor_unit_code"])
        let investors = Dictionary(uniqueKeysWithValues: byInvestor.map { ($0["investor_unit_code"]?.stringValue ?? "-", Figures($0)) })
        #expect(investors == [world.unit: p2030, unit2: q2030])

        let bySourceAndGroup = try await report(2030, ["source", "group", "source"])
        #expect(bySourceAndGroup.map { [$0["source"], $0["group"]] } == [[.string("10"), .string("C")], [.string("12"), .string("B")]])
        #expect(bySourceAndGroup.map(Figures.init) == [p2030, q2030])

        #expect(try await report(2031).map(Figures.init) == [p2031])
        let byProject2031 = try await report(2031, ["project_code"])
        #expect(byProject2031.map { $0["project_code"] } == [.string(project)])
        #expect(byProject2031.map(Figures.init) == [p2031])
        #expect(try await report(2029).isEmpty, "a year without plans has no item")

        // The view a DBA reads holds the same figures per plan.
        let view = try environment.database().query(
            """
            SELECT fiscal_year || ':' || planned || ':' || disbursed || ':' || advance_outstanding || ':' || rate AS line
            FROM investment_disbursement WHERE project_code = $1 ORDER BY fiscal_year
            """, [project]).rows.compactMap { $0["line"] }
        #expect(view == ["2030:9000000000:4650000000:1400000000:0.5167", "2031:6000000000:1550000000:100000000:0.2583"])

        // Scope: a treasury is needed without scope *, another treasury's auditor is out of it.
        let whole = try await auditor.read("treasury.v1.Reports/Disbursement", ["fiscal_year": .integer(2030)])
        #expect(whole.reason == "OUT_OF_SCOPE")
        let stranger = try await World.make(environment)
        let foreign = try await stranger.auditor.read("treasury.v1.Reports/Disbursement", [
            "fiscal_year": .integer(2030), "treasury_code": .string(world.treasury)])
        #expect(foreign.reason == "OUT_OF_SCOPE")

        // OverdueAdvances: HD-01's advance is overdue from the day after 2031-12-31 + 3 months.
        // HD-02's (in flight) and HD-03's (recovered) never are, though their contract ended earlier.
        func overdue(_ session: Session, _ asOf: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [JSONObject] {
            let response = try await session.read("treasury.v1.Reports/OverdueAdvances", ["as_of": .string(asOf)])
            #expect(response.error == nil, "\(response.terminalLine)", sourceLocation: sourceLocation)
            let items = response.items.compactMap(\.objectValue)
            #expect(response.result?.objectValue?["count"] == .integer(items.count), sourceLocation: sourceLocation)
            return items
        }
        #expect(try await overdue(auditor, "2032-03-30").isEmpty)
        #expect(try await overdue(auditor, "2032-03-31").isEmpty, "on the deadline itself the advance is not overdue yet")
        let expected: JSONObject = [
            "order_id": .string(advance1), "contract_id": .string(hd1), "contract_no": .string("HD-01"), "project_code": .string(project),
            "investor_unit_code": .string(world.unit), "treasury_code": .string(world.treasury), "fiscal_year": .integer(2030),
            "amount": .string("2400000000"), "recovered": .string("1000000000"), "outstanding": .string("1400000000"),
            "ends_on": .string("2031-12-31"), "recovery_deadline": .string("2032-03-31"),
        ]
        func matches(_ item: JSONObject?, days: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            for (key, value) in expected { #expect(item?[key] == value, "\(key)", sourceLocation: sourceLocation) }
            #expect(item?["days_overdue"] == .integer(days), sourceLocation: sourceLocation)
        }
        let dayAfter = try await overdue(auditor, "2032-04-01")
        #expect(dayAfter.count == 1)
        matches(dayAfter.first, days: 1)
        let later = try await overdue(auditor, "2032-06-30")
        #expect(later.count == 1)
        matches(later.first, days: 91)
        let budgetView = try await overdue(budget, "2033-03-31")
        #expect(budgetView.count == 1)
        matches(budgetView.first, days: 365)
        #expect(try await overdue(stranger.auditor, "2032-06-30").isEmpty, "another treasury's reader sees none of it")

        let bad = try await auditor.read("treasury.v1.Reports/OverdueAdvances", ["as_of": .string("2032-02-30")])
        #expect(bad.reason == "FIELD_INVALID")
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
}
