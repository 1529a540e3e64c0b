import ArgumentParser
import Crypto
import Foundation
import TreasuryProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A signer's private key as `treasury keys generate` writes it (docs/procedures.md "The
/// signing text"; README "Signing a unit's filings"). The key file is one JSON object:
///
///     {"algorithm":"ED25519","private_key":"<base64>","public_key":"<base64>","specimen_id":"17"}
///
/// - `algorithm`: `ED25519` or `ECDSA_P256`, as `Signatures/RegisterSpecimen` spells it.
/// - `private_key`: base64 of the raw private key: Ed25519's 32-byte seed (RFC 8032), or
///   P-256's 32-byte scalar.
/// - `public_key`: base64 of the public key as RegisterSpecimen wants it (Ed25519's 32 raw
///   bytes, P-256's 65-byte uncompressed point); checked against the private key when read.
/// - `specimen_id`: the id RegisterSpecimen returned for that public key; absent until
///   `treasury keys set-specimen FILE ID` (or `keys generate --specimen ID`) records it.
///
/// The file is created with mode 0600 and refused when its mode is any wider.
struct SigningKey {
    enum Algorithm: String, CaseIterable {
        case ed25519 = "ED25519"
        case p256 = "ECDSA_P256"

        /// `ed25519` or `p256` as typed, or the server's spelling, in any case.
        init?(typed text: String) {
            switch text.uppercased().replacingOccurrences(of: "-", with: "_") {
            case "ED25519": self = .ed25519
            case "P256", "ECDSA_P256", "P_256", "ECDSA": self = .p256
            default: return nil
            }
        }
    }

    var path: String
    var algorithm: Algorithm
    var privateKey: Data
    var specimenID: String?

    /// A new random key.
    static func generate(_ algorithm: Algorithm, path: String) -> SigningKey {
        switch algorithm {
        case .ed25519: SigningKey(path: path, algorithm: algorithm, privateKey: Curve25519.Signing.PrivateKey().rawRepresentation)
        case .p256: SigningKey(path: path, algorithm: algorithm, privateKey: P256.Signing.PrivateKey().rawRepresentation)
        }
    }

