import NIOCore

/// The client's side of the framing: lines without `\n` (and a `\r` before it), with a
/// generous limit so a broken server cannot make a client buffer without bound.
struct ClientLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    static let maximumLineBytes = 64 * 1024 * 1024
    private var scannedBytes = 0

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scannedBytes)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scannedBytes = view.count
            if view.count > Self.maximumLineBytes { throw TreasuryClientError(message: "the server sent a line longer than \(Self.maximumLineBytes) bytes") }
            return .needMoreData
        }
        scannedBytes = 0
        var length = newline - view.startIndex
        if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        let line = buffer.getString(at: buffer.readerIndex, length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        if buffer.readableBytes > 0 {
            let line = buffer.readString(length: buffer.readableBytes) ?? ""
            scannedBytes = 0
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        return .needMoreData
    }
}

/// Why a client call or connection failed.
public struct TreasuryClientError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The connection-level error line (`"id": null`) the server sent before closing, if any,
    /// such as `RESOURCE_EXHAUSTED`/`TOO_MANY_CONNECTIONS` or `LINE_TOO_LONG`.
    public var serverError: TreasuryProtocol.CallError?

    public init(message: String, serverError: TreasuryProtocol.CallError? = nil) {
        self.message = message
        self.serverError = serverError
    }

    public var description: String {
        if let serverError { return "\(message) (server said \(serverError))" }
        return message
    }
}

import TreasuryProtocol
