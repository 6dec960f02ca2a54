#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files so that a killed run never leaves a half-written one.
///
/// A regular file (or a path that does not exist yet) is written to a temporary file in the
/// same folder, flushed, and renamed over the target: readers see the old file or the new one,
/// never a mix. A symbolic link is followed and its target replaced the same way. Anything else
/// — a character device such as `/dev/null`, a pipe such as `/dev/stdout` in a shell pipeline —
/// is written in place, since renaming over it would replace the device node itself.
///
/// ```swift
/// try AtomicFile.write(Data("a,b\n".utf8), to: "out/plan.csv")
/// ```
public enum AtomicFile {
    /// Writes `data` to `path` (see the type's discussion).
    /// - Throws: `AtomicFile.Failure` naming the path and the reason.
    public static func write(_ data: Data, to path: String) throws {
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            // Follow the link; a dangling or special target is handled like any other path.
            if let resolved = realpath(path, nil) {
                target = String(cString: resolved)
                free(resolved)
            } else {
                return try writeInPlace(data, to: path)
            }
        }
        if stat(target, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            return try writeInPlace(data, to: target)
        }
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw Failure(path: path, reason: reason(error))
        }
    }

    /// Writes UTF-8 text (see ``write(_:to:)-(Data,_)``).
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    static func writeInPlace(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw Failure(path: path, reason: reason(error))
        }
    }

    static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return (error as NSError).localizedDescription
    }

    /// A file could not be written.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot write: \(reason)" }
    }
}
