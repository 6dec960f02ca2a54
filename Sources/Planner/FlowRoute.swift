// FlowRoute.swift — one exact time-expanded min-cost flow per product, solved by our network simplex.
import Dispatch
import FuelFlowModel
import NetworkFlow

/// Exact integer scaling of a model's data for the Int64 network simplex.
///
/// Volumes are multiplied by `10^volumeDecimals` and costs by `10^costDecimals`; both are the
/// smallest powers (0...6) under which *every* datum of the kind becomes an integer (up to the
/// rounding of the decimal→binary conversion, 4 ulp). The scaled problem is then exactly the
/// given one: flows are volumes in units of 10^−k m³, the objective is in 10^−(kv+kc) currency.
public struct FlowScaling: Sendable, Equatable {
    public var volumeDecimals: Int
    public var costDecimals: Int
    public var volumeScale: Double { pow10(volumeDecimals) }
    public var costScale: Double { pow10(costDecimals) }

    /// Largest number of decimals tried for either kind.
    public static let maxDecimals = 6

    /// The scaling for `model`, or a reason why none exists.
    public static func choose(for model: PlanModel) -> Result<FlowScaling, PlannerError> {
        let net = model.network
        var volumes = [Double]()
        volumes.append(contentsOf: model.demandVolume)
        for st in net.storage { volumes += [st.capacityM3, st.initialM3, st.safetyM3] }
        for pr in net.production { volumes += [pr.minM3PerDay, pr.maxM3PerDay] }
        for l in net.lanes { if let c = l.capacityM3PerDay { volumes.append(c) } }
        for n in net.nodes { if let c = n.throughputM3PerDay { volumes.append(c) } }
        var costs = [Double]()
        for l in net.lanes { costs.append(l.costPerM3) }
        for pr in net.production { costs.append(pr.costPerM3) }
        for st in net.storage { costs.append(st.holdingCostPerM3Day) }
        for p in net.products { costs += [p.shortagePenalty, p.safetyPenalty] }
        guard let kv = decimals(volumes) else {
            return .failure(.notExactlyScalable("some volume has more than \(maxDecimals) decimals or exceeds 2^53 when scaled"))
        }
        guard let kc = decimals(costs) else {
            return .failure(.notExactlyScalable("some cost has more than \(maxDecimals) decimals or exceeds 2^53 when scaled"))
        }
        return .success(FlowScaling(volumeDecimals: kv, costDecimals: kc))
    }

    /// Smallest k in 0...maxDecimals with every value·10^k an integer, else nil.
    static func decimals(_ values: [Double]) -> Int? {
        var k = 0
        var i = 0
        while i < values.count {
            let v = values[i]
            if !v.isFinite { return nil }
            if isInteger(v * pow10(k)) { i += 1; continue }
            k += 1
            if k > maxDecimals { return nil }
        }
        for v in values where !(isInteger(v * pow10(k)) && abs(v * pow10(k)) < 9e15) { return nil }
        return k
    }

    @inline(__always) static func isInteger(_ x: Double) -> Bool {
        abs(x - x.rounded()) <= 4 * x.ulp
    }

    @inline(__always) func volume(_ v: Double) -> Int64 { Int64((v * volumeScale).rounded()) }
    @inline(__always) func cost(_ c: Double) -> Int64 { Int64((c * costScale).rounded()) }
    /// A (heuristic) volume limit in scaled units, rounded down so the scaled flow stays within it.
    @inline(__always) func limit(_ v: Double) -> Int64 { Int64(max(0, (v * volumeScale).rounded(.down))) }
}

@inline(__always) func pow10(_ k: Int) -> Double {
    var r = 1.0
    for _ in 0..<max(0, k) { r *= 10 }
    return r
}

extension UnsafeMutableBufferPointer {
    /// A new buffer of `count` copies of `value` (the caller deallocates it).
    static func filled(_ count: Int, _ value: Element) -> Self {
        let b = Self.allocate(capacity: count)
        b.initialize(repeating: value)
        return b
    }
}

/// Shared output buffers written by the per-product workers at disjoint indices.
/// Raw buffers (no exclusivity checks, no copy-on-write) so workers can write concurrently.
final class SharedVectors: @unchecked Sendable {
    let x: UnsafeMutableBufferPointer<Double>
    let y: UnsafeMutableBufferPointer<Double>
    let statuses: UnsafeMutableBufferPointer<MinCostFlowStatus>
    let pivots: UnsafeMutableBufferPointer<Int>
    /// Per product and coupling row (p·K + r): the shadow price of p's share, when asked for.
    let sharePrice: UnsafeMutableBufferPointer<Double>?
    init(columns: Int, rows: Int, products: Int, shares: Int = 0) {
        x = .filled(columns, 0); y = .filled(rows, 0)
        statuses = .filled(products, .optimal); pivots = .filled(products, 0)
        sharePrice = shares > 0 ? .filled(products * shares, 0) : nil
    }
    deinit { x.deallocate(); y.deallocate(); statuses.deallocate(); pivots.deallocate(); sharePrice?.deallocate() }
}

