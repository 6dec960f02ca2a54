/// A linear or mixed-integer program as a plain value, loaded into GLPK in bulk.
///
/// Columns (variables) and rows (constraints) are addressed by 0-based indices. Row activities
/// are defined by the sparse constraint matrix: `activity[i] = Σ_j A[i][j] · x[j]`, and each row
/// activity and each column value must lie within its ``Bounds``.
///
/// ```swift
/// var lp = LinearProgram(direction: .maximize)
/// let x = lp.addColumn(name: "x", bounds: .nonNegative, objective: 3)
/// let y = lp.addColumn(name: "y", bounds: .nonNegative, objective: 2)
/// lp.addRow(name: "cap", bounds: .atMost(4), coefficients: [(x, 1), (y, 1)])
/// let solution = try lp.solve().requireOptimal()
/// ```
///
/// Loading into GLPK calls `glp_add_rows`/`glp_add_cols` once and `glp_load_matrix` once with
/// 1-based arrays built in unsafe buffers; validation runs first so that no input reaches one of
/// GLPK's `abort()` paths.
///
/// - Complexity: validation and loading are O(rows + columns + nonzeros).
public struct LinearProgram: Sendable, Equatable {
    /// Optimisation direction. The corresponding GLPK routine is `glp_set_obj_dir`.
    public enum Direction: Sendable, Equatable { case minimize, maximize }

    /// Kind of a column. The corresponding GLPK routine is `glp_set_col_kind`.
    public enum VariableKind: Sendable, Equatable {
        case continuous
        case integer
        /// Integer in [0, 1]; the column's bounds are replaced by [0, 1].
        case binary
    }

    /// Lower and upper bound of a row or column; `-infinity`/`+infinity` mean "no bound".
    ///
    /// GLPK types: both infinite → `GLP_FR`, only lower → `GLP_LO`, only upper → `GLP_UP`,
    /// both finite and equal → `GLP_FX`, otherwise `GLP_DB`.
    public struct Bounds: Sendable, Hashable, CustomStringConvertible {
        public var lower: Double
        public var upper: Double
        public init(lower: Double = -.infinity, upper: Double = .infinity) {
            self.lower = lower
            self.upper = upper
        }
        public static let free = Bounds()
        public static let nonNegative = Bounds(lower: 0)
        public static func atLeast(_ l: Double) -> Bounds { Bounds(lower: l) }
        public static func atMost(_ u: Double) -> Bounds { Bounds(upper: u) }
        public static func between(_ l: Double, _ u: Double) -> Bounds { Bounds(lower: l, upper: u) }
        public static func fixed(_ v: Double) -> Bounds { Bounds(lower: v, upper: v) }
        public var description: String { "[\(lower), \(upper)]" }

        /// Checks NaN, `lower = +inf`, `upper = -inf` and `lower > upper`.
        func problem() -> String? {
            if lower.isNaN { return "lower bound NaN" }
            if upper.isNaN { return "upper bound NaN" }
            if lower == .infinity { return "lower bound +infinity" }
            if upper == -.infinity { return "upper bound -infinity" }
            if lower > upper {
                return "lower bound \(GLPKError.format(lower)) > upper bound \(GLPKError.format(upper))"
            }
            return nil
        }
    }

    /// A variable.
    public struct Column: Sendable, Equatable {
        public var name: String?
        public var bounds: Bounds
        public var objective: Double
        public var kind: VariableKind
        public init(name: String? = nil, bounds: Bounds = .nonNegative, objective: Double = 0,
                    kind: VariableKind = .continuous) {
            self.name = name
            self.bounds = bounds
            self.objective = objective
            self.kind = kind
        }
    }

    /// A constraint row; its activity is `Σ_j A[i][j] x[j]`.
    public struct Row: Sendable, Equatable {
        public var name: String?
        public var bounds: Bounds
        public init(name: String? = nil, bounds: Bounds) {
            self.name = name
            self.bounds = bounds
        }
    }

    /// The constraint matrix as sparse triplets (0-based row, 0-based column, value).
    ///
    /// Entries may come in any order; duplicates (same row and column) are rejected by
    /// validation. Explicit zeros are allowed.
    public struct Matrix: Sendable, Equatable {
        public var rowIndices: [Int]
        public var columnIndices: [Int]
        public var values: [Double]

