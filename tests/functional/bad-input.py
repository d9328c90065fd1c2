#!/usr/bin/env python3
"""Bad command lines and bad images: each must give exactly one line on
stderr starting "mimic: ", exit status 1, and no crash or hang.

Each case also names a pattern the message must contain (the option or file
at fault), so a run that fails for an unrelated reason does not pass.

Cases that get past option parsing need an accelerator mimic can open (the
machine is built before the images load). The test looks for one (kvm, then
tcg) by booting a tiny multiboot image; without one, those cases are skipped
and said so. Exit status: 0 pass, 1 fail, 77 nothing could run.

Usage: bad-input.py --mimic build/mimic [--guest build/guest]
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestimage  # noqa: E402

DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
TIMEOUT = 60


class Case:
    def __init__(self, name, args, expect, needs_machine=False, env=None):
        self.name = name
        self.args = args
        self.expect = expect                # regex the message must match
        self.needs_machine = needs_machine  # error comes after the accelerator opens
        self.env = env or {}


def run(mimic, args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run([mimic] + args, stdin=subprocess.DEVNULL, capture_output=True,
                           env=e, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as t:
        return None, t.stdout or b"", t.stderr or b""


def probe_accel(mimic, kernel):
    """The first accelerator that gets as far as running a guest, with what
    the tiny guest printed; (None, reasons) if none does."""
    reasons = []
    for accel in ("kvm", "tcg"):
        status, out, err = run(mimic, ["-accel", accel, "-m", "32", "-nographic",
                                       "-kernel", kernel] + DEBUG_EXIT)
        text = err.decode(errors="replace").strip()
        if status == 1 and text.startswith("mimic: -accel"):
            reasons.append(text)
            continue
        want = guestimage.exit_status(guestimage.DEFAULT_EXIT_VALUE)
        ran = "ran the tiny guest" if status == want and b"tiny guest: hello" in out else \
            "the tiny guest did not run cleanly (status %s, stderr %r): mimic bug, " \
            "not a bad-input failure" % (status, text)
        return accel, ran
    return None, "; ".join(reasons)


def cases(work, kernel_mb, kernel_bz, real_vmlinuz):
    def path(name, data):
        p = os.path.join(work, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    text = path("notes.txt", b"this is a text file, not a kernel\n" * 20)
    empty = path("empty", b"")
    bz_trunc = path("bzimage-2k", guestimage.bzimage()[:2048])
    mb = guestimage.multiboot_elf()
    mb_short = path("multiboot-short.elf", mb[:len(mb) // 2 + 48])  # segment runs past EOF
    big_initrd = os.path.join(work, "initrd-100m")
    with open(big_initrd, "wb") as f:
        f.truncate(100 << 20)  # sparse: takes no disk space

    k = ["-nographic", "-kernel", kernel_mb] + DEBUG_EXIT
    c = [
        # option parsing
        Case("m-not-a-number", ["-m", "abc"] + k, r"-m|abc"),
        Case("m-negative", ["-m", "-5"] + k, r"-m|-5"),
        Case("m-zero", ["-m", "0"] + k, r"-m"),
        Case("m-huge", ["-m", "1P"] + k, r"-m|1P"),
        Case("m-overflow", ["-m", "99999999999999999999999"] + k, r"-m"),
        Case("unknown-option", ["-frobnicate"] + k, r"frobnicate"),
        Case("missing-argument", ["-nographic", "-kernel"], r"kernel"),
        Case("smp-2", ["-smp", "2"] + k, r"smp|CPU|cpu"),
        Case("machine-unknown", ["-machine", "foo"] + k, r"foo"),
        Case("machine-bad-property", ["-machine", "pc,kernel-irqchip=maybe"] + k,
             r"kernel-irqchip|maybe"),
        Case("accel-unknown", ["-accel", "frob"] + k, r"frob"),
        Case("cpu-unknown", ["-cpu", "frob486"] + k, r"frob486"),
        Case("kvm-device-missing", ["-accel", "kvm"] + k, r"kvm|/nonexistent",
             env={"MIMIC_KVM_DEVICE": "/nonexistent"}),
        # devices and backends
        Case("device-unknown", k + ["-device", "frob-device"], r"frob-device", True),
        Case("device-bad-property", ["-nographic", "-kernel", kernel_mb,
                                     "-device", "isa-debug-exit,iobase=zz"], r"iobase|zz", True),
        Case("device-unknown-property", ["-nographic", "-kernel", kernel_mb,
                                         "-device", "isa-debug-exit,frob=1"], r"frob", True),
        Case("serial-unknown-backend", ["-display", "none", "-serial", "frob:x",
                                        "-kernel", kernel_mb] + DEBUG_EXIT, r"frob", True),
        Case("serial-file-unwritable", ["-display", "none", "-serial", "file:/nonexistent/dir/log",
                                        "-kernel", kernel_mb] + DEBUG_EXIT, r"/nonexistent", True),
        # images
        Case("bios-missing", ["-nographic", "-bios", "/nonexistent/bios.bin"] + DEBUG_EXIT,
             r"-bios|/nonexistent/bios\.bin", True),
        Case("bios-not-64k-multiple", ["-nographic", "-bios", text] + DEBUG_EXIT,
             r"-bios|64 KiB|notes\.txt", True),
        Case("bios-empty", ["-nographic", "-bios", empty] + DEBUG_EXIT, r"-bios|empty", True),
        Case("bios-with-kernel", ["-nographic", "-bios", "/usr/share/seabios/bios.bin",
                                  "-kernel", kernel_mb] + DEBUG_EXIT, r"-bios.*-kernel", True),
        Case("initrd-without-kernel", ["-nographic", "-initrd", text] + DEBUG_EXIT,
             r"-initrd|-kernel", True),
        Case("kernel-missing", ["-nographic", "-kernel", "/nonexistent/vmlinuz"] + DEBUG_EXIT,
             r"/nonexistent/vmlinuz", True),
        Case("kernel-is-a-directory", ["-nographic", "-kernel", work] + DEBUG_EXIT,
             r"kernel|director|" + re.escape(work), True),
        Case("kernel-elf64-program", ["-nographic", "-kernel", "/bin/true"] + DEBUG_EXIT,
             r"kernel|bzImage|[Mm]ultiboot|/bin/true", True),
        Case("kernel-text-file", ["-nographic", "-kernel", text] + DEBUG_EXIT,
             r"kernel|bzImage|[Mm]ultiboot|notes\.txt", True),
        Case("kernel-empty-file", ["-nographic", "-kernel", empty] + DEBUG_EXIT,
             r"kernel|bzImage|[Mm]ultiboot|empty", True),
        Case("bzimage-truncated-synthetic", ["-nographic", "-kernel", bz_trunc] + DEBUG_EXIT,
             r"kernel|bzImage|setup|truncat|short|bzimage-2k", True),
        Case("multiboot-segment-past-eof", ["-nographic", "-kernel", mb_short] + DEBUG_EXIT,
             r"kernel|[Mm]ultiboot|ELF|segment|truncat|short|multiboot-short", True),
        Case("initrd-missing", ["-nographic", "-kernel", kernel_bz, "-initrd",
                                "/nonexistent/initrd.img"] + DEBUG_EXIT, r"/nonexistent/initrd", True),
        Case("initrd-larger-than-ram", ["-m", "64", "-nographic", "-kernel", kernel_bz,
                                        "-initrd", big_initrd] + DEBUG_EXIT, r"initrd", True),
        Case("multiboot-module-larger-than-ram", ["-m", "64", "-nographic", "-kernel", kernel_mb,
                                                  "-initrd", big_initrd] + DEBUG_EXIT,
             r"initrd|module", True),
    ]
    if real_vmlinuz:
        with open(real_vmlinuz, "rb") as f:
            head = f.read(2048)
        c.append(Case("bzimage-truncated-real", ["-nographic", "-kernel", path("vmlinuz-2k", head)]
                      + DEBUG_EXIT, r"kernel|bzImage|setup|truncat|short|vmlinuz-2k", True))
        # 128 MiB holds this kernel's decompression area (~80 MiB) but
        # not that plus a 100 MiB initrd, which must not overlap it.
        c.append(Case("initrd-does-not-fit-beside-real-kernel",
                      ["-m", "128", "-nographic", "-kernel", real_vmlinuz, "-initrd", big_initrd]
                      + DEBUG_EXIT, r"initrd", True))
    return c


def check(mimic, case, accel):
    args = case.args
    if accel and "-accel" not in args:
        args = ["-accel", accel] + args
    status, _, err = run(mimic, args, case.env)
    text = err.decode(errors="replace")
    lines = text.splitlines()
    problems = []
    if status is None:
        problems.append("still running after %d s" % TIMEOUT)
    elif status < 0:
        problems.append("killed by signal %d" % -status)
    elif status != 1:
        problems.append("exit status %d, not 1" % status)
    if len(lines) != 1 or not text.endswith("\n"):
        problems.append("%d lines on stderr, not exactly one" % len(lines))
    if not lines or not lines[0].startswith("mimic: "):
        problems.append("stderr does not start with 'mimic: '")
    elif not re.search(case.expect, lines[0]):
        problems.append("message does not name the fault (expected /%s/)" % case.expect)
    cmd = " ".join(shlex.quote(a) for a in ["%s=%s" % kv for kv in case.env.items()] + ["mimic"] + args)
    if problems:
        print("FAIL %-34s %s\n     command: %s\n     stderr: %s" % (case.name, "; ".join(problems), cmd,
              "\n             ".join(lines[:20]) if lines else "(empty)"))
        return False
    print("ok   %-34s %s" % (case.name, lines[0]))
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--guest", help="demo guest directory: its vmlinuz adds the real-kernel cases")
    args = ap.parse_args()
    if not os.access(args.mimic, os.X_OK):
        print("FAIL: %s is not an executable" % args.mimic)
        return 1

    real = os.path.join(args.guest, "vmlinuz") if args.guest else None
    if real and not os.path.exists(real):
        print("note: %s not built: the real-kernel cases are left out" % real)
        real = None

    with tempfile.TemporaryDirectory(prefix="mimic-bad-input-") as work:
        kernel_mb = os.path.join(work, "tiny.elf")
        kernel_bz = os.path.join(work, "tiny.bzImage")
        with open(kernel_mb, "wb") as f:
            f.write(guestimage.multiboot_elf())
        with open(kernel_bz, "wb") as f:
            f.write(guestimage.bzimage())

        accel, note = probe_accel(args.mimic, kernel_mb)
        print("accelerator for the machine-stage cases: %s (%s)" % (accel or "none", note))
        failed = skipped = passed = 0
        for case in cases(work, kernel_mb, kernel_bz, real):
            if case.needs_machine and not accel:
                print("skip %-34s no usable accelerator" % case.name)
                skipped += 1
            elif check(args.mimic, case, accel):
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if failed:
        return 1
    return 0 if passed else 77


if __name__ == "__main__":
    sys.exit(main())
