#!/usr/bin/env python3
"""Boot the demo guest with -kernel and check, from inside, that Linux found
the PCI bus through the ACPI tables (hw/acpi/tables.c: \\_SB.PCI0 with its
_CRS, _PRT and the interrupt links), and that the AML raised no complaints.

Two boots:
  default   /sys/bus/pci/devices is exactly 00:00.0 (i440FX), 01.0 (PIIX3)
            and 01.1 (PIIX3 IDE), with their vendor/device/class;
  -vga std  the same plus 02.0 (1234:1111), its framebuffer BAR placed by
            Linux inside the host bridge's 32-bit window.
Both: the root bridge's windows in dmesg are the _CRS ones (with -m 256 the
hole starts at 256 MiB), the host bridge and the four links (PNP0A03,
PNP0C0F) are ACPI devices, the IDE function's BAR4 got an address in the
upper I/O window, and dmesg has no "ACPI Error"/"ACPI Warning"/"ACPI BIOS
Error" and no AE_ status. The shell answering over ttyS0 shows the serial
console still works with the new DSDT.

Exit status: 0 pass, 1 fail, 77 skip (tcg not built), 99 no demo guest.

Usage:
  linux-pci.py --mimic build/mimic --guest build/guest [--build-script scripts/build-demo-guest.sh]
"""

import argparse
import importlib
import os
import re
import shlex
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guestconsole import ConsoleError, GuestConsole, exit_on_signals  # noqa: E402

bootlinux = importlib.import_module("boot-linux")

SKIP, FAIL, ERROR = 77, 1, 99
RAM_MB = 256

# devfn -> (vendor, device, class) as the models declare them
DEVICES = {
    "0000:00:00.0": ("0x8086", "0x1237", "0x060000"),  # i440FX host bridge
    "0000:00:01.0": ("0x8086", "0x7000", "0x060100"),  # PIIX3 ISA bridge
    "0000:00:01.1": ("0x8086", "0x7010", "0x010180"),  # PIIX3 IDE, compatibility mode
}
VGA = {"0000:00:02.0": ("0x1234", "0x1111", "0x030000")}

# the host bridge's windows as the DSDT's _CRS gives them
WINDOWS = [
    r"root bus resource \[io  0x0000-0x0cf7 window\]",
    r"root bus resource \[io  0x0d00-0xffff window\]",
    r"root bus resource \[mem 0x000a0000-0x000bffff window\]",
    r"root bus resource \[mem 0x%08x-0xfebfffff window\]" % (RAM_MB << 20),
    r"root bus resource \[bus 00-ff\]",
]
ACPI_COMPLAINT = re.compile(r"ACPI (BIOS )?(Error|Warning)|\bAE_[A-Z_]+")


class Failure(Exception):
    pass


def run(con, cmd, timeout=120):
    """Run cmd in the guest's shell; its output between two markers the
    shell computes (so the echoed command line never matches)."""
    con.sendline("echo @@B$((6*7))@@; %s; echo @@E$((6*7))@@" % cmd)
    m = con.expect(rb"(?s)@@B42@@\r*\n(.*?)@@E42@@", timeout)
    return m.group(1).decode(errors="replace").replace("\r", "")


def check_guest(con, vga):
    want = dict(DEVICES, **(VGA if vga else {}))
    found = run(con, "ls /sys/bus/pci/devices").split()
    if sorted(found) != sorted(want):
        raise Failure("/sys/bus/pci/devices lists %s, expected %s" % (" ".join(found), " ".join(sorted(want))))
    for dev, ids in sorted(want.items()):
        got = tuple(run(con, "cat /sys/bus/pci/devices/%s/vendor /sys/bus/pci/devices/%s/device "
                             "/sys/bus/pci/devices/%s/class" % (dev, dev, dev)).split())
        if got != ids:
            raise Failure("%s: vendor/device/class %s, expected %s" % (dev, got, ids))
    print("PCI devices: %s" % " ".join(sorted(found)), flush=True)

    acpi = run(con, "ls /sys/bus/acpi/devices").split()
    for name in ["PNP0A03:00"] + ["PNP0C0F:%02x" % i for i in range(4)]:
        if name not in acpi:
            raise Failure("ACPI device %s missing from /sys/bus/acpi/devices (%s)" % (name, " ".join(acpi)))

    # BARs Linux had to place itself (no BIOS ran): inside the _CRS windows
    def bar(dev, n):
        line = run(con, "sed -n %dp /sys/bus/pci/devices/%s/resource" % (n + 1, dev)).split()
        return int(line[0], 16), int(line[1], 16)
    start, end = bar("0000:00:01.1", 4)
    if not (0x0d00 <= start and end <= 0xffff and end - start + 1 == 16):
        raise Failure("IDE BAR4 at %#x-%#x, not a 16-port range in the 0xd00-0xffff window" % (start, end))
    if vga:
        start, end = bar("0000:00:02.0", 0)
        if not ((RAM_MB << 20) <= start and end <= 0xfebfffff and start < end):
            raise Failure("VGA BAR0 at %#x-%#x, outside the PCI hole %#x-0xfebfffff" % (start, end, RAM_MB << 20))

    dmesg = run(con, "dmesg", timeout=300)
    complaints = [line for line in dmesg.splitlines() if ACPI_COMPLAINT.search(line)]
    if complaints:
        raise Failure("dmesg has ACPI complaints:\n  " + "\n  ".join(complaints))
    if "ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-ff])" not in dmesg:
        raise Failure("dmesg does not show the PCI0 root bridge")
    for rx in WINDOWS:
        if not re.search(rx, dmesg):
            raise Failure("dmesg lacks the host bridge window /%s/" % rx)
    print("dmesg: root bridge windows as in _CRS, no ACPI errors", flush=True)


def boot(args, vga):
    label = "-vga std" if vga else "default"
    argv = [args.mimic, "-accel", "tcg", "-nographic", "-m", str(RAM_MB),
            "-kernel", os.path.join(args.guest, "vmlinuz"),
            "-initrd", os.path.join(args.guest, "initrd.img"),
            "-append", "console=ttyS0 quiet"] + (["-vga", "std"] if vga else [])
    print("%s: %s" % (label, shlex.join(argv)), flush=True)
    con = GuestConsole(argv)
    try:
        con.start()
        con.expect(bootlinux.BANNER, args.boot_timeout)
        con.expect(bootlinux.PROMPT, 120)
        check_guest(con, vga)
        con.sendline("poweroff -f")
        status = con.wait_exit(120)
        if status != 0:
            raise Failure("poweroff -f: mimic exited with status %d" % status)
    except (Failure, ConsoleError) as e:
        bootlinux.report(con, e)
        raise Failure("%s: %s" % (label, e))
    finally:
        con.close()
    print("%s: ok" % label, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--guest", required=True, help="directory with vmlinuz and initrd.img")
    ap.add_argument("--build-script", help="scripts/build-demo-guest.sh, run if the guest is missing")
    ap.add_argument("--boot-timeout", type=float, default=600)
    args = ap.parse_args()
    exit_on_signals()

    if not os.access(args.mimic, os.X_OK):
        print("FAIL: %s is not an executable" % args.mimic, file=sys.stderr)
        return FAIL
    reason = bootlinux.tcg_unavailable(args.mimic)
    if reason:
        print("SKIP: mimic -accel tcg: %s" % reason)
        return SKIP
    problem = bootlinux.ensure_guest(args.guest, args.build_script)
    if problem:
        print("ERROR: %s" % problem, file=sys.stderr)
        return ERROR
    try:
        boot(args, vga=False)
        boot(args, vga=True)
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return FAIL
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
