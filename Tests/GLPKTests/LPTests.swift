import XCTest
@testable import GLPK

/// Shared fixtures.
enum Fixtures {
    /// min 2x + 3y + 5z
    ///   r0: x +  y + z ≥ 4
    ///   r1: x + 3y + z ≥ 6,   x, y, z ≥ 0
    ///
    /// Hand computation: vertices of {x+y ≥ 4, x+3y ≥ 6} are (6,0)→12, (3,1)→9, (0,4)→12, so
    /// x = 3, y = 1, z = 0, objective 9. Duals from the basic columns x, y:
    ///   λ0 + λ1 = 2, λ0 + 3λ1 = 3  ⇒  λ1 = 0.5, λ0 = 1.5.
    /// Reduced costs d = c − Aᵀλ: d_x = d_y = 0, d_z = 5 − (1.5 + 0.5) = 3.
    static func lp1(scale k: Double = 1) -> LinearProgram {
        var lp = LinearProgram(name: "lp1")
        let x = lp.addColumn(name: "x", objective: 2)
        let y = lp.addColumn(name: "y", objective: 3)
        let z = lp.addColumn(name: "z", objective: 5)
        lp.addRow(name: "r0", bounds: .atLeast(4 * k), coefficients: [(x, 1), (y, 1), (z, 1)])
        lp.addRow(name: "r1", bounds: .atLeast(6 * k), coefficients: [(x, 1), (y, 3), (z, 1)])
        return lp
    }

    /// max 3x + 2y
    ///   r0: x +  y ≤ 4
    ///   r1: x + 3y ≤ 7,   0 ≤ x ≤ 3, y ≥ 0
    ///
    /// Hand computation: vertices (0,0)→0, (3,0)→9, (3,1)→11, (2.5,1.5)→10.5, (0,7/3)→4.67;
    /// optimum x = 3 (at its upper bound), y = 1, objective 11; r1 has slack (6 < 7) so λ1 = 0.
    /// y basic: 2 = λ0·1 ⇒ λ0 = 2. d_x = 3 − λ0 = 1 (> 0 at the upper bound of a max problem).
    static func lp2() -> LinearProgram {
        var lp = LinearProgram(direction: .maximize)
        let x = lp.addColumn(name: "x", bounds: .between(0, 3), objective: 3)
        let y = lp.addColumn(name: "y", objective: 2)
        lp.addRow(name: "r0", bounds: .atMost(4), coefficients: [(x, 1), (y, 1)])
        lp.addRow(name: "r1", bounds: .atMost(7), coefficients: [(x, 1), (y, 3)])
        return lp
    }

    /// Infeasible: x + y ≤ 1 and x + y ≥ 3 with x, y ≥ 0.
    static func infeasible() -> LinearProgram {
        var lp = LinearProgram()
        let x = lp.addColumn(objective: 1)
        let y = lp.addColumn(objective: 1)
        lp.addRow(bounds: .atMost(1), coefficients: [(x, 1), (y, 1)])
        lp.addRow(bounds: .atLeast(3), coefficients: [(x, 1), (y, 1)])
        return lp
    }

    /// Unbounded: min −x − y s.t. x − y ≤ 1, x, y ≥ 0 (ray x = y → ∞).
    static func unbounded() -> LinearProgram {
        var lp = LinearProgram()
        let x = lp.addColumn(objective: -1)
        let y = lp.addColumn(objective: -1)
        lp.addRow(bounds: .atMost(1), coefficients: [(x, 1), (y, -1)])
        return lp
    }
}

func assertClose(_ a: Double, _ b: Double, tol: Double = 1e-7, _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a, b, accuracy: tol * max(1, abs(b)), msg, file: file, line: line)
}

func assertClose(_ a: [Double], _ b: [Double], tol: Double = 1e-7, _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "length \(msg)", file: file, line: line)
    for (u, v) in zip(a, b) { assertClose(u, v, tol: tol, "\(a) vs \(b) \(msg)", file: file, line: line) }
}

final class LPTests: XCTestCase {
    let simplexMethods: [LinearProgram.SolveOptions.Method] = [.primalSimplex, .dualSimplex, .automatic, .exactSimplex]

