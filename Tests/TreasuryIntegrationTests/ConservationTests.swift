import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol
import TreasuryService

/// Money is neither made nor lost under concurrent transfers.
@Suite struct ConservationTests {
    @Test func eightClientsMakingTwoHundredRandomTransfersEachConserveTheTotal() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        var accounts: [String] = []
        for _ in 0..<10 { accounts.append(try await world.account(balance: 100_000)) }
        let pool = accounts
        let outcomes = try await withThrowingTaskGroup(of: [String: Int].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: world.accountant.token, signers: world.accountant.signers)
                    var counts: [String: Int] = [:]
                    for _ in 0..<200 {
                        let from = pool.randomElement()!
                        var to = pool.randomElement()!
                        while to == from { to = pool.randomElement()! }
                        let response = try await session.mutate("treasury.v1.Accounts/Transfer", [
                            "from_account": .string(from), "to_account": .string(to), "amount": .integer(Int.random(in: 1...30_000))])
                        counts[response.reason ?? "OK", default: 0] += 1
                    }
                    return counts
                }
            }
            return try await group.reduce(into: [String: Int]()) { total, counts in total.merge(counts, uniquingKeysWith: +) }
        }
        #expect(Set(outcomes.keys).isSubset(of: ["OK", "INSUFFICIENT_FUNDS"]), "\(outcomes)")
        #expect(outcomes.values.reduce(0, +) == 1600)
        #expect((outcomes["OK"] ?? 0) > 0)
        let balances = try await world.auditor.mustRead("treasury.v1.Accounts/Balances", ["account_nos": .array(accounts.map(JSON.string))])
        let values = (balances["balances"]?.arrayValue ?? []).compactMap { Int64($0.objectValue?["balance"]?.stringValue ?? "") }
        #expect(values.count == 10)
        #expect(values.reduce(0, +) == 1_000_000)
        #expect(values.allSatisfy { $0 >= 0 })
        #expect(try Operations.verify(try environment.database()).isEmpty)
    }
}
