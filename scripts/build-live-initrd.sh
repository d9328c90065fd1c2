#!/bin/sh
# build-live-initrd.sh OUTDIR [GUESTDIR] — the initramfs of the BIOS boot
# images (scripts/build-live-iso.sh, scripts/build-disk-image.sh).
#
# Debian's linux-image-amd64 builds the PC's storage drivers as modules
# (CONFIG_ATA_PIIX, CONFIG_BLK_DEV_SR, CONFIG_BLK_DEV_SD, CONFIG_ISO9660_FS,
# CONFIG_VFAT_FS =m), so a guest booted from a CD or a disk needs them in
# its initramfs to see that CD or disk at all. This script wraps the demo
# guest (scripts/build-demo-guest.sh GUESTDIR, default OUTDIR/../guest)
# instead of changing it:
#
#   OUTDIR/vmlinuz           a copy of GUESTDIR/vmlinuz;
#   OUTDIR/initrd-live.img   GUESTDIR/initrd.img followed by a second gzip'd
#                            newc archive (the kernel unpacks concatenated
#                            archives in order, later entries replacing
#                            earlier ones) holding
#                              /lib/modules/live/*.ko  the drivers below and
#                                  every module they depend on (the
#                                  "depends=" field of each module's .modinfo
#                                  section), from the same kernel package;
#                              /lib/modules/live/order  load order,
#                                  dependencies first;
#                              /init  the demo guest's /init plus: insmod of
#                                  each module in order, a wait of up to 10 s
#                                  for the first block device, and the banner
#                                  "mimic live guest: ready".
#
# Drivers: ata_piix (PIIX IDE), sr_mod + cdrom (ATAPI CD), sd_mod (ATA disk),
# isofs, vfat + nls_cp437 + nls_ascii (Debian's FAT defaults: codepage 437,
# iocharset ascii).
#
# Idempotent: nothing happens while both outputs are newer than this script
# and the demo guest's files. Compressed modules (.ko.xz, .ko.zst, .ko.gz)
# are decompressed, since busybox insmod loads plain ELF.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUTDIR [GUESTDIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
script=$here/$(basename "$0")
mkdir -p "$1"
out=$(cd "$1" && pwd)
guest=${2:-$out/../guest}
mkdir -p "$guest"
guest=$(cd "$guest" && pwd)

die() {
    echo "build-live-initrd: $*" >&2
    exit 1
}

sh "$here/build-demo-guest.sh" "$guest" || die "scripts/build-demo-guest.sh $guest failed"

up_to_date() {
    for f in "$out/vmlinuz" "$out/initrd-live.img"; do
        [ -f "$f" ] || return 1
        for dep in "$script" "$guest/vmlinuz" "$guest/initrd.img"; do
            [ "$f" -nt "$dep" ] || return 1
        done
    done
}
up_to_date && exit 0

