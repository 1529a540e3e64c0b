import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// A transaction account as read from the database, with the treasuries that cover it.
struct AccountRecord: Sendable {
    var accountNo: String
    var unitCode: String
    var treasuryCode: String
    var currency: String
    var status: String
    var balance: Int64
    var openedAt: String
    /// The grant scopes that cover it (the schema's account_scopes, which a one-flush call checks too).
    var scopes: [String]

    static let columns = """
        a.account_no, a.unit_code, a.treasury_code, a.currency, a.status, a.balance,
        \(SQL.timestamp("a.opened_at", as: "opened_at")), account_scopes(a.account_no) AS scopes
        """

    init(_ row: PostgresRow) throws {
        accountNo = try row.decode(String.self, "account_no")
        unitCode = try row.decode(String.self, "unit_code")
        treasuryCode = try row.decode(String.self, "treasury_code")
        currency = try row.decode(String.self, "currency")
        status = try row.decode(String.self, "status")
        balance = try row.decode(Int64.self, "balance")
        openedAt = try row.decode(String.self, "opened_at")
        scopes = SQL.codes(row["scopes"])
    }

    var target: AccessTarget { AccessTarget(scopes: Set(scopes)) }

    var json: JSON {
        .object([
            "account_no": .string(accountNo), "unit_code": .string(unitCode), "treasury_code": .string(treasuryCode),
            "currency": .string(currency), "status": .string(status), "balance": .money(balance), "opened_at": .string(openedAt),
        ])
    }

    /// Reads accounts, locking them in account-number order when `lock` is set, so concurrent
    /// transfers over the same pair never deadlock.
    static func load(_ connection: PostgresConnection, _ numbers: [String], lock: Bool = false) throws -> [String: AccountRecord] {
        let rows = try connection.query(
            "SELECT \(columns) FROM accounts a WHERE a.account_no = ANY($1::text[]) ORDER BY a.account_no\(lock ? " FOR UPDATE OF a" : "")",
            [numbers.sorted()]).rows
        var accounts: [String: AccountRecord] = [:]
        for row in rows {
            let account = try AccountRecord(row)
            accounts[account.accountNo] = account
        }
        return accounts
    }

    static func notFound(_ accountNo: String) -> CallError {
        CallError(.notFound, "ACCOUNT_NOT_FOUND", "account \(accountNo) does not exist", details: ["account": .string(accountNo)])
    }
}

enum AccountMethods {
    static let accountNo = ParamType.string(.digits(10), maximumLength: 10)
    static let readers: [Role] = [.unitAccountant, .treasuryOfficer, .chiefAccountant, .auditor]

    static var all: [MethodDeclaration] {
        [open, approve, get, balances, deposit, transfer, freeze, unfreeze, close, statement, reconcileBalance, confirmReconciliation]
    }

    static let open = MethodDeclaration(
        "treasury.v1.Accounts/Open",
        "Opens a transaction account for a budget unit: ACTIVE at once when an officer opens it, PENDING until approved when the unit asks.",
        roles: [.treasuryOfficer, .unitAccountant],
        params: [Field("unit_code", .string(.digits(7), maximumLength: 7)), .optional("currency", .string(.upperAlphanumeric(3...3), maximumLength: 3)), CommonFields.channel],
        reasons: ["UNIT_NOT_FOUND"],
        handler: .mutating { context, connection in
            let unitCode = context.params.string("unit_code")
            guard let unit = try connection.query(
                "SELECT treasury_code, treasury_ancestors(treasury_code) AS chain FROM budget_units WHERE code = $1", [unitCode]).first
            else {
                return Staged(target: nil) { throw CallError(.notFound, "UNIT_NOT_FOUND", "budget unit \(unitCode) does not exist") }
            }
            let treasury = try unit.decode(String.self, "treasury_code")
            let target = AccessTarget.treasury(SQL.codes(unit["chain"]), unit: unitCode)
            return Staged(target: target) {
                let byOfficer = context.eligibleGrants.contains { $0.role == .treasuryOfficer && target.allows($0) }
                let status = byOfficer ? "ACTIVE" : "PENDING"
                let row = try connection.query(
                    """
                    INSERT INTO accounts (account_no, unit_code, treasury_code, currency, status, opened_at, created_by)
                    VALUES (next_account_no(), $1, $2, $3, $4, to_timestamp($5), $6) RETURNING account_no
                    """, [unitCode, treasury, context.params.optionalString("currency") ?? "VND", status,
                          SQL.epochSeconds(context.now), context.caller.userID]).first
                let number = try row?.decode(String.self, "account_no") ?? ""
                let dossier = try Dossiers.open(connection, context, procedure: .accountOpen, unit: unitCode, treasury: treasury,
                                                subjectKind: "ACCOUNT", subjectID: number, completed: byOfficer)
                return .object(["account_no": .string(number), "status": .string(status), "dossier_id": .string(String(dossier))])
            }
        })

