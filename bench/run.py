#!/usr/bin/env python3
"""Start-up benchmarks: mimic against Debian's qemu-system-x86_64 in the same
run, on the same guests and command line. See bench/README.md.

For each workload and accelerator the two emulators run alternately, --runs
times each. Per run: seconds from process start to the guest's first serial
byte, seconds to exit, peak RSS. Printed: medians and mimic/QEMU ratios, then
the geometric mean of the ratios.

  python3 bench/run.py --mimic build/mimic --build build [--runs 5] [--accel kvm,tcg]
"""

import argparse
import json
import math
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "functional"))
from guestconsole import ConsoleError, GuestConsole, exit_on_signals  # noqa: E402
import guestimage  # noqa: E402
import bios  # noqa: E402  (bench/bios.py: BIOS boot workloads)
import cpu  # noqa: E402  (bench/cpu.py: tcg backends against QEMU's TCG, CPU workloads)

DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
BANNER = b"mimic demo guest: ready"
METRICS = (("first", "first output", "s"), ("exit", "exit", "s"), ("rss", "peak RSS", "MiB"))


class Workload:
    def __init__(self, name, args, marker, status=None, linux=False, no_reboot=True):
        self.name = name
        self.args = args          # after the emulator and its -accel
        self.marker = marker      # the guest's first output
        self.status = status      # expected exit status, None: any
        self.linux = linux        # boot to the banner, then type poweroff
        self.runner = None        # a run_once of its own (bench/bios.py)
        self.prepare = None       # prepare(build dir): None or why it cannot run
        if no_reboot:
            self.args = self.args + ["-no-reboot"]


def hardware_virtualization():
    return os.path.exists("/dev/kvm") and any(
        os.path.isdir("/sys/module/" + m) for m in ("kvm_intel", "kvm_amd"))


def kvm_kind():
    for m in ("kvm_intel", "kvm_amd", "kvm_pvm"):
        if os.path.isdir("/sys/module/" + m):
            return m
    return "kvm" if os.path.exists("/dev/kvm") else "no /dev/kvm"


class RssProbe:
    """Peak RSS of the emulator alone. A child's ru_maxrss also counts the
    memory of the process it was forked from (Linux keeps the high-water mark
    across exec), and that would be this Python process. GNU time forks the
    emulator from its own small image, so its %M is exact to about 1 MiB;
    without it, /proc VmHWM is sampled every 2 ms and ru_maxrss is used only
    when it exceeds what could have come from here."""

    def __init__(self, method="auto"):
        self.gnu_time = None
        t = None if method == "sample" else shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
        if t:
            try:
                v = subprocess.run([t, "--version"], capture_output=True, text=True, timeout=10)
                if "GNU" in v.stdout + v.stderr:
                    self.gnu_time = t
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.method = ("GNU time %M" if self.gnu_time else
                       "/proc VmHWM sampled every 2 ms (install GNU time for exact figures)")

    def wrap(self, argv, outfile):
        if self.gnu_time:
            return [self.gnu_time, "-f", "%M", "-o", outfile] + argv
        return argv

    def result(self, con, outfile, parent_peak_kb):
        """(peak RSS in KiB, the emulator's own exit status)."""
        if self.gnu_time:
            try:
                with open(outfile) as f:
                    text = f.read()
            except OSError:
                return None, con.status
            status = con.status
            m = re.search(r"terminated by signal (\d+)", text)
            if m:
                status = -int(m.group(1))
            lines = [ln for ln in text.splitlines() if ln.strip()]
            try:
                return int(lines[-1]), status
            except (IndexError, ValueError):
                return None, status
        rss = con.hwm_kb
        if con.rusage and con.rusage.ru_maxrss > parent_peak_kb:
            rss = max(rss, con.rusage.ru_maxrss)
        return rss or None, con.status


