// InstanceGenerator.swift — deterministic NETGEN-style, grid and transportation instances.

/// Parameters for ``InstanceGenerator``. Out-of-range values are clamped, never trapped on.
///
/// Volumes (supply, capacities) and costs are plain integers; think m³ and currency per m³.
public struct GeneratorParameters: Sendable, Equatable {
    /// The graph family.
    public enum Shape: Sendable, Equatable {
        /// NETGEN-style network: `nodes` nodes of which `sources` supply and `sinks` demand,
        /// the rest transshipment; skeleton paths from every source to its sinks guarantee
        /// feasibility, then random arcs up to `arcs` in total.
        case netgen
        /// `rows × columns` grid with arcs right, down and up, plus a super source feeding the
        /// first column and a super sink fed by the last column (`rows·columns + 2` nodes;
        /// source is node `rows·columns`, sink the next).
        case grid(rows: Int, columns: Int)
        /// Bipartite sources × sinks, every arc source → sink. Complete when `arcs` is 0 or at
        /// least `sources·sinks`, otherwise a feasible skeleton plus random pairs.
        case transportation(sources: Int, sinks: Int)
    }

    /// Graph family.
    public var shape: Shape = .netgen
    /// Random seed; the same parameters and seed always give the same instance.
    public var seed: UInt64 = 1
    /// Node count (NETGEN shape only).
    public var nodes: Int = 5000
    /// Source count (NETGEN shape only).
    public var sources: Int = 50
    /// Sink count (NETGEN shape only).
    public var sinks: Int = 50
    /// Target arc count (NETGEN and sparse transportation; at least the skeleton).
    public var arcs: Int = 25000
    /// Arc cost range, currency per unit.
    public var minCost: Int64 = 1
    public var maxCost: Int64 = 100
    /// Total supply, split at random among the sources (and demand among the sinks).
    public var totalSupply: Int64 = 250_000
    /// Capacity range of capacitated arcs.
    public var minCapacity: Int64 = 100
    public var maxCapacity: Int64 = 1000
    /// Percentage (0...100) of arcs that get a random capacity; the others get `totalSupply`
    /// (transportation: ``MinCostFlowProblem/unbounded``). Skeleton arcs always keep room for
    /// the flow they must carry.
    public var percentCapacitated: Int = 0
    /// Percentage (0...100) of skeleton arcs whose cost is `maxCost` (NETGEN's "high cost"
    /// skeleton, which forces the optimum off the skeleton).
    public var percentHighCostSkeleton: Int = 0

    public init() {}

    public init(shape: Shape, seed: UInt64) {
        self.shape = shape; self.seed = seed
    }
}

/// Deterministic generator of min-cost-flow test instances. Every generated instance is
/// feasible (skeleton arcs carry a known feasible flow) and bounded (costs never create an
/// uncapacitated negative cycle: NETGEN and grid shapes cap "uncapacitated" arcs at
/// `totalSupply`, transportation graphs are acyclic).
///
/// ```swift
/// var params = GeneratorParameters()
/// params.seed = 42; params.nodes = 125_000; params.arcs = 1_000_000
/// let problem = InstanceGenerator.generate(params)
/// ```
///
/// - Complexity: O(n + m) time and memory; about a second per 10 million arcs in release.
public enum InstanceGenerator {
    /// Generates the instance described by `parameters`.
    public static func generate(_ parameters: GeneratorParameters) -> MinCostFlowProblem {
        var p = parameters
        if p.minCost > p.maxCost { swap(&p.minCost, &p.maxCost) }
        if p.minCapacity > p.maxCapacity { swap(&p.minCapacity, &p.maxCapacity) }
        p.minCapacity = max(0, p.minCapacity)
        p.maxCapacity = max(0, p.maxCapacity)
        p.totalSupply = max(0, min(p.totalSupply, 1 << 40))
        p.percentCapacitated = min(100, max(0, p.percentCapacitated))
        p.percentHighCostSkeleton = min(100, max(0, p.percentHighCostSkeleton))
        var rng = Xoshiro256StarStar(seed: p.seed)
        switch p.shape {
        case .netgen: return netgen(p, &rng)
        case let .grid(rows, columns): return grid(p, rows: max(1, rows), columns: max(1, columns), &rng)
        case let .transportation(s, t): return transportation(p, sources: max(1, s), sinks: max(1, t), &rng)
        }
    }

