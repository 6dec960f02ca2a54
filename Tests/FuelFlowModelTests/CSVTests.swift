import Foundation
import XCTest
@testable import FuelFlowModel

final class CSVTests: XCTestCase {
    func records(_ bytes: [UInt8]) -> [(Int, [String], [Int])] {
        var out: [(Int, [String], [Int])] = []
        bytes.withUnsafeBytes { b in
            CSVReader.forEachRecord(in: b) { rec in
                out.append((rec.line, rec.strings, (0..<rec.count).map { rec.column(of: $0) })); return true
            }
        }
        return out
    }
    func records(_ s: String) -> [(Int, [String], [Int])] { records(Array(s.utf8)) }

    func testPlain() {
        let r = records("a,b,c\n1,2,3\n")
        XCTAssertEqual(r.map(\.1), [["a", "b", "c"], ["1", "2", "3"]])
        XCTAssertEqual(r.map(\.0), [1, 2])
        XCTAssertEqual(r[1].2, [1, 3, 5])
    }

    func testBOMAndCRLF() {
        let r = records([0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n".utf8))
        XCTAssertEqual(r.map(\.1), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(r[0].2, [1, 3])
    }

    func testQuotedCommaQuoteAndNewline() {
        let r = records("id,name\n1,\"Smith, John\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\",\n4,x\n")
        XCTAssertEqual(r.map(\.1), [["id", "name"], ["1", "Smith, John"], ["2", "say \"hi\""], ["3", "two\nlines", ""], ["4", "x"]])
        XCTAssertEqual(r.map(\.0), [1, 2, 3, 4, 6])
    }

    func testTrailingEmptyLinesAndNoFinalNewline() {
        XCTAssertEqual(records("a,b\n1,2\n\n\n").map(\.1), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(records("a,b\n1,2").map(\.1), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(records("a,b\n\n1,2\n").map(\.0), [1, 3])
        XCTAssertEqual(records("a,\n").map(\.1), [["a", ""]])
    }

    func testEmptyAndHeaderOnly() {
        XCTAssertTrue(records("").isEmpty)
        XCTAssertTrue(records([0xEF, 0xBB, 0xBF]).isEmpty)
        XCTAssertEqual(records("a,b\n").map(\.1), [["a", "b"]])
    }

    func testColumnsCountScalarsNotBytes() {
        let r = records("zł,ó,x\n")
        XCTAssertEqual(r[0].2, [1, 4, 6])
    }

    func testSyntaxErrors() {
        "a,\"open\n".utf8.withContiguousStorageIfAvailable { b in
            CSVReader.forEachRecord(in: UnsafeRawBufferPointer(b)) { rec in
                XCTAssertEqual(rec.syntaxError?.message, "unterminated quoted field"); return true
            }
        }
    }

    func testRandomBytesNeverTrap() {
        var g = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let n = g.int(300)
            let alphabet: [UInt8] = [34, 44, 10, 13, 65, 0xFF, 0xEF, 0xBB, 0xBF, 0]
            let bytes = (0..<n).map { _ in alphabet[g.int(alphabet.count)] }
            _ = records(bytes)
        }
    }

    func testNumberParser() {
        let ok: [(String, Double)] = [("0", 0), ("12", 12), ("-3.5", -3.5), ("+2", 2), ("1e3", 1000), ("0.1", 0.1),
                                      ("1.25E-2", 0.0125), (".5", 0.5), ("5.", 5), ("123456789012345678901234", 1.2345678901234568e23)]
        for (s, v) in ok { XCTAssertEqual(NumberParser.double(s), v, s) }
        for s in ["", "-", "nan", "NaN", "inf", "-inf", "Infinity", "1e", "1,5", "0x10", " 1", "1 ", "1e400", "--1", "1.2.3"] {
            XCTAssertNil(NumberParser.double(s), s)
        }
        XCTAssertEqual("42".utf8.withContiguousStorageIfAvailable { NumberParser.int(UnsafeRawBufferPointer($0)) }!, 42)
        XCTAssertNil("4.2".utf8.withContiguousStorageIfAvailable { NumberParser.int(UnsafeRawBufferPointer($0)) }!)
    }

    func testNumberFormatRoundTrips() {
        var g = SplitMix64(seed: 3)
        var samples: [Double] = [0.1, 0.2, 1e-5, 123.456, 12.3, 1e20, 5e-324, .greatestFiniteMagnitude, -0.001, 1.0 / 3, 2.5e-7, 1e15, 123456789.123]
        for _ in 0..<20000 {
            samples.append(Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF))
            samples.append((g.uniform() * 100_000).rounded() / 1000)
            samples.append(g.uniform(-1e6, 1e6))
        }
        for x in samples {
            let s = NumberParser.format(x)
            XCTAssertEqual(NumberParser.double(s), x, s)
        }
        XCTAssertEqual(NumberParser.format(12), "12")
        XCTAssertEqual(NumberParser.format(12.345), "12.345")
        XCTAssertEqual(NumberParser.format(0.00001), "0.00001")
        XCTAssertEqual(NumberParser.format(-0.5), "-0.5")
    }

    func testFlatYAML() {
        let (e, p) = FlatYAML.parse("---\n# c\nstart: '2026-01-01'\ndays: 14 # two weeks\ncurrency: \"EUR #1\"\n")
        XCTAssertEqual(e.map(\.key), ["start", "days", "currency"])
        XCTAssertEqual(e.map(\.value), ["2026-01-01", "14", "EUR #1"])
        XCTAssertTrue(p.isEmpty)
    }
}

final class DayTests: XCTestCase {
    func testParseFormatWeekday() {
        let d = Day(iso: "2026-03-02")!
        XCTAssertEqual(d.iso, "2026-03-02")
        XCTAssertEqual(d.weekday, 0)   // Monday
        XCTAssertEqual(Day(iso: "1970-01-01")!.raw, 0)
        XCTAssertEqual(Day(iso: "2024-02-29")!.advanced(by: 1).iso, "2024-03-01")
        XCTAssertNil(Day(iso: "2025-02-29"))
        XCTAssertNil(Day(iso: "2026-3-2"))
        XCTAssertNil(Day(iso: "2026-03-02T00"))
        for raw in stride(from: -719_000, to: 2_900_000, by: 997) {
            let x = Day(raw: Int32(raw))
            XCTAssertEqual(Day(iso: x.iso), x)
        }
        let cal = PlanningCalendar(start: d, days: 14)
        XCTAssertEqual(cal.index(of: d), 1)
        XCTAssertEqual(cal.index(of: d.advanced(by: 13)), 14)
        XCTAssertNil(cal.index(of: d.advanced(by: 14)))
        XCTAssertNil(cal.index(of: d.advanced(by: -1)))
        XCTAssertEqual(cal.day(at: 14).iso, "2026-03-15")
    }
}
