/// A run-level failure of `gen`: the output could not be created, written or compressed.
package struct GenError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
