internal import CGLPK

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A GLPK problem object owned by the thread that created it, for incremental editing and
/// warm-started re-solves.
///
/// GLPK problems must be created, used and deleted on one thread. Every method checks
/// `pthread_equal(owner, pthread_self())` and traps with a clear message when called from
/// another thread. The class is deliberately not `Sendable`. If the last reference is released
/// on a foreign thread, the problem is leaked (and an error logged) rather than corrupting
/// GLPK's memory.
///
/// Re-solving with the simplex (presolve off) starts from the current basis (warm start), so
/// changing a few bounds or objective coefficients is cheap.
///
/// ```swift
/// let problem = try GLPKProblem(model)
/// var s = try problem.solve()
/// try problem.setColumnBounds(2, .between(0, 5))
/// s = try problem.solve(.init(method: .dualSimplex))   // warm start
/// ```
///
/// When a worker thread is done with all its problems, call
/// ``GLPKEnvironment/releaseCurrentThread()``.
public final class GLPKProblem {
    let pointer: OpaquePointer
    let owner: pthread_t

    /// Validates `model` and loads it in bulk.
    /// The corresponding GLPK routines are `glp_create_prob` and `glp_load_matrix`.
    public init(_ model: LinearProgram) throws {
        try model.validate()
        GLPKEnvironment.installTerminalHook()
        owner = pthread_self()
        pointer = glp_create_prob()!
        GLPKEnvironment.adjustLiveProblems(by: 1)
        loadModel(model, into: pointer)
    }

    deinit {
        if pthread_equal(owner, pthread_self()) != 0 {
            glp_delete_prob(pointer)
            GLPKEnvironment.adjustLiveProblems(by: -1)
        } else {
            glpkLogger.error("GLPKProblem released on a thread other than its creator; leaking it (GLPK problems are thread-confined)")
        }
    }

    /// `true` when called on the thread that created the problem (the only thread that may use it).
    public var isOwnedByCurrentThread: Bool {
        pthread_equal(owner, pthread_self()) != 0
    }

    @inline(__always)
    func checkThread(_ function: StaticString = #function) {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "GLPKProblem.\(function) called on a thread other than the one that created the problem; GLPK problems are thread-confined")
    }

    /// Number of rows. The corresponding GLPK routine is `glp_get_num_rows`.
    public var rowCount: Int {
        checkThread()
        return Int(glp_get_num_rows(pointer))
    }

    /// Number of columns. The corresponding GLPK routine is `glp_get_num_cols`.
    public var columnCount: Int {
        checkThread()
        return Int(glp_get_num_cols(pointer))
    }

    /// Solves the problem; simplex re-solves start from the current basis (warm start) unless
    /// `options.presolve` is on. The corresponding GLPK routines are `glp_simplex`,
    /// `glp_interior` and `glp_intopt`.
    public func solve(_ options: LinearProgram.SolveOptions = .init()) throws -> LinearProgram.Solution {
        checkThread()
        GLPKEnvironment.installTerminalHook()
        return try solveLoaded(pointer, options: options)
    }

    /// Changes the bounds of column `column` (0-based).
    /// The corresponding GLPK routine is `glp_set_col_bnds`.
    public func setColumnBounds(_ column: Int, _ bounds: LinearProgram.Bounds) throws {
        checkThread()
        try checkColumn(column)
        if let p = bounds.problem() { throw GLPKError.invalidArgument("column \(column) has \(p)") }
        CGLPK_setColumnBounds(column, bounds)
    }

    /// Changes the bounds of row `row` (0-based).
    /// The corresponding GLPK routine is `glp_set_row_bnds`.
    public func setRowBounds(_ row: Int, _ bounds: LinearProgram.Bounds) throws {
        checkThread()
        try checkRow(row)
        if let p = bounds.problem() { throw GLPKError.invalidArgument("row \(row) has \(p)") }
        GLPK.setRowBounds(pointer, Int32(row + 1), bounds)
    }

    /// Changes the objective coefficient of column `column` (0-based).
    /// The corresponding GLPK routine is `glp_set_obj_coef`.
    public func setObjectiveCoefficient(_ column: Int, _ value: Double) throws {
        checkThread()
        try checkColumn(column)
        guard value.isFinite else { throw GLPKError.invalidArgument("objective coefficient of column \(column) is \(value)") }
        glp_set_obj_coef(pointer, Int32(column + 1), value)
    }

