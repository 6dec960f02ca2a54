import XCTest
@testable import GLPK

final class ValidationTests: XCTestCase {
    func assertInvalid(_ lp: LinearProgram, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try lp.solve(), file: file, line: line) { e in
            XCTAssertEqual(e as? GLPKError, .invalidModel(expected), file: file, line: line)
        }
        XCTAssertThrowsError(try GLPKProblem(lp), file: file, line: line)
        XCTAssertThrowsError(try lp.write(to: "/tmp/never-written.lp", format: .cplexLP), file: file, line: line)
    }

    func testLowerAboveUpperOnRow() {
        var lp = LinearProgram()
        lp.addColumn()
        for _ in 0 ..< 3 { lp.addRow(bounds: .atMost(1), coefficients: [(0, 1)]) }
        lp.addRow(bounds: .between(5, 2), coefficients: [(0, 1)])
        assertInvalid(lp, "row 3 has lower bound 5 > upper bound 2")
        XCTAssertEqual("\(GLPKError.invalidModel("row 3 has lower bound 5 > upper bound 2"))",
                       "bad data: row 3 has lower bound 5 > upper bound 2")
    }

    func testBadColumnBoundsAndObjective() {
        var lp = LinearProgram()
        lp.addColumn(name: "x", bounds: .between(1, 0))
        assertInvalid(lp, "column 0 (x) has lower bound 1 > upper bound 0")
        lp.columns[0].bounds = .atLeast(.nan)
        assertInvalid(lp, "column 0 (x) has lower bound NaN")
        lp.columns[0].bounds = .atMost(-.infinity)
        assertInvalid(lp, "column 0 (x) has upper bound -infinity")
        lp.columns[0].bounds = .atLeast(.infinity)
        assertInvalid(lp, "column 0 (x) has lower bound +infinity")
        lp.columns[0].bounds = .nonNegative
        lp.columns[0].objective = .nan
        assertInvalid(lp, "column 0 (x) has objective coefficient nan")
        lp.columns[0].objective = 1
        lp.objectiveConstant = .infinity
        assertInvalid(lp, "objective constant is inf")
    }

    func testNaNCoefficient() {
        var lp = Fixtures.lp1()
        lp.matrix.values[4] = .nan
        assertInvalid(lp, "matrix entry 4 (row 1, column 1) has coefficient nan")
        lp.matrix.values[4] = -.infinity
        assertInvalid(lp, "matrix entry 4 (row 1, column 1) has coefficient -inf")
    }

    func testIndexOutOfRange() {
        var lp = Fixtures.lp1()
        lp.matrix.append(row: 2, column: 0, value: 1)
        assertInvalid(lp, "matrix entry 6: row index 2 out of range 0..<2")
        lp = Fixtures.lp1()
        lp.matrix.append(row: 0, column: -1, value: 1)
        assertInvalid(lp, "matrix entry 6: column index -1 out of range 0..<3")
        lp = Fixtures.lp1()
        lp.matrix.values.removeLast()
        assertInvalid(lp, "matrix arrays have different lengths (rows 6, columns 6, values 5)")
    }

    func testDuplicateEntry() {
        var lp = Fixtures.lp1()
        lp.matrix.append(row: 1, column: 2, value: 7)
        assertInvalid(lp, "duplicate matrix entry at row 1, column 2")
    }

    func testBadNames() {
        var lp = Fixtures.lp1()
        lp.columns[1].name = String(repeating: "n", count: 256)
        assertInvalid(lp, "column 1 name is longer than 255 bytes")
        lp = Fixtures.lp1()
        lp.rows[0].name = "a\tb"
        assertInvalid(lp, "row 0 name contains control characters")
    }

    func testBadOptions() {
        XCTAssertThrowsError(try Fixtures.lp1().solve(.init(timeLimit: -1))) { e in
            guard case .invalidArgument? = e as? GLPKError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try Fixtures.lp1().solve(.init(mipGap: .nan)))
        XCTAssertThrowsError(try Fixtures.lp1().solve(.init(iterationLimit: -3)))
    }

    func testEveryErrorHasAOneLineMessage() {
        let all: [GLPKError] = [
            .invalidModel("m"), .invalidArgument("a"), .invalidBasis, .singularMatrix, .illConditionedBasis,
            .incorrectBounds, .solverFailed("s"), .objectiveLowerLimitReached, .objectiveUpperLimitReached,
            .iterationLimit(7), .timeLimit(seconds: 1.5), .infeasible, .unbounded, .rootRelaxationNotOptimal,
            .stopped, .mipGapReached(0.1), .noPrimalDualFeasibleSolution, .noConvergence, .numericalInstability,
            .invalidData("d"), .overflow("o"), .notOptimal("n"), .file(path: "p", message: "m"), .unknownReturnCode(99),
        ]
        for e in all {
            XCTAssertFalse(e.description.isEmpty)
            XCTAssertFalse(e.description.contains("\n"))
        }
        XCTAssertEqual(GLPKError.illConditionedBasis.description, "numerical trouble: ill-conditioned basis (GLP_ECOND)")
        XCTAssertEqual(GLPKError.iterationLimit(7).description, "iteration limit of 7 reached")
        XCTAssertEqual(GLPKError.timeLimit(seconds: 1.5).description, "time limit of 1.5 s reached")
        // Every GLPK return code maps to a distinct typed error.
        let codes: [Int32] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
                              0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13]
        let mapped = codes.map { GLPKError.from(returnCode: $0, routine: "r")! }
        XCTAssertEqual(Set(mapped.map(\.description)).count, codes.count)
        XCTAssertNil(GLPKError.from(returnCode: 0, routine: "r"))
        XCTAssertEqual(GLPKError.from(returnCode: 0x42, routine: "r"), .unknownReturnCode(0x42))
    }
}

