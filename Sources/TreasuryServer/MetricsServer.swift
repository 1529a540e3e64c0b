import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A minimal HTTP/1.1 server for Prometheus: `GET /metrics` (and `HEAD`) answers the text
/// that `render` makes; any other path is 404, another method on `/metrics` 405, a request
/// that is not HTTP 400 (and the connection closes). Keep-alive and pipelined requests work
/// as Prometheus uses them; a connection idle for `idleTimeout` is closed.
///
/// It listens on its own address (`treasuryd serve --metrics-listen`), apart from the line
/// protocol, and holds nothing but what `render` returns; it never touches the database.
public final class MetricsServer: Service, Sendable {
    /// The content type of the Prometheus text format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let channel: any Channel
    private let logger: Logger
    /// The port actually bound (useful when asked for port 0).
    public let port: Int

    private init(channel: any Channel, port: Int, logger: Logger) {
        self.channel = channel
        self.port = port
        self.logger = logger
    }

    /// Binds at once, so that a bad address fails before anything else starts; serves from then
    /// on, and stops when `run()` is shut down gracefully or cancelled (or `close()`).
    public static func bind(
        host: String, port: Int, idleTimeout: Duration = .seconds(120), logger: Logger,
        render: @escaping @Sendable () -> [UInt8]
    ) async throws -> MetricsServer {
        let idle = TimeAmount(idleTimeout)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(IdleStateHandler(allTimeout: idle))
                    try operations.configureHTTPServerPipeline(withErrorHandling: true)
                    try operations.addHandler(MetricsHTTPHandler(render: render))
                }
            }
            .bind(host: host, port: port)
            .get()
        let bound = channel.localAddress?.port ?? port
        logger.info("serving metrics", metadata: ["host": "\(host)", "port": "\(bound)", "path": "/metrics"])
        return MetricsServer(channel: channel, port: bound, logger: logger)
    }

    /// Serves until a graceful shutdown or cancellation, then stops listening.
    public func run() async throws {
        let channel = self.channel
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        logger.info("metrics stopped")
    }

    /// Stops listening (open scrape connections end with their current request).
    public func close() async {
        try? await channel.close()
    }
}

/// Answers one HTTP request at a time (HTTPServerPipelineHandler orders pipelined ones).
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let render: @Sendable () -> [UInt8]
    private var head: HTTPRequestHead?

    init(render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            // A scrape has no body; whatever is sent is read and dropped.
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    /// Not HTTP (the 400 is already written by HTTPServerProtocolErrorHandler), or the socket
    /// failed: the connection ends.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        var headers = HTTPHeaders()
        var body: ByteBuffer
        if path == "/metrics" {
            if head.method == .GET || head.method == .HEAD {
                status = .ok
                headers.add(name: "Content-Type", value: MetricsServer.contentType)
                body = context.channel.allocator.buffer(bytes: render())
            } else {
                status = .methodNotAllowed
                headers.add(name: "Allow", value: "GET, HEAD")
                headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                body = context.channel.allocator.buffer(string: "method not allowed: use GET\n")
            }
        } else {
            status = .notFound
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            body = context.channel.allocator.buffer(string: "not found: metrics are at /metrics\n")
        }
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        let keepAlive = head.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        if head.method == .HEAD { body.clear() }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
