#!/usr/bin/env python3
"""Compares leadspool's phone check with Google's libphonenumber (the `phonenumbers` PyPI package).

Generates a deterministic sample of phone values (US lines, toll-free, premium, personal, Canadian and
Caribbean numbers, N11 and unassigned area codes, exchanges 0XX/1XX, wrong digit counts, non-NANP
numbers, all in many written forms with punctuation, +1, 011, extensions...), decides each one with
phonenumbers, runs them all through PhoneNormaliser.check (via the oracleBatch test of
PhoneNormaliserTests, fed through LEADSPOOL_ORACLE_INPUT/OUTPUT) and compares the outcome: the E.164
number, or the reason code.

The reference decision (what CONTRACT §7 asks, in phonenumbers terms):
  * phonenumbers.parse(value, "US") fails -> PHONE_INVALID
  * country code other than 1 -> PHONE_NOT_US
  * is_valid_number_for_region(n, "US") with type FIXED_LINE, MOBILE or FIXED_LINE_OR_MOBILE -> valid
  * otherwise valid for US (toll-free, premium rate, personal) -> PHONE_INVALID
  * 10 digits, exchange starting with 0 or 1 -> PHONE_INVALID
  * 10 digits and region_code_for_number(n) is another NANP region -> PHONE_NOT_US
  * otherwise PHONE_INVALID
and two rules of the contract that phonenumbers does not have, applied first:
  * letters outside an extension (vanity numbers): PHONE_INVALID (phonenumbers maps letters to digits)
  * spreadsheet scientific notation: digits lost -> PHONE_EXCEL_MANGLED, else the repaired digits.

Usage: scripts/oracle_phone.py [--count N] [--seed S] [--show K]   (exit 1 below 99.9 % agreement)
"""
import argparse
import collections
import os
import random
import re
import subprocess
import sys
import tempfile

import phonenumbers
from phonenumbers import PhoneNumberType

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THRESHOLD = 0.999

TOLL_FREE = [800, 833, 844, 855, 866, 877, 888]
CANADA = [204, 226, 236, 249, 250, 263, 289, 306, 343, 354, 365, 367, 368, 382, 403, 416, 418, 428, 431, 437,
          438, 450, 474, 506, 514, 519, 548, 579, 581, 584, 587, 600, 604, 613, 639, 647, 672, 683, 705, 709,
          742, 753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905]
CARIBBEAN_AND_TERRITORIES = [242, 246, 264, 268, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671, 684, 721,
                             758, 767, 784, 787, 809, 829, 849, 868, 869, 876, 939]
US_COMMON = [201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225,
             228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 272, 276,
             281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318, 319, 320,
             321, 323, 325, 330, 331, 334, 336, 337, 339, 346, 347, 351, 352, 360, 361, 364, 380, 385, 386,
             401, 402, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415, 417, 419, 423, 424, 425, 430,
             432, 434, 435, 440, 442, 443, 458, 463, 469, 470, 475, 478, 479, 480, 484, 501, 502, 503, 504,
             505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518, 520, 530, 531, 534, 539, 540, 541, 551,
             559, 561, 562, 563, 564, 567, 570, 571, 573, 574, 575, 580, 585, 586, 601, 602, 603, 605, 606,
             607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619, 620, 623, 626, 628, 629, 630, 631, 636,
             641, 646, 650, 651, 657, 660, 661, 662, 667, 669, 678, 680, 681, 682, 701, 702, 703, 704, 706,
             707, 708, 712, 713, 714, 715, 716, 717, 718, 719, 720, 724, 725, 727, 731, 732, 734, 737, 740,
             743, 747, 754, 757, 760, 762, 763, 765, 769, 770, 772, 773, 774, 775, 779, 781, 785, 786, 801,
             802, 803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817, 818, 828, 830, 831, 832, 843,
             845, 847, 848, 850, 856, 857, 858, 859, 860, 862, 863, 864, 865, 870, 872, 878, 901, 903, 904,
             906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928, 929, 930, 931,
             934, 936, 937, 938, 940, 941, 947, 949, 951, 952, 954, 956, 959, 970, 971, 972, 973, 978, 979,
             980, 983, 984, 985, 989]
FOREIGN = [("44", [10]), ("52", [10]), ("33", [9]), ("49", [10, 11]), ("91", [10]), ("86", [11]), ("61", [9]),
           ("7", [10]), ("63", [10]), ("55", [10, 11]), ("34", [9]), ("353", [9]), ("81", [10]), ("234", [10])]