final class GLPKProblemTests: XCTestCase {
    /// Incremental edits on lp1 (min 2x + 3y + 5z, x+y+z ≥ 4, x+3y+z ≥ 6):
    /// 1. as is → 9 at (3, 1, 0).
    /// 2. cost of y := 1 → vertices (6,0) 12, (3,1) 7, (0,4) 4 → 4 at (0, 4, 0).
    /// 3. y ≤ 3 → x ≥ 1 from row 0; (1, 3): x + 3y = 10 ≥ 6 → 2 + 3 = 5.
    /// 4. new row x ≥ 2 → y ≥ max(4 − x, (6 − x)/3) = 2 at x = 2 → 4 + 2 = 6 at (2, 2, 0);
    ///    row 0 and the new row are binding, row 1 (x + 3y = 8) is basic.
    func testIncrementalEditsWithWarmStart() throws {
        let problem = try GLPKProblem(Fixtures.lp1())
        XCTAssertEqual(GLPKEnvironment.liveProblemsOnCurrentThread, 1)
        var s = try problem.solve(.init(method: .dualSimplex)).requireOptimal()
        assertClose(s.objective, 9)
        XCTAssertGreaterThan(s.iterations, 0)

        try problem.setObjectiveCoefficient(1, 1)
        s = try problem.solve(.init(method: .primalSimplex)).requireOptimal()
        assertClose(s.objective, 4)
        assertClose(s.columnValues, [0, 4, 0])

        try problem.setColumnBounds(1, .between(0, 3))
        s = try problem.solve(.init(method: .dualSimplex)).requireOptimal()
        assertClose(s.objective, 5)
        assertClose(s.columnValues, [1, 3, 0])
        XCTAssertLessThanOrEqual(s.iterations, 3, "warm start should need few pivots")

        let first = try problem.addRows([.init(name: "xmin", bounds: .atLeast(2))],
                                        matrix: .init(rowIndices: [0], columnIndices: [0], values: [1]))
        XCTAssertEqual(first, 2)
        XCTAssertEqual(problem.rowCount, 3)
        s = try problem.solve(.init(method: .dualSimplex)).requireOptimal()
        assertClose(s.objective, 6)
        assertClose(s.columnValues, [2, 2, 0])
        assertClose(s.rowActivities, [4, 8, 2])
        XCTAssertEqual(try problem.rowStatus(0), .atLower)
        XCTAssertEqual(try problem.rowStatus(1), .basic)
        XCTAssertEqual(try problem.rowStatus(2), .atLower)
        XCTAssertEqual(try problem.columnStatus(0), .basic)
        XCTAssertEqual(try problem.columnStatus(1), .basic)
        XCTAssertEqual(try problem.columnStatus(2), .atLower)

        try problem.setRowBounds(2, .atLeast(1))   // relax: back to 5 at (1, 3)
        s = try problem.solve().requireOptimal()
        assertClose(s.objective, 5)

        let model = problem.model()
        XCTAssertEqual(model.rows.count, 3)
        XCTAssertEqual(model.rows[2].name, "xmin")
        XCTAssertEqual(model.columns[1].bounds, .between(0, 3))
        XCTAssertEqual(model.columns[1].objective, 1)
        assertClose(try model.solve().requireOptimal().objective, 5)
    }

