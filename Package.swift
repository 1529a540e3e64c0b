// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TreasuryBackend",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "treasuryd", targets: ["treasuryd"]),
        .executable(name: "treasury", targets: ["treasury"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // TLS for the line protocol (server, client, mutual TLS; docs/operations.md "TLS").
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Metrics: the swift-metrics API, exported in Prometheus text format (docs/operations.md "Metrics").
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // libpq, the PostgreSQL C client library, found through pkg-config.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // A thin, safe wrapper over libpq: connections, typed parameters and rows,
        // SQLSTATE errors, transactions with retry, a bounded pool on dedicated threads.
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The wire protocol shared by server and clients: JSON values, envelopes,
        // status codes, parameter schemas. No I/O.
        .target(name: "TreasuryProtocol"),
        // The treasury's pure rules: money, calendars and deadlines, revenue sharing. No I/O.
        .target(name: "TreasuryDomain"),
        // The treasury's metrics (treasury_*): made through swift-metrics from an injected
        // factory, with the Prometheus factory and buckets treasuryd bootstraps.
        .target(
            name: "TreasuryMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Use cases over the schema: authentication, authorization, idempotency, methods.
        .target(
            name: "TreasuryService",
            dependencies: [
                "PostgresClient",
                "TreasuryProtocol",
                "TreasuryDomain",
                "TreasuryMetrics",
                .product(name: "Logging", package: "swift-log"),
                // Ed25519 and ECDSA P-256 signatures of unit filings (docs/procedures.md).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The line-protocol server over TCP (SwiftNIO), optionally over TLS.
        .target(
            name: "TreasuryServer",
            dependencies: [
                "TreasuryProtocol",
                "TreasuryMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                // The metrics endpoint (GET /metrics).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A line-protocol client used by the CLI, tests and benchmarks.
        .target(
            name: "TreasuryClient",
            dependencies: [
                "TreasuryProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // Runs a local PostgreSQL cluster for `treasuryd serve` when no database is configured.
        .target(
            name: "EmbeddedPostgres",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "treasuryd",
            dependencies: [
                "TreasuryService",
                "TreasuryServer",
                "EmbeddedPostgres",
                "PostgresClient",
                "TreasuryMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // SIGHUP reloads the TLS certificate.
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "treasury",
            dependencies: [
                "TreasuryClient",
                "TreasuryProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Measures the server against pgbench on the same PostgreSQL (docs/benchmarks.md).
        .executableTarget(
            name: "treasury-bench",
            dependencies: [
                "TreasuryService", "TreasuryServer", "TreasuryClient", "TreasuryProtocol", "TreasuryDomain",
                "PostgresClient", "EmbeddedPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient"]),
        .testTarget(name: "TreasuryProtocolTests", dependencies: ["TreasuryProtocol"]),
        .testTarget(name: "TreasuryDomainTests", dependencies: ["TreasuryDomain"]),
        .testTarget(
            name: "TreasuryServerTests",
            dependencies: ["TreasuryServer", "TreasuryClient", "TreasuryProtocol"]
        ),
        .testTarget(
            name: "TreasuryIntegrationTests",
            dependencies: [
                "TreasuryService", "TreasuryServer", "TreasuryClient", "TreasuryProtocol",
                "TreasuryDomain", "PostgresClient", "EmbeddedPostgres", "TreasuryMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