VANITY = ["1-800-FLOWERS", "813-555-HELP", "1-800-GOT-JUNK", "(813) CALL-NOW", "888-4-PIZZA-1",
          "1 800 MY APPLE", "813-55-LEADS"]
UNICODE_SEPARATORS = ["\u2013", "\u2014", "\u00a0", "\u2011", "\u2212", "\u3000"]


# ---------------------------------------------------------------------------------------------------
# Sample

def ten_digits(rng):
    """A national number: mostly plausible US numbers, then every other kind of area code and exchange."""
    kind = rng.random()
    if kind < 0.40:
        npa = rng.choice(US_COMMON)
    elif kind < 0.55:
        npa = rng.randint(200, 999)
    elif kind < 0.62:
        npa = rng.choice(TOLL_FREE)
    elif kind < 0.64:
        npa = 900
    elif kind < 0.69:
        npa = rng.randint(500, 599)
    elif kind < 0.79:
        npa = rng.choice(CANADA)
    elif kind < 0.87:
        npa = rng.choice(CARIBBEAN_AND_TERRITORIES)
    elif kind < 0.90:
        npa = rng.randint(2, 9) * 100 + 11
    elif kind < 0.93:
        npa = rng.choice([983, 523, 524, 555, 999, 950, 960, 370, 379, 377])
    else:
        npa = rng.randint(0, 199)  # area codes starting with 0 or 1
    if rng.random() < 0.08:
        nxx = rng.randint(0, 199)  # exchanges starting with 0 or 1
    else:
        nxx = rng.randint(200, 999)
    return f"{npa:03d}{nxx:03d}{rng.randint(0, 9999):04d}"


def written(rng, d):
    """One of the ways people and spreadsheets write the number `d` (10 digits)."""
    a, b, c = d[:3], d[3:6], d[6:]
    forms = [
        d, f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"+1{d}", f"+1 {a} {b} {c}",
        f"+1 ({a}) {b}-{c}", f"1-{a}-{b}-{c}", f"1 ({a}) {b} {c}", f"1{d}", f"011 1 {a} {b} {c}",
        f"+1-{a}-{b}-{c}", f"({a}){b}-{c}", f"{a}/{b}-{c}", f"  {a}-{b}-{c}  ", f"+1.{a}.{b}.{c}",
        f"[{a}] {b} {c}", f"+1 1 {a} {b} {c}", f"(+1) 1{d}", f"1 1 ({a}) {b}-{c}",
    ]
    text = rng.choice(forms)
    roll = rng.random()
    if roll < 0.10:
        ext = str(rng.randint(1, 99999))
        text += rng.choice([f" x{ext}", f" x {ext}", f"x{ext}", f" ext. {ext}", f" ext {ext}", f" EXT {ext}",
                            f" extension {ext}", f" #{ext}", f" Ext.{ext}"])
    elif roll < 0.13:
        sep = rng.choice(UNICODE_SEPARATORS)
        text = f"{a}{sep}{b}{sep}{c}"
    return text


def wrong_length(rng):
    n = rng.choice([4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15])
    d = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
    if n == 11 and rng.random() < 0.5:
        d = "1" + d[1:]  # 11 digits with a leading 1 is a NANP number
    if rng.random() < 0.5 and n >= 7:
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"
    return d


def foreign(rng):
    code, lengths = rng.choice(FOREIGN)
    n = rng.choice(lengths)
    nsn = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
    prefix = rng.choice(["+", "+", "+", "011 ", "00"])
    spaced = " ".join(nsn[i:i + 3] for i in range(0, len(nsn), 3)) if rng.random() < 0.5 else nsn
    return f"{prefix}{code} {spaced}"


def scientific(rng):
    d = ten_digits(rng)
    if rng.random() < 0.5:
        d = "1" + d
    digits = d.rstrip("0") or d
    keep = rng.choice([len(digits), len(digits), 6, 5, 7, 9])
    keep = min(keep, len(digits))
    mantissa = digits[0] + ("." + digits[1:keep] if keep > 1 else "")
    if rng.random() < 0.2:
        mantissa = mantissa.replace(".", ",")
    exp = len(d) - 1
    return f"{mantissa}{rng.choice(['E+', 'E+', 'e+', 'E'])}{exp:02d}"


def sample(count, seed):
    rng = random.Random(seed)
    values = []
    kinds = []
    while len(values) < count:
        roll = rng.random()
        if roll < 0.86:
            values.append(written(rng, ten_digits(rng)))
            kinds.append("nanp")
        elif roll < 0.90:
            values.append(wrong_length(rng))
            kinds.append("length")
        elif roll < 0.95:
            values.append(foreign(rng))
            kinds.append("foreign")
        elif roll < 0.99:
            values.append(scientific(rng))
            kinds.append("scientific")
        else:
            values.append(rng.choice(VANITY))
            kinds.append("vanity")
    return values, kinds


