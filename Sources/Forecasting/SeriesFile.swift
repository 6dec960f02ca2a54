// Forecasting — reading one `date,value` series file and writing its forecast (the
// `fuelflow forecast-series` formats), kept here so the CLI stays thin and tests reach it.

/// A problem in a series file, located as `file:line:column: message` (1-based).
public struct SeriesFileError: Error, CustomStringConvertible, Equatable {
    public var file: String, line: Int, column: Int, message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// The time axis of a regular series: integer periods, a fixed step in seconds, or a
/// calendar step in months (monthly, quarterly = 3, yearly = 12; month ends kept as ends).
public enum PeriodAxis: Sendable, Equatable {
    case integer(step: Int)
    case seconds(step: Int, withTime: Bool)
    case months(step: Int, monthEnd: Bool, withTime: Bool)
}

/// A parsed series: values at regular periods (NaN where a period was missing or empty).
public struct SeriesFile: Sendable {
    public var axis: PeriodAxis
    /// Period stamps as parsed: integer periods, or seconds since 1970-01-01 00:00:00.
    public var stamps: [Int]
    public var values: [Double]
    /// Missing periods (a step skipped in the dates) filled with NaN.
    public var filledGaps: Int

    /// Parses CSV text `date,value` with an optional header row. Dates are ISO
    /// `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss` (or with `T`), or plain integers. The step is
    /// the difference of the first two rows (whole months when both share the day of month
    /// or are both month ends); every later row must be a whole number of steps after the
    /// previous one (skipped periods become missing values). Empty values, `NA` and `NaN`
    /// are missing.
    ///
    ///     try SeriesFile.parse("date,value\n2024-01-01,5\n2024-01-02,7\n", file: "s.csv")
    ///
    /// - Throws: `SeriesFileError` at the first bad line.
    /// - Complexity: O(size of text).
    public static func parse(_ text: String, file: String) throws -> SeriesFile {
        var rows: [(line: Int, date: Substring, value: Substring, valueColumn: Int)] = []
        var lineNo = 0
        var lastLine = 1
        // "\r\n" is one Character in Swift, so split on each newline form.
        for line in text.split(omittingEmptySubsequences: false,
                               whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNo += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lastLine = lineNo
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            // Two columns; a third or later one must be empty (a trailing comma).
            guard fields.count >= 2, fields.dropFirst(2).allSatisfy({ trim($0).isEmpty }) else {
                throw SeriesFileError(file: file, line: lineNo, column: 1,
                                      message: "expected 2 columns `date,value`, found \(fields.count)")
            }
            let d = trim(fields[0]), v = trim(fields[1])
            rows.append((lineNo, d, v, fields[0].count + 2))
        }
        // Header: the first row when its date field is not a stamp.
        if let first = rows.first, parseStamp(first.date) == nil { rows.removeFirst() }
        guard !rows.isEmpty else {
            throw SeriesFileError(file: file, line: lastLine, column: 1, message: "no data rows")
        }
        var stamps: [Stamp] = []
        var values: [Double] = []
        for r in rows {
            guard let s = parseStamp(r.date) else {
                throw SeriesFileError(file: file, line: r.line, column: 1,
                                      message: "cannot read date `\(r.date)` (expected yyyy-MM-dd, yyyy-MM-dd HH:mm:ss or an integer within ±10^12)")
            }
            if let k = stamps.first?.kind, k != s.kind {
                throw SeriesFileError(file: file, line: r.line, column: 1,
                                      message: "date `\(r.date)` is not in the same format as the first row")
            }
            let v: Double
            let lower = r.value.lowercased()
            if r.value.isEmpty || lower == "na" || lower == "nan" { v = .nan }
            else if !r.value.utf8.contains(0), let x = Double(r.value), x.isFinite, abs(x) < 1e15 { v = x }
            else {
                throw SeriesFileError(file: file, line: r.line, column: r.valueColumn,
                                      message: "cannot read value `\(printable(r.value))` as a number below 10^15 in magnitude")
            }
            stamps.append(s); values.append(v)
        }
        // Infer the step from the first two rows.
        var axis: PeriodAxis
        if stamps.count < 2 {
            axis = stamps[0].kind == .integer ? .integer(step: 1) : .seconds(step: 86_400, withTime: stamps[0].kind == .dateTime)
        } else {
            let a = stamps[0], b = stamps[1]
            switch a.kind {
            case .integer: axis = .integer(step: b.value - a.value)
            case .date, .dateTime:
                let md = b.monthIndex - a.monthIndex
                let sameTime = a.secondOfDay == b.secondOfDay
                if md >= 1 && sameTime && (a.day == b.day || (a.isMonthEnd && b.isMonthEnd)) {
                    axis = .months(step: md, monthEnd: a.isMonthEnd && b.isMonthEnd, withTime: a.kind == .dateTime)
                } else {
                    axis = .seconds(step: b.value - a.value, withTime: a.kind == .dateTime)
                }
            }
            if case .integer(let st) = axis, st <= 0 {
                throw SeriesFileError(file: file, line: rows[1].line, column: 1, message: "periods must increase (step \(st) from the first row)")
            }
            if case .seconds(let st, _) = axis, st <= 0 {
                throw SeriesFileError(file: file, line: rows[1].line, column: 1, message: "dates must increase (the second row is not after the first)")
            }
        }
        // Check regularity, filling whole skipped steps with NaN.
        var outStamps = [stamps[0].value], outValues = [values[0]]
        var gaps = 0
        for i in 1..<stamps.count {
            let prev = outStamps.last!
            var expected = advance(prev, by: 1, axis: axis)
            let actual = stamps[i].value
            var skipped = 0
            while expected < actual && skipped <= SeriesFile.maxGap {
                skipped += 1
                outStamps.append(expected); outValues.append(.nan)
                expected = advance(expected, by: 1, axis: axis)
            }
            guard expected == actual else {
                if skipped > 0 { outStamps.removeLast(skipped); outValues.removeLast(skipped) }
                throw SeriesFileError(file: file, line: rows[i].line, column: 1,
                                      message: actual <= prev
                                        ? "`\(rows[i].date)` is not after the previous row"
                                        : skipped > SeriesFile.maxGap
                                        ? "`\(rows[i].date)` is more than \(SeriesFile.maxGap) periods (\(describe(axis)) each) after the previous row: too long a gap to fill"
                                        : "irregular step: `\(rows[i].date)` is not a whole number of steps (\(describe(axis))) after the previous row")
            }
            gaps += skipped
            outStamps.append(actual); outValues.append(values[i])
        }
        return SeriesFile(axis: axis, stamps: outStamps, values: outValues, filledGaps: gaps)
    }

