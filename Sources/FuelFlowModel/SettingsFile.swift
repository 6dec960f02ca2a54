// A tiny reader for flat `key: value` YAML (settings.yaml).

/// Reads flat YAML mappings: one `key: value` per line, `#` comments, optional `---`,
/// values optionally in single or double quotes. No nesting, lists or anchors.
public enum FlatYAML {
    /// One entry with the position of its value.
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: String
        public var line: Int
        /// Column of the key.
        public var keyColumn: Int
        /// Column of the value (first character after `: ` and spaces).
        public var valueColumn: Int
    }

    /// Parses `text`; lines that are not `key: value` are reported in `problems` as (line, column, message).
    public static func parse(_ text: String) -> (entries: [Entry], problems: [(line: Int, column: Int, message: String)]) {
        var entries: [Entry] = []
        var problems: [(Int, Int, String)] = []
        var lineNo = 0
        var t = text
        if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
        // Split on scalars: "\r\n" is one Character, so a Character split would not see CRLF lines.
        for rawLine in t.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var chars = Array(rawLine)
            if chars.last == "\r" { chars.removeLast() }
            // Strip comments outside quotes.
            var quote: Unicode.Scalar? = nil
            var cut = chars.count
            for (i, c) in chars.enumerated() {
                if let q = quote { if c == q { quote = nil } }
                else if c == "\"" || c == "'" { quote = c }
                else if c == "#" && (i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t") { cut = i; break }
            }
            chars = Array(chars[0..<cut])
            while let l = chars.last, l == " " || l == "\t" { chars.removeLast() }
            var start = 0
            while start < chars.count && (chars[start] == " " || chars[start] == "\t") { start += 1 }
            if start == chars.count { continue }
            let body = String(String.UnicodeScalarView(chars[start...]))
            if body == "---" || body == "..." { continue }
            guard let colon = chars[start...].firstIndex(of: ":") else {
                problems.append((lineNo, start + 1, "expected 'key: value'"))
                continue
            }
            let key = String(String.UnicodeScalarView(chars[start..<colon])).trimmingSpaces
            var v = colon + 1
            while v < chars.count && (chars[v] == " " || chars[v] == "\t") { v += 1 }
            var value = String(String.UnicodeScalarView(chars[v...]))
            if value.count >= 2, let f = value.unicodeScalars.first, f == "\"" || f == "'",
               value.unicodeScalars.last == f {
                value = String(value.dropFirst().dropLast())
            }
            if key.isEmpty {
                problems.append((lineNo, start + 1, "expected 'key: value'"))
                continue
            }
            entries.append(Entry(key: key, value: value, line: lineNo, keyColumn: start + 1, valueColumn: v + 1))
        }
        return (entries, problems)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
