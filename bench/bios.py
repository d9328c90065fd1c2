"""BIOS boot workloads for bench/run.py: the live CD and the hard-disk image
of scripts/build-live-iso.sh and scripts/build-disk-image.sh, booted through
the firmware (SeaBIOS) and a Syslinux boot loader into the demo kernel.

Workloads:
  bios-cdrom  -cdrom live.iso
  bios-disk   -hda disk.img: SeaBIOS boots the disk's MBR and SYSLINUX into
              the same kernel and initramfs; the guest then reads the disk
Per run: the standard figures (first output = the Linux guest's banner
"mimic live guest: ready", so the firmware, the boot loader, its reads from
the CD or disk and the kernel boot are all counted; exit; peak RSS), plus
  loader      seconds to the boot loader's own line on the serial console;
  read MB/s   in-guest `dd if=DEV of=/dev/null bs=1M iflag=direct` over the
              whole device (/dev/sr0: the 14 MiB CD; /dev/sda: the 57 MiB
              disk), repeated until 2 s have passed (at most 32 and 16
              times), timed with the guest's /proc/uptime.
              Higher is better: its mimic/QEMU ratio above 1 favours mimic,
              unlike the other rows.
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
# Wait for the device, then read all of it with O_DIRECT (no page cache:
# every pass reaches the emulated device) until 2 s have passed or MAX
# passes are done, timed by the guest's /proc/uptime (1/100 s; busybox dd
# prints no rate). The marker's parts are split so the echo of the typed
# line cannot match.
READ_LOOP = ("i=0; while [ ! -b %(dev)s ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
             "n=$(blockdev --getsize64 %(dev)s) && read u0 x < /proc/uptime && "
             "c0=${u0%%.*}${u0#*.} && p=0 && ok=1 && while [ $p -lt %(passes)d ]; do "
             "dd if=%(dev)s of=/dev/null bs=1M iflag=direct 2>/dev/null || { ok=0; break; }; "
             "p=$((p+1)); read u x < /proc/uptime; c=${u%%.*}${u#*.}; "
             "[ $((c - c0)) -ge 200 ] && break; done; [ $ok = 1 ] && "
             "echo \"@@rea\"\"d $n $p $u0 $u@@\"")


def loose(text):
    """A regex for text printed through the firmware's serial console:
    SeaBIOS copies INT 10h output to COM1 with cursor-positioning escapes
    between characters."""
    esc = rb"(?:\x1b\[[0-9;?]*[A-Za-z])*"
    return esc.join(re.escape(bytes([c])) for c in text)


def build_images(build):
    """Build (or confirm) BUILD/bios/live.iso and disk.img; None or a reason."""
    images = os.path.join(build, "bios")
    guest = os.path.join(build, "guest")
    for name in ("build-live-iso.sh", "build-disk-image.sh"):
        r = subprocess.run(["sh", os.path.join(ROOT, "scripts", name), images, guest],
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            return "scripts/%s failed (status %d)" % (name, r.returncode)
    # bios-disk boots a copy: the tests' image stays as built
    r = subprocess.run(["cp", "--sparse=always", os.path.join(images, "disk.img"),
                        os.path.join(images, "disk-bench.img")], stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        return "cannot copy disk.img for the benchmark"
    return None


def workloads(args, make_workload):
    """The BIOS workloads; make_workload(name, argv_tail, marker, status) is
    run.py's Workload constructor."""
    images = os.path.join(args.build, "bios")
    common = ["-m", "256", "-nographic"]
    wls = []
    for name, media, loader, dev, passes in (
            ("bios-cdrom", ["-cdrom", os.path.join(images, "live.iso")],
             b"mimic live ISO: isolinux ready", "/dev/sr0", 32),
            ("bios-disk", ["-drive", "file=%s,format=raw,if=ide,index=0"
                           % os.path.join(images, "disk-bench.img")],
             b"mimic disk: syslinux ready", "/dev/sda", 16)):
        wl = make_workload(name, common + media, GUEST_BANNER, 0)
        wl.linux = True                     # skipped under kvm without VT-x/AMD-V
        wl.runner = run_bios
        wl.prepare = build_images
        wl.loader = loader
        wl.device = dev
        wl.passes = passes
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
        m = con.expect(loose(wl.loader), timeout)
        loader_t = con.time_of_offset(m.start())
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
        rc, out = _sh(con, READ_LOOP % {"dev": wl.device, "passes": wl.passes}, timeout)
        m = re.search(rb"@@read (\d+) (\d+) (\d+)\.(\d\d) (\d+)\.(\d\d)@@", out)
        if rc != 0 or not m:
            res["error"] = "dd of %s: status %d, output %r" % (wl.device, rc, out[-300:])
        else:
            size, passes = int(m.group(1)), int(m.group(2))
            t0 = int(m.group(3)) + int(m.group(4)) / 100.0
            t1 = int(m.group(5)) + int(m.group(6)) / 100.0
            if t1 <= t0:
                res["error"] = "dd of %s took no measurable time" % wl.device
            else:
                read_mbs = size * passes / (t1 - t0) / 1e6
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
                       read=read_mbs)
    except ConsoleError as e:
        res["error"] = str(e)
    finally:
        con.close()
    if "error" in res:
        err = con.stderr_text().strip().splitlines()
        res["stderr"] = err[-1] if err else ""
        res["tail"] = con.tail(400)
    return res