    /// The public key as RegisterSpecimen wants it.
    func publicKey() throws -> Data {
        switch algorithm {
        case .ed25519: try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey).publicKey.rawRepresentation
        case .p256: try P256.Signing.PrivateKey(rawRepresentation: privateKey).publicKey.x963Representation
        }
    }

    /// The 64-byte signature of `message`: Ed25519's, or ECDSA P-256 with SHA-256 as r‖s.
    func sign(_ message: Data) throws -> Data {
        switch algorithm {
        case .ed25519: try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey).signature(for: message)
        case .p256: try P256.Signing.PrivateKey(rawRepresentation: privateKey).signature(for: message).rawRepresentation
        }
    }

    var fileContents: Data {
        var object: JSONObject = ["algorithm": .string(algorithm.rawValue), "private_key": .string(privateKey.base64EncodedString()),
                                  "public_key": .string((try? publicKey())?.base64EncodedString() ?? "")]
        if let specimenID { object["specimen_id"] = .string(specimenID) }
        return Data((JSON.object(object).serialized() + "\n").utf8)
    }

    // MARK: Files

    /// A key file that cannot be used: printed as `error: ...` on stderr, exit 64.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode.validationFailure
    }

    /// Reads a key file, refusing one whose mode is wider than 0600.
    static func load(_ path: String) throws -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw failure("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw failure("key file \(path) is not a regular file") }
        let mode = info.st_mode & 0o7777
        guard mode & ~0o600 == 0 else {
            throw failure("key file \(path) has mode \(String(format: "%04o", mode)), wider than 0600: others may read the private key; "
                          + "run chmod 600 \(path), and consider the key compromised if others could read it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("cannot read key file \(path)")
        }
        let fields = (try? JSON.parse(data))?.objectValue
        guard let fields, let algorithmText = fields["algorithm"]?.stringValue, let algorithm = Algorithm(rawValue: algorithmText),
              let privateText = fields["private_key"]?.stringValue, let privateKey = Data(base64Encoded: privateText), privateKey.count == 32 else {
            throw failure("\(path) is not a treasury key file: {\"algorithm\": \"ED25519\"|\"ECDSA_P256\", \"private_key\": \"<base64 of 32 bytes>\", "
                          + "\"public_key\": \"<base64>\", \"specimen_id\": \"<id>\"}, as treasury keys generate writes it")
        }
        var key = SigningKey(path: path, algorithm: algorithm, privateKey: privateKey)
        guard let publicKey = try? key.publicKey() else { throw failure("key file \(path): private_key is not a valid \(algorithm.rawValue) key") }
        if let stated = fields["public_key"]?.stringValue, Data(base64Encoded: stated) != publicKey {
            throw failure("key file \(path): public_key does not belong to private_key")
        }
        switch fields["specimen_id"] {
        case nil, .null?: break
        case .string(let id)? where Self.isSpecimenID(id): key.specimenID = id
        case .number(let id)? where Self.isSpecimenID(id): key.specimenID = id
        default: throw failure("key file \(path): specimen_id must be the digits RegisterSpecimen returned")
        }
        return key
    }

    static func isSpecimenID(_ text: String) -> Bool {
        (1...18).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Writes a new file with mode 0600; refuses an existing one.
    func create() throws {
        try Self.writeNew(fileContents, at: path) { errnoValue in
            errnoValue == EEXIST ? "\(path) already exists: a key file is never overwritten; choose another --out or remove it yourself"
                                 : "cannot create \(path): \(String(cString: strerror(errnoValue)))"
        }
    }

    /// Replaces the file (same directory, mode 0600), atomically.
    func replace() throws {
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        try Self.writeNew(fileContents, at: temporary) { "cannot write \(temporary): \(String(cString: strerror($0)))" }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw Self.failure("cannot replace \(path): \(message)")
        }
    }

    private static func writeNew(_ data: Data, at path: String, message: (Int32) -> String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw failure(message(errno)) }
        defer { close(descriptor) }
        // Whatever the umask, the key file is the owner's alone.
        guard fchmod(descriptor, 0o600) == 0 else { unlink(path); throw failure(message(errno)) }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue }; return false }
                offset += count
            }
            return fsync(descriptor) == 0
        }
        guard written else {
            let errnoValue = errno
            unlink(path)
            throw failure(message(errnoValue))
        }
    }
}

/// The `signatures` metadata of a call (docs/procedures.md): each key's signature over
/// `<method> LF <idempotency key> LF <params in RFC 8785 canonical JSON>`.
enum Signing {
    static func text(method: String, idempotencyKey: String, params: JSONObject) throws -> Data {
        do {
            return Data("\(method)\n\(idempotencyKey)\n\(try JSON.object(params).canonicalized())".utf8)
        } catch {
            throw SigningKey.failure("the params have no canonical JSON to sign: \(error)")
        }
    }

    static func metadata(_ keys: [SigningKey], method: String, idempotencyKey: String, params: JSONObject) throws -> String {
        let message = try text(method: method, idempotencyKey: idempotencyKey, params: params)
        var seen: [String: String] = [:]
        let items = try keys.map { key -> JSON in
            guard let specimen = key.specimenID else {
                throw SigningKey.failure("key file \(key.path) names no specimen: once an officer has registered its public key "
                                         + "(treasury signatures register), record the specimen id with: treasury keys set-specimen \(key.path) SPECIMEN_ID")
            }
            if let other = seen.updateValue(key.path, forKey: specimen) {
                throw SigningKey.failure("key files \(other) and \(key.path) are both for specimen \(specimen)")
            }
            let signature: Data
            do { signature = try key.sign(message) } catch { throw SigningKey.failure("cannot sign with \(key.path): \(error)") }
            return .object(["specimen_id": .string(specimen), "signature": .string(signature.base64EncodedString())])
        }
        return JSON.array(items).serialized()
    }
}
