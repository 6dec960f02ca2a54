// A deterministic generator of realistic fuel networks, from a province to a continent.

import Foundation

/// Named generator sizes.
public enum GeneratorPreset: String, CaseIterable, Sendable {
    /// 2 refineries, 3 terminals, 4 depots, 40 stations, 3 products, 7 days, 120 days of history.
    case small
    /// The example network: 2 refineries, 3 terminals, 8 depots, 150 stations, 3 products,
    /// 14 days, 2 years (730 days) of history.
    case province
    /// 10 refineries, 60 terminals, 600 depots, 30,000 stations, 4 products, 14 days,
    /// 730 days of history (~80 million sales rows, ~2.3 GB).
    case national
    /// 25 refineries, 200 terminals, 2,000 depots, 100,000 stations, 4 products, 14 days and
    /// no sales history by default (2 years would be ~2.9·10^8 rows, ~8 GB): pass `--history-days`.
    case continental
}

/// Sizes and seed for `NetworkGenerator`.
public struct GeneratorConfig: Hashable, Sendable {
    public var refineries: Int
    public var terminals: Int
    public var depots: Int
    public var stations: Int
    /// 1...6 (g92, g95, dsl, g98, lpg, adblue).
    public var products: Int
    /// Planning horizon, days.
    public var days: Int
    /// Days of sales history before `start` (0 = none).
    public var historyDays: Int
    public var start: Day
    public var seed: UInt64

    public init(refineries: Int, terminals: Int, depots: Int, stations: Int, products: Int, days: Int,
                historyDays: Int, start: Day = Day(year: 2026, month: 3, day: 2)!, seed: UInt64 = 1) {
        self.refineries = refineries; self.terminals = terminals; self.depots = depots; self.stations = stations
        self.products = products; self.days = days; self.historyDays = historyDays; self.start = start; self.seed = seed
    }

    public init(preset: GeneratorPreset, seed: UInt64 = 1) {
        switch preset {
        case .small: self.init(refineries: 2, terminals: 3, depots: 4, stations: 40, products: 3, days: 7, historyDays: 120, seed: seed)
        case .province: self.init(refineries: 2, terminals: 3, depots: 8, stations: 150, products: 3, days: 14, historyDays: 730, seed: seed)
        case .national: self.init(refineries: 10, terminals: 60, depots: 600, stations: 30_000, products: 4, days: 14, historyDays: 730, seed: seed)
        case .continental: self.init(refineries: 25, terminals: 200, depots: 2_000, stations: 100_000, products: 4, days: 14, historyDays: 0, seed: seed)
        }
    }

    /// Problems with the sizes (empty when usable).
    public var problems: [String] {
        var p: [String] = []
        if refineries < 1 { p.append("--refineries must be >= 1") }
        if terminals < 1 { p.append("--terminals must be >= 1") }
        if depots < 1 { p.append("--depots must be >= 1") }
        if stations < 1 { p.append("--stations must be >= 1") }
        if products < 1 || products > 6 { p.append("--products must be within 1...6") }
        if days < 1 || days > 3650 { p.append("--days must be within 1...3650") }
        if historyDays < 0 || historyDays > 3650 { p.append("--history-days must be within 0...3650") }
        if stations > 2_000_000 || depots > 100_000 || terminals > 10_000 || refineries > 1_000 { p.append("sizes too large") }
        // Every generated date (history, horizon, and the holiday years around them) must be a
        // four-digit-year date: yyyy-MM-dd is the file format.
        if let first = Day(year: 2, month: 1, day: 1), let last = Day(year: 9998, month: 12, day: 31),
           p.isEmpty, start.distance(to: first) > -historyDays || start.distance(to: last) < days - 1 {
            p.append("the dates from --start − --history-days to the horizon's end must lie within 0002-01-01...9998-12-31")
        }
        return p
    }
}

