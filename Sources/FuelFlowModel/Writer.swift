// Writing a network folder back (lossless round trip), atomically.

import Foundation

/// Errors from `NetworkWriter`.
public struct NetworkWriteError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Builds CSV text in a byte buffer.
struct CSVWriterBuffer {
    var bytes: [UInt8] = []
    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    mutating func field(_ s: String, first: Bool = false) {
        if !first { bytes.append(44) }
        let needsQuotes = s.utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            || s.utf8.first == 32 || s.utf8.last == 32
        if needsQuotes {
            bytes.append(34)
            for c in s.utf8 { if c == 34 { bytes.append(34) }; bytes.append(c) }
            bytes.append(34)
        } else {
            bytes.append(contentsOf: s.utf8)
        }
    }
    mutating func number(_ x: Double) { bytes.append(44); bytes.append(contentsOf: NumberParser.format(x).utf8) }
    mutating func optNumber(_ x: Double?) { bytes.append(44); if let x { bytes.append(contentsOf: NumberParser.format(x).utf8) } }
    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func endLine() { bytes.append(10) }
    mutating func header(_ cols: [String]) { raw(cols.joined(separator: ",")); endLine() }
}

/// Writes a `Network` as a network folder: the same files `NetworkLoader` reads.
///
/// Numbers are written with Swift's shortest round-trip digits (no trailing `.0`, no exponent
/// for typical magnitudes), so `load(write(n)) == n`. Optional lane columns
/// (`min_shipment_m3`, `fixed_cost_per_day`) are written only when some lane sets them;
/// `holidays.csv` only when `holidays` is non-nil.
///
/// The folder is written atomically per file: everything goes to a hidden temporary folder
/// next to `directory`, then each file is renamed into place.
public enum NetworkWriter {
    public static func write(_ net: Network, to directory: String) throws {
        let files = render(net, volumes: false)
        try writeAtomically(files: files, to: directory) { name, url in
            if name == NetworkFile.demand { try streamVolumes(net, net.demand, to: url) }
            if name == NetworkFile.salesHistory { try streamVolumes(net, net.salesHistory, to: url) }
        }
    }

