import Testing

@testable import Ingest

/// `[publishers.NAME.columns]` mappings, ignored columns, and the closest field of a column nobody recognised.
@Suite struct ColumnMappingTests {
    static let spreadsheetHeader = [
        "First Name", "Last Name", "E-mail", "Cell #", "Zip/Postal", "Lead ID", "Consent Date", "Consent Text",
        "Page URL", "Vertical", "Notes",
    ]

    static func mapping(_ pairs: [(String, CanonicalField)], ignore: [String] = []) -> ColumnMapping {
        ColumnMapping(fields: pairs.map { (header: $0.0, field: $0.1) }, ignore: ignore)
    }

    @Test func unmappedSpreadsheetHeaderLeavesZipAndRefUnrecognised() {
        let columns = Columns(names: Self.spreadsheetHeader)
        #expect(columns.index(of: .zip) == nil)
        #expect(columns.index(of: .ref) == nil)
        #expect(columns.index(of: .phone) == 3)
        #expect(columns.unrecognised.map { columns.names[$0] } == ["Zip/Postal", "Lead ID", "Notes"])
    }

    @Test func mappingNamesZipAndRefAndIgnoreHidesNotes() {
        let columns = Columns(
            names: Self.spreadsheetHeader,
            mapping: Self.mapping([("Zip/Postal", .zip), ("lead id", .ref)], ignore: ["NOTES"]))
        #expect(columns.index(of: .zip) == 4)
        #expect(columns.index(of: .ref) == 5)
        #expect(columns.unrecognised.isEmpty)
        #expect(columns.absenceNotes.isEmpty)
        #expect(columns.recognised.map(\.field).contains(.zip))
    }

    @Test func mappingWinsOverTheFieldsOwnName() {
        // The publisher says its "Postal" column is the ZIP even though a `zip` column stands before it.
        let columns = Columns(names: ["zip", "Postal Code 2"], mapping: Self.mapping([("Postal Code 2", .zip)]))
        #expect(columns.index(of: .zip) == 1)
    }

    @Test func ignoringAKnownNameDropsIt() {
        let columns = Columns(names: ["phone", "mobile"], mapping: Self.mapping([], ignore: ["phone"]))
        #expect(columns.index(of: .phone) == 1)
        #expect(columns.unrecognised.isEmpty)
    }

    @Test func publishersMappingAddsToTheMappingForAll() {
        let all = Self.mapping([("Zip/Postal", .zip), ("Cust #", .ref)], ignore: ["Notes"])
        let own = Self.mapping([("Cust #", .phone), ("Notes", .tcpaText)])
        let merged = all.merging(own)
        #expect(merged.field(for: "zip/postal") == .zip)
        #expect(merged.field(for: "Cust #") == .phone)
        #expect(merged.field(for: "notes") == .tcpaText)
        #expect(!merged.isIgnored("Notes"))
    }

    @Test(arguments: [
        ("Zip/Postal", CanonicalField.zip), ("Lead ID", .ref), ("LeadID", .ref), ("Mobile No.", .phone),
        ("Cell Number", .phone), ("Home Phone", .phone), ("Emial", .email), ("Frist Name", .firstName),
        ("Surname 1", .lastName), ("Landing Page URL", .tcpaURL), ("Consent Timestamp UTC", .tcpaTimestamp),
        ("Zip5", .zip), ("Vehicle Yr", .vehicleYear), ("Adress", nil), ("Address 2", nil), ("Notes", nil),
        ("Campaign ID", nil),
        ("Source", nil), ("Date", nil), ("Name", nil), ("Consent", nil), ("Loan Amt", nil), ("", nil), ("#", nil),
    ] as [(String, CanonicalField?)])
    func closestField(header: String, expected: CanonicalField?) {
        #expect(ColumnReport.closestField(to: header) == expected)
    }

    @Test func aFieldAnotherColumnNamesIsNotSuggested() {
        #expect(ColumnReport.closestField(to: "Zip/Postal", excluding: [.zip]) == nil)
        let columns = Columns(names: ["zip", "Zip/Postal", "Lead ID"])
        #expect(columns.suggestion(forColumn: 1) == nil)
        #expect(columns.suggestion(forColumn: 2) == .ref)
    }

    @Test func absentRequiredFieldNamesTheFix() throws {
        let columns = Columns(names: Self.spreadsheetHeader)
        #expect(columns.absentRequiredFields == [.zip])
        let note = try #require(columns.absenceNotes[.zip])
        #expect(
            note == #"no column for zip; columns not recognised: Zip/Postal, Lead ID, Notes — add "Zip/Postal" = "zip" under [publishers.default.columns]"#
        )
        // `ref` is not required: no note.
        #expect(columns.absenceNotes[.ref] == nil)
    }

    @Test func absenceNoteWithoutACandidateShowsTheLineToAdapt() throws {
        let columns = Columns(names: ["first_name", "Notes", "tcpa_text"], publisher: "acme")
        let note = try #require(columns.absenceNotes[.email])
        #expect(
            note == #"no column for email; columns not recognised: Notes — if one of them holds email, map it under [publishers.acme.columns]: "<header>" = "email""#
        )
    }

    @Test func noNotesWhenEveryColumnIsRecognised() {
        #expect(Columns(names: ["first_name", "phone"]).absenceNotes.isEmpty)
    }

    @Test(arguments: [
        ("Zip/Postal", "zip", #""Zip/Postal" = "zip""#), (#"a "b" \c"#, "ref", #""a \"b\" \\c" = "ref""#),
        ("tab\there", "phone", #""tab\u0009here" = "phone""#),
    ])
    func tomlLine(header: String, field: String, line: String) throws {
        #expect(ColumnMapping.tomlLine(header: header, field: try #require(CanonicalField(rawValue: field))) == line)
    }

    @Test func csvReaderAppliesTheMapping() throws {
        let text = "first_name,Zip/Postal,Lead ID\nAna,33601,L-1\n"
        var configuration = ReaderConfiguration(publisher: "acme")
        configuration.columnMapping = Self.mapping([("Zip/Postal", .zip), ("Lead ID", .ref)])
        let reader = try CSVReader(source: MemoryByteSource(Array(text.utf8)), configuration: configuration)
        let record = try #require(try reader.next())
        #expect(record[.zip] == .string("33601"))
        #expect(record[.ref] == .string("L-1"))
        #expect(record.columns.publisher == "acme")
    }

    @Test func csvHeaderOfOnlyMappedNamesIsAHeader() throws {
        let text = "Zip/Postal,Cust\n33601,x\n"
        let configuration = ReaderConfiguration(columnMapping: Self.mapping([("Zip/Postal", .zip)]))
        let reader = try CSVReader(source: MemoryByteSource(Array(text.utf8)), configuration: configuration)
        #expect(try reader.next()?[.zip] == .string("33601"))
    }

    @Test func jsonlKeysAreMappedToo() throws {
        let text = #"{"Zip/Postal": "33601", "phone": "8135550100"}"# + "\n"
        let configuration = ReaderConfiguration(columnMapping: Self.mapping([("Zip/Postal", .zip)]))
        let reader = try JSONLReader(source: MemoryByteSource(Array(text.utf8)), configuration: configuration)
        #expect(try reader.next()?[.zip] == .string("33601"))
    }

    @Test(arguments: [
        ("Zip/Postal", ["zip", "postal"]), ("LeadID", ["lead", "id"]), ("cell_phone#2", ["cell", "phone"]),
        ("Address 2", ["address"]),
        ("E-mail", ["e", "mail"]),
    ])
    func words(text: String, words: [String]) {
        #expect(ColumnReport.words(text) == words)
    }
}