    func testMinimisationWithDualsAndReducedCosts() throws {
        for method in simplexMethods {
            for (presolve, scaling) in [(false, false), (true, false), (false, true)] {
                var options = LinearProgram.SolveOptions(method: method, presolve: presolve)
                options.scaling = scaling  // GLPK's scaling: values and duals come back unscaled
                let s = try Fixtures.lp1(scale: 1).solve(options).requireOptimal()
                let tag = "\(method) presolve=\(presolve) scaling=\(scaling)"
                XCTAssertEqual(s.status, .optimal, tag)
                XCTAssertEqual(s.algorithm, .simplex)
                assertClose(s.objective, 9, tag)
                assertClose(s.columnValues, [3, 1, 0], tag)
                assertClose(s.rowActivities, [4, 6], tag)
                assertClose(s.rowDuals, [1.5, 0.5], tag)
                assertClose(s.reducedCosts, [0, 0, 3], tag)
                XCTAssertGreaterThanOrEqual(s.seconds, 0)
            }
        }
    }

    func testInteriorPointMatchesHandSolution() throws {
        let s = try Fixtures.lp1().solve(.init(method: .interiorPoint)).requireOptimal()
        XCTAssertEqual(s.algorithm, .interiorPoint)
        assertClose(s.objective, 9, tol: 1e-6)
        assertClose(s.columnValues, [3, 1, 0], tol: 1e-5)
        assertClose(s.rowDuals, [1.5, 0.5], tol: 1e-5)
        assertClose(s.reducedCosts, [0, 0, 3], tol: 1e-5)
    }

    func testMaximisation() throws {
        for method in simplexMethods + [.interiorPoint] {
            let s = try Fixtures.lp2().solve(.init(method: method)).requireOptimal()
            let tol = method == .interiorPoint ? 1e-5 : 1e-9
            assertClose(s.objective, 11, tol: tol, "\(method)")
            assertClose(s.columnValues, [3, 1], tol: tol, "\(method)")
            assertClose(s.rowActivities, [4, 6], tol: tol, "\(method)")
            assertClose(s.rowDuals, [2, 0], tol: tol, "\(method)")
            assertClose(s.reducedCosts, [1, 0], tol: tol, "\(method)")
        }
    }

    /// min x − y + 0·z + 10 (constant)
    ///   r0: x − z ≥ −1
    ///   r1: x + y ≤ 10,   x free, 1 ≤ y ≤ 5, z fixed at 2
    ///
    /// Hand computation: y wants to be large → y = 5 (upper); x wants to be small → r0 gives
    /// x ≥ z − 1 = 1, so x = 1; r1 = 6 < 10 (slack, λ1 = 0). Objective 1 − 5 + 10 = 6.
    /// x free and basic: d_x = 1 − λ0 = 0 ⇒ λ0 = 1. d_y = −1 (≤ 0 at upper, min problem),
    /// d_z = 0 − λ0·(−1) = 1.
    func testFreeFixedAndDoubleBoundedVariables() throws {
        var lp = LinearProgram(objectiveConstant: 10)
        let x = lp.addColumn(name: "x", bounds: .free, objective: 1)
        let y = lp.addColumn(name: "y", bounds: .between(1, 5), objective: -1)
        let z = lp.addColumn(name: "z", bounds: .fixed(2), objective: 0)
        lp.addRow(bounds: .atLeast(-1), coefficients: [(x, 1), (z, -1)])
        lp.addRow(bounds: .atMost(10), coefficients: [(x, 1), (y, 1)])
        for method in simplexMethods + [.interiorPoint] {
            for presolve in [false, true] where !(presolve && method == .interiorPoint) {
                let s = try lp.solve(.init(method: method, presolve: presolve)).requireOptimal()
                let tol = method == .interiorPoint ? 1e-5 : 1e-9
                assertClose(s.objective, 6, tol: tol, "\(method)")
                assertClose(s.columnValues, [1, 5, 2], tol: tol, "\(method)")
                assertClose(s.rowActivities, [-1, 6], tol: tol, "\(method)")
                assertClose(s.rowDuals, [1, 0], tol: tol, "\(method)")
                assertClose(s.reducedCosts, [0, -1, 1], tol: tol, "\(method)")
            }
        }
    }

    func testRangeRowAndFreeRow() throws {
        // min x s.t. 2 ≤ x + y ≤ 3 (range row), free row x − y (no bounds), y ≤ 1.5.
        // x = 2 − y is smallest with y = 1.5 → x = 0.5, objective 0.5; free row value −1.
        var lp = LinearProgram()
        let x = lp.addColumn(objective: 1)
        let y = lp.addColumn(bounds: .between(0, 1.5))
        lp.addRow(bounds: .between(2, 3), coefficients: [(x, 1), (y, 1)])
        lp.addRow(bounds: .free, coefficients: [(x, 1), (y, -1)])
        let s = try lp.solve().requireOptimal()
        assertClose(s.objective, 0.5)
        assertClose(s.columnValues, [0.5, 1.5])
        assertClose(s.rowActivities, [2, -1])
    }

