import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

// Balance reconciliation with units (Decree 347/2025, procedure BALANCE_RECONCILIATION; issue
// #12 item 3): the unit states the balance its books show at the end of a day, the treasury
// answers with its own, an officer confirms (docs/decisions.md "Balance reconciliation").
extension AccountMethods {
    /// A balance as the unit's books show it: whole đồng from 0 (an empty account) to 10^18,
    /// written as a string of digits (money params are positive, a balance may be 0).
    static let balance = ParamType.string(StringFormat(pattern: "^(0|[1-9][0-9]{0,18})$") { text in
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text == "0" || !text.hasPrefix("0"),
              case .value(let amount) = MoneyText.parse(text) else { return false }
        return amount >= 0
    }, maximumLength: 19)

    static let reconcileBalance = MethodDeclaration(
        "treasury.v1.Accounts/ReconcileBalance",
        "A unit asks the treasury to confirm an account's balance at the end of a local day: answers the treasury's balance then and whether it matches, and opens a BALANCE_RECONCILIATION dossier for an officer to confirm.",
        roles: [.unitAccountant],
        params: [Field("account_no", accountNo), Field("as_of", .date), Field("balance_seen", balance, "the balance the unit's books show at the end of as_of, whole đồng, 0 to 10^18")],
        reasons: ["ACCOUNT_NOT_FOUND"] + Signatures.reasons,
        handler: .mutating { context, connection in
            let number = context.params.string("account_no"), asOf = context.params.string("as_of")
            guard let day = TreasuryTime.LocalDate(asOf), day <= context.today else {
                throw CallError.field("params.as_of", "FIELD_INVALID", "as_of \(asOf) is after today (\(context.today)): only a day that has begun is reconciled")
            }
            guard let account = try AccountRecord.load(connection, [number])[number] else {
                return Staged(target: nil) { throw AccountRecord.notFound(number) }
            }
            return Staged(target: account.target) {
                let seen = Int64(context.params.string("balance_seen")) ?? 0
                let balance = try Reconciliation.treasuryBalance(connection, number, asOf: asOf)
                let dossier = try Dossiers.open(connection, context, procedure: .balanceReconciliation, unit: account.unitCode,
                                                treasury: account.treasuryCode, subjectKind: "ACCOUNT", subjectID: number, completed: false)
                try connection.query(
                    """
                    INSERT INTO balance_reconciliations (dossier_id, account_no, as_of, balance_seen, treasury_balance, requested_by)
                    VALUES ($1, $2, $3::date, $4, $5, $6)
                    """, [dossier, number, asOf, seen, balance, context.caller.userID])
                return .object([
                    "dossier_id": .string(String(dossier)), "account_no": .string(number), "as_of": .string(asOf),
                    "balance_seen": .money(seen), "treasury_balance": .money(balance), "matches": .bool(seen == balance),
                    "due_at": .string(try Spending.dueAt(connection, dossier: dossier)),
                ])
            }
        })

