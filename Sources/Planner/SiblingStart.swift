// SiblingStart.swift — starting a product's first network simplex solve from the optimal basis
// of another product with the same lanes.
//
// Products that travel on the same lanes have the same time-expanded graph up to the data on
// it: the same lane, production, stock, shortfall and split arcs between the same (node, day)
// nodes, with their own supplies (demand) and a few bounds of their own. Lane costs per m³ do
// not depend on the product, so their optimal spanning trees are much alike (national preset:
// g92, g95 and diesel). A product solved cold first (the *donor*) hands its optimal basis to the
// others of its class, mapped arc for arc through product-independent keys; each starts its
// first solve there (`NetworkSimplexSession.startBasis`) instead of from the crash basis. Tree
// arcs that cannot carry their subtree's balance under the new supplies are replaced by
// artificial arcs, so the start is always a valid basis and the optimum the same.
import Dispatch
import FuelFlowModel
import NetworkFlow

/// Product-independent keys of a product graph's nodes and arcs (see ``FlowRoute/build``).
///
/// Nodes: (node n, day t) → n·T + t − 1; the split node of throughput row h → N·T + h; the
/// super source → N·T + H. Arcs: lane l on day t → l·T + t − 1; production at refinery r on
/// day t, stock of node n from day t (tier 0 or 1) and shortfall of n on day t in blocks of
/// N·T (stock: 2·N·T) after the lanes; the split arc of row h last.
struct GraphKeys: Sendable {
    var node: [Int32]
    var arc: [Int32]

    /// Sizes of the node and arc key spaces of `m`.
    static func spaces(_ m: PlanModel) -> (nodes: Int, arcs: Int) {
        let H = m.safetyRowBase - m.throughputBase, NT = m.N * m.T
        return (NT + H + 1, m.network.lanes.count * m.T + 4 * NT + H)
    }

    /// The keys of product `p`'s graph as `build` made it (`arcColumn`, `tier1` from there).
    init(_ m: PlanModel, product p: Int, problem: MinCostFlowProblem, arcColumn: [Int32], tier1: [Int32]) {
        let T = m.T, N = m.N, NT = N * T, H = m.safetyRowBase - m.throughputBase
        let r0 = m.productRowStart[p], R = m.productRowStart[p + 1] - r0
        var node = [Int32](repeating: -1, count: problem.nodeCount)
        for i in 0..<R { node[i] = Int32(Int(m.balanceNode[r0 + i]) * T + Int(m.balanceDay[r0 + i]) - 1) }
        if R < node.count { node[R] = Int32(NT + H) }
        var secondTier = [Bool](repeating: false, count: problem.arcCount)
        var firstTier = [Bool](repeating: false, count: problem.arcCount)
        for a in tier1 { firstTier[Int(a)] = true }
        // A storage column with safety has its first tier, then (if any) its second, in order.
        var lastColumn: Int32 = -1
        for a in 0..<problem.arcCount {
            let j = arcColumn[a]
            if j == lastColumn && !firstTier[a] && j >= m.storageBase && j < m.shortfallBase { secondTier[a] = true }
            lastColumn = j
        }
        let L = m.network.lanes.count
        let production = L * T, stock = production + NT, shortfall = stock + 2 * NT, split = shortfall + NT
        var arc = [Int32](repeating: -1, count: problem.arcCount)
        for a in 0..<problem.arcCount {
            let j = Int(arcColumn[a])
            let key: Int
            if j < 0 {
                let h = -1 - j
                key = split + h
                node[Int(problem.head[a])] = Int32(NT + h)
            } else if j < m.productionBase {
                // The lane whose column range holds j: the last lane starting at or before j.
                var lo = 0, hi = L - 1
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if m.laneColumnStart[mid] <= j { lo = mid } else { hi = mid - 1 }
                }
                let t = (j - m.laneColumnStart[lo]) % m.laneSpan[lo] + 1
                key = lo * T + t - 1
            } else if j < m.storageBase {
                let k = (j - m.productionBase) / T, t = (j - m.productionBase) % T + 1
                key = production + m.network.production[k].refinery * T + t - 1
            } else if j < m.shortfallBase {
                let k = (j - m.storageBase) / T, t = (j - m.storageBase) % T + 1
                key = stock + (m.network.storage[k].node * T + t - 1) * 2 + (secondTier[a] ? 1 : 0)
            } else {
                let e = j - m.shortfallBase
                key = shortfall + Int(m.demandNode[e]) * T + Int(m.demandDay[e]) - 1
            }
            arc[a] = Int32(key)
        }
        self.node = node
        self.arc = arc
    }

    /// `donor`'s basis mapped onto the graph with these keys: each node takes the arc with the
    /// key of its counterpart's tree arc (none where either is missing: it hangs from the root),
    /// each arc the counterpart's "at capacity".
    func mapped(from donor: GraphKeys, basis: NetworkSimplexSession.Basis, spaces: (nodes: Int, arcs: Int))
        -> NetworkSimplexSession.Basis
    {
        var donorNode = [Int32](repeating: -1, count: spaces.nodes)
        for (v, k) in donor.node.enumerated() where k >= 0 { donorNode[Int(k)] = Int32(v) }
        var arcOfKey = [Int32](repeating: -1, count: spaces.arcs)
        for (a, k) in arc.enumerated() { arcOfKey[Int(k)] = Int32(a) }
        var parentArc = [ArcID](repeating: -1, count: node.count)
        for (v, k) in node.enumerated() where k >= 0 {
            let dv = Int(donorNode[Int(k)])
            guard dv >= 0 else { continue }
            let da = Int(basis.parentArc[dv])
            if da >= 0 { parentArc[v] = arcOfKey[Int(donor.arc[da])] }
        }
        var atUpper = [Bool](repeating: false, count: arc.count)
        for (da, up) in basis.atUpper.enumerated() where up {
            let a = arcOfKey[Int(donor.arc[da])]
            if a >= 0 { atUpper[Int(a)] = true }
        }
        return .init(parentArc: parentArc, atUpper: atUpper)
    }
}

/// Which product starts from which: the first product of `order` on each distinct set of lanes
/// is solved cold (its own donor, −1); the later ones of the same set get its index.
func siblingDonors(_ m: PlanModel, order: [Int]) -> [Int] {
    var donor = [Int](repeating: -1, count: m.P)
    var firsts: [(lanes: [Bool], product: Int)] = []
    for p in order {
        let lanes = m.laneProducts.map { $0.contains(p) }
        if let f = firsts.first(where: { $0.lanes == lanes }) { donor[p] = f.product } else { firsts.append((lanes, p)) }
    }
    return donor
}

/// The donors' bases for their siblings: filled by each donor after its solve, read by the
/// siblings after `ready[d]` (a group each donor leaves when done, solved or not). One slot
/// object per product, so concurrent donors never write the same storage.
final class SiblingBases: @unchecked Sendable {
    final class Slot: @unchecked Sendable {
        var keys: GraphKeys? = nil
        var basis: NetworkSimplexSession.Basis? = nil
    }
    let donor: [Int]
    let ready: [DispatchGroup]
    let slots: [Slot]
    init(donor: [Int]) {
        self.donor = donor
        ready = donor.map { _ in DispatchGroup() }
        slots = donor.map { _ in Slot() }
        for p in donor.indices where isDonor(p) { ready[p].enter() }
    }
    /// Whether p hands its basis on.
    func isDonor(_ p: Int) -> Bool { donor[p] < 0 && donor.contains(p) }
}
