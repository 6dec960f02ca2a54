// BlockLUTests.swift — the working basis's block triangular factorisation (BlockLU) against the
// matrix it factors: random sparse matrices, permuted, with strongly connected parts of several
// sizes, duplicate entries and singular cases.
import FuelFlowSupport
import XCTest
@testable import NetworkFlow

final class BlockLUTests: XCTestCase {
    /// Random n×n sparse matrices (rows and columns permuted): a nonzero diagonal under the
    /// permutation, plus entries below it (a triangular part) and, with some probability, above
    /// it (which makes cycles: blocks of several rows). W x = b and Wᵀ μ = c are checked by
    /// their residuals against the dense matrix.
    func testSolvesRandomSparseMatrices() {
        var rng = Xoshiro256StarStar(seed: 17)
        var multiRowBlocks = 0, trivial = 0, seededPairs = 0, sparseSolves = 0
        let scratch = BlockLU.Scratch()
        for trial in 0 ..< 300 {
            let n = Int(rng.uniform(1 ... 40))
            let rowPerm = (0 ..< n).shuffled(using: &rng), colPerm = (0 ..< n).shuffled(using: &rng)
            var entries = [(row: Int32, column: Int32, value: Double)]()
            var dense = [Double](repeating: 0, count: n * n)
            func add(_ i: Int, _ j: Int, _ v: Double) {
                entries.append((Int32(rowPerm[i]), Int32(colPerm[j]), v))
                dense[rowPerm[i] * n + colPerm[j]] += v
            }
            let upper = rng.percent(50) ? Double(rng.uniform(1 ... 30)) / 100 : 0
            for i in 0 ..< n {
                add(i, i, (rng.percent(50) ? 1 : -1) * Double(rng.uniform(5 ... 20)))
                for j in 0 ..< n where j != i {
                    let p = j < i ? 0.15 : upper
                    if Double(rng.uniform(0 ... 999)) / 1000 < p { add(i, j, Double(rng.uniform(-9 ... 9))) }
                }
                if rng.percent(10) { add(i, i, 1) }   // a duplicate entry: summed
            }
            guard let f = BlockLU(n: n, entries: entries) else { XCTFail("trial \(trial): singular"); continue }
            if f.blockSizes.contains(where: { $0 > 1 }) { multiRowBlocks += 1 } else { trivial += 1 }
            XCTAssertEqual(f.blockSizes.reduce(0, +), n)
            let b = (0 ..< n).map { _ in rng.percent(30) ? 0 : Double(rng.uniform(-50 ... 50)) }
            func check(_ f: BlockLU, _ what: String) {
                let x = f.solve(b), mu = f.solveTransposed(b)
                for i in 0 ..< n {
                    var r = -b[i], rt = -b[i]
                    for j in 0 ..< n { r += dense[i * n + j] * x[j]; rt += dense[j * n + i] * mu[j] }
                    XCTAssertEqual(r, 0, accuracy: 1e-8 * (1 + abs(b[i])), "trial \(trial) \(what) row \(i)")
                    XCTAssertEqual(rt, 0, accuracy: 1e-8 * (1 + abs(b[i])), "trial \(trial) \(what) column \(i)")
                }
            }
            check(f, "cold")
            // Every block of two rows or more with sparse factors: the same residuals.
            guard let fs = BlockLU(n: n, entries: entries, sparseFrom: 2) else { XCTFail("trial \(trial): sparse singular"); continue }
            XCTAssertEqual(fs.blockSizes, f.blockSizes)
            if fs.blockSizes.contains(where: { $0 > 1 }) { XCTAssertFalse(fs.sparse.isEmpty, "trial \(trial)") }
            check(fs, "sparse factors")
            // Sparse right-hand sides (one to three nonzeros): only the blocks they reach are
            // solved, and the answer is the full substitution's.
            // With the nonzeros' positions given (repeated, and one listed zero), the same.
            for _ in 0 ..< 3 {
                var bs = [Double](repeating: 0, count: n), listed = [Int32]()
                for _ in 0 ..< Int(rng.uniform(1 ... 3)) {
                    let i = Int(rng.below(UInt64(n)))
                    bs[i] = Double(rng.uniform(-50 ... 50)); listed += [Int32(i), Int32(i)]
                }
                listed.append(Int32(rng.below(UInt64(n))))
                for transposed in [false, true] {
                    let full = transposed ? f.solveTransposed(bs) : f.solve(bs)
                    var sparse = [Double](repeating: .nan, count: 3), given = [Double](repeating: .nan, count: n + 2)
                    f.solve(bs, into: &sparse, transposed: transposed, scratch: scratch)
                    f.solve(bs, nonzeros: listed, into: &given, transposed: transposed, scratch: scratch)
                    XCTAssertEqual(sparse.count, n)
                    XCTAssertEqual(given.count, n)
                    for i in 0 ..< n {
                        XCTAssertEqual(sparse[i], full[i], accuracy: 1e-9 * (1 + abs(full[i])), "trial \(trial) sparse \(transposed) \(i)")
                        XCTAssertEqual(given[i], full[i], accuracy: 1e-9 * (1 + abs(full[i])), "trial \(trial) listed \(transposed) \(i)")
                    }
                    sparseSolves += 1
                }
            }
            // Seeded matchings (as the engine passes the previous factorisation's): the diagonal
            // under the permutation, random columns (zero entries, columns taken twice) and none.
            var seeds = [Int32](repeating: -1, count: n)
            for i in 0 ..< n {
                switch rng.uniform(0 ... 2) {
                case 0: seeds[rowPerm[i]] = Int32(colPerm[i])
                case 1: seeds[rowPerm[i]] = Int32(rng.uniform(0 ... Int64(n - 1)))
                default: break
                }
            }
            guard let g = BlockLU(n: n, entries: entries, initialMatch: seeds) else { XCTFail("trial \(trial): seeded singular"); continue }
            XCTAssertEqual(Set(g.matchRow).count, n, "trial \(trial): a perfect matching")
            var seededTimes = [Int](repeating: 0, count: n)
            for c in seeds where c >= 0 { seededTimes[Int(c)] += 1 }
            for i in 0 ..< n where seeds[rowPerm[i]] == Int32(colPerm[i]) && seededTimes[colPerm[i]] == 1 {
                XCTAssertEqual(g.matchRow[rowPerm[i]], Int32(colPerm[i]), "trial \(trial): a valid seed is kept")
                seededPairs += 1
            }
            check(g, "seeded")
        }
        XCTAssertGreaterThan(multiRowBlocks, 50)
        XCTAssertGreaterThan(trivial, 50)
        XCTAssertGreaterThan(seededPairs, 1000)
    }