    /// Writes a volumes table in 8 MB chunks (the national preset's history is ~2 GB of text).
    static func streamVolumes(_ net: Network, _ v: StationVolumes, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw NetworkWriteError(description: "cannot create \(url.path)")
        }
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        var start = 0
        let chunk = 250_000
        repeat {
            let end = min(v.count, start + chunk)
            let bytes = renderVolumes(net, v, rows: start..<end, header: start == 0)
            try h.write(contentsOf: bytes)
            start = end
        } while start < v.count
    }

    /// The folder's files as (name, bytes), in a fixed order.
    public static func render(_ net: Network, volumes: Bool = true) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var s = "start: \(net.settings.start.iso)\ndays: \(net.settings.days)\n"
        if let c = net.settings.currency { s += "currency: \(yamlQuote(c))\n" }
        out.append((NetworkFile.settings, Array(s.utf8)))

        var w = CSVWriterBuffer()
        w.header(["product", "name", "shortage_penalty", "safety_penalty"])
        for p in net.products {
            w.field(p.id, first: true); w.field(p.name); w.number(p.shortagePenalty); w.number(p.safetyPenalty); w.endLine()
        }
        out.append((NetworkFile.products, w.bytes))

        w = CSVWriterBuffer()
        w.header(["node", "kind", "name", "lat", "lon", "throughput_m3_per_day"])
        for n in net.nodes {
            w.field(n.id, first: true); w.field(n.kind.rawValue); w.field(n.name)
            w.optNumber(n.lat); w.optNumber(n.lon); w.optNumber(n.throughputM3PerDay); w.endLine()
        }
        out.append((NetworkFile.nodes, w.bytes))

        w = CSVWriterBuffer()
        let hasMin = net.lanes.contains { $0.minShipmentM3 != nil }
        let hasFixed = net.lanes.contains { $0.fixedCostPerDay != nil }
        var cols = ["from", "to", "mode", "cost_per_m3", "capacity_m3_per_day", "transit_days", "distance_km", "products"]
        if hasMin { cols.append("min_shipment_m3") }
        if hasFixed { cols.append("fixed_cost_per_day") }
        w.header(cols)
        for l in net.lanes {
            w.field(net.nodes[l.from].id, first: true); w.field(net.nodes[l.to].id); w.field(l.mode.rawValue)
            w.number(l.costPerM3); w.optNumber(l.capacityM3PerDay); w.raw(",\(l.transitDays)"); w.optNumber(l.distanceKm)
            w.field(l.products.map { $0.map { net.products[$0].id }.joined(separator: ";") } ?? "")
            if hasMin { w.optNumber(l.minShipmentM3) }
            if hasFixed { w.optNumber(l.fixedCostPerDay) }
            w.endLine()
        }
        out.append((NetworkFile.lanes, w.bytes))

        w = CSVWriterBuffer()
        w.header(["refinery", "product", "min_m3_per_day", "max_m3_per_day", "cost_per_m3"])
        for p in net.production {
            w.field(net.nodes[p.refinery].id, first: true); w.field(net.products[p.product].id)
            w.number(p.minM3PerDay); w.number(p.maxM3PerDay); w.number(p.costPerM3); w.endLine()
        }
        out.append((NetworkFile.production, w.bytes))

        w = CSVWriterBuffer()
        w.header(["node", "product", "capacity_m3", "initial_m3", "safety_m3", "holding_cost_per_m3_day"])
        for s in net.storage {
            w.field(net.nodes[s.node].id, first: true); w.field(net.products[s.product].id)
            w.number(s.capacityM3); w.number(s.initialM3); w.number(s.safetyM3); w.number(s.holdingCostPerM3Day); w.endLine()
        }
        out.append((NetworkFile.storage, w.bytes))

        out.append((NetworkFile.demand, volumes ? renderVolumes(net, net.demand, rows: 0..<net.demand.count, header: true) : []))
        out.append((NetworkFile.salesHistory, volumes ? renderVolumes(net, net.salesHistory, rows: 0..<net.salesHistory.count, header: true) : []))

        w = CSVWriterBuffer()
        w.header(["depot", "trucks", "compartments_m3", "speed_kmh", "load_minutes", "unload_minutes", "shift_hours", "cost_per_km"])
        for f in net.fleets {
            w.field(net.nodes[f.depot].id, first: true); w.raw(",\(f.trucks)")
            w.field(f.compartmentsM3.map { NumberParser.format($0) }.joined(separator: ";"))
            w.number(f.speedKmh); w.number(f.loadMinutes); w.number(f.unloadMinutes); w.number(f.shiftHours); w.number(f.costPerKm)
            w.endLine()
        }
        out.append((NetworkFile.fleet, w.bytes))

        if let hs = net.holidays {
            w = CSVWriterBuffer()
            w.header(["date", "name"])
            for h in hs { w.raw(h.day.iso); w.field(h.name); w.endLine() }
            out.append((NetworkFile.holidays, w.bytes))
        }
        return out
    }

    static func renderVolumes(_ net: Network, _ v: StationVolumes, rows: Range<Int>, header: Bool) -> [UInt8] {
        var w = CSVWriterBuffer(capacity: 64 + rows.count * 32)
        if header { w.header(["station", "product", "date", "volume_m3"]) }
        // Cache quoted ids and formatted dates.
        var nodeText = [[UInt8]?](repeating: nil, count: net.nodes.count)
        var prodText: [[UInt8]] = net.products.map { p in var b = CSVWriterBuffer(capacity: 16); b.field(p.id, first: true); return b.bytes }
        var lastDay: Int32 = .min
        var dayText: [UInt8] = []
        for i in rows {
            let s = Int(v.station[i])
            if nodeText[s] == nil { var b = CSVWriterBuffer(capacity: 16); b.field(net.nodes[s].id, first: true); nodeText[s] = b.bytes }
            w.bytes.append(contentsOf: nodeText[s]!)
            w.bytes.append(44)
            w.bytes.append(contentsOf: prodText[Int(v.product[i])])
            w.bytes.append(44)
            if v.day[i] != lastDay { lastDay = v.day[i]; dayText = Array(Day(raw: lastDay).iso.utf8) }
            w.bytes.append(contentsOf: dayText)
            w.number(v.volume[i])
            w.endLine()
        }
        prodText.removeAll()
        return w.bytes
    }

    static func yamlQuote(_ s: String) -> String {
        if s.contains("#") || s.contains(":") || s.hasPrefix(" ") || s.hasSuffix(" ") || s.hasPrefix("\"") || s.hasPrefix("'") {
            return "\"" + s + "\""
        }
        return s
    }

    /// Writes files into `directory` atomically: first into a temporary sibling folder, then each
    /// file is renamed into place (a rename within one file system is atomic).
    public static func writeAtomically(files: [(String, [UInt8])], to directory: String,
                                       stream: ((String, URL) throws -> Void)? = nil) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = url.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            let tmp = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970 * 1e6))")
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
            defer { try? fm.removeItem(at: tmp) }
            for (name, bytes) in files {
                let u = tmp.appendingPathComponent(name)
                try Data(bytes).write(to: u)
                if bytes.isEmpty, let stream { try stream(name, u) }
            }
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
            for (name, _) in files {
                let dst = url.appendingPathComponent(name)
                if rename(tmp.appendingPathComponent(name).path, dst.path) != 0 {
                    throw NetworkWriteError(description: "cannot move \(name) into \(url.path): \(String(cString: strerror(errno)))")
                }
            }
        } catch let e as NetworkWriteError {
            throw e
        } catch {
            throw NetworkWriteError(description: "cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
