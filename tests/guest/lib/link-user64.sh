#!/bin/sh
# Link a 64-bit program for the user-mode harness (user.h, user_call64) into
# a flat image: link-user64.sh LD OBJCOPY OUTPUT LINKER-SCRIPT OBJECT...
# It is linked at two base addresses; if the bytes differ, something in it
# is not position-independent (an absolute address in code or data) and
# the image would break wherever the 32-bit image happens to put it.
set -eu
ld=$1 objcopy=$2 out=$3 script=$4
shift 4
"$ld" -m elf_x86_64 -nostdlib --build-id=none -T "$script" -o "$out.0.elf" "$@"
"$ld" -m elf_x86_64 -nostdlib --build-id=none -T "$script" --defsym=USER64_BASE=0x100000 \
    -o "$out.1.elf" "$@"
"$objcopy" -O binary "$out.0.elf" "$out.0"
"$objcopy" -O binary "$out.1.elf" "$out.1"
if ! cmp -s "$out.0" "$out.1"; then
    echo "$0: $out is not position-independent (it changes with its base address)" >&2
    exit 1
fi
mv "$out.0" "$out"
rm -f "$out.1" "$out.0.elf" "$out.1.elf"
