import Foundation
internal import CGLPK

// The only layer that drives GLPK's LP/MIP routines. Every function here takes a `glp_prob*`
// that the caller created on the current thread, and expects validated input.

// MARK: - Loading

func glpkBoundsType(_ b: LinearProgram.Bounds) -> Int32 {
    switch (b.lower.isFinite, b.upper.isFinite) {
    case (false, false): return GLP_FR
    case (true, false): return GLP_LO
    case (false, true): return GLP_UP
    case (true, true): return b.lower == b.upper ? GLP_FX : GLP_DB
    }
}

func setRowBounds(_ p: OpaquePointer, _ i: Int32, _ b: LinearProgram.Bounds) {
    glp_set_row_bnds(p, i, glpkBoundsType(b), b.lower.isFinite ? b.lower : 0, b.upper.isFinite ? b.upper : 0)
}

func setColumnBounds(_ p: OpaquePointer, _ j: Int32, _ b: LinearProgram.Bounds) {
    glp_set_col_bnds(p, j, glpkBoundsType(b), b.lower.isFinite ? b.lower : 0, b.upper.isFinite ? b.upper : 0)
}

/// Loads a validated model into an empty problem: one `glp_add_rows`, one `glp_add_cols`,
/// one `glp_load_matrix`.
func loadModel(_ m: LinearProgram, into p: OpaquePointer) {
    if let name = m.name, !name.isEmpty { glp_set_prob_name(p, name) }
    glp_set_obj_dir(p, m.direction == .minimize ? GLP_MIN : GLP_MAX)
    glp_set_obj_coef(p, 0, m.objectiveConstant)
    if !m.rows.isEmpty { glp_add_rows(p, Int32(m.rows.count)) }
    for (k, r) in m.rows.enumerated() { defineRow(p, Int32(k + 1), r) }
    if !m.columns.isEmpty { glp_add_cols(p, Int32(m.columns.count)) }
    for (k, c) in m.columns.enumerated() { defineColumn(p, Int32(k + 1), c) }
    loadMatrix(m.matrix, into: p, rowOffset: 0)
}

/// Name and bounds of the (added, empty) row `i` (1-based).
func defineRow(_ p: OpaquePointer, _ i: Int32, _ r: LinearProgram.Row) {
    if let n = r.name, !n.isEmpty { glp_set_row_name(p, i, n) }
    setRowBounds(p, i, r.bounds)
}

/// Name, bounds, objective coefficient and kind of the (added, empty) column `j` (1-based).
func defineColumn(_ p: OpaquePointer, _ j: Int32, _ c: LinearProgram.Column) {
    if let n = c.name, !n.isEmpty { glp_set_col_name(p, j, n) }
    setColumnBounds(p, j, c.bounds)
    if c.objective != 0 { glp_set_obj_coef(p, j, c.objective) }
    switch c.kind {
    case .continuous: break
    case .integer: glp_set_col_kind(p, j, GLP_IV)
    case .binary: glp_set_col_kind(p, j, GLP_BV)
    }
}

/// `glp_load_matrix` with 1-based arrays built in one pass over unsafe buffers.
func loadMatrix(_ a: LinearProgram.Matrix, into p: OpaquePointer, rowOffset: Int) {
    let nnz = a.values.count
    guard nnz > 0 else { return }
    let ia = [Int32](unsafeUninitializedCapacity: nnz + 1) { buf, count in
        buf[0] = 0
        a.rowIndices.withUnsafeBufferPointer { r in
            for k in 0 ..< nnz { buf[k + 1] = Int32(truncatingIfNeeded: r[k] + rowOffset + 1) }
        }
        count = nnz + 1
    }
    let ja = [Int32](unsafeUninitializedCapacity: nnz + 1) { buf, count in
        buf[0] = 0
        a.columnIndices.withUnsafeBufferPointer { c in
            for k in 0 ..< nnz { buf[k + 1] = Int32(truncatingIfNeeded: c[k] + 1) }
        }
        count = nnz + 1
    }
    let ar = [Double](unsafeUninitializedCapacity: nnz + 1) { buf, count in
        buf[0] = 0
        a.values.withUnsafeBufferPointer { v in
            _ = UnsafeMutableBufferPointer(rebasing: buf[1...]).initialize(from: v)
        }
        count = nnz + 1
    }
    glp_load_matrix(p, Int32(nnz), ia, ja, ar)
}

