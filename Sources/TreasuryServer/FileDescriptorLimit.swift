#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's file-descriptor limit (RLIMIT_NOFILE). Every client connection holds a
/// descriptor, and so does every database connection: a server allowed 4,096 connections
/// under the usual soft limit of 1,024 fails to accept (the accept loop backs off) and its
/// database connections fail, long before `TOO_MANY_CONNECTIONS` would answer.
public struct FileDescriptorLimit: Sendable, Equatable, CustomStringConvertible {
    /// `UInt64.max` means unlimited.
    public var soft: UInt64
    public var hard: UInt64

    public init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }

    public var description: String { "soft \(Self.text(soft)), hard \(Self.text(hard))" }

    private static func text(_ value: UInt64) -> String { value == UInt64.max ? "unlimited" : "\(value)" }

    /// Descriptors the server needs beside its client connections: the listening socket,
    /// the event loops' own, standard streams, log files, libraries, with room to spare.
    public static let reserved = 64

    /// The descriptors a server with these limits may hold at once.
    public static func needed(maximumConnections: Int, databaseConnections: Int) -> Int {
        maximumConnections + databaseConnections + reserved
    }

    /// The limit in force, or nil where it cannot be read.
    public static func current() -> FileDescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return FileDescriptorLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Sets the soft limit (the hard one stays); false when the system refuses.
    @discardableResult
    public static func setSoft(_ soft: UInt64) -> Bool {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return false }
        limit.rlim_cur = rlim_t(soft)
        return setrlimit(resource, &limit) == 0
    }

    /// What `raise(toFit:logger:)` found and did.
    public struct Report: Sendable, Equatable {
        public var before: FileDescriptorLimit
        public var after: FileDescriptorLimit
        public var needed: Int
        /// Whether the soft limit now in force holds `needed` descriptors.
        public var fits: Bool { after.soft >= UInt64(max(0, needed)) }
    }

    /// At start: raises the soft limit as far as the hard one allows (on Linux an unlimited
    /// hard limit means `fs.nr_open`), logs both, and warns when `needed` descriptors do not
    /// fit. Nil when the limit cannot be read.
    @discardableResult
    public static func raise(toFit needed: Int, logger: Logger) -> Report? {
        guard let before = current() else {
            logger.warning("cannot read the file-descriptor limit (RLIMIT_NOFILE)")
            return nil
        }
        if before.soft < before.hard {
            // An unlimited hard limit is not a value setrlimit takes for the soft one.
            var candidates = [before.hard]
            if before.hard == UInt64.max { candidates = [systemMaximum, 1_048_576, 65_536].compactMap { $0 } }
            for candidate in candidates where candidate > before.soft && setSoft(candidate) { break }
        }
        let after = current() ?? before
        var metadata: Logger.Metadata = [
            "soft": "\(text(after.soft))", "hard": "\(text(after.hard))", "needed": "\(needed)",
        ]
        if after.soft != before.soft { metadata["soft_before"] = "\(text(before.soft))" }
        logger.info("file-descriptor limit (RLIMIT_NOFILE)", metadata: metadata)
        let report = Report(before: before, after: after, needed: needed)
        if !report.fits {
            logger.warning(
                "the file-descriptor limit cannot hold the configured connections: connections past it fail to be accepted and database connections fail; raise the hard limit (ulimit -Hn, systemd LimitNOFILE=) or lower --max-connections",
                metadata: metadata)
        }
        return report
    }

    /// Linux's ceiling for any RLIMIT_NOFILE (`fs.nr_open`).
    private static var systemMaximum: UInt64? {
        #if os(Linux)
        guard let file = fopen("/proc/sys/fs/nr_open", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 32)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return UInt64(text.filter(\.isNumber))
        #else
        return nil
        #endif
    }

    #if os(Linux) && canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
