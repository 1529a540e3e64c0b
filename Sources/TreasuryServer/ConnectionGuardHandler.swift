import TreasuryProtocol
import NIOCore

/// Why the guard closed a connection.
enum GuardCloseReason: String, Sendable {
    case outboundBufferFull = "outbound buffer full"
    case outboundStalled = "client stopped reading"
    case idle = "idle timeout"
}

/// What the guard and the connection's tasks share, above all the count of the connection's
/// unsent output: the memory of every line the connection has produced (`produce`) and its
/// socket has not taken yet (`taken`), whether the line waits for the channel to become
/// writable or sits in the channel's buffer. Lines held by calls waiting to write count too,
/// so this is what a client that does not read costs the server.
final class ConnectionActivity: Sendable {
    struct State {
        var closeReason: GuardCloseReason?
        var unsentBytes = 0
        var highestUnsentBytes = 0
        /// Bytes in the channel's buffer (written down the pipeline, not taken by the socket).
        var highestPendingBytes = 0
        /// Calls started whose terminal line is not produced yet: each may still add a line.
        var runningCalls = 0
        /// What one more line of this connection is expected to take: the size of its lines,
        /// rising at once to a larger one and falling slowly.
        var lineEstimate = 0
        var closed = false
        /// The reader, waiting for room (`hasRoom`).
        var roomWaiter: (highWater: Int, continuation: CheckedContinuation<Void, Never>)?

        /// Until the connection's first line tells how large its lines are, this many calls
        /// run at once at most.
        static let callsBeforeAnEstimate = 8

        /// Whether another call may start: the unsent output stays within the high-water mark
        /// even when every running call, and the new one, adds a line of the usual size. So a
        /// client that does not read is held near the high-water mark, and the limit (twice
        /// as high) is passed only by lines far larger than the connection's earlier ones. A
        /// connection with nothing unsent and nothing running may always start one call.
        func hasRoom(highWater: Int) -> Bool {
            if closed || (unsentBytes == 0 && runningCalls == 0) { return true }
            if lineEstimate == 0 { return runningCalls < Self.callsBeforeAnEstimate }
            let lines = (runningCalls + 1).multipliedReportingOverflow(by: lineEstimate)
            let expected = unsentBytes.addingReportingOverflow(lines.partialValue)
            return !lines.overflow && !expected.overflow && expected.partialValue <= highWater
        }

        /// The reader to resume, if it now has room.
        mutating func readerWithRoom() -> CheckedContinuation<Void, Never>? {
            guard let waiter = roomWaiter, hasRoom(highWater: waiter.highWater) else { return nil }
            roomWaiter = nil
            return waiter.continuation
        }
    }
    let state = LockedState(State())

    /// Counts a line about to be written (`endsCall`: a call's terminal line, so that call no
    /// longer runs). False, counting nothing, when it would take the unsent output past
    /// `limit`: the client is not reading and the connection must close. A line is always
    /// accepted when nothing else is unsent, so one line longer than the limit can still
    /// reach a client that reads.
    func produce(_ bytes: Int, limit: Int, endsCall: Bool = false) -> Bool {
        let (accepted, reader) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            if endsCall { state.runningCalls -= 1 }
            // After the close the write fails anyway; nothing to count.
            if state.closed { return (true, nil) }
            guard state.unsentBytes == 0 || state.unsentBytes + bytes <= limit else { return (false, nil) }
            state.unsentBytes += bytes
            state.highestUnsentBytes = max(state.highestUnsentBytes, state.unsentBytes)
            state.lineEstimate = bytes >= state.lineEstimate ? bytes : state.lineEstimate - (state.lineEstimate - bytes) / 8
            return (true, endsCall ? state.readerWithRoom() : nil)
        }
        reader?.resume()
        return accepted
    }

    /// The socket took `bytes` (or they were dropped with the connection).
    func taken(_ bytes: Int) {
        let reader = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // Never below zero, whatever wrote past the count.
            state.unsentBytes = max(0, state.unsentBytes - bytes)
            return state.readerWithRoom()
        }
        reader?.resume()
    }

    /// A call starts: it may add a line.
    func callStarted() {
        state.withLock { $0.runningCalls += 1 }
    }

    /// Waits until another call may start without its line, and those the running calls will
    /// add, taking the unsent output past `highWater` (`State.hasRoom`), or until the
    /// connection has closed. One waiter at a time: the connection's reader.
    func waitForOutputRoom(highWater: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.hasRoom(highWater: highWater) { return true }
                precondition(state.roomWaiter == nil, "one reader per connection")
                state.roomWaiter = (highWater, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The connection closed: output still counted will never be sent, and nothing waits.
    func connectionClosed() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            state.unsentBytes = 0
            defer { state.roomWaiter = nil }
            return state.roomWaiter?.continuation
        }
        waiter?.resume()
    }

    /// Records why the connection is closing; the first reason wins.
    func closing(because reason: GuardCloseReason) {
        state.withLock { state in
            if state.closeReason == nil { state.closeReason = reason }
        }
    }

    var unsentBytes: Int { state.withLock { $0.unsentBytes } }
}

/// Sits next to the socket (above TLS, when there is TLS, so it counts the lines' bytes). It
/// tells the connection's output count when the socket has taken a line's bytes, closes the
/// connection when its buffer stops draining (a client that does not read must not hold the
/// server's memory) and closes connections idle in both directions. The output limit itself
/// is enforced where lines are produced (`ConnectionActivity.produce`), since lines waiting
/// for the channel to become writable never reach this handler.
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
        let buffer = unwrapOutboundIn(data)
        let bytes = buffer.readableBytes
        // The connection counts a line by the memory it occupies (see `LineWriter`).
        let held = buffer.capacity
        let now = NIODeadline.now()
        lastTraffic = now
        if pendingBytes == 0 { lastDrain = now }
        pendingBytes += bytes
        let pending = pendingBytes
        let activity = self.activity
        activity.state.withLock { $0.highestPendingBytes = max($0.highestPendingBytes, pending) }
        let promise = promise ?? context.eventLoop.makePromise()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { _ in
            let handler = loopBound.value
            handler.pendingBytes -= bytes
            handler.lastDrain = .now()
            activity.taken(held)
        }
        context.write(data, promise: promise)
        // A backstop: the connection stops producing before this (one line alone may pass it).
        if pendingBytes > maximumPendingBytes, pendingBytes > bytes {
            close(context: context, reason: .outboundBufferFull)
        }
    }

    private func check(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        // Output waiting and none of it taken for the whole timeout: the client is not reading.
        // (Whether the channel is still writable does not matter: a connection whose reading
        // stopped on its output count may hold less than the channel's high-water mark.)
        if pendingBytes > 0, now - lastDrain >= stallTimeout {
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
        activity.closing(because: reason)
        context.close(promise: nil)
    }
}
