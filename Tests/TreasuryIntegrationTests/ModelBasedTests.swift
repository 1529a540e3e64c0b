import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// Random operations from several concurrent clients against the real server, each call's
/// answer and the figures it touches compared with an independent in-memory model
/// (`LedgerModel`), as TigerBeetle's auditor and pgledger's property tests check a ledger.
///
/// Design (why the model stays exact while the clients run concurrently):
/// - Each client is a task with its own World (its own treasury, unit, users and TCP
///   connection) and its own `LedgerModel`. Everything it predicts (its accounts, its
///   appropriations and allocations, commitments, payment orders, collections and refunds, the
///   GL totals of its treasury) is touched by no other client, so no prediction depends on how
///   the clients interleave.
/// - Money crosses clients in one controlled way: a client transfers from one of its accounts
///   into another client's inbox account. The sender predicts its own side; the credit is
///   booked in the shared `InboxBook` under a lock once the server confirmed it. Inboxes are
///   never debited and their balances are compared only at the end (to the booked total, and
///   as a chain: the balances the server reported after each credit, in order, must each be the
///   previous one plus that credit).
/// - Months are global (the province ledger), so the clock and the periods change only between
///   segments, when no client has a call in flight: the server runs on a ManualClock in 2035,
///   a fiscal year no other test posts into, from February to May. Each month runs an open
///   segment, then a coordinator probes Periods/Close (PREVIOUS_PERIOD_OPEN,
///   PERIOD_NOT_STARTED, PERIOD_ALREADY_CLOSED, as a `PeriodModel` predicts) and closes the
///   month, then a closed segment runs with the clock still in that month, where every posting
///   must be refused with PERIOD_CLOSED (after the checks the server makes first) while the
///   rest (approvals, commitments, budget) goes on, then the clock moves to the next month.
/// - Every step compares the answer (success, or the refusal's reason; balances and figures it
///   returns) and reads back what it touched (Accounts/Get, Budget/Get, GetPaymentOrder,
///   Revenue/Summary). A `replay` step resends the previous change with its idempotency key and
///   expects the same answer and no change. At the end: every balance, allocation, order,
///   commitment and collection, each treasury's trial balance, the inboxes, and
///   `Operations.verify` over the whole database.
/// - Deterministic: the operations come from SplitMix64 seeded per client from the run's seed
///   (TREASURY_MODEL_SEED, decimal, 0x-hex or `random`; a fixed default otherwise). Server ids
///   differ between runs but no choice depends on them, so a seed replays a run. A divergence
///   stops that client and is reported with the seed, the client, the step, the month and its
///   last steps.
@Suite struct ModelBasedTests {
    static let year = 2035
    static let firstMonth = 2
    static let clientCount = 4
    static let months = 4
    static let openSteps = 30
    static let closedSteps = 7

    /// The clock's day in a month: the 25th of the first, the 5th of the others, so that the
    /// run spans 69 days, within the 90 days the tokens made at the start are valid.
    static func day(month: Int) -> TreasuryTime.LocalDate {
        TreasuryTime.LocalDate(year: year, month: month, day: month == firstMonth ? 25 : 5)
    }

    static func instant(month: Int) -> Date { TreasuryTime.instant(of: day(month: month), secondsOfDay: 10 * 3600) }

    @Test func concurrentRandomOperationsMatchAnIndependentModelAndVerifyStaysClean() async throws {
        let seed = SplitMix64.seedFromEnvironment(default: 0x2035_5EED)
        let replay = "seed \(seed) (replay with TREASURY_MODEL_SEED=\(seed))"
        print("ModelBasedTests: \(replay)")
        let started = ContinuousClock.now
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.instant(month: Self.firstMonth))
        let port = try await environment.startServer(clock: clock)
        let book = InboxBook()

