// SparseLU.swift — sparse LU factors of one of the working basis's larger diagonal blocks.
//
// The blocks of W that the block triangular form cannot split further are sparse (a column is
// an extra's cycle: a few bundles), but a dense LU costs m² per solve and m³/3 per
// factorisation whatever the sparsity: on the 6,000-station network one block of ~380 rows took
// 19 % of a late pivot. Here the elimination follows Markowitz's idea, simplified: the active
// column with the fewest entries, and in it the row with the fewest entries among those within
// `threshold` of the column's largest (threshold partial pivoting keeps it stable); fill-in is
// added as it appears. Solves then cost the factors' entries.

/// LU factors of an m × m sparse matrix: step k eliminates column `pivotColumn[k]` with row
/// `pivotRow[k]` (pivot `pivot[k]`); L's column k holds the multipliers of the rows still active
/// then, U's row k the pivot row's other entries (columns eliminated later).
struct SparseLU {
    let m: Int
    private(set) var pivotRow: [Int32] = [], pivotColumn: [Int32] = [], pivot: [Double] = []
    private(set) var lRow: [Int32] = [], lValue: [Double] = [], lStart: [Int32] = [0]
    private(set) var uColumn: [Int32] = [], uValue: [Double] = [], uStart: [Int32] = [0]

    /// Entries of L and U (without the pivots).
    var entryCount: Int { lRow.count + uColumn.count }

    /// Threshold partial pivoting: a pivot at least this share of its column's largest entry.
    static let threshold = 0.1

    /// `rows[i]`: row i's entries (column, value), each column at most once. nil when the matrix
    /// is singular (no entry of at least 10⁻¹⁰ left in a column), as for ``DenseLU``.
    init?(m: Int, rows: [[(column: Int32, value: Double)]]) {
        self.m = m
        var rowColumns = rows.map { $0.map(\.column) }
        var rowValues = rows.map { $0.map(\.value) }
        var columnRows = [[Int32]](repeating: [], count: m)
        var columnCount = [Int](repeating: 0, count: m)
        for i in 0 ..< m {
            for j in rowColumns[i] { columnRows[Int(j)].append(Int32(i)); columnCount[Int(j)] += 1 }
        }
        var rowActive = [Bool](repeating: true, count: m), columnActive = [Bool](repeating: true, count: m)
        // Scatter space for one row at a time (position + 1 in the row; 0: absent).
        var at = [Int32](repeating: 0, count: m)
        pivotRow.reserveCapacity(m); pivotColumn.reserveCapacity(m); pivot.reserveCapacity(m)
        lStart.reserveCapacity(m + 1); uStart.reserveCapacity(m + 1)

        @inline(__always) func position(of j: Int32, inRow i: Int) -> Int? {
            rowColumns[i].firstIndex(of: j)
        }
        for _ in 0 ..< m {
            // The active column with the fewest entries (the lowest index on ties: deterministic).
            var q = -1, fewest = Int.max
            for j in 0 ..< m where columnActive[j] && columnCount[j] < fewest { q = j; fewest = columnCount[j]; if fewest <= 1 { break } }
            guard q >= 0 else { return nil }
            var largest = 0.0
            for i32 in columnRows[q] where rowActive[Int(i32)] {
                if let k = position(of: Int32(q), inRow: Int(i32)) { largest = max(largest, abs(rowValues[Int(i32)][k])) }
            }
            if largest < 1e-10 { return nil }
            // Its row with the fewest entries among those within the threshold.
            var p = -1, pk = -1, shortest = Int.max, pv = 0.0
            for i32 in columnRows[q] where rowActive[Int(i32)] {
                let i = Int(i32)
                guard let k = position(of: Int32(q), inRow: i) else { continue }
                let v = rowValues[i][k]
                guard abs(v) >= Self.threshold * largest else { continue }
                let n = rowColumns[i].count
                if n < shortest || (n == shortest && abs(v) > abs(pv)) { p = i; pk = k; shortest = n; pv = v }
            }
            // U's row: the pivot row without the pivot.
            pivotRow.append(Int32(p)); pivotColumn.append(Int32(q)); pivot.append(pv)
            for (k, j) in rowColumns[p].enumerated() where k != pk {
                uColumn.append(j); uValue.append(rowValues[p][k])
            }
            uStart.append(Int32(uColumn.count))
            rowActive[p] = false; columnActive[q] = false
            for j in rowColumns[p] { columnCount[Int(j)] -= 1 }
            // Eliminate column q from the other active rows that hold it.
            for i32 in columnRows[q] where rowActive[Int(i32)] {
                let i = Int(i32)
                guard let k = position(of: Int32(q), inRow: i) else { continue }
                let l = rowValues[i][k] / pv
                // Column q leaves the row (swap-remove).
                rowColumns[i].swapAt(k, rowColumns[i].count - 1); rowColumns[i].removeLast()
                rowValues[i].swapAt(k, rowValues[i].count - 1); rowValues[i].removeLast()
                if l == 0 { continue }
                lRow.append(i32); lValue.append(l)
                for (n, j) in rowColumns[i].enumerated() { at[Int(j)] = Int32(n + 1) }
                for (n, j) in rowColumns[p].enumerated() where n != pk {
                    let u = rowValues[p][n]
                    let slot = Int(at[Int(j)])
                    if slot > 0 {
                        rowValues[i][slot - 1] -= l * u
                    } else {
                        // Fill-in.
                        rowColumns[i].append(j); rowValues[i].append(-l * u)
                        at[Int(j)] = Int32(rowColumns[i].count)
                        columnRows[Int(j)].append(i32); columnCount[Int(j)] += 1
                    }
                }
                for j in rowColumns[i] { at[Int(j)] = 0 }
            }
            lStart.append(Int32(lRow.count))
            columnRows[q] = []
        }
    }

    /// x with M x = b, in `b` (b over rows in, x over columns out).
    func solve(_ b: inout [Double]) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { x in
            for k in 0 ..< m {
                let t = b[Int(pivotRow[k])]
                if t == 0 { continue }
                for e in Int(lStart[k]) ..< Int(lStart[k + 1]) { b[Int(lRow[e])] -= lValue[e] * t }
            }
            for k in stride(from: m - 1, through: 0, by: -1) {
                var s = b[Int(pivotRow[k])]
                for e in Int(uStart[k]) ..< Int(uStart[k + 1]) { s -= uValue[e] * x[Int(uColumn[e])] }
                x[Int(pivotColumn[k])] = s / pivot[k]
            }
            for j in 0 ..< m { b[j] = x[j] }
        }
    }

    /// x with Mᵀ x = b, in `b` (b over columns in, x over rows out).
    func solveTransposed(_ b: inout [Double]) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { w in
            for k in 0 ..< m {
                let z = b[Int(pivotColumn[k])] / pivot[k]
                w[Int(pivotRow[k])] = z
                if z == 0 { continue }
                for e in Int(uStart[k]) ..< Int(uStart[k + 1]) { b[Int(uColumn[e])] -= uValue[e] * z }
            }
            for k in stride(from: m - 1, through: 0, by: -1) {
                var s = w[Int(pivotRow[k])]
                for e in Int(lStart[k]) ..< Int(lStart[k + 1]) { s -= lValue[e] * w[Int(lRow[e])] }
                w[Int(pivotRow[k])] = s
            }
            for i in 0 ..< m { b[i] = w[i] }
        }
    }
}
