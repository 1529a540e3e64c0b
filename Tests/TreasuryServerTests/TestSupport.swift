import Logging
import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryServer

/// The transport's own test dispatcher: a handful of methods that exercise the seam
/// (echo, sleep honouring cancellation and the deadline rule, streaming, failure).
final class TestDispatcher: CallDispatcher {
    struct Stats {
        var running = 0
        var highestRunning = 0
        var streamedItems = 0
        var streamsEnded = 0
        var callsCompleted = 0
    }
    let stats = LockedState(Stats())

    static let methods: Set<String> = [
        "test.v1.Echo/Echo", "test.v1.Echo/Sleep", "test.v1.Echo/Stream", "test.v1.Echo/Fail", "test.v1.Echo/Metadata",
        "test.v1.Echo/Big",
    ]

    func hasMethod(_ method: String) -> Bool { Self.methods.contains(method) }

    func dispatch(_ call: IncomingCall, stream: any CallStream) async -> CallOutcome {
        stats.withLock { $0.running += 1; $0.highestRunning = max($0.highestRunning, $0.running) }
        defer { stats.withLock { $0.running -= 1; $0.callsCompleted += 1 } }
        switch call.method {
        case "test.v1.Echo/Echo":
            return .result(.object(call.params))
        case "test.v1.Echo/Metadata":
            return .result(.object(JSONObject(call.metadata.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) })))
        case "test.v1.Echo/Sleep":
            let milliseconds = call.params["ms"]?.integerValue ?? 100
            do {
                // The sleep is the method: it stands for work that takes time.
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                return Self.interrupted(call)
            }
            return .result(.object(["slept_ms": .integer(milliseconds)]))
        case "test.v1.Echo/Stream":
            let count = call.params["count"]?.integerValue ?? 10
            let padding = String(repeating: "x", count: Int(call.params["item_bytes"]?.integerValue ?? 0))
            var sent: Int64 = 0
            while count < 0 || sent < count {
                do {
                    try await stream.send(.object(["n": .integer(sent), "pad": .string(padding)]))
                } catch {
                    stats.withLock { $0.streamsEnded += 1 }
                    return Task.isCancelled ? Self.interrupted(call) : .failure(CallError(.unavailable, "GONE", "the client is gone"))
                }
                sent += 1
                stats.withLock { $0.streamedItems += 1 }
            }
            stats.withLock { $0.streamsEnded += 1 }
            return .result(.object(["count": .integer(sent)]))
        case "test.v1.Echo/Big":
            // A result of `bytes` bytes, after `delay_ms` (work before the answer).
            if let delay = call.params["delay_ms"]?.integerValue {
                do { try await Task.sleep(for: .milliseconds(delay)) } catch { return Self.interrupted(call) }
            }
            return .result(.object(["pad": .string(String(repeating: "y", count: Int(call.params["bytes"]?.integerValue ?? 0)))]))
        case "test.v1.Echo/Fail":
            return .failure(CallError(.failedPrecondition, "TEST_FAILURE", "failed on purpose", details: ["why": .string("test")]))
        default:
            return .failure(CallError(.internal, "INTERNAL", "not a test method"))
        }
    }

    /// The dispatcher's side of the deadline rule.
    static func interrupted(_ call: IncomingCall) -> CallOutcome {
        if ContinuousClock.now >= call.deadline {
            return .failure(CallError(.deadlineExceeded, "DEADLINE_EXCEEDED", "the deadline passed"))
        }
        return .failure(CallError(.cancelled, "CANCELLED", "the call was cancelled"))
    }
}

/// A server on 127.0.0.1 port 0 for the duration of `body`.
struct RunningServer: Sendable {
    let server: TreasuryServer
    let port: Int
    let dispatcher: TestDispatcher

    func raw() async throws -> RawLineConnection { try await RawLineConnection.connect(host: "127.0.0.1", port: port) }
    func client() async throws -> TreasuryConnection { try await TreasuryConnection.connect(host: "127.0.0.1", port: port) }

    /// Waits until `count` calls run in the dispatcher; false if they never do.
    func callsRunning(_ count: Int) async throws -> Bool {
        try await eventually { dispatcher.stats.withLock { $0.running } == count }
    }
}

func testConfiguration() -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.shutdownGracePeriod = .seconds(1)
    configuration.drainAfterFatalLine = .milliseconds(300)
    return configuration
}

func withServer(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (RunningServer) async throws -> Void
) async throws {
    var configuration = testConfiguration()
    configure(&configuration)
    var logger = Logger(label: "test.server")
    logger.logLevel = .critical
    let dispatcher = TestDispatcher()
    let server = TreasuryServer(configuration: configuration, dispatcher: dispatcher, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.listeningPort()
        do {
            try await body(RunningServer(server: server, port: port, dispatcher: dispatcher))
        } catch {
            group.cancelAll()
            throw error
        }
        server.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Reads one line and parses it as a JSON object.
func readObject(_ connection: RawLineConnection, timeout: Duration = .seconds(10)) async throws -> JSONObject? {
    guard let line = try await connection.readLine(timeout: timeout) else { return nil }
    return try JSON.parse(line).objectValue
}

extension JSONObject {
    var errorCode: String? { self["error"]?.objectValue?["code"]?.stringValue }
    var errorReason: String? { self["error"]?.objectValue?["reason"]?.stringValue }
    var errorField: String? { self["error"]?.objectValue?["details"]?.objectValue?["field"]?.stringValue }
}
