#!/usr/bin/env python3
"""Boot the demo guest (Debian kernel + busybox initramfs) and talk to its
shell over the serial console.

Scenarios:
  poweroff  banner, a question only the guest's shell can answer, `poweroff -f`
            and the emulator must exit with status 0;
  reboot    `reboot -f`: the guest must come back to the banner and answer
            again before `poweroff -f`;
  no-reboot with -no-reboot, `reboot -f` must end the emulator with status 0
            (tests/guest/noreboot.c checks the same path on bare metal).

Exit status: 0 pass, 1 fail, 77 skip (accelerator not usable here), 99 the
demo guest could not be built.

Usage:
  boot-linux.py --mimic build/mimic --guest build/guest --accel kvm|tcg
  boot-linux.py --emulator-cmd "qemu-system-x86_64 -accel tcg" --guest DIR
"""

import argparse
import fcntl
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guestconsole import ConsoleError, GuestConsole, exit_on_signals  # noqa: E402
import guestimage  # noqa: E402

BANNER = r"mimic demo guest: ready"
PROMPT = r"[#$] "
QUESTION = "echo $((6*7)) mimic-ok"
ANSWER = r"42 mimic-ok"
SKIP, FAIL, ERROR = 77, 1, 99


def hardware_virtualization():
    """KVM backed by VT-x or AMD-V. kvm_pvm (no hardware support) emulates
    guest kernel mode at ~1 MIPS: Linux does not boot there in useful time."""
    return os.path.exists("/dev/kvm") and any(
        os.path.isdir("/sys/module/" + m) for m in ("kvm_intel", "kvm_amd"))


def tcg_unavailable(mimic):
    """mimic's one-line reason when its tcg is not built, else None. The
    probe boots a tiny multiboot image that exits at once if tcg works."""
    with tempfile.NamedTemporaryFile(suffix=".elf") as f:
        f.write(guestimage.multiboot_elf())
        f.flush()
        try:
            p = subprocess.run([mimic, "-accel", "tcg", "-m", "16", "-display", "none",
                                "-serial", "null", "-kernel", f.name, "-device",
                                "isa-debug-exit,iobase=0xf4,iosize=0x04"],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=60)
        except subprocess.TimeoutExpired:
            return None
    return not_built_reason(p.returncode, p.stderr)


def not_built_reason(status, stderr):
    if status == 1 and re.search(r"not (yet )?built|built without|not available yet|later issue", stderr, re.I):
        return stderr.strip()
    return None


