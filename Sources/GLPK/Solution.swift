extension LinearProgram {
    /// Solver selection and limits.
    public struct SolveOptions: Sendable, Equatable {
        /// Which GLPK algorithm to run.
        public enum Method: Sendable, Equatable {
            /// Branch-and-cut when the model has integer columns, else dual simplex
            /// (falling back to primal, `GLP_DUALP`).
            case automatic
            /// Primal simplex (`glp_simplex` with `GLP_PRIMAL`).
            case primalSimplex
            /// Dual simplex (`glp_simplex` with `GLP_DUALP`: GLPK switches to primal if the dual fails).
            case dualSimplex
            /// Interior point (`glp_interior`); integrality is ignored.
            case interiorPoint
            /// Branch-and-cut (`glp_intopt`).
            case branchAndCut
            /// GLPK's exact simplex (`glp_exact`): rational arithmetic, from the current basis
            /// (e.g. a floating-point optimum to certify or correct). Slow — for checking and
            /// polishing, not for large models from scratch. Ignores presolve and scaling.
            case exactSimplex
        }

        public var method: Method
        /// Use GLPK's LP presolver (`glp_smcp.presolve`) or MIP presolver (`glp_iocp.presolve`).
        /// Presolve discards any warm-start basis.
        public var presolve: Bool
        /// Time limit in seconds (simplex and branch-and-cut; GLPK measures in milliseconds).
        /// GLPK's interior-point solver has no time limit; it ignores this.
        public var timeLimit: Double?
        /// Simplex iteration limit (ignored by the interior-point solver).
        public var iterationLimit: Int?
        /// Relative MIP gap tolerance (`glp_iocp.mip_gap`), e.g. `0.01` for 1 %.
        public var mipGap: Double
        /// Enable GLPK's MIR, Gomory, cover and clique cuts in branch-and-cut.
        public var cuts: Bool
        /// Scale rows and columns first (`glp_scale_prob` with `GLP_SF_AUTO`): for models whose
        /// coefficients span many orders of magnitude. Solutions are reported unscaled; a
        /// warm-start basis is kept.
        public var scaling: Bool = false
        /// Branch-and-cut with a time limit and without the presolver: stop the search this
        /// multiple of the root LP's time before the limit, so that an LP of the same size
        /// solved afterwards (e.g. with the integer columns fixed, for duals) still fits.
        public var reserveRootTimes: Double = 0
        /// Branch-and-cut without the presolver: a plan (one value per column) offered as the
        /// first incumbent once the root LP is solved (`glp_ios_heur_sol`), so that the search
        /// prunes against it from the start. GLPK checks only that the integer columns hold
        /// whole numbers and that the plan is cheaper than any incumbent it has; that every row
        /// holds is the caller's duty. Ignored with the presolver (its columns differ).
        public var incumbent: [Double]? = nil
        /// Branch-and-cut: called on the solving thread, from GLPK's callback, once the search
        /// has run `progressInterval` seconds since the start or the last call, with where it
        /// stands (for progress messages during a long search).
        public var progress: (@Sendable (MIPReport) -> Void)? = nil
        public var progressInterval: Double = 5

        public init(method: Method = .automatic, presolve: Bool = false, timeLimit: Double? = nil,
                    iterationLimit: Int? = nil, mipGap: Double = 0, cuts: Bool = false) {
            self.method = method
            self.presolve = presolve
            self.timeLimit = timeLimit
            self.iterationLimit = iterationLimit
            self.mipGap = mipGap
            self.cuts = cuts
        }

        public static func == (a: SolveOptions, b: SolveOptions) -> Bool {
            a.method == b.method && a.presolve == b.presolve && a.timeLimit == b.timeLimit
                && a.iterationLimit == b.iterationLimit && a.mipGap == b.mipGap && a.cuts == b.cuts
                && a.scaling == b.scaling && a.reserveRootTimes == b.reserveRootTimes && a.incumbent == b.incumbent
                && (a.progress == nil) == (b.progress == nil) && a.progressInterval == b.progressInterval
        }

        func validate() throws {
            if let t = timeLimit, !(t >= 0 && t.isFinite) {
                throw GLPKError.invalidArgument("time limit must be a finite number of seconds >= 0, got \(t)")
            }
            if let n = iterationLimit, n < 0 {
                throw GLPKError.invalidArgument("iteration limit must be >= 0, got \(n)")
            }
            if !(mipGap >= 0 && mipGap.isFinite) {
                throw GLPKError.invalidArgument("MIP gap must be finite and >= 0, got \(mipGap)")
            }
            if let x = incumbent, let j = x.firstIndex(where: { !$0.isFinite }) {
                throw GLPKError.invalidArgument("incumbent value of column \(j) is not finite (\(x[j]))")
            }
        }

        /// GLPK wants milliseconds as a C int.
        var timeLimitMilliseconds: Int32 {
            guard let t = timeLimit else { return Int32.max }
            return Int32(clamping: Int64((t * 1000).rounded(.up).clamped(0, Double(Int32.max))))
        }
    }

    /// Where a branch-and-cut search stands (``SolveOptions/progress``).
    public struct MIPReport: Sendable, Equatable {
        /// Seconds since the solve started.
        public var seconds: Double
        /// Subproblems in the search tree (active ones waiting to be solved, and all so far).
        public var activeNodes: Int, totalNodes: Int
        /// The best integer plan's objective, if any.
        public var incumbent: Double?
        /// The best bound on the optimum, if known.
        public var bound: Double?
    }

    /// Outcome of a solve, as a value.
    ///
    /// For an LP, `rowDuals` and `reducedCosts` are filled (GLPK's sign convention: for a
    /// minimisation, the reduced cost of a column at its lower bound is ≥ 0; a `≤` row that is
    /// binding has a dual ≤ 0). For a MIP they are empty, and `bestBound`/`mipGap` are set.
    public struct Solution: Sendable, Equatable {
        /// Solution status. The corresponding GLPK routines are `glp_get_status`,
        /// `glp_ipt_status` and `glp_mip_status`.
        public enum Status: Sendable, Equatable, CustomStringConvertible {
            /// Proven optimal.
            case optimal
            /// Feasible, optimality not proven (limits reached).
            case feasible
            /// The problem has no feasible solution.
            case infeasible
            /// The objective is unbounded (for a MIP: the LP relaxation is unbounded).
            case unbounded
            /// No solution is known (e.g. a limit was hit before finding a feasible point).
            case undefined

            public var description: String {
                switch self {
                case .optimal: return "optimal"
                case .feasible: return "feasible"
                case .infeasible: return "infeasible"
                case .unbounded: return "unbounded"
                case .undefined: return "undefined"
                }
            }
        }

        /// Why the solver stopped.
        public enum Termination: Sendable, Equatable {
            case completed
            /// `GLP_ETMLIM`.
            case timeLimit
            /// `GLP_EITLIM`.
            case iterationLimit
            /// `GLP_EMIPGAP`.
            case mipGapReached
            /// `GLP_EOBJLL` / `GLP_EOBJUL`.
            case objectiveLimit
        }

        /// The algorithm that produced the values.
        public enum Algorithm: Sendable, Equatable { case simplex, interiorPoint, branchAndCut }

        public var status: Status
        public var termination: Termination
        public var algorithm: Algorithm
        /// Objective value including the constant term.
        public var objective: Double
        /// Column values `x[j]`.
        public var columnValues: [Double]
        /// Row activities `Σ_j A[i][j] x[j]`.
        public var rowActivities: [Double]
        /// Row duals (LP only; empty for a MIP).
        public var rowDuals: [Double]
        /// Column reduced costs (LP only; empty for a MIP).
        public var reducedCosts: [Double]
        /// Simplex iterations (`glp_get_it_cnt`).
        public var iterations: Int
        /// Wall-clock seconds spent in the solver call.
        public var seconds: Double
        /// MIP: best bound on the optimum known when the search stopped (equals `objective`
        /// when optimal; `nil` when unknown, e.g. search stopped before the first node).
        public var bestBound: Double?
        /// MIP: relative gap `|objective − bestBound| / (DBL_EPSILON + |objective|)` as GLPK
        /// computes it in `glp_ios_mip_gap`; `nil` when no integer solution or bound is known.
        public var mipGap: Double?
        /// MIP with ``SolveOptions/incumbent``: whether GLPK took it (`nil`: never offered, as
        /// the search ended with the root LP).
        public var incumbentAccepted: Bool?
        /// The time limit that was in force (for error messages).
        var timeLimit: Double?
        var iterationLimit: Int?

        /// Returns `self` when optimal, else throws the matching ``GLPKError``
        /// (``GLPKError/infeasible``, ``GLPKError/unbounded``, ``GLPKError/timeLimit(seconds:)``,
        /// ``GLPKError/iterationLimit(_:)``, ``GLPKError/mipGapReached(_:)`` or ``GLPKError/notOptimal(_:)``).
        @discardableResult
        public func requireOptimal() throws -> Solution {
            switch status {
            case .optimal: return self
            case .infeasible: throw GLPKError.infeasible
            case .unbounded: throw GLPKError.unbounded
            case .feasible, .undefined:
                switch termination {
                case .timeLimit: throw GLPKError.timeLimit(seconds: timeLimit ?? seconds)
                case .iterationLimit: throw GLPKError.iterationLimit(iterationLimit ?? iterations)
                case .mipGapReached: throw GLPKError.mipGapReached(mipGap ?? 0)
                case .objectiveLimit: throw GLPKError.objectiveLowerLimitReached
                case .completed: throw GLPKError.notOptimal("solver finished with status \(status)")
                }
            }
        }

        /// Like ``requireOptimal()`` but accepts a feasible (non-proven) solution, e.g. a MIP
        /// stopped by its time limit or gap tolerance.
        @discardableResult
        public func requireFeasible() throws -> Solution {
            if status == .feasible { return self }
            return try requireOptimal()
        }
    }
}

extension Comparable {
    func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}

