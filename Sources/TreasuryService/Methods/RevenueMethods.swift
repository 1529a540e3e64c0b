import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Revenue: sharing rules, collections (one and in batches), refunds, the summary and bank
/// statement reconciliation. The write paths are the schema's one-round-trip functions
/// (`record_collections`, `record_refund`, `import_bank_statement`, docs/schema.md); the
/// service adds authorization, dossiers and the error shapes of the protocol.
enum RevenueMethods {
    static var all: [MethodDeclaration] {
        [putSharingRule, recordCollection, recordCollections, refund, summary, importBankStatement]
    }

    static let bankCode = ParamType.string(.upperAlphanumeric(2...11), maximumLength: 11)
    static let code = ParamType.string(.upperAlphanumeric(1...10), maximumLength: 10)
    static let identifier = ParamType.string(.digits(1...18), maximumLength: 18)
    static let maximumBatch = 10_000

    /// The fields of one collection: RecordCollection's params and each item of RecordCollections.
    /// These are the only checks of the fields' formats: `record_collections` checks none (a
    /// direct caller's malformed item fails on a cast or on a table's constraint), and decides
    /// only what needs the database (collectionReasons but AMOUNT_OUT_OF_RANGE, which is .money's).
    static let collectionFields: [Field] = [
        Field("bank_code", bankCode), Field("bank_ref", .string(.nonEmptyText, maximumLength: 64)), Field("collected_on", .date),
        Field("payer", .object([.optional("tax_id", .string(.nonEmptyText, maximumLength: 20)),
                                Field("name", .string(.nonEmptyText, maximumLength: 200))])),
        .optional("revenue_id", .string(.nonEmptyText, maximumLength: 64)), Field("chapter", code), Field("economic_code", code),
        Field("area_code", .string(.digits(5), maximumLength: 5)), Field("treasury_code", .string(.digits(4), maximumLength: 4)),
        Field("amount", .money),
    ]

    static let collectionReasons = [
        "BANK_NOT_FOUND", "TREASURY_NOT_FOUND", "AREA_NOT_FOUND", "DOSSIER_NOT_FOUND", "CODE_NOT_VALID", "PERIOD_CLOSED",
        "NO_SHARING_RULE", "DUPLICATE_BANK_REF", "AMOUNT_OUT_OF_RANGE",
    ]

    // MARK: - PutSharingRule

