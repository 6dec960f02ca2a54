// CrashStart.swift — a structured initial basis for the network simplex, and the tree invariant
// check used by the tests.

extension SimplexCore {
    /// Replaces the all-artificial initial tree by a crash basis:
    ///
    /// 1. A label-correcting shortest-path search (FIFO queue) from all supply nodes at once over
    ///    the arcs at their lower bound with positive capacity. Time-expanded networks are nearly
    ///    acyclic, so this settles in a few passes; the search gives up (returns `false`, start
    ///    unchanged) after ~20·m arc scans, which also covers negative cycles.
    /// 2. The shortest-path forest is walked bottom-up: a tree arc `u → w` is kept only if it can
    ///    carry the demand of `w`'s subtree, i.e. `0 < −S(w) ≤ cap`; otherwise `w` is cut off and
    ///    hangs from the artificial root. Keeping only arcs with positive flow below their
    ///    parent (and artificial arcs directed by the sign of `S`) keeps the tree strongly
    ///    feasible, as the artificial start is.
    /// 3. Thread (preorder), `succNum`, `lastSucc`, flows and potentials are rebuilt.
    ///
    /// Demand is thus routed along cheapest paths from the start, and pricing starts from
    /// shortest-path potentials instead of big-M ones.
    ///
    /// The search reads the clock every ~2^20 arc scans when a deadline is set. If it has passed,
    /// the crash returns `false` with `interrupted` set, the search state saved in `crashSearch`
    /// and the artificial tree untouched; the next call resumes the search exactly where it
    /// stopped (so an interruption changes neither the crash basis nor anything after it).
    mutating func crashStart() -> Bool {
        let n = nodeNum, m = arcNum
        if n == 0 || m == 0 { return false }
        let search: CrashSearch
        if let saved = crashSearch {
            search = saved
            crashSearch = nil
        } else {
            search = CrashSearch(nodeCount: n)
            // Out-arc CSR of the candidate arcs.
            var start = [Int32](repeating: 0, count: n + 1)
            for e in 0..<m where state[e] == SimplexCore.stateLower && cap[e] > 0 {
                start[Int(source[e]) + 1] &+= 1
            }
            for v in 0..<n { start[v + 1] &+= start[v] }
            var outArcs = [Int32](repeating: 0, count: Int(start[n]))
            do {
                var fill = start
                for e in 0..<m where state[e] == SimplexCore.stateLower && cap[e] > 0 {
                    let u = Int(source[e])
                    outArcs[Int(fill[u])] = Int32(e); fill[u] &+= 1
                }
            }
            search.start = start
            search.outArcs = outArcs
            for v in 0..<n where supply[v] > 0 {
                search.dist[v] = 0; search.inQueue[v] = true
                search.queue[search.tail] = Int32(v); search.tail += 1; search.count += 1
            }
            if search.count == 0 { return false }
            if search.tail == n { search.tail = 0 }
            search.budget = 20 &* m &+ 4 &* n
        }
        var head = search.head, tail = search.tail, count = search.count, budget = search.budget
        var clockMark = deadline == nil ? Int.min : Int.max   // read the clock when budget drops below
        // 0: converged, 1: work budget exceeded, 2: deadline passed (before popping a node).
        let outcome: Int = search.outArcs.withUnsafeBufferPointer { oa in
            search.start.withUnsafeBufferPointer { st in
            search.dist.withUnsafeMutableBufferPointer { d in
            search.pa.withUnsafeMutableBufferPointer { p in
            search.inQueue.withUnsafeMutableBufferPointer { iq in
            search.queue.withUnsafeMutableBufferPointer { q in
                while count > 0 {
                    if budget < clockMark {
                        if clockExpired() { return 2 }
                        clockMark = budget &- crashClockInterval
                    }
                    let u = Int(q[head])
                    head = head &+ 1 == n ? 0 : head &+ 1
                    count &-= 1
                    iq[u] = false
                    let du = d[u]
                    let lo = Int(st[u]), hi = Int(st[u + 1])
                    budget &-= hi &- lo &+ 1
                    if budget < 0 { return 1 }
                    var k = lo
                    while k < hi {
                        let e = Int(oa[k])
                        let w = Int(target[e])
                        let nd = du &+ cost[e]
                        if nd < d[w] {
                            d[w] = nd; p[w] = Int32(e)
                            if !iq[w] {
                                iq[w] = true; q[tail] = Int32(w)
                                tail = tail &+ 1 == n ? 0 : tail &+ 1
                                count &+= 1
                            }
                        }
                        k &+= 1
                    }
                }
                return 0
            }}}}}
        }
        if outcome == 2 {
            search.head = head; search.tail = tail; search.count = count; search.budget = budget
            crashSearch = search
            interrupted = true
        }
        if outcome != 0 { return false }
        var pa: [Int32] = []
        swap(&pa, &search.pa)

        // Children CSR of the forest, BFS order from the forest roots.
        var cstart = [Int32](repeating: 0, count: n + 1)
        for w in 0..<n where pa[w] >= 0 { cstart[Int(source[Int(pa[w])]) + 1] &+= 1 }
        for v in 0..<n { cstart[v + 1] &+= cstart[v] }
        var children = [Int32](repeating: 0, count: Int(cstart[n]))
        do {
            var fill = cstart
            for w in 0..<n where pa[w] >= 0 {
                let u = Int(source[Int(pa[w])])
                children[Int(fill[u])] = Int32(w); fill[u] &+= 1
            }
        }
        var order = [Int32]()
        order.reserveCapacity(n)
        for v in 0..<n where pa[v] < 0 { order.append(Int32(v)) }
        var k = 0
        while k < order.count {
            let u = Int(order[k]); k += 1
            for c in Int(cstart[u])..<Int(cstart[u + 1]) { order.append(children[c]) }
        }
        if order.count != n { return false }  // not a forest (cannot happen after convergence)

        // Subtree sums bottom-up; cut arcs that cannot carry their subtree's demand.
        var sum = [Int64](repeating: 0, count: n)
        for v in 0..<n { sum[v] = supply[v] }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let w = Int(order[i])
            let e = Int(pa[w])
            if e < 0 { continue }
            let f = 0 &- sum[w]
            if f > 0 && f <= cap[e] {
                let u = Int(source[e])
                sum[u] &+= sum[w]
            } else {
                pa[w] = -1
            }
        }

