import Foundation
import FuelFlowModel
@testable import Planner
import XCTest

final class WriterTests: XCTestCase {
    func tiny() -> Network {
        var n = TinyNet(days: 2)
        let p = n.product("g92", shortage: 100)
        let r = n.node("R", .refinery), s = n.node("S", .station)
        n.lane(r, s, cost: 2, capacity: 10)
        n.produce(r, p, max: 100, cost: 10)
        n.tank(s, p, capacity: 50, initial: 5, holding: 0.5)
        n.demand(s, p, day: 1, 12); n.demand(s, p, day: 2, 8)
        return n.network
    }

    /// Writing never deletes a user's file: into a folder holding other files the plan files are
    /// moved in one by one; a folder holding only a previous plan is swapped whole. Nothing is
    /// left beside the folder either way.
    func testAtomicReplaceAndFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ff-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: out.appendingPathComponent("stale.txt"))
        let plan = try Planner.plan(tiny(), options: PlanOptions(method: .mincost))
        try PlanWriter.write(plan, to: out.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
                       (PlanWriter.files + ["stale.txt"]).sorted())
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("stale.txt"), encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["plan"])
        try FileManager.default.removeItem(at: out.appendingPathComponent("stale.txt"))
        try PlanWriter.write(plan, to: out.path)  // only a previous plan inside: swapped whole
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), PlanWriter.files.sorted())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["plan"])
        // Day 1: 5 in stock + 7 shipped = 12; day 2: ship 8. Holding stock would only cost
        // 0.5/m³·day, so nothing is kept; the capacity of 10 does not bind.
        let flows = try String(contentsOf: out.appendingPathComponent("flows.csv"), encoding: .utf8)
        XCTAssertEqual(flows, """
            from,to,mode,product,depart_date,arrive_date,volume_m3,cost
            R,S,truck,g92,2026-03-02,2026-03-02,7,14
            R,S,truck,g92,2026-03-03,2026-03-03,8,16

            """)
        let inv = try String(contentsOf: out.appendingPathComponent("inventory.csv"), encoding: .utf8)
        XCTAssertEqual(inv, "node,product,date,volume_m3\n")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        // 15 m³ · (10 + 2) = 180
        XCTAssertEqual(json["total_cost"] as? Double, 180)
        XCTAssertEqual((json["solver"] as! [String: Any])["route"] as? String, "mincost")
    }

    /// Rows of zero volume are left out, including volumes that print as 0 at the CSVs' six
    /// decimals (a solver's 4·10⁻⁷ left "…,0,0" rows in flows.csv and shortfalls.csv).
    func testRowsBelowThePrintedPrecisionAreLeftOut() throws {
        var plan = try Planner.plan(tiny(), options: PlanOptions(method: .mincost))
        let m = plan.model
        let lane1 = m.laneColumn(lane: 0, product: 0, day: 1)!, lane2 = m.laneColumn(lane: 0, product: 0, day: 2)!
        plan.columnValues[lane1] = 4e-7
        plan.columnValues[lane2] = 6e-7
        plan.columnValues[m.shortfallBase] = 3e-7
        plan.columnValues[m.productionBase] = 4.9e-7
        XCTAssertEqual(PlanWriter.flowsCSV(plan), "from,to,mode,product,depart_date,arrive_date,volume_m3,cost\nR,S,truck,g92,2026-03-03,2026-03-03,1e-06,1e-06\n")
        XCTAssertEqual(PlanWriter.shortfallsCSV(plan), "station,product,date,volume_m3\n")
        XCTAssertFalse(PlanWriter.productionCSV(plan).contains("2026-03-02"))
    }

    func testInfeasiblePlanJSON() throws {
        var n = TinyNet(days: 1)
        let p = n.product("g92")
        let r = n.node("R", .refinery)
        n.produce(r, p, min: 5, max: 10, cost: 1)
        let plan = try Planner.plan(n.network, options: PlanOptions(method: .auto))
        XCTAssertEqual(plan.status, .infeasible)
        let json = try JSONSerialization.jsonObject(with: Data(PlanWriter.json(plan).utf8)) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "infeasible")
        XCTAssertTrue(json["total_cost"] is NSNull)
        let lines = json["infeasibility"] as! [String]
        XCTAssertTrue(lines.joined().contains("R (refinery), g92, 2026-03-02: 5 m³ have nowhere to go"), "\(lines)")
    }
}