    static let putSharingRule = MethodDeclaration(
        "treasury.v1.Revenue/PutSharingRule",
        "Creates or replaces the sharing rule of a fiscal year, economic code and (optionally) area: basis points per budget level summing to 10000.",
        roles: [.budgetAuthority],
        params: [Field("fiscal_year", .integer(1900...9999)), Field("economic_code", code), .optional("area_code", .string(.digits(5), maximumLength: 5)),
                 Field("shares", .array(.object([Field("budget_level", .string(.upperSnake, maximumLength: 64)),
                                                 Field("basis_points", .integer(0...10_000))]), count: 1...16))],
        reasons: ["SHARES_NOT_100", "BUDGET_LEVEL_NOT_FOUND", "AREA_NOT_FOUND", "CODE_NOT_VALID"],
        handler: .mutating { context, connection in
            let params = context.params
            let shares = params.object["shares"]?.arrayValue?.compactMap(\.objectValue) ?? []
            let levels = shares.map { $0["budget_level"]?.stringValue ?? "" }
            let points = shares.map { $0["basis_points"]?.integerValue ?? 0 }
            // Field checks first (INVALID_ARGUMENT, not stored): a clear field error before the schema's COMMIT check.
            for (index, level) in levels.enumerated() where levels[..<index].contains(level) {
                throw CallError.field("params.shares[\(index)].budget_level", "FIELD_INVALID", "budget level \(level) is listed twice")
            }
            let total = points.reduce(0, +)
            guard total == 10_000 else {
                throw CallError(.invalidArgument, "SHARES_NOT_100", "the shares sum to \(total) basis points, not 10000",
                                details: ["field": .string("params.shares"), "sum": .integer(total)])
            }
            return Staged(target: .global) {
                let year = params.integer("fiscal_year"), economic = params.string("economic_code"), area = params.optionalString("area_code")
                let known = Set(try connection.query("SELECT code FROM budget_levels WHERE code = ANY($1::text[])", [levels]).rows.compactMap { $0["code"] })
                if let index = levels.firstIndex(where: { !known.contains($0) }) {
                    throw CallError(.notFound, "BUDGET_LEVEL_NOT_FOUND", "budget level \(levels[index]) does not exist",
                                    details: ["field": .string("params.shares[\(index)].budget_level")])
                }
                if let area, try connection.query("SELECT 1 FROM areas WHERE code = $1", [area]).first == nil {
                    throw CallError(.notFound, "AREA_NOT_FOUND", "area \(area) does not exist", details: ["field": .string("params.area_code")])
                }
                // Valid on some day of the fiscal year (a rule is per year; collections check the day itself).
                let valid = try connection.query(
                    """
                    SELECT 1 FROM classification_codes WHERE kind = 'ECONOMIC' AND code = $1
                      AND valid_from <= make_date($2::int, 12, 31) AND (valid_to IS NULL OR valid_to >= make_date($2::int, 1, 1))
                    """, [economic, year]).first
                guard valid != nil else {
                    throw CallError(.failedPrecondition, "CODE_NOT_VALID", "economic code \(economic) is not valid in \(year)",
                                    details: ["field": .string("params.economic_code")])
                }
                let rule = try connection.query(
                    """
                    INSERT INTO sharing_rules (fiscal_year, economic_code, area_code, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)
                    ON CONFLICT (fiscal_year, economic_code, area_key) DO UPDATE SET updated_by = EXCLUDED.updated_by
                    RETURNING id
                    """, [year, economic, area, context.caller.userID]).first
                let ruleID = try rule?.decode(Int64.self, "id") ?? 0
                try connection.query("DELETE FROM sharing_rule_shares WHERE rule_id = $1", [ruleID])
                let sharesJSON = JSON.array(zip(levels, points).map { .object(["budget_level": .string($0), "basis_points": .integer($1)]) })
                try connection.query(
                    """
                    INSERT INTO sharing_rule_shares (rule_id, budget_level, basis_points)
                    SELECT $1, x.budget_level, x.basis_points FROM jsonb_to_recordset($2::jsonb) AS x(budget_level text, basis_points int)
                    """, [ruleID, sharesJSON.serialized()])
                let stored = try connection.query(
                    """
                    SELECT s.budget_level, s.basis_points FROM sharing_rule_shares s JOIN budget_levels l ON l.code = s.budget_level
                    WHERE s.rule_id = $1 ORDER BY l.rank
                    """, [ruleID]).rows
                return .object([
                    "rule_id": .string(String(ruleID)), "fiscal_year": .integer(year), "economic_code": .string(economic),
                    "area_code": .optionalString(area),
                    "shares": .array(try stored.map { row -> JSON in
                        .object(["budget_level": .string(try row.decode(String.self, "budget_level")),
                                 "basis_points": .integer(try row.decode(Int64.self, "basis_points"))])
                    }),
                ])
            }
        })

    // MARK: - RecordCollection

