#!/usr/bin/env python3
"""Generates Sources/Pipeline/Normalise/Data/NANPTable.swift from the `phonenumbers` package.

`phonenumbers` (PyPI) is the Python port of Google's libphonenumber and carries its metadata. The
table answers, for every 10-digit NANP number, what leadspool's phone check must say:

  US line (fixed line or mobile) | toll-free | premium-rate | personal | another NANP region | invalid

with libphonenumber's rules:
  * valid US line: is_valid_number_for_region(n, "US") and the US number type is FIXED_LINE, MOBILE or
    FIXED_LINE_OR_MOBILE;
  * toll-free / premium-rate / personal: valid for region US with that type;
  * exchange (NXX) starting with 0 or 1: invalid (whatever another region's metadata says);
  * another NANP region: region_code_for_number(n) is a NANP region other than US;
  * anything else: invalid.

Why a per-area-code table is exact: the generator expands every NANP metadata pattern into sequences
of digit sets and checks that no US pattern looks past the exchange (digit 6), and that the region a
number is attributed to never depends on digits past the exchange either (it asserts both). It then
asks phonenumbers for every NPA-NXX (800 000 calls) and compresses the answers into one kind per
area code plus, for the few area codes where the kind holds only for some exchanges, the list of
exchanges where it holds (the others are invalid). Finally it re-derives every NPA-NXX answer from
the compressed form and asserts equality.

Usage: python3 scripts/data/gen_phone_tables.py [output.swift]   (pip install -r scripts/data/requirements.txt)
"""
import datetime
import os
import re._parser as sre_parse  # noqa: the stdlib regex parser, to expand the metadata patterns
import sys
from re._constants import (BRANCH, CATEGORY, CATEGORY_DIGIT, IN, LITERAL, MAX_REPEAT, NEGATE, RANGE,
                           SUBPATTERN)

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberType
from phonenumbers import geocoder
from phonenumbers import phonenumberutil as pu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "Sources/Pipeline/Normalise/Data/NANPTable.swift")

DIGITS = frozenset("0123456789")
DESCS = ["general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "personal_number", "voip",
         "pager", "uan", "shared_cost", "voicemail"]

# Kind characters of the generated area-code string (one character per area code 000-999).
UNASSIGNED, US_LINE, TOLL_FREE, PREMIUM, PERSONAL = ".", "U", "T", "$", "P"
REGION_CHARS = "abcdefghijklmnopqrstuvwxyz"
NAME_OVERRIDES = {"CA": "Canadian", "KN": "Saint Kitts and Nevis", "VC": "Saint Vincent and the Grenadines"}


# ---------------------------------------------------------------------------------------------------
# Pattern expansion (proof that the answer depends on NPA-NXX only)

def _char_class(items):
    chars, negate = set(), False
    for op, av in items:
        if op is LITERAL:
            chars.add(chr(av))
        elif op is RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is CATEGORY and av is CATEGORY_DIGIT:
            chars.update(DIGITS)
        elif op is NEGATE:
            negate = True
        else:
            raise ValueError(f"unsupported class item {op}")
    return frozenset(DIGITS - chars if negate else chars & DIGITS)


def _sequences(nodes, max_len=10):
    out = [()]
    for op, av in nodes:
        if op is LITERAL:
            alts = [(frozenset(chr(av)),)]
        elif op is IN:
            alts = [(_char_class(av),)]
        elif op is BRANCH:
            alts = [seq for branch in av[1] for seq in _sequences(branch, max_len)]
        elif op is SUBPATTERN:
            alts = _sequences(av[3], max_len)
        elif op is MAX_REPEAT:
            low, high, sub = av
            inner = _sequences(sub, max_len)
            alts = []
            for k in range(low, min(high, max_len) + 1):
                cur = [()]
                for _ in range(k):
                    cur = [c + i for c in cur for i in inner if len(c + i) <= max_len]
                alts += cur
        else:
            raise ValueError(f"unsupported regex node {op}")
        out = [o + a for o in out for a in alts if len(o + a) <= max_len]
    return out


def ten_digit_sequences(pattern):
    """The pattern's language restricted to 10 digits, as a list of per-position digit sets."""
    return [s for s in _sequences(sre_parse.parse(pattern)) if len(s) == 10]


def assert_depth(nanp_regions):
    """No pattern deciding a number's kind or region constrains digits past the exchange.

    Regions with leading digits are attributed by them alone; the others (US, CA) by their patterns.
    """
    for region in ["US"] + nanp_regions:
        md = PhoneMetadata.metadata_for_region(region)
        if md.leading_digits and region != "US":
            for seq in _sequences(sre_parse.parse(md.leading_digits)):
                assert len(seq) <= 6, f"{region} leading digits go past the exchange"
            continue
        for attr in DESCS:
            desc = getattr(md, attr)
            if desc is None or desc.national_number_pattern is None:
                continue
            for seq in ten_digit_sequences(desc.national_number_pattern):
                deep = [i for i in range(6, 10) if seq[i] != DIGITS]
                assert not deep, f"{region} {attr} constrains digits {deep} past the exchange"


