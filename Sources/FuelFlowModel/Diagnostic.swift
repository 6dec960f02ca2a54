// Validation results: every problem found, with its position.

/// One problem found while loading or validating a network folder.
///
/// Formatted like a compiler message: `lanes.csv:7:3: error: unknown node 'D9'`; without a
/// position: `demand.csv: error: missing required file`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning
        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }
    public var severity: Severity
    /// File name relative to the network folder (e.g. `lanes.csv`).
    public var file: String
    /// 1-based line, or nil for whole-file problems.
    public var line: Int?
    /// 1-based column (Unicode scalars), or nil.
    public var column: Int?
    public var message: String

    public init(_ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.severity = severity; self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)"; if let column { s += ":\(column)" } }
        return s + ": \(severity.rawValue): \(message)"
    }
}

/// The outcome of reading a network folder: the network (when there are no errors) and every
/// diagnostic.
public struct LoadResult: Sendable {
    /// The loaded network; nil when any error was found.
    public var network: Network?
    /// Diagnostics in file order (settings, products, nodes, lanes, production, storage, demand,
    /// sales history, fleet, holidays, then cross-file checks). At most
    /// `LoadOptions.maxDiagnosticsPerFile` per file are kept; `errorCount` and `warningCount`
    /// count them all.
    public var diagnostics: [Diagnostic]
    public var errorCount: Int
    public var warningCount: Int
    /// True when there are no errors (warnings allowed).
    public var isValid: Bool { errorCount == 0 }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Thrown by `NetworkLoader.load(from:)` when the folder has errors.
public struct NetworkLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var errorCount: Int
    public var description: String {
        let shown = diagnostics.filter { $0.severity == .error }.prefix(20).map(\.description).joined(separator: "\n")
        return "network has \(errorCount) error(s):\n" + shown
    }
}