        public init() {
            rowIndices = []
            columnIndices = []
            values = []
        }

        /// Triplet form; the three arrays must have equal length.
        public init(rowIndices: [Int], columnIndices: [Int], values: [Double]) {
            self.rowIndices = rowIndices
            self.columnIndices = columnIndices
            self.values = values
        }

        /// Compressed sparse row form: row `i` holds entries `rowStarts[i] ..< rowStarts[i+1]`.
        /// `rowStarts` must be non-decreasing, start at 0 and end at `columnIndices.count`.
        public init(rowStarts: [Int], columnIndices: [Int], values: [Double]) throws {
            guard let first = rowStarts.first, first == 0, rowStarts.last == columnIndices.count,
                  columnIndices.count == values.count else {
                throw GLPKError.invalidModel("CSR arrays are inconsistent (rowStarts must run from 0 to \(columnIndices.count))")
            }
            var rows = [Int]()
            rows.reserveCapacity(columnIndices.count)
            for i in 0 ..< rowStarts.count - 1 {
                let (a, b) = (rowStarts[i], rowStarts[i + 1])
                guard a <= b else {
                    throw GLPKError.invalidModel("CSR rowStarts decreases at row \(i)")
                }
                for _ in a ..< b { rows.append(i) }
            }
            self.init(rowIndices: rows, columnIndices: columnIndices, values: values)
        }

        public var count: Int { values.count }

        public mutating func reserveCapacity(_ n: Int) {
            rowIndices.reserveCapacity(n)
            columnIndices.reserveCapacity(n)
            values.reserveCapacity(n)
        }

        public mutating func append(row: Int, column: Int, value: Double) {
            rowIndices.append(row)
            columnIndices.append(column)
            values.append(value)
        }
    }

    public var name: String?
    public var direction: Direction
    /// Constant term of the objective. The corresponding GLPK routine is `glp_set_obj_coef(P, 0, c)`.
    public var objectiveConstant: Double
    public var columns: [Column]
    public var rows: [Row]
    public var matrix: Matrix

    public init(name: String? = nil, direction: Direction = .minimize, objectiveConstant: Double = 0,
                columns: [Column] = [], rows: [Row] = [], matrix: Matrix = Matrix()) {
        self.name = name
        self.direction = direction
        self.objectiveConstant = objectiveConstant
        self.columns = columns
        self.rows = rows
        self.matrix = matrix
    }

    /// Appends a column and returns its 0-based index.
    @discardableResult
    public mutating func addColumn(name: String? = nil, bounds: Bounds = .nonNegative,
                                   objective: Double = 0, kind: VariableKind = .continuous) -> Int {
        columns.append(Column(name: name, bounds: bounds, objective: objective, kind: kind))
        return columns.count - 1
    }

    /// Appends a row with its coefficients `(column, value)` and returns its 0-based index.
    @discardableResult
    public mutating func addRow(name: String? = nil, bounds: Bounds,
                                coefficients: [(column: Int, value: Double)] = []) -> Int {
        rows.append(Row(name: name, bounds: bounds))
        let i = rows.count - 1
        for (j, v) in coefficients { matrix.append(row: i, column: j, value: v) }
        return i
    }

    /// `true` when some column is integer or binary.
    public var isMixedInteger: Bool { columns.contains { $0.kind != .continuous } }

    // MARK: - Validation

    /// Largest row/column count GLPK accepts (`M_MAX`/`N_MAX`).
    static let maxDimension = 100_000_000
    /// Largest number of constraint coefficients GLPK accepts (`NNZ_MAX`).
    static let maxNonzeros = 500_000_000

