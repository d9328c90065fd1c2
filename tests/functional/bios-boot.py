#!/usr/bin/env python3
"""BIOS boot without disks: with no -kernel, mimic runs SeaBIOS (Debian's
seabios package, /usr/share/seabios/bios.bin) from the reset vector. With
-nographic its console reaches COM1 (fw_cfg "etc/sercon-port"), so stdout
must show its banner and, with nothing to boot, "No bootable device." -- the
path through the PCI bus, the i440FX PAM shadowing, fw_cfg and the ACPI
table-loader.

A second run passes a copy of the image with -bios and must print the same.
The time to the banner and to the end is printed for comparison with
`qemu-system-x86_64 -nographic -nodefaults -serial stdio`.

Exit status: 0 pass, 1 fail, 77 skip (no SeaBIOS image, or the accelerator
cannot be used here).

Usage: bios-boot.py --mimic build/mimic --accel tcg|kvm [--timeout S]
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestconsole  # noqa: E402

SKIP, FAIL = 77, 1
BIOS = "/usr/share/seabios/bios.bin"


def boot(mimic, accel, extra, timeout):
    argv = [mimic, "-accel", accel, "-nographic", "-m", "128"] + extra
    with guestconsole.GuestConsole(argv) as con:
        try:
            m = con.expect(rb"SeaBIOS \(version [^)]*\)", timeout)
            t_banner = con.time_of_offset(m.start())
            m = con.expect(rb"No bootable device\.", timeout)
            t_end = con.time_of_offset(m.start())
        except guestconsole.ConsoleError as e:
            print("FAIL: %s: %s" % (" ".join(argv), e))
            print("stderr: %r" % con.stderr_text())
            print("console: %r" % bytes(con.tail()))
            return None
        return bytes(con.out), t_banner, t_end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    ap.add_argument("--timeout", type=float, default=None)
    args = ap.parse_args()
    guestconsole.exit_on_signals()

    if not os.path.exists(BIOS):
        print("SKIP: %s not installed (Debian package seabios)" % BIOS)
        return SKIP
    if args.accel == "kvm" and not guestconsole.kvm_usable():
        print("SKIP: /dev/kvm cannot be opened")
        return SKIP
    # kvm_pvm emulates guest real mode at about 1 MIPS: SeaBIOS takes seconds
    timeout = args.timeout or (300 if args.accel == "kvm" else 60)

    first = boot(args.mimic, args.accel, [], timeout)
    if first is None:
        return FAIL
    out, t_banner, t_end = first
    print("%s: banner after %.2fs, 'No bootable device.' after %.2fs" % (args.accel, t_banner, t_end))

    # the same image through -bios, copied elsewhere: same console output
    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, "bios copy.bin")
        shutil.copyfile(BIOS, copy)
        second = boot(args.mimic, args.accel, ["-bios", copy], timeout)
    if second is None:
        return FAIL
    strip = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1bc|\r")
    a = strip.sub(b"", out)
    b = strip.sub(b"", second[0])
    if a.split(b"No bootable device.")[0] != b.split(b"No bootable device.")[0]:
        print("FAIL: -bios %s printed something else:\n%r\n%r" % (copy, a, b))
        return FAIL
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
