import Foundation
import PostgresClient
import Testing
import TreasuryClient
import TreasuryDomain
import TreasuryProtocol

/// Revenue over TCP (a closed month in 2041, a year no other suite posts into): the split, the ledger, every reason with proof nothing changed,
/// idempotency under retries and races, batches, refunds, reconciliation and the summary.
/// Serialized: the races below fill the shared pool on purpose; run side by side on this
/// 2-core machine they pushed unrelated calls past the 30 s default deadline.
@Suite(.serialized) struct RevenueTests {
    /// The reference rule, written from API.md: floor each, remainder to the largest weight,
    /// ties to the higher level (the smaller rank). Parts are given in rank order.
    static func reference(_ amount: Int64, _ weights: [Int64]) -> [Int64] {
        let total = weights.reduce(0, +)
        var parts = weights.map { Int64(total).dividingFullWidth(amount.multipliedFullWidth(by: $0)).quotient }
        var best = 0
        for index in weights.indices where weights[index] > weights[best] { best = index }
        parts[best] += amount - parts.reduce(0, +)
        return parts
    }

    @Test func splitAmountInSQLEqualsProportionalSplitAndTheRuleForThousandsOfCases() async throws {
        let environment = try await TestEnvironment.get()
        let database = try environment.database()
        var generator = SystemRandomNumberGenerator()
        var cases: [(Int64, [Int64])] = [(1_000_001, [3000, 3333, 3667]), (400_000, [300_000, 333_300, 366_701]), (1, [5000, 5000]), (7, [0, 10_000])]
        for index in 0..<4000 {
            let count = Int.random(in: 1...4, using: &generator)
            var weights: [Int64]
            if index % 2 == 0 {
                // Basis points summing to 10000, often with ties.
                var left: Int64 = 10_000
                weights = (0..<(count - 1)).map { _ in
                    let part = Bool.random(using: &generator) ? min(left, 2500) : Int64.random(in: 0...left, using: &generator)
                    left -= part
                    return part
                } + [left]
            } else {
                // A refund: weights are a collection's shares.
                weights = (0..<count).map { _ in Int64.random(in: 0...1_000_000_000_000, using: &generator) }
                if weights.allSatisfy({ $0 == 0 }) { weights[0] = 1 }
            }
            let amount = index % 3 == 0 ? Int64.random(in: 1...Money.maximum, using: &generator) : Int64.random(in: 1...10_000, using: &generator)
            cases.append((amount, weights))
        }
        for chunk in stride(from: 0, to: cases.count, by: 500) {
            let slice = Array(cases[chunk..<min(chunk + 500, cases.count)])
            let input = JSON.array(slice.enumerated().map { index, item in
                .object(["i": .integer(index), "a": .integer(item.0), "w": .array(item.1.map { .integer($0) }),
                         "r": .array(item.1.indices.map { .integer($0 + 1) })])
            })
            let rows = try database.query(
                """
                SELECT x.i, array_to_string(treasury.split_amount(x.a, x.w, x.r), ',') AS parts
                FROM jsonb_to_recordset($1::jsonb) AS x(i int, a bigint, w bigint[], r int[]) ORDER BY x.i
                """, [input.serialized()]).rows
            #expect(rows.count == slice.count)
            for row in rows {
                let index = try row.decode(Int.self, "i")
                let (amount, weights) = slice[index]
                let sql = (row["parts"] ?? "").split(separator: ",").compactMap { Int64($0) }
                let swift = proportionalSplit(amount: amount, weights: weights)
                #expect(sql == swift, "split_amount(\(amount), \(weights)) = \(sql), proportionalSplit = \(swift)")
                #expect(sql == Self.reference(amount, weights), "split_amount(\(amount), \(weights)) breaks the rule")
                #expect(sql.reduce(0, +) == amount)
            }
        }
    }

