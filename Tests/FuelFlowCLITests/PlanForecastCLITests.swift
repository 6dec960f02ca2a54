import Foundation
import XCTest

/// Closing the loop: `fuelflow plan DIR --demand forecast` plans against the station forecasts.
final class PlanForecastCLITests: XCTestCase {
    func plan(quantile: String) throws -> (json: [String: Any], out: URL) {
        let out = try temporaryDirectory().appendingPathComponent("plan")
        let example = CLI.packageRoot.appendingPathComponent("data/example").path
        let r = try CLI.run(["plan", example, "--out", out.path, "--demand", "forecast",
                             "--demand-quantile", quantile, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let data = try Data(contentsOf: out.appendingPathComponent("plan.json"))
        return (try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]), out)
    }

    func testCautiousQuantileCostsMoreAndRefiningPlanFollowsForecast() throws {
        let p50 = try plan(quantile: "0.5"), p90 = try plan(quantile: "0.9")
        for p in [p50, p90] {
            XCTAssertEqual(p.json["status"] as? String, "optimal")
            let notes = (p.json["solver"] as? [String: Any])?["notes"] as? [String]
            XCTAssertTrue(notes?.first?.hasPrefix("demand: forecast from sales_history.csv") ?? false, "\(notes ?? [])")
        }
        let c50 = try XCTUnwrap(p50.json["total_cost"] as? Double), c90 = try XCTUnwrap(p90.json["total_cost"] as? Double)
        XCTAssertGreaterThan(c90, c50, "planning for the p90 demand must cost more than for the median")

        // The refining plan: production.csv rows summed ≥ the delivered station volume is not
        // required (stock and shortfalls exist), but a higher quantile must not make less fuel.
        func produced(_ out: URL) throws -> Double {
            try String(contentsOf: out.appendingPathComponent("production.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().reduce(0) { $0 + Double($1.split(separator: ",")[3])! }
        }
        XCTAssertGreaterThan(try produced(p90.out), try produced(p50.out))
    }

    func testBadQuantileIsAUsageError() throws {
        let r = try CLI.run(["plan", "data/example", "--out", "/tmp/x", "--demand", "forecast", "--demand-quantile", "1.5"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--demand-quantile"), r.stderr)
    }
}
