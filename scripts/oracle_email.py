#!/usr/bin/env python3
"""Compare leadspool's email normaliser with the `email-validator` package (syntax only).

Generates a deterministic sample of addresses (realistic valid ones and tricky variants), has the
Swift normaliser classify them through `swift test --filter EmailOracleTests` (the test runs only
when LEADSPOOL_ORACLE_INPUT / LEADSPOOL_ORACLE_OUTPUT are set), classifies the same inputs with
`email_validator.validate_email(e, check_deliverability=False)`, and reports the agreement rate and
the systematic differences by category.

Both sides see the input trimmed of ASCII whitespace (trimming is leadspool's policy, not syntax).
Where both accept, the outputs are compared too: leadspool keeps the local part as written and
lowercases the domain; email-validator's ASCII form (`ascii_email`) is used for the comparison.

Known, intended differences (leadspool is the stricter side, on purpose, for a lead file):
  * non-ASCII addresses (internationalised local parts, Unicode domains): email-validator accepts
    them (SMTPUTF8 / IDNA); leadspool refuses them: buyers' CRMs and ESPs rarely accept them, and a
    lead with one is far more often mojibake or a typo than a real mailbox.
  * local parts over 64 characters: email-validator checks that only in `strict` mode; RFC 5321
    sets the limit and leadspool enforces it.
  * RFC 2142 role names (`Info@`, `Sales@`): email-validator lowercases them; leadspool keeps the
    local part as written (it never changes a local part).
  * `xn--` labels that are not valid Punycode: email-validator decodes them; leadspool only checks
    LDH syntax.
Usage: scripts/oracle_email.py [--count N] [--seed S] [--keep DIR]   (needs `pip install email-validator`)
"""

import argparse
import collections
import os
import random
import re
import subprocess
import sys
import tempfile

try:
    from email_validator import EmailNotValidError, validate_email
except ImportError:  # pragma: no cover
    sys.exit("email-validator is not installed: pip install email-validator")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASCII_WS = " \t\n\r\v\f"

FIRST = ["maria", "john", "ana", "li", "o'brien", "jean-luc", "x", "mary.ann", "j", "zoe", "kim", "bob"]
LAST = ["garcia", "smith", "nguyen", "lee", "van.der.berg", "o", "mcdonald", "de_la_cruz", "ng"]
DOMAINS = ["example.com", "gmail.com", "yahoo.com", "mail.example.co.uk", "sub-domain.example.org", "a.io",
           "outlook.com", "icloud.com", "x1.example.net", "aol.com", "123.example.com", "example.museum"]
ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~"
BAD_SPECIALS = "()<>[]:;@\\,\" "
UNICODE_LOCALS = ["maría", "用户", "josé.garcía", "ñandú", "пользователь", "δοκιμή", "zoë",
                  "e\u0301lodie"]
UNICODE_DOMAINS = ["münchen.de", "bücher.example", "例え.jp", "пример.рф", "ÉXAMPLE.com", "exämple.com"]
SPECIAL_TLDS = ["test", "local", "localhost", "invalid", "onion", "arpa", "example", "internal"]
CONTROL = ["\x00", "\x01", "\x1b", "\x7f", "\u200b", "\u00a0", "\u2028", "\ufeff"]


def realistic(rng):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    pattern = rng.randrange(7)
    if pattern == 0:
        local = first
    elif pattern == 1:
        local = f"{first}.{last}"
    elif pattern == 2:
        local = f"{first}{last}{rng.randrange(100)}"
    elif pattern == 3:
        local = f"{first[0]}{last}"
    elif pattern == 4:
        local = f"{first}+leads{rng.randrange(10)}"
    elif pattern == 5:
        local = f"{first}_{last}"
    else:
        local = f"{first}{rng.randrange(1950, 2010)}"
    if rng.random() < 0.2:
        local = local.capitalize()
    domain = rng.choice(DOMAINS)
    if rng.random() < 0.15:
        domain = domain.upper() if rng.random() < 0.5 else domain.capitalize()
    return local, domain


