import ArgumentParser
import Foundation
import TreasuryProtocol

struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget", abstract: "Appropriations and allocations.",
        subcommands: [Appropriate.self, Allocate.self, Adjust.self, Show.self, List.self])

    static let figures = ["allocation_id", "parent_id", "unit_code", "chapter", "sector", "amount", "sub_allocated", "committed",
                          "pending", "spent", "advanced", "available"]

    struct Appropriate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a root estimate: treasury budget appropriate --year 2026 --level PROVINCE --treasury 0360 --amount 1000000000 --purpose RECURRENT.")
        @OptionGroup var options: GlobalOptions
        @Option var year: Int
        @Option(help: "Budget level, e.g. PROVINCE.") var level: String
        @Option(help: "Treasury code (4 digits).") var treasury: String
        @Option(help: "Amount in whole đồng.") var amount: String
        @Option(help: "RECURRENT or INVESTMENT.") var purpose: String
        @Option var note: String?
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year), "budget_level": .string(level), "treasury_code": .string(treasury),
                                      "amount": .string(amount), "purpose": .string(purpose)]
            if let note { params["note"] = .string(note) }
            try await options.run("treasury.v1.Budget/Appropriate", params, mutating: true)
        }
    }

    struct Allocate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allocate part of an estimate to a budget unit.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Parent allocation id.") var parent: String
        @Option(help: "Budget unit code (7 digits).") var unit: String
        @Option var chapter: String
        @Option var sector: String
        @Option var source: String?
        @Option var program: String?
        @Option(help: "Amount in whole đồng.") var amount: String
        func run() async throws {
            var params: JSONObject = ["parent_id": .string(parent), "unit_code": .string(unit), "chapter": .string(chapter),
                                      "sector": .string(sector), "amount": .string(amount)]
            if let source { params["source"] = .string(source) }
            if let program { params["program"] = .string(program) }
            try await options.run("treasury.v1.Budget/Allocate", params, mutating: true)
        }
    }

    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise (positive delta) or cut (negative delta) an allocation.")
        @OptionGroup var options: GlobalOptions
        @Argument var allocation: String
        @Argument(help: "Signed amount in whole đồng, e.g. -50000.") var delta: String
        @Option var reason: String
        func run() async throws {
            try await options.run("treasury.v1.Budget/Adjust", ["allocation_id": .string(allocation), "delta": .string(delta),
                                                                "reason": .string(reason)], mutating: true)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an allocation and its figures.")
        @OptionGroup var options: GlobalOptions
        @Argument var allocation: String
        func run() async throws { try await options.run("treasury.v1.Budget/Get", ["allocation_id": .string(allocation)], mutating: false) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the allocations of a fiscal year.")
        @OptionGroup var options: GlobalOptions
        @Option var year: Int
        @Option var treasury: String?
        @Option var unit: String?
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if let unit { params["unit_code"] = .string(unit) }
            try await options.run("treasury.v1.Budget/List", params, mutating: false, columns: BudgetCommand.figures)
        }
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reports as a table, --json or --csv.",
                                                    subcommands: [BudgetExecution.self, ServiceLevel.self, Disbursement.self, OverdueAdvances.self])

    struct BudgetExecution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "budget-execution", abstract: "Budget execution, grouped.")
        @OptionGroup var options: GlobalOptions
        @Option var year: Int
        @Option var treasury: String?
        @Option var level: String?
        @Option(name: .customLong("group-by"), help: "unit_code, chapter, sector, treasury_code, budget_level or purpose; repeatable.")
        var groupBy: [String] = []
        @Flag(help: "Print CSV.") var csv = false
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if let level { params["budget_level"] = .string(level) }
            if !groupBy.isEmpty { params["group_by"] = .array(groupBy.map(JSON.string)) }
            let columns = groupBy + ["amount", "committed", "pending", "spent", "advanced", "available"]
            if csv {
                try await options.printCSV("treasury.v1.Reports/BudgetExecution", params, columns: columns)
            } else {
                try await options.run("treasury.v1.Reports/BudgetExecution", params, mutating: false, columns: columns)
            }
        }
    }

    struct ServiceLevel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "service-level", abstract: "Online public services: on-time and online rates.")
        @OptionGroup var options: GlobalOptions
        @Option var from: String
        @Option var to: String
        @Option var treasury: String?
        @Flag(help: "Print CSV (one row per procedure).") var csv = false
        func run() async throws {
            var params: JSONObject = ["from": .string(from), "to": .string(to)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            let columns = ["procedure", "legal_limit", "received", "completed", "completed_on_time", "on_time_rate", "completed_same_day",
                           "same_day_rate", "online_rate", "median_processing_minutes"]
            let response = try await options.callOrExit("treasury.v1.Reports/ServiceLevel", params)
            if options.json { print(response.serialized()); return }
            let rows = (response.objectValue?["procedures"]?.arrayValue ?? []).map { row -> JSON in
                guard var object = row.objectValue else { return row }
                object["legal_limit"] = .string(Self.limitText(object["legal_limit"]?.objectValue ?? [:]))
                return .object(object)
            }
            var total = response.objectValue ?? [:]
            total["procedures"] = nil
            total["procedure"] = .string("ALL")
            let all = rows + [JSON.object(total)]
            print(csv ? Table.csv(all, columns: columns) : Table.rows(all, columns: columns))
        }

        /// A legal limit in a few words: "5 min (counter 30 min)", "1 wd (25-31 Dec/Jan 2 wd)", "2 wd (advance 1 wd)".
        static func limitText(_ limit: JSONObject) -> String {
            let number = { (key: String) in limit[key]?.integerValue }
            var text = number("minutes").map { "\($0) min" } ?? number("working_days").map { "\($0) wd" } ?? ""
            if let counter = number("counter_minutes") { text += " (counter \(counter) min)" }
            if let advance = number("advance_working_days") { text += " (advance \(advance) wd)" }
            if let yearEnd = number("year_end_working_days") { text += " (25-31 Dec/Jan \(yearEnd) wd)" }
            return text
        }
    }
}

