import Foundation
import XCTest

/// Runs the built `fuelflow` binary on the bundled example, as a user would.
final class PlanCLITests: XCTestCase {
    static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("fuelflow") }
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func run(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("fuelflow binary not built at \(Self.binary.path)")
        }
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let errBox = ErrBox()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); g.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        g.wait(); p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
    }

    func tmp() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("fuelflow-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// `plan data/example --mip --lots`: the lots heuristic on the province (route mip-lots),
    /// exit 3 with status feasible, its gap to the bound in plan.json, the hire in the cost
    /// breakdown, every minimum of the network's lanes respected in flows.csv; `--lots`
    /// without `--mip`, or with another method, is a usage error.
    func testLotsHeuristicOnTheExample() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan")
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", out.path, "--mip", "--lots", "--quiet"])
        XCTAssertEqual(r.status, 3, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "feasible")
        let solver = json["solver"] as! [String: Any]
        XCTAssertEqual(solver["route"] as? String, "mip-lots")
        let total = json["total_cost"] as! Double
        let bound = solver["lower_bound"] as! Double
        XCTAssertEqual(solver["mip_gap"] as! Double, (total - bound) / total, accuracy: 1e-6)
        let cb = json["cost_breakdown"] as! [String: Double]
        XCTAssertGreaterThan(cb["fixed_lane"] ?? 0, 0)
        XCTAssertEqual(cb.values.reduce(0, +), total, accuracy: 1e-6 * total)
        // Minimums per lane and departure day, from lanes.csv and flows.csv.
        var minimum: [String: Double] = [:]
        for line in try String(contentsOfFile: example + "/lanes.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if f.count > 8, let m = Double(f[8]) { minimum["\(f[0])>\(f[1])>\(f[2])"] = m }
        }
        XCTAssertEqual(minimum.count, 3)
        var shipped: [String: Double] = [:]
        for line in try String(contentsOf: out.appendingPathComponent("flows.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)   // from,to,mode,product,depart,arrive,volume,cost
            let lane = "\(f[0])>\(f[1])>\(f[2])"
            if minimum[lane] != nil { shipped[lane + "@" + f[4], default: 0] += Double(f[6])! }
        }
        XCTAssertFalse(shipped.isEmpty)
        for (key, v) in shipped {
            let m = minimum[String(key.split(separator: "@")[0])]!
            XCTAssertGreaterThanOrEqual(v, m - 1e-6, key)
        }
        XCTAssertEqual(try run(["plan", example, "--out", out.path, "--lots"]).status, 64)
        XCTAssertEqual(try run(["plan", example, "--out", out.path, "--mip", "--lots", "--method", "lp"]).status, 64)
    }

    /// `fuelflow plan data/example --out OUT --json --write-mps F` writes every file; the
    /// objective equals the one HiGHS 1.16 found on the exported MPS (1578139.924675).
    func testPlanExampleEndToEnd() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan"), mps = dir.appendingPathComponent("model.mps")
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", out.path, "--json", "--quiet", "--write-mps", mps.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["plan.json", "flows.csv", "production.csv", "inventory.csv", "shortfalls.csv", "marginal_costs.csv", "bottlenecks.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), f)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: mps.path))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "optimal")
        let total = json["total_cost"] as! Double
        XCTAssertEqual(total, 1578139.924675, accuracy: 1e-7 * total)
        let cb = json["cost_breakdown"] as! [String: Double]
        XCTAssertEqual(cb.values.reduce(0, +), total, accuracy: 1e-6 * total)
        XCTAssertNotNil(json["transport_by_mode"] as? [String: Double])
        let solver = json["solver"] as! [String: Any]
        XCTAssertEqual(solver["method"] as? String, "auto")
        XCTAssertNotNil(solver["variables"] as? Int)
        XCTAssertEqual(r.stdout, try String(contentsOf: out.appendingPathComponent("plan.json"), encoding: .utf8))
        let flows = try String(contentsOf: out.appendingPathComponent("flows.csv"), encoding: .utf8)
        XCTAssertTrue(flows.hasPrefix("from,to,mode,product,depart_date,arrive_date,volume_m3,cost,lane\n"))
        let mc = try String(contentsOf: out.appendingPathComponent("marginal_costs.csv"), encoding: .utf8)
        XCTAssertTrue(mc.hasPrefix("node,product,date,marginal_cost_per_m3\n"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".plan.tmp").path))
        // No temporary folders left beside OUT.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [])
    }

    func testBadInputExitsOne() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run(["plan", dir.path, "--out", dir.appendingPathComponent("o").path, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("settings.yaml"), r.stderr)
        let m = try run(["plan", dir.path, "--out", "x", "--method", "simplex"])
        XCTAssertNotEqual(m.status, 0)
    }

    /// `plan work --out work` replaced the network's production.csv with the plan's (QA found
    /// it): a network folder as OUT is refused before any work, and the network stays intact.
    func testNetworkFolderAsOutputIsRefused() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let work = dir.appendingPathComponent("work")
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("data/example"), to: work)
        let before = try Data(contentsOf: work.appendingPathComponent("production.csv"))
        let r = try run(["plan", work.path, "--out", work.path, "--quiet"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("is a network folder (it holds nodes.csv)"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent("production.csv")), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("plan.json").path))
    }

    func testMincostRefusesCoupledExample() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", dir.appendingPathComponent("o").path, "--method", "mincost", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("mincost cannot solve this model exactly"), r.stderr)
    }
}

