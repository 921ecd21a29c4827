import Foundation

/// A bounded queue between one producer thread and one consumer: the reader and validator run on
/// their own thread while the caller dedupes and writes reports, so `check` uses both cores.
final class Handoff<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits while the queue is full; answers false when the consumer has gone.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        if closed { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, or `nil` once the producer has finished and the queue is empty.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        // At most `capacity` items wait, so removing from the front is cheap, and a consumed
        // item is released at once.
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Adds `item` when there is room and the queue is open, without waiting; answers whether it did.
    @discardableResult
    func offer(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard items.count < capacity, !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Every waiting item, without waiting.
    func drain() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        guard !items.isEmpty else { return [] }
        let all = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return all
    }

    /// Items waiting now.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }

    /// No more items (producer) or no more interest (consumer).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Carries a value to another thread when the program guarantees only one thread uses it at a time.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
}