    static let recordCollection = MethodDeclaration(
        "treasury.v1.Revenue/RecordCollection",
        "Records one collection of budget revenue: one journal entry with a revenue line per sharing level. (bank_code, bank_ref) is a business key. An officer's collection is a REVENUE_COLLECTION dossier; a bank's is not.",
        roles: [.bank, .treasuryOfficer],
        params: collectionFields + [CommonFields.channel],
        reasons: collectionReasons,
        handler: .mutating { context, connection in
            let bank = context.params.string("bank_code"), treasury = context.params.string("treasury_code")
            let chain = try SQL.treasuryAncestors(connection, treasury)
            guard !chain.isEmpty else {
                return Staged(target: nil) {
                    throw CallError(.notFound, "TREASURY_NOT_FOUND", "treasury \(treasury) does not exist", details: ["field": .string("params.treasury_code")])
                }
            }
            let target = AccessTarget.treasury(chain).only(["B:\(bank)"], for: .bank)
            return Staged(target: target) {
                // Forwarded by a bank (its grant covers the bank code): no dossier. Otherwise an officer at the counter.
                let viaBank = context.eligibleGrants.contains { $0.role == .bank && target.allows($0) }
                var item = collectionItem(context.params)
                var dossier: Int64?
                if !viaBank {
                    try connection.query("SAVEPOINT collection_dossier")
                    dossier = try Dossiers.open(connection, context, procedure: .revenueCollection, unit: nil, treasury: treasury,
                                                subjectKind: "COLLECTION", subjectID: "\(bank)/\(context.params.string("bank_ref"))", completed: true)
                    item["dossier_id"] = .string(String(dossier!))
                }
                let result = try record(connection, context, items: [.object(item)])[0]
                if let error = result["error"]?.objectValue {
                    throw itemError(error, prefix: "params.")
                }
                var object = result
                if let dossier {
                    // A replay of a collection recorded earlier keeps that collection's dossier (if any); ours is undone.
                    let stored = try connection.query("SELECT dossier_id FROM collections WHERE id = $1",
                                                      [Int64(result["collection_id"]?.stringValue ?? "") ?? 0]).first?["dossier_id"]
                    if stored != String(dossier) {
                        try connection.query("ROLLBACK TO SAVEPOINT collection_dossier")
                        object["dossier_id"] = .optionalString(stored)
                    } else {
                        object["dossier_id"] = .string(String(dossier))
                    }
                    try connection.query("RELEASE SAVEPOINT collection_dossier")
                }
                return .object(object)
            }
        },
        grouping: collectionGrouping)

    /// Concurrent calls forwarded by banks share transactions: a bank's grant covering the bank
    /// code is the scope, no dossier is opened, and the group's items go to record_collections
    /// in one call per (user, accounting date), so the ledger records who and when.
    static let collectionGrouping = Grouping(
        member: { context in
            let target = AccessTarget(scopes: []).only(["B:\(context.params.string("bank_code"))"], for: .bank)
            guard context.eligibleGrants.contains(where: { $0.role == .bank && target.allows($0) }) else { return nil }
            return (target, .object(collectionItem(context.params)))
        },
        effects: { connection, members in
            var results = [Result<JSON, CallError>](repeating: .failure(CallError(.internal, "INTERNAL", "not recorded")), count: members.count)
            var batches: [String: [Int]] = [:]
            var order: [String] = []
            for (index, member) in members.enumerated() {
                let batch = "\(member.userID)\n\(member.accountingDate)"
                if batches[batch] == nil { order.append(batch) }
                batches[batch, default: []].append(index)
            }
            for batch in order {
                let indices = batches[batch]!
                let first = members[indices[0]]
                let recorded = try record(connection, userID: first.userID, accountingDate: first.accountingDate,
                                          items: indices.map { members[$0].input })
                for (index, result) in zip(indices, recorded) {
                    results[index] = result["error"]?.objectValue.map { .failure(itemError($0, prefix: "params.")) } ?? .success(.object(result))
                }
            }
            return results
        })

    /// RecordCollection's params as a record_collections item (channel is the call's, not the item's).
    static func collectionItem(_ params: Params) -> JSONObject {
        var item = params.object
        item["channel"] = nil
        return item
    }

    /// One round trip: `record_collections` over the items, its results in input order.
    static func record(_ connection: PostgresConnection, _ context: CallContext, items: [JSON]) throws -> [JSONObject] {
        try record(connection, userID: context.caller.userID, accountingDate: context.today.description, items: items)
    }