        // Worth it only when most nodes hang from real arcs (time-expanded networks: ~75 %).
        // On NETGEN-like transshipment networks nearly every zero-supply node is cut off and
        // the crash basis only costs pivots; keep the artificial start there.
        var roots = 0
        for v in 0..<n where pa[v] < 0 { roots += 1 }
        if roots &* 2 > n { return false }

        // Rebuild the tree: preorder by an explicit stack, root first.
        for e in 0..<m where state[e] == SimplexCore.stateTree { state[e] = SimplexCore.stateLower }
        var pre = [Int32]()
        pre.reserveCapacity(n)
        var stack = [Int32]()
        for v in stride(from: n - 1, through: 0, by: -1) where pa[v] < 0 { stack.append(Int32(v)) }
        while let v32 = stack.popLast() {
            let v = Int(v32)
            pre.append(v32)
            for c in Int(cstart[v])..<Int(cstart[v + 1]) {
                let w = Int(children[c])
                if pa[w] >= 0 { stack.append(Int32(w)) }
            }
        }
        if pre.count != n { return false }
        // succNum by reverse preorder.
        for v in 0..<n { succNum[v] = 1 }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let w = Int(pre[i])
            let e = Int(pa[w])
            if e >= 0 { succNum[Int(source[e])] &+= succNum[w] }
        }
        thread[root] = pre[0]
        revThread[Int(pre[0])] = Int32(root)
        for i in 0..<n {
            let v = Int(pre[i])
            let next = i + 1 < n ? Int(pre[i + 1]) : root
            thread[v] = Int32(next)
            revThread[next] = Int32(v)
            lastSucc[v] = pre[i + Int(succNum[v]) - 1]
        }
        parent[root] = -1; pred[root] = -1; predDir[root] = 0
        succNum[root] = Int32(n + 1)
        lastSucc[root] = pre[n - 1]
        pi[root] = 0
        for i in 0..<n {
            let v = Int(pre[i])
            let a = m + v
            cap[a] = SimplexCore.inf
            let e = Int(pa[v])
            if e < 0 {
                parent[v] = Int32(root)
                pred[v] = Int32(a)
                state[a] = SimplexCore.stateTree
                if sum[v] >= 0 {
                    predDir[v] = SimplexCore.dirUp
                    source[a] = Int32(v); target[a] = Int32(root)
                    cost[a] = 0; flow[a] = sum[v]; pi[v] = pi[root]
                } else {
                    predDir[v] = SimplexCore.dirDown
                    source[a] = Int32(root); target[a] = Int32(v)
                    cost[a] = artCost; flow[a] = 0 &- sum[v]; pi[v] = pi[root] &+ artCost
                }
            } else {
                // Unused artificial arc: never priced, stays at zero flow.
                source[a] = Int32(v); target[a] = Int32(root)
                cost[a] = 0; flow[a] = 0; state[a] = SimplexCore.stateLower
                let u = Int(source[e])
                parent[v] = Int32(u)
                pred[v] = Int32(e)
                predDir[v] = SimplexCore.dirDown
                state[e] = SimplexCore.stateTree
                flow[e] = 0 &- sum[v]
                pi[v] = pi[u] &+ cost[e]
            }
        }
        return true
    }

    /// Checks every invariant of the basis: the thread is one cycle over all n + 1 nodes with
    /// `revThread` its inverse; subtrees are contiguous thread segments with the right
    /// `succNum` / `lastSucc`; each `pred` arc joins the node to its parent in the direction
    /// `predDir`, is in state "tree" and has zero reduced cost; exactly n arcs are in the tree;
    /// flows respect bounds and non-tree states; flow is conserved at every node. Returns a
    /// description of the first violation, or `nil`.
    func checkInvariants() -> String? {
        let n = nodeNum
        // Thread cycle.
        var position = [Int](repeating: -1, count: n + 1)
        var order = [Int]()
        order.reserveCapacity(n + 1)
        var u = root
        repeat {
            if u < 0 || u > n { return "thread leaves the node range at \(u)" }
            if position[u] >= 0 { return "thread revisits node \(u)" }
            position[u] = order.count
            order.append(u)
            let t = Int(thread[u])
            if t < 0 || t > n || Int(revThread[t]) != u { return "revThread[thread[\(u)]] != \(u)" }
            u = t
        } while u != root
        if order.count != n + 1 { return "thread visits \(order.count) of \(n + 1) nodes" }
        if parent[root] != -1 { return "root has a parent" }
        if Int(succNum[root]) != n + 1 { return "succNum[root] = \(succNum[root])" }
        // Subtree sizes from parents; each subtree a contiguous thread segment.
        var size = [Int](repeating: 1, count: n + 1)
        for i in stride(from: n, through: 1, by: -1) {
            let v = order[i]
            let p = Int(parent[v])
            if p < 0 || p > n { return "parent[\(v)] = \(p)" }
            if position[p] >= i { return "parent \(p) of \(v) not before it in the thread" }
            size[p] += size[v]
        }
        for v in 0...n {
            if Int(succNum[v]) != size[v] { return "succNum[\(v)] = \(succNum[v]), subtree has \(size[v])" }
            let last = order[position[v] + size[v] - 1]
            if Int(lastSucc[v]) != last { return "lastSucc[\(v)] = \(lastSucc[v]), expected \(last)" }
        }
        for i in 1...n {
            let v = order[i], p = Int(parent[v])
            // v inside p's segment.
            if !(position[p] < i && i < position[p] + size[p]) { return "node \(v) outside its parent's segment" }
        }
        // Tree arcs.
        var treeCount = 0
        for e in 0..<allArcNum where state[e] == SimplexCore.stateTree { treeCount += 1 }
        if treeCount != n { return "\(treeCount) arcs in state tree, expected \(n)" }
        for v in 0..<n {
            let e = Int(pred[v]), p = Int(parent[v])
            if e < 0 || e >= allArcNum { return "pred[\(v)] = \(e)" }
            if state[e] != SimplexCore.stateTree { return "pred arc \(e) of \(v) not in state tree" }
            let s = Int(source[e]), t = Int(target[e])
            if predDir[v] == SimplexCore.dirUp {
                if s != v || t != p { return "pred arc \(e) of \(v) is not \(v) → \(p)" }
            } else if predDir[v] == SimplexCore.dirDown {
                if s != p || t != v { return "pred arc \(e) of \(v) is not \(p) → \(v)" }
            } else { return "predDir[\(v)] = \(predDir[v])" }
            if cost[e] &+ pi[s] &- pi[t] != 0 { return "tree arc \(e) has nonzero reduced cost" }
        }
        // Flows.
        var balance = [Int64](repeating: 0, count: n + 1)
        for e in 0..<allArcNum {
            let f = flow[e], c = cap[e]
            if f < 0 || f > c { return "flow[\(e)] = \(f) outside [0, \(c)]" }
            if e >= arcNum && state[e] != SimplexCore.stateTree && f != 0 { return "non-tree artificial arc \(e) carries flow" }
            if e < arcNum && state[e] == SimplexCore.stateLower && f != 0 { return "arc \(e) at lower bound has flow \(f)" }
            if e < arcNum && state[e] == SimplexCore.stateUpper && f != c { return "arc \(e) at upper bound has flow \(f) != \(c)" }
            balance[Int(source[e])] &+= f
            balance[Int(target[e])] &-= f
        }
        if refSupply.count == n {
            for v in 0..<n where balance[v] != refSupply[Int(nodeOf[v])] {
                return "node \(v): net outflow \(balance[v]) != supply \(refSupply[Int(nodeOf[v])])"
            }
        }
        return nil
    }
}

/// The state of the crash start's label-correcting search, kept in ``SimplexCore/crashSearch``
/// when a deadline interrupts it (a class so that the core, a struct of pointers, stays cheap
/// to copy and the arrays are never copied on write).
final class CrashSearch {
    var start: [Int32] = []     // out-arc CSR offsets (n + 1)
    var outArcs: [Int32] = []   // candidate arcs by tail
    var dist: [Int64]
    var pa: [Int32]
    var inQueue: [Bool]
    var queue: [Int32]          // FIFO ring of n entries
    var head = 0, tail = 0, count = 0
    var budget = 0              // arc scans left before the crash gives up

    init(nodeCount n: Int) {
        dist = [Int64](repeating: .max, count: n)
        pa = [Int32](repeating: -1, count: n)
        inQueue = [Bool](repeating: false, count: n)
        queue = [Int32](repeating: 0, count: n)
    }
}
