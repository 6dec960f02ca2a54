import ArgumentParser
import Forecasting
import Foundation
import FuelFlowModel
import Planner

/// `fuelflow plan DIR --out OUT`: optimise the network over the horizon and write the plan.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Optimise flows, production and stock over the horizon (min-cost flow / LP / MIP).",
        discussion: """
            Writes plan.json, flows.csv, production.csv, inventory.csv, shortfalls.csv, \
            marginal_costs.csv and bottlenecks.csv into OUT (atomically). Exit codes: 0 optimal, \
            1 bad input, 2 infeasible, 3 limit reached (time limit, MIP gap or --gap).
            """
    )

    @Argument(help: "The network folder.")
    var directory: String

    @Option(name: .long, help: "Output folder (replaced atomically).")
    var out: String

    @Option(name: .long, help: "auto | lp | mincost | partition")
    var method: String = "auto"

    @Option(name: .long, help: "Time limit in seconds for GLPK (LP/MIP).")
    var timeLimit: Double?

    @Option(name: .long, help: "Write the model in CPLEX LP format to FILE.")
    var writeLp: String?

    @Option(name: .long, help: "Write the model in free MPS format to FILE.")
    var writeMps: String?

    @Flag(name: .long, help: "Only write the --write-lp/--write-mps files; do not solve.")
    var noSolve = false

    @Flag(name: .long, help: "Print plan.json to stdout.")
    var json = false

    @Flag(name: .long, help: "Model min_shipment_m3 and fixed_cost_per_day of lanes (MIP: GLPK branch-and-cut, from the lots heuristic's plan with --method auto).")
    var mip = false

    @Option(name: .long, help: "Relative MIP gap at which to stop (e.g. 0.01).")
    var mipGap: Double = 0

    @Flag(name: .long, help: "With --mip: the lots heuristic (LP rounding with a certified gap, route mip-lots) whatever the model size; by default only from 200,000 variables, below that GLPK's branch-and-cut.")
    var lots = false

    @Option(name: .long, help: "Decomposition route: stop at this certified relative gap (plan − lower bound) / plan, e.g. 0.001, with status feasible (exit 3) unless it is at most 1e-8 (optimal). (default: 1e-8)")
    var gap: Double?

    @Option(name: .long, help: "Worker threads for the per-product flows.")
    var threads: Int?

    @Option(name: .long, help: "Experimental: rounds of Dantzig–Wolfe decomposition before the full LP on coupled models (0 = off).")
    var decompositionRounds: Int = 0

    @Option(name: .long, help: "auto: coupled models with at least this many variables are solved by Dantzig–Wolfe decomposition (best feasible plan + certified gap at the time limit, default 600 s) instead of the warm-started LP.")
    var decompositionThreshold: Int = 0

    @Option(name: .long, help: "auto: coupled models with fewer variables than this are first solved exactly by our primal-partitioning simplex, within a pivot budget (0 = never).")
    var partitionThreshold: Int = PlanOptions.defaultPartitionThreshold

    @Option(name: .long, help: "Blocks of the decomposition: leaves (one per station and product; the master keeps refineries, terminals and depots), products (one per product), or auto (leaves when stations hold at least half of the variables).")
    var decomposition: String = "auto"

    @Option(name: .long, help: "Demand to plan against: file (demand.csv) or forecast (forecast from sales_history.csv).")
    var demand: DemandSource = .file

    @Option(name: .long, help: "With --demand forecast: plan against this forecast quantile (default 0.5, e.g. 0.9 for a cautious plan).")
    var demandQuantile: Double = 0.5

    @Flag(name: .long, help: "No progress messages.")
    var quiet = false

    enum DemandSource: String, ExpressibleByArgument, CaseIterable { case file, forecast }

    func validate() throws {
        if PlanMethod(rawValue: method) == nil { throw ValidationError("--method must be auto, lp, mincost or partition, got '\(method)'") }
        if let t = timeLimit, !(t > 0 && t.isFinite) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if !(mipGap >= 0 && mipGap <= 1) { throw ValidationError("--mip-gap must be within 0...1") }
        if lots && !mip { throw ValidationError("--lots needs --mip") }
        if lots && method != "auto" { throw ValidationError("--lots needs --method auto (the heuristic solves its LPs by auto's routes)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
        if let gap, !(gap > 0 && gap < 1) { throw ValidationError("--gap must be in (0, 1), got \(gap)") }
        if decomposition != "auto" && DecompositionKind(rawValue: decomposition) == nil {
            throw ValidationError("--decomposition must be auto, \(DecompositionKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(decomposition)'")
        }
        if !(demandQuantile > 0 && demandQuantile < 1) { throw ValidationError("--demand-quantile must be in (0, 1)") }
    }

    func run() throws {
        var err = FileHandle.standardError
        let reporter = ProgressReporter("forecast", quiet: quiet)
        var progress: (@Sendable (String) -> Void)? = nil
        if !quiet {  // phase messages: on the terminal and in CI logs alike
            progress = { msg in FileHandle.standardError.write("fuelflow plan: \(msg)\n") }
        }
        // Before any work: a network folder as OUT would lose its production.csv to the plan's.
        if let refusal = PlanWriter.refusal(for: out) { throw CLIFailure.badInput(refusal) }
        progress?("loading \(directory)")
        var network = try loadNetwork(directory, history: demand == .forecast, quiet: quiet)
        var demandNote = "demand.csv"
        if demand == .forecast {
            network.demand = try forecastDemand(network, reporter: reporter)
            demandNote = "forecast from sales_history.csv, quantile \(formatDecimal(demandQuantile, decimals: 4))"
            network.salesHistory = StationVolumes()  // not needed any more: free the memory
        }
        var options = PlanOptions(method: PlanMethod(rawValue: method)!, timeLimit: timeLimit, discrete: mip,
                                  mipGap: mipGap, progress: progress)
        if let threads { options.threads = threads }
        if lots { options.lotsThreshold = 0 }
        if let gap {
            options.decompositionGap = max(gap, PlanOptions.optimalGap)
            options.lotsGap = options.decompositionGap
        }
        options.decompositionRounds = decompositionRounds
        options.decompositionThreshold = decompositionThreshold
        options.partitionThreshold = partitionThreshold
        options.decomposition = DecompositionKind(rawValue: decomposition)
        let tBuild = ContinuousClock.now
        let model = PlanModel(network)
        let buildSeconds = (ContinuousClock.now - tBuild).seconds
        do {
            // The model GLPK is given: with --mip the lane-day binaries and their rows too.
            if let writeLp { try Planner.glpkModel(model, discrete: mip, names: true).write(to: writeLp, format: .cplexLP) }
            if let writeMps { try Planner.glpkModel(model, discrete: mip, names: true).write(to: writeMps, format: .freeMPS) }
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
        if noSolve {
            if !quiet {
                print("model: \(model.columnCount) variables, \(model.rowCount) constraints, \(model.entryValue.count) nonzeros (built in \(String(format: "%.2f", buildSeconds)) s)", to: &err)
            }
            return
        }
        let plan: Plan
        do {
            let t0 = ContinuousClock.now
            var p = try Planner.solve(model, options: options)
            p.buildSeconds = buildSeconds
            p.seconds = (ContinuousClock.now - t0).seconds + buildSeconds
            plan = p
        } catch let e as PlannerError {
            throw CLIFailure.badInput("\(e)")
        }
        var written = plan
        written.notes.insert("demand: \(demandNote)", at: 0)
        do {
            try PlanWriter.write(written, to: out)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
        if json { print(PlanWriter.json(written), terminator: "") }
        for line in plan.infeasibility { print(line, to: &err) }
        if !quiet {
            let cost = plan.hasPlan ? String(format: "%.2f", plan.objective) : "-"
            print("\(plan.status.rawValue): total cost \(cost) (route \(plan.route), \(String(format: "%.2f", plan.seconds)) s) → \(out)", to: &err)
        }
        switch plan.status {
        case .optimal: return
        case .infeasible, .unbounded: throw ExitCode(2)
        case .timeLimit, .feasible, .noPlan: throw ExitCode(3)
        }
    }

    /// Station demand from the forecast: every station × product forecast from its sales
    /// history over the planning horizon, at `--demand-quantile`.
    func forecastDemand(_ network: Network, reporter: ProgressReporter) throws -> StationVolumes {
        guard !network.salesHistory.isEmpty else {
            throw CLIFailure.badInput("\(directory)/sales_history.csv: --demand forecast needs sales history")
        }
        var options = NetworkForecastOptions()
        if !options.quantiles.contains(demandQuantile) { options.quantiles.append(demandQuantile) }
        let forecast = NetworkForecaster.forecast(network, options: options) { reporter.update($0, of: $1) }
        for (s, p) in forecast.withoutHistory {
            reporter.log("warning: station \(network.nodes[s].id) has demand for \(network.products[p].id) but no sales history: planned at 0")
        }
        return forecast.demand(quantile: demandQuantile)
    }
}
