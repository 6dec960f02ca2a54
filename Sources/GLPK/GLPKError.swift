internal import CGLPK

/// Errors raised by the GLPK wrapper.
///
/// Two families of failures exist:
///
/// * **Validation errors** (`invalidModel`, `invalidArgument`) are raised in Swift *before* any
///   GLPK routine is called, because GLPK calls `abort()` on invalid arguments.
/// * **Solver errors** mirror GLPK's return codes (`GLP_EBADB` … `GLP_ERANGE`).
///
/// Infeasible and unbounded problems are *not* errors of `solve`: they are reported in
/// ``LinearProgram/Solution/status``. ``LinearProgram/Solution/requireOptimal()`` turns a
/// non-optimal outcome into one of ``infeasible``, ``unbounded``, ``timeLimit(seconds:)`` … .
public enum GLPKError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model failed validation; the message names the offending row/column/entry.
    case invalidModel(String)
    /// An argument of an incremental edit or a flow problem is invalid.
    case invalidArgument(String)
    /// `GLP_EBADB`: the initial basis is invalid.
    case invalidBasis
    /// `GLP_ESING`: the basis matrix is singular.
    case singularMatrix
    /// `GLP_ECOND`: the basis matrix is ill-conditioned.
    case illConditionedBasis
    /// `GLP_EBOUND`: a double-bounded variable has incorrect bounds.
    case incorrectBounds
    /// `GLP_EFAIL`: the solver failed (the message says in which routine).
    case solverFailed(String)
    /// `GLP_EOBJLL`: the objective reached its lower limit (dual simplex).
    case objectiveLowerLimitReached
    /// `GLP_EOBJUL`: the objective reached its upper limit (dual simplex).
    case objectiveUpperLimitReached
    /// `GLP_EITLIM`: the iteration limit was exceeded.
    case iterationLimit(Int)
    /// `GLP_ETMLIM`: the time limit was exceeded.
    case timeLimit(seconds: Double)
    /// `GLP_ENOPFS` (or status `GLP_NOFEAS`): no primal feasible solution exists.
    case infeasible
    /// `GLP_ENODFS` (or status `GLP_UNBND`): no dual feasible solution; the problem is unbounded.
    case unbounded
    /// `GLP_EROOT`: the optimal basis of the root LP relaxation was not provided.
    case rootRelaxationNotOptimal
    /// `GLP_ESTOP`: the search was terminated by the application.
    case stopped
    /// `GLP_EMIPGAP`: the search stopped because the relative MIP gap tolerance was reached.
    case mipGapReached(Double)
    /// `GLP_ENOFEAS`: the interior-point solver found no primal/dual feasible solution.
    case noPrimalDualFeasibleSolution
    /// `GLP_ENOCVG`: the interior-point solver did not converge.
    case noConvergence
    /// `GLP_EINSTAB`: numerical instability in the interior-point solver.
    case numericalInstability
    /// `GLP_EDATA`: invalid data (e.g. non-integer data given to the out-of-kilter algorithm).
    case invalidData(String)
    /// `GLP_ERANGE`: integer overflow / result out of range.
    case overflow(String)
    /// The solver stopped without an optimal solution and no more specific reason applies.
    case notOptimal(String)
    /// Reading or writing a model file failed; `message` holds GLPK's own diagnostics.
    case file(path: String, message: String)
    /// A GLPK return code this wrapper does not know.
    case unknownReturnCode(Int32)

    public var description: String {
        switch self {
        case .invalidModel(let m): return "bad data: \(m)"
        case .invalidArgument(let m): return "invalid argument: \(m)"
        case .invalidBasis: return "invalid initial basis (GLP_EBADB)"
        case .singularMatrix: return "numerical trouble: singular basis matrix (GLP_ESING)"
        case .illConditionedBasis: return "numerical trouble: ill-conditioned basis (GLP_ECOND)"
        case .incorrectBounds: return "a double-bounded variable has incorrect bounds (GLP_EBOUND)"
        case .solverFailed(let m): return "solver failure: \(m) (GLP_EFAIL)"
        case .objectiveLowerLimitReached: return "objective lower limit reached (GLP_EOBJLL)"
        case .objectiveUpperLimitReached: return "objective upper limit reached (GLP_EOBJUL)"
        case .iterationLimit(let n): return "iteration limit of \(n) reached"
        case .timeLimit(let s): return "time limit of \(GLPKError.format(s)) s reached"
        case .infeasible: return "the LP is infeasible (no primal feasible solution)"
        case .unbounded: return "the LP is unbounded (no dual feasible solution)"
        case .rootRelaxationNotOptimal: return "optimal basis of the root LP relaxation not provided (GLP_EROOT)"
        case .stopped: return "search terminated by the application (GLP_ESTOP)"
        case .mipGapReached(let g): return "relative MIP gap tolerance reached (gap \(GLPKError.format(g)))"
        case .noPrimalDualFeasibleSolution: return "the problem has no primal/dual feasible solution (GLP_ENOFEAS)"
        case .noConvergence: return "numerical trouble: interior point did not converge (GLP_ENOCVG)"
        case .numericalInstability: return "numerical trouble: numerical instability (GLP_EINSTAB)"
        case .invalidData(let m): return "invalid data: \(m) (GLP_EDATA)"
        case .overflow(let m): return "result out of range: \(m) (GLP_ERANGE)"
        case .notOptimal(let m): return "no optimal solution: \(m)"
        case .file(let path, let message):
            return message.isEmpty ? "cannot process file \(path)" : "cannot process file \(path): \(message)"
        case .unknownReturnCode(let c): return "unknown GLPK return code \(c)"
        }
    }

    /// Maps a GLPK return code of `glp_simplex`, `glp_interior`, `glp_intopt` or
    /// `glp_mincost_okalg` to an error (`nil` for 0).
    static func from(returnCode rc: Int32, routine: String, timeLimit: Double? = nil,
                     iterationLimit: Int? = nil, mipGap: Double = 0) -> GLPKError? {
        switch rc {
        case 0: return nil
        case GLP_EBADB: return .invalidBasis
        case GLP_ESING: return .singularMatrix
        case GLP_ECOND: return .illConditionedBasis
        case GLP_EBOUND: return .incorrectBounds
        case GLP_EFAIL: return .solverFailed("\(routine) failed")
        case GLP_EOBJLL: return .objectiveLowerLimitReached
        case GLP_EOBJUL: return .objectiveUpperLimitReached
        case GLP_EITLIM: return .iterationLimit(iterationLimit ?? 0)
        case GLP_ETMLIM: return .timeLimit(seconds: timeLimit ?? 0)
        case GLP_ENOPFS: return .infeasible
        case GLP_ENODFS: return .unbounded
        case GLP_EROOT: return .rootRelaxationNotOptimal
        case GLP_ESTOP: return .stopped
        case GLP_EMIPGAP: return .mipGapReached(mipGap)
        case GLP_ENOFEAS: return .noPrimalDualFeasibleSolution
        case GLP_ENOCVG: return .noConvergence
        case GLP_EINSTAB: return .numericalInstability
        case GLP_EDATA: return .invalidData("\(routine) rejected the data")
        case GLP_ERANGE: return .overflow("\(routine) integer overflow")
        default: return .unknownReturnCode(rc)
        }
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