    static let confirmReconciliation = MethodDeclaration(
        "treasury.v1.Accounts/ConfirmReconciliation",
        "An officer confirms a balance reconciliation, completing its dossier; when the balances differ, lists the account's lines that explain a difference (dated on as_of, or dated on or before it but posted after it).",
        roles: [.treasuryOfficer],
        params: [Field("dossier_id", .string(.text, maximumLength: 20)), .optional("note", .string(.text, maximumLength: 2000))],
        reasons: ["DOSSIER_NOT_FOUND", "INVALID_STATUS"],
        handler: .mutating { context, connection in
            let id = context.params.string("dossier_id")
            // A dossier of another procedure is not a reconciliation: not found, as an unknown id.
            guard let dossier = Int64(id), let row = try connection.query(
                """
                SELECT r.account_no, to_char(r.as_of, 'YYYY-MM-DD') AS as_of, r.balance_seen, r.treasury_balance,
                       r.confirmed_at IS NOT NULL AS confirmed, d.status
                FROM balance_reconciliations r JOIN dossiers d ON d.id = r.dossier_id
                WHERE r.dossier_id = $1 FOR UPDATE OF r, d
                """, [dossier]).first,
                  let account = try AccountRecord.load(connection, [try row.decode(String.self, "account_no")]).values.first
            else {
                return Staged(target: nil) {
                    throw CallError(.notFound, "DOSSIER_NOT_FOUND", "no balance reconciliation has dossier \(id)", details: ["dossier_id": .string(id)])
                }
            }
            let asOf = try row.decode(String.self, "as_of"), status = try row.decode(String.self, "status")
            let seen = try row.decode(Int64.self, "balance_seen"), balance = try row.decode(Int64.self, "treasury_balance")
            let confirmed = row["confirmed"] == "t"
            return Staged(target: account.target) {
                guard !confirmed, status == "RECEIVED" || status == "PROCESSING" else {
                    throw CallError(.failedPrecondition, "INVALID_STATUS", "balance reconciliation \(dossier) is \(status); it is confirmed only once",
                                    details: ["status": .string(status)])
                }
                let note = context.params.optionalString("note")
                try connection.query(
                    "UPDATE balance_reconciliations SET confirmed_by = $2, confirmed_at = to_timestamp($3), note = $4 WHERE dossier_id = $1",
                    [dossier, context.caller.userID, SQL.epochSeconds(context.now), note])
                try connection.query("UPDATE dossiers SET status = 'COMPLETED', completed_at = to_timestamp($2) WHERE id = $1",
                                     [dossier, SQL.epochSeconds(context.now)])
                var result: JSONObject = [
                    "dossier_id": .string(String(dossier)), "status": .string("COMPLETED"), "account_no": .string(account.accountNo),
                    "as_of": .string(asOf), "balance_seen": .money(seen), "treasury_balance": .money(balance),
                    "difference": .money(seen - balance), "matches": .bool(seen == balance), "confirmed_at": .string(context.nowText),
                    "note": .optionalString(note),
                ]
                if seen != balance {
                    result["differences"] = .array(try Reconciliation.differences(connection, account.accountNo, asOf: asOf))
                }
                return .object(result)
            }
        })
}

enum Reconciliation {
    /// The treasury's balance of an account at the end of local day `asOf`: what its journal
    /// lines dated on or before that day add up to (credit - debit). It is the balance_after of
    /// the last such line whenever lines are dated in posting order; a line back-dated later
    /// (adjustment period) counts on its date, not in the running balance of the lines after it.
    static func treasuryBalance(_ connection: PostgresConnection, _ account: String, asOf: String) throws -> Int64 {
        try connection.query(
            """
            SELECT coalesce(sum(l.credit - l.debit), 0)::bigint AS balance
            FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            WHERE l.account_no = $1 AND e.accounting_date <= $2::date
            """, [account, asOf]).first?.decode(Int64.self, "balance") ?? 0
    }

    /// The lines that explain a difference to the unit, in posting order: those dated on as_of
    /// (the day's movements: the unit's cut-off may differ from the end of the day), kind
    /// SAME_DAY, and those dated on or before as_of but posted after its end (a statement taken
    /// at as_of could not show them), kind POSTED_LATE.
    static func differences(_ connection: PostgresConnection, _ account: String, asOf: String) throws -> [JSON] {
        try connection.query(
            """
            SELECT l.entry_id, to_char(e.accounting_date, 'YYYY-MM-DD') AS accounting_date, \(SQL.timestamp("e.posted_at", as: "posted_at")),
                   l.credit - l.debit AS amount, l.balance_after,
                   CASE WHEN e.posted_at >= (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') THEN 'POSTED_LATE' ELSE 'SAME_DAY' END AS kind
            FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            WHERE l.account_no = $1 AND e.accounting_date <= $2::date
              AND (e.accounting_date = $2::date OR e.posted_at >= (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
            ORDER BY l.id
            """, [account, asOf]).rows.map { row in
                .object([
                    "entry_id": .string(try row.decode(String.self, "entry_id")),
                    "accounting_date": .string(try row.decode(String.self, "accounting_date")),
                    "posted_at": .string(try row.decode(String.self, "posted_at")),
                    "amount": .string(try row.decode(String.self, "amount")),
                    "balance_after": .string(try row.decode(String.self, "balance_after")),
                    "kind": .string(try row.decode(String.self, "kind")),
                ])
            }
    }
}
