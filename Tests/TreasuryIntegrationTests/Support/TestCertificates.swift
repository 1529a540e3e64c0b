import Foundation
import Testing

/// Throwaway X.509 material for one test, made with the openssl command line in a temporary
/// directory that `remove()` deletes: certificate authorities, server certificates for
/// localhost and 127.0.0.1, client certificates whose common name is a bank code. Nothing of
/// it is ever committed; every key lives only as long as its test.
final class TestPKI: Sendable {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("treasury-pki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A certificate (PEM) and its private key (PEM), as files.
    struct Identity: Sendable {
        let certificate: String
        let key: String
    }

    /// A self-signed certificate authority named `name`.
    func authority(_ name: String) throws -> Identity {
        let identity = Identity(certificate: path("\(name).pem"), key: path("\(name).key"))
        try Self.openssl([
            "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", identity.key, "-out", identity.certificate, "-days", "2", "-subj", "/O=Treasury Tests/CN=Test CA \(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        return identity
    }

    /// A server certificate for `names` (by default localhost and 127.0.0.1), signed by `authority`.
    func server(_ name: String, signedBy authority: Identity, names: String = "DNS:localhost,IP:127.0.0.1") throws -> Identity {
        try leaf(name, subject: "/O=Treasury Tests/CN=localhost", signedBy: authority, extensions: [
            "extendedKeyUsage=serverAuth", "subjectAltName=\(names)",
        ])
    }

    /// A client certificate whose subject common name is `commonName` (a bank code).
    func client(_ name: String, commonName: String, signedBy authority: Identity) throws -> Identity {
        try leaf(name, subject: "/C=VN/O=Treasury Tests/CN=\(commonName)", signedBy: authority, extensions: ["extendedKeyUsage=clientAuth"])
    }

    private func leaf(_ name: String, subject: String, signedBy authority: Identity, extensions: [String]) throws -> Identity {
        let identity = Identity(certificate: path("\(name).pem"), key: path("\(name).key"))
        let request = path("\(name).csr"), extensionFile = path("\(name).ext")
        try (["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment"] + extensions)
            .joined(separator: "\n").appending("\n").write(toFile: extensionFile, atomically: true, encoding: .utf8)
        try Self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", identity.key, "-out", request, "-subj", subject,
        ])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", authority.certificate, "-CAkey", authority.key,
            "-set_serial", "0x" + String(UInt64.random(in: 1...UInt64.max >> 1), radix: 16),
            "-days", "2", "-out", identity.certificate, "-extfile", extensionFile,
        ])
        return identity
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Copies `identity` over the files of `target` (a certificate rotation on disk).
    func install(_ identity: Identity, as target: Identity) throws {
        for (from, to) in [(identity.certificate, target.certificate), (identity.key, target.key)] {
            try Data(contentsOf: URL(fileURLWithPath: from)).write(to: URL(fileURLWithPath: to), options: .atomic)
        }
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            struct OpenSSLFailed: Error, CustomStringConvertible { var description: String }
            throw OpenSSLFailed(description: "openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))")
        }
    }
}
