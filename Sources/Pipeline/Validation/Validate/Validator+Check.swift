package import Ingest
package import LeadModel

extension Validator {
    /// The record normalised and validated: a `lead` when it has no problem, otherwise every problem
    /// in field order (vertical, first_name, last_name, email, phone, zip, tcpa_timestamp, tcpa_text,
    /// tcpa_url, then the vertical's own fields in API schema order).
    package func check(_ record: RawRecord) -> CheckedRecord {
        if let reason = record.unreadable {
            return CheckedRecord(
                row: record.row, line: record.line, publisher: record.publisher,
                problems: [ProblemText.unreadable(reason: reason, line: record.line)]
            )
        }
        let fields = RecordFields(record)
        let ref = fields.raw(.ref)?.text ?? ""
        var problems: [Problem] = []

        let vertical = checkVertical(fields.raw(.vertical), &problems)
        let firstName = checkName(.firstName, fields, &problems)
        let lastName = checkName(.lastName, fields, &problems)

        var email: String?
        if let raw = text(.email, fields, .missingField, &problems) {
            switch EmailNormaliser.check(raw) {
            case .valid(let normalised): email = normalised
            case .invalid(let detail):
                problems.append(ProblemText.invalid(.emailInvalid, .email, raw, what: "email address", detail: detail))
            }
        }

        var phone: String?
        if let raw = text(.phone, fields, .missingField, &problems) {
            switch PhoneNormaliser.check(raw) {
            case .valid(let e164): phone = e164
            case .invalid(let code, let detail): problems.append(Self.phoneProblem(code, raw, detail))
            }
        }

        var zipCode: String?
        if let raw = text(.zip, fields, .missingField, &problems) {
            switch zip.check(raw) {
            case .valid(let five): zipCode = five
            case .invalid(let detail):
                problems.append(ProblemText.invalid(.zipInvalid, .zip, raw, what: "ZIP code", detail: detail))
            }
        }

        var timestamp: String?
        if let raw = text(.tcpaTimestamp, fields, .tcpaTimestampMissing, &problems) {
            timestamp = checkTimestamp(raw, publisher: record.publisher, &problems)
        }

        var consentText: String?
        if let raw = text(.tcpaText, fields, .tcpaTextMissing, &problems) {
            // Sent verbatim but for surrounding whitespace, which a CSV export adds and a person never sees.
            consentText = UTF8Bytes.with(raw) { UTF8Bytes.string($0, UTF8Bytes.trimmed($0), original: raw) }
        }

        var consentURL: String?
        if let raw = text(.tcpaURL, fields, .missingField, &problems) {
            switch ConsentURLChecker.check(raw) {
            case .valid(let url): consentURL = url
            case .invalid(let detail):
                problems.append(
                    ProblemText.invalid(.tcpaURLInvalid, .tcpaURL, raw, what: "consent URL", detail: detail)
                )
            }
        }

        let extras = vertical.map { checkVerticalFields($0, fields, &problems) } ?? []

        // `consume` hands each value on without a retain/release pair (this runs once per row).
        let checkedPhone = phone ?? ""
        let checkedZip = zipCode ?? ""
        let checkedEmail = email ?? ""
        var lead: Lead?
        if problems.isEmpty, let vertical, let firstName = consume firstName, let lastName = consume lastName,
            let email = consume email, let phone = consume phone, let zipCode = consume zipCode,
            let timestamp = consume timestamp, let consentText = consume consentText,
            let consentURL = consume consentURL
        {
            lead = Lead(
                vertical: vertical, firstName: firstName, lastName: lastName, email: email, phone: phone,
                zip: zipCode, tcpaTimestamp: timestamp, tcpaText: consentText, tcpaURL: consentURL,
                extras: consume extras
            )
        }
        return CheckedRecord(
            row: record.row, line: record.line, publisher: record.publisher, ref: consume ref, vertical: vertical,
            phone: consume checkedPhone, zip: consume checkedZip, email: consume checkedEmail, lead: consume lead,
            problems: consume problems
        )
    }

    /// The field's value as text; `nil` after reporting it missing (absent, null or blank) or of a
    /// JSON type that cannot stand for text (boolean, array, object).
    func text(_ field: CanonicalField, _ fields: RecordFields, _ missing: ReasonCode, _ problems: inout [Problem])
        -> String?
    {
        switch fields.text(field) {
        case .text(let s): return s
        case .missing:
            problems.append(ProblemText.missing(missing, field, note: fields.absenceNote(field)))
            return nil
        case .other(let value):
            problems.append(ProblemText.wrongType(field, value, expected: "text"))
            return nil
        }
    }

    /// `RawValue.isBlank` on bytes: null, or a string of only ASCII whitespace.
    @inline(__always)
    static func isBlank(_ value: RawValue) -> Bool {
        switch value {
        case .null: return true
        case .string(let s): return UTF8Bytes.with(s) { UTF8Bytes.trimmed($0).isEmpty }
        case .number, .bool, .json: return false
        }
    }

