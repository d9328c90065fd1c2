#!/usr/bin/env python3
"""BIOS boot from a CD and a hard disk, driven over the serial console.

The images come from scripts/build-live-iso.sh and scripts/build-disk-image.sh
(run here, idempotent, under a lock): a live CD booting ISOLINUX and a raw
MBR disk booting SYSLINUX, both into the demo kernel with an initramfs that
loads the IDE, CD, disk and filesystem drivers.

Scenarios:
  cdrom       -cdrom live.iso: ISOLINUX's banner, the guest's shell; the guest
              mounts /dev/sr0 and its sha256sum of /data/check.bin must be
              CHECK_SHA256; `poweroff -f` ends the emulator with status 0;
  cdrom-banner  -cdrom live.iso up to ISOLINUX's own banner ("ISOLINUX 6.04
              ...", printed through INT 10h, which the firmware copies to the
              serial console), then Ctrl-A x: status 0. The kvm variant: on a
              kvm_pvm host real mode runs at ~1 MIPS and QEMU itself needs
              about 10 minutes to get there;
  disk        -hda (a copy of) disk.img: SYSLINUX's banner, the shell; the
              guest reads /vmlinuz from the FAT partition (its hash must be
              the host file's), writes a file holding a fresh nonce there and
              a 1 MiB pattern to the raw partition 2, powers off; the host
              then finds both in the image (mtools' mtype, and by offset);
  readonly    -drive file=COPY,format=raw,if=ide,readonly=on: the guest boots
              from it, its write to partition 2 fails with an I/O error, and
              the image is byte-identical afterwards;
              (disk and readonly with --boot-from cdrom: the guest boots from
              the live CD, -boot d, and uses the disk as a data disk);
  missing     -cdrom and -hda naming a file that does not exist: one line on
              stderr naming the file, status 1, no hang;
  unbootable  a zero-filled 16 MiB -hda and nothing else: the firmware says
              "No bootable device" on the console and the emulator keeps
              running (checked for 3 s, then the test kills it);
  truncated-iso  live.iso cut in the middle of the kernel: ISOLINUX starts,
              the kernel load fails, and in the next 60 s the emulator either
              keeps running or exits with a status (never by a signal).

Exit status: 0 pass, 1 fail, 77 skip, 99 the images could not be built.

Usage:
  boot-bios.py --mimic build/mimic --accel tcg --images build/bios --scenario cdrom
  boot-bios.py --emulator-cmd "qemu-system-x86_64 -accel tcg -nic none" \\
      --images build/bios --scenario disk
"""

import argparse
import fcntl
import hashlib
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from guestconsole import ConsoleError, GuestConsole, exit_on_signals, printable  # noqa: E402

# SHA-256 of /data/check.bin as scripts/build-live-iso.sh defines its bytes:
# block i (32 bytes) = SHA-256("mimic-live-iso-v1" || uint32_le(i)), 4 MiB.
CHECK_SHA256 = "20bf419aff85d7cb28d57969f13d67551daa88bf006587956153e94cbcbe651d"


def loose(text):
    """A regex for text printed through the firmware's serial console
    (SeaBIOS copies INT 10h output to COM1 with cursor-positioning escapes,
    which land between any two characters; the boot loader also writes COM1
    itself)."""
    esc = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
    return esc.join(re.escape(c) for c in text)


def scattered(text, gap=200):
    """A regex for a line that the boot loader writes to COM1 itself while
    SeaBIOS also copies its INT 10h output there: two copies of the text
    whose characters interleave, in chunks that depend on timing (a busy
    host changes them). Matches the characters in order with up to gap
    characters of anything between two of them."""
    return ("[\\s\\S]{0,%d}?" % gap).join(re.escape(c) for c in text)


ISO_BANNER = scattered("mimic live ISO: isolinux ready")
DISK_BANNER = scattered("mimic disk: syslinux ready")
GUEST_BANNER = r"mimic live guest: ready"
PROMPT = r"[#$] "
NO_BOOT = loose("No bootable device")
ISOLINUX = scattered("ISOLINUX 6.")
SKIP, FAIL, ERROR = 77, 1, 99


class Failure(Exception):
    pass


class SkipTest(Exception):
    pass


def hardware_virtualization():
    return os.path.exists("/dev/kvm") and any(
        os.path.isdir("/sys/module/" + m) for m in ("kvm_intel", "kvm_amd"))


def not_built_reason(status, stderr):
    """mimic's one-line refusal of something not built (an accelerator, an
    option whose device is missing), or None."""
    if status == 1 and re.search(r"not (yet )?built|built without|not available yet|later issue",
                                 stderr, re.I):
        return stderr.strip()
    return None


