import ArgumentParser
import Foundation
import TreasuryProtocol

/// The fiscal year end (API.md "Fiscal year end", issue #12): carry-overs, the close and the
/// settlement report. A year closes once its months 1-12 are closed (`treasury periods close`),
/// the previous year is closed and its adjustment period (to 31 January of the next year) is over.
struct YearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "year", abstract: "The fiscal year end: carry-overs, the close, the budget settlement.",
        subcommands: [CarryOver.self, Close.self, Settlement.self])

    static let grounds = "INVESTMENT_EXTENDED, CONTRACTED_BEFORE_YEAR_END, ADDED_AFTER_30_SEP, SALARY_REFORM or OTHER"
    static let settlementKeys = ["unit_code", "chapter", "sector", "treasury_code", "budget_level", "purpose"]
    static let settlementFigures = ["appropriated", "allocated", "spent", "advance_outstanding", "carried_over", "lapsed", "committed", "pending"]

    struct CarryOver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "carry-over",
            abstract: "Mark part of an allocation's unspent estimate to carry over into next year (budget authority): treasury year carry-over --allocation 17 --amount 60000000 --ground CONTRACTED_BEFORE_YEAR_END --decision QD-CO-1.",
            discussion: "At the close the amount becomes next year's allocation of the same classification instead of lapsing. Prints the carry-over and the allocation's total carried over.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Allocation id (of the year being closed).") var allocation: String
        @Option(help: "Amount in whole đồng.") var amount: String
        @Option(help: "Legal ground: \(YearCommand.grounds).") var ground: String
        @Option(help: "Number of the decision allowing it.") var decision: String
        func run() async throws {
            try await options.run("treasury.v1.YearEnd/MarkCarryOver",
                                  ["allocation_id": .string(allocation), "amount": .string(amount), "ground": .string(ground),
                                   "decision_no": .string(decision)], mutating: true)
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a fiscal year for good (chief accountant of scope * or a top-level treasury): treasury year close --fiscal-year 2026.",
            discussion: """
            Stops the orders still in flight, closes the commitments, lapses what is unspent, creates next year's allocations \
            for the carry-overs, rolls investment advances forward and lists the other advances, due back by 15 February. \
            Prints what lapsed, what was carried over and the orders stopped, then the advances rolled forward and those to \
            recover with their due dates. Refused (exit 1) while the adjustment period is open (ADJUSTMENT_PERIOD_OPEN), while \
            a month 1-12 is open (PREVIOUS_PERIOD_OPEN), while the previous year is open (PREVIOUS_YEAR_OPEN) and once closed \
            (YEAR_ALREADY_CLOSED).
            """)
        @OptionGroup var options: GlobalOptions
        @Option(name: [.customLong("fiscal-year"), .customLong("year")], help: "Fiscal year.") var fiscalYear: Int
        func run() async throws {
            let response = try await options.response("treasury.v1.YearEnd/Close", ["fiscal_year": .integer(fiscalYear)], mutating: true)
            let result = response.result ?? .null
            if options.json { print(result.serialized()); return }
            print(YearCommand.closeTable(result))
        }
    }

    struct Settlement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Budget settlement of a fiscal year, grouped: appropriated, allocated, spent, advance outstanding, carried over, lapsed.",
            discussion: "Each allocation counts its own share, so nothing counts twice; a closed year's figures are those of its close (then appropriated = spent + advance_outstanding + carried_over + lapsed). The table is followed by the row count and whether the year is closed.")
        @OptionGroup var options: GlobalOptions
        @Option(name: [.customLong("fiscal-year"), .customLong("year")], help: "Fiscal year.") var fiscalYear: Int
        @Option(help: "Treasury code (with the treasuries under it).") var treasury: String?
        @Option(name: .customLong("group-by"),
                help: "unit_code, chapter, sector, treasury_code, budget_level or purpose; comma-separated or repeated.")
        var groupBy: [String] = []
        @Flag(help: "Print CSV.") var csv = false

        /// The group keys in order, each once: `--group-by a,b --group-by c` is a, b, c.
        var keys: [String] {
            groupBy.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        }

        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(fiscalYear)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if !keys.isEmpty { params["group_by"] = .array(keys.map(JSON.string)) }
            let columns = keys + YearCommand.settlementFigures
            if csv {
                try await options.printCSV("treasury.v1.Reports/BudgetSettlement", params, columns: columns)
            } else {
                try await options.run("treasury.v1.Reports/BudgetSettlement", params, mutating: false, columns: columns)
            }
        }
    }

    // MARK: Printing a close

    /// The close's figures, then the advances rolled forward and those to recover as tables.
    static func closeTable(_ result: JSON) -> String {
        let object = result.objectValue ?? [:]
        var text = InvestmentCommand.keyValue(result, keys: ["fiscal_year", "status", "lapsed", "carried_over", "orders_stopped", "closed_at"])
        text += "\n\nadvances rolled forward\n" + Table.rows(object["advances_rolled_forward"]?.arrayValue ?? [], columns: ["order_id", "outstanding"])
        text += "\n\nadvances to recover\n" + Table.rows(object["advances_to_recover"]?.arrayValue ?? [], columns: ["order_id", "outstanding", "due_on"])
        return text
    }
}