private final class ErrBox: @unchecked Sendable { var data = Data() }

extension PlanCLITests {
    /// The decomposition route stopped by its round limit: exit 3, status time_limit, a feasible
    /// plan with its lower bound and relative gap in plan.json.
    func testDecompositionLimitExitsThree() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan")
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", out.path, "--quiet", "--decomposition-threshold", "0",
                         "--decomposition-rounds", "2"])
        XCTAssertEqual(r.status, 3, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "time_limit")
        let total = try XCTUnwrap(json["total_cost"] as? Double)
        XCTAssertGreaterThanOrEqual(total, 1578139.924675 * (1 - 1e-9))
        let solver = try XCTUnwrap(json["solver"] as? [String: Any])
        XCTAssertEqual(solver["route"] as? String, "decomposition")
        let lb = try XCTUnwrap(solver["lower_bound"] as? Double), gap = try XCTUnwrap(solver["relative_gap"] as? Double)
        XCTAssertLessThanOrEqual(lb, 1578139.924675 * (1 + 1e-9))
        XCTAssertEqual(gap, (total - lb) / total, accuracy: 1e-6)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("flows.csv").path))
    }
}

extension PlanCLITests {
    /// `--time-limit` also stops the network simplex: a limit that expires inside the relaxation
    /// gives exit 3, status time_limit and a plan.json without a plan (null costs).
    func testTimeLimitInsideTheRelaxationExitsThreeWithoutPlan() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan")
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", out.path, "--quiet", "--decomposition-threshold", "0",
                         "--time-limit", "0.001"])
        XCTAssertEqual(r.status, 3, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "time_limit")
        XCTAssertTrue(json["total_cost"] is NSNull, "\(json["total_cost"] ?? "missing")")
        let solver = json["solver"] as! [String: Any]
        XCTAssertEqual(solver["route"] as? String, "mincost-relaxation")
    }

    /// A limit that expires during the decomposition (the example needs ~300 rounds, ~2 s) returns
    /// the best feasible plan with its certified gap and exit 3 — or, on a machine fast enough to
    /// finish, the optimum with exit 0.
    func testDecompositionTimeLimitExitsThreeWithPlan() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan")
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let r = try run(["plan", example, "--out", out.path, "--quiet", "--decomposition-threshold", "0",
                         "--partition-threshold", "0", "--time-limit", "0.3"])
        XCTAssertTrue(r.status == 3 || r.status == 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
        let total = try XCTUnwrap(json["total_cost"] as? Double)
        let solver = json["solver"] as! [String: Any]
        XCTAssertEqual(solver["route"] as? String, "decomposition")
        let lb = try XCTUnwrap(solver["lower_bound"] as? Double)
        XCTAssertLessThanOrEqual(lb, 1578139.924675 * (1 + 1e-9))
        if r.status == 3 {
            XCTAssertEqual(json["status"] as? String, "time_limit")
            XCTAssertGreaterThanOrEqual(total, 1578139.924675 * (1 - 1e-9))
            XCTAssertGreaterThan(solver["relative_gap"] as! Double, 1e-9)
        } else {
            XCTAssertEqual(json["status"] as? String, "optimal")
            XCTAssertEqual(total, 1578139.924675, accuracy: 1e-8 * total)
        }
    }
}