    /// Appends rows; `matrix` row indices are relative to the first new row (0 = first added
    /// row) and column indices refer to existing columns. Returns the index of the first new row.
    /// The new rows' auxiliary variables are basic, so the current basis stays valid for a warm
    /// start. The corresponding GLPK routines are `glp_add_rows` and `glp_set_mat_row`.
    @discardableResult
    public func addRows(_ rows: [LinearProgram.Row], matrix: LinearProgram.Matrix) throws -> Int {
        checkThread()
        let n = columnCount, m0 = rowCount
        for (k, r) in rows.enumerated() {
            if let p = r.bounds.problem() { throw GLPKError.invalidArgument("new row \(k) has \(p)") }
            if let name = r.name, let p = LinearProgram.nameProblem(name) {
                throw GLPKError.invalidArgument("new row \(k) name \(p)")
            }
        }
        guard m0 + rows.count <= LinearProgram.maxDimension else { throw GLPKError.invalidArgument("too many rows") }
        try validateEdit(matrix, rowCount: rows.count, columnCount: n)
        guard !rows.isEmpty else { return m0 }
        glp_add_rows(pointer, Int32(rows.count))
        for (k, r) in rows.enumerated() { defineRow(pointer, Int32(m0 + k + 1), r) }
        forEachLine(of: matrix, lines: rows.count, along: matrix.rowIndices, across: matrix.columnIndices) { k, len, ind, val in
            glp_set_mat_row(pointer, Int32(m0 + k + 1), len, ind, val)
        }
        return m0
    }

    /// Appends columns; `matrix` column indices are relative to the first new column (0 = first
    /// added column) and row indices refer to existing rows. Returns the index of the first new
    /// column. The new columns are nonbasic (at their lower bound, or free/upper as their bounds
    /// require), so the current basis — and its factorization — stays valid for a warm start:
    /// column generation adds its columns this way and re-solves with the primal simplex.
    /// The corresponding GLPK routines are `glp_add_cols` and `glp_set_mat_col`.
    @discardableResult
    public func addColumns(_ columns: [LinearProgram.Column], matrix: LinearProgram.Matrix) throws -> Int {
        checkThread()
        let m = rowCount, n0 = columnCount
        for (k, c) in columns.enumerated() {
            if let p = c.bounds.problem() { throw GLPKError.invalidArgument("new column \(k) has \(p)") }
            guard c.objective.isFinite else { throw GLPKError.invalidArgument("new column \(k) has objective \(c.objective)") }
            if let name = c.name, let p = LinearProgram.nameProblem(name) {
                throw GLPKError.invalidArgument("new column \(k) name \(p)")
            }
        }
        guard n0 + columns.count <= LinearProgram.maxDimension else { throw GLPKError.invalidArgument("too many columns") }
        try validateEdit(matrix, rowCount: m, columnCount: columns.count)
        guard !columns.isEmpty else { return n0 }
        glp_add_cols(pointer, Int32(columns.count))
        for (k, c) in columns.enumerated() { defineColumn(pointer, Int32(n0 + k + 1), c) }
        forEachLine(of: matrix, lines: columns.count, along: matrix.columnIndices, across: matrix.rowIndices) { k, len, ind, val in
            glp_set_mat_col(pointer, Int32(n0 + k + 1), len, ind, val)
        }
        return n0
    }

    /// Where column `c` sits after ``deleteColumns(_:)`` removed `deleted` (sorted ascending,
    /// not containing `c`): `c` minus the number of deleted columns before it.
    public static func columnIndex(_ c: Int, afterDeleting deleted: [Int]) -> Int {
        var lo = 0, hi = deleted.count
        while lo < hi { let mid = (lo + hi) / 2; if deleted[mid] < c { lo = mid + 1 } else { hi = mid } }
        return c - lo
    }

    /// Deletes columns (0-based indices, distinct, any order); later columns move down to close
    /// the gaps, keeping their order. Deleting only nonbasic columns keeps the basis (and its
    /// factorization) valid for a warm start; deleting a basic one leaves too few basic variables,
    /// and the next simplex solve throws (`GLPK_EBADB`) unless a basis is set first.
    /// The corresponding GLPK routine is `glp_del_cols`.
    public func deleteColumns(_ columns: [Int]) throws {
        checkThread()
        guard !columns.isEmpty else { return }
        var seen = Set<Int>()
        for j in columns {
            try checkColumn(j)
            guard seen.insert(j).inserted else { throw GLPKError.invalidArgument("column \(j) listed twice") }
        }
        var num = [Int32](repeating: 0, count: columns.count + 1)
        for (k, j) in columns.enumerated() { num[k + 1] = Int32(j + 1) }
        glp_del_cols(pointer, Int32(columns.count), num)
    }

    /// Basis status of a row or column.
    public enum BasisStatus: Sendable, Equatable {
        case basic, atLower, atUpper, free, fixed
        init(_ c: Int32) {
            switch c {
            case GLP_BS: self = .basic
            case GLP_NL: self = .atLower
            case GLP_NU: self = .atUpper
            case GLP_NF: self = .free
            default: self = .fixed
            }
        }
        var code: Int32 {
            switch self {
            case .basic: GLP_BS
            case .atLower: GLP_NL
            case .atUpper: GLP_NU
            case .free: GLP_NF
            case .fixed: GLP_NS
            }
        }
    }

