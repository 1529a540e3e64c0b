import Foundation
import Logging
import PostgresClient
import Prometheus
import Testing
import TreasuryClient
import TreasuryMetrics
import TreasuryProtocol
import TreasuryServer
import TreasuryService

/// Metrics over real sockets: a service and server of their own with their own registry (no
/// global MetricsSystem), their counts read back from GET /metrics on a real metrics endpoint.
@Suite struct MetricsTests {
    /// A metered server over the shared test database: its own pool, service, line-protocol
    /// server and metrics endpoint, each on a free port; they run until the test process ends.
    struct Metered {
        let port: Int
        let metricsPort: Int
        let poolSize: Int

        func scrape(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Scrape {
            let response = try await HTTPProbe.get(port: metricsPort, "/metrics")
            #expect(response.status == 200, sourceLocation: sourceLocation)
            #expect(response.headers["content-type"] == MetricsServer.contentType, sourceLocation: sourceLocation)
            return Scrape(response.body)
        }
    }

    static func metered(_ environment: TestEnvironment, poolSize: Int = 3,
                        configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> Metered {
        let registry = PrometheusCollectorRegistry()
        let metrics = TreasuryMetrics(factory: TreasuryMetrics.prometheusFactory(registry: registry))
        var poolConfiguration = PostgresPoolConfiguration(conninfo: environment.databaseConninfo, size: poolSize)
        poolConfiguration.connectionSetup = try Operations.connectionSetup(try PostgresConnection(conninfo: environment.databaseConninfo))
        poolConfiguration.errorObserver = metrics.databaseErrorObserver
        let pool = PostgresPool(configuration: poolConfiguration, logger: environment.logger)
        var serviceConfiguration = TestEnvironment.serviceConfiguration()
        serviceConfiguration.metrics = metrics
        let service = TreasuryService(pool: pool, configuration: serviceConfiguration, logger: environment.logger)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.metrics = metrics
        configure(&serverConfiguration)
        let port = try await TestEnvironment.startServer(service, logger: environment.logger, configuration: serverConfiguration)
        let endpoint = try await MetricsServer.bind(host: "127.0.0.1", port: 0, logger: environment.logger) {
            metrics.prometheusText(registry)
        }
        Task { try await endpoint.run() }
        return Metered(port: port, metricsPort: endpoint.port, poolSize: poolSize)
    }

    static let transfer = "treasury.v1.Accounts/Transfer"

    @Test func callsRefusalsReplaysAndConnectionsAreCountedWithTheirLabels() async throws {
        let environment = try await TestEnvironment.get()
        let metered = try await Self.metered(environment)
        // One connection carries every session of the world.
        let world = try await World.make(environment, port: metered.port)
        let from = try await world.account(balance: 1_000), to = try await world.account()
        let key = UUID().uuidString
        let params: JSONObject = ["from_account": .string(from), "to_account": .string(to), "amount": .string("300")]
        let first = try await world.accountant.mutate(Self.transfer, params, key: key)
        #expect(first.error == nil)
        let refused = try await world.accountant.mutate(Self.transfer, ["from_account": .string(from), "to_account": .string(to), "amount": .string("5000")])
        #expect(refused.reason == "INSUFFICIENT_FUNDS")
        let replayed = try await world.accountant.mutate(Self.transfer, params, key: key)
        #expect(replayed.result == first.result)

        let scrape = try await metered.scrape()
        let method = #"method="treasury.v1.Accounts/Transfer""#
        // The replay answers OK too: two OK, one refused, one replay.
        #expect(scrape[#"treasury_calls_total{\#(method),code="OK"}"#] == 2, "\(scrape)")
        #expect(scrape[#"treasury_calls_total{\#(method),code="FAILED_PRECONDITION"}"#] == 1)
        #expect(scrape[#"treasury_idempotency_replays_total{\#(method)}"#] == 1)
        #expect(scrape.type("treasury_calls_total") == "counter")
        // Every call the world made is counted under its own method.
        #expect(scrape[#"treasury_calls_total{method="treasury.v1.Admin/CreateUser",code="OK"}"#] == 6)
        #expect(scrape[#"treasury_calls_total{method="treasury.v1.Accounts/Open",code="OK"}"#] == 2)

        // The latency histogram: cumulative buckets in seconds, +Inf, sum and count.
        #expect(scrape.type("treasury_call_duration_seconds") == "histogram")
        #expect(scrape[#"treasury_call_duration_seconds_bucket{\#(method),le="+Inf"}"#] == 3)
        #expect(scrape[#"treasury_call_duration_seconds_count{\#(method)}"#] == 3)
        #expect(scrape[#"treasury_call_duration_seconds_bucket{\#(method),le="60.0"}"#] == 3)
        let buckets = TreasuryMetrics.callDurationBuckets.map { bucket in
            scrape[#"treasury_call_duration_seconds_bucket{\#(method),le="\#(bucket.bucketRepresentation)"}"#]
        }
        #expect(buckets.allSatisfy { $0 != nil }, "every bucket is written: \(buckets)")
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { ($0 ?? 0) <= ($1 ?? 0) }, "buckets are cumulative: \(buckets)")
        let sum = scrape[#"treasury_call_duration_seconds_sum{\#(method)}"#] ?? -1
        #expect(sum > 0 && sum < 30)

        // The world's one connection is open; no call is in flight between calls.
        #expect(scrape["treasury_connections_open"] == 1)
        #expect(scrape["treasury_calls_in_flight"] == 0)
        // The pool's gauges are sampled at the scrape.
        #expect(scrape["treasury_pool_connections"] == Double(metered.poolSize))
        #expect(scrape["treasury_pool_connections_busy"] == 0)
        #expect(scrape["treasury_pool_waiters"] == 0)
        // The refusal came from the schema's rule (a check violation, SQLSTATE class 23).
        #expect((scrape[#"treasury_database_errors_total{sqlstate_class="23"}"#] ?? 0) >= 1, "\(scrape)")

        // A second connection shows in the gauge, and leaves it when it closes.
        let other = try await environment.client(port: metered.port)
        _ = try await Session(connection: other, token: nil).read("grpc.health.v1.Health/Check")
        #expect(try await metered.scrape()["treasury_connections_open"] == 2)
        await other.close()
        let deadline = ContinuousClock.now + .seconds(10)
        var open = try await metered.scrape()["treasury_connections_open"]
        while open != 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            open = try await metered.scrape()["treasury_connections_open"]
        }
        #expect(open == 1)
    }

    @Test func linesRefusedBeforeDispatchAndUnknownMethodsAreCountedBounded() async throws {
        let environment = try await TestEnvironment.get()
        let metered = try await Self.metered(environment, poolSize: 1)
        let connection = try await RawLineConnection.connect(host: "127.0.0.1", port: metered.port)
        for n in 0..<3 {
            try await connection.send(#"{"id":\#(n),"method":"treasury.v1.Nope/Method\#(n)"}"# + "\n")
            #expect(try await connection.readLine()?.contains("UNKNOWN_METHOD") == true)
        }
        try await connection.send("not json\n")
        #expect(try await connection.readLine()?.contains("MALFORMED_FRAME") == true)
        await connection.close()

        let scrape = try await metered.scrape()
        // Three different unknown names, one label value.
        #expect(scrape[#"treasury_calls_total{method="unknown",code="UNIMPLEMENTED"}"#] == 3, "\(scrape)")
        #expect(!scrape.text.contains("Nope"))
        #expect(scrape[#"treasury_requests_rejected_total{reason="UNKNOWN_METHOD"}"#] == 3)
        #expect(scrape[#"treasury_requests_rejected_total{reason="MALFORMED_FRAME"}"#] == 1)
    }

    @Test func connectionsTurnedAwayAreCountedByReason() async throws {
        let environment = try await TestEnvironment.get()
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.authority("ca"), server = try pki.server("server", signedBy: ca)
        let banks = try pki.authority("banks"), vcb = try pki.client("vcb", commonName: "VCB", signedBy: banks)
        let tls = try ServerTLS(files: ServerTLSFiles(certificateChain: server.certificate, privateKey: server.key, clientCA: banks.certificate))
        let metered = try await Self.metered(environment, poolSize: 1) {
            $0.tls = tls
            $0.maximumConnections = 1
        }
        // Every reason is written from the start, at 0.
        let before = try await metered.scrape()
        for reason in TreasuryMetrics.ConnectionRejection.allCases {
            #expect(before[#"treasury_connections_rejected_total{reason="\#(reason.rawValue)"}"#] == 0, "\(before)")
        }

        // Clear text on the TLS port.
        let clear = try await RawLineConnection.connect(host: "127.0.0.1", port: metered.port)
        try await clear.send(#"{"id":1,"method":"grpc.health.v1.Health/Check"}"# + "\n")
        #expect(try await clear.readLine()?.contains("TLS_REQUIRED") == true)
        await clear.close()
        // No client certificate: the handshake fails.
        #expect(await !TLSTests.healthy(metered.port, ca: ca))
        // One connection is the limit: a second one is refused.
        let first = try await TLSTests.connect(metered.port, ca: ca, client: vcb)
        #expect(try await first.call(TLSTests.health).result != nil)
        let second = try await TLSTests.connect(metered.port, ca: ca, client: vcb)
        // Refused with one TOO_MANY_CONNECTIONS line and a close (which may reach the client first).
        await #expect(throws: TreasuryClientError.self) { try await second.call(TLSTests.health) }

        let scrape = try await metered.scrape()
        #expect(scrape[#"treasury_connections_rejected_total{reason="tls_required"}"#] == 1, "\(scrape)")
        #expect(scrape[#"treasury_connections_rejected_total{reason="tls_handshake_failed"}"#] == 1)
        #expect(scrape[#"treasury_connections_rejected_total{reason="too_many_connections"}"#] == 1)
        #expect(scrape["treasury_connections_open"] == 1)
        await first.close()
        await second.close()
    }

    @Test func groupCommitsAndBatchesRecordTheirSizes() async throws {
        let environment = try await TestEnvironment.get()
        let metered = try await Self.metered(environment)
        let revenue = try await RevenueWorld.make(environment, port: metered.port)
        // A bank's RecordCollection joins a group commit (a group of one when it arrives alone).
        _ = try await revenue.world.bank.must("treasury.v1.Revenue/RecordCollection", revenue.collection(1_000))
        let batch = try await revenue.world.bank.mutate("treasury.v1.Revenue/RecordCollections", [
            "collections": .array((0..<3).map { _ in .object(revenue.collection(500)) })])
        #expect(batch.error == nil, "\(batch.terminalLine)")

        let scrape = try await metered.scrape()
        #expect(scrape.type("treasury_group_commit_size") == "histogram")
        #expect(scrape[#"treasury_group_commit_size_count"#] == 1, "\(scrape)")
        #expect(scrape[#"treasury_group_commit_size_bucket{le="1.0"}"#] == 1)
        #expect(scrape[#"treasury_group_commit_size_sum"#] == 1)
        let batches = #"method="treasury.v1.Revenue/RecordCollections""#
        #expect(scrape.type("treasury_batch_items") == "histogram")
        #expect(scrape[#"treasury_batch_items_count{\#(batches)}"#] == 1)
        #expect(scrape[#"treasury_batch_items_sum{\#(batches)}"#] == 3)
        #expect(scrape[#"treasury_batch_items_bucket{\#(batches),le="1.0"}"#] == 0)
        #expect(scrape[#"treasury_batch_items_bucket{\#(batches),le="10.0"}"#] == 1)
    }

    @Test func theEndpointAnswers404ElsewhereAndSurvivesGarbage() async throws {
        let environment = try await TestEnvironment.get()
        let metered = try await Self.metered(environment, poolSize: 1)

        let notFound = try await HTTPProbe.get(port: metered.metricsPort, "/")
        #expect(notFound.status == 404)
        #expect(try await HTTPProbe.get(port: metered.metricsPort, "/metrics/x").status == 404)
        #expect(try await HTTPProbe.get(port: metered.metricsPort, "/metricsx").status == 404)
        let post = try await HTTPProbe.get(port: metered.metricsPort, "/metrics", method: "POST")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        let head = try await HTTPProbe.get(port: metered.metricsPort, "/metrics", method: "HEAD")
        #expect(head.status == 200)
        #expect(try await HTTPProbe.get(port: metered.metricsPort, "/metrics?name=x").status == 200)

        // Not HTTP at all: a 400 or a closed connection, never a crash or a hang.
        for garbage: [UInt8] in [Array("GARBAGE\r\n\r\n".utf8), [0x16, 0x03, 0x01, 0x00, 0xFF, 0x00, 0x0D, 0x0A, 0x0D, 0x0A],
                                 Array("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".utf8),
                                 Array("GET /metrics HTTP/1.1\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200_000) + Array("\r\n\r\n".utf8),
                                 [UInt8](repeating: 0, count: 4096)] {
            let answer = try await HTTPProbe.exchange(port: metered.metricsPort, garbage)
            let responses = HTTPProbe.responses(answer)
            #expect(responses.allSatisfy { $0.status == 400 }, "\(String(decoding: answer.prefix(200), as: UTF8.self))")
        }
        // A client that connects and says nothing, then goes away.
        _ = try await HTTPProbe.exchange(port: metered.metricsPort, [], timeout: 1)

        // Still serving; two pipelined requests on one connection get two answers in order.
        let pipelined = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        let responses = HTTPProbe.responses(try await HTTPProbe.exchange(port: metered.metricsPort, pipelined))
        #expect(responses.map(\.status) == [200, 404])
        #expect(responses.first?.body.contains("treasury_pool_connections 1") == true, "\(responses.first?.body ?? "")")
        #expect(try await metered.scrape()["treasury_pool_connections"] == 1)
    }

    /// treasuryd itself: --metrics-listen bootstraps MetricsSystem with the Prometheus factory
    /// and serves what its service and server count.
    @Test func treasurydServesMetricsAtMetricsListen() async throws {
        let environment = try await TestEnvironment.get()
        let daemon = try Daemon(["serve", "--database-url", environment.databaseConninfo, "--no-migrate", "--pool-size", "2",
                                 "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        defer { daemon.stop() }
        let (port, metricsPort) = try await daemon.ports()
        let connection = try await environment.client(port: port)
        let health = try await Session(connection: connection, token: nil).read("grpc.health.v1.Health/Check")
        #expect(health.string("status") == "SERVING")
        let response = try await HTTPProbe.get(port: metricsPort, "/metrics")
        #expect(response.status == 200)
        let scrape = Scrape(response.body)
        #expect(scrape[#"treasury_calls_total{method="grpc.health.v1.Health/Check",code="OK"}"#] == 1, "\(scrape)")
        #expect(scrape["treasury_connections_open"] == 1)
        #expect(scrape["treasury_pool_connections"] == 2)
        #expect(scrape.type("treasury_call_duration_seconds") == "histogram")
        await connection.close()
    }
}
