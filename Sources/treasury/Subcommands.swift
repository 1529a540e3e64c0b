import ArgumentParser
import Foundation
import TreasuryProtocol

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Transaction accounts of budget units.",
        subcommands: [Open.self, Approve.self, Get.self, Balances.self, Deposit.self, Transfer.self, Statement.self,
                      Freeze.self, Unfreeze.self, Close.self, Reconcile.self, ConfirmReconciliation.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open an account for a budget unit.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Budget unit code (7 digits).") var unit: String
        @Option var currency: String?
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = ["unit_code": .string(unit)]
            if let currency { params["currency"] = .string(currency) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Accounts/Open", params, mutating: true)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a pending account.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        func run() async throws { try await options.run("treasury.v1.Accounts/Approve", ["account_no": .string(account)], mutating: true) }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account and its balance.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        func run() async throws { try await options.run("treasury.v1.Accounts/Get", ["account_no": .string(account)], mutating: false) }
    }

    struct Balances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Balances of several accounts in one snapshot.")
        @OptionGroup var options: GlobalOptions
        @Argument var accounts: [String]
        func run() async throws {
            let response = try await options.response("treasury.v1.Accounts/Balances", ["account_nos": .array(accounts.map(JSON.string))],
                                                      mutating: false)
            if options.json { print(response.result?.serialized() ?? "null"); return }
            print(Table.rows(response.result?.objectValue?["balances"]?.arrayValue ?? [], columns: ["account_no", "balance"]))
            print("as of " + Table.text(response.result?.objectValue?["as_of"]))
        }
    }

    struct Deposit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Credit an account with money received through a bank.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(help: "Bank code, e.g. VCB.") var bank: String
        @Option(name: .customLong("ref"), help: "The bank's transaction reference.") var reference: String
        @Option var memo: String?
        func run() async throws {
            var params: JSONObject = ["account_no": .string(account), "amount": .string(amount), "bank_code": .string(bank), "bank_ref": .string(reference)]
            if let memo { params["memo"] = .string(memo) }
            try await options.run("treasury.v1.Accounts/Deposit", params, mutating: true)
        }
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move money between accounts.")
        @OptionGroup var options: GlobalOptions
        @Argument var from: String
        @Argument var to: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option var memo: String?
        func run() async throws {
            var params: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string(amount)]
            if let memo { params["memo"] = .string(memo) }
            try await options.run("treasury.v1.Accounts/Transfer", params, mutating: true)
        }
    }

    struct Statement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's postings, oldest first.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        @Option(help: "First accounting date, YYYY-MM-DD.") var from: String?
        @Option(help: "Last accounting date, YYYY-MM-DD.") var to: String?
        func run() async throws {
            var params: JSONObject = ["account_no": .string(account)]
            if let from { params["from"] = .string(from) }
            if let to { params["to"] = .string(to) }
            try await options.run("treasury.v1.Accounts/Statement", params, mutating: false,
                                  columns: ["entry_id", "posted_at", "amount", "balance_after", "memo"])
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Freeze an account.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        @Option var reason: String
        func run() async throws {
            try await options.run("treasury.v1.Accounts/Freeze", ["account_no": .string(account), "reason": .string(reason)], mutating: true)
        }
    }

    struct Unfreeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unfreeze an account.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        func run() async throws { try await options.run("treasury.v1.Accounts/Unfreeze", ["account_no": .string(account)], mutating: true) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an empty account.")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        func run() async throws { try await options.run("treasury.v1.Accounts/Close", ["account_no": .string(account)], mutating: true) }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the treasury to confirm an account's balance at the end of a day (BALANCE_RECONCILIATION dossier).")
        @OptionGroup var options: GlobalOptions
        @Argument var account: String
        @Option(name: .customLong("as-of"), help: "The day whose closing balance is reconciled, YYYY-MM-DD.") var asOf: String
        @Option(name: .customLong("balance-seen"), help: "The balance the unit's books show, in whole đồng.") var balanceSeen: String
        func run() async throws {
            try await options.run("treasury.v1.Accounts/ReconcileBalance",
                                  ["account_no": .string(account), "as_of": .string(asOf), "balance_seen": .string(balanceSeen)], mutating: true)
        }
    }

    struct ConfirmReconciliation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm-reconciliation",
            abstract: "Confirm a balance reconciliation; when the balances differ, list the lines that explain it.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The reconciliation's dossier id.") var dossier: String
        @Option var note: String?
        func run() async throws {
            var params: JSONObject = ["dossier_id": .string(dossier)]
            if let note { params["note"] = .string(note) }
            let response = try await options.response("treasury.v1.Accounts/ConfirmReconciliation", params, mutating: true)
            var result = response.result?.objectValue ?? [:]
            if options.json { print(JSON.object(result).serialized()); return }
            let differences = result["differences"]?.arrayValue
            result["differences"] = nil
            print(Table.keyValue(.object(result)))
            if let differences {
                print("")
                print(Table.rows(differences, columns: ["entry_id", "accounting_date", "posted_at", "amount", "balance_after", "kind"]))
            }
        }
    }
}

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "The general ledger.",
                                                    subcommands: [Entry.self, TrialBalance.self])

    struct Entry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a journal entry and its lines.")
        @OptionGroup var options: GlobalOptions
        @Argument var entry: String
        func run() async throws { try await options.run("treasury.v1.Ledger/GetEntry", ["entry_id": .string(entry)], mutating: false) }
    }

    struct TrialBalance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "trial-balance", abstract: "Debit and credit totals per GL account.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Fiscal year.") var year: Int
        @Option(help: "Treasury code (4 digits).") var treasury: String?
        @Option(help: "Last accounting date, YYYY-MM-DD.") var through: String?
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if let through { params["through"] = .string(through) }
            try await options.run("treasury.v1.Ledger/TrialBalance", params, mutating: false, columns: ["gl_account", "debit", "credit"])
        }
    }
}

