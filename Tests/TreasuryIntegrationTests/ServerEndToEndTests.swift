import Foundation
import Testing
import TreasuryClient
import TreasuryProtocol

/// A newcomer's path over real TCP: health, reflection, open, deposit, transfer, statement,
/// trial balance.
@Suite struct ServerEndToEndTests {
    @Test func healthAnswersServingWithoutAToken() async throws {
        let environment = try await TestEnvironment.get()
        let session = Session(connection: try await environment.client(), token: nil)
        let response = try await session.read("grpc.health.v1.Health/Check")
        #expect(response.string("status") == "SERVING")
    }

    @Test func reflectionListsEveryMethodWithSchemasRolesAndReasons() async throws {
        let environment = try await TestEnvironment.get()
        let session = Session(connection: try await environment.client(), token: environment.adminToken)
        let methods = try await session.mustRead("treasury.v1.Reflection/ListMethods", [:])["methods"]?.arrayValue ?? []
        let byName = Dictionary(uniqueKeysWithValues: methods.compactMap(\.objectValue).map { ($0["name"]?.stringValue ?? "", $0) })
        for name in ["grpc.health.v1.Health/Check", "treasury.v1.Reflection/ListMethods", "treasury.v1.Accounts/Transfer",
                     "treasury.v1.Accounts/Statement", "treasury.v1.Ledger/TrialBalance", "treasury.v1.Periods/Close",
                     "treasury.v1.Dossiers/List", "treasury.v1.Admin/IssueToken", "treasury.v1.Reference/List"] {
            #expect(byName[name] != nil, "reflection lists \(name)")
        }
        let transfer = byName["treasury.v1.Accounts/Transfer"]
        #expect(transfer?["mutating"] == .bool(true))
        #expect(transfer?["streaming"] == .bool(false))
        #expect(transfer?["reasons"]?.arrayValue?.contains(.string("INSUFFICIENT_FUNDS")) == true)
        #expect(transfer?["params"]?.objectValue?["required"]?.arrayValue?.contains(.string("amount")) == true)
        #expect(byName["treasury.v1.Accounts/Statement"]?["streaming"] == .bool(true))
        let batch = byName["treasury.v1.Revenue/RecordCollections"]?["params"]?.objectValue?["properties"]?.objectValue?["collections"]?.objectValue
        #expect(batch?["maxItems"] == .integer(10000))
        #expect(batch?["items"]?.objectValue?["required"]?.arrayValue?.contains(.string("amount")) == true, "the batch publishes its item schema")
        #expect(byName["treasury.v1.Revenue/RecordCollections"]?["reasons"]?.arrayValue?.contains(.string("BATCH_TOO_LARGE")) == true)
        // Every reason any method lists is one of the registry's (TreasuryProtocol's Reasons).
        let unregistered = methods.compactMap(\.objectValue).flatMap { method in
            (method["reasons"]?.arrayValue ?? []).compactMap(\.stringValue).filter { Reasons.codes[$0] == nil }
                .map { "\(method["name"]?.stringValue ?? "?"): \($0)" }
        }
        #expect(unregistered.isEmpty, "\(unregistered)")
    }

    @Test func aNewcomerOpensDepositsTransfersAndReadsTheStatementAndTrialBalance() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let first = try await world.account(), second = try await world.account()
        let deposit = try await world.bank.must("treasury.v1.Accounts/Deposit", [
            "account_no": .string(first), "amount": .string("1000000"), "bank_code": .string("VCB"), "bank_ref": .string("E2E-\(UUID())")])
        #expect(deposit["balance"] == .string("1000000"))
        let transfer = try await world.accountant.must("treasury.v1.Accounts/Transfer", [
            "from_account": .string(first), "to_account": .string(second), "amount": .integer(250_000), "memo": .string("books")])
        #expect(transfer["from_balance"] == .string("750000"))
        #expect(transfer["to_balance"] == .string("250000"))

        let statement = try await world.accountant.read("treasury.v1.Accounts/Statement", ["account_no": .string(first)])
        #expect(statement.items.count == 2)
        #expect(statement.items.map { $0.objectValue?["amount"] } == [.string("1000000"), .string("-250000")])
        #expect(statement.items.last?.objectValue?["balance_after"] == .string("750000"))
        #expect(statement.object["count"] == .integer(2))

        let entry = try await world.auditor.mustRead("treasury.v1.Ledger/GetEntry", ["entry_id": transfer["entry_id"] ?? .null])
        #expect(entry["lines"]?.arrayValue?.count == 2)

        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 7 * 3600)!, from: Date()).year!
        let trial = try await world.auditor.read("treasury.v1.Ledger/TrialBalance", ["fiscal_year": .integer(year), "treasury_code": .string(world.treasury)])
        #expect(trial.error == nil, "\(trial.terminalLine)")
        #expect(trial.object["total_debit"] == .string("1250000"))
        #expect(trial.object["total_credit"] == .string("1250000"))
        let byAccount = Dictionary(uniqueKeysWithValues: trial.items.compactMap(\.objectValue).map { ($0["gl_account"]?.stringValue ?? "", $0) })
        #expect(byAccount["1130"]?["debit"] == .string("1000000"))
        #expect(byAccount["3711"]?["credit"] == .string("1250000"))
        #expect(byAccount["3711"]?["debit"] == .string("250000"))
    }

    @Test func anAccountAUnitAsksForIsPendingUntilAnOfficerApprovesIt() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let opened = try await world.accountant.must("treasury.v1.Accounts/Open", ["unit_code": .string(world.unit)])
        #expect(opened["status"] == .string("PENDING"))
        let number = opened["account_no"] ?? .null
        let dossier = try await world.accountant.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": opened["dossier_id"] ?? .null])
        #expect(dossier["status"] == .string("RECEIVED"))
        #expect(dossier["procedure"] == .string("ACCOUNT_OPEN"))
        let approved = try await world.officer.must("treasury.v1.Accounts/Approve", ["account_no": number])
        #expect(approved["status"] == .string("ACTIVE"))
        let after = try await world.accountant.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": opened["dossier_id"] ?? .null])
        #expect(after["status"] == .string("COMPLETED"))
        let again = try await world.officer.mutate("treasury.v1.Accounts/Approve", ["account_no": number])
        #expect(again.reason == "INVALID_STATUS")
        #expect(again.error?.details?["status"] == .string("ACTIVE"))
    }
}
