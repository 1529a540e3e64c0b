import Foundation
import TreasuryProtocol

enum Workloads {
    static func all(_ environment: BenchEnvironment, batchSize: Int) async throws -> [Workload] {
        let accounts = try await environment.accounts(100, balance: 1_000_000_000)
        let areas = try await environment.revenueSetup(areas: 8)
        /// One collection of the province: `area` decides which sharing rule and area segment it takes.
        @Sendable func collection(_ client: Int, _ iteration: Int, _ index: Int, area: String) -> JSON {
            .object([
                "bank_code": .string("VCB"), "bank_ref": .string("BENCH-\(client)-\(iteration)-\(index)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"),
                "collected_on": .string(environment.today), "payer": .object(["name": .string("Taxpayer \(client)"), "tax_id": .string("0100109106")]),
                "chapter": .string("557"), "economic_code": .string("1001"), "area_code": .string(area),
                "treasury_code": .string(environment.treasury), "amount": .integer(Int.random(in: 10_000...5_000_000)),
            ])
        }
        return [
            Workload(name: "Revenue/RecordCollection (spread)") { session, client, iteration in
                let item = collection(client, iteration, 0, area: areas.randomElement()!).objectValue!
                return try await session.call("treasury.v1.Revenue/RecordCollection", item, mutating: true).error == nil
            },
            Workload(name: "Revenue/RecordCollection (hot: one province and area)") { session, client, iteration in
                let item = collection(client, iteration, 0, area: areas[0]).objectValue!
                return try await session.call("treasury.v1.Revenue/RecordCollection", item, mutating: true).error == nil
            },
            // The floor of the stack: TCP, the line protocol, dispatch and one `SELECT 1` on a
            // pooled connection. No write path can answer faster than this.
            Workload(name: "Health/Check (floor: SELECT 1)") { session, _, _ in
                try await session.call("grpc.health.v1.Health/Check", [:], mutating: false).result?.objectValue?["status"]?.stringValue == "SERVING"
            },
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
            Workload(name: "Revenue/RecordCollections (\(batchSize) per call)", unitsPerOperation: batchSize) { session, client, iteration in
                let items = (0..<batchSize).map { collection(client, iteration, $0, area: areas.randomElement()!) }
                let response = try await session.call("treasury.v1.Revenue/RecordCollections", ["collections": .array(items)], mutating: true)
                let failed = response.result?.objectValue?["results"]?.arrayValue?.contains { $0.objectValue?["error"] != nil } ?? true
                return response.error == nil && !failed
            },
        ]
    }
}
