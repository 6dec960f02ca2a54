// BorderedWorkingBasis.swift — the primal partitioning's working basis W between
// factorisations: the last factored W₀ bordered by what changed since (a Schur complement
// update, after Bisschop & Meeraus 1977 and Gill, Murray, Saunders & Wright 1984).
//
// W₀'s rows R₀ and columns C₀ are B and E as they were when it was factored. Since then rows
// joined B (R⁺) or left it (R⁻), and columns joined (C⁺: a new extra, or an extra whose cycle
// changed) or left (C⁻: an extra that left, or the old cycle of one that changed). The current W
// is then the part that matters of the bordered matrix
//
//     M = [ W₀  V ]   V:  the C⁺ columns' entries in R₀'s rows, and a unit column for each R⁻
//         [ Uᵀ  D ]       row (a free variable: the row no longer binds);
//                     Uᵀ: the R⁺ rows' entries in C₀'s columns, and a unit row for each C⁻
//                         column (its variable held at 0);
//                     D:  the R⁺ rows' entries in the C⁺ columns,
//
// and W x = b, Wᵀ μ = c are solved through W₀'s factors and the k × k Schur complement
// S = D − Uᵀ W₀⁻¹ V, k = |C⁺| + |R⁻| = |R⁺| + |C⁻| (S is singular exactly when W is). Each
// column of W₀⁻¹ V is computed once, when it joins the border, and kept; bringing W up to date
// after a pivot then costs k² short dot products and a k × k dense LU instead of W's block
// triangular factorisation (matching, Tarjan, placement) at every pivot. Past `maxBorder` W is
// factored afresh, which also bounds the rounding the border can carry.
import Foundation

struct WorkingBasisBorder {
    /// W₀'s factors (nil when B was empty).
    var base: BlockLU? = nil
    /// Whether there is a W₀ to border (false until the first factorisation, and after B emptied).
    var active = false
    var n0 = 0
    /// The bundle of each of W₀'s rows.
    var baseRows: [Int32] = []
    /// The entries in C₀'s columns of the bundles outside R₀ (the rows Uᵀ draws on), by bundle.
    var outsideStart: [Int32] = [], outsideColumn: [Int32] = [], outsideValue: [Double] = []
    /// S's rows: `addedRows` (bundles), then `deletedColumns` (W₀ columns); S's columns:
    /// `addedColumns` (E slots), then `deletedRows` (W₀ rows).
    var addedRows: [Int32] = [], deletedColumns: [Int32] = []
    var addedColumns: [Int32] = [], deletedRows: [Int32] = []
    /// The changes since W₀ was factored, kept as they happen (the engine's addToB, removeFromB,
    /// addExtra, removeExtra, ensureCycle), so that bringing W up to date needs no pass over B,
    /// E and W₀: the bundles that joined B (in B's order), the E slots without a W₀ column, and
    /// W₀'s rows out of B and columns gone (unordered).
    var joinedRows: [Int32] = [], unbasedSlots: [Int32] = [], leftRows: [Int32] = [], deadColumns: [Int32] = []
    var k = 0
    /// S's dense LU (k × k by rows) and row permutation.
    var schur: [Double] = [], schurPermutation: [Int32] = []
    /// W₀⁻¹ v for each of S's columns, keyed by the column's serial (C⁺) or −1 − bundle (R⁻).
    var zKey: [Int] = [], z: [[Double]] = []
    /// Counters (tests, debug notes).
    var factorizations = 0, updates = 0
    /// Largest residual of a checked solve, relative to 1 + |rhs| (see `checkSolves`).
    var worstResidual = 0.0
    /// Test aid: the largest residual of Wᵀμ = −C after a dual update, in units of ``PartitionEngine/muTolerance``.
    var worstDualResidual = 0.0

