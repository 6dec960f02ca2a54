// Infeasibility.swift — explain an infeasible plan in the planner's words (elastic re-solve).
import Dispatch
import FuelFlowModel
import GLPK
import NetworkFlow

/// Elastic re-solve: every balance row gets two priced violation columns (a surplus that has
/// nowhere to go, a deficit no source can cover) and every shared lane-capacity or throughput row
/// one (volume over the limit), each at a penalty far above any real cost. The optimum of this
/// always-feasible LP is the smallest (penalty-weighted) set of violations; each nonzero one is
/// reported as a sentence naming node, product, day and m³.
enum Infeasibility {
    /// Models up to this many variables get the elastic LP when shared rows exist even if the
    /// per-product flows already show violations: the province's (29,000 variables) took 20 s
    /// with a refinery minimum 20× its maximum, a 154,000-variable network's did not finish in
    /// 120 s (its per-product answer takes 0.1 s).
    static let elasticLPVariables = 40_000

    static func explain(_ m: PlanModel, options: PlanOptions, maxLines: Int = 20) -> [String] {
        // 1) Per-product elastic flows (fast, exact when the per-product structure is the cause).
        //    With shared rows (lane capacities, throughputs) they see each shared limit as a
        //    limit of each product alone, so their violations can be too small and blame a lane
        //    for its origin's throughput: the elastic LP below decides then on models up to
        //    `elasticLPVariables`; larger ones, or an LP that does not finish, get these as a
        //    lower estimate.
        var perProduct: (surplus: [Double], deficit: [Double])? = nil
        if case .success(let sc) = FlowScaling.choose(for: m),
           let (surplus, deficit) = elasticFlows(m, scaling: sc, threads: options.threads),
           surplus.contains(where: { $0 > 1e-9 }) || deficit.contains(where: { $0 > 1e-9 }) {
            perProduct = (surplus, deficit)
        }
        func fromPerProduct() -> [String]? {
            perProduct.map {
                describe(m, surplus: $0.surplus, deficit: $0.deficit, over: [Double](repeating: 0, count: m.couplingRowCount),
                         maxLines: maxLines, atLeast: m.couplingRowCount > 0)
            }
        }
        if perProduct != nil && (m.couplingRowCount == 0 || m.columnCount > elasticLPVariables) { return fromPerProduct()! }
        // 2) The shared rows are involved: elastic LP through GLPK.
        let net = m.network
        _ = net
        var lp = m.linearProgram()
        var maxCost = 1.0
        for c in m.columnCost { maxCost = max(maxCost, abs(c)) }
        let M = maxCost * 1e4
        let B = m.balanceCount
        let base = lp.columns.count
        for i in 0..<B {
            lp.addColumn(bounds: .nonNegative, objective: M)
            lp.matrix.append(row: i, column: base + 2 * i, value: -1)
            lp.addColumn(bounds: .nonNegative, objective: M)
            lp.matrix.append(row: i, column: base + 2 * i + 1, value: 1)
        }
        // Over a shared limit costs a hair less than volume with nowhere to go: where either
        // resolves the conflict with the same volume, the limit that binds is named (QA: "R1's
        // lane cannot take it" where the lane beyond it, shared by two products, was 40 m³
        // short); a larger volume over a limit still loses to a smaller surplus.
        let cBase = lp.columns.count
        for r in m.laneCapacityBase..<m.safetyRowBase {
            lp.addColumn(bounds: .nonNegative, objective: 0.99 * M)
            lp.matrix.append(row: r, column: cBase + r - m.laneCapacityBase, value: -1)
        }
        // Within what is left of --time-limit (QA: an infeasible model with --mip --lots
        // --time-limit 3 ran its elastic LP for another 3 s after 2 s of rounds).
        guard let sol = try? lp.solve(.init(method: .primalSimplex, presolve: false, timeLimit: options.remainingTime ?? 120)),
              sol.status == .optimal else {
            return fromPerProduct() ?? ["The model is infeasible; the elastic re-solve that locates the conflict did not finish"
                                        + (options.deadline != nil ? " within the time limit (a longer --time-limit)." : ".")]
        }
        var surplus = [Double](repeating: 0, count: B), deficit = surplus
        for i in 0..<B { surplus[i] = sol.columnValues[base + 2 * i]; deficit[i] = sol.columnValues[base + 2 * i + 1] }
        let over = Array(sol.columnValues[cBase..<(cBase + m.couplingRowCount)])
        return describe(m, surplus: surplus, deficit: deficit, over: over, maxLines: maxLines)
    }