// MARK: - Extracting a model (after reading a file)

func cString(_ s: UnsafePointer<CChar>?) -> String? {
    s.map { String(cString: $0) }
}

func boundsOf(type: Int32, lower: Double, upper: Double) -> LinearProgram.Bounds {
    switch type {
    case GLP_FR: return .free
    case GLP_LO: return .atLeast(lower)
    case GLP_UP: return .atMost(upper)
    case GLP_FX: return .fixed(lower)
    default: return .between(lower, upper)
    }
}

func extractModel(from p: OpaquePointer) -> LinearProgram {
    let m = Int(glp_get_num_rows(p)), n = Int(glp_get_num_cols(p))
    var lp = LinearProgram(name: cString(glp_get_prob_name(p)),
                           direction: glp_get_obj_dir(p) == GLP_MAX ? .maximize : .minimize,
                           objectiveConstant: glp_get_obj_coef(p, 0))
    lp.rows.reserveCapacity(m)
    for k in stride(from: 1, through: m, by: 1) {
        let i = Int32(k)
        lp.rows.append(.init(name: cString(glp_get_row_name(p, i)),
                             bounds: boundsOf(type: glp_get_row_type(p, i), lower: glp_get_row_lb(p, i),
                                              upper: glp_get_row_ub(p, i))))
    }
    lp.columns.reserveCapacity(n)
    lp.matrix.reserveCapacity(Int(glp_get_num_nz(p)))
    var ind = [Int32](repeating: 0, count: m + 1)
    var val = [Double](repeating: 0, count: m + 1)
    for k in stride(from: 1, through: n, by: 1) {
        let j = Int32(k)
        let kind: LinearProgram.VariableKind
        switch glp_get_col_kind(p, j) {
        case GLP_IV: kind = .integer
        case GLP_BV: kind = .binary
        default: kind = .continuous
        }
        lp.columns.append(.init(name: cString(glp_get_col_name(p, j)),
                                bounds: boundsOf(type: glp_get_col_type(p, j), lower: glp_get_col_lb(p, j),
                                                 upper: glp_get_col_ub(p, j)),
                                objective: glp_get_obj_coef(p, j), kind: kind))
        let len = Int(glp_get_mat_col(p, j, &ind, &val))
        for t in 0 ..< len {
            lp.matrix.append(row: Int(ind[t + 1]) - 1, column: k - 1, value: val[t + 1])
        }
    }
    return lp
}

// MARK: - Solving

private struct MIPProgress {
    var bound = Double.nan
    /// Wall-clock end of the whole solve. GLPK's `tm_lim` restarts after its presolver's root
    /// LP, so the callback enforces the limit itself (`glp_ios_terminate`).
    var deadline: ContinuousClock.Instant?
    var stoppedAtDeadline = false
    /// ``LinearProgram/SolveOptions/incumbent`` in GLPK's 1-based layout (index 0 unused).
    var incumbent: [Double]?
    var incumbentAccepted: Bool?
    var report: (@Sendable (LinearProgram.MIPReport) -> Void)?
    var reportInterval: Duration = .seconds(5)
    var started: ContinuousClock.Instant = .now
    var nextReport: ContinuousClock.Instant = .now
}

/// `FUELFLOW_GLPK_TRACE=1`: GLPK's simplex progress lines to standard error (diagnosis aid).
let glpkTrace = ProcessInfo.processInfo.environment["FUELFLOW_GLPK_TRACE"] != nil

private func simplexParameters(_ o: LinearProgram.SolveOptions, method: Int32, presolve: Bool,
                               timeLimitMs: Int32? = nil) -> glp_smcp {
    var parm = glp_smcp()
    glp_init_smcp(&parm)
    parm.msg_lev = glpkTrace ? GLP_MSG_ALL : GLP_MSG_OFF
    parm.meth = method
    parm.presolve = presolve ? GLP_ON : GLP_OFF
    parm.tm_lim = timeLimitMs ?? o.timeLimitMilliseconds
    parm.it_lim = Int32(clamping: o.iterationLimit ?? Int(Int32.max))
    return parm
}

