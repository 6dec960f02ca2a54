// The fuel network domain model: value types with dense integer ids.

/// Dense index of a node in `Network.nodes` (0-based, assigned at load in file order).
public typealias NodeIndex = Int
/// Dense index of a product in `Network.products` (0-based, file order).
public typealias ProductIndex = Int
/// Dense index of a lane in `Network.lanes` (0-based, file order).
public typealias LaneIndex = Int

/// What a node is. Lanes never start at a station and never end at a refinery.
public enum NodeKind: String, CaseIterable, Sendable, Hashable {
    /// Produces products (see `Production`).
    case refinery
    /// Primary depot, fed in bulk by pipeline, rail or ship.
    case terminal
    /// Distribution depot: loads tank trucks for stations.
    case depot
    /// Retail station: where demand is.
    case station
}

/// Transport mode of a lane.
public enum TransportMode: String, CaseIterable, Sendable, Hashable {
    case pipeline, rail, ship, truck
}

/// Planning settings from `settings.yaml`.
public struct Settings: Hashable, Sendable {
    /// First planning day (day index 1).
    public var start: Day
    /// Horizon length T in days (1 … ``maxDays``).
    public var days: Int
    /// The longest horizon a settings file may ask for (274 years of days: beyond any plan, and
    /// keeps day arithmetic and the model's dense (node, product, day) arrays bounded).
    public static let maxDays = 100_000
    /// Currency label for all money amounts (nil = not set).
    public var currency: String?

    public init(start: Day, days: Int, currency: String? = nil) {
        self.start = start; self.days = days; self.currency = currency
    }

    /// The planning calendar (day indices 1...days).
    public var calendar: PlanningCalendar { PlanningCalendar(start: start, days: days) }
}

/// A product (one row of `products.csv`).
public struct Product: Hashable, Sendable {
    /// Identifier used in all files (e.g. `g95`).
    public var id: String
    /// Display name.
    public var name: String
    /// Penalty per m³ of station demand not served (currency per m³).
    public var shortagePenalty: Double
    /// Penalty per m³·day of inventory below its safety level (currency per m³·day).
    public var safetyPenalty: Double

    public init(id: String, name: String, shortagePenalty: Double, safetyPenalty: Double) {
        self.id = id; self.name = name; self.shortagePenalty = shortagePenalty; self.safetyPenalty = safetyPenalty
    }
}

/// A node (one row of `nodes.csv`).
public struct Node: Hashable, Sendable {
    public var id: String
    public var kind: NodeKind
    public var name: String
    /// Latitude in degrees (nil = not set).
    public var lat: Double?
    /// Longitude in degrees (nil = not set).
    public var lon: Double?
    /// Most that may leave the node per day over all lanes and products, m³/day (nil = unlimited).
    public var throughputM3PerDay: Double?

    public init(id: String, kind: NodeKind, name: String, lat: Double? = nil, lon: Double? = nil,
                throughputM3PerDay: Double? = nil) {
        self.id = id; self.kind = kind; self.name = name; self.lat = lat; self.lon = lon
        self.throughputM3PerDay = throughputM3PerDay
    }
}

/// A directed transport lane (one row of `lanes.csv`).
///
/// Flow departs on day t and arrives on day t + `transitDays`. `capacityM3PerDay` is shared
/// by all products per departure day.
public struct Lane: Hashable, Sendable {
    public var from: NodeIndex
    public var to: NodeIndex
    public var mode: TransportMode
    /// Variable cost, currency per m³.
    public var costPerM3: Double
    /// Capacity per departure day over all products, m³ (nil = unlimited).
    public var capacityM3PerDay: Double?
    /// Whole days in transit (0 = arrives the same day).
    public var transitDays: Int
    /// Distance in km (nil = not set).
    public var distanceKm: Double?
    /// Products the lane may carry (nil = all). Sorted by product index.
    public var products: [ProductIndex]?
    /// Optional column `min_shipment_m3`: if the lane is used on a day, at least this volume (nil = not set).
    public var minShipmentM3: Double?
    /// Optional column `fixed_cost_per_day`: cost of using the lane on a day, currency (nil = not set).
    public var fixedCostPerDay: Double?