        var clients = try await withThrowingTaskGroup(of: ModelClient.self) { group in
            for index in 0..<Self.clientCount {
                group.addTask {
                    var client = try await ModelClient.make(environment, port: port, index: index, seed: seed, book: book)
                    await client.setUp()
                    return client
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.index < $1.index }
        }
        let inboxes = clients.map(\.inbox)
        for index in clients.indices { clients[index].others = inboxes.enumerated().filter { $0.offset != index }.map(\.element) }
        let chief = try await clients[0].world.user("CHIEF_ACCOUNTANT", scope: "*")
        var coordinator = SplitMix64(seed: seed ^ 0xC10C_C10C)
        var periods = PeriodModel(year: Self.year, month: Self.firstMonth)
        var problems: [String] = []

        for month in Self.firstMonth..<(Self.firstMonth + Self.months) {
            clients = await Self.segment(clients, steps: Self.openSteps, month: month, closed: false)
            problems += await Self.closeMonth(chief, &periods, &coordinator).map { "\(replay), coordinator in \(Self.year)-\(month): \($0)" }
            clients = await Self.segment(clients, steps: Self.closedSteps, month: month, closed: periods.currentIsClosed)
            if month + 1 < Self.firstMonth + Self.months {
                clock.set(Self.instant(month: month + 1))
                periods.month = month + 1
            }
        }

        problems += clients.compactMap(\.failure).map { "\(replay), \($0)" }
        if problems.isEmpty {
            for client in clients {
                problems += try await client.finalMismatches(environment).map { "\(replay), client \(client.index) at the end: \($0)" }
            }
        }
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [], "\(replay)")
        let outcomes = clients.map(\.outcomes).reduce(into: [:]) { $0.merge($1, uniquingKeysWith: +) }
        print("ModelBasedTests: \(clients.map(\.step).reduce(0, +)) steps of \(Self.clientCount) clients in \(ContinuousClock.now - started), \(replay); "
              + outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
    }

