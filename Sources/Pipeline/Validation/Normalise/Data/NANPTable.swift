// GENERATED FILE, do not edit: scripts/data/gen_phone_tables.py writes it.
// Source: the `phonenumbers` PyPI package 9.0.43 (Python port of Google's libphonenumber and
// its phone number metadata), region US and the other NANP regions (country code 1).
// Generated 2026-11-21 by evaluating libphonenumber's decision for every NPA-NXX (see the script).
//
// areaCodeKinds: one character per area code 000...999, ten rows of a hundred:
//   .  no valid number (unassigned, N11, reserved, or starting with 0/1)
//   U  US fixed line or mobile      T  toll-free      $  premium rate      P  personal (5XX)
//   a-x  another NANP region (regionCodes):
//        a AG, b AI, c AS, d BB, e BM, f BS, g CA, h DM, i DO, j GD, k GU, l JM
//        m KN, n KY, o LC, p MP, q MS, r PR, s SX, t TC, u TT, v VC, w VG, x VI
// In every kind, exchanges (NXX) 000-199 are invalid. exchangeExceptions lists the area codes where the
// kind holds for some exchanges only, with the exchanges (200-999) where it does not: those are invalid.

enum NANPTable {
    static let source = "phonenumbers 9.0.43 (libphonenumber metadata), generated 2026-11-21"

    static let areaCodeKinds = """
        ....................................................................................................
        ....................................................................................................
        .UUUgUUUUUU.UUUUUUUUU..UUUgUUU.U..UUg..UU.f...d.UggUUUU.Ug..U.Ugb..UaUU.UgU.U..U.U.Uw....g..........
        .UUUUUgUUUU.UUUUUUUUUU.UUUUU.UUUU.U.UU.UxU.g.nUU..UUUUg.....UU.UUg.ggU..........U.g..UU.............
        .UUgUUUUUUU.UUUUgUgU...UUU..g.UgU.UU.gg.UeUU.U.UU.g.......U....UU...gUU.UjgU..UUU...U...............
        PUUUUUgUUUU.UUgUUUUgUPPPPPPPPPUUPPU....UUU..P...g..U.....U.U.UUUU.PU..UUUUUU.P.gUgU.gUUgP...........
        gUUUgUUUUUU.UgUUUUUUU.gU..U.UUUU.g..U..gUU...UUg.tUU....UUlUUUU.q..U.Upkg.....U.UUUgc.U..U..........
        .UUUUgUUUg..UUUUUUUUUs..UUUUU.UUU.U..UU.U.gU...UU....gU..Uo.U.UU.U.h.UUUUUUU..gUgUg.vUUr............
        TUUUUUUgUiU.UUUUUUUgUU...gU.UiUUUT.U..UUU..UTU.UUiU...UTUUUUU.UUUUTgumU.Ug..lTUg........T...........
        $UgUUgUUUUU.UUUUUUUUU....U..UUUU..U.UUUrUUgU.U.UUU.UU.U.U..U..........UUUU.U..UUU..UUUU..U..........
        """

    static let exchangeExceptions: [(areaCode: Int, exchanges: String)] = [
        (523, "211,311,411,511,555,611,711,811,911"),
        (524, "211,311,411,511,521,523,555,560-600,611,711,811,911,926-948"),
        (983, "600-699"),
    ]

    /// NANP regions other than US, in the order of the kind letters a, b, c...
    static let regionCodes = "AG,AI,AS,BB,BM,BS,CA,DM,DO,GD,GU,JM,KN,KY,LC,MP,MS,PR,SX,TC,TT,VC,VG,VI"
    static let regionNames: [String] = [
        "Antigua and Barbuda",
        "Anguilla",
        "American Samoa",
        "Barbados",
        "Bermuda",
        "Bahamas",
        "Canadian",
        "Dominica",
        "Dominican Republic",
        "Grenada",
        "Guam",
        "Jamaica",
        "Saint Kitts and Nevis",
        "Cayman Islands",
        "Saint Lucia",
        "Northern Mariana Islands",
        "Montserrat",
        "Puerto Rico",
        "Sint Maarten (Dutch part)",
        "Turks and Caicos Islands",
        "Trinidad and Tobago",
        "Saint Vincent and the Grenadines",
        "British Virgin Islands",
        "U.S. Virgin Islands",
    ]

