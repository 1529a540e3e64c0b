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
