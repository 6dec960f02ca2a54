import ArgumentParser
import Foundation
import FuelFlowModel

/// `fuelflow validate DIR`: load a network folder, print every problem, exit 0 (valid) or 1.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a network folder and report every problem as file:line:column.",
        discussion: """
            Prints errors and warnings (one per line, like a compiler) to stderr and a summary \
            line to stdout. Exits 0 when the network is valid (warnings allowed), 1 when it has errors.
            """
    )

    @Argument(help: "The network folder (settings.yaml, products.csv, nodes.csv, …).")
    var directory: String

    @Flag(name: .long, help: "Do not print warnings.")
    var noWarnings = false

    @Flag(name: .long, help: "Skip sales_history.csv (faster on big networks).")
    var skipHistory = false

    @Option(name: .long, help: "Most diagnostics shown per file.")
    var maxPerFile = 100

    func validate() throws {
        if maxPerFile < 1 { throw ValidationError("--max-per-file must be >= 1") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        let result = NetworkLoader.validate(
            directory: directory,
            options: LoadOptions(loadSalesHistory: !skipHistory, maxDiagnosticsPerFile: maxPerFile))
        let elapsed = clock.now - t0
        var err = FileHandle.standardError
        for d in result.diagnostics where !(noWarnings && d.severity == .warning) {
            print(d.description, to: &err)
        }
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var summary = "\(directory): \(result.errorCount) error(s), \(result.warningCount) warning(s)"
        if let n = result.network {
            let stations = n.nodes.lazy.filter { $0.kind == .station }.count
            summary += "; \(n.nodes.count) nodes (\(stations) stations), \(n.lanes.count) lanes, \(n.products.count) products, "
                + "\(n.demand.count) demand rows, \(n.salesHistory.count) sales rows; loaded in \(String(format: "%.2f", secs)) s"
        }
        print(summary)
        if !result.isValid { throw ExitCode.failure }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
