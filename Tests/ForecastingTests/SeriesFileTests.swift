import XCTest
@testable import Forecasting

/// The `forecast-series` input format: good files parse, bad ones fail at file:line:column.
final class SeriesFileTests: XCTestCase {

    func error(_ text: String) -> String? {
        do { _ = try SeriesFile.parse(text, file: "s.csv"); return nil } catch { return "\(error)" }
    }

    func testDailyWithGapAndLabels() throws {
        let s = try SeriesFile.parse("date,value\n2024-02-27,5\n2024-02-28,7\n2024-03-01,6\n", file: "s.csv")
        XCTAssertEqual(s.axis, .seconds(step: 86_400, withTime: false))
        XCTAssertEqual(s.values.count, 4)  // 2024-02-29 was missing → NaN
        XCTAssertTrue(s.values[2].isNaN)
        XCTAssertEqual(s.filledGaps, 1)
        XCTAssertEqual(s.futureLabels(2), ["2024-03-02", "2024-03-03"])
    }

    func testMonthlyQuarterlyMonthEndIntegerAndHourly() throws {
        let m = try SeriesFile.parse("month,passengers\n1949-01-01,112\n1949-02-01,118\n1949-03-01,132\n", file: "a.csv")
        XCTAssertEqual(m.axis, .months(step: 1, monthEnd: false, withTime: false))
        XCTAssertEqual(m.futureLabels(11).last, "1950-02-01")
        let q = try SeriesFile.parse("2019-11-15,1\n2020-02-15,2\n", file: "q.csv")  // no header
        XCTAssertEqual(q.values, [1, 2])
        XCTAssertEqual(q.futureLabels(1), ["2020-05-15"])
        let e = try SeriesFile.parse("d,v\n2023-12-31,1\n2024-01-31,2\n2024-02-29,3\n", file: "e.csv")
        XCTAssertEqual(e.futureLabels(2), ["2024-03-31", "2024-04-30"])
        let i = try SeriesFile.parse("t,v\n10,1\n12,2\n14,\n16,NA\n", file: "i.csv")
        XCTAssertEqual(i.futureLabels(2), ["18", "20"])
        XCTAssertTrue(i.values[2].isNaN && i.values[3].isNaN)
        let h = try SeriesFile.parse("ts,v\r\n2024-01-01 22:00:00,1\r\n2024-01-01 23:00:00,2\r\n", file: "h.csv")
        XCTAssertEqual(h.futureLabels(2), ["2024-01-02 00:00:00", "2024-01-02 01:00:00"])
    }

    func testBadFilesReportLineAndColumn() {
        XCTAssertEqual(error("date,value\n2024-01-01,5\n2024-01-02,abc\n"),
                       "s.csv:3:12: cannot read value `abc` as a number below 10^15 in magnitude")
        XCTAssertEqual(error("date,value\n2024-01-01,5\n2024-01-02,6\n2024-01-03 12:00:00,7\n"),
                       "s.csv:4:1: date `2024-01-03 12:00:00` is not in the same format as the first row")
        XCTAssertEqual(error("date,value\n2024-01-01,5\n2024-01-03,6\n2024-01-04,7\n"),
                       "s.csv:4:1: irregular step: `2024-01-04` is not a whole number of steps (2 day(s)) after the previous row")
        XCTAssertEqual(error("date,value\n2024-01-02,5\n2024-01-01,6\n"),
                       "s.csv:3:1: dates must increase (the second row is not after the first)")
        XCTAssertEqual(error("date,value\n2024-01-01,5\n2024-01-02,6\n2024-01-02,7\n"),
                       "s.csv:4:1: `2024-01-02` is not after the previous row")
        XCTAssertEqual(error("date,value\n2024-13-01,5\n"),
                       "s.csv:2:1: cannot read date `2024-13-01` (expected yyyy-MM-dd, yyyy-MM-dd HH:mm:ss or an integer within ±10^12)")
        XCTAssertEqual(error("date;value\n"), "s.csv:1:1: expected 2 columns `date,value`, found 1")
        XCTAssertEqual(error("date,value\n"), "s.csv:1:1: no data rows")
        XCTAssertEqual(error("date,value\n2024-01-01,inf\n"), "s.csv:2:12: cannot read value `inf` as a number below 10^15 in magnitude")
        // Found by fuzzing (crashes, inf forecasts, silent truncation, a misleading gap message):
        XCTAssertEqual(error("t,v\n-9223372036854775808,1\n9223372036854775807,2\n"),
                       "s.csv:2:1: cannot read date `-9223372036854775808` (expected yyyy-MM-dd, yyyy-MM-dd HH:mm:ss or an integer within ±10^12)")
        XCTAssertEqual(error("t,v\n0,1\n4611686018427387904,2\n"),
                       "s.csv:3:1: cannot read date `4611686018427387904` (expected yyyy-MM-dd, yyyy-MM-dd HH:mm:ss or an integer within ±10^12)")
        XCTAssertEqual(error("date,value\n2024-01-01,1.7e308\n"), "s.csv:2:12: cannot read value `1.7e308` as a number below 10^15 in magnitude")
        XCTAssertEqual(error("date,value\n2024-01-01,1\u{0}99\n"), "s.csv:2:12: cannot read value `1\\u{0}99` as a number below 10^15 in magnitude")
        XCTAssertEqual(error("date,value,extra\n2024-01-01,1,2\n"), "s.csv:1:1: expected 2 columns `date,value`, found 3")
        XCTAssertNil(error("date,value,\n2024-01-01,1,\n2024-01-02,2,\n"))   // a trailing comma is fine
        XCTAssertEqual(error("date,value\n2024-01-01,1\n2024-01-02,2\n3000-01-01,3\n"),
                       "s.csv:4:1: `3000-01-01` is more than 100000 periods (1 day(s) each) after the previous row: too long a gap to fill")
    }

