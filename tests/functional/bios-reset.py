#!/usr/bin/env python3
"""Machine resets under SeaBIOS: every way a PC guest can reset itself, and
the monitor's system_reset, must bring the BIOS back from the reset vector.

The test boots SeaBIOS (Debian's seabios package) from a raw disk whose
boot sector (assembled here from MBR_SOURCE with binutils) keeps a boot
counter in CMOS byte 0x3E, which lives through resets like the battery-
backed RAM it is. Each boot prints "mbr: boot N" on COM1 and resets the
machine a different way:

  N=0  reset control register, port 0xCF9: SRST, then SRST|RCPU
       (PIIX3/PIIX4 datasheets, RC register);
  N=1  port 0x92 (PS/2 System Control Port A), bit 0 from 0 to 1;
  N=2  keyboard controller command 0xFE (pulse output port bit 0);
  N=3  triple fault: IDT limit 0, protected mode, UD2: #UD and the #GP and
       #DF that follow all miss the IDT, and the CPU shuts down (SDM vol.
       3A, "Double Fault Exception"), which the chipset turns into a reset;
  N=4  prints "mbr: halted" and stops with CLI; HLT.

Then the monitor's system_reset must start the BIOS once more ("mbr: boot
5", halted again), and `quit` ends mimic with status 0. That is six SeaBIOS
banners in all; "mbr: still running after the reset" means a reset did not
take. Under kvm the last step is the case that once failed: a CPU halted in
KVM's in-kernel irqchip stayed halted at the reset vector.

QEMU (qemu-system-x86_64 -accel tcg) prints the same lines for this disk.

Exit status: 0 pass, 1 fail, 77 skip (no SeaBIOS, no binutils, or the
accelerator cannot run here).

Usage: bios-reset.py --mimic build/mimic --accel kvm|kvm-irqchip-off|tcg
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestconsole  # noqa: E402
from monitor import Monitor, MonitorError  # noqa: E402

SKIP, FAIL = 77, 1
BIOS = "/usr/share/seabios/bios.bin"
RESET_WAYS = ["port 0xcf9", "port 0x92", "8042 command 0xfe", "triple fault"]

# Loaded at 0000:7C00 by the BIOS; data is addressed through DS=0.
MBR_SOURCE = r"""
    .code16
start:
    cli
    xor     %ax, %ax
    mov     %ax, %ds
    mov     %ax, %ss
    mov     $0x7c00, %sp
    cld
    /* bl = CMOS[0x3e]; CMOS[0x3e] = bl + 1 */
    mov     $0x3e, %al
    out     %al, $0x70
    in      $0x71, %al
    mov     %al, %bl
    inc     %al
    mov     %al, %bh
    mov     $0x3e, %al
    out     %al, $0x70
    mov     %bh, %al
    out     %al, $0x71
    mov     $0x7c00 + msg_boot, %si
    call    puts
    mov     %bl, %al
    add     $'0', %al
    call    putc
    mov     $0x7c00 + msg_crlf, %si
    call    puts
    cmp     $0, %bl
    je      reset_cf9
    cmp     $1, %bl
    je      reset_92
    cmp     $2, %bl
    je      reset_kbc
    cmp     $3, %bl
    je      triple_fault
    mov     $0x7c00 + msg_halted, %si
    call    puts
halt:
    cli
    hlt
    jmp     halt

reset_cf9:
    mov     $0xcf9, %dx
    mov     $0x02, %al              /* SRST: a full reset */
    out     %al, %dx
    mov     $0x06, %al              /* RCPU 0 -> 1 starts it */
    out     %al, %dx
    jmp     not_reset
reset_92:
    in      $0x92, %al              /* keep A20 (bit 1) as it is */
    and     $0xfe, %al
    out     %al, $0x92
    or      $0x01, %al
    out     %al, $0x92
    jmp     not_reset
reset_kbc:
    in      $0x64, %al              /* wait for an empty input buffer */
    test    $0x02, %al
    jnz     reset_kbc
    mov     $0xfe, %al
    out     %al, $0x64
    jmp     not_reset
triple_fault:
    lidt    0x7c00 + empty_idt
    mov     %cr0, %eax
    or      $1, %al
    mov     %eax, %cr0
    ud2

    /* a reset takes the CPU away at once; give it a moment, then tell */
not_reset:
    mov     $500000, %ecx
1:  pause
    dec     %ecx
    jnz     1b
    mov     $0x7c00 + msg_still, %si
    call    puts
    jmp     halt

putc:                               /* al to COM1, polling THRE */
    mov     %al, %ah
    mov     $0x3fd, %dx
1:  in      %dx, %al
    test    $0x20, %al
    jz      1b
    mov     $0x3f8, %dx
    mov     %ah, %al
    out     %al, %dx
    ret
puts:                               /* the string at ds:si */
    lodsb
    test    %al, %al
    jz      1f
    call    putc
    jmp     puts
