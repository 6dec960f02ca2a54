// LeafDecomposition.swift — Dantzig–Wolfe decomposition over the network's leaves (stations).
import Dispatch
import Foundation
import FuelFlowModel
import GLPK
import NetworkFlow

/// The model's leaf blocks: one per (leaf node, product), where a leaf is a node without
/// outgoing lanes and without production (in a fuel network: the petrol stations).
///
/// A block holds the leaf's balance rows for the product (contiguous, one per day), the safety
/// rows of its storage, and every column that appears only there: the lanes into the leaf, its
/// stock, safety shortfall and unserved demand. Every other row and column is the *master*'s.
/// Blocks are grouped into regions (by the depot of the leaf's first inbound lane and the
/// product): one convexity row per region in the master.
struct LeafBlocks {
    let count: Int
    let product: [Int32]
    let region: [Int32]
    /// Balance rows of block b: `firstRow[b] ..< firstRow[b] + rowSpan[b]`.
    let firstRow: [Int32]
    let rowSpan: [Int32]
    /// Columns of block b: `columns[columnStart[b] ..< columnStart[b + 1]]`.
    let columnStart: [Int]
    let columns: [Int32]
    /// Block of each model column / row, −1 for the master's.
    let columnBlock: [Int32]
    let rowBlock: [Int32]
    let regionCount: Int
    /// The master's rows (without safety rows) and columns in model order, and the position of each
    /// model row among the master rows (−1 for block and safety rows).
    let masterRows: [Int32]
    let masterColumns: [Int32]
    let masterRowPosition: [Int32]

    /// nil when the model has no leaf blocks.
    /// `regionsPerBlock`: true gives every block its own convexity row (finer, bigger master).
    init?(_ m: PlanModel, regionsPerBlock: Bool = false) {
        let net = m.network, N = m.N, P = m.P, T = m.T
        var hasOut = [Bool](repeating: false, count: N), home = [Int32](repeating: -1, count: N)
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 && !m.laneProducts[l].isEmpty {
            hasOut[lane.from] = true
            if home[lane.to] < 0 { home[lane.to] = Int32(lane.from) }
        }
        for pr in net.production { hasOut[pr.refinery] = true }
        // Blocks: (leaf, product) pairs with balance rows.
        var blockOf = [Int32](repeating: -1, count: N * P)
        var product = [Int32](), region = [Int32](), firstRow = [Int32](), rowSpan = [Int32]()
        var regionOf = [Int32](repeating: -1, count: (N + 1) * P)
        var regions = 0
        for p in 0..<P {
            for n in 0..<N where !hasOut[n] {
                var first = -1, span = 0
                for t in 1...T {
                    let r = Int(m.balanceRowIndex[(p * N + n) * T + t - 1])
                    if r < 0 { continue }
                    if first < 0 { first = r }
                    span = r - first + 1
                }
                if first < 0 { continue }
                blockOf[n * P + p] = Int32(product.count)
                product.append(Int32(p)); firstRow.append(Int32(first)); rowSpan.append(Int32(span))
                if regionsPerBlock {
                    region.append(Int32(regions)); regions += 1
                } else {
                    let h = home[n] >= 0 ? Int(home[n]) : N
                    if regionOf[h * P + p] < 0 { regionOf[h * P + p] = Int32(regions); regions += 1 }
                    region.append(regionOf[h * P + p])
                }
            }
        }
        if product.isEmpty { return nil }
        var columnBlock = [Int32](repeating: -1, count: m.columnCount)
        var rowBlock = [Int32](repeating: -1, count: m.rowCount)
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 && !hasOut[lane.to] {
            for (k, p) in m.laneProducts[l].enumerated() {
                let b = blockOf[lane.to * P + p]
                for t in 0..<m.laneSpan[l] { columnBlock[m.laneColumnStart[l] + k * m.laneSpan[l] + t] = b }
            }
        }
        for (k, st) in net.storage.enumerated() where !hasOut[st.node] {
            let b = blockOf[st.node * P + st.product]
            for t in 0..<T { columnBlock[m.storageBase + k * T + t] = b }
            if m.safetyColumnStart[k] >= 0 {
                for t in 0..<T { columnBlock[m.safetyColumnStart[k] + t] = b; rowBlock[m.safetyRowStart[k] + t] = b }
            }
        }
        for e in 0..<m.demandVolume.count where !hasOut[Int(m.demandNode[e])] {
            columnBlock[m.shortfallBase + e] = blockOf[Int(m.demandNode[e]) * P + Int(m.demandProduct[e])]
        }
        for b in 0..<product.count {
            for r in Int(firstRow[b])..<Int(firstRow[b] + rowSpan[b]) { rowBlock[r] = Int32(b) }
        }
        // Columns grouped by block (counting sort, model order within a block).
        let B = product.count
        var start = [Int](repeating: 0, count: B + 1)
        for j in 0..<m.columnCount where columnBlock[j] >= 0 { start[Int(columnBlock[j]) + 1] += 1 }
        for b in 0..<B { start[b + 1] += start[b] }
        var fill = start
        var columns = [Int32](repeating: 0, count: start[B])
        var masterColumns = [Int32]()
        for j in 0..<m.columnCount {
            let b = Int(columnBlock[j])
            if b >= 0 { columns[fill[b]] = Int32(j); fill[b] += 1 } else { masterColumns.append(Int32(j)) }
        }
        // Master rows: all but the blocks' and the safety rows (the master folds each safety
        // row into its stock column, see ``LeafDecomposition``).
        var masterRows = [Int32](), position = [Int32](repeating: -1, count: m.rowCount)
        for r in 0..<m.safetyRowBase where rowBlock[r] < 0 { position[r] = Int32(masterRows.count); masterRows.append(Int32(r)) }
        count = B
        self.product = product; self.region = region; self.firstRow = firstRow; self.rowSpan = rowSpan
        columnStart = start; self.columns = columns; self.columnBlock = columnBlock; self.rowBlock = rowBlock
        regionCount = regions; self.masterRows = masterRows; self.masterColumns = masterColumns
        masterRowPosition = position
    }

    /// Share of the model's columns that sit in blocks.
    func blockShare(_ m: PlanModel) -> Double { Double(columns.count) / Double(max(1, m.columnCount)) }
}

/// Dantzig–Wolfe decomposition of the planning LP over its leaf blocks (see ``LeafBlocks``).
///
/// The master LP (GLPK) keeps every row and column outside the leaves — refineries, terminals,
/// depots, their lanes, stocks, shared limits and throughputs — and chooses, per region, a
/// convex combination of delivery proposals for its stations. A region's proposal is the sum
/// of its blocks' pricing solutions; a block's pricing problem is a small min-cost flow (the
/// leaf's days, its inbound lanes priced at the master's duals) solved by our network simplex.
/// Many small blocks give many columns per round, where the per-product decomposition gets
/// one per product.
///
/// Bounds: the Lagrangian function of the master rows at the master's duals y (signs clamped
/// to the row's finite bounds), `L(y) = Σ_r y_r·b_r + Σ_master columns min over the column's
/// box of (c − yA)_j x_j + Σ_blocks min over the block of (c − yA)x`, is a lower bound on the
/// optimum for any such y. Columns without a finite upper bound use the implied bound (no lane
/// can carry more than all opening stock plus all production). Each block is priced with
/// costs rounded to a fine power of ten; its minimum is lowered by the worst rounding error over
/// the block (volume bound × 10^−k), so the bound stays valid. The master with zero artificials
/// is a feasible plan (upper bound).
enum LeafDecomposition {
    struct Proposal {
        var region: Int32
        var cost: Double
        /// (master row position, coefficient) sorted by row.
        var use: [(Int32, Double)]
        var x: [(Int32, Double)]
        /// GLPK column scale s: the master's variable is s·λ (entries, cost and convexity
        /// coefficient divided by s), s = √(max |use|) to balance the m³ entries (up to ~10³)
        /// against the convexity row's 1 — the national master failed numerically without it.
        var scale = 1.0
    }