    /// An empty border (W₀ is W; the kept W₀⁻¹ v belong to the old W₀).
    mutating func clearChanges() {
        addedRows.removeAll(keepingCapacity: true); deletedColumns.removeAll(keepingCapacity: true)
        addedColumns.removeAll(keepingCapacity: true); deletedRows.removeAll(keepingCapacity: true)
        joinedRows.removeAll(keepingCapacity: true); unbasedSlots.removeAll(keepingCapacity: true)
        leftRows.removeAll(keepingCapacity: true); deadColumns.removeAll(keepingCapacity: true)
        k = 0
        zKey.removeAll(); z.removeAll()
    }
}

extension PartitionEngine {
    /// W is factored afresh once its border would exceed this many rows (or S is singular).
    static let defaultMaxBorder = ProcessInfo.processInfo.environment["FUELFLOW_PP_BORDER"].flatMap { Int($0) } ?? 48

    /// Brings W's factors up to date with B and E (cycles recomputed first): through the
    /// border when it stays small, else (or with `fresh`) by factoring W afresh. False when W
    /// is singular.
    func refactor(fresh: Bool = false) -> Bool {
        let n = B.count
        precondition(E.count == n)
        largestB = max(largestB, n)
        ensureCycles()
        if n == 0 {
            dropBase(); wDirty = false
            return true
        }
        if !fresh && border.active && maxBorder > 0 && updateBorder() {
            border.updates += 1; wDirty = false
            return true
        }
        let total = inW.count.reduce(0) { $0 + Int($1) }
        var entries = [(row: Int32, column: Int32, value: Double)]()
        entries.reserveCapacity(total)
        for i in 0 ..< n {
            for j in 0 ..< Int(inW.count[i]) { entries.append((posB[Int(inW.key(i, j))], Int32(i), inW.value(i, j))) }
        }
        let start = B.map { matchedExtra[Int($0)] }
        guard let f = BlockLU(n: n, entries: entries, initialMatch: start) else { return false }
        for i in 0 ..< n { matchedExtra[Int(B[i])] = f.matchRow[i] }
        setBase(f)
        border.factorizations += 1
        wDirty = false
        return true
    }

    /// Forgets W₀ (B is empty).
    func dropBase() {
        for r in border.baseRows { rowBase[Int(r)] = -1 }
        border.baseRows.removeAll(keepingCapacity: true)
        border.base = nil; border.n0 = 0; border.active = false
        border.clearChanges()
        for i in slotBase.indices { slotBase[i] = -1 }
    }

    /// W as it stands becomes W₀: rows B, columns E in slot order, an empty border.
    func setBase(_ f: BlockLU) {
        let n = B.count
        for r in border.baseRows { rowBase[Int(r)] = -1 }
        border.baseRows = B
        for (p, r) in B.enumerated() { rowBase[Int(r)] = Int32(p) }
        for i in 0 ..< n { slotBase[i] = Int32(i) }
        border.base = f; border.n0 = n; border.active = true
        border.clearChanges()
        // The rows outside R₀ (bundles that may join B) in W₀'s columns, by bundle.
        var start = [Int32](repeating: 0, count: bundleCount + 1)
        for i in 0 ..< n {
            for j in 0 ..< Int(column.count[i]) {
                let r = Int(column.key(i, j))
                if rowBase[r] < 0 { start[r + 1] += 1 }
            }
        }
        for r in 0 ..< bundleCount { start[r + 1] += start[r] }
        var fill = start
        let total = Int(start[bundleCount])
        var col = [Int32](repeating: 0, count: total), val = [Double](repeating: 0, count: total)
        for i in 0 ..< n {
            for j in 0 ..< Int(column.count[i]) {
                let r = Int(column.key(i, j))
                guard rowBase[r] < 0 else { continue }
                let at = Int(fill[r]); fill[r] += 1
                col[at] = Int32(i); val[at] = column.value(i, j)
            }
        }
        border.outsideStart = start; border.outsideColumn = col; border.outsideValue = val
    }

