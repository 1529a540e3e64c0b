import NIOCore
import NIOPosix
import NIOSSL
import TreasuryProtocol

/// The answer to one call: its items, then its terminal line.
public struct CallResponse: Sendable {
    public var id: CallID
    /// Streamed items, in order.
    public var items: [JSON]
    /// The terminal `result`, nil on error.
    public var result: JSON?
    /// The terminal `error`; an unknown code reads as `.unknown`.
    public var error: CallError?
    /// The terminal line exactly as received (without `\n`), for byte-for-byte checks.
    public var terminalLine: String

    public init(id: CallID, items: [JSON], result: JSON?, error: CallError?, terminalLine: String) {
        self.id = id
        self.items = items
        self.result = result
        self.error = error
        self.terminalLine = terminalLine
    }
}

/// What a streaming call yields: items as they arrive, then the terminal.
public enum StreamEvent: Sendable {
    case item(JSON)
    case terminal(CallResponse)
}

/// A pipelining client connection: many calls may run at once from many tasks.
public final class TreasuryConnection: Sendable {
    private enum Pending {
        case unary(items: [JSON], continuation: CheckedContinuation<CallResponse, any Error>)
        case stream(AsyncThrowingStream<StreamEvent, any Error>.Continuation)
    }

    private struct State {
        var nextID = 1
        var pending: [CallID: Pending] = [:]
        var closedError: TreasuryClientError?
        var goawayReceived = false
        var lastServerError: CallError?
    }

