// StartBasisTests.swift — NetworkSimplexSession.startBasis: starting a solve from the basis of a
// similar problem (other supplies, costs and capacities on the same graph), or from any forest
// at all. Every solve against a cold solve of the same problem and the oracle.

import XCTest
@testable import NetworkFlow

final class StartBasisTests: XCTestCase {
    /// A sibling of `p`: the same graph, supplies moved between random node pairs (still
    /// balanced), some costs and capacities changed — what another product is to a solved one.
    static func sibling(of p: MinCostFlowProblem, _ rng: inout Xoshiro256StarStar) -> MinCostFlowProblem {
        var supply = p.supply
        let n = supply.count
        if n >= 2 {
            for _ in 0..<max(1, n / 4) {
                let a = Int(rng.below(UInt64(n))), b = Int(rng.below(UInt64(n)))
                let d = rng.uniform(-5...5)
                supply[a] += d; supply[b] -= d
            }
        }
        var cost = p.cost, capacity = p.capacity
        for a in 0..<p.arcCount where rng.percent(10) {
            cost[a] += rng.uniform(-3...3)
            if capacity[a] != MinCostFlowProblem.unbounded { capacity[a] = max(p.lower[a], capacity[a] + rng.uniform(-2...4)) }
        }
        return MinCostFlowProblem(supply: supply, tail: p.tail, head: p.head, lower: p.lower,
                                  capacity: capacity, cost: cost)
    }

    /// Started from the optimal basis of a solved sibling: same status and objective as a cold
    /// solve and the oracle, tree invariants checked at every pivot, on random instances (all
    /// statuses, lower bounds, loops) and small time-expanded ones.
    func testSiblingBasisGivesTheColdOptimum() {
        var adopted = 0, statuses: [MinCostFlowStatus: Int] = [:]
        for seed in UInt64(0)..<2500 {
            let p = SessionTests.mixedInstance(seed, random: 7_000_000, expanded: 70_000)
            var options = NetworkSimplex()
            options.checkInvariantsEvery = 1
            options.relabelInterval = [0, 2, nil][Int(seed % 3)]
            options.arcMixing = seed % 2 == 1
            let donor = NetworkSimplexSession(p, options: options)
            _ = donor.solve()
            var rng = Xoshiro256StarStar(seed: seed &+ 17)
            let q = Self.sibling(of: p, &rng)
            let s = NetworkSimplexSession(q, options: options)
            s.startBasis = donor.basis()
            let r = s.solve()
            if s.startBasisAdopted { adopted += 1 }
            statuses[r.status, default: 0] += 1
            let cold = NetworkSimplex().solve(q)
            XCTAssertNil(s.lastViolation, "seed \(seed)")
            XCTAssertEqual(r.status, cold.status, "seed \(seed)")
            XCTAssertEqual(r.status, Oracle.solve(q).status, "seed \(seed)")
            if r.status == .optimal {
                XCTAssertEqual(r.objective, cold.objective, "seed \(seed)")
                XCTAssertTrue(q.check(r).isValid, "seed \(seed): \(q.check(r))")
            }
            // The session goes on as usual afterwards.
            XCTAssertNil(s.setCosts(SessionTests.perturb(q.cost, .small, freshRange: 0...0, &rng)))
            let again = s.solve()
            XCTAssertEqual(again.status, NetworkSimplex().solve(s.problem).status, "seed \(seed) again")
            if again.status == .optimal { XCTAssertEqual(again.objective, NetworkSimplex().solve(s.problem).objective, "seed \(seed) again") }
        }
        print("sibling starts: \(adopted) adopted,", statuses.sorted { $0.value > $1.value })
        XCTAssertGreaterThan(adopted, 2000)
        XCTAssertGreaterThan(statuses[.optimal, default: 0], 1000)
        XCTAssertGreaterThan(statuses[.infeasible, default: 0], 100)
    }

    /// Any parent-arc assignment: forests are adopted (and still solve to the cold optimum),
    /// anything else — cycles, arcs not touching their node, out-of-range arcs, wrong counts —
    /// is ignored and the solve starts as usual.
    func testArbitraryStartBases() {
        var adopted = 0, refused = 0
        for seed in UInt64(0)..<2000 {
            let p = SessionTests.mixedInstance(seed, random: 8_000_000, expanded: 80_000)
            let n = p.nodeCount, m = p.arcCount
            var rng = Xoshiro256StarStar(seed: seed &+ 23)
            var parent = [ArcID](repeating: -1, count: n)
            switch seed % 4 {
            case 0:   // random arcs at random nodes: mostly cycles or foreign arcs
                for v in 0..<n where m > 0 && rng.percent(60) { parent[v] = ArcID(rng.below(UInt64(m))) }
            case 1:   // each node's parent arc touches it (a forest or not)
                for a in 0..<m where rng.percent(50) {
                    let v = rng.percent(50) ? p.tail[a] : p.head[a]
                    parent[Int(v)] = ArcID(a)
                }
            case 2:   // out of range, or the wrong count
                if n > 0 && rng.percent(50) { parent[Int(rng.below(UInt64(n)))] = ArcID(m + 3) } else { parent.append(-1) }
            default:  // the artificial start written out
                break
            }
            let upper = (0..<m).map { _ in rng.percent(20) }
            var options = NetworkSimplex()
            options.checkInvariantsEvery = 1
            let s = NetworkSimplexSession(p, options: options)
            s.startBasis = .init(parentArc: parent, atUpper: upper)
            let r = s.solve()
            if s.startBasisAdopted { adopted += 1 } else { refused += 1 }
            if seed % 4 == 2 && NetworkSimplex().precheck(p) == nil { XCTAssertFalse(s.startBasisAdopted, "seed \(seed)") }
            let cold = NetworkSimplex().solve(p)
            XCTAssertNil(s.lastViolation, "seed \(seed)")
            XCTAssertEqual(r.status, cold.status, "seed \(seed)")
            if r.status == .optimal { XCTAssertEqual(r.objective, cold.objective, "seed \(seed)") }
        }
        print("arbitrary start bases: \(adopted) adopted, \(refused) ignored")
        XCTAssertGreaterThan(adopted, 600)
        XCTAssertGreaterThan(refused, 600)
    }

    /// The point of it: on larger time-expanded instances a sibling's optimal basis saves most of
    /// a cold solve's pivots, to the same optimum.
    func testSiblingBasisSavesPivots() {
        var cold = 0, warm = 0
        for seed in UInt64(1)...6 {
            let p = SessionTests.largeTimeExpanded(locations: 40, days: 60, seed: seed)
            let donor = NetworkSimplexSession(p)
            XCTAssertEqual(donor.solve().status, .optimal)
            var rng = Xoshiro256StarStar(seed: seed &+ 99)
            let q = Self.sibling(of: p, &rng)
            let c = NetworkSimplex().solve(q)
            let s = NetworkSimplexSession(q)
            s.startBasis = donor.basis()
            let r = s.solve()
            XCTAssertTrue(s.startBasisAdopted, "seed \(seed)")
            XCTAssertEqual(r.status, c.status, "seed \(seed)")
            XCTAssertEqual(r.objective, c.objective, "seed \(seed)")
            cold += c.iterations; warm += r.iterations
        }
        print("sibling basis on time-expanded instances: cold \(cold) pivots, from the sibling's basis \(warm)")
        XCTAssertLessThan(warm * 2, cold)
    }
}
