// PlanModel.swift — the time-expanded planning model indexed once, as dense arrays.
//
// See docs/model.md for the mathematics; the symbols here follow it (x, q, s, u, b).
import FuelFlowModel
import GLPK

/// The time-expanded planning LP of a network, indexed once over dense integer ids.
///
/// Columns (all ≥ 0), in this order:
/// - `x[l,p,t]`: lanes in file order, products of the lane in index order, departure days
///   `1...T−τ_l`: column `laneColumnStart[l] + k·span_l + (t−1)` (k = position of p in the lane's list);
/// - `q[r,t]`: production rows in file order × days: `productionBase + r·T + (t−1)`;
/// - `s[k,t]`: storage rows × days: `storageBase + k·T + (t−1)`;
/// - `u[e]`: one column per positive demand entry `e` (node, product, day): `shortfallBase + e`;
/// - `b[k,t]`: storage rows with safety > 0 × days: `safetyColumnStart[k] + (t−1)`.
///
/// Rows:
/// - balance rows for every (p, n, t) where a term exists, ordered product-major
///   (rows of product p are `productRowStart[p] ..< productRowStart[p+1]`), then node, then day;
///   written as `in − out + q + u + s[t−1] − s[t] = d − (t = 1 ? initial : 0)`;
/// - lane capacity rows `Σ_p x[l,p,t] ≤ capacity_l` for lanes that carry two or more products
///   (a single-product lane's capacity is a column bound);
/// - throughput rows `Σ_{l out of n} Σ_p x[l,p,t] ≤ throughput_n`;
/// - safety rows `s[k,t] + b[k,t] ≥ safety_k`.
///
/// - Complexity: building is O(nodes·products·T + columns + nonzeros), with every array
///   reserved once; no dictionaries are used after the network is loaded.
public struct PlanModel: Sendable {
    public private(set) var network: Network
    /// Horizon T, products P, nodes N.
    public let T: Int, P: Int, N: Int

    // Lanes.
    /// Products each lane carries (index order).
    public let laneProducts: [[Int]]
    /// Departure days per product on lane l: `max(0, T − τ_l)`.
    public let laneSpan: [Int]
    /// First x column of lane l.
    public let laneColumnStart: [Int]
    /// Capacity row of day 1 for lanes with a shared capacity row, else −1.
    public let laneCapacityRowStart: [Int]
    /// Throughput row of day 1 for nodes with a throughput row, else −1.
    public let throughputRowStart: [Int]
    /// Safety row of day 1 for storage rows with safety > 0, else −1.
    public let safetyRowStart: [Int]
    /// First b column of storage rows with safety > 0, else −1.
    public let safetyColumnStart: [Int]

    // Column blocks.
    public let productionBase: Int, storageBase: Int, shortfallBase: Int, safetyBase: Int
    public let columnCount: Int
    // Shortfall entries (positive demand), ordered by product, node, day.
    public let demandNode: [Int32], demandProduct: [Int32], demandDay: [Int32]
    public let demandVolume: [Double]

    // Rows.
    /// Balance row of (p, n, t) at `balanceRowIndex[(p·N + n)·T + t − 1]`, −1 when absent.
    public let balanceRowIndex: [Int32]
    public let balanceNode: [Int32], balanceDay: [Int32]
    public let productRowStart: [Int]
    public let balanceCount: Int
    public let laneCapacityBase: Int, throughputBase: Int, safetyRowBase: Int
    public let rowCount: Int

    // LP data (struct of arrays).
    public private(set) var columnCost: [Double]
    public let columnLower: [Double]
    /// Column upper bounds; lane-days closed by ``closeLaneDays(_:)`` are 0.
    public private(set) var columnUpper: [Double]
    /// Row bounds; lane-day floors (``floorColumns(_:)``) shift them.
    public private(set) var rowLower: [Double], rowUpper: [Double]
    /// Columns shifted by ``floorColumns(_:)``: x = floor + x′, the model's columns being x′.
    public private(set) var floors: [(column: Int, volume: Double)] = []
    /// Constraint matrix, column-wise (compressed sparse columns): the entries of column j are
    /// `entryRow[e]`, `entryValue[e]` for e in `columnEntryStart[j] ..< columnEntryStart[j + 1]`.
    public let entryRow: [Int32], entryValue: [Double]
    public let columnEntryStart: [Int]
    /// Number of nonzeros.
    public var entryCount: Int { entryRow.count }

    /// Number of rows that couple products (shared lane capacities and throughputs).
    public var couplingRowCount: Int { safetyRowBase - laneCapacityBase }