/// LP basis statuses derived from the per-product spanning trees (see ``FlowRoute/basis``).
final class SharedBasis: @unchecked Sendable {
    /// 0 at lower, 1 at upper, 2 basic, 3 fixed (GLPK NL, NU, BS, NS).
    let column: UnsafeMutableBufferPointer<Int8>
    let row: UnsafeMutableBufferPointer<Int8>
    let ok: UnsafeMutableBufferPointer<Bool>
    init(columns: Int, rows: Int, products: Int) {
        column = .filled(columns, 0); row = .filled(rows, 2); ok = .filled(products, false)
    }
    deinit { column.deallocate(); row.deallocate(); ok.deallocate() }
}

/// One network simplex session per product, kept across the decomposition's pricing rounds:
/// the same flows are re-solved with changed lane costs, each from the previous optimal tree
/// (a few thousand pivots instead of a cold start's million on a national product). Each worker
/// touches only its own product's object.
final class PricingSessions: @unchecked Sendable {
    final class Product {
        var session: NetworkSimplexSession?
        var arcColumn: [Int32] = []
        var tier1: [Int32] = []
        /// Arc costs without the lane surcharges.
        var baseCost: [Int64] = []
        /// Arc capacities of the relaxation (no share limits).
        var baseCapacity: [Int64] = []
        /// Whether the session's costs carry surcharges, its capacities share limits (else they
        /// are the base ones, and a call asking for the base needs no O(arcs) comparison).
        var surcharged = false, capped = false
        /// Seconds the last solve took: the longest products start first (a product left to run
        /// alone at the end leaves the other cores idle).
        var lastSolveSeconds = 0.0
    }
    /// Whether the first solve starts products on the same lanes as an earlier one from its
    /// optimal basis (SiblingStart.swift); off only to measure or test the cold start.
    var siblingStarts = true
    /// Set by ``rebase()``: the next solve rebuilds each product's graph from the model it is
    /// given and, where only costs and capacities changed (the lots rounds' closed lane-days and
    /// surcharges), takes them as the new base and continues from the trees; a product whose
    /// graph changed otherwise (supplies, lower bounds, arcs) starts cold.
    private(set) var rebasing = false
    /// Products re-solved warm, and cold, by the solves since the last ``rebase()``.
    private(set) var rebasedWarm = 0, rebasedCold = 0
    /// The next solve is of another model of the same shape (see ``rebasing``).
    func rebase() { rebasing = true; rebasedWarm = 0; rebasedCold = 0 }
    /// Called once the solve after ``rebase()`` has run (the workers are done).
    func rebased(warm: Int, cold: Int) { rebasing = false; rebasedWarm = warm; rebasedCold = cold }
    /// Whether any product has a tree to continue from.
    var hasTrees: Bool { products.contains { $0.session != nil } }
    let scaling: FlowScaling
    /// Whether the products' graphs have the throughput split nodes (``FlowRoute/build``) at the
    /// full throughput: then the same sessions also solve the capacity-respecting flows (shares
    /// as capacities, set warm), and the relaxation is the tighter one with each product's
    /// outflow within the throughput.
    let splitThroughput: Bool
    let products: [Product]
    init(products P: Int, scaling: FlowScaling, splitThroughput: Bool = false) {
        self.scaling = scaling
        self.splitThroughput = splitThroughput
        products = (0..<P).map { _ in Product() }
    }
    /// Independent sessions at the same trees (each product's session copied).
    func copy() -> PricingSessions {
        let c = PricingSessions(products: products.count, scaling: scaling, splitThroughput: splitThroughput)
        for (to, from) in zip(c.products, products) {
            to.session = from.session?.copy()
            to.arcColumn = from.arcColumn; to.tier1 = from.tier1
            to.baseCost = from.baseCost; to.baseCapacity = from.baseCapacity
            to.surcharged = from.surcharged; to.capped = from.capped; to.lastSolveSeconds = from.lastSolveSeconds
        }
        return c
    }
    /// Frees every product's network and tree (a later solve starts cold).
    func release() {
        for p in products {
            p.session = nil; p.arcColumn = []; p.tier1 = []; p.baseCost = []; p.baseCapacity = []
            p.surcharged = false; p.capped = false
        }
    }
}

/// The outcome of the per-product flows.
struct FlowOutcome {
    var status: MinCostFlowStatus
    var x: [Double]
    var y: [Double]
    var pivots: Int
    var arcs: Int
    var nodes: Int
    var basis: SharedBasis?
    /// Status of each product's flow problem.
    var productStatus: [MinCostFlowStatus] = []
    /// With share limits (column or throughput caps): p·K + r → the shadow price of product p's
    /// share of coupling row r (0 when the share is slack or p has none).
    var sharePrice: [Double] = []
}

