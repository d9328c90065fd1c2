#!/bin/sh
# build-demo-guest.sh OUTDIR — build mimic's demo Linux guest.
#
# Produces, from Debian packages only:
#   OUTDIR/vmlinuz     the kernel of Debian's linux-image-amd64 (resolved to
#                      the current linux-image-<version>-amd64 package, fetched
#                      with `apt-get download` into OUTDIR/cache and unpacked
#                      with `dpkg-deb -x`: nothing is installed on the host);
#   OUTDIR/initrd.img  a gzip'd newc cpio holding the statically linked
#                      /bin/busybox of the installed busybox-static package
#                      and an /init script.
#
# The guest's /init mounts /proc, /sys and /dev, prints the banner
# "mimic demo guest: ready" and runs a shell on the serial console with a
# controlling tty (so Ctrl-C and job control work). `poweroff -f` ends the VM.
# Debian builds the 8250 UART driver into the kernel, so console=ttyS0 needs
# no modules:
#
#   mimic -nographic -kernel OUTDIR/vmlinuz -initrd OUTDIR/initrd.img \
#         -append console=ttyS0
#
# Idempotent: when both outputs exist and are newer than this script, it does
# nothing. The only network access is apt's, to the Debian archive.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
script=$0
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ] &&
   [ "$out/vmlinuz" -nt "$script" ] && [ "$out/initrd.img" -nt "$script" ]; then
    exit 0
fi

die() {
    echo "build-demo-guest: $*" >&2
    exit 1
}

busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox missing: install the busybox-static package"
dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
    die "the busybox-static package is not installed"
# a dynamically linked busybox would need its libraries in the initramfs;
# ldd (libc-bin, always installed) fails on a static executable
if ldd "$busybox" >/dev/null 2>&1; then
    die "$busybox is not statically linked (install busybox-static, not busybox)"
fi

# The linux-image-amd64 metapackage depends on exactly one versioned image.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update?)"

cache=$out/cache
mkdir -p "$cache"
deb=$(ls "$cache"/"${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
    (cd "$cache" && apt-get -o APT::Sandbox::User=root download -q "$pkg" >/dev/null) ||
        die "apt-get download $pkg failed"
    deb=$(ls "$cache"/"${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
    [ -n "$deb" ] || die "apt-get download $pkg left no .deb in $cache"
fi

tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Only boot/ is needed (the modules stay out of the initramfs), so unpack
# just that from the package's data archive instead of all of `dpkg-deb -x`.
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
kernel=$(ls "$tmp"/boot/vmlinuz-* | head -n 1)
[ -f "$kernel" ] || die "no boot/vmlinuz-* in $deb"
cp "$kernel" "$tmp/vmlinuz"

root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
         "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root" "$root/etc"
cp "$busybox" "$root/bin/busybox"
# Applet links at build time, so /init can use them before anything is set up.
for applet in $("$busybox" --list-full); do
    [ "$applet" = bin/busybox ] && continue
    ln -s /bin/busybox "$root/$applet"
done
cat > "$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
hostname mimic
export HOME=/root PATH=/bin:/sbin:/usr/bin:/usr/sbin PS1='mimic:\w# '
echo "mimic demo guest: ready"
echo "Type 'poweroff -f' to end the VM."
# The kernel hands /init the console without making it a controlling tty;
# setsid + cttyhack give the shell one, so Ctrl-C and job control work.
while true; do
    setsid cttyhack sh
    echo "shell exited; starting another ('poweroff -f' ends the VM)"
done
EOF
chmod 755 "$root/init"

# newc archive with root-owned entries; timestamps pinned to busybox's and
# inode numbers renumbered, so the same inputs give the same bytes.
find "$root" -exec touch -h -r "$busybox" {} +
(
    cd "$root"
    find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet > "$tmp/files.cpio"
)
# The kernel opens /dev/console for /init's stdio before /init can mount
# devtmpfs, so the archive needs that node; cpio can only archive nodes that
# exist on the host, so python3 writes these two newc entries itself.
python3 - "$tmp/console.cpio" <<'EOF'
import sys
def entry(ino, name, mode, rdevmajor=0, rdevminor=0, data=b""):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdevmajor, rdevminor,
        len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out
blob = entry(1, "dev", 0o040755) + entry(2, "dev/console", 0o020600, 5, 1)
with open(sys.argv[1], "wb") as f:
    f.write(blob)
EOF
# The kernel reads the entries of both pieces as one stream.
cat "$tmp/console.cpio" "$tmp/files.cpio" | gzip -9 -n > "$tmp/initrd.img"

mv "$tmp/vmlinuz" "$out/vmlinuz"
mv "$tmp/initrd.img" "$out/initrd.img"
echo "build-demo-guest: built $out/vmlinuz ($pkg) and $out/initrd.img" \
     "(busybox $("$busybox" 2>&1 | sed -n '1s/^BusyBox \(v[^ ]*\).*/\1/p'), $(du -k "$out/initrd.img" | cut -f1) KiB)"
