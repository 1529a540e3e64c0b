import Foundation
import Testing
@testable import TreasuryDomain

@Suite struct WorkingCalendarTests {
    typealias LocalDate = TreasuryTime.LocalDate

    func at(_ date: String, _ hour: Int, _ minute: Int) -> Date {
        TreasuryTime.instant(of: LocalDate(date)!, secondsOfDay: hour * 3600 + minute * 60)
    }

    @Test func datesRoundTripThroughDaysSinceEpoch() {
        for days in stride(from: -1000, to: 40000, by: 7) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(LocalDate("2026-11-29")!.isoWeekday == 7)
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDate("2024-02-29") != nil)
    }

    @Test func datesAndTimestampsPrintZeroPaddedAsPrintfWould() {
        #expect(LocalDate(year: 5, month: 1, day: 2).description == "0005-01-02")
        #expect(LocalDate(year: 2026, month: 12, day: 31).description == "2026-12-31")
        for days in stride(from: -1000, to: 40000, by: 97) {
            let date = LocalDate(daysSinceEpoch: days)
            #expect(date.description == String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
            #expect(LocalDate(date.description) == date)
        }
        #expect(TreasuryTime.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(TreasuryTime.rfc3339(Date(timeIntervalSince1970: 1_795_973_399.9)) == "2026-11-29T17:29:59Z")
        #expect(TreasuryTime.padded(7, 3) == "007" && TreasuryTime.padded(-7, 3) == "-07" && TreasuryTime.padded(12345, 2) == "12345")
    }

    @Test func localDateIsVietnamTime() {
        // 2026-11-29T17:30Z is 00:30 on 30 November in Hanoi.
        let instant = Date(timeIntervalSince1970: 1_795_973_400)
        #expect(TreasuryTime.rfc3339(instant) == "2026-11-29T17:30:00Z")
        #expect(TreasuryTime.localDate(of: instant).description == "2026-11-30")
    }

    @Test func paymentBeforeCutoffIsDueTheSameDay() {
        let calendar = WorkingCalendar()
        let due = calendar.dueAt(procedure: .paymentRecurrent, receivedAt: at("2026-11-27", 15, 29))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-11-27")!))
    }

    @Test func anInvestmentPaymentAfterTheCutoffOnFridayHasMondayAndTuesday() {
        let calendar = WorkingCalendar()
        let due = calendar.dueAt(procedure: .paymentInvestment, receivedAt: at("2026-11-27", 15, 30))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-12-01")!))
        // An advance has 1 working day: Monday.
        #expect(calendar.dueAt(procedure: .paymentInvestment, receivedAt: at("2026-11-27", 15, 30), advance: true)
            == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
    }

    @Test func paymentOnAWeekendIsDueTheNextWorkingDay() {
        let calendar = WorkingCalendar()
        let due = calendar.dueAt(procedure: .paymentRecurrent, receivedAt: at("2026-11-28", 9, 0))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
    }

    @Test func accountProceduresHaveOneWorkingDaySkippingHolidays() {
        var calendar = WorkingCalendar()
        // Thursday 10:00: that Thursday; Friday 16:00: Monday, or Tuesday when Monday is a holiday.
        #expect(calendar.dueAt(procedure: .accountOpen, receivedAt: at("2026-11-26", 10, 0)) == TreasuryTime.endOfDay(LocalDate("2026-11-26")!))
        #expect(calendar.dueAt(procedure: .accountClose, receivedAt: at("2026-11-27", 16, 0)) == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
        calendar.holidays = [LocalDate("2026-11-30")!]
        #expect(calendar.dueAt(procedure: .accountChange, receivedAt: at("2026-11-27", 16, 0)) == TreasuryTime.endOfDay(LocalDate("2026-12-01")!))
    }

    @Test func paymentOnAHolidayBeforeCutoffIsNotDueThatDay() {
        let calendar = WorkingCalendar(holidays: [LocalDate("2026-09-02")!])
        let due = calendar.dueAt(procedure: .paymentRecurrent, receivedAt: at("2026-09-02", 9, 0))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-09-03")!))
    }

    @Test func aBalanceReconciliationHasOneWorkingDayCountedFromTheDayOfReceipt() {
        let calendar = WorkingCalendar(holidays: [LocalDate("2026-12-01")!])
        // Friday 10:00: that Friday; Friday at the cut-off: Monday; Monday evening, Tuesday a holiday: Wednesday.
        #expect(calendar.dueAt(procedure: .balanceReconciliation, receivedAt: at("2026-11-27", 10, 0)) == TreasuryTime.endOfDay(LocalDate("2026-11-27")!))
        #expect(calendar.dueAt(procedure: .balanceReconciliation, receivedAt: at("2026-11-27", 15, 30)) == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
        #expect(calendar.dueAt(procedure: .balanceReconciliation, receivedAt: at("2026-11-30", 16, 0)) == TreasuryTime.endOfDay(LocalDate("2026-12-02")!))
        #expect(Procedure.balanceReconciliation.limits == ProcedureLimits(.workingDays(1)))
    }

    @Test func aCollectionIsDueInFiveMinutesOnlineAndThirtyAtTheCounterWhateverTheDay() {
        let calendar = WorkingCalendar()
        // Saturday night: minutes run on any day, cut-off or not.
        let received = at("2026-11-28", 23, 58)
        #expect(calendar.dueAt(procedure: .revenueCollection, receivedAt: received) == received.addingTimeInterval(5 * 60))
        #expect(calendar.dueAt(procedure: .revenueCollection, receivedAt: received, channel: .counter) == received.addingTimeInterval(30 * 60))
        #expect(calendar.dueAt(limit: .minutes(5), receivedAt: received) == at("2026-11-29", 0, 3))
    }

    @Test func regularSpendingHasTwoWorkingDaysFromTwentyFifthToThirtyFirstOfDecemberAndJanuary() {
        let calendar = WorkingCalendar(holidays: [LocalDate("2027-01-01")!])
        let due = { (date: String, hour: Int) in calendar.dueAt(procedure: .paymentRecurrent, receivedAt: at(date, hour, 0)) }
        // Thursday 24 December: 1 day, that day. Friday 25 December: 2 days, Friday and Monday.
        #expect(due("2026-12-24", 10) == TreasuryTime.endOfDay(LocalDate("2026-12-24")!))
        #expect(due("2026-12-25", 10) == TreasuryTime.endOfDay(LocalDate("2026-12-28")!))
        // Thursday 31 December after the cut-off, 1 January a holiday: Monday 4 and Tuesday 5 January.
        #expect(due("2026-12-31", 16) == TreasuryTime.endOfDay(LocalDate("2027-01-05")!))
        // Saturday 2 January is outside the window: Monday 4 January only.
        #expect(due("2027-01-02", 10) == TreasuryTime.endOfDay(LocalDate("2027-01-04")!))
        // Monday 25 January: Monday and Tuesday; Monday 1 February: that day again.
        #expect(due("2027-01-25", 10) == TreasuryTime.endOfDay(LocalDate("2027-01-26")!))
        #expect(due("2027-02-01", 10) == TreasuryTime.endOfDay(LocalDate("2027-02-01")!))
        // Other procedures have no extension.
        #expect(calendar.dueAt(procedure: .balanceReconciliation, receivedAt: at("2026-12-28", 10, 0)) == TreasuryTime.endOfDay(LocalDate("2026-12-28")!))
    }

    @Test func everyProcedureHasItsDecree347Limit() {
        let limits = Dictionary(uniqueKeysWithValues: Procedure.allCases.map { ($0.rawValue, $0.limits) })
        #expect(limits["REVENUE_COLLECTION"] == ProcedureLimits(.minutes(5), counterMinutes: 30))
        #expect(limits["REVENUE_REFUND"] == ProcedureLimits(.workingDays(1)))
        #expect(limits["PAYMENT_RECURRENT"] == ProcedureLimits(.workingDays(1), yearEndWorkingDays: 2))
        #expect(limits["AID_BOOKING"] == ProcedureLimits(.workingDays(2)))
        #expect(limits["PAYMENT_INVESTMENT"] == ProcedureLimits(.workingDays(2), advanceWorkingDays: 1))
        #expect(limits["PAYMENT_INVESTMENT_FOREIGN"] == ProcedureLimits(.workingDays(2), advanceWorkingDays: 1))
        for code in ["ACCOUNT_OPEN", "ACCOUNT_CLOSE", "BALANCE_RECONCILIATION", "ACCOUNT_CHANGE"] {
            #expect(limits[code] == ProcedureLimits(.workingDays(1)), "\(code)")
        }
        #expect(Procedure.allCases.filter(\.inForce).count == 10)
        #expect(Procedure.commitment.replacedBy == .paymentRecurrent && Procedure.advanceSettlement.replacedBy == .paymentRecurrent)
        // The extension and the advance limit apply only where the law sets them.
        let december = LocalDate("2026-12-28")!
        #expect(Procedure.paymentInvestment.limits.limit(channel: .online, advance: false, startingOn: december) == .workingDays(2))
        #expect(Procedure.paymentInvestment.limits.limit(channel: .online, advance: true, startingOn: december) == .workingDays(1))
        #expect(Procedure.paymentRecurrent.limits.limit(channel: .counter, advance: true, startingOn: december) == .workingDays(2))
        #expect(Procedure.revenueRefund.limits.limit(channel: .counter, advance: false, startingOn: december) == .workingDays(1))
    }
}