    /// Column generation as the decomposition uses it: columns added in batches to a live problem
    /// (each re-solve warm, primal simplex), idle columns deleted; the objective after every step
    /// equals a from-scratch solve of the same columns, and is never below the full model's.
    func testAddAndDeleteColumnsMatchFromScratchSolves() throws {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        for _ in 0..<20 {
            let m = 6, n = 30
            // min c·x, A x ≥ b with A ≥ 0; columns 0..<m are expensive slacks (identity) so every
            // restriction containing them is feasible.
            var full = LinearProgram(direction: .minimize)
            for _ in 0..<m { full.rows.append(.init(bounds: .atLeast(1 + 9 * next()))) }
            var columns: [(LinearProgram.Column, [(Int, Double)])] = []
            for i in 0..<m { columns.append((.init(bounds: .nonNegative, objective: 1000), [(i, 1)])) }
            for _ in 0..<n {
                var entries: [(Int, Double)] = []
                for i in 0..<m where next() < 0.5 { entries.append((i, 1 + 4 * next())) }
                columns.append((.init(bounds: next() < 0.3 ? .between(0, 2) : .nonNegative, objective: 1 + 9 * next()), entries))
            }
            func model(_ cols: [(LinearProgram.Column, [(Int, Double)])]) -> LinearProgram {
                var lp = full
                for (j, (c, e)) in cols.enumerated() {
                    lp.columns.append(c)
                    for (i, v) in e { lp.matrix.append(row: i, column: j, value: v) }
                }
                return lp
            }
            let problem = try GLPKProblem(model(Array(columns[0..<m])))
            var loaded = Array(columns[0..<m])
            assertClose(try problem.solve(.init(method: .primalSimplex)).requireOptimal().objective,
                        try model(loaded).solve().requireOptimal().objective)
            var k = m
            while k < columns.count {
                let batch = Array(columns[k..<min(columns.count, k + 7)])
                var mat = LinearProgram.Matrix()
                for (j, (_, e)) in batch.enumerated() { for (i, v) in e { mat.append(row: i, column: j, value: v) } }
                let first = try problem.addColumns(batch.map(\.0), matrix: mat)
                XCTAssertEqual(first, loaded.count)
                loaded += batch
                k += batch.count
                let warm = try problem.solve(.init(method: .primalSimplex)).requireOptimal()
                assertClose(warm.objective, try model(loaded).solve().requireOptimal().objective)
                // Delete the nonbasic columns at 0 (not the slacks): same optimum.
                var drop: [Int] = []
                for j in m..<loaded.count where try problem.columnStatus(j) == .atLower { drop.append(j) }
                try problem.deleteColumns(drop.reversed())
                // Every kept column sits where `columnIndex(_:afterDeleting:)` says.
                let now = problem.model()
                for j in loaded.indices where !drop.contains(j) {
                    XCTAssertEqual(now.columns[GLPKProblem.columnIndex(j, afterDeleting: drop)].objective, loaded[j].0.objective)
                }
                loaded = loaded.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
                XCTAssertEqual(problem.columnCount, loaded.count)
                let after = try problem.solve(.init(method: .primalSimplex)).requireOptimal()
                assertClose(after.objective, warm.objective)
                XCTAssertEqual(after.iterations, 0, "deleting nonbasic columns keeps the optimal basis")
            }
            // Never below the full model's optimum (the deleted columns are missing).
            XCTAssertGreaterThanOrEqual(try problem.solve().requireOptimal().objective,
                                        try model(columns).solve().requireOptimal().objective - 1e-9)
        }
    }

    func testColumnEditArgumentsAreValidated() throws {
        let problem = try GLPKProblem(Fixtures.lp1())
        XCTAssertThrowsError(try problem.addColumns([.init(bounds: .between(1, 0))], matrix: .init())) { e in
            XCTAssertEqual("\(e)", "invalid argument: new column 0 has lower bound 1 > upper bound 0")
        }
        XCTAssertThrowsError(try problem.addColumns([.init(objective: .nan)], matrix: .init()))
        XCTAssertThrowsError(try problem.addColumns([.init()], matrix: .init(rowIndices: [2], columnIndices: [0], values: [1])))
        XCTAssertThrowsError(try problem.addColumns([.init()], matrix: .init(rowIndices: [0], columnIndices: [1], values: [1])))
        XCTAssertThrowsError(try problem.deleteColumns([3])) { e in
            XCTAssertEqual("\(e)", "invalid argument: column index 3 out of range 0..<3")
        }
        XCTAssertThrowsError(try problem.deleteColumns([1, 1])) { e in
            XCTAssertEqual("\(e)", "invalid argument: column 1 listed twice")
        }
        XCTAssertEqual(problem.columnCount, 3, "failed edits must not change the problem")
        assertClose(try problem.solve().requireOptimal().objective, 9)
        // Deleting a basic column leaves an invalid basis: the warm simplex refuses it.
        let basic = try XCTUnwrap((0..<3).first { try problem.columnStatus($0) == .basic })
        try problem.deleteColumns([basic])
        XCTAssertThrowsError(try problem.solve(.init(method: .primalSimplex))) { e in
            XCTAssertEqual(e as? GLPKError, .invalidBasis, "\(e)")
        }
    }