    func testInfeasibleReportedByEveryMethod() throws {
        for method in simplexMethods + [.interiorPoint] {
            for presolve in [false, true] {
                let s = try Fixtures.infeasible().solve(.init(method: method, presolve: presolve))
                XCTAssertEqual(s.status, .infeasible, "\(method) presolve=\(presolve)")
                XCTAssertThrowsError(try s.requireOptimal()) { e in
                    XCTAssertEqual(e as? GLPKError, .infeasible)
                    XCTAssertEqual("\(e)", "the LP is infeasible (no primal feasible solution)")
                }
            }
        }
    }

    func testUnboundedReportedByEveryMethod() throws {
        for method in simplexMethods + [.interiorPoint] {
            for presolve in [false, true] {
                let s = try Fixtures.unbounded().solve(.init(method: method, presolve: presolve))
                XCTAssertEqual(s.status, .unbounded, "\(method) presolve=\(presolve)")
                XCTAssertThrowsError(try s.requireOptimal()) { e in
                    XCTAssertEqual(e as? GLPKError, .unbounded)
                    XCTAssertEqual("\(e)", "the LP is unbounded (no dual feasible solution)")
                }
            }
        }
    }

    func testIterationLimit() throws {
        // A zero iteration limit cannot reach the optimum of lp1 from the slack basis.
        let s = try Fixtures.lp1().solve(.init(method: .primalSimplex, iterationLimit: 0))
        XCTAssertEqual(s.termination, .iterationLimit)
        XCTAssertNotEqual(s.status, .optimal)
        XCTAssertThrowsError(try s.requireOptimal()) { e in
            XCTAssertEqual(e as? GLPKError, .iterationLimit(0))
        }
    }

    func testEmptyModel() throws {
        var lp = LinearProgram(objectiveConstant: 4)
        var s = try lp.solve().requireOptimal()
        assertClose(s.objective, 4)
        lp.addColumn(bounds: .between(0, 1), objective: -1)
        s = try lp.solve(.init(method: .interiorPoint)).requireOptimal()
        assertClose(s.objective, 3)
    }

    func testRowsWithoutColumns() throws {
        var lp = LinearProgram()
        lp.addRow(bounds: .atMost(1))
        for method in simplexMethods + [.interiorPoint, .branchAndCut] {
            XCTAssertEqual(try lp.solve(.init(method: method)).status, .optimal, "\(method)")
        }
        lp.addRow(bounds: .atLeast(1))   // activity 0 ≥ 1 is impossible
        for method in simplexMethods + [.interiorPoint, .branchAndCut] {
            XCTAssertEqual(try lp.solve(.init(method: method)).status, .infeasible, "\(method)")
        }
    }

    func testCSRMatrixEqualsTriplets() throws {
        let csr = try LinearProgram.Matrix(rowStarts: [0, 3, 6], columnIndices: [0, 1, 2, 0, 1, 2],
                                           values: [1, 1, 1, 1, 3, 1])
        XCTAssertEqual(csr, Fixtures.lp1().matrix)
        XCTAssertThrowsError(try LinearProgram.Matrix(rowStarts: [0, 4], columnIndices: [0], values: [1]))
    }

    func testLargeModelLoadsInBulk() throws {
        // 20 000 × 20 000 with 1 000 000 nonzeros (50 per row); must validate and load quickly.
        let m = 20_000, n = 20_000, perRow = 50
        var lp = LinearProgram()
        lp.columns = [LinearProgram.Column](repeating: .init(bounds: .between(0, 1), objective: -1), count: n)
        lp.rows = [LinearProgram.Row](repeating: .init(bounds: .atMost(10)), count: m)
        lp.matrix.reserveCapacity(m * perRow)
        for i in 0 ..< m {
            for t in 0 ..< perRow { lp.matrix.append(row: i, column: (i * 7 + t * 401) % n, value: 1) }
        }
        let start = ContinuousClock.now
        let problem = try GLPKProblem(lp)
        let elapsed = start.duration(to: .now)
        XCTAssertEqual(problem.rowCount, m)
        XCTAssertEqual(problem.columnCount, n)
        XCTAssertEqual(problem.model().matrix.count, m * perRow)
        XCTAssertLessThan(elapsed, .seconds(20), "bulk load took \(elapsed)")
    }
}