struct PeriodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "periods", abstract: "Accounting periods.", subcommands: [Close.self])

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a month: treasury periods close YEAR MONTH.")
        @OptionGroup var options: GlobalOptions
        @Argument var year: Int
        @Argument var month: Int
        func run() async throws {
            try await options.run("treasury.v1.Periods/Close", ["fiscal_year": .integer(year), "month": .integer(month)], mutating: true)
        }
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Users, grants and tokens.",
                                                    subcommands: [CreateUser.self, Grant.self, IssueToken.self])

    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-user", abstract: "Create a user.")
        @OptionGroup var options: GlobalOptions
        @Argument var username: String
        @Option(name: .customLong("display-name")) var displayName: String?
        func run() async throws {
            var params: JSONObject = ["username": .string(username)]
            if let displayName { params["display_name"] = .string(displayName) }
            try await options.run("treasury.v1.Admin/CreateUser", params, mutating: true)
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role within a scope: treasury admin grant USER ROLE SCOPE.")
        @OptionGroup var options: GlobalOptions
        @Argument var username: String
        @Argument var role: String
        @Argument(help: "*, T:0360, U:1012345 or B:VCB.") var scope: String
        func run() async throws {
            try await options.run("treasury.v1.Admin/Grant", ["username": .string(username), "role": .string(role), "scope": .string(scope)], mutating: true)
        }
    }

    struct IssueToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue-token", abstract: "Issue a token for a user (shown once).")
        @OptionGroup var options: GlobalOptions
        @Argument var username: String
        @Option(name: .customLong("ttl-days")) var ttlDays: Int?
        func run() async throws {
            var params: JSONObject = ["username": .string(username)]
            if let ttlDays { params["ttl_days"] = .integer(ttlDays) }
            try await options.run("treasury.v1.Admin/IssueToken", params, mutating: true)
        }
    }
}
