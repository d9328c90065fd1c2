#!/usr/bin/env python3
"""Generate the differential fuzzer's instruction sequences (README.md).

Sequence I of seed S depends only on S, I, the length and the exclusions,
so one sequence can be regenerated alone (--only, --code). Output: the
module fuzz.elf reads (fuzz.c describes the layout), or with --code the
raw bytes of one sequence (for objdump), or with --check the generator
checking itself against objdump.
"""

import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzzgen import ops_ctl, ops_int, ops_sse, ops_x87  # noqa: E402
from fuzzgen.seq import Seq  # noqa: E402

MAGIC = b"MFZ1"

# How bodies end: mostly INT3 (a trap: RIP past it), sometimes a fault at
# CPL 3 (#UD, #GP). Not INT n (CD ib): kvm_pvm turns it into #UD.
TERMINATORS = [
    (40, "int3", b"\xcc"),
    (2, "ud2", b"\x0f\x0b"),
    (1, "ud1", b"\x0f\xb9\xc0"),
    (1, "ud0", b"\x0f\xff\xc0"),
    (1, "hlt", b"\xf4"),
    (1, "cli", b"\xfa"),
    (1, "in-port", b"\xe4\x70"),
    (1, "out-port", b"\xe6\x80"),
    (1, "mov-cr", b"\x0f\x20\xc0"),
    (1, "invalid-64", None),
    (1, "lock-reg", b"\xf0\x01\xc0"),
]
# one-byte opcodes that are invalid in 64-bit mode (SDM vol. 2, table A-2, i64)
INVALID_64 = [b"\x06", b"\x07", b"\x0e", b"\x16", b"\x17", b"\x1e", b"\x1f", b"\x27", b"\x2f",
              b"\x37", b"\x3f", b"\x60", b"\x61", b"\xce", b"\xd4\x0a", b"\xd5\x0a", b"\xd6"]


def weighted(rng, table):
    total = sum(w for w, *_ in table)
    r = rng.uniform(0, total)
    for entry in table:
        r -= entry[0]
        if r <= 0:
            return entry
    return table[-1]


def build_ops():
    ops = []
    for w, fn in ops_int.OPS + ops_sse.OPS + ops_x87.OPS:
        ops.append((w, fn, False))
    for w, fn in ops_ctl.OPS:
        ops.append((w, fn, True))
    return ops


OPS = build_ops()


def gen_sequence(seed, index, length, exclude):
    rng = random.Random(f"{seed}:{index}")
    s = Seq(rng, index, exclude)

    def gen_one():
        for _ in range(20):
            _, fn, ctl = weighted(rng, OPS)
            before = len(s.marks)
            ok = s.try_emit((lambda q: fn(q, gen_one)) if ctl else fn)
            if ok and len(s.marks) > before:
                return

    tries = 0
    while len(s.marks) < length and tries < 20 * length:
        gen_one()
        tries += 1
    while True:
        _, name, code = weighted(rng, TERMINATORS)
        if name in exclude:
            continue
        s.used.add(name)
        if code is None:
            code = rng.choice(INVALID_64)
        break
    s.finish(code)
    return s


def write_module(path, records):
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<III", len(records), 0, 0))
        for r in records:
            f.write(r)


def read_exclusions(path):
    names = set()
    if path:
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    names.add(line.split()[0])
    return frozenset(names)


def objdump_offsets(code):
    """Instruction start offsets objdump finds in code, and any (bad)."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as t:
        t.write(code)
        t.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", t.name],
                             capture_output=True, text=True, check=True).stdout
    offsets, bad = [], []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip().endswith(":"):
            try:
                off = int(parts[0].strip()[:-1], 16)
            except ValueError:
                continue
            if len(parts) >= 3:
                offsets.append(off)
                if "(bad)" in parts[2]:
                    bad.append(line)
    return offsets, bad


def self_check(seed, count, length, exclude):
    """Every generated instruction must decode with objdump where the
    generator put it: the marks are objdump's instruction boundaries."""
    failures = 0
    for i in range(count):
        s = gen_sequence(seed, i, length, exclude)
        offsets, bad = objdump_offsets(bytes(s.code))
        marks = sorted({m[0] for m in s.marks if m[0] < len(s.code)})
        # terminators that are invalid in 64-bit mode decode as (bad): fine
        offsets = [o for o in offsets if o <= marks[-1]]
        bad = [b for b in bad if not b.split("\t")[0].strip().startswith("%x:" % marks[-1])]
        # objdump shows FWAIT (9B) and the x87 instruction after it as one
        fwait_next = {m + 1 for m in marks if s.code[m] == 0x9B}
        marks_seen = [m for m in marks if m not in fwait_next or m in offsets]
        if marks_seen != offsets or bad:
            failures += 1
            print(f"sequence {i}: generator boundaries {marks}")
            print(f"             objdump boundaries   {offsets}")
            for b in bad:
                print("  " + b)
    print(f"gen-fuzz self-check: {count - failures}/{count} sequences decode as generated")
    return failures == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--first", type=int, default=0, help="index of the first sequence")
    ap.add_argument("--length", type=int, default=8, help="instructions per sequence")
    ap.add_argument("--only", type=int, help="just sequence ONLY")
    ap.add_argument("--code", type=int, help="write the raw code of sequence CODE")
    ap.add_argument("--exclude-file", help="instruction names not to generate")
    ap.add_argument("--names", help="write each sequence's instruction names here")
    ap.add_argument("--check", action="store_true", help="check the encodings against objdump")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    exclude = read_exclusions(a.exclude_file)
    if a.check:
        return 0 if self_check(a.seed, a.count, a.length, exclude) else 1
    if not a.output:
        ap.error("-o is required")
    if a.code is not None:
        with open(a.output, "wb") as f:
            f.write(bytes(gen_sequence(a.seed, a.code, a.length, exclude).code))
        return 0
    indexes = [a.only] if a.only is not None else range(a.first, a.first + a.count)
    seqs = [gen_sequence(a.seed, i, a.length, exclude) for i in indexes]
    write_module(a.output, [q.record() for q in seqs])
    if a.names:
        with open(a.names, "w") as f:
            for q in seqs:
                f.write(f"{q.index} {' '.join(sorted(q.used))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
