import TreasuryProtocol
import NIOCore

/// Why the guard closed a connection.
enum GuardCloseReason: String, Sendable {
    case outboundBufferFull = "outbound buffer full"
    case outboundStalled = "client stopped reading"
    case idle = "idle timeout"
}

/// What the guard and the connection's tasks share.
final class ConnectionActivity: Sendable {
    struct State {
        var closeReason: GuardCloseReason?
        var highestPendingBytes = 0
    }
    let state = LockedState(State())
}

/// Sits next to the socket. It counts the bytes written but not yet taken by the socket and
/// closes the connection when they pass the limit or stop draining (a client that does not
/// read must not grow the server's memory), and closes connections idle in both directions.
final class ConnectionGuardHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maximumPendingBytes: Int
    private let stallTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let activity: ConnectionActivity
    private let callsInFlight: @Sendable () -> Int
    private var pendingBytes = 0
    private var lastTraffic = NIODeadline.now()
    private var lastDrain = NIODeadline.now()
    private var timer: RepeatedTask?

    init(maximumPendingBytes: Int, stallTimeout: Duration, idleTimeout: Duration, activity: ConnectionActivity, callsInFlight: @escaping @Sendable () -> Int) {
        self.callsInFlight = callsInFlight
        self.maximumPendingBytes = maximumPendingBytes
        self.stallTimeout = TimeAmount(stallTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
        self.activity = activity
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let shortest = min(stallTimeout, idleTimeout).nanoseconds
        let interval = TimeAmount.nanoseconds(max(10_000_000, min(1_000_000_000, shortest / 4)))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (handler, context) = loopBound.value
            handler.check(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastTraffic = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data).readableBytes
        let now = NIODeadline.now()
        lastTraffic = now
        if pendingBytes == 0 { lastDrain = now }
        pendingBytes += bytes
        let pending = pendingBytes
        activity.state.withLock { $0.highestPendingBytes = max($0.highestPendingBytes, pending) }
        let promise = promise ?? context.eventLoop.makePromise()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { _ in
            let handler = loopBound.value
            handler.pendingBytes -= bytes
            handler.lastDrain = .now()
        }
        context.write(data, promise: promise)
        if pendingBytes > maximumPendingBytes {
            close(context: context, reason: .outboundBufferFull)
        }
    }

    private func check(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if pendingBytes > 0, !context.channel.isWritable, now - lastDrain >= stallTimeout {
            close(context: context, reason: .outboundStalled)
            return
        }
        if callsInFlight() == 0, pendingBytes == 0, now - lastTraffic >= idleTimeout {
            close(context: context, reason: .idle)
        }
    }

    private func close(context: ChannelHandlerContext, reason: GuardCloseReason) {
        timer?.cancel()
        timer = nil
        activity.state.withLock { state in
            if state.closeReason == nil { state.closeReason = reason }
        }
        context.close(promise: nil)
    }
}
