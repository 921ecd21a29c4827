import LeadModel

/// The fixed vocabularies synthetic leads are drawn from, as UTF-8 bytes.
///
/// Phones and ZIPs are real: every area code below is a geographic US code that libphonenumber accepts
/// with any exchange of `exchanges`, and every ZIP is a standard (non-PO-box) ZIP code in use.
struct GenTables {
    /// Geographic US area codes without exchange restrictions (305, 505 and others have them).
    static let areaCodes = [
        205, 206, 207, 212, 213, 214, 215, 216, 303, 310, 312, 313, 314, 317, 404, 412, 414, 415, 469, 503,
        504, 512, 602, 612, 615, 617, 702, 704, 713, 717, 801, 802, 808, 813, 816, 858, 901, 907, 919, 971,
    ]

    /// 200...999 without N11 service codes, 555 (directory and fiction) and the test codes 950, 958, 959, 976.
    static let exchanges: [Int] = (200...999).filter { $0 % 100 != 11 && ![555, 950, 958, 959, 976].contains($0) }

    static let tollFreeCodes = [800, 833, 844, 855, 866, 877, 888]
    static let canadianCodes = [416, 604, 514, 403]

    /// Five-digit ZIPs in use; the first ten start with 0, so a spreadsheet drops a digit from them.
    static let zips = [
        "02134", "02139", "01002", "06510", "07030", "08540", "03101", "04101", "05401", "02903",
        "10001", "11201", "14604", "19103", "15213", "20001", "21201", "22201", "27601", "28202",
        "29401", "30303", "32801", "33602", "33131", "35203", "37203", "40202", "43215", "44113",
        "46204", "48226", "53202", "55401", "60601", "63101", "64106", "68102", "70112", "72201",
        "73102", "75201", "77002", "78701", "80202", "84101", "85004", "87102", "89101", "90012",
        "90210", "92101", "94103", "95814", "97205", "98101", "99501", "96813", "83702", "59601",
        "57104", "58102", "50309", "66603", "39201", "25301", "19801", "82001",
    ].map { Array($0.utf8) }
    static let leadingZeroZipCount = 10

    /// (as written, as an email local part uses it).
    static let firstNames: [([UInt8], [UInt8])] = pairs([
        ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"),
        ("John", "john"), ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"),
        ("David", "david"), ("Elizabeth", "elizabeth"), ("William", "william"), ("Barbara", "barbara"),
        ("Richard", "richard"), ("Susan", "susan"), ("Joseph", "joseph"), ("Jessica", "jessica"),
        ("Thomas", "thomas"), ("Sarah", "sarah"), ("Christopher", "christopher"), ("Karen", "karen"),
        ("Daniel", "daniel"), ("Nancy", "nancy"), ("Matthew", "matthew"), ("Lisa", "lisa"),
        ("Anthony", "anthony"), ("Betty", "betty"), ("Mark", "mark"), ("Sandra", "sandra"),
        ("Kevin", "kevin"), ("Ashley", "ashley"), ("Brian", "brian"), ("Emily", "emily"),
        ("José", "jose"), ("María", "maria"), ("Zoë", "zoe"), ("Chloé", "chloe"), ("Renée", "renee"),
        ("Siobhán", "siobhan"), ("Björn", "bjorn"), ("Ngozi", "ngozi"), ("Wei", "wei"), ("Aaliyah", "aaliyah"),
        ("Mary Ann", "maryann"), ("Jean-Luc", "jeanluc"), ("DeShawn", "deshawn"), ("Priya", "priya"),
    ])

