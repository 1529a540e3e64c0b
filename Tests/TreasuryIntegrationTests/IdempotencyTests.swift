import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// Idempotency keys: replay byte for byte, reuse with other params, concurrency.
@Suite struct IdempotencyTests {
    @Test func aRepeatedCallWithTheSameKeyReplaysTheFirstAnswerByteForByte() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let params: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string("300")]
        let key = UUID().uuidString
        let first = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        let second = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        #expect(first.error == nil)
        #expect(first.terminalLine.split(separator: ",", maxSplits: 1).last == second.terminalLine.split(separator: ",", maxSplits: 1).last)
        #expect(first.result == second.result)
        #expect(try await world.balance(from) == 700)
    }

    @Test func aStoredBusinessRefusalIsReplayedToo() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 10), to = try await world.account()
        let params: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string("300")]
        let key = UUID().uuidString
        let first = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        #expect(first.reason == "INSUFFICIENT_FUNDS")
        try await world.deposit(from, 1_000)
        let second = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        #expect(second.reason == "INSUFFICIENT_FUNDS", "the first outcome is replayed, not re-decided")
        #expect(try await world.balance(from) == 1_010)
    }

    /// Transfer decides its scope in the same flush as the replay lookup: a stored outcome is
    /// still answered only to a caller whose grants cover the account (PROTOCOL.md).
    @Test func aStoredOutcomeIsNotReplayedOnceTheCallersGrantsNoLongerCoverTheAccount() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let params: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string("300")]
        let key = UUID().uuidString
        let first = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        #expect(first.error == nil)
        // World names its accountant unit_accountant-<n>, its unit 9<n, six digits>.
        let accountant = "unit_accountant-\(Int(world.unit.dropFirst())!)"
        try await world.admin.must("treasury.v1.Admin/Grant", [
            "username": .string(accountant), "role": .string("UNIT_ACCOUNTANT"), "scope": .string("U:0000000")])
        try await world.admin.must("treasury.v1.Admin/Revoke", [
            "username": .string(accountant), "role": .string("UNIT_ACCOUNTANT"), "scope": .string("U:\(world.unit)")])
        let second = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", params, key: key)
        #expect(second.code == "PERMISSION_DENIED")
        #expect(second.reason == "OUT_OF_SCOPE")
        #expect(try await world.balance(from) == 700)
        #expect(try await world.balance(to) == 300)
    }

    @Test func aKeyReusedWithOtherParamsIsRefusedAndHasNoEffect() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let key = UUID().uuidString
        _ = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", ["from_account": .string(from), "to_account": .string(to), "amount": .string("100")], key: key)
        let reused = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", ["from_account": .string(from), "to_account": .string(to), "amount": .string("200")], key: key)
        #expect(reused.code == "ALREADY_EXISTS")
        #expect(reused.reason == "IDEMPOTENCY_KEY_REUSED")
        #expect(try await world.balance(from) == 900)
    }

    @Test func aMutatingCallWithoutAKeyIsRefused() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let response = try await world.accountant.read("treasury.v1.Accounts/Transfer", ["from_account": .string(from), "to_account": .string(to), "amount": .string("100")])
        #expect(response.code == "INVALID_ARGUMENT")
        #expect(response.reason == "IDEMPOTENCY_KEY_REQUIRED")
        #expect(try await world.balance(from) == 1_000)
    }

    @Test func twentyConcurrentCallsWithOneKeyHaveOneEffect() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let account = try await world.account()
        let key = UUID().uuidString
        let params: JSONObject = ["account_no": .string(account), "amount": .string("1000"), "bank_code": .string("VCB"), "bank_ref": .string("C-\(UUID())")]
        let responses = try await withThrowingTaskGroup(of: CallResponse.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: world.bank.token)
                    return try await session.mutate("treasury.v1.Accounts/Deposit", params, key: key)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let results = responses.filter { $0.error == nil }
        #expect(!results.isEmpty)
        #expect(Set(results.map { $0.result?.serialized() ?? "" }).count == 1, "every replay is the first answer")
        #expect(responses.allSatisfy { $0.error == nil || $0.reason == "IN_PROGRESS" })
        #expect(try await world.balance(account) == 1_000)
    }
}
