// PackedLists.swift — many short lists of (key, value) pairs in two flat arrays; zeroing scratch vectors.

/// Many short lists of `(key, value)` pairs (one per extra arc of the partitioning's working
/// basis: the bundles its cycle crosses and their coefficients) stored in two flat arrays, so that
/// a pass over every list streams through memory instead of visiting one heap object per list
/// (national, |B| ≈ 5,000: rebuilding W from nested arrays spent 27 % of a pivot in cache misses).
///
/// List i lives at `start[i] ..< start[i] + count[i]` with room for `capacity[i]` pairs; a list
/// that outgrows its room moves to the end (doubling it), and the storage is compacted once
/// more than half of it is abandoned. Lists keep their pairs in insertion order.
struct PackedLists {
    private(set) var start: [Int] = []
    private(set) var count: [Int32] = []
    private var capacity: [Int32] = []
    private(set) var key: [Int32] = []
    private(set) var value: [Double] = []
    private var abandoned = 0

    var listCount: Int { start.count }

    /// A new empty list at the end.
    mutating func appendList() {
        start.append(key.count); count.append(0); capacity.append(0)
    }

    /// Removes list i; the lists after it move down one index.
    mutating func removeList(at i: Int) {
        abandoned += Int(capacity[i])
        start.remove(at: i); count.remove(at: i); capacity.remove(at: i)
    }

    /// Empties list i (keeping its room).
    mutating func clear(_ i: Int) { count[i] = 0 }

    mutating func append(to i: Int, key k: Int32, value v: Double) {
        if count[i] == capacity[i] { grow(i) }
        let at = start[i] + Int(count[i])
        key[at] = k; value[at] = v
        count[i] += 1
    }

    /// Position (within list i) of the first pair with key `k`.
    func firstIndex(in i: Int, of k: Int32) -> Int? {
        let s = start[i]
        for j in 0 ..< Int(count[i]) where key[s + j] == k { return j }
        return nil
    }

    func key(_ i: Int, _ j: Int) -> Int32 { key[start[i] + j] }
    func value(_ i: Int, _ j: Int) -> Double { value[start[i] + j] }
    mutating func add(_ v: Double, to i: Int, at j: Int) { value[start[i] + j] += v }

    /// Removes pair j of list i, keeping the order of the others.
    mutating func remove(from i: Int, at j: Int) {
        let s = start[i], n = Int(count[i])
        for t in j ..< n - 1 { key[s + t] = key[s + t + 1]; value[s + t] = value[s + t + 1] }
        count[i] -= 1
    }

    /// Keeps the pairs of list i whose value is nonzero (in order).
    mutating func dropZeros(_ i: Int) {
        let s = start[i], n = Int(count[i])
        var k = 0
        for t in 0 ..< n where value[s + t] != 0 {
            key[s + k] = key[s + t]; value[s + k] = value[s + t]; k += 1
        }
        count[i] = Int32(k)
    }

    private mutating func grow(_ i: Int) {
        if abandoned > 1024 && abandoned > key.count / 2 { compact() }
        let room = max(4, 2 * Int(capacity[i]))
        let s = start[i], n = Int(count[i]), to = key.count
        key.append(contentsOf: repeatElement(0, count: room))
        value.append(contentsOf: repeatElement(0, count: room))
        for t in 0 ..< n { key[to + t] = key[s + t]; value[to + t] = value[s + t] }
        abandoned += Int(capacity[i])
        start[i] = to; capacity[i] = Int32(room)
    }

    /// Moves every list to the front, in list order, each keeping its room.
    private mutating func compact() {
        var k = [Int32](), v = [Double]()
        let total = capacity.reduce(0) { $0 + Int($1) }
        k.reserveCapacity(total); v.reserveCapacity(total)
        for i in 0 ..< start.count {
            let s = start[i]
            start[i] = k.count
            k.append(contentsOf: key[s ..< s + Int(capacity[i])])
            v.append(contentsOf: value[s ..< s + Int(capacity[i])])
        }
        key = k; value = v; abandoned = 0
    }
}

extension Array where Element == Double {
    /// `count` zeros, reusing the storage: one fill instead of removing and appending element by
    /// element (the working basis's dense scratch vectors, several times a pivot).
    @inline(__always) mutating func setZero(count n: Int) {
        if count == n {
            withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            removeAll(keepingCapacity: true)
            append(contentsOf: repeatElement(0, count: n))
        }
    }
}

extension Array where Element == Int32 {
    /// Removes the first occurrence of `x`, if any (short lists).
    @inline(__always) mutating func removeFirstOccurrence(of x: Int32) {
        if let at = firstIndex(of: x) { remove(at: at) }
    }
}
