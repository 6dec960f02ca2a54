import XCTest
@testable import GLPK
final class PlaceholderTests: XCTestCase { func testNothing() {} }
