#!/usr/bin/env python3
"""Generates Sources/Pipeline/Normalise/Data/ZipTable.swift from the `zipcodes` PyPI package.

The `zipcodes` package embeds a ZIP code database assembled from unitedstateszipcodes.org's base
data, GeoNames and USPS ZIP Locale Detail (the authoritative list of active delivery ZIPs), refreshed
monthly by its maintainer. Every ZIP it lists is US (states, DC, territories, military APO/FPO);
each record has an `active` flag.

The generated file holds two 100 000-bit sets (bit n is ZIP n, least significant bit first within
each byte), base64 encoded: ZIPs in use (active) and ZIPs listed but no longer in use.

Usage: python3 scripts/data/gen_zip_table.py [output.swift]   (pip install -r scripts/data/requirements.txt)
"""
import base64
import datetime
import os
import sys

import zipcodes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "Sources/Pipeline/Normalise/Data/ZipTable.swift")


def bitset(codes):
    data = bytearray(100_000 // 8)
    for code in codes:
        n = int(code)
        data[n >> 3] |= 1 << (n & 7)
    return base64.b64encode(bytes(data)).decode("ascii")


def literal(name, text, doc):
    lines = [f"    /// {doc}", f"    static let {name} = \"\"\""]
    lines += ["        " + text[i:i + 100] for i in range(0, len(text), 100)]
    lines.append("        \"\"\"")
    return lines


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    records = zipcodes.list_all()
    codes = [r["zip_code"] for r in records]
    assert all(len(c) == 5 and c.isdigit() for c in codes), "a ZIP that is not 5 digits"
    assert len(set(codes)) == len(codes), "duplicate ZIPs"
    in_use = sorted(r["zip_code"] for r in records if r["active"])
    retired = sorted(r["zip_code"] for r in records if not r["active"])
    prefixes = sorted({c[:3] for c in in_use})
    today = datetime.date.today().isoformat()
    version = zipcodes.__version__
    lines = [
        "// GENERATED FILE, do not edit: scripts/data/gen_zip_table.py writes it.",
        f"// Source: the `zipcodes` PyPI package {version} (its embedded database, built from USPS ZIP Locale",
        "// Detail, unitedstateszipcodes.org and GeoNames; US states, DC, territories and military ZIPs).",
        f"// Generated {today}: {len(in_use)} ZIPs in use (active), {len(retired)} listed as no longer in use,",
        f"// {len(prefixes)} three-digit prefixes in use.",
        "// Each set has 100 000 bits, bit n for ZIP n, least significant bit first in each byte, base64.",
        "",
        "enum ZipTable {",
        f"    static let source = \"zipcodes {version} (USPS ZIP Locale Detail and others), generated {today}\"",
        f"    static let generatorInUseCount = {len(in_use)}",
        f"    static let generatorRetiredCount = {len(retired)}",
        f"    static let generatorPrefixCount = {len(prefixes)}",
        "",
    ]
    lines += literal("inUse", bitset(in_use), "ZIPs in use.")
    lines.append("")
    lines += literal("retired", bitset(retired), "ZIPs the source lists as no longer in use.")
    lines.append("}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out}: {len(in_use)} in use, {len(retired)} retired, {len(prefixes)} prefixes")


if __name__ == "__main__":
    main()