# ---------------------------------------------------------------------------------------------------
# Answers per NPA-NXX

def answer(npa, nxx, us_md):
    """What leadspool must say for NPA-NXX-xxxx (any line number): a kind character, or a region code."""
    nsn = f"{npa:03d}{nxx:03d}0000"
    kind = pu._number_type_helper(nsn, us_md)
    if kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return US_LINE
    if kind == PhoneNumberType.TOLL_FREE:
        return TOLL_FREE
    if kind == PhoneNumberType.PREMIUM_RATE:
        return PREMIUM
    if kind == PhoneNumberType.PERSONAL_NUMBER:
        return PERSONAL
    assert kind == PhoneNumberType.UNKNOWN, f"{nsn}: unexpected US type {kind}"
    if nxx < 200:
        return UNASSIGNED
    region = phonenumbers.region_code_for_number(PhoneNumber(country_code=1, national_number=int(nsn)))
    if region is None or region == "US":
        return UNASSIGNED
    return region


def cross_check_line_digits(us_md, samples):
    """Spot-check with the full public API that the line number (last 4 digits) never matters."""
    for npa, nxx in samples:
        first = answer(npa, nxx, us_md)
        for line in ("0000", "1234", "5555", "9999"):
            num = PhoneNumber(country_code=1, national_number=int(f"{npa:03d}{nxx:03d}{line}"))
            valid_us = phonenumbers.is_valid_number_for_region(num, "US")
            if valid_us:
                t = phonenumbers.number_type(num)
                got = {PhoneNumberType.FIXED_LINE: US_LINE, PhoneNumberType.MOBILE: US_LINE,
                       PhoneNumberType.FIXED_LINE_OR_MOBILE: US_LINE, PhoneNumberType.TOLL_FREE: TOLL_FREE,
                       PhoneNumberType.PREMIUM_RATE: PREMIUM, PhoneNumberType.PERSONAL_NUMBER: PERSONAL}[t]
            elif nxx < 200:
                got = UNASSIGNED
            else:
                region = phonenumbers.region_code_for_number(num)
                got = UNASSIGNED if region in (None, "US") else region
            assert got == first, f"{npa}-{nxx}-{line}: {got} != {first}"


def ranges(values):
    """[200, 201, 202, 300] -> '200-202,300'."""
    out, start, prev = [], None, None
    for v in sorted(values) + [None]:
        if start is not None and (v is None or v != prev + 1):
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = None
        if v is not None and start is None:
            start = v
        prev = v
    return ",".join(out)


def parse_ranges(text):
    result = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        result.update(range(int(low), int(high or low) + 1))
    return result


def build():
    nanp_regions = [r for r in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1] if r != "US"]
    assert_depth(nanp_regions)
    us_md = PhoneMetadata.metadata_for_region("US")
    region_char = {r: REGION_CHARS[i] for i, r in enumerate(nanp_regions)}

    kinds = [UNASSIGNED] * 1000
    partial = {}  # npa -> set of exchanges where kinds[npa] holds (others invalid)
    answers = {}
    for npa in range(200, 1000):
        per_nxx = [answer(npa, nxx, us_md) for nxx in range(1000)]
        answers[npa] = per_nxx
        found = {a for a in per_nxx[200:] if a != UNASSIGNED}
        assert all(a == UNASSIGNED for a in per_nxx[:200]), f"area code {npa}: an exchange 0XX/1XX is valid"
        assert len(found) <= 1, f"area code {npa} mixes {found}"
        if not found:
            continue
        (kind,) = found
        assert all(a in (kind, UNASSIGNED) for a in per_nxx), f"area code {npa} mixes kinds"
        holds = {nxx for nxx in range(1000) if per_nxx[nxx] == kind}
        kinds[npa] = region_char.get(kind, kind)
        if holds != set(range(200, 1000)):
            assert kind not in region_char, f"region {kind} holds for part of {npa} only"
            partial[npa] = holds

    # Re-derive every answer from the compressed form (the exception lists as rendered).
    exceptions = {npa: parse_ranges(ranges(set(range(200, 1000)) - holds)) for npa, holds in partial.items()}
    char_region = {c: r for r, c in region_char.items()}
    for npa in range(1000):
        for nxx in range(1000):
            k = kinds[npa]
            if k == UNASSIGNED or nxx < 200 or (npa in partial and nxx in exceptions[npa]):
                want = UNASSIGNED
            else:
                want = char_region.get(k, k)
            got = answers[npa][nxx] if npa >= 200 else UNASSIGNED
            assert got == want, f"{npa}-{nxx}: table says {want}, phonenumbers {got}"

    samples = [(npa, nxx) for npa in range(200, 1000, 7) for nxx in range(0, 1000, 37)]
    samples += [(npa, nxx) for npa in partial for nxx in range(200, 1000, 3)]
    cross_check_line_digits(us_md, samples)

    names = []
    for r in nanp_regions:
        name = NAME_OVERRIDES.get(r) or geocoder._region_display_name(r, "en")
        names.append(name.replace(" And ", " and ").replace(" Of ", " of "))
    countries = []
    for cc in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        if cc == 1:
            continue
        region = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc][0]
        name = geocoder._region_display_name(region, "en") if region != "001" else ""
        name = name.replace(" And ", " and ").replace(" Of ", " of ")
        countries.append((cc, name))
    return kinds, partial, nanp_regions, names, countries