    /// Country calling codes other than 1 with the name of their main region (empty: non-geographic).
    static let countryCallingCodes = """
        7=Russia;20=Egypt;27=South Africa;30=Greece;31=Netherlands;32=Belgium;33=France;34=Spain;36=Hungary;
        39=Italy;40=Romania;41=Switzerland;43=Austria;44=United Kingdom;45=Denmark;46=Sweden;47=Norway;
        48=Poland;49=Germany;51=Peru;52=Mexico;53=Cuba;54=Argentina;55=Brazil;56=Chile;57=Colombia;
        58=Venezuela;60=Malaysia;61=Australia;62=Indonesia;63=Philippines;64=New Zealand;65=Singapore;
        66=Thailand;81=Japan;82=South Korea;84=Vietnam;86=China;90=Turkey;91=India;92=Pakistan;
        93=Afghanistan;94=Sri Lanka;95=Myanmar;98=Iran;211=South Sudan;212=Morocco;213=Algeria;216=Tunisia;
        218=Libya;220=Gambia;221=Senegal;222=Mauritania;223=Mali;224=Guinea;225=Côte d'Ivoire;
        226=Burkina Faso;227=Niger;228=Togo;229=Benin;230=Mauritius;231=Liberia;232=Sierra Leone;233=Ghana;
        234=Nigeria;235=Chad;236=Central African Republic;237=Cameroon;238=Cape Verde;
        239=Sao Tome and Principe;240=Equatorial Guinea;241=Gabon;242=Congo;
        243=The Democratic Republic of Congo;244=Angola;245=Guinea-Bissau;
        246=British Indian Ocean Territory;247=;248=Seychelles;249=Sudan;250=Rwanda;251=Ethiopia;
        252=Somalia;253=Djibouti;254=Kenya;255=Tanzania;256=Uganda;257=Burundi;258=Mozambique;260=Zambia;
        261=Madagascar;262=Reunion;263=Zimbabwe;264=Namibia;265=Malawi;266=Lesotho;267=Botswana;
        268=Swaziland;269=Comoros;290=Saint Helena;291=Eritrea;297=Aruba;298=Faroe Islands;299=Greenland;
        350=Gibraltar;351=Portugal;352=Luxembourg;353=Ireland;354=Iceland;355=Albania;356=Malta;357=Cyprus;
        358=Finland;359=Bulgaria;370=Lithuania;371=Latvia;372=Estonia;373=Moldova;374=Armenia;375=Belarus;
        376=Andorra;377=Monaco;378=San Marino;380=Ukraine;381=Serbia;382=Montenegro;383=;385=Croatia;
        386=Slovenia;387=Bosnia and Herzegovina;389=Macedonia;420=Czech Republic;421=Slovakia;
        423=Liechtenstein;500=Falkland Islands;501=Belize;502=Guatemala;503=El Salvador;504=Honduras;
        505=Nicaragua;506=Costa Rica;507=Panama;508=Saint Pierre and Miquelon;509=Haiti;590=Guadeloupe;
        591=Bolivia;592=Guyana;593=Ecuador;594=French Guiana;595=Paraguay;596=Martinique;597=Suriname;
        598=Uruguay;599=Curaçao;670=Timor-Leste;672=Norfolk Island;673=Brunei;674=Nauru;
        675=Papua New Guinea;676=Tonga;677=Solomon Islands;678=Vanuatu;679=Fiji;680=Palau;
        681=Wallis and Futuna;682=Cook Islands;683=Niue;685=Samoa;686=Kiribati;687=New Caledonia;688=Tuvalu;
        689=French Polynesia;690=Tokelau;691=Micronesia;692=Marshall Islands;800=;808=;850=North Korea;
        852=Hong Kong;853=Macao;855=Cambodia;856=Laos;870=;878=;880=Bangladesh;881=;882=;883=;886=Taiwan;
        888=;960=Maldives;961=Lebanon;962=Jordan;963=Syria;964=Iraq;965=Kuwait;966=Saudi Arabia;967=Yemen;
        968=Oman;970=Palestine;971=United Arab Emirates;972=Israel;973=Bahrain;974=Qatar;975=Bhutan;
        976=Mongolia;977=Nepal;979=;992=Tajikistan;993=Turkmenistan;994=Azerbaijan;995=Georgia;
        996=Kyrgyzstan;998=Uzbekistan;
        """

    /// Area codes per kind character, as counted by the generator (the tests compare the decoded table).
    static let generatorCounts: [Character: Int] = [
        "$": 1,
        ".": 531,
        "P": 16,
        "T": 7,
        "U": 359,
        "a": 1,
        "b": 1,
        "c": 1,
        "d": 1,
        "e": 1,
        "f": 1,
        "g": 59,
        "h": 1,
        "i": 3,
        "j": 1,
        "k": 1,
        "l": 2,
        "m": 1,
        "n": 1,
        "o": 1,
        "p": 1,
        "q": 1,
        "r": 2,
        "s": 1,
        "t": 1,
        "u": 1,
        "v": 1,
        "w": 1,
        "x": 1,
    ]
    static let generatorExceptionAreaCodeCount = 3
    static let generatorCountryCodeCount = 214
}