    /// Revenue collected last year, while that year is not closed, belongs to it: such items are
    /// dated 31 December of last year (its adjustment period); the others, and those of a closed
    /// year, the call's date. One record_collections call per date.
    static func record(_ connection: PostgresConnection, userID: Int64, accountingDate: String, items: [JSON]) throws -> [JSONObject] {
        guard let today = TreasuryTime.LocalDate(accountingDate) else { return try recordOn(connection, userID: userID, accountingDate: accountingDate, items: items) }
        let collectedYear = { (item: JSON) -> Int? in
            item.objectValue?["collected_on"]?.stringValue.flatMap(TreasuryTime.LocalDate.init).map(\.year)
        }
        let earlier = Set(items.compactMap(collectedYear).filter { $0 == today.year - 1 })
        guard !earlier.isEmpty else { return try recordOn(connection, userID: userID, accountingDate: accountingDate, items: items) }
        let closed = Set(try connection.query("SELECT fiscal_year FROM fiscal_year_closings WHERE fiscal_year = ANY($1::int[])",
                                              ["{" + earlier.map(String.init).joined(separator: ",") + "}"]).rows.compactMap { $0["fiscal_year"].flatMap(Int.init) })
        var byDate: [String: [Int]] = [:], dates: [String] = []
        for (index, item) in items.enumerated() {
            let year = collectedYear(item) ?? today.year
            let date = earlier.contains(year) && !closed.contains(year) ? "\(year)-12-31" : accountingDate
            if byDate[date] == nil { dates.append(date) }
            byDate[date, default: []].append(index)
        }
        var results = [JSONObject](repeating: [:], count: items.count)
        for date in dates {
            let indices = byDate[date]!
            for (index, result) in zip(indices, try recordOn(connection, userID: userID, accountingDate: date, items: indices.map { items[$0] })) {
                results[index] = result
            }
        }
        return results
    }

    static func recordOn(_ connection: PostgresConnection, userID: Int64, accountingDate: String, items: [JSON]) throws -> [JSONObject] {
        let row = try connection.query(
            "SELECT record_collections($1::jsonb, $2, $3::date)::text AS results",
            [JSON.array(items).serialized(), userID, accountingDate]).first
        guard let text = row?["results"], let results = try? JSON.parse(text).objectValue?["results"]?.arrayValue,
              results.count == items.count else {
            throw CallError(.internal, "INTERNAL", "the ledger did not confirm the collections")
        }
        return try markReplays(connection, results.map { $0.objectValue ?? [:] })
    }

    /// Adds `replayed`: true when an item's result is that of a collection recorded before (by an
    /// earlier transaction, or by an earlier item of this batch), false when this item recorded it.
    static func markReplays(_ connection: PostgresConnection, _ results: [JSONObject]) throws -> [JSONObject] {
        let ids = results.compactMap { $0["collection_id"]?.stringValue }
        guard !ids.isEmpty else { return results }
        let fresh = Set(try connection.query(
            "SELECT id::text AS id FROM collections WHERE id = ANY($1::text[]::bigint[]) AND created_txid = pg_current_xact_id()",
            [ids]).rows.compactMap { $0["id"] })
        var seen = Set<String>()
        return results.map { result in
            guard let id = result["collection_id"]?.stringValue else { return result }
            var marked = result
            let first = seen.insert(id).inserted
            marked["replayed"] = .bool(!(fresh.contains(id) && first))
            return marked
        }
    }

    /// The schema's per-item error (`field` relative to the item) as the protocol's error.
    static func itemError(_ error: JSONObject, prefix: String) -> CallError {
        let code = StatusCode(rawValue: error["code"]?.stringValue ?? "") ?? .internal
        var details: JSONObject = [:]
        if let field = error["field"]?.stringValue { details["field"] = .string(prefix + field) }
        return CallError(code, error["reason"]?.stringValue ?? "INTERNAL", error["message"]?.stringValue ?? "",
                         details: details.isEmpty ? nil : details)
    }

    // MARK: - RecordCollections