    static let lastNames: [([UInt8], [UInt8])] = pairs([
        ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
        ("Jones", "jones"), ("Miller", "miller"), ("Davis", "davis"), ("Wilson", "wilson"),
        ("Anderson", "anderson"), ("Taylor", "taylor"), ("Thomas", "thomas"), ("Moore", "moore"),
        ("Jackson", "jackson"), ("Martin", "martin"), ("Lee", "lee"), ("Thompson", "thompson"),
        ("White", "white"), ("Harris", "harris"), ("Clark", "clark"), ("Lewis", "lewis"),
        ("Robinson", "robinson"), ("Walker", "walker"), ("Young", "young"), ("Allen", "allen"),
        ("King", "king"), ("Wright", "wright"), ("Scott", "scott"), ("Hill", "hill"), ("Green", "green"),
        ("Adams", "adams"), ("Baker", "baker"), ("Nelson", "nelson"), ("Carter", "carter"),
        ("García", "garcia"), ("Hernández", "hernandez"), ("Martínez", "martinez"), ("Nguyen", "nguyen"),
        ("O'Brien", "obrien"), ("Müller", "muller"), ("Kowalski", "kowalski"), ("Østergaard", "ostergaard"),
        ("Smith-Jones", "smithjones"), ("Van der Berg", "vanderberg"), ("Okafor", "okafor"), ("Patel", "patel"),
        ("Rivera", "rivera"), ("Kim", "kim"), ("Cohen", "cohen"), ("D'Angelo", "dangelo"),
    ])

    static let emailDomains = ["example.com", "example.net", "mail.example.org"].map { Array($0.utf8) }

    static let consentTexts = [
        "By clicking Get My Quote, I agree to receive calls and text messages, including by automated dialing "
            + "systems and prerecorded voice, from Dreamy Leads and its marketing partners at the number I "
            + "provided. Consent is not a condition of purchase. Message and data rates may apply.",
        "I consent to be contacted by phone, text and email about offers, including by autodialer, even if my "
            + "number is on a Do Not Call list. I may revoke consent at any time.",
        "By submitting this form, I authorize up to four partners to call or text me, including by autodialed "
            + "or prerecorded calls, at the number above. Consent is not required to buy.",
        "Yes, contact me: by checking this box, I agree to the Terms of Use and Privacy Policy, and to be "
            + "called, texted or emailed by the companies listed here, including by automated means.",
    ].map { Array($0.utf8) }

    /// Consent texts with the characters that break naive CSV handling: double quotes and line breaks.
    static let hazardousConsentTexts = [
        "By clicking \"Get My Quote\", I agree to receive calls and texts, including by autodialer, at the "
            + "number provided.\nConsent is not a condition of purchase.",
        "I agree to the \"Terms\" and \"Privacy Policy\", and consent to calls, texts and emails from "
            + "\"Dreamy Leads\" partners.\r\nReply STOP to opt out.",
    ].map { Array($0.utf8) }

    static let consentURLs: [Vertical: [[UInt8]]] = [
        .insurance: [
            "https://quotes.example.com/auto-insurance?utm_source=google&utm_medium=cpc",
            "https://compare.example.net/insurance/home",
            "https://www.example.org/life-insurance/quote",
        ],
        .mortgage: [
            "https://rates.example.com/refinance",
            "https://loans.example.org/apply?step=2",
        ],
        .solar: [
            "https://sunny.example.com/solar-quote",
            "https://solar.example.net/savings?zip_lookup=1",
        ],
        .debt: [
            "https://relief.example.org/start?src=fb",
            "https://www.example.com/debt-relief",
        ],
    ].mapValues { $0.map { Array($0.utf8) } }

    static let campaigns = ["spring_promo", "fb-lookalike-3", "google cpc, broad", "", "newsletter 2025-05"]
        .map { Array($0.utf8) }

    static let coverageTypes = ["auto", "home", "life", "health"].map { Array($0.utf8) }
    static let loanPurposes = ["purchase", "refinance"].map { Array($0.utf8) }
    static let creditRanges = ["excellent", "good", "fair", "poor"].map { Array($0.utf8) }
    static let roofTypes = ["shingle", "tile", "metal", "flat"].map { Array($0.utf8) }
    /// Ranges with the en dash the provider's example uses.
    static let debtAmounts = ["5000–10000", "10000–15000", "15000–25000", "25000–50000", "50000–100000"]
        .map { Array($0.utf8) }
    static let debtTypes = ["credit_card", "medical", "personal_loan"].map { Array($0.utf8) }

    private static func pairs(_ list: [(String, String)]) -> [([UInt8], [UInt8])] {
        list.map { (Array($0.0.utf8), Array($0.1.utf8)) }
    }
}
