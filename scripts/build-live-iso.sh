#!/bin/sh
# build-live-iso.sh OUTDIR [GUESTDIR] — a bootable live CD for BIOS boot tests.
#
# OUTDIR/live.iso is an ISO 9660 image (xorriso) with an El Torito
# no-emulation boot entry for ISOLINUX (Debian's isolinux package) holding:
#   /isolinux/isolinux.bin, ldlinux.c32   the boot loader;
#   /isolinux/isolinux.cfg   `serial 0 115200`, the banner
#                            "mimic live ISO: isolinux ready", a `boot:`
#                            prompt with a 2 s timeout, then the kernel with
#                            `console=ttyS0 quiet`;
#   /live/vmlinuz, /live/initrd.img   the demo kernel and the initramfs of
#                            scripts/build-live-initrd.sh (IDE/CD/disk
#                            drivers loaded at boot, banner
#                            "mimic live guest: ready");
#   /data/check.bin          4 MiB of deterministic data: block i (32 bytes)
#                            is SHA-256("mimic-live-iso-v1" || i as a 4-byte
#                            little-endian integer), so tests can check what
#                            the guest reads. Its SHA-256 is written to
#                            OUTDIR/check.bin.sha256 too.
# No root, no loop mounts. SOURCE_DATE_EPOCH pins every timestamp in the
# image to the kernel package's, so the same inputs give the same bytes.
# Idempotent: nothing happens while live.iso is newer than its inputs.
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
    echo "build-live-iso: $*" >&2
    exit 1
}

for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
    [ -f "$f" ] || die "$f missing: install the isolinux and syslinux-common packages"
done
command -v xorriso >/dev/null || die "xorriso missing: install the xorriso package"

sh "$here/build-live-initrd.sh" "$out" ${2:+"$2"} || die "scripts/build-live-initrd.sh failed"

iso=$out/live.iso
if [ -f "$iso" ]; then
    fresh=1
    for dep in "$script" "$out/vmlinuz" "$out/initrd-live.img" \
               /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
        [ "$iso" -nt "$dep" ] || fresh=0
    done
    [ $fresh -eq 1 ] && exit 0
fi

tmp=$(mktemp -d "$out/.live-iso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
tree=$tmp/tree
mkdir -p "$tree/isolinux" "$tree/live" "$tree/data"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/isolinux/"
cp "$out/vmlinuz" "$tree/live/vmlinuz"
cp "$out/initrd-live.img" "$tree/live/initrd.img"
# `serial` comes first: ISOLINUX's own banner goes to the screen only, what
# follows this line goes to COM1 as well. TIMEOUT is in tenths of a second.
cat > "$tree/isolinux/isolinux.cfg" <<'EOF'
serial 0 115200
say mimic live ISO: isolinux ready
prompt 1
timeout 20
default live
label live
  kernel /live/vmlinuz
  initrd /live/initrd.img
  append console=ttyS0 quiet
EOF
python3 - "$tree/data/check.bin" "$out/check.bin.sha256" <<'EOF'
import hashlib, struct, sys
data = b"".join(hashlib.sha256(b"mimic-live-iso-v1" + struct.pack("<I", i)).digest()
                for i in range((4 << 20) // 32))
with open(sys.argv[1], "wb") as f:
    f.write(data)
with open(sys.argv[2], "w") as f:
    f.write(hashlib.sha256(data).hexdigest() + "  check.bin\n")
EOF

epoch=$(stat -c %Y "$out/vmlinuz")
find "$tree" -exec touch -h -d "@$epoch" {} +
SOURCE_DATE_EPOCH=$epoch xorriso -as mkisofs -quiet -o "$tmp/live.iso" \
    -V MIMIC_LIVE -R -J \
    -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table \
    "$tree" 2>"$tmp/xorriso.log" || { cat "$tmp/xorriso.log" >&2; die "xorriso failed"; }
mv "$tmp/live.iso" "$iso"
echo "build-live-iso: built $iso ($(du -k "$iso" | cut -f1) KiB)"
