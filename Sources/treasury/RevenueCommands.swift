import ArgumentParser
import Foundation
import TreasuryClient
import TreasuryProtocol

struct RevenueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revenue", abstract: "Revenue: collection files, refunds, summary, bank reconciliation, sharing rules.",
        subcommands: [Import.self, Refund.self, Summary.self, Reconcile.self, SharingRule.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a bank's collection file (CSV) through RecordCollections, in batches.",
            discussion: """
            The first row names the columns: bank_code, bank_ref, collected_on, payer_name, payer_tax_id, revenue_id, \
            chapter, economic_code, area_code, treasury_code, amount (payer_tax_id and revenue_id may be empty or absent). \
            Rows already recorded (same bank_code and bank_ref, same content) are reported as duplicates, so an import can \
            simply be run again after a failure. Refused rows go to the reject file with the reason appended; exit 1 if any.
            """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(name: .customLong("batch-size"), help: "Rows per RecordCollections call (1 to 10000).") var batchSize = 1000
        @Option(help: "Reject file (default: FILE.rejects.csv).") var rejects: String?

        func validate() throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        }

        func run() async throws {
            guard let input = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
            var reader = CSVReader(input)
            guard let header = try reader.next() else { throw ValidationError("\(file) is empty") }
            let known: Set<String> = ["bank_code", "bank_ref", "collected_on", "payer_name", "payer_tax_id", "revenue_id", "chapter",
                                      "economic_code", "area_code", "treasury_code", "amount"]
            if let unknown = header.first(where: { !known.contains($0) }) { throw ValidationError("unknown column \(unknown) in \(file)") }
            let rejectPath = rejects ?? file + ".rejects.csv"
            FileManager.default.createFile(atPath: rejectPath, contents: nil)
            guard let rejectFile = FileHandle(forWritingAtPath: rejectPath) else { throw ValidationError("cannot write \(rejectPath)") }
            defer { try? rejectFile.close() }
            rejectFile.write(Data((CSVReader.line(header + ["reason"]) + "\n").utf8))

            let connection = try await options.connect()
            defer { Task { await connection.close() } }
            // One key per run and batch: a retry within the run replays the batch's stored outcome; a
            // new run executes again, and the bank references make every row already recorded a
            // duplicate (replayed), never a second collection.
            let keyBase = options.key ?? "revenue-import:" + UUID().uuidString.lowercased()
            var accepted = 0, duplicates = 0, refused = 0, rows = 0
            var batch: [[String]] = []
            func flush() async throws {
                guard !batch.isEmpty else { return }
                let items = batch.map { Self.item(header: header, row: $0) }
                let params: JSONObject = ["collections": .array(items)]
                let key = keyBase + ":" + Self.digest(JSON.object(params).serialized())
                let metadata = try options.metadata("treasury.v1.Revenue/RecordCollections", params, mutating: true, idempotencyKey: key)
                var response = try await connection.call("treasury.v1.Revenue/RecordCollections", params: params, metadata: metadata,
                                                         deadlineMs: options.deadlineMs ?? 120_000)
                // UNAVAILABLE and ABORTED are safe to retry with the same key.
                var attempts = 1
                while let error = response.error, ["UNAVAILABLE", "ABORTED"].contains(error.code.rawValue), attempts < 5 {
                    try await Task.sleep(for: .seconds(attempts))
                    attempts += 1
                    response = try await connection.call("treasury.v1.Revenue/RecordCollections", params: params, metadata: metadata,
                                                         deadlineMs: options.deadlineMs ?? 120_000)
                }
                if let error = response.error {
                    FileHandle.standardError.write(Data("\nerror: rows \(rows - batch.count + 1)-\(rows): \(error.code.rawValue)/\(error.reason): \(error.message)\n".utf8))
                    throw ExitCode(1)
                }
                let results = response.result?.objectValue?["results"]?.arrayValue ?? []
                for (row, result) in zip(batch, results) {
                    let object = result.objectValue ?? [:]
                    if let error = object["error"]?.objectValue {
                        refused += 1
                        var reason = "\(error["code"]?.stringValue ?? "")/\(error["reason"]?.stringValue ?? ""): \(error["message"]?.stringValue ?? "")"
                        if let field = error["details"]?.objectValue?["field"]?.stringValue { reason += " (\(field))" }
                        rejectFile.write(Data((CSVReader.line(row + [reason]) + "\n").utf8))
                    } else if object["replayed"] == .bool(true) {
                        duplicates += 1
                    } else {
                        accepted += 1
                    }
                }
                FileHandle.standardError.write(Data("\r\(rows) rows: \(accepted) accepted, \(duplicates) duplicate, \(refused) refused".utf8))
                batch.removeAll(keepingCapacity: true)
            }
            while let row = try reader.next() {
                if row.count == 1, row[0].isEmpty { continue }
                rows += 1
                batch.append(row)
                if batch.count == batchSize { try await flush() }
            }
            try await flush()
            FileHandle.standardError.write(Data("\n".utf8))
            print("rows       \(rows)")
            print("accepted   \(accepted)")
            print("duplicate  \(duplicates)")
            print("refused    \(refused)\(refused > 0 ? " (see \(rejectPath))" : "")")
            if refused > 0 { throw ExitCode(1) }
        }

        /// A CSV row as a RecordCollections item: empty optional cells are left out.
        static func item(header: [String], row: [String]) -> JSON {
            var object = JSONObject(), payer = JSONObject()
            for (index, column) in header.enumerated() {
                let value = index < row.count ? row[index] : ""
                switch column {
                case "payer_name": payer["name"] = .string(value)
                case "payer_tax_id": if !value.isEmpty { payer["tax_id"] = .string(value) }
                case "revenue_id": if !value.isEmpty { object["revenue_id"] = .string(value) }
                default: if !value.isEmpty { object[column] = .string(value) }
                }
            }
            object["payer"] = .object(payer)
            return .object(object)
        }

        /// 128 bits of two FNV-1a hashes (distinct offsets), hex: the batch's part of its idempotency key.
        static func digest(_ text: String) -> String {
            var first: UInt64 = 0xcbf2_9ce4_8422_2325, second: UInt64 = 0x8422_2325_cbf2_9ce4
            for byte in text.utf8 {
                first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
                second = (second ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37_79b9
            }
            return String(first, radix: 16) + String(second, radix: 16)
        }
    }

    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refund part of a collection (tax authority or officer).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Collection id.") var collection: String
        @Argument(help: "Amount in whole đồng.") var amount: String
        @Option(help: "Number of the refund decision (a business key).") var decision: String
        @Option var reason: String?
        @Option(help: "ONLINE or COUNTER.") var channel: String?
        func run() async throws {
            var params: JSONObject = ["collection_id": .string(collection), "amount": .string(amount), "decision_no": .string(decision)]
            if let reason { params["reason"] = .string(reason) }
            if let channel { params["channel"] = .string(channel) }
            try await options.run("treasury.v1.Revenue/Refund", params, mutating: true)
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revenue collected, refunded and net per budget level.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Fiscal year.") var year: Int
        @Option(help: "Treasury code (with the treasuries under it).") var treasury: String?
        @Option(help: "From accounting date YYYY-MM-DD.") var from: String?
        @Option(help: "To accounting date YYYY-MM-DD.") var to: String?
        func run() async throws {
            var params: JSONObject = ["fiscal_year": .integer(year)]
            if let treasury { params["treasury_code"] = .string(treasury) }
            if let from { params["from"] = .string(from) }
            if let to { params["to"] = .string(to) }
            if options.json { return try await options.run("treasury.v1.Revenue/Summary", params, mutating: false) }
            let response = try await options.response("treasury.v1.Revenue/Summary", params, mutating: false)
            let result = response.result?.objectValue ?? [:]
            var rows = result["levels"]?.arrayValue ?? []
            if var total = result["total"]?.objectValue {
                total["budget_level"] = .string("TOTAL")
                rows.append(.object(total))
            }
            print(Table.rows(rows, columns: ["budget_level", "collected", "refunded", "net"]))
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a bank statement (CSV with columns bank_ref, amount) and reconcile it against the treasury's records of that day.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The statement CSV file.") var file: String
        @Option(help: "Bank code.") var bank: String
        @Option(help: "Statement date YYYY-MM-DD.") var date: String
        func run() async throws {
            guard let input = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
            var reader = CSVReader(input)
            guard let header = try reader.next(), let refColumn = header.firstIndex(of: "bank_ref"),
                  let amountColumn = header.firstIndex(of: "amount") else {
                throw ValidationError("\(file) needs a header row with bank_ref and amount")
            }
            var lines: [JSON] = []
            while let row = try reader.next() {
                if row.count == 1, row[0].isEmpty { continue }
                let reference = refColumn < row.count ? row[refColumn] : "", amount = amountColumn < row.count ? row[amountColumn] : ""
                lines.append(.object(["bank_ref": .string(reference), "amount": .string(amount)]))
            }
            try await options.run("treasury.v1.Revenue/ImportBankStatement",
                                  ["bank_code": .string(bank), "statement_date": .string(date), "lines": .array(lines)], mutating: true)
        }
    }

    struct SharingRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sharing-rule", abstract: "Put the sharing rule of a fiscal year and economic code (budget authority, scope *).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Fiscal year.") var year: Int
        @Argument(help: "Economic content code.") var economicCode: String
        @Option(help: "Area code (none: every area).") var area: String?
        @Option(name: .customLong("share"), help: "LEVEL=BASIS_POINTS, repeated, e.g. --share CENTRAL=3000 --share PROVINCE=7000.")
        var shares: [String] = []
        func run() async throws {
            var list: [JSON] = []
            for share in shares {
                let parts = share.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let points = Int(parts[1]) else { throw ValidationError("--share must be LEVEL=BASIS_POINTS, not \(share)") }
                list.append(.object(["budget_level": .string(parts[0]), "basis_points": .integer(points)]))
            }
            var params: JSONObject = ["fiscal_year": .integer(year), "economic_code": .string(economicCode), "shares": .array(list)]
            if let area { params["area_code"] = .string(area) }
            try await options.run("treasury.v1.Revenue/PutSharingRule", params, mutating: true)
        }
    }
}

