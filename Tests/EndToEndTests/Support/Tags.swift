import Testing

extension Tag {
    /// Tests that render pages with headless Chromium (seconds each): `swift test --skip ...` or a test plan can
    /// run them apart from the rest.
    @Tag static var chromium: Self
}
