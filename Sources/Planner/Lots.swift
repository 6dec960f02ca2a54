// Lots.swift — `--mip` on models too large for GLPK's branch-and-cut: lots by LP rounding.
import FuelFlowModel

extension Planner {
    /// Lots the LP ships at this share of their minimum or more are rounded up inside the next
    /// LP; smaller ones are closed (0.4–0.5 did best on 36 generated networks against GLPK's
    /// optima: mean 0.05 % above them; 0.25, 0.75 and 0.9 gave 0.06, 0.07 and 0.21 %).
    static let roundUpShare = 0.5

    /// A lots round whose LP comes out dearer than the last one by more than this share of its
    /// value (or infeasible) is undone and half of it tried again. 32 networks with minimums on
    /// every kind of lane (`lots_vs_mip.py --suite hard`), mean above their optimum: 25.9 %
    /// without halving, 0.60 % at 10⁻², 0.47 % at 2·10⁻³, 0.28 % at 10⁻³, 0.23 % at 3·10⁻⁴;
    /// the 36-network suite 0.057 % → 0.032 % at 10⁻³ (one network dearer at 3·10⁻⁴).
    static let lotsJump = 1e-3

    /// The lots heuristic's LP moves (step 6): at most this many LPs, and at most
    /// ``lotsMoveColumns`` / columns.
    static let lotsMoveLPs = 200
    static let lotsMoveColumns = 4_000_000

    /// At most this many notes on the lots rounds in `plan.json`.
    static let lotsRoundNotes = 30

