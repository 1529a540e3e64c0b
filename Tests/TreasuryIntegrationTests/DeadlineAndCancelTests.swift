import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryProtocol

/// Deadlines and cancellation roll the call's transaction back.
@Suite struct DeadlineAndCancelTests {
    @Test func aCallPastItsDeadlineAnswersDeadlineExceededAndChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 1_000), to = try await world.account()
        // The account row is held, so the transfer can only end by its deadline (300 ms, the behaviour under test).
        let blocker = try RowBlocker(environment, account: from)
        let response = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(from), "to_account": .string(to), "amount": .string("100")], deadlineMs: 300)
        try blocker.release()
        #expect(response.code == "DEADLINE_EXCEEDED")
        #expect(try await world.balance(from) == 1_000)
        #expect(try await world.balance(to) == 0)
    }

    @Test func aCancelledCallAnswersCancelledAndChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let blocker = try RowBlocker(environment, account: from)
        let id = CallID.string("cancel-me-\(UUID())")
        async let response = world.accountant.connection.call("treasury.v1.Accounts/Transfer",
            params: ["from_account": .string(from), "to_account": .string(to), "amount": .string("100")],
            metadata: world.accountant.metadata(key: UUID().uuidString), id: id)
        // Cancel once the transfer is inside the database, waiting on the account row.
        try await waitUntil("the transfer waits on the account row") { try blocker.blockedBackends() == 1 }
        try await world.accountant.connection.cancel(id: id)
        let answer = try await response
        try blocker.release()
        #expect(answer.code == "CANCELLED")
        #expect(try await world.balance(from) == 1_000)
        #expect(try await world.balance(to) == 0)
    }
}
