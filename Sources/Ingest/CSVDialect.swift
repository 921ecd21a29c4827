/// How a CSV file separates cells and lines, as ``CSVReader`` found it in the header line, so reports that
/// go back to the publisher (`rejects.csv`) are written the way the publisher's file was.
package struct CSVDialect: Sendable, Hashable {
    /// `,`, `;` or TAB.
    package var delimiter: UInt8
    /// The header line ended in CRLF (a lone LF or CR otherwise, or no line end at all).
    package var crlf: Bool

    package init(delimiter: UInt8 = UInt8(ascii: ","), crlf: Bool = true) {
        self.delimiter = delimiter
        self.crlf = crlf
    }

    /// RFC 4180: `,` and CRLF; what leadspool writes when the input was not CSV.
    package static let standard = CSVDialect()
}
