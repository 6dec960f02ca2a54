import Foundation
import XCTest

/// `fuelflow forecast DIR --out OUT` end to end on the example network.
final class ForecastCLITests: XCTestCase {
    func testForecastWritesForecastsAccuracyAndRollup() throws {
        let out = try temporaryDirectory().appendingPathComponent("forecast")
        let example = CLI.packageRoot.appendingPathComponent("data/example").path
        let r = try CLI.run(["forecast", example, "--out", out.path, "--backtest", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "", "--quiet prints nothing on stderr")
        XCTAssertTrue(r.stdout.contains("backtest MASE"), r.stdout)

        func rows(_ name: String) throws -> [[Substring]] {
            try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        }
        let forecasts = try rows("forecasts.csv")
        XCTAssertEqual(forecasts[0].joined(separator: ","), "station,product,date,volume_m3,p10,p50,p90,method")
        // 150 stations × 3 products × 14 days (a method name with commas is quoted: count fields before it).
        XCTAssertEqual(forecasts.count - 1, 150 * 3 * 14)
        var stationTotal: [String: Double] = [:]  // product/date → Σ stations
        for row in forecasts.dropFirst() {
            let p10 = Double(row[4])!, p50 = Double(row[5])!, p90 = Double(row[6])!
            XCTAssertLessThanOrEqual(p10, p50); XCTAssertLessThanOrEqual(p50, p90)
            stationTotal["\(row[1])/\(row[2])", default: 0] += Double(row[3])!
        }
        XCTAssertEqual(forecasts[1][2], "2026-03-02")

        // Refineries together carry every station's forecast (all example stations reach one),
        // up to the 3-decimal rounding of the files.
        var refineryTotal: [String: Double] = [:]
        let rollup = try rows("rollup.csv")
        XCTAssertEqual(rollup[0].joined(separator: ","), "node,kind,product,date,volume_m3")
        for row in rollup.dropFirst() where row[1] == "refinery" {
            refineryTotal["\(row[2])/\(row[3])", default: 0] += Double(row[4])!
        }
        XCTAssertEqual(Set(refineryTotal.keys), Set(stationTotal.keys))
        for (k, v) in stationTotal { XCTAssertEqual(refineryTotal[k]!, v, accuracy: 0.0005 * 450, k) }
        XCTAssertTrue(rollup.contains { $0[1] == "depot" })
        XCTAssertTrue(rollup.contains { $0[1] == "terminal" })

        let accuracy = try rows("accuracy.csv")
        XCTAssertEqual(accuracy[0].joined(separator: ","), "station,product,method,mase,smape,bias,origins")
        XCTAssertEqual(accuracy.count - 1, 450)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("forecast.json"))) as? [String: Any]
        XCTAssertEqual(summary?["series"] as? Int, 450)
    }

    func testInvalidNetworkExitsOne() throws {
        let dir = try temporaryDirectory()
        try "start: 2026-13-40\ndays: 3\n".write(to: dir.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["forecast", dir.path, "--out", dir.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("settings.yaml:1:"), r.stderr)
    }
}