    /// Per-product elastic min-cost flows: every balance node gets a surplus arc to the source and
    /// a deficit arc from it at a cost above any path; shared rows are per-arc bounds. Returns the
    /// surplus and deficit per balance row, or nil when the flows cannot be solved.
    static func elasticFlows(_ m: PlanModel, scaling sc: FlowScaling, threads: Int) -> ([Double], [Double])? {
        var maxCost = 1.0
        for c in m.columnCost { maxCost = max(maxCost, abs(c)) }
        let M = sc.cost(maxCost) * 10_000 + 1
        let surplus = SharedVectors(columns: m.balanceCount, rows: m.balanceCount, products: m.P)
        let work: @Sendable (Int) -> Void = { p in
            var (prob, _, _) = FlowRoute.build(m, product: p, scaling: sc, relaxCoupling: true)
            let r0 = m.productRowStart[p], R = m.productRowStart[p + 1] - r0
            let src = NodeID(R)
            let first = prob.arcCount
            for i in 0..<R {
                prob.addArc(from: NodeID(i), to: src, cost: M)
                prob.addArc(from: src, to: NodeID(i), cost: M)
            }
            let res = NetworkSimplex().solve(prob)
            guard res.status == .optimal || res.status == .objectiveOverflow else { surplus.statuses[p] = res.status; return }
            for i in 0..<R {
                surplus.x[r0 + i] = Double(res.flow[first + 2 * i]) / sc.volumeScale
                surplus.y[r0 + i] = Double(res.flow[first + 2 * i + 1]) / sc.volumeScale
            }
        }
        if threads <= 1 { for p in 0..<m.P { work(p) } } else { DispatchQueue.concurrentPerform(iterations: m.P) { work($0) } }
        if surplus.statuses.contains(where: { $0 != .optimal }) { return nil }
        return (Array(surplus.x), Array(surplus.y))
    }

    /// Nodes where product `p` can end up: a tank for it, demand for it, or a lane carrying it
    /// to such a node (a fixpoint over the lanes).
    static func canAbsorb(_ m: PlanModel, product p: Int) -> [Bool] {
        let net = m.network
        var absorbs = [Bool](repeating: false, count: m.N)
        for st in net.storage where st.product == p && st.capacityM3 > 0 { absorbs[st.node] = true }
        for e in 0..<m.demandVolume.count where Int(m.demandProduct[e]) == p { absorbs[Int(m.demandNode[e])] = true }
        var changed = true
        while changed {
            changed = false
            for (l, lane) in net.lanes.enumerated() where !absorbs[lane.from] && absorbs[lane.to] && m.laneProducts[l].contains(p) && m.laneSpan[l] > 0 {
                absorbs[lane.from] = true
                changed = true
            }
        }
        return absorbs
    }