    /// `--mip` with `auto` on a model of at least ``PlanOptions/lotsThreshold`` variables
    /// (national: 6.5 M variables and 4,612 lane-day binaries, where GLPK had not finished the
    /// root LP after 120 s): a rounding heuristic on our LP routes, with a certified gap.
    ///
    /// 1. The MIP's LP relaxation: y[l,t] = Σ_p x[l,p,t] / M, i.e. the hire spread over a full
    ///    lane as fixed_cost_per_day / M per m³ (rounded down to 10⁻⁴, so the network simplex
    ///    stays exact and the relaxation stays below the MIP's). Its optimum, or its certified
    ///    Lagrangian bound when the decomposition stops at a gap, bounds the MIP from below.
    /// 2. Each round's LP plan gives a candidate when every lane-day below its minimum can be
    ///    repaired in place (``LotRepair``: its volume moved to the day before or after, rounded
    ///    up to the minimum, or taken off, where stocks, tanks, production and limits have room).
    /// 3. Then the lane-days below their minimum are closed (x[l,p,t] ≤ 0), with the unused
    ///    discrete lane-days as well while there is no candidate yet, and the LP is solved again
    ///    (same surcharges), until every lane-day ships 0 or at least its minimum, the LP
    ///    becomes infeasible, or another round would not fit in the time left. Closed lane-days
    ///    only accumulate, so the rounds end.
    /// 4. A second pass, when the first one's time is left again, repeats the rounds with lots
    ///    the LP ships at ``roundUpShare`` of their minimum or more rounded up for good inside
    ///    the next LP (lane-day floors, ``PlanModel/floorColumns(_:)``) instead of closed.
    /// 5. The cheapest candidate is improved by lots moved, merged or taken off in place
    ///    (``LotRepair/polished(_:lanes:maxPasses:deadline:)``) and, on small models, by hired
    ///    lane-days closed or merged through the LP (a bounded count of LPs).
    /// 6. The plan is the best candidate (flows + the hire of every lane-day used), with
    ///    the duals of its LP and the gap to the bound of step 1.
    ///
    /// The first LP stops at a certified gap of ``PlanOptions/lotsGap`` (10⁻³ unless `--gap`
    /// is given), the later ones at the decomposition's first plan; each gets at most half of
    /// the time left.
    static func solveLots(_ model: PlanModel, discrete d: DiscreteLanes, options: PlanOptions, into plan: inout Plan) throws {
        let net = model.network
        let clock = ContinuousClock()
        let deadline = options.deadline ?? clock.now + .seconds(PlanOptions.defaultDecompositionTimeLimit)
        let bigM = d.bigM(model)
        // The most each lane can carry on any day (the MIP's M, ``DiscreteLanes/useBounds(_:)``):
        // its hire over that is the cheapest fractional y, so the bound stays a bound.
        let useBounds = d.useBounds(model)
        func weakSurcharge(_ l: Int, hire: Double) -> Double {
            let M = useBounds[l]?.max() ?? bigM
            return M > 0 ? (hire / M * 1e4).rounded(.down) / 1e4 : 0
        }
        var work = model
        work.surchargeLanes(d.lanes.compactMap { l in
            guard let hire = net.lanes[l].fixedCostPerDay, hire > 0 else { return nil }
            let add = weakSurcharge(l, hire: hire)
            return add > 0 ? (l, add) : nil
        })
        plan.route = "mip-lots"
        plan.routeReason = "\(d.lanes.count) lane(s) with min_shipment_m3/fixed_cost_per_day on a model of \(model.columnCount) variables (\(options.lotsThreshold > 0 ? "≥ \(options.lotsThreshold), too large for GLPK's branch-and-cut" : "--lots: the heuristic whatever the size")): the LP relaxation (hire per m³ of a full lane) bounds the MIP; each LP plan's lane-days below their minimum are rounded in place where the plan has room (a candidate), then closed and the LP solved again (a second pass rounds lots of at least half their minimum up inside the LP instead); the cheapest candidate is kept"
        func tolerance(_ l: Int) -> Double { 1e-6 * max(1, net.lanes[l].minShipmentM3 ?? 0) }
        var bound: Double? = nil
        var round = 0
        var closedCount = 0
        /// Whether the time limit ended the rounds (rather than infeasibility or nothing to close).
        var timedOut = false
        var base = work
        /// Lane-days closed for good (below their minimum, or hired and under half used once a
        /// candidate exists), and the unused ones closed while there is no candidate yet.
        var closedLots: [(lane: Int, day: Int)] = [], closedUnused: [(lane: Int, day: Int)] = []
        /// Lots rounded up to their minimum inside the LP (lane-day floors, for good).
        var floors: [(column: Int, volume: Double)] = [], floored = Set<Int>()
        /// Σ floors leaving each (node, day): they must fit its throughput together.
        var flooredOut: [Int: Double] = [:]
        /// What the last round decided (most confident first) and added, so that a round whose
        /// LP jumps can be undone and half of it tried again (the halving below).
        var last: (decisions: [LotDecision], closed: Int, floors: Int, unused: [(lane: Int, day: Int)], lp: Double)? = nil
        /// The last round flipped one lot after halving: the lot as first decided, and the LP
        /// value it gave (+∞: infeasible). The cheaper of the two is taken.
        var unflipped: (decision: LotDecision, lp: Double)? = nil
        /// The last round's LP is taken whatever it is (no more halving).
        var lastWasFlip = false
        /// What the first LP's plan costs more at the surcharges of the later rounds.
        var surchargeShift = 0.0
        /// At most this many decisions in a round: twice the last accepted round's, so that
        /// after a halving the rounds grow back instead of jumping again at once.
        var batch = Int.max
        /// Whether the unused lane-days are closed while there is no candidate (until a round
        /// that closed them jumps: then not again in this pass).
        var closeUnused = true
        /// Whether the only candidate is the first LP's plan with its lots repaired in place. It
        /// does not count as a candidate for closing the unused and the underused lane-days
        /// (national: with it counted, round 2 closed 400 underused hired lane-days as well, its
        /// LP jumped by 0.5 %, and the plan after 3 rounds was 1,018.08 M; without, 1,017.82 M).
        var firstRepairOnly = false
        var hasCandidate: Bool { best != nil && !firstRepairOnly }
        let granularity: Double? = { if case .success(let sc) = FlowScaling.choose(for: model) { return 1 / sc.volumeScale }; return nil }()
        func key(_ l: Int, _ t: Int) -> Int { d.key(model, lane: l, day: t) }
        func reclose() {
            work = base
            work.closeLaneDays(closedLots + closedUnused)
            work.floorColumns(floors)
        }
        /// The rounds' notes in `plan.json`: the first ``lotsRoundNotes``, then only counted
        /// (halving can take a hundred rounds on a small network).
        var roundNotesWritten = 0, roundNotesLeftOut = 0
        func roundNote(_ text: String) {
            if roundNotesWritten < lotsRoundNotes { plan.notes.append(text); roundNotesWritten += 1 } else { roundNotesLeftOut += 1 }
        }
        /// The cheapest plan so far in which every lane-day ships 0 or at least its minimum.
        var best: (x: [Double], cost: Double, duals: [Double], scaling: FlowScaling?, repaired: Int)? = nil
        /// Keeps `x` when it is the cheapest so far; returns its cost (flows + hire).
        @discardableResult
        func offer(_ x: [Double], duals: [Double], scaling: FlowScaling?, repaired: Int) -> Double {
            let cost = model.objective(of: x) + hire(x)
            if best == nil || cost < best!.cost { best = (x, cost, duals, scaling, repaired) }
            return cost
        }
        // Two passes: lots only closed, then (when the time taken leaves room for it again) lots
        // rounded up inside the LP, the cheapest candidate of both kept. Rounding up is far better
        // where closing empties the network (a generated network with every truck lane's minimum
        // at 100 %: 0.21 % above the optimum instead of 484 %), closing now and then where a lot
        // rounded up for good takes the rounds elsewhere (the province: 0.31 % against 0.55 %).
        // Closing goes first: on the national preset its rounds reach a candidate within
        // `--time-limit 120`, and those of rounding up did not (two rounds of ~50 s, 2 lots left).
        let passStart = clock.now
        // Each round's LP continues from the last one's network simplex trees where the model
        // kept its shape (closed lane-days and surcharges change only costs and capacities; the
        // floors of the second pass change supplies: those products start cold).
        let warm = WarmSessions()
        defer { warm.release() }
        for (pass, share) in [nil, roundUpShare].enumerated() {
        if pass > 0 {
            if (deadline - clock.now).seconds < 1.2 * (clock.now - passStart).seconds { timedOut = true; break }
            closedCount += closedLots.count + closedUnused.count
            closedLots = []; closedUnused = []; floors = []; floored = []; flooredOut = [:]; last = nil; lastWasFlip = false; unflipped = nil
            batch = .max; closeUnused = true
            reclose()
        }
        while true {
            round += 1
            let roundStart = clock.now
            let left = (deadline - roundStart).seconds
            if left <= 0.01 { timedOut = true; break }
            var o = options
            o.discrete = false
            o.explainInfeasibility = false
            // Half of the time left for this LP, so that later rounds still have some. The
            // bound is the first round's; later rounds only need a plan within the closures:
            // they stop at the decomposition's first capacity-respecting plan.
            // Without a candidate yet a later round gets all of it: nothing would be kept anyway.
            let lpShare = round > 1 && best == nil ? left : round == 1 && options.lotsWarmStarts ? 0.6 * left : left / 2
            o.timeLimit = lpShare
            o.deadline = roundStart + .seconds(lpShare)
            o.decompositionGap = round == 1 ? options.lotsGap ?? 1e-3 : 1
            // The rounds want the decomposition's quick plan and bound, not an exact LP.
            o.partitionThreshold = 0
            let r = round
            o.progress = options.progress.map { say in { @Sendable in say("lots round \(r): " + $0) } }
            var sub = Plan(unsolved: work, method: .auto)
            try solveAuto(work, options: o, into: &sub, warm: options.lotsWarmStarts ? warm : nil)
            if round == 1 {
                if sub.status == .infeasible || sub.status == .unbounded {
                    plan.status = sub.status
                    plan.notes += sub.notes
                    plan.notes.append("the LP relaxation is \(sub.status.rawValue), hence so is the model with the discrete options")
                    return
                }
                bound = sub.status == .optimal ? sub.objective : sub.lowerBound
                do {
                    // The bound needs the weakest surcharge (hire over M, the most volume a day can
                    // hold, for a lane without capacity: next to nothing); the rounds consolidate
                    // far better with the hire spread over what such a lane carries on its busiest
                    // day in this first LP (at least its minimum). QA networks with hired truck
                    // lanes without capacity: 20.4 % above branch-and-cut's plan → 0.6 % below it,
                    // 8.28 M → 6.05 M; the generated presets' lanes all have capacities (unchanged).
                    let x1 = work.unfloored(sub.columnValues)
                    var strong: [(lane: Int, perM3: Double)] = []
                    for l in d.lanes {
                        guard let hire = net.lanes[l].fixedCostPerDay, hire > 0, net.lanes[l].capacityM3PerDay == nil,
                              model.laneSpan[l] > 0 else { continue }
                        let peak = (1...model.laneSpan[l]).map { d.volume(model, lane: l, day: $0, in: x1) }.max() ?? 0
                        let v = max(net.lanes[l].minShipmentM3 ?? 0, peak, 1)
                        let add = (hire / v * 1e4).rounded(.down) / 1e4 - weakSurcharge(l, hire: hire)
                        if add > 0 { strong.append((l, add)) }
                    }
                    base.surchargeLanes(strong)
                    reclose()
                    // Round 2 is judged against this LP's plan at the stronger surcharge (still a
                    // plan of round 2's LP before its decisions), not against its value at the weak
                    // one: the stronger surcharge alone made round 2 look like a jump (QA: 4.7 %
                    // on a network with four such lanes, halved for ten rounds down to one lot).
                    surchargeShift = strong.reduce(0) { sum, s in
                        sum + (1...model.laneSpan[s.lane]).reduce(0) { $0 + s.perM3 * d.volume(model, lane: s.lane, day: $1, in: x1) }
                    }
                }
            }
            // A round whose decisions make the LP infeasible, or dearer by more than
            // ``lotsJump`` of its value, is undone and half of them (the most confident) tried
            // again, down to one lot, which is then flipped (closed instead of rounded up, or the
            // other way round) and taken as it comes. Closing every day of a station's only lane
            // (its lots all below the minimum) or rounding up a set of lots that cannot all be
            // met leaves shortfalls or no plan at all; halving finds the lot that does it.
            let value = sub.status == .infeasible || !sub.hasPlan ? Double.infinity
                : work.floors.reduce(sub.objective) { $0 + work.columnCost[$1.column] * $1.volume }
            if let u = unflipped, let l = last {
                unflipped = nil
                if value > u.lp, sub.status == .infeasible || sub.hasPlan {
                    roundNote("lots round \(round): " + (value.isFinite ? "LP \(fmt(value))" : "the LP became infeasible") + " with the lot flipped; it is decided as first")
                    undoLast()
                    apply([u.decision], unused: [], lp: l.lp)
                    continue
                }
            }
            if let l = last, !lastWasFlip, !l.decisions.isEmpty,
               sub.status == .infeasible || (sub.hasPlan && value > l.lp + lotsJump * max(1, abs(l.lp))),
               (deadline - clock.now).seconds > 3 * (clock.now - roundStart).seconds {
                undoLast()
                if !l.unused.isEmpty { closeUnused = false }
                var retry = Array(l.decisions.prefix(l.decisions.count / 2))
                if retry.isEmpty {
                    lastWasFlip = true
                    if let f = flipped(l.decisions[0]) { retry = [f]; unflipped = (l.decisions[0], value) } else { retry = l.decisions }
                }
                roundNote("lots round \(round): " + (value.isFinite ? "the LP jumped to \(fmt(value))" : "the LP became infeasible")
                                  + " with the last round's \(l.decisions.count) decision(s)" + (l.unused.isEmpty ? "" : " and \(l.unused.count) unused lane-day(s) closed")
                                  + "; again with " + (unflipped != nil ? "its one lot flipped" : lastWasFlip ? "it, the lot cannot be flipped" : "the \(retry.count) most confident"))
                apply(retry, unused: [], lp: l.lp)
                continue
            }
            if sub.status == .infeasible, let l = last, l.floors > 0 {
                // No time to halve: the lots rounded up last round are closed instead.
                roundNote("lots round \(round): rounding \(l.decisions.filter(\.floor).count) lot(s) up to their minimum made the LP infeasible; closed instead")
                undoLast()
                apply(l.decisions.map { var c = $0; c.floor = false; return c }, unused: l.unused, lp: l.lp)
                lastWasFlip = true
                continue
            }
            if sub.status == .infeasible && !closedUnused.isEmpty {
                // The unused lane-days closed with the lots were some flows' only way out.
                roundNote("lots round \(round): the LP became infeasible with the unused lane-days closed too; again with them open")
                closedUnused = []
                reclose()
                continue
            }
            guard sub.hasPlan, sub.status != .infeasible else {
                roundNote(sub.status == .infeasible
                    ? "lots round \(round): closing lane-days made the LP infeasible"
                    : "lots round \(round): the time limit came before a plan")
                if sub.status != .infeasible { timedOut = true }
                break
            }
            // The LP's plan in the original columns (the floors added back), and its cost.
            let lpX = work.unfloored(sub.columnValues)
            let lpValue = value  // the floors added back, as for the halving above
            let below = lotsBelowMinimum(lpX)
            // How the LP was solved, for the round's note.
            let how = "\(sub.route), \(sub.status.rawValue)"
                + (sub.notes.contains { $0.hasPrefix(warmNotePrefix) } ? ", from the last round's trees" : "")
            // This round's decisions: lots at least ``roundUpShare`` of their minimum (second
            // pass) are rounded up inside the next LP (a floor on the lane-day, split over its
            // products as the LP shipped them), so that the rest of the plan follows; the other
            // lots below their minimum are closed. Most confident first (for the halving above).
            var decisions: [LotDecision] = []
            var room = flooredOut
            for (l, t) in below.sorted(by: { d.volume(model, lane: $0.lane, day: $0.day, in: lpX) > d.volume(model, lane: $1.lane, day: $1.day, in: lpX) }) {
                let minimum = net.lanes[l].minShipmentM3 ?? 0, v = d.volume(model, lane: l, day: t, in: lpX)
                let split = shipped(lane: l, day: t, in: lpX)
                if let share, v >= share * minimum, fits(lane: l, day: t, room: &room) {
                    decisions.append(LotDecision(lane: l, day: t, split: split, floor: true, confidence: v / minimum))
                } else {
                    decisions.append(LotDecision(lane: l, day: t, split: split, floor: false, confidence: 1 - v / minimum))
                }
            }
            let ups = decisions.filter(\.floor).count
            if below.isEmpty {
                let cost = offer(lpX, duals: sub.rowDuals, scaling: sub.scaling, repaired: 0)
                firstRepairOnly = false
                roundNote("lots round \(round): LP \(fmt(lpValue)) (\(how)), every lane-day ships 0 or at least its minimum: candidate \(fmt(cost))")
            } else {
                // This plan with its lots rounded up (or down) where it has room is a candidate;
                // closing them and solving again may give a cheaper one.
                let (x, stuck) = repaired(lpX, below)
                let fresh = best == nil
                let cost = stuck.isEmpty ? offer(x, duals: sub.rowDuals, scaling: sub.scaling, repaired: below.count) : nil
                if cost != nil { firstRepairOnly = round == 1 && fresh }
                roundNote("lots round \(round): LP \(fmt(lpValue)) (\(how)), \(below.count) lane-day(s) below their minimum; \(stuck.isEmpty ? "all" : "\(below.count - stuck.count)") rounded up or down in place\(cost.map { ": candidate \(fmt($0))" } ?? "")" + (ups == 0 ? "" : "; \(ups) rounded up to their minimum in the next LP"))
            }
            if hasCandidate {
                // With a candidate, hired lane-days used below half their capacity are closed as
                // well (their hire per m³ is more than twice the relaxation's): the next round
                // may consolidate them. Only cheaper candidates replace the best.
                let M = { (l: Int) in net.lanes[l].capacityM3PerDay ?? bigM }
                decisions += underused(lpX).map {
                    LotDecision(lane: $0.lane, day: $0.day, split: shipped(lane: $0.lane, day: $0.day, in: lpX), floor: false,
                                confidence: 1 - d.volume(model, lane: $0.lane, day: $0.day, in: lpX) / (0.5 * M($0.lane)))
                }
            }
            decisions.removeAll { floored.contains(key($0.lane, $0.day)) }
            decisions.sort { $0.confidence > $1.confidence }
            if decisions.isEmpty && closedUnused.isEmpty { break }
            // Another round: without a candidate, whatever time is left; with one, when the next
            // round is likely to finish in it. The next round continues from this one's trees
            // when there are any (``WarmSessions``), so the cold first round is taken to be twice
            // what it needs (national: 60 s, then 21 s and 10 s; on a slow machine round 1 alone
            // took the 60 s of `--time-limit 120` that its cold rounds left for it).
            let roundSeconds = (clock.now - roundStart).seconds
            let nextRound = round == 1 && warm.sessions?.hasTrees == true && options.lotsWarmStarts ? roundSeconds / 2 : roundSeconds
            if best != nil && (deadline - clock.now).seconds < 1.2 * nextRound { timedOut = true; break }
            // Until a round with lane-days closed gives a candidate, the unused discrete
            // lane-days are closed as well: flows pushed off the closed ones then cannot scatter
            // onto them below the minimum (the national preset needs that to converge). Once
            // there is such a candidate they are open again, so that later rounds can use them
            // (a generated network had every lane-day closed by then; closing them for good
            // never ended its rounds).
            lastWasFlip = false
            if let l = last { batch = max(2 * l.decisions.count, 1) }
            decisions = Array(decisions.prefix(batch))
            let unused = !hasCandidate && closeUnused ? unusedLaneDays(lpX) : []
            if hasCandidate { closedUnused = [] }
            apply(decisions, unused: unused, lp: lpValue + surchargeShift)
            surchargeShift = 0
        }
        }
        closedCount += closedLots.count + closedUnused.count
        guard let kept = best else {
            if clock.now >= deadline - .milliseconds(10) || timedOut {
                plan.status = .timeLimit
                plan.notes.append("the lots rounds ended at the time limit before a plan in which every lane-day ships 0 or at least its minimum; no flows are written (a longer --time-limit)")
            } else {
                plan.status = .noPlan
                plan.notes.append("the lots rounds ended without a plan in which every lane-day ships 0 or at least its minimum (closing lane-days made the LP infeasible, or nothing was left to close); the minimums may make the model infeasible")
            }
            return
        }
        // 6. Lots moved, merged or taken off in place where that is cheaper, then (small models)
        // lane-days closed or merged through the LP.
        let repair = LotRepair(model)
        var polish = repair.polished(kept.x, lanes: d.lanes, deadline: deadline)
        best = (polish.x, model.objective(of: polish.x) + hire(polish.x), kept.duals, kept.scaling, kept.repaired)
        let lpMoves = lotsLPMoves(repair)
        polish.moves += lpMoves.moves
        let final = best!
        finish(final.x, duals: final.duals, scaling: final.scaling, rounds: round + lpMoves.lps, closed: closedCount,
               repaired: final.repaired, polished: (polish.moves, kept.cost - final.cost))

        /// Step 6's LP moves on `best`: for each hired lane-day in use (least used first), the
        /// LP with it closed, or with it and the lane's next lot within two days closed and a day
        /// between them open; then for each lot of at least twice its minimum (largest first),
        /// the LP with the unused day before or after it open. Every other unused discrete
        /// lane-day is closed in these LPs. A plan, repaired and moved in place, replaces `best`
        /// when cheaper, and the search starts over. At most ``lotsMoveLPs`` LPs and
        /// ``lotsMoveColumns`` / columns (12 on 328,205 columns, none on the national preset's
        /// 6.5 M): a count, not the clock, so that the plans stay deterministic, and large models
        /// do not pay for LPs that would each take seconds.
        func lotsLPMoves(_ repair: LotRepair) -> (moves: Int, lps: Int) {
            let budget = min(lotsMoveLPs, lotsMoveColumns / max(1, model.columnCount))
            let laneIDs = budget > 0 ? net.laneIDs() : []
            var lps = 0, moves = 0
            search: while lps < budget {
                let x = best!.x
                // Hired lane-days in use (least used first), then lots of at least twice their
                // minimum (largest first), which a day beside them opened might split.
                var used: [(lane: Int, day: Int, perM3: Double)] = []
                var large: [(lane: Int, day: Int, lots: Double)] = []
                var unused: [(lane: Int, day: Int)] = []
                for l in d.lanes {
                    let minimum = net.lanes[l].minShipmentM3 ?? 0
                    for t in 1...model.laneSpan[l] {
                        let v = d.volume(model, lane: l, day: t, in: x)
                        if v <= tolerance(l) { unused.append((l, t)); continue }
                        if let hire = net.lanes[l].fixedCostPerDay, hire > 0 { used.append((l, t, hire / v)) }
                        if minimum > 0 && v >= 2 * minimum { large.append((l, t, v / minimum)) }
                    }
                }
                used.sort { $0.perM3 != $1.perM3 ? $0.perM3 > $1.perM3 : ($0.lane, $0.day) < ($1.lane, $1.day) }
                large.sort { $0.lots != $1.lots ? $0.lots > $1.lots : ($0.lane, $0.day) < ($1.lane, $1.day) }
                let isUsed = Set(used.map { key($0.lane, $0.day) })
                let isUnused = Set(unused.map { key($0.lane, $0.day) })
                typealias Move = (close: [(lane: Int, day: Int)], open: Int?)
                var candidates: [(lane: Int, tries: [Move])] = []
                for u in used {
                    var tries: [Move] = [([(u.lane, u.day)], nil)]
                    for t2 in u.day + 1...u.day + 2 where t2 <= model.laneSpan[u.lane] && isUsed.contains(key(u.lane, t2)) {
                        for between in u.day + 1..<t2 { tries.append(([(u.lane, u.day), (u.lane, t2)], between)) }
                    }
                    candidates.append((u.lane, tries))
                }
                for u in large {
                    let tries: [Move] = [u.day - 1, u.day + 1].filter { $0 >= 1 && $0 <= model.laneSpan[u.lane] && isUnused.contains(key(u.lane, $0)) }
                        .map { ([], $0) }
                    if !tries.isEmpty { candidates.append((u.lane, tries)) }
                }
                for (lane, tries) in candidates {
                    for move in tries {
                        if lps >= budget || (deadline - clock.now).seconds <= 0.05 { break search }
                        lps += 1
                        work = base
                        work.closeLaneDays(unused.filter { $0.lane != lane || $0.day != move.open } + move.close)
                        var o = options
                        o.discrete = false
                        o.explainInfeasibility = false
                        let left = (deadline - clock.now).seconds
                        o.timeLimit = left / 2
                        o.deadline = clock.now + .seconds(left / 2)
                        o.decompositionGap = 1
                        o.partitionThreshold = 0
                        var sub = Plan(unsolved: work, method: .auto)
                        guard (try? solveAuto(work, options: o, into: &sub)) != nil, sub.hasPlan, sub.status != .infeasible else { continue }
                        let lpX = sub.columnValues
                        let below = lotsBelowMinimum(lpX)
                        let (y, stuck) = repaired(lpX, below)
                        guard stuck.isEmpty else { continue }
                        let z = repair.polished(y, lanes: d.lanes, deadline: deadline).x
                        let before = best!.cost
                        if offer(z, duals: sub.rowDuals, scaling: sub.scaling, repaired: below.count) < before - 1e-6 {
                            moves += 1
                            var parts: [String] = []
                            if !move.close.isEmpty { parts.append(move.close.map { "day \($0.day)" }.joined(separator: ", ") + " closed") }
                            if let o = move.open { parts.append("day \(o) open") }
                            roundNote("lots move: \(laneIDs[lane]) " + parts.joined(separator: ", ") + ": candidate \(fmt(best!.cost))")
                            continue search
                        }
                    }
                }
                break
            }
            return (moves, lps)
        }

        /// Σ of the floors that round one of lane l's lots up: its minimum at the volume scale.
        func floorTotal(_ l: Int) -> Double {
            guard let g = granularity else { return 0 }
            return ((net.lanes[l].minShipmentM3 ?? 0) / g - 1e-9).rounded(.up) * g
        }

        /// Closes or floors `ds` and closes `unused` for good, remembering them as the last
        /// round's (decided on an LP of value `lp`), and sets up the next LP.
        func apply(_ ds: [LotDecision], unused: [(lane: Int, day: Int)], lp: Double) {
            let closedBefore = closedLots.count, floorsBefore = floors.count
            for dec in ds {
                if dec.floor {
                    floors += floorsOf(lane: dec.lane, day: dec.day, split: dec.split, granularity: granularity!)
                    floored.insert(key(dec.lane, dec.day))
                    flooredOut[key(net.lanes[dec.lane].from, dec.day), default: 0] += floorTotal(dec.lane)
                } else {
                    closedLots.append((dec.lane, dec.day))
                }
            }
            closedUnused += unused
            last = (ds, closedLots.count - closedBefore, floors.count - floorsBefore, unused, lp)
            reclose()
        }

        /// Takes back what the last round closed and floored.
        func undoLast() {
            guard let l = last else { return }
            closedLots.removeLast(l.closed)
            floors.removeLast(l.floors)
            closedUnused.removeLast(l.unused.count)
            for dec in l.decisions where dec.floor {
                floored.remove(key(dec.lane, dec.day))
                flooredOut[key(net.lanes[dec.lane].from, dec.day), default: 0] -= floorTotal(dec.lane)
            }
            last = nil
        }

        /// `dec` the other way round: a floor closed, a closed lot rounded up (when its minimum
        /// fits the lane's capacity and, with the floors so far, its origin's throughput).
        func flipped(_ dec: LotDecision) -> LotDecision? {
            var f = dec
            f.floor.toggle()
            if f.floor {
                var room = flooredOut
                guard fits(lane: dec.lane, day: dec.day, room: &room),
                      dec.split.contains(where: { $0 > 0 }) else { return nil }
            }
            return f
        }

        /// Whether lane-day (l, t) can be rounded up to its minimum: the minimum fits the lane's
        /// capacity and, with the floors in `room`, its origin's throughput (then booked there).
        func fits(lane l: Int, day t: Int, room: inout [Int: Double]) -> Bool {
            let lane = net.lanes[l]
            guard granularity != nil, (lane.minShipmentM3 ?? 0) <= (lane.capacityM3PerDay ?? .infinity) else { return false }
            let k = key(lane.from, t), out = room[k, default: 0] + floorTotal(l)
            if let th = net.nodes[lane.from].throughputM3PerDay, out > th + 1e-9 { return false }
            room[k] = out
            return true
        }

        /// What `x` ships of each of lane l's products on day t.
        func shipped(lane l: Int, day t: Int, in x: [Double]) -> [Double] {
            model.laneProducts[l].indices.map { max(0, x[model.laneColumnStart[l] + $0 * model.laneSpan[l] + t - 1]) }
        }

        /// The floors that round lane-day (l, t) up to its minimum: the minimum (rounded up to
        /// the flow routes' volume scale) split over the lane's products in proportion to what
        /// `split` gives each, by largest remainder in units of that scale, so that the floors
        /// are exact there and sum to the minimum (at most the lane's capacity).
        func floorsOf(lane l: Int, day t: Int, split: [Double], granularity g: Double) -> [(column: Int, volume: Double)] {
            let units = Int((floorTotal(l) / g).rounded())
            let cols = model.laneProducts[l].indices.map { model.laneColumnStart[l] + $0 * model.laneSpan[l] + t - 1 }
            let total = split.reduce(0, +)
            guard units > 0, total > 0 else { return [] }
            let exact = split.map { Double(units) * $0 / total }
            var share = exact.map { Int($0.rounded(.down)) }
            let order = cols.indices.sorted { exact[$0] - Double(share[$0]) > exact[$1] - Double(share[$1]) }
            for i in order.prefix(units - share.reduce(0, +)) { share[i] += 1 }
            return cols.indices.compactMap { share[$0] > 0 ? (cols[$0], Double(share[$0]) * g) : nil }
        }

        /// Lane-days of `x` that ship more than 0 but less than their minimum.
        func lotsBelowMinimum(_ x: [Double]) -> [(lane: Int, day: Int)] {
            var below: [(lane: Int, day: Int)] = []
            for l in d.lanes {
                let minimum = net.lanes[l].minShipmentM3 ?? 0
                for t in 1...model.laneSpan[l] {
                    let f = d.volume(model, lane: l, day: t, in: x)
                    if f > tolerance(l) && f < minimum - tolerance(l) { below.append((l, t)) }
                }
            }
            return below
        }

        /// Discrete lane-days `x` leaves unused (and still open).
        func unusedLaneDays(_ x: [Double]) -> [(lane: Int, day: Int)] {
            var unused: [(lane: Int, day: Int)] = []
            for l in d.lanes {
                for t in 1...model.laneSpan[l] where d.volume(model, lane: l, day: t, in: x) <= tolerance(l)
                    && work.columnUpper[model.laneColumnStart[l] + t - 1] > 0 { unused.append((l, t)) }
            }
            return unused
        }

        /// Hired lane-days `x` uses below half their capacity (M).
        func underused(_ x: [Double]) -> [(lane: Int, day: Int)] {
            var out: [(lane: Int, day: Int)] = []
            for l in d.lanes where (net.lanes[l].fixedCostPerDay ?? 0) > 0 {
                let M = net.lanes[l].capacityM3PerDay ?? bigM
                for t in 1...model.laneSpan[l] {
                    let f = d.volume(model, lane: l, day: t, in: x)
                    if f > tolerance(l) && f < 0.5 * M { out.append((l, t)) }
                }
            }
            return out
        }

        /// The hire of every discrete lane-day `x` uses.
        func hire(_ x: [Double]) -> Double {
            var h = 0.0
            for l in d.lanes {
                for t in 1...model.laneSpan[l] where d.volume(model, lane: l, day: t, in: x) > tolerance(l) {
                    h += net.lanes[l].fixedCostPerDay ?? 0
                }
            }
            return h
        }

        /// `x` with its lots below the minimum rounded up (or else down) where the plan has room,
        /// and those it could not repair.
        func repaired(_ x: [Double], _ below: [(lane: Int, day: Int)]) -> ([Double], [(lane: Int, day: Int)]) {
            let repair = LotRepair(model)
            var y = x
            let stuck = below.filter {
                let minimum = net.lanes[$0.lane].minShipmentM3 ?? 0
                guard let changes = repair.cheapestRepair(lane: $0.lane, day: $0.day, minimum: minimum, in: y)?.changes else { return true }
                for (j, v) in changes { y[j] = v }
                return false
            }
            for (l, t) in stuck.prefix(12) {
                let lane = net.lanes[l]
                debugLog("stuck: \(net.nodes[lane.from].id)(\(net.nodes[lane.from].kind))→\(net.nodes[lane.to].id)(\(net.nodes[lane.to].kind)) \(lane.mode) day \(t)/\(model.laneSpan[l]) τ \(lane.transitDays) f \(d.volume(model, lane: l, day: t, in: y)) min \(lane.minShipmentM3 ?? 0) cap \(lane.capacityM3PerDay ?? -1) " + repair.describe(lane: l, day: t, in: LotRepair.Overlay(y)))
            }
            return (y, stuck)
        }

        func finish(_ x: [Double], duals: [Double], scaling: FlowScaling?, rounds: Int, closed: Int, repaired: Int,
                    polished: (moves: Int, saving: Double) = (0, 0)) {
            plan.columnValues = x
            plan.rowDuals = duals
            plan.scaling = scaling
            for l in d.lanes {
                for t in 1...model.laneSpan[l] where d.volume(model, lane: l, day: t, in: x) > tolerance(l) {
                    plan.laneDaysUsed.append((l, t))
                }
            }
            plan.fixedCost = hire(x)
            plan.objective = model.objective(of: x) + plan.fixedCost
            if let bound {
                let gap = max(0, (plan.objective - bound) / max(1, abs(plan.objective)))
                plan.lowerBound = bound
                plan.relativeGap = gap
                plan.mipGap = gap
                plan.status = gap <= PlanOptions.optimalGap ? .optimal : .feasible
            } else {
                plan.status = .feasible
            }
            let moved = polished.moves > 0 ? ", then \(polished.moves) lot(s) moved, merged or taken off (\(fmt(polished.saving)) cheaper)" : ""
            plan.notes.append("lots: \(rounds) LP round(s)" + (roundNotesLeftOut > 0 ? " (the notes of \(roundNotesLeftOut) left out)" : "") + ", \(closed) lane-day(s) closed; the plan kept is the cheapest candidate" + (repaired > 0 ? ", with \(repaired) lane-day(s) rounded up or down in place" : "") + moved + "; marginal costs are duals of its LP (hire per m³ of a full lane on the discrete lanes)" + (repaired + polished.moves > 0 ? ", before the rounding" + (polished.moves > 0 ? " and the moves" : "") : ""))
        }
    }
}