enum FlowRoute {
    /// `arcColumn` of a throughput split arc (no LP column, see ``build``) for the row
    /// `throughputBase + h`: −1 − h.
    @inline(__always) static func throughputArc(_ h: Int) -> Int32 { Int32(-1 - h) }

    /// Builds product `p`'s time-expanded network.
    ///
    /// Nodes: the balance rows of p (local id = row − productRowStart[p]) and a super source
    /// (id R). Arcs: lanes (n,t)→(m,t+τ); production source→(r,t) in [min,max]; shortfall
    /// source→(n,t) with capacity d; inventory (n,t)→(n,t+1), and (n,T)→source for the closing
    /// stock (the circulation makes production volume free); a storage row with safety > 0 gets
    /// two parallel inventory arcs (first min(safety, capacity) m³ at holding − safety_penalty,
    /// the rest at holding). Supplies: −(row right-hand side) = opening stock − demand; the source
    /// balances them. When `relaxCoupling`, shared lane capacities and throughputs become per-arc
    /// bounds (a relaxation of the joint constraints). With `throughputCap` as well, each
    /// throughput row becomes a split node instead: p's lanes leaving (n,t) start at a node (n,t)′
    /// fed by one arc (n,t)→(n,t)′ (arc column ``throughputArc(_:)``) of capacity
    /// `throughputCap[p·H + h]` for the row `throughputBase + h`: per-product shares that sum to
    /// the limit keep the products' sum within it, while p's flows choose the lanes that use its
    /// share.
    static func build(_ m: PlanModel, product p: Int, scaling sc: FlowScaling, relaxCoupling: Bool,
                      extra: [Double]? = nil, columnCap: [Double]? = nil, throughputCap: [Double]? = nil)
        -> (problem: MinCostFlowProblem, arcColumn: [Int32], tier1: [Int32])
    {
        let net = m.network
        let T = m.T
        let r0 = m.productRowStart[p], R = m.productRowStart[p + 1] - r0
        let src = NodeID(R)
        var prob = MinCostFlowProblem(nodeCount: R + 1)
        var arcColumn = [Int32]()
        var tier1 = [Int32]()   // per storage column of p with safety: arc id of its first tier (−1 otherwise)
        var est = 0
        for l in 0..<net.lanes.count where m.laneProducts[l].contains(p) { est += m.laneSpan[l] }
        est += 3 * R
        prob.reserveCapacity(nodes: R + 1, arcs: est)
        arcColumn.reserveCapacity(est)
        var total: Int64 = 0
        for i in 0..<R {
            let s = -sc.volume(m.rowLower[r0 + i])
            prob.setSupply(NodeID(i), s)
            total += s
        }
        prob.setSupply(src, -total)
        @inline(__always) func node(_ n: Int, _ t: Int) -> NodeID { NodeID(Int(m.balanceRowIndex[(p * m.N + n) * T + t - 1]) - r0) }
        // Split nodes (n,t)′ of throughput rows, created on first use.
        let H = m.safetyRowBase - m.throughputBase
        let splitting = relaxCoupling && throughputCap != nil
        var split = splitting ? [NodeID](repeating: -1, count: H) : []
        func origin(_ n: Int, _ t: Int) -> NodeID {
            let base = splitting ? m.throughputRowStart[n] : -1
            guard base >= 0, let throughputCap else { return node(n, t) }
            let h = base + t - 1 - m.throughputBase
            if split[h] < 0 {
                split[h] = prob.addNode()
                let limit = throughputCap[p * H + h]
                prob.addArc(from: node(n, t), to: split[h], capacity: sc.limit(limit), cost: 0)
                arcColumn.append(throughputArc(h))
            }
            return split[h]
        }

        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 {
            guard let k = m.laneProducts[l].firstIndex(of: p) else { continue }
            // Limits per day from the model's bounds and rows, not the network's: lane-day floors
            // (``PlanModel/floorColumns(_:)``) lower them.
            let capacityRow = relaxCoupling && m.laneProducts[l].count > 1 ? m.laneCapacityRowStart[l] : -1
            let throughputRow = relaxCoupling && !splitting ? m.throughputRowStart[lane.from] : -1
            let c = sc.cost(lane.costPerM3)
            for t in 1...m.laneSpan[l] {
                let j = m.laneColumnStart[l] + k * m.laneSpan[l] + t - 1
                var cap = m.columnUpper[j].isFinite ? sc.volume(m.columnUpper[j]) : MinCostFlowProblem.unbounded
                if capacityRow >= 0 { cap = min(cap, sc.volume(m.rowUpper[capacityRow + t - 1])) }
                if throughputRow >= 0 { cap = min(cap, sc.volume(m.rowUpper[throughputRow + t - 1])) }
                let cj = extra.map { c + sc.cost($0[j]) } ?? c
                // Heuristic per-column limits (decomposition's capacity-respecting columns).
                let cap2 = columnCap.map { $0[j].isFinite ? min(cap, sc.limit($0[j])) : cap } ?? cap
                prob.addArc(from: origin(lane.from, t), to: node(lane.to, t + lane.transitDays), capacity: cap2, cost: cj)
                arcColumn.append(Int32(j))
            }
        }
        for (k, pr) in net.production.enumerated() where pr.product == p {
            let lo = sc.volume(pr.minM3PerDay), hi = sc.volume(pr.maxM3PerDay), c = sc.cost(pr.costPerM3)
            for t in 1...T {
                prob.addArc(from: src, to: node(pr.refinery, t), lower: lo, capacity: hi, cost: c)
                arcColumn.append(Int32(m.productionBase + k * T + t - 1))
            }
        }
        let penalty = sc.cost(net.products[p].shortagePenalty)
        for e in 0..<m.demandVolume.count where Int(m.demandProduct[e]) == p {
            prob.addArc(from: src, to: node(Int(m.demandNode[e]), Int(m.demandDay[e])),
                        capacity: sc.volume(m.demandVolume[e]), cost: penalty)
            arcColumn.append(Int32(m.shortfallBase + e))
        }
        let sp = sc.cost(net.products[p].safetyPenalty)
        for (k, st) in net.storage.enumerated() where st.product == p {
            let cap = sc.volume(st.capacityM3), h = sc.cost(st.holdingCostPerM3Day)
            let safe = st.safetyM3 > 0
            let first = safe ? min(sc.volume(st.safetyM3), cap) : 0
            for t in 1...T {
                let j = Int32(m.storageBase + k * T + t - 1)
                let from = node(st.node, t), to = t < T ? node(st.node, t + 1) : src
                if safe {
                    let a = prob.addArc(from: from, to: to, capacity: first, cost: h - sp)
                    arcColumn.append(j)
                    tier1.append(a)
                    if cap > first {
                        prob.addArc(from: from, to: to, capacity: cap - first, cost: h)
                        arcColumn.append(j)
                    }
                } else {
                    prob.addArc(from: from, to: to, capacity: cap, cost: h)
                    arcColumn.append(j)
                }
            }
        }
        return (prob, arcColumn, tier1)
    }