    /// The corresponding GLPK routine is `glp_get_col_stat`.
    public func columnStatus(_ column: Int) throws -> BasisStatus {
        checkThread()
        try checkColumn(column)
        return BasisStatus(glp_get_col_stat(pointer, Int32(column + 1)))
    }

    /// The corresponding GLPK routine is `glp_get_row_stat`.
    public func rowStatus(_ row: Int) throws -> BasisStatus {
        checkThread()
        try checkRow(row)
        return BasisStatus(glp_get_row_stat(pointer, Int32(row + 1)))
    }

    /// Sets the basis status of every row and column: a warm start for the next simplex solve
    /// (presolve off). GLPK corrects statuses that do not fit a bound type (e.g. `atUpper` for a
    /// column without an upper bound). An invalid or singular basis makes the next solve throw
    /// ``GLPKError/invalidBasis`` or ``GLPKError/singularMatrix``.
    /// The corresponding GLPK routines are `glp_set_row_stat` and `glp_set_col_stat`.
    public func setBasis(rows: [BasisStatus], columns: [BasisStatus]) throws {
        checkThread()
        guard rows.count == Int(glp_get_num_rows(pointer)), columns.count == Int(glp_get_num_cols(pointer)) else {
            throw GLPKError.invalidArgument("basis has \(rows.count) row and \(columns.count) column statuses, problem has \(rowCount) rows and \(columnCount) columns")
        }
        for (i, s) in rows.enumerated() { glp_set_row_stat(pointer, Int32(i + 1), s.code) }
        for (j, s) in columns.enumerated() { glp_set_col_stat(pointer, Int32(j + 1), s.code) }
    }

    /// The current problem (with edits) as a value. Complexity: O(rows + columns + nonzeros).
    public func model() -> LinearProgram {
        checkThread()
        return extractModel(from: pointer)
    }

    private func checkColumn(_ j: Int) throws {
        let n = Int(glp_get_num_cols(pointer))
        guard j >= 0 && j < n else { throw GLPKError.invalidArgument("column index \(j) out of range 0..<\(n)") }
    }

    private func checkRow(_ i: Int) throws {
        let m = Int(glp_get_num_rows(pointer))
        guard i >= 0 && i < m else { throw GLPKError.invalidArgument("row index \(i) out of range 0..<\(m)") }
    }

    /// `validateMatrix` for an edit of a live problem: a bad matrix is a bad argument.
    private func validateEdit(_ matrix: LinearProgram.Matrix, rowCount: Int, columnCount: Int) throws {
        do {
            try validateMatrix(matrix, rowCount: rowCount, columnCount: columnCount)
        } catch GLPKError.invalidModel(let message) {
            throw GLPKError.invalidArgument(message)
        }
    }

    /// Groups the triplets of `matrix` by line (`along[k]` in `0..<lines`: new rows or new columns)
    /// into GLPK's 1-based index/value arrays (`across[k] + 1`) and calls `set(line, length, ind,
    /// val)` once per non-empty line, as `glp_set_mat_row`/`glp_set_mat_col` expect: they read
    /// `ind[1...length]` relative to the pointer given.
    private func forEachLine(of matrix: LinearProgram.Matrix, lines: Int, along: [Int], across: [Int],
                             _ set: (Int, Int32, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Double>) -> Void) {
        var start = [Int](repeating: 0, count: lines + 1)
        for i in along { start[i + 1] += 1 }
        for i in 0 ..< lines { start[i + 1] += start[i] }
        var ind = [Int32](repeating: 0, count: matrix.count + 1)
        var val = [Double](repeating: 0, count: matrix.count + 1)
        var next = start
        for k in 0 ..< matrix.count {
            let i = along[k]
            next[i] += 1
            ind[next[i]] = Int32(across[k] + 1)
            val[next[i]] = matrix.values[k]
        }
        ind.withUnsafeMutableBufferPointer { ib in
            val.withUnsafeMutableBufferPointer { vb in
                for k in 0 ..< lines where start[k + 1] > start[k] {
                    set(k, Int32(start[k + 1] - start[k]), ib.baseAddress! + start[k], vb.baseAddress! + start[k])
                }
            }
        }
    }

    private func CGLPK_setColumnBounds(_ column: Int, _ bounds: LinearProgram.Bounds) {
        // Binary columns keep their kind; GLPK allows changing their bounds.
        GLPK.setColumnBounds(pointer, Int32(column + 1), bounds)
    }
}