    /// W₀ bordered by the changes since it was factored; false when the border would exceed
    /// `maxBorder` rows or S is singular (W is then factored afresh).
    func updateBorder() -> Bool {
        let n0 = border.n0
        border.addedRows.removeAll(keepingCapacity: true)
        border.deletedColumns.removeAll(keepingCapacity: true)
        border.addedColumns.removeAll(keepingCapacity: true)
        border.deletedRows.removeAll(keepingCapacity: true)
        guard border.joinedRows.count <= maxBorder, border.unbasedSlots.count <= maxBorder else { return false }
        for r in border.joinedRows {
            rowBorder[Int(r)] = Int32(border.addedRows.count)
            border.addedRows.append(r)
        }
        if slotBorder.count < E.count { slotBorder = .init(repeating: -1, count: E.count) }
        for i in border.unbasedSlots.sorted() {
            slotBorder[Int(i)] = Int32(border.addedColumns.count)
            border.addedColumns.append(i)
        }
        border.deletedRows.append(contentsOf: border.leftRows.sorted())
        border.deletedColumns.append(contentsOf: border.deadColumns.sorted())
        if checkSolves { checkBorderLists() }
        let kr = border.addedRows.count + border.deletedColumns.count
        let k = border.addedColumns.count + border.deletedRows.count
        guard k == kr, k <= maxBorder else { return false }
        // W₀⁻¹ v for S's columns: kept from earlier pivots, or one solve each.
        let cPlus = border.addedColumns.count
        var keys = [Int](), zs = [[Double]]()
        keys.reserveCapacity(k); zs.reserveCapacity(k)
        for j in 0 ..< k {
            let key = j < cPlus ? slotSerial[Int(border.addedColumns[j])] : -1 - Int(border.baseRows[Int(border.deletedRows[j - cPlus])])
            keys.append(key)
            if let at = border.zKey.firstIndex(of: key) { zs.append(border.z[at]); continue }
            var v = [Double](repeating: 0, count: n0)
            rhs0Nonzeros.removeAll(keepingCapacity: true)
            forEachBorderColumnEntry(j) { p, value in v[p] += value; rhs0Nonzeros.append(Int32(p)) }
            var zj = [Double]()
            border.base?.solve(v, nonzeros: rhs0Nonzeros, into: &zj, transposed: false, scratch: luScratch)
            zs.append(zj)
        }
        border.zKey = keys; border.z = zs
        // S = D − Uᵀ W₀⁻¹ V, by rows.
        border.k = k
        border.schur.removeAll(keepingCapacity: true)
        border.schur.append(contentsOf: repeatElement(0, count: k * k))
        let rPlus = border.addedRows.count
        for i in 0 ..< k {
            for j in 0 ..< k {
                // D: an R⁺ row's entry in a C⁺ column.
                var d = 0.0
                if i < rPlus, j < cPlus,
                   let at = column.firstIndex(in: Int(border.addedColumns[j]), of: border.addedRows[i]) {
                    d = column.value(Int(border.addedColumns[j]), at)
                }
                border.schur[i * k + j] = d - borderRowDot(i, zs[j])
            }
        }
        if border.schurPermutation.count < k { border.schurPermutation = .init(repeating: 0, count: k) }
        var schur = [Double](), permutation = [Int32]()
        swap(&schur, &border.schur); swap(&permutation, &border.schurPermutation)
        defer { swap(&schur, &border.schur); swap(&permutation, &border.schurPermutation) }
        return k == 0 || DenseLU.factor(&schur, &permutation, k)
    }

    /// Test aid (with `checkSolves`): the border's rows and columns, kept as they changed, are
    /// those a pass over B, E and W₀ finds.
    func checkBorderLists() {
        let joined = B.filter { rowBase[Int($0)] < 0 }
        let unbased = (0 ..< E.count).filter { slotBase[$0] < 0 }.map { Int32($0) }
        let left = (0 ..< border.n0).filter { !inB[Int(border.baseRows[$0])] }.map { Int32($0) }
        var alive = [Bool](repeating: false, count: border.n0)
        for p in slotBase where p >= 0 { alive[Int(p)] = true }
        let dead = (0 ..< border.n0).filter { !alive[$0] }.map { Int32($0) }
        precondition(border.addedRows == joined && border.addedColumns == unbased
                     && border.deletedRows == left && border.deletedColumns == dead,
                     "border lists out of step: \(border.addedRows) \(joined), \(border.addedColumns) \(unbased), \(border.deletedRows) \(left), \(border.deletedColumns) \(dead)")
    }

