/// A string as a JSON string literal (quotes, backslashes and control characters escaped),
/// for the hand-written JSON reports whose key order and number format we control.
///
///     jsonQuoted("a \"b\"\n")   // "\"a \\\"b\\\"\\n\""
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if c.value < 0x20 {
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(c)
            }
        }
    }
    return out + "\""
}