    @Test func aBankCollectionPostsOneEntryWithARevenueLinePerLevelAndNoDossier() async throws {
        let revenue = try await RevenueWorld.make(try await TestEnvironment.get())
        let before = try revenue.snapshot()
        let result = try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(1_000_001))
        #expect(RevenueWorld.shares(result) == ["CENTRAL": 300_000, "PROVINCE": 333_300, "COMMUNE": 366_701])
        #expect(result["dossier_id"] == nil, "a collection forwarded by a bank is not a dossier")
        let after = try revenue.snapshot()
        #expect(after[0] == before[0] + 1 && after[1] == before[1] + 1 && after[2] == before[2], "one collection, one entry, no dossier")
        let entry = try await revenue.world.auditor.mustRead("treasury.v1.Ledger/GetEntry", ["entry_id": result["entry_id"] ?? .null])
        let lines = entry["lines"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(lines.count == 4)
        let debit = lines.filter { $0["gl_account"]?.stringValue == "1130" }
        #expect(debit.count == 1 && debit.first?["debit"]?.stringValue == "1000001")
        var credits: [String: String] = [:]
        for line in lines where line["gl_account"]?.stringValue == "7111" {
            credits[line["segments"]?.objectValue?["budget_level"]?.stringValue ?? "?"] = line["credit"]?.stringValue
        }
        #expect(credits == ["CENTRAL": "300000", "PROVINCE": "333300", "COMMUNE": "366701"])
        #expect(entry["source"]?.objectValue?["kind"]?.stringValue == "COLLECTION")
    }

    @Test func anOfficerCollectionIsADossierAndItsReplayReturnsTheFirstResult() async throws {
        let revenue = try await RevenueWorld.make(try await TestEnvironment.get())
        var params = revenue.collection(500_000)
        params["channel"] = .string("COUNTER")
        let first = try await revenue.world.officer.must("treasury.v1.Revenue/RecordCollection", params)
        let dossier = first["dossier_id"]?.stringValue
        #expect(dossier != nil)
        let got = try await revenue.world.officer.mustRead("treasury.v1.Dossiers/Get", ["dossier_id": .string(dossier ?? "0")])
        #expect(got["procedure"] == .string("REVENUE_COLLECTION"))
        #expect(got["channel"] == .string("COUNTER"))
        let before = try revenue.snapshot()
        let again = try await revenue.world.officer.must("treasury.v1.Revenue/RecordCollection", params)
        #expect(again["collection_id"] == first["collection_id"] && again["entry_id"] == first["entry_id"] && again["dossier_id"] == first["dossier_id"])
        #expect(again["replayed"] == .bool(true))
        #expect(try revenue.snapshot() == before, "a replay records nothing, not even a dossier")
    }

