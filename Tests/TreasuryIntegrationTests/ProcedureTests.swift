import Foundation
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// The procedures of Decree 347/2025 as reference data, and each dossier's due_at under its
/// procedure's legal limit, on a server with a manual clock (issue #13 item 3).
@Suite struct ProcedureDeadlineTests {
    static func at(_ day: String, hour: Int, minute: Int = 0) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: hour * 3600 + minute * 60)
    }

    /// A legal limit as the API shows it, from the Swift mirror.
    static func json(_ limits: ProcedureLimits) -> JSON {
        var object: JSONObject = [:]
        switch limits.base {
        case .minutes(let minutes): object["minutes"] = .integer(minutes)
        case .workingDays(let days): object["working_days"] = .integer(days)
        }
        if let counter = limits.counterMinutes { object["counter_minutes"] = .integer(counter) }
        if let advance = limits.advanceWorkingDays { object["advance_working_days"] = .integer(advance) }
        if let yearEnd = limits.yearEndWorkingDays { object["year_end_working_days"] = .integer(yearEnd) }
        return .object(object)
    }

    @Test func theProceduresTableAndTheSwiftMirrorAgree() async throws {
        let world = try await World.make(try await TestEnvironment.get())
        let listed = try await world.auditor.read("treasury.v1.Reference/List", ["kind": .string("PROCEDURE")])
        #expect(listed.error == nil, "\(listed.terminalLine)")
        let rows = listed.items.compactMap(\.objectValue)
        #expect(rows.compactMap { $0["code"]?.stringValue } == Procedure.allCases.map(\.rawValue), "the nine in Decree 347's order, then the others")
        for procedure in Procedure.allCases {
            let row = rows.first { $0["code"] == .string(procedure.rawValue) } ?? [:]
            #expect(row["legal_limit"] == Self.json(procedure.limits), "\(procedure.rawValue)")
            #expect(row["in_force"] == .bool(procedure.inForce), "\(procedure.rawValue)")
            #expect(row["replaced_by"] == .optionalString(procedure.replacedBy?.rawValue), "\(procedure.rawValue)")
            #expect(row["name"]?.stringValue?.isEmpty == false && row["legal_basis"]?.stringValue?.isEmpty == false)
        }
        #expect(rows.filter { $0["legal_basis"] == .string("Decree 347/2025/ND-CP") }.count == 9)
        // The table is the law's, kept by migrations: the service's role cannot change it.
        let database = try world.environment.database()
        let writable = try database.query(
            "SELECT has_table_privilege('treasury_app', 'treasury.procedures', 'INSERT, UPDATE, DELETE') AS w").first?["w"]
        #expect(writable == "f")
    }

    @Test func everyProcedureIsDueByItsLimitIncludingTheYearEndExtension() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2047-12-20", hour: 9))
        let port = try await environment.startServer(clock: clock)
        let revenue = try await RevenueWorld.make(environment, port: port, today: TreasuryTime.LocalDate("2047-12-20"))
        let world = revenue.world, spending = SpendingWorld(world: world, budget: world.budget)
        try await world.admin.must("treasury.v1.Reference/PutHoliday", ["date": .string("2048-01-01"), "name": .string("test new year 2048")])
        let december = try await spending.allocation(10_000_000, year: 2047), january = try await spending.allocation(10_000_000, year: 2048)

        func dossier(_ id: String?) async throws -> JSONObject {
            try await world.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(id ?? "0")])
        }

        // Collections are due in minutes: 5 online, 30 at the counter, whatever the day.
        clock.set(Self.at("2047-12-21", hour: 10)) // a Saturday
        let online = try await world.officer.must("treasury.v1.Revenue/RecordCollection", revenue.collection(100_000, collectedOn: "2047-12-21"))
        #expect(try await dossier(online["dossier_id"]?.stringValue)["due_at"] == .string("2047-12-21T03:05:00Z"))
        var atCounter = revenue.collection(200_000, collectedOn: "2047-12-21")
        atCounter["channel"] = .string("COUNTER")
        let counter = try await world.officer.must("treasury.v1.Revenue/RecordCollection", atCounter)
        let counterDossier = try await dossier(counter["dossier_id"]?.stringValue)
        #expect(counterDossier["due_at"] == .string("2047-12-21T03:30:00Z") && counterDossier["procedure"] == .string("REVENUE_COLLECTION"))

        // A refund: 1 working day, from Monday after a Saturday filing.
        let refund = try await revenue.tax.must("treasury.v1.Revenue/Refund", [
            "collection_id": .string(online["collection_id"]?.stringValue ?? ""), "amount": .money(1_000), "decision_no": .string("QD-\(world.unit)")])
        let refundDossier = try await dossier(refund["dossier_id"]?.stringValue)
        #expect(refundDossier["procedure"] == .string("REVENUE_REFUND") && refundDossier["due_at"] == .string("2047-12-23T16:59:59Z"))

        // Account procedures: 1 working day. A unit's request on Friday 20 December after the cut-off is due Monday.
        clock.set(Self.at("2047-12-20", hour: 16))
        let requested = try await world.accountant.must("treasury.v1.Accounts/Open", ["unit_code": .string(world.unit)])
        let openDossier = try await dossier(requested["dossier_id"]?.stringValue)
        #expect(openDossier["procedure"] == .string("ACCOUNT_OPEN") && openDossier["due_at"] == .string("2047-12-23T16:59:59Z"))
        clock.set(Self.at("2047-12-23", hour: 9))
        let account = try await world.account()
        let frozen = try await world.officer.must("treasury.v1.Accounts/Freeze", ["account_no": .string(account), "reason": .string("audit")])
        let change = try await dossier(frozen["dossier_id"]?.stringValue)
        #expect(change["procedure"] == .string("ACCOUNT_CHANGE") && change["due_at"] == .string("2047-12-23T16:59:59Z"))

        // Regular spending: 1 working day, 2 for dossiers received 25-31 December and 25-31 January.
        let cases: [(String, String, Int, String)] = [
            (december, "2047-12-24", 10, "2047-12-24T16:59:59Z"), // Tuesday 24: one day
            (december, "2047-12-25", 10, "2047-12-26T16:59:59Z"), // Wednesday 25: two days
            (december, "2047-12-27", 16, "2047-12-31T16:59:59Z"), // Friday 27 after the cut-off: Monday 30 and Tuesday 31
            (december, "2047-12-31", 10, "2048-01-02T16:59:59Z"), // Tuesday 31, 1 January a holiday: Thursday 2
            (january, "2048-01-24", 10, "2048-01-24T16:59:59Z"),  // Friday 24 January: one day
            (january, "2048-01-25", 10, "2048-01-28T16:59:59Z"),  // Saturday 25 January: Monday 27 and Tuesday 28
        ]
        for (allocation, day, hour, due) in cases {
            clock.set(Self.at(day, hour: hour))
            let submitted = try await spending.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", spending.order(allocation, 1_000))
            #expect(submitted["due_at"] == .string(due), "submitted \(day) at \(hour):00")
            let filed = try await dossier(submitted["dossier_id"]?.stringValue)
            #expect(filed["procedure"] == .string("PAYMENT_RECURRENT") && filed["subject"]?.objectValue?["kind"] == .string("PAYMENT_ORDER"))
        }

        // A commitment and an advance settlement are PAYMENT_RECURRENT dossiers too, told apart by their subject.
        clock.set(Self.at("2047-12-26", hour: 10))
        let commitment = try await spending.accountant.must("treasury.v1.Spending/RegisterCommitment", spending.commit(december, 50_000))
        let committed = try await dossier(commitment["dossier_id"]?.stringValue)
        #expect(committed["procedure"] == .string("PAYMENT_RECURRENT") && committed["status"] == .string("COMPLETED"))
        #expect(committed["subject"]?.objectValue?["kind"] == .string("COMMITMENT") && committed["due_at"] == .string("2047-12-27T16:59:59Z"))
        let advance = try await spending.pay(december, 20_000, kind: "ADVANCE")
        let settled = try await spending.accountant.must("treasury.v1.Spending/SettleAdvance", [
            "order_id": .string(advance), "amount": .money(5_000), "economic_code": .string("6551")])
        let settlement = try await dossier(settled["dossier_id"]?.stringValue)
        #expect(settlement["procedure"] == .string("PAYMENT_RECURRENT") && settlement["subject"]?.objectValue?["kind"] == .string("ADVANCE_SETTLEMENT"))
        let database = try environment.database()
        let retired = try database.query(
            "SELECT count(*)::bigint AS n FROM dossiers WHERE treasury_code = $1 AND procedure IN ('COMMITMENT', 'ADVANCE_SETTLEMENT')",
            [world.treasury]).first?.decode(Int64.self, "n")
        #expect(retired == 0, "new dossiers use the nine")

        // The service-level report gives each procedure's legal limit.
        let level = try await world.officer.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2047-12-20"), "to": .string("2048-01-31"), "treasury_code": .string(world.treasury)])
        let procedures = level["procedures"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let limits = Dictionary(uniqueKeysWithValues: procedures.map { ($0["procedure"]?.stringValue ?? "", $0["legal_limit"] ?? .null) })
        #expect(limits == [
            "REVENUE_COLLECTION": .object(["minutes": .integer(5), "counter_minutes": .integer(30)]),
            "REVENUE_REFUND": .object(["working_days": .integer(1)]),
            "ACCOUNT_OPEN": .object(["working_days": .integer(1)]),
            "ACCOUNT_CHANGE": .object(["working_days": .integer(1)]),
            "PAYMENT_RECURRENT": .object(["working_days": .integer(1), "year_end_working_days": .integer(2)]),
        ])
        #expect(procedures.allSatisfy { $0["on_time_rate"] != nil && $0["same_day_rate"] != nil })
    }
}

