import Foundation
import FuelFlowModel

/// Loads a network folder for a command; on errors prints every diagnostic (compiler style)
/// to stderr and fails with exit status 1. Warnings are printed unless `quiet`.
func loadNetwork(_ directory: String, history: Bool, quiet: Bool) throws -> Network {
    let result = NetworkLoader.validate(directory: directory, options: LoadOptions(loadSalesHistory: history))
    var err = FileHandle.standardError
    for d in result.diagnostics where d.severity == .error || !quiet {
        print(d.description, to: &err)
    }
    guard result.isValid, let network = result.network else {
        throw CLIFailure.badInput("\(directory): \(result.errorCount) error(s) in the network data")
    }
    return network
}

/// Shortest decimal text for a volume or cost: at most `decimals` places, no trailing zeros.
func formatDecimal(_ x: Double, decimals: Int = 3) -> String {
    guard x.isFinite else { return "0" }
    var s = String(format: "%.\(decimals)f", x)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
}

/// Quotes a CSV field when it needs it (RFC 4180).
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