/// Generates realistic, valid fuel networks. Deterministic: the same config (including the
/// seed) gives the same network, on every platform.
///
/// Geography: nodes in a square region centred on 51°N 19.5°E whose side grows with the
/// number of stations (one station per ~60 km²); stations cluster around their home depot;
/// distances are haversine great-circle km. Lanes: refinery → terminal by pipeline, rail or
/// ship (in turn), terminal → depot by truck (< 60 km), pipeline or rail, depot → station by
/// truck with cost ∝ distance. Capacities and loading-rack throughputs are sized from the
/// average demand they serve with little slack (5–10 %), so weekday peaks make them bind.
///
/// ```swift
/// let net = NetworkGenerator.generate(GeneratorConfig(preset: .province, seed: 42))
/// try NetworkWriter.write(net, to: "data/example")
/// ```
public enum NetworkGenerator {
    static let productIds = ["g92", "g95", "dsl", "g98", "lpg", "adb"]
    static let productNames = ["Gasoline 92", "Gasoline 95", "Diesel", "Gasoline 98", "Autogas LPG", "AdBlue"]
    static let productMedian: [Double] = [7, 8, 10, 3, 4, 2]
    static let productCost: [Double] = [560, 600, 580, 650, 380, 300]
    static let shortagePenalty: [Double] = [1200, 1300, 1250, 1400, 900, 700]
    // Weekly profiles, Monday first.
    static let weeklyGasoline: [Double] = [0.94, 0.96, 0.98, 1.02, 1.14, 1.10, 0.86]
    static let weeklyDiesel: [Double] = [1.06, 1.07, 1.07, 1.06, 1.08, 0.88, 0.78]
    static let syllA = ["Bor", "Kra", "Wol", "Lis", "Mor", "Rad", "Sos", "Tar", "Zal", "Gor", "Kal", "Niw", "Ost", "Bel", "Dar", "Pol", "Jas", "Lub", "Chel", "Grab"]
    static let syllB = ["owo", "ice", "in", "no", "ek", "sk", "ów", "ec", "any", "ków", "nik", "ewo"]

    /// Public holidays (fixed dates plus Easter Monday and Corpus Christi) for the years covering
    /// `from...to`.
    public static func holidays(from: Day, to: Day) -> [Holiday] {
        var out: [Holiday] = []
        for y in from.components.year...to.components.year {
            var list: [(Day, String)] = [
                (Day(year: y, month: 1, day: 1)!, "New Year's Day"), (Day(year: y, month: 1, day: 6)!, "Epiphany"),
                (Day(year: y, month: 5, day: 1)!, "Labour Day"), (Day(year: y, month: 5, day: 3)!, "Constitution Day"),
                (Day(year: y, month: 8, day: 15)!, "Assumption Day"), (Day(year: y, month: 11, day: 1)!, "All Saints' Day"),
                (Day(year: y, month: 11, day: 11)!, "Independence Day"), (Day(year: y, month: 12, day: 25)!, "Christmas Day"),
                (Day(year: y, month: 12, day: 26)!, "Second Day of Christmas"),
            ]
            let easter = easterSunday(y)
            list.append((easter.advanced(by: 1), "Easter Monday"))
            list.append((easter.advanced(by: 60), "Corpus Christi"))
            list.sort { $0.0 < $1.0 }
            for (d, n) in list where d >= from && d <= to { out.append(Holiday(day: d, name: n)) }
        }
        return out
    }

    /// Gregorian Easter Sunday (anonymous algorithm).
    static func easterSunday(_ y: Int) -> Day {
        let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return Day(year: y, month: month, day: day)!
    }

    static func round(_ x: Double, _ decimals: Int) -> Double {
        let s = [1.0, 10, 100, 1000, 10000, 100000, 1000000][decimals]
        return (x * s).rounded() / s
    }

    /// Rounds up to a "nice" multiple (10, 50, 100, …) for capacities.
    static func nice(_ x: Double) -> Double {
        let step: Double = x < 200 ? 10 : x < 2000 ? 50 : x < 20000 ? 100 : 1000
        return max(step, (x / step).rounded(.up) * step)
    }

    static func ident(_ prefix: String, _ i: Int, _ count: Int) -> String {
        let width = max(2, String(count).count)
        let s = String(i + 1)
        return prefix + String(repeating: "0", count: width - s.count) + s
    }