def run_once(argv, wl, probe, timeout):
    """One run: a dict of the metrics, or a dict with 'error'."""
    fd, rssfile = tempfile.mkstemp(prefix="mimic-bench-rss-")
    os.close(fd)
    parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if wl.runner:
        try:
            return wl.runner(argv, wl, probe, timeout, rssfile, parent_peak)
        finally:
            os.unlink(rssfile)
    con = GuestConsole(probe.wrap(argv, rssfile), use_pty=False,
                       sample_rss=probe.gnu_time is None)
    res = {}
    try:
        con.start()
        if wl.linux:
            con.expect(re.escape(BANNER), timeout)
            con.expect(rb"[#$] ", 120)
            # A line typed while the shell sets up its terminal can be lost.
            for _ in range(5):
                con.sendline("poweroff -f")
                try:
                    con.wait_exit(30)
                    break
                except ConsoleError:
                    pass
        con.wait_exit(timeout)
        rss, status = probe.result(con, rssfile, parent_peak)
        idx = bytes(con.out).find(wl.marker)
        if idx < 0:
            res["error"] = "no %r in the output (exit status %s)" % (wl.marker.decode(), status)
        elif wl.status is not None and status != wl.status:
            res["error"] = "exit status %s, expected %d" % (status, wl.status)
        else:
            res.update(first=con.time_of_offset(idx), exit=con.t_exit,
                       rss=rss / 1024.0 if rss else None)
    except ConsoleError as e:
        res["error"] = str(e)
    finally:
        con.close()
        os.unlink(rssfile)
    if "error" in res:
        err = con.stderr_text().strip().splitlines()
        res["stderr"] = err[-1] if err else ""
        res["tail"] = con.tail(400)
    return res


def not_built(res):
    """mimic's one-line refusal of an accelerator, if that is why it failed."""
    line = res.get("stderr", "")
    return line if line.startswith("mimic: -accel") else None


def median(results, key):
    vals = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return "%.3f s" % v if v < 100 else "%.1f s" % v
    return "%.1f %s" % (v, unit)


def build_workloads(args, work):
    mb = os.path.join(work, "tiny.elf")
    bz = os.path.join(work, "tiny.bzImage")
    with open(mb, "wb") as f:
        f.write(guestimage.multiboot_elf())
    with open(bz, "wb") as f:
        f.write(guestimage.bzimage())
    marker = guestimage.DEFAULT_MESSAGE.strip().encode()
    status = guestimage.exit_status(guestimage.DEFAULT_EXIT_VALUE)
    common = ["-m", "256", "-nographic"]
    wls = [Workload("tiny-multiboot", common + ["-kernel", mb] + DEBUG_EXIT, marker, status),
           Workload("tiny-bzimage", common + ["-kernel", bz] + DEBUG_EXIT, marker, status)]
    if args.guest_tests:
        gdir = os.path.join(args.build, "tests", "guest")
        names = sorted(f[:-4] for f in os.listdir(gdir) if f.endswith(".elf")) \
            if os.path.isdir(gdir) else []
        if not names:
            print("note: no guest tests in %s (build them first)" % gdir)
        for n in names:
            if args.guest_tests != "all" and n not in args.guest_tests.split(","):
                continue
            src = os.path.join(ROOT, "tests", "guest", n + ".c")
            resets = False
            if os.path.exists(src):
                with open(src) as f:
                    resets = "reboot" in f.readline()
            wls.append(Workload("guest-" + n, ["-m", "64", "-nographic", "-kernel",
                                               os.path.join(gdir, n + ".elf")] + DEBUG_EXIT,
                                b"== guest test start ==", None, no_reboot=not resets))
    if not args.no_linux:
        g = os.path.join(args.build, "guest")
        wls.append(Workload("linux-demo", common + ["-kernel", os.path.join(g, "vmlinuz"),
                                                    "-initrd", os.path.join(g, "initrd.img"),
                                                    "-append", "console=ttyS0 quiet"],
                            BANNER, 0, linux=True))
    if not args.no_linux and not args.no_bios:
        wls += bios.workloads(args, Workload)
    return wls


