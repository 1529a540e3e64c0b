import ArgumentParser
import Foundation
import TreasuryProtocol

struct SpendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spending", abstract: "Commitments, payment orders and advances.",
        subcommands: [Commit.self, Submit.self, Approve.self, Authorize.self, Reject.self, Cancel.self, Settle.self, Show.self])

    struct Commit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a contract (commitment) against a unit's allocation.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Allocation id.") var allocation: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(name: .customLong("contract"), help: "Contract number.") var contract: String
        @Option(name: .customLong("economic-code"), help: "Economic content code, e.g. 6501.") var economicCode: String
        @Option(name: .customLong("signed-on"), help: "Signing date YYYY-MM-DD.") var signedOn: String
        @Option(name: .customLong("supplier"), help: "Supplier name.") var supplier: String
        @Option(name: .customLong("supplier-tax-id")) var supplierTaxID: String?
        @Option(name: .customLong("supplier-bank"), help: "Supplier's bank code.") var supplierBank: String
        @Option(name: .customLong("supplier-account"), help: "Supplier's bank account number.") var supplierAccount: String
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var supplierObject: JSONObject = ["name": .string(supplier), "bank_code": .string(supplierBank), "account_no": .string(supplierAccount)]
            if let supplierTaxID { supplierObject["tax_id"] = .string(supplierTaxID) }
            var params: JSONObject = ["allocation_id": .string(allocation), "contract_no": .string(contract), "economic_code": .string(economicCode),
                                      "amount": .string(amount), "supplier": .object(supplierObject), "signed_on": .string(signedOn)]
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Spending/RegisterCommitment", params, mutating: true)
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a payment order or an advance.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Allocation id.") var allocation: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(help: "PAYMENT (default) or ADVANCE.") var kind: String = "PAYMENT"
        @Option(help: "Commitment id to pay against.") var commitment: String?
        @Option(name: .customLong("economic-code"), help: "Economic content code.") var economicCode: String
        @Option(name: .customLong("beneficiary"), help: "Beneficiary name.") var beneficiary: String
        @Option(name: .customLong("beneficiary-bank"), help: "Beneficiary's bank code.") var beneficiaryBank: String
        @Option(name: .customLong("beneficiary-account"), help: "Beneficiary's bank account number.") var beneficiaryAccount: String
        @Option var description: String?
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = [
                "allocation_id": .string(allocation), "kind": .string(kind), "economic_code": .string(economicCode), "amount": .string(amount),
                "beneficiary": .object(["name": .string(beneficiary), "bank_code": .string(beneficiaryBank), "account_no": .string(beneficiaryAccount)]),
            ]
            if let commitment { params["commitment_id"] = .string(commitment) }
            if let description { params["description"] = .string(description) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Spending/SubmitPaymentOrder", params, mutating: true)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a submitted order (expenditure control, treasury officer).")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        @Option var note: String?
        func run() async throws {
            var params: JSONObject = ["order_id": .string(order)]
            if let note { params["note"] = .string(note) }
            try await options.run("treasury.v1.Spending/ApprovePaymentOrder", params, mutating: true)
        }
    }

    struct Authorize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Authorize (second signature) and pay an approved order (chief accountant).")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        func run() async throws { try await options.run("treasury.v1.Spending/AuthorizePaymentOrder", ["order_id": .string(order)], mutating: true) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a submitted or approved order, giving every reason at once (repeat --reason and --note, in pairs).")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        @Option(name: .customLong("reason"), help: "UPPER_SNAKE reason code, e.g. DOCUMENTS_INCOMPLETE; repeat for each reason.") var reasonCodes: [String]
        @Option(name: .customLong("note"), help: "What is wrong, one per --reason, in the same order.") var notes: [String]

        func validate() throws {
            guard !reasonCodes.isEmpty, reasonCodes.count == notes.count else {
                throw ValidationError("give each --reason its --note: \(reasonCodes.count) reasons, \(notes.count) notes")
            }
        }

        func run() async throws {
            let reasons = zip(reasonCodes, notes).map { JSON.object(["code": .string($0), "note": .string($1)]) }
            try await options.run("treasury.v1.Spending/RejectPaymentOrder", ["order_id": .string(order), "reasons": .array(reasons)], mutating: true)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a submitted order (the unit).")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        func run() async throws { try await options.run("treasury.v1.Spending/CancelPaymentOrder", ["order_id": .string(order)], mutating: true) }
    }

    struct Settle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Settle part of a paid advance as spending.")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(name: .customLong("economic-code"), help: "Economic content code of the spending.") var economicCode: String
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = ["order_id": .string(order), "amount": .string(amount), "economic_code": .string(economicCode)]
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Spending/SettleAdvance", params, mutating: true)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a payment order with its status history.")
        @OptionGroup var options: GlobalOptions
        @Argument var order: String
        func run() async throws { try await options.run("treasury.v1.Spending/GetPaymentOrder", ["order_id": .string(order)], mutating: false) }
    }
}
