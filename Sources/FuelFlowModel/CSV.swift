// A fast byte-level CSV reader (RFC 4180) that knows where every field came from.

import Foundation

/// One record of a CSV file: its fields (unescaped) and where each field started.
///
/// Fields live in one reusable byte buffer; reading a record allocates nothing once the
/// buffers have grown. Lines and columns are 1-based; columns count Unicode scalars
/// (UTF-8 continuation bytes are not counted), not bytes.
public struct CSVRecord: Sendable {
    /// Line on which the record starts.
    public internal(set) var line: Int = 0
    @usableFromInline var buffer: [UInt8] = []
    @usableFromInline var starts: [Int] = []
    @usableFromInline var ends: [Int] = []
    @usableFromInline var lines: [Int] = []
    @usableFromInline var columns: [Int] = []
    /// A syntax problem found in this record (unterminated quote, text after a closing quote).
    public internal(set) var syntaxError: (line: Int, column: Int, message: String)? = nil

    public init() {}

    /// Number of fields.
    @inlinable public var count: Int { starts.count }

    /// Line on which field `i` starts.
    @inlinable public func line(of i: Int) -> Int { lines[i] }
    /// Column at which field `i` starts (the opening quote for quoted fields).
    @inlinable public func column(of i: Int) -> Int { columns[i] }

    /// Whether field `i` is empty (after unescaping). Out-of-range fields are empty.
    @inlinable public func isEmpty(_ i: Int) -> Bool { i >= count || starts[i] == ends[i] }

    /// Runs `body` over the bytes of field `i`.
    @inlinable public func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { all in
            if i >= count { return try body(UnsafeRawBufferPointer(rebasing: all[0..<0])) }
            return try body(UnsafeRawBufferPointer(rebasing: all[starts[i]..<ends[i]]))
        }
    }

    /// Field `i` as a String; invalid UTF-8 is replaced by U+FFFD (see `isValidUTF8`).
    public func string(_ i: Int) -> String {
        withBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether field `i` is valid UTF-8.
    public func isValidUTF8(_ i: Int) -> Bool {
        withBytes(i) { b in
            var ascii = true
            for c in b where c >= 0x80 { ascii = false; break }
            if ascii { return true }
            return String(validating: b, as: UTF8.self) != nil
        }
    }

    /// All fields as strings (convenient for headers and tests).
    public var strings: [String] { (0..<count).map { string($0) } }

    mutating func reset(line: Int) {
        self.line = line
        buffer.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        syntaxError = nil
    }
}

/// Streaming RFC 4180 reader over a byte buffer.
///
/// Accepts a UTF-8 byte-order mark, LF / CRLF / CR line ends, quoted fields with `""`
/// escapes, commas and line breaks inside quotes, and any number of blank lines (skipped,
/// including the trailing one). Never traps, whatever the bytes.
///
/// ```swift
/// try CSVReader.forEachRecord(inFile: "nodes.csv") { rec in
///     print(rec.line, rec.strings)
///     return true   // keep going
/// }
/// ```
/// - Complexity: O(n) in the file size; one pass, no per-field allocation.
public struct CSVReader {
    let base: UnsafeRawBufferPointer
    var pos: Int
    var line: Int = 1
    var col: Int = 1

    /// Reader over `bytes`, which must stay valid while reading. A leading BOM is skipped.
    public init(bytes: UnsafeRawBufferPointer) {
        base = bytes
        pos = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { pos = 3 }
    }

