import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TreasuryProtocol

/// Why `listeningPort()` could not answer.
public struct ServerNotListeningError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The line-protocol server: accepts TCP connections, frames lines, checks envelopes and
/// hands calls to the dispatcher. Runs as a swift-service-lifecycle `Service`; a graceful
/// shutdown sends goaway on every connection and lets calls in flight finish.
public final class TreasuryServer: Service, Sendable {
    private struct State {
        var port: Int?
        var failure: (any Error)?
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
        var shuttingDown = false
        var serverChannel: (any Channel)?
        var openConnections = 0
        var nextConnectionID = 0
        var shutdownTriggers: [Int: @Sendable () -> Void] = [:]
        /// The open connections, for `statistics`.
        var live: [Int: AcceptedConnection] = [:]
        var closed = ClosedConnections()
    }

    /// What the connections that closed left in `statistics`.
    private struct ClosedConnections {
        var highestUnsentBytes = 0
        var highestCallsInFlight = 0
        var refused = 0
        var closedForUnreadOutput = 0
        var closedStalled = 0
    }

    private let configuration: ServerConfiguration
    private let dispatcher: any CallDispatcher
    private let logger: Logger
    private let state = LockedState(State())
    private let memoryRelease = MemoryRelease()

    public init(configuration: ServerConfiguration, dispatcher: any CallDispatcher, logger: Logger) {
        precondition(configuration.maximumLineBytes > 0 && configuration.maximumConcurrentCallsPerConnection > 0)
        precondition(configuration.maximumOutboundBufferBytes >= 4 && configuration.maximumConnections > 0)
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.logger = logger
    }

