// Loading and validating a network folder.

import Foundation

/// Options for `NetworkLoader`.
public struct LoadOptions: Sendable {
    /// Read `sales_history.csv` (the planner does not need it; skipping it saves time on big networks).
    public var loadSalesHistory: Bool = true
    /// Most diagnostics kept per file (all are counted).
    public var maxDiagnosticsPerFile: Int = 100
    public init(loadSalesHistory: Bool = true, maxDiagnosticsPerFile: Int = 100) {
        self.loadSalesHistory = loadSalesHistory; self.maxDiagnosticsPerFile = maxDiagnosticsPerFile
    }
}

/// The files of a network folder.
public enum NetworkFile {
    public static let settings = "settings.yaml"
    public static let products = "products.csv"
    public static let nodes = "nodes.csv"
    public static let lanes = "lanes.csv"
    public static let production = "production.csv"
    public static let storage = "storage.csv"
    public static let demand = "demand.csv"
    public static let salesHistory = "sales_history.csv"
    public static let fleet = "fleet.csv"
    public static let holidays = "holidays.csv"
}

/// Reads and validates a network folder.
///
/// Validation collects every problem (not just the first) as `Diagnostic`s with
/// `file:line:column` positions; it never traps, whatever the bytes in the files.
///
/// ```swift
/// let result = NetworkLoader.validate(directory: "data/example")
/// for d in result.diagnostics { print(d) }
/// if let net = result.network { print(net.nodes.count) }
/// ```
public enum NetworkLoader {
    /// Reads and validates `directory`; the network is returned only when there are no errors.
    public static func validate(directory: String, options: LoadOptions = LoadOptions()) -> LoadResult {
        let l = LoaderState(directory: directory, options: options)
        return l.run()
    }

    /// Loads `directory`, throwing `NetworkLoadError` when it has errors (warnings are ignored).
    public static func load(from directory: String, options: LoadOptions = LoadOptions()) throws -> Network {
        let r = validate(directory: directory, options: options)
        guard let n = r.network, r.isValid else {
            throw NetworkLoadError(diagnostics: r.diagnostics, errorCount: r.errorCount)
        }
        return n
    }
}

// MARK: - Implementation

@inline(__always) func trimmed(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var s = 0, e = b.count
    while s < e && (b[s] == 32 || b[s] == 9) { s += 1 }
    while e > s && (b[e - 1] == 32 || b[e - 1] == 9) { e -= 1 }
    return UnsafeRawBufferPointer(rebasing: b[s..<e])
}

enum Bound { case any, nonNegative, positive }

final class LoaderState {
    let dir: String
    let options: LoadOptions
    var diagnostics: [Diagnostic] = []
    var errorCount = 0, warningCount = 0
    var perFileCount: [String: Int] = [:]
    var suppressed: [String: (errors: Int, warnings: Int)] = [:]

    // Current table.
    var file = ""
    var rowBad = false

    // Loaded data.
    var settings: Settings?
    var products: [Product] = []
    var productLine: [Int] = []
    var productIdx: [String: Int] = [:]
    /// Ids defined on rows that had errors, and whether a whole table failed: references to
    /// them are dropped silently instead of cascading into "unknown" errors.
    var brokenNodes: Set<String> = [], brokenProducts: Set<String> = []
    var nodesFailed = false, productsFailed = false
    var fileErrors: [String: Int] = [:]
    var nodes: [Node] = []
    var nodeLine: [Int] = []
    var nodeIdx: [String: Int] = [:]
    var lanes: [Lane] = []
    var production: [Production] = []
    var productionLine: [Int] = []
    var storage: [Storage] = []
    var demand = StationVolumes()
    var demandFirstLine: [Int32] = []   // per station*P+product: first line with volume > 0
    var history = StationVolumes()
    var fleets: [Fleet] = []
    var holidays: [Holiday]? = nil

    init(directory: String, options: LoadOptions) { dir = directory; self.options = options }

    // MARK: diagnostics

    func report(_ sev: Diagnostic.Severity, _ file: String, _ line: Int?, _ col: Int?, _ msg: String) {
        if sev == .error { errorCount += 1; fileErrors[file, default: 0] += 1 } else { warningCount += 1 }
        let c = perFileCount[file, default: 0]
        if c >= options.maxDiagnosticsPerFile {
            var s = suppressed[file, default: (0, 0)]
            if sev == .error { s.errors += 1 } else { s.warnings += 1 }
            suppressed[file] = s
            return
        }
        perFileCount[file] = c + 1
        diagnostics.append(Diagnostic(sev, file: file, line: line, column: col, msg))
    }

    func error(_ rec: CSVRecord, _ c: Int, _ msg: String) {
        report(.error, file, rec.line(of: min(c, rec.count - 1)), c < rec.count ? rec.column(of: c) : 1, msg)
        rowBad = true
    }

    func warning(_ rec: CSVRecord, _ c: Int, _ msg: String) {
        report(.warning, file, rec.line(of: min(c, rec.count - 1)), c < rec.count ? rec.column(of: c) : 1, msg)
    }

    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    // MARK: field access

    func text(_ rec: CSVRecord, _ c: Int) -> String {
        rec.withBytes(c) { String(decoding: trimmed($0), as: UTF8.self) }
    }

