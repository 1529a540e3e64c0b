import NIOCore

/// What the line decoder hands to the connection.
enum InboundFrame: Sendable, Equatable {
    /// One line, without its `\n` and without a `\r` before it.
    case line(ByteBuffer)
    /// A line passed the limit; its bytes (and everything after) were discarded.
    case tooLong
}

/// Splits the byte stream into lines and never holds more than `maximumLineBytes` (plus one
/// `\r\n`) of an unfinished line: past that it reports `.tooLong` once and then discards
/// all further input, because the connection is over.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundFrame

    let maximumLineBytes: Int
    /// How far the current buffer has already been searched for `\n`, so a line arriving
    /// byte by byte is not searched quadratically.
    private var scannedBytes = 0
    private var discarding = false

    init(maximumLineBytes: Int) {
        precondition(maximumLineBytes > 0)
        self.maximumLineBytes = maximumLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if discarding {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        let searchStart = view.startIndex + scannedBytes
        if let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) {
            var length = newline - view.startIndex
            let lineEndIncludingNewline = length + 1
            if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
            scannedBytes = 0
            if length > maximumLineBytes {
                return reportTooLong(context: context, buffer: &buffer)
            }
            let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
            buffer.moveReaderIndex(forwardBy: lineEndIncludingNewline)
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
            return .continue
        }
        scannedBytes = view.count
        // One extra byte may be the `\r` of a `\r\n` still to come.
        if view.count > maximumLineBytes + 1 {
            return reportTooLong(context: context, buffer: &buffer)
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .continue { return .continue }
        // A last line without its `\n` at the end of input is still a line.
        if !discarding, buffer.readableBytes > 0 {
            var length = buffer.readableBytes
            if buffer.getInteger(at: buffer.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") { length -= 1 }
            if length > maximumLineBytes { return reportTooLong(context: context, buffer: &buffer) }
            let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
            buffer.moveReaderIndex(to: buffer.writerIndex)
            scannedBytes = 0
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
        return .needMoreData
    }

    private mutating func reportTooLong(context: ChannelHandlerContext, buffer: inout ByteBuffer) -> DecodingState {
        discarding = true
        scannedBytes = 0
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(Self.wrapInboundOut(.tooLong))
        return .needMoreData
    }
}