    /// Runs every client that has not diverged for `steps` steps at once; returns when all are done.
    static func segment(_ clients: [ModelClient], steps: Int, month: Int, closed: Bool) async -> [ModelClient] {
        await withTaskGroup(of: ModelClient.self) { group in
            for client in clients {
                group.addTask {
                    var client = client
                    client.today = day(month: month)
                    client.model.periodClosed = closed
                    for _ in 0..<steps { await client.attempt(client.drawOperation()) }
                    return client
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted { $0.index < $1.index }
        }
    }

    /// A Periods/Close probe (the clock's month while January is still open, so the first one
    /// meets PREVIOUS_PERIOD_OPEN; then a random month), then closes every month up to the
    /// clock's in order, then another random probe.
    static func closeMonth(_ chief: Session, _ periods: inout PeriodModel, _ rng: inout SplitMix64) async -> [String] {
        let probe = periods.closed.isEmpty ? periods.month : rng.int(1...12)
        var problems = await closeOnce(chief, &periods, month: probe).map { [$0] } ?? []
        while problems.isEmpty, let next = (1...periods.month).first(where: { !periods.closed.contains($0) }) {
            if let problem = await closeOnce(chief, &periods, month: next) { problems.append(problem) }
        }
        if let problem = await closeOnce(chief, &periods, month: rng.int(1...12)) { problems.append(problem) }
        return problems
    }

    static func closeOnce(_ chief: Session, _ periods: inout PeriodModel, month: Int) async -> String? {
        let predicted = periods.close(month)
        do {
            let response = try await chief.mutate("treasury.v1.Periods/Close", ["fiscal_year": .integer(periods.year), "month": .integer(month)])
            guard response.outcome != predicted else { return nil }
            return "Periods/Close \(periods.year)-\(month) with the clock in month \(periods.month): server \(response.terminalLine), model \(predicted)"
        } catch {
            return "Periods/Close \(periods.year)-\(month): \(error)"
        }
    }
}

extension CallResponse {
    /// The answer as the model predicts answers: success, or the refusal's reason.
    var outcome: Predicted { error == nil ? .ok : .refused(reason ?? code ?? "?") }
    func money(_ key: String) -> Int64? { Int64(string(key) ?? "") }
}

/// A step whose answer or figures differ from the model's.
struct ModelDivergence: Error, CustomStringConvertible {
    var description: String
}

/// One client: its World (own treasury, unit, users, connection), its model, its generator.
struct ModelClient: Sendable {
    enum Operation: String, Sendable {
        case openInbox, openAccount, deposit, transfer, transferToInbox, appropriate, allocate, adjust
        case registerCommitment, submit, approve, authorize, reject, cancel, settle, recordCollection, refund, replay
    }

    /// A state change as sent, with its idempotency key and its answer, for `replay`.
    struct SentCall: Sendable {
        var session: Session
        var method: String
        var params: JSONObject
        var key: String
        var response: CallResponse
        var outcome: Predicted
    }

    let index: Int
    let seed: UInt64
    let revenue: RevenueWorld
    let spending: SpendingWorld
    let book: InboxBook
    var rng: SplitMix64
    var model = LedgerModel()
    var inbox = ""
    var others: [String] = []
    var today = ModelBasedTests.day(month: ModelBasedTests.firstMonth)
    var step = 0
    var current = ""
    var outcome = Predicted.ok
    /// How often each operation had each outcome, to show what a run covered.
    var outcomes: [String: Int] = [:]
    var trace: [String] = []
    var failure: String?
    var lastCall: SentCall?

    var world: World { spending.world }

    static func make(_ environment: TestEnvironment, port: Int, index: Int, seed: UInt64, book: InboxBook) async throws -> ModelClient {
        let revenue = try await RevenueWorld.make(environment, port: port, today: ModelBasedTests.day(month: ModelBasedTests.firstMonth))
        return ModelClient(index: index, seed: seed, revenue: revenue, spending: SpendingWorld(world: revenue.world, budget: revenue.world.budget),
                           book: book, rng: SplitMix64(seed: seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// An inbox, two accounts with money, an appropriation and two allocations, each checked like any step.
    mutating func setUp() async {
        for operation: Operation in [.openInbox, .openAccount, .openAccount, .deposit, .deposit, .deposit, .appropriate, .allocate, .allocate] {
            await attempt(operation)
        }
    }

    /// Draws the next operation among those the client's objects allow.
    mutating func drawOperation() -> Operation {
        var weighted: [(Operation, Int)] = [(.deposit, 8), (.transfer, 12), (.transferToInbox, 6), (.recordCollection, 7), (.appropriate, 2)]
        if model.accounts.count < 5 { weighted.append((.openAccount, 2)) }
        if !model.allocations.isEmpty { weighted += [(.allocate, 5), (.adjust, 4), (.registerCommitment, 7), (.submit, 14)] }
        if !model.orders.isEmpty { weighted += [(.approve, 10), (.authorize, 10), (.reject, 3), (.cancel, 3), (.settle, 6)] }
        if !model.collections.isEmpty { weighted.append((.refund, 7)) }
        if lastCall != nil { weighted.append((.replay, 3)) }
        return rng.pick(weighted: weighted)
    }

    mutating func attempt(_ operation: Operation) async {
        guard failure == nil else { return }
        step += 1
        current = operation.rawValue
        do {
            try await perform(operation)
            trace.append("\(step) \(model.periodClosed ? "[closed]" : "[open]") \(current): \(outcome)")
            outcomes["\(operation.rawValue) \(outcome)", default: 0] += 1
        } catch {
            let last = trace.suffix(10).map { "    \($0)" }.joined(separator: "\n")
            failure = "client \(index) (treasury \(world.treasury)), step \(step) on \(today) with the month \(model.periodClosed ? "closed" : "open"): "
                + "\(current): \(error)\n  its last steps:\n\(last)"
        }
    }

    // MARK: Calls and comparisons

    /// A state change with a fresh idempotency key, retried with the same key while the server
    /// answers ABORTED or UNAVAILABLE (retryable by contract).
    mutating func call(_ session: Session, _ method: String, _ params: JSONObject) async throws -> CallResponse {
        let key = UUID().uuidString
        var response = try await session.mutate(method, params, key: key)
        for _ in 0..<5 where response.code == "ABORTED" || response.code == "UNAVAILABLE" {
            response = try await session.mutate(method, params, key: key)
        }
        lastCall = SentCall(session: session, method: method, params: params, key: key, response: response, outcome: response.outcome)
        return response
    }

    /// The previous state change sent again with its key (in a later month state too): the
    /// server must answer as the first time and change nothing.
    mutating func replay() async throws {
        guard let last = lastCall else { return }
        current = "replay of \(last.method) \(last.params.serializedForTrace) with its idempotency key (first answer: \(last.outcome))"
        let response = try await last.session.mutate(last.method, last.params, key: last.key)
        outcome = last.outcome
        try same("replayed result", response.result?.serialized(sortedKeys: true), last.response.result?.serialized(sortedKeys: true))
        try same("replayed error", response.error.map { "\($0.code.rawValue) \($0.reason) \($0.message)" },
                 last.response.error.map { "\($0.code.rawValue) \($0.reason) \($0.message)" })
        try await checkEverything()
    }

    /// Every own account, allocation and the revenue totals against the model.
    func checkEverything() async throws {
        let balances = try await balances(model.accounts)
        for account in model.accounts { try same("balance of \(account) (Accounts/Balances)", balances[account], model.balances[account]) }
        for allocation in model.allocations.indices { try await checkFigures(allocation) }
        try await checkRevenue()
    }

    mutating func expect(_ response: CallResponse, _ predicted: Predicted) throws {
        outcome = predicted
        guard response.outcome != predicted else { return }
        throw ModelDivergence(description: "server answered \(response.terminalLine); the model predicts \(predicted)")
    }

    func same<T: Equatable>(_ what: String, _ server: T?, _ model: T?) throws {
        guard server != model else { return }
        throw ModelDivergence(description: "\(what): server \(server.map { "\($0)" } ?? "nothing"), model \(model.map { "\($0)" } ?? "nothing")")
    }

    /// Balances of accounts of the client's treasury, read in one snapshot.
    func balances(_ accounts: [String]) async throws -> [String: Int64] {
        let result = try await world.officer.mustRead("treasury.v1.Accounts/Balances", ["account_nos": .array(accounts.map(JSON.string))])
        var balances: [String: Int64] = [:]
        for item in result["balances"]?.arrayValue ?? [] {
            if let object = item.objectValue, let number = object["account_no"]?.stringValue { balances[number] = Int64(object["balance"]?.stringValue ?? "") }
        }
        return balances
    }

    func checkBalance(_ account: String) async throws {
        try same("balance of \(account) (Accounts/Get)", try await world.balance(account), model.balances[account])
    }

    func checkFigures(_ allocation: Int) async throws {
        let id = model.allocations[allocation].id
        try same("figures of allocation \(id) (Budget/Get)", try await spending.figures(id), model.allocations[allocation].figures)
    }

    func checkOrder(_ order: Int) async throws {
        let o = model.orders[order]
        let got = try await world.officer.read("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(o.id)])
        try same("status of payment order \(o.id) (GetPaymentOrder)", got.string("status"), o.status)
        if o.kind == "ADVANCE" {
            try same("outstanding of advance \(o.id) (GetPaymentOrder)", got.money("outstanding"), o.status == "PAID" ? o.amount - o.settled : 0)
        }
        try await checkFigures(o.allocation)
    }

    func checkRevenue() async throws {
        let summary = try await revenue.tax.read("treasury.v1.Revenue/Summary", ["fiscal_year": .integer(ModelBasedTests.year), "treasury_code": .string(world.treasury)])
        let total = summary.object["total"]?.objectValue ?? [:]
        try same("collected in treasury \(world.treasury) (Revenue/Summary)", Int64(total["collected"]?.stringValue ?? ""), model.collected)
        try same("refunded in treasury \(world.treasury) (Revenue/Summary)", Int64(total["refunded"]?.stringValue ?? ""), model.refunded)
    }

    func checkShares(_ response: CallResponse, _ amount: Int64) throws {
        let shares = RevenueWorld.shares(response.object)
        try same("sum of the shares \(shares)", shares.values.reduce(0, +), amount)
    }

    /// Usually an item with the status a step wants (so that most calls can succeed), sometimes any.
    mutating func pickOrder(preferring statuses: Set<String>, kind: String? = nil, outstanding: Bool = false) -> Int {
        let fitting = model.orders.indices.filter {
            let o = model.orders[$0]
            return statuses.contains(o.status) && (kind == nil || o.kind == kind) && (!outstanding || o.settled < o.amount)
        }
        if !fitting.isEmpty, rng.chance(80) { return rng.pick(fitting) }
        return rng.pick(Array(model.orders.indices))
    }

    /// A unit's allocation, or about one time in ten an appropriation (refused).
    mutating func pickAllocationToCharge() -> Int {
        let units = model.allocations.indices.filter { model.allocations[$0].parent != nil }
        if units.isEmpty || rng.chance(10) { return rng.pick(Array(model.allocations.indices)) }
        return rng.pick(units)
    }

    // MARK: Operations

    mutating func perform(_ operation: Operation) async throws {
        switch operation {
        case .openInbox, .openAccount:
            let response = try await call(world.officer, "treasury.v1.Accounts/Open", ["unit_code": .string(world.unit)])
            try expect(response, .ok)
            try same("status of the new account", response.string("status"), "ACTIVE")
            let number = response.string("account_no") ?? ""
            current += " \(number)"
            if operation == .openInbox { inbox = number } else { model.opened(number) }
        case .deposit:
            let account = rng.pick(model.accounts), amount = rng.int(Int64(1)...500_000)
            current = "Accounts/Deposit \(amount) into \(account)"
            let predicted = model.deposit(account, amount)
            let response = try await call(world.bank, "treasury.v1.Accounts/Deposit", [
                "account_no": .string(account), "amount": .money(amount), "bank_code": .string(world.bankCode), "bank_ref": .string("MB-\(UUID().uuidString)")])
            try expect(response, predicted)
            if predicted == .ok { try same("balance after the deposit", response.money("balance"), model.balances[account]) }
            try await checkBalance(account)
        case .transfer, .transferToInbox:
            try await transfer(toInbox: operation == .transferToInbox)
        case .appropriate:
            let amount = rng.int(Int64(2_000_000)...10_000_000), purpose = rng.chance(40) ? "INVESTMENT" : "RECURRENT"
            current = "Budget/Appropriate \(amount) \(purpose)"
            let predicted = model.appropriate(amount, purpose: purpose)
            let response = try await call(spending.budget, "treasury.v1.Budget/Appropriate", [
                "fiscal_year": .integer(ModelBasedTests.year), "budget_level": .string("PROVINCE"), "treasury_code": .string(world.treasury),
                "amount": .money(amount), "purpose": .string(purpose)])
            try expect(response, predicted)
            model.allocations[model.allocations.count - 1].id = response.string("allocation_id") ?? ""
            try await checkFigures(model.allocations.count - 1)
        case .allocate:
            let roots = model.allocations.indices.filter { model.allocations[$0].parent == nil }
            let parent = rng.pick(roots), amount = rng.amount(upTo: model.allocations[parent].available)
            current = "Budget/Allocate \(amount) from \(model.allocations[parent].id)"
            let predicted = model.allocate(parent: parent, amount)
            let response = try await call(spending.budget, "treasury.v1.Budget/Allocate", [
                "parent_id": .string(model.allocations[parent].id), "unit_code": .string(world.unit), "chapter": .string("422"),
                "sector": .string("341"), "amount": .money(amount)])
            try expect(response, predicted)
            if predicted == .ok {
                model.allocations[model.allocations.count - 1].id = response.string("allocation_id") ?? ""
                try await checkFigures(model.allocations.count - 1)
            }
            try await checkFigures(parent)
        case .adjust:
            try await adjust()
        case .registerCommitment:
            let allocation = pickAllocationToCharge(), amount = rng.amount(upTo: model.allocations[allocation].available)
            current = "Spending/RegisterCommitment \(amount) on \(model.allocations[allocation].id)"
            let predicted = model.registerCommitment(allocation, amount)
            let response = try await call(world.accountant, "treasury.v1.Spending/RegisterCommitment", spending.commit(model.allocations[allocation].id, amount))
            try expect(response, predicted)
            if predicted == .ok {
                model.commitments[model.commitments.count - 1].id = response.string("commitment_id") ?? ""
                try same("remaining of the new commitment", response.money("remaining"), amount)
            }
            try await checkFigures(allocation)
        case .submit:
            try await submit()
        case .approve, .authorize, .reject, .cancel:
            try await decide(operation)
        case .settle:
            let order = pickOrder(preferring: ["PAID"], kind: "ADVANCE", outstanding: true)
            let o = model.orders[order], amount = rng.amount(upTo: o.amount - o.settled)
            current = "Spending/SettleAdvance \(amount) of \(o.kind) \(o.id) (\(o.status), settled \(o.settled) of \(o.amount))"
            let predicted = model.settle(order, amount)
            let response = try await call(world.accountant, "treasury.v1.Spending/SettleAdvance", [
                "order_id": .string(o.id), "amount": .money(amount), "economic_code": .string("6551")])
            try expect(response, predicted)
            if predicted == .ok { try same("outstanding after the settlement", response.money("outstanding"), o.amount - o.settled - amount) }
            try await checkOrder(order)
        case .recordCollection:
            let amount = rng.int(Int64(1)...2_000_000)
            current = "Revenue/RecordCollection \(amount)"
            let predicted = model.recordCollection(amount)
            let response = try await call(world.bank, "treasury.v1.Revenue/RecordCollection", revenue.collection(amount, collectedOn: today.description))
            try expect(response, predicted)
            if predicted == .ok {
                model.collections[model.collections.count - 1].id = response.string("collection_id") ?? ""
                try checkShares(response, amount)
            }
            try await checkRevenue()
        case .replay:
            try await replay()
        case .refund:
            let collection = rng.pick(Array(model.collections.indices))
            let c = model.collections[collection], amount = rng.amount(upTo: c.amount - c.refunded)
            current = "Revenue/Refund \(amount) of collection \(c.id) (\(c.refunded) of \(c.amount) refunded)"
            let predicted = model.refund(collection, amount)
            let response = try await call(revenue.tax, "treasury.v1.Revenue/Refund", [
                "collection_id": .string(c.id), "amount": .money(amount), "decision_no": .string("MD-\(UUID().uuidString)")])
            try expect(response, predicted)
            if predicted == .ok { try checkShares(response, amount) }
            try await checkRevenue()
        }
    }

    mutating func transfer(toInbox: Bool) async throws {
        let from = rng.pick(model.accounts)
        let to = toInbox ? rng.pick(others) : rng.pick(model.accounts.filter { $0 != from })
        let amount = rng.amount(upTo: model.balances[from] ?? 0)
        current = "Accounts/Transfer \(amount) from \(from) (\(model.balances[from] ?? 0)) to \(toInbox ? "the inbox " : "")\(to)"
        let predicted = model.transfer(from: from, to: toInbox ? nil : to, amount)
        let response = try await call(world.accountant, "treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .money(amount)])
        try expect(response, predicted)
        if predicted == .ok {
            try same("from_balance", response.money("from_balance"), model.balances[from])
            if toInbox {
                book.book(to, InboxBook.Credit(amount: amount, balanceAfter: response.money("to_balance") ?? -1, by: "client \(index) step \(step)"))
            } else {
                try same("to_balance", response.money("to_balance"), model.balances[to])
            }
        }
        try await checkBalance(from)
        if !toInbox { try await checkBalance(to) }
    }

    mutating func adjust() async throws {
        let allocation = rng.pick(Array(model.allocations.indices))
        let a = model.allocations[allocation]
        let delta = rng.chance(50)
            ? rng.amount(upTo: a.parent.map { model.allocations[$0].available } ?? 1_000_000)
            : -rng.amount(upTo: a.available)
        current = "Budget/Adjust \(a.id) by \(delta) (amount \(a.amount), available \(a.available))"
        let predicted = model.adjust(allocation, by: delta)
        let response = try await call(spending.budget, "treasury.v1.Budget/Adjust", [
            "allocation_id": .string(a.id), "delta": .money(delta), "reason": .string("model step \(step)")])
        try expect(response, predicted)
        try await checkFigures(allocation)
        if let parent = a.parent { try await checkFigures(parent) }
    }

    mutating func submit() async throws {
        let allocation = pickAllocationToCharge()
        let contracts = model.commitments.indices.filter { model.commitments[$0].allocation == allocation }
        let commitment = !contracts.isEmpty && rng.chance(50) ? rng.pick(contracts) : nil
        let kind = rng.chance(40) ? "ADVANCE" : "PAYMENT"
        let a = model.allocations[allocation], contract = commitment.map { model.commitments[$0].id }
        var limit = commitment.map { model.commitments[$0].remaining } ?? a.available
        if let commitment, kind == "ADVANCE", a.purpose == "INVESTMENT" {
            let c = model.commitments[commitment]
            limit = min(limit, c.amount * 30 / 100 - c.advances)
        }
        let amount = rng.amount(upTo: limit)
        current = "Spending/SubmitPaymentOrder \(kind) \(amount) on \(a.purpose) \(a.id)\(contract.map { " against commitment \($0)" } ?? "")"
        let predicted = model.submit(allocation, commitment: commitment, kind: kind, amount)
        let response = try await call(world.accountant, "treasury.v1.Spending/SubmitPaymentOrder",
                                      spending.order(a.id, amount, kind: kind, commitment: contract))
        try expect(response, predicted)
        if predicted == .ok {
            model.orders[model.orders.count - 1].id = response.string("order_id") ?? ""
            try same("status of the new order", response.string("status"), "SUBMITTED")
        }
        try await checkFigures(allocation)
    }

    /// Approve (officer), authorize (chief accountant), reject (officer) or cancel (unit accountant).
    mutating func decide(_ operation: Operation) async throws {
        let wanted: [Operation: (Set<String>, String)] = [
            .approve: (["SUBMITTED"], "APPROVED"), .authorize: (["APPROVED"], "PAID"),
            .reject: (["SUBMITTED", "APPROVED"], "REJECTED"), .cancel: (["SUBMITTED"], "CANCELLED")]
        let (from, to) = wanted[operation]!
        let order = pickOrder(preferring: from)
        let o = model.orders[order]
        var params: JSONObject = ["order_id": .string(o.id)]
        let predicted: Predicted, session: Session, method: String
        switch operation {
        case .approve: (predicted, session, method) = (model.approve(order), world.officer, "ApprovePaymentOrder")
        case .authorize: (predicted, session, method) = (model.authorize(order), world.chief, "AuthorizePaymentOrder")
        case .reject:
            params["reason_code"] = .string("MODEL_CHECK")
            params["note"] = .string("model step \(step)")
            (predicted, session, method) = (model.release(order, to: "REJECTED"), world.officer, "RejectPaymentOrder")
        default: (predicted, session, method) = (model.release(order, to: "CANCELLED"), world.accountant, "CancelPaymentOrder")
        }
        current = "Spending/\(method) \(o.kind) \(o.id) of \(o.amount) (\(o.status))"
        let response = try await call(session, "treasury.v1.Spending/\(method)", params)
        try expect(response, predicted)
        if predicted == .ok { try same("status", response.string("status"), to) }
        try await checkOrder(order)
    }

    // MARK: The end

    /// Every figure of the client compared with the model at once; mismatches described.
    func finalMismatches(_ environment: TestEnvironment) async throws -> [String] {
        var problems: [String] = []
        func compare<T: Equatable>(_ what: String, _ server: T?, _ model: T?) {
            if server != model { problems.append("\(what): server \(server.map { "\($0)" } ?? "nothing"), model \(model.map { "\($0)" } ?? "nothing")") }
        }
        let reported = try await balances(model.accounts + [inbox])
        for account in model.accounts { compare("balance of \(account)", reported[account], model.balances[account]) }
        compare("balance of inbox \(inbox)", reported[inbox], book.total(inbox))
        if let broken = book.brokenChain(inbox) { problems.append(broken) }
        for (index, allocation) in model.allocations.enumerated() {
            compare("figures of allocation \(allocation.id)", try await spending.figures(allocation.id), model.allocations[index].figures)
        }

        let database = try environment.database()
        func rows(_ sql: String, _ ids: [String]) throws -> [String: PostgresRow] {
            var rows: [String: PostgresRow] = [:]
            for row in try database.query(sql, [ids]).rows { if let id = row["id"] { rows[id] = row } }
            return rows
        }
        let orders = try rows("SELECT id::text AS id, status, settled FROM payment_orders WHERE id = ANY($1::text[]::bigint[])", model.orders.map(\.id))
        for order in model.orders {
            compare("status of order \(order.id)", orders[order.id]?["status"], order.status)
            compare("settled of order \(order.id)", orders[order.id]?["settled"], String(order.settled))
        }
        let commitments = try rows("SELECT id::text AS id, status, remaining FROM commitments WHERE id = ANY($1::text[]::bigint[])", model.commitments.map(\.id))
        for commitment in model.commitments {
            compare("commitment \(commitment.id)", commitments[commitment.id].map { "\($0["status"] ?? "") remaining \($0["remaining"] ?? "")" },
                    "OPEN remaining \(commitment.remaining)")
        }
        let collections = try rows(
            """
            SELECT c.id::text AS id, c.amount, (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.collection_id = c.id) AS refunded
            FROM collections c WHERE c.id = ANY($1::text[]::bigint[])
            """, model.collections.map(\.id))
        for collection in model.collections {
            compare("collection \(collection.id)", collections[collection.id].map { "\($0["amount"] ?? "") refunded \($0["refunded"] ?? "")" },
                    "\(collection.amount) refunded \(collection.refunded)")
        }

        let trial = try await world.officer.read("treasury.v1.Ledger/TrialBalance", [
            "fiscal_year": .integer(ModelBasedTests.year), "treasury_code": .string(world.treasury)])
        var ledger: [String: LedgerSide] = [:]
        for item in trial.items {
            guard let object = item.objectValue, let account = object["gl_account"]?.stringValue else { continue }
            ledger[account] = LedgerSide(debit: Int64(object["debit"]?.stringValue ?? "") ?? -1, credit: Int64(object["credit"]?.stringValue ?? "") ?? -1)
        }
        for account in Set(ledger.keys).union(model.ledger.keys).sorted() {
            compare("GL \(account) of treasury \(world.treasury) in \(ModelBasedTests.year) (Ledger/TrialBalance)", ledger[account], model.ledger[account])
        }
        return problems
    }
}

extension JSONObject {
    /// Compact params for a trace line.
    var serializedForTrace: String { JSON.object(self).serialized(sortedKeys: true) }
}