    /// Product p's b = max(0, safety − s) columns and safety-row duals, from the stocks already
    /// in `x` and each first stock tier's reduced cost (arc `tier1[i]`, per m³, unscaled).
    static func fillSafety(_ m: PlanModel, product p: Int, tier1: [Int32], x: UnsafeMutableBufferPointer<Double>,
                           y: UnsafeMutableBufferPointer<Double>, firstTierReducedCost: (Int) -> Double) {
        var ti = 0
        let spen = m.network.products[p].safetyPenalty
        for (k, st) in m.network.storage.enumerated() where st.product == p && m.safetyColumnStart[k] >= 0 {
            for t in 1...m.T {
                let a = Int(tier1[ti]); ti += 1
                let s = x[m.storageBase + k * m.T + t - 1]
                x[m.safetyColumnStart[k] + t - 1] = max(0, st.safetyM3 - s)
                y[m.safetyRowStart[k] + t - 1] = safetyDual(firstTierReducedCost: firstTierReducedCost(a), stock: s,
                                                            safety: st.safetyM3, penalty: spen)
            }
        }
    }

    /// The dual of a safety row s + b ≥ safety from the first stock tier's reduced cost d₁
    /// (tier costs holding − penalty and holding): stock below the safety level leaves b > 0
    /// basic, so the dual is the penalty; at or above it, min(penalty, max(0, d₁ + penalty)).
    /// The first case matters when the tank is full below its safety level (safety >
    /// capacity): the first tier is then at its bound with d₁ < 0, and d₁ + penalty would
    /// understate the dual (and give the full tank a shadow price of 0).
    static func safetyDual(firstTierReducedCost d1: Double, stock s: Double, safety: Double, penalty: Double) -> Double {
        s < safety - 1e-9 * max(1, safety) ? penalty : min(penalty, max(0, d1 + penalty))
    }

    /// Every throughput row's limit for every product (`throughputCap` of ``build``: split nodes
    /// that do not restrict a product below the row's own limit).
    static func fullThroughput(_ m: PlanModel) -> [Double] {
        let H = m.safetyRowBase - m.throughputBase
        var cap = [Double](repeating: 0, count: m.P * H)
        for p in 0..<m.P { for h in 0..<H { cap[p * H + h] = m.rowUpper[m.throughputBase + h] } }
        return cap
    }

