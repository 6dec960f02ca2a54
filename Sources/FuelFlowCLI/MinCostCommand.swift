import ArgumentParser
import FuelFlowSupport
import Foundation
import GLPK
import NetworkFlow

/// `fuelflow mincost FILE` — solve a DIMACS min-cost-flow file.
struct MinCostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mincost",
        abstract: "Solve a DIMACS min-cost-flow problem.",
        discussion: """
            Reads FILE in DIMACS min-cost-flow format (p min, n, a lines) and prints the optimal \
            objective, the solve time (solving only; reading the file is excluded) and the \
            algorithm. Exit status: 0 optimal, 1 bad input, 2 infeasible or unbounded.
            """
    )

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        /// Our own primal network simplex (pure Swift, exact 64-bit integers).
        case simplex
        /// GLPK's out-of-kilter algorithm (`glp_mincost_okalg`).
        case okalg
        /// GLPK's `glp_mincost_lp` followed by GLPK's primal simplex.
        case glpkLP = "glpk-lp"
    }

    @Argument(help: "A DIMACS min-cost-flow file.")
    var file: String

    @Option(help: "Algorithm: simplex (ours), okalg (GLPK out-of-kilter) or glpk-lp (GLPK simplex).")
    var algorithm: Algorithm = .simplex

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Also write the optimal arc flows as CSV (arc,from,to,flow).",
                               valueName: "FILE"))
    var flows: String?

    func run() throws {
        let problem: MinCostFlowProblem
        do {
            problem = try DIMACS.read(path: file)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
        if let bad = problem.validate() { throw CLIFailure.badInput(Self.explain(bad, problem, file: file)) }
        let outcome = try Self.solve(problem, algorithm: algorithm)
        if json {
            print(try outcome.jsonLine(nodes: problem.nodeCount, arcs: problem.arcCount))
        } else {
            print(outcome.text)
        }
        guard outcome.status == .optimal else {
            throw CLIFailure.noSolution("the problem is \(outcome.status.rawValue)")
        }
        if let flows, let values = outcome.flows {
            var csv = "arc,from,to,flow\n"
            csv.reserveCapacity(problem.arcCount * 16)
            for a in 0 ..< problem.arcCount {
                csv += "\(a + 1),\(problem.tail[a] + 1),\(problem.head[a] + 1),\(values[a])\n"
            }
            do { try AtomicFile.write(csv, to: flows) } catch { throw CLIFailure.badInput("\(error)") }
        }
    }

    /// A validation failure in the file's terms: `FILE:LINE:` of the first offending arc line
    /// (arcs are the file's `a` lines in order), or `FILE:` for whole-problem ranges.
    static func explain(_ status: MinCostFlowStatus, _ p: MinCostFlowProblem, file: String) -> String {
        func line(ofArc k: Int) -> String {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return file }
            var seen = 0, number = 0
            for l in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                number += 1
                if l.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("a") {
                    if seen == k { return "\(file):\(number)" }
                    seen += 1
                }
            }
            return file
        }
        let arcs = 0..<p.arcCount
        switch status {
        case .badBounds:
            if let a = arcs.first(where: { p.lower[$0] > p.capacity[$0] }) {
                return "\(line(ofArc: a)): arc \(p.tail[a] + 1) → \(p.head[a] + 1): lower bound \(p.lower[a]) exceeds capacity \(p.capacity[a])"
            }
            if let a = arcs.first(where: { p.lower[$0] == .min || p.lower[$0] == .max || p.capacity[$0] == .min }) {
                return "\(line(ofArc: a)): arc \(p.tail[a] + 1) → \(p.head[a] + 1): bound out of the 64-bit range"
            }
        case .badCostRange:
            if let a = arcs.max(by: { p.cost[$0].magnitude < p.cost[$1].magnitude }) {
                return "\(line(ofArc: a)): arc \(p.tail[a] + 1) → \(p.head[a] + 1): cost \(p.cost[a]) is too large for exact 64-bit arithmetic ((max |cost| + 1)·(nodes + 1) must stay within 2^60)"
            }
        case .badCapacityRange:
            return "\(file): supplies, lower bounds and finite capacities add up beyond 2^62 (too large for exact 64-bit arithmetic)"
        default: break
        }
        return "\(file): cannot solve exactly in 64-bit integers: \(status)"
    }

    struct Outcome {
        enum Status: String { case optimal, infeasible, unbounded }
        var status: Status
        var objective: Double?
        /// The network simplex's exact objective (printed in full, not through a Double).
        var exactObjective: Int64? = nil
        var algorithm: Algorithm
        var seconds: Double
        var iterations: Int?
        var flows: [String]?

        var text: String {
            var lines = ["status:     \(status.rawValue)"]
            if let exactObjective { lines.append("objective:  \(exactObjective)") }
            else if let objective { lines.append("objective:  \(formatNumber(objective))") }
            lines.append("algorithm:  \(algorithm.rawValue) (\(algorithm.displayName))")
            lines.append("solve time: \(String(format: "%.6f", seconds)) s")
            if let iterations { lines.append("iterations: \(iterations)") }
            return lines.joined(separator: "\n")
        }

        func jsonLine(nodes: Int, arcs: Int) throws -> String {
            var object: [String: Any] = [
                "status": status.rawValue,
                "algorithm": algorithm.rawValue,
                "solve_seconds": seconds,
                "nodes": nodes,
                "arcs": arcs,
            ]
            object["objective"] = exactObjective.map { $0 as Any }
                ?? objective.map { $0.rounded() == $0 && abs($0) < 9e15 ? Int64($0) as Any : $0 as Any } ?? NSNull()
            if let iterations { object["iterations"] = iterations }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func solve(_ problem: MinCostFlowProblem, algorithm: Algorithm) throws -> Outcome {
        switch algorithm {
        case .simplex:
            let clock = ContinuousClock()
            var result = MinCostFlowResult(status: .infeasible)
            let elapsed = clock.measure { result = NetworkSimplex().solve(problem) }
            let status: Outcome.Status
            switch result.status {
            case .optimal: status = .optimal
            case .infeasible: status = .infeasible
            case .unbounded: status = .unbounded
            case .badNodeID, .badBounds, .badCostRange, .badCapacityRange, .objectiveOverflow:
                throw CLIFailure.badInput("cannot solve exactly in 64-bit integers: \(result.status)")
            case .timeLimit:   // not reachable without a deadline; mapped like other limits
                throw CLIFailure.limitReached("the network simplex stopped at its time limit")
            }
            return Outcome(status: status, objective: status == .optimal ? Double(result.objective) : nil,
                           exactObjective: status == .optimal ? result.objective : nil,
                           algorithm: algorithm, seconds: elapsed.seconds, iterations: result.iterations,
                           flows: status == .optimal ? result.flow.map { String($0) } : nil)
        case .okalg, .glpkLP:
            let tails = problem.tail.map { Int($0) }, heads = problem.head.map { Int($0) }
            let clock = ContinuousClock()
            var result: GLPKMinCostFlow.Result?
            var failure: Error?
            let elapsed = clock.measure {
                do {
                    result = try GLPKMinCostFlow.solve(
                        nodeCount: problem.nodeCount, supply: problem.supply, tails: tails, heads: heads,
                        lower: problem.lower,
                        upper: problem.capacity.map { $0 == MinCostFlowProblem.unbounded ? GLPKMinCostFlow.unlimited : $0 },
                        cost: problem.cost, method: algorithm == .okalg ? .outOfKilter : .simplex)
                } catch {
                    failure = error
                }
            }
            if let failure { throw CLIFailure.badInput("GLPK: \(failure)") }
            guard let result else { throw CLIFailure.badInput("GLPK returned no result") }
            let status: Outcome.Status
            switch result.status {
            case .optimal: status = .optimal
            case .infeasible: status = .infeasible
            case .unbounded: status = .unbounded
            }
            return Outcome(status: status, objective: status == .optimal ? result.objective : nil,
                           algorithm: algorithm, seconds: elapsed.seconds, iterations: nil,
                           flows: status == .optimal ? result.flows.map(formatNumber) : nil)
        }
    }
}

extension MinCostCommand.Algorithm {
    var displayName: String {
        switch self {
        case .simplex: "FuelFlow network simplex"
        case .okalg: "GLPK out-of-kilter"
        case .glpkLP: "GLPK glp_mincost_lp + primal simplex"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}

/// Prints integers without a decimal point and other numbers in full.
func formatNumber(_ x: Double) -> String {
    if x.rounded() == x, abs(x) < 9e15 { return String(Int64(x)) }
    return String(x)
}