    /// Per-round pricing results, written by the workers at disjoint indices.
    final class Pricing: @unchecked Sendable {
        let x: UnsafeMutableBufferPointer<Double>
        let y: UnsafeMutableBufferPointer<Double>
        let value: UnsafeMutableBufferPointer<Double>
        let error: UnsafeMutableBufferPointer<Double>
        let failed: UnsafeMutableBufferPointer<Bool>
        /// The master duals the round prices at (model-row indexed; block rows unused).
        let duals: UnsafeMutableBufferPointer<Double>
        /// Each inbound lane column's reduced cost at the block's last solve (model-column
        /// indexed; NaN before any): a block whose lane costs are all unchanged keeps its solution.
        let laneCost: UnsafeMutableBufferPointer<Double>
        /// The block holds an optimal solution for `laneCost`; it was reused this round.
        let solved: UnsafeMutableBufferPointer<Bool>
        let reused: UnsafeMutableBufferPointer<Bool>
        init(columns: Int, rows: Int, blocks: Int) {
            x = .filled(columns, 0); duals = .filled(rows, 0); y = .filled(rows, 0)
            value = .filled(blocks, 0); error = .filled(blocks, 0); failed = .filled(blocks, false)
            laneCost = .filled(columns, .nan); solved = .filled(blocks, false); reused = .filled(blocks, false)
        }
        deinit {
            x.deallocate(); y.deallocate(); duals.deallocate(); value.deallocate(); error.deallocate(); failed.deallocate()
            laneCost.deallocate(); solved.deallocate(); reused.deallocate()
        }
    }

