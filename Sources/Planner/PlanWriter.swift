// PlanWriter.swift — plan.json and the CSVs, written atomically into a folder.
import Foundation
import FuelFlowModel

/// Cost totals of a plan (currency).
public struct CostBreakdown: Sendable, Equatable {
    public var production = 0.0, transport = 0.0, holding = 0.0, safetyPenalty = 0.0, shortagePenalty = 0.0
    public var fixedLane = 0.0
    /// Transport cost per mode (`pipeline`, `rail`, `ship`, `truck`), modes with flow only.
    public var transportByMode: [String: Double] = [:]
    /// Σ u, m³.
    public var shortageM3 = 0.0
}

/// One binding limit.
public struct Bottleneck: Sendable, Equatable {
    /// `lane`, `throughput`, `production`, `production_min`, `storage`.
    public var kind: String
    public var id: String
    public var day: Int
    public var used: Double
    public var capacity: Double
    /// Cost decrease per extra m³ of the limit (≥ 0; for `production_min`: cost decrease per m³
    /// less minimum). Nil when the plan has no duals.
    public var shadowPrice: Double?
}

extension Plan {
    /// Cost totals by category.
    public var costBreakdown: CostBreakdown {
        var c = CostBreakdown()
        guard hasPlan else { return c }
        let m = model, x = columnValues, net = m.network
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 {
            var s = 0.0
            for j in m.laneColumnStart[l]..<(m.laneColumnStart[l] + m.laneProducts[l].count * m.laneSpan[l]) { s += x[j] }
            if s > 0 { c.transportByMode[lane.mode.rawValue, default: 0] += s * lane.costPerM3; c.transport += s * lane.costPerM3 }
        }
        for j in m.productionBase..<m.storageBase { c.production += x[j] * m.columnCost[j] }
        for j in m.storageBase..<m.shortfallBase { c.holding += x[j] * m.columnCost[j] }
        for j in m.shortfallBase..<m.safetyBase { c.shortagePenalty += x[j] * m.columnCost[j]; c.shortageM3 += x[j] }
        for j in m.safetyBase..<m.columnCount { c.safetyPenalty += x[j] * m.columnCost[j] }
        c.fixedLane = fixedCost
        return c
    }

    /// Every binding lane, throughput, production or storage limit, in model order.
    public var bottlenecks: [Bottleneck] {
        guard hasPlan else { return [] }
        let m = model, x = columnValues, net = m.network
        let d: [Double]? = rowDuals.isEmpty ? nil : m.reducedCosts(duals: rowDuals)
        let act = m.rowActivities(of: x)
        var out: [Bottleneck] = []
        let laneIDs = net.laneIDs()
        func binding(_ used: Double, _ cap: Double) -> Bool { used >= cap - 1e-7 * max(1, abs(cap)) }
        func clean(_ v: Double) -> Double { abs(v) < 1e-9 ? 0 : v }
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 && !m.laneProducts[l].isEmpty {
            guard let cap = lane.capacityM3PerDay else { continue }
            let id = laneIDs[l]
            for t in 1...m.laneSpan[l] {
                if m.laneCapacityRowStart[l] >= 0 {
                    let r = m.laneCapacityRowStart[l] + t - 1
                    if binding(act[r], cap) {
                        out.append(Bottleneck(kind: "lane", id: id, day: t, used: act[r], capacity: cap,
                                              shadowPrice: rowDuals.isEmpty ? nil : clean(-rowDuals[r])))
                    }
                } else {
                    let j = m.laneColumnStart[l] + t - 1
                    if binding(x[j], cap) {
                        out.append(Bottleneck(kind: "lane", id: id, day: t, used: x[j], capacity: cap,
                                              shadowPrice: d.map { clean(max(0, -$0[j])) }))
                    }
                }
            }
        }
        for (n, s) in m.throughputRowStart.enumerated() where s >= 0 {
            let cap = net.nodes[n].throughputM3PerDay!
            for t in 1...m.T where binding(act[s + t - 1], cap) {
                out.append(Bottleneck(kind: "throughput", id: net.nodes[n].id, day: t, used: act[s + t - 1], capacity: cap,
                                      shadowPrice: rowDuals.isEmpty ? nil : clean(-rowDuals[s + t - 1])))
            }
        }
        for (k, pr) in net.production.enumerated() {
            let id = "\(net.nodes[pr.refinery].id)/\(net.products[pr.product].id)"
            for t in 1...m.T {
                let j = m.productionBase + k * m.T + t - 1
                // Both when the minimum equals the maximum: the shadow price says which one forces.
                if pr.maxM3PerDay > 0 && binding(x[j], pr.maxM3PerDay) {
                    out.append(Bottleneck(kind: "production", id: id, day: t, used: x[j], capacity: pr.maxM3PerDay,
                                          shadowPrice: d.map { clean(max(0, -$0[j])) }))
                }
                if pr.minM3PerDay > 0 && x[j] <= pr.minM3PerDay + 1e-7 * max(1, pr.minM3PerDay) {
                    out.append(Bottleneck(kind: "production_min", id: id, day: t, used: x[j], capacity: pr.minM3PerDay,
                                          shadowPrice: d.map { clean(max(0, $0[j])) }))
                }
            }
        }
        for (k, st) in net.storage.enumerated() where st.capacityM3 > 0 {
            let id = "\(net.nodes[st.node].id)/\(net.products[st.product].id)"
            for t in 1...m.T {
                let j = m.storageBase + k * m.T + t - 1
                if binding(x[j], st.capacityM3) {
                    out.append(Bottleneck(kind: "storage", id: id, day: t, used: x[j], capacity: st.capacityM3,
                                          shadowPrice: d.map { clean(max(0, -$0[j])) }))
                }
            }
        }
        return out
    }

