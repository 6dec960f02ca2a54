// The network: all tables of a network folder plus lookups built once.
import Foundation

/// A whole fuel network: the contents of one network folder.
///
/// Entities are stored in file order; `NodeIndex`, `ProductIndex` and `LaneIndex` are
/// positions in `nodes`, `products` and `lanes`. Name → index dictionaries and the
/// outgoing/incoming lane lists (CSR arrays) are built once by `init`.
///
/// ```swift
/// let net = try NetworkLoader.load(from: "data/example")
/// let s = net.nodeIndex["S0001"]!
/// for l in net.incomingLanes(of: s) { print(net.nodes[net.lanes[l].from].id) }
/// ```
public struct Network: Hashable, Sendable {
    public var settings: Settings
    public var products: [Product]
    public var nodes: [Node]
    public var lanes: [Lane]
    public var production: [Production]
    public var storage: [Storage]
    /// Demand inside the horizon (`demand.csv`); missing rows mean 0.
    public var demand: StationVolumes
    /// Daily sales before `settings.start` (`sales_history.csv`).
    public var salesHistory: StationVolumes
    public var fleets: [Fleet]
    /// Holidays (`holidays.csv`); nil when the file is absent.
    public var holidays: [Holiday]?

    /// Node id → index.
    public private(set) var nodeIndex: [String: NodeIndex] = [:]
    /// Product id → index.
    public private(set) var productIndex: [String: ProductIndex] = [:]
    /// CSR: lanes leaving node n are `outLanes[outStart[n]..<outStart[n+1]]`.
    public private(set) var outStart: [Int32] = []
    public private(set) var outLanes: [Int32] = []
    /// CSR: lanes entering node n are `inLanes[inStart[n]..<inStart[n+1]]`.
    public private(set) var inStart: [Int32] = []
    public private(set) var inLanes: [Int32] = []

    public init(settings: Settings, products: [Product], nodes: [Node], lanes: [Lane] = [],
                production: [Production] = [], storage: [Storage] = [],
                demand: StationVolumes = StationVolumes(), salesHistory: StationVolumes = StationVolumes(),
                fleets: [Fleet] = [], holidays: [Holiday]? = nil) {
        self.settings = settings; self.products = products; self.nodes = nodes; self.lanes = lanes
        self.production = production; self.storage = storage; self.demand = demand
        self.salesHistory = salesHistory; self.fleets = fleets; self.holidays = holidays
        rebuildIndexes()
    }

    /// Rebuilds the dictionaries and CSR arrays; call after mutating `nodes`, `products` or `lanes`.
    /// - Complexity: O(nodes + products + lanes).
    public mutating func rebuildIndexes() {
        var ni = [String: NodeIndex](minimumCapacity: nodes.count)
        for (i, n) in nodes.enumerated() where ni[n.id] == nil { ni[n.id] = i }
        var pi = [String: ProductIndex](minimumCapacity: products.count)
        for (i, p) in products.enumerated() where pi[p.id] == nil { pi[p.id] = i }
        nodeIndex = ni; productIndex = pi
        let n = nodes.count
        var os = [Int32](repeating: 0, count: n + 1), ins = [Int32](repeating: 0, count: n + 1)
        for l in lanes {
            if l.from >= 0 && l.from < n { os[l.from + 1] += 1 }
            if l.to >= 0 && l.to < n { ins[l.to + 1] += 1 }
        }
        for i in 0..<n { os[i + 1] += os[i]; ins[i + 1] += ins[i] }
        var ol = [Int32](repeating: 0, count: Int(os[n])), il = [Int32](repeating: 0, count: Int(ins[n]))
        var oc = os, ic = ins
        for (k, l) in lanes.enumerated() {
            if l.from >= 0 && l.from < n { ol[Int(oc[l.from])] = Int32(k); oc[l.from] += 1 }
            if l.to >= 0 && l.to < n { il[Int(ic[l.to])] = Int32(k); ic[l.to] += 1 }
        }
        outStart = os; outLanes = ol; inStart = ins; inLanes = il
    }

    /// The planning calendar.
    public var calendar: PlanningCalendar { settings.calendar }

    /// Lanes leaving `node`, in file order.
    @inlinable public func outgoingLanes(of node: NodeIndex) -> [LaneIndex] {
        (Int(outStart[node])..<Int(outStart[node + 1])).map { Int(outLanes[$0]) }
    }

    /// Lanes entering `node`, in file order.
    @inlinable public func incomingLanes(of node: NodeIndex) -> [LaneIndex] {
        (Int(inStart[node])..<Int(inStart[node + 1])).map { Int(inLanes[$0]) }
    }

    /// Indices of nodes of a kind, in file order.
    public func nodes(ofKind kind: NodeKind) -> [NodeIndex] {
        nodes.indices.filter { nodes[$0].kind == kind }
    }

    /// Each lane's rank among the lanes with the same from, to and mode, in file order: 1 for
    /// the first (almost always the only one), 2 for a second (the validator warns about those).
    public func laneOrdinals() -> [Int] {
        var seen: [String: Int] = [:]
        return lanes.map { lane in
            let key = "\(lane.from) \(lane.to) \(lane.mode.rawValue)"
            seen[key, default: 0] += 1
            return seen[key]!
        }
    }

