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

    @Test func paymentAfterCutoffOnFridayIsDueMonday() {
        let calendar = WorkingCalendar()
        let due = calendar.dueAt(procedure: .paymentInvestment, receivedAt: at("2026-11-27", 15, 30))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
    }

    @Test func paymentOnAWeekendIsDueTheNextWorkingDay() {
        let calendar = WorkingCalendar()
        let due = calendar.dueAt(procedure: .paymentRecurrent, receivedAt: at("2026-11-28", 9, 0))
        #expect(due == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
    }

    @Test func otherProceduresAreDueAtTheEndOfTheSecondWorkingDaySkippingHolidays() {
        var calendar = WorkingCalendar()
        #expect(calendar.dueAt(procedure: .accountOpen, receivedAt: at("2026-11-26", 10, 0))
            == TreasuryTime.endOfDay(LocalDate("2026-11-30")!))
        calendar.holidays = [LocalDate("2026-11-30")!]
        #expect(calendar.dueAt(procedure: .accountOpen, receivedAt: at("2026-11-26", 10, 0))
            == TreasuryTime.endOfDay(LocalDate("2026-12-01")!))
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
        #expect(Procedure.balanceReconciliation.workingDayLimit == 1 && Procedure.accountOpen.workingDayLimit == nil)
    }
}