def ensure_demo_guest(args):
    g = os.path.join(args.build, "guest")
    script = os.path.join(ROOT, "scripts", "build-demo-guest.sh")
    if os.path.exists(script):
        r = subprocess.run(["sh", script, g], stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            return "scripts/build-demo-guest.sh failed (status %d)" % r.returncode
    for f in ("vmlinuz", "initrd.img"):
        if not os.path.exists(os.path.join(g, f)):
            return "%s missing" % os.path.join(g, f)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", default=os.path.join(ROOT, "build", "mimic"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="build directory: guest/ (demo guest) and tests/guest/*.elf")
    ap.add_argument("--qemu", default="qemu-system-x86_64", help="the reference emulator")
    ap.add_argument("--runs", type=int, default=5, help="runs per emulator and workload")
    ap.add_argument("--linux-runs", type=int, help="runs for the Linux boot (default: --runs)")
    ap.add_argument("--accel", default="kvm,tcg", help="comma-separated accelerators")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per tiny-guest run")
    ap.add_argument("--linux-timeout", type=float, default=600, help="seconds per Linux run")
    ap.add_argument("--guest-tests", metavar="all|NAME,...",
                    help="also time the bare-metal guest tests in BUILD/tests/guest")
    ap.add_argument("--no-linux", action="store_true", help="leave out the Linux demo guest")
    ap.add_argument("--no-bios", action="store_true",
                    help="leave out the BIOS boots (live CD, hard disk: bench/bios.py)")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--rss", choices=("auto", "time", "sample"), default="auto",
                    help="peak RSS from GNU time (exact) or by sampling /proc (auto: time if installed)")
    ap.add_argument("--json", help="also write every run's figures to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every run")
    cpu.add_arguments(ap)
    args = ap.parse_args()
    exit_on_signals()

    if not os.access(args.mimic, os.X_OK):
        print("bench: %s is not an executable (build mimic first)" % args.mimic, file=sys.stderr)
        return 1
    if not shutil.which(args.qemu):
        print("bench: %s not found (apt-get install qemu-system-x86)" % args.qemu, file=sys.stderr)
        return 1
    accels = [a for a in args.accel.split(",") if a]
    probe = RssProbe(args.rss)
    if args.rss == "time" and not probe.gnu_time:
        print("bench: --rss time needs GNU time (apt-get install time)", file=sys.stderr)
        return 1
    version = subprocess.run([args.qemu, "-version"], capture_output=True, text=True).stdout
    print("mimic: %s   reference: %s" % (args.mimic, (version.splitlines() or [args.qemu])[0]))
    print("host: %d CPUs, kvm: %s; runs: %d each, alternating; peak RSS by %s"
          % (os.cpu_count(), kvm_kind(), args.runs, probe.method))

    rows, ratios, record = [], {k: [] for k, _, _ in METRICS}, []
    with tempfile.TemporaryDirectory(prefix="mimic-bench-") as work:
        workloads = build_workloads(args, work)
        if args.only:
            keep = args.only.split(",")
            workloads = [w for w in workloads if w.name in keep]
        linux_problem = None
        if any(w.linux for w in workloads):
            linux_problem = ensure_demo_guest(args)
        prepared = {}          # prepare function -> None or its problem
        mimic_refused = {}     # accel -> mimic's reason
        for accel in accels:
            for wl in workloads:
                label = "%s/%s" % (wl.name, accel)
                emus = {"mimic": [args.mimic, "-accel", accel] + wl.args,
                        "qemu": [args.qemu, "-accel", accel] + wl.args}
                skip = {}
                if wl.linux and linux_problem:
                    print("skip %s: demo guest unavailable: %s" % (label, linux_problem))
                    continue
                if wl.name == "linux-demo" and accel == "tcg" and cpu.covers_linux_tcg(args):
                    print("skip %s: timed as cpu-boot in the CPU table" % label)
                    continue
                if wl.prepare and not linux_problem:
                    if wl.prepare not in prepared:
                        prepared[wl.prepare] = wl.prepare(args.build)
                    if prepared[wl.prepare]:
                        print("skip %s: %s" % (label, prepared[wl.prepare]))
                        continue
                if accel == "kvm" and not os.path.exists("/dev/kvm"):
                    print("skip %s: no /dev/kvm" % label)
                    continue
                if wl.linux and accel == "kvm" and not hardware_virtualization():
                    print("skip %s: Linux under kvm needs VT-x/AMD-V; this host has %s, which emulates "
                          "guest kernel mode at ~1 MIPS (QEMU does not boot it in 7 minutes either)"
                          % (label, kvm_kind()))
                    continue
                if accel in mimic_refused:
                    skip["mimic"] = mimic_refused[accel]
                runs = args.linux_runs if (wl.linux and args.linux_runs) else args.runs
                timeout = args.linux_timeout if wl.linux else args.timeout
                results = {"mimic": [], "qemu": []}
                for i in range(runs):
                    order = ("mimic", "qemu") if i % 2 == 0 else ("qemu", "mimic")
                    for emu in order:
                        if emu in skip:
                            continue
                        r = run_once(emus[emu], wl, probe, timeout)
                        if emu == "mimic" and not_built(r):
                            skip["mimic"] = mimic_refused[accel] = not_built(r)
                            continue
                        results[emu].append(r)
                        record.append(dict(workload=wl.name, accel=accel, emulator=emu, run=i, **r))
                        if args.verbose or "error" in r:
                            what = r.get("error") or "first %.3f s, exit %.3f s, rss %s" % (
                                r["first"], r["exit"], fmt(r["rss"], "MiB"))
                            print("  %s %s run %d: %s" % (label, emu, i + 1, what), flush=True)
                            if "error" in r:
                                print("    command: %s\n    stderr: %s\n    console tail: %s"
                                      % (shlex.join(emus[emu]), r["stderr"],
                                         r["tail"][-300:].replace("\n", "\n      ")))
                if "mimic" in skip:
                    print("skip %s for mimic: %s (QEMU's figures shown for reference)"
                          % (label, skip["mimic"]))
                rows.append((wl.name, accel, results, skip))
                summarize_row(rows[-1], ratios)

    print_table(rows)
    print("first output: the guest's own first byte (tiny guests: their line; linux-demo: its banner);"
          "\nfirmware text QEMU prints before it is not counted. Ratios below 1 favour mimic,"
          "\nexcept dd read (in-guest throughput, bench/bios.py): there above 1 favours mimic.")
    n = len(ratios["exit"])
    if n:
        parts = ["%s %.3g" % (title, geomean(ratios[k])) for k, title, _ in METRICS if ratios[k]]
        print("geometric mean of mimic/QEMU over %d workload(s): %s" % (n, ", ".join(parts)))
    else:
        print("geometric mean of mimic/QEMU: no workload ran on both emulators")
    cpu_failed = cpu.run(args, record) if cpu.selected(args) else False
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)
    failed = any("error" in r for rec in rows for rs in rec[2].values() for r in rs)
    return 1 if failed or cpu_failed else 0


def summarize_row(row, ratios):
    _, _, results, _ = row
    for k, _, _ in METRICS:
        m, q = median(results["mimic"], k), median(results["qemu"], k)
        if m and q:
            ratios[k].append(m / q)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def print_table(rows):
    print()
    print("%-16s %-5s %-13s %12s %12s %11s" % ("workload", "accel", "metric (median)",
                                             "mimic", "QEMU", "mimic/QEMU"))
    for name, accel, results, skip in rows:
        ok = {e: len([r for r in results[e] if "error" not in r]) for e in results}
        extra = [m for m in bios.EXTRA_METRICS if median(results["mimic"] + results["qemu"], m[0])]
        for j, (k, title, unit) in enumerate(METRICS + tuple(extra)):
            m, q = median(results["mimic"], k), median(results["qemu"], k)
            ratio = "%.3g" % (m / q) if m and q else "-"
            mtxt = "skipped" if "mimic" in skip and not results["mimic"] else fmt(m, unit)
            first = j == 0
            print("%-16s %-5s %-13s %12s %12s %11s" % (name if first else "", accel if first else "",
                                                      title, mtxt, fmt(q, unit), ratio))
        print("%-16s %-5s %-13s %12s %12s" % ("", "", "good runs", ok["mimic"], ok["qemu"]))


if __name__ == "__main__":
    sys.exit(main())
