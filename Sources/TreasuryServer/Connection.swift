import Logging
import NIOCore
import TreasuryProtocol

typealias LineChannel = NIOAsyncChannel<InboundFrame, ByteBuffer>

/// The connection's output: every line it writes goes through here and is counted as unsent
/// until its socket takes it (`ConnectionActivity`). A line that would take the unsent output
/// past the limit is not written: `overflow` closes the connection instead, because its client
/// does not read (PROTOCOL.md, flow control), and the write throws.
struct LineWriter: Sendable {
    struct OutputLimitPassed: Error {}

    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let activity: ConnectionActivity
    let limit: Int
    let overflow: @Sendable () -> Void

    /// `endsCall`: the line is a call's terminal line.
    func write(_ line: ByteBuffer, endsCall: Bool = false) async throws {
        // What the line occupies (a buffer's capacity is a power of two), not its length: the
        // limit bounds the memory held, which for some lines is nearly twice their length.
        let bytes = line.capacity
        guard activity.produce(bytes, limit: limit, endsCall: endsCall) else {
            overflow()
            throw OutputLimitPassed()
        }
        do {
            // Waits while the channel is not writable; the line stays counted meanwhile.
            try await writer.write(line)
        } catch {
            // Not handed to the channel (cancelled, or the writer is finished).
            activity.taken(bytes)
            throw error
        }
    }

    func finish() { writer.finish() }
}

/// Writes one call's items, in order, each line whole; waits while the client is slow.
struct ConnectionCallStream: CallStream {
    let id: CallID
    let outbound: LineWriter

    func send(_ item: JSON) async throws {
        // A cancelled call has no one left to stream to.
        try Task.checkCancellation()
        try await outbound.write(ByteBuffer(string: Line.item(id: id, item)))
    }
}

/// One client connection: reads frames, runs calls, writes their lines.
struct Connection: Sendable {
    let channel: LineChannel
    let configuration: ServerConfiguration
    let dispatcher: any CallDispatcher
    let registry: CallRegistry
    let activity: ConnectionActivity
    let logger: Logger
    let peer: String
    /// The client certificate of a TLS connection; nil without TLS.
    let tlsIdentity: TLSConnectionIdentity?

    private final class Counters: Sendable {
        struct Values { var calls = 0; var rejected = 0; var fatal: String? }
        let values = LockedState(Values())
    }
    private let counters = Counters()

