#!/bin/sh
# Install the Debian packages mimic's build, tests and benchmarks need.
# Idempotent and silent when nothing is missing; otherwise one apt-get run.
# usage: install-deps.sh [build|check|bench]...   (default: build)
set -eu

build_pkgs="gcc libc6-dev make meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev"
# tests: (the 32-bit freestanding guest tests need no multilib: no libgcc)
# binutils for ld, busybox-static/cpio/gzip for the demo initramfs, python3 for
# the drivers (dpkg-deb, always there, unpacks the kernel package); the BIOS
# boot images: xorriso/isolinux/syslinux-common for the live CD,
# syslinux/mtools/dosfstools for the hard disk (scripts/build-live-iso.sh,
# scripts/build-disk-image.sh); acpica-tools: acpiexec runs the DSDT's
# methods in tests/unit/test-acpi-tables
check_pkgs="$build_pkgs binutils python3 busybox-static cpio gzip xorriso isolinux syslinux-common syslinux mtools dosfstools acpica-tools"
bench_pkgs="$check_pkgs qemu-system-x86 time"

want=""
[ $# -eq 0 ] && set -- build
for what in "$@"; do
    case "$what" in
    build) want="$want $build_pkgs" ;;
    check) want="$want $check_pkgs" ;;
    bench) want="$want $bench_pkgs" ;;
    *) echo "install-deps.sh: unknown set '$what' (build, check, bench)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $(echo $want | tr ' ' '\n' | sort -u); do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# a fresh machine may have no package lists yet; refresh them once if the
# first attempt cannot find a package
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