    /// Reads the next non-blank record into `rec`; returns false at the end of input.
    public mutating func next(into rec: inout CSVRecord) -> Bool {
        let n = base.count
        while true {
            if pos >= n { return false }
            // Skip blank lines.
            let c = base[pos]
            if c == 10 { pos += 1; line += 1; col = 1; continue }
            if c == 13 {
                pos += 1
                if pos < n && base[pos] == 10 { pos += 1 }
                line += 1; col = 1; continue
            }
            break
        }
        rec.reset(line: line)
        while true {
            // One field.
            rec.starts.append(rec.buffer.count)
            rec.lines.append(line)
            rec.columns.append(col)
            if pos < n && base[pos] == 34 {  // quoted
                pos += 1; col += 1
                var closed = false
                while pos < n {
                    let c = base[pos]
                    if c == 34 {
                        if pos + 1 < n && base[pos + 1] == 34 {
                            rec.buffer.append(34); pos += 2; col += 2
                        } else {
                            pos += 1; col += 1; closed = true; break
                        }
                    } else if c == 10 {
                        rec.buffer.append(c); pos += 1; line += 1; col = 1
                    } else if c == 13 {
                        rec.buffer.append(c); pos += 1
                        if pos < n && base[pos] == 10 { rec.buffer.append(10); pos += 1 }
                        line += 1; col = 1
                    } else {
                        rec.buffer.append(c); pos += 1
                        if c & 0xC0 != 0x80 { col += 1 }
                    }
                }
                if !closed {
                    if rec.syntaxError == nil {
                        rec.syntaxError = (rec.lines.last!, rec.columns.last!, "unterminated quoted field")
                    }
                } else {
                    // Anything between the closing quote and the delimiter is an error (kept as text).
                    while pos < n {
                        let c = base[pos]
                        if c == 44 || c == 10 || c == 13 { break }
                        if rec.syntaxError == nil {
                            rec.syntaxError = (line, col, "unexpected character after closing quote")
                        }
                        rec.buffer.append(c); pos += 1
                        if c & 0xC0 != 0x80 { col += 1 }
                    }
                }
            } else {
                let s = pos
                var ascii = true
                while pos < n {
                    let c = base[pos]
                    if c == 44 || c == 10 || c == 13 { break }
                    if c >= 0x80 { ascii = false }
                    pos += 1
                }
                if pos > s {
                    rec.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: base[s..<pos]))
                    if ascii { col += pos - s } else {
                        for i in s..<pos where base[i] & 0xC0 != 0x80 { col += 1 }
                    }
                }
            }
            rec.ends.append(rec.buffer.count)
            // Delimiter or end of record.
            if pos >= n { return true }
            let c = base[pos]
            if c == 44 { pos += 1; col += 1; continue }
            if c == 13 {
                pos += 1
                if pos < n && base[pos] == 10 { pos += 1 }
            } else {
                pos += 1
            }
            line += 1; col = 1
            return true
        }
    }

    /// Reads every record of `bytes`, calling `body` until it returns false.
    public static func forEachRecord(in bytes: UnsafeRawBufferPointer, _ body: (inout CSVRecord) throws -> Bool) rethrows {
        var reader = CSVReader(bytes: bytes)
        var rec = CSVRecord()
        while reader.next(into: &rec) {
            if try !body(&rec) { break }
        }
    }

    /// Reads every record of the file at `path` (memory-mapped).
    public static func forEachRecord(inFile path: String, _ body: (inout CSVRecord) throws -> Bool) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        try data.withUnsafeBytes { try forEachRecord(in: $0, body) }
    }

    /// Parses a whole CSV text into rows of strings (for small files and tests).
    public static func parse(_ text: String) -> [[String]] {
        var bytes = Array(text.utf8)
        var rows: [[String]] = []
        bytes.withUnsafeMutableBytes { b in
            forEachRecord(in: UnsafeRawBufferPointer(b)) { rec in rows.append(rec.strings); return true }
        }
        return rows
    }
}