    /// Years before 1000 keep the input's four digits.
    func testEarlyYearsKeepFourDigits() throws {
        let s = try SeriesFile.parse("date,value\n0999-01-01,1\n0999-01-02,2\n", file: "s.csv")
        XCTAssertEqual(s.futureLabels(2), ["0999-01-03", "0999-01-04"])
    }

    func testRendering() {
        let f = SeriesForecast(method: "Theta", forecast: [1.5, 2], quantileLevels: [0.1, 0.5, 0.9],
                               quantileForecasts: [[1, 1.25], [1.5, 2], [2, 3]],
                               accuracy: Accuracy(mase: 0.5, smape: 10, bias: -0.25, origins: 2, points: 4),
                               warnings: ["a \"quoted\" note"], holidayEffects: [:])
        XCTAssertEqual(SeriesFile.renderCSV(f, labels: ["d1", "d2"]), "date,forecast,p10,p90\nd1,1.5,1,2\nd2,2,1.25,3\n")
        XCTAssertEqual(SeriesFile.renderJSON(f, labels: ["d1", "d2"]),
                       #"{"method":"Theta","dates":["d1","d2"],"forecast":[1.5,2],"p10":[1,1.25],"p50":[1.5,2],"p90":[2,3],"accuracy":{"mase":0.5,"smape":10,"bias":-0.25,"origins":2,"points":4},"warnings":["a \"quoted\" note"]}"#)
    }

    func testHolidaysCSVAndDailyIndices() throws {
        let (cal, names) = try HolidayCalendar.parseCSV("date,name\n2024-01-01,New Year\n2024-12-25,Christmas\n2025-01-01,New Year\n", file: "h.csv")
        XCTAssertEqual(names, ["New Year", "Christmas"])
        XCTAssertEqual(cal.groups, [0, 1, 0])
        XCTAssertEqual(cal.days[0], 19_723)  // days from 1970-01-01 to 2024-01-01
        let s = try SeriesFile.parse("d,v\n2023-12-30,1\n2023-12-31,2\n", file: "s.csv")
        XCTAssertEqual(s.holidayIndices(cal)?.days, [2, 361, 368])
        let monthly = try SeriesFile.parse("d,v\n2023-11-01,1\n2023-12-01,2\n", file: "m.csv")
        XCTAssertNil(monthly.holidayIndices(cal))
        XCTAssertThrowsError(try HolidayCalendar.parseCSV("date,name\n2024-01-01,A\nxmas,B\n", file: "h.csv")) { e in
            XCTAssertEqual("\(e)", "h.csv:3:1: cannot read holiday date `xmas` (expected yyyy-MM-dd)")
        }
    }
}