    /// Marginal delivered cost of balance row (n, p, t): the cost of one more m³ of demand there
    /// and then (currency per m³), or nil without duals.
    public func marginalCost(node n: Int, product p: Int, day t: Int) -> Double? {
        guard !rowDuals.isEmpty, let r = model.balanceRow(node: n, product: p, day: t) else { return nil }
        return rowDuals[r]
    }

    /// Value of x[l,p,t] (0 when absent).
    public func flow(lane l: Int, product p: Int, day t: Int) -> Double {
        guard hasPlan, let j = model.laneColumn(lane: l, product: p, day: t) else { return 0 }
        return columnValues[j]
    }

    /// End-of-day stock of storage row k on day t.
    public func stock(storage k: Int, day t: Int) -> Double {
        hasPlan ? columnValues[model.storageBase + k * model.T + t - 1] : 0
    }

    /// Production of production row k on day t.
    public func production(row k: Int, day t: Int) -> Double {
        hasPlan ? columnValues[model.productionBase + k * model.T + t - 1] : 0
    }

    /// Total shortfall of (node, product) over the horizon, or of everything when nil.
    public func shortfall(node n: Int? = nil, product p: Int? = nil) -> Double {
        guard hasPlan else { return 0 }
        var s = 0.0
        for e in 0..<model.demandVolume.count
        where (n == nil || Int(model.demandNode[e]) == n!) && (p == nil || Int(model.demandProduct[e]) == p!) {
            s += columnValues[model.shortfallBase + e]
        }
        return s
    }
}

/// Writes a plan folder: `plan.json`, `flows.csv`, `production.csv`, `inventory.csv`,
/// `shortfalls.csv`, `marginal_costs.csv`, `bottlenecks.csv`.
///
/// Atomic (``AtomicDirectory``): everything is written into a temporary folder beside `OUT`
/// and renamed into place; a previous plan in `OUT` is replaced as a whole, while a folder that
/// holds other files only gets the plan files moved in (plan.json last). A killed run never
/// leaves a half-written plan, and no user file is ever deleted.
public enum PlanWriter {
    public static let files = ["plan.json", "flows.csv", "production.csv", "inventory.csv", "shortfalls.csv",
                               "marginal_costs.csv", "bottlenecks.csv"]