    /// Solves every product (in parallel on `threads` workers) and assembles the column values
    /// and balance/safety duals of the LP (`y = (π − π_source) / cost scale`).
    ///
    /// `extra[j]` is added to the cost of lane column j; `columnCap[j]` caps it. With `sessions`
    /// (same scaling; `throughputCap` only when they have split nodes), each product is re-solved
    /// warm from its session's last tree, after setting the costs and capacities this call asks
    /// for (the relaxation's where it asks for none). At `deadline` the unfinished products
    /// report `.timeLimit`. Without `duals` only the lane, production and stock columns are
    /// assembled (no balance or safety duals, no safety columns, no basis).
    static func solve(_ m: PlanModel, scaling sc: FlowScaling, relaxCoupling: Bool, threads: Int,
                      extra: [Double]? = nil, wantBasis: Bool = false, columnCap: [Double]? = nil,
                      throughputCap: [Double]? = nil, duals: Bool = true,
                      deadline: ContinuousClock.Instant? = nil, sessions: PricingSessions? = nil) -> FlowOutcome {
        precondition(sessions == nil || (sessions!.scaling == sc && (throughputCap == nil || sessions!.splitThroughput)),
                     "sessions: same scaling; throughput caps only with split nodes")
        precondition(!(wantBasis && relaxCoupling), "a basis only for the flows without the shared rows")
        let out = SharedVectors(columns: m.columnCount, rows: m.rowCount, products: m.P,
                                shares: throughputCap != nil || columnCap != nil ? m.couplingRowCount : 0)
        precondition(duals || !wantBasis, "a basis needs the duals")
        let basisOut = wantBasis ? SharedBasis(columns: m.columnCount, rows: m.rowCount, products: m.P) : nil
        let counts = SharedCounts(m.P)
        // Longest first (by the last solve, else by size): the workers take products in this order.
        var order = (0..<m.P).sorted { a, b in
            let ta = sessions?.products[a].lastSolveSeconds ?? 0, tb = sessions?.products[b].lastSolveSeconds ?? 0
            if ta != tb { return ta > tb }
            let sa = m.productRowStart[a + 1] - m.productRowStart[a], sb = m.productRowStart[b + 1] - m.productRowStart[b]
            return sa != sb ? sa > sb : a < b
        }
        // First solve of new sessions: products on the same lanes as an earlier one start from its
        // optimal basis (SiblingStart.swift). Donors go first; a sibling waits for its donor,
        // which some worker has already taken (the workers take the products in order).
        var siblingBases: SiblingBases? = nil
        if let sessions, sessions.siblingStarts, m.P > 1, sessions.products.allSatisfy({ $0.session == nil }),
           GraphKeys.spaces(m).arcs < Int(Int32.max) {
            let donor = siblingDonors(m, order: order)
            if donor.contains(where: { $0 >= 0 }) {
                siblingBases = SiblingBases(donor: donor)
                order = order.filter { donor[$0] < 0 } + order.filter { donor[$0] >= 0 }
            }
        }
        let siblings = siblingBases
        let work: @Sendable (Int) -> Void = { p in
            let prob: MinCostFlowProblem, arcColumn: [Int32], tier1: [Int32], res: MinCostFlowResult
            let donating = siblings?.isDonor(p) == true
            defer { if donating { siblings!.ready[p].leave() } }
            if let ps = sessions?.products[p] {
                func relaxation() -> (problem: MinCostFlowProblem, arcColumn: [Int32], tier1: [Int32]) {
                    build(m, product: p, scaling: sc, relaxCoupling: relaxCoupling,
                          throughputCap: sessions!.splitThroughput ? fullThroughput(m) : nil)
                }
                // A graph rebuilt for a rebase that cannot continue warm: the cold start's.
                var rebuilt: (problem: MinCostFlowProblem, arcColumn: [Int32], tier1: [Int32])? = nil
                if sessions!.rebasing, let old = ps.session {
                    // Another model of the same shape: its costs and capacities become the base
                    // (set on the session below) when nothing else of the graph changed.
                    let b = relaxation()
                    let o = old.problem
                    if b.problem.tail == o.tail && b.problem.head == o.head && b.problem.supply == o.supply
                        && b.problem.lower == o.lower && b.arcColumn == ps.arcColumn {
                        ps.baseCost = b.problem.cost; ps.baseCapacity = b.problem.capacity
                        ps.surcharged = true; ps.capped = true   // compare and set below
                        counts.warm[p] = 1
                    } else {
                        ps.session = nil
                        rebuilt = b
                        counts.cold[p] = 1
                    }
                }
                if ps.session == nil {
                    let b = rebuilt ?? relaxation()
                    dumpProblem(b.problem, product: p)
                    let session = NetworkSimplexSession(b.problem)
                    if let siblings, siblings.donor[p] >= 0 {
                        let d = siblings.donor[p]
                        siblings.ready[d].wait()
                        if let dk = siblings.slots[d].keys, let db = siblings.slots[d].basis {
                            let tm = ContinuousClock.now
                            let keys = GraphKeys(m, product: p, problem: b.problem, arcColumn: b.arcColumn, tier1: b.tier1)
                            session.startBasis = keys.mapped(from: dk, basis: db, spaces: GraphKeys.spaces(m))
                            debugLog("product \(p): start from product \(d)'s basis (mapped in \(fmt((ContinuousClock.now - tm).seconds)) s)")
                        }
                    }
                    ps.session = session
                    ps.arcColumn = b.arcColumn; ps.tier1 = b.tier1
                    ps.baseCost = b.problem.cost; ps.baseCapacity = b.problem.capacity
                }
                let session = ps.session!
                // The costs and capacities `build` would give, set only where they changed.
                if extra != nil || ps.surcharged {
                    var c = ps.baseCost
                    if let extra {
                        for a in 0..<c.count {
                            let j = Int(ps.arcColumn[a])
                            if j >= 0 && j < m.productionBase { c[a] += sc.cost(extra[j]) }
                        }
                    }
                    if c != session.problem.cost, let bad = session.setCosts(c) { out.statuses[p] = bad; return }
                    ps.surcharged = extra != nil
                }
                let capping = columnCap != nil || throughputCap != nil
                if capping || ps.capped {
                    var u = ps.baseCapacity
                    if capping {
                        let H = m.safetyRowBase - m.throughputBase
                        for a in 0..<u.count {
                            let j = Int(ps.arcColumn[a])
                            if j < 0, let throughputCap {
                                u[a] = min(u[a], sc.limit(throughputCap[p * H - 1 - j]))
                            } else if j >= 0 && j < m.productionBase, let columnCap, columnCap[j].isFinite {
                                u[a] = min(u[a], sc.limit(columnCap[j]))
                            }
                        }
                    }
                    if u != session.problem.capacity {
                        let tc = ContinuousClock.now
                        if let bad = session.setCapacities(u) { out.statuses[p] = bad; return }
                        debugLog("product \(p): capacities set in \(fmt((ContinuousClock.now - tc).seconds)) s")
                    }
                    ps.capped = capping
                }
                let ts = ContinuousClock.now
                res = session.solve(deadline: deadline)
                ps.lastSolveSeconds = (ContinuousClock.now - ts).seconds
                debugLog("product \(p): warm solve \(res.iterations) pivots, \(fmt(ps.lastSolveSeconds)) s")
                prob = session.problem; arcColumn = ps.arcColumn; tier1 = ps.tier1
                if donating && res.status == .optimal {
                    siblings!.slots[p].keys = GraphKeys(m, product: p, problem: prob, arcColumn: arcColumn, tier1: tier1)
                    siblings!.slots[p].basis = session.basis()
                }
            } else {
                (prob, arcColumn, tier1) = build(m, product: p, scaling: sc, relaxCoupling: relaxCoupling, extra: extra,
                                                 columnCap: columnCap, throughputCap: throughputCap)
                dumpProblem(prob, product: p)
                res = NetworkSimplex().solve(prob, deadline: deadline)
            }
            out.statuses[p] = res.status
            out.pivots[p] = res.iterations
            counts.arcs[p] = prob.arcCount; counts.nodes[p] = prob.nodeCount
            guard res.status == .optimal || res.status == .objectiveOverflow else { return }
            let vs = sc.volumeScale, cs = sc.costScale
            let x = out.x, y = out.y
            for a in 0..<prob.arcCount where res.flow[a] != 0 && arcColumn[a] >= 0 {
                x[Int(arcColumn[a])] += Double(res.flow[a]) / vs
            }
            // Shadow prices of p's shares of the shared rows: −(reduced cost) of a share arc at
            // its limit (throughput split arcs and capped lane arcs).
            if let sharePrice = out.sharePrice {
                let K = m.couplingRowCount, cb = m.laneCapacityBase, H0 = m.throughputBase - cb
                for a in 0..<prob.arcCount where res.flow[a] == prob.capacity[a] {
                    let rc = prob.cost[a] + res.potential[Int(prob.tail[a])] - res.potential[Int(prob.head[a])]
                    guard rc < 0 else { continue }
                    let j = Int(arcColumn[a])
                    if j < 0 { sharePrice[p * K + H0 - 1 - j] = Double(-rc) / cs; continue }
                    guard j < m.productionBase else { continue }
                    for e in m.columnEntryStart[j]..<m.columnEntryStart[j + 1] {
                        let r = Int(m.entryRow[e]) - cb
                        if r >= 0 && r < H0 { sharePrice[p * K + r] = Double(-rc) / cs }
                    }
                }
            }
            guard duals else { return }
            let r0 = m.productRowStart[p], R = m.productRowStart[p + 1] - r0
            let piS = res.potential[R]
            for i in 0..<R { y[r0 + i] = Double(res.potential[i] - piS) / cs }
            fillSafety(m, product: p, tier1: tier1, x: x, y: y) { a in
                Double(prob.cost[a] + res.potential[Int(prob.tail[a])] - res.potential[Int(prob.head[a])]) / cs
            }
            if let basisOut {
                basisOut.ok[p] = basis(m, product: p, problem: prob, result: res, arcColumn: arcColumn, tier1: tier1, x: x, into: basisOut)
            }
        }
        if threads <= 1 || m.P <= 1 {
            for p in order { work(p) }
        } else {
            DispatchQueue.concurrentPerform(iterations: m.P) { [order] i in work(order[i]) }
        }
        if let sessions, sessions.rebasing {
            sessions.rebased(warm: counts.warm.reduce(0, +), cold: counts.cold.reduce(0, +))
        }
        // Worst status across products: infeasible/unbounded beat a time limit, which beats optimal.
        var status = MinCostFlowStatus.optimal
        for s in out.statuses where s != .optimal && s != .objectiveOverflow && s != .timeLimit { status = s; break }
        if status == .optimal && out.statuses.contains(.timeLimit) { status = .timeLimit }
        return FlowOutcome(status: status, x: Array(out.x), y: Array(out.y), pivots: out.pivots.reduce(0, +),
                           arcs: counts.arcs.reduce(0, +), nodes: counts.nodes.reduce(0, +),
                           basis: basisOut.flatMap { b in b.ok.allSatisfy { $0 } ? b : nil },
                           productStatus: Array(out.statuses), sharePrice: out.sharePrice.map { Array($0) } ?? [])
    }

