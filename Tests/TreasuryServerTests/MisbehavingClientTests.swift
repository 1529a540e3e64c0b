import Logging
import Testing
import TreasuryClient
import TreasuryProtocol
@testable import TreasuryServer

/// Clients that misbehave (issue #14 item 5): they send and never read, go away with calls
/// buffered, or open too many connections. The server's memory for one connection stays
/// bounded, its limits hold, and it tells such clients apart from slow ones.
@Suite("Misbehaving clients")
struct MisbehavingClientTests {
    static func lines(_ range: Range<Int>, _ request: (Int) -> String) -> String {
        range.map(request).joined(separator: "\n") + "\n"
    }

    static func big(_ id: Int, bytes: Int, delayMs: Int = 0) -> String {
        #"{"id":\#(id),"method":"test.v1.Echo/Big","params":{"bytes":\#(bytes),"delay_ms":\#(delayMs)}}"#
    }

    /// A raw connection, once the server counts it as open.
    static func connect(_ server: RunningServer) async throws -> RawLineConnection {
        let connection = try await server.raw()
        try #require(try await eventually { server.server.openConnectionCount == 1 }, "the server has the connection")
        return connection
    }

    /// Sends without waiting for the server to take the bytes (it may stop reading).
    static func sendInBackground(_ connection: RawLineConnection, _ text: String) -> Task<Void, Never> {
        Task { try? await connection.send(text) }
    }

    @Test func aClientThatNeverReadsIsHeldAtTheBoundAndClosedWhenNothingDrains() async throws {
        let limit = 1 << 20
        try await withServer({
            $0.maximumOutboundBufferBytes = limit
            $0.outboundStallTimeout = .seconds(2)
        }) { server in
            let raw = try await Self.connect(server)
            // 2,000 answers of 60 kB: about 120 MB, far more than the sockets' buffers hold.
            let sender = Self.sendInBackground(raw, Self.lines(0..<2000) { Self.big($0, bytes: 60_000) })
            let closed = try await eventually(timeout: .seconds(60)) { server.server.openConnectionCount == 0 }
            #expect(closed, "the connection of a client that takes nothing is closed")
            let statistics = server.server.statistics
            #expect(statistics.closedStalled + statistics.closedForUnreadOutput == 1)
            #expect(statistics.highestUnsentBytes > 0, "output was held for it")
            #expect(statistics.highestUnsentBytes <= limit, "never more than the limit: \(statistics.highestUnsentBytes)")
            #expect(statistics.highestCallsInFlight <= 64)
            let completed = server.dispatcher.stats.withLock { $0.callsCompleted }
            #expect(completed < 2000, "the server stopped starting calls for it (\(completed) ran)")
            #expect(statistics.unsentBytes == 0)
            sender.cancel()
            await raw.close()
        }
    }

    @Test func outputThatWouldPassTheLimitClosesTheConnectionAtOnce() async throws {
        // The stall timer is far away: only the output limit can close this connection soon.
        try await withServer({ $0.outboundStallTimeout = .seconds(600) }) { server in
            let limit = ServerConfiguration().maximumOutboundBufferBytes
            let raw = try await Self.connect(server)
            // Small answers first, so the server expects small lines; then calls that each
            // answer 900 kB after a pause, long enough for them all to be running by then.
            let small = Self.lines(0..<10) { #"{"id":\#($0),"method":"test.v1.Echo/Echo"}"# }
            let large = Self.lines(10..<200) { Self.big($0, bytes: 900_000, delayMs: 1000) }
            let sender = Self.sendInBackground(raw, small + large)
            let closed = try await eventually(timeout: .seconds(30)) { server.server.openConnectionCount == 0 }
            #expect(closed, "closed once its unread output would pass \(limit) bytes")
            let statistics = server.server.statistics
            #expect(statistics.closedForUnreadOutput == 1)
            #expect(statistics.highestUnsentBytes <= limit, "\(statistics.highestUnsentBytes)")
            // What the closed connection held goes back to the system (glibc).
            #expect(try await eventually { server.server.memoryTrims >= 1 })
            sender.cancel()
            await raw.close()
        }
    }

    @Test func aClientThatReadsSlowlyGetsEveryAnswer() async throws {
        let limit = 1 << 20
        try await withServer({ $0.maximumOutboundBufferBytes = limit }) { server in
            let raw = try await server.raw()
            let count = 150
            let sender = Self.sendInBackground(raw, Self.lines(0..<count) { Self.big($0, bytes: 60_000) })
            var answered = Set<Int64>()
            for _ in 0..<count {
                let object = try #require(try await readObject(raw, timeout: .seconds(30)), "an answer, not the close")
                #expect(object["error"] == nil)
                if let id = object["id"]?.integerValue { answered.insert(id) }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(answered.count == count)
            let statistics = server.server.statistics
            #expect(statistics.closedForUnreadOutput == 0 && statistics.closedStalled == 0)
            #expect(statistics.highestUnsentBytes <= limit)
            // Everything was taken: the count is back to nothing while the connection stays open.
            #expect(try await eventually { server.server.statistics.unsentBytes == 0 })
            #expect(server.server.openConnectionCount == 1)
            await sender.value
            await raw.close()
        }
    }

    @Test func callsStillBufferedWhenTheClientGoesAwayNeverStart() async throws {
        try await withServer({ $0.maximumConcurrentCallsPerConnection = 4 }) { server in
            let raw = try await server.raw()
            let sleeps = Self.lines(0..<2000) { #"{"id":\#($0),"method":"test.v1.Echo/Sleep","params":{"ms":20000}}"# }
            let sender = Self.sendInBackground(raw, sleeps)
            #expect(try await server.callsRunning(4))
            // Gone with a reset, its 1,996 other calls read or still to be read.
            await raw.abort()
            #expect(try await eventually { server.server.openConnectionCount == 0 })
            #expect(try await eventually { server.dispatcher.stats.withLock { $0.running } == 0 })
            let stats = server.dispatcher.stats.withLock { $0 }
            #expect(stats.callsCompleted == 4, "only the four running calls ran (cancelled), not the buffered ones")
            #expect(stats.highestRunning <= 4)
            #expect(server.server.statistics.highestCallsInFlight <= 4)
            sender.cancel()
        }
    }

    @Test func beyondTheMaximumConnectionsANewOneGetsTooManyConnectionsThenCloses() async throws {
        try await withServer({ $0.maximumConnections = 2 }) { server in
            var open: [RawLineConnection] = []
            for id in 0..<2 {
                let connection = try await server.raw()
                try await connection.send(#"{"id":\#(id),"method":"test.v1.Echo/Echo"}"# + "\n")
                #expect(try await readObject(connection)?["result"] != nil)
                open.append(connection)
            }
            let refused = try await server.raw()
            let line = try #require(try await readObject(refused))
            #expect(line["id"] == .null)
            #expect(line.errorCode == "RESOURCE_EXHAUSTED")
            #expect(line.errorReason == "TOO_MANY_CONNECTIONS")
            #expect(try await refused.readLine() == nil, "then the server closes it")
            #expect(server.server.statistics.refusedConnections == 1)
            #expect(server.server.openConnectionCount == 2)

            // One closes: a new connection is served again.
            await open.removeFirst().close()
            #expect(try await eventually { server.server.openConnectionCount == 1 })
            let again = try await server.raw()
            try await again.send(#"{"id":9,"method":"test.v1.Echo/Echo"}"# + "\n")
            #expect(try await readObject(again)?["result"] != nil)
            for connection in open + [again, refused] { await connection.close() }
        }
    }
}