1:  ret

empty_idt:  .word 0
            .long 0
msg_boot:   .asciz "mbr: boot "
msg_crlf:   .asciz "\r\n"
msg_halted: .asciz "mbr: halted\r\n"
msg_still:  .asciz "mbr: still running after the reset\r\n"
"""


class TestFailure(Exception):
    pass


def build_disk(tmp):
    """A 1 MiB raw disk: the boot sector, signature 0x55 0xAA, zeros."""
    src = os.path.join(tmp, "mbr.S")
    obj = os.path.join(tmp, "mbr.o")
    binary = os.path.join(tmp, "mbr.bin")
    with open(src, "w") as f:
        f.write(MBR_SOURCE)
    subprocess.run(["as", "--32", "-o", obj, src], check=True)
    subprocess.run(["objcopy", "-O", "binary", obj, binary], check=True)
    with open(binary, "rb") as f:
        code = f.read()
    if len(code) > 510:
        raise TestFailure("the boot sector's code is %d bytes, more than 510" % len(code))
    disk = bytearray(1 << 20)
    disk[:len(code)] = code
    disk[510:512] = b"\x55\xaa"
    path = os.path.join(tmp, "disk.img")
    with open(path, "wb") as f:
        f.write(disk)
    return path


def expect_boot(con, n, timeout):
    """The BIOS banner, then the boot sector's line for boot n."""
    t0 = time.monotonic()
    con.expect(rb"SeaBIOS \(version [^)]*\)", timeout)
    m = con.expect(rb"mbr: (boot \d+|still running after the reset)", timeout)
    if m.group(1) != b"boot %d" % n:
        raise TestFailure("expected 'mbr: boot %d', got %r" % (n, m.group(0).decode()))
    return time.monotonic() - t0


def run(mimic, accel, tmp, timeout):
    disk = build_disk(tmp)
    sock = os.path.join(tmp, "mon.sock")
    argv = [mimic, "-accel", "kvm" if accel.startswith("kvm") else accel,
            "-nographic", "-m", "128", "-hda", disk,
            "-monitor", "unix:%s,server,nowait" % sock]
    if accel == "kvm-irqchip-off":
        argv += ["-machine", "kernel-irqchip=off"]
    with guestconsole.GuestConsole(argv) as con:
        mon = None
        try:
            mon = Monitor(sock)
            for n, way in enumerate(RESET_WAYS):
                t = expect_boot(con, n, timeout)
                print("boot %d after %.1fs, resetting through %s" % (n, t, way))
            t = expect_boot(con, len(RESET_WAYS), timeout)
            con.expect(rb"mbr: halted", timeout)
            print("boot %d after %.1fs, halted with interrupts off" % (len(RESET_WAYS), t))
            # the CPU sits in HLT with IF=0: only a reset gets it out
            mon.command("system_reset")
            t = expect_boot(con, len(RESET_WAYS) + 1, timeout)
            con.expect(rb"mbr: halted", timeout)
            print("system_reset: boot %d after %.1fs, halted again" % (len(RESET_WAYS) + 1, t))
            banners = len(re.findall(rb"SeaBIOS \(version ", con.out))
            if banners != len(RESET_WAYS) + 2:
                raise TestFailure("%d SeaBIOS banners, expected %d" % (banners, len(RESET_WAYS) + 2))
            mon.sock.sendall(b"quit\n")
            status = con.wait_exit(30)
            if status != 0:
                raise TestFailure("quit: exit status %d" % status)
        except (guestconsole.ConsoleError, MonitorError, TestFailure) as e:
            print("console tail: %r" % bytes(con.out[-600:]))
            print("stderr: %r" % con.err.decode(errors="replace"))
            raise TestFailure(str(e))
        finally:
            if mon:
                mon.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--accel", required=True, choices=["kvm", "kvm-irqchip-off", "tcg"])
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds for each boot (default 180 under kvm, 60 under tcg)")
    args = ap.parse_args()
    guestconsole.exit_on_signals()

    if not os.path.exists(BIOS):
        print("SKIP: %s not installed (Debian package seabios)" % BIOS)
        return SKIP
    for tool in ("as", "objcopy"):
        if not shutil.which(tool):
            print("SKIP: no %s (Debian package binutils)" % tool)
            return SKIP
    if args.accel.startswith("kvm") and not guestconsole.kvm_usable():
        print("SKIP: /dev/kvm cannot be opened")
        return SKIP
    # kvm_pvm emulates guest real mode at about 1 MIPS: a SeaBIOS boot takes
    # 10-30 s there
    timeout = args.timeout or (180 if args.accel.startswith("kvm") else 60)
    with tempfile.TemporaryDirectory(prefix="bios-reset-") as tmp:
        try:
            run(args.mimic, args.accel, tmp, timeout)
        except TestFailure as e:
            print("FAIL: %s" % e)
            return FAIL
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
