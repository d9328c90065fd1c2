"""CPU benchmarks for bench/run.py: the translator against QEMU's TCG.

Engines, side by side in one run:
  qemu    Debian's qemu-system-x86_64 -accel tcg -cpu Nehalem
  native  mimic -accel tcg,backend=native (the x86-64 code generator)
  interp  mimic -accel tcg,backend=interp (the portable IR interpreter)
  host    the same static workload binary run directly on this machine

Cases:
  cpu-boot   the demo guest (scripts/build-demo-guest.sh) to its banner;
  cpu-NAME   each workload of bench/workloads/NAME.c, run inside the bench
             guest (scripts/build-bench-guest.sh) and timed by the guest's
             own CLOCK_MONOTONIC; one boot runs them all in turn.

Printed: median seconds per engine and case, ratios of the medians to QEMU
and to the host, the median of the ratios to QEMU, and the same from
paired runs (each run's time over QEMU's in the same round, the median of
those: steadier on a host whose speed drifts). See bench/README.md.
"""

import os
import re
import shlex
import statistics
import subprocess
import tempfile
import time

from guestconsole import ConsoleError, GuestConsole
import guestimage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ("qemu", "native", "interp", "host")
TITLES = {"qemu": "QEMU tcg", "native": "mimic native", "interp": "mimic interp", "host": "host"}
DEMO_BANNER = b"mimic demo guest: ready"
BENCH_BANNER = b"mimic bench guest: ready"
RESULT_RX = re.compile(rb"bench-result: (\S+) ns=(\d+) check=(\S+) status=(\w+)")
ERROR_RX = re.compile(rb"bench-error: (\S+?):? ([^\r\n]*)")
START_RX = re.compile(rb"bench-start: (\S+)")
INFO_RX = re.compile(rb"bench-info: ([\w-]+)=(\S*)")
# The in-guest clock is trusted only while it agrees with the host's view of
# the same interval (the console's timestamps, which also count the exec).
CLOCK_SLACK = (0.25, 0.3)   # relative, absolute seconds


def add_arguments(ap):
    g = ap.add_argument_group("CPU benchmarks (bench/cpu.py; tcg only)")
    g.add_argument("--no-cpu", action="store_true", help="leave out the CPU benchmarks")
    g.add_argument("--cpu-engines", default=",".join(ENGINES),
                   help="comma-separated subset of %s (default: all)" % ",".join(ENGINES))
    g.add_argument("--cpu-runs", type=int, default=3,
                   help="runs per engine and case (default 3)")
    g.add_argument("--cpu-interp-runs", type=int, default=1,
                   help="runs of mimic's interpreter, the slowest engine (default 1)")
    g.add_argument("--cpu-scale", type=int, default=100,
                   help="workload size in percent (default 100)")
    g.add_argument("--cpu-quick", action="store_true",
                   help="a quick look: --cpu-scale 25, one run of each engine")
    g.add_argument("--cpu-timeout", type=float, default=900,
                   help="seconds per guest run under QEMU and mimic native (default 900)")
    g.add_argument("--cpu-interp-timeout", type=float, default=3600,
                   help="seconds per guest run under mimic interp (default 3600)")
    # mimic64 reports IA32_ARCH_CAPABILITIES ("not affected by Meltdown/MDS"),
    # which QEMU's TCG cannot: its guest would turn page-table isolation on
    # and mimic's would not. mitigations=off gives every engine the same
    # kernel configuration, so the comparison is of the translators.
    g.add_argument("--cpu-append", default="mitigations=off", metavar="PARAMS",
                   help="kernel parameters for every engine (default: mitigations=off, "
                        "so QEMU's guest does not run with page-table isolation)")
    g.add_argument("--cpu-qemu-model", default="Nehalem",
                   help="QEMU's -cpu (default Nehalem: like mimic64, GenuineIntel with "
                        "SSE4.2 and POPCNT and no AVX)")


def wanted_cases(args, workloads):
    """The cases --only asks for ('cpu' means all of them)."""
    cases = ["cpu-boot"] + ["cpu-" + w for w in workloads]
    if not args.only:
        return cases
    keep = args.only.split(",")
    if "cpu" in keep:
        return cases
    return [c for c in cases if c in keep]


