import XCTest
@testable import GLPK

/// Deterministic RNG for generated instances (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class MIPTests: XCTestCase {
    /// max 10a + 13b + 7c + 8d  s.t. 4a + 6b + 3c + 5d ≤ 10, binary.
    ///
    /// Hand enumeration of feasible pairs (no triple fits): {a,b} w10 → 23, {b,c} w9 → 20,
    /// {a,d} w9 → 18, {a,c} w7 → 17, {c,d} w8 → 15; {b,d} w11 infeasible. Optimum 23 (a, b).
    /// The LP relaxation (a, c, ½b → 23.5) is fractional, so branching is needed.
    static func knapsack() -> LinearProgram {
        var lp = LinearProgram(direction: .maximize)
        let items: [(String, Double, Double)] = [("a", 10, 4), ("b", 13, 6), ("c", 7, 3), ("d", 8, 5)]
        var coefficients: [(column: Int, value: Double)] = []
        for (name, value, weight) in items {
            coefficients.append((lp.addColumn(name: name, objective: value, kind: .binary), weight))
        }
        lp.addRow(name: "weight", bounds: .atMost(10), coefficients: coefficients)
        return lp
    }

    func testKnapsack() throws {
        for presolve in [false, true] {
            for cuts in [false, true] {
                let s = try Self.knapsack().solve(.init(presolve: presolve, cuts: cuts)).requireOptimal()
                XCTAssertEqual(s.algorithm, .branchAndCut)
                assertClose(s.objective, 23)
                assertClose(s.columnValues, [1, 1, 0, 0])
                assertClose(s.rowActivities, [10])
                XCTAssertEqual(s.bestBound ?? .nan, 23, accuracy: 1e-9)
                XCTAssertEqual(s.mipGap ?? .nan, 0, accuracy: 1e-9)
                XCTAssertTrue(s.rowDuals.isEmpty)
            }
        }
    }

    /// min 3x + 5y  s.t. 2x + 4y ≥ 7, x, y ∈ ℤ≥0.
    /// Candidates: (0,2) → 10, (2,1) → 11, (4,0) → 12, (1,1) infeasible (6 < 7). Optimum 10.
    /// LP relaxation: y = 1.75 → 8.75.
    func testGeneralIntegerAndRelaxation() throws {
        var lp = LinearProgram()
        let x = lp.addColumn(objective: 3, kind: .integer)
        let y = lp.addColumn(objective: 5, kind: .integer)
        lp.addRow(bounds: .atLeast(7), coefficients: [(x, 2), (y, 4)])
        let s = try lp.solve().requireOptimal()
        assertClose(s.objective, 10)
        assertClose(s.columnValues, [0, 2])
        // Interior point / simplex ignore integrality: the relaxation.
        let r = try lp.solve(.init(method: .dualSimplex)).requireOptimal()
        assertClose(r.objective, 8.75)
    }

    func testInfeasibleAndUnboundedMIP() throws {
        var lp = LinearProgram()
        let x = lp.addColumn(bounds: .between(0, 10), objective: 1, kind: .integer)
        lp.addRow(bounds: .fixed(1), coefficients: [(x, 2)])   // 2x = 1 has no integer solution
        for presolve in [false, true] {
            let s = try lp.solve(.init(presolve: presolve))
            XCTAssertEqual(s.status, .infeasible, "presolve=\(presolve)")
        }
        var lp2 = Fixtures.infeasible()
        lp2.columns[0].kind = .integer
        for presolve in [false, true] {
            XCTAssertEqual(try lp2.solve(.init(presolve: presolve)).status, .infeasible, "presolve=\(presolve)")
        }
        var lp3 = Fixtures.unbounded()
        lp3.columns[0].kind = .integer
        for presolve in [false, true] {
            XCTAssertEqual(try lp3.solve(.init(presolve: presolve)).status, .unbounded, "presolve=\(presolve)")
        }
    }

    /// A market-split instance (Cornuéjols–Dawande): equality knapsacks that are hard for
    /// branch-and-bound. With a tiny time limit the solver must stop cleanly.
    /// A hard partition problem: 4 rows of 36 random binaries each summing to half their
    /// weight, with priced slacks (branch-and-cut runs for a long time).
    static func partition() -> LinearProgram {
        var rng = SplitMix64(seed: 42)
        let rows = 4, cols = 36
        var lp = LinearProgram()
        for _ in 0 ..< cols { lp.addColumn(kind: .binary) }
        for i in 0 ..< rows {
            var coefficients: [(column: Int, value: Double)] = []
            var sum = 0.0
            for j in 0 ..< cols {
                let a = Double(rng.next() % 100)
                sum += a
                coefficients.append((j, a))
            }
            let plus = lp.addColumn(name: "s\(i)p", objective: 1)
            let minus = lp.addColumn(name: "s\(i)m", objective: 1)
            coefficients += [(plus, 1), (minus, -1)]
            lp.addRow(bounds: .fixed((sum / 2).rounded(.down)), coefficients: coefficients)
        }
        return lp
    }

    /// Progress reports during a search: with an interval of 0, one at every node selection,
    /// the tree growing and the bound never above the best plan.
    func testProgressReports() throws {
        let reports = Slots<[LinearProgram.MIPReport]>(count: 1)
        reports[0] = []
        var o = LinearProgram.SolveOptions(timeLimit: 0.3)
        o.progressInterval = 0
        o.progress = { r in reports[0]!.append(r) }
        let s = try Self.partition().solve(o)
        let all = reports[0]!
        XCTAssertGreaterThan(all.count, 5)
        XCTAssertEqual(all.map(\.totalNodes), all.map(\.totalNodes).sorted(), "nodes never shrink")
        XCTAssertGreaterThan(all.last!.totalNodes, 1)
        for r in all {
            XCTAssertLessThanOrEqual(r.seconds, s.seconds + 1e-9)
            if let plan = r.incumbent, let bound = r.bound { XCTAssertLessThanOrEqual(bound, plan + 1e-9) }
        }
        XCTAssertTrue(all.contains { $0.bound != nil })
        var quiet = o
        quiet.progressInterval = 60
        reports[0] = []
        _ = try Self.partition().solve(quiet)
        XCTAssertEqual(reports[0]!.count, 0, "none within the first minute")
    }

    func testTimeLimitStopsCleanly() throws {
        let lp = Self.partition()
        let s = try lp.solve(.init(timeLimit: 0.2))
        XCTAssertLessThan(s.seconds, 10)
        switch s.termination {
        case .timeLimit:
            XCTAssertTrue([.feasible, .undefined].contains(s.status), "\(s.status)")
            XCTAssertThrowsError(try s.requireOptimal()) { e in
                XCTAssertEqual(e as? GLPKError, .timeLimit(seconds: 0.2))
                XCTAssertEqual("\(e)", "time limit of 0.2 s reached")
            }
            if s.status == .feasible {
                XCTAssertNoThrow(try s.requireFeasible())
                if let gap = s.mipGap { XCTAssertGreaterThanOrEqual(gap, 0) }
            }
        case .completed:
            XCTAssertEqual(s.status, .optimal)
        default:
            XCTFail("unexpected termination \(s.termination)")
        }
        XCTAssertEqual("\(GLPKError.timeLimit(seconds: 5))", "time limit of 5 s reached")
    }

    func testFractionalBoundOnIntegerColumnIsRejectedForMIP() throws {
        var lp = LinearProgram()
        lp.addColumn(name: "n", bounds: .between(0.5, 3), objective: 1, kind: .integer)
        XCTAssertThrowsError(try lp.solve()) { e in
            XCTAssertEqual("\(e)", "bad data: integer column 0 (n) has fractional lower bound 0.5")
        }
        // As an LP (integrality ignored) the fractional bound is fine.
        XCTAssertEqual(try lp.solve(.init(method: .primalSimplex)).requireOptimal().objective, 0.5)
    }

    /// A first incumbent (`glp_ios_heur_sol`) offered once the root LP (23.5) is solved. With a
    /// gap tolerance of 50 % branch-and-cut stops at once with it: {b, c} → 20, which GLPK's own
    /// search does not give (its first plan is 23). With no tolerance it still proves 23. A
    /// fractional value of a binary is not taken; with the presolver it is never offered; a
    /// wrong length or a value that is not finite is refused before solving.
    func testIncumbentOffered() throws {
        var o = LinearProgram.SolveOptions(mipGap: 0.5)
        let own = try Self.knapsack().solve(o)
        assertClose(own.objective, 23)
        XCTAssertNil(own.incumbentAccepted)
        o.incumbent = [0, 1, 1, 0]
        let stopped = try Self.knapsack().solve(o)
        XCTAssertEqual(stopped.incumbentAccepted, true)
        XCTAssertEqual(stopped.status, .feasible)
        assertClose(stopped.objective, 20)
        assertClose(stopped.columnValues, [0, 1, 1, 0])
        assertClose(stopped.rowActivities, [9])
        o.mipGap = 0
        let proved = try Self.knapsack().solve(o).requireOptimal()
        XCTAssertEqual(proved.incumbentAccepted, true)
        assertClose(proved.objective, 23)
        assertClose(proved.columnValues, [1, 1, 0, 0])
        o.incumbent = [0.5, 1, 0, 0]
        let fractional = try Self.knapsack().solve(o).requireOptimal()
        XCTAssertEqual(fractional.incumbentAccepted, false)
        assertClose(fractional.objective, 23)
        o.incumbent = [0, 1, 1, 0]
        o.presolve = true
        XCTAssertNil(try Self.knapsack().solve(o).incumbentAccepted)
        o.presolve = false
        o.incumbent = [0, 1, 1]
        XCTAssertThrowsError(try Self.knapsack().solve(o)) { XCTAssertTrue("\($0)".contains("incumbent has 3 values for 4 columns"), "\($0)") }
        o.incumbent = [0, 1, .nan, 0]
        XCTAssertThrowsError(try Self.knapsack().solve(o)) { XCTAssertTrue("\($0)".contains("column 2 is not finite"), "\($0)") }
    }

    func testMIPGapTolerance() throws {
        // A generous gap on the knapsack stops at the first integer solution within 50 %.
        let s = try Self.knapsack().solve(.init(mipGap: 0.5))
        XCTAssertTrue(s.status == .optimal || s.status == .feasible)
        XCTAssertNoThrow(try s.requireFeasible())
        XCTAssertGreaterThanOrEqual(s.objective, 23 / 1.5 - 1e-9)
    }
}

