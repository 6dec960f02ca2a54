import FuelFlowModel
import GLPK
@testable import Planner
import XCTest

/// The GLPK basis the planner derives from the per-product optimal spanning trees (lp-warm's
/// start and the MIP's root): it must be dual feasible for the full LP, so that GLPK's dual
/// simplex starts in its phase II and only repairs the shared rows.
final class WarmBasisTests: XCTestCase {
    /// On the example and on generated networks with safety levels (stock that sits exactly on
    /// the level was mapped to a dual-infeasible basis before: 4,493 example rows), GLPK's
    /// reduced costs and row duals of the basis before any pivot have the signs the statuses
    /// need. (The duals themselves can differ from the network simplex's potentials where the
    /// tree joins parts by crossing arcs: they are not unique there.)
    func testRelaxationBasisIsDualFeasible() throws {
        var nets = [try NetworkLoader.load(from: PlanCLITests.packageRoot.appendingPathComponent("data/example").path)]
        for seed: UInt64 in 11...16 {
            var c = GeneratorConfig(preset: .small, seed: seed)
            c.days = 4 + Int(seed % 3); c.stations = 25; c.historyDays = 0
            nets.append(NetworkGenerator.generate(c))
        }
        var atLevel = 0
        for (k, net) in nets.enumerated() {
            let m = PlanModel(net)
            let sc = try FlowScaling.choose(for: m).get()
            let out = FlowRoute.solve(m, scaling: sc, relaxCoupling: false, threads: 2, wantBasis: true)
            let basis = try XCTUnwrap(out.basis)
            XCTAssertTrue(basis.ok.allSatisfy { $0 }, "network \(k)")
            for (s, st) in net.storage.enumerated() where st.safetyM3 > 0 {
                for t in 1...m.T where abs(out.x[m.storageBase + s * m.T + t - 1] - st.safetyM3) < 1e-9 { atLevel += 1 }
            }
            let problem = try GLPKProblem(m.linearProgram())
            try problem.setBasis(rows: (0..<m.rowCount).map { Planner.status(basis.row[$0]) },
                                 columns: (0..<m.columnCount).map { Planner.status(basis.column[$0]) })
            var first = LinearProgram.SolveOptions(method: .dualSimplex, iterationLimit: 0)
            first.scaling = false
            let start = try problem.solve(first)
            XCTAssertEqual(start.iterations, 0)
            let tol = 1e-6
            var wrong = 0
            for i in m.laneCapacityBase..<m.rowCount {
                // Shared rows (≤) keep basic slacks; safety rows (≥) are basic or tight.
                switch basis.row[i] {
                case 2: if start.rowDuals[i] != 0 { wrong += 1 }
                case 0: if start.rowDuals[i] < -tol || i < m.safetyRowBase { wrong += 1 }
                default: wrong += 1
                }
            }
            for j in 0..<m.columnCount {
                let d = start.reducedCosts[j]
                switch basis.column[j] {
                case 0: if d < -tol { wrong += 1 }
                case 1: if d > tol { wrong += 1 }
                case 2: if abs(d) > tol { wrong += 1 }
                default: break
                }
            }
            XCTAssertEqual(wrong, 0, "network \(k): \(wrong) reduced costs with the wrong sign")
            // And the dual simplex from there reaches the LP optimum (the example's cold LP takes
            // 14 s: generated networks only).
            if k == 0 { continue }
            let lp = try Planner.plan(net, options: PlanOptions(method: .lp))
            let warm = try problem.solve(.init(method: .dualSimplex))
            XCTAssertEqual(warm.status, .optimal)
            XCTAssertTrue(relClose(lp.objective, warm.objective), "network \(k): lp \(lp.objective) warm \(warm.objective)")
        }
        XCTAssertGreaterThan(atLevel, 100, "stock on the safety level is the case this guards")
    }
}