/// Rounds lane-days that ship less than their minimum up to it, in a plan that satisfies every
/// LP row (the lots heuristic's last resort when no time is left for another LP round).
///
/// For a lane-day (l, t) from a to b carrying f < minimum, the missing e = minimum − f goes on
/// one of the lane's products p (largest flow first) when the plan has room for it without
/// touching anything else: the refinery a produces more on day t (up to its maximum) or a's
/// stock of p gives the rest on days t…T, b's tank takes e on days t+τ…T, and a's throughput
/// and the lane's capacity allow it. Stock below the safety level is re-derived
/// (b = max(0, safety − s)). Lane-days with no such room stay as they are.
struct LotRepair {
    /// A plan's column values with a repair's changes on top (sparse: a national plan has 6.5 M
    /// columns, a repair touches a few dozen), so that the repairs of a lot can be priced and
    /// compared before one is applied.
    struct Overlay {
        let base: [Double]
        private(set) var changed: [Int: Double] = [:]
        init(_ base: [Double]) { self.base = base }
        subscript(j: Int) -> Double {
            get { changed[j] ?? base[j] }
            set { changed[j] = newValue }
        }
    }

    let m: PlanModel
    /// Storage row of (node, product), production row of (refinery, product); −1 when none.
    private var storageOf: [Int], productionOf: [Int]
    private var lanesFrom: [[Int]]