    /// Closes lanes on departure days: every product's x[l,p,t] gets the upper bound 0. All
    /// routes honour it (GLPK through the bound, the network simplex through the lane arc's
    /// capacity), so a model with closed lane-days is solved like any other.
    public mutating func closeLaneDays(_ laneDays: [(lane: Int, day: Int)]) {
        for (l, t) in laneDays where t >= 1 && t <= laneSpan[l] {
            for k in laneProducts[l].indices { columnUpper[laneColumnStart[l] + k * laneSpan[l] + t - 1] = 0 }
        }
    }

    /// Lane-day floors: column j must carry at least `volume` (a lot rounded up to its minimum
    /// inside the LP). The model is shifted so that every route sees lower bounds of 0:
    /// x_j = volume + x′_j, the column's upper bound and every row it enters lowered by its
    /// entry × volume (the origin's balance row asks for `volume` more, the destination's for
    /// `volume` less, the lane's capacity and the origin's throughput lose it). Solutions are
    /// in x′; ``unfloored(_:)`` adds the floors back. Floors must be multiples of the flow
    /// routes' volume scale, and at most the column's upper bound.
    public mutating func floorColumns(_ add: [(column: Int, volume: Double)]) {
        for (j, v) in add where v > 0 {
            columnUpper[j] = max(0, columnUpper[j] - v)
            for e in columnEntryStart[j]..<columnEntryStart[j + 1] {
                let r = Int(entryRow[e]), a = entryValue[e] * v
                if rowLower[r].isFinite { rowLower[r] -= a }
                if rowUpper[r].isFinite { rowUpper[r] -= a }
            }
            floors.append((j, v))
        }
    }

    /// A solution of the floored model in the original columns (x = floor + x′).
    public func unfloored(_ x: [Double]) -> [Double] {
        guard !floors.isEmpty, x.count == columnCount else { return x }
        var y = x
        for (j, v) in floors { y[j] += v }
        return y
    }

    /// Adds `perM3` to lanes' cost per m³, for every product and day: the network's lane (what
    /// the network simplex prices) and the columns' costs (what GLPK prices) alike.
    public mutating func surchargeLanes(_ surcharges: [(lane: Int, perM3: Double)]) {
        for (l, add) in surcharges {
            network.lanes[l].costPerM3 += add
            for j in laneColumnStart[l] ..< laneColumnStart[l] + laneProducts[l].count * laneSpan[l] { columnCost[j] += add }
        }
    }

