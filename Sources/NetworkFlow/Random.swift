// Random.swift — small, seedable, platform-independent random number generators.

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit seedable generator, used to seed others.
///
/// Deterministic on every platform and Swift version: the same seed always yields the same
/// sequence. Not cryptographic.
/// - Complexity: O(1) per number.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    /// Creates a generator; every seed (including 0) is valid.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through ``SplitMix64``; the generator used by
/// ``InstanceGenerator``.
///
/// Use its own ``uniform(_:)`` / ``below(_:)`` rather than the standard library's
/// `random(in:using:)`, whose algorithm is not guaranteed to stay the same across Swift releases.
/// - Complexity: O(1) per number.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method; unbiased).
    /// Returns 0 when `bound` is 0.
    @inline(__always)
    public mutating func below(_ bound: UInt64) -> UInt64 {
        if bound == 0 { return 0 }
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// A uniform integer in the closed range (any `Int64` range, including the full one).
    @inline(__always)
    public mutating func uniform(_ range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        let offset = span == 0 ? next() : below(span)
        return range.lowerBound &+ Int64(bitPattern: offset)
    }

    /// `true` with probability `percent` / 100.
    @inline(__always)
    public mutating func percent(_ percent: Int) -> Bool {
        Int(below(100)) < percent
    }
}
