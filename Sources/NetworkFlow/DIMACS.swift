// DIMACS.swift — reader and writer for the DIMACS min-cost-flow format.

import Foundation

/// A malformed DIMACS file: where and why. Prints as `path:line: message`.
public struct DIMACSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file path (or a label such as `<string>` for in-memory input).
    public var path: String
    /// 1-based line number; 0 when the error concerns the whole file.
    public var line: Int
    /// What is wrong.
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path; self.line = line; self.message = message
    }

    public var description: String {
        line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)"
    }
}

/// DIMACS min-cost-flow files (`p min`, `n`, `a` lines).
///
/// Format (1-based node ids in the file, 0-based in ``MinCostFlowProblem``):
///
///     c any comment
///     p min NODES ARCS
///     n ID SUPPLY                  (nodes without an n line have supply 0)
///     a SRC DST LOW CAP COST
///
/// A capacity of `9223372036854775807` (`Int64.max`) stands for ``MinCostFlowProblem/unbounded``.
/// Empty lines are ignored.
///
/// ```swift
/// let problem = try DIMACS.read(path: "netgn101.min")
/// try DIMACS.write(problem, to: "/tmp/copy.min")
/// ```
public enum DIMACS {
    /// Reads and parses a file.
    /// - Throws: ``DIMACSError`` (`path:line: message`).
    /// - Complexity: O(file size); about 0.1 s per million arcs in release builds.
    public static func read(path: String) throws -> MinCostFlowProblem {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DIMACSError(path: path, line: 0, message: "cannot read file")
        }
        return try data.withUnsafeBytes { try parse(bytes: $0, path: path) }
    }

    /// Parses DIMACS text held in memory.
    /// - Throws: ``DIMACSError``, labelled with `path`.
    public static func parse(_ text: String, path: String = "<string>") throws -> MinCostFlowProblem {
        var copy = text
        return try copy.withUTF8 { try parse(bytes: UnsafeRawBufferPointer($0), path: path) }
    }

    /// Parses DIMACS bytes.
    /// - Throws: ``DIMACSError``, labelled with `path`.
    /// - Complexity: O(bytes).
    public static func parse(bytes: UnsafeRawBufferPointer, path: String) throws -> MinCostFlowProblem {
        var parser = Parser(bytes: bytes, path: path)
        return try parser.run()
    }

    /// Renders a problem as DIMACS text (supplies of 0 get no `n` line).
    ///
    /// `comments` become leading `c` lines. Reading the text back yields an equal problem.
    /// - Complexity: O(n + m).
    public static func write(_ problem: MinCostFlowProblem, comments: [String] = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 + problem.arcCount * 32)
        for c in comments {
            for line in c.split(separator: "\n", omittingEmptySubsequences: false) {
                out.append(contentsOf: Array("c \(line)\n".utf8))
            }
        }
        out.append(contentsOf: Array("p min ".utf8))
        appendInt(&out, Int64(problem.nodeCount)); out.append(0x20)
        appendInt(&out, Int64(problem.arcCount)); out.append(0x0A)
        for v in 0..<problem.nodeCount where problem.supply[v] != 0 {
            out.append(0x6E); out.append(0x20)
            appendInt(&out, Int64(v + 1)); out.append(0x20)
            appendInt(&out, problem.supply[v]); out.append(0x0A)
        }
        for a in 0..<problem.arcCount {
            out.append(0x61); out.append(0x20)
            appendInt(&out, Int64(problem.tail[a]) + 1); out.append(0x20)
            appendInt(&out, Int64(problem.head[a]) + 1); out.append(0x20)
            appendInt(&out, problem.lower[a]); out.append(0x20)
            appendInt(&out, problem.capacity[a]); out.append(0x20)
            appendInt(&out, problem.cost[a]); out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes a problem to a file (see ``write(_:comments:)``).
    /// - Throws: ``DIMACSError`` when the file cannot be written.
    public static func write(_ problem: MinCostFlowProblem, to path: String, comments: [String] = []) throws {
        let text = write(problem, comments: comments)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw DIMACSError(path: path, line: 0, message: "cannot write file")
        }
    }

    static func appendInt(_ out: inout [UInt8], _ value: Int64) {
        if value < 0 { out.append(0x2D) }
        var mag = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(truncatingIfNeeded: mag % 10) &+ 0x30
                mag /= 10
                count += 1
            } while mag > 0
            while count > 0 { count -= 1; out.append(buf[count]) }
        }
    }
}

