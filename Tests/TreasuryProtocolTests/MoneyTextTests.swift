import Testing
@testable import TreasuryProtocol

@Suite struct MoneyTextTests {
    @Test(arguments: ["0", "1", "250000", "1000000000000000000", "-5"])
    func wellFormedAmountsParse(_ text: String) {
        #expect(MoneyText.parse(text) == .value(Int64(text)!))
    }

    @Test(arguments: ["", "+1", "1.0", "1e3", "01", " 1", "1 ", "-0", "--1", "0x10", "١٢"])
    func malformedAmountsAreRefused(_ text: String) {
        #expect(MoneyText.parse(text) == .malformed)
    }

    @Test(arguments: ["1000000000000000001", "99999999999999999999999", "-1000000000000000001"])
    func amountsBeyondTenToTheEighteenAreOutOfRange(_ text: String) {
        #expect(MoneyText.parse(text) == .outOfRange)
    }

}
