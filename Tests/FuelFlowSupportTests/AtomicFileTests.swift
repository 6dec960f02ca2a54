import FuelFlowSupport
import Foundation
import XCTest

final class AtomicFileTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testCreatesAndReplacesRegularFiles() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("plan.csv").path
        try AtomicFile.write("first\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\n")
        try AtomicFile.write("second\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        // No temporary files are left beside the target.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["plan.csv"])
    }

    /// A set's optional file from a previous run (a backtest's accuracy.csv) never survives a
    /// run that does not write it — whether OUT holds only the set or also a user's file, which
    /// stays. Found by fuzzing `forecast`.
    func testStaleOptionalFileOfTheSetIsRemoved() throws {
        let fm = FileManager.default
        for withUserFile in [false, true] {
            let out = try temporaryDirectory().appendingPathComponent("out")
            let full = [(name: "forecasts.csv", data: Data("1\n".utf8)), (name: "accuracy.csv", data: Data("a\n".utf8))]
            try AtomicDirectory.write(full, to: out.path, optional: ["accuracy.csv"])
            if withUserFile { try Data("mine\n".utf8).write(to: out.appendingPathComponent("notes.txt")) }
            try AtomicDirectory.write([(name: "forecasts.csv", data: Data("2\n".utf8))], to: out.path, optional: ["accuracy.csv"])
            let names = Set(try fm.contentsOfDirectory(atPath: out.path))
            XCTAssertEqual(names, withUserFile ? ["forecasts.csv", "notes.txt"] : ["forecasts.csv"])
            XCTAssertEqual(try String(contentsOfFile: out.appendingPathComponent("forecasts.csv").path, encoding: .utf8), "2\n")
            // No temporary folders are left beside OUT.
            XCTAssertEqual(try fm.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["out"])
        }
    }

    func testDeviceIsWrittenInPlaceNotReplaced() throws {
        // Renaming over /dev/null would turn it into a regular file for the whole machine.
        try AtomicFile.write("discard me\n", to: "/dev/null")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial)
    }

    func testSymbolicLinkIsFollowed() throws {
        let dir = try temporaryDirectory()
        let real = dir.appendingPathComponent("real.txt").path
        let link = dir.appendingPathComponent("link.txt").path
        try "old".write(toFile: real, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try AtomicFile.write("new", to: link)
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), real)
    }

    func testMissingFolderIsAnError() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: "/nonexistent-folder/x.csv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent-folder/x.csv: cannot write"), "\(error)")
        }
    }
}
