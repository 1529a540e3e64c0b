import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Commitments, payment orders and advances (API.md "Spending").
enum SpendingMethods {
    static var all: [MethodDeclaration] { [] }
}

/// The spending schema's rules (constraint name → meaning for callers).
enum SpendingRules {
    static let meanings: [String: SchemaRule.Meaning] = [:]
}