    @Test func everyReasonRefusesAndChangesNothing() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let world = revenue.world
        let n = TestEnvironment.next()
        let oldChapter = "Z\(n % 100_000)"
        try await world.admin.must("treasury.v1.Reference/PutCode", ["kind": .string("CHAPTER"), "code": .string(oldChapter), "name": .string("old"),
                                                                     "valid_from": .string("2000-01-01"), "valid_to": .string("2001-12-31")])
        let recorded = try await world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(1_000, ref: "R-\(n)"))
        let before = try revenue.snapshot()
        func expectRefused(_ response: CallResponse, _ code: String, _ reason: String, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(response.code == code, "\(response.terminalLine)", sourceLocation: sourceLocation)
            #expect(response.reason == reason, "\(response.terminalLine)", sourceLocation: sourceLocation)
            if let field { #expect(response.error?.details?["field"] == .string(field), "\(response.terminalLine)", sourceLocation: sourceLocation) }
            #expect(try revenue.snapshot() == before, "\(reason) changed something", sourceLocation: sourceLocation)
        }
        let record = "treasury.v1.Revenue/RecordCollection"
        try expectRefused(try await world.bank.mutate(record, revenue.collection(1_000, economic: "1001")), "FAILED_PRECONDITION", "NO_SHARING_RULE")
        try expectRefused(try await world.bank.mutate(record, revenue.collection(1_000, chapter: oldChapter)), "FAILED_PRECONDITION", "CODE_NOT_VALID", field: "params.chapter")
        try expectRefused(try await world.bank.mutate(record, revenue.collection(2_000, ref: "R-\(n)")), "ALREADY_EXISTS", "DUPLICATE_BANK_REF")
        try expectRefused(try await world.bank.mutate(record, revenue.collection(1_000, bank: "BIDV")), "PERMISSION_DENIED", "OUT_OF_SCOPE")
        try expectRefused(try await revenue.tax.mutate(record, revenue.collection(1_000)), "PERMISSION_DENIED", "ROLE_NOT_ALLOWED")
        var noPayer = revenue.collection(1_000)
        noPayer["payer"] = nil
        try expectRefused(try await world.bank.mutate(record, noPayer), "INVALID_ARGUMENT", "FIELD_REQUIRED", field: "params.payer")

        let put = "treasury.v1.Revenue/PutSharingRule"
        let otherArea = "8\(String(format: "%04d", n % 10_000))"
        try await world.admin.must("treasury.v1.Reference/PutArea", ["code": .string(otherArea), "name": .string("Other \(n)")])
        let notHundred = try await revenue.rules.mutate(put, revenue.ruleParams([("CENTRAL", 3000), ("PROVINCE", 6999)]))
        try expectRefused(notHundred, "INVALID_ARGUMENT", "SHARES_NOT_100", field: "params.shares")
        try expectRefused(try await revenue.rules.mutate(put, revenue.ruleParams([("CENTRAL", 3000), ("NOWHERE", 7000)])),
                          "NOT_FOUND", "BUDGET_LEVEL_NOT_FOUND", field: "params.shares[1].budget_level")
        try expectRefused(try await revenue.rules.mutate(put, revenue.ruleParams([("CENTRAL", 10_000)], economic: "ZZ\(n % 1000)")),
                          "FAILED_PRECONDITION", "CODE_NOT_VALID", field: "params.economic_code")
        try expectRefused(try await world.budget.mutate(put, revenue.ruleParams([("CENTRAL", 10_000)])), "PERMISSION_DENIED", "OUT_OF_SCOPE")
        let unchangedRule = try await revenue.rules.mutate(put, revenue.ruleParams([("CENTRAL", 5000), ("PROVINCE", 5001)], area: otherArea))
        #expect(unchangedRule.reason == "SHARES_NOT_100")
        let otherRules = try environment.database().query("SELECT count(*) AS n FROM sharing_rules WHERE area_code = $1", [otherArea]).first
        #expect(try otherRules?.decode(Int64.self, "n") == 0)

        let refund = "treasury.v1.Revenue/Refund"
        let collectionID = recorded["collection_id"] ?? .null
        try await revenue.tax.must(refund, ["collection_id": collectionID, "amount": .string("400"), "decision_no": .string("D-\(n)")])
        let afterRefund = try revenue.snapshot()
        let exceeds = try await revenue.tax.mutate(refund, ["collection_id": collectionID, "amount": .string("601"), "decision_no": .string("D2-\(n)")])
        #expect(exceeds.reason == "REFUND_EXCEEDS_COLLECTION")
        #expect(exceeds.code == "FAILED_PRECONDITION")
        let duplicate = try await revenue.tax.mutate(refund, ["collection_id": collectionID, "amount": .string("10"), "decision_no": .string("D-\(n)")])
        #expect(duplicate.code == "ALREADY_EXISTS" && duplicate.reason == "DUPLICATE_DECISION", "\(duplicate.terminalLine)")
        let missing = try await revenue.tax.mutate(refund, ["collection_id": .string("999999999999"), "amount": .string("10"), "decision_no": .string("D3-\(n)")])
        #expect(missing.code == "NOT_FOUND" && missing.reason == "COLLECTION_NOT_FOUND")
        let byBank = try await world.bank.mutate(refund, ["collection_id": collectionID, "amount": .string("10"), "decision_no": .string("D4-\(n)")])
        #expect(byBank.reason == "ROLE_NOT_ALLOWED")
        #expect(try revenue.snapshot() == afterRefund, "refused refunds changed something")
    }

    @Test func postingsIntoAClosedMonthAreRefusedWithPeriodClosed() async throws {
        let environment = try await TestEnvironment.get()
        let day = TreasuryTime.LocalDate("2041-01-15")!
        let port = try await environment.startServer(clock: ManualClock(TreasuryTime.instant(of: day, secondsOfDay: 10 * 3600)))
        let revenue = try await RevenueWorld.make(environment, port: port, today: day)
        let collected = try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(900))
        let chief = try await RevenueWorld.user(revenue.world, "CHIEF_ACCOUNTANT", "*", TestEnvironment.next())
        let closed = try await chief.mutate("treasury.v1.Periods/Close", ["fiscal_year": .integer(2041), "month": .integer(1)])
        #expect(closed.error == nil, "\(closed.terminalLine)")
        let before = try revenue.snapshot()
        let response = try await revenue.world.bank.mutate("treasury.v1.Revenue/RecordCollection", revenue.collection(900))
        #expect(response.code == "FAILED_PRECONDITION" && response.reason == "PERIOD_CLOSED", "\(response.terminalLine)")
        let refund = try await revenue.tax.mutate("treasury.v1.Revenue/Refund", [
            "collection_id": collected["collection_id"] ?? .null, "amount": .string("1"), "decision_no": .string("PC-\(UUID())")])
        #expect(refund.code == "FAILED_PRECONDITION" && refund.reason == "PERIOD_CLOSED", "\(refund.terminalLine)")
        #expect(try revenue.snapshot() == before)
    }

    @Test func theSameCollectionSentFiftyTimesConcurrentlyIsRecordedOnce() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let params = revenue.collection(777_777)
        let token = revenue.world.bank.token
        let results = try await withThrowingTaskGroup(of: JSONObject.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: token)
                    defer { Task { await session.connection.close() } }
                    var response = try await session.mutate("treasury.v1.Revenue/RecordCollection", params, deadlineMs: 120_000)
                    // ABORTED and UNAVAILABLE are retryable by contract; a retry uses the same key.
                    while response.code == "ABORTED" || response.code == "UNAVAILABLE" {
                        response = try await session.mutate("treasury.v1.Revenue/RecordCollection", params, deadlineMs: 120_000)
                    }
                    #expect(response.error == nil, "\(response.terminalLine)")
                    return response.object
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 50)
        #expect(Set(results.compactMap { $0["collection_id"]?.stringValue }).count == 1)
        #expect(Set(results.compactMap { $0["entry_id"]?.stringValue }).count == 1)
        #expect(results.filter { $0["replayed"] == .bool(false) }.count == 1)
        let count = try environment.database().query("SELECT count(*) AS n FROM collections WHERE bank_ref = $1", [params["bank_ref"]!.stringValue!]).first
        #expect(try count?.decode(Int64.self, "n") == 1)
    }

    @Test func aBatchAnswersEachItemOnItsOwnAndPostsTheValidOnes() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let bank = revenue.world.bank
        let earlier = revenue.collection(3_000)
        let earlierResult = try await bank.must("treasury.v1.Revenue/RecordCollection", earlier)
        let a = revenue.collection(10_000), b = revenue.collection(20_001)
        var aOther = a
        aOther["amount"] = .string("10001")
        var badAmount = revenue.collection(1)
        badAmount["amount"] = .string("12x")
        var noPayer = revenue.collection(5)
        noPayer["payer"] = nil
        let items: [JSONObject] = [a, b, a, aOther, earlier, badAmount, revenue.collection(5, economic: "1001"), revenue.collection(5, bank: "BIDV"), noPayer]
        let before = try revenue.snapshot()
        let response = try await bank.mutate("treasury.v1.Revenue/RecordCollections", ["collections": .array(items.map(JSON.object))])
        #expect(response.error == nil, "\(response.terminalLine)")
        let results = response.object["results"]?.arrayValue?.map { $0.objectValue ?? [:] } ?? []
        #expect(results.count == items.count)
        guard results.count == items.count else { return }
        func error(_ index: Int) -> JSONObject { results[index]["error"]?.objectValue ?? [:] }
        #expect(results[0]["collection_id"] != nil && results[1]["collection_id"] != nil)
        #expect(RevenueWorld.shares(results[1]).values.reduce(0, +) == 20_001)
        #expect(results[2]["collection_id"] == results[0]["collection_id"] && results[2]["entry_id"] == results[0]["entry_id"], "the same item twice is recorded once")
        #expect(results[2]["replayed"] == .bool(true) && results[0]["replayed"] == .bool(false))
        #expect(error(3)["reason"] == .string("DUPLICATE_BANK_REF") && error(3)["code"] == .string("ALREADY_EXISTS"))
        #expect(results[4]["collection_id"] == earlierResult["collection_id"] && results[4]["replayed"] == .bool(true))
        #expect(error(5)["code"] == .string("INVALID_ARGUMENT") && error(5)["details"]?.objectValue?["field"] == .string("params.collections[5].amount"))
        #expect(error(6)["reason"] == .string("NO_SHARING_RULE"))
        #expect(error(7)["code"] == .string("PERMISSION_DENIED") && error(7)["reason"] == .string("OUT_OF_SCOPE"))
        #expect(error(8)["reason"] == .string("FIELD_REQUIRED") && error(8)["details"]?.objectValue?["field"] == .string("params.collections[8].payer"))
        let after = try revenue.snapshot()
        #expect(after[0] == before[0] + 2 && after[1] == before[1] + 2, "exactly the two new valid collections are posted")
        // The single call agrees with the batch about an item the batch recorded.
        let single = try await bank.must("treasury.v1.Revenue/RecordCollection", b)
        #expect(single["collection_id"] == results[1]["collection_id"] && single["shares"] == results[1]["shares"])

        for (collections, code) in [(JSON.array([]), "INVALID_ARGUMENT"), (JSON.string("x"), "INVALID_ARGUMENT"),
                                    (JSON.array(Array(repeating: JSON.object([:]), count: 10_001)), "OUT_OF_RANGE")] {
            let refused = try await bank.mutate("treasury.v1.Revenue/RecordCollections", ["collections": collections])
            #expect(refused.code == code, "\(refused.terminalLine)")
        }
        #expect(try revenue.snapshot()[0] == after[0])
    }

    /// The fields' formats are the service's alone (record_collections checks none): each bad
    /// field is answered with its path before SQL, the database's refusals keep their field paths.
    @Test func eachFieldIsAnsweredWithItsPathAndOnlyTheValidItemIsPosted() async throws {
        let revenue = try await RevenueWorld.make(try await TestEnvironment.get())
        let bank = revenue.world.bank
        func item(_ change: (inout JSONObject) -> Void) -> JSON {
            var object = revenue.collection(1_000)
            change(&object)
            return .object(object)
        }
        let payer = { (tax: String, name: String) in JSON.object(["tax_id": .string(tax), "name": .string(name)]) }
        let cases: [(JSON, String, String, String)] = [
            (item { $0["bank_ref"] = .string("") }, "INVALID_ARGUMENT", "FIELD_INVALID", "bank_ref"),
            (item { $0["payer"] = payer("0101234567", "") }, "INVALID_ARGUMENT", "FIELD_INVALID", "payer.name"),
            (item { $0["payer"] = payer("", "A payer") }, "INVALID_ARGUMENT", "FIELD_INVALID", "payer.tax_id"),
            (item { $0["revenue_id"] = .string("") }, "INVALID_ARGUMENT", "FIELD_INVALID", "revenue_id"),
            (item { $0["collected_on"] = .string("2030-02-30") }, "INVALID_ARGUMENT", "FIELD_INVALID", "collected_on"),
            (item { $0["amount"] = .string("0") }, "INVALID_ARGUMENT", "FIELD_INVALID", "amount"),
            (item { $0["amount"] = .string("1000000000000000001") }, "OUT_OF_RANGE", "AMOUNT_OUT_OF_RANGE", "amount"),
            (item { $0["chapter"] = .string("5a7") }, "INVALID_ARGUMENT", "FIELD_INVALID", "chapter"),
            (item { $0["dossier_id"] = .string("1") }, "INVALID_ARGUMENT", "UNKNOWN_FIELD", "dossier_id"),
            (item { $0["treasury_code"] = .string("0009") }, "NOT_FOUND", "TREASURY_NOT_FOUND", "treasury_code"),
            (item { $0["area_code"] = .string("00009") }, "NOT_FOUND", "AREA_NOT_FOUND", "area_code"),
            (item { $0["chapter"] = .string("ZZZ9") }, "FAILED_PRECONDITION", "CODE_NOT_VALID", "chapter"),
        ]
        let before = try revenue.snapshot()
        let response = try await bank.mutate("treasury.v1.Revenue/RecordCollections",
                                             ["collections": .array(cases.map(\.0) + [item { _ in }])])
        #expect(response.error == nil, "\(response.terminalLine)")
        let results = response.object["results"]?.arrayValue?.map { $0.objectValue ?? [:] } ?? []
        #expect(results.count == cases.count + 1)
        guard results.count == cases.count + 1 else { return }
        for (index, (_, code, reason, field)) in cases.enumerated() {
            let error = results[index]["error"]?.objectValue ?? [:]
            #expect(error["code"] == .string(code) && error["reason"] == .string(reason)
                    && error["details"]?.objectValue?["field"] == .string("params.collections[\(index)].\(field)"), "\(index): \(error)")
        }
        #expect(results[cases.count]["collection_id"] != nil, "the valid item is posted")
        let after = try revenue.snapshot()
        #expect(after[0] == before[0] + 1 && after[1] == before[1] + 1, "only the valid item is posted")

        // The single call answers the same, with its own paths.
        let single = try await bank.mutate("treasury.v1.Revenue/RecordCollection", item { $0["bank_ref"] = .string("") }.objectValue!)
        #expect(single.code == "INVALID_ARGUMENT" && single.reason == "FIELD_INVALID"
                && single.error?.details?["field"] == .string("params.bank_ref"), "\(single.terminalLine)")
        let unknownArea = try await bank.mutate("treasury.v1.Revenue/RecordCollection", item { $0["area_code"] = .string("00009") }.objectValue!)
        #expect(unknownArea.code == "NOT_FOUND" && unknownArea.reason == "AREA_NOT_FOUND"
                && unknownArea.error?.details?["field"] == .string("params.area_code"), "\(unknownArea.terminalLine)")
        #expect(try revenue.snapshot() == after)
    }

    @Test func tenConcurrentRefundsOfOneCollectionNeverExceedIt() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let collected = try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(1_000))
        let id = collected["collection_id"] ?? .null
        let token = revenue.tax.token
        let responses = try await withThrowingTaskGroup(of: CallResponse.self) { group in
            for index in 0..<10 {
                group.addTask {
                    let session = Session(connection: try await environment.client(), token: token)
                    defer { Task { await session.connection.close() } }
                    var response: CallResponse
                    repeat {
                        response = try await session.mutate("treasury.v1.Revenue/Refund", [
                            "collection_id": id, "amount": .string("150"), "decision_no": .string("RACE-\(UUID().uuidString)-\(index)")], deadlineMs: 120_000)
                    } while response.code == "ABORTED"
                    return response
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let succeeded = responses.filter { $0.error == nil }
        #expect(succeeded.count == 6)
        #expect(responses.filter { $0.reason == "REFUND_EXCEEDS_COLLECTION" }.count == 4)
        let total = try environment.database().query("SELECT coalesce(sum(amount), 0) AS s FROM refunds WHERE collection_id = $1",
                                                     [Int64(id.stringValue ?? "") ?? 0]).first
        #expect(try total?.decode(Int64.self, "s") == 900)
        // Proportional: 150 of shares {300, 333, 367} → floor 45, 49, 55 = 149; the đồng left goes to the largest share.
        #expect(RevenueWorld.shares(succeeded.first?.object ?? [:]) == ["CENTRAL": 45, "PROVINCE": 49, "COMMUNE": 56])
        #expect(succeeded.allSatisfy { $0.object["dossier_id"]?.stringValue != nil }, "a refund is a REVENUE_REFUND dossier")
    }

    @Test func reconciliationFindsEachKindOfDifference() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let bank = revenue.ownBankUser, code = revenue.ownBank
        let today = TreasuryTime.localDate(of: Date()).description
        for (ref, amount) in [("X", 100), ("Y", 200), ("Z", 300)] as [(String, Int64)] {
            try await bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(amount, ref: "\(code)-\(ref)", bank: code, collectedOn: today))
        }
        let account = try await revenue.world.account()
        try await bank.must("treasury.v1.Accounts/Deposit", ["account_no": .string(account), "amount": .string("50"), "bank_code": .string(code),
                                                             "bank_ref": .string("\(code)-DEP")])
        let result = try await bank.must("treasury.v1.Revenue/ImportBankStatement", [
            "bank_code": .string(code), "statement_date": .string(today), "lines": .array([
                .object(["bank_ref": .string("\(code)-X"), "amount": .string("100")]),
                .object(["bank_ref": .string("\(code)-Y"), "amount": .string("250")]),
                .object(["bank_ref": .string("\(code)-W"), "amount": .string("70")]),
                .object(["bank_ref": .string("\(code)-DEP"), "amount": .string("50")]),
            ])])
        #expect(result["matched"]?.integerValue == 2)
        #expect(result["amount_mismatch"] == .array([.object(["bank_ref": .string("\(code)-Y"), "bank_amount": .string("250"), "treasury_amount": .string("200")])]))
        #expect(result["missing_in_treasury"] == .array([.object(["bank_ref": .string("\(code)-W"), "bank_amount": .string("70")])]))
        #expect(result["missing_in_bank"] == .array([.object(["bank_ref": .string("\(code)-Z"), "treasury_amount": .string("300")])]))
        let other = try await revenue.world.bank.mutate("treasury.v1.Revenue/ImportBankStatement", [
            "bank_code": .string(code), "statement_date": .string(today), "lines": .array([])])
        #expect(other.reason == "OUT_OF_SCOPE", "a bank imports only its own statements")
        let twice = try await bank.mutate("treasury.v1.Revenue/ImportBankStatement", [
            "bank_code": .string(code), "statement_date": .string(today), "lines": .array([
                .object(["bank_ref": .string("A"), "amount": .string("1")]), .object(["bank_ref": .string("A"), "amount": .string("2")])])])
        #expect(twice.code == "INVALID_ARGUMENT" && twice.error?.details?["field"] == .string("params.lines[1].bank_ref"))
    }

    @Test func theSummaryGivesCollectedRefundedAndNetPerLevel() async throws {
        let environment = try await TestEnvironment.get()
        let revenue = try await RevenueWorld.make(environment)
        let first = try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(1_000_001))
        try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(10_000))
        try await revenue.tax.must("treasury.v1.Revenue/Refund", ["collection_id": first["collection_id"] ?? .null, "amount": .string("400000"),
                                                                  "decision_no": .string("S-\(UUID().uuidString)")])
        let summary = try await revenue.world.auditor.mustRead("treasury.v1.Revenue/Summary", [
            "fiscal_year": .integer(revenue.year), "treasury_code": .string(revenue.world.treasury)])
        var levels: [String: [String]] = [:]
        for level in summary["levels"]?.arrayValue?.compactMap(\.objectValue) ?? [] {
            levels[level["budget_level"]?.stringValue ?? "?"] = ["collected", "refunded", "net"].map { level[$0]?.stringValue ?? "" }
        }
        // 1000001 → 300000/333300/366701; 10000 → 3000/3333/3667; the refund 400000 → 119999/133319/146682.
        #expect(levels["CENTRAL"] == ["303000", "119999", "183001"])
        #expect(levels["PROVINCE"] == ["336633", "133319", "203314"])
        #expect(levels["COMMUNE"] == ["370368", "146682", "223686"])
        #expect(summary["total"] == .object(["collected": .string("1010001"), "refunded": .string("400000"), "net": .string("610001")]))
        let outside = try await revenue.world.auditor.read("treasury.v1.Revenue/Summary", ["fiscal_year": .integer(revenue.year)])
        #expect(outside.reason == "OUT_OF_SCOPE", "without a treasury the summary covers everything: scope * only")
    }
}
