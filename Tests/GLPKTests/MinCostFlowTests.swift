import XCTest
@testable import GLPK

struct FlowInstance {
    var nodeCount: Int
    var supply: [Double]
    var tails: [Int], heads: [Int]
    var lower: [Double], upper: [Double], cost: [Double]

    init(nodeCount: Int, supply: [Double], arcs: [(Int, Int, Double, Double, Double)]) {
        self.nodeCount = nodeCount
        self.supply = supply
        tails = arcs.map(\.0)
        heads = arcs.map(\.1)
        lower = arcs.map(\.2)
        upper = arcs.map(\.3)
        cost = arcs.map(\.4)
    }

    func solve(_ method: GLPKMinCostFlow.Method) throws -> GLPKMinCostFlow.Result {
        try GLPKMinCostFlow.solve(nodeCount: nodeCount, supply: supply, tails: tails, heads: heads,
                                  lower: lower, upper: upper, cost: cost, method: method)
    }

    /// Checks bounds, conservation and complementary slackness
    /// (d = c − π_tail + π_head: d > 0 ⇒ x = lower, d < 0 ⇒ x = upper).
    func verifyOptimality(_ r: GLPKMinCostFlow.Result, tol: Double = 1e-6,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, .optimal, file: file, line: line)
        guard r.status == .optimal else { return }
        var balance = [Double](repeating: 0, count: nodeCount)
        var objective = 0.0
        for k in tails.indices {
            let x = r.flows[k]
            XCTAssertGreaterThanOrEqual(x, lower[k] - tol, "arc \(k) below lower", file: file, line: line)
            XCTAssertLessThanOrEqual(x, upper[k] + tol, "arc \(k) above upper", file: file, line: line)
            balance[tails[k]] += x
            balance[heads[k]] -= x
            objective += cost[k] * x
            let d = cost[k] - r.potentials[tails[k]] + r.potentials[heads[k]]
            XCTAssertEqual(d, r.reducedCosts[k], accuracy: tol, file: file, line: line)
            if d > tol { XCTAssertEqual(x, lower[k], accuracy: tol, "arc \(k): d = \(d) > 0 but x = \(x)", file: file, line: line) }
            if d < -tol { XCTAssertEqual(x, upper[k], accuracy: tol, "arc \(k): d = \(d) < 0 but x = \(x)", file: file, line: line) }
        }
        for i in 0 ..< nodeCount {
            XCTAssertEqual(balance[i], supply[i], accuracy: tol, "conservation at node \(i)", file: file, line: line)
        }
        XCTAssertEqual(objective, r.objective, accuracy: tol * max(1, abs(objective)), file: file, line: line)
    }

    /// Tiny DIMACS min-cost-flow parser (`p min n m`, `n id supply`, `a u v low cap cost`).
    init(dimacs path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var n = 0
        var supply: [Double] = []
        var arcs: [(Int, Int, Double, Double, Double)] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let tag = f.first else { continue }
            switch tag {
            case "p":
                n = Int(f[2])!
                supply = [Double](repeating: 0, count: n)
            case "n":
                supply[Int(f[1])! - 1] = Double(f[2])!
            case "a":
                arcs.append((Int(f[1])! - 1, Int(f[2])! - 1, Double(f[3])!, Double(f[4])!, Double(f[5])!))
            default:
                continue
            }
        }
        self.init(nodeCount: n, supply: supply, arcs: arcs)
    }
}

final class MinCostFlowTests: XCTestCase {
    let methods: [GLPKMinCostFlow.Method] = [.outOfKilter, .simplex]

    /// Supply 4 at node 0, demand 4 at node 3. Arcs (tail, head, cap, cost):
    /// 0→1 (4, 2), 0→2 (2, 2), 1→2 (2, 1), 1→3 (3, 3), 2→3 (5, 1).
    /// Path costs: 0-2-3 = 3 (cap 2), 0-1-2-3 = 4 (cap 2), 0-1-3 = 5 (cap 3).
    /// Cheapest first: 2 units on 0-2-3 (6) + 2 units on 0-1-2-3 (8) = 14; unique optimum
    /// x = [2, 2, 2, 0, 4]. Certificate (π3 = 0): π2 = 1 (2→3 basic), π1 ∈ [2, 3], π0 = π1 + 2.
    static let classic = FlowInstance(nodeCount: 4, supply: [4, 0, 0, -4], arcs: [
        (0, 1, 0, 4, 2), (0, 2, 0, 2, 2), (1, 2, 0, 2, 1), (1, 3, 0, 3, 3), (2, 3, 0, 5, 1),
    ])

