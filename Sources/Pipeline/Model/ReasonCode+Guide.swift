extension ReasonCode {
    /// What a code means and what to do about it, in a publisher's terms: the one table behind the top
    /// reasons of `summary.html` and `docs/reason-codes.md` (a test keeps that page in step with it).
    package struct Guide: Sendable {
        /// A short human label ("Phone mangled by Excel").
        package var label: String
        /// What to change, said to someone who edits the file in a spreadsheet.
        package var fix: String
    }

    /// The label and fix of this code.
    package var guide: Guide {
        switch self {
        case .missingField:
            Guide(
                label: "Required field empty or missing",
                fix: "Fill in the field the reason names (first and last name, email, phone, ZIP, the consent "
                    + "time, text and page URL are required); if the column is there under another heading, "
                    + "rename it or map it in the publisher's [publishers.NAME.columns]; for a file of one "
                    + "vertical without a vertical column, run with --vertical or set validate.default_vertical")
        case .verticalUnknown:
            Guide(
                label: "Vertical missing or not known",
                fix: "Put insurance, mortgage, solar or debt in the vertical column; for a file of one vertical "
                    + "without that column, run with --vertical or set validate.default_vertical")
        case .phoneInvalid:
            Guide(
                label: "Phone not a valid US number",
                fix: "Give a 10-digit US number with a real area code (e.g. 813-555-0100); toll-free and "
                    + "made-up numbers are refused")
        case .phoneNotUS:
            Guide(
                label: "Phone outside the US",
                fix: "Only US numbers are accepted (not Canada, Puerto Rico or other countries): leave such "
                    + "leads out")
        case .phoneExcelMangled:
            Guide(
                label: "Phone mangled by Excel",
                fix: "The phone looks like 8.13555E+09: format the phone column as Text in Excel, type or paste "
                    + "the numbers again from the source, and export again")
        case .zipInvalid:
            Guide(
                label: "ZIP code not valid",
                fix: "Give a 5-digit US ZIP (12345 or 12345-6789); if leading zeros were lost, format the ZIP "
                    + "column as Text in Excel and export again")
        case .emailInvalid:
            Guide(
                label: "Email address not valid",
                fix: "Correct the email address (name@example.com, with a dot in the domain)")
        case .nameInvalid:
            Guide(
                label: "Name not valid",
                fix: "Put the person's real first and last name (letters, not numbers or placeholders)")
        case .fieldInvalid:
            Guide(
                label: "A vertical field not valid",
                fix: "Correct the value the reason names (e.g. an amount greater than 0, a year, yes/no)")
        case .tcpaTimestampMissing:
            Guide(
                label: "Consent time missing",
                fix: "Fill in the time the person gave consent (tcpa_timestamp), e.g. 2026-11-05T14:03:00Z")
        case .tcpaTimestampInvalid:
            Guide(
                label: "Consent time not readable",
                fix: "Write the consent time with its time zone (2026-11-05T14:03:00-05:00 or ...Z); for "
                    + "times without a zone, as Excel writes them (11/5/2026 2:03 PM), set timezone under "
                    + "[publishers.NAME] in leadspool.toml")
        case .tcpaTimestampFuture:
            Guide(
                label: "Consent time in the future",
                fix: "Check the consent time and its time zone: it is later than now (dates are read month "
                    + "first: 12/5/2026 is December 5)")
        case .tcpaConsentExpired:
            Guide(
                label: "Consent too old",
                fix: "Consent older than validate.tcpa_max_age_days (90 by default) cannot be used: leave the "
                    + "lead out or get fresh consent")
        case .tcpaTextMissing:
            Guide(
                label: "Consent text missing",
                fix: "Fill in the consent wording the person agreed to (tcpa_text)")
        case .tcpaURLInvalid:
            Guide(
                label: "Consent page URL not valid",
                fix: "Give the full http(s) address of the page where consent was given (tcpa_url)")
        case .recordUnreadable:
            Guide(
                label: "Row could not be read",
                fix: "Open the file, fix the line the reason names (often an unclosed quote or a stray line "
                    + "break) and save it as CSV UTF-8 again; for bytes that are not UTF-8, save as \"CSV UTF-8\" "
                    + "or set the publisher's encoding")
        case .duplicateInBatch:
            Guide(
                label: "Duplicate in the same file",
                fix: "Nothing to fix: the same phone or email appears earlier in the file, and only the first "
                    + "is sent")
        case .duplicateInLedger:
            Guide(
                label: "Sent before",
                fix: "Nothing to fix: this phone or email was sent within the dedupe window; do not send it "
                    + "again")
        case .remoteRejected:
            Guide(
                label: "Buyer rejected the lead",
                fix: "Nothing to fix in the file: the API judged the lead and no buyer took it (the remote "
                    + "reason says why)")
        case .remoteMalformed:
            Guide(
                label: "API refused the data (400)",
                fix: "Correct the fields the reason names and drop the rejects file again")
        case .remoteTCPAInvalid:
            Guide(
                label: "API refused the consent (422)",
                fix: "Correct the consent time, text or page URL and drop the rejects file again")
        case .remoteClientError:
            Guide(
                label: "API refused the request",
                fix: "Ask the operator: the API answered with an error about the request, not the lead")
        case .serverErrorExhausted:
            Guide(
                label: "API errors, gave up",
                fix: "Nothing to fix in the file: the API kept failing; leadspool retry sends it again later")
        case .rateLimitExhausted:
            Guide(
                label: "API rate limit, gave up",
                fix: "Nothing to fix in the file: the API kept asking to slow down; leadspool retry sends it "
                    + "again later")
        case .networkErrorExhausted:
            Guide(
                label: "Network errors, gave up",
                fix: "Nothing to fix in the file: the API could not be reached; leadspool retry sends it again "
                    + "later")
        case .badResponse:
            Guide(
                label: "API answer not understood",
                fix: "Ask the operator: the API's answer could not be read")
        case .ambiguousHeld:
            Guide(
                label: "Held: may have been sent",
                fix: "Nothing to fix: the lead was being sent when a run stopped; the operator decides after "
                    + "checking with the buyer (leadspool retry --outcome unknown)")
        case .authFailed:
            Guide(
                label: "API key refused",
                fix: "Ask the operator to check the API key; the leads are sent once it works")
        case .notSubmitted:
            Guide(
                label: "Not sent yet",
                fix: "Nothing to fix: the run stopped before this lead was sent; the next run sends it")
        case .ambiguousDuplicate:
            Guide(
                label: "Duplicate after a retry: may have been accepted",
                fix: "Nothing to fix: the API called a retried lead a duplicate, so the first try may have been "
                    + "accepted; the operator checks with the buyer")
        case .batchChanged:
            Guide(
                label: "File changed while being sent",
                fix: "Do not edit or overwrite a file after dropping it; leadspool retry --batch sends the "
                    + "remaining rows from the copy taken at the start")
        }
    }
}