private func simplexStatus(_ p: OpaquePointer) -> LinearProgram.Solution.Status {
    switch glp_get_status(p) {
    case GLP_OPT: return .optimal
    case GLP_FEAS: return .feasible
    case GLP_NOFEAS: return .infeasible
    case GLP_UNBND: return .unbounded
    default: return .undefined
    }
}

/// Runs a plain primal simplex without presolve from the current basis to decide between
/// infeasible and unbounded; returns `nil` when that attempt fails too.
private func classifyBySimplex(_ p: OpaquePointer) -> LinearProgram.Solution.Status? {
    var parm = glp_smcp()
    glp_init_smcp(&parm)
    parm.msg_lev = GLP_MSG_OFF
    parm.meth = GLP_PRIMAL
    if glp_simplex(p, &parm) != 0 { return nil }
    let s = simplexStatus(p)
    if s == .undefined && glp_get_dual_stat(p) == GLP_NOFEAS && glp_get_prim_stat(p) == GLP_FEAS { return .unbounded }
    return s
}

private func lpSolution(_ p: OpaquePointer, status: LinearProgram.Solution.Status,
                        termination: LinearProgram.Solution.Termination, iterations: Int) -> LinearProgram.Solution {
    let m = Int(glp_get_num_rows(p)), n = Int(glp_get_num_cols(p))
    return .init(status: status, termination: termination, algorithm: .simplex, objective: glp_get_obj_val(p),
                 columnValues: (0 ..< n).map { glp_get_col_prim(p, Int32($0 + 1)) },
                 rowActivities: (0 ..< m).map { glp_get_row_prim(p, Int32($0 + 1)) },
                 rowDuals: (0 ..< m).map { glp_get_row_dual(p, Int32($0 + 1)) },
                 reducedCosts: (0 ..< n).map { glp_get_col_dual(p, Int32($0 + 1)) },
                 iterations: iterations, seconds: 0)
}

private func termination(for rc: Int32) -> LinearProgram.Solution.Termination {
    switch rc {
    case GLP_ETMLIM: return .timeLimit
    case GLP_EITLIM: return .iterationLimit
    case GLP_EMIPGAP: return .mipGapReached
    case GLP_EOBJLL, GLP_EOBJUL: return .objectiveLimit
    default: return .completed
    }
}

private func runSimplex(_ p: OpaquePointer, _ o: LinearProgram.SolveOptions, method: Int32,
                        timeLimitMs: Int32? = nil) throws -> LinearProgram.Solution {
    let it0 = Int(glp_get_it_cnt(p))
    var parm = simplexParameters(o, method: method, presolve: o.presolve, timeLimitMs: timeLimitMs)
    let rc = glp_simplex(p, &parm)
    var status: LinearProgram.Solution.Status
    switch rc {
    case 0, GLP_ETMLIM, GLP_EITLIM, GLP_EOBJLL, GLP_EOBJUL:
        status = simplexStatus(p)
        if rc == 0, status == .undefined || status == .feasible, glp_get_dual_stat(p) == GLP_NOFEAS {
            // The dual simplex proved dual infeasibility: primal is unbounded or infeasible.
            status = classifyBySimplex(p) ?? status
        }
    case GLP_ENOPFS:
        status = .infeasible
    case GLP_ENODFS:
        // Presolver: no dual feasible solution — unbounded or infeasible; find out which.
        status = classifyBySimplex(p) ?? .unbounded
    default:
        throw GLPKError.from(returnCode: rc, routine: "glp_simplex")!
    }
    var s = lpSolution(p, status: status, termination: termination(for: rc),
                       iterations: Int(glp_get_it_cnt(p)) - it0)
    s.timeLimit = o.timeLimit
    s.iterationLimit = o.iterationLimit
    return s
}

