"""BIOS boot workloads for bench/run.py: the live CD and the hard-disk image
of scripts/build-live-iso.sh and scripts/build-disk-image.sh, booted through
the firmware (SeaBIOS) and a Syslinux boot loader into the demo kernel.

Workloads:
  bios-cdrom  -cdrom live.iso
  bios-disk   -hda disk.img
Per run: the standard figures (first output = the Linux guest's banner
"mimic live guest: ready", so the firmware, the boot loader, its reads from
the CD or disk and the kernel boot are all counted; exit; peak RSS), plus
  loader      seconds to the boot loader's own line on the serial console;
  read MB/s   in-guest `dd if=DEV of=/dev/null bs=1M` over the whole device
              (/dev/sr0: the 14 MiB CD; /dev/sda: the 57 MiB disk), cold
              (each run is a fresh boot), from dd's own byte count and
              seconds. Higher is better: its mimic/QEMU ratio above 1 favours
              mimic, unlike the other rows.
Then the harness types `poweroff -f`; the run must end with status 0.

run.py calls workloads() from build_workloads(), and uses EXTRA_METRICS to
print the extra rows; Workload.runner points its run_once at run_bios().
"""

import os
import re
import subprocess

from guestconsole import ConsoleError, GuestConsole

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST_BANNER = b"mimic live guest: ready"
# (key, title, unit): printed after run.py's METRICS for rows that have them.
EXTRA_METRICS = (("loader", "boot loader", "s"), ("read", "dd read", "MB/s"))
SHELL_MARK = rb"@@rc=(\d+)@@"


def build_images(build):
    """Build (or confirm) BUILD/bios/live.iso and disk.img; None or a reason."""
    images = os.path.join(build, "bios")
    guest = os.path.join(build, "guest")
    for name in ("build-live-iso.sh", "build-disk-image.sh"):
        r = subprocess.run(["sh", os.path.join(ROOT, "scripts", name), images, guest],
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            return "scripts/%s failed (status %d)" % (name, r.returncode)
    return None


def workloads(args, make_workload):
    """The BIOS workloads; make_workload(name, argv_tail, marker, status) is
    run.py's Workload constructor."""
    images = os.path.join(args.build, "bios")
    common = ["-m", "256", "-nographic"]
    wls = []
    for name, media, loader, dev in (
            ("bios-cdrom", ["-cdrom", os.path.join(images, "live.iso")],
             b"mimic live ISO: isolinux ready", "/dev/sr0"),
            ("bios-disk", ["-hda", os.path.join(images, "disk.img")],
             b"mimic disk: syslinux ready", "/dev/sda")):
        wl = make_workload(name, common + media, GUEST_BANNER, 0)
        wl.linux = True                     # skipped under kvm without VT-x/AMD-V
        wl.runner = run_bios
        wl.prepare = build_images
        wl.loader = loader
        wl.device = dev
        wls.append(wl)
    return wls


def _sh(con, command, timeout):
    start = len(con.out)
    con.sendline("%s; echo \"@@rc=$?@@\"" % command)
    m = con.expect(SHELL_MARK, timeout)
    return int(m.group(1)), bytes(con.out[start:m.start()])


def run_bios(argv, wl, probe, timeout, rssfile, parent_peak):
    """One boot: the metrics dict (or one with 'error'), as run.py's run_once."""
    con = GuestConsole(probe.wrap(argv, rssfile), use_pty=False,
                       sample_rss=probe.gnu_time is None)
    res = {}
    try:
        con.start()
        con.expect(re.escape(wl.loader), timeout)
        loader_t = con.time_of_offset(bytes(con.out).find(wl.loader))
        con.expect(re.escape(GUEST_BANNER), timeout)
        con.expect(rb"[#$] ", 120)
        # A line typed while the shell sets up its terminal can be lost.
        for _ in range(5):
            con.sendline("echo $((6*7)) bios-ok")
            try:
                con.expect(rb"42 bios-ok", 20)
                break
            except ConsoleError:
                pass
        rc, out = _sh(con, "i=0; while [ ! -b %s ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                           "dd if=%s of=/dev/null bs=1M 2>&1" % (wl.device, wl.device), timeout)
        # busybox dd: "N bytes (X MiB) copied, T seconds, R MB/s"
        m = re.search(rb"(\d+) bytes \([^)]*\) copied, ([\d.]+) seconds", out)
        if rc != 0 or not m or float(m.group(2)) <= 0:
            res["error"] = "dd of %s: status %d, output %r" % (wl.device, rc, out[-300:])
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
        if "error" in res:
            pass
        elif status != wl.status:
            res["error"] = "exit status %s, expected %d" % (status, wl.status)
        else:
            res.update(first=con.time_of_offset(idx), exit=con.t_exit,
                       rss=rss / 1024.0 if rss else None, loader=loader_t,
                       read=int(m.group(1)) / float(m.group(2)) / 1e6)
    except ConsoleError as e:
        res["error"] = str(e)
    finally:
        con.close()
    if "error" in res:
        err = con.stderr_text().strip().splitlines()
        res["stderr"] = err[-1] if err else ""
        res["tail"] = con.tail(400)
    return res