    /// Hand-checked: [[2, 1], [0, 3]] is two 1×1 blocks (x₂ first, then x₁); [[0, 1], [1, 0]]
    /// needs the matching; an empty column and a rank-deficient pair are singular.
    func testHandCases() throws {
        let upper = try XCTUnwrap(BlockLU(n: 2, entries: [(0, 0, 2), (0, 1, 1), (1, 1, 3)]))
        XCTAssertEqual(upper.blockSizes, [1, 1])
        XCTAssertEqual(upper.solve([4, 6]), [1, 2])            // 2·1 + 2 = 4, 3·2 = 6
        XCTAssertEqual(upper.solveTransposed([2, 7]), [1, 2])  // 2·1 = 2, 1·1 + 3·2 = 7
        let swap = try XCTUnwrap(BlockLU(n: 2, entries: [(0, 1, 1), (1, 0, 1)]))
        XCTAssertEqual(swap.solve([5, 7]), [7, 5])
        XCTAssertNil(BlockLU(n: 2, entries: [(0, 0, 1), (1, 0, 1)]))                       // column 1 empty
        XCTAssertNil(BlockLU(n: 2, entries: [(0, 0, 1), (0, 1, 1), (1, 0, 2), (1, 1, 2)]))  // rank 1
        XCTAssertNil(BlockLU(n: 2, entries: [(0, 0, 1), (0, 1, 1), (1, 0, 2), (1, 1, 2)], sparseFrom: 2))
        let cyclic = try XCTUnwrap(BlockLU(n: 2, entries: [(0, 0, 1), (0, 1, 2), (1, 0, 3), (1, 1, 4)], sparseFrom: 2))
        XCTAssertEqual(cyclic.sparse.count, 1)
        // [[1, 2], [3, 4]] x = [5, 11] → x = [1, 2]; transposed [[1, 3], [2, 4]] μ = [7, 10] → μ = [1, 2].
        for (got, want) in zip(cyclic.solve([5, 11]), [1.0, 2]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        for (got, want) in zip(cyclic.solveTransposed([7, 10]), [1.0, 2]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
    }

    /// Sparse factors of larger irreducible matrices (a cycle through every row plus random
    /// entries, some rows with a tiny diagonal that threshold pivoting must not take): residuals
    /// of M x = b and Mᵀ μ = c, fewer entries than dense factors where the matrix is sparse,
    /// and singular matrices refused.
    func testSparseFactorsOfLargerBlocks() throws {
        var rng = Xoshiro256StarStar(seed: 29)
        var sparser = 0
        for trial in 0 ..< 60 {
            let m = Int(rng.uniform(30 ... 160))
            var dense = [Double](repeating: 0, count: m * m)
            for i in 0 ..< m {
                dense[i * m + i] = rng.percent(10) ? 1e-7 : Double(rng.uniform(2 ... 9)) * (rng.percent(50) ? 1 : -1)
                dense[i * m + (i + 1) % m] = Double(rng.uniform(1 ... 9))
                for _ in 0 ..< Int(rng.uniform(0 ... 2)) { dense[i * m + Int(rng.below(UInt64(m)))] += Double(rng.uniform(-5 ... 5)) }
            }
            var rows = [[(column: Int32, value: Double)]](repeating: [], count: m)
            for i in 0 ..< m { for j in 0 ..< m where dense[i * m + j] != 0 { rows[i].append((Int32(j), dense[i * m + j])) } }
            guard let f = SparseLU(m: m, rows: rows) else { continue }   // a random matrix may be singular
            if f.entryCount < m * m / 2 { sparser += 1 }
            let b = (0 ..< m).map { _ in Double(rng.uniform(-50 ... 50)) }
            var x = b, mu = b
            f.solve(&x); f.solveTransposed(&mu)
            var scale = 1.0
            for v in x + mu { scale = max(scale, abs(v)) }
            for i in 0 ..< m {
                var r = -b[i], rt = -b[i]
                for j in 0 ..< m { r += dense[i * m + j] * x[j]; rt += dense[j * m + i] * mu[j] }
                XCTAssertEqual(r, 0, accuracy: 1e-9 * scale, "trial \(trial) row \(i)")
                XCTAssertEqual(rt, 0, accuracy: 1e-9 * scale, "trial \(trial) column \(i)")
            }
        }
        XCTAssertGreaterThan(sparser, 40)
        // Two equal rows: singular.
        let twin: [[(column: Int32, value: Double)]] = [[(0, 1), (1, 2), (2, 3)], [(0, 1), (1, 2), (2, 3)], [(0, 4), (2, 1)]]
        XCTAssertNil(SparseLU(m: 3, rows: twin))
    }
}
