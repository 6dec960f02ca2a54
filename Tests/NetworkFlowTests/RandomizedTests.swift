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

    /// Medium instances (20–60 nodes, up to 4 arcs per node) with lower bounds, negative costs
    /// and a few uncapacitated arcs, against the oracle; optimal ones must also pass `check`,
    /// which is by itself a certificate of optimality (primal + dual feasibility + slackness).
    func testMediumAgainstOracle() {
        var counts: [MinCostFlowStatus: Int] = [:]
        for seed in 0..<UInt64(300) {
            var rng = Xoshiro256StarStar(seed: 1_000_000 + seed)
            let n = Int(rng.uniform(20...60))
            let m = Int(rng.uniform(Int64(n)...Int64(4 * n)))
            var p = MinCostFlowProblem(nodeCount: n)
            if !rng.percent(15) {   // usually a costly ring, so that most instances are feasible
                for v in 0..<n { p.addArc(from: NodeID(v), to: NodeID((v + 1) % n), capacity: 200, cost: 60) }
            }
            for _ in 0..<m {
                let u = NodeID(rng.below(UInt64(n))), v = NodeID(rng.below(UInt64(n)))
                let lower: Int64 = rng.percent(10) ? rng.uniform(0...3) : 0
                let cost = rng.uniform(-20...50)
                let cap = rng.percent(5) ? MinCostFlowProblem.unbounded : lower + rng.uniform(0...15)
                p.addArc(from: u, to: v, lower: lower, capacity: cap, cost: cost)
            }
            var total: Int64 = 0
            for v in 0..<n - 1 {
                let s = rng.percent(30) ? rng.uniform(-10...10) : 0
                p.setSupply(NodeID(v), s); total += s
            }
            p.setSupply(NodeID(n - 1), -total)
            let expected = Oracle.solve(p)
            let r = NetworkSimplex().solve(p)
            counts[r.status, default: 0] += 1
            XCTAssertEqual(r.status, expected.status, "seed \(seed)")
            if r.status == .optimal {
                XCTAssertEqual(r.objective, expected.objective, "seed \(seed)")
                XCTAssertTrue(p.check(r).isValid, "seed \(seed)")
            }
        }
        print("medium instance outcomes:", counts.sorted { $0.value > $1.value })
        XCTAssertGreaterThan(counts[.optimal, default: 0], 150)
        XCTAssertGreaterThan(counts[.infeasible, default: 0], 10)
    }

    /// Values at the edge of the documented ranges: the solver must never trap, and optimal
    /// answers must still pass the checker (exact arithmetic near 2^60 / 2^62).
    func testExtremeMagnitudesNeverTrap() {
        var counts: [MinCostFlowStatus: Int] = [:]
        for seed in 0..<UInt64(500) {
            var rng = Xoshiro256StarStar(seed: 77_000 + seed)
            let n = Int(rng.uniform(2...6)), m = Int(rng.uniform(1...10))
            let maxCost = MinCostFlowProblem.costRangeLimit / Int64(n + 1) - 1 - Int64(rng.below(3))
            let small = rng.percent(50)   // small volumes: the objective fits, huge costs remain
            let capBudget = small ? 3 : MinCostFlowProblem.capacityRangeLimit / Int64(2 * m + 2)
            var p = MinCostFlowProblem(nodeCount: n)
            for _ in 0..<m {
                let u = NodeID(rng.below(UInt64(n))), v = NodeID(rng.below(UInt64(n)))
                let cost = rng.percent(50) ? maxCost : rng.uniform(-maxCost...maxCost)
                let cap = rng.percent(20) ? MinCostFlowProblem.unbounded : rng.uniform(0...capBudget)
                p.addArc(from: u, to: v, capacity: cap, cost: cost)
            }
            let s = rng.uniform(0...capBudget)
            p.setSupply(0, s); p.setSupply(NodeID(n - 1), -s)
            let r = NetworkSimplex().solve(p)
            counts[r.status, default: 0] += 1
            if r.status == .optimal || r.status == .objectiveOverflow {
                XCTAssertTrue(p.check(r).isValid, "seed \(seed): \(p.check(r))")
            }
            // One step beyond the limits must be refused, not mis-solved.
            var q = p
            q.setCost(0, MinCostFlowProblem.costRangeLimit)
            XCTAssertEqual(NetworkSimplex().solve(q).status, .badCostRange)
        }
        print("extreme instance outcomes:", counts.sorted { $0.value > $1.value })
        XCTAssertGreaterThan(counts[.optimal, default: 0], 10)
        XCTAssertGreaterThan(counts[.objectiveOverflow, default: 0], 10)
    }

    /// Random byte damage to a valid DIMACS file: parsing either succeeds or throws a
    /// `DIMACSError`, and never traps.
    func testDIMACSFuzzNeverTraps() {
        let valid = Array(DIMACS.write(Self.randomInstance(seed: 3)).utf8)
        let alphabet = Array("0123456789 -+\n\tpnac min x9223372036854775808".utf8)
        var rng = Xoshiro256StarStar(seed: 99)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int(rng.uniform(1...4)) {
                let i = Int(rng.below(UInt64(bytes.count)))
                switch rng.below(3) {
                case 0: bytes[i] = alphabet[Int(rng.below(UInt64(alphabet.count)))]
                case 1: bytes.insert(alphabet[Int(rng.below(UInt64(alphabet.count)))], at: i)
                default: bytes.remove(at: i)
                }
            }
            do {
                let p = try bytes.withUnsafeBytes { try DIMACS.parse(bytes: $0, path: "fuzz") }
                accepted += 1
                _ = NetworkSimplex().solve(p)
            } catch let e as DIMACSError {
                XCTAssertTrue(e.description.hasPrefix("fuzz"))
            } catch {
                XCTFail("unexpected error \(error)")
            }
        }
        XCTAssertGreaterThan(accepted, 0)
    }
}

