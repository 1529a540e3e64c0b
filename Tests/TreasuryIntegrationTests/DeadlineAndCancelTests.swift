import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol

/// Deadlines and cancellation roll the call's transaction back.
@Suite struct DeadlineAndCancelTests {
    /// Holds the account row locked from outside the service until `release` is called.
    func lockAccount(_ environment: TestEnvironment, _ account: String) throws -> PostgresConnection {
        let connection = try environment.database()
        try connection.query("BEGIN")
        try connection.query("SELECT 1 FROM accounts WHERE account_no = $1 FOR UPDATE", [account])
        return connection
    }

    @Test func aCallPastItsDeadlineAnswersDeadlineExceededAndChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let lock = try lockAccount(environment, from)
        let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .string("100")], deadlineMs: 300)
        try lock.query("ROLLBACK")
        #expect(response.code == "DEADLINE_EXCEEDED")
        #expect(try await world.balance(from) == 1_000)
        #expect(try await world.balance(to) == 0)
    }

    @Test func aCancelledCallAnswersCancelledAndChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let lock = try lockAccount(environment, from)
        let id = CallID.string("cancel-me-\(UUID())")
        async let response = world.accountant.connection.call("treasury.v1.Accounts/Transfer",
            params: ["from_account": .string(from), "to_account": .string(to), "amount": .string("100")],
            metadata: world.accountant.metadata(key: UUID().uuidString), id: id)
        try await Task.sleep(for: .milliseconds(300))
        try await world.accountant.connection.cancel(id: id)
        let answer = try await response
        try lock.query("ROLLBACK")
        #expect(answer.code == "CANCELLED")
        #expect(try await world.balance(from) == 1_000)
    }
}
