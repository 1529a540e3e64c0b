import Foundation
import TreasuryClient
import TreasuryProtocol

/// A closed-loop workload: every client sends its next call when the previous one answered.
struct Workload: Sendable {
    var name: String
    /// Domain operations per call (collections per batch; 1 otherwise).
    var unitsPerOperation = 1
    /// One call; returns whether it succeeded (refusals count as errors).
    var operation: @Sendable (_ session: BenchSession, _ client: Int, _ iteration: Int) async throws -> Bool

    /// Runs `warmup` seconds unmeasured (every pooled connection prepares its statements and
    /// compiles its functions), then measures a window of `seconds`: the calls that answer
    /// within the window count, and the rate is their number over the window (in a closed
    /// loop the calls cut at either edge even out), so long calls such as 1000-item batches
    /// are neither lost nor counted twice. The calls still running at the end are awaited.
    func measure(_ environment: BenchEnvironment, clients: Int, seconds: Int, warmup: Int = 0) async throws -> Measurement {
        let windowStart = ContinuousClock.now + .seconds(warmup)
        let end = windowStart + .seconds(seconds)
        let perClient = try await withThrowingTaskGroup(of: (Int, Int, [Double]).self) { group in
            for client in 0..<clients {
                group.addTask {
                    let session = try await environment.session()
                    var operations = 0, errors = 0, iteration = 0
                    var latencies: [Double] = []
                    while ContinuousClock.now < end {
                        let began = ContinuousClock.now
                        let ok = try await operation(session, client, iteration)
                        iteration += 1
                        let finished = ContinuousClock.now
                        guard finished >= windowStart, finished <= end else { continue }
                        let elapsed = finished - began
                        latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                        operations += 1
                        if !ok { errors += 1 }
                    }
                    await session.connection.close()
                    return (operations, errors, latencies)
                }
            }
            return try await group.reduce(into: [(Int, Int, [Double])]()) { $0.append($1) }
        }
        return Measurement(
            name: name, operations: perClient.map(\.0).reduce(0, +), errors: perClient.map(\.1).reduce(0, +),
            seconds: Double(seconds), latencies: perClient.flatMap(\.2), unitsPerOperation: unitsPerOperation)
    }
}

struct Measurement: Sendable {
    var name: String
    var operations: Int
    var errors: Int
    var seconds: Double
    var latencies: [Double]
    var unitsPerOperation: Int

    var operationsPerSecond: Double { Double(operations) / seconds }
    var unitsPerSecond: Double { operationsPerSecond * Double(unitsPerOperation) }

    func percentile(_ p: Double) -> Double? {
        guard !latencies.isEmpty else { return nil }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

enum Report {
    static func print(_ results: [Measurement], references: [String: Double], clients: Int) {
        let tpcb = references["tpcb-like"]
        Swift.print("")
        Swift.print("clients: \(clients)")
        let header = ["workload", "calls/s", "ops/s", "errors", "p50 ms", "p99 ms", "ops/s ÷ pgbench tpcb-like"]
        var rows: [[String]] = []
        for result in results {
            rows.append([
                result.name, String(format: "%.0f", result.operationsPerSecond), String(format: "%.0f", result.unitsPerSecond),
                String(result.errors), result.percentile(0.5).map { String(format: "%.2f", $0) } ?? "-",
                result.percentile(0.99).map { String(format: "%.2f", $0) } ?? "-",
                tpcb.map { String(format: "%.2f×", result.unitsPerSecond / $0) } ?? "-",
            ])
        }
        let widths = header.indices.map { column in ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0 }
        for row in [header] + rows {
            Swift.print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
