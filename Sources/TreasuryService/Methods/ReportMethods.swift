import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Reports: budget execution and service level (API.md).
enum ReportMethods {
    static var all: [MethodDeclaration] { [] }
}
