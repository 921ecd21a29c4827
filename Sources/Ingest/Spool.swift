import CSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The spool directory of CONTRACT §4: `incoming/`, `work/`, `done/`, `failed/`, `reports/`.
///
/// Files move between folders by atomic renames that never replace anything. A file dropped in
/// `incoming/<publisher>/` keeps that sub-folder through `work/`, `done/` and `failed/`.
package struct Spool: Sendable {
    package let root: String

    package init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    package var incoming: String { root + "/incoming" }
    package var work: String { root + "/work" }
    package var done: String { root + "/done" }
    package var failed: String { root + "/failed" }
    package var reports: String { root + "/reports" }

    /// Creates the spool folders that do not exist yet. The spool itself is created only inside an existing
    /// directory: a mistyped `--spool` in a cron line must fail, not quietly make a tree nobody drops into.
    package func ensureLayout() throws(IngestError) {
        if FileSystem.status(root) == nil {
            let parent = root.lastIndex(of: "/").map { $0 == root.startIndex ? "/" : String(root[..<$0]) } ?? "."
            guard FileSystem.status(parent)?.isDirectory == true else {
                throw IngestError(.spool, "cannot create the spool \(root): \(parent) does not exist")
            }
        }
        for dir in [root, incoming, work, done, failed, reports] { try FileSystem.makeDirectory(dir) }
    }

    /// Sub-path of a publisher's files below one of the spool folders.
    package static func publisherPath(_ folder: String, _ publisher: String) -> String {
        publisher == Publisher.defaultName ? folder : folder + "/" + publisher
    }
}

/// Publisher names: plain folder names only.
package enum Publisher {
    package static let defaultName = "default"

    /// A plain folder name: 1–64 of letters, digits, `.`, `_`, `-`, not starting with `.` or `-`.
    package static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), let first = name.utf8.first,
            first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }
}