    /// Recovers an optimal spanning tree from flows and potentials (arcs strictly between their
    /// bounds, completed by zero-reduced-cost arcs with union–find) and writes the matching LP
    /// basis statuses for product p's columns and safety rows. Balance rows are fixed (their
    /// auxiliaries nonbasic), coupling rows keep basic auxiliaries. Returns false when no spanning
    /// tree of zero-reduced-cost arcs exists (cannot happen for an optimal result).
    static func basis(_ m: PlanModel, product p: Int, problem prob: MinCostFlowProblem, result res: MinCostFlowResult,
                      arcColumn: [Int32], tier1: [Int32], x: UnsafeMutableBufferPointer<Double>, into b: SharedBasis) -> Bool {
        let (inTree, treeCount) = spanningTree(prob, res)
        let n = prob.nodeCount, arcs = prob.arcCount
        guard treeCount == n - 1 else { debugLog("basis: tree has \(treeCount) of \(n - 1) arcs"); return false }
        // Columns: basic if one of their arcs is in the tree, else at the bound they sit on.
        for a in 0..<arcs {
            let j = Int(arcColumn[a])
            if inTree[a] { b.column[j] = 2 }
        }
        for a in 0..<arcs {
            let j = Int(arcColumn[a])
            if b.column[j] == 2 { continue }
            let up = m.columnUpper[j]
            b.column[j] = (up.isFinite && x[j] >= up - 1e-9 * max(1, abs(up)) && x[j] > m.columnLower[j]) ? 1 : 0
            if m.columnLower[j] == up { b.column[j] = 3 }
        }
        // Balance rows of p: fixed auxiliaries.
        for i in m.productRowStart[p]..<m.productRowStart[p + 1] { b.row[i] = 3 }
        // Safety rows s + b ≥ safety: one of s, b and the row's slack is basic beyond the tree.
        // The first tier (volume below the safety level) in the tree: b = safety − s basic, row
        // tight (dual = the safety penalty). The second tier in the tree: the row's slack. Neither
        // (both tiers at a bound): b when the stock is below the level or sits on a bound at it,
        // s when it sits strictly inside at the level, the slack above it.
        var ti = 0
        for (k, st) in m.network.storage.enumerated() where st.product == p && m.safetyColumnStart[k] >= 0 {
            for t in 1...m.T {
                let js = m.storageBase + k * m.T + t - 1, jb = m.safetyColumnStart[k] + t - 1
                let r = m.safetyRowStart[k] + t - 1
                let a1 = Int(tier1[ti]); ti += 1
                let a2 = a1 + 1 < arcs && Int(arcColumn[a1 + 1]) == js ? a1 + 1 : -1
                let s = x[js], level = st.safetyM3, eps = 1e-9 * max(1, level)
                b.column[jb] = 0; b.row[r] = 0
                if inTree[a1] || (a2 >= 0 && inTree[a2]) {
                    if inTree[a1] { b.column[jb] = 2 } else { b.row[r] = 2 }
                } else if s < level - eps {
                    b.column[jb] = 2
                } else if s > level + eps {
                    b.row[r] = 2
                } else if s > m.columnLower[js] + eps && s < m.columnUpper[js] - eps {
                    b.column[js] = 2
                } else {
                    b.column[jb] = 2
                }
            }
        }
        return true
    }