    public init(from: NodeIndex, to: NodeIndex, mode: TransportMode, costPerM3: Double,
                capacityM3PerDay: Double? = nil, transitDays: Int = 0, distanceKm: Double? = nil,
                products: [ProductIndex]? = nil, minShipmentM3: Double? = nil, fixedCostPerDay: Double? = nil) {
        self.from = from; self.to = to; self.mode = mode; self.costPerM3 = costPerM3
        self.capacityM3PerDay = capacityM3PerDay; self.transitDays = transitDays; self.distanceKm = distanceKm
        self.products = products; self.minShipmentM3 = minShipmentM3; self.fixedCostPerDay = fixedCostPerDay
    }

    /// Whether the lane may carry product `p`.
    @inlinable public func carries(_ p: ProductIndex) -> Bool {
        guard let products else { return true }
        return products.contains(p)
    }
}

/// Production bounds of one product at one refinery (one row of `production.csv`).
public struct Production: Hashable, Sendable {
    public var refinery: NodeIndex
    public var product: ProductIndex
    /// m³/day.
    public var minM3PerDay: Double
    /// m³/day.
    public var maxM3PerDay: Double
    /// currency per m³.
    public var costPerM3: Double

    public init(refinery: NodeIndex, product: ProductIndex, minM3PerDay: Double, maxM3PerDay: Double, costPerM3: Double) {
        self.refinery = refinery; self.product = product; self.minM3PerDay = minM3PerDay
        self.maxM3PerDay = maxM3PerDay; self.costPerM3 = costPerM3
    }
}

/// A tank (or tank group) of one product at a node (one row of `storage.csv`).
public struct Storage: Hashable, Sendable {
    public var node: NodeIndex
    public var product: ProductIndex
    /// m³.
    public var capacityM3: Double
    /// Stock at the start of day 1, m³.
    public var initialM3: Double
    /// Safety level, m³ (stock below it is penalised per m³·day).
    public var safetyM3: Double
    /// currency per m³·day.
    public var holdingCostPerM3Day: Double

    public init(node: NodeIndex, product: ProductIndex, capacityM3: Double, initialM3: Double,
                safetyM3: Double, holdingCostPerM3Day: Double) {
        self.node = node; self.product = product; self.capacityM3 = capacityM3
        self.initialM3 = initialM3; self.safetyM3 = safetyM3; self.holdingCostPerM3Day = holdingCostPerM3Day
    }
}

/// Daily station volumes (demand or sales history) as a struct of arrays.
///
/// Row `i` is `(station[i], product[i], day[i], volume[i])`. Rows keep file order. At
/// 100,000 stations with long histories this holds ~10^8 rows in 20 bytes each.
public struct StationVolumes: Hashable, Sendable {
    public var station: [Int32] = []
    public var product: [Int32] = []
    /// Raw `Day` values (days since 1970-01-01).
    public var day: [Int32] = []
    /// m³.
    public var volume: [Double] = []

    public init() {}

    public var count: Int { station.count }
    public var isEmpty: Bool { station.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        station.reserveCapacity(n); product.reserveCapacity(n); day.reserveCapacity(n); volume.reserveCapacity(n)
    }

    @inlinable public mutating func append(station s: NodeIndex, product p: ProductIndex, day d: Day, volume v: Double) {
        station.append(Int32(s)); product.append(Int32(p)); day.append(d.raw); volume.append(v)
    }

    /// Dense matrix over the planning calendar: `m[(node * productCount + product) * T + (t - 1)]`
    /// summing rows per (node, product, day index t). Rows outside the horizon are ignored.
    public func dense(nodeCount: Int, productCount: Int, calendar: PlanningCalendar) -> [Double] {
        let T = calendar.days
        var m = [Double](repeating: 0, count: nodeCount * productCount * T)
        let s0 = calendar.start.raw
        for i in 0..<count {
            let t = Int(day[i] - s0)
            guard t >= 0 && t < T else { continue }
            m[(Int(station[i]) * productCount + Int(product[i])) * T + t] += volume[i]
        }
        return m
    }
}