    private func checkVertical(_ value: RawValue?, _ problems: inout [Problem]) -> Vertical? {
        guard let value, !Self.isBlank(value) else {
            if let fallback = configuration.defaultVertical { return fallback }
            problems.append(ProblemText.missing(.missingField, .vertical))
            return nil
        }
        if case .string(let raw) = value, let vertical = Self.vertical(raw) { return vertical }
        problems.append(
            ProblemText.problem(
                .verticalUnknown, .vertical, value.text, "is not one of insurance, mortgage, solar, debt"
            )
        )
        return nil
    }

    /// Case-insensitive, surrounding whitespace ignored; bytes only.
    static func vertical(_ raw: String) -> Vertical? {
        UTF8Bytes.with(raw) { bytes in
            let range = UTF8Bytes.trimmed(bytes)
            switch range.count {
            case 9: return UTF8Bytes.equalsIgnoringCase(bytes, range, "insurance") ? .insurance : nil
            case 8: return UTF8Bytes.equalsIgnoringCase(bytes, range, "mortgage") ? .mortgage : nil
            case 5: return UTF8Bytes.equalsIgnoringCase(bytes, range, "solar") ? .solar : nil
            case 4: return UTF8Bytes.equalsIgnoringCase(bytes, range, "debt") ? .debt : nil
            default: return nil
            }
        }
    }

    private func checkName(_ field: CanonicalField, _ fields: RecordFields, _ problems: inout [Problem]) -> String? {
        guard let raw = text(field, fields, .missingField, &problems) else { return nil }
        switch NameNormaliser.check(raw) {
        case .valid(let name): return name
        case .empty: problems.append(ProblemText.missing(.missingField, field))
        case .noLetters:
            problems.append(ProblemText.invalid(.nameInvalid, field, raw, what: "name", detail: "no letters"))
        }
        return nil
    }

    static func phoneProblem(_ code: ReasonCode, _ raw: String, _ detail: String) -> Problem {
        let what: String
        switch code {
        case .phoneNotUS: what = "is not a US number"
        case .phoneExcelMangled: what = "was mangled by a spreadsheet"
        default: what = "is not a valid US number"
        }
        return ProblemText.problem(code, .phone, raw, detail.isEmpty ? what : "\(what) (\(detail))")
    }

    private func checkTimestamp(_ raw: String, publisher: String, _ problems: inout [Problem]) -> String? {
        let parsed: ParsedTimestamp
        switch TimestampParser.parse(raw) {
        case .parsed(let p): parsed = p
        case .invalid(let detail):
            let fix = "write the consent time as 2026-11-05T14:03:00-05:00, or as Excel writes dates (11/5/2026 2:03 PM) "
                + "with timezone set under [publishers.\(publisher)] in leadspool.toml"
            problems.append(
                ProblemText.invalid(
                    .tcpaTimestampInvalid, .tcpaTimestamp, raw, what: "timestamp", detail: detail,
                    advice: ProblemText.advice(.tcpaTimestamp, fix: fix))
            )
            return nil
        }
        let utc: Int64
        if let known = parsed.utcSeconds {
            utc = known
        } else if let zone {
            utc = zone.utc(fromLocal: parsed.localSeconds)
        } else {
            problems.append(
                ProblemText.invalid(
                    .tcpaTimestampInvalid, .tcpaTimestamp, raw, what: "timestamp", detail: "has no time zone",
                    advice: Self.noZoneAdvice(localSeconds: parsed.localSeconds, publisher: publisher)
                )
            )
            return nil
        }
        if utc > latestConsent {
            problems.append(
                ProblemText.problem(
                    .tcpaTimestampFuture, .tcpaTimestamp, raw, "is in the future (\(CivilTime.utcString(utc)))"
                )
            )
            return nil
        }
        if utc < earliestConsent {
            let earliest = ProblemText.Advice(
                expected: "consent from the last \(configuration.tcpaMaxAgeDays) days",
                example: "\(CivilTime.utcString(earliestConsent)) or later",
                fix: ProblemText.advice(.tcpaConsentExpired, .tcpaTimestamp).fix)
            problems.append(
                ProblemText.problem(
                    .tcpaConsentExpired, .tcpaTimestamp, raw,
                    "is older than \(configuration.tcpaMaxAgeDays) days (\(CivilTime.utcString(utc)))",
                    advice: earliest
                )
            )
            return nil
        }
        return parsed.isCanonicalUTC && raw.utf8.count == 20 ? raw : CivilTime.utcString(utc)
    }

    /// What to do about a wall-clock time without a zone: the publisher's setting that fixes it, and the same
    /// time as an accepted form (New York's winter offset standing for the publisher's own).
    static func noZoneAdvice(localSeconds: Int64, publisher: String) -> ProblemText.Advice {
        let example = CivilTime.utcString(localSeconds).dropLast() + "-05:00"
        return ProblemText.Advice(
            expected: "a time with its time zone", example: String(example),
            fix: "set timezone under [publishers.\(publisher)] in leadspool.toml (e.g. \"America/New_York\"), "
                + "or write the offset as in the example")
    }
}
