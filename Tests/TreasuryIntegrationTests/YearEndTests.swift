import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// The fiscal year end over TCP with an injected clock (docs/year-end.md): a whole year
/// 2061, its adjustment period in January 2062, carry-overs of every ground and the close.
/// Years 2061-2062 and 2071 are this file's alone: a close is database-wide.
@Suite struct YearEndTests {
    static let million: Int64 = 1_000_000

    static func at(_ day: String, hour: Int = 10) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: hour * 3600)
    }

    /// The string members of an object (figures are money strings).
    static func strings(_ object: JSONObject) -> [String: String] {
        var strings: [String: String] = [:]
        for (key, value) in object { if let text = value.stringValue { strings[key] = text } }
        return strings
    }

    /// A chief accountant of scope `*`, who closes months and years.
    static func provinceChief(_ world: World) async throws -> Session {
        try await world.user("CHIEF_ACCOUNTANT", scope: "*")
    }

    @Test func aWholeYearClosesWithEveryFigureAccountedForAndTheNextYearCarriesOn() async throws {
        let m = Self.million
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2061-01-05"))
        let revenue = try await RevenueWorld.make(environment, port: try await environment.startServer(clock: clock),
                                                  today: TreasuryTime.LocalDate("2061-01-05")!)
        let world = revenue.world
        let spending = SpendingWorld(world: world, budget: world.budget)
        let accountant = world.accountant, officer = world.officer, chief = world.chief, budget = world.budget
        let province = try await Self.provinceChief(world)
        var rule2062 = revenue.ruleParams([("CENTRAL", 3000), ("PROVINCE", 3333), ("COMMUNE", 3667)])
        rule2062["fiscal_year"] = .integer(2062)
        try await revenue.rules.must("treasury.v1.Revenue/PutSharingRule", rule2062)

        // January 2061: the estimates, the project, its plan and contract.
        func appropriate(_ amount: Int64, _ purpose: String) async throws -> String {
            try await budget.must("treasury.v1.Budget/Appropriate", [
                "fiscal_year": .integer(2061), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
                "amount": .money(amount), "purpose": .string(purpose)])["allocation_id"]?.stringValue ?? ""
        }
        let r1 = try await appropriate(1000 * m, "RECURRENT"), r2 = try await appropriate(5000 * m, "INVESTMENT")
        let a = try await spending.allocate(parent: r1, 600 * m), d = try await spending.allocate(parent: r1, 100 * m)
        let project = "YE-\(world.unit)"
        try await accountant.must("treasury.v1.Investment/PutProject", [
            "project_code": .string(project), "name": .string("District hospital wing"), "investor_unit_code": .string(world.unit),
            "total_investment": .money(10_000 * m), "decision_no": .string("QD-1/2061"), "decision_date": .string("2061-01-02"),
            "group": .string("B"), "source": .string("10")])
        let plan = try await budget.must("treasury.v1.Investment/PutCapitalPlan", [
            "project_code": .string(project), "fiscal_year": .integer(2061), "parent_id": .string(r2), "amount": .money(3000 * m),
            "sector": .string("341")])["allocation_id"]?.stringValue ?? ""
        let contract = try await accountant.must("treasury.v1.Investment/RegisterContract", [
            "project_code": .string(project), "contract_no": .string("HD-YE-1"),
            "contractor": .object(["name": .string("Cong ty Xay dung 2061"), "tax_id": .string("0100100161"), "bank_code": .string("VCB"),
                                   "account_no": .string("0011000216100")]),
            "value": .money(2000 * m), "advance_rate_bp": .integer(2000), "signed_on": .string("2061-01-05"),
            "effective_on": .string("2061-01-05"), "ends_on": .string("2062-12-31")])["contract_id"]?.stringValue ?? ""
        func approveAndAuthorize(_ order: String?) async throws -> JSONObject {
            try await officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order ?? "")])
            return try await chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order ?? "")])
        }
        func entryDate(_ entry: JSON?) async throws -> String? {
            try await world.auditor.mustRead("treasury.v1.Ledger/GetEntry", ["entry_id": entry ?? .null])["accounting_date"]?.stringValue
        }
        func collect(_ amount: Int64, collectedOn: String) async throws -> JSONObject {
            try await revenue.ownBankUser.must("treasury.v1.Revenue/RecordCollection",
                                               revenue.collection(amount, bank: revenue.ownBank, collectedOn: collectedOn))
        }

        // March: spending, a contract, an advance; revenue.
        clock.set(Self.at("2061-03-10"))
        _ = try await spending.pay(a, 200 * m)
        var commitment = spending.commit(a, 100 * m)
        commitment["signed_on"] = .string("2061-03-10")
        let contractA = try await accountant.must("treasury.v1.Spending/RegisterCommitment", commitment)["commitment_id"]?.stringValue
        _ = try await spending.pay(a, 40 * m, commitment: contractA)
        let advanceD = try await spending.pay(d, 30 * m, kind: "ADVANCE")
        #expect(try await entryDate(try await collect(10 * m, collectedOn: "2061-03-10")["entry_id"]) == "2061-03-10")

        // May-July: the investment advance and a first payment (recovery pro rata: 300 x 500 / 1600).
        clock.set(Self.at("2061-05-05"))
        let investmentAdvance = try await accountant.must("treasury.v1.Investment/RequestAdvance", [
            "contract_id": .string(contract), "amount": .money(300 * m)])["order_id"]?.stringValue
        _ = try await approveAndAuthorize(investmentAdvance)
        clock.set(Self.at("2061-07-01"))
        let first = try await accountant.must("treasury.v1.Investment/RequestPayment", [
            "contract_id": .string(contract), "acceptance_no": .string("NT-1"), "accepted_on": .string("2061-06-30"),
            "accepted_value": .money(500 * m)])
        #expect(first["recovery"] == .money(93_750_000))
        _ = try await approveAndAuthorize(first["order_id"]?.stringValue)

        // Autumn: an estimate added after 30 September; part of D's advance settled.
        clock.set(Self.at("2061-10-15"))
        let c = try await spending.allocate(parent: r1, 50 * m)
        clock.set(Self.at("2061-11-20"))
        try await accountant.must("treasury.v1.Spending/SettleAdvance", ["order_id": .string(advanceD), "amount": .money(10 * m), "economic_code": .string("6501")])

        // December: work accepted on the 20th, controlled but not yet paid; an order against the
        // contract and an advance approved on the 28th; a payment submitted on the 30th.
        clock.set(Self.at("2061-12-20"))
        let second = try await accountant.must("treasury.v1.Investment/RequestPayment", [
            "contract_id": .string(contract), "acceptance_no": .string("NT-2"), "accepted_on": .string("2061-12-20"),
            "accepted_value": .money(200 * m)])
        #expect(second["recovery"] == .money(37_500_000))
        try await officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": second["order_id"] ?? .null])
        clock.set(Self.at("2061-12-28"))
        let lateContractOrder = try await spending.submit(a, 20 * m, commitment: contractA)
        try await officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(lateContractOrder)])
        let lateAdvance = try await spending.submit(d, 5 * m, kind: "ADVANCE")
        try await officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(lateAdvance)])
        clock.set(Self.at("2061-12-30"))
        let unapproved = try await spending.submit(a, 3 * m)

        // January 2062, the adjustment period: months 1-11 close; revenue collected on 31
        // December belongs to 2061, revenue collected on 2 January to 2062.
        clock.set(Self.at("2062-01-02"))
        for month in 1...11 { try await province.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2061), "month": .integer(month)]) }
        clock.set(Self.at("2062-01-03"))
        #expect(try await entryDate(try await collect(7 * m, collectedOn: "2061-12-31")["entry_id"]) == "2061-12-31")
        #expect(try await entryDate(try await collect(4 * m, collectedOn: "2062-01-02")["entry_id"]) == "2062-01-03")
        // Refused: new orders and advances on 2061's budget, work accepted in 2062.
        #expect(try await accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", spending.order(a, m)).reason == "ADJUSTMENT_PERIOD_RESTRICTED")
        #expect(try await accountant.mutate("treasury.v1.Investment/RequestAdvance", [
            "contract_id": .string(contract), "amount": .money(m), "fiscal_year": .integer(2061)]).reason == "ADJUSTMENT_PERIOD_RESTRICTED")
        #expect(try await accountant.mutate("treasury.v1.Investment/RequestPayment", [
            "contract_id": .string(contract), "acceptance_no": .string("NT-X"), "accepted_on": .string("2062-01-02"),
            "accepted_value": .money(m), "fiscal_year": .integer(2061)]).reason == "ADJUSTMENT_PERIOD_RESTRICTED")

        // December closes: period 13 stays open for payments, settlements and collections.
        clock.set(Self.at("2062-01-05"))
        try await province.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2061), "month": .integer(12)])
        clock.set(Self.at("2062-01-06"))
        #expect(try await entryDate(try await chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": second["order_id"] ?? .null])["entry_id"]) == "2061-12-31")
        #expect(try await entryDate(try await chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(lateContractOrder)])["entry_id"]) == "2061-12-31")
        #expect(try await chief.mutate("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(lateAdvance)]).reason == "ADJUSTMENT_PERIOD_RESTRICTED")
        clock.set(Self.at("2062-01-07"))
        let settled = try await accountant.must("treasury.v1.Spending/SettleAdvance", ["order_id": .string(advanceD), "amount": .money(5 * m), "economic_code": .string("6501")])
        #expect(try await entryDate(settled["entry_id"]) == "2061-12-31")
        #expect(try await entryDate(try await collect(2 * m, collectedOn: "2061-12-30")["entry_id"]) == "2061-12-31")

        // Carry-overs, one per ground; no more than what is unspent.
        clock.set(Self.at("2062-01-10"))
        func mark(_ allocation: String, _ amount: Int64, _ ground: String) async throws -> CallResponse {
            try await budget.mutate("treasury.v1.YearEnd/MarkCarryOver", [
                "allocation_id": .string(allocation), "amount": .money(amount), "ground": .string(ground), "decision_no": .string("QD-CO-\(ground)")])
        }
        // A: 600 - 260 spent - 3 pending = 337 unspent (the 40 still committed included).
        #expect(try await mark(a, 338 * m, "OTHER").reason == "CARRY_OVER_EXCEEDS_AVAILABLE")
        for (allocation, amount, ground) in [(a, 40 * m, "CONTRACTED_BEFORE_YEAR_END"), (a, 20 * m, "SALARY_REFORM"), (c, 50 * m, "ADDED_AFTER_30_SEP"),
                                             (r1, 10 * m, "OTHER"), (plan, 1000 * m, "INVESTMENT_EXTENDED")] {
            let marked = try await mark(allocation, amount, ground)
            #expect(marked.error == nil && marked.string("carry_over_id") != nil, "\(ground): \(marked.terminalLine)")
        }
        // What is marked is no longer available: A keeps 600 - 260 - 3 - 40 committed = 297, less the
        // 20 of its marks that the 40 committed does not cover.
        #expect(try await budget.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(a)])["available"] == .money(277 * m))

        // Too early to close; then on 1 February the close.
        clock.set(Self.at("2062-01-20"))
        #expect(try await province.mutate("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2061)]).reason == "ADJUSTMENT_PERIOD_OPEN")
        #expect(try await chief.mutate("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2061)]).reason == "OUT_OF_SCOPE")
        clock.set(Self.at("2062-02-01"))
        let closed = try await province.must("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2061)])
        // Lapsed: R1's own 250 - 10 carried, A 600 - 260 - 60, D 100 - 15 - 15, C 0, R2's own 2000,
        // the plan 3000 - 700 - 168.75 - 1000.
        #expect(closed["lapsed"] == .money(240 * m + 280 * m + 70 * m + 2000 * m + 1_131_250_000), "\(closed)")
        #expect(closed["carried_over"] == .money(1120 * m))
        #expect(closed["orders_stopped"] == .integer(2))
        #expect(closed["advances_rolled_forward"] == .array([.object(["order_id": .string(investmentAdvance ?? ""), "outstanding": .money(168_750_000)])]))
        #expect(closed["advances_to_recover"] == .array([.object(["order_id": .string(advanceD), "outstanding": .money(15 * m), "due_on": .string("2062-02-15")])]))

        // Every allocation's figures after the close.
        func figures(_ allocation: String) async throws -> [String: String] {
            let got = try await budget.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(allocation)])
            return Self.strings(got).filter { ["spent", "advanced", "committed", "pending", "carried_over", "lapsed", "available"].contains($0.key) }
        }
        func expected(spent: Int64 = 0, advanced: Int64 = 0, carried: Int64 = 0, lapsed: Int64 = 0) -> [String: String] {
            ["spent": String(spent), "advanced": String(advanced), "committed": "0", "pending": "0", "carried_over": String(carried),
             "lapsed": String(lapsed), "available": "0"]
        }
        #expect(try await figures(r1) == expected(carried: 10 * m, lapsed: 240 * m))
        #expect(try await figures(a) == expected(spent: 260 * m, carried: 60 * m, lapsed: 280 * m))
        #expect(try await figures(d) == expected(spent: 15 * m, advanced: 15 * m, lapsed: 70 * m))
        #expect(try await figures(c) == expected(carried: 50 * m))
        #expect(try await figures(r2) == expected(lapsed: 2000 * m))
        #expect(try await figures(plan) == expected(spent: 700 * m, advanced: 168_750_000, carried: 1000 * m, lapsed: 1_131_250_000))
        let stopped = try await world.auditor.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(lateAdvance)])
        #expect(stopped["status"] == .string("REJECTED") && stopped["reject_reason_code"] == .string("YEAR_CLOSED"))
        #expect(try await world.auditor.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(unapproved)])["status"] == .string("CANCELLED"))

        // 2062's allocations continue the carried ones with their classification.
        let next = try await budget.read("treasury.v1.Budget/List", ["fiscal_year": .integer(2062), "treasury_code": .string(world.treasury)])
        var carriedFrom: [String: JSONObject] = [:]
        for item in next.items.compactMap(\.objectValue) { if let origin = item["carried_over_from"]?.stringValue { carriedFrom[origin] = item } }
        #expect(carriedFrom.mapValues { $0["amount"]?.stringValue ?? "" } == [a: "60000000", c: "50000000", r1: "10000000", plan: "1000000000"], "\(next.items)")
        #expect(carriedFrom[a]?["unit_code"] == .string(world.unit) && carriedFrom[a]?["sector"] == .string("341") && carriedFrom[a]?["purpose"] == .string("RECURRENT"))
        #expect(carriedFrom[r1]?["unit_code"] == .null && carriedFrom[plan]?["purpose"] == .string("INVESTMENT"))
        let got = try await accountant.mustRead("treasury.v1.Investment/GetProject", ["project_code": .string(project)])
        let plans = got["plans"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(plans.contains { $0["fiscal_year"] == .integer(2062) && $0["amount"] == .money(1000 * m) && $0["extended_from_year"] == .integer(2061) }, "\(plans)")

        // The settlement report of 2061: appropriated = spent + advance outstanding + carried + lapsed.
        func settlement() async throws -> [String: String] {
            let report = try await world.auditor.read("treasury.v1.Reports/BudgetSettlement", ["fiscal_year": .integer(2061), "treasury_code": .string(world.treasury)])
            #expect(report.object["closed"] == .bool(true), "\(report.terminalLine)")
            return Self.strings(report.items.first?.objectValue ?? [:])
        }
        func trialBalance() async throws -> [JSON] {
            try await world.auditor.read("treasury.v1.Ledger/TrialBalance", ["fiscal_year": .integer(2061), "treasury_code": .string(world.treasury)]).items
        }
        let settledAtClose = try await settlement(), trialAtClose = try await trialBalance()
        #expect(settledAtClose == ["appropriated": "6000000000", "allocated": "3750000000", "spent": "975000000", "advance_outstanding": "183750000",
                                   "carried_over": "1120000000", "lapsed": "3721250000", "committed": "0", "pending": "0"])

        // After the close: 2061 takes nothing more.
        #expect(try await accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", spending.order(a, m)).reason == "YEAR_CLOSED")
        #expect(try await mark(a, m, "OTHER").reason == "YEAR_CLOSED")
        #expect(try await budget.mutate("treasury.v1.Budget/Adjust", ["allocation_id": .string(a), "delta": .string("-1000000"), "reason": .string("late cut")]).reason == "YEAR_CLOSED")
        #expect(try await province.mutate("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2061)]).reason == "YEAR_ALREADY_CLOSED")
        // Life goes on in 2062: D's advance is settled, 2061's late revenue is 2062's, the rolled
        // advance is recovered from the extended plan. None of it touches 2061's books.
        clock.set(Self.at("2062-02-03"))
        let lateSettlement = try await accountant.must("treasury.v1.Spending/SettleAdvance", ["order_id": .string(advanceD), "amount": .money(5 * m), "economic_code": .string("6501")])
        #expect(try await entryDate(lateSettlement["entry_id"]) == "2062-02-03" && lateSettlement["outstanding"] == .money(10 * m))
        #expect(try await entryDate(try await collect(m, collectedOn: "2061-12-29")["entry_id"]) == "2062-02-03")
        let third = try await accountant.must("treasury.v1.Investment/RequestPayment", [
            "contract_id": .string(contract), "acceptance_no": .string("NT-4"), "accepted_on": .string("2062-02-01"),
            "accepted_value": .money(100 * m), "fiscal_year": .integer(2062)])
        #expect(third["recovery"] == .money(18_750_000), "\(third)")
        _ = try await approveAndAuthorize(third["order_id"]?.stringValue)
        #expect(try await figures(carriedFrom[plan]?["allocation_id"]?.stringValue ?? "")["spent"] == String(81_250_000))
        #expect(try await settlement() == settledAtClose)
        #expect(try await trialBalance() == trialAtClose)
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
    /// Eight clients pay December's orders and record December's revenue while the close runs:
    /// each payment lands before the close (dated 31 December) or is refused with YEAR_CLOSED; a
    /// collection after the close is the new year's. The close's figures are the books'.
    @Test func theCloseRacingWithLatePostingsFromEightClientsMatchesTheBooksExactly() async throws {
        let m = Self.million
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2071-01-10"))
        let port = try await environment.startServer(clock: clock)
        let revenue = try await RevenueWorld.make(environment, port: port, today: TreasuryTime.LocalDate("2071-01-10")!)
        let world = revenue.world
        let spending = SpendingWorld(world: world, budget: world.budget)
        let province = try await Self.provinceChief(world)
        var rule2072 = revenue.ruleParams([("CENTRAL", 3000), ("PROVINCE", 3333), ("COMMUNE", 3667)])
        rule2072["fiscal_year"] = .integer(2072)
        try await revenue.rules.must("treasury.v1.Revenue/PutSharingRule", rule2072)
        let root = try await world.budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2071), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
            "amount": .money(1000 * m), "purpose": .string("RECURRENT")])["allocation_id"]?.stringValue ?? ""
        let allocations = [try await spending.allocate(parent: root, 300 * m), try await spending.allocate(parent: root, 300 * m)]

        // December: 8 clients x 5 orders of 1..5 million, submitted and approved.
        clock.set(Self.at("2071-12-29"))
        var orders: [[(id: String, amount: Int64)]] = []
        for client in 0..<8 {
            var mine: [(id: String, amount: Int64)] = []
            for k in 1...5 {
                let amount = Int64(k) * m + Int64(client)
                let id = try await spending.submit(allocations[client % 2], amount)
                try await world.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(id)])
                mine.append((id, amount))
            }
            orders.append(mine)
        }
        clock.set(Self.at("2072-01-04"))
        #expect(try await province.mutate("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2071)]).reason == "ADJUSTMENT_PERIOD_OPEN")
        for month in 1...12 { try await province.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2071), "month": .integer(month)]) }
        clock.set(Self.at("2072-02-02"))

        struct Outcome: Sendable { var paid: [Int64]; var refused: Int; var collections: [(entry: String, amount: Int64)] }
        let chiefToken = world.chief.token, bankToken = revenue.ownBankUser.token
        let closing: JSONObject = try await withThrowingTaskGroup(of: (Outcome?, JSONObject?).self) { group in
            for client in 0..<8 {
                let mine = orders[client]
                group.addTask {
                    let chief = Session(connection: try await environment.client(port: port), token: chiefToken)
                    let bank = Session(connection: try await environment.client(port: port), token: bankToken)
                    var outcome = Outcome(paid: [], refused: 0, collections: [])
                    for (index, order) in mine.enumerated() {
                        let paid = try await chief.mutate("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order.id)], deadlineMs: 60_000)
                        if paid.error == nil { outcome.paid.append(order.amount) } else {
                            #expect(paid.reason == "YEAR_CLOSED", "\(paid.terminalLine)")
                            outcome.refused += 1
                        }
                        let amount = Int64(100_000 * (client + 1) + index)
                        let collected = try await bank.mutate("treasury.v1.Revenue/RecordCollection",
                                                              revenue.collection(amount, bank: revenue.ownBank, collectedOn: "2071-12-31"), deadlineMs: 60_000)
                        #expect(collected.error == nil, "\(collected.terminalLine)")
                        if let entry = collected.string("entry_id") { outcome.collections.append((entry, amount)) }
                    }
                    await chief.connection.close()
                    await bank.connection.close()
                    return (outcome, nil)
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(40))
                return (nil, try await province.must("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(2071)]))
            }
            var outcomes: [Outcome] = [], closing: JSONObject = [:]
            for try await (outcome, closed) in group {
                if let outcome { outcomes.append(outcome) }
                if let closed { closing = closed }
            }
            let paid = outcomes.flatMap(\.paid).reduce(0, +), refused = outcomes.map(\.refused).reduce(0, +)
            // Every order was either paid or stopped by the close.
            #expect(outcomes.flatMap(\.paid).count + refused == 40)
            #expect(closing["orders_stopped"] == .integer(refused), "\(closing)")
            #expect(closing["lapsed"] == .money(1000 * m - paid), "paid \(paid): \(closing)")
            // The books: 2071's payments are exactly the paid orders; each collection is dated 31
            // December when it landed before the close, else on the day it was recorded.
            let database = try environment.database()
            let books = try database.query(
                """
                SELECT coalesce(sum(l.debit), 0)::bigint AS spent FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                WHERE l.gl_account = '8111' AND e.treasury_code = $1 AND e.accounting_date BETWEEN '2071-01-01' AND '2071-12-31'
                """, [world.treasury]).first?.decode(Int64.self, "spent")
            #expect(books == paid)
            let closedAt = try database.query("SELECT closed_at FROM fiscal_year_closings WHERE fiscal_year = 2071").first?["closed_at"] ?? ""
            for collection in outcomes.flatMap(\.collections) {
                let row = try database.query(
                    "SELECT accounting_date::text AS day, posted_at < $2::timestamptz AS before FROM journal_entries WHERE id = $1",
                    [Int64(collection.entry) ?? 0, closedAt]).first
                #expect(row?["day"] == (row?["before"] == "t" ? "2071-12-31" : "2072-02-02"), "collection \(collection): \(String(describing: row))")
            }
            return closing
        }
        #expect(closing["status"] == .string("CLOSED"))
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }
}