extension PlanCLITests {
    /// `--decomposition leaves|products|auto` reach the same optimum on the example (1578139.924675,
    /// also HiGHS's); `auto` names the station blocks in its route reason; a bad value is refused.
    func testDecompositionKindsAgreeOnTheExample() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        for kind in ["leaves", "products", "auto"] {
            let out = dir.appendingPathComponent(kind)
            let r = try run(["plan", example, "--out", out.path, "--quiet", "--partition-threshold", "0", "--decomposition", kind])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as! [String: Any]
            XCTAssertEqual(json["status"] as? String, "optimal")
            XCTAssertEqual(try XCTUnwrap(json["total_cost"] as? Double), 1578139.924675, accuracy: 1e-8 * 1578139.924675, kind)
            let solver = json["solver"] as! [String: Any]
            XCTAssertEqual(solver["route"] as? String, "decomposition")
            let reason = solver["route_reason"] as? String ?? ""
            XCTAssertEqual(reason.contains("station blocks"), kind != "products", reason)
        }
        let bad = try run(["plan", example, "--out", dir.appendingPathComponent("bad").path, "--quiet", "--decomposition", "depots"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--decomposition must be auto, products, leaves"), bad.stderr)
    }
}

extension PlanCLITests {
    /// `--gap G` stops the decomposition as soon as its certified gap is at most G: on the example
    /// a 5 % gap takes the capacity-respecting plan (status feasible, exit 3) whose certified gap
    /// is reported and true against the optimum 1578139.924675; a gap of 1e-9 still means
    /// optimal; a gap outside (0, 1) is refused.
    func testGapStopsTheDecompositionEarly() throws {
        let dir = try tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = Self.packageRoot.appendingPathComponent("data/example").path
        let optimum = 1578139.924675
        let loose = dir.appendingPathComponent("loose")
        let r = try run(["plan", example, "--out", loose.path, "--quiet", "--partition-threshold", "0", "--gap", "0.05"])
        XCTAssertEqual(r.status, 3, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: loose.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "feasible")
        let total = try XCTUnwrap(json["total_cost"] as? Double)
        let solver = json["solver"] as! [String: Any]
        let gap = try XCTUnwrap(solver["relative_gap"] as? Double)
        let lb = try XCTUnwrap(solver["lower_bound"] as? Double)
        XCTAssertGreaterThan(gap, 1e-8)
        XCTAssertLessThanOrEqual(gap, 0.05)
        XCTAssertGreaterThanOrEqual(total, optimum * (1 - 1e-9))
        XCTAssertLessThanOrEqual(lb, optimum * (1 + 1e-9))
        XCTAssertLessThanOrEqual((total - optimum) / total, gap + 1e-9)

        let tight = dir.appendingPathComponent("tight")
        let t = try run(["plan", example, "--out", tight.path, "--quiet", "--gap", "1e-9"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let tj = try JSONSerialization.jsonObject(with: Data(contentsOf: tight.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(tj["status"] as? String, "optimal")
        XCTAssertEqual(try XCTUnwrap(tj["total_cost"] as? Double), optimum, accuracy: 1e-8 * optimum)

        let bad = try run(["plan", example, "--out", dir.appendingPathComponent("bad").path, "--quiet", "--gap", "1.5"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--gap must be in (0, 1)"), bad.stderr)
    }
}