    /// A required identifier: non-empty, valid UTF-8.
    func ident(_ rec: CSVRecord, _ c: Int, _ name: String) -> String {
        let (empty, valid) = rec.withBytes(c) { b -> (Bool, Bool) in
            let t = trimmed(b)
            if t.isEmpty { return (true, true) }
            for x in t where x >= 0x80 { return (false, String(validating: t, as: UTF8.self) != nil) }
            return (false, true)
        }
        if empty { error(rec, c, "missing value for '\(name)'"); return "" }
        if !valid { error(rec, c, "'\(name)' is not valid UTF-8"); return "" }
        let control = rec.withBytes(c) { b in trimmed(b).contains { $0 < 0x20 || $0 == 0x7F } }
        if control { error(rec, c, "'\(name)' contains control characters: '\(shown(rec, c))'"); return "" }
        return text(rec, c)
    }

    func shown(_ rec: CSVRecord, _ c: Int) -> String { LoaderState.sanitize(text(rec, c)) }

    /// Text safe to print in a message: at most 40 characters, control characters escaped.
    static func sanitize(_ t: String) -> String {
        var out = String.UnicodeScalarView()
        for (i, u) in t.unicodeScalars.enumerated() {
            if i == 40 { out.append("…"); break }
            switch u {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default:
                if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) { out.append("?") } else { out.append(u) }
            }
        }
        return String(out)
    }

    static let maxMagnitude = 1e12

    /// Parses a number; nil when empty (optional) or invalid (error reported, row marked bad).
    func number(_ rec: CSVRecord, _ c: Int, _ name: String, required: Bool, _ bound: Bound) -> Double? {
        if c < 0 { return nil }
        let parsed: Double?? = rec.withBytes(c) { b in
            let t = trimmed(b)
            if t.isEmpty { return .some(nil) }
            return NumberParser.double(t).map { .some($0) } ?? nil
        }
        guard let p = parsed else {
            error(rec, c, "'\(name)' is not a number: '\(shown(rec, c))'"); return nil
        }
        guard let v = p else {
            if required { error(rec, c, "missing value for '\(name)'") }
            return nil
        }
        if abs(v) > LoaderState.maxMagnitude {
            error(rec, c, "'\(name)' is out of range: '\(shown(rec, c))'"); return nil
        }
        switch bound {
        case .any: break
        case .nonNegative where v < 0:
            error(rec, c, "'\(name)' must be >= 0, got \(shown(rec, c))"); return nil
        case .positive where v <= 0:
            error(rec, c, "'\(name)' must be > 0, got \(shown(rec, c))"); return nil
        default: break
        }
        return v
    }

    func integer(_ rec: CSVRecord, _ c: Int, _ name: String, minimum: Int) -> Int? {
        let parsed: Int?? = rec.withBytes(c) { b in
            let t = trimmed(b)
            if t.isEmpty { return .some(nil) }
            return NumberParser.int(t).map { .some($0) } ?? nil
        }
        guard let p = parsed else { error(rec, c, "'\(name)' is not an integer: '\(shown(rec, c))'"); return nil }
        guard let v = p else { error(rec, c, "missing value for '\(name)'"); return nil }
        if v < minimum { error(rec, c, "'\(name)' must be >= \(minimum), got \(v)"); return nil }
        if v > 1_000_000_000 { error(rec, c, "'\(name)' is out of range: '\(shown(rec, c))'"); return nil }
        return v
    }

    func date(_ rec: CSVRecord, _ c: Int, _ name: String) -> Day? {
        let d: Day?? = rec.withBytes(c) { b in
            let t = trimmed(b)
            if t.isEmpty { return .some(nil) }
            return Day(isoBytes: t).map { .some($0) } ?? nil
        }
        guard let p = d else { error(rec, c, "'\(name)' is not an ISO date (yyyy-MM-dd): '\(shown(rec, c))'"); return nil }
        guard let v = p else { error(rec, c, "missing value for '\(name)'"); return nil }
        return v
    }

    func nodeRef(_ rec: CSVRecord, _ c: Int, _ name: String) -> Int? {
        let id = ident(rec, c, name)
        if id.isEmpty { return nil }
        guard let i = nodeIdx[id] else {
            if nodesFailed || brokenNodes.contains(id) { rowBad = true } else { error(rec, c, "unknown node '\(LoaderState.sanitize(id))'") }
            return nil
        }
        return i
    }

    func productRef(_ rec: CSVRecord, _ c: Int, _ name: String) -> Int? {
        let id = ident(rec, c, name)
        if id.isEmpty { return nil }
        guard let i = productIdx[id] else {
            if productsFailed || brokenProducts.contains(id) { rowBad = true } else { error(rec, c, "unknown product '\(LoaderState.sanitize(id))'") }
            return nil
        }
        return i
    }

    func fmt(_ x: Double) -> String { NumberParser.format(x) }

    // MARK: tables

    /// Reads a CSV table. Calls `body(record, columnIndex)` for each data row with the right
    /// number of fields. Returns false when the file is absent or unusable.
    @discardableResult
    func table(_ name: String, required: [String], optional: [String], fileRequired: Bool,
               fastRow: (UnsafeRawBufferPointer, Int, Int, [String]) -> Int? = { _, _, _, _ in nil },
               _ body: (CSVRecord, (String) -> Int) -> Void) -> Bool {
        file = name
        let p = path(name)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
            if fileRequired { report(.error, name, nil, nil, "missing required file") }
            return false
        }
        if isDir.boolValue { report(.error, name, nil, nil, "is a directory, expected a file"); return false }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: p), options: .alwaysMapped) } catch {
            report(.error, name, nil, nil, "cannot read file: \(error.localizedDescription)"); return false
        }
        var ok = true
        data.withUnsafeBytes { raw in
            var reader = CSVReader(bytes: raw)
            var rec = CSVRecord()
            guard reader.next(into: &rec) else {
                report(.error, name, 1, 1, "empty file (expected a header row)"); ok = false; return
            }
            if let e = rec.syntaxError { report(.error, name, e.line, e.column, e.message); ok = false; return }
            var header: [String: Int] = [:]
            let names = (0..<rec.count).map { text(rec, $0) }
            for (i, h) in names.enumerated() {
                if header[h] != nil { report(.error, name, rec.line(of: i), rec.column(of: i), "duplicate column '\(LoaderState.sanitize(h))'"); ok = false }
                else { header[h] = i }
            }
            for r in required where header[r] == nil {
                report(.error, name, 1, 1, "missing column '\(r)'"); ok = false
            }
            let known = Set(required + optional)
            for (i, h) in names.enumerated() where !known.contains(h) {
                report(.warning, name, rec.line(of: i), rec.column(of: i), "unknown column '\(LoaderState.sanitize(h))' ignored")
            }
            if !ok { return }
            let width = names.count
            let col: (String) -> Int = { header[$0] ?? -1 }
            while true {
                // Fast path: a plain row handled straight from the mapped bytes (returns the
                // position after its line end), else the general reader with full diagnostics.
                if reader.pos < raw.count, let next = fastRow(raw, reader.pos, reader.line, names) {
                    reader.pos = next; reader.line += 1; reader.col = 1
                    continue
                }
                guard reader.next(into: &rec) else { break }
                if let e = rec.syntaxError { report(.error, name, e.line, e.column, e.message); continue }
                if rec.count != width {
                    report(.error, name, rec.line, 1, "expected \(width) fields, found \(rec.count)"); continue
                }
                rowBad = false
                body(rec, col)
            }
        }
        return ok
    }

    // MARK: run

    func run() -> LoadResult {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            report(.error, dir, nil, nil, "not a directory")
            return finish(valid: false)
        }
        loadSettings()
        loadProducts()
        loadNodes()
        let lanesOK = loadLanes()
        loadProduction()
        loadStorage()
        let demandOK = loadVolumes(NetworkFile.demand, isDemand: true)
        if options.loadSalesHistory { _ = loadVolumes(NetworkFile.salesHistory, isDemand: false) }
        loadFleet()
        loadHolidays()
        crossChecks(lanesOK: lanesOK, demandOK: demandOK)
        return finish(valid: errorCount == 0)
    }

    func finish(valid: Bool) -> LoadResult {
        for f in suppressed.keys.sorted() {
            let s = suppressed[f]!
            var parts: [String] = []
            if s.errors > 0 { parts.append("\(s.errors) more error(s)") }
            if s.warnings > 0 { parts.append("\(s.warnings) more warning(s)") }
            diagnostics.append(Diagnostic(s.errors > 0 ? .error : .warning, file: f,
                                          "\(parts.joined(separator: " and ")) not shown"))
        }
        var net: Network? = nil
        if valid, let settings {
            net = Network(settings: settings, products: products, nodes: nodes, lanes: lanes,
                          production: production, storage: storage, demand: demand,
                          salesHistory: history, fleets: fleets, holidays: holidays)
        }
        return LoadResult(network: net, diagnostics: diagnostics, errorCount: errorCount, warningCount: warningCount)
    }

    func loadSettings() {
        let name = NetworkFile.settings
        let p = path(name)
        guard FileManager.default.fileExists(atPath: p) else { report(.error, name, nil, nil, "missing required file"); return }
        guard let data = FileManager.default.contents(atPath: p) else {
            report(.error, name, nil, nil, "cannot read file"); return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report(.error, name, nil, nil, "not valid UTF-8"); return
        }
        let (entries, problems) = FlatYAML.parse(text)
        for pr in problems { report(.error, name, pr.line, pr.column, pr.message) }
        var seen: [String: Int] = [:]
        var start: Day? = nil, days: Int? = nil, currency: String? = nil
        var bad = !problems.isEmpty
        for e in entries {
            if let first = seen[e.key] {
                report(.error, name, e.line, e.keyColumn, "duplicate key '\(e.key)' (first on line \(first))"); bad = true; continue
            }
            seen[e.key] = e.line
            switch e.key {
            case "start":
                if let d = Day(iso: e.value) { start = d } else {
                    report(.error, name, e.line, e.valueColumn, "'start' is not an ISO date (yyyy-MM-dd): '\(LoaderState.sanitize(e.value))'"); bad = true
                }
            case "days":
                if let v = Int(e.value), v >= 1, v <= Settings.maxDays { days = v } else {
                    report(.error, name, e.line, e.valueColumn,
                           "'days' must be an integer from 1 to \(Settings.maxDays), got '\(LoaderState.sanitize(e.value))'"); bad = true
                }
            case "currency":
                currency = e.value.isEmpty ? nil : e.value
            default:
                report(.warning, name, e.line, e.keyColumn, "unknown key '\(LoaderState.sanitize(e.key))' ignored")
            }
        }
        if seen["start"] == nil { report(.error, name, nil, nil, "missing key 'start'"); bad = true }
        if seen["days"] == nil { report(.error, name, nil, nil, "missing key 'days'"); bad = true }
        if let start, let days, !bad || (seen["start"] != nil && seen["days"] != nil) {
            settings = Settings(start: start, days: days, currency: currency)
        }
    }

    func loadProducts() {
        productsFailed = !table(NetworkFile.products, required: ["product", "name", "shortage_penalty", "safety_penalty"],
              optional: [], fileRequired: true) { rec, col in
            let cId = col("product")
            let id = ident(rec, cId, "product")
            if !id.isEmpty && id.contains(";") { error(rec, cId, "product id must not contain ';': '\(LoaderState.sanitize(id))'") }
            let name = text(rec, col("name"))
            let sp = number(rec, col("shortage_penalty"), "shortage_penalty", required: true, .nonNegative)
            let fp = number(rec, col("safety_penalty"), "safety_penalty", required: true, .nonNegative)
            if !id.isEmpty, let first = productIdx[id] {
                error(rec, cId, "duplicate product '\(id)' (first defined on line \(productLine[first]))")
            }
            if rowBad { if !id.isEmpty && productIdx[id] == nil { brokenProducts.insert(id) }; return }
            productIdx[id] = products.count
            productLine.append(rec.line)
            products.append(Product(id: id, name: name, shortagePenalty: sp!, safetyPenalty: fp!))
        }
    }

    func loadNodes() {
        nodesFailed = !table(NetworkFile.nodes, required: ["node", "kind", "name", "lat", "lon", "throughput_m3_per_day"],
              optional: [], fileRequired: true) { rec, col in
            let cId = col("node"), cKind = col("kind")
            let id = ident(rec, cId, "node")
            let kindText = text(rec, cKind)
            let kind = NodeKind(rawValue: kindText)
            if kind == nil {
                if kindText.isEmpty { error(rec, cKind, "missing value for 'kind'") }
                else { error(rec, cKind, "unknown kind '\(shown(rec, cKind))' (expected refinery, terminal, depot or station)") }
            }
            let name = text(rec, col("name"))
            let lat = number(rec, col("lat"), "lat", required: false, .any)
            let lon = number(rec, col("lon"), "lon", required: false, .any)
            if let lat, abs(lat) > 90 { error(rec, col("lat"), "'lat' must be within -90...90, got \(fmt(lat))") }
            if let lon, abs(lon) > 180 { error(rec, col("lon"), "'lon' must be within -180...180, got \(fmt(lon))") }
            if (lat == nil) != (lon == nil) && !rowBad { warning(rec, col(lat == nil ? "lat" : "lon"), "only one of 'lat' and 'lon' is set") }
            let tp = number(rec, col("throughput_m3_per_day"), "throughput_m3_per_day", required: false, .positive)
            if !id.isEmpty, let first = nodeIdx[id] {
                error(rec, cId, "duplicate node '\(id)' (first defined on line \(nodeLine[first]))")
            }
            if rowBad { if !id.isEmpty && nodeIdx[id] == nil { brokenNodes.insert(id) }; return }
            nodeIdx[id] = nodes.count
            nodeLine.append(rec.line)
            nodes.append(Node(id: id, kind: kind!, name: name, lat: lat, lon: lon, throughputM3PerDay: tp))
        }
    }

    func loadLanes() -> Bool {
        var seen: [String: Int] = [:]
        return table(NetworkFile.lanes,
                     required: ["from", "to", "mode", "cost_per_m3", "capacity_m3_per_day", "transit_days", "distance_km", "products"],
                     optional: ["min_shipment_m3", "fixed_cost_per_day"], fileRequired: true) { rec, col in
            let cFrom = col("from"), cTo = col("to"), cMode = col("mode")
            let from = nodeRef(rec, cFrom, "from")
            let to = nodeRef(rec, cTo, "to")
            if let from, nodes[from].kind == .station { error(rec, cFrom, "lane starts at station '\(nodes[from].id)'") }
            if let to, nodes[to].kind == .refinery { error(rec, cTo, "lane ends at refinery '\(nodes[to].id)'") }
            if let from, let to, from == to { error(rec, cTo, "lane starts and ends at '\(nodes[from].id)'") }
            let modeText = text(rec, cMode)
            let mode = TransportMode(rawValue: modeText)
            if mode == nil {
                if modeText.isEmpty { error(rec, cMode, "missing value for 'mode'") }
                else { error(rec, cMode, "unknown mode '\(shown(rec, cMode))' (expected pipeline, rail, ship or truck)") }
            }
            let cost = number(rec, col("cost_per_m3"), "cost_per_m3", required: true, .nonNegative)
            let cap = number(rec, col("capacity_m3_per_day"), "capacity_m3_per_day", required: false, .nonNegative)
            let transit = integer(rec, col("transit_days"), "transit_days", minimum: 0)
            let dist = number(rec, col("distance_km"), "distance_km", required: false, .nonNegative)
            let minShip = number(rec, col("min_shipment_m3"), "min_shipment_m3", required: false, .nonNegative)
            let fixed = number(rec, col("fixed_cost_per_day"), "fixed_cost_per_day", required: false, .nonNegative)
            var plist: [ProductIndex]? = nil
            let cP = col("products")
            let ptext = text(rec, cP)
            if !ptext.isEmpty {
                var list: [ProductIndex] = []
                for part in ptext.split(separator: ";", omittingEmptySubsequences: false) {
                    let pid = part.trimmingCharacters(in: .whitespaces)
                    if let p = productIdx[pid] { if !list.contains(p) { list.append(p) } }
                    else if productsFailed || brokenProducts.contains(pid) { rowBad = true }
                    else if pid.isEmpty { error(rec, cP, "empty product in list '\(shown(rec, cP))'") }
                    else { error(rec, cP, "unknown product '\(LoaderState.sanitize(pid))' in products list") }
                }
                plist = list.sorted()
            }
            if rowBad { return }
            if cost == 0 { warning(rec, col("cost_per_m3"), "lane has zero cost") }
            if cap == 0 { warning(rec, col("capacity_m3_per_day"), "lane capacity is 0: the lane can carry nothing") }
            if let minShip, let cap, minShip > cap {
                warning(rec, col("min_shipment_m3"), "min_shipment_m3 (\(fmt(minShip))) exceeds capacity_m3_per_day (\(fmt(cap))): the lane can never be used")
            }
            if let days = settings?.days, transit! >= days {
                warning(rec, col("transit_days"), "transit_days (\(transit!)) is not shorter than the horizon (\(days) days): the lane can deliver nothing within it")
            }
            let key = "\(from!)|\(to!)|\(mode!.rawValue)"
            if let first = seen[key] {
                warning(rec, cFrom, "another \(mode!.rawValue) lane from '\(nodes[from!].id)' to '\(nodes[to!].id)' (first on line \(first))")
            } else { seen[key] = rec.line }
            lanes.append(Lane(from: from!, to: to!, mode: mode!, costPerM3: cost!, capacityM3PerDay: cap,
                              transitDays: transit!, distanceKm: dist, products: plist,
                              minShipmentM3: minShip, fixedCostPerDay: fixed))
        }
    }

    func loadProduction() {
        var seen: [Int: Int] = [:]
        table(NetworkFile.production, required: ["refinery", "product", "min_m3_per_day", "max_m3_per_day", "cost_per_m3"],
              optional: [], fileRequired: true) { rec, col in
            let cR = col("refinery")
            let r = nodeRef(rec, cR, "refinery")
            if let r, nodes[r].kind != .refinery {
                error(rec, cR, "production at '\(nodes[r].id)', which is a \(nodes[r].kind.rawValue), not a refinery")
            }
            let p = productRef(rec, col("product"), "product")
            let lo = number(rec, col("min_m3_per_day"), "min_m3_per_day", required: true, .nonNegative)
            let hi = number(rec, col("max_m3_per_day"), "max_m3_per_day", required: true, .nonNegative)
            let cost = number(rec, col("cost_per_m3"), "cost_per_m3", required: true, .nonNegative)
            if let lo, let hi, lo > hi {
                error(rec, col("min_m3_per_day"), "min_m3_per_day (\(fmt(lo))) exceeds max_m3_per_day (\(fmt(hi)))")
            }
            if let r, let p, !rowBad {
                let k = r * max(products.count, 1) + p
                if let first = seen[k] {
                    error(rec, cR, "duplicate production of '\(products[p].id)' at '\(nodes[r].id)' (first on line \(first))")
                } else { seen[k] = rec.line }
            }
            if rowBad { return }
            if hi == 0 { warning(rec, col("max_m3_per_day"), "refinery '\(nodes[r!].id)' cannot produce '\(products[p!].id)' (max_m3_per_day is 0)") }
            productionLine.append(rec.line)
            production.append(Production(refinery: r!, product: p!, minM3PerDay: lo!, maxM3PerDay: hi!, costPerM3: cost!))
        }
    }

    func loadStorage() {
        var seen: [Int: Int] = [:]
        table(NetworkFile.storage, required: ["node", "product", "capacity_m3", "initial_m3", "safety_m3", "holding_cost_per_m3_day"],
              optional: [], fileRequired: true) { rec, col in
            let cN = col("node")
            let n = nodeRef(rec, cN, "node")
            let p = productRef(rec, col("product"), "product")
            let cap = number(rec, col("capacity_m3"), "capacity_m3", required: true, .nonNegative)
            let ini = number(rec, col("initial_m3"), "initial_m3", required: true, .nonNegative)
            let saf = number(rec, col("safety_m3"), "safety_m3", required: true, .nonNegative)
            let hold = number(rec, col("holding_cost_per_m3_day"), "holding_cost_per_m3_day", required: true, .nonNegative)
            if let cap, let ini, ini > cap {
                error(rec, col("initial_m3"), "initial_m3 (\(fmt(ini))) exceeds capacity_m3 (\(fmt(cap)))")
            }
            if let n, let p, !rowBad {
                let k = n * max(products.count, 1) + p
                if let first = seen[k] {
                    error(rec, cN, "duplicate storage of '\(products[p].id)' at '\(nodes[n].id)' (first on line \(first))")
                } else { seen[k] = rec.line }
            }
            if rowBad { return }
            if saf! > cap! {
                warning(rec, col("safety_m3"), "safety_m3 (\(fmt(saf!))) exceeds capacity_m3 (\(fmt(cap!))): the safety level can never be met")
            }
            storage.append(Storage(node: n!, product: p!, capacityM3: cap!, initialM3: ini!, safetyM3: saf!, holdingCostPerM3Day: hold!))
        }
    }

    /// demand.csv / sales_history.csv: the big tables, with a fast path that reuses the last
    /// station and product lookups.
    func loadVolumes(_ name: String, isDemand: Bool) -> Bool {
        let P = products.count
        var out = StationVolumes()
        // Duplicate detection: per series the last day seen; out-of-order series are checked by sorting.
        var lastDay = [Int32](repeating: Int32.min, count: nodes.count * P)
        var unsorted = [Bool](repeating: false, count: nodes.count * P)
        var anyUnsorted = false
        var lines: [Int32] = []
        var lastStationBytes: [UInt8] = [], lastStation = -1
        var lastProductBytes: [UInt8] = [], lastProduct = -1
        let cal = settings?.calendar
        var cols: (Int, Int, Int, Int)? = nil
        var fastOK: Bool? = nil
        var cacheStart = -1, cacheLen = 0, cacheStation = -1
        var prodStart = -1, prodLen = 0, cacheProduct = -1
        let nodeKinds = nodes.map(\.kind)
        func accept(_ s: Int, _ p: Int, _ dr: Int32, _ v: Double, _ line: Int) {
            let key = s * P + p
            if dr <= lastDay[key] { unsorted[key] = true; anyUnsorted = true } else { lastDay[key] = dr }
            if isDemand && v > 0 && firstLine[key] == 0 { firstLine[key] = Int32(truncatingIfNeeded: line) }
            out.station.append(Int32(s)); out.product.append(Int32(p)); out.day.append(dr); out.volume.append(v)
            lines.append(Int32(truncatingIfNeeded: line))
        }
        let nodeIdx = self.nodeIdx, productIdx = self.productIdx
        var firstLine = [Int32](repeating: 0, count: isDemand ? nodes.count * P : 0)
        let ok = table(name, required: ["station", "product", "date", "volume_m3"], optional: [],
                       fileRequired: isDemand, fastRow: { b, start, line, header in
            if fastOK == nil { fastOK = header == ["station", "product", "date", "volume_m3"] }
            guard fastOK! else { return nil }
            let n = b.count
            var ends = (0, 0, 0, 0)
            var i = start, f = 0
            // Split the line into exactly 4 plain fields (no quotes, no CR).
            while i < n {
                let c = b[i]
                if c == 44 {
                    if f == 0 { ends.0 = i } else if f == 1 { ends.1 = i } else if f == 2 { ends.2 = i } else { return nil }
                    f += 1
                } else if c == 10 { break }
                else if c == 34 || c == 13 { return nil }
                i += 1
            }
            guard f == 3 else { return nil }
            ends.3 = i
            let sLen = ends.0 - start
            var st = -1
            if sLen > 0 && sLen == cacheLen && memcmp(b.baseAddress! + start, b.baseAddress! + cacheStart, sLen) == 0 {
                st = cacheStation
            } else {
                guard sLen > 0, let k = nodeIdx[String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<ends.0]), as: UTF8.self)],
                      nodeKinds[k] == .station else { return nil }
                st = k; cacheStation = k; cacheStart = start; cacheLen = sLen
            }
            let pStart = ends.0 + 1, pLen = ends.1 - pStart
            var pr = -1
            if pLen > 0 && pLen == prodLen && memcmp(b.baseAddress! + pStart, b.baseAddress! + prodStart, pLen) == 0 {
                pr = cacheProduct
            } else {
                guard pLen > 0, let k = productIdx[String(decoding: UnsafeRawBufferPointer(rebasing: b[pStart..<ends.1]), as: UTF8.self)]
                else { return nil }
                pr = k; cacheProduct = k; prodStart = pStart; prodLen = pLen
            }
            guard let d = Day(isoBytes: UnsafeRawBufferPointer(rebasing: b[(ends.1 + 1)..<ends.2])) else { return nil }
            if let cal {
                if isDemand { if cal.index(of: d) == nil { return nil } } else if d >= cal.start { return nil }
            }
            guard let v = NumberParser.double(UnsafeRawBufferPointer(rebasing: b[(ends.2 + 1)..<ends.3])),
                  v >= 0, v <= LoaderState.maxMagnitude else { return nil }
            accept(st, pr, d.raw, v, line)
            return i < n ? i + 1 : n
        }) { rec, col in
            if cols == nil { cols = (col("station"), col("product"), col("date"), col("volume_m3")) }
            let (cS, cP, cD, cV) = cols!
            // Station, with a one-entry cache.
            var s = rec.withBytes(cS) { b -> Int in
                let t = trimmed(b)
                if lastStation >= 0 && t.elementsEqual(lastStationBytes) { return lastStation }
                return -1
            }
            if s < 0 {
                if let i = nodeRef(rec, cS, "station") {
                    s = i
                    lastStation = i
                    lastStationBytes = rec.withBytes(cS) { Array(trimmed($0)) }
                    if nodes[i].kind != .station {
                        error(rec, cS, "\(isDemand ? "demand" : "sales") at '\(nodes[i].id)', which is a \(nodes[i].kind.rawValue), not a station")
                        lastStation = -1
                    }
                }
            }
            var p = rec.withBytes(cP) { b -> Int in
                let t = trimmed(b)
                if lastProduct >= 0 && t.elementsEqual(lastProductBytes) { return lastProduct }
                return -1
            }
            if p < 0, let i = productRef(rec, cP, "product") {
                p = i; lastProduct = i; lastProductBytes = rec.withBytes(cP) { Array(trimmed($0)) }
            }
            let d = date(rec, cD, "date")
            let v = number(rec, cV, "volume_m3", required: true, .nonNegative)
            if let d, let cal {
                if isDemand {
                    if cal.index(of: d) == nil {
                        error(rec, cD, "date \(d.iso) is outside the planning horizon \(cal.start.iso)..\(cal.end.iso)")
                    }
                } else if d >= cal.start {
                    error(rec, cD, "sales date \(d.iso) is not before the planning start \(cal.start.iso)")
                }
            }
            if rowBad || s < 0 || p < 0 { return }
            accept(s, p, d!.raw, v!, rec.line)
        }
        if anyUnsorted {
            var idx = (0..<out.count).filter { unsorted[Int(out.station[$0]) * P + Int(out.product[$0])] }
            idx.sort { a, b in
                let ka = (out.station[a], out.product[a], out.day[a]), kb = (out.station[b], out.product[b], out.day[b])
                return ka != kb ? ka < kb : a < b
            }
            var dups: [(Int, Int)] = []
            for k in 1..<max(idx.count, 1) {
                let a = idx[k - 1], b = idx[k]
                if out.station[a] == out.station[b] && out.product[a] == out.product[b] && out.day[a] == out.day[b] {
                    dups.append((b, a))
                }
            }
            dups.sort { $0.0 < $1.0 }
            file = name
            for (b, a) in dups {
                report(.error, name, Int(lines[b]), 1,
                       "duplicate \(isDemand ? "demand" : "sales") for '\(nodes[Int(out.station[b])].id)', '\(products[Int(out.product[b])].id)' on \(Day(raw: out.day[b]).iso) (first on line \(lines[a]))")
            }
        }
        if isDemand { demand = out; demandFirstLine = firstLine } else { history = out }
        return ok
    }

    func loadFleet() {
        table(NetworkFile.fleet, required: ["depot", "trucks", "compartments_m3", "speed_kmh", "load_minutes", "unload_minutes", "shift_hours", "cost_per_km"],
              optional: [], fileRequired: false) { rec, col in
            let cD = col("depot")
            let d = nodeRef(rec, cD, "depot")
            if let d, nodes[d].kind != .depot && nodes[d].kind != .terminal {
                error(rec, cD, "fleet at '\(nodes[d].id)', which is a \(nodes[d].kind.rawValue), not a depot or terminal")
            }
            let trucks = integer(rec, col("trucks"), "trucks", minimum: 0)
            let cC = col("compartments_m3")
            var comps: [Double] = []
            let ctext = text(rec, cC)
            if ctext.isEmpty { error(rec, cC, "missing value for 'compartments_m3'") }
            else {
                for part in ctext.split(separator: ";", omittingEmptySubsequences: false) {
                    let t = part.trimmingCharacters(in: .whitespaces)
                    if let v = NumberParser.double(t), v > 0, v <= LoaderState.maxMagnitude { comps.append(v) }
                    else {
                        error(rec, cC, "'compartments_m3' must be a ';'-separated list of positive numbers: '\(shown(rec, cC))'")
                        break
                    }
                }
            }
            let speed = number(rec, col("speed_kmh"), "speed_kmh", required: true, .positive)
            let lm = number(rec, col("load_minutes"), "load_minutes", required: true, .nonNegative)
            let um = number(rec, col("unload_minutes"), "unload_minutes", required: true, .nonNegative)
            let sh = number(rec, col("shift_hours"), "shift_hours", required: true, .positive)
            let cpk = number(rec, col("cost_per_km"), "cost_per_km", required: true, .nonNegative)
            if let sh, sh > 24 { error(rec, col("shift_hours"), "'shift_hours' must be <= 24, got \(fmt(sh))") }
            if rowBad { return }
            fleets.append(Fleet(depot: d!, trucks: trucks!, compartmentsM3: comps, speedKmh: speed!, loadMinutes: lm!,
                                unloadMinutes: um!, shiftHours: sh!, costPerKm: cpk!))
        }
    }

    func loadHolidays() {
        var list: [Holiday] = []
        var seen: [Int32: Int] = [:]
        let present = table(NetworkFile.holidays, required: ["date", "name"], optional: [], fileRequired: false) { rec, col in
            let d = date(rec, col("date"), "date")
            let name = text(rec, col("name"))
            if rowBad { return }
            if let first = seen[d!.raw] { warning(rec, col("date"), "holiday \(d!.iso) listed twice (first on line \(first))") }
            else { seen[d!.raw] = rec.line }
            list.append(Holiday(day: d!, name: name))
        }
        if present || FileManager.default.fileExists(atPath: path(NetworkFile.holidays)) { holidays = list }
    }

    // MARK: cross-file checks

    func crossChecks(lanesOK: Bool, demandOK: Bool) {
        let P = products.count
        // Station with demand but no route from any refinery.
        let upstreamClean = [NetworkFile.products, NetworkFile.nodes, NetworkFile.lanes, NetworkFile.production]
            .allSatisfy { fileErrors[$0, default: 0] == 0 }
        if lanesOK && demandOK && upstreamClean && !demandFirstLine.isEmpty {
            let net = Network(settings: settings ?? Settings(start: Day(raw: 0), days: 1), products: products,
                              nodes: nodes, lanes: lanes, production: production)
            var problems: [(Int32, String)] = []
            for p in 0..<P {
                var needed = false
                for s in 0..<nodes.count where demandFirstLine[s * P + p] != 0 { needed = true; break }
                if !needed { continue }
                let reach = net.reachableFromRefineries(product: p)
                for s in 0..<nodes.count where demandFirstLine[s * P + p] != 0 && !reach[s] {
                    problems.append((demandFirstLine[s * P + p],
                                     "station '\(nodes[s].id)' has demand for '\(products[p].id)' but no route from any refinery"))
                }
            }
            problems.sort { $0.0 < $1.0 }
            for (line, msg) in problems { report(.error, NetworkFile.demand, Int(line), 1, msg) }
        }
        // Warnings about suspicious but legal data.
        var hasStorage = [Bool](repeating: false, count: nodes.count)
        for s in storage { hasStorage[s.node] = true }
        var hasLane = [Bool](repeating: false, count: nodes.count)
        if lanesOK { for l in lanes { hasLane[l.from] = true; hasLane[l.to] = true } }
        var produces = [Bool](repeating: false, count: nodes.count)
        for pr in production { produces[pr.refinery] = true }
        for (i, n) in nodes.enumerated() {
            if n.kind == .station && !hasStorage[i] {
                report(.warning, NetworkFile.nodes, nodeLine[i], 1, "station '\(n.id)' has no storage")
            }
            if lanesOK && !hasLane[i] {
                let stuck = n.kind == .refinery && production.contains { $0.refinery == i && $0.minM3PerDay > 0 }
                report(.warning, NetworkFile.nodes, nodeLine[i], 1, "\(n.kind.rawValue) '\(n.id)' has no lanes"
                       + (stuck ? ": its minimum production can only go into its own tanks, and must fit there over the whole horizon" : ""))
            }
            if n.kind == .refinery && !produces[i] {
                report(.warning, NetworkFile.nodes, nodeLine[i], 1, "refinery '\(n.id)' has no production rows")
            }
        }
        // A refinery's minimum production of a product none of its lanes carries can only go into
        // its own tank.
        if lanesOK {
            for (k, pr) in production.enumerated() where pr.minM3PerDay > 0 && hasLane[pr.refinery] {
                let carried = lanes.contains { $0.from == pr.refinery && ($0.products?.contains(pr.product) ?? true) }
                if !carried {
                    report(.warning, NetworkFile.production, productionLine[k], 1,
                           "refinery '\(nodes[pr.refinery].id)' must produce '\(products[pr.product].id)' (min_m3_per_day \(fmt(pr.minM3PerDay))) but none of its lanes carries it: it can only go into its own tank")
                }
            }
        }
        // Dead ends: volume sent to a node that can neither keep it, pass it on nor sell it is
        // impossible, so its inbound lanes carry nothing (a refinery upstream whose only outlet
        // they are cannot ship its minimum production).
        if lanesOK {
            var hasOut = [Bool](repeating: false, count: nodes.count), inbound = [Int](repeating: 0, count: nodes.count)
            for l in lanes { hasOut[l.from] = true; inbound[l.to] += 1 }
            var sells = [Bool](repeating: false, count: nodes.count)
            if !demandFirstLine.isEmpty {
                for i in 0..<nodes.count { for p in 0..<P where demandFirstLine[i * P + p] != 0 { sells[i] = true } }
            }
            for (i, n) in nodes.enumerated() where !hasOut[i] {
                if inbound[i] > 0 && !hasStorage[i] && !sells[i] && !produces[i] {
                    report(.warning, NetworkFile.nodes, nodeLine[i], 1,
                           "\(n.kind.rawValue) '\(n.id)' receives \(inbound[i]) lane(s) but has no outgoing lane, no storage and no demand: nothing can be delivered to it")
                }
            }
        }
        if demandOK && settings != nil {
            var total = [Double](repeating: 0, count: P)
            for i in 0..<demand.count { total[Int(demand.product[i])] += demand.volume[i] }
            var cap = [Double](repeating: 0, count: P)
            for pr in production { cap[pr.product] += pr.maxM3PerDay }
            let T = Double(settings!.days)
            for p in 0..<P {
                if total[p] == 0 {
                    report(.warning, NetworkFile.products, productLine[p], 1, "product '\(products[p].id)' is never demanded")
                } else if cap[p] * T < total[p] {
                    report(.warning, NetworkFile.production, nil, nil,
                           "total refinery capacity for '\(products[p].id)' (\(fmt(cap[p] * T)) m3 over the horizon) is below its demand (\(fmt(total[p])) m3)")
                }
            }
        }
    }
}