    /// Prices block b at master duals `y` (model-row indexed, master rows only read): solves its
    /// min-cost flow and writes its columns' values, its rows' duals, its value (true costs) and
    /// its rounding allowance into `out`.
    static func price(_ m: PlanModel, _ lb: LeafBlocks, block b: Int, duals y: UnsafeBufferPointer<Double>,
                      base: FlowScaling, into out: Pricing) {
        let net = m.network, T = m.T
        let p = Int(lb.product[b])
        let r0 = Int(lb.firstRow[b]), R = Int(lb.rowSpan[b])
        let src = NodeID(R)
        // Reduced costs of the block's columns (only lane columns touch master rows).
        let cols = lb.columns[lb.columnStart[b]..<lb.columnStart[b + 1]]
        var rc = [Double](repeating: 0, count: cols.count)
        var maxAbs = 1.0
        for (i, j32) in cols.enumerated() {
            let j = Int(j32)
            var d = m.columnCost[j]
            if j < m.productionBase {
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                    let r = Int(m.entryRow[e])
                    if lb.rowBlock[r] < 0 { d -= m.entryValue[e] * y[r] }
                }
            }
            rc[i] = d
            maxAbs = max(maxAbs, abs(d))
        }
        // The same lane costs as at the last solve: the same problem, the same solution (kept in
        // `out`). Only the lanes' costs change between rounds.
        var unchanged = out.solved[b]
        for (i, j32) in cols.enumerated() where Int(j32) < m.productionBase {
            let j = Int(j32)
            if out.laneCost[j] != rc[i] { unchanged = false; out.laneCost[j] = rc[i] }
        }
        out.reused[b] = unchanged
        if unchanged { return }
        out.solved[b] = false
        for j32 in cols { out.x[Int(j32)] = 0 }
        // Cost scale: as fine as the Int64 range allows (at most 10^12), at least the data's.
        let limit = Double(MinCostFlowProblem.costRangeLimit) / Double(R + 2) / (maxAbs + 1) / 8
        var k = base.costDecimals
        while k < 12 && pow10(k + 1) <= limit { k += 1 }
        let cs = pow10(k), vs = base.volumeScale
        var prob = MinCostFlowProblem(nodeCount: R + 1)
        var arcColumn = [Int32]()
        var tier1 = [Int32]()
        var total: Int64 = 0, volumeBound = 0.0
        for i in 0..<R {
            let s = -base.volume(m.rowLower[r0 + i])
            prob.setSupply(NodeID(i), s)
            total += s
            volumeBound += abs(m.rowLower[r0 + i])
        }
        prob.setSupply(src, -total)
        @inline(__always) func node(_ r: Int) -> NodeID { NodeID(r - r0) }
        let spen = net.products[p].safetyPenalty
        for (i, j32) in cols.enumerated() {
            let j = Int(j32)
            let cost = Int64((rc[i] * cs).rounded())
            if j < m.productionBase {
                // Lane into the leaf: +1 in its arrival balance row (the block's).
                var to = -1
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] where lb.rowBlock[Int(m.entryRow[e])] == Int32(b) && m.entryValue[e] > 0 {
                    to = Int(m.entryRow[e])
                }
                let up = m.columnUpper[j]
                prob.addArc(from: src, to: node(to), capacity: up.isFinite ? base.volume(up) : MinCostFlowProblem.unbounded, cost: cost)
                arcColumn.append(j32)
            } else if j < m.shortfallBase {
                // Stock s[k,t]: (t) → (t+1), or (T) → source; two tiers with a safety level.
                let k = (j - m.storageBase) / T, t = (j - m.storageBase) % T + 1
                let st = net.storage[k]
                let from = node(Int(m.balanceRowIndex[(p * m.N + st.node) * T + t - 1]))
                let to = t < T ? node(Int(m.balanceRowIndex[(p * m.N + st.node) * T + t])) : src
                let cap = base.volume(st.capacityM3), h = Int64((st.holdingCostPerM3Day * cs).rounded())
                volumeBound += st.capacityM3
                if st.safetyM3 > 0 {
                    let first = min(base.volume(st.safetyM3), cap)
                    tier1.append(prob.addArc(from: from, to: to, capacity: first, cost: h - Int64((spen * cs).rounded())))
                    arcColumn.append(j32)
                    if cap > first { prob.addArc(from: from, to: to, capacity: cap - first, cost: h); arcColumn.append(j32) }
                } else {
                    prob.addArc(from: from, to: to, capacity: cap, cost: h)
                    arcColumn.append(j32)
                }
            } else if j < m.safetyBase {
                let e = j - m.shortfallBase
                let r = Int(m.balanceRowIndex[(p * m.N + Int(m.demandNode[e])) * T + Int(m.demandDay[e]) - 1])
                prob.addArc(from: src, to: node(r), capacity: base.volume(m.demandVolume[e]), cost: cost)
                arcColumn.append(j32)
            }
            // Safety columns b: derived from the stock below.
        }
        let res = NetworkSimplex().solve(prob)
        guard res.status == .optimal || res.status == .objectiveOverflow else { debugLog("leaf block \(b): \(res.status), \(prob.nodeCount) nodes, \(prob.arcCount) arcs"); out.failed[b] = true; return }
        for a in 0..<prob.arcCount where res.flow[a] != 0 { out.x[Int(arcColumn[a])] += Double(res.flow[a]) / vs }
        let piS = res.potential[R]
        for i in 0..<R { out.y[r0 + i] = Double(res.potential[i] - piS) / cs }
        var value = 0.0
        var ti = 0
        for (i, j32) in cols.enumerated() {
            let j = Int(j32)
            if j >= m.storageBase && j < m.shortfallBase {
                let k = (j - m.storageBase) / T, t = (j - m.storageBase) % T + 1
                let st = net.storage[k]
                if st.safetyM3 > 0 {
                    let s = out.x[j]
                    let bcol = m.safetyColumnStart[k] + t - 1
                    out.x[bcol] = max(0, st.safetyM3 - s)
                    value += spen * out.x[bcol]
                    let a = Int(tier1[ti]); ti += 1
                    let red = prob.cost[a] + res.potential[Int(prob.tail[a])] - res.potential[Int(prob.head[a])]
                    out.y[m.safetyRowStart[k] + t - 1] = FlowRoute.safetyDual(firstTierReducedCost: Double(red) / cs, stock: s,
                                                                              safety: st.safetyM3, penalty: spen)
                }
            }
            if j < m.safetyBase { value += rc[i] * out.x[j] }
        }
        out.value[b] = value
        // |true − rounded| ≤ 0.5/cs per m³ on every priced arc, for the solution and the optimum.
        out.error[b] = volumeBound / cs
        out.solved[b] = true
    }

    /// `columns`: the master's GLPK columns before the proposals (master columns, `gColumn` giving
    /// their model columns, then artificials); the proposals follow them.
    /// A dual-feasible starting basis for the first master (the all-slack basis needs a dual
    /// simplex pivot per balance row: minutes on the national master): per product, an optimal
    /// spanning tree of the master's own flow network — its balance rows as nodes, its columns as
    /// arcs, the initial proposals' deliveries as fixed demands — from our network simplex; the
    /// shared rows' slacks and each region's proposal basic. Only the shared rows the proposals
    /// overfill are then primal infeasible, which is the dual simplex's work. nil when a
    /// product's network has no optimum (GLPK then starts from the all-slack basis).
    ///
    /// `basicFrom`: each region's first proposal from this index on is its basic one. `extra`
    /// (per master column, optional): columns left out of the networks, nonbasic at 0 (the upper
    /// parts of split columns). `caps` (model-column indexed, optional): tighter upper bounds for
    /// the arcs (the caller sets them as GLPK bounds while this basis is in use).
    static func initialBasis(_ m: PlanModel, _ lb: LeafBlocks, scaling sc: FlowScaling, columns: [LinearProgram.Column],
                             masterColumns gColumn: [Int32], proposals: [Proposal], rows: Int, basicFrom: Int = 0,
                             extra: [Bool]? = nil, caps: [Double]? = nil)
        -> (rows: [GLPKProblem.BasisStatus], columns: [GLPKProblem.BasisStatus])?
    {
        let M = lb.masterRows.count
        let cp = Decomposition.columnProducts(m)
        var basicProposal = [Int](repeating: -1, count: rows - M)
        for (k, pr) in proposals.enumerated() where k >= basicFrom && basicProposal[Int(pr.region)] < 0 { basicProposal[Int(pr.region)] = k }
        var fixed = [Double](repeating: 0, count: M)
        for k in basicProposal where k >= 0 { for (pos, v) in proposals[k].use { fixed[Int(pos)] += v } }
        var rowStatus = [GLPKProblem.BasisStatus](repeating: .basic, count: rows)
        var colStatus = [GLPKProblem.BasisStatus](repeating: .atLower, count: columns.count + proposals.count)
        for c in columns.indices where columns[c].bounds.lower == columns[c].bounds.upper { colStatus[c] = .fixed }
        var local = [Int32](repeating: -1, count: M)
        var value = [Double](repeating: 0, count: gColumn.count)
        for p in 0..<m.P {
            var nodeRow: [Int] = []   // master position of each node
            for r in m.productRowStart[p]..<m.productRowStart[p + 1] where lb.masterRowPosition[r] >= 0 {
                let pos = Int(lb.masterRowPosition[r])
                local[pos] = Int32(nodeRow.count); nodeRow.append(pos)
            }
            let R = nodeRow.count, src = NodeID(R)
            var prob = MinCostFlowProblem(nodeCount: R + 1)
            var total: Int64 = 0
            for i in 0..<R {
                let r = Int(lb.masterRows[nodeRow[i]])
                let s = -sc.volume(m.rowLower[r] - fixed[nodeRow[i]])
                prob.setSupply(NodeID(i), s); total += s
            }
            prob.setSupply(src, -total)
            var arcColumn: [Int] = []
            for c in 0..<gColumn.count where Int(cp[Int(gColumn[c])]) == p && !(extra?[c] ?? false) {
                let j = Int(gColumn[c])
                var tail = src, head = src, ends = 0
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] where Int(m.entryRow[e]) < m.balanceCount {
                    let pos = Int(lb.masterRowPosition[Int(m.entryRow[e])])
                    guard pos >= 0 else { continue }
                    if m.entryValue[e] < 0 { tail = NodeID(local[pos]) } else { head = NodeID(local[pos]) }
                    ends += 1
                }
                if ends == 0 || tail == head { continue }
                let b = columns[c].bounds
                let up = min(b.upper, caps.map { j < $0.count ? $0[j] : .infinity } ?? .infinity)
                prob.addArc(from: tail, to: head, lower: sc.volume(b.lower),
                            capacity: up.isFinite ? sc.volume(up) : MinCostFlowProblem.unbounded,  // caps are on the scale's grid
                            cost: sc.cost(columns[c].objective))
                arcColumn.append(c)
            }
            let res = NetworkSimplex().solve(prob)
            guard res.status == .optimal || res.status == .objectiveOverflow else {
                debugLog("leaf decomposition: master network of product \(p): \(res.status)")
                return nil
            }
            let (inTree, count) = FlowRoute.spanningTree(prob, res)
            if count == 0 && R > 0 { debugLog("leaf decomposition: master network of product \(p): free arcs form a cycle"); return nil }
            for a in 0..<prob.arcCount {
                let c = arcColumn[a]
                value[c] += Double(res.flow[a]) / sc.volumeScale
                if inTree[a] { colStatus[c] = .basic; continue }
                if colStatus[c] == .fixed { continue }
                colStatus[c] = res.flow[a] == prob.capacity[a] && prob.capacity[a] > prob.lower[a] ? .atUpper : .atLower
            }
            // Balance rows fixed (nonbasic), but one per part the tree cannot connect to the source.
            var parent = Array(0...R)
            func find(_ a: Int) -> Int { var a = a; while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }; return a }
            for a in 0..<prob.arcCount where inTree[a] { parent[find(Int(prob.tail[a]))] = find(Int(prob.head[a])) }
            var covered = [Bool](repeating: false, count: R + 1)
            covered[find(R)] = true
            for i in 0..<R {
                let root = find(i)
                if covered[root] { rowStatus[nodeRow[i]] = .fixed } else { covered[root] = true }  // stays basic
            }
        }
        // Shared rows the start overfills: the artificial basic, the row at its limit (a primal
        // feasible basis: the primal simplex needs no phase 1).
        let cb = m.laneCapacityBase, K = m.couplingRowCount
        var activity = [Double](repeating: 0, count: K)
        for (c, j32) in gColumn.enumerated() where value[c] != 0 {
            let j = Int(j32)
            for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                let r = Int(m.entryRow[e])
                if r >= cb && r < cb + K { activity[r - cb] += m.entryValue[e] * value[c] }
            }
        }
        for r in cb..<(cb + K) { activity[r - cb] += fixed[Int(lb.masterRowPosition[r])] }
        for k in 0..<K where activity[k] > m.rowUpper[cb + k] + 1e-9 * max(1, abs(m.rowUpper[cb + k])) {
            rowStatus[Int(lb.masterRowPosition[cb + k])] = .atUpper
            colStatus[gColumn.count + k] = .basic
        }
        // Convexity rows fixed; the first proposal of each region basic.
        for g in 0..<(rows - M) { rowStatus[M + g] = .fixed }
        for k in basicProposal where k >= 0 { colStatus[columns.count + k] = .basic }
        return (rowStatus, colStatus)
    }

    /// Masters with at least this many rows split their shared lane columns at the capacity-
    /// respecting caps; smaller ones cap them for the first solve and lift the caps with the dual
    /// simplex (see docs/model.md: the lifting is 1.6× faster on 10,000 stations, but left the
    /// national master ~32,000 infeasibilities).
    static let splitFromRows = 20_000
    /// With `handOffBeforeMaster`: the heuristic rounds hand their best plan on after this many
    /// rounds, or sooner (from round 2 on) once a round improves it by less than `handOffGain` of
    /// its cost. National (session 22, one run each, the same binary): handing on after 1, 2, 3,
    /// 4 or ~7 rounds (65, 81, 97, 112, 156 s after the launch) left the partitioning 462,038,
    /// 306,489, 235,170, 218,248 and 147,035 pivots, and the optimum came after 277.8, 234.7,
    /// 219.6, 237.2 and 266.7 s: three rounds. (Session 19, with pivots 2–3× dearer, the gain rule
    /// alone after round 7 was the best.) `FUELFLOW_HANDOFF_ROUNDS` and `FUELFLOW_HANDOFF_GAIN`
    /// override them (measurements).
    static let handOffRounds = ProcessInfo.processInfo.environment["FUELFLOW_HANDOFF_ROUNDS"].flatMap { Int($0) } ?? 3
    static let handOffGain = ProcessInfo.processInfo.environment["FUELFLOW_HANDOFF_GAIN"].flatMap { Double($0) } ?? 2e-6
    /// Steps per heuristic round after the evaluation at the plan's share prices: they rarely
    /// raise the bound, but their flows enrich the average the next shares come from (session 6,
    /// subgradient steps, national at ~56 s: 1 step 0.028 %, 2 steps 0.036 %, 3 steps 0.030 %;
    /// none stalls at 0.054 %; with the room handed on, 1 step gave 0.050 % at 60 s against 2
    /// steps' 0.048 %). Session 22, three rounds then the partitioning: one step a round
    /// handed on a plan 10,997 dearer, and the partitioning needed 262,241 pivots instead of
    /// 235,170, for no time saved. `FUELFLOW_LAGRANGIAN_STEPS` overrides it (measurements).
    static let lagrangianStepsPerRound = ProcessInfo.processInfo.environment["FUELFLOW_LAGRANGIAN_STEPS"].flatMap { Int($0) } ?? 2

    /// The Lagrangian steps heuristic round `round` (from 0) takes. The steps serve the next round
    /// (their flows join the average its shares come from; they rarely raise the bound
    /// themselves), so the last round takes none: the last one allowed, and — from round 1 on —
    /// one with less time left than the previous round took, so that its room can still be
    /// handed on before the deadline (national `--time-limit 60`: round 1 then ends at 56 s, gap
    /// 0.036 %, instead of being cut off before its room, 0.044 %). Round 0 steps unless the time
    /// left is under twice its capacity-respecting plan's (`planSeconds`): the re-solve with the
    /// room handed on takes about that plan's time, and another round at least as much again, so
    /// the steps would only cut that re-solve short (national `--time-limit 60` on a slow day:
    /// the bound at 46 s, 15 s left after a 17-s plan; the steps took the room's re-solve down to
    /// one product of four by the limit). Without its steps round 1 gains nothing.
    static func lagrangianSteps(round: Int, maxRounds: Int, secondsLeft: Double, lastRoundSeconds: Double,
                                planSeconds: Double = 0) -> Int {
        if round + 1 >= maxRounds { return 0 }
        if round > 0 && secondsLeft < lastRoundSeconds { return 0 }
        if secondsLeft < 2 * planSeconds { return 0 }
        return lagrangianStepsPerRound
    }

    /// Re-solves per heuristic round that hand the room the plan's products left on shared rows
    /// to the products that price it (``Decomposition/improvedByRedistribution``). The first takes
    /// most of the gain (national, round 0: 1,014,965,530 → 1,014,700,634 in 9 s; a second
    /// re-solve 1,014,686,875 in 6 s); after 120 s one per round reached 1,014,580,448 (gap
    /// 0.018 %), three per round 1,014,584,464 (0.020 %).
    static let redistributionsPerRound = 1

    /// Master rounds without a better plan or bound after which either decomposition stops as
    /// stalled (``BoundStall``; small models then hand over to the full LP).
    static let stallRounds = 200

    /// `x0`: the relaxation's flows (the first proposals), `relaxationObjective` their cost (a valid
    /// lower bound: the Lagrangian at multipliers 0), `relaxationDuals` its duals (reported when no
    /// pricing round improves on it). `sessions`: the relaxation's network simplex sessions (the
    /// Lagrangian bound and, with split nodes, warm capacity-respecting plans; released before the
    /// master); nil for one cold plan and no Lagrangian bound. `heuristicRounds` caps the
    /// capacity-respecting plans of a split-start master (tests); smaller masters make one.
    /// `warm`: where the plans' sessions are kept for the next solve of a model of the same shape
    /// (the lots rounds), which continues from them (``Planner/WarmSessions``); nil: freed.
    static func solve(_ m: PlanModel, blocks lb: LeafBlocks, scaling base: FlowScaling, x0: [Double],
                      relaxationObjective: Double, relaxationDuals: [Double],
                      threads: Int, maxIterations: Int = .max, deadline: ContinuousClock.Instant,
                      sessions: PricingSessions? = nil, warm: Planner.WarmSessions? = nil,
                      splitFromRows: Int = splitFromRows, heuristicRounds heuristicRoundLimit: Int = .max,
                      gapTolerance: Double = 1e-8, handOffBeforeMaster: Bool = false,
                      progress: (@Sendable (String) -> Void)?) -> Decomposition.Outcome? {
        let clock = ContinuousClock()
        let M = lb.masterRows.count, G = lb.regionCount
        let splitCapped = M >= splitFromRows
        let cb = m.laneCapacityBase, K = m.couplingRowCount
        var maxCost = 1.0
        for c in m.columnCost { maxCost = max(maxCost, abs(c)) }
        // Implied bound on any flow: all opening stock plus all production.
        var implied = 0.0
        for st in m.network.storage { implied += st.initialM3 }
        for pr in m.network.production { implied += pr.maxM3PerDay * Double(m.T) }
        implied = max(implied, 1)

        // --- proposals
        var proposals: [Proposal] = []
        var scratch = [Double](repeating: 0, count: M)
        func addProposals(_ x: UnsafeBufferPointer<Double>, regions: [Bool]?) {
            var perRegion = [[Int32]](repeating: [], count: G)   // blocks
            for b in 0..<lb.count where regions?[Int(lb.region[b])] ?? true { perRegion[Int(lb.region[b])].append(Int32(b)) }
            for g in 0..<G where !perRegion[g].isEmpty {
                var cost = 0.0
                var xs: [(Int32, Double)] = []
                var touched: [Int32] = []
                for b32 in perRegion[g] {
                    let b = Int(b32)
                    for j32 in lb.columns[lb.columnStart[b]..<lb.columnStart[b + 1]] {
                        let j = Int(j32), v = x[j]
                        if v == 0 { continue }
                        xs.append((j32, v))
                        cost += m.columnCost[j] * v
                        guard j < m.productionBase else { continue }
                        for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                            let pos = Int(lb.masterRowPosition[Int(m.entryRow[e])])
                            if pos < 0 { continue }
                            if scratch[pos] == 0 { touched.append(Int32(pos)) }
                            scratch[pos] += m.entryValue[e] * v
                            if scratch[pos] == 0 { scratch[pos] = .leastNonzeroMagnitude }
                        }
                    }
                }
                touched.sort()
                var use: [(Int32, Double)] = []
                for pos in touched {
                    let v = scratch[Int(pos)]; scratch[Int(pos)] = 0
                    if abs(v) > 1e-300 { use.append((pos, v)) }
                }
                proposals.append(Proposal(region: Int32(g), cost: cost, use: use, x: xs))
            }
        }
        x0.withUnsafeBufferPointer { addProposals($0, regions: nil) }
        // A feasible plan before any master (what a time limit returns at worst): the
        // capacity-respecting flows. The best such plan's station deliveries become each region's
        // second proposal, and its caps start the master.
        var bestUB = Double.infinity
        var bestX: [Double] = []
        var bestCaps: [Double] = []
        var lagrangian: (bound: Double, y: [Double], x: [Double], evaluations: Int)? = nil
        let heuristicStart = proposals.count   // the best capacity-respecting plan's proposals
        // Large masters (national: GLPK needs minutes per round) get heuristic rounds before them
        // while these close the gap; smaller ones converge faster through the master (n10k: 10 s
        // in all) and take one plan and one Lagrangian evaluation only.
        let maxHeuristicRounds = splitCapped ? heuristicRoundLimit : 1
        var heuristicRounds = 0   // capacity-respecting plans made from shares
        var redistributions = 0   // and re-solved with the room handed on
        let heuristicStartTime = clock.now
        // The plans' sessions, kept for a caller that goes on from the best plan.
        var keptPlans: PricingSessions? = nil
        do {
            // Round 0: shares from the relaxation's flows (the guaranteed plan, not interruptible).
            // With the relaxation's sessions, each round then evaluates the Lagrangian at the
            // plan's share prices and takes `lagrangianStepsPerRound` steps from there (along the
            // averaged flows' excess), then hands the plan's unused room on; the next round's
            // shares come from the Lagrangian flows averaged over every evaluation so far (an
            // ergodic average: it approaches an optimal plan, as the share prices of its plans
            // approach optimal multipliers). National: gap 0.063 % after round 0, 0.036 % after
            // round 1 (60 s), 0.009 % after round 9 (136 s), where it stalls.
            var shareSource = x0
            var round = 0
            var averaged: [Double] = [], evaluations = 0
            var gaps: [Double] = []
            // With split-node sessions, the plans re-solve a copy of the relaxation's trees with
            // the shares as capacities (national: 12 s instead of 28 s cold, later rounds 1–6 s),
            // while the Lagrangian steps keep re-pricing the relaxation's own trees (restoring the
            // full capacities on the plan's trees costs as much as a cold solve).
            // The lots rounds after the first continue from the last round's plan trees instead
            // (national: 400,000 pivots a product from the relaxation's, 20 s a round).
            var planSessions: PricingSessions? = nil
            if let sessions, sessions.splitThroughput {
                if let kept = warm?.plans, kept.scaling == sessions.scaling, kept.splitThroughput,
                   kept.products.count == sessions.products.count, kept.hasTrees {
                    kept.rebase()
                    planSessions = kept
                } else {
                    planSessions = sessions.copy()
                }
                warm?.plans = planSessions
            }
            defer { if warm == nil { if handOffBeforeMaster && splitCapped { keptPlans = planSessions } else { planSessions?.release() } } }
            var lastRoundSeconds = 0.0
            var roundStartUB = Double.infinity
            while true {
                let t = clock.now
                let h = Decomposition.capacityRespectingFlows(m, x0: shareSource, scaling: base, threads: threads, equalShares: false,
                                                              deadline: round == 0 ? nil : deadline, sessions: planSessions)
                let ok = h.ok.allSatisfy { $0 }
                let planSeconds = (clock.now - t).seconds
                let value = ok ? m.objective(of: h.x) : .infinity
                if ok { heuristicRounds += 1 }
                if ok && value < bestUB { bestX = h.x; bestUB = value; bestCaps = h.caps }
                let outcome = ok ? "\(value)" : clock.now >= deadline ? "not finished before the time limit"
                                                                     : "not found (a product's flows are infeasible under its shares)"
                progress?("leaf decomposition: capacity-respecting plan\(round > 0 ? " \(round + 1) (shares from the averaged Lagrangian flows)" : "") \(outcome) (\(fmt((clock.now - t).seconds)) s)")
                guard let sessions, ok, !h.sharePrice.isEmpty else { break }
                // Only a plan asked for (the lots rounds after the first: a gap of 1, which the
                // relaxation's value already certifies): no Lagrangian steps. Not for a smaller
                // gap even when the relaxation meets it: the steps still tighten the bound that is
                // reported (QA: the lots' first round reported gaps 0.078 % → 0.133 % without them).
                if gapTolerance >= 1 && bestUB - relaxationObjective <= gapTolerance * max(1, abs(bestUB)) { break }
                let steps = lagrangianSteps(round: round, maxRounds: maxHeuristicRounds, secondsLeft: (deadline - clock.now).seconds,
                                            lastRoundSeconds: lastRoundSeconds, planSeconds: planSeconds)
                guard let phase = Decomposition.lagrangianPhase(m, sharePrice: h.sharePrice, upperBound: bestUB, sessions: sessions,
                                                                threads: threads, steps: steps,
                                                                budget: splitCapped ? deadline - clock.now : nil,
                                                                gapTolerance: gapTolerance, prior: (averaged, evaluations), deadline: deadline,
                                                                progress: progress) else { break }
                if phase.bound > lagrangian?.bound ?? -.infinity { lagrangian = phase }
                if averaged.isEmpty { averaged = phase.x } else {
                    let w = Double(phase.evaluations) / Double(evaluations + phase.evaluations)
                    for j in 0..<averaged.count { averaged[j] += w * (phase.x[j] - averaged[j]) }
                }
                evaluations += phase.evaluations
                // The plan improved by handing the room its products left on shared rows to the
                // products that price it (national: the first plan 1,014,965,530 → 1,014,700,634).
                if let planSessions, bestUB - lagrangian!.bound > gapTolerance * max(1, abs(bestUB)), clock.now < deadline {
                    let tr = clock.now
                    let improved = Decomposition.improvedByRedistribution(m, h, scaling: base, threads: threads,
                                                                          limit: redistributionsPerRound, deadline: deadline,
                                                                          sessions: planSessions)
                    redistributions += improved.resolves
                    if improved.cost < bestUB { bestX = improved.plan.x; bestUB = improved.cost; bestCaps = improved.plan.caps }
                    if improved.cost < value {
                        let kept = improved.keptProducts > 0 ? "; \(improved.keptProducts) of \(m.P) product(s) not re-solved before the time limit kept their flows" : ""
                        progress?("leaf decomposition: plan \(improved.cost) after handing unused shares to the products that price them (\(improved.resolves) re-solve(s), \(fmt((clock.now - tr).seconds)) s\(kept))")
                    }
                }
                lastRoundSeconds = (clock.now - t).seconds
                let gap = (bestUB - lagrangian!.bound) / max(1, abs(bestUB))
                gaps.append(gap)
                debugLog("heuristic round \(round): plan \(bestUB), bound \(lagrangian!.bound), gap \(fmt(100 * gap))%")
                round += 1
                // Stalled: the last three rounds took less than 5 % off the gap (national: after
                // round 12, ~160 s). Until then a large master's rounds run up to the deadline (a
                // round cut short by it leaves the best plan and bound so far).
                let stalled = gaps.count > 3 && gap > 0.95 * gaps[gaps.count - 4]
                // Handing off, the rounds also stop after `handOffRounds`, or once one improves the
                // plan by less than `handOffGain` of its cost: the partitioning then gains more
                // per second.
                let roundsDone = round >= Self.handOffRounds
                let planStalled = handOffBeforeMaster && splitCapped
                    && (roundsDone || round >= 2 && roundStartUB - bestUB < Self.handOffGain * abs(bestUB))
                roundStartUB = bestUB
                if planStalled {
                    progress?("leaf decomposition: \(roundsDone ? "\(round) rounds done" : "the plan improved by less than \(Self.handOffGain) of its cost this round"): handed on")
                }
                if gap <= gapTolerance || planStalled || round >= maxHeuristicRounds || stalled || clock.now >= deadline { break }
                shareSource = averaged
            }
        }
        let heuristicSeconds = (clock.now - heuristicStartTime).seconds
        // The capacity-respecting plan and the bound so far may already be close enough (`--gap`):
        // then no master is built.
        let firstLB = max(relaxationObjective, lagrangian?.bound ?? -.infinity)
        let firstY = lagrangian.map { $0.bound > relaxationObjective ? $0.y : relaxationDuals } ?? relaxationDuals
        let closed = bestUB.isFinite && bestUB - firstLB <= gapTolerance * max(1, abs(bestUB))
        // So may the time (the heuristic rounds of a large master run until the deadline). And a
        // caller that goes on from the best plan itself (`handOffBeforeMaster`: the exact
        // partitioning) takes it when the rounds stop, instead of a large master.
        let handOff = handOffBeforeMaster && splitCapped && bestUB.isFinite
        if closed || (bestUB.isFinite && clock.now >= deadline) || handOff {
            return .init(x: bestX, y: firstY,
                         objective: bestUB, lowerBound: firstLB, relativeGap: max(0, bestUB - firstLB) / max(1, abs(bestUB)),
                         converged: closed, iterations: 0, proposals: proposals.count, masterRows: M + G,
                         stopReason: closed ? "gap closed" : clock.now >= deadline ? "time limit" : Decomposition.handedOff,
                         heuristicRounds: heuristicRounds, redistributions: redistributions, heuristicSeconds: heuristicSeconds,
                         planSessions: handOff && !closed && clock.now < deadline ? keptPlans : nil)
        }
        // The master prices station blocks itself: free the flow sessions (~37 bytes per arc
        // and ~95 per node of every product network). Without a master they are kept for the
        // caller (the lots rounds continue from them).
        sessions?.release()
        keptPlans?.release()
        warm?.plans?.release()
        warm?.plans = nil
        // The best plan's deliveries are proposals; its caps (exactly representable at the
        // volume scale: the start basis's flows sit on them) start the master.
        var heuristicCaps: [Double]? = nil
        if !bestX.isEmpty {
            bestX.withUnsafeBufferPointer { addProposals($0, regions: nil) }
            heuristicCaps = bestCaps.map { $0.isFinite ? ($0 * base.volumeScale).rounded(.down) / base.volumeScale : $0 }
        }

        // --- master: master rows, convexity rows; master columns, artificials, proposals
        var bigM = 10 * maxCost
        let bigMLimit = Decomposition.bigMLimit(maxCost)
        var lp = LinearProgram(direction: .minimize)
        lp.rows.reserveCapacity(M + G)
        for r32 in lb.masterRows {
            let r = Int(r32)
            lp.rows.append(.init(bounds: .init(lower: m.rowLower[r], upper: m.rowUpper[r])))
        }
        for _ in 0..<G { lp.rows.append(.init(bounds: .fixed(1))) }
        var mat = LinearProgram.Matrix()
        // Master columns; a stock column with a safety level becomes two tiers (the first
        // min(safety, capacity) m³ at holding − safety penalty, the rest at holding: the convex
        // cost of s + penalty·max(0, safety − s), up to the constant penalty·safety), which
        // replaces its safety row and b column.
        var gColumn: [Int32] = [], gTier: [Int8] = []
        var safetyConstant = 0.0
        for j32 in lb.masterColumns {
            let j = Int(j32)
            var bounds = [(LinearProgram.Bounds, Double, Int8)]()
            if j >= m.safetyBase { continue }  // b: folded into its stock column
            if j >= m.storageBase && j < m.shortfallBase, m.safetyColumnStart[(j - m.storageBase) / m.T] >= 0 {
                let st = m.network.storage[(j - m.storageBase) / m.T]
                let pen = m.network.products[st.product].safetyPenalty
                let first = min(st.safetyM3, st.capacityM3)
                bounds.append((.between(0, first), st.holdingCostPerM3Day - pen, 1))
                if st.capacityM3 > first { bounds.append((.between(0, st.capacityM3 - first), st.holdingCostPerM3Day, 2)) }
                safetyConstant += pen * st.safetyM3
            } else {
                // A lane in shared rows carries at most their smallest limit: an implied, finite
                // bound (it keeps such columns at an upper bound valid for the dual simplex below).
                var up = m.columnUpper[j]
                if j < m.productionBase {
                    for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                        let r = Int(m.entryRow[e])
                        if r >= cb && r < cb + K && m.entryValue[e] > 0 { up = min(up, m.rowUpper[r] / m.entryValue[e]) }
                    }
                }
                let lo = m.columnLower[j]
                up = max(lo, up)
                if splitCapped, let caps = heuristicCaps, j < caps.count, caps[j] < up {
                    // Split at the capacity-respecting cap: x = x' + x'', x' ≤ cap, x'' ≤ up − cap,
                    // same cost and entries. The start basis has x' at its cap and x'' at 0, a
                    // primal feasible basis of the uncapped master (see `initialBasis`).
                    let cap = max(lo, caps[j])
                    bounds.append((.between(lo, cap), m.columnCost[j], 0))
                    bounds.append((.between(0, up - cap), m.columnCost[j], 3))
                } else {
                    bounds.append((.init(lower: lo, upper: up), m.columnCost[j], 0))
                }
            }
            for (b, cost, tier) in bounds {
                let c = lp.columns.count
                lp.columns.append(.init(bounds: b, objective: cost))
                gColumn.append(j32); gTier.append(tier)
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                    let pos = Int(lb.masterRowPosition[Int(m.entryRow[e])])
                    if pos >= 0 { mat.append(row: pos, column: c, value: m.entryValue[e]) }
                }
            }
        }
        let GC = gColumn.count
        // Artificial m³ over each shared limit (all shared rows are master rows).
        var artificialColumn: [Int] = []
        for r in cb..<(cb + K) {
            let c = lp.columns.count
            lp.columns.append(.init(bounds: .nonNegative, objective: bigM))
            mat.append(row: Int(lb.masterRowPosition[r]), column: c, value: -1)
            artificialColumn.append(c)
        }
        lp.matrix = mat
        let problem: GLPKProblem
        do {
            problem = try GLPKProblem(lp)
        } catch {
            progress?("leaf decomposition: the master LP could not be built (\(error))")
            return nil
        }
        var columnOf: [Int] = []
        func syncColumns() throws {
            guard columnOf.count < proposals.count else { return }
            var cols: [LinearProgram.Column] = []
            var entries = LinearProgram.Matrix()
            for k in columnOf.count..<proposals.count {
                var big = 1.0
                for (_, v) in proposals[k].use { big = max(big, abs(v)) }
                proposals[k].scale = big.squareRoot()
                let pr = proposals[k], sk = pr.scale
                cols.append(.init(bounds: .nonNegative, objective: pr.cost / sk))
                for (pos, v) in pr.use { entries.append(row: Int(pos), column: cols.count - 1, value: v / sk) }
                entries.append(row: M + Int(pr.region), column: cols.count - 1, value: 1 / sk)
            }
            let c0 = try problem.addColumns(cols, matrix: entries)
            columnOf += (0..<cols.count).map { c0 + $0 }
        }
        var firstDual = true
        // Columns whose bounds the first master tightens to the capacity-respecting caps, with
        // their own bounds to restore after it.
        var tightened: [(Int, LinearProgram.Bounds)] = []
        do {
            try syncColumns()
            let tb = clock.now
            if heuristicCaps != nil, splitCapped,
               let basis = initialBasis(m, lb, scaling: base, columns: lp.columns, masterColumns: gColumn, proposals: proposals,
                                        rows: lp.rows.count, basicFrom: heuristicStart, extra: gTier.map { $0 == 3 }) {
                try problem.setBasis(rows: basis.rows, columns: basis.columns)
                firstDual = false
                progress?("leaf decomposition: first master's basis from the network simplex at the capacity-respecting caps (\(gTier.filter { $0 == 3 }.count) columns split, \(fmt((clock.now - tb).seconds)) s)")
            } else if let caps = heuristicCaps,
                      let basis = initialBasis(m, lb, scaling: base, columns: lp.columns, masterColumns: gColumn, proposals: proposals,
                                               rows: lp.rows.count, basicFrom: heuristicStart, caps: caps) {
                // The same start with the caps as GLPK bounds for the first solve, lifted afterwards.
                for c in 0..<GC {
                    let j = Int(gColumn[c]), b = lp.columns[c].bounds
                    if j < m.productionBase && caps[j] < b.upper {
                        tightened.append((c, b))
                        try problem.setColumnBounds(c, .between(b.lower, max(b.lower, caps[j])))
                    }
                }
                try problem.setBasis(rows: basis.rows, columns: basis.columns)
                firstDual = false
                progress?("leaf decomposition: first master's basis from the network simplex under the capacity-respecting caps (\(tightened.count) columns capped, \(fmt((clock.now - tb).seconds)) s)")
            } else if let basis = initialBasis(m, lb, scaling: base, columns: lp.columns, masterColumns: gColumn, proposals: proposals,
                                               rows: lp.rows.count) {
                try problem.setBasis(rows: basis.rows, columns: basis.columns)
                firstDual = false
                progress?("leaf decomposition: first master's basis from the network simplex (\(fmt((clock.now - tb).seconds)) s)")
            } else {
                // All-slack basis, dual feasible: negative costs at their finite upper bounds.
                try problem.setBasis(rows: [GLPKProblem.BasisStatus](repeating: .basic, count: lp.rows.count),
                                     columns: lp.columns.map { $0.objective < 0 && $0.bounds.upper.isFinite ? .atUpper : .atLower }
                                        + [GLPKProblem.BasisStatus](repeating: .atLower, count: proposals.count))
            }
        } catch {
            progress?("leaf decomposition: the first master could not be loaded (\(error))")
            return nil
        }
        if let path = ProcessInfo.processInfo.environment["FUELFLOW_WRITE_MASTER"] {  // diagnosis aid: the first master as MPS
            try? problem.model().write(to: path, format: .freeMPS)
        }
        progress?("leaf decomposition: \(lb.count) leaf blocks in \(G) regions; master \(M) rows (+\(G) convexity), \(GC) columns (+\(K) artificial)")

        var bestLB = firstLB
        var bestY = firstY
        var iter = 0
        var stop = "round limit"
        var masterSeconds = 0.0, pricingSeconds = 0.0
        var idle: [Int] = []
        let maxIdleRounds = 30
        var lastPricing = 0.0
        let pricing = Pricing(columns: m.columnCount, rows: m.rowCount, blocks: lb.count)
        var y = [Double](repeating: 0, count: m.rowCount)
        var reusedBlocks = 0
        var stall = BoundStall(limit: stallRounds)
        func finish(_ converged: Bool) -> Decomposition.Outcome {
            let obj = bestX.isEmpty ? Double.infinity : m.objective(of: bestX)
            let gap = bestX.isEmpty ? Double.infinity : max(0, obj - bestLB) / max(1, abs(obj))
            return .init(x: bestX, y: bestY, objective: obj, lowerBound: bestLB, relativeGap: gap,
                         converged: converged || gap <= gapTolerance, iterations: iter, proposals: proposals.count,
                         masterRows: M + G, stopReason: stop, masterSeconds: masterSeconds, pricingSeconds: pricingSeconds,
                         heuristicRounds: heuristicRounds, redistributions: redistributions, heuristicSeconds: heuristicSeconds)
        }
        /// Takes a master solution without artificials as a plan (upper bound); returns the
        /// artificials' total.
        func recordPlan(_ ms: LinearProgram.Solution) -> Double {
            var artificial = 0.0
            for c in artificialColumn { artificial += ms.columnValues[c] }
            guard artificial <= 1e-9 else { return artificial }
            var x = [Double](repeating: 0, count: m.columnCount)
            for c in 0..<GC { x[Int(gColumn[c])] += ms.columnValues[c] }
            for (k, pr) in proposals.enumerated() {
                let l = ms.columnValues[columnOf[k]] / pr.scale
                if l <= 0 { continue }
                for (j, v) in pr.x { x[Int(j)] += l * v }
            }
            for (k, st) in m.network.storage.enumerated() where m.safetyColumnStart[k] >= 0 {
                for t in 0..<m.T { x[m.safetyColumnStart[k] + t] = max(0, st.safetyM3 - x[m.storageBase + k * m.T + t]) }
            }
            let ub = m.objective(of: x)
            if ub < bestUB { bestUB = ub; bestX = x }
            return artificial
        }
        /// Solves the master with each (method, GLPK scaling) in turn, from the basis the previous
        /// attempt stopped at, until one ends optimal; nil after the last, or at the time limit
        /// (`timedOut`). `what` names the solve in progress messages.
        func solveMaster(_ attempts: [(LinearProgram.SolveOptions.Method, Bool)], _ what: String,
                         timedOut: inout Bool) -> LinearProgram.Solution? {
            for (i, (method, scaled)) in attempts.enumerated() {
                let next = i + 1 < attempts.count ? "; trying again" + (attempts[i + 1].1 ? " with scaling" : "") : ""
                do {
                    try syncColumns()
                    var o = LinearProgram.SolveOptions(method: method, timeLimit: max(1, (deadline - clock.now).seconds),
                                                       iterationLimit: masterIterationLimit(problem.rowCount + problem.columnCount))
                    o.scaling = scaled
                    let s = try problem.solve(o)
                    if s.status == .optimal { return s }
                    if s.termination == .timeLimit { timedOut = true; return nil }
                    progress?("leaf decomposition: \(what) ended \(s.status) (\(s.termination))\(next)")
                } catch {
                    progress?("leaf decomposition: \(what) failed (\(error))\(next)")
                }
            }
            return nil
        }
        rounds: while iter < maxIterations {
            if iter > 0 && clock.now > deadline { stop = "time limit"; break }
            iter += 1
            // --- master
            let tm = clock.now
            var solved: LinearProgram.Solution? = nil
            var timedOut = false
            // The first master by the dual simplex when it starts from GLPK's all-slack basis (dual
            // feasible: costs ≥ 0 but the first stock tiers', at their finite upper bounds), else the
            // primal simplex from the previous optimum or the spanning-tree basis (new columns enter
            // at 0: still primal feasible). Unscaled (scaling made the n3k master 3.5× slower); on a
            // failure once more with GLPK's scaling, from the basis it stopped at.
            let method: LinearProgram.SolveOptions.Method = firstDual && iter == 1 ? .dualSimplex : .primalSimplex
            solved = solveMaster([(method, false), (method, true)], "round \(iter): the master LP", timedOut: &timedOut)
            if !tightened.isEmpty, let capped = solved, !timedOut {
                // A feasible plan (the caps only restrict the master); then back to the columns'
                // own bounds: nonbasic columns at a cap stay at their (finite) upper bound, so the
                // basis stays dual feasible, and the dual simplex restores primal feasibility (on a
                // failure with GLPK's scaling, then the primal simplex).
                _ = recordPlan(capped)
                let t1 = clock.now
                solved = nil
                do { for (c, b) in tightened { try problem.setColumnBounds(c, b) } } catch {}
                tightened = []
                solved = solveMaster([(.dualSimplex, false), (.dualSimplex, true), (.primalSimplex, true)],
                                     "the master without the caps", timedOut: &timedOut)
                if let s = solved { progress?("leaf decomposition: caps lifted, optimal, \(s.iterations) iterations, \(fmt((clock.now - t1).seconds)) s") }
            }
            if timedOut { masterSeconds += (clock.now - tm).seconds; stop = "time limit"; break }
            guard let ms = solved else { stop = "the master LP failed"; break }
            if iter == 1 { progress?("leaf decomposition: first master \(ms.iterations) iterations, \(fmt((clock.now - tm).seconds)) s") }
            masterSeconds += (clock.now - tm).seconds
            let artificial = recordPlan(ms)
            idle += [Int](repeating: 0, count: proposals.count - idle.count)
            for k in 0..<proposals.count {
                idle[k] = (try? problem.columnStatus(columnOf[k])) == .basic ? 0 : idle[k] + 1
            }
            if artificial > 1e-9 {
                // A plan from this round anyway: the same master with the artificials fixed at 0,
                // re-optimised by the dual simplex from its optimum (bound changes keep the basis
                // dual feasible; the capacity-respecting proposals keep it feasible). Pricing still
                // uses the penalised master's duals.
                let tr = clock.now
                do {
                    for c in artificialColumn { try problem.setColumnBounds(c, .fixed(0)) }
                    let s = try problem.solve(.init(method: .dualSimplex, timeLimit: max(1, (deadline - clock.now).seconds),
                                                    iterationLimit: masterIterationLimit(problem.rowCount + problem.columnCount)))
                    if s.status == .optimal { _ = recordPlan(s) }
                    for c in artificialColumn { try problem.setColumnBounds(c, .nonNegative) }
                    progress?("leaf decomposition round \(iter): plan without artificials \(s.status), \(s.iterations) dual iterations, \(fmt((clock.now - tr).seconds)) s; UB \(bestUB)")
                } catch {
                    progress?("leaf decomposition round \(iter): no plan without artificials (\(error))")
                    for c in artificialColumn { try? problem.setColumnBounds(c, .nonNegative) }
                }
                masterSeconds += (clock.now - tr).seconds
            }
            if bestUB.isFinite && bestUB - bestLB <= gapTolerance * max(1, abs(bestUB)) { stop = "gap closed"; return finish(true) }
            if iter > 1 && clock.now + .seconds(lastPricing) > deadline { stop = "time limit"; break }
            // --- duals, clamped to the rows' finite sides
            var lagrange = 0.0
            for (pos, r32) in lb.masterRows.enumerated() {
                let r = Int(r32)
                var d = ms.rowDuals[pos]
                if d > 0 && !m.rowLower[r].isFinite { d = 0 }
                if d < 0 && !m.rowUpper[r].isFinite { d = 0 }
                y[r] = d
                if d != 0 { lagrange += d * (d > 0 ? m.rowLower[r] : m.rowUpper[r]) }
            }
            lagrange += safetyConstant
            for c in 0..<GC {
                let j = Int(gColumn[c])
                var d = lp.columns[c].objective
                for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] where lb.masterRowPosition[Int(m.entryRow[e])] >= 0 {
                    d -= m.entryValue[e] * y[Int(m.entryRow[e])]
                }
                let bounds = lp.columns[c].bounds
                if d >= 0 { lagrange += d * bounds.lower } else { lagrange += d * (bounds.upper.isFinite ? bounds.upper : implied) }
                // Dual of the folded safety row: the first tier's reduced cost plus the penalty.
                if gTier[c] == 1 {
                    let k = (j - m.storageBase) / m.T, t = (j - m.storageBase) % m.T
                    let st = m.network.storage[k]
                    var stock = ms.columnValues[c]
                    if c + 1 < GC && Int(gColumn[c + 1]) == j { stock += ms.columnValues[c + 1] }
                    y[m.safetyRowStart[k] + t] = FlowRoute.safetyDual(firstTierReducedCost: d, stock: stock, safety: st.safetyM3,
                                                                      penalty: m.network.products[st.product].safetyPenalty)
                }
            }
            // --- pricing, blocks in parallel
            let tp = clock.now
            let chunks = max(1, min(lb.count, threads * 8))
            for r32 in lb.masterRows { pricing.duals[Int(r32)] = y[Int(r32)] }
            let work: @Sendable (Int) -> Void = { c in
                var b = c * lb.count / chunks
                let end = (c + 1) * lb.count / chunks
                while b < end { price(m, lb, block: b, duals: UnsafeBufferPointer(pricing.duals), base: base, into: pricing); b += 1 }
            }
            if threads <= 1 { for c in 0..<chunks { work(c) } } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
            lastPricing = (clock.now - tp).seconds
            pricingSeconds += lastPricing
            for b in 0..<lb.count where pricing.reused[b] { reusedBlocks += 1 }
            if let bad = (0..<lb.count).first(where: { pricing.failed[$0] }) {
                progress?("leaf decomposition: the pricing problem of block \(bad) has no optimum")
                return nil
            }
            var regionValue = [Double](repeating: 0, count: G)
            var bound = lagrange
            for b in 0..<lb.count {
                regionValue[Int(lb.region[b])] += pricing.value[b]
                bound += pricing.value[b] - pricing.error[b]
            }
            if bound > bestLB || bestY.isEmpty {
                bestLB = max(bestLB, bound)
                var yy = y
                for b in 0..<lb.count {
                    for r in Int(lb.firstRow[b])..<Int(lb.firstRow[b] + lb.rowSpan[b]) { yy[r] = pricing.y[r] }
                }
                for k in m.network.storage.indices where m.safetyRowStart[k] >= 0 && lb.rowBlock[m.safetyRowStart[k]] >= 0 {
                    for t in 0..<m.T { yy[m.safetyRowStart[k] + t] = pricing.y[m.safetyRowStart[k] + t] }
                }
                bestY = yy
            }
            var improving = [Bool](repeating: false, count: G)
            var improvingCount = 0
            let tol = 1e-9 * max(1, abs(ms.objective)) / Double(G)
            for g in 0..<G where regionValue[g] - ms.rowDuals[M + g] < -tol { improving[g] = true; improvingCount += 1 }
            // Partial pricing: only the most improving regions' proposals enter (max(100, G/8)):
            // a smaller master per round — n3k 3.1 s → 2.1 s, n10k 19.3 s → 16.3 s (100 of 240 /
            // 800 regions); all of them is slower, and 30 needs too many rounds (n10k 26 s).
            let k = max(100, G / 8)
            if improvingCount > k {
                let order = (0..<G).filter { improving[$0] }.sorted { regionValue[$0] - ms.rowDuals[M + $0] < regionValue[$1] - ms.rowDuals[M + $1] }
                for g in order[k...] { improving[g] = false }
            }
            if iter == 1 || iter % 5 == 0 || improvingCount == 0 {
                progress?("leaf decomposition round \(iter): UB \(bestUB), LB \(bestLB), \(improvingCount) improving region(s), \(proposals.count) proposals, artificial \(artificial) m³ (master \(fmt(masterSeconds)) s, pricing \(fmt(pricingSeconds)) s, \(reusedBlocks) block solutions reused)")
            }
            if bestUB.isFinite && bestUB - bestLB <= gapTolerance * max(1, abs(bestUB)) { stop = "gap closed"; return finish(true) }
            if stall.stalled(ub: bestUB, lb: bestLB) { stop = stall.reason; break }
            if improvingCount == 0 {
                if artificial > 1e-9 && bigM < bigMLimit {
                    bigM = min(bigMLimit, bigM * 10)
                    do { for c in artificialColumn { try problem.setObjectiveCoefficient(c, bigM) } } catch { stop = "the master LP failed"; break }
                    progress?("leaf decomposition round \(iter): artificial cost raised to \(bigM)")
                    continue
                }
                stop = "no improving column"
                break
            }
            // Drop idle proposals (never basic ones), then add the new ones.
            if idle.contains(where: { $0 > maxIdleRounds }) {
                let keep = (0..<proposals.count).filter { idle[$0] <= maxIdleRounds }
                let dropped = (0..<proposals.count).filter { idle[$0] > maxIdleRounds }.map { columnOf[$0] }
                do {
                    try problem.deleteColumns(dropped)
                    let sorted = dropped.sorted()
                    columnOf = keep.map { GLPKProblem.columnIndex(columnOf[$0], afterDeleting: sorted) }
                    proposals = keep.map { proposals[$0] }
                    idle = keep.map { idle[$0] }
                } catch { stop = "the master LP failed"; break }
            }
            addProposals(UnsafeBufferPointer(pricing.x), regions: improving)
        }
        return finish(false)
    }
}
