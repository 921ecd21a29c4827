/// Text for the HTML summary: escaping and the number formats people read.
package enum HTMLText {
    /// The start of a self-contained page, up to and including `<main>`: `title` is already escaped.
    package static func pageStart(title: String, css: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(css)</style>
        </head>
        <body>
        <main>

        """
    }

    /// Escapes `&`, `<`, `>`, `"` and `'`, so a value is safe in element content and in quoted attributes.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return n < 0 ? "-" + out : out
    }

    /// `123450` cents → `$1,234.50`.
    static func dollars(cents: Int) -> String {
        let magnitude = Int(cents.magnitude)
        let fraction = magnitude % 100
        let text = "$" + grouped(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
        return cents < 0 ? "-" + text : text
    }

    /// `0.8125` → `81.3 %`; `nil` → an en dash.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        return NumberText.fixed(rate * 100, decimals: 1) + " %"
    }
}
