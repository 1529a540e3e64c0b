import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// Accounts/ReconcileBalance and Accounts/ConfirmReconciliation over TCP (issue #12 item 3,
/// docs/decisions.md "Balance reconciliation"), on servers with a manual clock so that postings
/// fall on chosen days.
@Suite struct ReconciliationTests {
    static func at(_ day: String, hour: Int, minute: Int = 0) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: hour * 3600 + minute * 60)
    }

    /// Rows of balance_reconciliations and BALANCE_RECONCILIATION dossiers of a unit, and its notes.
    static func snapshot(_ environment: TestEnvironment, unit: String) throws -> [String] {
        let database = try environment.database()
        return try database.query(
            """
            SELECT d.id || ' ' || d.status || ' ' || coalesce(r.account_no, '-') || ' ' || coalesce(r.confirmed_at::text, '-')
                   || ' ' || coalesce(r.note, '-') AS row
            FROM dossiers d LEFT JOIN balance_reconciliations r ON r.dossier_id = d.id
            WHERE d.unit_code = $1 AND d.procedure = 'BALANCE_RECONCILIATION' ORDER BY d.id
            """, [unit]).rows.map { $0["row"] ?? "" }
    }

    func reconcile(_ session: Session, _ account: String, _ asOf: String, _ seen: Int64) async throws -> CallResponse {
        try await session.mutate("treasury.v1.Accounts/ReconcileBalance", [
            "account_no": .string(account), "as_of": .string(asOf), "balance_seen": .money(seen)])
    }

    @Test func theTreasuryBalanceIsTheEndOfDayBalanceAndADifferenceListsTheDaysLines() async throws {
        let environment = try await TestEnvironment.get()
        // Monday 9 March 2037: a deposit; Tuesday: a transfer out and a deposit; Wednesday: another transfer out.
        let clock = ManualClock(Self.at("2037-03-09", hour: 9))
        let world = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let a = try await world.account(balance: 1_000_000), b = try await world.account()
        clock.set(Self.at("2037-03-10", hour: 10))
        try await world.accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(a), "to_account": .string(b), "amount": .money(250_000)])
        try await world.deposit(a, 40_000)
        clock.set(Self.at("2037-03-11", hour: 11))
        try await world.accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(a), "to_account": .string(b), "amount": .money(100_000)])
        #expect(try await world.balance(a) == 690_000)

        // The end of Tuesday: 1,000,000 - 250,000 + 40,000; received Wednesday 11:00, due that day.
        let matching = try await reconcile(world.accountant, a, "2037-03-10", 790_000)
        #expect(matching.error == nil, "\(matching.terminalLine)")
        #expect(matching.string("treasury_balance") == "790000")
        #expect(matching.object["matches"] == .bool(true))
        #expect(matching.string("due_at") == "2037-03-11T16:59:59Z")
        let matchingDossier = matching.string("dossier_id") ?? ""
        let dossier = try await world.accountant.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(matchingDossier)])
        #expect(dossier["procedure"] == .string("BALANCE_RECONCILIATION"))
        #expect(dossier["status"] == .string("RECEIVED"))
        #expect(dossier["unit_code"] == .string(world.unit) && dossier["treasury_code"] == .string(world.treasury))
        #expect(dossier["subject"] == .object(["kind": .string("ACCOUNT"), "id": .string(a)]))
        #expect(dossier["due_at"] == .string("2037-03-11T16:59:59Z"))

        // Other days: the end of Monday, of Wednesday (today), and before the account had a line.
        for (account, day, balance) in [(a, "2037-03-09", "1000000"), (a, "2037-03-11", "690000"), (b, "2037-03-10", "250000"), (b, "2037-03-08", "0")] {
            let response = try await reconcile(world.accountant, account, day, Int64(balance)!)
            #expect(response.string("treasury_balance") == balance, "\(account) \(day)")
            #expect(response.object["matches"] == .bool(true), "\(account) \(day)")
        }

        // The unit's books still show Monday's balance for Tuesday.
        let differing = try await reconcile(world.accountant, a, "2037-03-10", 1_000_000)
        #expect(differing.string("treasury_balance") == "790000")
        #expect(differing.object["matches"] == .bool(false))
        let differingDossier = differing.string("dossier_id") ?? ""

        // Confirming: the matching one lists nothing; the other lists Tuesday's two lines of a.
        let confirmed = try await world.officer.must("treasury.v1.Accounts/ConfirmReconciliation", ["dossier_id": .string(matchingDossier)])
        #expect(confirmed["matches"] == .bool(true) && confirmed["status"] == .string("COMPLETED"))
        #expect(confirmed["differences"] == nil)
        #expect(confirmed["difference"] == .string("0"))
        let explained = try await world.officer.must("treasury.v1.Accounts/ConfirmReconciliation", [
            "dossier_id": .string(differingDossier), "note": .string("the unit missed Tuesday's transfer and deposit")])
        #expect(explained["matches"] == .bool(false))
        #expect(explained["balance_seen"] == .string("1000000") && explained["treasury_balance"] == .string("790000"))
        #expect(explained["difference"] == .string("210000"))
        #expect(explained["note"] == .string("the unit missed Tuesday's transfer and deposit"))
        let lines = explained["differences"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(lines.map { [$0["accounting_date"], $0["amount"], $0["balance_after"], $0["kind"]] } == [
            [.string("2037-03-10"), .string("-250000"), .string("750000"), .string("SAME_DAY")],
            [.string("2037-03-10"), .string("40000"), .string("790000"), .string("SAME_DAY")],
        ], "\(lines)")
        #expect(lines.allSatisfy { ($0["entry_id"]?.stringValue.flatMap { Int64($0) } ?? 0) > 0 && $0["posted_at"]?.stringValue?.hasSuffix("Z") == true })
        for id in [matchingDossier, differingDossier] {
            let done = try await world.auditor.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(id)])
            #expect(done["status"] == .string("COMPLETED") && done["completed_at"] != .null)
        }
    }

    @Test func aLineBackDatedIntoTheDayCountsOnItsDate() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2037-04-13", hour: 9))
        let world = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let a = try await world.account(balance: 100_000)       // dated Monday 13 April
        clock.set(Self.at("2037-04-15", hour: 9))
        try await world.deposit(a, 5_000)                        // dated Wednesday
        clock.set(Self.at("2037-04-14", hour: 9))
        try await world.deposit(a, 7_000)                        // dated Tuesday, posted after Wednesday's line
        clock.set(Self.at("2037-04-15", hour: 10))
        // balance_after of the last line dated Tuesday is 112,000 (it follows Wednesday's 5,000);
        // the balance at the end of Tuesday is 107,000.
        let response = try await reconcile(world.accountant, a, "2037-04-14", 112_000)
        #expect(response.string("treasury_balance") == "107000")
        #expect(response.object["matches"] == .bool(false))
        let statement = try await world.officer.read("treasury.v1.Accounts/Statement", ["account_no": .string(a)])
        #expect(statement.items.compactMap { $0.objectValue?["balance_after"]?.stringValue } == ["100000", "105000", "112000"])
    }

    @Test func linesPostedAfterTheDayButDatedOnOrBeforeItArePostedLate() async throws {
        let environment = try await TestEnvironment.get()
        // Postings dated in June 2023 are posted now (posted_at is the database's time): after the day reconciled.
        let clock = ManualClock(Self.at("2023-06-05", hour: 10))
        let world = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let a = try await world.account(balance: 500_000), b = try await world.account()
        clock.set(Self.at("2023-06-06", hour: 10))
        try await world.accountant.must("treasury.v1.Accounts/Transfer", ["from_account": .string(a), "to_account": .string(b), "amount": .money(120_000)])
        clock.set(Self.at("2023-06-07", hour: 10))
        let request = try await reconcile(world.accountant, a, "2023-06-02", 10)
        #expect(request.string("treasury_balance") == "0")
        let confirmed = try await world.officer.must("treasury.v1.Accounts/ConfirmReconciliation", ["dossier_id": .string(request.string("dossier_id") ?? "")])
        #expect(confirmed["differences"] == .array([]))
        let late = try await reconcile(world.accountant, a, "2023-06-05", 480_000)
        #expect(late.string("treasury_balance") == "500000")
        let explained = try await world.officer.must("treasury.v1.Accounts/ConfirmReconciliation", ["dossier_id": .string(late.string("dossier_id") ?? "")])
        let lines = explained["differences"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(lines.map { [$0["accounting_date"], $0["amount"], $0["balance_after"], $0["kind"]] } == [
            [.string("2023-06-05"), .string("500000"), .string("500000"), .string("POSTED_LATE")]], "\(lines)")
    }

    @Test func theDueDateIsOneWorkingDayCountedFromReceiptBeforeTheCutoff() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2037-05-08", hour: 9))      // Friday
        let world = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let a = try await world.account(balance: 1_000)
        let cases: [(Date, String)] = [
            (Self.at("2037-05-08", hour: 15, minute: 29), "2037-05-08T16:59:59Z"),   // before the cut-off: that Friday
            (Self.at("2037-05-08", hour: 15, minute: 30), "2037-05-11T16:59:59Z"),   // at the cut-off: Monday
            (Self.at("2037-05-09", hour: 10), "2037-05-11T16:59:59Z"),               // Saturday: Monday
        ]
        for (instant, due) in cases {
            clock.set(instant)
            let response = try await reconcile(world.accountant, a, "2037-05-08", 1_000)
            #expect(response.string("due_at") == due, "\(instant)")
        }
    }

    @Test func everyRefusalChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2037-06-10", hour: 9))
        let world = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let other = try await World.make(environment, port: try await environment.startServer(clock: clock))
        let a = try await world.account(balance: 3_000)
        let opened = try await world.officer.must("treasury.v1.Accounts/Open", ["unit_code": .string(world.unit)])
        let confirmed = try await reconcile(world.accountant, a, "2037-06-09", 3_000).string("dossier_id") ?? ""
        try await world.officer.must("treasury.v1.Accounts/ConfirmReconciliation", ["dossier_id": .string(confirmed), "note": .string("first")])
        let open = try await reconcile(world.accountant, a, "2037-06-10", 2_000).string("dossier_id") ?? ""
        let before = try Self.snapshot(environment, unit: world.unit)
        #expect(before.count == 2)

        func refused(_ response: CallResponse, _ code: String, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(response.code == code && response.reason == reason, "\(response.terminalLine)", sourceLocation: sourceLocation)
            #expect(try Self.snapshot(environment, unit: world.unit) == before, sourceLocation: sourceLocation)
        }
        let future = try await reconcile(world.accountant, a, "2037-06-11", 3_000)
        try refused(future, "INVALID_ARGUMENT", "FIELD_INVALID")
        #expect(future.error?.details?["field"] == .string("params.as_of"))
        try refused(try await reconcile(world.accountant, a, "2037-02-30", 3_000), "INVALID_ARGUMENT", "FIELD_INVALID")
        for seen in ["-1", "007", "1000000000000000001", "1e3"] {
            let malformed = try await world.accountant.mutate("treasury.v1.Accounts/ReconcileBalance", [
                "account_no": .string(a), "as_of": .string("2037-06-09"), "balance_seen": .string(seen)])
            try refused(malformed, "INVALID_ARGUMENT", "FIELD_INVALID")
            #expect(malformed.error?.details?["field"] == .string("params.balance_seen"), "\(seen)")
        }
        try refused(try await reconcile(world.accountant, "3711999997", "2037-06-09", 3_000), "NOT_FOUND", "ACCOUNT_NOT_FOUND")
        try refused(try await reconcile(other.accountant, a, "2037-06-09", 3_000), "PERMISSION_DENIED", "OUT_OF_SCOPE")
        try refused(try await reconcile(world.officer, a, "2037-06-09", 3_000), "PERMISSION_DENIED", "ROLE_NOT_ALLOWED")

        func confirm(_ session: Session, _ id: String) async throws -> CallResponse {
            try await session.mutate("treasury.v1.Accounts/ConfirmReconciliation", ["dossier_id": .string(id), "note": .string("again")])
        }
        let twice = try await confirm(world.officer, confirmed)
        try refused(twice, "FAILED_PRECONDITION", "INVALID_STATUS")
        #expect(twice.error?.details?["status"] == .string("COMPLETED"))
        try refused(try await confirm(world.officer, "999999999"), "NOT_FOUND", "DOSSIER_NOT_FOUND")
        try refused(try await confirm(world.officer, "not-a-number"), "NOT_FOUND", "DOSSIER_NOT_FOUND")
        // The account's ACCOUNT_OPEN dossier is no reconciliation.
        try refused(try await confirm(world.officer, opened["dossier_id"]?.stringValue ?? ""), "NOT_FOUND", "DOSSIER_NOT_FOUND")
        try refused(try await confirm(other.officer, open), "PERMISSION_DENIED", "OUT_OF_SCOPE")
        try refused(try await confirm(world.accountant, open), "PERMISSION_DENIED", "ROLE_NOT_ALLOWED")
        #expect(before.first?.hasSuffix(" first") == true, "\(before)")

        // The database refuses a changed request or a second confirmation, whoever writes.
        let database = try environment.database()
        for statement in ["UPDATE balance_reconciliations SET balance_seen = 1 WHERE dossier_id = \(confirmed)",
                          "UPDATE balance_reconciliations SET note = 'rewritten' WHERE dossier_id = \(confirmed)",
                          "DELETE FROM balance_reconciliations WHERE dossier_id = \(open)"] {
            #expect(throws: (any Error).self, "\(statement)") { try database.query(statement) }
        }
        #expect(try Self.snapshot(environment, unit: world.unit) == before)
    }
}
