// Discrete.swift — lanes with minimum batches or fixed daily costs: a MIP through GLPK.
import FuelFlowModel
import GLPK

/// Lanes that need a binary "used on day t" decision: `min_shipment_m3` (ship a batch or
/// nothing) or `fixed_cost_per_day` (the hire is paid whenever the lane is used).
///
/// For each such lane l and departure day t a binary `y[l,t]` is added with objective
/// `fixed_cost_per_day`, and rows `Σ_p x[l,p,t] ≥ min_shipment·y[l,t]` (when set) and
/// `Σ_p x[l,p,t] ≤ M·y[l,t]` with M = the lane capacity, or, without one, the most volume that
/// can exist on a day (Σ opening stock + T · Σ production max), tightened by ``useBounds(_:)``.
struct DiscreteLanes {
    var lanes: [Int] = []
    init(_ m: PlanModel) {
        for (l, lane) in m.network.lanes.enumerated()
        where (lane.minShipmentM3 ?? 0) > 0 || (lane.fixedCostPerDay ?? 0) > 0 {
            if m.laneSpan[l] > 0 && !m.laneProducts[l].isEmpty { lanes.append(l) }
        }
    }

    /// M for lanes without a capacity: the most volume that can exist on a day.
    func bigM(_ m: PlanModel) -> Double {
        var v = 0.0
        for st in m.network.storage { v += st.initialM3 }
        for pr in m.network.production { v += Double(m.T) * pr.maxM3PerDay }
        return max(v, 1)
    }

    /// M of each discrete lane's use rows per departure day (`[lane][t − 1]`): its capacity,
    /// else the most volume a day can hold (``bigM(_:)``); at most its origin's throughput; and,
    /// when no lane leaves its destination, at most what that node can take on the day of
    /// arrival: its tanks of the lane's products plus their demand that day (what arrives is
    /// stored or sold: inflow = s[t] − s[t−1] + d − u with s ≥ 0 and u ≥ 0). A tighter M is a
    /// tighter LP relaxation: a truck without capacity into a station had the M of the whole
    /// network's stock, and GLPK's branch-and-cut, without its presolver to reduce it (the
    /// warm root), stalled at a gap of 29 % on a network it solves in a second with it (QA).
    func useBounds(_ m: PlanModel) -> [Int: [Double]] {
        let net = m.network
        let general = bigM(m)
        var sends = [Bool](repeating: false, count: net.nodes.count)
        for lane in net.lanes { sends[lane.from] = true }
        let sinks = Set(lanes.map { net.lanes[$0].to }.filter { !sends[$0] })
        // Tank capacity by node·P + product; demand by (node·P + product)·(T + 1) + day.
        var tank: [Int: Double] = [:], sold: [Int: Double] = [:]
        for st in net.storage where sinks.contains(st.node) { tank[st.node * m.P + st.product, default: 0] += st.capacityM3 }
        for k in m.demandNode.indices where sinks.contains(Int(m.demandNode[k])) {
            sold[(Int(m.demandNode[k]) * m.P + Int(m.demandProduct[k])) * (m.T + 1) + Int(m.demandDay[k]), default: 0] += m.demandVolume[k]
        }
        var out: [Int: [Double]] = [:]
        for l in lanes {
            let lane = net.lanes[l]
            let M = min(lane.capacityM3PerDay ?? general, net.nodes[lane.from].throughputM3PerDay ?? .infinity)
            out[l] = (1...max(1, m.laneSpan[l])).map { t -> Double in
                guard sinks.contains(lane.to) else { return M }
                let arrival = t + lane.transitDays
                let room = m.laneProducts[l].reduce(0.0) { sum, p in
                    sum + (tank[lane.to * m.P + p] ?? 0) + (sold[(lane.to * m.P + p) * (m.T + 1) + arrival] ?? 0)
                }
                return min(M, room)
            }
        }
        return out
    }

    /// A lane-day's key in sets.
    func key(_ m: PlanModel, lane l: Int, day t: Int) -> Int { l * (m.T + 1) + t }

    /// Σ_p x[l,p,t] in `x`.
    func volume(_ m: PlanModel, lane l: Int, day t: Int, in x: [Double]) -> Double {
        var f = 0.0
        for k in m.laneProducts[l].indices { f += x[m.laneColumnStart[l] + k * m.laneSpan[l] + t - 1] }
        return f
    }
}

