import Testing
@testable import TreasuryDomain

@Suite struct ProportionalSplitTests {
    @Test func splitGivesTheRemainderToTheLargestWeightAndSumsExactly() {
        #expect(proportionalSplit(amount: 100, weights: [3333, 3333, 3334]) == [33, 33, 34])
        #expect(proportionalSplit(amount: 101, weights: [5000, 5000]) == [51, 50])
        #expect(proportionalSplit(amount: 7, weights: [0, 10000]) == [0, 7])
    }

    @Test func splitHoldsForRandomAmountsAndWeights() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let amount = Int64.random(in: 1...Money.maximum, using: &generator)
            let count = Int.random(in: 1...5, using: &generator)
            var weights = (0..<count).map { _ in Int64.random(in: 0...10000, using: &generator) }
            if weights.allSatisfy({ $0 == 0 }) { weights[0] = 1 }
            let parts = proportionalSplit(amount: amount, weights: weights)
            #expect(parts.reduce(0, +) == amount)
            let total = weights.reduce(0, +)
            let largest = weights.firstIndex(of: weights.max()!)!
            for index in weights.indices where index != largest {
                let floor = Int64((Double(amount) * Double(weights[index]) / Double(total)).rounded(.down))
                #expect(abs(parts[index] - floor) <= 1_000, "part \(index) is the floor share")
                #expect(parts[index] >= 0)
            }
        }
    }

    /// Exact property: each part is floor(amount × weight / total) (128-bit arithmetic), except
    /// the first largest weight's, which also takes the remainder; so callers that order parts
    /// by budget level rank give ties to the higher level.
    @Test func splitIsExactlyTheFloorWithTheRemainderToTheFirstLargestWeight() {
        var generator = SystemRandomNumberGenerator()
        for index in 0..<20_000 {
            let amount = index % 2 == 0 ? Int64.random(in: 0...Money.maximum, using: &generator) : Int64.random(in: 0...100_000, using: &generator)
            let count = Int.random(in: 1...6, using: &generator)
            // Few distinct weights, so ties are frequent.
            var weights = (0..<count).map { _ in Int64([0, 1, 2500, 3333, 5000, 10_000, Int64.random(in: 0...1_000_000_000_000, using: &generator)].randomElement(using: &generator)!) }
            if weights.allSatisfy({ $0 == 0 }) { weights[count - 1] = 1 }
            let total = weights.reduce(0, +)
            let floors = weights.map { total.dividingFullWidth(amount.multipliedFullWidth(by: $0)).quotient }
            let best = weights.firstIndex(of: weights.max()!)!
            var expected = floors
            expected[best] += amount - floors.reduce(0, +)
            let parts = proportionalSplit(amount: amount, weights: weights)
            #expect(parts == expected, "proportionalSplit(\(amount), \(weights)) = \(parts)")
            #expect(parts.reduce(0, +) == amount)
            #expect(amount - floors.reduce(0, +) < Int64(count), "the remainder is less than one đồng per part")
        }
    }
}
