import Foundation
import Synchronization

/// SplitMix64 (Steele, Lea, Flood 2014): a small generator whose sequence depends only on its
/// seed, on every platform and toolchain, so a seed replays a run. Ranges are drawn with its
/// own arithmetic, not the standard library's (whose algorithm may change between releases).
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range` (both ends included).
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        guard span != 0 else { return Int64(bitPattern: next()) }
        return range.lowerBound + Int64(next().multipliedFullWidth(by: span).high)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int(int(Int64(range.lowerBound)...Int64(range.upperBound))) }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// One of `weighted`'s values, each as likely as its weight.
    mutating func pick<T>(weighted: [(T, Int)]) -> T {
        var roll = int(0...(weighted.map(\.1).reduce(0, +) - 1))
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }

    /// A positive amount that exceeds `limit` about one time in five, so that refusals for want
    /// of money are drawn as well as successes; one time in ten exactly `limit` and one in
    /// twenty `limit + 1`, the boundaries where an off-by-one would hide.
    mutating func amount(upTo limit: Int64) -> Int64 {
        let roll = int(0...99)
        if roll < 10, limit > 0 { return limit }
        if roll < 15 { return max(limit + 1, 1) }
        return int(1...max(limit + limit / 5, 1_000))
    }

    /// The run's seed: TREASURY_MODEL_SEED (decimal, 0x-hex, or `random` for a fresh one), else a fixed default.
    static func seedFromEnvironment(default fixed: UInt64) -> UInt64 {
        guard let text = ProcessInfo.processInfo.environment["TREASURY_MODEL_SEED"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return fixed
        }
        if text == "random" { return UInt64.random(in: 0...UInt64.max) }
        if text.lowercased().hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return UInt64(text) ?? fixed
    }
}

/// What the model says a call must answer: success, or a refusal with this reason.
enum Predicted: Equatable, CustomStringConvertible, Sendable {
    case ok
    case refused(String)

    var description: String {
        switch self {
        case .ok: "success"
        case .refused(let reason): reason
        }
    }
}

/// Debit and credit totals of one GL account.
struct LedgerSide: Equatable, Sendable, CustomStringConvertible {
    var debit: Int64 = 0
    var credit: Int64 = 0
    var description: String { "Dr \(debit) Cr \(credit)" }
}

/// One client's part of the treasury as the rules say it must be, written from the rules
/// (docs/spending.md, the schema's comments), never from what the server answers; only the
/// identifiers the server makes are copied in. Each method predicts a call's outcome in the
/// order the server checks, and applies its effects when the prediction is success.
struct LedgerModel: Sendable {
    struct Allocation: Sendable {
        var id = ""
        var parent: Int?
        var purpose: String
        var amount: Int64
        var subAllocated: Int64 = 0
        var committed: Int64 = 0
        var pending: Int64 = 0
        var spent: Int64 = 0
        var advanced: Int64 = 0

        var available: Int64 { amount - subAllocated - committed - pending - spent - advanced }
        var figures: Figures {
            Figures(amount: amount, subAllocated: subAllocated, committed: committed, pending: pending, spent: spent, advanced: advanced,
                    available: available)
        }
    }

    struct Commitment: Sendable {
        var id = ""
        var allocation: Int
        var amount: Int64
        var remaining: Int64
        /// Advances against it that are submitted, approved or paid (the 30% rule of investment contracts).
        var advances: Int64 = 0
    }

    struct Order: Sendable {
        var id = ""
        var allocation: Int
        var commitment: Int?
        var kind: String
        var amount: Int64
        var status = "SUBMITTED"
        var settled: Int64 = 0
    }

    struct Collection: Sendable {
        var id = ""
        var amount: Int64
        var refunded: Int64 = 0
    }

    /// The client's own accounts (only it debits or credits them) in opening order, and their balances.
    var accounts: [String] = []
    var balances: [String: Int64] = [:]
    var allocations: [Allocation] = []
    var commitments: [Commitment] = []
    var orders: [Order] = []
    var collections: [Collection] = []
    /// GL totals of the entries posted in the client's treasury.
    var ledger: [String: LedgerSide] = [:]
    /// Whether the month the server's clock is in is closed (set between segments, never during one).
    var periodClosed = false

    var collected: Int64 { collections.map(\.amount).reduce(0, +) }
    var refunded: Int64 { collections.map(\.refunded).reduce(0, +) }

    private mutating func post(debit: String, credit: String, _ amount: Int64) {
        ledger[debit, default: LedgerSide()].debit += amount
        ledger[credit, default: LedgerSide()].credit += amount
    }

    // MARK: Accounts

    mutating func opened(_ account: String) {
        accounts.append(account)
        balances[account] = 0
    }

    mutating func deposit(_ account: String, _ amount: Int64) -> Predicted {
        if periodClosed { return .refused("PERIOD_CLOSED") }
        balances[account, default: 0] += amount
        post(debit: "1130", credit: "3711", amount)
        return .ok
    }

    /// A transfer from one of the client's accounts to another of its own (`to`) or to another
    /// client's inbox (`to` nil: the inbox's owner books the credit once the server confirms it).
    /// The schema decides both refusals: the entry's date (period_closed) before its lines' balances.
    mutating func transfer(from: String, to: String?, _ amount: Int64) -> Predicted {
        if periodClosed { return .refused("PERIOD_CLOSED") }
        if balances[from, default: 0] < amount { return .refused("INSUFFICIENT_FUNDS") }
        balances[from, default: 0] -= amount
        if let to { balances[to, default: 0] += amount }
        post(debit: "3711", credit: "3711", amount)
        return .ok
    }

    // MARK: Budget

    mutating func appropriate(_ amount: Int64, purpose: String) -> Predicted {
        allocations.append(Allocation(parent: nil, purpose: purpose, amount: amount))
        return .ok
    }

    mutating func allocate(parent: Int, _ amount: Int64) -> Predicted {
        if allocations[parent].available < amount { return .refused("INSUFFICIENT_ALLOCATION") }
        allocations[parent].subAllocated += amount
        allocations.append(Allocation(parent: parent, purpose: allocations[parent].purpose, amount: amount))
        return .ok
    }

    /// A raise draws on the parent's available; a cut must leave the allocation a positive
    /// amount and cannot take what is used; the parent's sub_allocated follows the child.
    mutating func adjust(_ index: Int, by delta: Int64) -> Predicted {
        let allocation = allocations[index]
        if delta < 0, allocation.available < -delta || allocation.amount + delta <= 0 { return .refused("INSUFFICIENT_ALLOCATION") }
        if delta > 0, let parent = allocation.parent, allocations[parent].available < delta { return .refused("INSUFFICIENT_ALLOCATION") }
        allocations[index].amount += delta
        if let parent = allocation.parent { allocations[parent].subAllocated += delta }
        return .ok
    }

    // MARK: Spending

    /// The unit accountant's scope is its unit; an appropriation has none, so the scope check
    /// refuses charging one (OUT_OF_SCOPE) before the method could say NOT_A_UNIT_ALLOCATION.
    static let appropriationCharged = Predicted.refused("OUT_OF_SCOPE")

    mutating func registerCommitment(_ allocation: Int, _ amount: Int64) -> Predicted {
        if allocations[allocation].parent == nil { return Self.appropriationCharged }
        if allocations[allocation].available < amount { return .refused("INSUFFICIENT_ALLOCATION") }
        allocations[allocation].committed += amount
        commitments.append(Commitment(allocation: allocation, amount: amount, remaining: amount))
        return .ok
    }

    mutating func submit(_ allocation: Int, commitment: Int?, kind: String, _ amount: Int64) -> Predicted {
        if allocations[allocation].parent == nil { return Self.appropriationCharged }
        let investment = allocations[allocation].purpose == "INVESTMENT"
        if let commitment {
            let contract = commitments[commitment]
            if amount > contract.remaining { return .refused("COMMITMENT_EXCEEDED") }
            if kind == "ADVANCE", investment, (contract.advances + amount) * 100 > contract.amount * 30 { return .refused("ADVANCE_LIMIT_EXCEEDED") }
        } else if kind == "ADVANCE", investment {
            return .refused("COMMITMENT_REQUIRED")
        }
        if periodClosed { return .refused("PERIOD_CLOSED") }
        if commitment == nil, allocations[allocation].available < amount { return .refused("INSUFFICIENT_ALLOCATION") }
        if let commitment {
            commitments[commitment].remaining -= amount
            allocations[allocation].committed -= amount
            if kind == "ADVANCE" { commitments[commitment].advances += amount }
        }
        allocations[allocation].pending += amount
        orders.append(Order(allocation: allocation, commitment: commitment, kind: kind, amount: amount))
        return .ok
    }

    mutating func approve(_ order: Int) -> Predicted {
        if orders[order].status != "SUBMITTED" { return .refused("INVALID_STATUS") }
        orders[order].status = "APPROVED"
        return .ok
    }

    mutating func authorize(_ order: Int) -> Predicted {
        if orders[order].status != "APPROVED" { return .refused("INVALID_STATUS") }
        if periodClosed { return .refused("PERIOD_CLOSED") }
        let o = orders[order]
        orders[order].status = "PAID"
        allocations[o.allocation].pending -= o.amount
        if o.kind == "ADVANCE" {
            allocations[o.allocation].advanced += o.amount
            post(debit: "1310", credit: "1110", o.amount)
        } else {
            allocations[o.allocation].spent += o.amount
            post(debit: "8111", credit: "1110", o.amount)
        }
        return .ok
    }

    /// Reject (from SUBMITTED or APPROVED) and cancel (from SUBMITTED) give the reservation
    /// back: to the commitment it was taken from, else to available.
    mutating func release(_ order: Int, to status: String) -> Predicted {
        let allowed: Set<String> = status == "REJECTED" ? ["SUBMITTED", "APPROVED"] : ["SUBMITTED"]
        if !allowed.contains(orders[order].status) { return .refused("INVALID_STATUS") }
        let o = orders[order]
        orders[order].status = status
        allocations[o.allocation].pending -= o.amount
        if let commitment = o.commitment {
            commitments[commitment].remaining += o.amount
            allocations[o.allocation].committed += o.amount
            if o.kind == "ADVANCE" { commitments[commitment].advances -= o.amount }
        }
        return .ok
    }

    mutating func settle(_ order: Int, _ amount: Int64) -> Predicted {
        let o = orders[order]
        if o.kind != "ADVANCE" || o.status != "PAID" { return .refused("INVALID_STATUS") }
        if amount > o.amount - o.settled { return .refused("ADVANCE_SETTLEMENT_EXCEEDS") }
        if periodClosed { return .refused("PERIOD_CLOSED") }
        orders[order].settled += amount
        allocations[o.allocation].advanced -= amount
        allocations[o.allocation].spent += amount
        post(debit: "8111", credit: "1310", amount)
        return .ok
    }

    // MARK: Revenue

    mutating func recordCollection(_ amount: Int64) -> Predicted {
        if periodClosed { return .refused("PERIOD_CLOSED") }
        collections.append(Collection(amount: amount))
        post(debit: "1130", credit: "7111", amount)
        return .ok
    }

    mutating func refund(_ collection: Int, _ amount: Int64) -> Predicted {
        if collections[collection].refunded + amount > collections[collection].amount { return .refused("REFUND_EXCEEDS_COLLECTION") }
        if periodClosed { return .refused("PERIOD_CLOSED") }
        collections[collection].refunded += amount
        post(debit: "7111", credit: "1130", amount)
        return .ok
    }
}

/// The province ledger's months: they close in order, not before they start, once.
struct PeriodModel: Sendable {
    let year: Int
    var month: Int
    var closed: Set<Int> = []

    mutating func close(_ month: Int) -> Predicted {
        if month > self.month { return .refused("PERIOD_NOT_STARTED") }
        if closed.contains(month) { return .refused("PERIOD_ALREADY_CLOSED") }
        if month > 1, !closed.contains(month - 1) { return .refused("PREVIOUS_PERIOD_OPEN") }
        closed.insert(month)
        return .ok
    }

    var currentIsClosed: Bool { closed.contains(month) }
}

/// Credits into the clients' inboxes, booked under a lock once the server confirmed each
/// transfer: the only state clients share. An inbox is never debited, so ordering its credits
/// by the balance the server reported after each must give a chain where every balance is the
/// previous one plus that credit: the transfers were applied one at a time, none lost or doubled.
final class InboxBook: Sendable {
    struct Credit: Sendable {
        var amount: Int64
        var balanceAfter: Int64
        var by: String
    }

    private let credits = Mutex<[String: [Credit]]>([:])

    func book(_ inbox: String, _ credit: Credit) {
        credits.withLock { $0[inbox, default: []].append(credit) }
    }

    func total(_ inbox: String) -> Int64 {
        credits.withLock { ($0[inbox] ?? []).map(\.amount).reduce(0, +) }
    }

    /// The first credit of `inbox` that breaks the chain, described; nil when it holds.
    func brokenChain(_ inbox: String) -> String? {
        let ordered = credits.withLock { ($0[inbox] ?? []).sorted { $0.balanceAfter < $1.balanceAfter } }
        var balance: Int64 = 0
        for credit in ordered {
            guard credit.balanceAfter == balance + credit.amount else {
                return "inbox \(inbox): after \(balance) a credit of \(credit.amount) (\(credit.by)) was reported as \(credit.balanceAfter)"
            }
            balance = credit.balanceAfter
        }
        return nil
    }
}
