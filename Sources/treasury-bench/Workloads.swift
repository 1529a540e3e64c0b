import Foundation
import TreasuryProtocol

enum Workloads {
    static func all(_ environment: BenchEnvironment, batchSize: Int) async throws -> [Workload] {
        let accounts = try await environment.accounts(100, balance: 1_000_000_000)
        return [
            Workload(name: "Accounts/Get") { session, _, _ in
                try await session.call("treasury.v1.Accounts/Get", ["account_no": .string(accounts.randomElement()!)], mutating: false).error == nil
            },
            Workload(name: "Accounts/Transfer (spread)") { session, _, _ in
                let from = accounts.randomElement()!
                var to = accounts.randomElement()!
                while to == from { to = accounts.randomElement()! }
                return try await session.call("treasury.v1.Accounts/Transfer", [
                    "from_account": .string(from), "to_account": .string(to), "amount": .integer(1)], mutating: true).error == nil
            },
        ]
    }
}
