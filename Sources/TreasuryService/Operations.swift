import Foundation
import PostgresClient
import TreasuryDomain

/// What `treasuryd bootstrap` and `treasuryd verify` do, callable from tests too.
public enum Operations {
    /// Statements each service connection runs first: it works as `treasury_app` whenever the
    /// login role may become it, in schema `treasury`, in UTC.
    public static func connectionSetup(_ connection: PostgresConnection) throws -> [String] {
        var setup = ["SET search_path = treasury, public", "SET TIME ZONE 'UTC'"]
        let member = try connection.query(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'treasury_app') AND pg_has_role('treasury_app', 'MEMBER') AS member").first
        if try member?.decode(Bool.self, "member") == true { setup.insert("SET ROLE treasury_app", at: 0) }
        return setup
    }

    /// Creates (or reuses) an ADMIN with scope `*` and returns a new token for it.
    public static func bootstrap(_ connection: PostgresConnection, username: String, ttlDays: Int64, now: Date = Date()) throws -> String {
        try connection.query("SET search_path = treasury, public")
        return try connection.transaction { connection in
            let row = try connection.query(
                """
                INSERT INTO users (username, display_name) VALUES ($1, 'bootstrap administrator')
                ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING id
                """, [username]).first
            let id = try row?.decode(Int64.self, "id") ?? 0
            try connection.query("INSERT INTO grants (user_id, role, scope) VALUES ($1, 'ADMIN', '*') ON CONFLICT DO NOTHING", [id])
            try connection.query("INSERT INTO audit_log (user_id, action, details) VALUES ($1, 'bootstrap', '{}'::jsonb)", [id])
            return try Tokens.issue(connection, userID: id, ttlDays: ttlDays, now: now).0
        }
    }

    /// The invariant checks `treasury.verify_checks` must hold (sql/migrations/0010_verify.sql, and
    /// 0012_investment.sql for public investment).
    /// The table refuses UPDATE, DELETE and TRUNCATE; this list also catches a check removed
    /// behind the schema's back (a superuser with triggers off), which would otherwise pass silently.
    public static let expectedChecks: Set<String> = [
        "account_balance_matches_lines", "advance_settled", "allocation_children_within_parent", "allocation_committed",
        "allocation_inherits_parent", "allocation_pending", "allocation_spent_advanced", "allocation_within_amount",
        "balance_after_chain", "closed_period_postings", "collection_shares_sum", "commitment_remaining",
        "deposit_non_negative", "entry_balanced", "ledger_total_balanced", "line_account_consistent",
        "payment_order_events_match", "payment_order_four_eyes", "refund_shares_sum", "refund_within_collection",
        "revenue_entries_match_shares", "sharing_rule_shares_sum",
        // Public investment, rule 8 (sql/migrations/0012_investment.sql).
        "contract_accepted_within_value", "contract_advance_within_limit", "contract_recovery_within_advance",
        "plan_disbursed_within_plan", "project_disbursed_within_total", "project_plans_within_total", "recovery_booked",
        // The fiscal year end, rule 9 (sql/migrations/0013_year_end.sql).
        "carried_over_marked", "closed_year_postings", "closed_year_settled", "open_year_not_lapsed", "year_closing_figures",
    ]

    /// Every invariant violation `treasury.verify()` finds, and every expected check that is
    /// missing from `verify_checks`; empty when all hold.
    public static func verify(_ connection: PostgresConnection) throws -> [(check: String, problem: String)] {
        let registered = Set(try connection.query("SELECT check_name FROM treasury.verify_checks").rows.compactMap { $0["check_name"] })
        let missing = expectedChecks.subtracting(registered).sorted().map {
            (check: $0, problem: "check \($0) is missing from treasury.verify_checks: its invariant was not checked")
        }
        return missing + (try connection.query("SELECT check_name, problem FROM treasury.verify()").rows.map {
            (($0["check_name"] ?? "?"), ($0["problem"] ?? "?"))
        })
    }
}
