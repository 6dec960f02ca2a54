// PartitionRoute.swift — the full LP as a bundled multi-commodity flow, solved exactly by our
// primal-partitioning simplex (NetworkFlow.PrimalPartitioningSimplex): one spanning tree per
// product and a dense working basis for the shared rows that are full.
import Foundation
import NetworkFlow

enum PartitionRoute {
    /// The model as a ``BundledFlowProblem``: each product's split-node graph (FlowRoute.build
    /// with the shared limits as per-arc bounds and every throughput row as a split arc at its
    /// full limit) and one bundle per shared row (a multi-product lane's capacity on a day: that
    /// lane-day's arcs; a throughput row: the products' split arcs). Exactly the LP: the per-arc
    /// bounds are implied by the bundles.
    struct Built {
        var problem: BundledFlowProblem
        var arcColumn: [[Int32]]
        var tier1: [[Int32]]
        /// Model row of each bundle.
        var bundleRow: [Int]
    }

    static func build(_ m: PlanModel, scaling sc: FlowScaling) -> Built {
        let full = FlowRoute.fullThroughput(m)
        var graphs = [MinCostFlowProblem](), arcColumn = [[Int32]](), tier1 = [[Int32]]()
        for p in 0 ..< m.P {
            let b = FlowRoute.build(m, product: p, scaling: sc, relaxCoupling: true, throughputCap: full)
            graphs.append(b.problem); arcColumn.append(b.arcColumn); tier1.append(b.tier1)
        }
        // Shared row of each lane column (lanes carrying several products with a capacity).
        var columnRow = [Int32](repeating: -1, count: m.productionBase)
        for l in 0 ..< m.network.lanes.count where m.laneCapacityRowStart[l] >= 0 && m.laneProducts[l].count > 1 {
            let span = m.laneSpan[l]
            for k in 0 ..< m.laneProducts[l].count {
                for t in 1 ... max(1, span) where span > 0 {
                    columnRow[m.laneColumnStart[l] + k * span + t - 1] = Int32(m.laneCapacityRowStart[l] + t - 1)
                }
            }
        }
        var members = [[(commodity: Int, arc: ArcID)]](repeating: [], count: m.couplingRowCount)
        for p in 0 ..< m.P {
            for (a, j) in arcColumn[p].enumerated() {
                let row: Int
                if j < 0 {
                    row = m.throughputBase + Int(-1 - j)
                } else if Int(j) < m.productionBase, columnRow[Int(j)] >= 0 {
                    row = Int(columnRow[Int(j)])
                } else { continue }
                members[row - m.laneCapacityBase].append((p, ArcID(a)))
            }
        }
        // A member's per-arc bound at the shared limit is implied by its bundle (the members'
        // lower bounds are ≥ 0): dropped, so that a full row's price is the bundle's, not split
        // with an arc bound (one product alone at a throughput had its price on its arc).
        var bundles = [(capacity: Int64, members: [(commodity: Int, arc: ArcID)], row: Int)]()
        for (i, ms) in members.enumerated() where !ms.isEmpty {
            let r = m.laneCapacityBase + i, cap = sc.limit(m.rowUpper[r])
            bundles.append((cap, ms, r))
            for (p, a) in ms where graphs[p].capacity[Int(a)] >= cap && graphs[p].lower[Int(a)] >= 0 {
                graphs[p].setBounds(a, lower: graphs[p].lower[Int(a)], capacity: MinCostFlowProblem.unbounded)
            }
        }
        var problem = BundledFlowProblem(commodities: graphs)
        var bundleRow = [Int]()
        for b in bundles {
            problem.addBundle(capacity: b.capacity, members: b.members)
            bundleRow.append(b.row)
        }
        return Built(problem: problem, arcColumn: arcColumn, tier1: tier1, bundleRow: bundleRow)
    }

    /// Start from the products' own optima only (FUELFLOW_PP_START=relaxed; to measure).
    static let relaxedStartOnly = ProcessInfo.processInfo.environment["FUELFLOW_PP_START"] == "relaxed"

    /// Pivots `auto` allows (deterministic, unlike a time budget): 20,000 plus 20 per shared row
    /// (n3k: 4,606 pivots for 1,161 shared rows).
    static func pivotBudget(_ m: PlanModel) -> Int { 20_000 + 20 * m.couplingRowCount }