    static func describe(_ m: PlanModel, surplus: [Double], deficit: [Double], over: [Double], maxLines: Int,
                         atLeast: Bool = false, mayBe: Bool = false) -> [String] {
        let net = m.network
        struct Item { var amount: Double; var text: String }
        var items: [Item] = []
        let tol = 1e-6
        func day(_ t: Int) -> String { net.calendar.day(at: t).iso }
        func v(_ x: Double) -> String { fmtVolume(x) }
        var absorbing = [[Bool]?](repeating: nil, count: m.P)
        for p in 0..<m.P {
            for i in m.productRowStart[p]..<m.productRowStart[p + 1] {
                let n = Int(m.balanceNode[i]), t = Int(m.balanceDay[i])
                let node = net.nodes[n], prod = net.products[p].id
                let surplus = surplus[i], deficit = deficit[i]
                if surplus > tol {
                    var why: [String] = []
                    if let pr = net.production.first(where: { $0.refinery == n && $0.product == p }), pr.minM3PerDay > 0 {
                        why.append("minimum production \(v(pr.minM3PerDay)) m³/day")
                    }
                    if let st = net.storage.first(where: { $0.node == n && $0.product == p }) {
                        if t == 1 { why.append("opening stock \(v(st.initialM3)) m³") }
                        why.append("tank capacity \(v(st.capacityM3)) m³")
                    } else {
                        why.append("no tank")
                    }
                    if let th = node.throughputM3PerDay { why.append("throughput \(v(th)) m³/day") }
                    let lanes = net.outgoingLanes(of: n), carrying = lanes.filter { m.laneProducts[$0].contains(p) }
                    let out = carrying.filter { t <= m.laneSpan[$0] }
                    if lanes.isEmpty {
                        why.append("no outgoing lane")
                    } else if carrying.isEmpty {
                        why.append("its \(lanes.count) outgoing lane(s) carry no \(prod)")
                    } else if out.isEmpty {
                        let shortest = carrying.map { net.lanes[$0].transitDays }.min()!
                        why.append("its lane(s) for \(prod) take \(shortest) day(s) or more and would arrive after \(day(m.T))")
                    } else {
                        if absorbing[p] == nil { absorbing[p] = canAbsorb(m, product: p) }
                        let absorbs = absorbing[p]!
                        let deadEnds = Set(out.map { net.lanes[$0].to }.filter { !absorbs[$0] }).sorted()
                        if deadEnds.count == Set(out.map { net.lanes[$0].to }).count {
                            let names = deadEnds.map { "\(net.nodes[$0].id) (\(net.nodes[$0].kind.rawValue))" }.joined(separator: ", ")
                            why.append("its outgoing lane(s) lead only to \(names), which can take no \(prod): no tank with room, no demand and no onward lane to a node that can")
                        } else {
                            why.append("\(out.count) outgoing lane(s) that day cannot take it (capacity, or no room beyond)")
                        }
                    }
                    items.append(Item(amount: surplus, text:
                        "\(node.id) (\(node.kind.rawValue)), \(prod), \(day(t)): \(v(surplus)) m³ have nowhere to go (\(why.joined(separator: ", ")))"))
                }
                if deficit > tol {
                    items.append(Item(amount: deficit, text:
                        "\(node.id) (\(node.kind.rawValue)), \(prod), \(day(t)): \(v(deficit)) m³ must leave but cannot be supplied (outgoing commitments exceed what can arrive)"))
                }
            }
        }
        let ordinals = net.laneOrdinals()
        for (l, s) in m.laneCapacityRowStart.enumerated() where s >= 0 {
            let lane = net.lanes[l], mode = lane.mode.rawValue + (ordinals[l] == 1 ? "" : " #\(ordinals[l])")
            for t in 1...m.laneSpan[l] {
                let over = over[s + t - 1 - m.laneCapacityBase]
                if over > tol {
                    items.append(Item(amount: over, text:
                        "lane \(net.nodes[lane.from].id)→\(net.nodes[lane.to].id) (\(mode)), \(day(t)): needs \(v(over)) m³ more than its capacity of \(v(lane.capacityM3PerDay!)) m³/day"))
                }
            }
        }
        for (n, s) in m.throughputRowStart.enumerated() where s >= 0 {
            for t in 1...m.T {
                let over = over[s + t - 1 - m.laneCapacityBase]
                if over > tol {
                    items.append(Item(amount: over, text:
                        "\(net.nodes[n].id) (\(net.nodes[n].kind.rawValue)), \(day(t)): must ship \(v(over)) m³ more than its throughput of \(v(net.nodes[n].throughputM3PerDay!)) m³/day"))
                }
            }
        }
        items.sort { $0.amount != $1.amount ? $0.amount > $1.amount : $0.text < $1.text }
        if items.isEmpty {
            // The continuous limits hold together: the discrete options (`--mip`) conflict.
            let minimum = tightestFirst(m, net.lanes.indices.filter { (net.lanes[$0].minShipmentM3 ?? 0) > 0 })
            var lines = [(mayBe ? "No plan meeting the discrete options was found (not a proof that none exists); without them every limit can be met. "
                                : "The plan is infeasible only with the discrete options: without them every limit can be met. ")
                         + "A lane with min_shipment_m3 carries nothing or at least its minimum on each day, and the "
                         + "volumes that must move (production minimums, opening stock, tank sizes, demand) cannot be split "
                         + "into such shipments. Lanes with a minimum shipment (\(minimum.count)):"]
            for l in minimum.prefix(maxLines) {
                let lane = net.lanes[l], cap = lane.capacityM3PerDay.map { ", capacity \(v($0)) m³/day" } ?? ""
                let mode = lane.mode.rawValue + (ordinals[l] == 1 ? "" : " #\(ordinals[l])")
                lines.append("  \(net.nodes[lane.from].id) → \(net.nodes[lane.to].id) (\(mode)): minimum \(v(lane.minShipmentM3!)) m³\(cap)")
            }
            if minimum.count > maxLines { lines.append("  … and \(minimum.count - maxLines) more") }
            return lines
        }
        var lines = [atLeast
            ? "The plan is infeasible: \(items.count) limit(s) conflict. At least these violations (each product alone; limits shared by several products were not checked on a model this size):"
            : "The plan is infeasible: \(items.count) limit(s) conflict. Smallest violations that would make it feasible:"]
        for it in items.prefix(maxLines) { lines.append("  " + it.text) }
        if items.count > maxLines { lines.append("  … and \(items.count - maxLines) more") }
        return lines
    }