    // The border's rows and columns as vectors over W₀'s columns and rows.

    /// S's row i — an R⁺ row's entries in C₀'s columns, or a C⁻ column's unit row — as
    /// (W₀ column, value) pairs.
    @inline(__always) func forEachBorderRowEntry(_ i: Int, _ body: (Int, Double) -> Void) {
        let rPlus = border.addedRows.count
        guard i < rPlus else { body(Int(border.deletedColumns[i - rPlus]), 1); return }
        let r = Int(border.addedRows[i])
        for t in Int(border.outsideStart[r]) ..< Int(border.outsideStart[r + 1]) {
            body(Int(border.outsideColumn[t]), border.outsideValue[t])
        }
    }

    /// S's column j — a C⁺ column's entries in R₀'s rows, or an R⁻ row's unit column — as
    /// (W₀ row, value) pairs.
    @inline(__always) func forEachBorderColumnEntry(_ j: Int, _ body: (Int, Double) -> Void) {
        let cPlus = border.addedColumns.count
        guard j < cPlus else { body(Int(border.deletedRows[j - cPlus]), 1); return }
        let i = Int(border.addedColumns[j])
        for e in 0 ..< Int(column.count[i]) {
            let p = rowBase[Int(column.key(i, e))]
            if p >= 0 { body(Int(p), column.value(i, e)) }
        }
    }

    /// uᵢ · v (over W₀'s columns).
    @inline(__always) func borderRowDot(_ i: Int, _ v: [Double]) -> Double {
        var d = 0.0
        forEachBorderRowEntry(i) { c, value in d += value * v[c] }
        return d
    }

    /// vⱼ · w (over W₀'s rows).
    @inline(__always) func borderColumnDot(_ j: Int, _ w: [Double]) -> Double {
        var d = 0.0
        forEachBorderColumnEntry(j) { p, value in d += value * w[p] }
        return d
    }

    /// The border's part of a solve, after W₀'s first pass left its solution in `sol0`: S's
    /// unknowns (Sᵀ's when transposed) from the border's own right-hand side, then `rhs0`
    /// corrected by them and W₀ solved again into `sol0`. `sparse`: `rhs0Nonzeros` lists where
    /// `rhs0` may be nonzero (the corrections' positions are added).
    func borderPass(transposed: Bool, sparse: Bool, _ own: (Int) -> Double) -> [Double] {
        let k = border.k
        guard k > 0 else { return [] }
        var y = (0 ..< k).map { own($0) - (transposed ? borderColumnDot($0, sol0) : borderRowDot($0, sol0)) }
        if transposed {
            DenseLU.solveTransposed(border.schur, border.schurPermutation, k, &y)
        } else {
            DenseLU.solve(border.schur, border.schurPermutation, k, &y)
        }
        guard y.contains(where: { $0 != 0 }) else { return y }
        for j in 0 ..< k where y[j] != 0 {
            // rhs0 −= y_j times S's column j (row j of Sᵀ's when transposed).
            let alpha = y[j]
            let subtract = { (p: Int, value: Double) in
                self.rhs0[p] -= alpha * value
                if sparse { self.rhs0Nonzeros.append(Int32(p)) }
            }
            if transposed { forEachBorderRowEntry(j, subtract) } else { forEachBorderColumnEntry(j, subtract) }
        }
        border.base?.solve(rhs0, nonzeros: sparse ? rhs0Nonzeros : nil, into: &sol0, transposed: transposed, scratch: luScratch)
        return y
    }

