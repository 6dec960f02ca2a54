#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Progress of long work on stderr: a live line on an interactive terminal, a log line every
/// tenth of the way otherwise (CI logs), nothing with `--quiet`.
final class ProgressReporter {
    private let label: String
    private let quiet: Bool
    private let interactive = isatty(2) == 1
    private var lastDecile = -1
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init(_ label: String, quiet: Bool) {
        self.label = label
        self.quiet = quiet
        self.started = clock.now
    }

    func update(_ done: Int, of total: Int) {
        guard !quiet, total > 0 else { return }
        let seconds = (clock.now - started).seconds
        if interactive {
            let line = "\r\(label): \(done)/\(total) (\(100 * done / total)%) \(String(format: "%.1f", seconds)) s"
            FileHandle.standardError.write(Data(line.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = 10 * done / total
            guard decile != lastDecile else { return }
            lastDecile = decile
            log("\(label): \(done)/\(total) (\(decile * 10)%) after \(String(format: "%.1f", seconds)) s")
        }
    }

    /// A one-line message on stderr unless quiet.
    func log(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}