def selected(args):
    """Whether run.py should run this module at all (before building anything)."""
    if args.no_cpu or "tcg" not in args.accel.split(","):
        return False
    if args.only:
        keep = args.only.split(",")
        return any(k == "cpu" or k.startswith("cpu-") for k in keep)
    return True


def covers_linux_tcg(args):
    """True when cpu-boot times the demo guest under tcg, so run.py's own
    linux-demo row under tcg would only repeat it (at minutes per run)."""
    return selected(args) and "cpu-boot" in wanted_cases(args, [])


def probe_backend(mimic, backend, work):
    """(accel argument, note) for a mimic backend, or (None, reason)."""
    elf = os.path.join(work, "probe.elf")
    if not os.path.exists(elf):
        with open(elf, "wb") as f:
            f.write(guestimage.multiboot_elf())
    want = guestimage.exit_status(guestimage.DEFAULT_EXIT_VALUE)
    accel = "tcg,backend=" + backend
    argv = [mimic, "-accel", accel, "-m", "64", "-nographic", "-kernel", elf,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot"]
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "FAILED: the probe guest did not finish in 120 s (%s)" % shlex.join(argv)
    if r.returncode == want:
        return accel, None
    err = (r.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
    if not err.startswith("mimic: -accel"):
        # Accepted but failed: a bug of that backend, for its runs to show.
        return accel, None
    if "backend" in err and backend == "interp":
        # Before the property existed, plain tcg was the interpreter.
        return "tcg", "this mimic has no tcg backend property; -accel tcg is its interpreter"
    return None, err


def build_guests(args):
    """(demo dir, bench dir, workload names) or raises RuntimeError."""
    demo = os.path.join(args.build, "guest")
    bench = os.path.join(args.build, "bench-guest")
    script = os.path.join(ROOT, "scripts", "build-bench-guest.sh")
    r = subprocess.run(["sh", script, bench, demo], stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError("scripts/build-bench-guest.sh failed (status %d)" % r.returncode)
    names = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "bench", "workloads"))
                   if f.endswith(".c") and f != "nop.c")
    return demo, bench, names


def guest_argv(engine, args, accel, kernel_dir, mem, append):
    if engine == "qemu":
        head = [args.qemu, "-accel", "tcg", "-cpu", args.cpu_qemu_model]
    else:
        head = [args.mimic, "-accel", accel[engine]]
    return head + ["-m", str(mem), "-nographic",
                   "-kernel", os.path.join(kernel_dir, "vmlinuz"),
                   "-initrd", os.path.join(kernel_dir, "initrd.img"),
                   "-append", append, "-no-reboot"]


def run_boot(argv, timeout):
    """Seconds from start to the demo guest's banner, or an error dict."""
    con = GuestConsole(argv, use_pty=False)
    res = {}
    try:
        con.start()
        m = con.expect(re.escape(DEMO_BANNER), timeout)
        res["s"] = con.time_of_offset(m.start())
        con.expect(rb"[#$] ", 120)
        # A line typed while the shell sets up its terminal can be lost.
        for _ in range(5):
            con.sendline("poweroff -f")
            try:
                con.wait_exit(30)
                break
            except ConsoleError:
                pass
        if con.status is None:
            res = {"error": "still running after poweroff -f"}
        elif con.status != 0:
            res = {"error": "exit status %d after poweroff -f" % con.status}
    except ConsoleError as e:
        res = {"error": str(e)}
    finally:
        con.close()
    if "error" in res:
        res["tail"] = con.tail(400)
        res["stderr"] = con.stderr_text().strip()[-300:]
    return res