    static let recordCollections = MethodDeclaration(
        "treasury.v1.Revenue/RecordCollections",
        "Records 1 to 10000 collections of a bank in one call; each item succeeds or fails on its own and gets the single call's result or {\"error\": {...}}. Only a wrong envelope refuses the whole call.",
        roles: [.bank],
        params: [Field("collections", .batch(collectionType, count: 1...maximumBatch),
                       "1 to 10000 collections, each of RecordCollection's params (without channel)")],
        reasons: collectionReasons + ["OUT_OF_SCOPE", "BATCH_TOO_LARGE"],
        handler: .mutating { context, connection in
            guard let items = context.params.object["collections"]?.arrayValue else {
                throw CallError.field("params.collections", "FIELD_INVALID", "params.collections must be an array of collections")
            }
            guard !items.isEmpty else {
                throw CallError.field("params.collections", "FIELD_INVALID", "params.collections must hold at least one collection")
            }
            guard items.count <= maximumBatch else {
                throw CallError(.outOfRange, "BATCH_TOO_LARGE", "params.collections holds \(items.count) items; at most \(maximumBatch)",
                                details: ["field": .string("params.collections"), "limit": .integer(maximumBatch)])
            }
            // Authorization is per item (the bank code each names), so the call itself needs only the role.
            return Staged(target: nil) {
                let bankScopes = Set(context.eligibleGrants.filter { $0.role == .bank }.map(\.scope))
                var results = [JSON?](repeating: nil, count: items.count)
                var forward: [JSON] = [], positions: [Int] = []
                for (index, item) in items.enumerated() {
                    let path = "params.collections[\(index)]"
                    do {
                        try collectionType.validate(item, path: path)
                    } catch let error as CallError {
                        results[index] = .object(["error": error.json])
                        continue
                    }
                    let bank = item.objectValue?["bank_code"]?.stringValue ?? ""
                    guard bankScopes.contains("*") || bankScopes.contains("B:\(bank)") else {
                        results[index] = .object(["error": CallError(.permissionDenied, "OUT_OF_SCOPE",
                            "bank \(bank) is outside your grants' scope", details: ["field": .string("\(path).bank_code")]).json])
                        continue
                    }
                    forward.append(item)
                    positions.append(index)
                }
                if !forward.isEmpty {
                    for (position, result) in zip(positions, try record(connection, context, items: forward)) {
                        if let error = result["error"]?.objectValue {
                            results[position] = .object(["error": itemError(error, prefix: "params.collections[\(position)].").json])
                        } else {
                            results[position] = .object(result)
                        }
                    }
                }
                return .object(["results": .array(results.map { $0 ?? .null })])
            }
        })

    static let collectionType = ParamType.object(collectionFields)

    // MARK: - Refund