    /// Solves the model; fills `plan` (columns, duals, objective) when optimal, and its columns
    /// and objective (no duals) when a limit stops it with feasible flows. `relaxation`:
    /// `auto`'s relaxation already solved on split-node sessions (its flows `x`), which this
    /// route then continues from instead of solving its own (and leaves to the caller).
    static func solve(_ m: PlanModel, scaling base: FlowScaling, options: PlanOptions, maxPivots: Int? = nil,
                      relaxation: (sessions: PricingSessions, x: [Double])? = nil,
                      sessionsKind: String = "the relaxation's", into plan: inout Plan) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let given = relaxation.flatMap { $0.sessions.splitThroughput && $0.sessions.products.count == m.P ? $0 : nil }
        let sc = given?.sessions.scaling ?? base
        let built = build(m, scaling: sc)
        let buildSeconds = (clock.now - t0).seconds
        options.progress?("primal partitioning: \(m.P) product graph(s), \(built.problem.bundleCount) shared row(s) as bundles (built in \(fmt(buildSeconds)) s)")
        // Each product's optimum without the bundles (their limits as per-arc bounds): the
        // relaxation's network simplex sessions on the same split-node graphs, products in
        // parallel and siblings started from their donor's basis (FlowRoute.solve).
        let sessions = given?.sessions ?? PricingSessions(products: m.P, scaling: sc, splitThroughput: true)
        var relaxedOK = true, relaxedX = given?.x ?? []
        if given == nil {
            let relaxed = FlowRoute.solve(m, scaling: sc, relaxCoupling: true, threads: options.threads, duals: false,
                                          deadline: options.deadline, sessions: sessions)
            relaxedOK = relaxed.status == .optimal || relaxed.status == .objectiveOverflow
            relaxedX = relaxed.x
        }
        // Each start basis with the capacities it is optimal under (its arcs at upper carry
        // them; the problem's bundle members have no per-arc bound of their own).
        var bases = [NetworkSimplexSession.Basis](), caps = [[Int64]]()
        if relaxedOK {
            for (p, ps) in sessions.products.enumerated() {
                guard let s = ps.session, let b = s.basis(), ps.arcColumn == built.arcColumn[p] else { break }
                bases.append(b); caps.append(s.problem.capacity)
            }
        }
        // Then each product under its share of every shared row (the decomposition's first
        // capacity-respecting plan, warm from the same trees): no shared row overfull, so the
        // partitioning needs no composite phase; the shares' arcs start strictly inside their
        // bounds (superbasic). A product whose shares leave it infeasible keeps its own optimum.
        var startKind = "the products' own optima"
        if bases.count == m.P, m.couplingRowCount > 0, !Self.relaxedStartOnly {
            let shared = Decomposition.capacityRespectingFlows(m, x0: relaxedX, scaling: sc, threads: options.threads,
                                                               equalShares: false, deadline: options.deadline, sessions: sessions)
            for (p, ps) in sessions.products.enumerated() {
                if shared.ok[p], let s = ps.session, let b = s.basis() { bases[p] = b; caps[p] = s.problem.capacity }
            }
            let n = shared.ok.filter { $0 }.count
            startKind = n == m.P ? "the shares of a capacity-respecting plan" : "the shares of a capacity-respecting plan (\(n) of \(m.P) products)"
        }
        if given == nil { sessions.release() } else { startKind += ", on \(sessionsKind) sessions" }
        let startSeconds = (clock.now - t0).seconds
        options.progress?("primal partitioning: start from \(startKind) (\(fmt(startSeconds)) s)")
        var solver = PrimalPartitioningSimplex()
        solver.maxPivots = maxPivots
        solver.threads = options.threads
        if let report = options.progress {
            // The flows' cost in the model's money: the safety penalty is paid on the whole
            // level (penalty × safety per tank-day) less the first stock tier's credit on its arcs.
            let unit = sc.costScale * sc.volumeScale
            var constant = 0.0
            for (k, st) in m.network.storage.enumerated() where m.safetyColumnStart[k] >= 0 {
                constant += m.network.products[st.product].safetyPenalty * st.safetyM3 * Double(m.T)
            }
            solver.progress = { [constant] s in
                report("primal partitioning: \(s.pivots) pivots, phase \(s.phase), \(s.overfullBundles) shared row(s) still overfull, \(s.fullBundles) full, cost \(fmt(s.cost / unit + constant))")
            }
        }
        let res = solver.solve(built.problem, start: bases.count == m.P ? bases : nil, startCapacity: bases.count == m.P ? caps : nil,
                               deadline: options.deadline)
        plan.route = "partition"
        plan.scaling = sc
        plan.notes.append("primal partitioning\(res.startAdopted ? " from \(startKind) (\(fmt(startSeconds)) s)" : ", cold"): \(res.pivots) pivots, working basis \(res.workingBasisSize) (largest \(res.largestWorkingBasis)), \(fmt((clock.now - t0).seconds)) s")
        switch res.status {
        case .optimal:
            plan.status = .optimal
        case .infeasible:
            plan.status = .infeasible; return
        case .unbounded:
            plan.status = .unbounded; return
        case .limitReached:
            // Stopped short: the flows are still a feasible plan when the start was (from
            // shares), without duals that prove anything.
            plan.status = .timeLimit
            guard res.feasible else { return }
        case .numericalTrouble, .invalid:
            plan.status = .timeLimit
            plan.notes.append("primal partitioning stopped: \(res.status)")
            return
        }
        let vs = sc.volumeScale, cs = sc.costScale
        var x = [Double](repeating: 0, count: m.columnCount)
        var y = [Double](repeating: 0, count: m.rowCount)
        for p in 0 ..< m.P {
            let prob = built.problem.commodities[p], f = res.flow[p], pot = res.potential[p]
            for a in 0 ..< prob.arcCount where f[a] != 0 && built.arcColumn[p][a] >= 0 {
                x[Int(built.arcColumn[p][a])] += f[a] / vs
            }
            let r0 = m.productRowStart[p], R = m.productRowStart[p + 1] - r0
            for i in 0 ..< R { y[r0 + i] = (pot[i] - pot[R]) / cs }
            x.withUnsafeMutableBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    FlowRoute.fillSafety(m, product: p, tier1: built.tier1[p], x: xb, y: yb) { a in
                        (Double(prob.cost[a]) + pot[Int(prob.tail[a])] - pot[Int(prob.head[a])]) / cs
                    }
                }
            }
        }
        for (i, r) in built.bundleRow.enumerated() { y[r] = -res.bundlePrice[i] / cs }
        plan.columnValues = x
        plan.rowDuals = plan.status == .optimal ? y : []
        plan.objective = m.objective(of: x)
        // The certificate, checked independently of the engine: reduced costs of the right sign
        // and complementary slackness on every column and limit row.
        if plan.status == .optimal {
            plan.notes.append(Planner.dualViolation(m, x: x, y: y).map { "the partitioning's duals do not prove its plan optimal: \($0)" }
                              ?? "its duals prove the plan optimal (reduced costs and complementary slackness checked on every column and row)")
        }
    }
}
