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
            from,to,mode,product,depart_date,arrive_date,volume_m3,cost,lane
            R,S,truck,g92,2026-03-02,2026-03-02,7,14,R>S/truck
            R,S,truck,g92,2026-03-03,2026-03-03,8,16,R>S/truck

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
        XCTAssertEqual(PlanWriter.flowsCSV(plan), "from,to,mode,product,depart_date,arrive_date,volume_m3,cost,lane\nR,S,truck,g92,2026-03-03,2026-03-03,1e-06,1e-06,R>S/truck\n")
        XCTAssertEqual(PlanWriter.shortfallsCSV(plan), "station,product,date,volume_m3\n")
        XCTAssertFalse(PlanWriter.productionCSV(plan).contains("2026-03-02"))
    }

    /// Two truck lanes R→S (the validator warns; the plan must still tell them apart): the dear
    /// first one (cost 3, capacity 5) carries 4 m³ of the 14 demanded, the cheap second one
    /// (cost 1, capacity 10) is full. flows.csv names each lane; bottlenecks.csv lists the
    /// cheap one as R>S/truck#2 with shadow price 3 − 1 = 2 (the marginal m³ comes by the dear
    /// lane: π_S = 10 + 3 = 13, unique since the dear lane has room).
    func testDuplicateLanesHaveTheirOwnNames() throws {
        var n = TinyNet(days: 1)
        let p = n.product("g92", shortage: 100)
        let r = n.node("R", .refinery), s = n.node("S", .station)
        n.lane(r, s, cost: 3, capacity: 5)
        n.lane(r, s, cost: 1, capacity: 10)
        n.produce(r, p, max: 100, cost: 10)
        n.demand(s, p, day: 1, 14)
        XCTAssertEqual(n.network.laneIDs(), ["R>S/truck", "R>S/truck#2"])
        for method in [PlanMethod.lp, .auto, .mincost] {
            let plan = try Planner.plan(n.network, options: PlanOptions(method: method))
            XCTAssertEqual(plan.objective, 162, accuracy: 1e-9)  // 4·3 + 10·1 + 14·10
            XCTAssertEqual(PlanWriter.flowsCSV(plan), """
                from,to,mode,product,depart_date,arrive_date,volume_m3,cost,lane
                R,S,truck,g92,2026-03-02,2026-03-02,4,12,R>S/truck
                R,S,truck,g92,2026-03-02,2026-03-02,10,10,R>S/truck#2

                """, "\(method)")
            XCTAssertEqual(plan.bottlenecks.map { "\($0.kind) \($0.id) \($0.used) \($0.shadowPrice ?? -1)" },
                           ["lane R>S/truck#2 10.0 2.0"], "\(method)")
        }
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