/// Tank trucks based at a depot (one row of `fleet.csv`).
public struct Fleet: Hashable, Sendable {
    public var depot: NodeIndex
    public var trucks: Int
    /// Compartment sizes, m³ (e.g. [8, 8, 7, 7]).
    public var compartmentsM3: [Double]
    public var speedKmh: Double
    public var loadMinutes: Double
    public var unloadMinutes: Double
    public var shiftHours: Double
    /// currency per km driven.
    public var costPerKm: Double

    public init(depot: NodeIndex, trucks: Int, compartmentsM3: [Double], speedKmh: Double, loadMinutes: Double,
                unloadMinutes: Double, shiftHours: Double, costPerKm: Double) {
        self.depot = depot; self.trucks = trucks; self.compartmentsM3 = compartmentsM3; self.speedKmh = speedKmh
        self.loadMinutes = loadMinutes; self.unloadMinutes = unloadMinutes; self.shiftHours = shiftHours
        self.costPerKm = costPerKm
    }

    /// Total capacity of one truck, m³.
    public var truckCapacityM3: Double { compartmentsM3.reduce(0, +) }
}

/// A public holiday (one row of the optional `holidays.csv`).
public struct Holiday: Hashable, Sendable {
    public var day: Day
    public var name: String
    public init(day: Day, name: String) { self.day = day; self.name = name }
}

/// Rows of a `StationVolumes` grouped per (station, product) series, each series in date order.
///
/// CSR layout: series `k` has key `keys[k]` (`station * productCount + product`) and rows
/// `rows[start[k]..<start[k + 1]]` (indices into the `StationVolumes`), sorted by day (ties by
/// row order). Series are ordered by key.
///
/// ```swift
/// let idx = net.salesHistory.seriesIndex(productCount: net.products.count)
/// for k in 0..<idx.count { let (s, p) = idx.series(k, productCount: P); … }
/// ```
/// - Complexity: O(rows + series · log) — a counting sort by key, then a check (and a sort only
///   when needed) of each series' days.
public struct SeriesIndex: Hashable, Sendable {
    public var keys: [Int32]
    public var start: [Int]
    public var rows: [Int32]

    public var count: Int { keys.count }

    /// (station, product) of series `k`.
    public func series(_ k: Int, productCount: Int) -> (station: NodeIndex, product: ProductIndex) {
        (Int(keys[k]) / productCount, Int(keys[k]) % productCount)
    }

    /// Row indices of series `k`.
    public func rows(of k: Int) -> ArraySlice<Int32> { rows[start[k]..<start[k + 1]] }
}

extension StationVolumes {
    public func seriesIndex(productCount: Int) -> SeriesIndex {
        let P = max(productCount, 1)
        var maxKey = -1
        for i in 0..<count { maxKey = max(maxKey, Int(station[i]) * P + Int(product[i])) }
        var counts = [Int](repeating: 0, count: maxKey + 2)
        for i in 0..<count { counts[Int(station[i]) * P + Int(product[i]) + 1] += 1 }
        for k in 0..<(maxKey + 1) { counts[k + 1] += counts[k] }
        var rows = [Int32](repeating: 0, count: count)
        var fill = counts
        for i in 0..<count {
            let k = Int(station[i]) * P + Int(product[i])
            rows[fill[k]] = Int32(i); fill[k] += 1
        }
        var keys: [Int32] = [], start: [Int] = []
        for k in 0..<(maxKey + 1) where counts[k + 1] > counts[k] {
            keys.append(Int32(k)); start.append(counts[k])
            let lo = counts[k], hi = counts[k + 1]
            var sorted = true
            for j in (lo + 1)..<max(hi, lo + 1) where day[Int(rows[j - 1])] > day[Int(rows[j])] { sorted = false; break }
            if !sorted {
                let d = day
                rows[lo..<hi].sort { a, b in d[Int(a)] != d[Int(b)] ? d[Int(a)] < d[Int(b)] : a < b }
            }
        }
        start.append(count)
        return SeriesIndex(keys: keys, start: start, rows: rows)
    }
}