    static let approve = MethodDeclaration(
        "treasury.v1.Accounts/Approve", "Activates an account a unit asked to open (not while its dossier awaits a supplement).",
        roles: [.treasuryOfficer],
        params: [Field("account_no", accountNo)],
        reasons: ["ACCOUNT_NOT_FOUND", "INVALID_STATUS", "AWAITING_SUPPLEMENT"],
        handler: .mutating { context, connection in
            try transition(context, connection, from: ["PENDING"], to: "ACTIVE", procedure: nil) { account in
                try Dossiers.finish(connection, context, procedure: .accountOpen, subjectKind: "ACCOUNT", subjectID: account.accountNo, status: "COMPLETED")
                return nil
            }
        })

    static let get = MethodDeclaration(
        "treasury.v1.Accounts/Get", "An account with its balance.",
        roles: readers,
        params: [Field("account_no", accountNo)],
        reasons: ["ACCOUNT_NOT_FOUND"],
        handler: .read { context, connection in
            let number = context.params.string("account_no")
            guard let account = try AccountRecord.load(connection, [number])[number] else {
                return Staged(target: nil) { throw AccountRecord.notFound(number) }
            }
            return Staged(target: account.target) { account.json }
        })

    static let balances = MethodDeclaration(
        "treasury.v1.Accounts/Balances", "Balances of up to 1000 accounts, all read in one snapshot.",
        roles: readers,
        params: [Field("account_nos", .array(accountNo, count: 1...1000))],
        reasons: ["ACCOUNT_NOT_FOUND"],
        handler: .read { context, connection in
            let numbers = context.params.strings("account_nos")
            let accounts = try AccountRecord.load(connection, numbers)
            let asOf = try connection.query("SELECT \(SQL.timestamp("now()", as: "as_of"))").first?["as_of"] ?? ""
            if let missing = numbers.first(where: { accounts[$0] == nil }) {
                return Staged(target: nil) { throw AccountRecord.notFound(missing) }
            }
            for number in Set(numbers) { try context.authorize(accounts[number]!.target) }
            return Staged(target: nil) {
                .object(["as_of": .string(asOf), "balances": .array(numbers.map { number in
                    .object(["account_no": .string(number), "balance": .money(accounts[number]!.balance)])
                })])
            }
        })

    static let deposit = MethodDeclaration(
        "treasury.v1.Accounts/Deposit",
        "Credits an account with money received through a bank; (bank_code, bank_ref) is a business key.",
        roles: [.bank, .treasuryOfficer],
        params: [Field("account_no", accountNo), Field("amount", .money), Field("bank_code", .string(.upperAlphanumeric(2...11), maximumLength: 11)),
                 Field("bank_ref", .string(.text, maximumLength: 64)), .optional("memo", .string(.text, maximumLength: 500))],
        reasons: ["ACCOUNT_NOT_FOUND", "BANK_NOT_FOUND", "ACCOUNT_NOT_ACTIVE", "DUPLICATE_BANK_REF", "PERIOD_CLOSED"],
        // The whole of it is SQL (treasury.deposit): one round trip.
        handler: .inOneFlush { context in
            let number = context.params.string("account_no"), bank = context.params.string("bank_code")
            // A bank reaches a deposit only through its own bank code (decided by the params);
            // an officer through the account's scopes (decided in SQL).
            let banks = context.eligibleGrants.filter { $0.role == .bank }
            let others = context.eligibleGrants.filter { $0.role != .bank }.map(\.scope)
            let bankCovers = banks.contains { $0.scope == "B:\(bank)" || $0.scope == "*" }
            return OneFlush(
                scopes: SQLExpression("account_scopes($1)", [number]),
                effects: SQLExpression("deposit($1, $2, $3, $4, $5, $6, $7::date)", [
                    number, context.params.money("amount"), bank, context.params.string("bank_ref"),
                    context.params.optionalString("memo"), context.caller.userID, context.today.description]),
                grants: bankCovers ? ["*"] : others)
        })

    static let transfer = MethodDeclaration(
        "treasury.v1.Accounts/Transfer", "Moves money from one of the unit's accounts to another account.",
        roles: [.unitAccountant],
        params: [Field("from_account", accountNo), Field("to_account", accountNo), Field("amount", .money),
                 .optional("memo", .string(.text, maximumLength: 500))],
        reasons: ["ACCOUNT_NOT_FOUND", "INSUFFICIENT_FUNDS", "ACCOUNT_NOT_ACTIVE", "CURRENCY_MISMATCH", "PERIOD_CLOSED"],
        // The whole of it is SQL (treasury.transfer): one round trip. The schema's rules refuse
        // what is wrong with the accounts (account_not_active, account_non_negative, period_closed).
        handler: .inOneFlush { context in
            let fromNo = context.params.string("from_account"), toNo = context.params.string("to_account")
            guard fromNo != toNo else {
                throw CallError.field("params.to_account", "FIELD_INVALID", "a transfer needs two different accounts")
            }
            return OneFlush(
                scopes: SQLExpression("account_scopes($1)", [fromNo]),
                effects: SQLExpression("transfer($1, $2, $3, $4, $5, $6::date)", [
                    fromNo, toNo, context.params.money("amount"), context.params.optionalString("memo"),
                    context.caller.userID, context.today.description]))
        })