    /// Lanes with a minimum, tightest first: by the larger of minimum ÷ what the origin can give
    /// in a day (production maximum + tanks + inbound lane capacities) and minimum ÷ what the
    /// destination can take (tanks + the largest day's demand + outbound lane capacities); a
    /// lane without capacity counts as unlimited. Ties in file order. (QA: the lane that made a
    /// model infeasible, a pipeline whose minimum of 100 m³ was over three times what its
    /// refinery could make and hold in a day, was the last of 21 and hidden behind "… and 1 more".)
    static func tightestFirst(_ m: PlanModel, _ lanes: [Int]) -> [Int] {
        let net = m.network, N = net.nodes.count
        var give = [Double](repeating: 0, count: N), take = [Double](repeating: 0, count: N)
        for pr in net.production { give[pr.refinery] += pr.maxM3PerDay }
        for st in net.storage { give[st.node] += st.capacityM3; take[st.node] += st.capacityM3 }
        for lane in net.lanes {
            let cap = lane.capacityM3PerDay ?? .infinity
            give[lane.to] += cap
            take[lane.from] += cap
        }
        var dayDemand: [Int: Double] = [:]
        for e in m.demandVolume.indices { dayDemand[Int(m.demandNode[e]) * (m.T + 1) + Int(m.demandDay[e]), default: 0] += m.demandVolume[e] }
        var peak = [Double](repeating: 0, count: N)
        for (k, v) in dayDemand { peak[k / (m.T + 1)] = max(peak[k / (m.T + 1)], v) }
        for n in 0..<N { take[n] += peak[n] }
        func tightness(_ l: Int) -> Double {
            let lane = net.lanes[l], minimum = lane.minShipmentM3 ?? 0
            return max(give[lane.from] > 0 ? minimum / give[lane.from] : .infinity,
                       take[lane.to] > 0 ? minimum / take[lane.to] : .infinity)
        }
        let t = lanes.map(tightness)
        return lanes.indices.sorted { t[$0] != t[$1] ? t[$0] > t[$1] : $0 < $1 }.map { lanes[$0] }
    }
}

/// A volume with at most 3 decimals, no trailing zeros.
func fmtVolume(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    if r == r.rounded() && abs(r) < 1e15 { return String(Int64(r)) }
    return "\(r)"
}