/// `glp_exact` from the current basis (the standard basis when there is none yet). Its status
/// is exact: `GLP_OPT` certifies the optimum whatever the floating-point tolerances.
private func runExact(_ p: OpaquePointer, _ o: LinearProgram.SolveOptions) throws -> LinearProgram.Solution {
    let it0 = Int(glp_get_it_cnt(p))
    if glp_get_num_rows(p) == 0 || glp_get_num_cols(p) == 0 { return try runSimplex(p, o, method: GLP_PRIMAL) }
    var parm = simplexParameters(o, method: GLP_PRIMAL, presolve: false)
    var rc = glp_exact(p, &parm)
    if rc == GLP_EBADB || rc == GLP_ESING {
        // No usable basis (never solved, or singular): start from the standard one.
        glp_std_basis(p)
        rc = glp_exact(p, &parm)
    }
    switch rc {
    case 0, GLP_ETMLIM, GLP_EITLIM: break
    default: throw GLPKError.from(returnCode: rc, routine: "glp_exact")!
    }
    var s = lpSolution(p, status: simplexStatus(p), termination: termination(for: rc),
                       iterations: Int(glp_get_it_cnt(p)) - it0)
    s.timeLimit = o.timeLimit
    s.iterationLimit = o.iterationLimit
    return s
}

private func runInterior(_ p: OpaquePointer, _ o: LinearProgram.SolveOptions) throws -> LinearProgram.Solution {
    if glp_get_num_rows(p) == 0 || glp_get_num_cols(p) == 0 {
        // glp_interior rejects empty problems (GLP_EFAIL); the simplex handles them trivially.
        return try runSimplex(p, o, method: GLP_PRIMAL)
    }
    var parm = glp_iptcp()
    glp_init_iptcp(&parm)
    parm.msg_lev = GLP_MSG_OFF
    let rc = glp_interior(p, &parm)
    let ipt = glp_ipt_status(p)
    if rc == 0 && ipt == GLP_OPT {
        let m = Int(glp_get_num_rows(p)), n = Int(glp_get_num_cols(p))
        return .init(status: .optimal, termination: .completed, algorithm: .interiorPoint,
                     objective: glp_ipt_obj_val(p),
                     columnValues: (0 ..< n).map { glp_ipt_col_prim(p, Int32($0 + 1)) },
                     rowActivities: (0 ..< m).map { glp_ipt_row_prim(p, Int32($0 + 1)) },
                     rowDuals: (0 ..< m).map { glp_ipt_row_dual(p, Int32($0 + 1)) },
                     reducedCosts: (0 ..< n).map { glp_ipt_col_dual(p, Int32($0 + 1)) },
                     iterations: 0, seconds: 0)
    }
    // GLPK's interior point has no infeasibility certificate: when it ends without an optimum
    // we let the simplex decide whether the problem is infeasible or unbounded.
    switch rc {
    case 0, GLP_ENOFEAS, GLP_ENOCVG, GLP_EINSTAB, GLP_EITLIM:
        var q = o
        q.presolve = false
        var s = try runSimplex(p, q, method: GLP_PRIMAL)
        if s.status == .infeasible || s.status == .unbounded {
            s.algorithm = .interiorPoint
            return s
        }
        if rc == 0 { throw GLPKError.notOptimal("interior point ended with status \(ipt)") }
        throw GLPKError.from(returnCode: rc, routine: "glp_interior")!
    default:
        throw GLPKError.from(returnCode: rc, routine: "glp_interior")!
    }
}