/// Node relabelling (renumbering in thread order during the solve) must not change the outcome:
/// forced at tiny intervals on random and generated instances, against the oracle.
final class RelabelTests: XCTestCase {
    func testFrequentRelabelAgainstOracle() {
        for seed in UInt64(0)..<5000 {
            let p = RandomizedTests.randomInstance(seed: seed &+ 1_000_000)
            let expected = Oracle.solve(p)
            var solver = NetworkSimplex()
            solver.arcMixing = seed % 2 == 0
            solver.relabelInterval = 1 + Int(seed % 4)
            let r = solver.solve(p)
            XCTAssertEqual(r.status, expected.status, "seed \(seed)")
            if expected.status == .optimal && r.status == .optimal {
                XCTAssertEqual(r.objective, expected.objective, "seed \(seed)")
                XCTAssertTrue(p.check(r).isValid, "seed \(seed)")
            }
        }
    }

    func testRelabelIntervalsGiveSameOptimum() {
        for seed in UInt64(1)...6 {
            var params = GeneratorParameters()
            params.nodes = 400 * Int(seed); params.arcs = 4000 * Int(seed)
            params.sources = 5 * Int(seed); params.sinks = 5 * Int(seed)
            params.percentCapacitated = 50; params.seed = seed
            let p = InstanceGenerator.generate(params)
            var plain = NetworkSimplex()
            plain.relabelInterval = 0
            let base = plain.solve(p)
            XCTAssertEqual(base.status, .optimal)
            for k in [1, 7, 100, 1000] {
                var s = NetworkSimplex()
                s.relabelInterval = k
                let r = s.solve(p)
                XCTAssertEqual(r.status, .optimal, "seed \(seed) k \(k)")
                XCTAssertEqual(r.objective, base.objective, "seed \(seed) k \(k)")
                XCTAssertEqual(r.iterations, base.iterations, "seed \(seed) k \(k)")
                XCTAssertTrue(p.check(r).isValid, "seed \(seed) k \(k)")
            }
        }
    }
}
