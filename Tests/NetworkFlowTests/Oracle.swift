// Oracle.swift — an independent, deliberately simple min-cost-flow solver for small instances.
//
// It shares nothing with NetworkSimplex except the problem type and `validate()`:
//   1. supplies must balance (equality form), else infeasible;
//   2. Bellman–Ford on the uncapacitated arcs finds a negative cycle → unbounded;
//   3. lower bounds are substituted away and uncapacitated arcs get a finite bound U that no
//      optimal flow needs to exceed (U > Σ|supply| + Σ|finite bounds|);
//   4. a feasible flow comes from Edmonds–Karp max flow between a super source and sink;
//   5. negative residual cycles (Bellman–Ford) are cancelled until none is left.
// Exponential-ish in the worst case; fine for ≤ 10 nodes and small capacities.

@testable import NetworkFlow

struct OracleResult: Equatable {
    var status: MinCostFlowStatus
    var objective: Int64
}

enum Oracle {
    static func solve(_ p: MinCostFlowProblem) -> OracleResult {
        if let bad = p.validate() { return OracleResult(status: bad, objective: 0) }
        let n = p.nodeCount, m = p.arcCount
        if p.supply.reduce(0, +) != 0 { return OracleResult(status: .infeasible, objective: 0) }

        // 2. Negative cycle among uncapacitated arcs (self-loops included).
        var dist = [Int64](repeating: 0, count: n)
        var changed = true
        var rounds = 0
        while changed && rounds <= n {
            changed = false
            for a in 0..<m where p.capacity[a] == MinCostFlowProblem.unbounded {
                let u = Int(p.tail[a]), v = Int(p.head[a])
                if dist[u] + p.cost[a] < dist[v] { dist[v] = dist[u] + p.cost[a]; changed = true }
            }
            rounds += 1
        }
        if changed { return OracleResult(status: .unbounded, objective: 0) }

        // 3. Residual graph over y = x − lower, 0 ≤ y ≤ cap'.
        var bigU: Int64 = 1
        for s in p.supply { bigU += abs(s) }
        for a in 0..<m {
            bigU += abs(p.lower[a])
            if p.capacity[a] != MinCostFlowProblem.unbounded { bigU += abs(p.capacity[a]) }
        }
        var b = p.supply
        var capY = [Int64](repeating: 0, count: m)
        var y = [Int64](repeating: 0, count: m)
        for a in 0..<m {
            let l = p.lower[a]
            capY[a] = p.capacity[a] == MinCostFlowProblem.unbounded ? bigU : p.capacity[a] - l
            b[Int(p.tail[a])] -= l
            b[Int(p.head[a])] += l
            if p.tail[a] == p.head[a] && p.cost[a] < 0 { y[a] = capY[a] }  // self-loops settle alone
        }

        // 4. Feasible flow: Edmonds–Karp on a dense-ish residual representation.
        // Residual edges: 2 per arc (+ super arcs). Edge e and e^1 are partners.
        var to: [Int] = [], res: [Int64] = [], ecost: [Int64] = [], arcOf: [Int] = []
        var adj = [[Int]](repeating: [], count: n + 2)
        func addEdge(_ u: Int, _ v: Int, _ c: Int64, _ w: Int64, _ arc: Int) {
            adj[u].append(to.count); to.append(v); res.append(c); ecost.append(w); arcOf.append(arc)
            adj[v].append(to.count); to.append(u); res.append(0); ecost.append(-w); arcOf.append(arc)
        }
        for a in 0..<m where p.tail[a] != p.head[a] {
            addEdge(Int(p.tail[a]), Int(p.head[a]), capY[a], p.cost[a], a)
        }
        let src = n, snk = n + 1
        var need: Int64 = 0
        for v in 0..<n {
            if b[v] > 0 { addEdge(src, v, b[v], 0, -1); need += b[v] }
            if b[v] < 0 { addEdge(v, snk, -b[v], 0, -1) }
        }
        var flowValue: Int64 = 0
        while true {
            var prevEdge = [Int](repeating: -1, count: n + 2)
            var queue = [src]
            var seen = [Bool](repeating: false, count: n + 2)
            seen[src] = true
            var head = 0
            while head < queue.count && !seen[snk] {
                let u = queue[head]; head += 1
                for e in adj[u] where res[e] > 0 && !seen[to[e]] {
                    seen[to[e]] = true; prevEdge[to[e]] = e; queue.append(to[e])
                }
            }
            if !seen[snk] { break }
            var aug = Int64.max
            var v = snk
            while v != src { let e = prevEdge[v]; aug = min(aug, res[e]); v = to[e ^ 1] }
            v = snk
            while v != src { let e = prevEdge[v]; res[e] -= aug; res[e ^ 1] += aug; v = to[e ^ 1] }
            flowValue += aug
        }
        if flowValue != need { return OracleResult(status: .infeasible, objective: 0) }

        // 5. Cycle cancelling on the residual graph without the super nodes.
        while true {
            var d = [Int64](repeating: 0, count: n)
            var prevEdge = [Int](repeating: -1, count: n)
            var last = -1
            for _ in 0..<n {
                last = -1
                for e in 0..<to.count where arcOf[e] >= 0 && res[e] > 0 {
                    let u = to[e ^ 1], v = to[e]
                    if d[u] + ecost[e] < d[v] { d[v] = d[u] + ecost[e]; prevEdge[v] = e; last = v }
                }
                if last < 0 { break }
            }
            if last < 0 { break }
            var v = last
            for _ in 0..<n { v = to[prevEdge[v] ^ 1] }   // step back into the cycle
            var cycle: [Int] = []
            var u = v
            repeat { let e = prevEdge[u]; cycle.append(e); u = to[e ^ 1] } while u != v
            let aug = cycle.map { res[$0] }.min()!
            for e in cycle { res[e] -= aug; res[e ^ 1] += aug }
        }
        // Read flows back: forward edge residual = cap − y.
        var e = 0
        for a in 0..<m where p.tail[a] != p.head[a] {
            y[a] = capY[a] - res[e]
            e += 2
        }
        var objective: Int64 = 0
        for a in 0..<m { objective += p.cost[a] * (p.lower[a] + y[a]) }
        return OracleResult(status: .optimal, objective: objective)
    }
}
