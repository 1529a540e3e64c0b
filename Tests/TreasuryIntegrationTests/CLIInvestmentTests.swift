import Foundation
import Testing
import TreasuryProtocol

/// `treasury investment ...` against the real server: docs/investment.md's school, through the CLI.
extension CLITests {
    @Test func theCLIPutsAProjectPlansContractsAdvancesPaysAndShowsIt() async throws {
        let environment = try await TestEnvironment.get()
        let world = try await World.make(environment)
        let port = environment.port
        let project = "THCS-CLI-\(world.unit)"
        // The accountant's filings carry the unit's chief accountant's and head's signatures.
        let directory = try Self.keyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let signing = try await cliSigning(world, port: port, in: directory)
        func object(_ run: Run) -> JSONObject {
            (try? JSON.parse(run.output.trimmingCharacters(in: .whitespacesAndNewlines)))?.objectValue ?? [:]
        }
        func lines(_ run: Run) -> [String] { run.output.split(separator: "\n").map(String.init) }

        // The budget authority's INVESTMENT appropriation of 2030, the project, its 2030 plan.
        let root = try await treasury(["budget", "appropriate", "--year", "2030", "--level", "PROVINCE", "--treasury", world.treasury,
                                 "--amount", "20000000000", "--purpose", "INVESTMENT", "--json"], token: world.budget.token, port: port)
        #expect(root.status == 0, "\(root.error)")
        let parent = object(root)["allocation_id"]?.stringValue ?? ""
        let put = try await treasury(["investment", "project", "put", project, "--name", "Lower secondary school", "--investor", world.unit,
                                "--total", "15000000000", "--decision", "QD-12/2030", "--decision-date", "2030-01-10", "--group", "C",
                                "--source", "10"], token: world.accountant.token, port: port)
        #expect(put.status == 0, "\(put.error)")
        #expect(lines(put).contains("total_investment     15000000000"), "\(put.output)")
        let plan = try await treasury(["investment", "plan", project, "--year", "2030", "--parent", parent, "--amount", "9000000000",
                                 "--sector", "341", "--json"], token: world.budget.token, port: port)
        #expect(plan.status == 0, "\(plan.error)")
        #expect(object(plan)["amount"] == .string("9000000000"))
        let planAllocation = object(plan)["allocation_id"]?.stringValue ?? ""
        #expect(!planAllocation.isEmpty)

        // The contract, with its guarantee as options; half a guarantee is a usage error.
        let contractArguments = ["investment", "contract", project, "12000000000", "--contract", "HD-01", "--contractor", "Cong ty Xay dung So 1",
                                 "--contractor-tax-id", "0100100100", "--contractor-bank", "VCB", "--contractor-account", "0011000999999",
                                 "--advance-rate-bp", "2000", "--signed-on", "2026-01-05", "--effective-on", "2026-01-05", "--ends-on", "2031-12-31",
                                 "--retention-bp", "500"]
        let halfGuarantee = try await treasury(contractArguments + ["--guarantee", "2400000000"], token: world.accountant.token, port: port)
        #expect(halfGuarantee.status == 64, "\(halfGuarantee.error)")
        #expect(halfGuarantee.error.contains("--guarantee-bank"))
        let contract = try await treasury(contractArguments + ["--guarantee", "2400000000", "--guarantee-bank", "BIDV",
                                                         "--guarantee-expires-on", "2031-12-31", "--json"] + signing, token: world.accountant.token, port: port)
        #expect(contract.status == 0, "\(contract.error)")
        let contractID = object(contract)["contract_id"]?.stringValue ?? ""
        #expect(!contractID.isEmpty)

        // The advance: the whole 20%; then a refusal, and a malformed amount.
        let advance = try await treasury(["investment", "advance", contractID, "2400000000", "--year", "2030"] + signing, token: world.accountant.token, port: port)
        #expect(advance.status == 0, "\(advance.error)")
        #expect(advance.output.contains("SUBMITTED"), "\(advance.output)")
        let order = lines(advance).first { $0.hasPrefix("order_id") }?.split(separator: " ").last.map(String.init) ?? ""
        #expect(!order.isEmpty, "\(advance.output)")
        let more = try await treasury(["investment", "advance", contractID, "1", "--year", "2030"] + signing, token: world.accountant.token, port: port)
        #expect(more.status == 1)
        #expect(more.error.contains("error: FAILED_PRECONDITION/ADVANCE_LIMIT_EXCEEDED: advances on contract \(contractID) would reach 2400000001"),
                "\(more.error)")
        #expect(more.output.isEmpty)
        let malformed = try await treasury(["investment", "advance", contractID, "2,400", "--year", "2030"] + signing, token: world.accountant.token, port: port)
        #expect(malformed.status == 1)
        #expect(malformed.error.contains("INVALID_ARGUMENT/FIELD_INVALID") && malformed.error.contains("params.amount"), "\(malformed.error)")
        let badYear = try await treasury(["investment", "advance", contractID, "1", "--year", "next"], token: world.accountant.token, port: port)
        #expect(badYear.status == 64, "\(badYear.error)")