private func runBranchAndCut(_ p: OpaquePointer, _ o: LinearProgram.SolveOptions,
                             started: ContinuousClock.Instant) throws -> LinearProgram.Solution {
    // glp_intopt refuses (GLP_EBOUND) integer columns with fractional bounds; say which one.
    for j in stride(from: 1, through: Int(glp_get_num_cols(p)), by: 1) where glp_get_col_kind(p, Int32(j)) != GLP_CV {
        let type = glp_get_col_type(p, Int32(j))
        let lb = glp_get_col_lb(p, Int32(j)), ub = glp_get_col_ub(p, Int32(j))
        let name = cString(glp_get_col_name(p, Int32(j))).map { " (\($0))" } ?? ""
        if (type == GLP_LO || type == GLP_DB || type == GLP_FX) && lb != lb.rounded() {
            throw GLPKError.invalidModel("integer column \(j - 1)\(name) has fractional lower bound \(lb)")
        }
        if (type == GLP_UP || type == GLP_DB) && ub != ub.rounded() {
            throw GLPKError.invalidModel("integer column \(j - 1)\(name) has fractional upper bound \(ub)")
        }
    }
    if let x = o.incumbent, !o.presolve, x.count != Int(glp_get_num_cols(p)) {
        throw GLPKError.invalidArgument("incumbent has \(x.count) values for \(glp_get_num_cols(p)) columns")
    }
    let it0 = Int(glp_get_it_cnt(p))
    var timeLimitMs = o.timeLimitMilliseconds
    var reserveMs: Int64 = 0
    if !o.presolve {
        // glp_intopt needs an optimal basis of the LP relaxation when its presolver is off.
        var relaxation = try runSimplex(p, o, method: GLP_DUALP)
        if relaxation.status != .optimal {
            relaxation.algorithm = .branchAndCut
            relaxation.rowDuals = []
            relaxation.reducedCosts = []
            if relaxation.status == .feasible { relaxation.status = .undefined }
            return relaxation
        }
        if o.timeLimit != nil {
            let used = started.duration(to: .now).milliseconds
            reserveMs = Int64((o.reserveRootTimes * Double(used)).rounded(.up))
            timeLimitMs = Int32(clamping: max(0, Int64(timeLimitMs) - used - reserveMs))
        }
    }
    var progress = MIPProgress()
    if !o.presolve, let x = o.incumbent { progress.incumbent = [0] + x }
    progress.report = o.progress
    progress.reportInterval = .milliseconds(Int64((max(0, o.progressInterval) * 1000).rounded()))
    progress.started = started
    progress.nextReport = started + progress.reportInterval
    progress.deadline = o.timeLimit.map { started + .milliseconds(Int64(($0 * 1000).rounded(.up)) - reserveMs) }
    var parm = glp_iocp()
    glp_init_iocp(&parm)
    parm.msg_lev = glpkTrace ? GLP_MSG_ALL : GLP_MSG_OFF
    parm.presolve = o.presolve ? GLP_ON : GLP_OFF
    parm.tm_lim = timeLimitMs
    parm.mip_gap = o.mipGap
    if o.cuts {
        parm.mir_cuts = GLP_ON
        parm.gmi_cuts = GLP_ON
        parm.cov_cuts = GLP_ON
        parm.clq_cuts = GLP_ON
    }
    parm.cb_func = { tree, info in
        guard let tree, let info else { return }
        let progress = info.assumingMemoryBound(to: MIPProgress.self)
        if let deadline = progress.pointee.deadline, !progress.pointee.stoppedAtDeadline, ContinuousClock.now >= deadline {
            progress.pointee.stoppedAtDeadline = true
            glp_ios_terminate(tree)
        }
        let reason = glp_ios_reason(tree)
        if reason == GLP_IHEUR, progress.pointee.incumbentAccepted == nil, let x = progress.pointee.incumbent {
            progress.pointee.incumbentAccepted = x.withUnsafeBufferPointer { glp_ios_heur_sol(tree, $0.baseAddress) == 0 }
        }
        if reason == GLP_ISELECT || reason == GLP_IBINGO {
            let best = glp_ios_best_node(tree)
            if best != 0 {
                progress.pointee.bound = glp_ios_node_bound(tree, best)
            }
        }
        if let report = progress.pointee.report, reason == GLP_ISELECT {
            let now = ContinuousClock.now
            guard now >= progress.pointee.nextReport else { return }
            progress.pointee.nextReport = now + progress.pointee.reportInterval
            var active: Int32 = 0, total: Int32 = 0
            glp_ios_tree_size(tree, &active, nil, &total)
            let prob = glp_ios_get_prob(tree)
            let incumbent = glp_mip_status(prob) == GLP_FEAS ? glp_mip_obj_val(prob) : nil
            let bound = progress.pointee.bound
            report(.init(seconds: progress.pointee.started.duration(to: now).seconds, activeNodes: Int(active),
                         totalNodes: Int(total), incumbent: incumbent, bound: bound.isNaN ? nil : bound))
        }
    }
    let rc = withUnsafeMutablePointer(to: &progress) { ptr -> Int32 in
        parm.cb_info = UnsafeMutableRawPointer(ptr)
        return glp_intopt(p, &parm)
    }
    var status: LinearProgram.Solution.Status
    switch rc {
    case 0, GLP_ETMLIM, GLP_EMIPGAP, GLP_ESTOP:
        switch glp_mip_status(p) {
        case GLP_OPT: status = .optimal
        case GLP_FEAS: status = .feasible
        case GLP_NOFEAS: status = .infeasible
        default: status = .undefined
        }
    case GLP_ENOPFS:
        status = .infeasible
    case GLP_ENODFS:
        status = classifyBySimplex(p) == .infeasible ? .infeasible : .unbounded
    default:
        throw GLPKError.from(returnCode: rc, routine: "glp_intopt")!
    }
    let m = Int(glp_get_num_rows(p)), n = Int(glp_get_num_cols(p))
    let hasSolution = status == .optimal || status == .feasible
    let objective = hasSolution ? glp_mip_obj_val(p) : .nan
    var bound: Double? = progress.bound.isNaN ? nil : progress.bound
    if status == .optimal && rc == 0 { bound = objective }
    var gap: Double? = nil
    if hasSolution, let b = bound {
        gap = abs(objective - b) / (Double.ulpOfOne + abs(objective))
    }
    let stop = rc == GLP_ESTOP && progress.stoppedAtDeadline ? .timeLimit : termination(for: rc)
    var s = LinearProgram.Solution(
        status: status, termination: stop, algorithm: .branchAndCut, objective: objective,
        columnValues: (0 ..< n).map { glp_mip_col_val(p, Int32($0 + 1)) },
        rowActivities: (0 ..< m).map { glp_mip_row_val(p, Int32($0 + 1)) },
        rowDuals: [], reducedCosts: [], iterations: Int(glp_get_it_cnt(p)) - it0, seconds: 0,
        bestBound: bound, mipGap: gap)
    s.incumbentAccepted = progress.incumbentAccepted
    s.timeLimit = o.timeLimit
    s.iterationLimit = o.iterationLimit
    return s
}