def label(rng, n):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def tricky(rng):
    local, domain = realistic(rng)
    kind = rng.randrange(24)
    if kind == 0:  # a special character somewhere in the local part
        i = rng.randrange(len(local) + 1)
        local = local[:i] + rng.choice(ATEXT_SPECIALS + BAD_SPECIALS) + local[i:]
    elif kind == 1:  # dots in the wrong places
        local = rng.choice([".", "", local[:1] + ".."]) + local + rng.choice([".", "", "..", ""])
    elif kind == 2:
        domain = rng.choice([".", "", "-"]) + domain + rng.choice([".", "", "-", ".."])
    elif kind == 3:  # single-label or odd TLDs
        domain = rng.choice(["localhost", "example", "com", f"example.{rng.randrange(1000)}",
                             f"example.c{rng.randrange(10)}m", f"example.{label(rng, 3)}", "example.co1"])
    elif kind == 4:  # hyphens at label edges and R-LDH labels
        domain = rng.choice([f"-{domain}", f"ex-.{domain}", f"ab--cd.{domain}", f"a-b.{domain}",
                             f"xn--{label(rng, 6)}.com", "xn--mnchen-3ya.de", "xn--80ak6aa92e.com",
                             f"{label(rng, 2)}--{label(rng, 3)}.com", "XN--MNCHEN-3YA.DE"])
    elif kind == 5:  # special-use domains
        domain = f"{rng.choice(['mail', 'x', 'corp'])}.{rng.choice(SPECIAL_TLDS)}"
    elif kind == 6:  # local-part length around 64
        local = label(rng, rng.choice([63, 64, 65, 66, 80]))
    elif kind == 7:  # label length around 63
        domain = label(rng, rng.choice([62, 63, 64])) + ".com"
    elif kind == 8:  # total length around 254
        target = rng.choice([252, 253, 254, 255, 256, 300])
        local = label(rng, rng.choice([10, 40, 64]))
        parts, size = [], len(local) + 1 + 4
        while size < target:
            n = min(63, target - size - 1) if target - size - 1 > 0 else 1
            parts.append(label(rng, max(1, n)))
            size += len(parts[-1]) + 1
        domain = ".".join(parts + ["com"])
    elif kind == 9:  # quoted local parts
        local = rng.choice(['"' + local + '"', '"john doe"', '"a@b"', '"' + local + '".x', '"\\"q\\""'])
    elif kind == 10:  # Unicode local part
        local = rng.choice(UNICODE_LOCALS)
    elif kind == 11:  # Unicode domain
        domain = rng.choice(UNICODE_DOMAINS)
    elif kind == 12:  # surrounding whitespace (both sides trim it)
        return rng.choice([" ", "\t", "  "]) + f"{local}@{domain}" + rng.choice(["", " ", "\t "])
    elif kind == 13:  # inner whitespace
        i = rng.randrange(len(local) + 1)
        return f"{local[:i]} {local[i:]}@{domain}"
    elif kind == 14:  # display names
        return rng.choice([f"{local.capitalize()} <{local}@{domain}>", f"<{local}@{domain}>",
                           f'"{local}" <{local}@{domain}>'])
    elif kind == 15:  # @ problems
        return rng.choice([f"{local}{domain}", f"{local}@@{domain}", f"{local}@{domain}@{domain}", f"@{domain}",
                           f"{local}@", "@", "", f"{local}＠{domain}", f"{local} at {domain}"])
    elif kind == 16:  # control and invisible characters
        i = rng.randrange(len(local) + 1)
        local = local[:i] + rng.choice(CONTROL) + local[i:]
    elif kind == 17:  # IP literals and addresses
        domain = rng.choice(["[127.0.0.1]", "[IPv6:::1]", "192.168.1.1", "1.2.3.4", "[1.2.3.4"])
    elif kind == 18:  # characters in the domain
        i = rng.randrange(len(domain) + 1)
        domain = domain[:i] + rng.choice("_!#$%&'*+/=?^`{|}~(),;:<>\\") + domain[i:]
    elif kind == 19:  # RFC 2142 role names in varied case
        local = rng.choice(["Info", "SALES", "Support", "postmaster", "Abuse", "WebMaster", "marketing"])
    elif kind == 20:  # every atext character
        local = "".join(rng.choice(ATEXT_SPECIALS + "abc") for _ in range(rng.randrange(1, 12)))
    elif kind == 21:  # digit-only parts
        local = str(rng.randrange(10 ** rng.randrange(1, 12)))
        domain = rng.choice([domain, f"{rng.randrange(1000)}.com", "123.456.com"])
    elif kind == 22:  # trailing junk from copy-paste
        return f"{local}@{domain}" + rng.choice([".", ",", ";", ">", ")", "'", "\u200b"])
    else:  # case in the domain and plain valid variants
        domain = "".join(c.upper() if rng.random() < 0.5 else c for c in domain)
    return f"{local}@{domain}"