/// Hand-written tokenizer: one pass over the bytes, integers parsed in place.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var pos = 0
    var line = 0
    var lineEnd = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes; self.path = path
    }

    func fail(_ message: String) -> DIMACSError {
        DIMACSError(path: path, line: line, message: message)
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    /// Moves `pos` to the next token on the current line; returns false at end of line.
    @inline(__always) mutating func skipSpaces() -> Bool {
        while pos < lineEnd && Parser.isSpace(bytes[pos]) { pos += 1 }
        return pos < lineEnd
    }

    /// Returns the current token's bytes as text (for messages).
    mutating func tokenText() -> String {
        let start = pos
        while pos < lineEnd && !Parser.isSpace(bytes[pos]) { pos += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    }

    /// Parses the next integer field, named `what` in error messages.
    mutating func integer(_ what: String) throws -> Int64 {
        guard skipSpaces() else { throw fail("missing field \(what)") }
        let start = pos
        var negative = false
        if bytes[pos] == 0x2D || bytes[pos] == 0x2B { negative = bytes[pos] == 0x2D; pos += 1 }
        var value: UInt64 = 0
        var digits = 0
        var overflow = false
        while pos < lineEnd {
            let d = bytes[pos] &- 0x30
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            value = s
            digits += 1
            pos += 1
        }
        if digits == 0 || (pos < lineEnd && !Parser.isSpace(bytes[pos])) {
            pos = start
            throw fail("\(what): expected an integer, found '\(tokenText())'")
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if overflow || value > limit { throw fail("\(what): integer out of range") }
        return negative ? Int64(truncatingIfNeeded: 0 &- value) : Int64(value)
    }

    mutating func endOfLine(_ kind: String, expected: Int) throws {
        if skipSpaces() { throw fail("'\(kind)' line has more than \(expected) fields") }
    }

    mutating func run() throws -> MinCostFlowProblem {
        var problem = MinCostFlowProblem()
        var declaredArcs = -1
        var nodes = 0
        var seenSupply: [Bool] = []
        var pLine = 0
        let count = bytes.count
        while pos < count {
            // Delimit the line.
            line += 1
            var end = pos
            while end < count && bytes[end] != 0x0A { end += 1 }
            lineEnd = end
            defer { pos = end + 1 }
            guard skipSpaces() else { continue }   // blank line
            let kind = bytes[pos]
            let kindEnd = pos + 1
            if kind == 0x63 { continue }  // c
            if kindEnd < lineEnd && !Parser.isSpace(bytes[kindEnd]) {
                throw fail("unknown line type '\(tokenText())'")
            }
            pos = kindEnd
            switch kind {
            case 0x70:  // p
                if pLine != 0 { throw fail("duplicate 'p' line (first on line \(pLine))") }
                pLine = line
                guard skipSpaces() else { throw fail("'p' line: missing problem type") }
                let type = tokenText()
                if type != "min" { throw fail("'p' line: problem type '\(type)' is not 'min'") }
                let n = try integer("node count")
                let m = try integer("arc count")
                try endOfLine("p", expected: 4)
                if n < 0 || n >= Int64(Int32.max) { throw fail("node count \(n) out of range") }
                if m < 0 || m >= Int64(Int32.max) { throw fail("arc count \(m) out of range") }
                nodes = Int(n); declaredArcs = Int(m)
                problem = MinCostFlowProblem(nodeCount: nodes)
                problem.reserveCapacity(nodes: nodes, arcs: declaredArcs)
                seenSupply = Array(repeating: false, count: nodes)
            case 0x6E:  // n
                if pLine == 0 { throw fail("'n' line before the 'p' line") }
                let id = try integer("node id")
                let s = try integer("supply")
                try endOfLine("n", expected: 3)
                if id < 1 || id > Int64(nodes) { throw fail("node id \(id) out of range 1...\(nodes)") }
                if seenSupply[Int(id - 1)] { throw fail("duplicate 'n' line for node \(id)") }
                seenSupply[Int(id - 1)] = true
                problem.setSupply(NodeID(id - 1), s)
            case 0x61:  // a
                if pLine == 0 { throw fail("'a' line before the 'p' line") }
                let u = try integer("source node")
                let v = try integer("target node")
                let lo = try integer("lower bound")
                let up = try integer("capacity")
                let c = try integer("cost")
                try endOfLine("a", expected: 6)
                if u < 1 || u > Int64(nodes) { throw fail("node id \(u) out of range 1...\(nodes)") }
                if v < 1 || v > Int64(nodes) { throw fail("node id \(v) out of range 1...\(nodes)") }
                if problem.arcCount >= declaredArcs {
                    throw fail("more arcs than the \(declaredArcs) declared on line \(pLine)")
                }
                problem.addArc(from: NodeID(u - 1), to: NodeID(v - 1), lower: lo, capacity: up, cost: c)
            default:
                pos = kindEnd - 1
                throw fail("unknown line type '\(tokenText())'")
            }
        }
        if pLine == 0 { throw DIMACSError(path: path, line: 0, message: "missing 'p min' line") }
        if problem.arcCount != declaredArcs {
            throw DIMACSError(path: path, line: pLine,
                              message: "'p' line declares \(declaredArcs) arcs but the file has \(problem.arcCount)")
        }
        return problem
    }
}