def run_workloads_guest(argv, timeout):
    """{name: result} for one boot of the bench guest, plus "_error" if the
    guest itself failed. A result has s (in-guest seconds), seen (seconds the
    host saw between bench-start and the result), check and ok, or error."""
    con = GuestConsole(argv, use_pty=False)
    out = {}
    try:
        con.start()
        con.expect(re.escape(BENCH_BANNER), timeout)
        con.expect(rb"bench-done", timeout)
        con.wait_exit(60)
        if con.status != 0:
            out["_error"] = "exit status %d after the workloads" % con.status
    except ConsoleError as e:
        out["_error"] = str(e)
    finally:
        con.close()
    text = bytes(con.out)
    out["_info"] = {m.group(1).decode(): m.group(2).decode(errors="replace")
                    for m in INFO_RX.finditer(text)}
    starts = {m.group(1).decode(): m.start() for m in START_RX.finditer(text)}
    for m in RESULT_RX.finditer(text):
        name = m.group(1).decode()
        r = {"s": int(m.group(2)) / 1e9, "check": m.group(3).decode(),
             "ok": m.group(4) == b"ok"}
        if name in starts:
            t0, t1 = con.time_of_offset(starts[name]), con.time_of_offset(m.start())
            if t0 is not None and t1 is not None:
                r["seen"] = t1 - t0
        if not r["ok"]:
            r["error"] = "its self-check failed (check=%s)" % r["check"]
        out[name] = r
    for m in ERROR_RX.finditer(text):
        name = m.group(1).decode()
        out.setdefault(name, {})["error"] = m.group(2).decode(errors="replace")
    if "_error" in out:
        out["_tail"] = con.tail(600)
        out["_stderr"] = con.stderr_text().strip()[-300:]
    return out