    /// x (by E slot) with W x = b (by position in B). `nonzeros`: where b may be nonzero, when
    /// the caller knows (the solves then skip passes over all of B).
    func solveW(_ b: [Double], nonzeros: [Int32]? = nil, into x: inout [Double]) {
        let n0 = border.n0, rPlus = border.addedRows.count
        rhs0.setZero(count: n0)
        rhs0Nonzeros.removeAll(keepingCapacity: true)
        if let nonzeros {
            for pos in nonzeros {
                let p = rowBase[Int(B[Int(pos)])]
                if p >= 0 { rhs0[Int(p)] = b[Int(pos)]; rhs0Nonzeros.append(p) }
            }
        } else {
            for p in 0 ..< n0 {
                let r = Int(border.baseRows[p])
                if inB[r] { rhs0[p] = b[Int(posB[r])] }
            }
        }
        sol0.removeAll(keepingCapacity: true)
        border.base?.solve(rhs0, nonzeros: nonzeros != nil ? rhs0Nonzeros : nil, into: &sol0, transposed: false, scratch: luScratch)
        // S y = b₁ − Uᵀ W₀⁻¹ b₀, then x₀ = W₀⁻¹ (b₀ − V y).
        let y = borderPass(transposed: false, sparse: nonzeros != nil) { i in i < rPlus ? b[Int(posB[Int(self.border.addedRows[i])])] : 0 }
        x.setZero(count: E.count)
        for i in 0 ..< E.count {
            x[i] = slotBase[i] >= 0 ? sol0[Int(slotBase[i])] : y[Int(slotBorder[i])]
        }
        if checkSolves { checkResidual(b, x, transposed: false) }
    }

    /// μ (by position in B) with Wᵀ μ = c (by E slot). `nonzeros`: where c may be nonzero, when
    /// the caller knows.
    func solveWTransposed(_ c: [Double], nonzeros: [Int32]? = nil, into mu: inout [Double]) {
        let n0 = border.n0, cPlus = border.addedColumns.count
        rhs0.setZero(count: n0)
        rhs0Nonzeros.removeAll(keepingCapacity: true)
        if let nonzeros {
            for i in nonzeros where slotBase[Int(i)] >= 0 {
                rhs0[Int(slotBase[Int(i)])] = c[Int(i)]; rhs0Nonzeros.append(slotBase[Int(i)])
            }
        } else {
            for i in 0 ..< E.count where slotBase[i] >= 0 { rhs0[Int(slotBase[i])] = c[i] }
        }
        sol0.removeAll(keepingCapacity: true)
        border.base?.solve(rhs0, nonzeros: nonzeros != nil ? rhs0Nonzeros : nil, into: &sol0, transposed: true, scratch: luScratch)
        // Sᵀ ν = c₁ − Vᵀ W₀⁻ᵀ c₀, then μ₀ = W₀⁻ᵀ (c₀ − U ν).
        let nu = borderPass(transposed: true, sparse: nonzeros != nil) { j in j < cPlus ? c[Int(self.border.addedColumns[j])] : 0 }
        mu.setZero(count: B.count)
        for (pos, r) in B.enumerated() {
            let p = rowBase[Int(r)]
            mu[pos] = p >= 0 ? sol0[Int(p)] : nu[Int(rowBorder[Int(r)])]
        }
        if checkSolves { checkResidual(c, mu, transposed: true) }
    }

    /// Test aid: the residual of a solve against W's entries as the engine keeps them.
    func checkResidual(_ rhs: [Double], _ sol: [Double], transposed: Bool) {
        var r = rhs.map { -$0 }
        for i in 0 ..< E.count {
            for j in 0 ..< Int(inW.count[i]) {
                let p = Int(posB[Int(inW.key(i, j))]), v = inW.value(i, j)
                if transposed { r[i] += v * sol[p] } else { r[p] += v * sol[i] }
            }
        }
        let scale = 1 + (rhs.map(abs).max() ?? 0) + (sol.map(abs).max() ?? 0)
        border.worstResidual = max(border.worstResidual, (r.map(abs).max() ?? 0) / scale)
    }
}
