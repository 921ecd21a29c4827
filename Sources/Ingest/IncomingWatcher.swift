import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// inotify on `incoming/` and its publisher folders: a hint that something arrived, never the only
/// way files are found (the watcher also scans on a timer, since uploads by link+unlink, overflowed
/// queues and network filesystems can go unseen).
package final class IncomingWatcher: Sendable {
    private let fd: Int32
    private let root: String
    private let onEvent: @Sendable () -> Void
    private let watched = Mutex<[Int32: String]>([:])
    private let stopped = Atomic<Bool>(false)

    /// Watches `root` and its sub-folders; `onEvent` runs on a thread of its own after events.
    /// `nil` when inotify is not available (then the timer alone finds files).
    package init?(root: String, onEvent: @escaping @Sendable () -> Void) {
        #if canImport(Glibc)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.root = root
        self.onEvent = onEvent
        refresh()
        let thread = Thread { [self] in loop() }
        thread.name = "leadspool-inotify"
        thread.start()
        #else
        return nil
        #endif
    }

    private static let mask: UInt32 = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB)

    /// Adds watches for publisher folders that are not watched yet (created while events were lost).
    package func refresh() {
        var folders = [root]
        for name in FileSystem.list(root) where !name.hasPrefix(".") {
            let path = root + "/" + name
            if FileSystem.status(path)?.isDirectory == true { folders.append(path) }
        }
        watched.withLock { watched in
            let known = Set(watched.values)
            for folder in folders where !known.contains(folder) {
                let wd = inotify_add_watch(fd, folder, Self.mask)
                if wd >= 0 { watched[wd] = folder }
            }
        }
    }

    package func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .relaxed) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 500)
            guard ready > 0 else { continue }
            var sawFolder = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                buffer.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset + MemoryLayout<inotify_event>.size <= count {
                        let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        if event.mask & UInt32(IN_ISDIR) != 0 || event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                            sawFolder = true
                        }
                        offset += MemoryLayout<inotify_event>.size + Int(event.len)
                    }
                }
            }
            if sawFolder { refresh() }
            onEvent()
        }
        close(fd)
    }
}