        // Paid through the spending commands, then the first acceptance: least recovery 750 m, retention 150 m.
        #expect(try await treasury(["spending", "approve", order], token: world.officer.token, port: port).status == 0)
        #expect(try await treasury(["spending", "authorize", order], token: world.chief.token, port: port).status == 0)
        let pay = try await treasury(["investment", "pay", contractID, "3000000000", "--acceptance", "NT-01", "--accepted-on", "2026-06-30",
                                "--year", "2030"] + signing, token: world.accountant.token, port: port)
        #expect(pay.status == 0, "\(pay.error)")
        #expect(Array(lines(pay).prefix(4)) == ["gross       3000000000", "recovery    750000000", "retention   150000000", "net         2100000000"],
                "\(pay.output)")
        #expect(lines(pay).contains { $0.hasPrefix("order_id    ") } && lines(pay).contains { $0.hasPrefix("due_at      20") }, "\(pay.output)")

        // The project: a table, JSON and CSV. The payment is not paid yet: disbursed is the advance.
        let show = try await treasury(["investment", "project", "show", project], token: world.auditor.token, port: port)
        #expect(show.status == 0, "\(show.error)")
        let table = lines(show)
        #expect(table.first == "project_code         \(project)")
        #expect(table.contains("disbursed_total      2400000000"))
        #expect(table.contains("fiscal_year  extended_from_year  allocation_id  amount      disbursed"), "\(show.output)")
        #expect(table.contains { $0.hasPrefix("2030") && $0.hasSuffix("9000000000  2400000000") }, "\(show.output)")
        #expect(table.contains("\(contractID.padding(toLength: 11, withPad: " ", startingAt: 0))  HD-01        12000000000  0         2400000000  2400000000"),
                "\(show.output)")
        let json = object(try await treasury(["investment", "project", "show", project, "--json"], token: world.auditor.token, port: port))
        #expect(json["advance_outstanding"] == .string("2400000000"))
        #expect(json["plans"]?.arrayValue?.first?.objectValue?["allocation_id"] == .string(planAllocation))
        #expect(json["contracts"]?.arrayValue?.first?.objectValue?["contract_no"] == .string("HD-01"))
        let csv = lines(try await treasury(["investment", "project", "show", project, "--csv"], token: world.auditor.token, port: port))
        #expect(csv == ["kind,fiscal_year,extended_from_year,allocation_id,contract_id,contract_no,amount,disbursed,accepted,advance_outstanding",
                        "PLAN,2030,,\(planAllocation),,,9000000000,2400000000,,",
                        "CONTRACT,,,,\(contractID),HD-01,12000000000,2400000000,0,2400000000",
                        "PROJECT,,,,,,15000000000,2400000000,,2400000000"])

        // The disbursement report of the year for the world's treasury: 2.4 of 9 bn.
        let report = lines(try await treasury(["report", "disbursement", "--year", "2030", "--treasury", world.treasury, "--group-by", "project_code",
                                               "--csv"], token: world.auditor.token, port: port))
        #expect(report == ["project_code,planned,disbursed,advance_outstanding,rate", "\(project),9000000000,2400000000,2400000000,0.2667"],
                "\(report)")
        let overdue = try await treasury(["report", "overdue-advances", "--as-of", "2026-06-30", "--csv"], token: world.auditor.token, port: port)
        #expect(overdue.status == 0, "\(overdue.error)")
        #expect(!overdue.output.contains(project), "no advance of this contract is overdue before it ends: \(overdue.output)")

        let missing = try await treasury(["investment", "project", "show", "NO-SUCH-\(world.unit)"], token: world.auditor.token, port: port)
        #expect(missing.status == 1)
        #expect(missing.error.contains("NOT_FOUND/PROJECT_NOT_FOUND"))
    }
}
