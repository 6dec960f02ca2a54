import ArgumentParser
import Foundation
import FuelFlowModel

/// `fuelflow generate --preset P [--seed S] --out DIR`: write a realistic, valid network.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic fuel network folder (deterministic for a seed).",
        discussion: """
            Presets: small (40 stations), province (150 stations, the example network), \
            national (30,000 stations, 2 years of history), continental (100,000 stations, no \
            history unless --history-days is given). Size flags override the preset.
            """
    )

    @Option(name: .long, help: "small | province | national | continental")
    var preset: String = "small"

    @Option(name: .long, help: "Random seed (same seed, same files).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output folder (written atomically).")
    var out: String

    @Option(name: .long) var refineries: Int?
    @Option(name: .long) var terminals: Int?
    @Option(name: .long) var depots: Int?
    @Option(name: .long) var stations: Int?
    @Option(name: .long, help: "Number of products, 1...6.") var products: Int?
    @Option(name: .long, help: "Planning horizon in days.") var days: Int?
    @Option(name: .long, help: "Days of daily sales history before the start.") var historyDays: Int?
    @Option(name: .long, help: "First planning day (yyyy-MM-dd).") var start: String?
    @Flag(name: .long, help: "No progress on stderr and no summary line.") var quiet = false

    func config() throws -> GeneratorConfig {
        guard let p = GeneratorPreset(rawValue: preset) else {
            throw ValidationError("unknown preset '\(preset)' (expected small, province, national or continental)")
        }
        var c = GeneratorConfig(preset: p, seed: seed)
        if let refineries { c.refineries = refineries }
        if let terminals { c.terminals = terminals }
        if let depots { c.depots = depots }
        if let stations { c.stations = stations }
        if let products { c.products = products }
        if let days { c.days = days }
        if let historyDays { c.historyDays = historyDays }
        if let start {
            guard let d = Day(iso: start) else { throw ValidationError("--start is not an ISO date (yyyy-MM-dd): '\(start)'") }
            c.start = d
        }
        if let first = c.problems.first { throw ValidationError(first) }
        return c
    }

    func validate() throws { _ = try config() }

    func run() throws {
        let c = try config()
        let progress = ProgressReporter("generate", quiet: quiet)
        let clock = ContinuousClock()
        let t0 = clock.now
        progress.log("generating the \(preset) network (seed \(seed))")
        let net = NetworkGenerator.generate(c)
        let t1 = clock.now
        progress.log("writing \(out)")
        do {
            try NetworkWriter.write(net, to: out)
        } catch {
            var err = FileHandle.standardError
            print("error: \(error)", to: &err)
            throw ExitCode.failure
        }
        let t2 = clock.now
        if quiet { return }
        let stations = net.nodes.lazy.filter { $0.kind == .station }.count
        print("wrote \(out): \(net.nodes.count) nodes (\(stations) stations), \(net.lanes.count) lanes, "
              + "\(net.products.count) products, \(net.demand.count) demand rows, \(net.salesHistory.count) sales rows "
              + "(generated in \(t1 - t0), written in \(t2 - t1))")
    }
}