    /// An optimal spanning tree (as far as one exists) from a network simplex optimum's flows and
    /// potentials: arcs strictly between their bounds, completed by zero-reduced-cost arcs with
    /// union–find, then by the crossing arcs of smallest |reduced cost| (the simplex's tree may
    /// use artificial zero-flow arcs between parts whose potentials are unrelated). Returns the
    /// tree's arcs and their count (nodeCount − 1 unless the graph is disconnected, or free arcs
    /// form a cycle: then 0).
    static func spanningTree(_ prob: MinCostFlowProblem, _ res: MinCostFlowResult) -> (inTree: [Bool], count: Int) {
        let n = prob.nodeCount, arcs = prob.arcCount
        var parent = Array(0..<n)
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
            return a
        }
        var inTree = [Bool](repeating: false, count: arcs)
        var treeCount = 0
        for pass in 0..<2 {
            for a in 0..<arcs where !inTree[a] {
                let f = res.flow[a]
                let free = f > prob.lower[a] && f < prob.capacity[a]
                if pass == 0 && !free { continue }
                if pass == 1 {
                    let rc = prob.cost[a] + res.potential[Int(prob.tail[a])] - res.potential[Int(prob.head[a])]
                    if rc != 0 { continue }
                }
                let u = find(Int(prob.tail[a])), v = find(Int(prob.head[a]))
                if u == v { if pass == 0 { debugLog("basis: free arcs form a cycle at arc \(a)"); return (inTree, 0) } else { continue } }
                parent[u] = v; inTree[a] = true; treeCount += 1
            }
            if treeCount == n - 1 { break }
        }
        if treeCount < n - 1 {
            debugLog("basis: zero-reduced-cost arcs span \(treeCount) of \(n - 1); completing")
            var cand: [(Int64, Int)] = []
            for a in 0..<arcs where !inTree[a] && find(Int(prob.tail[a])) != find(Int(prob.head[a])) {
                let rc = prob.cost[a] + res.potential[Int(prob.tail[a])] - res.potential[Int(prob.head[a])]
                cand.append((abs(rc), a))
            }
            cand.sort { $0 < $1 }
            for (_, a) in cand {
                let u = find(Int(prob.tail[a])), v = find(Int(prob.head[a]))
                if u == v { continue }
                parent[u] = v; inTree[a] = true; treeCount += 1
                if treeCount == n - 1 { break }
            }
        }
        return (inTree, treeCount)
    }

    /// Largest relative violation of the coupling rows (0 when all hold), and how many are violated.
    static func couplingViolation(_ m: PlanModel, x: [Double]) -> (worst: Double, count: Int, activities: [Double]) {
        let act = m.rowActivities(of: x)
        var worst = 0.0, count = 0
        for i in m.laneCapacityBase..<m.safetyRowBase {
            let over = act[i] - m.rowUpper[i]
            let tol = 1e-9 * max(1, abs(m.rowUpper[i]))
            if over > tol { count += 1; worst = max(worst, over / max(1, abs(m.rowUpper[i]))) }
        }
        return (worst, count, act)
    }
}