    /// Each lane's name in the plan's files, in file order: `FROM>TO/mode`, and `FROM>TO/mode#2`
    /// (`#3`, …) for a second (third, …) lane with the same from, to and mode, so that every
    /// lane has its own name.
    public func laneIDs() -> [String] {
        zip(lanes, laneOrdinals()).map { lane, k in
            "\(nodes[lane.from].id)>\(nodes[lane.to].id)/\(lane.mode.rawValue)" + (k == 1 ? "" : "#\(k)")
        }
    }

    /// Storage row index per (node, product), or nil.
    public func storageIndex() -> [Int: Int] {
        var m = [Int: Int](minimumCapacity: storage.count)
        for (i, s) in storage.enumerated() { m[s.node * products.count + s.product] = i }
        return m
    }
}

// MARK: - Derived facts

extension Network {
    /// Nodes with a lane into `station` (for a station: the depots that can serve it), sorted, unique.
    public func suppliers(of node: NodeIndex) -> [NodeIndex] {
        Array(Set(incomingLanes(of: node).map { lanes[$0].from })).sorted()
    }

    /// Stations reachable from `node` over any lanes (forward BFS), sorted.
    /// - Complexity: O(nodes + lanes).
    public func stationsReachable(from node: NodeIndex) -> [NodeIndex] {
        var seen = [Bool](repeating: false, count: nodes.count)
        var queue = [node]; seen[node] = true
        var head = 0
        var out: [NodeIndex] = []
        while head < queue.count {
            let u = queue[head]; head += 1
            if nodes[u].kind == .station && u != node { out.append(u) }
            for k in Int(outStart[u])..<Int(outStart[u + 1]) {
                let v = lanes[Int(outLanes[k])].to
                if !seen[v] { seen[v] = true; queue.append(v) }
            }
        }
        return out.sorted()
    }

    /// For product `p` (or any product when nil): which nodes can be reached from some refinery
    /// over lanes that carry it. Reverse reachability: `result[n]` is true when a supply path
    /// refinery → … → n exists. A refinery counts as reachable only when it has a production row
    /// for `p` with `max > 0` (any row when `p` is nil).
    /// - Complexity: O(nodes + lanes · |products list|).
    public func reachableFromRefineries(product p: ProductIndex?) -> [Bool] {
        var seen = [Bool](repeating: false, count: nodes.count)
        var queue: [NodeIndex] = []
        for pr in production where (p == nil || pr.product == p!) && pr.maxM3PerDay > 0 {
            if !seen[pr.refinery] { seen[pr.refinery] = true; queue.append(pr.refinery) }
        }
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            for k in Int(outStart[u])..<Int(outStart[u + 1]) {
                let lane = lanes[Int(outLanes[k])]
                if let p, !lane.carries(p) { continue }
                if !seen[lane.to] { seen[lane.to] = true; queue.append(lane.to) }
            }
        }
        return seen
    }

    /// The lane a node is normally supplied by: the cheapest incoming lane (lowest
    /// `cost_per_m3`), ties broken by the upstream node id, then mode name, then lane index.
    /// When `product` is given, only lanes that carry it count. Nil for nodes without inbound lanes.
    public func normalSupplyLane(of node: NodeIndex, product: ProductIndex? = nil) -> LaneIndex? {
        var best: LaneIndex? = nil
        for k in Int(inStart[node])..<Int(inStart[node + 1]) {
            let l = Int(inLanes[k])
            let lane = lanes[l]
            if let product, !lane.carries(product) { continue }
            guard let b = best else { best = l; continue }
            let bl = lanes[b]
            if lane.costPerM3 < bl.costPerM3 { best = l; continue }
            if lane.costPerM3 > bl.costPerM3 { continue }
            let a = nodes[lane.from].id, c = nodes[bl.from].id
            if a < c || (a == c && lane.mode.rawValue < bl.mode.rawValue) { best = l }
        }
        return best
    }

    /// The normal supply path of a node, upstream: `[node, supplier, supplier's supplier, …]`
    /// following `normalSupplyLane` until a refinery, a node without inbound lanes, or a node
    /// already on the path (cycles stop the walk). The forecast roll-up sums a station's
    /// forecast into every node of this path.
    public func normalSupplyPath(of node: NodeIndex, product: ProductIndex? = nil) -> [NodeIndex] {
        var path = [node]
        var onPath: Set<NodeIndex> = [node]
        var u = node
        while nodes[u].kind != .refinery, let l = normalSupplyLane(of: u, product: product) {
            let v = lanes[l].from
            if onPath.contains(v) { break }
            path.append(v); onPath.insert(v); u = v
        }
        return path
    }

    /// Great-circle distance between two nodes in km (haversine, R = 6371 km); nil without coordinates.
    public func distanceKm(_ a: NodeIndex, _ b: NodeIndex) -> Double? {
        guard let la = nodes[a].lat, let oa = nodes[a].lon, let lb = nodes[b].lat, let ob = nodes[b].lon else { return nil }
        return haversineKm(lat1: la, lon1: oa, lat2: lb, lon2: ob)
    }
}

/// Great-circle distance in km between two points given in degrees (R = 6371 km).
public func haversineKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
    let r = 6371.0, d = Double.pi / 180
    let dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d
    let a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2)
    return 2 * r * asin(min(1, a.squareRoot()))
}
