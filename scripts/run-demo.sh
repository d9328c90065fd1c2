#!/bin/sh
# Boot the demo guest (Debian kernel + busybox initramfs) on the serial
# console. kvm needs hardware virtualization to boot Linux at a usable speed:
# kvm_intel or kvm_amd. Elsewhere the guest boots under tcg.
# usage: run-demo.sh BUILDDIR
set -eu
build=${1:-build}
guest="$build/guest"
mimic="$build/mimic"

if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then
    accel=kvm
elif "$mimic" -accel help | grep -q '^ *tcg *available'; then
    accel=tcg
else
    echo "mimic: cannot boot the demo guest on this host:"
    if [ -e /dev/kvm ]; then
        echo "  /dev/kvm is here but without hardware virtualization (no kvm_intel or kvm_amd module;"
        echo "  $(ls -d /sys/module/kvm_pvm 2>/dev/null >/dev/null && echo 'it is kvm_pvm, ' || true)guest kernel code would run at about 1 MIPS),"
    else
        echo "  there is no /dev/kvm,"
    fi
    echo "  and $("$mimic" -accel help | sed -n 's/^ *tcg *//p')."
    echo "  The bare-metal guest tests still run under kvm: make check."
    exit 1
fi

echo "Booting the demo guest under -accel $accel. Ctrl-A x quits, Ctrl-A h lists the escapes."
exec "$mimic" -accel "$accel" -m 256 -nographic \
    -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img" -append "console=ttyS0 quiet"