def ensure_images(images, guest, scripts):
    """Build (or confirm up to date) live.iso and disk.img under a lock."""
    os.makedirs(images, exist_ok=True)
    with open(os.path.join(images, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in ("build-live-iso.sh", "build-disk-image.sh"):
            script = os.path.join(scripts, name)
            r = subprocess.run(["sh", script, images] + ([guest] if guest else []),
                               stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                return "%s %s failed with status %d" % (script, images, r.returncode)
    with open(os.path.join(images, "check.bin.sha256")) as f:
        built = f.read().split()[0]
    if built != CHECK_SHA256:
        return ("check.bin's SHA-256 is %s, this test expects %s: the image script and "
                "the test disagree" % (built, CHECK_SHA256))
    return None


def disk_layout(images):
    layout = {}
    with open(os.path.join(images, "disk.layout")) as f:
        for line in f:
            name, start, size = line.split()
            layout[name] = (int(start) * 512, int(size) * 512)
    return layout


class Run:
    """One emulator process on a pty, with shell helpers."""

    def __init__(self, args, extra, label):
        self.args = args
        self.label = label
        self.argv = args.base + extra
        print("%s: %s" % (label, shlex.join(self.argv)), flush=True)
        self.con = GuestConsole(self.argv, use_pty=True)

    def __enter__(self):
        self.con.start()
        return self

    def __exit__(self, *exc):
        self.con.close()

    def expect(self, pattern, timeout, what=None):
        try:
            m = self.con.expect(pattern, timeout)
        except ConsoleError as e:
            raise Failure("%s: %s" % (self.label, e))
        if what:
            print("%s: %s" % (self.label, what), flush=True)
        return m

    def boot_to_shell(self, loader_banner):
        self.expect(loader_banner, self.args.loader_timeout, "boot loader banner seen")
        if self.args.loader_line:
            self.expect(loose("boot:"), 60)
            self.con.sendline(self.args.loader_line)
        self.expect(GUEST_BANNER, self.args.boot_timeout, "guest banner seen")
        self.expect(PROMPT, self.args.prompt_timeout)
        # A line typed while the shell sets up its terminal can be lost: ask
        # until an answer only the shell can give arrives.
        for _ in range(3):
            self.con.sendline("echo $((6*7)) bios-ok")
            try:
                self.con.expect(r"42 bios-ok", 30)
                return
            except ConsoleError as e:
                last = e
        raise Failure("%s: the shell does not answer: %s" % (self.label, last))

    def sh(self, command, timeout=120):
        """Run a shell command in the guest: (exit status, its output). The
        marker's $? never matches in the echo of the typed line."""
        start = len(self.con.out)
        self.con.sendline("%s; echo \"@@rc=$?@@\"" % command)
        m = self.expect(r"@@rc=(\d+)@@", timeout)
        text = printable(bytes(self.con.out[start:m.start()]))
        return int(m.group(1)), text

    def sh_ok(self, command, timeout=120):
        rc, text = self.sh(command, timeout)
        if rc != 0:
            raise Failure("%s: %r failed with status %d:\n%s" % (self.label, command, rc, text))
        return text

    def wait_block(self, dev, timeout=30):
        self.sh_ok("i=0; while [ ! -b %s ] && [ $i -lt %d ]; do sleep 0.1; i=$((i+1)); done; "
                   "[ -b %s ] || { echo block: $(ls /sys/class/block); "
                   "dmesg | grep -iE 'ata|scsi|piix|sr0|sda|cdrom|pci 0000:00:01' | tail -n 25; "
                   "false; }" % (dev, timeout * 10, dev),
                   timeout + 30)

    def poweroff(self):
        self.con.sendline("poweroff -f")
        try:
            status = self.con.wait_exit(self.args.exit_timeout)
        except ConsoleError as e:
            raise Failure("%s: after 'poweroff -f': %s" % (self.label, e))
        if status != 0:
            raise Failure("%s: 'poweroff -f' ended the emulator with status %d, not 0"
                          % (self.label, status))
        print("%s: 'poweroff -f' ended the emulator with status 0" % self.label, flush=True)


def report(run, e):
    con = run.con
    print("FAIL: %s" % e, file=sys.stderr)
    if con.status is not None:
        print("emulator exit status: %d" % con.status, file=sys.stderr)
    err = con.stderr_text().strip()
    if err:
        print("emulator stderr:\n%s" % err, file=sys.stderr)
    print("---- last 3 KB of the console ----\n%s\n---- end of console ----" % con.tail(3072),
          file=sys.stderr, flush=True)


def guarded(run, steps):
    with run:
        try:
            steps(run)
        except (Failure, ConsoleError) as e:
            con = run.con
            if con.status is not None:
                reason = not_built_reason(con.status, con.stderr_text())
                if reason:
                    raise SkipTest(reason)
            report(run, e)
            raise Failure(str(e))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy_image(src, work, name):
    dst = os.path.join(work, name)
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    return dst


def pattern(nonce, size=1 << 20):
    """What `yes NONCE | head -c SIZE` writes."""
    line = (nonce + "\n").encode()
    return (line * (size // len(line) + 1))[:size]


def scenario_cdrom(args, work):
    iso = os.path.join(args.images, "live.iso")

    def steps(r):
        r.boot_to_shell(ISO_BANNER)
        r.wait_block("/dev/sr0")
        r.sh_ok("mount -t iso9660 -o ro /dev/sr0 /mnt")
        text = r.sh_ok("sha256sum /mnt/data/check.bin", 600)
        m = re.search(r"\b([0-9a-f]{64})\s+/mnt/data/check.bin", text)
        if not m:
            raise Failure("no sha256sum line in:\n%s" % text)
        if m.group(1) != CHECK_SHA256:
            raise Failure("the guest read /data/check.bin with SHA-256 %s, expected %s"
                          % (m.group(1), CHECK_SHA256))
        print("cdrom: the guest read /data/check.bin intact from /dev/sr0", flush=True)
        r.sh_ok("umount /mnt")
        r.poweroff()

    guarded(Run(args, ["-m", "256", "-nographic", "-cdrom", iso], "cdrom"), steps)


def scenario_cdrom_banner(args, work):
    iso = os.path.join(args.images, "live.iso")

    def steps(r):
        r.expect(ISOLINUX, args.loader_timeout, "ISOLINUX's banner seen")
        r.con.send(b"\x01x")            # -nographic's Ctrl-A x: quit
        try:
            status = r.con.wait_exit(60)
        except ConsoleError as e:
            raise Failure("Ctrl-A x: %s" % e)
        if status != 0:
            raise Failure("Ctrl-A x ended the emulator with status %d, not 0" % status)
        print("cdrom-banner: Ctrl-A x ended the emulator with status 0", flush=True)

    guarded(Run(args, ["-m", "256", "-nographic", "-cdrom", iso], "cdrom-banner"), steps)


def disk_media(args, drive):
    """The command line's media for the disk scenarios, and the boot
    loader's banner: the disk alone, or with --boot-from cdrom the live CD
    first (-boot d) and the disk as a data disk."""
    if args.boot_from == "cdrom":
        return (["-boot", "d", "-cdrom", os.path.join(args.images, "live.iso")] + drive,
                ISO_BANNER)
    return drive, DISK_BANNER


def scenario_disk(args, work):
    layout = disk_layout(args.images)
    img = copy_image(os.path.join(args.images, "disk.img"), work, "disk.img")
    nonce = "mimic-" + secrets.token_hex(8)
    kernel_sha = sha256_file(os.path.join(args.images, "vmlinuz"))

    media, banner = disk_media(args, ["-hda", img])

    def steps(r):
        r.boot_to_shell(banner)
        r.wait_block("/dev/sda2")
        r.sh_ok("mount -t vfat /dev/sda1 /mnt")
        text = r.sh_ok("sha256sum /mnt/vmlinuz", 600)
        if kernel_sha not in text:
            raise Failure("the guest's sha256sum of /vmlinuz on sda1 is not the host's %s:\n%s"
                          % (kernel_sha, text))
        r.sh_ok("echo %s > /mnt/written.txt && umount /mnt" % nonce)
        r.sh_ok("yes %s | head -c 1048576 > /tmp/pattern && "
                "dd if=/tmp/pattern of=/dev/sda2 bs=65536 conv=fsync" % nonce, 600)
        r.sh_ok("sync")
        print("disk: the guest read the kernel, wrote a file and a pattern", flush=True)
        r.poweroff()

    guarded(Run(args, ["-m", "256", "-nographic"] + media, "disk"), steps)

    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    p1_off = layout["part1"][0]
    m = subprocess.run(["mtype", "-i", "%s@@%d" % (img, p1_off), "::/written.txt"],
                       capture_output=True, text=True, env=env)
    if m.returncode != 0 or m.stdout.strip() != nonce:
        raise Failure("::/written.txt on the host: status %d, %r (stderr %r); expected %r"
                      % (m.returncode, m.stdout, m.stderr.strip(), nonce))
    fsck = shutil.which("fsck.fat")
    if fsck:
        part = os.path.join(work, "part1.img")
        with open(img, "rb") as f, open(part, "wb") as o:
            f.seek(p1_off)
            o.write(f.read(layout["part1"][1]))
        c = subprocess.run([fsck, "-n", part], capture_output=True, text=True)
        if c.returncode != 0:
            raise Failure("fsck.fat -n finds the FAT partition damaged:\n%s" % c.stdout)
    p2_off = layout["part2"][0]
    want = pattern(nonce)
    with open(img, "rb") as f:
        f.seek(p2_off)
        got = f.read(len(want) + 4096)
    if got[:len(want)] != want:
        bad = next(i for i in range(len(want)) if i >= len(got) or got[i] != want[i])
        raise Failure("partition 2 differs from the pattern at byte %d" % bad)
    if got[len(want):] != bytes(4096):
        raise Failure("partition 2 was written past the pattern's 1 MiB")
    print("disk: the host found the file (mtype) and the pattern at byte %d" % p2_off)


def scenario_readonly(args, work):
    img = copy_image(os.path.join(args.images, "disk.img"), work, "disk.img")
    before = sha256_file(img)
    media, banner = disk_media(args, ["-drive", "file=%s,format=raw,if=ide,readonly=on" % img])

    def steps(r):
        r.boot_to_shell(banner)
        r.wait_block("/dev/sda2")
        rc, text = r.sh("yes mimic-ro | head -c 65536 > /tmp/p && "
                        "dd if=/tmp/p of=/dev/sda2 bs=65536 conv=fsync 2>&1; "
                        "dmesg | grep -iE 'error|protect' | tail -n 3", 600)
        # The dd's status is lost in the pipeline's `dmesg`; its message is not.
        if not re.search(r"I/O error|[Rr]ead-only|[Pp]ermission denied|[Ww]rite.protect", text):
            raise Failure("the guest's write to a read-only disk did not fail:\n%s" % text)
        print("readonly: the guest's write failed: %s"
              % re.search(r"[^\n]*(I/O error|[Rr]ead-only|[Pp]ermission denied|[Ww]rite.protect)[^\n]*",
                          text).group(0).strip(), flush=True)
        r.poweroff()

    guarded(Run(args, ["-m", "256", "-nographic"] + media, "readonly"), steps)
    if sha256_file(img) != before:
        raise Failure("the read-only image changed")
    print("readonly: the image is byte-identical")


def one_line_error(args, extra, path, label):
    argv = args.base + extra
    print("%s: %s" % (label, shlex.join(argv)), flush=True)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60)
    except subprocess.TimeoutExpired:
        raise Failure("%s: still running after 60 s" % label)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    problems = []
    if p.returncode != 1:
        problems.append("status %d, not 1" % p.returncode)
    if len(lines) != 1:
        problems.append("%d stderr lines, not 1" % len(lines))
    elif path not in lines[0]:
        problems.append("the message does not name %s" % path)
    if problems:
        raise Failure("%s: %s; stderr:\n%s" % (label, ", ".join(problems), p.stderr))
    print("%s: %s" % (label, lines[0]), flush=True)


def scenario_missing(args, work):
    for opt in ("-cdrom", "-hda"):
        path = "/nonexistent/mimic-%s.img" % opt[1:]
        one_line_error(args, ["-m", "64", "-nographic", opt, path], path, "missing " + opt)


def scenario_unbootable(args, work):
    img = os.path.join(work, "zero.img")
    with open(img, "wb") as f:
        f.truncate(16 << 20)

    def steps(r):
        r.expect(NO_BOOT, args.loader_timeout, "the firmware says there is nothing to boot")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and r.con.status is None:
            r.con._step(deadline)
        if r.con.status is not None:
            raise Failure("the emulator exited with status %d after %r; it should keep running"
                          % (r.con.status, NO_BOOT))
        print("unbootable: still running 3 s later; stopping it", flush=True)

    guarded(Run(args, ["-m", "64", "-nographic", "-hda", img], "unbootable"), steps)


def scenario_truncated_iso(args, work):
    src = os.path.join(args.images, "live.iso")
    with open(os.path.join(args.images, "vmlinuz"), "rb") as f:
        head = f.read(4096)
    with open(src, "rb") as f:
        iso = f.read()
    at = iso.find(head)
    if at < 0 or at % 2048:
        raise Failure("cannot find the kernel's sectors in %s" % src)
    cut = at + (len(iso) - at) // 2 // 2048 * 2048
    if not at < cut < len(iso):
        raise Failure("the kernel is not where a cut can fall in %s" % src)
    img = os.path.join(work, "truncated.iso")
    with open(img, "wb") as f:
        f.write(iso[:cut])

    def steps(r):
        r.expect(ISO_BANNER, args.loader_timeout, "boot loader banner seen")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and r.con.status is None:
            r.con._step(deadline)
        if r.con.status is not None and r.con.status < 0:
            raise Failure("the emulator died of signal %d" % -r.con.status)
        if re.search(rb"mimic live guest: ready", r.con.out):
            raise Failure("the guest booted from a truncated kernel")
        print("truncated-iso: %s" % ("still running 60 s after the banner" if r.con.status is None
                                     else "exited with status %d" % r.con.status), flush=True)

    guarded(Run(args, ["-m", "256", "-nographic", "-cdrom", img], "truncated-iso"), steps)


SCENARIOS = {
    "cdrom": scenario_cdrom,
    "cdrom-banner": scenario_cdrom_banner,
    "disk": scenario_disk,
    "readonly": scenario_readonly,
    "missing": scenario_missing,
    "unbootable": scenario_unbootable,
    "truncated-iso": scenario_truncated_iso,
}
BOOTS_LINUX = ("cdrom", "disk", "readonly")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mimic", help="the mimic binary")
    ap.add_argument("--emulator-cmd", help="run this instead of mimic, e.g. "
                    "'qemu-system-x86_64 -accel tcg -nic none' (it names its own accelerator)")
    ap.add_argument("--accel", choices=("kvm", "tcg"),
                    help="accelerator (with --emulator-cmd: only used to decide on skipping)")
    ap.add_argument("--images", required=True, help="directory for live.iso and disk.img")
    ap.add_argument("--guest", help="the demo guest's directory (default IMAGES/../guest)")
    ap.add_argument("--scripts", default=os.path.join(ROOT, "scripts"),
                    help="where build-live-iso.sh and build-disk-image.sh are")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    ap.add_argument("--boot-from", choices=("disk", "cdrom"), default="disk",
                    help="disk and readonly: boot from the disk itself (default) or from "
                    "the live CD with the disk attached as a data disk")
    ap.add_argument("--loader-line", metavar="TEXT",
                    help="type this at the boot loader's boot: prompt (label and kernel "
                    "arguments, e.g. 'live acpi=off' on the CD, 'disk acpi=off' on the disk): "
                    "for diagnosis")
    ap.add_argument("--loader-timeout", type=float, default=600,
                    help="seconds to the boot loader's banner")
    ap.add_argument("--boot-timeout", type=float, default=900,
                    help="seconds from the boot loader's banner to the guest's")
    ap.add_argument("--prompt-timeout", type=float, default=120)
    ap.add_argument("--exit-timeout", type=float, default=120)
    args = ap.parse_args()
    exit_on_signals()

    if bool(args.mimic) == bool(args.emulator_cmd):
        ap.error("give exactly one of --mimic and --emulator-cmd")
    if args.mimic and not args.accel:
        ap.error("--mimic needs --accel")
    if args.accel == "kvm":
        if not os.path.exists("/dev/kvm"):
            print("SKIP: no /dev/kvm")
            return SKIP
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            print("SKIP: no read/write access to /dev/kvm")
            return SKIP
        if args.scenario in BOOTS_LINUX and not hardware_virtualization():
            print("SKIP: Linux under kvm needs VT-x/AMD-V (kvm_intel or kvm_amd)")
            return SKIP
    if args.mimic:
        if not os.access(args.mimic, os.X_OK):
            print("FAIL: %s is not an executable" % args.mimic, file=sys.stderr)
            return FAIL
        args.base = [args.mimic, "-accel", args.accel]
    else:
        args.base = shlex.split(args.emulator_cmd)

    if args.scenario not in ("missing", "unbootable"):
        problem = ensure_images(args.images, args.guest, args.scripts)
        if problem:
            print("ERROR: %s" % problem, file=sys.stderr)
            return ERROR

    with tempfile.TemporaryDirectory(prefix="mimic-boot-bios-") as work:
        try:
            SCENARIOS[args.scenario](args, work)
        except SkipTest as e:
            print("SKIP: %s" % e)
            return SKIP
        except Failure as e:
            print("FAIL: %s" % e, file=sys.stderr)
            return FAIL
    print("PASS: %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
