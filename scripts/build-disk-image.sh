#!/bin/sh
# build-disk-image.sh OUTDIR [GUESTDIR] — a bootable raw hard-disk image for
# BIOS boot tests, made without mounting anything (no root, no loop device).
#
# OUTDIR/disk.img (57 MiB, sparse) is an MBR disk:
#   sector 0      Syslinux's mbr.bin (boot code, 440 bytes) and the
#                 partition table written here: the MBR boot code loads the
#                 active partition's first sector;
#   partition 1   LBA 2048, 40 MiB, type 0x06 (FAT16), active: mkfs.fat
#                 (hidden sectors = 2048, as the boot sector must say where
#                 it lives), files copied with mtools' mcopy, and
#                 `syslinux --install` (the mtools installer: ldlinux.sys,
#                 ldlinux.c32 and the FAT boot sector). Holds syslinux.cfg
#                 (`serial 0 115200`, banner "mimic disk: syslinux ready",
#                 kernel with `console=ttyS0 quiet`), vmlinuz and initrd.img
#                 from scripts/build-live-initrd.sh;
#   partition 2   LBA 83968, 16 MiB, type 0xDA (non-filesystem data), zeros:
#                 a raw area the guest may write, read back on the host at
#                 byte offset 83968 * 512.
# Offsets are printed in OUTDIR/disk.layout (`name start_lba sectors`), which
# the tests read. mtools reads the FAT partition in place:
#   mdir -i OUTDIR/disk.img@@1M ::
# Idempotent: nothing happens while disk.img is newer than its inputs.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUTDIR [GUESTDIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
script=$here/$(basename "$0")
mkdir -p "$1"
out=$(cd "$1" && pwd)

die() {
    echo "build-disk-image: $*" >&2
    exit 1
}

mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || die "$mbr missing: install the syslinux-common package"
command -v syslinux >/dev/null || die "syslinux missing: install the syslinux package"
command -v mcopy >/dev/null || die "mcopy missing: install the mtools package"
command -v mkfs.fat >/dev/null || die "mkfs.fat missing: install the dosfstools package"

sh "$here/build-live-initrd.sh" "$out" ${2:+"$2"} || die "scripts/build-live-initrd.sh failed"

img=$out/disk.img
if [ -f "$img" ] && [ -f "$out/disk.layout" ]; then
    fresh=1
    for dep in "$script" "$out/vmlinuz" "$out/initrd-live.img" "$mbr"; do
        [ "$img" -nt "$dep" ] || fresh=0
    done
    [ $fresh -eq 1 ] && exit 0
fi

p1_start=2048
p1_size=81920            # 40 MiB
p2_start=$((p1_start + p1_size))
p2_size=32768            # 16 MiB
total=$((p2_start + p2_size))

tmp=$(mktemp -d "$out/.disk-image.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0

# The FAT file system as a file of its own, copied into place at the end.
part=$tmp/part1.img
epoch=$(stat -c %Y "$out/vmlinuz")
SOURCE_DATE_EPOCH=$epoch mkfs.fat -F 16 -h $p1_start -i 4d494d43 -n MIMICBOOT \
    -C "$part" $((p1_size / 2)) >/dev/null || die "mkfs.fat failed"
cat > "$tmp/syslinux.cfg" <<'EOF'
serial 0 115200
say mimic disk: syslinux ready
prompt 1
timeout 20
default disk
label disk
  kernel /vmlinuz
  initrd /initrd.img
  append console=ttyS0 quiet
EOF
cp "$out/vmlinuz" "$tmp/vmlinuz"
cp "$out/initrd-live.img" "$tmp/initrd.img"
touch -d "@$epoch" "$tmp/syslinux.cfg" "$tmp/vmlinuz" "$tmp/initrd.img"
mcopy -m -i "$part" "$tmp/syslinux.cfg" "$tmp/vmlinuz" "$tmp/initrd.img" :: ||
    die "mcopy failed"
syslinux --install "$part" || die "syslinux --install failed"
mdir -a -i "$part" :: | grep -qiE "^ldlinux +c32" || die "syslinux left no ldlinux.c32"

truncate -s $((total * 512)) "$tmp/disk.img"
dd if="$mbr" of="$tmp/disk.img" bs=440 count=1 conv=notrunc status=none
dd if="$part" of="$tmp/disk.img" bs=512 seek=$p1_start conv=notrunc,sparse status=none
# The partition table (MBR layout: four 16-byte entries at 446, signature
# 55AA at 510). CHS fields say "use LBA" (1023/254/63), as for any disk
# past 8 GB; Syslinux's MBR and SeaBIOS both go by the LBA fields.
python3 - "$tmp/disk.img" $p1_start $p1_size $p2_start $p2_size <<'EOF'
import struct, sys
path, p1s, p1n, p2s, p2n = sys.argv[1], *map(int, sys.argv[2:])
chs_max = bytes([0xFE, 0xFF, 0xFF])
def entry(active, ptype, start, size):
    return struct.pack("<B3sB3sII", 0x80 if active else 0, chs_max, ptype, chs_max, start, size)
table = entry(True, 0x06, p1s, p1n) + entry(False, 0xDA, p2s, p2n) + bytes(32)
with open(path, "r+b") as f:
    f.seek(440)
    f.write(struct.pack("<I", 0x4D494D43) + b"\0\0")   # disk signature
    f.write(table + b"\x55\xAA")
EOF
printf 'part1 %d %d\npart2 %d %d\n' $p1_start $p1_size $p2_start $p2_size > "$tmp/disk.layout"
mv "$tmp/disk.layout" "$out/disk.layout"
mv "$tmp/disk.img" "$img"
echo "build-disk-image: built $img ($((total / 2048)) MiB, $(du -k "$img" | cut -f1) KiB used)"
