/// An `AsyncSequence` of records in groups, so the pipeline's per-record cost stays a plain
/// function call and the async machinery runs once per group.
package struct RecordBatches: AsyncSequence {
    package typealias Element = [RawRecord]
    package typealias Failure = IngestError

    private let reader: any RecordReader
    private let batchSize: Int

    package init(_ reader: any RecordReader, batchSize: Int = 1024) {
        self.reader = reader
        self.batchSize = Swift.max(1, batchSize)
    }

    package struct AsyncIterator: AsyncIteratorProtocol {
        var reader: any RecordReader
        let batchSize: Int
        var done = false

        package mutating func next(isolation actor: isolated (any Actor)?) async throws(IngestError) -> [RawRecord]? {
            try nextBatch()
        }

        package mutating func next() async throws(IngestError) -> [RawRecord]? {
            try nextBatch()
        }

        private mutating func nextBatch() throws(IngestError) -> [RawRecord]? {
            if done { return nil }
            var batch: [RawRecord] = []
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize {
                guard let record = try reader.next() else {
                    done = true
                    break
                }
                batch.append(record)
            }
            return batch.isEmpty ? nil : batch
        }
    }

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: reader, batchSize: batchSize)
    }
}
