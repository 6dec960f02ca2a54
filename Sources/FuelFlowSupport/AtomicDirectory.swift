#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a set of output files into a folder so that a killed run never leaves a half-written
/// set, and never touches anything else in the folder.
///
/// All files are first written into a temporary folder beside `OUT`. Then:
/// - `OUT` missing: the temporary folder is renamed to `OUT` (one atomic step).
/// - `OUT` holds nothing but files of this same set (a previous run's output): the folders are
///   swapped by two renames and the previous files deleted — readers see the old set or the
///   new one.
/// - `OUT` holds anything else: each file is renamed into it, one by one (each file is whole;
///   the `last` file, e.g. a summary, is moved last so its presence marks a complete set). The
///   user's other files stay as they are: a folder that is not ours is never deleted.
/// - `OUT` exists and is not a folder: an error.
///
/// `optional` names files the same command writes only on some runs (e.g. a backtest's
/// accuracy file): they count as part of the set, and a previous run's copy that this run does
/// not write is removed, so the folder never mixes two runs' outputs.
public enum AtomicDirectory {
    /// Writes `files` (name, bytes) into the folder `path`; `last` names the file moved last;
    /// `optional` names the set's files that this run may not write (see the type's notes).
    public static func write(_ files: [(name: String, data: Data)], to path: String, last: String? = nil,
                             optional: Set<String> = []) throws {
        let fm = FileManager.default
        let out = URL(fileURLWithPath: path).standardizedFileURL
        let parent = out.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: out.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw AtomicFile.Failure(path: path, reason: "exists and is not a folder")
        }
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.Failure(path: path, reason: AtomicFile.reason(error))
        }
        let tag = "\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let tmp = parent.appendingPathComponent(".\(out.lastPathComponent).tmp-\(tag)")
        do {
            try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
            for (name, data) in files {
                try data.write(to: tmp.appendingPathComponent(name))
            }
        } catch {
            try? fm.removeItem(at: tmp)
            throw AtomicFile.Failure(path: path, reason: AtomicFile.reason(error))
        }
        let names = Set(files.map(\.name))
        let stale = optional.subtracting(names)
        do {
            if !exists {
                try rename(tmp, out)
            } else if let existing = try? fm.contentsOfDirectory(atPath: out.path), Set(existing).isSubset(of: names.union(optional)) {
                let old = parent.appendingPathComponent(".\(out.lastPathComponent).old-\(tag)")
                try rename(out, old)
                try rename(tmp, out)
                for name in existing { try? fm.removeItem(at: old.appendingPathComponent(name)) }
                _ = rmdir(old.path)
            } else {
                let ordered = files.map(\.name).filter { $0 != last } + files.map(\.name).filter { $0 == last }
                // A previous run's optional file this run does not write would mix two runs:
                // removed first (before the new set's files arrive).
                for name in stale { try? fm.removeItem(at: out.appendingPathComponent(name)) }
                for name in ordered {
                    try rename(tmp.appendingPathComponent(name), out.appendingPathComponent(name))
                }
                _ = rmdir(tmp.path)
            }
        } catch {
            for name in names { try? fm.removeItem(at: tmp.appendingPathComponent(name)) }
            _ = rmdir(tmp.path)
            throw AtomicFile.Failure(path: path, reason: AtomicFile.reason(error))
        }
    }

    static func rename(_ from: URL, _ to: URL) throws {
        if systemRename(from.path, to.path) != 0 {
            throw AtomicFile.Failure(path: to.path, reason: String(cString: strerror(errno)))
        }
    }
}

#if canImport(Glibc)
private let systemRename = Glibc.rename
#elseif canImport(Darwin)
private let systemRename = Darwin.rename
#endif