    /// Indexes `network` and builds the LP arrays.
    public init(_ network: Network) {
        self.network = network
        let T = network.settings.days, P = network.products.count, N = network.nodes.count
        self.T = T; self.P = P; self.N = N
        let lanes = network.lanes
        let allProducts = Array(0..<P)

        // --- lanes and x columns
        var lp = [[Int]](), span = [Int](), lcs = [Int]()
        lp.reserveCapacity(lanes.count); span.reserveCapacity(lanes.count); lcs.reserveCapacity(lanes.count)
        var col = 0
        for lane in lanes {
            let ps = (lane.products ?? allProducts).filter { $0 >= 0 && $0 < P }
            let sp = max(0, T - lane.transitDays)
            lp.append(ps); span.append(sp); lcs.append(col)
            col += ps.count * sp
        }
        laneProducts = lp; laneSpan = span; laneColumnStart = lcs
        productionBase = col
        storageBase = productionBase + network.production.count * T
        shortfallBase = storageBase + network.storage.count * T

        // --- which balance rows exist
        var has = [Bool](repeating: false, count: P * N * T)
        @inline(__always) func key(_ p: Int, _ n: Int, _ t: Int) -> Int { (p * N + n) * T + t - 1 }
        for st in network.storage { for t in 1...T { has[key(st.product, st.node, t)] = true } }
        for pr in network.production { for t in 1...T { has[key(pr.product, pr.refinery, t)] = true } }
        for (l, lane) in lanes.enumerated() where span[l] > 0 {
            for p in lp[l] {
                for t in 1...span[l] {
                    has[key(p, lane.from, t)] = true
                    has[key(p, lane.to, t + lane.transitDays)] = true
                }
            }
        }
        // Demand, dense over (node, product, day) as the model's data source.
        let dense = network.demand.dense(nodeCount: N, productCount: P, calendar: network.calendar)
        var dN = [Int32](), dP = [Int32](), dD = [Int32](), dV = [Double]()
        for p in 0..<P {
            for n in 0..<N {
                for t in 1...T {
                    let v = dense[(n * P + p) * T + t - 1]
                    if v > 0 {
                        has[key(p, n, t)] = true
                        dN.append(Int32(n)); dP.append(Int32(p)); dD.append(Int32(t)); dV.append(v)
                    }
                }
            }
        }
        demandNode = dN; demandProduct = dP; demandDay = dD; demandVolume = dV
        safetyBase = shortfallBase + dV.count
        var scs = [Int](repeating: -1, count: network.storage.count)
        col = safetyBase
        for (k, st) in network.storage.enumerated() where st.safetyM3 > 0 { scs[k] = col; col += T }
        safetyColumnStart = scs
        columnCount = col

        var bri = [Int32](repeating: -1, count: P * N * T)
        var bN = [Int32](), bD = [Int32](), prs = [Int](repeating: 0, count: P + 1)
        var r = 0
        for p in 0..<P {
            prs[p] = r
            for n in 0..<N {
                for t in 1...T where has[key(p, n, t)] {
                    bri[key(p, n, t)] = Int32(r); bN.append(Int32(n)); bD.append(Int32(t)); r += 1
                }
            }
        }
        prs[P] = r
        balanceRowIndex = bri; balanceNode = bN; balanceDay = bD; productRowStart = prs; balanceCount = r

        // --- coupling rows
        laneCapacityBase = r
        var lcr = [Int](repeating: -1, count: lanes.count)
        for (l, lane) in lanes.enumerated() where lane.capacityM3PerDay != nil && lp[l].count >= 2 && span[l] > 0 {
            lcr[l] = r; r += span[l]
        }
        laneCapacityRowStart = lcr
        throughputBase = r
        var trs = [Int](repeating: -1, count: N)
        var outSpan = [Int](repeating: 0, count: N)
        for (l, lane) in lanes.enumerated() where !lp[l].isEmpty { outSpan[lane.from] = max(outSpan[lane.from], span[l]) }
        for n in 0..<N where network.nodes[n].throughputM3PerDay != nil && outSpan[n] > 0 {
            trs[n] = r; r += T
        }
        throughputRowStart = trs
        safetyRowBase = r
        var srs = [Int](repeating: -1, count: network.storage.count)
        for (k, st) in network.storage.enumerated() where st.safetyM3 > 0 { srs[k] = r; r += T }
        safetyRowStart = srs
        rowCount = r

        // --- row bounds
        var rlo = [Double](repeating: 0, count: r), rhi = [Double](repeating: 0, count: r)
        for p in 0..<P {
            for i in prs[p]..<prs[p + 1] {
                let v = dense[(Int(bN[i]) * P + p) * T + Int(bD[i]) - 1]
                rlo[i] = v; rhi[i] = v
            }
        }
        for st in network.storage {
            let i = Int(bri[key(st.product, st.node, 1)])
            rlo[i] -= st.initialM3; rhi[i] -= st.initialM3
        }
        for (l, lane) in lanes.enumerated() where lcr[l] >= 0 {
            for t in 0..<span[l] { rlo[lcr[l] + t] = -.infinity; rhi[lcr[l] + t] = lane.capacityM3PerDay! }
        }
        for n in 0..<N where trs[n] >= 0 {
            for t in 0..<T { rlo[trs[n] + t] = -.infinity; rhi[trs[n] + t] = network.nodes[n].throughputM3PerDay! }
        }
        for (k, st) in network.storage.enumerated() where srs[k] >= 0 {
            for t in 0..<T { rlo[srs[k] + t] = st.safetyM3; rhi[srs[k] + t] = .infinity }
        }
        rowLower = rlo; rowUpper = rhi

        // --- columns and matrix (column by column)
        let C = columnCount
        var cc = [Double](repeating: 0, count: C), clo = [Double](repeating: 0, count: C)
        var chi = [Double](repeating: .infinity, count: C)
        var eR = [Int32](), eV = [Double](), ces = [Int](repeating: 0, count: C + 1)
        // The exact number of nonzeros, so the arrays are allocated once at their final size
        // (national: 13.7 M entries; a 4-per-column guess reserved 26 M, ~200 MB unused).
        var nonzeros = 0
        for (l, lane) in lanes.enumerated() where span[l] > 0 {
            nonzeros += lp[l].count * span[l] * (2 + (lcr[l] >= 0 ? 1 : 0) + (trs[lane.from] >= 0 ? 1 : 0))
        }
        nonzeros += network.production.count * T
        for k in network.storage.indices { nonzeros += 2 * T - 1 + (srs[k] >= 0 ? T : 0) }
        nonzeros += dV.count
        for k in network.storage.indices where scs[k] >= 0 { nonzeros += T }
        eR.reserveCapacity(nonzeros); eV.reserveCapacity(nonzeros)
        @inline(__always) func add(_ row: Int, _ c: Int, _ v: Double) {
            eR.append(Int32(row)); eV.append(v)
        }
        for (l, lane) in lanes.enumerated() where span[l] > 0 {
            let single = lp[l].count == 1
            for (k, p) in lp[l].enumerated() {
                for t in 1...span[l] {
                    let j = lcs[l] + k * span[l] + t - 1
                    ces[j] = eR.count
                    cc[j] = lane.costPerM3
                    if single, let cap = lane.capacityM3PerDay { chi[j] = cap }
                    add(Int(bri[key(p, lane.from, t)]), j, -1)
                    add(Int(bri[key(p, lane.to, t + lane.transitDays)]), j, 1)
                    if lcr[l] >= 0 { add(lcr[l] + t - 1, j, 1) }
                    if trs[lane.from] >= 0 { add(trs[lane.from] + t - 1, j, 1) }
                }
            }
        }
        for (k, pr) in network.production.enumerated() {
            for t in 1...T {
                let j = productionBase + k * T + t - 1
                ces[j] = eR.count
                cc[j] = pr.costPerM3; clo[j] = pr.minM3PerDay; chi[j] = pr.maxM3PerDay
                add(Int(bri[key(pr.product, pr.refinery, t)]), j, 1)
            }
        }
        for (k, st) in network.storage.enumerated() {
            for t in 1...T {
                let j = storageBase + k * T + t - 1
                ces[j] = eR.count
                cc[j] = st.holdingCostPerM3Day; chi[j] = st.capacityM3
                add(Int(bri[key(st.product, st.node, t)]), j, -1)
                if t < T { add(Int(bri[key(st.product, st.node, t + 1)]), j, 1) }
                if srs[k] >= 0 { add(srs[k] + t - 1, j, 1) }
            }
        }
        for e in 0..<dV.count {
            let j = shortfallBase + e
            ces[j] = eR.count
            cc[j] = network.products[Int(dP[e])].shortagePenalty; chi[j] = dV[e]
            add(Int(bri[key(Int(dP[e]), Int(dN[e]), Int(dD[e]))]), j, 1)
        }
        for (k, st) in network.storage.enumerated() where scs[k] >= 0 {
            for t in 1...T {
                let j = scs[k] + t - 1
                ces[j] = eR.count
                cc[j] = network.products[st.product].safetyPenalty
                add(srs[k] + t - 1, j, 1)
            }
        }
        ces[C] = eR.count
        assert(eR.count == nonzeros, "nonzero count")
        columnCost = cc; columnLower = clo; columnUpper = chi
        entryRow = eR; entryValue = eV; columnEntryStart = ces
    }

