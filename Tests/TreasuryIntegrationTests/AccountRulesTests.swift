import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// Every Accounts reason over TCP, each with proof that nothing changed.
@Suite struct AccountRulesTests {
    @Test func aTransferBeyondTheBalanceIsRefusedWithInsufficientFundsAndMovesNothing() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 100_000), to = try await world.account()
        let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .string("250000")])
        #expect(response.code == "FAILED_PRECONDITION")
        #expect(response.reason == "INSUFFICIENT_FUNDS")
        #expect(response.error?.details?["balance"] == .string("100000"))
        #expect(try await world.balance(from) == 100_000)
        #expect(try await world.balance(to) == 0)
    }

    @Test func aFrozenAccountTakesNoDebitAndNoCreditUntilUnfrozen() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let frozen = try await world.account(balance: 5_000), other = try await world.account(balance: 5_000)
        let freeze = try await world.officer.must("treasury.v1.Accounts/Freeze", ["account_no": .string(frozen), "reason": .string("court order")])
        #expect(freeze["status"] == .string("FROZEN"))
        #expect(freeze["dossier_id"] != nil)
        for (from, to) in [(frozen, other), (other, frozen)] {
            let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
                "from_account": .string(from), "to_account": .string(to), "amount": .string("10")])
            #expect(response.reason == "ACCOUNT_NOT_ACTIVE")
        }
        let deposit = try await world.bank.mutate("treasury.v1.Accounts/Deposit", [
            "account_no": .string(frozen), "amount": .string("10"), "bank_code": .string("VCB"), "bank_ref": .string("F-\(UUID())")])
        #expect(deposit.reason == "ACCOUNT_NOT_ACTIVE")
        #expect(try await world.balance(frozen) == 5_000)
        #expect(try await world.balance(other) == 5_000)
        let again = try await world.officer.mutate("treasury.v1.Accounts/Freeze", ["account_no": .string(frozen), "reason": .string("twice")])
        #expect(again.reason == "INVALID_STATUS")
        try await world.officer.must("treasury.v1.Accounts/Unfreeze", ["account_no": .string(frozen)])
        try await world.accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(frozen), "to_account": .string(other), "amount": .string("10")])
    }

    @Test func accountsInDifferentCurrenciesCannotTransferToEachOther() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let vnd = try await world.account(balance: 1_000), usd = try await world.account(currency: "USD")
        let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(vnd), "to_account": .string(usd), "amount": .string("10")])
        #expect(response.reason == "CURRENCY_MISMATCH")
        #expect(try await world.balance(vnd) == 1_000)
    }

    @Test func theSameAccountTwiceIsAnInvalidArgument() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let account = try await world.account(balance: 1_000)
        let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(account), "to_account": .string(account), "amount": .string("10")])
        #expect(response.code == "INVALID_ARGUMENT")
        #expect(response.error?.details?["field"] == .string("params.to_account"))
    }

    @Test func unknownAccountsAreNotFound() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let account = try await world.account(balance: 1_000)
        let toMissing = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(account), "to_account": .string("3711999999"), "amount": .string("10")])
        #expect(toMissing.code == "NOT_FOUND")
        #expect(toMissing.reason == "ACCOUNT_NOT_FOUND")
        let get = try await world.officer.read("treasury.v1.Accounts/Get", ["account_no": .string("3711999998")])
        #expect(get.code == "NOT_FOUND")
        #expect(try await world.balance(account) == 1_000)
    }

    @Test func onlyAnEmptyAccountCloses() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let account = try await world.account(balance: 700), sink = try await world.account()
        let refused = try await world.officer.mutate("treasury.v1.Accounts/Close", ["account_no": .string(account)])
        #expect(refused.reason == "ACCOUNT_NOT_EMPTY")
        try await world.accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(account), "to_account": .string(sink), "amount": .string("700")])
        let closed = try await world.officer.must("treasury.v1.Accounts/Close", ["account_no": .string(account)])
        #expect(closed["status"] == .string("CLOSED"))
        let reopen = try await world.officer.mutate("treasury.v1.Accounts/Unfreeze", ["account_no": .string(account)])
        #expect(reopen.reason == "INVALID_STATUS")
        #expect(reopen.error?.details?["status"] == .string("CLOSED"))
    }

    @Test func aBankReferenceReplayedWithTheSameContentReturnsTheFirstResultAndOtherContentIsRefused() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let account = try await world.account()
        let params: JSONObject = ["account_no": .string(account), "amount": .string("5000"), "bank_code": .string("VCB"), "bank_ref": .string("DUP-\(UUID())")]
        let first = try await world.bank.must("treasury.v1.Accounts/Deposit", params)
        let replay = try await world.bank.must("treasury.v1.Accounts/Deposit", params)
        #expect(replay == first)
        var changed = params
        changed["amount"] = .string("6000")
        let conflict = try await world.bank.mutate("treasury.v1.Accounts/Deposit", changed)
        #expect(conflict.code == "ALREADY_EXISTS")
        #expect(conflict.reason == "DUPLICATE_BANK_REF")
        #expect(try await world.balance(account) == 5_000)
    }

    /// Concurrent deposits of one bank reference under different idempotency keys: the business
    /// key decides, never a unique-index error (INTERNAL) and never money posted twice.
    @Test func concurrentDepositsOfOneBankReferenceRecordItOnceAndAnswerTheOthersAsTheBusinessKeySays() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let first = try await world.account(), second = try await world.account()
        let reference = "RACE-\(UUID())"
        let responses = try await withThrowingTaskGroup(of: (String, CallResponse).self) { group in
            for index in 0..<12 {
                let account = index % 2 == 0 ? first : second
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: world.bank.token)
                    return (account, try await session.mutate("treasury.v1.Accounts/Deposit", [
                        "account_no": .string(account), "amount": .string("700"), "bank_code": .string("VCB"), "bank_ref": .string(reference)]))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.allSatisfy { $0.1.error == nil || $0.1.reason == "DUPLICATE_BANK_REF" },
                "\(responses.compactMap { $0.1.error.map { "\($0)" } })")
        let winners = Set(responses.filter { $0.1.error == nil }.map(\.0))
        #expect(winners.count == 1, "one account got the reference; the same content replays, other content is refused")
        let results = responses.compactMap { $0.1.error == nil ? $0.1.result?.objectValue : nil }
        #expect(results.allSatisfy { $0 == results.first }, "every success is the first deposit's result")
        #expect(try await world.balance(first) + world.balance(second) == 700)
    }

    @Test func balancesReadManyAccountsInOneSnapshot() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let a = try await world.account(balance: 11), b = try await world.account(balance: 22)
        let result = try await world.auditor.mustRead("treasury.v1.Accounts/Balances", ["account_nos": .array([.string(a), .string(b)])])
        #expect(result["balances"] == .array([.object(["account_no": .string(a), "balance": .string("11")]),
                                              .object(["account_no": .string(b), "balance": .string("22")])]))
        #expect(result["as_of"] != nil)
    }

    @Test func badAmountsAreRefusedWithTheRightCodeAndChangeNothing() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let cases: [(JSON, String, String)] = [
            (.string("12.5"), "INVALID_ARGUMENT", "FIELD_INVALID"), (.string("-5"), "INVALID_ARGUMENT", "FIELD_INVALID"),
            (.string("0"), "INVALID_ARGUMENT", "FIELD_INVALID"), (.number("1e3"), "INVALID_ARGUMENT", "FIELD_INVALID"),
            (.string("+5"), "INVALID_ARGUMENT", "FIELD_INVALID"), (.string("1000000000000000001"), "OUT_OF_RANGE", "AMOUNT_OUT_OF_RANGE"),
            (.bool(true), "INVALID_ARGUMENT", "FIELD_INVALID"),
        ]
        for (amount, code, reason) in cases {
            let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
                "from_account": .string(from), "to_account": .string(to), "amount": amount])
            #expect(response.code == code, "amount \(amount.serialized())")
            #expect(response.reason == reason, "amount \(amount.serialized())")
            #expect(response.error?.details?["field"] == .string("params.amount"))
        }
        let missing = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", ["from_account": .string(from), "to_account": .string(to)])
        #expect(missing.reason == "FIELD_REQUIRED")
        let unknown = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .string("1"), "amonut": .string("1")])
        #expect(unknown.reason == "UNKNOWN_FIELD")
        #expect(unknown.error?.details?["field"] == .string("params.amonut"))
        #expect(try await world.balance(from) == 1_000)
    }
}
