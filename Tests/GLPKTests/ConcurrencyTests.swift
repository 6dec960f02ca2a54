import Dispatch
import Foundation
import XCTest
@testable import GLPK

/// Thread-safe result slots for `concurrentPerform`.
final class Slots<T>: @unchecked Sendable {
    private var values: [T?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T? {
        get { lock.withLock { values[i] } }
        set { lock.withLock { values[i] = newValue } }
    }
}

final class ConcurrencyTests: XCTestCase {
    /// 200 different LPs and 50 min-cost flows solved in parallel, each checked against its
    /// known optimum.
    ///
    /// LP i: lp1 with right-hand sides scaled by k = 1 + i % 17 → optimum 9k at (3k, k, 0)
    /// (the polyhedron scales with k); methods rotate between primal, dual and interior point.
    /// Flow j: the DIMACS diamond (two paths 0-1-3 cost 8 and 0-2-3 cost 9, capacity 10 per arc)
    /// with supply s = 1 + j % 20: cost 8s for s ≤ 10, else 80 + 9(s − 10).
    func testParallelSolves() throws {
        let lpCount = 200, flowCount = 50
        let results = Slots<String>(count: lpCount + flowCount)
        let methods: [LinearProgram.SolveOptions.Method] = [.primalSimplex, .dualSimplex, .interiorPoint, .automatic]
        DispatchQueue.concurrentPerform(iterations: lpCount + flowCount) { t in
            do {
                if t < lpCount {
                    let k = Double(1 + t % 17)
                    let method = methods[t % methods.count]
                    let s = try Fixtures.lp1(scale: k).solve(.init(method: method, presolve: t % 2 == 0)).requireOptimal()
                    let ok = abs(s.objective - 9 * k) < 1e-6 * k && abs(s.columnValues[0] - 3 * k) < 1e-5 * k
                        && abs(s.columnValues[1] - k) < 1e-5 * k
                    results[t] = ok ? "ok" : "LP \(t): objective \(s.objective), expected \(9 * k)"
                } else {
                    let j = t - lpCount
                    let supply = Double(1 + j % 20)
                    let expected = supply <= 10 ? 8 * supply : 80 + 9 * (supply - 10)
                    let r = try GLPKMinCostFlow.solve(
                        nodeCount: 4, supply: [supply, 0, 0, -supply], tails: [0, 0, 1, 2], heads: [1, 2, 3, 3],
                        upper: [10, 10, 10, 10], cost: [5, 2, 3, 7], method: j % 2 == 0 ? .outOfKilter : .simplex)
                    results[t] = r.status == .optimal && r.objective == expected
                        ? "ok" : "flow \(j): \(r.status) \(r.objective), expected \(expected)"
                }
                XCTAssertEqual(GLPKEnvironment.liveProblemsOnCurrentThread, 0)
            } catch {
                results[t] = "task \(t) threw \(error)"
            }
        }
        for t in 0 ..< lpCount + flowCount {
            XCTAssertEqual(results[t], "ok", "task \(t)")
        }
    }

    /// Thread-confined problems on several threads at once, each with its own edits.
    func testParallelOwnedProblems() throws {
        let results = Slots<Double>(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { t in
            do {
                let k = Double(t + 1)
                let problem = try GLPKProblem(Fixtures.lp1(scale: k))
                _ = try problem.solve()
                try problem.setObjectiveCoefficient(1, 1)       // → 4k at (0, 4k, 0)
                results[t] = try problem.solve().requireOptimal().objective
            } catch {
                results[t] = .nan
            }
            GLPKEnvironment.releaseCurrentThread()
        }
        for t in 0 ..< 16 {
            XCTAssertEqual(results[t] ?? .nan, 4 * Double(t + 1), accuracy: 1e-9)
        }
    }
}