    func testEditArgumentsAreValidated() throws {
        let problem = try GLPKProblem(Fixtures.lp1())
        XCTAssertThrowsError(try problem.setColumnBounds(3, .free)) { e in
            XCTAssertEqual("\(e)", "invalid argument: column index 3 out of range 0..<3")
        }
        XCTAssertThrowsError(try problem.setRowBounds(-1, .free))
        XCTAssertThrowsError(try problem.setColumnBounds(0, .between(2, 1))) { e in
            XCTAssertEqual("\(e)", "invalid argument: column 0 has lower bound 2 > upper bound 1")
        }
        XCTAssertThrowsError(try problem.setObjectiveCoefficient(0, .infinity))
        XCTAssertThrowsError(try problem.addRows([.init(bounds: .free)],
                                                 matrix: .init(rowIndices: [0, 0], columnIndices: [1, 1], values: [1, 2])))
        XCTAssertThrowsError(try problem.addRows([.init(bounds: .free)],
                                                 matrix: .init(rowIndices: [1], columnIndices: [1], values: [1])))
        XCTAssertThrowsError(try problem.columnStatus(9))
        XCTAssertEqual(problem.rowCount, 2, "failed edits must not change the problem")
        assertClose(try problem.solve().requireOptimal().objective, 9)
    }

    func testOneShotSolveDoesNotFreeEnvironmentUnderLiveProblem() throws {
        XCTAssertEqual(GLPKEnvironment.liveProblemsOnCurrentThread, 0)
        do {
            let problem = try GLPKProblem(Fixtures.lp2())
            XCTAssertFalse(GLPKEnvironment.releaseCurrentThread())
            // A one-shot solve on the same thread must leave `problem` intact.
            assertClose(try Fixtures.lp1().solve().requireOptimal().objective, 9)
            assertClose(try problem.solve().requireOptimal().objective, 11)
            assertClose(try Fixtures.lp1().solve().requireOptimal().objective, 9)
            assertClose(try problem.solve().requireOptimal().objective, 11)
        }
        XCTAssertEqual(GLPKEnvironment.liveProblemsOnCurrentThread, 0)
        XCTAssertTrue(GLPKEnvironment.releaseCurrentThread())
        XCTAssertTrue(GLPKEnvironment.version.hasPrefix("5."))
    }

    func testMIPOnOwnedProblem() throws {
        let problem = try GLPKProblem(MIPTests.knapsack())
        assertClose(try problem.solve().requireOptimal().objective, 23)
        try problem.setColumnBounds(1, .fixed(0))   // forbid item b
        // Without b (a+c+d weighs 12 > 10): {a,d} w9 → 18, {a,c} w7 → 17, {c,d} w8 → 15 → 18.
        assertClose(try problem.solve().requireOptimal().objective, 18)
    }

    func testOwnershipIsPerThread() throws {
        final class Box: @unchecked Sendable {
            let problem: GLPKProblem
            init(_ p: GLPKProblem) { problem = p }
        }
        let box = Box(try GLPKProblem(Fixtures.lp1()))
        XCTAssertTrue(box.problem.isOwnedByCurrentThread)
        let done = expectation(description: "other thread")
        let seen = Slots<Bool>(count: 1)
        Thread { [unowned box] in   // unowned: the problem must be released on this (owner) thread
            seen[0] = box.problem.isOwnedByCurrentThread   // any other call here would trap
            done.fulfill()
        }.start()
        wait(for: [done], timeout: 30)
        XCTAssertEqual(seen[0], false)
        assertClose(try box.problem.solve().requireOptimal().objective, 9)
    }

    func testProblemWorksOnWorkerThread() throws {
        // A problem created, used and deleted on one worker thread; then the helper frees GLPK's
        // per-thread environment.
        let done = expectation(description: "worker")
        let thread = Thread {
            do {
                let problem = try GLPKProblem(Fixtures.lp1())
                let s = try problem.solve().requireOptimal()
                XCTAssertEqual(s.objective, 9, accuracy: 1e-9)
            } catch {
                XCTFail("\(error)")
            }
            XCTAssertTrue(GLPKEnvironment.releaseCurrentThread())
            done.fulfill()
        }
        thread.start()
        wait(for: [done], timeout: 30)
    }
}