    /// Checks everything GLPK would `abort()` on (and a little more), without calling GLPK.
    ///
    /// - Throws: ``GLPKError/invalidModel(_:)`` naming the first offending item (0-based indices).
    /// - Complexity: O(rows + columns + nonzeros).
    public func validate() throws {
        if let name, let p = Self.nameProblem(name) { throw GLPKError.invalidModel("problem name \(p)") }
        guard objectiveConstant.isFinite else {
            throw GLPKError.invalidModel("objective constant is \(objectiveConstant)")
        }
        guard rows.count <= Self.maxDimension, columns.count <= Self.maxDimension else {
            throw GLPKError.invalidModel("too many rows or columns (GLPK allows at most \(Self.maxDimension))")
        }
        for (j, c) in columns.enumerated() {
            if let p = c.bounds.problem() { throw GLPKError.invalidModel("column \(j)\(Self.label(c.name)) has \(p)") }
            guard c.objective.isFinite else {
                throw GLPKError.invalidModel("column \(j)\(Self.label(c.name)) has objective coefficient \(c.objective)")
            }
            if let n = c.name, let p = Self.nameProblem(n) { throw GLPKError.invalidModel("column \(j) name \(p)") }
        }
        for (i, r) in rows.enumerated() {
            if let p = r.bounds.problem() { throw GLPKError.invalidModel("row \(i)\(Self.label(r.name)) has \(p)") }
            if let n = r.name, let p = Self.nameProblem(n) { throw GLPKError.invalidModel("row \(i) name \(p)") }
        }
        try validateMatrix(matrix, rowCount: rows.count, columnCount: columns.count)
    }

    static func label(_ name: String?) -> String {
        name.map { " (\($0))" } ?? ""
    }

    /// GLPK aborts on names longer than 255 bytes or with control characters.
    static func nameProblem(_ name: String) -> String? {
        let bytes = name.utf8
        if bytes.count > 255 { return "is longer than 255 bytes" }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7f }) { return "contains control characters" }
        return nil
    }
}

/// Validates triplets: equal lengths, indices in range, finite values, no duplicates.
/// Duplicates are found with a counting sort by row and a column stamp array: O(m + n + nnz).
func validateMatrix(_ a: LinearProgram.Matrix, rowCount m: Int, columnCount n: Int) throws {
    let nnz = a.values.count
    guard a.rowIndices.count == nnz, a.columnIndices.count == nnz else {
        throw GLPKError.invalidModel("matrix arrays have different lengths (rows \(a.rowIndices.count), columns \(a.columnIndices.count), values \(nnz))")
    }
    guard nnz <= LinearProgram.maxNonzeros else {
        throw GLPKError.invalidModel("too many nonzeros (\(nnz))")
    }
    if nnz == 0 { return }
    var rowStart = [Int](repeating: 0, count: m + 1)
    try a.rowIndices.withUnsafeBufferPointer { ri in
        try a.columnIndices.withUnsafeBufferPointer { ci in
            try a.values.withUnsafeBufferPointer { v in
                for k in 0 ..< nnz {
                    let i = ri[k], j = ci[k], x = v[k]
                    guard i >= 0, i < m else {
                        throw GLPKError.invalidModel("matrix entry \(k): row index \(i) out of range 0..<\(m)")
                    }
                    guard j >= 0, j < n else {
                        throw GLPKError.invalidModel("matrix entry \(k): column index \(j) out of range 0..<\(n)")
                    }
                    guard x.isFinite else {
                        throw GLPKError.invalidModel("matrix entry \(k) (row \(i), column \(j)) has coefficient \(x)")
                    }
                    rowStart[i + 1] += 1
                }
            }
        }
    }
    for i in 0 ..< m { rowStart[i + 1] += rowStart[i] }
    var bucketed = [Int32](repeating: 0, count: nnz)
    var next = rowStart
    a.columnIndices.withUnsafeBufferPointer { ci in
        a.rowIndices.withUnsafeBufferPointer { ri in
            bucketed.withUnsafeMutableBufferPointer { b in
                for k in 0 ..< nnz {
                    let i = ri[k]
                    b[next[i]] = Int32(truncatingIfNeeded: ci[k])
                    next[i] += 1
                }
            }
        }
    }
    var stamp = [Int32](repeating: -1, count: n)
    try bucketed.withUnsafeBufferPointer { b in
        try stamp.withUnsafeMutableBufferPointer { s in
            for i in 0 ..< m {
                for k in rowStart[i] ..< rowStart[i + 1] {
                    let j = Int(b[k])
                    if s[j] == Int32(truncatingIfNeeded: i) {
                        throw GLPKError.invalidModel("duplicate matrix entry at row \(i), column \(j)")
                    }
                    s[j] = Int32(truncatingIfNeeded: i)
                }
            }
        }
    }
}
