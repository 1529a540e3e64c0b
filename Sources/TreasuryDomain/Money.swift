/// Amounts are whole đồng (VND has no minor unit) held in `Int64`; never floating point.
public enum Money {
    /// The largest amount any field accepts (10^18), so sums of many amounts stay far
    /// below `Int64.max`.
    public static let maximum: Int64 = 1_000_000_000_000_000_000
}

/// Splits an amount between parts in proportion to integer weights: each part gets
/// floor(amount × weight / total), and the đồng left over go to the part with the largest
/// weight (ties: the earliest part, so callers list the higher budget level first).
/// The parts always sum to `amount` exactly.
public func proportionalSplit(amount: Int64, weights: [Int64]) -> [Int64] {
    precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
    let total = weights.reduce(0, +)
    precondition(total > 0, "weights must not all be zero")
    var parts = weights.map { weight -> Int64 in
        // amount ≤ 10^18 and weight ≤ total: the 128-bit product cannot overflow.
        let product = amount.multipliedFullWidth(by: weight)
        return Int64(truncatingIfNeeded: Int64(total).dividingFullWidth(product).quotient)
    }
    let remainder = amount - parts.reduce(0, +)
    var largest = 0
    for index in weights.indices where weights[index] > weights[largest] { largest = index }
    parts[largest] += remainder
    return parts
}