    func testClassicInstance() throws {
        for m in methods {
            let r = try Self.classic.solve(m)
            XCTAssertEqual(r.method, m)
            XCTAssertEqual(r.objective, 14, accuracy: 1e-9, "\(m)")
            assertClose(r.flows, [2, 2, 2, 0, 4], "\(m)")
            Self.classic.verifyOptimality(r)
            // Potentials of the hand certificate, up to the additive constant.
            XCTAssertEqual(r.potentials[2] - r.potentials[3], 1, accuracy: 1e-9, "\(m)")
            XCTAssertEqual(r.potentials[0] - r.potentials[1], 2, accuracy: 1e-9, "\(m)")
        }
    }

    /// Lower bounds and uncapacitated arcs: supply 5 at 0, demand 5 at 2; 0→1 and 1→2 uncapacitated
    /// with cost 1; 0→2 has 1 ≤ x ≤ 3 at cost 3. One unit is forced on 0→2 (3), the other four take
    /// 0-1-2 at 2 each (8): objective 11, x = [4, 4, 1].
    func testLowerBoundsAndUncapacitatedArcs() throws {
        let g = FlowInstance(nodeCount: 3, supply: [5, 0, -5], arcs: [
            (0, 1, 0, .infinity, 1), (1, 2, 0, .infinity, 1), (0, 2, 1, 3, 3),
        ])
        for m in methods {
            let r = try g.solve(m)
            XCTAssertEqual(r.objective, 11, accuracy: 1e-9, "\(m)")
            assertClose(r.flows, [4, 4, 1], "\(m)")
            g.verifyOptimality(r)
        }
    }

    /// A capacitated negative cycle: 0→1 (cap 3, cost −2), 1→0 (cap 5, cost 1), no supplies.
    /// Circulating 3 units gains 3·(−2 + 1) = −3. A self-loop with cost −1 and capacity 2 adds −2.
    func testNegativeCapacitatedCycleAndSelfLoop() throws {
        let g = FlowInstance(nodeCount: 2, supply: [0, 0], arcs: [(0, 1, 0, 3, -2), (1, 0, 0, 5, 1), (1, 1, 0, 2, -1)])
        for m in methods {
            let r = try g.solve(m)
            XCTAssertEqual(r.objective, -5, accuracy: 1e-9, "\(m)")
            assertClose(r.flows, [3, 3, 2], "\(m)")
            g.verifyOptimality(r)
        }
    }

    func testInfeasible() throws {
        // 10 units must cross an arc of capacity 5.
        let g = FlowInstance(nodeCount: 2, supply: [10, -10], arcs: [(0, 1, 0, 5, 1)])
        // Unbalanced supplies.
        let h = FlowInstance(nodeCount: 2, supply: [10, -9], arcs: [(0, 1, 0, 50, 1)])
        // A lower bound that cannot be routed back.
        let l = FlowInstance(nodeCount: 2, supply: [0, 0], arcs: [(0, 1, 2, 5, 1)])
        for m in methods {
            for inst in [g, h, l] {
                let r = try inst.solve(m)
                XCTAssertEqual(r.status, .infeasible, "\(m)")
                XCTAssertTrue(r.flows.isEmpty)
                XCTAssertTrue(r.objective.isNaN)
            }
        }
    }

    func testUnboundedNegativeCycle() throws {
        // 0 → 1 → 0 uncapacitated with total cost −1, plus a feasible shipment 0 → 2.
        let g = FlowInstance(nodeCount: 3, supply: [2, 0, -2], arcs: [
            (0, 1, 0, .infinity, -2), (1, 0, 0, .infinity, 1), (0, 2, 0, 2, 4),
        ])
        // Same cycle but the shipment is impossible: infeasible wins.
        let infeasible = FlowInstance(nodeCount: 3, supply: [2, 0, -2], arcs: [
            (0, 1, 0, .infinity, -2), (1, 0, 0, .infinity, 1), (0, 2, 0, 1, 4),
        ])
        // Uncapacitated negative self-loop.
        let loop = FlowInstance(nodeCount: 1, supply: [0], arcs: [(0, 0, 0, .infinity, -1)])
        for m in methods {
            XCTAssertEqual(try g.solve(m).status, .unbounded, "\(m)")
            XCTAssertEqual(try infeasible.solve(m).status, .infeasible, "\(m)")
            XCTAssertEqual(try loop.solve(m).status, .unbounded, "\(m)")
        }
    }

