import Logging
import NIOCore
import NIOSSL
import NIOTLS
import TreasuryMetrics
import TreasuryProtocol

/// What a TLS connection's handlers learn for its calls: the verified client certificate,
/// set once the handshake completes (before any request line can be read).
final class TLSConnectionIdentity: Sendable {
    let certificate = LockedState<ClientCertificate?>(nil)
}

/// The channel handlers a TLS connection starts with, in pipeline order, socket side first.
enum TLSPipeline {
    static func handlers(_ tls: ServerTLS, identity: TLSConnectionIdentity, logger: Logger, metrics: TreasuryMetrics? = nil) -> [any ChannelHandler] {
        [ClearTextOnTLSPortHandler(metrics: metrics), NIOSSLServerHandler(context: tls.context),
         ClientCertificateHandler(identity: identity, logger: logger, metrics: metrics)]
    }
}

/// Sits next to the socket, in front of the TLS handler, until the client's first bytes: a TLS
/// client starts with a handshake record (0x16). Anything else is a clear-text client on the
/// TLS port; it gets one readable error line (`"id": null`, `FAILED_PRECONDITION`/
/// `TLS_REQUIRED`) instead of TLS alert bytes, and the connection is closed.
final class ClearTextOnTLSPortHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let handshakeRecord: UInt8 = 0x16
    private var refused = false
    private let metrics: TreasuryMetrics?

    init(metrics: TreasuryMetrics? = nil) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else {
            context.fireChannelRead(data)
            return
        }
        if first == Self.handshakeRecord {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        refused = true
        metrics?.connectionRejected(.tlsRequired)
        let error = CallError(.failedPrecondition, "TLS_REQUIRED", "this port speaks the line protocol over TLS only; connect with TLS (treasury --tls)")
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Line.error(id: nil, error)))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// After the handshake, records the client's verified certificate (mutual TLS) for every call
/// of the connection, and logs handshakes that fail.
final class ClientCertificateHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let identity: TLSConnectionIdentity
    private let logger: Logger
    private let metrics: TreasuryMetrics?
    private var handshakeCompleted = false
    private var handshakeFailed = false

    init(identity: TLSConnectionIdentity, logger: Logger, metrics: TreasuryMetrics? = nil) {
        self.identity = identity
        self.logger = logger
        self.metrics = metrics
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            handshakeCompleted = true
            if let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate() {
                identity.certificate.withLock { $0 = CertificateNames.clientCertificate(certificate) }
            }
            let version = (try? context.pipeline.syncOperations.nioSSL_tlsVersion()).flatMap { $0 }
            logger.debug("TLS handshake completed", metadata: [
                "peer": "\(context.channel.remoteAddress?.description ?? "unknown")",
                "tls_version": "\(version.map { "\($0)" } ?? "unknown")",
                "client_certificate": "\(identity.certificate.withLock { $0?.subject } ?? "none")",
            ])
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .uncleanShutdown? = error as? NIOSSLError {
            logger.debug("the client closed without a TLS close_notify", metadata: [
                "peer": "\(context.channel.remoteAddress?.description ?? "unknown")",
            ])
        } else if error is NIOSSLError || error is BoringSSLError {
            // Counted once per connection: a failed handshake ends it.
            if !handshakeCompleted, !handshakeFailed {
                handshakeFailed = true
                metrics?.connectionRejected(.tlsHandshakeFailed)
            }
            logger.notice("TLS handshake or record failed; closing the connection", metadata: [
                "peer": "\(context.channel.remoteAddress?.description ?? "unknown")", "error": "\(error)",
            ])
        }
        context.fireErrorCaught(error)
    }
}
