"""x86-64 instruction encoding for the fuzzer (Intel SDM vol. 2, chapter 2:
legacy prefixes, REX, opcode, ModR/M, SIB, displacement, immediate).

Registers are numbers 0-15 in encoding order (RAX RCX RDX RBX RSP RBP RSI
RDI R8-R15). For byte operands 4-7 are SPL BPL SIL DIL (they need a REX
prefix) and AH CH DH BH are written HIGH_BYTE_BASE + 4..7 (they forbid one).
"""

import struct

HIGH_BYTE_BASE = 16  # AH = 20, CH = 21, DH = 22, BH = 23
RSP = 4
RBP = 5

SEG_PREFIXES = (0x26, 0x2E, 0x36, 0x3E)  # ES CS SS DS: no effect in 64-bit mode


class EncodeError(Exception):
    pass


class Mem:
    """A memory operand. Exactly one of: base and/or index, rip_target (an
    absolute address reached RIP-relative), absolute (disp32 alone)."""

    def __init__(self, base=None, index=None, scale=1, disp=0, rip_target=None,
                 absolute=False, addr32=False, wide_disp=False):
        self.base = base
        self.index = index
        self.scale = scale
        self.disp = disp
        self.rip_target = rip_target
        self.absolute = absolute
        self.addr32 = addr32
        self.wide_disp = wide_disp  # disp32 even where disp8 would do

    def regs(self):
        return [r for r in (self.base, self.index) if r is not None]


def is_high_byte(r):
    return r is not None and r >= HIGH_BYTE_BASE


def low3(r):
    return (r - HIGH_BYTE_BASE if r >= HIGH_BYTE_BASE else r) & 7


def imm(value, size):
    """Little-endian immediate of size bytes (value wraps)."""
    fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[size]
    return struct.pack(fmt, value & ((1 << (8 * size)) - 1))


def fits_s8(v):
    return -128 <= v <= 127


def _modrm_mem(m, reg_field):
    """ModR/M, SIB and displacement bytes for m; returns (bytes, rex_x,
    rex_b, disp_is_rip)."""
    rex_x = rex_b = 0
    if m.rip_target is not None:
        return bytes([(reg_field << 3) | 5]), 0, 0, True
    if m.absolute:
        return (bytes([(reg_field << 3) | 4, (0 << 6) | (4 << 3) | 5]) +
                imm(m.disp, 4), 0, 0, False)
    scale_bits = {1: 0, 2: 1, 4: 2, 8: 3}[m.scale]
    disp = m.disp
    if m.base is None:
        # [index*scale + disp32]: SIB with base 101 and mod 00
        if m.index is None or (m.index & 7) == RSP and m.index < 8:
            raise EncodeError("index-only operand needs an index other than rsp")
        rex_x = m.index >> 3
        sib = (scale_bits << 6) | ((m.index & 7) << 3) | 5
        return bytes([(reg_field << 3) | 4, sib]) + imm(disp, 4), rex_x, 0, False
    rex_b = m.base >> 3
    if disp == 0 and (m.base & 7) != RBP and not m.wide_disp:
        mod, dbytes = 0, b""
    elif fits_s8(disp) and not m.wide_disp:
        mod, dbytes = 1, imm(disp, 1)
    else:
        mod, dbytes = 2, imm(disp, 4)
    if m.index is None and (m.base & 7) != RSP:
        return bytes([(mod << 6) | (reg_field << 3) | (m.base & 7)]) + dbytes, 0, rex_b, False
    if m.index is None:
        index_bits = 4  # no index
    else:
        if m.index == RSP:
            raise EncodeError("rsp cannot be an index")
        rex_x = m.index >> 3
        index_bits = m.index & 7
    sib = (scale_bits << 6) | (index_bits << 3) | (m.base & 7)
    return bytes([(mod << 6) | (reg_field << 3) | 4, sib]) + dbytes, rex_x, rex_b, False


def encode(opcode, *, reg=0, rm=None, opsize=32, imm_bytes=b"", mandatory=None,
           prefixes=(), rex_w=None, force_rex=False, rex_pad=0, no_modrm=False,
           opcode_reg=None, pos=0, byte_regs=False):
    """Encode one instruction.

    opcode: bytes (with any 0F / 0F 38 / 0F 3A escape).
    reg: ModR/M reg field: a register number or an opcode extension (/digit).
    rm: a register number, a Mem, or None (no ModR/M when no_modrm).
    opsize: 16 adds 66, 64 sets REX.W (unless rex_w says otherwise).
    mandatory: 0x66/0xF2/0xF3 of an SSE opcode, placed right before REX.
    prefixes: other legacy prefixes (LOCK, segment, REP, 67) in this order.
    opcode_reg: register added to the last opcode byte (PUSH r, BSWAP, ...).
    byte_regs: reg/rm registers are byte registers (SPL..DIL need REX).
    pos: the instruction's address, for RIP-relative operands.
    """
    regs_used = []
    if isinstance(reg, int) and byte_regs:
        regs_used.append(reg)
    if isinstance(rm, int):
        regs_used.append(rm)
    if opcode_reg is not None:
        regs_used.append(opcode_reg)
    rex_r = rex_x = rex_b = 0
    w = (opsize == 64) if rex_w is None else rex_w
    need_rex = force_rex or w
    high = any(is_high_byte(r) for r in regs_used) or (is_high_byte(reg) and byte_regs)
    if byte_regs:
        for r in regs_used:
            if 4 <= r <= 7:
                need_rex = True
    body = b""
    rip_fix = False
    if not no_modrm:
        if reg is None:
            reg = 0
        reg_field = low3(reg)
        if not is_high_byte(reg):
            rex_r = reg >> 3
        if isinstance(rm, Mem):
            mb, rex_x, rex_b, rip_fix = _modrm_mem(rm, reg_field)
            body = mb
        else:
            body = bytes([0xC0 | (reg_field << 3) | low3(rm)])
            if not is_high_byte(rm):
                rex_b = rm >> 3
    if opcode_reg is not None:
        if not is_high_byte(opcode_reg):
            rex_b = opcode_reg >> 3
        opcode = opcode[:-1] + bytes([opcode[-1] + low3(opcode_reg)])
    rex = 0x40 | (w << 3) | (rex_r << 2) | (rex_x << 1) | rex_b | rex_pad
    need_rex = need_rex or rex != 0x40 or rex_pad
    if high and need_rex:
        raise EncodeError("AH/CH/DH/BH cannot be encoded with a REX prefix")
    pre = bytes(prefixes)
    if isinstance(rm, Mem) and rm.addr32:
        pre += b"\x67"
    if opsize == 16 and mandatory != 0x66:
        pre += b"\x66"
    if mandatory is not None:
        pre += bytes([mandatory])
    out = pre + (bytes([rex]) if need_rex else b"") + opcode + body + imm_bytes
    if rip_fix:
        end = pos + len(out) + 4
        disp = rm.rip_target - end
        if not -(1 << 31) <= disp < (1 << 31):
            raise EncodeError("RIP-relative target out of reach")
        split = len(pre) + (1 if need_rex else 0) + len(opcode) + len(body)
        out = out[:split] + imm(disp, 4) + out[split:]
    return out
