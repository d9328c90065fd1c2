#!/bin/sh
# build-bench-guest.sh OUTDIR [DEMODIR] — build the CPU benchmark guest.
#
# Produces:
#   OUTDIR/bin/NAME    the workloads of bench/workloads/*.c as static
#                      programs (gcc -O2 -static; sse.c with -O3 -msse4.2
#                      -mpopcnt), which bench/cpu.py also runs on the host;
#   OUTDIR/vmlinuz     the demo guest's kernel (scripts/build-demo-guest.sh
#                      DEMODIR, default OUTDIR/../guest: its download is
#                      reused, not repeated);
#   OUTDIR/initrd.img  the demo guest's initramfs followed by a second gzip'd
#                      newc archive with /bench: the programs, a list of the
#                      workloads and /bench/init. The kernel unpacks both
#                      pieces into one root file system (Linux's
#                      Documentation/driver-api/early-userspace/buffer-format).
#
# Boot it with rdinit=/bench/init. That init prints the banner "mimic bench
# guest: ready", runs each workload (`bench.only=a,b` on the kernel command
# line picks some, `bench.scale=PCT` scales their work), printing
# "bench-start: NAME" before each and the workload's own "bench-result: ..."
# line, then "bench-done", and powers off:
#
#   mimic -nographic -m 512 -kernel OUTDIR/vmlinuz -initrd OUTDIR/initrd.img \
#         -append "console=ttyS0 quiet rdinit=/bench/init bench.scale=100"
#
# Idempotent: does nothing when the outputs are newer than this script, the
# workload sources and the demo guest.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUTDIR [DEMODIR]" >&2
    exit 2
fi
die() {
    echo "build-bench-guest: $*" >&2
    exit 1
}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../bench/workloads" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
demo=${2:-$out/../guest}

sh "$here/build-demo-guest.sh" "$demo" || die "scripts/build-demo-guest.sh $demo failed"
demo=$(cd "$demo" && pwd)

# Every C file is a program; nop is forkexec's child, not a workload.
progs=$(cd "$src" && ls *.c | sed 's/\.c$//' | LC_ALL=C sort)
workloads=$(echo "$progs" | grep -vx nop)

stale=0
for f in "$out/vmlinuz" "$out/initrd.img"; do
    [ -f "$f" ] || stale=1
done
if [ $stale -eq 0 ]; then
    for p in $progs; do
        [ -x "$out/bin/$p" ] || stale=1
    done
    for dep in "$0" "$src"/*.c "$src"/*.h "$demo/vmlinuz" "$demo/initrd.img"; do
        [ "$dep" -nt "$out/initrd.img" ] && stale=1
    done
fi
[ $stale -eq 0 ] && exit 0

command -v gcc >/dev/null || die "gcc missing (apt-get install gcc libc6-dev)"
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/bin"
for p in $progs; do
    flags="-O2"
    [ "$p" = sse ] && flags="-O3 -msse4.2 -mpopcnt"
    # -s: the initramfs is unpacked by the emulated kernel on every boot
    gcc $flags -static -s -Wall -Wextra -Werror -o "$tmp/bin/$p" "$src/$p.c" -lm ||
        die "gcc failed on $src/$p.c (static glibc comes with libc6-dev)"
done

root=$tmp/root
mkdir -p "$root/bench"
cp "$tmp"/bin/* "$root/bench/"
echo $workloads > "$root/bench/list"
cat > "$root/bench/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
scale=100
all=$(cat /bench/list)
only=$all
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    bench.scale=*) scale=${arg#bench.scale=} ;;
    bench.only=*) only=$(echo "${arg#bench.only=}" | tr , ' ') ;;
    esac
done
echo "mimic bench guest: ready"
# What the kernel chose from the CPU it was shown, which changes the cost of
# every kernel entry (page-table isolation) and of reading the clock.
echo "bench-info: clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
if grep -q PTI /sys/devices/system/cpu/vulnerabilities/meltdown; then
    echo "bench-info: page-table-isolation=on"
else
    echo "bench-info: page-table-isolation=off"
fi
for w in $only; do
    echo "bench-start: $w"
    case " $all " in
    *" $w "*) "/bench/$w" "$scale" || echo "bench-error: $w exited with status $?" ;;
    *) echo "bench-error: $w: no such workload (there are: $all)" ;;
    esac
done
echo "bench-done"
poweroff -f
EOF
chmod 755 "$root/bench/init"

# Same bytes from the same inputs: pinned timestamps, root-owned entries.
find "$root" -exec touch -h -r "$src/bench.h" {} +
(
    cd "$root"
    find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet
) | gzip -9 -n > "$tmp/bench.cpio.gz"
cat "$demo/initrd.img" "$tmp/bench.cpio.gz" > "$tmp/initrd.img"
cp "$demo/vmlinuz" "$tmp/vmlinuz"

rm -rf "$out/bin"
mv "$tmp/bin" "$out/bin"
mv "$tmp/vmlinuz" "$out/vmlinuz"
mv "$tmp/initrd.img" "$out/initrd.img"
echo "build-bench-guest: built $out/initrd.img ($(du -k "$out/initrd.img" | cut -f1) KiB;" \
     "workloads:" $workloads")"