def generate(count, seed):
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < count:
        if rng.random() < 0.35:
            local, domain = realistic(rng)
            e = f"{local}@{domain}"
        else:
            e = tricky(rng)
        if "\n" in e or "\r" in e or e in seen:
            continue
        seen.add(e)
        out.append(e)
    return out


def oracle(address):
    trimmed = address.strip(ASCII_WS)
    try:
        v = validate_email(trimmed, check_deliverability=False)
    except EmailNotValidError as error:
        return "INVALID", str(error)
    return (v.ascii_email or v.normalized), ""


def category(address, ours, theirs, reason):
    trimmed = address.strip(ASCII_WS)
    local = trimmed.rsplit("@", 1)[0] if "@" in trimmed else trimmed
    if ours != "INVALID" and theirs != "INVALID":
        if ours.lower() == theirs.lower():
            return "both accept; role-name local part lowercased by email-validator"
        return "both accept; outputs differ"
    if ours == "INVALID":
        if any(ord(c) > 127 for c in trimmed):
            return "leadspool refuses non-ASCII (email-validator accepts SMTPUTF8/IDNA)"
        if len(local.encode()) > 64:
            return "leadspool refuses local part > 64 (email-validator: strict mode only)"
        return "leadspool refuses, email-validator accepts: other"
    generic = re.sub(r"\d+", "N", reason)
    generic = re.sub(r"'.'|\".\"", "'c'", generic)
    if "xn--" in trimmed.lower() and "IDNA" in reason:
        return "email-validator refuses invalid Punycode (xn--) labels; leadspool checks their LDH syntax only"
    return "email-validator refuses, leadspool accepts: " + generic[:90]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=20260501)
    parser.add_argument("--keep", help="directory to keep the sample and both answers in")
    args = parser.parse_args()
    if args.count < 50000:
        print("note: fewer than 50 000 addresses", file=sys.stderr)

    sample = generate(args.count, args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="leadspool-email-oracle-")
    os.makedirs(work, exist_ok=True)
    input_path = os.path.join(work, "emails.txt")
    output_path = os.path.join(work, "leadspool.tsv")
    with open(input_path, "w", encoding="utf-8") as f:
        f.write("".join(e + "\n" for e in sample))
    if os.path.exists(output_path):
        os.remove(output_path)

    env = dict(os.environ, LEADSPOOL_ORACLE_INPUT=input_path, LEADSPOOL_ORACLE_OUTPUT=output_path)
    run = subprocess.run(["swift", "test", "--filter", "EmailOracleTests"], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0 or not os.path.exists(output_path):
        sys.stdout.write(run.stdout[-4000:])
        sys.exit("swift test failed")

    ours = {}
    with open(output_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            address, result = line.rsplit("\t", 1)
            ours[address] = result
    missing = [e for e in sample if e not in ours]
    if missing:
        sys.exit(f"{len(missing)} addresses missing from the Swift output, e.g. {missing[0]!r}")

    agree = 0
    valid_ours = valid_theirs = 0
    categories = collections.defaultdict(list)
    for address in sample:
        theirs, reason = oracle(address)
        mine = ours[address]
        valid_ours += mine != "INVALID"
        valid_theirs += theirs != "INVALID"
        if mine == theirs:
            agree += 1
        else:
            categories[category(address, mine, theirs, reason)].append((address, mine, theirs))

    total = len(sample)
    print(f"sample: {total} addresses (seed {args.seed}); leadspool accepts {valid_ours}, "
          f"email-validator accepts {valid_theirs}")
    print(f"agreement: {agree}/{total} = {100.0 * agree / total:.2f}%")
    explained = ("leadspool refuses non-ASCII", "leadspool refuses local part > 64",
                 "email-validator refuses invalid Punycode", "both accept; role-name")
    unexplained = sum(len(rows) for name, rows in categories.items() if not name.startswith(explained))
    print(f"differences outside the documented categories: {unexplained}")
    print("differences by category:")
    for name, rows in sorted(categories.items(), key=lambda item: -len(item[1])):
        print(f"  {len(rows):6d}  {name}")
        for address, mine, theirs in rows[:2]:
            print(f"          {address!r}: leadspool {mine!r}, email-validator {theirs!r}")
    if args.keep:
        print(f"kept in {work}")


if __name__ == "__main__":
    main()