deb=$(ls "$guest"/cache/linux-image-*-amd64_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "no kernel package in $guest/cache (build-demo-guest.sh keeps it there)"

tmp=$(mktemp -d "$out/.live-initrd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The directories the drivers and their dependencies live in; one pass over
# the package's data archive.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards \
    './lib/modules/*/kernel/drivers/ata/*' './lib/modules/*/kernel/drivers/scsi/*' \
    './lib/modules/*/kernel/drivers/cdrom/*' './lib/modules/*/kernel/fs/isofs/*' \
    './lib/modules/*/kernel/fs/fat/*' './lib/modules/*/kernel/fs/nls/*' \
    './lib/modules/*/kernel/lib/*' './lib/modules/*/kernel/crypto/*' \
    './lib/modules/*/kernel/block/*'
[ -d "$tmp"/lib/modules ] || die "no modules in $deb"

root=$tmp/root
mkdir -p "$root/lib/modules/live"
python3 - "$tmp/lib/modules" "$root/lib/modules/live" \
    ata_piix sr_mod sd_mod isofs vfat nls_cp437 nls_ascii <<'EOF'
import gzip, lzma, os, struct, sys

src, dst, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]

def norm(name):
    return name.replace("-", "_")

def plain(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        sys.exit("build-live-initrd: %s is zstd-compressed; python3 cannot read it" % path)
    return data

def modinfo_depends(elf):
    # ELF64 little-endian (the only kind an amd64 kernel loads): find the
    # section named .modinfo and its NUL-separated key=value strings.
    if elf[:6] != b"\x7fELF\x02\x01":
        sys.exit("build-live-initrd: not an ELF64 LSB module")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    def section(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, off, size
    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        if elf[stroff + name:elf.index(b"\0", stroff + name)] == b".modinfo":
            for kv in elf[off:off + size].split(b"\0"):
                if kv.startswith(b"depends="):
                    return [d for d in kv[8:].decode().split(",") if d]
            return []
    sys.exit("build-live-initrd: module without a .modinfo section")

paths = {}
for d, _, files in os.walk(src):
    for f in files:
        for ext in (".ko", ".ko.xz", ".ko.gz", ".ko.zst"):
            if f.endswith(ext):
                paths[norm(f[:-len(ext)])] = os.path.join(d, f)

order, state = [], {}
def visit(name, chain):
    n = norm(name)
    if state.get(n) == "done":
        return
    if state.get(n) == "busy":
        sys.exit("build-live-initrd: dependency cycle: %s" % " -> ".join(chain + [n]))
    if n not in paths:
        sys.exit("build-live-initrd: module %s (needed by %s) is not in the package's "
                 "extracted directories" % (n, " -> ".join(chain) or "the list"))
    state[n] = "busy"
    elf = plain(paths[n])
    for dep in modinfo_depends(elf):
        visit(dep, chain + [n])
    with open(os.path.join(dst, n + ".ko"), "wb") as f:
        f.write(elf)
    state[n] = "done"
    order.append(n)

for w in wanted:
    visit(w, [])
with open(os.path.join(dst, "order"), "w") as f:
    f.write("\n".join(order) + "\n")
EOF

cat > "$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /mnt
mount -t devpts devpts /dev/pts
hostname mimic
export HOME=/root PATH=/bin:/sbin:/usr/bin:/usr/sbin PS1='mimic:\w# '
# Debian builds the IDE, CD, disk and filesystem drivers as modules.
while read -r m; do
    insmod "/lib/modules/live/$m.ko" || echo "live guest: insmod $m failed"
done < /lib/modules/live/order
# libata and SCSI probe their ports asynchronously: give the first disk or
# CD up to 10 s to appear (a machine with neither just waits that long).
i=0
while [ $i -lt 100 ]; do
    ls /sys/class/block 2>/dev/null | grep -qE '^(sd|sr)' && break
    sleep 0.1
    i=$((i + 1))
done
echo "live guest: block devices: $(ls /sys/class/block | tr '\n' ' ')"
echo "mimic live guest: ready"
echo "Type 'poweroff -f' to end the VM."
while true; do
    setsid cttyhack sh
    echo "shell exited; starting another ('poweroff -f' ends the VM)"
done
EOF
chmod 755 "$root/init"

# Reproducible archive, as build-demo-guest.sh makes its own.
find "$root" -exec touch -h -r "$guest/initrd.img" {} +
(
    cd "$root"
    find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet
) | gzip -9 -n > "$tmp/overlay.cpio.gz"
cat "$guest/initrd.img" "$tmp/overlay.cpio.gz" > "$tmp/initrd-live.img"
cp "$guest/vmlinuz" "$tmp/vmlinuz"
mv "$tmp/vmlinuz" "$out/vmlinuz"
mv "$tmp/initrd-live.img" "$out/initrd-live.img"
echo "build-live-initrd: built $out/initrd-live.img ($(tr '\n' ' ' < "$root/lib/modules/live/order")," \
     "$(du -k "$out/initrd-live.img" | cut -f1) KiB)"
