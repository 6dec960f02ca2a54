// SharedInstances.swift — locating ../shared/mcf and unpacking the classic NETGEN set.

import Foundation
import XCTest

/// Paths to the public instances shipped next to the repository (absent in a user's clone).
enum SharedInstances {
    /// `<package root>/../shared/mcf`, derived from this file's path.
    static var mcfDirectory: String {
        let file = URL(fileURLWithPath: #filePath)
        let packageRoot = file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/mcf").path
    }

    /// The directory, or an XCTSkip when it is missing.
    static func requireDirectory() throws -> String {
        let dir = mcfDirectory
        guard FileManager.default.fileExists(atPath: dir + "/optima.tsv") else {
            throw XCTSkip("shared instances not found at \(dir)")
        }
        return dir
    }

    /// Reads a `file<TAB>objective` table.
    static func optima(_ path: String) throws -> [(file: String, objective: Int64)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t")
            guard f.count == 2, let v = Int64(f[1].trimmingCharacters(in: .whitespaces)) else { return nil }
            return (String(f[0]), v)
        }
    }

    /// Unpacks `netgen-classic.tar.xz` once per process into a temp directory.
    static func classicDirectory() throws -> String {
        let dir = try requireDirectory()
        let archive = dir + "/netgen-classic.tar.xz"
        guard FileManager.default.fileExists(atPath: archive) else { throw XCTSkip("no \(archive)") }
        return try unpackOnce(archive)
    }

    nonisolated(unsafe) private static var unpacked: String?
    private static let lock = NSLock()

    private static func unpackOnce(_ archive: String) throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let u = unpacked { return u }
        let target = NSTemporaryDirectory() + "networkflow-classic-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xJf", archive, "-C", target]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw XCTSkip("tar -xJf failed (\(tar.terminationStatus))") }
        // Files may sit in a sub-folder of the archive.
        var dir = target
        if !FileManager.default.fileExists(atPath: target + "/netgn101.min"),
           let sub = try FileManager.default.contentsOfDirectory(atPath: target).first(where: {
               FileManager.default.fileExists(atPath: target + "/" + $0 + "/netgn101.min") }) {
            dir = target + "/" + sub
        }
        unpacked = dir
        return dir
    }
}