    init(
        channel: LineChannel, configuration: ServerConfiguration, dispatcher: any CallDispatcher,
        registry: CallRegistry, activity: ConnectionActivity, logger: Logger,
        tlsIdentity: TLSConnectionIdentity? = nil
    ) {
        self.tlsIdentity = tlsIdentity
        self.channel = channel
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.registry = registry
        self.activity = activity
        self.peer = channel.channel.remoteAddress?.description ?? "unknown"
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer)"
        self.logger = logger
    }

    /// Serves the connection until it closes. Never throws: a connection's failure is its own.
    /// `register` receives the graceful-shutdown trigger once the connection can write.
    func run(register: (@escaping @Sendable () -> Void) -> Void) async {
        logger.info("connection opened")
        let registry = self.registry
        let activity = self.activity
        channel.channel.closeFuture.whenComplete { _ in
            registry.cancelAll()
            activity.connectionClosed()
        }
        do {
            try await channel.executeThenClose { inbound, writer in
                let outbound = LineWriter(
                    writer: writer, activity: activity, limit: configuration.maximumOutboundBufferBytes,
                    overflow: { self.closeForUnreadOutput() })
                register { self.beginGracefulShutdown(outbound: outbound) }
                try await serve(inbound: inbound, outbound: outbound)
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
        let values = counters.values.withLock { $0 }
        let (reason, highestUnsent) = activity.state.withLock { ($0.closeReason, $0.highestUnsentBytes) }
        var metadata: Logger.Metadata = [
            "calls": "\(values.calls)", "rejected_lines": "\(values.rejected)",
            "highest_calls_in_flight": "\(registry.highestInFlight)", "highest_unsent_bytes": "\(highestUnsent)",
        ]
        if let reason { metadata["close_reason"] = "\(reason.rawValue)" }
        if let fatal = values.fatal { metadata["fatal"] = "\(fatal)" }
        logger.info("connection closed", metadata: metadata)
    }

    private func serve(inbound: NIOAsyncChannelInboundStream<InboundFrame>, outbound: LineWriter) async throws {
        let parser = RequestParser(defaultDeadline: configuration.defaultDeadline, maximumDeadline: configuration.maximumDeadline)
        let dispatcher = self.dispatcher
        // Reading stops while the unsent output, with the lines the running calls are expected
        // to add, would pass half the limit: no call starts for a client that is not reading
        // its answers, and the limit has room for lines larger than expected.
        let outputHighWater = max(1, configuration.maximumOutboundBufferBytes / 2)
        try await withThrowingDiscardingTaskGroup { calls in
            var frames = inbound.makeAsyncIterator()
            var fatal = false
            while true {
                // Neither wait holds once the connection is ending.
                await registry.waitForSlot()
                if !registry.isClosing { await activity.waitForOutputRoom(highWater: outputHighWater) }
                guard let frame = try await frames.next() else { break }
                // Once the connection is ending (the client is gone, its output passed the
                // limit, a line was too long) the lines still buffered are read and dropped:
                // no call starts, so the calls in flight never pass the limit.
                if fatal || registry.isClosing { continue }
                let receivedAt = ContinuousClock.now
                switch frame {
                case .tooLong:
                    fatal = true
                    await abortAfterLineTooLong(outbound: outbound)
                case .line(let bytes):
                    let parsed = parser.parse(
                        bytes.readableBytesView, hasMethod: { dispatcher.hasMethod($0) },
                        isInFlight: { registry.contains($0) })
                    switch parsed {
                    case .ignore:
                        continue
                    case .cancel(let id):
                        logger.debug("cancel requested", metadata: ["call_id": "\(id)"])
                        registry.cancel(id)
                    case .reject(let id, let error):
                        await reject(id: id, error, outbound: outbound)
                    case .call(let request):
                        if registry.isShuttingDown {
                            await reject(id: request.id, CallError(.unavailable, "SHUTTING_DOWN", "the server is shutting down; retry on another connection"), outbound: outbound)
                            continue
                        }
                        guard registry.reserve(request.id) else {
                            await reject(id: request.id, .field("id", "DUPLICATE_CALL_ID", "call \(request.id) is still in flight on this connection"), outbound: outbound)
                            continue
                        }
                        counters.values.withLock { $0.calls += 1 }
                        activity.callStarted()
                        calls.addTask {
                            await runCall(request, receivedAt: receivedAt, outbound: outbound)
                        }
                    }
                }
            }
        }
    }

    private func reject(id: CallID?, _ error: CallError, outbound: LineWriter) async {
        counters.values.withLock { $0.rejected += 1 }
        configuration.metrics?.requestRejected(code: error.code.rawValue, reason: error.reason)
        logger.notice("request rejected", metadata: [
            "call_id": "\(id?.description ?? "null")", "code": "\(error.code.rawValue)", "reason": "\(error.reason)",
        ])
        try? await outbound.write(ByteBuffer(string: Line.error(id: id, error)))
    }

    /// The connection cannot be trusted to be in step any more: answer once, half-close,
    /// and keep swallowing input for a moment so the client reads the answer, not a reset.
    private func abortAfterLineTooLong(outbound: LineWriter) async {
        counters.values.withLock { $0.fatal = "LINE_TOO_LONG" }
        configuration.metrics?.requestRejected(code: StatusCode.resourceExhausted.rawValue, reason: "LINE_TOO_LONG")
        logger.notice("line too long, closing the connection", metadata: ["maximum_line_bytes": "\(configuration.maximumLineBytes)"])
        registry.cancelAll()
        let error = CallError(
            .resourceExhausted, "LINE_TOO_LONG",
            "a line is longer than \(configuration.maximumLineBytes) bytes; the connection is closed",
            details: ["maximum_line_bytes": .integer(configuration.maximumLineBytes)])
        try? await outbound.write(ByteBuffer(string: Line.error(id: nil, error)))
        closeAfterDrain(outbound: outbound)
    }

    /// The client does not read: its unsent output would pass the limit. The connection closes
    /// at once, without a further line (it would wait behind all that unread output), and
    /// every call it still runs is cancelled.
    private func closeForUnreadOutput() {
        let first = activity.state.withLock { state -> Bool in
            guard state.closeReason == nil else { return false }
            state.closeReason = .outboundBufferFull
            return true
        }
        if first {
            logger.notice("the client does not read its responses; closing the connection", metadata: [
                "unsent_bytes": "\(activity.unsentBytes)", "maximum_outbound_buffer_bytes": "\(configuration.maximumOutboundBufferBytes)",
            ])
        }
        registry.cancelAll()
        channel.channel.close(promise: nil)
    }

    /// Half-closes once the written lines are out, then closes after the drain period.
    private func closeAfterDrain(outbound: LineWriter) {
        outbound.finish()
        let channel = self.channel.channel
        channel.eventLoop.scheduleTask(in: TimeAmount(configuration.drainAfterFatalLine)) {
            channel.close(promise: nil)
        }
    }

    private func runCall(_ request: CallRequest, receivedAt: ContinuousClock.Instant, outbound: LineWriter) async {
        let call = IncomingCall(
            id: request.id, method: request.method, metadata: request.metadata, params: request.params,
            receivedAt: receivedAt, deadline: receivedAt + request.timeout, peer: peer,
            clientCertificate: tlsIdentity?.certificate.withLock { $0 })
        let stream = ConnectionCallStream(id: request.id, outbound: outbound)
        let dispatcher = self.dispatcher
        let dispatchTask = Task { await dispatcher.dispatch(call, stream: stream) }
        registry.attach(request.id, task: dispatchTask)
        let outcome = await withTaskCancellationHandler {
            await waitForOutcome(of: dispatchTask, call: call)
        } onCancel: {
            dispatchTask.cancel()
        }
        registry.release(request.id)
        try? await outbound.write(ByteBuffer(string: Line.terminal(id: request.id, outcome: outcome)), endsCall: true)
        if registry.finish() {
            logger.debug("last call finished after goaway")
            closeAfterDrain(outbound: outbound)
        }
    }

    /// Waits for the dispatcher, cancelling its task at the deadline. The dispatcher always
    /// writes the terminal outcome itself (it knows whether its transaction committed).
    private func waitForOutcome(of dispatchTask: Task<CallOutcome, Never>, call: IncomingCall) async -> CallOutcome {
        let logger = self.logger
        return await withTaskGroup(of: CallOutcome?.self) { group in
            group.addTask { await dispatchTask.value }
            group.addTask {
                do { try await Task.sleep(until: call.deadline, clock: .continuous) } catch { return nil }
                dispatchTask.cancel()
                do { try await Task.sleep(for: .seconds(5)) } catch { return nil }
                logger.critical("the dispatcher has not returned 5 s after its deadline cancelled it; still waiting", metadata: [
                    "call_id": "\(call.id)", "method": "\(call.method)",
                ])
                return nil
            }
            while let result = await group.next() {
                if let outcome = result {
                    group.cancelAll()
                    return outcome
                }
            }
            // Unreachable: the dispatch child always returns an outcome.
            return .failure(CallError(.internal, "INTERNAL", "the call ended without an outcome"))
        }
    }

    /// Graceful shutdown: say goaway, let the calls in flight finish for the grace period,
    /// then cancel what is left; the connection closes when the last call has answered.
    private func beginGracefulShutdown(outbound: LineWriter) {
        let registry = self.registry
        let channel = self.channel.channel
        let grace = TimeAmount(configuration.shutdownGracePeriod)
        Task {
            try? await outbound.write(ByteBuffer(string: Line.goaway(reason: "SHUTTING_DOWN")))
            if registry.beginShutdown() {
                closeAfterDrain(outbound: outbound)
            } else {
                channel.eventLoop.scheduleTask(in: grace) {
                    if registry.count > 0 {
                        logger.notice("grace period over, cancelling calls in flight", metadata: ["calls": "\(registry.count)"])
                    }
                    registry.cancelRunningCalls()
                }
            }
        }
    }
}
