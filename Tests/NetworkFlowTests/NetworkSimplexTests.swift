// NetworkSimplexTests.swift — hand-solved instances, statuses, and validation.

import XCTest
@testable import NetworkFlow

final class NetworkSimplexTests: XCTestCase {
    /// Solves, asserts the status, and (for optimal results) runs the solution checker.
    @discardableResult
    func solve(_ p: MinCostFlowProblem, _ expected: MinCostFlowStatus,
               file: StaticString = #filePath, line: UInt = #line) -> MinCostFlowResult {
        let r = NetworkSimplex().solve(p)
        XCTAssertEqual(r.status, expected, file: file, line: line)
        if r.status == .optimal || r.status == .objectiveOverflow {
            let report = p.check(r)
            XCTAssertTrue(report.isValid, report.description, file: file, line: line)
        }
        return r
    }

    /// Diamond 0 → {1, 2} → 3, 10 units. Path 0-1-3 costs 5+3 = 8 per unit, 0-2-3 costs 2+7 = 9,
    /// all capacities 10: everything goes through 1, objective 10·8 = 80.
    /// Potentials: tree arcs 0→1, 1→3 give π1 = π0 + 5, π3 = π1 + 3; arcs 0→2 and 2→3 idle at 0
    /// need 2 + π0 − π2 ≥ 0 and 7 + π2 − π3 ≥ 0, i.e. π0 + 1 ≤ π2 ≤ π0 + 2, so π0 is the
    /// smallest and is shifted to 0: π = [0, 5, 1 or 2, 8].
    func testDiamondUncongested() {
        var p = MinCostFlowProblem()
        for s: Int64 in [10, 0, 0, -10] { p.addNode(supply: s) }
        p.addArc(from: 0, to: 1, capacity: 10, cost: 5)
        p.addArc(from: 0, to: 2, capacity: 10, cost: 2)
        p.addArc(from: 1, to: 3, capacity: 10, cost: 3)
        p.addArc(from: 2, to: 3, capacity: 10, cost: 7)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, 80)
        XCTAssertEqual(r.flow, [10, 0, 10, 0])
        XCTAssertEqual(r.potential[0], 0)
        XCTAssertEqual(r.potential[1], 5)
        XCTAssertTrue([1, 2].contains(r.potential[2]))
        XCTAssertEqual(r.potential[3], 8)
    }

    /// Same diamond with arc 0→1 capped at 6: 6 units via 1 (6·8 = 48), 4 via 2 (4·9 = 36),
    /// objective 84. Arcs 0→2, 2→3, 1→3 are strictly between bounds, so their reduced costs are
    /// 0: π2 = π0 + 2, π3 = π2 + 7 = π0 + 9, π1 = π3 − 3 = π0 + 6. Arc 0→1 is at its upper
    /// bound with reduced cost 5 + 0 − 6 = −1 ≤ 0. Unique duals: π = [0, 6, 2, 9].
    func testDiamondCongestedUniquePotentials() {
        var p = MinCostFlowProblem()
        for s: Int64 in [10, 0, 0, -10] { p.addNode(supply: s) }
        p.addArc(from: 0, to: 1, capacity: 6, cost: 5)
        p.addArc(from: 0, to: 2, capacity: 10, cost: 2)
        p.addArc(from: 1, to: 3, capacity: 10, cost: 3)
        p.addArc(from: 2, to: 3, capacity: 10, cost: 7)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, 84)
        XCTAssertEqual(r.flow, [6, 4, 6, 4])
        XCTAssertEqual(r.potential, [0, 6, 2, 9])
    }

    /// Lower bound: 5 units 0 → 2. Direct arc costs 1; the detour 0→1→2 costs 4 + 1 = 5 but
    /// arc 0→1 must carry at least 3. So 3 units take the detour (15) and 2 go direct (2):
    /// objective 17, flows [2, 3, 3]. Duals: 0→2 and 1→2 strictly between → π2 = π0 + 1,
    /// π1 = π2 − 1 = π0; 0→1 at its lower bound with reduced cost 4 ≥ 0. π = [0, 0, 1].
    func testLowerBounds() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 5); p.addNode(); p.addNode(supply: -5)
        p.addArc(from: 0, to: 2, capacity: 10, cost: 1)
        p.addArc(from: 0, to: 1, lower: 3, capacity: 10, cost: 4)
        p.addArc(from: 1, to: 2, capacity: 10, cost: 1)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, 17)
        XCTAssertEqual(r.flow, [2, 3, 3])
        XCTAssertEqual(r.potential, [0, 0, 1])
    }

    /// Negative lower bound: arc 1→0 with bounds [−4, 4] can carry flow "backwards".
    /// 3 units must go 0 → 1; the only arc is 1→0 (cost 2), so its flow is −3 and the objective
    /// is 2·(−3) = −6.
    func testNegativeLowerBound() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 3); p.addNode(supply: -3)
        p.addArc(from: 1, to: 0, lower: -4, capacity: 4, cost: 2)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.flow, [-3])
        XCTAssertEqual(r.objective, -6)
    }

    /// 2×2 transportation. Supplies 20, 30; demands 25, 25; costs c02 = 4, c03 = 6, c12 = 5,
    /// c13 = 3. With x02 = a the others follow (x03 = 20 − a, x12 = 25 − a, x13 = 5 + a) and the
    /// cost is 260 − 4a, minimised at a = 20: flows [20, 0, 5, 25], objective 180.
    func testTransportation2x2() {
        var p = MinCostFlowProblem()
        for s: Int64 in [20, 30, -25, -25] { p.addNode(supply: s) }
        p.addArc(from: 0, to: 2, cost: 4)
        p.addArc(from: 0, to: 3, cost: 6)
        p.addArc(from: 1, to: 2, cost: 5)
        p.addArc(from: 1, to: 3, cost: 3)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, 180)
        XCTAssertEqual(r.flow, [20, 0, 5, 25])
    }

    /// Capacitated negative cycle 0→1 (−2), 1→2 (+1), 2→0 (0, cap 5), no supplies: 5 units
    /// circulate, objective −5. Arcs 0→1 and 1→2 carry 5 < ∞ → reduced cost 0: π1 = π0 − 2,
    /// π2 = π1 + 1; shifted so the smallest (π1) is 0: π = [2, 0, 1].
    func testCapacitatedNegativeCycle() {
        var p = MinCostFlowProblem(nodeCount: 3)
        p.addArc(from: 0, to: 1, cost: -2)
        p.addArc(from: 1, to: 2, cost: 1)
        p.addArc(from: 2, to: 0, capacity: 5, cost: 0)
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, -5)
        XCTAssertEqual(r.flow, [5, 5, 5])
        XCTAssertEqual(r.potential, [2, 0, 1])
    }

    func testUncapacitatedNegativeCycleIsUnbounded() {
        var p = MinCostFlowProblem(nodeCount: 3)
        p.addArc(from: 0, to: 1, cost: -2)
        p.addArc(from: 1, to: 2, cost: 1)
        p.addArc(from: 2, to: 0, cost: 0)
        solve(p, .unbounded)
    }

    func testSelfLoops() {
        var p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 0, capacity: 4, cost: -3)  // saturated: −12
        p.addArc(from: 1, to: 1, capacity: 4, cost: 3)   // idle
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, -12)
        XCTAssertEqual(r.flow, [4, 0])
        p.addArc(from: 1, to: 1, cost: -1)               // uncapacitated negative loop
        solve(p, .unbounded)
    }

    func testUnbalancedSupplyIsInfeasible() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 5); p.addNode(supply: -4)
        p.addArc(from: 0, to: 1, cost: 1)
        solve(p, .infeasible)
    }

    func testInsufficientCapacityIsInfeasible() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 5); p.addNode(supply: -5)
        p.addArc(from: 0, to: 1, capacity: 3, cost: 1)
        solve(p, .infeasible)
        // Lower bound that cannot be sent anywhere.
        var q = MinCostFlowProblem(nodeCount: 2)
        q.addArc(from: 0, to: 1, lower: 1, capacity: 2, cost: 0)
        solve(q, .infeasible)
    }

    func testDisconnectedDemandIsInfeasible() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 5); p.addNode(supply: -5); p.addNode()
        p.addArc(from: 0, to: 2, cost: 1)
        solve(p, .infeasible)
    }

    func testEmptyAndTrivial() {
        XCTAssertEqual(NetworkSimplex().solve(MinCostFlowProblem()).status, .optimal)
        let r = solve(MinCostFlowProblem(nodeCount: 3), .optimal)
        XCTAssertEqual(r.objective, 0)
        XCTAssertEqual(r.potential, [0, 0, 0])
    }

    func testValidationStatuses() {
        var p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 2, cost: 1)
        XCTAssertEqual(p.validate(), .badNodeID)
        solve(p, .badNodeID)

        p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: -1, to: 1, cost: 1)
        XCTAssertEqual(p.validate(), .badNodeID)

        p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 1, lower: 5, capacity: 4, cost: 1)
        solve(p, .badBounds)

        p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 1, cost: Int64.max / 2)
        solve(p, .badCostRange)
        p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 1, cost: .min)
        solve(p, .badCostRange)

        p = MinCostFlowProblem(nodeCount: 2)
        p.addArc(from: 0, to: 1, capacity: Int64.max - 1, cost: 1)
        solve(p, .badCapacityRange)
        p = MinCostFlowProblem()
        p.addNode(supply: .max); p.addNode(supply: .min)
        solve(p, .badCapacityRange)

        let mismatched = MinCostFlowProblem(supply: [0, 0], tail: [0], head: [1], capacity: [], cost: [1])
        XCTAssertEqual(mismatched.validate(), .badNodeID)
        XCTAssertEqual(NetworkSimplex().solve(mismatched).status, .badNodeID)

        // The largest allowed cost range still solves exactly.
        p = MinCostFlowProblem()
        p.addNode(supply: 1); p.addNode(supply: -1)
        let c = MinCostFlowProblem.costRangeLimit / 3 - 1
        p.addArc(from: 0, to: 1, cost: c)
        XCTAssertEqual(solve(p, .optimal).objective, c)
    }

    /// 2^30 units at 2^40 per unit: the flow is optimal but the objective (2^70) overflows.
    func testObjectiveOverflowIsReported() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 1 << 30); p.addNode(supply: -(1 << 30))
        p.addArc(from: 0, to: 1, cost: 1 << 40)
        let r = solve(p, .objectiveOverflow)
        XCTAssertEqual(r.flow, [1 << 30])
        XCTAssertNil(p.objective(of: r.flow))
    }

    /// Partial sums above Int64 are fine when the total fits (128-bit accumulator).
    func testObjectiveWithLargeIntermediateSums() {
        var p = MinCostFlowProblem()
        p.addNode(supply: 1 << 31); p.addNode(supply: -(1 << 31))
        p.addNode(supply: 1 << 31); p.addNode(supply: -(1 << 31))
        p.addArc(from: 0, to: 1, cost: 1 << 33)      // +2^64
        p.addArc(from: 2, to: 3, cost: -(1 << 33))   // −2^64
        let r = solve(p, .optimal)
        XCTAssertEqual(r.objective, 0)
    }

    func testCheckerCatchesBadSolutions() {
        var p = MinCostFlowProblem()
        for s: Int64 in [10, 0, 0, -10] { p.addNode(supply: s) }
        p.addArc(from: 0, to: 1, capacity: 10, cost: 5)
        p.addArc(from: 0, to: 2, capacity: 10, cost: 2)
        p.addArc(from: 1, to: 3, capacity: 10, cost: 3)
        p.addArc(from: 2, to: 3, capacity: 10, cost: 7)
        var r = NetworkSimplex().solve(p)
        XCTAssertTrue(p.check(r).isValid)
        var wrong = r
        wrong.flow = [0, 10, 0, 10]         // feasible but not optimal for these potentials
        XCTAssertFalse(p.check(wrong).isValid)
        wrong = r
        wrong.flow[0] = 11                  // breaks bounds and conservation
        XCTAssertGreaterThanOrEqual(p.check(wrong).violationCount, 2)
        r.objective += 1
        XCTAssertFalse(p.check(r).isValid)
    }

    func testSolverOptionsGiveSameOptimum() {
        var params = GeneratorParameters()
        params.nodes = 300; params.arcs = 3000; params.sources = 10; params.sinks = 10
        params.percentCapacitated = 40; params.seed = 7
        let p = InstanceGenerator.generate(params)
        let base = solve(p, .optimal)
        for mixing in [false, true] {
            for factor in [0.1, 1.0, 5.0] {
                var s = NetworkSimplex()
                s.arcMixing = mixing; s.blockSizeFactor = factor
                let r = s.solve(p)
                XCTAssertEqual(r.status, .optimal)
                XCTAssertEqual(r.objective, base.objective)
                XCTAssertTrue(p.check(r).isValid)
            }
        }
    }
}