extension ReportCommand {
    struct Disbursement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disbursement", abstract: "Public investment: planned, disbursed and the rate, grouped.")
        @OptionGroup var options: GlobalOptions
        @Option var year: Int
        @Option var treasury: String?
        @Option(name: .customLong("group-by"), help: "project_code, investor_unit_code, source or group; repeatable.")
        var groupBy: [String] = []
        @Flag(help: "Print CSV.") var csv = false
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if !groupBy.isEmpty { params["group_by"] = .array(groupBy.map(JSON.string)) }
            let columns = groupBy + ["planned", "disbursed", "advance_outstanding", "rate"]
            if csv {
                try await options.printCSV("treasury.v1.Reports/Disbursement", params, columns: columns)
            } else {
                try await options.run("treasury.v1.Reports/Disbursement", params, mutating: false, columns: columns)
            }
        }
    }

    struct OverdueAdvances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "overdue-advances",
                                                        abstract: "Contract advances not recovered 3 months after the contract ended.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("as-of"), help: "The day to count from (YYYY-MM-DD).") var asOf: String
        @Flag(help: "Print CSV.") var csv = false
        func run() async throws {
            let params: JSONObject = ["as_of": .string(asOf)]
            let columns = ["order_id", "contract_no", "project_code", "investor_unit_code", "outstanding", "ends_on", "recovery_deadline", "days_overdue"]
            if csv {
                try await options.printCSV("treasury.v1.Reports/OverdueAdvances", params, columns: columns)
            } else {
                try await options.run("treasury.v1.Reports/OverdueAdvances", params, mutating: false, columns: columns)
            }
        }
    }
}

extension GlobalOptions {
    /// Runs a read and returns its result, or prints the error and exits 1.
    func callOrExit(_ method: String, _ params: JSONObject) async throws -> JSON {
        try await response(method, params, mutating: false).result ?? .null
    }

    func printCSV(_ method: String, _ params: JSONObject, columns: [String]) async throws {
        print(Table.csv(try await response(method, params, mutating: false).items, columns: columns))
    }
}

extension Table {
    /// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
    static func csv(_ items: [JSON], columns: [String]) -> String {
        let escape = { (field: String) -> String in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        let lines = items.compactMap(\.objectValue).map { object in columns.map { escape(text(object[$0])) }.joined(separator: ",") }
        return ([columns.joined(separator: ",")] + lines).joined(separator: "\n")
    }
}
