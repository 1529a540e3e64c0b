import Foundation
import PostgresClient
import TreasuryDomain
import TreasuryProtocol

/// Appropriations and allocations (API.md "Budget").
enum BudgetMethods {
    static var all: [MethodDeclaration] { [] }
}

/// The budget schema's rules (constraint name → meaning for callers).
enum BudgetRules {
    static let meanings: [String: SchemaRule.Meaning] = [:]
}