    /// Splits `total` into `parts` non-negative integers at random (each ≥ 1 when total ≥ parts).
    static func split(_ total: Int64, into parts: Int, _ rng: inout Xoshiro256StarStar) -> [Int64] {
        guard parts > 0 else { return [] }
        var weights = [Int64](repeating: 0, count: parts)
        var sum: Int64 = 0
        for i in 0..<parts { weights[i] = rng.uniform(1...1000); sum += weights[i] }
        let base: Int64 = total >= Int64(parts) ? 1 : 0
        let rest = total - base * Int64(parts)
        var out = [Int64](repeating: base, count: parts)
        var given: Int64 = 0
        for i in 0..<parts {
            let share = rest.multipliedFullWidth(by: weights[i])
            let q = sum.dividingFullWidth(share).quotient
            out[i] += q; given += q
        }
        out[Int(rng.below(UInt64(parts)))] += rest - given
        return out
    }

    /// Northwest-corner pairing of supplies with demands: (source index, sink index, amount).
    static func pair(_ supply: [Int64], _ demand: [Int64]) -> [(Int, Int, Int64)] {
        var out: [(Int, Int, Int64)] = []
        var i = 0, j = 0
        var s = supply.first ?? 0, d = demand.first ?? 0
        while i < supply.count && j < demand.count {
            let q = min(s, d)
            if q > 0 { out.append((i, j, q)) }
            s -= q; d -= q
            if s == 0 { i += 1; if i < supply.count { s = supply[i] } }
            if d == 0 { j += 1; if j < demand.count { d = demand[j] } }
        }
        return out
    }