/// Strict number parsing from bytes: decimal notation with optional sign, fraction and
/// exponent. Rejects `nan`, `inf`, hex, spaces, thousands separators and empty text.
public enum NumberParser {
    static let pow10: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// Parses a finite Double, correctly rounded; nil when the text is not a plain decimal number
    /// or overflows.
    public static func double(_ b: UnsafeRawBufferPointer) -> Double? {
        let n = b.count
        if n == 0 || n > 64 { return nil }
        var i = 0
        var negative = false
        if b[0] == 45 || b[0] == 43 { negative = b[0] == 45; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated
        var intDigits = 0
        var fracDigits = 0
        var dropped = false     // nonzero digits beyond 19
        var scale = 0           // decimal exponent adjustment
        while i < n, b[i] >= 48, b[i] <= 57 {
            let d = UInt64(b[i] - 48)
            if digits < 19 { if mantissa != 0 || d != 0 { digits += 1 }; mantissa = mantissa * 10 + d }
            else { scale += 1; if d != 0 { dropped = true } }
            intDigits += 1; i += 1
        }
        if i < n && b[i] == 46 {
            i += 1
            while i < n, b[i] >= 48, b[i] <= 57 {
                let d = UInt64(b[i] - 48)
                if digits < 19 { if mantissa != 0 || d != 0 { digits += 1 }; mantissa = mantissa * 10 + d; scale -= 1 }
                else if d != 0 { dropped = true }
                fracDigits += 1; i += 1
            }
        }
        if intDigits + fracDigits == 0 { return nil }
        var exp = 0
        if i < n && (b[i] == 101 || b[i] == 69) {
            i += 1
            var eneg = false
            if i < n && (b[i] == 45 || b[i] == 43) { eneg = b[i] == 45; i += 1 }
            var ed = 0
            while i < n, b[i] >= 48, b[i] <= 57 {
                if exp < 100000 { exp = exp * 10 + Int(b[i] - 48) }
                ed += 1; i += 1
            }
            if ed == 0 { return nil }
            if eneg { exp = -exp }
        }
        if i != n { return nil }
        let e10 = exp + scale
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if !dropped && mantissa <= (1 << 53) && e10 >= -22 && e10 <= 22 {
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            value = Double(mantissa)
            value = e10 < 0 ? value / pow10[-e10] : value * pow10[e10]
        } else {
            let s = String(decoding: b, as: UTF8.self)
            guard let v = Double(s) else { return nil }
            value = abs(v)
        }
        if !value.isFinite { return nil }
        return negative ? -value : value
    }

    /// Parses a decimal integer (optional sign); nil on anything else or overflow.
    public static func int(_ b: UnsafeRawBufferPointer) -> Int? {
        let n = b.count
        if n == 0 || n > 19 { return nil }
        var i = 0
        var negative = false
        if b[0] == 45 || b[0] == 43 { negative = b[0] == 45; i = 1 }
        if i == n { return nil }
        var v = 0
        while i < n {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
            i += 1
        }
        return negative ? -v : v
    }

    static func fixed(_ k: Int64, decimals: Int) -> String {
        var m = k.magnitude
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var d = 0
        while m > 0 || d <= decimals {
            digits.append(UInt8(48 + m % 10)); m /= 10; d += 1
            if d == decimals { digits.append(46) }
        }
        if k < 0 { digits.append(45) }
        // Trim trailing zeros of the fraction (they are at the front of the reversed buffer).
        var start = 0
        while digits[start] == 48 { start += 1 }
        if digits[start] == 46 { start += 1 }
        return String(decoding: digits[start...].reversed(), as: UTF8.self)
    }

    public static func double(_ s: String) -> Double? {
        var s = s
        return s.withUTF8 { double(UnsafeRawBufferPointer($0)) }
    }

    /// Formats a number so that `double(format(x)) == x`: Swift's shortest round-trip digits,
    /// without a trailing `.0` and without exponent notation for typical magnitudes.
    public static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        // Fast path: up to 6 decimals, printed by hand. The text denotes k / 10^j exactly, and
        // both parsing it and computing k / s are correctly rounded, so it reads back as x.
        if abs(x) < 1e9 {
            var s = 10.0
            for j in 1...6 {
                let k = (x * s).rounded()
                if k / s == x { return fixed(Int64(k), decimals: j) }
                s *= 10
            }
        }
        let d = x.description
        guard let eIdx = d.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return d }
        // Expand exponent notation when it stays short (e.g. 1e-05 -> 0.00001).
        let mant = String(d[..<eIdx])
        guard let exp = Int(d[d.index(after: eIdx)...]), exp >= -12, exp <= 20 else { return d }
        var neg = false
        var m = mant
        if m.hasPrefix("-") { neg = true; m.removeFirst() }
        let parts = m.split(separator: ".", omittingEmptySubsequences: false)
        let ip = String(parts[0])
        var fp = parts.count > 1 ? String(parts[1]) : ""
        if fp == "0" { fp = "" }
        var digits = ip + fp
        var pointPos = ip.count + exp
        var out: String
        if pointPos <= 0 {
            out = "0." + String(repeating: "0", count: -pointPos) + digits
        } else if pointPos >= digits.count {
            digits += String(repeating: "0", count: pointPos - digits.count)
            out = digits
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: pointPos)
            out = String(digits[..<idx]) + "." + String(digits[idx...])
        }
        pointPos = 0
        if neg { out = "-" + out }
        return double(out) == x ? out : d
    }
}
