/// Pulls records one at a time from a batch file. Readers are synchronous and single-owner: a
/// record costs a plain function call, and the caller decides which thread pulls (check reads on a
/// thread of its own; run pulls from inside the submitter's work sequence).
package protocol RecordReader {
    /// The next record, or `nil` at the end of the file. Throws only for file-level failures
    /// (I/O, a gzip stream that breaks); a record that cannot be parsed is returned with
    /// `unreadable` set.
    mutating func next() throws(IngestError) -> RawRecord?
    /// Bytes of (decompressed) content consumed so far.
    var bytesRead: Int { get }
}

/// Options shared by the readers.
package struct ReaderConfiguration: Sendable {
    /// A record longer than this is `RECORD_UNREADABLE`; reading resumes at the next line.
    package var maxRecordBytes: Int = 1 << 20
    /// Bytes asked of the source at a time.
    package var chunkSize: Int = 1 << 18
    /// The publisher's `encoding` setting, which ``BatchFile/reader(path:facts:configuration:)`` applies.
    package var encoding: EncodingSetting = .auto
    /// The publisher the records belong to.
    package var publisher: String = "default"
    /// The publisher's own header names (`[publishers.NAME.columns]`).
    package var columnMapping = ColumnMapping()

    package init(
        maxRecordBytes: Int = 1 << 20, chunkSize: Int = 1 << 18, publisher: String = "default",
        columnMapping: ColumnMapping = ColumnMapping()
    ) {
        self.maxRecordBytes = maxRecordBytes
        self.chunkSize = chunkSize
        self.publisher = publisher
        self.columnMapping = columnMapping
    }
}