    /// `s` with control characters shown as `\u{…}` escapes (a NUL would cut a terminal line).
    static func printable(_ s: Substring) -> String {
        var out = ""
        for u in s.unicodeScalars { if u.value < 32 || u.value == 127 { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) } }
        return out
    }

    /// Largest |integer period| read as a stamp (larger ones are not dates of this file).
    public static let maxIntegerPeriod = 1_000_000_000_000
    /// Longest run of missing periods between two rows that is filled with missing values.
    public static let maxGap = 100_000
    /// Longest forecast horizon, in periods.
    public static let maxHorizon = 100_000

    /// The `count` period stamps after the last row, formatted like the input.
    public func futureLabels(_ count: Int) -> [String] {
        guard let last = stamps.last else { return [] }
        return (1...max(count, 1)).prefix(count).map { format(advance(last, by: $0, axis: axis), axis: axis) }
    }

    // MARK: - Rendering

    /// CSV `date,forecast,p10,p90` (with a leading `series` column when `series` is given).
    public static func renderCSV(_ f: SeriesForecast, labels: [String], series: String? = nil, header: Bool = true) -> String {
        var out = header ? (series == nil ? "" : "series,") + "date,forecast,p10,p90\n" : ""
        let p10 = f.quantile(0.1) ?? f.forecast, p90 = f.quantile(0.9) ?? f.forecast
        for k in f.forecast.indices {
            if let series { out += series + "," }
            out += "\(labels[k]),\(num(f.forecast[k])),\(num(p10[k])),\(num(p90[k]))\n"
        }
        return out
    }