final class SharedCounts: @unchecked Sendable {
    let arcs: UnsafeMutableBufferPointer<Int>
    let nodes: UnsafeMutableBufferPointer<Int>
    /// Products a rebased solve continued warm, or restarted cold (``PricingSessions/rebase()``).
    let warm: UnsafeMutableBufferPointer<Int>
    let cold: UnsafeMutableBufferPointer<Int>
    init(_ n: Int) {
        arcs = .filled(n, 0); nodes = .filled(n, 0); warm = .filled(n, 0); cold = .filled(n, 0)
    }
    deinit { arcs.deallocate(); nodes.deallocate(); warm.deallocate(); cold.deallocate() }
}

import Foundation
/// `FUELFLOW_DUMP_MCF=DIR` writes every per-product min-cost flow the planner solves to
/// `DIR/product-P.min` (DIMACS), to study or benchmark them with `fuelflow mincost`.
let dumpDirectory = ProcessInfo.processInfo.environment["FUELFLOW_DUMP_MCF"]

/// Writes `problem` to `FUELFLOW_DUMP_MCF`/product-`p`.min when that variable is set.
func dumpProblem(_ problem: MinCostFlowProblem, product p: Int) {
    guard let dir = dumpDirectory else { return }
    try? DIMACS.write(problem, to: "\(dir)/product-\(p).min",
                      comments: ["FuelFlow planner: time-expanded min-cost flow of product \(p)"])
}

let debugStart = ContinuousClock.now

/// `FUELFLOW_DEBUG=1`: diagnostics on stderr, each line stamped with the seconds since the solve
/// started (``Planner/solve(_:options:)``).
func debugLog(_ s: @autoclosure () -> String) {
    if ProcessInfo.processInfo.environment["FUELFLOW_DEBUG"] != nil {
        FileHandle.standardError.write(Data(("[\(fmt((ContinuousClock.now - debugStart).seconds))] " + s() + "\n").utf8))
    }
}
