import Foundation
import NIOCore
import NIOSSL
import TreasuryProtocol

/// Where the server's TLS material is: PEM files, read again on every `ServerTLS.reload()`.
public struct ServerTLSFiles: Sendable, Hashable {
    /// The server certificate, then any intermediates (PEM).
    public var certificateChain: String
    /// The certificate's private key (PEM, unencrypted).
    public var privateKey: String
    /// When set, mutual TLS: every client must present a certificate that chains to one of
    /// these CA certificates (PEM), or the handshake fails.
    public var clientCA: String?

    public init(certificateChain: String, privateKey: String, clientCA: String? = nil) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCA = clientCA
    }
}

/// Why the TLS material could not be loaded; names the file.
public struct ServerTLSError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The server's TLS settings and its current `NIOSSLContext`.
///
/// Certificates rotate without a restart: `reload()` (which `treasuryd` calls on SIGHUP) reads
/// the files again and builds a new context, and swaps it in under a lock. Each accepted
/// connection takes the context current at that moment for its own `NIOSSLServerHandler`, so
/// new connections use the new certificate while open ones keep the one they started with.
/// A reload that fails (a missing file, a key that does not match) changes nothing: the
/// server keeps serving with the previous context.
public final class ServerTLS: Sendable {
    public let files: ServerTLSFiles
    private let current: LockedState<(context: NIOSSLContext, summary: String)>

    /// Loads the files; throws `ServerTLSError` when one cannot be used.
    public init(files: ServerTLSFiles) throws {
        self.files = files
        current = LockedState(try Self.load(files))
    }

    /// Whether clients must present certificates (mutual TLS).
    public var requiresClientCertificates: Bool { files.clientCA != nil }

    /// The server certificate in use, for logs: subject, serial number and expiry.
    public var certificateSummary: String { current.withLock { $0.summary } }

    /// Reads the files again; new connections use the new certificate. On failure the
    /// previous context stays in use and the error says why.
    @discardableResult
    public func reload() throws -> String {
        let loaded = try Self.load(files)
        current.withLock { $0 = loaded }
        return loaded.summary
    }

    /// The context for a connection accepted now.
    var context: NIOSSLContext { current.withLock { $0.context } }

    private static func load(_ files: ServerTLSFiles) throws -> (context: NIOSSLContext, summary: String) {
        let chain = try read("certificate chain (--tls-cert)", files.certificateChain) { try NIOSSLCertificate.fromPEMFile($0) }
        guard let leaf = chain.first else {
            throw ServerTLSError(description: "the TLS certificate file \(files.certificateChain) holds no PEM certificate")
        }
        let key = try read("private key (--tls-key)", files.privateKey) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        var configuration: TLSConfiguration
        if let clientCA = files.clientCA {
            let roots = try read("client CA (--tls-client-ca)", clientCA) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !roots.isEmpty else {
                throw ServerTLSError(description: "the TLS client CA file \(clientCA) holds no PEM certificate")
            }
            configuration = .makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key), trustRoots: .certificates(roots))
            // Tells clients which CAs are accepted, so one holding several certificates picks the right one.
            configuration.sendCANameList = true
        } else {
            configuration = .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        }
        configuration.minimumTLSVersion = .tlsv12
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerTLSError(description: "cannot use the TLS certificate \(files.certificateChain) with the key \(files.privateKey): \(error)")
        }
        let expiry = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        let serial = leaf.serialNumber.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        let summary = "subject \(CertificateNames.subject(leaf.subjectName)), serial \(serial), valid until \(ISO8601DateFormatter().string(from: expiry))"
        return (context, summary)
    }

    private static func read<T>(_ what: String, _ path: String, _ body: (String) throws -> T) throws -> T {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ServerTLSError(description: "cannot read the TLS \(what) file \(path)")
        }
        do {
            return try body(path)
        } catch {
            throw ServerTLSError(description: "the TLS \(what) file \(path) is not usable PEM: \(error)")
        }
    }
}

/// X.509 names as text.
enum CertificateNames {
    /// RFC 4514 style: the most specific attribute first (`CN=VCB,O=Vietcombank,C=VN`), with
    /// `,`, `+`, `"`, `\`, `<`, `>`, `;` and leading `#` or spaces escaped.
    static func subject(_ names: [SSLCertificateName]) -> String {
        names.reversed().map { name in "\(label(name.type))=\(escape(name.value))" }.joined(separator: ",")
    }

    /// The last common name, the one TLS libraries take as the certificate's name.
    static func commonName(_ names: [SSLCertificateName]) -> String? {
        names.last { $0.type == .commonName }?.value
    }

    static func clientCertificate(_ certificate: NIOSSLCertificate) -> ClientCertificate {
        let names = certificate.subjectName
        return ClientCertificate(subject: subject(names), commonName: commonName(names))
    }

    private static func label(_ type: SSLCertificateNameType) -> String {
        switch type {
        case .commonName: return "CN"
        case .organization: return "O"
        case .organizationalUnit: return "OU"
        case .country: return "C"
        case .state: return "ST"
        case .city: return "L"
        case .emailAddress: return "emailAddress"
        case .userId: return "UID"
        default: return "?"
        }
    }

    private static func escape(_ value: String) -> String {
        var escaped = ""
        for (index, character) in value.enumerated() {
            if ",+\"\\<>;".contains(character) || (index == 0 && (character == "#" || character == " ")) {
                escaped.append("\\")
            }
            escaped.append(character)
        }
        if escaped.hasSuffix(" ") { escaped.insert("\\", at: escaped.index(before: escaped.endIndex)) }
        return escaped
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
