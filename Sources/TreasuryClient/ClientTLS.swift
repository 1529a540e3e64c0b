import Foundation
import NIOCore
import NIOSSL
import NIOTLS
import TreasuryProtocol

/// TLS settings of a client connection (the CLI's `--tls`, `--ca`, `--tls-cert`, `--tls-key`).
public struct ClientTLSOptions: Sendable, Hashable {
    /// CA certificates (PEM) the server's certificate must chain to; nil: the system's trust store.
    public var caFile: String?
    /// The client certificate (PEM, then any intermediates), for servers that require mutual TLS.
    public var certificateFile: String?
    /// The client certificate's private key (PEM, unencrypted).
    public var keyFile: String?
    /// The name the server's certificate must carry; nil: the host connected to (an IP address
    /// is checked against the certificate's IP address names).
    public var serverName: String?
    /// How long the TLS handshake may take before `connect` gives up.
    public var handshakeTimeout: Duration = .seconds(10)

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, serverName: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
    }

    /// Reads the files and checks they make a usable TLS configuration, without connecting
    /// (so a tool can tell a bad file from an unreachable server).
    public func check() throws {
        _ = try makeContext()
    }

    /// The TLS configuration: TLS 1.2 or newer, the server's certificate verified (chain and name).
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let caFile {
            let roots = try Self.read("CA file (--ca)", caFile) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !roots.isEmpty else { throw TreasuryClientError(message: "the CA file \(caFile) holds no PEM certificate") }
            configuration.trustRoots = .certificates(roots)
        }
        switch (certificateFile, keyFile) {
        case (let certificateFile?, let keyFile?):
            let chain = try Self.read("client certificate (--tls-cert)", certificateFile) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !chain.isEmpty else { throw TreasuryClientError(message: "the client certificate file \(certificateFile) holds no PEM certificate") }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(try Self.read("client key (--tls-key)", keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) })
        case (nil, nil):
            break
        default:
            throw TreasuryClientError(message: "a client certificate needs both --tls-cert and --tls-key")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TreasuryClientError(message: "cannot use the client TLS settings: \(error)")
        }
    }

    /// The name sent as SNI and checked against the certificate; nil for an IP address, which
    /// NIOSSL checks against the certificate's IP address names instead.
    func serverHostname(connectingTo host: String) -> String? {
        let name = serverName ?? host
        return (try? SocketAddress(ipAddress: name, port: 0)) != nil ? nil : name
    }

    private static func read<T>(_ what: String, _ path: String, _ body: (String) throws -> T) throws -> T {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TreasuryClientError(message: "cannot read the TLS \(what) \(path)")
        }
        do {
            return try body(path)
        } catch {
            throw TreasuryClientError(message: "the TLS \(what) \(path) is not usable PEM: \(error)")
        }
    }
}

/// Completes `promise` when the TLS handshake is done, or fails it with the handshake's error
/// (or the connection closing first), so `connect` reports a TLS failure as such.
final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let promise: EventLoopPromise<Void>
    private var done = false

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent, !done {
            done = true
            promise.succeed()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(TreasuryClientError(message: "the TLS handshake failed: \(error)"))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(TreasuryClientError(message: "the server closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }

    func fail(_ error: TreasuryClientError) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }
}
