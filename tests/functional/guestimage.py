"""Tiny boot images written byte by byte, so tests and benchmarks need no
cross toolchain and no downloaded assets.

Each image prints one line on COM1 and leaves through isa-debug-exit at port
0xf4 (the emulator then exits with status (value << 1) | 1):

- multiboot_elf(): an ELF32 executable with a Multiboot 1 header (Multiboot
  Specification 0.6.96, section 3.1), loaded at 1 MiB and entered in 32-bit
  protected mode;
- bzimage(): a Linux bzImage (Documentation/x86/boot.rst, protocol 2.15) whose
  real-mode setup code and 32-bit protected-mode entry both print the line,
  so it works whether the loader enters the setup in real mode (as firmware
  loaders do) or jumps to code32_start (as a direct 32-bit loader does).

The code sets the UART to 115200 8N1 (it resets to 5-bit characters) and
writes each byte to THR only once LSR.THRE is set (PC16550D datasheet, LCR
and LSR bit 5), as on real hardware. It is unrolled: no
memory operands, so it runs unchanged at any segment or load address.

Run as a script to write an image: guestimage.py multiboot|bzimage OUT [MSG]
"""

import struct
import sys

COM1 = 0x3F8
UART_LCR = COM1 + 3
UART_LCR_DLAB = 0x80
UART_LCR_8N1 = 0x03
UART_LSR = COM1 + 5
UART_LSR_THRE = 0x20
DEBUG_EXIT_PORT = 0xF4

DEFAULT_MESSAGE = "mimic tiny guest: hello\n"
DEFAULT_EXIT_VALUE = 0x21  # the emulator exits with (0x21 << 1) | 1 = 67


def exit_status(value):
    """The emulator's exit status when the guest writes value to 0xf4."""
    return ((value & 0xFF) << 1) | 1


def _mov_dx(port, bits):
    # mov dx, imm16 needs an operand-size prefix in 32-bit code.
    return (b"\x66" if bits == 32 else b"") + b"\xBA" + struct.pack("<H", port)


def _outb(port, value, bits):
    return _mov_dx(port, bits) + bytes([0xB0, value, 0xEE])    # mov al,value; out dx,al


def _code(message, exit_value, bits):
    # 115200 baud, 8N1: the UART resets to 5-bit characters (LCR = 0).
    out = bytearray()
    out += _outb(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1, bits)
    out += _outb(COM1 + 0, 1, bits)                          # DLL: divisor 1
    out += _outb(COM1 + 1, 0, bits)                          # DLM
    out += _outb(UART_LCR, UART_LCR_8N1, bits)
    for ch in message.encode("latin-1"):
        poll = _mov_dx(UART_LSR, bits) + b"\xEC" + bytes([0xA8, UART_LSR_THRE])  # in al,dx; test al,THRE
        poll += bytes([0x74, (-(len(poll) + 2)) & 0xFF])                         # jz back to the in
        out += poll
        out += _outb(COM1, ch, bits)
    out += _outb(DEBUG_EXIT_PORT, exit_value & 0xFF, bits)
    # If the exit port is absent, park the CPU: cli; 1: hlt; jmp 1b.
    out += b"\xFA\xF4\xEB\xFD"
    return bytes(out)


MULTIBOOT_MAGIC = 0x1BADB002
LOAD_ADDR = 0x100000


def multiboot_elf(message=DEFAULT_MESSAGE, exit_value=DEFAULT_EXIT_VALUE):
    """An ELF32 multiboot kernel: one PT_LOAD segment at 1 MiB holding the
    headers, the Multiboot header (flags 0: no a.out kludge, the loader reads
    the ELF program header) and the code."""
    ehsize, phsize = 52, 32
    mb_off = ehsize + phsize                         # 84: 4-byte aligned
    code_off = mb_off + 12
    code = _code(message, exit_value, 32)
    size = code_off + len(code)
    entry = LOAD_ADDR + code_off

    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)   # ELFCLASS32, LSB, EV_CURRENT
    ehdr = ident + struct.pack("<HHIIIIIHHHHHH",
                               2, 3, 1,                  # ET_EXEC, EM_386, EV_CURRENT
                               entry, ehsize, 0, 0,      # entry, phoff, shoff, flags
                               ehsize, phsize, 1,        # ehsize, phentsize, phnum
                               0, 0, 0)                  # no sections
    phdr = struct.pack("<IIIIIIII",
                       1, 0, LOAD_ADDR, LOAD_ADDR,       # PT_LOAD, offset, vaddr, paddr
                       size, size, 7, 0x1000)            # filesz, memsz, RWX, align
    flags = 0
    mbhdr = struct.pack("<III", MULTIBOOT_MAGIC, flags, (-(MULTIBOOT_MAGIC + flags)) & 0xFFFFFFFF)
    image = ehdr + phdr + mbhdr + code
    assert len(image) == size
    return image


SETUP_SECTS = 4              # setup is 5 sectors: the boot sector plus 4
SETUP_SIZE = (SETUP_SECTS + 1) * 512
REAL_MODE_CODE = 0x280       # past the end of the 2.15 setup header


def bzimage(message=DEFAULT_MESSAGE, exit_value=DEFAULT_EXIT_VALUE):
    """A bzImage whose kernel is the print-and-exit code. Header fields are
    the ones a boot loader reads (boot.rst, "The real-mode kernel header")."""
    setup = bytearray(SETUP_SIZE)
    rm_code = _code(message, exit_value, 16)
    assert REAL_MODE_CODE + len(rm_code) <= SETUP_SIZE, "message too long for the setup"
    setup[REAL_MODE_CODE:REAL_MODE_CODE + len(rm_code)] = rm_code

    pm_code = _code(message, exit_value, 32)
    pm = pm_code + bytes(-len(pm_code) % 16)
    init_size = (len(pm) + 0xFFF) & ~0xFFF

    def put(off, fmt, value):
        struct.pack_into("<" + fmt, setup, off, value)

    put(0x1F1, "B", SETUP_SECTS)
    put(0x1F4, "I", len(pm) // 16)         # syssize, in 16-byte paragraphs
    put(0x1FA, "H", 0xFFFF)                # vid_mode: normal
    put(0x1FE, "H", 0xAA55)                # boot_flag
    put(0x200, "B", 0xEB)                  # jmp short to the real-mode code
    put(0x201, "B", REAL_MODE_CODE - 0x202)
    setup[0x202:0x206] = b"HdrS"
    put(0x206, "H", 0x020F)                # boot protocol 2.15
    put(0x20C, "H", 0x1000)                # start_sys_seg (obsolete, as Linux sets it)
    put(0x211, "B", 0x01)                  # loadflags: LOADED_HIGH
    put(0x214, "I", LOAD_ADDR)             # code32_start
    put(0x22C, "I", 0x37FFFFFF)            # initrd_addr_max
    put(0x230, "I", 0x200000)              # kernel_alignment (not relocatable)
    put(0x238, "I", 2047)                  # cmdline_size
    put(0x258, "Q", LOAD_ADDR)             # pref_address
    put(0x260, "I", init_size)
    return bytes(setup) + pm


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in ("multiboot", "bzimage"):
        print("usage: guestimage.py multiboot|bzimage OUT [MESSAGE]", file=sys.stderr)
        return 2
    message = argv[3] + "\n" if len(argv) == 4 else DEFAULT_MESSAGE
    image = (multiboot_elf if argv[1] == "multiboot" else bzimage)(message)
    with open(argv[2], "wb") as f:
        f.write(image)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