    private let channel: any Channel
    private let state = LockedState(State())

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects over TCP, or over TLS when `tls` is given; with TLS it returns once the
    /// handshake is done (a server that refuses a client certificate may still close the
    /// connection afterwards, under TLS 1.3: the first call then fails).
    public static func connect(host: String, port: Int, tls: ClientTLSOptions? = nil) async throws -> TreasuryConnection {
        let box = LockedState<TreasuryConnection?>(nil)
        let sslContext = try tls?.makeContext()
        let handshake = LockedState<EventLoopFuture<Void>?>(nil)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, let sslContext {
                        let promise = channel.eventLoop.makePromise(of: Void.self)
                        handshake.withLock { $0 = promise.futureResult }
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: tls.serverHostname(connectingTo: host)))
                        let waiter = HandshakeWaiter(promise: promise)
                        try channel.pipeline.syncOperations.addHandler(waiter)
                        let bound = NIOLoopBound(waiter, eventLoop: channel.eventLoop)
                        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(tls.handshakeTimeout)) {
                            bound.value.fail(TreasuryClientError(message: "the TLS handshake took longer than \(tls.handshakeTimeout)"))
                            channel.close(promise: nil)
                        }
                        promise.futureResult.whenComplete { _ in timeout.cancel() }
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ClientLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler(connection: box))
                }
            }
            .connect(host: host, port: port)
            .get()
        if let handshake = handshake.withLock({ $0 }) {
            do {
                try await handshake.get()
            } catch {
                try? await channel.close()
                throw error
            }
        }
        let connection = TreasuryConnection(channel: channel)
        // Lines can only arrive after a request, and requests only after this returns.
        box.withLock { $0 = connection }
        if !channel.isActive { connection.closed(error: nil) }
        return connection
    }

    /// Sends one request (with the next integer id if `id` is nil) and waits for its terminal
    /// line, collecting items. Cancelling the calling task sends a cancel line.
    public func call(
        _ method: String, params: JSONObject = [:], metadata: [String: String] = [:],
        deadlineMs: Int? = nil, id: CallID? = nil
    ) async throws -> CallResponse {
        let id = id ?? nextID()
        let line = Self.requestLine(id: id, method: method, params: params, metadata: metadata, deadlineMs: deadlineMs)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                register(id: id, .unary(items: [], continuation: continuation), line: line)
            }
        } onCancel: {
            Task { try? await self.cancel(id: id) }
        }
    }

    /// A streaming call: items as they arrive, then the terminal. Ending the iteration early
    /// sends a cancel line.
    public func stream(
        _ method: String, params: JSONObject = [:], metadata: [String: String] = [:], deadlineMs: Int? = nil
    ) -> AsyncThrowingStream<StreamEvent, any Error> {
        let id = nextID()
        let line = Self.requestLine(id: id, method: method, params: params, metadata: metadata, deadlineMs: deadlineMs)
        return AsyncThrowingStream { continuation in
            continuation.onTermination = { termination in
                if case .cancelled = termination { Task { try? await self.cancel(id: id) } }
            }
            register(id: id, .stream(continuation), line: line)
        }
    }

    public func cancel(id: CallID) async throws {
        let line = JSON.object(["id": id.json, "cancel": .bool(true)]).serialized() + "\n"
        try await channel.writeAndFlush(ByteBuffer(string: line))
    }

    /// Whether the server said it is shutting down; new calls belong on a new connection.
    public var goawayReceived: Bool { state.withLock { $0.goawayReceived } }

    public func close() async {
        try? await channel.close()
    }

    // MARK: - Internals

    private func nextID() -> CallID {
        state.withLock { state in
            defer { state.nextID += 1 }
            return .integer(String(state.nextID))
        }
    }

    static func requestLine(id: CallID, method: String, params: JSONObject, metadata: [String: String], deadlineMs: Int?) -> String {
        var object: JSONObject = ["id": id.json, "method": .string(method)]
        if !metadata.isEmpty {
            object["metadata"] = .object(JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))
        }
        if let deadlineMs { object["deadline_ms"] = .integer(deadlineMs) }
        object["params"] = .object(params)
        return JSON.object(object).serialized() + "\n"
    }

    private func register(id: CallID, _ pending: Pending, line: String) {
        let failure = state.withLock { state -> TreasuryClientError? in
            if let closed = state.closedError { return closed }
            guard state.pending[id] == nil else {
                return TreasuryClientError(message: "call id \(id) is already in flight on this connection")
            }
            state.pending[id] = pending
            return nil
        }
        if let failure {
            Self.fail(pending, failure)
            return
        }
        channel.writeAndFlush(ByteBuffer(string: line)).whenFailure { error in
            let pending = self.state.withLock { $0.pending.removeValue(forKey: id) }
            if let pending { Self.fail(pending, TreasuryClientError(message: "cannot send call \(id): \(error)")) }
        }
    }

    private static func fail(_ pending: Pending, _ error: any Error) {
        switch pending {
        case .unary(_, let continuation): continuation.resume(throwing: error)
        case .stream(let continuation): continuation.finish(throwing: error)
        }
    }

    /// Routes one line from the server to its call.
    fileprivate func received(line: String) {
        guard let object = (try? JSON.parse(line))?.objectValue else { return }
        if object["goaway"] != nil {
            state.withLock { $0.goawayReceived = true }
            return
        }
        guard let rawID = object["id"], let id = CallID(rawID) else {
            if let error = object["error"].flatMap(Self.callError) {
                state.withLock { $0.lastServerError = error }
            }
            return
        }
        if let item = object["item"] {
            let stream = state.withLock { state -> AsyncThrowingStream<StreamEvent, any Error>.Continuation? in
                switch state.pending[id] {
                case .unary(var items, let continuation)?:
                    items.append(item)
                    state.pending[id] = .unary(items: items, continuation: continuation)
                    return nil
                case .stream(let continuation)?:
                    return continuation
                case nil:
                    return nil
                }
            }
            stream?.yield(.item(item))
            return
        }
        guard object["result"] != nil || object["error"] != nil,
              let pending = state.withLock({ $0.pending.removeValue(forKey: id) })
        else { return }
        let result = object["result"]
        let error = object["error"].flatMap(Self.callError)
        switch pending {
        case .unary(let items, let continuation):
            continuation.resume(returning: CallResponse(id: id, items: items, result: result, error: error, terminalLine: line))
        case .stream(let continuation):
            continuation.yield(.terminal(CallResponse(id: id, items: [], result: result, error: error, terminalLine: line)))
            continuation.finish()
        }
    }

    static func callError(_ json: JSON) -> CallError? {
        guard let object = json.objectValue else { return nil }
        let code = object["code"]?.stringValue.flatMap(StatusCode.init(rawValue:)) ?? .unknown
        return CallError(
            code, object["reason"]?.stringValue ?? "", object["message"]?.stringValue ?? "",
            details: object["details"]?.objectValue)
    }

    /// The connection is gone: every pending call fails with a clear error.
    fileprivate func closed(error: (any Error)?) {
        let (pending, closedError) = state.withLock { state -> ([Pending], TreasuryClientError) in
            let closedError = state.closedError ?? TreasuryClientError(
                message: error.map { "the connection failed: \($0)" } ?? "the server closed the connection",
                serverError: state.lastServerError)
            state.closedError = closedError
            defer { state.pending = [:] }
            return (Array(state.pending.values), closedError)
        }
        for call in pending { Self.fail(call, closedError) }
    }
}

private final class ResponseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = String
    let connection: LockedState<TreasuryConnection?>
    private let failure = LockedState<(any Error)?>(nil)

    init(connection: LockedState<TreasuryConnection?>) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        connection.withLock { $0 }?.received(line: line)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = failure.withLock { $0 }
        connection.withLock { $0 }?.closed(error: error)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure.withLock { $0 = $0 ?? error }
        context.close(promise: nil)
    }
}