def swift_string(text):
    assert '"' not in text and "\\" not in text
    return text


def render(kinds, partial, regions, names, countries):
    counts = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    today = datetime.date.today().isoformat()
    version = phonenumbers.__version__
    legend_items = [f"{REGION_CHARS[i]} {r}" for i, r in enumerate(regions)]
    lines = []
    w = lines.append
    w("// GENERATED FILE, do not edit: scripts/data/gen_phone_tables.py writes it.")
    w(f"// Source: the `phonenumbers` PyPI package {version} (Python port of Google's libphonenumber and")
    w("// its phone number metadata), region US and the other NANP regions (country code 1).")
    w(f"// Generated {today} by evaluating libphonenumber's decision for every NPA-NXX (see the script).")
    w("//")
    w("// areaCodeKinds: one character per area code 000...999, ten rows of a hundred:")
    w("//   .  no valid number (unassigned, N11, reserved, or starting with 0/1)")
    w("//   U  US fixed line or mobile      T  toll-free      $  premium rate      P  personal (5XX)")
    w(f"//   a-{REGION_CHARS[len(regions) - 1]}  another NANP region (regionCodes):")
    for start in range(0, len(legend_items), 12):
        w("//        " + ", ".join(legend_items[start:start + 12]))
    w("// In every kind, exchanges (NXX) 000-199 are invalid. exchangeExceptions lists the area codes where the")
    w("// kind holds for some exchanges only, with the exchanges (200-999) where it does not: those are invalid.")
    w("")
    w("enum NANPTable {")
    w(f"    static let source = \"phonenumbers {version} (libphonenumber metadata), generated {today}\"")
    w("")
    w("    static let areaCodeKinds = \"\"\"")
    for row in range(10):
        w("        " + "".join(kinds[row * 100:(row + 1) * 100]))
    w("        \"\"\"")
    w("")
    w("    static let exchangeExceptions: [(areaCode: Int, exchanges: String)] = [")
    for npa in sorted(partial):
        items = ranges(set(range(200, 1000)) - partial[npa]).split(",")
        while items:
            chunk = []
            while items and len(",".join(chunk + items[:1])) <= 90:
                chunk.append(items.pop(0))
            w(f"        ({npa}, \"{','.join(chunk)}\"),")
    w("    ]")
    w("")
    w("    /// NANP regions other than US, in the order of the kind letters a, b, c...")
    w("    static let regionCodes = \"" + ",".join(regions) + "\"")
    w("    static let regionNames: [String] = [")
    for name in names:
        w(f"        \"{swift_string(name)}\",")
    w("    ]")
    w("")
    w("    /// Country calling codes other than 1 with the name of their main region (empty: non-geographic).")
    w("    static let countryCallingCodes = \"\"\"")
    line = ""
    for cc, name in countries:
        item = f"{cc}={swift_string(name)};"
        if len(line) + len(item) > 100:
            w("        " + line)
            line = ""
        line += item
    if line:
        w("        " + line)
    w("        \"\"\"")
    w("")
    w("    /// Area codes per kind character, as counted by the generator (the tests compare the decoded table).")
    w("    static let generatorCounts: [Character: Int] = [")
    for k in sorted(counts):
        w(f"        \"{k}\": {counts[k]},")
    w("    ]")
    w(f"    static let generatorExceptionAreaCodeCount = {len(partial)}")
    w(f"    static let generatorCountryCodeCount = {len(countries)}")
    w("}")
    return "\n".join(lines) + "\n"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    kinds, partial, regions, names, countries = build()
    text = render(kinds, partial, regions, names, countries)
    with open(out, "w") as f:
        f.write(text)
    counts = {k: kinds.count(k) for k in sorted(set(kinds))}
    print(f"wrote {out}: kinds {counts}, partial area codes {sorted(partial)}, {len(countries)} country codes")


if __name__ == "__main__":
    main()
