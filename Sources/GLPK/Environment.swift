internal import CGLPK
internal import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// All GLPK terminal output goes to this logger (label `fuelflow.glpk`), at `debug` level.
let glpkLogger = Logger(label: "fuelflow.glpk")

/// Per-thread GLPK environment management.
///
/// Debian's GLPK is built with thread-local environments: every thread that calls GLPK gets its
/// own environment (memory pool, terminal hook, …). A `glp_prob` must be created, used and
/// deleted on one thread. When a thread is done with GLPK, its environment should be freed with
/// `glp_free_env` — but doing so while problems of that thread are still alive invalidates them.
///
/// This wrapper counts live ``GLPKProblem`` objects per thread. The one-shot APIs
/// (``LinearProgram/solve(_:)``, ``GLPKMinCostFlow/solve(nodeCount:supply:tails:heads:lower:upper:cost:method:)``,
/// file I/O) create, use and delete their problem within one synchronous call and then free the
/// thread's environment automatically when no ``GLPKProblem`` is alive on that thread, so worker
/// threads (e.g. `DispatchQueue.concurrentPerform`) never leak GLPK memory.
public enum GLPKEnvironment {
    /// The GLPK library version, e.g. `"5.0"`. The corresponding GLPK routine is `glp_version`.
    public static var version: String {
        String(cString: glp_version())
    }

    /// Number of ``GLPKProblem`` objects alive on the calling thread.
    public static var liveProblemsOnCurrentThread: Int {
        Int(bitPattern: pthread_getspecific(liveProblemsKey))
    }

    /// Frees the calling thread's GLPK environment if no ``GLPKProblem`` is alive on it.
    ///
    /// Call this from a long-lived worker thread that used ``GLPKProblem`` when it is done with
    /// GLPK. The one-shot APIs already do this themselves.
    /// The corresponding GLPK routine is `glp_free_env`.
    ///
    /// - Returns: `true` when the environment was freed (or did not exist), `false` when live
    ///   problems on this thread prevented it (nothing is freed then).
    @discardableResult
    public static func releaseCurrentThread() -> Bool {
        guard liveProblemsOnCurrentThread == 0 else { return false }
        _ = glp_free_env()
        return true
    }

    // MARK: - internals

    static let liveProblemsKey: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key, nil)
        precondition(rc == 0, "GLPK: pthread_key_create failed (\(rc))")
        return key
    }()

    static func adjustLiveProblems(by delta: Int) {
        let n = liveProblemsOnCurrentThread + delta
        precondition(n >= 0)
        pthread_setspecific(liveProblemsKey, UnsafeRawPointer(bitPattern: n))
    }

    /// Routes GLPK terminal output of the calling thread to the logger (or to `collector`).
    static func installTerminalHook(collector: MessageCollector? = nil) {
        let info = collector.map { Unmanaged.passUnretained($0).toOpaque() }
        glp_term_hook({ info, text in
            guard let text else { return 1 }
            let s = String(cString: text)
            if let info {
                Unmanaged<MessageCollector>.fromOpaque(info).takeUnretainedValue().text += s
            }
            if glpkTrace { _ = s.withCString { write(2, $0, strlen($0)) } }
            let line = s.trimmingCharacters(in: "\n")
            if !line.isEmpty { glpkLogger.debug("\(line)") }
            return 1  // suppress GLPK's own printing
        }, info)
    }

    /// Runs `body` with a fresh problem object that lives only inside this synchronous call,
    /// then deletes it and frees the thread's environment if nothing else uses it.
    static func withTemporaryProblem<R>(collector: MessageCollector? = nil,
                                        _ body: (OpaquePointer) throws -> R) rethrows -> R {
        installTerminalHook(collector: collector)
        let p = glp_create_prob()!
        adjustLiveProblems(by: 1)
        defer {
            glp_delete_prob(p)
            adjustLiveProblems(by: -1)
            if liveProblemsOnCurrentThread == 0 { _ = glp_free_env() }
        }
        return try body(p)
    }
}

/// Collects GLPK terminal output (used to put parse errors into error messages).
final class MessageCollector {
    var text = ""
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set || s.last == "\r" { s.removeLast() }
        while s.first == set { s.removeFirst() }
        return String(s)
    }
}