    static let refund = MethodDeclaration(
        "treasury.v1.Revenue/Refund",
        "Refunds part of a collection by a decision of the competent authority, reversing its shares in proportion. A REVENUE_REFUND dossier.",
        roles: [.taxAuthority, .treasuryOfficer],
        params: [Field("collection_id", identifier), Field("amount", .money), Field("decision_no", .string(.text, maximumLength: 64)),
                 .optional("reason", .string(.text, maximumLength: 500)), CommonFields.channel],
        reasons: ["COLLECTION_NOT_FOUND", "REFUND_EXCEEDS_COLLECTION", "DUPLICATE_DECISION", "PERIOD_CLOSED"],
        handler: .mutating { context, connection in
            let collectionID = context.params.identifier("collection_id")
            guard let collection = try connection.query(
                "SELECT treasury_code, treasury_ancestors(treasury_code) AS chain FROM collections WHERE id = $1", [collectionID]).first else {
                return Staged(target: nil) {
                    throw CallError(.notFound, "COLLECTION_NOT_FOUND", "collection \(collectionID) does not exist",
                                    details: ["field": .string("params.collection_id")])
                }
            }
            let treasury = try collection.decode(String.self, "treasury_code")
            return Staged(target: .treasury(SQL.codes(collection["chain"]))) {
                let decision = context.params.string("decision_no")
                guard !decision.isEmpty else { throw CallError.field("params.decision_no", "FIELD_INVALID", "params.decision_no must not be empty") }
                // A concurrent refund with the same decision number makes the insert fail with 23505 once
                // the other commits; the retry then finds it and replays (or answers DUPLICATE_DECISION).
                for attempt in 1...3 {
                    try connection.query("SAVEPOINT refund_attempt")
                    do {
                        let known = try connection.query("SELECT 1 FROM refunds WHERE decision_no = $1", [decision]).first != nil
                        var dossier: Int64?
                        if !known {
                            dossier = try Dossiers.open(connection, context, procedure: .revenueRefund, unit: nil, treasury: treasury,
                                                        subjectKind: "REFUND", subjectID: decision, completed: true)
                        }
                        let row = try connection.query(
                            "SELECT record_refund($1, $2, $3, $4, $5, $6::date, $7)::text AS result",
                            [collectionID, context.params.money("amount"), decision, context.params.optionalString("reason"),
                             context.caller.userID, context.today.description, dossier]).first
                        guard let text = row?["result"], var result = try? JSON.parse(text).objectValue else {
                            throw CallError(.internal, "INTERNAL", "the ledger did not confirm the refund")
                        }
                        if let error = result["error"]?.objectValue { throw itemError(error, prefix: "params.") }
                        let stored = try connection.query("SELECT dossier_id FROM refunds WHERE id = $1",
                                                          [Int64(result["refund_id"]?.stringValue ?? "") ?? 0]).first?["dossier_id"]
                        result["dossier_id"] = .optionalString(stored)
                        try connection.query("RELEASE SAVEPOINT refund_attempt")
                        return .object(result)
                    } catch let error as PostgresError where error.sqlState == "23505" && attempt < 3 {
                        try connection.query("ROLLBACK TO SAVEPOINT refund_attempt")
                    }
                }
                throw CallError(.aborted, "CONCURRENCY_CONFLICT", "a concurrent refund with this decision number conflicted; retry")
            }
        })

    // MARK: - Summary

    static let summary = MethodDeclaration(
        "treasury.v1.Revenue/Summary",
        "Revenue collected, refunded and net per budget level for a fiscal year (by accounting date), optionally for a treasury (and those under it) and a date range.",
        roles: [.taxAuthority, .treasuryOfficer, .chiefAccountant, .budgetAuthority, .auditor],
        params: [Field("fiscal_year", .integer(1900...9999)), .optional("treasury_code", .string(.digits(4), maximumLength: 4)),
                 .optional("from", .date), .optional("to", .date)],
        reasons: ["TREASURY_NOT_FOUND"],
        handler: .read { context, connection in
            let params = context.params
            if let from = params.optionalString("from"), let to = params.optionalString("to"), to < from {
                throw CallError.field("params.to", "FIELD_INVALID", "params.to must not be before params.from")
            }
            var target = AccessTarget.global
            if let treasury = params.optionalString("treasury_code") {
                let chain = try SQL.treasuryAncestors(connection, treasury)
                guard !chain.isEmpty else {
                    return Staged(target: nil) {
                        throw CallError(.notFound, "TREASURY_NOT_FOUND", "treasury \(treasury) does not exist", details: ["field": .string("params.treasury_code")])
                    }
                }
                target = .treasury(chain)
            }
            return Staged(target: target) {
                let rows = try connection.query(
                    """
                    WITH movements AS (
                        SELECT s.budget_level, s.amount AS collected, 0::bigint AS refunded
                        FROM collection_shares s JOIN collections c ON c.id = s.collection_id JOIN journal_entries e ON e.id = c.entry_id
                        WHERE extract(year FROM e.accounting_date) = $1
                          AND ($2::text IS NULL OR $2 = ANY(treasury_ancestors(c.treasury_code)))
                          AND ($3::date IS NULL OR e.accounting_date >= $3::date) AND ($4::date IS NULL OR e.accounting_date <= $4::date)
                        UNION ALL
                        SELECT s.budget_level, 0, s.amount
                        FROM refund_shares s JOIN refunds r ON r.id = s.refund_id JOIN collections c ON c.id = r.collection_id
                        JOIN journal_entries e ON e.id = r.entry_id
                        WHERE extract(year FROM e.accounting_date) = $1
                          AND ($2::text IS NULL OR $2 = ANY(treasury_ancestors(c.treasury_code)))
                          AND ($3::date IS NULL OR e.accounting_date >= $3::date) AND ($4::date IS NULL OR e.accounting_date <= $4::date)
                    )
                    SELECT l.code AS budget_level, coalesce(sum(m.collected), 0)::text AS collected, coalesce(sum(m.refunded), 0)::text AS refunded
                    FROM budget_levels l LEFT JOIN movements m ON m.budget_level = l.code
                    GROUP BY l.code, l.rank ORDER BY l.rank
                    """, [params.integer("fiscal_year"), params.optionalString("treasury_code"), params.optionalString("from"), params.optionalString("to")]).rows
                var totalCollected: Int64 = 0, totalRefunded: Int64 = 0
                var levels: [JSON] = []
                for row in rows {
                    let collected = Int64(row["collected"] ?? "") ?? 0, refunded = Int64(row["refunded"] ?? "") ?? 0
                    totalCollected += collected
                    totalRefunded += refunded
                    levels.append(.object(["budget_level": .string(row["budget_level"] ?? ""), "collected": .money(collected),
                                           "refunded": .money(refunded), "net": .money(collected - refunded)]))
                }
                return .object(["levels": .array(levels), "total": .object([
                    "collected": .money(totalCollected), "refunded": .money(totalRefunded), "net": .money(totalCollected - totalRefunded)])])
            }
        })

