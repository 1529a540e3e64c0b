import TreasuryProtocol
import NIOCore
import NIOPosix

/// A raw line client for framing tests: sends arbitrary bytes and reads lines. It reads from
/// the socket only while `readLine` waits, so a test can play a client that never reads.
public final class RawLineConnection: Sendable {
    struct State {
        var lines: [String] = []
        var closed = false
        var waiter: (token: Int, continuation: CheckedContinuation<String?, any Error>)?
        var nextToken = 0
    }

    private let channel: any Channel
    private let state: LockedState<State>

    private init(channel: any Channel, state: LockedState<State>) {
        self.channel = channel
        self.state = state
    }

    public static func connect(host: String, port: Int) async throws -> RawLineConnection {
        let state = LockedState(State())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.allowRemoteHalfClosure, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ClientLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RawLineHandler(state: state))
                }
            }
            .connect(host: host, port: port)
            .get()
        return RawLineConnection(channel: channel, state: state)
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    public func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// The next line (without `\n`), or nil once the server has closed the connection.
    /// Throws `TreasuryClientError` when no line comes within `timeout`.
    public func readLine(timeout: Duration = .seconds(10)) async throws -> String? {
        let channel = self.channel
        let state = self.state
        return try await withCheckedThrowingContinuation { continuation in
            let token = state.withLock { state -> Int? in
                if !state.lines.isEmpty {
                    continuation.resume(returning: state.lines.removeFirst())
                    return nil
                }
                if state.closed {
                    continuation.resume(returning: nil)
                    return nil
                }
                state.nextToken += 1
                state.waiter = (state.nextToken, continuation)
                return state.nextToken
            }
            guard let token else { return }
            channel.read()
            channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                let expired = state.withLock { state -> CheckedContinuation<String?, any Error>? in
                    guard let waiter = state.waiter, waiter.token == token else { return nil }
                    state.waiter = nil
                    return waiter.continuation
                }
                expired?.resume(throwing: TreasuryClientError(message: "no line within \(timeout)"))
            }
        }
    }

    /// Half-closes: the server sees the end of input but can still answer.
    public func shutdownWrite() async throws {
        try await channel.close(mode: .output)
    }

    public func close() async {
        try? await channel.close()
    }

    /// Closes with a reset (SO_LINGER 0), as a client that goes away with input unread does:
    /// the server sees the connection fail, not a half-close.
    public func abort() async {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}

private final class RawLineHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = String
    let state: LockedState<RawLineConnection.State>

    init(state: LockedState<RawLineConnection.State>) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let waiter = state.withLock { state -> CheckedContinuation<String?, any Error>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.lines.append(line)
            return nil
        }
        waiter?.resume(returning: line)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Someone is still waiting for a line that has not fully arrived: read on.
        if state.withLock({ $0.waiter != nil }) { context.read() }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let waiter = state.withLock { state -> CheckedContinuation<String?, any Error>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
