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
