#!/usr/bin/env python3
"""Writes a corpus of version strings with packaging.version's verdicts, for PEP440CrossCheckTests.

Usage: scripts/pep440-crosscheck.py OUT.tsv [COUNT]
Each line: raw<TAB>1|0 (PEP 440 after SEMANTICS.md's v-strip)<TAB>rank in the total order (0 = lowest;
order-equal versions tie-break on the raw string by code points). Needs `packaging` (pip has it).
Then: PEP440_CROSSCHECK=OUT.tsv swift test --filter PEP440CrossCheckTests
"""
import random
import sys

from packaging.version import InvalidVersion, Version


def corpus(count, seed=7):
    rng = random.Random(seed)
    nums = ["0", "1", "2", "10", "01", "00", "9", "18446744073709551615", "18446744073709551616", "99999999999999999999"]
    seps = ["", ".", "-", "_"]
    out = set()
    while len(out) < count:
        if rng.random() < 0.3:  # junk, mostly not PEP 440
            toks = nums + [".", "-", "_", "!", "+", "a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "post",
                           "rev", "r", "dev", "v", "V", "local", " ", "RC", "é", "x"]
            s = "".join(rng.choice(toks) for _ in range(rng.randint(1, 7)))
        else:  # grammar-shaped, mostly PEP 440 with every spelling
            s = rng.choice(["", "", "", "v", "V", "vv", "v "])
            if rng.random() < 0.1:
                s += rng.choice(nums) + "!"
            s += ".".join(rng.choice(nums) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.4:
                s += rng.choice(seps) + rng.choice(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "RC"]) + rng.choice(seps) + (rng.choice(nums) if rng.random() < 0.8 else "")
            if rng.random() < 0.4:
                s += ("-" + rng.choice(nums)) if rng.random() < 0.3 else rng.choice(seps) + rng.choice(["post", "rev", "r", "POST"]) + rng.choice(seps) + (rng.choice(nums) if rng.random() < 0.8 else "")
            if rng.random() < 0.4:
                s += rng.choice(seps) + rng.choice(["dev", "DEV"]) + rng.choice(seps) + (rng.choice(nums) if rng.random() < 0.8 else "")
            if rng.random() < 0.3:
                s += "+" + rng.choice(["-", ".", "_"]).join(rng.choice(["abc", "5", "10", "x1", "0", "00"]) for _ in range(rng.randint(1, 3)))
        if s and "@" not in s and "\t" not in s and "\n" not in s:
            out.add(s)
    return sorted(out)


def key(raw):
    text = raw.strip().lstrip("vV")  # SEMANTICS.md: strip leading v/V, then PEP 440 (which trims whitespace)
    try:
        return (0, Version(text), "")
    except InvalidVersion:
        return (1, None, raw)


class Ordered:
    def __init__(self, raw):
        self.raw, self.key = raw, key(raw)

    def __lt__(self, other):
        a, b = self.key, other.key
        if a[0] != b[0]:
            return a[0] < b[0]
        if a[0] == 0 and a[1] != b[1]:
            return a[1] < b[1]
        if a[0] == 1 and a[2] != b[2]:
            return a[2] < b[2]
        return self.raw < other.raw


def main():
    path, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    versions = corpus(count)
    rank = {o.raw: i for i, o in enumerate(sorted(Ordered(v) for v in versions))}
    with open(path, "w", encoding="utf-8") as out:
        for raw in versions:
            out.write(f"{raw}\t{1 if key(raw)[0] == 0 else 0}\t{rank[raw]}\n")
    print(f"{len(versions)} versions, {sum(1 for v in versions if key(v)[0] == 0)} PEP 440, written to {path}")


main()