def run_host(bindir, name, scale):
    path = os.path.join(bindir, name)
    try:
        r = subprocess.run([path, str(scale)], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return {"error": "still running after 300 s"}
    m = RESULT_RX.search(r.stdout)
    if not m:
        return {"error": "no result line (exit status %d): %s"
                % (r.returncode, r.stderr.decode(errors="replace").strip()[-200:])}
    res = {"s": int(m.group(2)) / 1e9, "check": m.group(3).decode(), "ok": m.group(4) == b"ok"}
    if not res["ok"] or r.returncode != 0:
        res["error"] = "its self-check failed (check=%s)" % res["check"]
    return res


def median_s(results):
    vals = [r["s"] for r in results if "error" not in r and r.get("s") is not None]
    return statistics.median(vals) if vals else None


def fmt_s(v):
    if v is None:
        return "-"
    if v >= 100:
        return "%.1f s" % v
    return "%.3f s" % v if v < 10 else "%.2f s" % v


def fmt_ratio(a, b):
    return "%.3g" % (a / b) if a is not None and b else "-"


class Table:
    def __init__(self, cases, engines):
        self.cases = cases
        self.engines = engines
        self.results = {c: {e: [] for e in engines} for c in cases}
        self.notes = []

    def add(self, case, engine, run, res):
        res["run"] = run
        self.results[case][engine].append(res)

    def records(self):
        """Every run, for run.py's --json (after the checks are compared)."""
        return [dict(workload=c, accel="tcg", emulator=e,
                     **{k: v for k, v in r.items() if k != "tail"})
                for c in self.cases for e in self.engines for r in self.results[c][e]]

    def paired_ratio(self, case, engine):
        """The median over rounds of engine/QEMU within one round (the two
        ran minutes apart at most): steadier than the ratio of the medians
        when the host's speed drifts between rounds."""
        q = {r["run"]: r["s"] for r in self.results[case]["qemu"] if "error" not in r and r.get("s")}
        rs = [r["s"] / q[r["run"]] for r in self.results[case][engine]
              if "error" not in r and r.get("s") is not None and r["run"] in q]
        return statistics.median(rs) if rs else None

    def failed(self):
        return any(n.startswith("FAILED") for n in self.notes) or any(
            "error" in r for c in self.results.values() for rs in c.values() for r in rs)

    def print(self, runs_text):
        cols = [e for e in ENGINES if e in self.engines]
        print()
        print("CPU benchmarks under tcg: seconds (median of %s); cpu-boot to the banner, the"
              " workloads by the guest's own clock" % runs_text)
        head = "%-13s" % "case" + "".join("%13s" % TITLES[e] for e in cols)
        rcols = [(e, "qemu") for e in ("native", "interp") if e in cols and "qemu" in cols]
        rcols += [(e, "host") for e in ("qemu", "native", "interp") if e in cols and "host" in cols]
        head += " " + "".join("%12s" % ("%s/%s" % (a, b)) for a, b in rcols)
        pcols = [e for e in ("native", "interp") if e in cols and "qemu" in cols]
        head += "".join("%14s" % ("%s paired" % e) for e in pcols)
        print(head)
        to_qemu = {e: [] for e in ("native", "interp")}
        paired = {e: [] for e in ("native", "interp")}
        for case in self.cases:
            med = {e: median_s(self.results[case][e]) for e in cols}
            cells = []
            for e in cols:
                rs = self.results[case][e]
                if e == "host" and case == "cpu-boot":
                    cells.append("n/a")
                elif med[e] is None and any("error" in r for r in rs):
                    cells.append("FAILED")
                elif med[e] is not None and any("error" in r for r in rs):
                    cells.append(fmt_s(med[e]) + "!")
                else:
                    cells.append(fmt_s(med[e]))
            line = "%-13s" % case + "".join("%13s" % c for c in cells) + " "
            line += "".join("%12s" % fmt_ratio(med.get(a), med.get(b)) for a, b in rcols)
            for e in pcols:
                p = self.paired_ratio(case, e)
                line += "%14s" % ("%.3g" % p if p is not None else "-")
                if p is not None:
                    paired[e].append(p)
            print(line)
            for e in to_qemu:
                if med.get(e) is not None and med.get("qemu"):
                    to_qemu[e].append(med[e] / med["qemu"])
        if self.failed():
            print("FAILED: every run of that engine failed; !: some did (both listed above,"
                  " left out of the medians)")
        for e, rs in to_qemu.items():
            if e not in cols or "qemu" not in cols:
                continue
            if not rs:
                print("median %s/qemu: - (no case ran under both)" % e)
                continue
            worst = max(rs)
            line = "median %s/qemu over %d case(s): %.3g (max %.3g)" % (
                e, len(rs), statistics.median(rs), worst)
            if e == "native":
                met = worst < 1.0 and statistics.median(rs) < 0.5
                line += "; goal (every ratio < 1.0, median < 0.5): %s" % (
                    "met" if met else "not met")
            print(line)
            if paired[e]:
                print("median %s/qemu of paired runs over %d case(s): %.3g (max %.3g)" % (
                    e, len(paired[e]), statistics.median(paired[e]), max(paired[e])))
        for n in self.notes:
            print("note: " + n)


def report_error(label, argv, res):
    print("  %s: %s" % (label, res.get("error") or res.get("_error")), flush=True)
    if argv:
        print("    command: %s" % shlex.join(argv))
    for k in ("stderr", "_stderr"):
        if res.get(k):
            print("    stderr: %s" % res[k].replace("\n", "\n      "))
    for k in ("tail", "_tail"):
        if res.get(k):
            print("    console tail: %s" % res[k][-400:].replace("\n", "\n      "))


def run(args, record):
    """Run the CPU benchmarks and print their table; True if any run failed."""
    if args.cpu_quick:
        args.cpu_scale, args.cpu_runs, args.cpu_interp_runs = 25, 1, 1
    engines = [e for e in args.cpu_engines.split(",") if e]
    bad = [e for e in engines if e not in ENGINES]
    if bad:
        print("bench: --cpu-engines: unknown engine %s (%s)" % (bad[0], ",".join(ENGINES)))
        return True
    try:
        demo, bench, names = build_guests(args)
    except (RuntimeError, OSError) as e:
        print("skip CPU benchmarks: %s" % e)
        return True
    cases = wanted_cases(args, names)
    workloads = [c[4:] for c in cases if c != "cpu-boot"]
    print()
    runs_text = "%d run(s)" % args.cpu_runs
    if "interp" in engines and args.cpu_interp_runs < args.cpu_runs:
        runs_text += ", mimic interp %d" % args.cpu_interp_runs
    print("CPU benchmarks: %s; workload scale %d%%; runs: %s"
          % (", ".join(TITLES[e] for e in engines), args.cpu_scale, runs_text), flush=True)

    accel, table = {}, Table(cases, engines)
    with tempfile.TemporaryDirectory(prefix="mimic-bench-cpu-") as work:
        for e in ("native", "interp"):
            if e not in engines:
                continue
            accel[e], note = probe_backend(args.mimic, e, work)
            if accel[e] is None:
                if note.startswith("FAILED: "):
                    table.notes.append("FAILED: %s: %s" % (TITLES[e], note[8:]))
                else:
                    table.notes.append("%s skipped: %s" % (TITLES[e], note))
                print("skip %s: %s" % (TITLES[e], note), flush=True)
            elif note:
                table.notes.append("%s is -accel %s: %s" % (TITLES[e], accel[e], note))
    live = [e for e in engines if e in ("qemu", "host") or accel.get(e)]

    only = "" if len(workloads) == len(names) else " bench.only=" + ",".join(workloads)
    append_bench = "console=ttyS0 quiet rdinit=/bench/init bench.scale=%d%s %s" % (
        args.cpu_scale, only, args.cpu_append)
    append_bench = append_bench.strip()
    timeout = {"qemu": args.cpu_timeout, "native": args.cpu_timeout,
               "interp": args.cpu_interp_timeout}
    reference = {}      # workload -> the host's (else QEMU's) check value
    info = {}           # bench-info key -> engine -> value
    for i in range(args.cpu_runs):
        # rotate the order so no engine always runs first (caches, turbo)
        order = live[i % len(live):] + live[:i % len(live)]
        for e in order:
            if e == "interp" and i >= args.cpu_interp_runs:
                continue
            if e == "host":
                for w in workloads:
                    r = run_host(os.path.join(bench, "bin"), w, args.cpu_scale)
                    table.add("cpu-" + w, e, i, r)
                    if "check" in r and "error" not in r:
                        reference[w] = r["check"]
                    if "error" in r:
                        report_error("cpu-%s host run %d" % (w, i + 1), None, r)
                    elif args.verbose:
                        print("  cpu-%s host run %d: %.3f s" % (w, i + 1, r["s"]), flush=True)
                continue
            if "cpu-boot" in cases:
                argv = guest_argv(e, args, accel, demo, 256,
                                  ("console=ttyS0 quiet " + args.cpu_append).strip())
                t = time.monotonic()
                r = run_boot(argv, timeout[e])
                table.add("cpu-boot", e, i, r)
                if "error" in r:
                    report_error("cpu-boot %s run %d" % (TITLES[e], i + 1), argv, r)
                else:
                    print("  cpu-boot %s run %d: banner at %.3f s (%.0f s in all)"
                          % (TITLES[e], i + 1, r["s"], time.monotonic() - t), flush=True)
            if not workloads:
                continue
            argv = guest_argv(e, args, accel, bench, 512, append_bench)
            t = time.monotonic()
            res = run_workloads_guest(argv, timeout[e])
            for k, v in res["_info"].items():
                info.setdefault(k, {}).setdefault(e, v)
            if "_error" in res:
                report_error("bench guest %s run %d" % (TITLES[e], i + 1), argv, res)
            summary = []
            for w in workloads:
                r = res.get(w) or {"error": "no result (the guest stopped before it)"}
                table.add("cpu-" + w, e, i, r)
                if "error" in r:
                    report_error("cpu-%s %s run %d" % (w, TITLES[e], i + 1), None, r)
                    continue
                summary.append("%s %.3f" % (w, r["s"]))
                seen = r.get("seen")
                slack = max(CLOCK_SLACK[0] * (seen or 0), CLOCK_SLACK[1])
                if seen is not None and abs(seen - r["s"]) > slack:
                    note = ("cpu-%s under %s: the guest's clock says %.3f s, the host saw %.3f s"
                            % (w, TITLES[e], r["s"], seen))
                    table.notes.append(note)
                    print("  " + note, flush=True)
            print("  bench guest %s run %d: %s (%.0f s in all)"
                  % (TITLES[e], i + 1, ", ".join(summary) or "no results",
                     time.monotonic() - t), flush=True)

    # Every engine must compute what the host computes (or, without a host
    # run, what QEMU computes): a fast wrong answer is a failure.
    for w in workloads:
        ref = reference.get(w)
        if ref is None:
            checks = [r["check"] for r in table.results["cpu-" + w].get("qemu", [])
                      if "check" in r and "error" not in r]
            ref = checks[0] if checks else None
        if ref is None:
            continue
        for e in engines:
            for r in table.results["cpu-" + w][e]:
                if "check" in r and "error" not in r and r["check"] != ref:
                    r["error"] = "check %s differs from %s" % (r["check"], ref)
                    print("  cpu-%s %s: wrong result: check=%s, expected %s"
                          % (w, TITLES[e], r["check"], ref), flush=True)

    # Guests that chose differently (clock, page-table isolation) pay
    # differently for the same system call: say so under the table.
    for k, by in sorted(info.items()):
        if len(set(by.values())) > 1:
            table.notes.append("the guests differ in %s: %s" % (k, ", ".join(
                "%s %s" % (TITLES[e], v) for e, v in by.items())))
    table.print(runs_text)
    record.extend(table.records())
    return table.failed()
