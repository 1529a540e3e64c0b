import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddedPostgres {
    /// Where the cluster of `directory` can live for this process.
    ///
    /// As root the cluster runs as the `postgres` user, which cannot enter a private directory
    /// (a checkout under /root, or one made by mktemp). Rather than fail, such a cluster lives
    /// under `/var/tmp/treasury-embedded/`, in a directory named after `directory`'s absolute
    /// path, so the same checkout always finds the same cluster again. Otherwise `directory`
    /// (only traversal matters: the cluster's own folders are created and handed to postgres).
    public static func usableDirectory(_ directory: String) -> (path: String, relocated: Bool) {
        guard geteuid() == 0 else { return (directory, false) }
        let absolute = absolutePath(directory)
        var nearest = URL(fileURLWithPath: absolute)
        while !FileManager.default.fileExists(atPath: nearest.path), nearest.path != "/" {
            nearest.deleteLastPathComponent()
        }
        let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first(where: FileManager.default.isExecutableFile(atPath:))
        let test = searchPath("test") ?? "/usr/bin/test"
        if let runuser, let reachable = try? run(runuser, ["-u", systemUser, "--", test, "-x", nearest.path]),
           reachable.status == 0 {
            return (directory, false)
        }
        let parent = "/var/tmp/treasury-embedded"
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(parent, 0o755)
        let name = absolute.split(separator: "/").joined(separator: "_")
        return (parent + "/" + (name.isEmpty ? "root" : name), true)
    }
}