extension Planner {
    /// The model GLPK is given: the LP, and with `discrete` (`--mip`) and lanes that need them,
    /// the lane-day binaries, their rows and fixed costs as well — what `--write-lp` and
    /// `--write-mps` export, so that the files are the model that is solved.
    public static func glpkModel(_ model: PlanModel, discrete: Bool, names: Bool = false) -> LinearProgram {
        let d = DiscreteLanes(model)
        return discrete && !d.lanes.isEmpty ? mip(model, d, names: names).lp : model.linearProgram(names: names)
    }

    /// The LP with the discrete lanes' binaries y[l,t] and rows (see ``DiscreteLanes``).
    static func mip(_ model: PlanModel, _ d: DiscreteLanes, names: Bool = false)
        -> (lp: LinearProgram, binaries: [(lane: Int, day: Int, column: Int)])
    {
        let net = model.network
        var lp = model.linearProgram(names: names)
        let bounds = d.useBounds(model)
        var binaries: [(lane: Int, day: Int, column: Int)] = []
        for l in d.lanes {
            let lane = net.lanes[l]
            let stem = names ? "\(net.nodes[lane.from].id)_\(net.nodes[lane.to].id)_\(lane.mode.rawValue)_\(l)_" : ""
            for t in 1...model.laneSpan[l] {
                let M = bounds[l]![t - 1]
                let y = lp.addColumn(name: names ? "y_\(stem)\(t)" : nil, bounds: .between(0, 1),
                                     objective: lane.fixedCostPerDay ?? 0, kind: .binary)
                binaries.append((l, t, y))
                var coef: [(column: Int, value: Double)] = []
                for k in 0..<model.laneProducts[l].count {
                    coef.append((model.laneColumnStart[l] + k * model.laneSpan[l] + t - 1, 1))
                }
                if let ms = lane.minShipmentM3, ms > 0 {
                    lp.addRow(name: names ? "min_\(stem)\(t)" : nil, bounds: .atLeast(0), coefficients: coef + [(y, -ms)])
                }
                lp.addRow(name: names ? "use_\(stem)\(t)" : nil, bounds: .atMost(0), coefficients: coef + [(y, -M)])
            }
        }
        return (lp, binaries)
    }