    /// One JSON object: method, dates, forecast, one array per quantile level (`p10`, `p50`,
    /// `p90`, …), accuracy when backtested, warnings.
    public static func renderJSON(_ f: SeriesForecast, labels: [String], file: String? = nil) -> String {
        var parts: [String] = []
        if let file { parts.append("\"file\":\(jsonString(file))") }
        parts.append("\"method\":\(jsonString(f.method))")
        parts.append("\"dates\":[" + labels.map(jsonString).joined(separator: ",") + "]")
        parts.append("\"forecast\":[" + f.forecast.map(num).joined(separator: ",") + "]")
        for (i, p) in f.quantileLevels.enumerated() {
            let name = "p" + trimNumber(p * 100)
            parts.append("\"\(name)\":[" + f.quantileForecasts[i].map(num).joined(separator: ",") + "]")
        }
        if let a = f.accuracy {
            parts.append("\"accuracy\":{\"mase\":\(num(a.mase)),\"smape\":\(num(a.smape)),\"bias\":\(num(a.bias)),\"origins\":\(a.origins),\"points\":\(a.points)}")
        }
        parts.append("\"warnings\":[" + f.warnings.map(jsonString).joined(separator: ",") + "]")
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func num(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 1e6).rounded() / 1e6
        return r == 0 ? "0" : trimNumber(r)
    }
    static func trimNumber(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
    static func jsonString(_ s: String) -> String { jsonQuoted(s) }

    // MARK: - Dates

    enum StampKind: Equatable { case integer, date, dateTime }
    struct Stamp {
        var kind: StampKind
        var value: Int  // integer period or seconds since epoch
        var year = 0, month = 0, day = 0, secondOfDay = 0
        var monthIndex: Int { year * 12 + (month - 1) }
        var isMonthEnd: Bool { day == daysInMonth(year, month) }
    }

    static func trim(_ s: Substring) -> Substring {
        var s = s
        while let c = s.first, c == " " || c == "\t" || c == "\"" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\"" { s = s.dropLast() }
        return s
    }

    static func parseStamp(_ s: Substring) -> Stamp? {
        // Integer periods within ±10¹² so that any step times any horizon stays inside Int.
        if let i = Int(s) { return i.magnitude <= UInt(SeriesFile.maxIntegerPeriod) ? Stamp(kind: .integer, value: i) : nil }
        let u = Array(s.utf8)
        func digits(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for i in a..<(a + n) { guard u[i] >= 48 && u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard u.count == 10 || u.count == 19, u[4] == 45, u[7] == 45,
              let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo) else { return nil }
        var sec = 0, kind = StampKind.date
        if u.count == 19 {
            guard u[10] == 32 || u[10] == 84, u[13] == 58, u[16] == 58,
                  let hh = digits(11, 2), let mi = digits(14, 2), let ss = digits(17, 2),
                  hh < 24, mi < 60, ss < 60 else { return nil }
            sec = hh * 3600 + mi * 60 + ss; kind = .dateTime
        }
        return Stamp(kind: kind, value: daysFromCivil(y, mo, d) * 86_400 + sec,
                     year: y, month: mo, day: d, secondOfDay: sec)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }
    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    func advance(_ v: Int, by k: Int, axis: PeriodAxis) -> Int { Self.advance(v, by: k, axis: axis) }
    static func advance(_ v: Int, by k: Int, axis: PeriodAxis) -> Int {
        switch axis {
        case .integer(let st): return v + k * st
        case .seconds(let st, _): return v + k * st
        case .months(let st, let monthEnd, _):
            let days = v >= 0 ? v / 86_400 : (v - 86_399) / 86_400
            let sec = v - days * 86_400
            let (y, m, d) = civilFromDays(days)
            let mi = y * 12 + (m - 1) + k * st
            let ny = mi >= 0 ? mi / 12 : (mi - 11) / 12, nm = mi - ny * 12 + 1
            let nd = monthEnd ? daysInMonth(ny, nm) : min(d, daysInMonth(ny, nm))
            return daysFromCivil(ny, nm, nd) * 86_400 + sec
        }
    }
    func format(_ v: Int, axis: PeriodAxis) -> String {
        let withTime: Bool
        switch axis {
        case .integer: return String(v)
        case .seconds(_, let t): withTime = t
        case .months(_, _, let t): withTime = t
        }
        let days = v >= 0 ? v / 86_400 : (v - 86_399) / 86_400
        let sec = v - days * 86_400
        let (y, m, d) = Self.civilFromDays(days)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        // Four-digit years, as the input's yyyy-MM-dd (year 999 → 0999).
        let year = y >= 0 && y < 1000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        var s = "\(year)-\(two(m))-\(two(d))"
        if withTime { s += " \(two(sec / 3600)):\(two(sec % 3600 / 60)):\(two(sec % 60))" }
        return s
    }
    static func describe(_ axis: PeriodAxis) -> String {
        switch axis {
        case .integer(let s): "\(s) period(s)"
        case .seconds(let s, _): s % 86_400 == 0 ? "\(s / 86_400) day(s)" : "\(s) second(s)"
        case .months(let s, let e, _): "\(s) month(s)" + (e ? ", month ends" : "")
        }
    }
}

extension HolidayCalendar {
    /// Reads `holidays.csv` (`date,name`, header optional, dates `yyyy-MM-dd`): days since
    /// 1970-01-01, and one group per distinct name (numbered in order of first appearance;
    /// `names[g]` is group g's name).
    ///
    /// - Throws: `SeriesFileError` at the first bad line.
    public static func parseCSV(_ text: String, file: String) throws -> (calendar: HolidayCalendar, names: [String]) {
        var days: [Int] = [], groups: [Int] = [], names: [String] = [], ids: [String: Int] = [:]
        var lineNo = 0
        for line in text.split(omittingEmptySubsequences: false,
                               whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNo += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let d = SeriesFile.trim(fields[0])
            guard let stamp = SeriesFile.parseStamp(d), stamp.kind == .date else {
                if days.isEmpty && lineNo == 1 { continue }  // header
                throw SeriesFileError(file: file, line: lineNo, column: 1, message: "cannot read holiday date `\(d)` (expected yyyy-MM-dd)")
            }
            let name = fields.count > 1 ? String(SeriesFile.trim(fields[1])) : ""
            let g: Int
            if let id = ids[name] { g = id } else { g = names.count; ids[name] = g; names.append(name) }
            days.append(stamp.value / 86_400); groups.append(g)
        }
        return (HolidayCalendar(days: days, groups: groups), names)
    }
}

extension SeriesFile {
    /// Holiday days as indices from the first row, for daily (or multi-day step) series; nil
    /// for other steps, where day-level holidays do not apply.
    public func holidayIndices(_ calendar: HolidayCalendar) -> HolidayCalendar? {
        guard case .seconds(let step, _) = axis, step % 86_400 == 0, let first = stamps.first else { return nil }
        let stepDays = step / 86_400, firstDay = first >= 0 ? first / 86_400 : (first - 86_399) / 86_400
        var days: [Int] = [], groups: [Int] = []
        for (i, d) in calendar.days.enumerated() where (d - firstDay) % stepDays == 0 {
            days.append((d - firstDay) / stepDays)
            if !calendar.groups.isEmpty { groups.append(calendar.groups[i]) }
        }
        return HolidayCalendar(days: days, groups: groups)
    }
}