def ensure_guest(guest, script):
    """Run the demo guest's build script (idempotent: it returns at once when
    the files are up to date) under a lock, so tests started in parallel do
    not build it twice; without a script, the files must exist."""
    files = [os.path.join(guest, n) for n in ("vmlinuz", "initrd.img")]
    if script:
        if not os.path.exists(script):
            return "%s does not exist" % script
        os.makedirs(guest, exist_ok=True)
        with open(os.path.join(guest, ".build.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            r = subprocess.run(["sh", script, guest], stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                return "%s %s failed with status %d" % (script, guest, r.returncode)
    missing = [f for f in files if not os.path.exists(f)]
    return "demo guest files missing: %s" % " ".join(missing) if missing else None


class Failure(Exception):
    pass


def ask_shell(con, args, label):
    """Wait for a prompt, then ask until the answer comes (a line typed while
    the shell is still setting up its terminal can be lost)."""
    try:
        con.expect(PROMPT, args.prompt_timeout)
    except ConsoleError as e:
        raise Failure("%s: no shell prompt after the banner: %s" % (label, e))
    for attempt in range(3):
        con.sendline(QUESTION)
        try:
            con.expect(ANSWER, args.answer_timeout)
            print("%s: the guest's shell answered" % label, flush=True)
            return
        except ConsoleError as e:
            last = e
            if con.status is not None:
                break
    raise Failure("%s: the shell did not answer %r: %s" % (label, QUESTION, last))


def wait_banner(con, args, label):
    try:
        con.expect(BANNER, args.boot_timeout)
        print("%s: banner seen" % label, flush=True)
    except ConsoleError as e:
        raise Failure("%s: %s" % (label, e))


def wait_status(con, args, label, command):
    try:
        status = con.wait_exit(args.exit_timeout)
    except ConsoleError as e:
        raise Failure("%s: after %r: %s" % (label, command, e))
    if status != 0:
        raise Failure("%s: after %r the emulator exited with status %d, not 0"
                      % (label, command, status))
    print("%s: %r ended the emulator with status 0" % (label, command), flush=True)


def run_once(args, base, no_reboot, steps, label):
    argv = base + ["-nographic", "-m", "256",
                   "-kernel", os.path.join(args.guest, "vmlinuz"),
                   "-initrd", os.path.join(args.guest, "initrd.img"),
                   "-append", "console=ttyS0 quiet"]
    if no_reboot:
        argv.append("-no-reboot")
    print("%s: %s" % (label, shlex.join(argv)), flush=True)
    con = GuestConsole(argv, use_pty=not args.pipes)
    try:
        con.start()
        steps(con)
        if args.expect_stderr and not re.search(args.expect_stderr, con.stderr_text()):
            raise Failure("%s: the emulator's stderr does not match %r" % (label, args.expect_stderr))
    except (Failure, ConsoleError) as e:
        reason = not_built_reason(con.status, con.stderr_text()) if con.status is not None else None
        if reason:
            raise SkipTest(reason)
        report(con, e)
        raise Failure(str(e))
    finally:
        con.close()


class SkipTest(Exception):
    pass


def report(con, e):
    print("FAIL: %s" % e, file=sys.stderr)
    if con.status is not None:
        print("emulator exit status: %d" % con.status, file=sys.stderr)
    err = con.stderr_text().strip()
    if err:
        print("emulator stderr:\n%s" % err, file=sys.stderr)
    print("---- last 2 KB of the console ----\n%s\n---- end of console ----" % con.tail(2048),
          file=sys.stderr, flush=True)


def scenario_poweroff(args, base):
    def steps(con):
        wait_banner(con, args, "boot")
        ask_shell(con, args, "boot")
        con.sendline("poweroff -f")
        wait_status(con, args, "boot", "poweroff -f")
    run_once(args, base, True, steps, "poweroff")


def scenario_no_reboot(args, base):
    def no_reboot(con):
        wait_banner(con, args, "no-reboot")
        ask_shell(con, args, "no-reboot")
        con.sendline("reboot -f")
        wait_status(con, args, "no-reboot", "reboot -f")

    run_once(args, base, True, no_reboot, "reboot -no-reboot")


def scenario_reboot(args, base):
    def reboot(con):
        wait_banner(con, args, "first boot")
        ask_shell(con, args, "first boot")
        con.sendline("reboot -f")
        wait_banner(con, args, "second boot")
        ask_shell(con, args, "second boot")
        con.sendline("poweroff -f")
        wait_status(con, args, "second boot", "poweroff -f")

    run_once(args, base, False, reboot, "reboot")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", help="the mimic binary")
    ap.add_argument("--emulator-cmd", help="run this instead of mimic, e.g. "
                    "'qemu-system-x86_64 -accel tcg' (it must name its own accelerator)")
    ap.add_argument("--accel", choices=("kvm", "tcg"),
                    help="accelerator (with --emulator-cmd: only used to decide on skipping)")
    ap.add_argument("--guest", required=True, help="directory with vmlinuz and initrd.img")
    ap.add_argument("--build-script", help="scripts/build-demo-guest.sh, run if the guest is missing")
    ap.add_argument("--accel-props", default="",
                    help="properties for -accel, e.g. tb-size=8 (a small tcg code cache)")
    ap.add_argument("--expect-stderr", metavar="REGEX",
                    help="after the scenario, the emulator's stderr must match this")
    ap.add_argument("--scenario", choices=("poweroff", "reboot", "no-reboot"), default="poweroff")
    ap.add_argument("--pipes", action="store_true", help="console on pipes instead of a pty")
    ap.add_argument("--boot-timeout", type=float, default=900, help="seconds to the banner")
    ap.add_argument("--prompt-timeout", type=float, default=120)
    ap.add_argument("--answer-timeout", type=float, default=60)
    ap.add_argument("--exit-timeout", type=float, default=120)
    args = ap.parse_args()
    exit_on_signals()

    if bool(args.mimic) == bool(args.emulator_cmd):
        ap.error("give exactly one of --mimic and --emulator-cmd")
    if args.mimic and not args.accel:
        ap.error("--mimic needs --accel")

    if args.accel == "kvm" and hardware_virtualization() and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("SKIP: no read/write access to /dev/kvm")
        return SKIP
    if args.accel == "kvm" and not hardware_virtualization():
        print("SKIP: Linux under kvm needs hardware virtualization (kvm_intel or kvm_amd); "
              "this host has %s" % ("kvm_pvm" if os.path.isdir("/sys/module/kvm_pvm")
                                   else "no /dev/kvm" if not os.path.exists("/dev/kvm")
                                   else "KVM without hardware support"))
        return SKIP
    if args.mimic:
        if not os.access(args.mimic, os.X_OK):
            print("FAIL: %s is not an executable" % args.mimic, file=sys.stderr)
            return FAIL
        if args.accel == "tcg":
            reason = tcg_unavailable(args.mimic)
            if reason:
                print("SKIP: mimic -accel tcg: %s" % reason)
                return SKIP
        base = [args.mimic, "-accel", args.accel + ("," + args.accel_props if args.accel_props else "")]
    else:
        base = shlex.split(args.emulator_cmd)

    problem = ensure_guest(args.guest, args.build_script)
    if problem:
        print("ERROR: %s" % problem, file=sys.stderr)
        return ERROR

    try:
        scenarios = {"poweroff": scenario_poweroff, "reboot": scenario_reboot,
                     "no-reboot": scenario_no_reboot}
        scenarios[args.scenario](args, base)
    except SkipTest as e:
        print("SKIP: %s" % e)
        return SKIP
    except Failure:
        return FAIL
    print("PASS: %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
