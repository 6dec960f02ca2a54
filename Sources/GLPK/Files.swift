internal import CGLPK

extension LinearProgram {
    /// Model file formats GLPK reads and writes.
    public enum FileFormat: Sendable, Equatable {
        /// CPLEX LP format (`glp_read_lp` / `glp_write_lp`).
        case cplexLP
        /// Free (modern) MPS (`glp_read_mps` / `glp_write_mps` with `GLP_MPS_FILE`).
        case freeMPS
        /// Fixed (ancient) MPS (`GLP_MPS_DECK`).
        case fixedMPS
    }

    /// Writes the model to `path`.
    ///
    /// MPS has no objective sense section in GLPK's writer: a maximisation written as MPS is read
    /// back as a minimisation (GLPK's MPS reader always minimises). Use CPLEX LP to keep the sense.
    /// GLPK's CPLEX LP writer, in turn, drops the objective constant (it is written as a comment)
    /// and writes a range row `l ≤ a·x ≤ u` as `a·x − s = l` with a slack column `~r_i` in
    /// `[0, u − l]`, so reading it back yields one extra column. MPS keeps both (RANGES section,
    /// constant as the objective row's RHS).
    /// The corresponding GLPK routines are `glp_write_lp` and `glp_write_mps`.
    ///
    /// - Throws: ``GLPKError/invalidModel(_:)`` for an invalid model, ``GLPKError/file(path:message:)``
    ///   with GLPK's diagnostics when writing fails.
    public func write(to path: String, format: FileFormat) throws {
        try validate()
        let collector = MessageCollector()
        let rc = GLPKEnvironment.withTemporaryProblem(collector: collector) { p -> Int32 in
            loadModel(self, into: p)
            switch format {
            case .cplexLP: return glp_write_lp(p, nil, path)
            case .freeMPS: return glp_write_mps(p, GLP_MPS_FILE, nil, path)
            case .fixedMPS: return glp_write_mps(p, GLP_MPS_DECK, nil, path)
            }
        }
        if rc != 0 { throw GLPKError.file(path: path, message: Self.summary(collector.text)) }
    }

    /// Reads a model from `path`.
    /// The corresponding GLPK routines are `glp_read_lp` and `glp_read_mps`.
    ///
    /// - Throws: ``GLPKError/file(path:message:)`` when the file is missing or malformed; the
    ///   message carries GLPK's own parse diagnostics (e.g. `"x.lp:3: missing constraint sense"`).
    public init(contentsOf path: String, format: FileFormat) throws {
        let collector = MessageCollector()
        let model = GLPKEnvironment.withTemporaryProblem(collector: collector) { p -> LinearProgram? in
            let rc: Int32
            switch format {
            case .cplexLP: rc = glp_read_lp(p, nil, path)
            case .freeMPS: rc = glp_read_mps(p, GLP_MPS_FILE, nil, path)
            case .fixedMPS: rc = glp_read_mps(p, GLP_MPS_DECK, nil, path)
            }
            return rc == 0 ? extractModel(from: p) : nil
        }
        guard let model else { throw GLPKError.file(path: path, message: Self.summary(collector.text)) }
        self = model
    }

    /// GLPK's chatter ("Reading problem data from…", "N lines were read") minus noise, one line.
    static func summary(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { String($0).trimmingCharacters(in: " ") }
        let interesting = lines.filter {
            !$0.isEmpty && !$0.hasPrefix("Reading ") && !$0.hasPrefix("Writing ")
                && !$0.hasSuffix("lines were read") && !$0.hasSuffix("lines were written")
        }
        return (interesting.isEmpty ? lines : interesting).joined(separator: "; ")
    }
}