/// One supplement request per dossier: the clock stops and restarts from the supplement
/// (issue #13 item 4).
@Suite struct DossierSupplementTests {
    static func at(_ day: String, hour: Int, minute: Int = 0) -> Date { ProcedureDeadlineTests.at(day, hour: hour, minute: minute) }

    @Test func aSupplementStopsTheClockAndItsArrivalRestartsIt() async throws {
        let environment = try await TestEnvironment.get()
        // Monday 1 March 2049, 10:00: an order is due that day.
        let clock = ManualClock(Self.at("2049-03-01", hour: 10))
        let s = try await SpendingWorld.make(environment, port: try await environment.startServer(clock: clock))
        let allocation = try await s.allocation(1_000_000, year: 2049)
        let submitted = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 10_000))
        let order = submitted["order_id"]?.stringValue ?? "", dossier = submitted["dossier_id"]?.stringValue ?? ""
        #expect(submitted["due_at"] == .string("2049-03-01T16:59:59Z"))

        clock.set(Self.at("2049-03-01", hour: 11))
        let requested = try await s.officer.must("treasury.v1.Dossiers/RequestSupplement", [
            "dossier_id": .string(dossier), "items": .array([.string("the invoice"), .string("the acceptance record, signed")])])
        #expect(requested["status"] == .string("SUPPLEMENT_REQUESTED"))
        let asked = requested["supplement"]?.objectValue ?? [:]
        #expect(asked["items"] == .array([.string("the invoice"), .string("the acceptance record, signed")]))
        #expect(asked["requested_at"] == .string("2049-03-01T04:00:00Z") && asked["supplemented_at"] == .null)

        // While it waits: no approval, no second request, and only the unit supplements.
        let approve = try await s.officer.mutate("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
        #expect(approve.code == "FAILED_PRECONDITION" && approve.reason == "AWAITING_SUPPLEMENT", "\(approve.terminalLine)")
        let again = try await s.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("more")])])
        #expect(again.code == "FAILED_PRECONDITION" && again.reason == "SUPPLEMENT_ALREADY_REQUESTED", "\(again.terminalLine)")
        let byOfficer = try await s.officer.mutate("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(dossier), "note": .string("x")])
        #expect(byOfficer.code == "PERMISSION_DENIED")
        let listed = try await s.officer.read("treasury.v1.Dossiers/List", ["status": .string("SUPPLEMENT_REQUESTED")])
        #expect(listed.items.compactMap { $0.objectValue?["dossier_id"]?.stringValue } == [dossier])

        // Thursday 16:00, after the cut-off: counted again from Friday.
        clock.set(Self.at("2049-03-04", hour: 16))
        let supplied = try await s.accountant.must("treasury.v1.Dossiers/Supplement", [
            "dossier_id": .string(dossier), "note": .string("invoice 0042 and the signed record attached")])
        #expect(supplied["status"] == .string("PROCESSING"))
        #expect(supplied["due_at"] == .string("2049-03-05T16:59:59Z"))
        let answer = supplied["supplement"]?.objectValue ?? [:]
        #expect(answer["supplemented_at"] == .string("2049-03-04T09:00:00Z") && answer["note"] == .string("invoice 0042 and the signed record attached"))
        #expect(answer["requested_by"]?.stringValue?.hasPrefix("treasury_officer-") == true)
        #expect(answer["supplemented_by"]?.stringValue?.hasPrefix("unit_accountant-") == true)
        let twice = try await s.accountant.mutate("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(dossier), "note": .string("again")])
        #expect(twice.reason == "INVALID_STATUS" && twice.error?.details?["status"] == .string("PROCESSING"), "\(twice.terminalLine)")
        let third = try await s.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("more")])])
        #expect(third.reason == "SUPPLEMENT_ALREADY_REQUESTED", "once per dossier, even after the supplement")

        // Paid Friday morning: on time against the recomputed due_at, though days after the first one.
        clock.set(Self.at("2049-03-05", hour: 9))
        try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
        try await s.chief.must("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)])
        let done = try await s.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(dossier)])
        #expect(done["status"] == .string("COMPLETED") && done["due_at"] == .string("2049-03-05T16:59:59Z"))
        let level = try await s.officer.mustRead("treasury.v1.Reports/ServiceLevel", [
            "from": .string("2049-03-01"), "to": .string("2049-03-01"), "treasury_code": .string(s.world.treasury)])
        // The order's procedure (the world's signature specimens are ACCOUNT_OPEN dossiers of that day too).
        let payments = level["procedures"]?.arrayValue?.compactMap(\.objectValue).first { $0["procedure"] == .string("PAYMENT_RECURRENT") }
        #expect(payments?["completed"] == .integer(1) && payments?["completed_on_time"] == .integer(1) && payments?["completed_same_day"] == .integer(0),
                "\(level)")
        let completed = try await s.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("x")])])
        #expect(completed.reason == "INVALID_STATUS")
    }

    @Test func aDossierAwaitingASupplementMayBeRejectedOrCancelledButNotApproved() async throws {
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2049-03-08", hour: 9))
        let s = try await SpendingWorld.make(environment, port: try await environment.startServer(clock: clock))
        let allocation = try await s.allocation(1_000_000, year: 2049)
        func submitAndAsk() async throws -> (order: String, dossier: String) {
            let submitted = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 1_000))
            let dossier = submitted["dossier_id"]?.stringValue ?? ""
            try await s.officer.must("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("contract")])])
            return (submitted["order_id"]?.stringValue ?? "", dossier)
        }
        let rejected = try await submitAndAsk(), cancelled = try await submitAndAsk()
        try await s.officer.must("treasury.v1.Spending/RejectPaymentOrder", [
            "order_id": .string(rejected.order), "reasons": .array([.object(["code": .string("NO_SUPPLEMENT"), "note": .string("the contract never came")])])])
        try await s.accountant.must("treasury.v1.Spending/CancelPaymentOrder", ["order_id": .string(cancelled.order)])
        for (dossier, status) in [(rejected.dossier, "REJECTED"), (cancelled.dossier, "CANCELLED")] {
            let got = try await s.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(dossier)])
            #expect(got["status"] == .string(status))
        }
        #expect(try await s.figures(allocation) == Figures(amount: 1_000_000, available: 1_000_000))

        // An account a unit asked to open is not approved while its dossier awaits a supplement.
        let opened = try await s.accountant.must("treasury.v1.Accounts/Open", ["unit_code": .string(s.world.unit)])
        let account = opened["account_no"]?.stringValue ?? "", accountDossier = opened["dossier_id"]?.stringValue ?? ""
        try await s.officer.must("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(accountDossier), "items": .array([.string("specimen of the deputy")])])
        let early = try await s.officer.mutate("treasury.v1.Accounts/Approve", ["account_no": .string(account)])
        #expect(early.reason == "AWAITING_SUPPLEMENT", "\(early.terminalLine)")
        let pending = try await s.officer.mustRead("treasury.v1.Accounts/Get", ["account_no": .string(account)])
        #expect(pending["status"] == .string("PENDING"))
        try await s.accountant.must("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(accountDossier), "note": .string("attached")])
        try await s.officer.must("treasury.v1.Accounts/Approve", ["account_no": .string(account)])
        let accountDone = try await s.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(accountDossier)])
        #expect(accountDone["status"] == .string("COMPLETED"))
    }

    @Test func aRequestNamesOneToTwentyItemsOfAnOpenDossier() async throws {
        let environment = try await TestEnvironment.get()
        let s = try await SpendingWorld.make(environment)
        let allocation = try await s.allocation(1_000_000)
        let dossier = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 1_000))["dossier_id"]?.stringValue ?? ""
        let cases: [(JSON, String)] = [
            (.array([]), "params.items"), (.array((0...20).map { .string("item \($0)") }), "params.items"),
            (.array([.string("invoice"), .string("   ")]), "params.items[1]"), (.array([.string("")]), "params.items[0]"),
        ]
        for (items, field) in cases {
            let response = try await s.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": items])
            #expect(response.code == "INVALID_ARGUMENT" && response.reason == "FIELD_INVALID", "\(items)")
            #expect(response.error?.details?["field"] == .string(field), "\(response.terminalLine)")
        }
        let unknown = try await s.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string("999999999"), "items": .array([.string("x")])])
        #expect(unknown.code == "NOT_FOUND" && unknown.reason == "DOSSIER_NOT_FOUND")
        let other = try await World.make(environment)
        let outside = try await other.officer.mutate("treasury.v1.Dossiers/RequestSupplement", ["dossier_id": .string(dossier), "items": .array([.string("x")])])
        #expect(outside.code == "PERMISSION_DENIED")
        let notAsked = try await s.accountant.mutate("treasury.v1.Dossiers/Supplement", ["dossier_id": .string(dossier), "note": .string("x")])
        #expect(notAsked.reason == "INVALID_STATUS" && notAsked.error?.details?["status"] == .string("RECEIVED"))
        let got = try await s.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(dossier)])
        #expect(got["status"] == .string("RECEIVED") && got["supplement"] == .null && got["reasons"] == .array([]))
    }
}