# ---------------------------------------------------------------------------------------------------
# Reference decision

EXTENSION = re.compile(r"(?i)^(.*\d.*?)\s*(?:extension|ext|x|#)[\s.:=#-]*\d{1,10}\s*$")
SCIENTIFIC = re.compile(r"^\s*\+?([1-9])(?:[.,](\d+))?[eE]\+?(\d{1,3})\s*$")
LINE_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def reference(value):
    sci = SCIENTIFIC.match(value)
    if sci:
        lead, fraction, exponent = sci.group(1), sci.group(2) or "", int(sci.group(3))
        if any(ch != "0" for ch in fraction[exponent:]):
            return "PHONE_INVALID"
        if len(fraction) < exponent:
            return "PHONE_EXCEL_MANGLED" if 1 + exponent in (10, 11) else "PHONE_INVALID"
        value = lead + fraction[:exponent]
    main = EXTENSION.match(value)
    if re.search(r"[A-Za-z]", main.group(1) if main else value):
        return "PHONE_INVALID"
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return "PHONE_INVALID"
    if number.country_code != 1:
        return "PHONE_NOT_US"
    nsn = phonenumbers.national_significant_number(number)
    if phonenumbers.is_valid_number_for_region(number, "US"):
        if phonenumbers.number_type(number) in LINE_TYPES:
            return "+1" + nsn
        return "PHONE_INVALID"
    if len(nsn) != 10 or nsn[3] in "01":
        return "PHONE_INVALID"
    region = phonenumbers.region_code_for_number(number)
    if region is not None and region != "US":
        return "PHONE_NOT_US"
    return "PHONE_INVALID"


# ---------------------------------------------------------------------------------------------------
# leadspool

def leadspool(values):
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "input.txt")
        target = os.path.join(tmp, "output.txt")
        with open(source, "w", encoding="utf-8") as f:
            f.write("".join(v + "\n" for v in values))
        env = dict(os.environ, LEADSPOOL_ORACLE_INPUT=source, LEADSPOOL_ORACLE_OUTPUT=target)
        run = subprocess.run(["swift", "test", "--filter", "PhoneNormaliserTests/oracleBatch"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0 or not os.path.exists(target):
            sys.stderr.write(run.stdout[-4000:])
            sys.exit("oracle: swift test failed")
        with open(target, encoding="utf-8") as f:
            lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    answers = [line.rsplit("\t", 1)[1] for line in lines]
    if len(answers) != len(values):
        sys.exit(f"oracle: {len(values)} values sent, {len(answers)} answers back")
    return answers


def table_version():
    path = os.path.join(ROOT, "Sources/Pipeline/Normalise/Data/NANPTable.swift")
    match = re.search(r"static let source = \"phonenumbers ([^ ]+)", open(path).read())
    return match.group(1) if match else "?"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--show", type=int, default=25)
    args = parser.parse_args()

    if table_version() != phonenumbers.__version__:
        print(f"warning: the table was generated from phonenumbers {table_version()}, "
              f"this is {phonenumbers.__version__}")
    values, kinds = sample(args.count, args.seed)
    expected = [reference(v) for v in values]
    got = leadspool(values)

    per_kind = collections.defaultdict(lambda: [0, 0])
    outcomes = collections.Counter()
    disagreements = []
    for value, kind, want, have in zip(values, kinds, expected, got):
        per_kind[kind][1] += 1
        outcomes["valid" if want.startswith("+") else want] += 1
        if want == have:
            per_kind[kind][0] += 1
        else:
            disagreements.append((kind, value, want, have))
    agreed = len(values) - len(disagreements)
    rate = agreed / len(values)
    print(f"phone oracle: phonenumbers {phonenumbers.__version__}, {len(values)} values, seed {args.seed}")
    print("reference outcomes: " + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))
    for kind, (ok, total) in sorted(per_kind.items()):
        print(f"  {kind:<11} {ok}/{total} agree")
    print(f"agreement: {agreed}/{len(values)} = {rate * 100:.4f} %")
    for kind, value, want, have in disagreements[:args.show]:
        print(f"  [{kind}] {value!r}: phonenumbers {want}, leadspool {have}")
    if rate < THRESHOLD:
        print(f"FAIL: below {THRESHOLD * 100:.1f} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