    /// Why `out` must not receive a plan, or nil. A network folder (one holding `nodes.csv`,
    /// `lanes.csv` or `settings.yaml`) is refused: the plan's `production.csv` would replace the
    /// network's own (found by QA: `plan work --out work` broke the network folder).
    public static func refusal(for out: String) -> String? {
        for name in ["nodes.csv", "lanes.csv", "settings.yaml"]
        where FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(name)) {
            return "\(out): is a network folder (it holds \(name)); the plan's production.csv would replace the network's. Choose another --out"
        }
        return nil
    }

    public static func write(_ plan: Plan, to out: String) throws {
        if let refusal = refusal(for: out) { throw PlannerError.badOutput(refusal) }
        let contents: [(name: String, data: Data)] = [
            ("plan.json", json(plan)), ("flows.csv", flowsCSV(plan)), ("production.csv", productionCSV(plan)),
            ("inventory.csv", inventoryCSV(plan)), ("shortfalls.csv", shortfallsCSV(plan)),
            ("marginal_costs.csv", marginalCSV(plan)), ("bottlenecks.csv", bottlenecksCSV(plan)),
        ].map { (name: $0.0, data: Data($0.1.utf8)) }
        try AtomicDirectory.write(contents, to: out, last: "plan.json")
    }

    static func num(_ v: Double) -> String {
        let r = (v * 1e6).rounded() / 1e6
        if r == 0 { return "0" }
        if r == r.rounded() && abs(r) < 1e15 { return String(Int64(r)) }
        return "\(r)"
    }

    /// Whether `v` prints as something other than 0 (``num(_:)`` keeps 6 decimals): rows of
    /// zero volume are left out, including those below the printed precision.
    static func printable(_ v: Double) -> Bool { (v * 1e6).rounded() != 0 }

    public static func flowsCSV(_ plan: Plan) -> String {
        var s = "from,to,mode,product,depart_date,arrive_date,volume_m3,cost,lane\n"
        guard plan.hasPlan else { return s }
        let m = plan.model, net = m.network, cal = net.calendar
        let laneIDs = net.laneIDs()
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 {
            let stem = "\(net.nodes[lane.from].id),\(net.nodes[lane.to].id),\(lane.mode.rawValue),"
            for (k, p) in m.laneProducts[l].enumerated() {
                for t in 1...m.laneSpan[l] {
                    let v = plan.columnValues[m.laneColumnStart[l] + k * m.laneSpan[l] + t - 1]
                    if printable(v) {
                        s += stem + "\(net.products[p].id),\(cal.day(at: t).iso),\(cal.day(at: t + lane.transitDays).iso),\(num(v)),\(num(v * lane.costPerM3)),\(laneIDs[l])\n"
                    }
                }
            }
        }
        return s
    }

    public static func productionCSV(_ plan: Plan) -> String {
        var s = "refinery,product,date,volume_m3,cost\n"
        guard plan.hasPlan else { return s }
        let m = plan.model, net = m.network, cal = net.calendar
        for (k, pr) in net.production.enumerated() {
            for t in 1...m.T {
                let v = plan.columnValues[m.productionBase + k * m.T + t - 1]
                if printable(v) { s += "\(net.nodes[pr.refinery].id),\(net.products[pr.product].id),\(cal.day(at: t).iso),\(num(v)),\(num(v * pr.costPerM3))\n" }
            }
        }
        return s
    }

    public static func inventoryCSV(_ plan: Plan) -> String {
        var s = "node,product,date,volume_m3\n"
        guard plan.hasPlan else { return s }
        let m = plan.model, net = m.network, cal = net.calendar
        for (k, st) in net.storage.enumerated() {
            let stem = "\(net.nodes[st.node].id),\(net.products[st.product].id),"
            for t in 1...m.T {
                let v = plan.columnValues[m.storageBase + k * m.T + t - 1]
                if printable(v) { s += stem + "\(cal.day(at: t).iso),\(num(v))\n" }
            }
        }
        return s
    }

    public static func shortfallsCSV(_ plan: Plan) -> String {
        var s = "station,product,date,volume_m3\n"
        guard plan.hasPlan else { return s }
        let m = plan.model, net = m.network, cal = net.calendar
        // Station-major order (station, product, date) for readability.
        var idx = Array(0..<m.demandVolume.count).filter { printable(plan.columnValues[m.shortfallBase + $0]) }
        idx.sort { a, b in
            (m.demandNode[a], m.demandProduct[a], m.demandDay[a]) < (m.demandNode[b], m.demandProduct[b], m.demandDay[b])
        }
        for e in idx {
            s += "\(net.nodes[Int(m.demandNode[e])].id),\(net.products[Int(m.demandProduct[e])].id),\(cal.day(at: Int(m.demandDay[e])).iso),\(num(plan.columnValues[m.shortfallBase + e]))\n"
        }
        return s
    }

    public static func marginalCSV(_ plan: Plan) -> String {
        var s = "node,product,date,marginal_cost_per_m3\n"
        guard plan.hasPlan, !plan.rowDuals.isEmpty else { return s }
        let m = plan.model, net = m.network, cal = net.calendar
        s.reserveCapacity(m.balanceCount * 36)
        // Node-major order (node, product, date).
        for n in 0..<m.N {
            for p in 0..<m.P {
                let stem = "\(net.nodes[n].id),\(net.products[p].id),"
                for t in 1...m.T {
                    let r = m.balanceRowIndex[(p * m.N + n) * m.T + t - 1]
                    if r >= 0 { s += stem + "\(cal.day(at: t).iso),\(num(plan.rowDuals[Int(r)]))\n" }
                }
            }
        }
        return s
    }

    public static func bottlenecksCSV(_ plan: Plan) -> String {
        var s = "kind,id,date,used,capacity,shadow_price\n"
        let cal = plan.model.network.calendar
        for b in plan.bottlenecks {
            s += "\(b.kind),\(b.id),\(cal.day(at: b.day).iso),\(num(b.used)),\(num(b.capacity)),\(b.shadowPrice.map(num) ?? "")\n"
        }
        return s
    }

    static func jstr(_ s: String) -> String { jsonQuoted(s) }

    static func jnum(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "null" }
        return num(v)
    }

    /// `plan.json`.
    public static func json(_ plan: Plan) -> String {
        let c = plan.costBreakdown
        let net = plan.model.network
        let has = plan.hasPlan
        var s = "{\n"
        s += "  \"status\": \(jstr(plan.status.rawValue)),\n"
        s += "  \"total_cost\": \(has ? num(plan.objective) : "null"),\n"
        if let cur = net.settings.currency { s += "  \"currency\": \(jstr(cur)),\n" }
        s += "  \"cost_breakdown\": {\n"
        s += "    \"production\": \(has ? num(c.production) : "null"),\n"
        s += "    \"transport\": \(has ? num(c.transport) : "null"),\n"
        s += "    \"holding\": \(has ? num(c.holding) : "null"),\n"
        s += "    \"safety_penalty\": \(has ? num(c.safetyPenalty) : "null"),\n"
        s += "    \"shortage_penalty\": \(has ? num(c.shortagePenalty) : "null")"
        if plan.route.hasPrefix("mip") { s += ",\n    \"fixed_lane\": \(has ? num(c.fixedLane) : "null")" }
        s += "\n  },\n"
        let modes = c.transportByMode.keys.sorted()
        s += "  \"transport_by_mode\": {" + modes.map { "\(jstr($0)): \(num(c.transportByMode[$0]!))" }.joined(separator: ", ") + "},\n"
        s += "  \"shortage_m3\": \(has ? num(c.shortageM3) : "null"),\n"
        s += "  \"horizon\": {\"start\": \(jstr(net.settings.start.iso)), \"days\": \(net.settings.days)},\n"
        s += "  \"solver\": {\n"
        s += "    \"method\": \(jstr(plan.method.rawValue)),\n"
        s += "    \"route\": \(jstr(plan.route)),\n"
        s += "    \"route_reason\": \(jstr(plan.routeReason)),\n"
        s += "    \"seconds\": \(num((plan.seconds * 1000).rounded() / 1000)),\n"
        s += "    \"build_seconds\": \(num((plan.buildSeconds * 1000).rounded() / 1000)),\n"
        s += "    \"solve_seconds\": \(num((plan.solveSeconds * 1000).rounded() / 1000)),\n"
        s += "    \"variables\": \(plan.variables),\n"
        s += "    \"constraints\": \(plan.constraints),\n"
        s += "    \"nonzeros\": \(plan.model.entryValue.count),\n"
        if let sc = plan.scaling {
            s += "    \"integer_scaling\": {\"volume_decimals\": \(sc.volumeDecimals), \"cost_decimals\": \(sc.costDecimals)},\n"
        }
        if let lb = plan.lowerBound {
            s += "    \"lower_bound\": \(num(lb)),\n"
            s += "    \"relative_gap\": \(plan.relativeGap.map { $0.isFinite ? "\($0)" : "null" } ?? "null"),\n"
        }
        if plan.route.hasPrefix("mip") {
            s += "    \"mip_gap\": \(jnum(plan.mipGap)),\n"
            s += "    \"lane_days_used\": \(plan.laneDaysUsed.count),\n"
        }
        s += "    \"notes\": [" + plan.notes.map(jstr).joined(separator: ", ") + "]\n"
        s += "  },\n"
        s += "  \"bottlenecks\": \(plan.bottlenecks.count),\n"
        s += "  \"infeasibility\": [" + plan.infeasibility.map { "\n    " + jstr($0) }.joined(separator: ",") + (plan.infeasibility.isEmpty ? "" : "\n  ") + "]\n"
        s += "}\n"
        return s
    }
}