    /// - Parameter offerLots: whether the lots heuristic's plan is branch-and-cut's first
    ///   incumbent (``lotsIncumbent``); false when the heuristic already found none.
    static func solveMIP(_ model: PlanModel, discrete d: DiscreteLanes, options: PlanOptions, offerLots: Bool = true,
                         into plan: inout Plan) throws {
        let net = model.network
        let (lp, binaries) = mip(model, d)
        // `--method auto`: GLPK starts from the per-product relaxation's optimal spanning trees
        // (the MIP's extra rows with basic slacks, binaries at 0: dual feasible, as y's reduced
        // cost is its fixed cost ≥ 0), so its dual simplex only repairs the lane-day rows
        // instead of solving the root LP from scratch. `--method lp` starts cold, with presolve.
        let warm = options.method == .auto ? relaxationBasis(model, options: options) : nil
        func basis(_ binary: GLPKProblem.BasisStatus) -> (rows: [GLPKProblem.BasisStatus], columns: [GLPKProblem.BasisStatus])? {
            guard let warm else { return nil }
            return ((0..<model.rowCount).map { status(warm.row[$0]) } + Array(repeating: .basic, count: lp.rows.count - model.rowCount),
                    (0..<model.columnCount).map { status(warm.column[$0]) } + Array(repeating: binary, count: binaries.count))
        }
        // The lots heuristic's plan, when it finds one, is branch-and-cut's first incumbent:
        // the search prunes against it from the root on, and a limit that ends the search
        // early still leaves a plan at least as cheap.
        let lots = warm == nil || !offerLots ? nil : lotsIncumbent(model, discrete: d, options: options)
        let heuristic = lots.flatMap { l in l.plan.map { (plan: $0, seconds: l.seconds) } }
        options.progress?("GLPK branch-and-cut: \(binaries.count) lane-day binaries\(warm == nil ? "" : ", root LP warm-started from the per-product relaxation")\(heuristic.map { ", the lots heuristic's plan (\(fmt($0.plan.objective))) as first incumbent" } ?? "")")
        let sol: LinearProgram.Solution
        do {
            let problem = try GLPKProblem(lp)
            var warmStarted = false
            if let b = basis(.atLower) {
                do { try problem.setBasis(rows: b.rows, columns: b.columns); warmStarted = true }
                catch { plan.notes.append("warm start rejected by GLPK (\(error)); cold start") }
            }
            // A tenth of the time, and at least twice the root LP's, is kept for the plan's
            // flows and marginal costs (the LP with the decisions fixed, of the same size: on the
            // example ~1,300 dual simplex iterations from the relaxation's trees, 1 s on a slow
            // machine, where a tenth of an 8-s limit did not suffice).
            var mipOptions = LinearProgram.SolveOptions(method: .branchAndCut, presolve: !warmStarted,
                                                        timeLimit: options.remainingTime.map { $0 * 0.9 }, mipGap: options.mipGap)
            mipOptions.reserveRootTimes = 2
            if warmStarted, let h = heuristic { mipOptions.incumbent = incumbent(h.plan, model, d, binaries: binaries) }
            mipOptions.progress = options.progress.map { say in { @Sendable r in say(branchAndCutProgress(r)) } }
            sol = try problem.solve(mipOptions)
            if warmStarted { plan.notes.append("root LP warm-started from the per-product relaxation's spanning trees") }
            if let h = heuristic {
                let fate = !warmStarted ? "not offered (a cold start with GLPK's presolver, whose columns differ)"
                    : sol.incumbentAccepted == true ? "taken" : sol.incumbentAccepted == false ? "not taken" : "not asked for (the search ended with the root LP)"
                plan.notes.append("the lots heuristic's plan (\(fmt(h.plan.objective)), \(fmt(h.seconds)) s) as branch-and-cut's first incumbent: " + fate)
            } else if let lots {
                plan.notes.append("the lots heuristic found no plan to offer branch-and-cut as its first incumbent"
                    + (lots.timedOut ? " within its share of the time (\(fmt(lots.seconds)) s)" : " (its rounds ended without one)"))
            }
        } catch let e as GLPKError {
            throw PlannerError.solver(e.description)
        }
        plan.route = "mip"
        plan.routeReason = "\(d.lanes.count) lane(s) with min_shipment_m3/fixed_cost_per_day: binaries per lane-day, GLPK branch-and-cut"
        plan.variables = lp.columns.count
        plan.constraints = lp.rows.count
        plan.mipGap = sol.mipGap
        plan.notes.append("GLPK branch-and-cut: \(fmt(sol.seconds)) s, gap \(sol.mipGap.map { fmt($0 * 100) + "%" } ?? "unknown")")
        switch sol.status {
        case .optimal, .feasible:
            plan.status = sol.status == .optimal ? .optimal : (sol.termination == .timeLimit ? .timeLimit : .feasible)
            let x = Array(sol.columnValues[0..<model.columnCount])
            plan.columnValues = x
            var fixed = 0.0
            for b in binaries where sol.columnValues[b.column] > 0.5 {
                plan.laneDaysUsed.append((b.lane, b.day))
                fixed += net.lanes[b.lane].fixedCostPerDay ?? 0
            }
            plan.fixedCost = fixed
            plan.objective = model.objective(of: x) + fixed
            // Duals of the LP with the binaries fixed at their values (the usual MIP marginal
            // costs), within the time left; warm from the relaxation's trees like the root.
            var fixedLP = lp
            for b in binaries {
                let v = sol.columnValues[b.column].rounded()
                fixedLP.columns[b.column].kind = .continuous
                fixedLP.columns[b.column].bounds = .fixed(v)
            }
            let f: LinearProgram.Solution? = {
                guard let problem = try? GLPKProblem(fixedLP) else { return nil }
                if let b = basis(.fixed) { try? problem.setBasis(rows: b.rows, columns: b.columns) }
                return try? problem.solve(.init(method: .dualSimplex, presolve: false, timeLimit: options.remainingTime))
            }()
            if let f, f.status == .optimal {
                // The plan's flows too: GLPK accepts y within its integrality tolerance (10⁻⁵), and
                // with a lane's M in the 10⁵ m³ (no capacity: the most volume a day can hold) a
                // lane-day "closed" at y = 10⁻⁶ still shipped up to a m³ below its minimum (QA: 5
                // of 22 plans). With y fixed at 0 or 1 every minimum holds exactly.
                let fx = Array(f.columnValues[0..<model.columnCount])
                plan.columnValues = fx
                plan.objective = model.objective(of: fx) + fixed
                if let bound = sol.bestBound {
                    plan.mipGap = max(0, plan.objective - bound) / max(Double.ulpOfOne, abs(plan.objective))
                }
                plan.rowDuals = Array(f.rowDuals[0..<model.rowCount])
                plan.notes.append("flows and marginal costs from the LP with the lane-day decisions fixed (\(f.iterations) dual simplex iterations, \(fmt(f.seconds)) s)")
            } else {
                plan.notes.append(f?.termination == .timeLimit
                    ? "marginal costs not computed: the time limit ended the LP with the lane-day decisions fixed (flows as branch-and-cut left them: within GLPK's integrality tolerance of the minimums)"
                    : "marginal costs not computed: the LP with the lane-day decisions fixed was not solved (flows as branch-and-cut left them: within GLPK's integrality tolerance of the minimums)")
            }
        case .infeasible: plan.status = .infeasible
        case .unbounded: plan.status = .unbounded
        case .undefined:
            plan.status = sol.termination == .timeLimit ? .timeLimit : .infeasible
            if sol.termination == .timeLimit, let h = heuristic {
                // Branch-and-cut found nothing in time (e.g. its root LP did not finish): the
                // heuristic's plan is the answer, with its own gap.
                var p = h.plan
                p.notes = plan.notes + p.notes + ["the time limit ended branch-and-cut before it had a plan of its own: the plan is the lots heuristic's"]
                p.status = .timeLimit
                p.route = plan.route
                p.routeReason = plan.routeReason
                p.variables = plan.variables
                p.constraints = plan.constraints
                plan = p
            } else if sol.termination == .timeLimit {
                plan.notes.append("the time limit ended branch-and-cut before any plan meeting every min_shipment_m3 and lane-day decision was found; no flows are written (a longer --time-limit, or the LP without --mip)")
            }
        }
    }

    /// The lots heuristic's plan (``solveLots``) for branch-and-cut's first incumbent, within
    /// ``PlanOptions/lotsIncumbentShare`` of the time left (without a limit, at most
    /// ``PlanOptions/lotsIncumbentSeconds``); nil when it finds none. Run before branch-and-cut
    /// with every thread: beside GLPK's root LP on one thread it took longer than the root LP
    /// and both together (n1000: 30 s against 27.6 s).
    static func lotsIncumbent(_ model: PlanModel, discrete d: DiscreteLanes, options: PlanOptions)
        -> (plan: Plan?, seconds: Double, timedOut: Bool)
    {
        let start = ContinuousClock.now
        var o = options
        o.deadline = start + .seconds(options.remainingTime.map { $0 * PlanOptions.lotsIncumbentShare } ?? PlanOptions.lotsIncumbentSeconds)
        var h = Plan(unsolved: model, method: options.method)
        let ran = (try? solveLots(model, discrete: d, options: o, into: &h)) != nil
        let seconds = (ContinuousClock.now - start).seconds
        guard ran, h.status == .optimal || h.status == .feasible, h.columnValues.count == model.columnCount else {
            return (nil, seconds, h.status == .timeLimit)
        }
        return (h, seconds, false)
    }

    /// A progress line for a branch-and-cut search (every 5 s of a long search).
    static func branchAndCutProgress(_ r: LinearProgram.MIPReport) -> String {
        var text = "branch-and-cut: \(fmt(r.seconds)) s, \(r.totalNodes) node(s), \(r.activeNodes) open"
        if let plan = r.incumbent { text += ", best plan \(fmt(plan))" } else { text += ", no plan yet" }
        if let bound = r.bound { text += ", bound \(fmt(bound))" }
        if let plan = r.incumbent, let bound = r.bound {
            text += ", gap \(fmt(100 * max(0, plan - bound) / max(1e-9, abs(plan))))%"
        }
        return text
    }

    /// A plan of the lots heuristic as the MIP's column values: its flows, and y[l,t] = 1 on
    /// the lane-days it uses (those that ship more than their tolerance), else 0.
    static func incumbent(_ p: Plan, _ model: PlanModel, _ d: DiscreteLanes,
                          binaries: [(lane: Int, day: Int, column: Int)]) -> [Double] {
        let used = Set(p.laneDaysUsed.map { d.key(model, lane: $0.lane, day: $0.day) })
        return p.columnValues + binaries.map { used.contains(d.key(model, lane: $0.lane, day: $0.day)) ? 1 : 0 }
    }

    /// The per-product relaxation's optimal basis (shared rows' slacks basic), or nil when the
    /// network simplex cannot solve it exactly or it has no optimum.
    static func relaxationBasis(_ model: PlanModel, options: PlanOptions) -> SharedBasis? {
        guard case .success(let sc) = FlowScaling.choose(for: model) else { return nil }
        var relaxed = Plan(unsolved: model, method: options.method)
        var basis: SharedBasis? = nil
        guard (try? solveFlows(model, scaling: sc, relax: false, options: options, route: "mincost-relaxation",
                               wantBasis: true, basis: &basis, into: &relaxed)) == true,
              relaxed.status == .optimal, let basis, basis.ok.allSatisfy({ $0 }) else { return nil }
        return basis
    }

    static func status(_ c: Int8) -> GLPKProblem.BasisStatus {
        switch c { case 0: .atLower; case 1: .atUpper; case 2: .basic; default: .fixed }
    }
}
