#!/usr/bin/env python3
"""Generates Sources/Receive/Data/ZipStateTable.swift from the `zipcodes` PyPI package (the source of
Sources/Pipeline/Normalise/Data/ZipTable.swift): the state (USPS code) of each ZIP in use.

Nearly every 3-digit prefix lies in one state, so the table is one state per prefix (the state of most of
its ZIPs) plus the few ZIPs whose state differs from their prefix's.

Usage: python3 scripts/data/gen_zip_state_table.py [output.swift]   (pip install -r scripts/data/requirements.txt)
"""
import collections
import datetime
import os
import sys

import zipcodes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "Sources/Receive/Data/ZipStateTable.swift")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    by_prefix = collections.defaultdict(collections.Counter)
    state_of = {}
    for record in zipcodes.list_all():
        if not record["active"]:
            continue
        code = record["zip_code"]
        by_prefix[code[:3]][record["state"]] += 1
        state_of[code] = record["state"]
    prefix_state = {p: c.most_common(1)[0][0] for p, c in by_prefix.items()}
    exceptions = sorted((z, s) for z, s in state_of.items() if prefix_state[z[:3]] != s)
    prefixes = "".join(prefix_state.get(f"{n:03d}", "--") for n in range(1000))
    lines = [
        "// GENERATED FILE, do not edit: scripts/data/gen_zip_state_table.py writes it.",
        f"// Source: the `zipcodes` PyPI package {zipcodes.__version__ if hasattr(zipcodes, '__version__') else ''}"
        f" (ZIPs in use), generated {datetime.date.today().isoformat()}: {len(state_of)} ZIPs,",
        f"// {len(prefix_state)} prefixes, {len(exceptions)} ZIPs in another state than their prefix.",
        "",
        "enum ZipStateTable {",
        "    /// Two letters per 3-digit prefix 000...999: the USPS state code of most of its ZIPs, `--` for none.",
        "    static let prefixes = \"\"\"",
    ]
    lines += ["        " + prefixes[i:i + 100] for i in range(0, len(prefixes), 100)]
    lines += ["        \"\"\"", "", "    /// ZIPs whose state is not their prefix's.", "    static let exceptions: [Int: String] = ["]
    lines += [f"        {int(z)}: \"{s}\"," for z, s in exceptions]
    lines += ["    ]", "}", ""]
    with open(out, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