    static let freeze = MethodDeclaration(
        "treasury.v1.Accounts/Freeze", "Freezes an active account: it then takes no debit and no credit.",
        roles: [.treasuryOfficer],
        params: [Field("account_no", accountNo), Field("reason", .string(.text, maximumLength: 500)), CommonFields.channel],
        reasons: ["ACCOUNT_NOT_FOUND", "INVALID_STATUS"],
        handler: .mutating { context, connection in
            try transition(context, connection, from: ["ACTIVE"], to: "FROZEN", procedure: .accountChange, reason: context.params.string("reason"))
        })

    static let unfreeze = MethodDeclaration(
        "treasury.v1.Accounts/Unfreeze", "Makes a frozen account active again.",
        roles: [.treasuryOfficer],
        params: [Field("account_no", accountNo), CommonFields.channel],
        reasons: ["ACCOUNT_NOT_FOUND", "INVALID_STATUS"],
        handler: .mutating { context, connection in
            try transition(context, connection, from: ["FROZEN"], to: "ACTIVE", procedure: .accountChange)
        })

    static let close = MethodDeclaration(
        "treasury.v1.Accounts/Close", "Closes an account that holds nothing.",
        roles: [.treasuryOfficer],
        params: [Field("account_no", accountNo), CommonFields.channel],
        reasons: ["ACCOUNT_NOT_FOUND", "INVALID_STATUS", "ACCOUNT_NOT_EMPTY"],
        handler: .mutating { context, connection in
            try transition(context, connection, from: ["PENDING", "ACTIVE", "FROZEN"], to: "CLOSED", procedure: .accountClose)
        })

    /// A status change along the account state machine, with its dossier when the change is a
    /// procedure of its own.
    static func transition(
        _ context: CallContext, _ connection: PostgresConnection, from allowed: Set<String>, to status: String,
        procedure: Procedure?, reason: String? = nil, after: @escaping @Sendable (AccountRecord) throws -> Int64? = { _ in nil }
    ) throws -> Staged {
        let number = context.params.string("account_no")
        guard let account = try AccountRecord.load(connection, [number], lock: true)[number] else {
            return Staged(target: nil) { throw AccountRecord.notFound(number) }
        }
        return Staged(target: account.target) {
            guard allowed.contains(account.status) else {
                throw CallError(.failedPrecondition, "INVALID_STATUS", "account \(number) is \(account.status); cannot become \(status)",
                                details: ["status": .string(account.status)])
            }
            if status == "CLOSED", account.balance != 0 {
                throw CallError(.failedPrecondition, "ACCOUNT_NOT_EMPTY", "account \(number) still holds \(account.balance)",
                                details: ["balance": .money(account.balance)])
            }
            try connection.query("UPDATE accounts SET status = $2, frozen_reason = $3 WHERE account_no = $1", [number, status, reason])
            var result: JSONObject = ["account_no": .string(number), "status": .string(status)]
            if let procedure {
                let dossier = try Dossiers.open(connection, context, procedure: procedure, unit: account.unitCode, treasury: account.treasuryCode,
                                                subjectKind: "ACCOUNT", subjectID: number, completed: true)
                result["dossier_id"] = .string(String(dossier))
            }
            _ = try after(account)
            return .object(result)
        }
    }

    static let statement = MethodDeclaration(
        "treasury.v1.Accounts/Statement", "Streams an account's postings, oldest first, with the balance after each.",
        roles: readers,
        params: [Field("account_no", accountNo), .optional("from", .date), .optional("to", .date)],
        reasons: ["ACCOUNT_NOT_FOUND"],
        handler: .streaming { context, stream in
            let number = context.params.string("account_no")
            let account = try await context.core.pool.withConnection { try AccountRecord.load($0, [number])[number] }
            guard let account else { throw AccountRecord.notFound(number) }
            try context.authorize(account.target)
            let from = context.params.optionalString("from") ?? "1900-01-01", to = context.params.optionalString("to") ?? "9999-12-31"
            let count = try await Paging.stream(context, stream, sql: """
                SELECT l.id, l.entry_id, \(SQL.timestamp("e.posted_at", as: "posted_at")), l.credit - l.debit AS amount,
                       l.balance_after, coalesce(e.memo, '') AS memo
                FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                WHERE l.id > $1 AND l.account_no = $3 AND e.accounting_date BETWEEN $4::date AND $5::date
                ORDER BY l.id LIMIT $2
                """, parameters: [number, from, to]) { row in
                .object([
                    "entry_id": .string(try row.decode(String.self, "entry_id")), "posted_at": .string(try row.decode(String.self, "posted_at")),
                    "amount": .string(try row.decode(String.self, "amount")), "balance_after": .string(try row.decode(String.self, "balance_after")),
                    "memo": .string(try row.decode(String.self, "memo")),
                ])
            }
            return .object(["count": .integer(count)])
        })
}