    /// Product of balance row `i` (binary search over `productRowStart`).
    @inline(__always) public func product(ofBalanceRow i: Int) -> Int { productOf(row: i, productRowStart) }

    /// Balance row of (n, p, t) or nil.
    @inline(__always) public func balanceRow(node n: Int, product p: Int, day t: Int) -> Int? {
        guard t >= 1 && t <= T else { return nil }
        let r = balanceRowIndex[(p * N + n) * T + t - 1]
        return r >= 0 ? Int(r) : nil
    }

    /// Column of x[l, p, t] or nil.
    public func laneColumn(lane l: Int, product p: Int, day t: Int) -> Int? {
        guard t >= 1 && t <= laneSpan[l], let k = laneProducts[l].firstIndex(of: p) else { return nil }
        return laneColumnStart[l] + k * laneSpan[l] + t - 1
    }

    /// Σ_j cost_j · value_j (the objective of a column vector).
    public func objective(of x: [Double]) -> Double {
        var s = 0.0
        for j in 0..<columnCount { s += columnCost[j] * x[j] }
        return s
    }

    /// Row activities `A·x`.
    public func rowActivities(of x: [Double]) -> [Double] {
        var a = [Double](repeating: 0, count: rowCount)
        for j in 0..<columnCount where x[j] != 0 {
            for e in columnEntryStart[j]..<columnEntryStart[j + 1] { a[Int(entryRow[e])] += entryValue[e] * x[j] }
        }
        return a
    }

    /// Reduced costs `c − Aᵀy` for row duals `y`.
    public func reducedCosts(duals y: [Double]) -> [Double] {
        var d = columnCost
        for j in 0..<columnCount {
            var s = 0.0
            for e in columnEntryStart[j]..<columnEntryStart[j + 1] { s += entryValue[e] * y[Int(entryRow[e])] }
            d[j] -= s
        }
        return d
    }