/// Solves the loaded problem according to `options`.
func solveLoaded(_ p: OpaquePointer, options o: LinearProgram.SolveOptions) throws -> LinearProgram.Solution {
    try o.validate()
    let started = ContinuousClock.now
    let isMIP = glp_get_num_int(p) > 0
    if o.scaling && o.method != .exactSimplex { glp_scale_prob(p, GLP_SF_AUTO) }
    var s: LinearProgram.Solution
    switch o.method {
    case .automatic:
        s = isMIP ? try runBranchAndCut(p, o, started: started) : try runSimplex(p, o, method: GLP_DUALP)
    case .primalSimplex: s = try runSimplex(p, o, method: GLP_PRIMAL)
    case .dualSimplex: s = try runSimplex(p, o, method: GLP_DUALP)
    case .interiorPoint: s = try runInterior(p, o)
    case .branchAndCut: s = try runBranchAndCut(p, o, started: started)
    case .exactSimplex: s = try runExact(p, o)
    }
    s.seconds = started.duration(to: .now).seconds
    return s
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
    var milliseconds: Int64 {
        let c = components
        return c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
    }
}

// MARK: - One-shot API

extension LinearProgram {
    /// Validates, loads, solves and deletes a GLPK problem within this synchronous call.
    ///
    /// Safe to call concurrently from many threads. Infeasible and unbounded models are *not*
    /// errors: inspect ``Solution/status`` or call ``Solution/requireOptimal()``.
    /// The corresponding GLPK routines are `glp_simplex`, `glp_interior` and `glp_intopt`.
    ///
    /// - Throws: ``GLPKError/invalidModel(_:)`` before any C call for invalid data; a solver
    ///   ``GLPKError`` for numerical failures (`GLP_ESING`, `GLP_ECOND`, `GLP_EFAIL`, …).
    /// - Complexity: O(rows + columns + nonzeros) to load, plus the solver.
    public func solve(_ options: SolveOptions = SolveOptions()) throws -> Solution {
        try validate()
        try options.validate()
        return try GLPKEnvironment.withTemporaryProblem { p in
            loadModel(self, into: p)
            return try solveLoaded(p, options: options)
        }
    }
}
