import ArgumentParser
import Foundation

/// The ways a command can end without success, each with its exit status.
///
/// Commands throw these; only `main.swift` turns them into a process exit status. The message
/// is printed on one line to stderr, prefixed with `fuelflow: `.
enum CLIFailure: Error, CustomStringConvertible {
    /// Bad input: unreadable or malformed files, invalid data. Exit status 1.
    case badInput(String)
    /// The problem has no optimal solution (infeasible or unbounded). Exit status 2.
    case noSolution(String)
    /// A time or iteration limit stopped the solver. Exit status 3.
    case limitReached(String)

    var description: String {
        switch self {
        case .badInput(let m), .noSolution(let m), .limitReached(let m): m
        }
    }

    var exitCode: Int32 {
        switch self {
        case .badInput: 1
        case .noSolution: 2
        case .limitReached: 3
        }
    }
}