    /// The model as a GLPK ``LinearProgram`` value; `names` adds readable row/column names
    /// (for LP/MPS files), which costs memory on big models.
    public func linearProgram(names: Bool = false) -> LinearProgram {
        let cn = names ? columnNames() : [], rn = names ? rowNames() : []
        var cols = [LinearProgram.Column]()
        cols.reserveCapacity(columnCount)
        for j in 0..<columnCount {
            cols.append(LinearProgram.Column(name: names ? cn[j] : nil,
                                             bounds: .init(lower: columnLower[j], upper: columnUpper[j]),
                                             objective: columnCost[j]))
        }
        var rows = [LinearProgram.Row]()
        rows.reserveCapacity(rowCount)
        for i in 0..<rowCount {
            rows.append(LinearProgram.Row(name: names ? rn[i] : nil, bounds: .init(lower: rowLower[i], upper: rowUpper[i])))
        }
        var columnIndices = [Int]()
        columnIndices.reserveCapacity(entryCount)
        for j in 0..<columnCount {
            for _ in columnEntryStart[j]..<columnEntryStart[j + 1] { columnIndices.append(j) }
        }
        let m = LinearProgram.Matrix(rowIndices: entryRow.map { Int($0) }, columnIndices: columnIndices, values: entryValue)
        return LinearProgram(name: "fuelflow", direction: .minimize, columns: cols, rows: rows, matrix: m)
    }

    // MARK: names (LP/MPS files)

    /// Readable column names in column order, e.g. `x_R01_T01_pipeline_0_g92_3`, `q_R01_g92_3`.
    public func columnNames() -> [String] {
        let net = network
        var names = [String]()
        names.reserveCapacity(columnCount)
        for (l, lane) in net.lanes.enumerated() where laneSpan[l] > 0 {
            let stem = "x_\(net.nodes[lane.from].id)_\(net.nodes[lane.to].id)_\(lane.mode.rawValue)_\(l)_"
            for p in laneProducts[l] { for t in 1...laneSpan[l] { names.append(stem + "\(net.products[p].id)_\(t)") } }
        }
        for pr in net.production { for t in 1...T { names.append("q_\(net.nodes[pr.refinery].id)_\(net.products[pr.product].id)_\(t)") } }
        for st in net.storage { for t in 1...T { names.append("s_\(net.nodes[st.node].id)_\(net.products[st.product].id)_\(t)") } }
        for e in 0..<demandVolume.count {
            names.append("u_\(net.nodes[Int(demandNode[e])].id)_\(net.products[Int(demandProduct[e])].id)_\(demandDay[e])")
        }
        for (k, st) in net.storage.enumerated() where safetyColumnStart[k] >= 0 {
            for t in 1...T { names.append("b_\(net.nodes[st.node].id)_\(net.products[st.product].id)_\(t)") }
        }
        return names
    }

    /// Readable row names in row order, e.g. `bal_T01_g92_3`, `cap_R01_T01_pipeline_0_3`, `thr_T01_3`.
    public func rowNames() -> [String] {
        let net = network
        var names = [String]()
        names.reserveCapacity(rowCount)
        for p in 0..<P {
            for i in productRowStart[p]..<productRowStart[p + 1] {
                names.append("bal_\(net.nodes[Int(balanceNode[i])].id)_\(net.products[p].id)_\(balanceDay[i])")
            }
        }
        for (l, s) in laneCapacityRowStart.enumerated() where s >= 0 {
            let lane = net.lanes[l]
            for t in 1...laneSpan[l] { names.append("cap_\(net.nodes[lane.from].id)_\(net.nodes[lane.to].id)_\(lane.mode.rawValue)_\(l)_\(t)") }
        }
        for (n, s) in throughputRowStart.enumerated() where s >= 0 { for t in 1...T { names.append("thr_\(net.nodes[n].id)_\(t)") } }
        for (k, s) in safetyRowStart.enumerated() where s >= 0 {
            let st = net.storage[k]
            for t in 1...T { names.append("safe_\(net.nodes[st.node].id)_\(net.products[st.product].id)_\(t)") }
        }
        return names
    }
}

@inline(__always) func productOf(row i: Int, _ starts: [Int]) -> Int {
    var lo = 0, hi = starts.count - 2
    while lo < hi {
        let mid = (lo + hi + 1) / 2
        if starts[mid] <= i { lo = mid } else { hi = mid - 1 }
    }
    return lo
}