    func testDataChecks() throws {
        let fractional = FlowInstance(nodeCount: 2, supply: [1, -1], arcs: [(0, 1, 0, 2, 1.5)])
        XCTAssertThrowsError(try fractional.solve(.outOfKilter)) { e in
            guard case .invalidData(let m)? = e as? GLPKError else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("cost of arc 0"), m)
        }
        XCTAssertEqual(try fractional.solve(.simplex).objective, 1.5)
        XCTAssertThrowsError(try GLPKMinCostFlow.solve(nodeCount: 2, supply: [1, -1], tails: [0], heads: [2],
                                                       upper: [1], cost: [1])) { e in
            XCTAssertEqual("\(e)", "invalid argument: arc 0: head 2 out of range 0..<2")
        }
        XCTAssertThrowsError(try GLPKMinCostFlow.solve(nodeCount: 2, supply: [1, -1], tails: [0], heads: [1],
                                                       lower: [3], upper: [1], cost: [1])) { e in
            XCTAssertEqual("\(e)", "invalid argument: arc 0 has lower bound 3 > upper bound 1")
        }
        XCTAssertThrowsError(try GLPKMinCostFlow.solve(nodeCount: 2, supply: [.nan, -1], tails: [0], heads: [1],
                                                       upper: [1], cost: [1]))
        XCTAssertThrowsError(try GLPKMinCostFlow.solve(nodeCount: 3, supply: [1, -1], tails: [0], heads: [1],
                                                       upper: [1], cost: [1]))
        // okalg's 32-bit range: the stand-in capacity for an uncapacitated arc would overflow.
        let huge = FlowInstance(nodeCount: 2, supply: [2_000_000_000, -2_000_000_000],
                                arcs: [(0, 1, 0, .infinity, 1), (0, 1, 0, 2_000_000_000, 2)])
        XCTAssertThrowsError(try huge.solve(.outOfKilter)) { e in
            guard case .overflow? = e as? GLPKError else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try huge.solve(.simplex).objective, 2_000_000_000)
        let wide = FlowInstance(nodeCount: 2, supply: [1, -1], arcs: [(0, 1, -2_000_000_000, 2_000_000_000, 1)])
        XCTAssertThrowsError(try wide.solve(.outOfKilter)) { e in
            guard case .overflow? = e as? GLPKError else { return XCTFail("\(e)") }
        }
        // Negative lower bounds (shifted to zero for okalg): two parallel arcs 0→1, a in [−5, 5] at
        // cost 1 and b in [0, 10] at cost 0, no supply ⇒ x_a = −x_b; cheapest x_a = −5, x_b = 5: −5.
        let negative = FlowInstance(nodeCount: 2, supply: [0, 0], arcs: [(0, 1, -5, 5, 1), (0, 1, 0, 10, 0)])
        for m in methods {
            let r = try negative.solve(m)
            XCTAssertEqual(r.objective, -5, "\(m)")
            assertClose(r.flows, [-5, 5], "\(m)")
            negative.verifyOptimality(r)
        }
    }

    func testInt64Overload() throws {
        let supply: [Int64] = [5, 0, -5], lower: [Int64] = [0, 0, 1], cost: [Int64] = [1, 1, 3]
        let upper: [Int64] = [GLPKMinCostFlow.unlimited, GLPKMinCostFlow.unlimited, 3]
        let r = try GLPKMinCostFlow.solve(nodeCount: 3, supply: supply, tails: [0, 1, 0], heads: [1, 2, 2],
                                          lower: lower, upper: upper, cost: cost)
        XCTAssertEqual(r.objective, 11)
    }

    func testSeededRandomInstancesAgree() throws {
        // Random transportation-like instances: both methods reach the same optimum and a valid certificate.
        var rng = SplitMix64(seed: 7)
        for _ in 0 ..< 30 {
            let n = 8 + Int(rng.next() % 10)
            var arcs: [(Int, Int, Double, Double, Double)] = []
            for _ in 0 ..< 4 * n {
                let t = Int(rng.next() % UInt64(n)), h = Int(rng.next() % UInt64(n))
                let cap: Double = rng.next() % 5 == 0 ? .infinity : Double(rng.next() % 20)
                arcs.append((t, h, 0, cap, Double(rng.next() % 30)))
            }
            var supply = [Double](repeating: 0, count: n)
            for _ in 0 ..< 3 {
                let a = Int(rng.next() % UInt64(n)), b = Int(rng.next() % UInt64(n)), q = Double(rng.next() % 10)
                supply[a] += q
                supply[b] -= q
            }
            let g = FlowInstance(nodeCount: n, supply: supply, arcs: arcs)
            let a = try g.solve(.outOfKilter), b = try g.solve(.simplex)
            XCTAssertEqual(a.status, b.status)
            if a.status == .optimal {
                XCTAssertEqual(a.objective, b.objective, accuracy: 1e-6)
                g.verifyOptimality(a)
                g.verifyOptimality(b)
            }
        }
    }

    static var sharedDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared").standardized
    }

    func dimacs(_ name: String) throws -> FlowInstance {
        let path = Self.sharedDirectory.appendingPathComponent("mcf/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not present") }
        return try FlowInstance(dimacs: path)
    }

    func testDIMACSDiamond() throws {
        let g = try dimacs("diamond_graph.min")
        for m in methods {
            let r = try g.solve(m)
            XCTAssertEqual(r.objective, 80, "\(m)")
            g.verifyOptimality(r)
        }
    }

    func testDIMACSGrid() throws {
        let g = try dimacs("grid_5x5.min")
        for m in methods {
            let r = try g.solve(m)
            XCTAssertEqual(r.objective, 27000, "\(m)")
            g.verifyOptimality(r)
        }
    }
}