/// RFC 4180 CSV read incrementally (quoted fields may hold commas, quotes and newlines), so a
/// large file is never held in memory.
struct CSVReader {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var position = 0
    var finished = false

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func byte() -> UInt8? {
        if position == buffer.count {
            if finished { return nil }
            let data = handle.readData(ofLength: 1 << 16)
            if data.isEmpty { finished = true; return nil }
            buffer = [UInt8](data)
            position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func peek() -> UInt8? {
        guard let value = byte() else { return nil }
        position -= 1
        return value
    }

    /// The next record, or nil at the end of the file.
    mutating func next() throws -> [String]? {
        var fields: [String] = [], field: [UInt8] = [], quoted = false, any = false
        while let character = byte() {
            any = true
            if quoted {
                if character == UInt8(ascii: "\"") {
                    if peek() == UInt8(ascii: "\"") { _ = byte(); field.append(character) } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case UInt8(ascii: "\""): quoted = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
            case UInt8(ascii: "\r"): continue
            case UInt8(ascii: "\n"):
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            default: field.append(character)
            }
        }
        guard any else { return nil }
        if quoted { throw ValidationError("unterminated quoted field at the end of the file") }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }

    /// One CSV line, quoting where needed.
    static func line(_ values: [String]) -> String {
        values.map { value in
            value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }.joined(separator: ",")
    }
}
