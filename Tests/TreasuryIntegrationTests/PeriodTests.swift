import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// Closing months, with a server whose clock is set in a year no other test posts into.
@Suite struct PeriodTests {
    @Test func monthsCloseInOrderAndNothingPostsIntoAClosedMonth() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(TreasuryTime.instant(of: TreasuryTime.LocalDate("2031-02-10")!, secondsOfDay: 10 * 3600))
        let port = try await environment.startServer(clock: clock)
        let world = try await World.make(environment, port: port)
        let name = "chief-star-\(TestEnvironment.next())"
        try await world.admin.must("treasury.v1.Admin/CreateUser", ["username": .string(name)])
        try await world.admin.must("treasury.v1.Admin/Grant", ["username": .string(name), "role": .string("CHIEF_ACCOUNTANT"), "scope": .string("*")])
        let chief = Session(connection: world.admin.connection,
                            token: try await world.admin.must("treasury.v1.Admin/IssueToken", ["username": .string(name)])["token"]?.stringValue)
        let account = try await world.account(balance: 500), other = try await world.account()

        let localChief = try await world.chief.mutate("treasury.v1.Periods/Close", ["fiscal_year": .integer(2031), "month": .integer(1)])
        #expect(localChief.reason == "OUT_OF_SCOPE", "a chief accountant of one district treasury cannot close the province ledger")
        let outOfOrder = try await chief.mutate("treasury.v1.Periods/Close", ["fiscal_year": .integer(2031), "month": .integer(2)])
        #expect(outOfOrder.reason == "PREVIOUS_PERIOD_OPEN")
        let future = try await chief.mutate("treasury.v1.Periods/Close", ["fiscal_year": .integer(2031), "month": .integer(3)])
        #expect(future.reason == "PERIOD_NOT_STARTED")
        try await chief.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2031), "month": .integer(1)])
        let closed = try await chief.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2031), "month": .integer(2)])
        #expect(closed["status"] == .string("CLOSED"))

        let transfer = try await world.accountant.mutate("treasury.v1.Accounts/Transfer", [
            "from_account": .string(account), "to_account": .string(other), "amount": .string("100")])
        #expect(transfer.reason == "PERIOD_CLOSED")
        #expect(try await world.balance(account) == 500)

        clock.set(TreasuryTime.instant(of: TreasuryTime.LocalDate("2031-03-02")!, secondsOfDay: 9 * 3600))
        try await world.accountant.must("treasury.v1.Accounts/Transfer", [
            "from_account": .string(account), "to_account": .string(other), "amount": .string("100")])
    }
}