/// A refusal gives every reason at once (issue #13 item 4).
@Suite struct RejectionReasonTests {
    @Test func aRejectionGivesEveryReasonAndGetPaymentOrderAndTheDossierShowThemAll() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(1_000_000)
        let submitted = try await s.accountant.must("treasury.v1.Spending/SubmitPaymentOrder", s.order(allocation, 10_000))
        let order = submitted["order_id"]?.stringValue ?? "", dossier = submitted["dossier_id"]?.stringValue ?? ""
        let reasons: [JSON] = [
            .object(["code": .string("DOCUMENTS_INCOMPLETE"), "note": .string("no acceptance record")]),
            .object(["code": .string("CODE_MISMATCH"), "note": .string("6501 is electricity; the invoice is for water")]),
            .object(["code": .string("BENEFICIARY_MISMATCH"), "note": .string("the account is not the supplier's")]),
        ]
        let rejected = try await s.officer.must("treasury.v1.Spending/RejectPaymentOrder", ["order_id": .string(order), "reasons": .array(reasons)])
        #expect(rejected["status"] == .string("REJECTED") && rejected["reasons"] == .array(reasons))
        let got = try await s.world.auditor.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)])
        #expect(got["reasons"] == .array(reasons))
        #expect(got["reject_reason_code"] == .string("DOCUMENTS_INCOMPLETE") && got["note"] == .string("no acceptance record"))
        let event = got["history"]?.arrayValue?.last?.objectValue ?? [:]
        #expect(event["status"] == .string("REJECTED"))
        #expect(event["note"] == .string("DOCUMENTS_INCOMPLETE: no acceptance record; CODE_MISMATCH: 6501 is electricity; the invoice is for water; BENEFICIARY_MISMATCH: the account is not the supplier's"))
        let shown = try await s.accountant.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(dossier)])
        #expect(shown["status"] == .string("REJECTED") && shown["reasons"] == .array(reasons))
        let database = try s.world.environment.database()
        let rows = try database.query("SELECT position || ':' || code AS r FROM payment_order_reject_reasons WHERE order_id = $1 ORDER BY position",
                                      [Int64(order) ?? 0]).rows.compactMap { $0["r"] }
        #expect(rows == ["1:DOCUMENTS_INCOMPLETE", "2:CODE_MISMATCH", "3:BENEFICIARY_MISMATCH"])
    }

    @Test func theSingleReasonOfTheFirstFormIsStillAccepted() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(1_000_000)
        let order = try await s.submit(allocation, 10_000)
        try await s.officer.must("treasury.v1.Spending/ApprovePaymentOrder", ["order_id": .string(order)])
        try await s.chief.must("treasury.v1.Spending/RejectPaymentOrder", [
            "order_id": .string(order), "reason_code": .string("SIGNATURE_INVALID"), "note": .string("the head's signature does not match")])
        let got = try await s.officer.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)])
        #expect(got["reject_reason_code"] == .string("SIGNATURE_INVALID") && got["note"] == .string("the head's signature does not match"))
        #expect(got["reasons"] == .array([.object(["code": .string("SIGNATURE_INVALID"), "note": .string("the head's signature does not match")])]))
        let dossier = try await s.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(got["dossier_id"]?.stringValue ?? "")])
        #expect(dossier["reasons"] == got["reasons"])
    }

    @Test func oneToTwentyReasonsEachCodeOnceInOneFormOnly() async throws {
        let s = try await SpendingWorld.make(try await TestEnvironment.get())
        let allocation = try await s.allocation(1_000_000)
        let order = try await s.submit(allocation, 10_000)
        func reason(_ code: String) -> JSON { .object(["code": .string(code), "note": .string("why")]) }
        let cases: [(JSONObject, String, String)] = [
            (["reasons": .array([])], "FIELD_INVALID", "params.reasons"),
            (["reasons": .array((1...21).map { reason("R_\($0)") })], "FIELD_INVALID", "params.reasons"),
            (["reasons": .array([reason("A"), reason("B"), reason("A")])], "FIELD_INVALID", "params.reasons[2].code"),
            (["reasons": .array([reason("lower")])], "FIELD_INVALID", "params.reasons[0].code"),
            (["reasons": .array([.object(["code": .string("A")])])], "FIELD_REQUIRED", "params.reasons[0].note"),
            (["reasons": .array([reason("A")]), "reason_code": .string("B"), "note": .string("x")], "FIELD_INVALID", "params.reasons"),
            (["reasons": .array([reason("A")]), "note": .string("x")], "FIELD_INVALID", "params.note"),
            (["reason_code": .string("B")], "FIELD_REQUIRED", "params.note"),
            ([:], "FIELD_REQUIRED", "params.reasons"),
        ]
        for (params, reason, field) in cases {
            var call = params
            call["order_id"] = .string(order)
            let response = try await s.officer.mutate("treasury.v1.Spending/RejectPaymentOrder", call)
            #expect(response.code == "INVALID_ARGUMENT" && response.reason == reason, "\(params): \(response.terminalLine)")
            #expect(response.error?.details?["field"] == .string(field), "\(params): \(response.terminalLine)")
        }
        let twenty = try await s.officer.must("treasury.v1.Spending/RejectPaymentOrder", [
            "order_id": .string(order), "reasons": .array((1...20).map { reason("R_\($0)") })])
        #expect(twenty["reasons"]?.arrayValue?.count == 20)
    }
}
