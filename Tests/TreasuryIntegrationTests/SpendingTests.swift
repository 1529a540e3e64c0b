import Foundation
import Synchronization
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol
import TreasuryService

/// Expenditure control over TCP: the chain with every figure after each step, every reason
/// with proof that nothing changed, four eyes, a race, and the payment deadlines.
@Suite struct SpendingTests {
    // MARK: The whole chain

    @Test func theWholeChainMovesEveryFigureAsTheDomainSays() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let root = try await s.budget.must("treasury.v1.Budget/Appropriate", [
            "fiscal_year": .integer(2030), "budget_level": .string("PROVINCE"), "treasury_code": .string(s.world.treasury),
            "amount": .money(1_000_000), "purpose": .string("RECURRENT")])["allocation_id"]?.stringValue ?? ""
        #expect(try await s.figures(root) == Figures(amount: 1_000_000, available: 1_000_000))
        let child = try await s.allocate(parent: root, 600_000)
        #expect(try await s.figures(root) == Figures(amount: 1_000_000, subAllocated: 600_000, available: 400_000))
        #expect(try await s.figures(child) == Figures(amount: 600_000, available: 600_000))

        let commitment = try await s.accountant.must("treasury.v1.Spending/RegisterCommitment", s.commit(child, 200_000))
        #expect(commitment["status"] == .string("OPEN"))
        #expect(commitment["remaining"] == .string("200000"))
        #expect(commitment["dossier_id"]?.stringValue != nil)
        let commitmentID = commitment["commitment_id"]?.stringValue
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 200_000, available: 400_000))

        let submitted = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(child, 50_000, commitment: commitmentID))
        #expect(submitted["status"] == .string("SUBMITTED"))
        #expect(submitted["due_at"]?.stringValue?.hasSuffix("Z") == true)
        let order = submitted["order_id"]?.stringValue ?? ""
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, pending: 50_000, available: 400_000))

        let approved = try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order), "note": .string("documents complete")])
        #expect(approved["status"] == .string("APPROVED"))
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, pending: 50_000, available: 400_000))

        let paid = try await s.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)])
        #expect(paid["status"] == .string("PAID"))
        #expect(paid["paid_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, spent: 50_000, available: 400_000))
        #expect(try await s.figures(root) == Figures(amount: 1_000_000, subAllocated: 600_000, available: 400_000))
        try await expectEntry(s, paid["entry_id"]?.stringValue, debit: "8111", credit: "1110", amount: "50000", economicCode: "6501")

        // An advance without a commitment (recurrent spending) is taken from available.
        let advance = try await s.submit(child, 30_000, kind: "ADVANCE")
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, pending: 30_000, spent: 50_000, available: 370_000))
        try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(advance)])
        let advancePaid = try await s.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(advance)])
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, spent: 50_000, advanced: 30_000, available: 370_000))
        try await expectEntry(s, advancePaid["entry_id"]?.stringValue, debit: "1310", credit: "1110", amount: "30000", economicCode: nil)

        let settled = try await s.accountant.must("treasury.v1.Spending/SettleAdvance", [
            "order_id": .string(advance), "amount": .money(10_000), "economic_code": .string("6551")])
        #expect(settled["outstanding"] == .string("20000"))
        #expect(settled["dossier_id"]?.stringValue != nil)
        #expect(try await s.figures(child) == Figures(amount: 600_000, committed: 150_000, spent: 60_000, advanced: 20_000, available: 370_000))
        try await expectEntry(s, settled["entry_id"]?.stringValue, debit: "8111", credit: "1310", amount: "10000", economicCode: "6551")

        let shown = try await s.world.auditor.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)])
        #expect(shown["status"] == .string("PAID"))
        let history = shown["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0.objectValue?["status"]?.stringValue } == ["SUBMITTED", "APPROVED", "PAID"])
        #expect(history.allSatisfy { $0.objectValue?["who"]?.stringValue != nil && $0.objectValue?["when"]?.stringValue != nil })
        #expect(history.dropFirst().first?.objectValue?["note"] == .string("documents complete"))
        let dossier = try await s.world.auditor.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": submitted["dossier_id"] ?? .null])
        #expect(dossier["status"] == .string("COMPLETED"))
        #expect(dossier["procedure"] == .string("PAYMENT_RECURRENT"))
        #expect(try Operations.verify(try s.world.environment.database()).isEmpty)
    }

    func expectEntry(_ s: SpendingWorld, _ entry: String?, debit: String, credit: String, amount: String, economicCode: String?,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await s.world.auditor.mustRead("treasury.v1.Ledger/GetEntry", ["entry_id": .optionalString(entry)], sourceLocation: sourceLocation)
        let lines = (result["lines"]?.arrayValue ?? []).compactMap(\.objectValue)
        let debitLine = lines.first { $0["gl_account"] == .string(debit) }, creditLine = lines.first { $0["gl_account"] == .string(credit) }
        #expect(lines.count == 2, sourceLocation: sourceLocation)
        #expect(debitLine?["debit"] == .string(amount), "\(lines)", sourceLocation: sourceLocation)
        #expect(creditLine?["credit"] == .string(amount), "\(lines)", sourceLocation: sourceLocation)
        let segments = debitLine?["segments"]?.objectValue ?? [:]
        #expect(segments["unit_code"] == .string(s.world.unit), "\(lines)", sourceLocation: sourceLocation)
        #expect(segments["chapter"] == .string("422"), "\(lines)", sourceLocation: sourceLocation)
        if let economicCode { #expect(segments["economic_code"] == .string(economicCode), "\(lines)", sourceLocation: sourceLocation) }
    }

    // MARK: Reasons, each leaving everything as it was

    /// Runs a refused call and checks its code and reason and that nothing changed.
    func expectRefused(_ s: SpendingWorld, _ allocation: String, _ session: Session, _ method: String, _ params: JSONObject,
                       code: String = "FAILED_PRECONDITION", reason: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CallResponse {
        let before = try await s.snapshot(allocation)
        let response = try await session.mutate("treasury.v1.Spending/\(method)", params)
        #expect(response.code == code, "\(response.terminalLine)", sourceLocation: sourceLocation)
        #expect(response.reason == reason, "\(response.terminalLine)", sourceLocation: sourceLocation)
        let after = try await s.snapshot(allocation)
        #expect(before == after, "\(method) refused with \(reason) but changed something", sourceLocation: sourceLocation)
        return response
    }

    @Test func commitmentsBeyondAvailableOrWithBadCodesOrDuplicateContractsAreRefused() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(100_000)
        try await s.accountant.must("treasury.v1.Spending/RegisterCommitment", s.commit(allocation, 60_000, contract: "HD-1"))

        let beyond = try await expectRefused(s, allocation, s.accountant, "RegisterCommitment", s.commit(allocation, 40_001), reason: "INSUFFICIENT_ALLOCATION")
        #expect(beyond.error?.details?["available"] == .string("40000"))
        let n = TestEnvironment.next()
        try await s.world.admin.must("treasury.v1.Reference/PutCode", ["kind": .string("ECONOMIC"), "code": .string("X\(n)"), "name": .string("expired"),
                                                                      "valid_from": .string("2001-01-01"), "valid_to": .string("2020-12-31")])
        _ = try await expectRefused(s, allocation, s.accountant, "RegisterCommitment", s.commit(allocation, 1_000, code: "X\(n)"), reason: "CODE_NOT_VALID")
        _ = try await expectRefused(s, allocation, s.accountant, "RegisterCommitment", s.commit(allocation, 1_000, code: "Y\(n)"), reason: "CODE_NOT_VALID")
        _ = try await expectRefused(s, allocation, s.accountant, "RegisterCommitment", s.commit(allocation, 1_000, contract: "HD-1"),
                                    code: "ALREADY_EXISTS", reason: "DUPLICATE_CONTRACT")
        _ = try await expectRefused(s, allocation, s.accountant, "RegisterCommitment", s.commit("99999999999", 1_000),
                                    code: "NOT_FOUND", reason: "ALLOCATION_NOT_FOUND")
        // The last 40,000 still fit exactly.
        try await s.accountant.must("treasury.v1.Spending/RegisterCommitment", s.commit(allocation, 40_000))
        #expect(try await s.figures(allocation) == Figures(amount: 100_000, committed: 100_000, available: 0))
    }

    @Test func ordersBeyondTheirCommitmentOrAvailableOrAgainstAClosedCommitmentAreRefused() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(100_000)
        let commitment = try await s.accountant.must("treasury.v1.Spending/RegisterCommitment", s.commit(allocation, 50_000))["commitment_id"]?.stringValue
        let exceeded = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 50_001, commitment: commitment),
                                               reason: "COMMITMENT_EXCEEDED")
        #expect(exceeded.error?.details?["remaining"] == .string("50000"))
        let beyond = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 50_001), reason: "INSUFFICIENT_ALLOCATION")
        #expect(beyond.error?.details?["available"] == .string("50000"))
        _ = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 10, code: "Z\(TestEnvironment.next())"),
                                    reason: "CODE_NOT_VALID")
        _ = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 10, commitment: "99999999999"),
                                    code: "NOT_FOUND", reason: "COMMITMENT_NOT_FOUND")

        // A commitment closed (by a DBA; the API has no close yet) takes no more orders.
        _ = try s.world.environment.database().query("UPDATE commitments SET status = 'CLOSED' WHERE id = $1", [Int64(commitment ?? "") ?? 0])
        _ = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 10, commitment: commitment),
                                    reason: "COMMITMENT_NOT_OPEN")
        #expect(try await s.figures(allocation) == Figures(amount: 100_000, available: 100_000))
    }

    @Test func advancesOnAnInvestmentContractStopAtThirtyPercentCountingOnlyLiveAdvances() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(10_000_000, purpose: "INVESTMENT")
        let commitment = try await s.accountant.must("treasury.v1.Spending/RegisterCommitment", s.commit(allocation, 1_000_000, code: "9301"))["commitment_id"]?.stringValue
        _ = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 1_000, kind: "ADVANCE", code: "9301"),
                                    reason: "COMMITMENT_REQUIRED")
        let first = try await s.submit(allocation, 200_000, kind: "ADVANCE", commitment: commitment)
        let second = try await s.submit(allocation, 100_000, kind: "ADVANCE", commitment: commitment)
        let over = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder",
                                           s.order(allocation, 1, kind: "ADVANCE", commitment: commitment, code: "9301"), reason: "ADVANCE_LIMIT_EXCEEDED")
        #expect(over.error?.details?["limit"] == .string("300000"))
        // A payment (not an advance) against the same contract is not limited by the 30%.
        try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 400_000, commitment: commitment, code: "9301"))
        // A rejected advance no longer counts; a cancelled one neither.
        try await s.officer.must("treasury.v1.Spending/RejectPaymentOrder", ["order_id": .string(second), "reason_code": .string("DOCUMENTS_INCOMPLETE"),
                                                                            "note": .string("no guarantee")])
        try await s.accountant.must("treasury.v1.Spending/CancelPaymentOrder", ["order_id": .string(first)])
        #expect(try await s.figures(allocation) == Figures(amount: 10_000_000, committed: 600_000, pending: 400_000, available: 9_000_000))
        _ = try await s.pay(allocation, 300_000, kind: "ADVANCE", commitment: commitment)
        #expect(try await s.figures(allocation) == Figures(amount: 10_000_000, committed: 300_000, pending: 400_000, advanced: 300_000, available: 9_000_000))
        let dossier = try s.world.environment.database().query(
            "SELECT procedure FROM dossiers WHERE subject_kind = 'PAYMENT_ORDER' AND subject_id = $1", [first]).first?["procedure"]
        #expect(dossier == "PAYMENT_INVESTMENT")
    }

    @Test func statusChangesOutsideTheStateMachineAreInvalidStatusWithTheCurrentStatus() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(100_000)
        let paid = try await s.pay(allocation, 10_000)
        let approved = try await s.submit(allocation, 5_000)
        try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(approved)])

        let cancel = try await expectRefused(s, allocation, s.accountant, "CancelPaymentOrder", ["order_id": .string(approved)], reason: "INVALID_STATUS")
        #expect(cancel.error?.details?["status"] == .string("APPROVED"))
        let again = try await expectRefused(s, allocation, s.officer, "ApprovePaymentOrder", ["order_id": .string(paid)], reason: "INVALID_STATUS")
        #expect(again.error?.details?["status"] == .string("PAID"))
        _ = try await expectRefused(s, allocation, s.chief, "RejectPaymentOrder",
                                    ["order_id": .string(paid), "reason_code": .string("LATE"), "note": .string("too late")], reason: "INVALID_STATUS")
        _ = try await expectRefused(s, allocation, s.chief, "AuthorizePaymentOrder", ["order_id": .string(paid)], reason: "INVALID_STATUS")
        _ = try await expectRefused(s, allocation, s.accountant, "SettleAdvance",
                                    ["order_id": .string(paid), "amount": .money(1), "economic_code": .string("6501")], reason: "INVALID_STATUS")
        _ = try await expectRefused(s, allocation, s.officer, "ApprovePaymentOrder", ["order_id": .string("99999999999")],
                                    code: "NOT_FOUND", reason: "PAYMENT_ORDER_NOT_FOUND")
        // An approved order may still be rejected; the reservation returns to available.
        try await s.chief.must("treasury.v1.Spending/RejectPaymentOrder", ["order_id": .string(approved), "reason_code": .string("SIGNATURE_INVALID"),
                                                                          "note": .string("wrong seal")])
        #expect(try await s.figures(allocation) == Figures(amount: 100_000, spent: 10_000, available: 90_000))
        let shown = try await s.accountant.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(approved)])
        #expect(shown["history"]?.arrayValue?.last?.objectValue?["note"] == .string("SIGNATURE_INVALID: wrong seal"))
        let badReason = try await s.chief.mutate("treasury.v1.Spending/RejectPaymentOrder",
                                                 ["order_id": .string(paid), "reason_code": .string("lower case"), "note": .string("x")])
        #expect(badReason.code == "INVALID_ARGUMENT")
    }

    @Test func settlingMoreThanTheOutstandingAdvanceIsRefused() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(100_000)
        let advance = try await s.pay(allocation, 20_000, kind: "ADVANCE")
        try await s.accountant.must("treasury.v1.Spending/SettleAdvance", ["order_id": .string(advance), "amount": .money(15_000), "economic_code": .string("6551")])
        let over = try await expectRefused(s, allocation, s.accountant, "SettleAdvance",
                                           ["order_id": .string(advance), "amount": .money(5_001), "economic_code": .string("6551")], reason: "ADVANCE_SETTLEMENT_EXCEEDS")
        #expect(over.error?.details?["outstanding"] == .string("5000"))
        _ = try await expectRefused(s, allocation, s.accountant, "SettleAdvance",
                                    ["order_id": .string(advance), "amount": .money(1), "economic_code": .string("Q\(TestEnvironment.next())")], reason: "CODE_NOT_VALID")
        let last = try await s.accountant.must("treasury.v1.Spending/SettleAdvance", ["order_id": .string(advance), "amount": .money(5_000), "economic_code": .string("6551")])
        #expect(last["outstanding"] == .string("0"))
        #expect(try await s.figures(allocation) == Figures(amount: 100_000, spent: 20_000, available: 80_000))
    }

    // MARK: Four eyes and scope

    @Test func theApproverCannotAuthorizeAndAnOfficerOutsideTheTreasuryCannotApprove() async throws {
        let environment = try await TestEnvironment.get()
        let s = try await SpendingWorld.make(environment)
        let allocation = try await s.allocation(100_000)
        let both = try await s.world.user("TREASURY_OFFICER", scope: "T:\(s.world.treasury)", also: [("CHIEF_ACCOUNTANT", "T:\(s.world.treasury)")])
        let order = try await s.submit(allocation, 10_000)

        let elsewhere = try await World.make(environment)
        let outside = try await expectRefused(s, allocation, elsewhere.officer, "ApprovePaymentOrder", ["order_id": .string(order)],
                                              code: "PERMISSION_DENIED", reason: "OUT_OF_SCOPE")
        #expect(outside.error != nil)
        _ = try await expectRefused(s, allocation, s.world.auditor, "ApprovePaymentOrder", ["order_id": .string(order)],
                                    code: "PERMISSION_DENIED", reason: "ROLE_NOT_ALLOWED")

        try await both.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
        let same = try await expectRefused(s, allocation, both, "AuthorizePaymentOrder", ["order_id": .string(order)], reason: "SAME_PERSON")
        #expect(same.error?.details?["order_id"] == .string(order))
        _ = try await expectRefused(s, allocation, elsewhere.chief, "AuthorizePaymentOrder", ["order_id": .string(order)],
                                    code: "PERMISSION_DENIED", reason: "OUT_OF_SCOPE")
        let paid = try await s.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)])
        #expect(paid["status"] == .string("PAID"))
        let outsideRead = try await elsewhere.auditor.read("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)])
        #expect(outsideRead.reason == "OUT_OF_SCOPE")
    }

    @Test func aRefusalIsStoredAndReplayedForItsIdempotencyKey() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(1_000)
        let key = UUID().uuidString
        let first = try await s.accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 2_000), key: key)
        #expect(first.reason == "INSUFFICIENT_ALLOCATION")
        let replay = try await s.accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 2_000), key: key)
        #expect(replay.error == first.error)
        let order = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 1_000))["order_id"]
        #expect(order != nil)
        #expect(try await s.figures(allocation) == Figures(amount: 1_000, pending: 1_000, available: 0))
    }

    // MARK: The race

    @Test func sixteenClientsRacingForOneAllocationNeverOverspendIt() async throws {
        let environment = try await TestEnvironment.get()
        let s = try await SpendingWorld.make(environment)
        let allocation = try await s.allocation(1_000_000)
        let sessions = try await (0..<16).asyncMap { _ in
            let connection = try await environment.client()
            return (Session(connection: connection, token: s.accountant.token, signers: s.accountant.signers), Session(connection: connection, token: s.officer.token),
                    Session(connection: connection, token: s.chief.token))
        }
        // Samples the figures while the race runs, until told to stop (a cancelled read would
        // be a failed read, not a sample).
        let stop = StopFlag()
        let sampling = Task { () -> [Figures] in
            var samples: [Figures] = []
            while !stop.isSet {
                samples.append(try await s.figures(allocation))
                // Paces the sampler (waits for nothing): it must not crowd out the racing calls.
                try await Task.sleep(for: .milliseconds(5))
            }
            return samples
        }
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for (accountant, officer, chief) in sessions {
                group.addTask {
                    let submitted = try await accountant.mutate("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 150_000))
                    guard let order = submitted.string("order_id") else { return submitted.reason ?? submitted.terminalLine }
                    let approved = try await officer.mutate("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
                    guard approved.error == nil else { return "approve: \(approved.terminalLine)" }
                    let paid = try await chief.mutate("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)])
                    return paid.string("status") ?? "authorize: \(paid.terminalLine)"
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        stop.set()
        let samples = try await sampling.value
        #expect(samples.count > 1)
        #expect(outcomes.filter { $0 == "PAID" }.count == 6, "\(outcomes)")
        #expect(outcomes.filter { $0 == "INSUFFICIENT_ALLOCATION" }.count == 10, "\(outcomes)")
        #expect(samples.allSatisfy { $0.spent + $0.pending <= $0.amount && $0.available >= 0 }, "\(samples.filter { $0.spent + $0.pending > $0.amount })")
        #expect(try await s.figures(allocation) == Figures(amount: 1_000_000, spent: 900_000, available: 100_000))
        #expect(try Operations.verify(try environment.database()).map { "\($0.check): \($0.problem)" } == [])
    }

    // MARK: Deadlines and periods with an injected clock

    @Test func paymentDeadlinesFollowTheCutoffWeekendsAndHolidays() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(at("2032-03-10", hour: 9))
        let s = try await SpendingWorld.make(environment, port: try await environment.startServer(clock: clock))
        try await s.world.admin.must("treasury.v1.Reference/PutHoliday", ["date": .string("2032-03-17"), "name": .string("test holiday 2032")])
        let allocation = try await s.allocation(1_000_000, year: 2032)
        let cases: [(String, Int, Int, String)] = [
            ("2032-03-10", 10 * 3600, 0, "2032-03-10T16:59:59Z"),              // Wednesday morning: that day
            ("2032-03-10", 15 * 3600 + 29 * 60 + 59, 0, "2032-03-10T16:59:59Z"), // one second before the cut-off
            ("2032-03-10", 15 * 3600 + 30 * 60, 0, "2032-03-11T16:59:59Z"),      // at the cut-off: the next working day
            ("2032-03-10", 16 * 3600, 0, "2032-03-11T16:59:59Z"),
            ("2032-03-12", 18 * 3600, 0, "2032-03-15T16:59:59Z"),              // Friday evening: Monday
            ("2032-03-13", 10 * 3600, 0, "2032-03-15T16:59:59Z"),              // Saturday: Monday
            ("2032-03-16", 16 * 3600, 0, "2032-03-18T16:59:59Z"),              // Tuesday evening, Wednesday a holiday: Thursday
        ]
        for (day, seconds, _, due) in cases {
            clock.set(TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: seconds))
            let submitted = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 1_000))
            #expect(submitted["due_at"] == .string(due), "submitted \(day) at \(seconds)s")
        }
    }

    @Test func nothingIsSubmittedAuthorizedOrSettledInAClosedMonth() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(at("2033-01-10", hour: 9))
        let s = try await SpendingWorld.make(environment, port: try await environment.startServer(clock: clock))
        let chiefOfAll = try await s.world.user("CHIEF_ACCOUNTANT", scope: "*")
        let allocation = try await s.allocation(1_000_000, year: 2033)
        let approved = try await s.submit(allocation, 10_000)
        try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(approved)])
        let advance = try await s.pay(allocation, 20_000, kind: "ADVANCE")

        clock.set(at("2033-02-10", hour: 9))
        try await chiefOfAll.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2033), "month": .integer(1)])
        clock.set(at("2033-01-20", hour: 9))
        _ = try await expectRefused(s, allocation, s.chief, "AuthorizePaymentOrder", ["order_id": .string(approved)], reason: "PERIOD_CLOSED")
        _ = try await expectRefused(s, allocation, s.accountant, "SubmitPaymentOrder", s.order(allocation, 1_000), reason: "PERIOD_CLOSED")
        _ = try await expectRefused(s, allocation, s.accountant, "SettleAdvance",
                                    ["order_id": .string(advance), "amount": .money(1_000), "economic_code": .string("6551")], reason: "PERIOD_CLOSED")
        clock.set(at("2033-02-11", hour: 9))
        let paid = try await s.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(approved)])
        #expect(paid["status"] == .string("PAID"))
    }

    func at(_ day: String, hour: Int) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: hour * 3600)
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}

/// A flag one task sets and another polls.
final class StopFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
