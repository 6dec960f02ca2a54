// RandomizedTests.swift — thousands of seeded small instances against the independent oracle.

import XCTest
@testable import NetworkFlow

final class RandomizedTests: XCTestCase {
    /// A small random instance with self-loops, parallel arcs, lower bounds (some negative),
    /// uncapacitated arcs, negative costs, and sometimes unbalanced supplies.
    static func randomInstance(seed: UInt64) -> MinCostFlowProblem {
        var rng = Xoshiro256StarStar(seed: seed)
        let n = Int(rng.uniform(1...8))
        let m = Int(rng.uniform(0...24))
        var p = MinCostFlowProblem(nodeCount: n)
        let negativeCosts = rng.percent(40)
        for _ in 0..<m {
            let u = NodeID(rng.below(UInt64(n))), v = NodeID(rng.below(UInt64(n)))
            var lower: Int64 = 0
            if rng.percent(20) { lower = rng.uniform(-2...3) }
            let cap = rng.percent(25) ? MinCostFlowProblem.unbounded : max(lower, 0) + rng.uniform(0...8)
            let cost = negativeCosts ? rng.uniform(-6...10) : rng.uniform(0...10)
            p.addArc(from: u, to: v, lower: lower, capacity: cap, cost: cost)
        }
        var total: Int64 = 0
        for v in 0..<n - 1 {
            let s = rng.percent(40) ? rng.uniform(-4...4) : 0
            p.setSupply(NodeID(v), s); total += s
        }
        p.setSupply(NodeID(n - 1), -total + (rng.percent(8) ? rng.uniform(-2...2) : 0))
        return p
    }

    func testAgainstOracle() {
        var counts: [MinCostFlowStatus: Int] = [:]
        let seeds: UInt64 = 20000
        for seed in 0..<seeds {
            let p = Self.randomInstance(seed: seed)
            let expected = Oracle.solve(p)
            var solver = NetworkSimplex()
            solver.arcMixing = seed % 2 == 0
            let r = solver.solve(p)
            counts[r.status, default: 0] += 1
            XCTAssertEqual(r.status, expected.status, "seed \(seed)")
            if expected.status == .optimal && r.status == .optimal {
                XCTAssertEqual(r.objective, expected.objective, "seed \(seed)")
                let report = p.check(r)
                XCTAssertTrue(report.isValid, "seed \(seed): \(report)")
            }
            if r.status != .optimal {
                XCTAssertTrue(r.flow.isEmpty, "seed \(seed)")
            }
        }
        print("random instance outcomes:", counts.sorted { $0.value > $1.value })
        // The generator must actually exercise every outcome.
        XCTAssertGreaterThan(counts[.optimal, default: 0], Int(seeds) / 4)
        XCTAssertGreaterThan(counts[.infeasible, default: 0], Int(seeds) / 20)
        XCTAssertGreaterThan(counts[.unbounded, default: 0], Int(seeds) / 50)
    }

    /// Medium instances from the NETGEN-style generator with negative costs, against the oracle.
    func testGeneratedAgainstOracle() {
        for seed in 0..<UInt64(60) {
            var g = GeneratorParameters()
            g.seed = seed; g.nodes = 12; g.sources = 3; g.sinks = 3; g.arcs = 40
            g.minCost = -5; g.maxCost = 20; g.totalSupply = 30
            g.minCapacity = 1; g.maxCapacity = 12; g.percentCapacitated = 60
            g.percentHighCostSkeleton = 30
            let p = InstanceGenerator.generate(g)
            let expected = Oracle.solve(p)
            let r = NetworkSimplex().solve(p)
            XCTAssertEqual(expected.status, .optimal, "seed \(seed)")
            XCTAssertEqual(r.status, .optimal, "seed \(seed)")
            XCTAssertEqual(r.objective, expected.objective, "seed \(seed)")
            XCTAssertTrue(p.check(r).isValid, "seed \(seed)")
        }
    }
}
