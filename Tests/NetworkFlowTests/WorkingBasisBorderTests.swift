// WorkingBasisBorderTests.swift — the primal partitioning's working basis brought up to date
// through its border (BorderedWorkingBasis.swift) instead of factored at every pivot: every
// solve is checked against W's entries as the engine keeps them, and the solves reach the same
// answers as factoring afresh at every change.
import FuelFlowSupport
import XCTest
@testable import NetworkFlow

final class WorkingBasisBorderTests: XCTestCase {
    /// Random and larger shared-lane instances, with borders of 0 (a fresh factorisation at
    /// every change), 1, 3 and the default: every W x = b and Wᵀ μ = c holds to 10⁻⁹ relative,
    /// the border is really used (most pivots bring W up to date through it), every dual update
    /// leaves Wᵀμ = −C within rounding, every potential sync leaves the potentials that a
    /// recomputation from the roots gives, and the status and objective equal the fresh
    /// factorisations'.
    func testBorderedSolvesAgreeWithWsEntries() {
        var problems = (UInt64(1) ... 150).map { BundledFlowTests.randomProblem(seed: $0) }
        problems.append(BundledFlowTests.largeProblem(seed: 1, K: 4, n: 200, m: 800, lanes: 80, mixed: 20, twists: false))
        problems.append(BundledFlowTests.largeProblem(seed: 2, K: 4, n: 200, m: 800, lanes: 80, mixed: 20, twists: true))
        problems.append(BundledFlowTests.largeProblem(seed: 1, K: 4, n: 600, m: 2400, lanes: 240, mixed: 60, twists: false))
        var updates = [Int: Int](), factorizations = [Int: Int](), optimal = 0
        var largestBasis = 0, syncs = 0
        for (index, p) in problems.enumerated() {
            var fresh = PrimalPartitioningSimplex()
            fresh.maxBorder = 0
            fresh.checkSolves = true
            let reference = fresh.solve(p)
            XCTAssertLessThan(reference.worstSolveResidual, 1e-9, "problem \(index), fresh")
            XCTAssertLessThan(reference.worstDualResidual, 64, "problem \(index), fresh")
            XCTAssertEqual(reference.workingBasisUpdates, 0)
            if reference.status == .optimal { optimal += 1 }
            largestBasis = max(largestBasis, reference.largestWorkingBasis)
            for border in [1, 3, PartitionEngine.defaultMaxBorder] {
                var solver = PrimalPartitioningSimplex()
                solver.maxBorder = border
                solver.checkSolves = true
                let r = solver.solve(p)
                XCTAssertLessThan(r.worstSolveResidual, 1e-9, "problem \(index), border \(border)")
                // μ corrected on the marked rows only between fresh factorisations: no row is
                // left with more than rounding (a row missed would be off by a cycle's cost).
                XCTAssertLessThan(r.worstDualResidual, 64, "problem \(index), border \(border)")
                // Each potential sync (nested subtrees shifted in one walk) leaves the potentials
                // a recomputation from the roots gives.
                XCTAssertLessThan(r.worstSyncError, 1e-12, "problem \(index), border \(border)")
                syncs += r.syncsChecked
                XCTAssertEqual(r.status, reference.status, "problem \(index), border \(border)")
                if r.status == .optimal {
                    XCTAssertEqual(r.objective, reference.objective, accuracy: 1e-9 * (1 + abs(reference.objective)),
                                   "problem \(index), border \(border)")
                    XCTAssertTrue(r.feasible, "problem \(index), border \(border)")
                }
                updates[border, default: 0] += r.workingBasisUpdates
                factorizations[border, default: 0] += r.workingBasisFactorizations
            }
        }
        XCTAssertGreaterThan(optimal, 60)
        XCTAssertGreaterThan(largestBasis, 20, "the instances must grow a working basis worth bordering")
        // With a border of several rows, most changes of W go through it.
        let d = PartitionEngine.defaultMaxBorder
        XCTAssertGreaterThan(updates[d] ?? 0, 4 * (factorizations[d] ?? 0), "updates \(updates), factorizations \(factorizations)")
        XCTAssertGreaterThan(updates[1] ?? 0, 0)
        XCTAssertGreaterThan(syncs, 100, "the lazy potentials must be synced")
        print("WorkingBasisBorderTests: updates \(updates), factorizations \(factorizations), largest W \(largestBasis)")
    }

    /// Hand-checked: three bundles that all bind, W of three rows, solved with borders of 0, 1
    /// and the default. Paths 0→1→2→3 (cost 3), 0→2→3 and 0→1→3 (4), 0→3 (7) carry 7, 5, 3
    /// and 15: 158, with bundle prices 1, 1, 2 (each two-arc path prices out at 7 = 4 + 1 + 2,
    /// the three-arc one at 3 + 1 + 1 + 2).
    func testThreeBindingBundlesHandChecked() {
        var g = MinCostFlowProblem(nodeCount: 4)
        g.setSupply(0, 30); g.setSupply(3, -30)
        let a01 = g.addArc(from: 0, to: 1, capacity: 100, cost: 1)
        let a12 = g.addArc(from: 1, to: 2, capacity: 100, cost: 1)
        let a23 = g.addArc(from: 2, to: 3, capacity: 100, cost: 1)
        let b02 = g.addArc(from: 0, to: 2, capacity: 100, cost: 3)
        let b13 = g.addArc(from: 1, to: 3, capacity: 100, cost: 3)
        let a03 = g.addArc(from: 0, to: 3, capacity: 100, cost: 7)
        var p = BundledFlowProblem(commodities: [g])
        p.addBundle(capacity: 10, members: [(0, a01)])
        p.addBundle(capacity: 12, members: [(0, a12), (0, b02)])
        p.addBundle(capacity: 15, members: [(0, a23), (0, b13)])
        for border in [0, 1, PartitionEngine.defaultMaxBorder] {
            var solver = PrimalPartitioningSimplex()
            solver.maxBorder = border
            solver.checkSolves = true
            let r = solver.solve(p)
            XCTAssertEqual(r.status, .optimal, "border \(border)")
            XCTAssertLessThan(r.worstSolveResidual, 1e-12, "border \(border)")
            XCTAssertEqual(r.objective, 158, accuracy: 1e-9, "border \(border)")
            let f = r.flow[0]
            for (arc, expected) in [(a01, 10.0), (a12, 7), (a23, 12), (b02, 5), (b13, 3), (a03, 15)] {
                XCTAssertEqual(f[Int(arc)], expected, accuracy: 1e-9, "border \(border), arc \(arc)")
            }
            XCTAssertEqual(r.bundlePrice.count, 3)
            for (got, expected) in zip(r.bundlePrice, [1.0, 1, 2]) {
                XCTAssertEqual(got, expected, accuracy: 1e-9, "border \(border)")
            }
            XCTAssertEqual(r.workingBasisSize, 3, "border \(border)")
        }
    }
}