final class FileTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "glpk-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testRoundTripPreservesOptimum() throws {
        let formats: [(LinearProgram.FileFormat, String)] = [(.cplexLP, "lp"), (.freeMPS, "mps"), (.fixedMPS, "fmps")]
        for (format, ext) in formats {
            for (model, optimum) in [(Fixtures.lp1(), 9.0), (MIPTests.knapsack(), 23.0)] {
                let path = "\(directory!)/m.\(ext)"
                try model.write(to: path, format: format)
                let back = try LinearProgram(contentsOf: path, format: format)
                XCTAssertEqual(back.rows.count, model.rows.count)
                XCTAssertEqual(back.columns.count, model.columns.count)
                XCTAssertEqual(back.matrix.count, model.matrix.count)
                XCTAssertEqual(back.columns.map(\.kind), model.columns.map(\.kind), "\(format)")
                XCTAssertEqual(back.columns.map(\.name), model.columns.map(\.name), "\(format)")
                if format == .cplexLP {
                    XCTAssertEqual(back.direction, model.direction)
                    let s = try back.solve().requireOptimal()
                    assertClose(s.objective, optimum, "\(format)")
                } else {
                    // GLPK's MPS carries no objective sense: a maximisation comes back minimising.
                    var fixed = back
                    fixed.direction = model.direction
                    let s = try fixed.solve().requireOptimal()
                    assertClose(s.objective, optimum, "\(format)")
                }
            }
        }
    }

    func testRoundTripKeepsBoundsAndConstant() throws {
        // Optimum 6 (see LPTests.testFreeFixedAndDoubleBoundedVariables; c1 is now a range row).
        var lp = LinearProgram(objectiveConstant: 10)
        let x = lp.addColumn(name: "x", bounds: .free, objective: 1)
        let y = lp.addColumn(name: "y", bounds: .between(1, 5), objective: -1)
        let z = lp.addColumn(name: "z", bounds: .fixed(2))
        lp.addRow(name: "c0", bounds: .atLeast(-1), coefficients: [(x, 1), (z, -1)])
        lp.addRow(name: "c1", bounds: .between(-3, 10), coefficients: [(x, 1), (y, 1)])
        for format in [LinearProgram.FileFormat.freeMPS, .fixedMPS] {
            let path = "\(directory!)/b.mps"
            try lp.write(to: path, format: format)
            let back = try LinearProgram(contentsOf: path, format: format)
            XCTAssertEqual(back.columns.map(\.bounds), lp.columns.map(\.bounds))
            XCTAssertEqual(back.rows.map(\.bounds), lp.rows.map(\.bounds))
            XCTAssertEqual(back.objectiveConstant, 10)
            assertClose(try back.solve().requireOptimal().objective, 6)
        }
        // GLPK's CPLEX LP writer drops the constant (it becomes a comment) and turns a range row
        // into an equality with a slack column `~r_2` — documented on `write(to:format:)`.
        let path = "\(directory!)/b.lp"
        try lp.write(to: path, format: .cplexLP)
        let back = try LinearProgram(contentsOf: path, format: .cplexLP)
        XCTAssertEqual(back.objectiveConstant, 0)
        XCTAssertEqual(back.columns.count, 4)
        XCTAssertEqual(back.columns.last?.name, "~r_2")
        XCTAssertEqual(back.columns.prefix(3).map(\.bounds), lp.columns.map(\.bounds))
        assertClose(try back.solve().requireOptimal().objective, 6 - 10)
    }

    func testMalformedLPFileGivesError() throws {
        let path = "\(directory!)/bad.lp"
        try "Minimize\n obj: 2 x + 3 y\nSubject To\n c1: x + y >=\nEnd\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LinearProgram(contentsOf: path, format: .cplexLP)) { e in
            guard case .file(let p, let message)? = e as? GLPKError else { return XCTFail("\(e)") }
            XCTAssertEqual(p, path)
            XCTAssertTrue(message.contains("bad.lp:"), message)
            XCTAssertTrue("\(e)".hasPrefix("cannot process file \(path): "), "\(e)")
        }
        let mps = "\(directory!)/bad.mps"
        try "NAME x\nROWS\n Q c1\nEND\n".write(toFile: mps, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LinearProgram(contentsOf: mps, format: .freeMPS))
    }

    func testMissingFileAndUnwritablePath() {
        XCTAssertThrowsError(try LinearProgram(contentsOf: "\(directory!)/nope.lp", format: .cplexLP)) { e in
            XCTAssertTrue("\(e)".contains("nope.lp"), "\(e)")
        }
        XCTAssertThrowsError(try Fixtures.lp1().write(to: "\(directory!)/no/such/dir/x.mps", format: .freeMPS))
    }
}
