#!/usr/bin/env python3
"""Boot Debian's SeaBIOS with no disks on the default VGA and read the screen
through the human monitor.

  1. SeaBIOS runs the VGA's option ROM (vgabios-stdvga.bin from the PCI ROM
     BAR), prints its banner and tries the boot devices: `info vga-text`
     must show "SeaBIOS (version ...)", "Booting from ..." and, at the end,
     "No bootable device.";
  2. `screendump` writes a 720x400 PPM (80x25 cells of 9x16 dots) whose lit
     pixels are all the light grey of attribute 0x07 (DAC 0x2a,0x2a,0x2a),
     with text in the first character row;
  3. `system_reset` runs the BIOS again to the same screen; `info status`
     answers; `quit` ends mimic with status 0;
  4. with -vga none there is no console: screendump and info vga-text say so.

Exit status: 0 pass, 1 fail, 77 skip (no SeaBIOS, or the accelerator cannot
run here).

Usage: bios-vga.py --mimic build/mimic --accel kvm|tcg
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor import Monitor, MonitorError, read_ppm  # noqa: E402

SKIP, FAIL = 77, 1
SEABIOS = "/usr/share/seabios/bios.bin"
VGABIOS = "/usr/share/seabios/vgabios-stdvga.bin"
GREY = b"\xaa\xaa\xaa"


class TestFailure(Exception):
    pass


def start(mimic, accel, sock, extra):
    cmd = [mimic, "-accel", accel, "-display", "none", "-serial", "null",
           "-monitor", "unix:%s,server,nowait" % sock] + extra
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_screen(mon, proc, pattern, timeout):
    """Poll the text screen until pattern appears; return the screen."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TestFailure("mimic exited with status %d" % proc.returncode)
        screen = mon.command("info vga-text")
        if re.search(pattern, screen):
            return screen
        time.sleep(0.25)
    raise TestFailure("no %r on the screen after %ds; it shows:\n%s" % (pattern, timeout, screen))


def check_screen(screen):
    lines = screen.split("\n")
    if not lines[0].startswith("SeaBIOS (version "):
        raise TestFailure("first line is %r, not the SeaBIOS banner" % lines[0])
    if not any(l.startswith("Booting from ") for l in lines):
        raise TestFailure("no 'Booting from' line:\n" + screen)
    if len([l for l in lines if l]) > 25:
        raise TestFailure("more than 25 rows of text:\n" + screen)


def check_ppm(path):
    w, h, px = read_ppm(path)
    if (w, h) != (720, 400):
        raise TestFailure("screendump is %dx%d, expected 720x400" % (w, h))
    lit = 0
    for i in range(0, len(px), 3):
        p = px[i:i + 3]
        if p != b"\0\0\0":
            if p != GREY:
                raise TestFailure("pixel %d,%d is #%s, expected black or #aaaaaa"
                                  % (i // 3 % w, i // 3 // w, p.hex()))
            lit += 1
    row0 = sum(1 for i in range(0, 16 * w * 3, 3) if px[i:i + 3] == GREY)
    # "SeaBIOS (version ...)" is 40-odd glyphs: hundreds of lit dots
    if row0 < 300 or lit < 1000:
        raise TestFailure("too few lit pixels: %d in the first row, %d in all" % (row0, lit))
    return lit


def run_bios(mimic, accel, tmp, timeout):
    sock = os.path.join(tmp, "mon.sock")
    proc = start(mimic, accel, sock, [])
    mon = None
    try:
        mon = Monitor(sock)
        screen = wait_screen(mon, proc, r"No bootable device\.", timeout)
        check_screen(screen)
        print("screen:\n" + screen.rstrip())
        shot = os.path.join(tmp, "shot.ppm")
        out = mon.command("screendump " + shot)
        if out.strip():
            raise TestFailure("screendump said: " + out)
        print("screendump: 720x400, %d lit pixels, all #aaaaaa" % check_ppm(shot))
        status = mon.command("info status")
        if status.strip() != "VM status: running":
            raise TestFailure("info status said %r" % status)
        # a reset blanks the screen (the VGA's registers go back to zero) and
        # the BIOS paints it again: first something else, then the same end
        before = screen
        mon.command("system_reset")
        t0 = time.monotonic()
        while mon.command("info vga-text") == before:
            if time.monotonic() - t0 > timeout:
                raise TestFailure("system_reset: the screen never changed")
        screen = wait_screen(mon, proc, r"No bootable device\.", timeout)
        check_screen(screen)
        print("after system_reset: the BIOS ran again to 'No bootable device.'")
        mon.sock.sendall(b"quit\n")
        status = proc.wait(timeout=30)
        if status != 0:
            raise TestFailure("quit: exit status %d" % status)
    finally:
        if mon:
            mon.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err = proc.stderr.read()
        if err:
            print("mimic stderr:\n" + err)


def run_no_vga(mimic, accel, tmp):
    sock = os.path.join(tmp, "mon2.sock")
    proc = start(mimic, accel, sock, ["-vga", "none"])
    mon = None
    try:
        mon = Monitor(sock)
        for cmd in ("info vga-text", "screendump " + os.path.join(tmp, "none.ppm")):
            out = mon.command(cmd)
            if "no graphic console" not in out:
                raise TestFailure("-vga none: %r said %r" % (cmd, out))
        if os.path.exists(os.path.join(tmp, "none.ppm")):
            raise TestFailure("-vga none: screendump wrote a file")
        mon.sock.sendall(b"quit\n")
        if proc.wait(timeout=30) != 0:
            raise TestFailure("-vga none: quit: exit status %d" % proc.returncode)
        print("-vga none: no console, screendump refused")
    finally:
        if mon:
            mon.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def skip_reason(mimic, accel):
    for f in (SEABIOS, VGABIOS):
        if not os.path.exists(f):
            return "%s is missing (Debian package seabios)" % f
    if accel == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "no usable /dev/kvm"
    # an accelerator mimic was built without says so in one line
    p = subprocess.run([mimic, "-accel", accel, "-version"], capture_output=True, text=True)
    if p.returncode != 0:
        return p.stderr.strip()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--accel", required=True, choices=["kvm", "tcg"])
    ap.add_argument("--timeout", type=int, default=180)
    args = ap.parse_args()
    why = skip_reason(args.mimic, args.accel)
    if why:
        print("SKIP: " + why)
        return SKIP
    with tempfile.TemporaryDirectory(prefix="bios-vga-") as tmp:
        try:
            run_bios(args.mimic, args.accel, tmp, args.timeout)
            run_no_vga(args.mimic, args.accel, tmp)
        except (TestFailure, MonitorError, subprocess.TimeoutExpired) as e:
            print("FAIL: %s" % e)
            return FAIL
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
