import Foundation
import Testing
import TreasuryDomain
import TreasuryProtocol

/// `treasury accounts reconcile` and `confirm-reconciliation` against the real server.
extension CLITests {
    @Test func theCLIReconcilesABalanceAndConfirmsItWithTheLinesThatExplainADifference() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let port = environment.port
        let today = TreasuryTime.localDate(of: Date())
        let account = try await world.account(balance: 300_000)
        // The accountant's reconciliations carry the unit's chief accountant's and head's signatures.
        let directory = try Self.keyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let signing = try await cliSigning(world, port: port, in: directory)
        func object(_ run: Run) -> JSONObject {
            (try? JSON.parse(run.output.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue ?? [:]
        }
        func lines(_ run: Run) -> [String] { run.output.split(separator: "\n").map(String.init) }

        let matching = try await treasury(["accounts", "reconcile", account, "--as-of", today.description, "--balance-seen", "300000"] + signing,
                                          token: world.accountant.token, port: port)
        #expect(matching.status == 0, "\(matching.error)")
        #expect(lines(matching).contains("treasury_balance  300000"), "\(matching.output)")
        #expect(lines(matching).contains("matches           true"), "\(matching.output)")

        let differing = try await treasury(["accounts", "reconcile", account, "--as-of", today.description, "--balance-seen", "250000", "--json"] + signing,
                                           token: world.accountant.token, port: port)
        #expect(differing.status == 0, "\(differing.error)")
        #expect(object(differing)["matches"] == .bool(false) && object(differing)["treasury_balance"] == .string("300000"))
        let dossier = object(differing)["dossier_id"]?.stringValue ?? ""

        let confirmed = try await treasury(["accounts", "confirm-reconciliation", dossier, "--note", "deposit of today not yet booked"],
                                           token: world.officer.token, port: port)
        #expect(confirmed.status == 0, "\(confirmed.error)")
        let table = lines(confirmed)
        #expect(table.contains("difference        -50000"), "\(confirmed.output)")
        #expect(table.contains("matches           false"), "\(confirmed.output)")
        #expect(table.contains("entry_id  accounting_date  posted_at             amount  balance_after  kind")
                || table.contains { $0.hasPrefix("entry_id") && $0.hasSuffix("balance_after  kind") }, "\(confirmed.output)")
        #expect(table.contains { $0.contains(" \(today.description) ") && $0.hasSuffix("300000  300000         SAME_DAY") }, "\(confirmed.output)")

        let again = try await treasury(["accounts", "confirm-reconciliation", dossier], token: world.officer.token, port: port)
        #expect(again.status == 1)
        #expect(again.error.contains("error: FAILED_PRECONDITION/INVALID_STATUS"), "\(again.error)")
        let future = try await treasury(["accounts", "reconcile", account, "--as-of", today.adding(days: 1).description, "--balance-seen", "1"] + signing,
                                        token: world.accountant.token, port: port)
        #expect(future.status == 1)
        #expect(future.error.contains("INVALID_ARGUMENT/FIELD_INVALID") && future.error.contains("params.as_of"), "\(future.error)")
        let missing = try await treasury(["accounts", "reconcile", account, "--balance-seen", "1"] + signing, token: world.accountant.token, port: port)
        #expect(missing.status == 64, "\(missing.error)")
    }
}
