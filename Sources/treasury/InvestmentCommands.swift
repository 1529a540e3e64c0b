import ArgumentParser
import Foundation
import TreasuryProtocol

/// Public investment (API.md "Public investment", issue #11): projects, capital plans,
/// contracts, advances and payments of accepted work. Advances and payments are payment orders:
/// `treasury spending approve|authorize|reject|cancel|show` take them from there.
struct InvestmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "investment", abstract: "Public investment: projects, capital plans, contracts, advances and payments.",
        subcommands: [Project.self, Plan.self, Contract.self, Advance.self, Pay.self])

    struct Project: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A project's legal file.", subcommands: [Put.self, Show.self])

        struct Put: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register or update a project: treasury investment project put THCS-01 --name ... --investor 1012345 --total 15000000000 --decision QD-12/2030 --decision-date 2030-01-10 --group C --source 10.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Project code (capitals, digits, . _ -; up to 32).") var project: String
            @Option var name: String
            @Option(help: "Budget unit code of the investor (7 digits); never changes.") var investor: String
            @Option(help: "Total investment in whole đồng.") var total: String
            @Option(help: "Number of the investment decision.") var decision: String
            @Option(name: .customLong("decision-date"), help: "Date of the decision YYYY-MM-DD.") var decisionDate: String
            @Option(help: "NATIONAL, A, B or C.") var group: String
            @Option(help: "Capital source code, e.g. 10.") var source: String
            func run() async throws {
                let params: JSONObject = [
                    "project_code": .string(project), "name": .string(name), "investor_unit_code": .string(investor),
                    "total_investment": .string(total), "decision_no": .string(decision), "decision_date": .string(decisionDate),
                    "group": .string(group), "source": .string(source)]
                let response = try await options.response("treasury.v1.Investment/PutProject", params, mutating: true)
                if options.json { print(response.result?.serialized() ?? "null"); return }
                print(InvestmentCommand.projectTable(response.result ?? .null))
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a project, its plans and contracts, and what has been disbursed.",
                discussion: """
                The table shows the project, then its plans (one per fiscal year) and its contracts. --csv prints them as one \
                table, a row per plan, per contract and a PROJECT row: amount is the plan's amount, the contract's value or the \
                total investment; disbursed is the plan's disbursed, the contract's paid or the project's disbursed total.
                """)
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Project code.") var project: String
            @Flag(help: "Print CSV.") var csv = false
            func run() async throws {
                let response = try await options.response("treasury.v1.Investment/GetProject", ["project_code": .string(project)], mutating: false)
                let result = response.result ?? .null
                if options.json { print(result.serialized()); return }
                print(csv ? Table.csv(InvestmentCommand.projectRows(result), columns: InvestmentCommand.csvColumns) : InvestmentCommand.projectTable(result))
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a project's capital plan for a year (budget authority): treasury investment plan THCS-01 --year 2030 --parent 17 --amount 9000000000.",
            discussion: "The plan is an INVESTMENT allocation to the investor drawn from --parent; run again for the same project and year to raise or cut it.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Project code.") var project: String
        @Option(help: "Fiscal year.") var year: Int
        @Option(help: "Parent allocation id (an INVESTMENT allocation of that year).") var parent: String
        @Option(help: "Amount in whole đồng.") var amount: String
        @Option(help: "Sector code, when the parent allocation fixes none.") var sector: String?
        @Option(name: .customLong("extended-from-year"), help: "The prior year this plan extends.") var extendedFromYear: Int?
        func run() async throws {
            var params: JSONObject = ["project_code": .string(project), "fiscal_year": .integer(year), "parent_id": .string(parent),
                                      "amount": .string(amount)]
            if let sector { params["sector"] = .string(sector) }
            if let extendedFromYear { params["extended_from_year"] = .integer(extendedFromYear) }
            try await options.run("treasury.v1.Investment/PutCapitalPlan", params, mutating: true)
        }
    }

    struct Contract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a contract of a project: treasury investment contract PROJECT VALUE --contract NO --contractor NAME ...",
            discussion: "A bank guarantee is given by --guarantee, --guarantee-bank and --guarantee-expires-on together.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Project code.") var project: String
        @Argument(help: "Contract value in whole đồng.") var value: String
        @Option(name: .customLong("contract"), help: "Contract number.") var contract: String
        @Option(name: .customLong("contractor"), help: "Contractor name.") var contractor: String
        @Option(name: .customLong("contractor-tax-id")) var contractorTaxID: String
        @Option(name: .customLong("contractor-bank"), help: "Contractor's bank code.") var contractorBank: String
        @Option(name: .customLong("contractor-account"), help: "Contractor's bank account number.") var contractorAccount: String
        @Option(name: .customLong("advance-rate-bp"), help: "Advance rate in basis points (at most 3000 = 30%).") var advanceRateBP: Int
        @Option(name: .customLong("signed-on"), help: "Signing date YYYY-MM-DD.") var signedOn: String
        @Option(name: .customLong("effective-on"), help: "Effective date YYYY-MM-DD.") var effectiveOn: String
        @Option(name: .customLong("ends-on"), help: "End date YYYY-MM-DD.") var endsOn: String
        @Option(help: "Bank guarantee amount in whole đồng.") var guarantee: String?
        @Option(name: .customLong("guarantee-bank"), help: "Guaranteeing bank's code.") var guaranteeBank: String?
        @Option(name: .customLong("guarantee-expires-on"), help: "Guarantee expiry date YYYY-MM-DD.") var guaranteeExpiresOn: String?
        @Option(name: .customLong("retention-bp"), help: "Retention kept back from payments, in basis points.") var retentionBP: Int?
        @Option(help: "ONLINE or COUNTER.") var channel: String?

        func validate() throws {
            let given = [guarantee, guaranteeBank, guaranteeExpiresOn].filter { $0 != nil }.count
            guard given == 0 || given == 3 else {
                throw ValidationError("a guarantee needs --guarantee, --guarantee-bank and --guarantee-expires-on together")
            }
        }

        func run() async throws {
            var params: JSONObject = [
                "project_code": .string(project), "contract_no": .string(contract), "value": .string(value),
                "contractor": .object(["name": .string(contractor), "tax_id": .string(contractorTaxID), "bank_code": .string(contractorBank),
                                       "account_no": .string(contractorAccount)]),
                "advance_rate_bp": .integer(advanceRateBP), "signed_on": .string(signedOn), "effective_on": .string(effectiveOn),
                "ends_on": .string(endsOn)]
            if let guarantee, let guaranteeBank, let guaranteeExpiresOn {
                params["guarantee"] = .object(["amount": .string(guarantee), "bank_code": .string(guaranteeBank),
                                               "expires_on": .string(guaranteeExpiresOn)])
            }
            if let retentionBP { params["retention_bp"] = .integer(retentionBP) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Investment/RegisterContract", params, mutating: true)
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request an advance under a contract: a payment order that then goes through spending approve and authorize.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Contract id.") var contract: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(help: "Fiscal year of the plan charged (default: the current one).") var year: Int?
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = ["contract_id": .string(contract), "amount": .string(amount)]
            if let year { params["fiscal_year"] = .integer(year) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Investment/RequestAdvance", params, mutating: true)
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request payment of accepted work under a contract, less the advance recovery and the retention.",
            discussion: "Prints gross, recovery, retention, net, the payment order and when it is due; the order then goes through spending approve and authorize.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Contract id.") var contract: String
        @Argument(help: "Accepted value (the gross) in whole đồng.") var acceptedValue: String
        @Option(help: "Number of the acceptance statement.") var acceptance: String
        @Option(name: .customLong("accepted-on"), help: "Acceptance date YYYY-MM-DD.") var acceptedOn: String
        @Option(help: "Advance recovery in whole đồng (default: the least the law allows).") var recovery: String?
        @Option(help: "Fiscal year of the plan charged (default: the current one).") var year: Int?
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = ["contract_id": .string(contract), "acceptance_no": .string(acceptance), "accepted_on": .string(acceptedOn),
                                      "accepted_value": .string(acceptedValue)]
            if let recovery { params["recovery"] = .string(recovery) }
            if let year { params["fiscal_year"] = .integer(year) }
            if let channel { params["channel"] = .string(channel) }
            let response = try await options.response("treasury.v1.Investment/RequestPayment", params, mutating: true)
            let result = response.result ?? .null
            if options.json { print(result.serialized()); return }
            print(InvestmentCommand.keyValue(result, keys: ["gross", "recovery", "retention", "net", "order_id", "status", "dossier_id", "due_at"]))
        }
    }

    // MARK: Printing a project

    static let planColumns = ["fiscal_year", "extended_from_year", "allocation_id", "amount", "disbursed"]
    static let contractColumns = ["contract_id", "contract_no", "value", "accepted", "paid", "advance_outstanding"]
    static let csvColumns = ["kind", "fiscal_year", "extended_from_year", "allocation_id", "contract_id", "contract_no", "amount", "disbursed",
                             "accepted", "advance_outstanding"]

    /// The project's fields, then its plans and its contracts as tables.
    static func projectTable(_ result: JSON) -> String {
        let object = result.objectValue ?? [:]
        let fields = ["project_code", "name", "investor_unit_code", "group", "source", "decision_no", "decision_date", "total_investment",
                      "disbursed_total", "advance_outstanding"]
        var text = keyValue(result, keys: fields.filter { object[$0] != nil })
        text += "\n\nplans\n" + Table.rows(object["plans"]?.arrayValue ?? [], columns: planColumns)
        text += "\n\ncontracts\n" + Table.rows(object["contracts"]?.arrayValue ?? [], columns: contractColumns)
        return text
    }

    /// One row per plan, per contract and the project's own, in the columns of csvColumns.
    static func projectRows(_ result: JSON) -> [JSON] {
        let object = result.objectValue ?? [:]
        let plans = (object["plans"]?.arrayValue ?? []).compactMap(\.objectValue).map { plan -> JSON in
            var row = plan
            row["kind"] = .string("PLAN")
            return .object(row)
        }
        let contracts = (object["contracts"]?.arrayValue ?? []).compactMap(\.objectValue).map { contract -> JSON in
            var row = contract
            row["kind"] = .string("CONTRACT")
            row["amount"] = contract["value"]
            row["disbursed"] = contract["paid"]
            return .object(row)
        }
        let project: JSONObject = ["kind": .string("PROJECT"), "amount": object["total_investment"] ?? .null,
                                   "disbursed": object["disbursed_total"] ?? .null, "advance_outstanding": object["advance_outstanding"] ?? .null]
        return plans + contracts + [.object(project)]
    }

    /// The given fields of an object, aligned, in that order.
    static func keyValue(_ result: JSON, keys: [String]) -> String {
        let object = result.objectValue ?? [:]
        let width = keys.map(\.count).max() ?? 0
        return keys.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + Table.text(object[$0]) }.joined(separator: "\n")
    }
}
