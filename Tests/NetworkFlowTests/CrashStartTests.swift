// CrashStartTests.swift — the crash initial basis (CrashStart.swift) against the oracle, with the
// spanning-tree invariants verified after the start and after every pivot.

import XCTest
@testable import NetworkFlow

final class CrashStartTests: XCTestCase {
    /// A small planner-like time-expanded network: `k` locations × `T` days plus a super source
    /// (the last node). Lanes (a,t)→(b,t+τ), production source→(r,t) with [min,max], shortfall
    /// source→(a,t) with capacity = demand at a big penalty, inventory (a,t)→(a,t+1) in one or
    /// two tiers (the first with negative cost), closing stock (a,T)→source.
    static func timeExpanded(seed: UInt64) -> MinCostFlowProblem {
        var rng = Xoshiro256StarStar(seed: seed)
        let k = Int(rng.uniform(2...4)), T = Int(rng.uniform(2...4))
        let src = NodeID(k * T)
        var p = MinCostFlowProblem(nodeCount: k * T + 1)
        func node(_ a: Int, _ t: Int) -> NodeID { NodeID(a * T + t) }
        var total: Int64 = 0
        var demand = [Int64](repeating: 0, count: k * T)
        for a in 0..<k {
            let stock = rng.percent(50) ? rng.uniform(0...6) : 0
            for t in 0..<T {
                let d = rng.percent(60) ? rng.uniform(0...5) : 0
                demand[a * T + t] = d
                let s = (t == 0 ? stock : 0) - d
                p.setSupply(node(a, t), s); total += s
            }
        }
        p.setSupply(src, -total)
        let lanes = Int(rng.uniform(1...Int64(2 * k)))
        for _ in 0..<lanes {
            let a = Int(rng.below(UInt64(k))), b = Int(rng.below(UInt64(k)))
            if a == b { continue }
            let tau = Int(rng.uniform(0...1))
            let cap = rng.percent(50) ? MinCostFlowProblem.unbounded : rng.uniform(1...8)
            let c = rng.uniform(1...5)
            for t in 0..<(T - tau) { p.addArc(from: node(a, t), to: node(b, t + tau), capacity: cap, cost: c) }
        }
        let refinery = Int(rng.below(UInt64(k)))
        let lo = rng.percent(30) ? rng.uniform(0...2) : 0
        let hi = lo + rng.uniform(0...10)
        let pc = rng.uniform(1...4)
        for t in 0..<T { p.addArc(from: src, to: node(refinery, t), lower: lo, capacity: hi, cost: pc) }
        for v in 0..<(k * T) where demand[v] > 0 && rng.percent(90) {
            p.addArc(from: src, to: NodeID(v), capacity: demand[v], cost: 1000)
        }
        for a in 0..<k {
            let cap = rng.percent(30) ? MinCostFlowProblem.unbounded : rng.uniform(0...12)
            let safety = rng.percent(50) ? rng.uniform(1...4) : 0
            let h = rng.uniform(0...2)
            for t in 0..<T {
                let to = t + 1 < T ? node(a, t + 1) : src
                if safety > 0 {
                    let first = cap == MinCostFlowProblem.unbounded ? safety : min(safety, cap)
                    p.addArc(from: node(a, t), to: to, capacity: first, cost: h - 20)
                    if cap == MinCostFlowProblem.unbounded {
                        p.addArc(from: node(a, t), to: to, capacity: cap, cost: h)
                    } else if cap > first {
                        p.addArc(from: node(a, t), to: to, capacity: cap - first, cost: h)
                    }
                } else {
                    p.addArc(from: node(a, t), to: to, capacity: cap, cost: h)
                }
            }
        }
        return p
    }

    private func verify(_ p: MinCostFlowProblem, _ expected: OracleResult, crash: Bool,
                        _ label: String, crashedCount: inout Int) {
        var solver = NetworkSimplex()
        solver.crashStart = crash
        solver.checkInvariantsEvery = 1
        let (r, violation, crashed) = solver.solveChecked(p)
        if crashed { crashedCount += 1 }
        XCTAssertNil(violation, label)
        XCTAssertEqual(r.status, expected.status, label)
        if expected.status == .optimal && r.status == .optimal {
            XCTAssertEqual(r.objective, expected.objective, label)
            XCTAssertTrue(p.check(r).isValid, label)
        }
    }

    /// 20,000 random small instances (all statuses) with the crash start, every pivot checked.
    func testCrashAgainstOracle() {
        var crashed = 0
        for seed in UInt64(0)..<20000 {
            let p = RandomizedTests.randomInstance(seed: seed &+ 2_000_000)
            let expected = Oracle.solve(p)
            verify(p, expected, crash: true, "seed \(seed)", crashedCount: &crashed)
        }
        print("crash basis used on \(crashed) of 20000 random instances")
        XCTAssertGreaterThan(crashed, 2000)
    }

    /// Time-expanded instances (the structure the crash is for), crash on and off, vs the oracle.
    func testTimeExpandedAgainstOracle() {
        var crashed = 0, statuses: [MinCostFlowStatus: Int] = [:]
        for seed in UInt64(0)..<3000 {
            let p = Self.timeExpanded(seed: seed)
            let expected = Oracle.solve(p)
            statuses[expected.status, default: 0] += 1
            verify(p, expected, crash: true, "seed \(seed) crash", crashedCount: &crashed)
            var dummy = 0
            verify(p, expected, crash: false, "seed \(seed) plain", crashedCount: &dummy)
            XCTAssertEqual(dummy, 0)
        }
        print("time-expanded: crash used on \(crashed) of 3000; oracle statuses \(statuses)")
        XCTAssertGreaterThan(crashed, 500)
        XCTAssertGreaterThan(statuses[.optimal, default: 0], 1500)
    }

    /// Generated NETGEN-style instances: the crash declines (falls back to the artificial start),
    /// so pivots equal the plain start's; the invariants hold throughout.
    func testGeneratedInstancesInvariants() {
        for seed in UInt64(1)...4 {
            var params = GeneratorParameters()
            params.nodes = 300 * Int(seed); params.arcs = 3000 * Int(seed)
            params.sources = 4 * Int(seed); params.sinks = 4 * Int(seed)
            params.percentCapacitated = 50; params.seed = seed
            let p = InstanceGenerator.generate(params)
            var plain = NetworkSimplex()
            plain.crashStart = false
            let base = plain.solve(p)
            var s = NetworkSimplex()
            s.checkInvariantsEvery = 7
            s.relabelInterval = 13
            let (r, violation, _) = s.solveChecked(p)
            XCTAssertNil(violation, "seed \(seed)")
            XCTAssertEqual(r.status, .optimal)
            XCTAssertEqual(r.objective, base.objective, "seed \(seed)")
        }
    }

    /// The invariant check itself catches a broken tree.
    func testInvariantCheckDetectsCorruption() {
        var p = MinCostFlowProblem(nodeCount: 3)
        p.setSupply(0, 2); p.setSupply(2, -2)
        p.addArc(from: 0, to: 1, capacity: 5, cost: 1)
        p.addArc(from: 1, to: 2, capacity: 5, cost: 1)
        var core = SimplexCore(nodeCount: 3, arcCount: 2)
        defer { core.deallocate() }
        core.load(p, mixing: false, blockSizeFactor: 1)
        XCTAssertNil(core.checkInvariants())
        core.succNum[1] = 2
        XCTAssertNotNil(core.checkInvariants())
        core.succNum[1] = 1
        core.pi[2] &+= 1
        XCTAssertNotNil(core.checkInvariants())
    }
}