    // MARK: - ImportBankStatement

    static let importBankStatement = MethodDeclaration(
        "treasury.v1.Revenue/ImportBankStatement",
        "Stores a bank's statement of a day and reconciles it against that day's collections and deposits of the bank.",
        roles: [.bank],
        params: [Field("bank_code", bankCode), Field("statement_date", .date),
                 Field("lines", .array(.object([Field("bank_ref", .string(.text, maximumLength: 64)), Field("amount", .money)]), count: 0...50_000))],
        reasons: ["BANK_NOT_FOUND"],
        handler: .mutating { context, connection in
            let bank = context.params.string("bank_code")
            let lines = context.params.object["lines"]?.arrayValue ?? []
            var seen = Set<String>()
            for (index, line) in lines.enumerated() {
                let reference = line.objectValue?["bank_ref"]?.stringValue ?? ""
                guard !reference.isEmpty else {
                    throw CallError.field("params.lines[\(index)].bank_ref", "FIELD_INVALID", "params.lines[\(index)].bank_ref must not be empty")
                }
                guard seen.insert(reference).inserted else {
                    throw CallError.field("params.lines[\(index)].bank_ref", "FIELD_INVALID", "bank reference \(reference) appears twice in the statement")
                }
            }
            let target = AccessTarget(scopes: []).only(["B:\(bank)"], for: .bank)
            return Staged(target: target) {
                guard try connection.query("SELECT 1 FROM banks WHERE code = $1", [bank]).first != nil else {
                    throw CallError(.notFound, "BANK_NOT_FOUND", "bank \(bank) does not exist", details: ["field": .string("params.bank_code")])
                }
                let row = try connection.query(
                    "SELECT import_bank_statement($1, $2::date, $3::jsonb, $4)::text AS result",
                    [bank, context.params.string("statement_date"), JSON.array(lines).serialized(), context.caller.userID]).first
                guard let text = row?["result"], let result = try? JSON.parse(text) else {
                    throw CallError(.internal, "INTERNAL", "the statement was not confirmed")
                }
                return result
            }
        })
}

/// Rules of the revenue tables the schema raises, for a caller whose own checks were raced.
enum RevenueRules {
    static let meanings: [String: SchemaRule.Meaning] = [
        "refund_within_collection": SchemaRule.Meaning("REFUND_EXCEEDS_COLLECTION", "the refunds would exceed the collected amount"),
        "sharing_rule_shares_sum": SchemaRule.Meaning("SHARES_NOT_100", "the shares of a sharing rule must sum to 10000 basis points", code: .invalidArgument),
    ]
}