    init(_ m: PlanModel) {
        self.m = m
        let net = m.network
        storageOf = Array(repeating: -1, count: m.N * m.P)
        for (k, st) in net.storage.enumerated() { storageOf[st.node * m.P + st.product] = k }
        productionOf = Array(repeating: -1, count: m.N * m.P)
        for (k, pr) in net.production.enumerated() { productionOf[pr.refinery * m.P + pr.product] = k }
        lanesFrom = Array(repeating: [], count: m.N)
        for (l, lane) in net.lanes.enumerated() where m.laneSpan[l] > 0 { lanesFrom[lane.from].append(l) }
    }

    private func laneColumn(_ l: Int, _ k: Int, _ t: Int) -> Int { m.laneColumnStart[l] + k * m.laneSpan[l] + t - 1 }

    /// What the changes of `x` cost: Σ cost·(new − old) over the changed columns, plus the hire
    /// of lane-days they open and less that of the lane-days they empty. Summed in column order
    /// (a dictionary's order changes from run to run, and so would the last bits of the sum,
    /// and with them the choice between repairs that cost the same).
    func costChange(_ x: Overlay) -> Double {
        var delta = 0.0
        var laneDays = Set<Int>()
        for j in x.changed.keys.sorted() {
            delta += m.columnCost[j] * (x[j] - x.base[j])
            guard j < m.productionBase else { continue }
            // The lane of column j: the last lane whose columns start at or before j.
            var lo = 0, hi = m.laneColumnStart.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if m.laneColumnStart[mid] <= j { lo = mid } else { hi = mid - 1 }
            }
            guard m.laneSpan[lo] > 0, let hire = m.network.lanes[lo].fixedCostPerDay, hire > 0 else { continue }
            laneDays.insert(lo * (m.T + 1) + (j - m.laneColumnStart[lo]) % m.laneSpan[lo] + 1)
        }
        let before = Overlay(x.base)
        for key in laneDays.sorted() {
            let l = key / (m.T + 1), t = key % (m.T + 1)
            let hire = m.network.lanes[l].fixedCostPerDay ?? 0
            let tol = 1e-6 * max(1, m.network.lanes[l].minShipmentM3 ?? 0)
            let was = volume(l, t, before) > tol, now = volume(l, t, x) > tol
            if was != now { delta += now ? hire : -hire }
        }
        return delta
    }

    /// Every repair of lot (l, t) that the plan has room for — moved a day earlier or later,
    /// rounded up, taken off, or rounded up instead of other lanes from the same origin — and
    /// the cheapest of them (nil: none fits). The cheapest, not the first: rounding a lot up at a
    /// refinery produces what then sits in the destination's tank to the end of the horizon
    /// (national: a candidate 2.8 % above the LP when that came first).
    /// The changes are new column values (the overlays, which share `x`'s storage, are gone on
    /// return, so writing them into `x` copies nothing).
    func cheapestRepair(lane l: Int, day t: Int, minimum: Double, in x: [Double]) -> (changes: [Int: Double], cost: Double)? {
        var best: (changes: [Int: Double], cost: Double)? = nil
        func consider(_ repair: (inout Overlay) -> Bool) {
            var o = Overlay(x)
            guard repair(&o) else { return }
            let c = costChange(o)
            if best == nil || c < best!.cost { best = (o.changed, c) }
        }
        consider { move(lane: l, day: t, shift: -1, minimum: minimum, in: &$0) }
        consider { move(lane: l, day: t, shift: 1, minimum: minimum, in: &$0) }
        consider { roundUp(lane: l, day: t, minimum: minimum, in: &$0) }
        consider { roundDown(lane: l, day: t, in: &$0) }
        consider { roundUpInsteadOfOthers(lane: l, day: t, minimum: minimum, in: &$0) }
        return best
    }

    /// A local search on a plan in which every discrete lane-day ships 0 or at least its minimum
    /// (the lots heuristic's last step): for each lane-day of `lanes` in use, the cheapest of
    /// moving its lot a day earlier or later, merging it with the lane's lot two days away into
    /// the day between, and taking it off (``move(lane:day:shift:minimum:in:)``,
    /// ``roundDown(lane:day:in:)``) is applied when it saves more than 10⁻⁶ (``costChange(_:)``:
    /// flows and hire). Lane by lane, day by day, in passes until one finds nothing, at most
    /// `maxPasses`, or until `deadline`. Every move keeps the LP rows, as the repairs do, and
    /// every lane-day at 0 or at least its minimum. Generated networks with hired lanes: the
    /// heuristic's plans paid a lane's hire on two days where one day between them could carry
    /// both lots (`nocaphire-402`: 1.13 % above the optimum).
    func polished(_ x: [Double], lanes: [Int], maxPasses: Int = 20, deadline: ContinuousClock.Instant? = nil)
        -> (x: [Double], moves: Int, saving: Double)
    {
        var y = x
        var moves = 0, saving = 0.0
        for _ in 0..<maxPasses {
            var found = false
            for l in lanes where m.laneSpan[l] > 0 {
                if let deadline, ContinuousClock.now >= deadline { return (y, moves, saving) }
                let minimum = m.network.lanes[l].minShipmentM3 ?? 0, tol = 1e-6 * max(1, minimum)
                for t in 1...m.laneSpan[l] {
                    var best: (changes: [Int: Double], cost: Double)? = nil
                    do {
                        let plan = Overlay(y)
                        guard volume(l, t, plan) > tol else { continue }
                        func consider(_ move: (inout Overlay) -> Bool) {
                            var o = Overlay(y)
                            guard move(&o) else { return }
                            let c = costChange(o)
                            if c < -1e-6 && (best == nil || c < best!.cost) { best = (o.changed, c) }
                        }
                        for s in [-1, 1] {
                            consider { self.move(lane: l, day: t, shift: s, minimum: minimum, in: &$0) }
                            let t2 = t + 2 * s
                            if t2 >= 1 && t2 <= m.laneSpan[l] && volume(l, t2, plan) > tol {
                                consider { self.move(lane: l, day: t, shift: s, minimum: minimum, in: &$0)
                                    && self.move(lane: l, day: t2, shift: -s, minimum: minimum, in: &$0) }
                            }
                        }
                        consider { self.roundDown(lane: l, day: t, in: &$0) }
                    }
                    guard let best else { continue }
                    for (j, v) in best.changes { y[j] = v }
                    moves += 1; saving -= best.cost; found = true
                }
            }
            if !found { break }
        }
        return (y, moves, saving)
    }

    /// The [Double] forms of the repairs (tests): `x` changed only when the repair fits.
    func roundUp(lane l: Int, day t: Int, minimum: Double, in x: inout [Double]) -> Bool {
        apply(to: &x) { roundUp(lane: l, day: t, minimum: minimum, in: &$0) }
    }
    func roundUpInsteadOfOthers(lane l: Int, day t: Int, minimum: Double, in x: inout [Double]) -> Bool {
        apply(to: &x) { roundUpInsteadOfOthers(lane: l, day: t, minimum: minimum, in: &$0) }
    }
    func roundDown(lane l: Int, day t: Int, in x: inout [Double]) -> Bool {
        apply(to: &x) { roundDown(lane: l, day: t, in: &$0) }
    }
    func move(lane l: Int, day t: Int, shift: Int, minimum: Double, in x: inout [Double]) -> Bool {
        apply(to: &x) { move(lane: l, day: t, shift: shift, minimum: minimum, in: &$0) }
    }
    private func apply(to x: inout [Double], _ repair: (inout Overlay) -> Bool) -> Bool {
        var o = Overlay(x)
        guard repair(&o) else { return false }
        let changes = o.changed
        o = Overlay([])   // drop the reference to x's storage before writing it (no copy)
        for (j, v) in changes { x[j] = v }
        return true
    }

    /// Σ_p x[l,p,t].
    private func volume(_ l: Int, _ t: Int, _ x: Overlay) -> Double {
        m.laneProducts[l].indices.reduce(0.0) { $0 + x[laneColumn(l, $1, t)] }
    }

    /// Whether node n's throughput (if any) leaves room for `extra` more departures on day t.
    private func throughputAllows(_ extra: Double, more n: Int, day t: Int, _ x: Overlay) -> Bool {
        guard let th = m.network.nodes[n].throughputM3PerDay else { return true }
        let out = lanesFrom[n].reduce(0.0) { t <= m.laneSpan[$1] ? $0 + volume($1, t, x) : $0 }
        return out + extra <= th + 1e-9
    }

    /// Rounds (l, t) up in `x`; false (x unchanged) when the plan has no room for it. The
    /// missing volume is split over the lane's products, largest flow first, each taking what
    /// its origin can give and its destination tank can hold.
    func roundUp(lane l: Int, day t: Int, minimum: Double, in x: inout Overlay) -> Bool {
        let net = m.network, lane = net.lanes[l], T = m.T
        let ks = m.laneProducts[l].indices
        var e = minimum - volume(l, t, x)
        guard e > 0 else { return true }
        if let cap = lane.capacityM3PerDay, minimum > cap + 1e-9 { return false }
        if !throughputAllows(e, more: lane.from, day: t, x) { return false }
        let arrive = t + lane.transitDays
        var y = x
        for k in ks.sorted(by: { x[laneColumn(l, $0, t)] > x[laneColumn(l, $1, t)] }) where e > 1e-12 {
            let p = m.laneProducts[l][k]
            let bk = storageOf[lane.to * m.P + p]
            guard bk >= 0 else { continue }
            let room = (arrive...T).map { net.storage[bk].capacityM3 - y[m.storageBase + bk * T + $0 - 1] }.min() ?? 0
            var fromProduction = 0.0
            let pk = productionOf[lane.from * m.P + p]
            if pk >= 0 {
                fromProduction = max(0, net.production[pk].maxM3PerDay - y[m.productionBase + pk * T + t - 1])
            }
            let ak = storageOf[lane.from * m.P + p]
            let fromStockMax = ak >= 0 ? max(0, (t...T).map { y[m.storageBase + ak * T + $0 - 1] }.min() ?? 0) : 0
            let take = min(e, max(0, room), fromProduction + fromStockMax)
            guard take > 1e-12 else { continue }
            let produced = min(take, fromProduction), fromStock = take - produced
            y[laneColumn(l, k, t)] += take
            if produced > 0 { y[m.productionBase + pk * T + t - 1] += produced }
            if fromStock > 1e-12 {
                for d in t...T { y[m.storageBase + ak * T + d - 1] = max(0, y[m.storageBase + ak * T + d - 1] - fromStock) }
                rederiveSafety(ak, in: &y)
            }
            for d in arrive...T { y[m.storageBase + bk * T + d - 1] += take }
            rederiveSafety(bk, in: &y)
            e -= take
        }
        guard e <= 1e-9 * max(1, minimum) else { return false }
        x = y
        return true
    }

    /// Rounds (l, t) up in `x` with volume taken off other lanes leaving the same origin on the
    /// same day with the same product: the origin's stock and throughput stay as they are, what
    /// the other lane no longer brings comes from its destination's stock (days t+τ₂…T), and
    /// (l, t)'s destination tank takes the extra (days t+τ…T). Another lane with a minimum keeps
    /// at least its minimum. For a lot whose origin's throughput is full (national: terminals
    /// whose rail lots below the minimum could not be rounded up). False (x unchanged) when the
    /// plan has no such room.
    func roundUpInsteadOfOthers(lane l: Int, day t: Int, minimum: Double, in x: inout Overlay) -> Bool {
        let net = m.network, lane = net.lanes[l], T = m.T
        var e = minimum - volume(l, t, x)
        guard e > 0 else { return true }
        if let cap = lane.capacityM3PerDay, minimum > cap + 1e-9 { return false }
        let arrive = t + lane.transitDays
        var y = x
        for k in m.laneProducts[l].indices.sorted(by: { x[laneColumn(l, $0, t)] > x[laneColumn(l, $1, t)] }) where e > 1e-12 {
            let p = m.laneProducts[l][k]
            let bk = storageOf[lane.to * m.P + p]
            guard bk >= 0 else { continue }
            for l2 in lanesFrom[lane.from] where l2 != l && t <= m.laneSpan[l2] && e > 1e-12 {
                guard let k2 = m.laneProducts[l2].firstIndex(of: p) else { continue }
                let lane2 = net.lanes[l2], j2 = laneColumn(l2, k2, t)
                var give = y[j2]
                if let min2 = lane2.minShipmentM3, min2 > 0 { give = min(give, volume(l2, t, y) - min2) }
                let ck = storageOf[lane2.to * m.P + p]
                guard give > 1e-12, ck >= 0 else { continue }
                let arrive2 = t + lane2.transitDays
                let stock2 = (arrive2...T).map { y[m.storageBase + ck * T + $0 - 1] }.min() ?? 0
                let room = (arrive...T).map { net.storage[bk].capacityM3 - y[m.storageBase + bk * T + $0 - 1] }.min() ?? 0
                let take = min(e, give, stock2, room)
                guard take > 1e-12 else { continue }
                y[laneColumn(l, k, t)] += take
                y[j2] -= take
                for d in arrive...T { y[m.storageBase + bk * T + d - 1] += take }
                for d in arrive2...T { y[m.storageBase + ck * T + d - 1] = max(0, y[m.storageBase + ck * T + d - 1] - take) }
                rederiveSafety(bk, in: &y)
                rederiveSafety(ck, in: &y)
                e -= take
            }
        }
        guard e <= 1e-9 * max(1, minimum) else { return false }
        x = y
        return true
    }

    /// Takes (l, t)'s whole volume off in `x` when the plan has room for that: a refinery
    /// origin produces less on day t (down to its minimum) or a's tank keeps the rest on days
    /// t…T, and b's stock gives it on days t+τ…T. False (x unchanged) otherwise.
    func roundDown(lane l: Int, day t: Int, in x: inout Overlay) -> Bool {
        let net = m.network, lane = net.lanes[l], T = m.T
        let arrive = t + lane.transitDays
        var y = x
        for (k, p) in m.laneProducts[l].enumerated() {
            let f = y[laneColumn(l, k, t)]
            guard f > 0 else { continue }
            var toProduction = 0.0
            let pk = productionOf[lane.from * m.P + p]
            if pk >= 0 {
                let j = m.productionBase + pk * T + t - 1
                toProduction = min(f, max(0, y[j] - net.production[pk].minM3PerDay))
            }
            let toStock = f - toProduction
            let ak = storageOf[lane.from * m.P + p], bk = storageOf[lane.to * m.P + p]
            if toStock > 1e-12 {
                guard ak >= 0, (t...T).allSatisfy({ y[m.storageBase + ak * T + $0 - 1] + toStock <= net.storage[ak].capacityM3 + 1e-9 }) else { return false }
            }
            guard bk >= 0, (arrive...T).allSatisfy({ y[m.storageBase + bk * T + $0 - 1] >= f - 1e-9 }) else { return false }
            y[laneColumn(l, k, t)] = 0
            if toProduction > 0 { y[m.productionBase + pk * T + t - 1] -= toProduction }
            if toStock > 1e-12 {
                for d in t...T { y[m.storageBase + ak * T + d - 1] += toStock }
                rederiveSafety(ak, in: &y)
            }
            for d in arrive...T { y[m.storageBase + bk * T + d - 1] = max(0, y[m.storageBase + bk * T + d - 1] - f) }
            rederiveSafety(bk, in: &y)
        }
        x = y
        return true
    }

    /// Moves (l, t)'s whole volume to day t + shift (±1) of the same lane when that day then
    /// ships at least the minimum and the plan has room: the origin's stock (or a refinery's
    /// production, shifted a day) and the destination's stock absorb the one-day difference.
    func move(lane l: Int, day t: Int, shift: Int, minimum: Double, in x: inout Overlay) -> Bool {
        let net = m.network, lane = net.lanes[l], T = m.T
        let t2 = t + shift
        guard t2 >= 1 && t2 <= m.laneSpan[l] else { return false }
        let f = volume(l, t, x), f2 = volume(l, t2, x)
        guard f + f2 >= minimum - 1e-9 else { return false }
        if let cap = lane.capacityM3PerDay, f + f2 > cap + 1e-9 { return false }
        if !throughputAllows(f, more: lane.from, day: t2, x) { return false }
        var y = x
        // Day d's end-of-day stock of storage row k changes by `delta` (nil: no such row or no room).
        func shiftStock(_ k: Int, day d: Int, by delta: Double) -> Bool {
            guard k >= 0 else { return false }
            let j = m.storageBase + k * T + d - 1
            let v = y[j] + delta
            guard v >= -1e-9 && v <= net.storage[k].capacityM3 + 1e-9 else { return false }
            y[j] = max(0, v)
            rederiveSafety(k, in: &y)
            return true
        }
        for (k, p) in m.laneProducts[l].enumerated() {
            let fp = y[laneColumn(l, k, t)]
            guard fp > 0 else { continue }
            y[laneColumn(l, k, t)] = 0
            y[laneColumn(l, k, t2)] += fp
            // Origin: earlier departure takes fp from day t−1's stock; later leaves it a day longer.
            let origin = shift < 0 ? (day: t2, delta: -fp) : (day: t, delta: fp)
            let ak = storageOf[lane.from * m.P + p], pk = productionOf[lane.from * m.P + p]
            if !shiftStock(ak, day: origin.day, by: origin.delta) {
                // A refinery without that room: produce fp a day earlier (or later) instead.
                guard pk >= 0 else { return false }
                let pr = net.production[pk]
                let jt = m.productionBase + pk * T + t - 1, j2 = m.productionBase + pk * T + t2 - 1
                guard y[j2] + fp <= pr.maxM3PerDay + 1e-9 && y[jt] - fp >= pr.minM3PerDay - 1e-9 else { return false }
                y[j2] += fp; y[jt] -= fp
            }
            // Destination: earlier arrival holds fp a day longer; later takes it from stock.
            let arrive = t + lane.transitDays, arrive2 = t2 + lane.transitDays
            let bk = storageOf[lane.to * m.P + p]
            if !shiftStock(bk, day: min(arrive, arrive2), by: shift < 0 ? fp : -fp) { return false }
        }
        x = y
        return true
    }

    func describe(lane l: Int, day t: Int, in x: Overlay) -> String {
        let net = m.network, lane = net.lanes[l], T = m.T
        var out: [String] = []
        for (k, p) in m.laneProducts[l].enumerated() {
            let fp = x[laneColumn(l, k, t)]
            let ak = storageOf[lane.from * m.P + p], bk = storageOf[lane.to * m.P + p]
            let a = ak >= 0 ? (t...T).map { x[m.storageBase + ak * T + $0 - 1] }.min()! : -1
            let arrive = t + lane.transitDays
            let room = bk >= 0 ? (arrive...T).map { net.storage[bk].capacityM3 - x[m.storageBase + bk * T + $0 - 1] }.min()! : -1
            let bs = bk >= 0 ? (arrive...T).map { x[m.storageBase + bk * T + $0 - 1] }.min()! : -1
            out.append("p\(p) f \(fp) originStockMin \(a) destRoom \(room) destStockMin \(bs)")
        }
        return out.joined(separator: "; ")
    }

    private func rederiveSafety(_ k: Int, in x: inout Overlay) {
        guard m.safetyColumnStart[k] >= 0 else { return }
        let level = m.network.storage[k].safetyM3
        for d in 1...m.T { x[m.safetyColumnStart[k] + d - 1] = max(0, level - x[m.storageBase + k * m.T + d - 1]) }
    }
}

/// One lots round's decision on a lane-day below its minimum: rounded up to the minimum inside
/// the next LP (`floor`, split over the lane's products as `split`), or closed.
struct LotDecision {
    var lane: Int
    var day: Int
    /// What the LP shipped of each of the lane's products that day.
    var split: [Double]
    var floor: Bool
    /// How clear the decision is (the share of the minimum shipped for a floor, what is missing
    /// of it for a closure): a round that has to be halved keeps its clearest half.
    var confidence: Double
}