    /// Binds, serves until a graceful shutdown (or cancellation), and returns once every
    /// connection has closed.
    public func run() async throws {
        let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            serverChannel = try await bind()
        } catch {
            let waiters = state.withLock { state in
                state.failure = error
                defer { state.portWaiters = [] }
                return state.portWaiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            logger.error("cannot listen", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)"])
            throw error
        }
        let port = serverChannel.channel.localAddress?.port ?? configuration.port
        let (waiters, alreadyShuttingDown) = state.withLock { state in
            state.port = port
            state.serverChannel = serverChannel.channel
            defer { state.portWaiters = [] }
            return (state.portWaiters, state.shuttingDown)
        }
        for waiter in waiters { waiter.resume(returning: port) }
        if alreadyShuttingDown { serverChannel.channel.close(promise: nil) }
        var listening: Logger.Metadata = ["host": "\(configuration.host)", "port": "\(port)", "tls": "\(configuration.tls != nil)"]
        if let tls = configuration.tls {
            listening["client_certificates"] = "\(tls.requiresClientCertificates ? "required" : "not asked")"
            listening["certificate"] = "\(tls.certificateSummary)"
        }
        logger.info("listening", metadata: listening)

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.triggerGracefulShutdown()
        }
        logger.info("stopped")
    }

    /// Waits until the server is bound (or failed to bind) and returns its actual port.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let answer = state.withLock { state -> Result<Int, any Error>? in
                if let port = state.port { return .success(port) }
                if let failure = state.failure { return .failure(failure) }
                state.portWaiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// Starts a graceful shutdown without swift-service-lifecycle (embedding, tests): stops
    /// accepting, sends goaway on every connection, lets calls finish for the grace period.
    public func triggerGracefulShutdown() {
        let (channel, triggers) = state.withLock { state -> ((any Channel)?, [@Sendable () -> Void]) in
            guard !state.shuttingDown else { return (nil, []) }
            state.shuttingDown = true
            return (state.serverChannel, Array(state.shutdownTriggers.values))
        }
        guard !triggers.isEmpty || channel != nil else { return }
        logger.info("graceful shutdown", metadata: ["connections": "\(triggers.count)"])
        channel?.close(promise: nil)
        for trigger in triggers { trigger() }
    }

    /// Connections open now, for tests and metrics.
    var openConnectionCount: Int { state.withLock { $0.openConnections } }

    /// Heap trims after connections closed (`MemoryRelease`), for tests.
    var memoryTrims: Int { memoryRelease.trimCount }

    /// The server's own account of its connections and the output it holds for them, for
    /// tests and metrics.
    public var statistics: ServerStatistics {
        state.withLock { state in
            var statistics = ServerStatistics()
            statistics.openConnections = state.openConnections
            statistics.refusedConnections = state.closed.refused
            statistics.closedForUnreadOutput = state.closed.closedForUnreadOutput
            statistics.closedStalled = state.closed.closedStalled
            statistics.highestUnsentBytes = state.closed.highestUnsentBytes
            statistics.highestCallsInFlight = state.closed.highestCallsInFlight
            for connection in state.live.values {
                let (unsent, highest) = connection.activity.state.withLock { ($0.unsentBytes, $0.highestUnsentBytes) }
                statistics.unsentBytes += unsent
                statistics.highestUnsentBytes = max(statistics.highestUnsentBytes, highest)
                statistics.highestCallsInFlight = max(statistics.highestCallsInFlight, connection.registry.highestInFlight)
            }
            return statistics
        }
    }

    private func bind() async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let configuration = self.configuration
        let logger = self.logger
        let highWater = max(2, configuration.maximumOutboundBufferBytes / 2)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: highWater / 2, high: highWater))
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // TLS (when configured) sits next to the socket, with the current certificate.
                    let tlsIdentity = configuration.tls.map { _ in TLSConnectionIdentity() }
                    if let tls = configuration.tls, let tlsIdentity {
                        try channel.pipeline.syncOperations.addHandlers(TLSPipeline.handlers(tls, identity: tlsIdentity, logger: logger, metrics: configuration.metrics))
                    }
                    let activity = ConnectionActivity()
                    let registry = CallRegistry(maximumConcurrentCalls: configuration.maximumConcurrentCallsPerConnection)
                    try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(
                        maximumPendingBytes: configuration.maximumOutboundBufferBytes,
                        stallTimeout: configuration.outboundStallTimeout,
                        idleTimeout: configuration.idleTimeout,
                        activity: activity, callsInFlight: { registry.count }))
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: configuration.maximumLineBytes)))
                    let lineChannel = try NIOAsyncChannel<InboundFrame, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(
                            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
                            isOutboundHalfClosureEnabled: true))
                    return AcceptedConnection(channel: lineChannel, activity: activity, registry: registry, tlsIdentity: tlsIdentity)
                }
            }
    }

    private func serve(_ accepted: AcceptedConnection) async {
        let channel = accepted.channel
        let connectionID = state.withLock { state -> Int? in
            guard state.openConnections < configuration.maximumConnections else { return nil }
            state.openConnections += 1
            state.nextConnectionID += 1
            return state.nextConnectionID
        }
        guard let connectionID else {
            await refuse(accepted)
            return
        }
        state.withLock { $0.live[connectionID] = accepted }
        defer { closed(connectionID, accepted) }
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(connectionID)"
        configuration.metrics?.connectionOpened()
        defer { configuration.metrics?.connectionClosed() }
        let connection = Connection(
            channel: channel, configuration: configuration, dispatcher: dispatcher,
            registry: accepted.registry, activity: accepted.activity, logger: logger, tlsIdentity: accepted.tlsIdentity)
        await connection.run { trigger in
            let shuttingDown = state.withLock { state in
                state.shutdownTriggers[connectionID] = trigger
                return state.shuttingDown
            }
            if shuttingDown { trigger() }
        }
    }

    /// A connection's end: its figures go into `statistics`, and the memory it held back to
    /// the system.
    private func closed(_ connectionID: Int, _ connection: AcceptedConnection) {
        let (highestUnsent, reason) = connection.activity.state.withLock { ($0.highestUnsentBytes, $0.closeReason) }
        state.withLock { state in
            state.openConnections -= 1
            state.shutdownTriggers[connectionID] = nil
            state.live[connectionID] = nil
            state.closed.highestUnsentBytes = max(state.closed.highestUnsentBytes, highestUnsent)
            state.closed.highestCallsInFlight = max(state.closed.highestCallsInFlight, connection.registry.highestInFlight)
            if reason == .outboundBufferFull { state.closed.closedForUnreadOutput += 1 }
            if reason == .outboundStalled { state.closed.closedStalled += 1 }
        }
        memoryRelease.connectionClosed(heldBytes: highestUnsent)
    }

    /// Over the connection limit: one line saying so, then close.
    private func refuse(_ accepted: AcceptedConnection) async {
        let channel = accepted.channel
        state.withLock { $0.closed.refused += 1 }
        logger.notice("too many connections, refusing one", metadata: [
            "peer": "\(channel.channel.remoteAddress?.description ?? "unknown")",
            "maximum_connections": "\(configuration.maximumConnections)",
        ])
        configuration.metrics?.connectionRejected(.tooManyConnections)
        let error = CallError(.resourceExhausted, "TOO_MANY_CONNECTIONS", "the server has \(configuration.maximumConnections) connections open; retry later")
        let line = ByteBuffer(string: Line.error(id: nil, error))
        // Counted like every line (by its capacity), since the guard counts it as taken.
        _ = accepted.activity.produce(line.capacity, limit: .max)
        try? await channel.channel.writeAndFlush(line)
        try? await channel.channel.close()
    }
}

/// A connection as the accept loop receives it, with the objects its handlers share.
struct AcceptedConnection: Sendable {
    let channel: LineChannel
    let activity: ConnectionActivity
    let registry: CallRegistry
    /// The client certificate of a TLS connection; nil without TLS.
    var tlsIdentity: TLSConnectionIdentity? = nil
}