    static func shuffle<T>(_ a: inout [T], _ rng: inout Xoshiro256StarStar) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(rng.below(UInt64(i + 1)))
            a.swapAt(i, j)
        }
    }

    static func netgen(_ p: GeneratorParameters, _ rng: inout Xoshiro256StarStar) -> MinCostFlowProblem {
        let n = max(2, p.nodes)
        let sources = min(max(1, p.sources), n - 1)
        let sinks = min(max(1, p.sinks), n - sources)
        let transship = n - sources - sinks
        var prob = MinCostFlowProblem(nodeCount: n)
        prob.reserveCapacity(nodes: n, arcs: max(p.arcs, n))
        let supply = split(p.totalSupply, into: sources, &rng)
        let demand = split(p.totalSupply, into: sinks, &rng)
        for i in 0..<sources { prob.setSupply(NodeID(i), supply[i]) }
        for j in 0..<sinks { prob.setSupply(NodeID(n - sinks + j), -demand[j]) }
        let uncapacitated = max(1, p.totalSupply)

        func skeletonArc(_ u: Int, _ v: Int, _ need: Int64, _ rng: inout Xoshiro256StarStar) {
            let cost = rng.percent(p.percentHighCostSkeleton) ? p.maxCost : rng.uniform(p.minCost...p.maxCost)
            let cap = rng.percent(p.percentCapacitated) ? max(need, rng.uniform(p.minCapacity...p.maxCapacity)) : max(need, uncapacitated)
            prob.addArc(from: NodeID(u), to: NodeID(v), capacity: cap, cost: cost)
        }

        // Chains of transshipment nodes, one per source.
        var middle = Array(sources..<(sources + transship))
        shuffle(&middle, &rng)
        let chainLengths = split(Int64(transship), into: sources, &rng)
        var chainEnd = [Int](repeating: 0, count: sources)
        var k = 0
        for i in 0..<sources {
            var last = i
            for _ in 0..<Int(chainLengths[i]) {
                let v = middle[k]; k += 1
                skeletonArc(last, v, supply[i], &rng)
                last = v
            }
            chainEnd[i] = last
        }
        for (i, j, amount) in pair(supply, demand) {
            skeletonArc(chainEnd[i], n - sinks + j, amount, &rng)
        }
        // Random arcs.
        let extra = max(0, p.arcs - prob.arcCount)
        for _ in 0..<extra {
            let u = Int(rng.below(UInt64(n)))
            var v = Int(rng.below(UInt64(n - 1)))
            if v >= u { v += 1 }
            let cost = rng.uniform(p.minCost...p.maxCost)
            let cap = rng.percent(p.percentCapacitated) ? rng.uniform(p.minCapacity...p.maxCapacity) : uncapacitated
            prob.addArc(from: NodeID(u), to: NodeID(v), capacity: cap, cost: cost)
        }
        return prob
    }

    static func grid(_ p: GeneratorParameters, rows: Int, columns: Int,
                     _ rng: inout Xoshiro256StarStar) -> MinCostFlowProblem {
        let cells = rows * columns
        let s = cells, t = cells + 1
        var prob = MinCostFlowProblem(nodeCount: cells + 2)
        prob.reserveCapacity(nodes: cells + 2, arcs: 3 * cells + 2 * rows)
        prob.setSupply(NodeID(s), p.totalSupply)
        prob.setSupply(NodeID(t), -p.totalSupply)
        let big = max(1, p.totalSupply)
        func arc(_ u: Int, _ v: Int, skeleton: Bool, _ rng: inout Xoshiro256StarStar) {
            let cost = skeleton && rng.percent(p.percentHighCostSkeleton) ? p.maxCost : rng.uniform(p.minCost...p.maxCost)
            var cap = rng.percent(p.percentCapacitated) ? rng.uniform(p.minCapacity...p.maxCapacity) : big
            if skeleton { cap = max(cap, big) }
            prob.addArc(from: NodeID(u), to: NodeID(v), capacity: cap, cost: cost)
        }
        for r in 0..<rows { arc(s, r * columns, skeleton: r == 0, &rng) }
        for r in 0..<rows {
            for c in 0..<columns {
                let u = r * columns + c
                if c + 1 < columns { arc(u, u + 1, skeleton: r == 0, &rng) }
                if r + 1 < rows { arc(u, u + columns, skeleton: false, &rng) }
                if r > 0 { arc(u, u - columns, skeleton: false, &rng) }
            }
        }
        for r in 0..<rows { arc(r * columns + columns - 1, t, skeleton: r == 0, &rng) }
        return prob
    }

    static func transportation(_ p: GeneratorParameters, sources: Int, sinks: Int,
                               _ rng: inout Xoshiro256StarStar) -> MinCostFlowProblem {
        var prob = MinCostFlowProblem(nodeCount: sources + sinks)
        let supply = split(p.totalSupply, into: sources, &rng)
        let demand = split(p.totalSupply, into: sinks, &rng)
        for i in 0..<sources { prob.setSupply(NodeID(i), supply[i]) }
        for j in 0..<sinks { prob.setSupply(NodeID(sources + j), -demand[j]) }
        func capacity(_ need: Int64, _ rng: inout Xoshiro256StarStar) -> Int64 {
            rng.percent(p.percentCapacitated) ? max(need, rng.uniform(p.minCapacity...p.maxCapacity))
                                              : MinCostFlowProblem.unbounded
        }
        let complete = p.arcs <= 0 || p.arcs >= sources * sinks
        if complete {
            prob.reserveCapacity(nodes: sources + sinks, arcs: sources * sinks)
            // Capacitated arcs keep room for the northwest-corner flow, so the instance stays feasible.
            var need = [Int64](repeating: 0, count: sources * sinks)
            for (i, j, q) in pair(supply, demand) { need[i * sinks + j] = q }
            for i in 0..<sources {
                for j in 0..<sinks {
                    let c = rng.uniform(p.minCost...p.maxCost)
                    prob.addArc(from: NodeID(i), to: NodeID(sources + j), capacity: capacity(need[i * sinks + j], &rng), cost: c)
                }
            }
        } else {
            prob.reserveCapacity(nodes: sources + sinks, arcs: p.arcs)
            var rowOrder = Array(0..<sources), colOrder = Array(0..<sinks)
            shuffle(&rowOrder, &rng); shuffle(&colOrder, &rng)
            let permutedSupply = rowOrder.map { supply[$0] }, permutedDemand = colOrder.map { demand[$0] }
            for (i, j, q) in pair(permutedSupply, permutedDemand) {
                let c = rng.percent(p.percentHighCostSkeleton) ? p.maxCost : rng.uniform(p.minCost...p.maxCost)
                prob.addArc(from: NodeID(rowOrder[i]), to: NodeID(sources + colOrder[j]), capacity: capacity(q, &rng), cost: c)
            }
            while prob.arcCount < p.arcs {
                let i = Int(rng.below(UInt64(sources))), j = Int(rng.below(UInt64(sinks)))
                let c = rng.uniform(p.minCost...p.maxCost)
                prob.addArc(from: NodeID(i), to: NodeID(sources + j), capacity: capacity(0, &rng), cost: c)
            }
        }
        return prob
    }
}
