import Foundation
import FuelFlowModel
import GLPK
import NetworkFlow
@testable import Planner
import XCTest

/// Builds tiny networks in code for hand-solved tests.
struct TinyNet {
    var days: Int
    var products: [Product] = []
    var nodes: [Node] = []
    var lanes: [Lane] = []
    var production: [Production] = []
    var storage: [Storage] = []
    var demand = StationVolumes()
    let start = Day(iso: "2026-03-02")!

    init(days: Int) { self.days = days }

    @discardableResult mutating func product(_ id: String, shortage: Double = 1000, safety: Double = 0) -> Int {
        products.append(Product(id: id, name: id, shortagePenalty: shortage, safetyPenalty: safety)); return products.count - 1
    }
    @discardableResult mutating func node(_ id: String, _ kind: NodeKind, throughput: Double? = nil) -> Int {
        nodes.append(Node(id: id, kind: kind, name: id, throughputM3PerDay: throughput)); return nodes.count - 1
    }
    @discardableResult mutating func lane(_ from: Int, _ to: Int, cost: Double, capacity: Double? = nil, transit: Int = 0,
                                          mode: TransportMode = .truck, products: [Int]? = nil) -> Int {
        lanes.append(Lane(from: from, to: to, mode: mode, costPerM3: cost, capacityM3PerDay: capacity, transitDays: transit,
                          products: products)); return lanes.count - 1
    }
    mutating func produce(_ r: Int, _ p: Int, min: Double = 0, max: Double, cost: Double) {
        production.append(Production(refinery: r, product: p, minM3PerDay: min, maxM3PerDay: max, costPerM3: cost))
    }
    mutating func tank(_ n: Int, _ p: Int, capacity: Double, initial: Double = 0, safety: Double = 0, holding: Double = 0) {
        storage.append(Storage(node: n, product: p, capacityM3: capacity, initialM3: initial, safetyM3: safety, holdingCostPerM3Day: holding))
    }
    mutating func demand(_ n: Int, _ p: Int, day t: Int, _ v: Double) {
        demand.append(station: n, product: p, day: start.advanced(by: t - 1), volume: v)
    }
    var network: Network {
        Network(settings: Settings(start: start, days: days, currency: "EUR"), products: products, nodes: nodes, lanes: lanes,
                production: production, storage: storage, demand: demand)
    }
}

extension TinyNet {
    /// One day, R → S by ship (1/m³, capacity 100, minimum batch 25, hire 100/day), production
    /// at R (10/m³, at most 100), a tank at S (50, holding 0.1), demand 10, shortage 1,000/m³.
    static func batchOf25() -> (net: TinyNet, product: Int) {
        var n = TinyNet(days: 1)
        let p = n.product("g92", shortage: 1000)
        let r = n.node("R", .refinery), s = n.node("S", .station)
        n.lanes.append(Lane(from: r, to: s, mode: .ship, costPerM3: 1, capacityM3PerDay: 100, minShipmentM3: 25, fixedCostPerDay: 100))
        n.produce(r, p, max: 100, cost: 10)
        n.tank(s, p, capacity: 50, holding: 0.1)
        n.demand(s, p, day: 1, 10)
        return (n, p)
    }
}

func plan(_ net: Network, _ method: PlanMethod, threads: Int = 2, file: StaticString = #filePath, line: UInt = #line) throws -> Plan {
    try Planner.plan(net, options: PlanOptions(method: method, threads: threads))
}

/// Checks every row and bound of the model against the plan's column values (flow conservation
/// included), and that the objective equals Σ c·x.
func assertFeasible(_ plan: Plan, tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
    let m = plan.model, x = plan.columnValues
    XCTAssertEqual(x.count, m.columnCount, file: file, line: line)
    guard x.count == m.columnCount else { return }
    var bad = 0
    for j in 0..<m.columnCount {
        let tol = tolerance * max(1, abs(x[j]))
        if x[j] < m.columnLower[j] - tol || x[j] > m.columnUpper[j] + tol {
            bad += 1
            if bad < 5 { XCTFail("column \(j) = \(x[j]) outside [\(m.columnLower[j]), \(m.columnUpper[j])]", file: file, line: line) }
        }
    }
    let a = m.rowActivities(of: x)
    for i in 0..<m.rowCount {
        let tol = tolerance * max(1, abs(m.rowLower[i]), abs(m.rowUpper[i]))
        if a[i] < m.rowLower[i] - tol || a[i] > m.rowUpper[i] + tol {
            bad += 1
            if bad < 5 { XCTFail("row \(i) activity \(a[i]) outside [\(m.rowLower[i]), \(m.rowUpper[i])]", file: file, line: line) }
        }
    }
    XCTAssertEqual(bad, 0, "violations", file: file, line: line)
    XCTAssertEqual(plan.objective, m.objective(of: x) + plan.fixedCost, accuracy: 1e-9 * max(1, abs(plan.objective)), file: file, line: line)
}

/// Dual feasibility and complementary slackness of (x, y) for the LP (a certificate of optimality).
func assertDualOptimal(_ plan: Plan, tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
    let m = plan.model, x = plan.columnValues, y = plan.rowDuals
    guard y.count == m.rowCount else { return XCTFail("no duals", file: file, line: line) }
    let d = m.reducedCosts(duals: y)
    var bad = 0
    for j in 0..<m.columnCount {
        let tol = tolerance * max(1, abs(m.columnCost[j]))
        let atLo = x[j] <= m.columnLower[j] + 1e-7 * max(1, abs(m.columnLower[j]))
        let atUp = x[j] >= m.columnUpper[j] - 1e-7 * max(1, abs(m.columnUpper[j]))
        if !atLo && d[j] > tol || !atUp && d[j] < -tol {
            bad += 1
            if bad < 5 { XCTFail("column \(j): value \(x[j]) in [\(m.columnLower[j]), \(m.columnUpper[j])] with reduced cost \(d[j])", file: file, line: line) }
        }
    }
    let a = m.rowActivities(of: x)
    for i in m.balanceCount..<m.rowCount {
        // ≤ rows (coupling): y ≤ 0, and y = 0 when slack; ≥ rows (safety): y ≥ 0, 0 when slack.
        let tol = 1e-6 * max(1, abs(m.rowUpper[i].isFinite ? m.rowUpper[i] : m.rowLower[i]))
        if m.rowUpper[i].isFinite {
            if y[i] > tolerance || (a[i] < m.rowUpper[i] - tol && abs(y[i]) > tolerance) { bad += 1; XCTFail("row \(i) dual \(y[i])", file: file, line: line) }
        } else {
            if y[i] < -tolerance || (a[i] > m.rowLower[i] + tol && abs(y[i]) > tolerance) { bad += 1; XCTFail("row \(i) dual \(y[i])", file: file, line: line) }
        }
        if bad > 5 { break }
    }
}

func relClose(_ a: Double, _ b: Double, _ rel: Double = 1e-7) -> Bool { abs(a - b) <= rel * max(1, abs(a), abs(b)) }