    public static func generate(_ c: GeneratorConfig) -> Network {
        var rng = SplitMix64(seed: c.seed)
        let P = c.products
        let R = c.refineries, T = c.terminals, D = c.depots, S = c.stations
        // Region.
        let lat0 = 51.0, lon0 = 19.5
        let sideKm = max(120.0, (Double(S) * 60).squareRoot())
        let kmLat = 1 / 111.2, kmLon = 1 / (111.2 * cos(lat0 * Double.pi / 180))
        func point(_ g: inout SplitMix64) -> (Double, Double) {
            (lat0 + (g.uniform() - 0.5) * sideKm * kmLat, lon0 + (g.uniform() - 0.5) * sideKm * kmLon)
        }
        func town(_ g: inout SplitMix64) -> String { syllA[g.int(syllA.count)] + syllB[g.int(syllB.count)] }
        func km(_ a: (Double, Double), _ b: (Double, Double)) -> Double { haversineKm(lat1: a.0, lon1: a.1, lat2: b.0, lon2: b.1) }
        func r4(_ x: Double) -> Double { round(x, 4) }

        var products: [Product] = []
        for p in 0..<P {
            products.append(Product(id: productIds[p], name: productNames[p], shortagePenalty: shortagePenalty[p], safetyPenalty: 4))
        }
        // Positions.
        var refPos: [(Double, Double)] = [], termPos: [(Double, Double)] = [], depPos: [(Double, Double)] = []
        for _ in 0..<R {
            // Refineries near the region's border (coast, rivers, pipelines from abroad).
            var p = point(&rng)
            if rng.uniform() < 0.5 { p.0 = lat0 + (rng.uniform() < 0.5 ? -0.45 : 0.45) * sideKm * kmLat }
            refPos.append(p)
        }
        for _ in 0..<T { termPos.append(point(&rng)) }
        for _ in 0..<D { depPos.append(point(&rng)) }
        // Stations: home depot round-robin first, then weighted by a depot size factor.
        var depWeight: [Double] = (0..<D).map { _ in exp(rng.normal() * 0.5) }
        let wsum = depWeight.reduce(0, +)
        var cum = 0.0
        for i in 0..<D { cum += depWeight[i] / wsum; depWeight[i] = cum }
        let sigmaKm = max(8.0, sideKm / Double(D).squareRoot() / 2.5)
        var home = [Int](repeating: 0, count: S)
        var stPos: [(Double, Double)] = []
        stPos.reserveCapacity(S)
        let half = sideKm / 2
        for s in 0..<S {
            var d = s
            if s >= D {
                let u = rng.uniform()
                var lo = 0, hi = D - 1
                while lo < hi { let m = (lo + hi) / 2; if depWeight[m] < u { lo = m + 1 } else { hi = m } }
                d = lo
            }
            home[s] = d
            let dy = max(-half, min(half, rng.normal() * sigmaKm)), dx = max(-half, min(half, rng.normal() * sigmaKm))
            stPos.append((r4(depPos[d].0 + dy * kmLat), r4(depPos[d].1 + dx * kmLon)))
        }
        for i in 0..<R { refPos[i] = (r4(refPos[i].0), r4(refPos[i].1)) }
        for i in 0..<T { termPos[i] = (r4(termPos[i].0), r4(termPos[i].1)) }
        for i in 0..<D { depPos[i] = (r4(depPos[i].0), r4(depPos[i].1)) }

        // Station demand levels (m³/day per product) and which products each station sells.
        var level = [Double](repeating: 0, count: S * P)
        var intermittent = [Bool](repeating: false, count: S * P)
        var growth = [Double](repeating: 0, count: S * P)
        for s in 0..<S {
            let size = exp(rng.normal() * 0.35)
            for p in 0..<P {
                let sells = p < 3 ? true : rng.uniform() < 0.5
                let sparse = rng.uniform() < 0.03
                let g = rng.uniform(-0.03, 0.06)
                let noise = exp(rng.normal() * 0.2)
                guard sells else { continue }
                growth[s * P + p] = g
                if sparse {
                    intermittent[s * P + p] = true
                    level[s * P + p] = round(rng.uniform(0.5, 1.5), 3)
                } else {
                    level[s * P + p] = round(max(2, min(25, productMedian[p] * size * noise)), 3)
                }
            }
        }
        // Nodes: refineries, terminals, depots, stations.
        var nodes: [Node] = []
        nodes.reserveCapacity(R + T + D + S)
        let refBase = 0, termBase = R, depBase = R + T, stBase = R + T + D
        for i in 0..<R { nodes.append(Node(id: ident("R", i, R), kind: .refinery, name: "\(town(&rng)) Refinery", lat: refPos[i].0, lon: refPos[i].1)) }
        for i in 0..<T { nodes.append(Node(id: ident("T", i, T), kind: .terminal, name: "\(town(&rng)) Terminal", lat: termPos[i].0, lon: termPos[i].1)) }
        for i in 0..<D { nodes.append(Node(id: ident("D", i, D), kind: .depot, name: "\(town(&rng)) Depot", lat: depPos[i].0, lon: depPos[i].1)) }
        for i in 0..<S { nodes.append(Node(id: ident("S", i, S), kind: .station, name: "\(town(&rng)) \(1 + rng.int(9))", lat: stPos[i].0, lon: stPos[i].1)) }

        func nearest(_ p: (Double, Double), _ list: [(Double, Double)], excluding: Int = -1) -> Int {
            var best = -1, bd = Double.infinity
            for (i, q) in list.enumerated() where i != excluding {
                let dy = (p.0 - q.0) / kmLat, dx = (p.1 - q.1) / kmLon
                let d2 = dx * dx + dy * dy
                if d2 < bd { bd = d2; best = i }
            }
            return best
        }

        // Average flows for sizing.
        var depFlow = [Double](repeating: 0, count: D * P)
        for s in 0..<S { for p in 0..<P { depFlow[home[s] * P + p] += level[s * P + p] } }
        var lanes: [Lane] = []
        // Depot -> terminal supply (primary and optional secondary).
        var primaryTerm = [Int](repeating: 0, count: D)
        var termFlow = [Double](repeating: 0, count: T * P)
        var termOut = [Double](repeating: 0, count: T)
        struct Pending { var from: Int; var to: Int; var mode: TransportMode; var km: Double; var share: Double; var flow: Double }
        var upstream: [Pending] = []
        for d in 0..<D {
            let t1 = nearest(depPos[d], termPos)
            primaryTerm[d] = t1
            let total = (0..<P).reduce(0.0) { $0 + depFlow[d * P + $1] }
            let second = T >= 2 && rng.uniform() < 0.5 ? nearest(depPos[d], termPos, excluding: t1) : -1
            // Sizing split: 70 / 30 % when a depot has two terminals.
            let s1 = second >= 0 ? 0.7 : 1.0
            for p in 0..<P { termFlow[t1 * P + p] += s1 * depFlow[d * P + p] }
            termOut[t1] += s1 * total
            if second >= 0 {
                for p in 0..<P { termFlow[second * P + p] += 0.3 * depFlow[d * P + p] }
                termOut[second] += 0.3 * total
            }
            let k1 = km(termPos[t1], depPos[d])
            func mode(_ k: Double) -> TransportMode {
                if k < 60 { return .truck }
                return rng.uniform() < 0.3 ? .pipeline : (k < 150 && rng.uniform() < 0.5 ? .truck : .rail)
            }
            upstream.append(Pending(from: termBase + t1, to: depBase + d, mode: mode(k1), km: k1, share: second >= 0 ? 0.8 : 1.15, flow: total))
            if second >= 0 {
                let k2 = km(termPos[second], depPos[d])
                upstream.append(Pending(from: termBase + second, to: depBase + d, mode: mode(k2), km: k2, share: 0.45, flow: total))
            }
        }
        // A terminal no depot picked as its nearest or second-nearest would be a dead end (its
        // inbound lanes lead nowhere, and a refinery whose only outlet it is cannot ship its
        // minimum production): it supplies its nearest depot as a secondary source. The mode is
        // fixed (no random draw), so networks without such a terminal are unchanged.
        if D > 0 {
            var feeds = [Bool](repeating: false, count: T)
            for l in upstream { feeds[l.from - termBase] = true }
            for t in 0..<T where !feeds[t] {
                let d = nearest(termPos[t], depPos)
                let total = (0..<P).reduce(0.0) { $0 + depFlow[d * P + $1] }
                for p in 0..<P { termFlow[t * P + p] += 0.3 * depFlow[d * P + p] }
                termOut[t] += 0.3 * total
                let k = km(termPos[t], depPos[d])
                upstream.append(Pending(from: termBase + t, to: depBase + d, mode: k < 60 ? .truck : .rail, km: k, share: 0.45, flow: total))
            }
        }
        // Refinery -> terminal: pipeline, rail, ship in turn.
        var refFlow = [Double](repeating: 0, count: R)
        var inbound: [Pending] = []
        for t in 0..<T {
            let mode: TransportMode = [.pipeline, .rail, .ship][t % 3]
            let r1 = mode == .ship ? (t / 3) % R : nearest(termPos[t], refPos)
            let total = (0..<P).reduce(0.0) { $0 + termFlow[t * P + $1] }
            let hasSecond = R >= 2 && t % 2 == 1
            refFlow[r1] += total * (hasSecond ? 0.75 : 1)
            inbound.append(Pending(from: refBase + r1, to: termBase + t, mode: mode, km: km(refPos[r1], termPos[t]), share: hasSecond ? 0.85 : 1.1, flow: total))
            if hasSecond {
                let r2 = nearest(termPos[t], refPos, excluding: r1)
                refFlow[r2] += total * 0.25
                inbound.append(Pending(from: refBase + r2, to: termBase + t, mode: .rail, km: km(refPos[r2], termPos[t]), share: 0.5, flow: total))
            }
        }
        // A refinery no terminal is nearest to (and no ship calls at) ships by rail to its
        // nearest terminal; without an outlet its minimum production has nowhere to go.
        if T > 0 {
            var ships = [Bool](repeating: false, count: R)
            for l in inbound { ships[l.from - refBase] = true }
            for r in 0..<R where !ships[r] {
                let t = nearest(refPos[r], termPos)
                let total = (0..<P).reduce(0.0) { $0 + termFlow[t * P + $1] }
                refFlow[r] += total * 0.25
                inbound.append(Pending(from: refBase + r, to: termBase + t, mode: .rail, km: km(refPos[r], termPos[t]), share: 0.5, flow: total))
            }
        }
        for l in inbound + upstream {
            let k = max(1, l.km * 1.15)   // road/rail distance ≈ 1.15 × great circle
            let cost: Double, transit: Int
            var minShip: Double? = nil, fixed: Double? = nil
            let cap = nice(l.flow * l.share)
            switch l.mode {
            case .pipeline: cost = 2 + 0.008 * k; transit = k > 400 ? 2 : 1
            case .rail:
                cost = 5 + 0.025 * k; transit = 1 + Int(k / 400)
                if cap >= 400 { minShip = nice(cap * 0.2); fixed = 1200 }
            case .ship:
                cost = 4 + 0.006 * k; transit = 2 + Int(k / 500)
                if cap >= 1000 { minShip = nice(cap * 0.25); fixed = 3000 }
            case .truck: cost = 3 + 0.07 * k; transit = k > 250 ? 1 : 0
            }
            lanes.append(Lane(from: l.from, to: l.to, mode: l.mode, costPerM3: round(cost, 2), capacityM3PerDay: cap,
                              transitDays: transit, distanceKm: round(k, 1), products: nil,
                              minShipmentM3: minShip, fixedCostPerDay: fixed))
        }
        // Depot -> station trucks: the home depot, plus a second depot for ~40 % of stations.
        for s in 0..<S {
            var list: [ProductIndex]? = nil
            if P > 3 {
                let sold = (0..<P).filter { level[s * P + $0] > 0 }
                if sold.count < P { list = sold }
            }
            let d1 = home[s]
            var ds = [d1]
            if D >= 2 && rng.uniform() < 0.4 {
                let d2 = nearest(stPos[s], depPos, excluding: d1)
                ds.append(d2)
            }
            for d in ds {
                let k = max(1, km(depPos[d], stPos[s]) * 1.25)
                lanes.append(Lane(from: depBase + d, to: stBase + s, mode: .truck, costPerM3: round(2.5 + 0.09 * k, 2),
                                  capacityM3PerDay: nil, transitDays: k > 300 ? 1 : 0, distanceKm: round(k, 1), products: list))
            }
        }
        // Throughput limits (loading racks), tight against average outflow.
        for d in 0..<D {
            let total = (0..<P).reduce(0.0) { $0 + depFlow[d * P + $1] }
            if total > 0 { nodes[depBase + d].throughputM3PerDay = nice(total * 1.05) }
        }
        for t in 0..<T where termOut[t] > 0 { nodes[termBase + t].throughputM3PerDay = nice(termOut[t] * 1.08) }
        // Production: total capacity ≈ 1.25 × average demand, split by the refineries' assigned flow.
        var totalDemand = [Double](repeating: 0, count: P)
        for s in 0..<S { for p in 0..<P { totalDemand[p] += level[s * P + p] } }
        let flowSum = refFlow.reduce(0, +)
        var production: [Production] = []
        var refMax = [Double](repeating: 0, count: R * P)
        for r in 0..<R {
            let w = (refFlow[r] + 0.1 * flowSum / Double(R)) / (flowSum * 1.1)
            let costFactor = rng.uniform(0.95, 1.05)
            var tot = 0.0
            for p in 0..<P {
                let mx = nice(totalDemand[p] * 1.25 * w)
                refMax[r * P + p] = mx
                tot += mx
                let mn = r % 2 == 1 ? nice(mx * 0.2) : 0
                production.append(Production(refinery: refBase + r, product: p, minM3PerDay: min(mn, mx), maxM3PerDay: mx,
                                             costPerM3: round(productCost[p] * costFactor, 2)))
            }
            nodes[refBase + r].throughputM3PerDay = nice(max(tot * 0.95, refFlow[r] * 1.1))
        }
        // Storage.
        var storage: [Storage] = []
        for r in 0..<R { for p in 0..<P {
            let cap = nice(refMax[r * P + p] * 5)
            storage.append(Storage(node: refBase + r, product: p, capacityM3: cap, initialM3: nice(cap * 0.4), safetyM3: 0, holdingCostPerM3Day: 0.01))
        } }
        for t in 0..<T { for p in 0..<P where termFlow[t * P + p] > 0 {
            let f = termFlow[t * P + p]
            let cap = nice(f * 10)
            storage.append(Storage(node: termBase + t, product: p, capacityM3: cap, initialM3: min(cap, nice(f * 6)),
                                   safetyM3: min(cap, nice(f * 2)), holdingCostPerM3Day: 0.015))
        } }
        for d in 0..<D { for p in 0..<P where depFlow[d * P + p] > 0 {
            let f = depFlow[d * P + p]
            let cap = nice(f * 6)
            storage.append(Storage(node: depBase + d, product: p, capacityM3: cap, initialM3: min(cap, nice(f * 3.5)),
                                   safetyM3: min(cap, nice(f * 1.5)), holdingCostPerM3Day: 0.02))
        } }
        let tanks: [Double] = [20, 25, 30, 40, 50, 60]
        for s in 0..<S { for p in 0..<P where level[s * P + p] > 0 {
            let f = intermittent[s * P + p] ? 4 * level[s * P + p] : level[s * P + p]
            let cap = tanks.first { $0 >= 2.5 * f } ?? 60
            storage.append(Storage(node: stBase + s, product: p, capacityM3: cap, initialM3: round(cap * rng.uniform(0.4, 0.8), 1),
                                   safetyM3: round(min(cap * 0.25, f), 1), holdingCostPerM3Day: 0.03))
        } }
        // Fleets at depots.
        let compartments: [[Double]] = [[8, 8, 7, 7], [5, 5, 5, 5, 5, 5], [10, 8, 8, 6], [6, 6, 6, 6, 6, 6, 6], [9, 9, 7, 7]]
        var fleets: [Fleet] = []
        for d in 0..<D {
            let comp = compartments[rng.int(compartments.count)]
            let capT = comp.reduce(0, +)
            let total = (0..<P).reduce(0.0) { $0 + depFlow[d * P + $1] }
            let trucks = max(2, Int((total / (capT * 2.5)).rounded(.up)))
            fleets.append(Fleet(depot: depBase + d, trucks: trucks, compartmentsM3: comp, speedKmh: Double(55 + 5 * rng.int(4)),
                                loadMinutes: 45, unloadMinutes: 35, shiftHours: rng.uniform() < 0.5 ? 10 : 12,
                                costPerKm: round(rng.uniform(1.6, 2.1), 2)))
        }
        // Sales history and demand.
        let histStart = c.start.advanced(by: -c.historyDays)
        let hol = holidays(from: histStart.advanced(by: -1), to: c.start.advanced(by: c.days + 1))
        var holidayFactor: [Int32: Int] = [:]   // 1 = holiday, 2 = day before
        for h in hol { holidayFactor[h.day.raw] = 1; if holidayFactor[h.day.raw - 1] == nil { holidayFactor[h.day.raw - 1] = 2 } }
        var history = StationVolumes(), demand = StationVolumes()
        let seriesCount = (0..<S * P).reduce(0) { $0 + (level[$1] > 0 ? 1 : 0) }
        history.reserveCapacity(seriesCount * c.historyDays)
        demand.reserveCapacity(seriesCount * c.days)
        let totalDays = c.historyDays + c.days
        var factor = [Double](repeating: 1, count: totalDays * 2)   // [gasoline, diesel] per day
        for i in 0..<totalDays {
            let day = histStart.advanced(by: i)
            let phase = 2 * Double.pi * (Double(day.raw) - 100) / 365.2425
            var g = weeklyGasoline[day.weekday] * (1 + 0.06 * sin(phase))
            var dsl = weeklyDiesel[day.weekday] * (1 + 0.03 * sin(phase))
            switch holidayFactor[day.raw] {
            case 1: g *= 0.75; dsl *= 0.5
            case 2: g *= 1.2; dsl *= 1.1
            default: break
            }
            factor[2 * i] = g; factor[2 * i + 1] = dsl
        }
        let seriesRoot = SplitMix64(seed: c.seed ^ 0x5EED_5A1E5)
        for s in 0..<S { for p in 0..<P {
            let L = level[s * P + p]
            guard L > 0 else { continue }
            var g = seriesRoot.fork(UInt64(s * P + p))
            let growth = growth[s * P + p], sparse = intermittent[s * P + p]
            let fi = p == 2 ? 1 : 0
            for i in 0..<totalDays {
                let t = Double(i - c.historyDays) / 365.2425
                var v: Double
                if sparse {
                    let u = g.uniform()
                    v = u < 0.15 ? L / 0.15 * exp(g.normal() * 0.3 - 0.045) : 0
                } else {
                    v = L * (1 + growth * t) * factor[2 * i + fi] * exp(g.normal() * 0.15 - 0.01125)
                }
                v = max(0, round(v, 3))
                let day = histStart.advanced(by: i)
                if i < c.historyDays { history.append(station: stBase + s, product: p, day: day, volume: v) }
                else { demand.append(station: stBase + s, product: p, day: day, volume: v) }
            }
        } }
        return Network(settings: Settings(start: c.start, days: c.days, currency: "EUR"), products: products, nodes: nodes,
                       lanes: lanes, production: production, storage: storage, demand: demand, salesHistory: history,
                       fleets: fleets, holidays: hol.filter { $0.day >= histStart && $0.day < c.start.advanced(by: c.days) })
    }
}
