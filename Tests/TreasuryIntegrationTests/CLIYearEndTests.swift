import Foundation
import Testing
import TreasuryDomain
import TreasuryProtocol

/// `treasury year carry-over|close|settlement` against a real server with an injected clock: a
/// small fiscal year 2081, its adjustment period in January 2082 and its close. Years 2080-2082
/// are this file's alone: a close is database-wide and years close in order (2080 stays empty,
/// so 2081 may close; 2082 gets the carried-over allocations).
extension CLITests {
    static func at(_ day: String, hour: Int = 10) -> Date {
        TreasuryTime.instant(of: TreasuryTime.LocalDate(day)!, secondsOfDay: hour * 3600)
    }

    @Test func theCLIMarksCarryOversClosesTheYearAndPrintsItsSettlement() async throws {
        let m: Int64 = 1_000_000
        let environment = try await TestEnvironment.get()
        let clock = ManualClock(Self.at("2081-01-05"))
        let port = try await environment.startServer(clock: clock)
        let world = try await World.make(environment, port: port)
        let spending = SpendingWorld(world: world, budget: world.budget)
        let province = try await world.user("CHIEF_ACCOUNTANT", scope: "*")
        func object(_ run: Run) -> JSONObject {
            (try? JSON.parse(run.output.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue ?? [:]
        }
        func lines(_ run: Run) -> [String] { run.output.split(separator: "\n").map(String.init) }

        // 2081: an estimate of 1 bn, 600 m and 100 m of it to the unit; 200 m paid and 50 m advanced
        // from A, 30 m advanced from D; on 30 December a payment of 5 m submitted and never approved.
        let root = try await treasury(["budget", "appropriate", "--year", "2081", "--level", "PROVINCE", "--treasury", world.treasury,
                                       "--amount", "1000000000", "--purpose", "RECURRENT", "--json"], token: world.budget.token, port: port)
        #expect(root.status == 0, "\(root.error)")
        let r1 = object(root)["allocation_id"]?.stringValue ?? ""
        let a = try await spending.allocate(parent: r1, 600 * m), d = try await spending.allocate(parent: r1, 100 * m)
        clock.set(Self.at("2081-03-10"))
        _ = try await spending.pay(a, 200 * m)
        let advanceA = try await spending.pay(a, 50 * m, kind: "ADVANCE")
        let advanceD = try await spending.pay(d, 30 * m, kind: "ADVANCE")
        clock.set(Self.at("2081-12-30"))
        let unapproved = try await spending.submit(a, 5 * m)

        // January 2082, the adjustment period: months 1-12 close.
        clock.set(Self.at("2082-01-05"))
        for month in 1...12 { try await province.must("treasury.v1.Periods/Close", ["fiscal_year": .integer(2081), "month": .integer(month)]) }

        // Carry-overs on A: a table, then JSON with a named key, replayed with the same key.
        clock.set(Self.at("2082-01-10"))
        let first = try await treasury(["year", "carry-over", "--allocation", a, "--amount", "60000000", "--ground", "CONTRACTED_BEFORE_YEAR_END",
                                        "--decision", "QD-CO-1"], token: world.budget.token, port: port)
        #expect(first.status == 0, "\(first.error)")
        #expect(lines(first).first?.hasPrefix("carry_over_id  ") == true, "\(first.output)")
        #expect(Array(lines(first).dropFirst()) == ["allocation_id  \(a)", "fiscal_year    2081", "carried_over   60000000"], "\(first.output)")
        let key = "cli-carry-over-\(UUID().uuidString)"
        let secondArguments = ["year", "carry-over", "--allocation", a, "--amount", "20000000", "--ground", "SALARY_REFORM", "--decision", "QD-CO-2",
                               "--key", key, "--json"]
        let second = try await treasury(secondArguments, token: world.budget.token, port: port)
        #expect(second.status == 0, "\(second.error)")
        #expect(object(second)["carried_over"] == .string("80000000") && object(second)["fiscal_year"] == .integer(2081), "\(second.output)")
        let replayed = try await treasury(secondArguments, token: world.budget.token, port: port)
        #expect(replayed.status == 0, "\(replayed.error)")
        #expect(object(replayed)["carry_over_id"] == object(second)["carry_over_id"] && object(replayed)["carried_over"] == .string("80000000"))
        #expect(try await world.budget.mustRead("treasury.v1.Budget/Get", ["allocation_id": .string(a)])["carried_over"] == .money(80 * m),
                "the replay marked nothing more")
        // Refusals: more than A's unspent 600 - 5 pending - 200 spent - 50 advanced - 80 marked; an unknown
        // ground (the server's to check); a missing option (usage).
        let tooMuch = try await treasury(["year", "carry-over", "--allocation", a, "--amount", "265000001", "--ground", "OTHER", "--decision", "QD-CO-3"],
                                         token: world.budget.token, port: port)
        #expect(tooMuch.status == 1)
        #expect(tooMuch.error.contains("error: FAILED_PRECONDITION/CARRY_OVER_EXCEEDS_AVAILABLE: allocation \(a) can carry over at most 265000000 more"),
                "\(tooMuch.error)")
        #expect(tooMuch.error.contains("details: ") && tooMuch.error.contains("\"carriable\":\"265000000\""), "\(tooMuch.error)")
        #expect(tooMuch.output.isEmpty)
        let badGround = try await treasury(["year", "carry-over", "--allocation", a, "--amount", "1", "--ground", "LATE", "--decision", "QD-CO-4"],
                                           token: world.budget.token, port: port)
        #expect(badGround.status == 1)
        #expect(badGround.error.contains("INVALID_ARGUMENT/FIELD_INVALID") && badGround.error.contains("params.ground"), "\(badGround.error)")
        let noDecision = try await treasury(["year", "carry-over", "--allocation", a, "--amount", "1", "--ground", "OTHER"],
                                            token: world.budget.token, port: port)
        #expect(noDecision.status == 64, "\(noDecision.error)")

        // The settlement while the year is open: nothing lapsed yet, the unapproved order pending.
        let open = try await treasury(["year", "settlement", "--fiscal-year", "2081", "--treasury", world.treasury], token: world.auditor.token, port: port)
        #expect(open.status == 0, "\(open.error)")
        #expect(lines(open) == [
            "appropriated  allocated  spent      advance_outstanding  carried_over  lapsed  committed  pending",
            "------------  ---------  ---------  -------------------  ------------  ------  ---------  -------",
            "1000000000    700000000  200000000  80000000             80000000      0       0          5000000",
            "count        1",
            "fiscal_year  2081",
            "closed       false",
        ], "\(open.output)")

        // Too early to close: refused with the reason, nothing on stdout; the treasury's own chief is out of scope.
        clock.set(Self.at("2082-01-20"))
        let early = try await treasury(["year", "close", "--fiscal-year", "2081"], token: province.token, port: port)
        #expect(early.status == 1)
        #expect(early.error.contains(
            "error: FAILED_PRECONDITION/ADJUSTMENT_PERIOD_OPEN: fiscal year 2081 closes after its adjustment period, which ends on 2082-01-31"),
                "\(early.error)")
        #expect(early.error.contains("\"adjustment_period_ends\":\"2082-01-31\""), "\(early.error)")
        #expect(early.output.isEmpty)
        let outOfScope = try await treasury(["year", "close", "--fiscal-year", "2081"], token: world.chief.token, port: port)
        #expect(outOfScope.status == 1)
        #expect(outOfScope.error.contains("PERMISSION_DENIED/OUT_OF_SCOPE"), "\(outOfScope.error)")

        // 1 February: the close. Lapsed: R1's own 300, A 600 - 200 - 50 - 80 = 270, D 100 - 30 = 70.
        clock.set(Self.at("2082-02-01"))
        let closed = try await treasury(["year", "close", "--fiscal-year", "2081"], token: province.token, port: port)
        #expect(closed.status == 0, "\(closed.error)")
        let table = lines(closed)
        #expect(Array(table.prefix(5)) == ["fiscal_year     2081", "status          CLOSED", "lapsed          640000000",
                                            "carried_over    80000000", "orders_stopped  1"], "\(closed.output)")
        // closed_at is the database's time of the close, not the injected clock's.
        #expect(table.count > 5 && table[5].hasPrefix("closed_at       20") && !table[5].hasSuffix(" "), "\(closed.output)")
        let rolled = table.firstIndex(of: "advances rolled forward") ?? table.count, recover = table.firstIndex(of: "advances to recover") ?? table.count
        #expect(rolled < recover && recover < table.count, "\(closed.output)")
        #expect(table[min(rolled + 1, table.count - 1)].hasPrefix("order_id") && table[min(rolled + 1, table.count - 1)].hasSuffix("  outstanding"),
                "\(closed.output)")
        #expect(table[rolled..<recover].contains { $0.hasPrefix(advanceA + " ") && $0.hasSuffix("  50000000") }, "\(closed.output)")
        #expect(table[min(recover + 1, table.count - 1)].hasSuffix("  outstanding  due_on"), "\(closed.output)")
        #expect(table[recover...].contains { $0.hasPrefix(advanceD + " ") && $0.hasSuffix("  30000000     2082-02-15") }, "\(closed.output)")
        #expect(!closed.output.contains(unapproved + " "), "the stopped order is counted, not listed")
        let order = try await world.auditor.mustRead("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(unapproved)])
        #expect(order["status"] == .string("CANCELLED"))
        let next = try await world.budget.read("treasury.v1.Budget/List", ["fiscal_year": .integer(2082), "treasury_code": .string(world.treasury)])
        #expect(next.items.compactMap(\.objectValue).map { [$0["carried_over_from"], $0["amount"]] } == [[.string(a), .string("80000000")]],
                "\(next.items)")

        let again = try await treasury(["year", "close", "--year", "2081", "--json"], token: province.token, port: port)
        #expect(again.status == 1)
        #expect(again.error.contains("error: FAILED_PRECONDITION/YEAR_ALREADY_CLOSED: fiscal year 2081 is already closed"), "\(again.error)")
        #expect(again.output.isEmpty)

        // The settlement of the closed year: appropriated = spent + advance outstanding + carried + lapsed.
        let settled = try await treasury(["year", "settlement", "--fiscal-year", "2081", "--treasury", world.treasury], token: world.auditor.token, port: port)
        #expect(settled.status == 0, "\(settled.error)")
        #expect(lines(settled) == [
            "appropriated  allocated  spent      advance_outstanding  carried_over  lapsed     committed  pending",
            "------------  ---------  ---------  -------------------  ------------  ---------  ---------  -------",
            "1000000000    700000000  200000000  80000000             80000000      640000000  0          0",
            "count        1",
            "fiscal_year  2081",
            "closed       true",
        ], "\(settled.output)")
        // Grouped (comma-separated keys): the unit's own allocations, then the appropriation's own share (no unit).
        let grouped = try await treasury(["year", "settlement", "--fiscal-year", "2081", "--treasury", world.treasury, "--group-by", "unit_code,purpose"],
                                         token: world.auditor.token, port: port)
        #expect(grouped.status == 0, "\(grouped.error)")
        #expect(Array(lines(grouped).prefix(4)) == [
            "unit_code  purpose    appropriated  allocated  spent      advance_outstanding  carried_over  lapsed     committed  pending",
            "---------  ---------  ------------  ---------  ---------  -------------------  ------------  ---------  ---------  -------",
            "\(world.unit)    RECURRENT  700000000     700000000  200000000  80000000             80000000      340000000  0          0",
            "           RECURRENT  300000000     0          0          0                    0             300000000  0          0",
        ], "\(grouped.output)")
        #expect(lines(grouped).contains("count        2") && lines(grouped).contains("closed       true"), "\(grouped.output)")
        let csv = try await treasury(["year", "settlement", "--year", "2081", "--treasury", world.treasury, "--group-by", "unit_code", "--csv"],
                                     token: world.auditor.token, port: port)
        #expect(lines(csv) == ["unit_code,appropriated,allocated,spent,advance_outstanding,carried_over,lapsed,committed,pending",
                               "\(world.unit),700000000,700000000,200000000,80000000,80000000,340000000,0,0",
                               ",300000000,0,0,0,0,300000000,0,0"], "\(csv.output)")
        let json = lines(try await treasury(["year", "settlement", "--fiscal-year", "2081", "--treasury", world.treasury, "--json"],
                                            token: world.auditor.token, port: port))
        #expect(json.count == 2 && (try? JSON.parse(json[0]))?.objectValue?["lapsed"] == .string("640000000"), "\(json)")
        #expect(json.last == "{\"count\":1,\"fiscal_year\":2081,\"closed\":true}", "\(json)")
        let badKey = try await treasury(["year", "settlement", "--fiscal-year", "2081", "--group-by", "project_code"], token: world.auditor.token, port: port)
        #expect(badKey.status == 1)
        #expect(badKey.error.contains("INVALID_ARGUMENT/FIELD_INVALID") && badKey.error.contains("params.group_by"), "\(badKey.error)")
    }
}
