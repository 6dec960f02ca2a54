import XCTest
import Foundation

/// Runs the built `fuelflow` binary (skipped when it is not next to the test bundle).
final class ForecastSeriesCLITests: XCTestCase {
    var binary: URL {
        // .build/<config>/ holds both the test bundle and the executable.
        Bundle.main.bundleURL.appendingPathComponent("fuelflow")
    }

    func run(_ args: [String]) throws -> (Int32, String, String) {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no fuelflow binary at \(binary.path)") }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func write(_ text: String, _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ff-cli-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testForecastAndErrors() throws {
        let good = try write("date,value\n" + (0..<60).map { "2024-01-\(String(format: "%02d", $0 % 31 + 1)),\($0)" }.prefix(31).joined(separator: "\n") + "\n", "good.csv")
        let (rc, out, _) = try run(["forecast-series", good, "--horizon", "3", "--season", "7"])
        XCTAssertEqual(rc, 0)
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.first, "date,forecast,p10,p90")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[1].hasPrefix("2024-02-01,"))

        let (rj, json, _) = try run(["forecast-series", good, "--horizon", "2", "--json", "--backtest", "2"])
        XCTAssertEqual(rj, 0)
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertNotNil(obj["method"] as? String)
        XCTAssertEqual((obj["forecast"] as? [Double])?.count, 2)
        XCTAssertNotNil(obj["accuracy"])

        let bad = try write("date,value\n2024-01-01,5\n2024-01-02,oops\n", "bad.csv")
        let (rb, _, err) = try run(["forecast-series", bad, "--horizon", "3"])
        XCTAssertEqual(rb, 1)
        XCTAssertEqual(err.trimmingCharacters(in: .whitespacesAndNewlines), "\(bad):3:12: cannot read value `oops` as a number below 10^15 in magnitude")

        let irregular = try write("date,value\n2024-01-01,5\n2024-01-02,6\n2024-01-02 06:00:00,7\n", "irr.csv")
        let (ri, _, erri) = try run(["forecast-series", irregular, "--horizon", "3"])
        XCTAssertEqual(ri, 1)
        XCTAssertTrue(erri.hasPrefix("\(irregular):4:1: "), erri)
    }
}
