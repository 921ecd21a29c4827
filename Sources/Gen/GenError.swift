/// A run-level failure of `gen`: the output could not be created, written or compressed.
struct GenError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
