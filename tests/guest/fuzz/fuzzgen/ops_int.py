"""General-purpose instructions for the fuzzer (Intel SDM vol. 2 opcode
pages; flag effects from their "Flags Affected" sections).

Each emitter takes a Seq, picks operands, sizes and prefixes, and emits one
or a few instructions. Operand size: 8 (byte opcodes), 16 (66), 32, 64
(REX.W); r8-r15 and the memory operands bring REX.R/X/B.
"""

from .encode import Mem, imm, RSP, SEG_PREFIXES
from .seq import (CF, PF, AF, ZF, SF, OF, STATUS, CC_READS, DATA_ADDR, DATA_SIZE)

LOCK = 0xF0
LOGIC_DEF = CF | OF | SF | ZF | PF


def pick_size(s, byte=True):
    sizes = [8, 16, 32, 64, 32, 64] if byte else [16, 32, 64, 32, 64]
    return s.rng.choice(sizes)


def nbytes(size):
    return size // 8


def imm_for(size):
    """Immediate width of an Iz operand."""
    return 2 if size == 16 else 1 if size == 8 else 4


def noise(s):
    """Prefixes without effect in 64-bit mode: CS/DS/ES/SS overrides."""
    return [s.rng.choice(SEG_PREFIXES)] if s.chance(0.05) else []


def rm_for(s, size, dst, p_mem=0.4, align=1):
    if size == 8:
        return s.rm_operand(1, dst, p_mem=p_mem, byte=True)
    return s.rm_operand(nbytes(size), dst, align=align, p_mem=p_mem)


def reg_for(s, size, dst):
    if size == 8:
        return s.reg8(dst)
    return s.reg_dst() if dst else s.reg_any()


def lock_for(s, rm):
    return [LOCK] if isinstance(rm, Mem) and s.chance(0.3) else []


# ---- ALU: ADD OR ADC SBB AND SUB XOR CMP ----

ALU_NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]


def alu_flags(op):
    if op in (1, 4, 6):
        return LOGIC_DEF, AF
    return STATUS, 0


def op_alu(s):
    op = s.rng.randrange(8)
    if not s.allowed(ALU_NAMES[op]):
        return
    size = pick_size(s)
    reads = CF if op in (2, 3) else 0
    s.need_flags(reads)
    fdef, fundef = alu_flags(op)
    writes = op != 7
    byte = size == 8
    form = s.rng.randrange(4)
    if form == 0:  # r/m, reg
        rm = rm_for(s, size, writes)
        reg = reg_for(s, size, False)
        pre = noise(s) + (lock_for(s, rm) if writes else [])
        b = s.enc(bytes([op * 8 + (0 if byte else 1)]), reg=reg, rm=rm, opsize=size,
                  byte_regs=byte, prefixes=pre)
    elif form == 1:  # reg, r/m
        reg = reg_for(s, size, writes)
        rm = rm_for(s, size, False)
        b = s.enc(bytes([op * 8 + (2 if byte else 3)]), reg=reg, rm=rm, opsize=size,
                  byte_regs=byte, prefixes=noise(s))
    elif form == 2:  # AL/AX/EAX/RAX, imm
        b = s.enc(bytes([op * 8 + (4 if byte else 5)]), no_modrm=True, opsize=size,
                  imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    else:  # r/m, imm (80, 81, 83 sign-extended imm8)
        rm = rm_for(s, size, writes)
        pre = noise(s) + (lock_for(s, rm) if writes else [])
        if byte:
            b = s.enc(b"\x80", reg=op, rm=rm, opsize=8, byte_regs=True, prefixes=pre,
                      imm_bytes=imm(s.rand_imm(1), 1))
        elif s.chance(0.5):
            b = s.enc(b"\x83", reg=op, rm=rm, opsize=size, prefixes=pre,
                      imm_bytes=imm(s.rand_imm(1), 1))
        else:
            b = s.enc(b"\x81", reg=op, rm=rm, opsize=size, prefixes=pre,
                      imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    s.emit(b, fl_def=fdef, fl_undef=fundef, fl_read=reads)


# ---- INC DEC NOT NEG, TEST ----

def op_unary(s):
    kind = s.rng.choice(["inc", "dec", "not", "neg"])
    if not s.allowed(kind):
        return
    size = pick_size(s)
    rm = rm_for(s, size, True)
    byte = size == 8
    pre = noise(s) + lock_for(s, rm)
    if kind in ("inc", "dec"):
        b = s.enc(b"\xfe" if byte else b"\xff", reg=0 if kind == "inc" else 1, rm=rm, opsize=size,
                  byte_regs=byte, prefixes=pre)
        s.emit(b, fl_def=STATUS & ~CF)
    else:
        b = s.enc(b"\xf6" if byte else b"\xf7", reg=2 if kind == "not" else 3, rm=rm,
                  opsize=size, byte_regs=byte, prefixes=pre)
        s.emit(b, fl_def=STATUS if kind == "neg" else 0)


def op_test(s):
    if not s.allowed("test"):
        return
    size = pick_size(s)
    byte = size == 8
    form = s.rng.randrange(3)
    if form == 0:
        b = s.enc(b"\x84" if byte else b"\x85", reg=reg_for(s, size, False),
                  rm=rm_for(s, size, False), opsize=size, byte_regs=byte)
    elif form == 1:
        b = s.enc(b"\xa8" if byte else b"\xa9", no_modrm=True, opsize=size,
                  imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    else:
        # F6/F7 /1 is an undocumented alias of /0 that CPUs decode as TEST
        ext = 1 if s.chance(0.1) and s.allowed("test-alias") else 0
        b = s.enc(b"\xf6" if byte else b"\xf7", reg=ext, rm=rm_for(s, size, False),
                  opsize=size, byte_regs=byte,
                  imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    s.emit(b, fl_def=LOGIC_DEF, fl_undef=AF)


# ---- MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, CBW..CQO ----

def op_mov(s):
    if not s.allowed("mov"):
        return
    size = pick_size(s)
    byte = size == 8
    form = s.rng.randrange(5)
    if form == 0:
        b = s.enc(b"\x88" if byte else b"\x89", reg=reg_for(s, size, False),
                  rm=rm_for(s, size, True), opsize=size, byte_regs=byte, prefixes=noise(s))
    elif form == 1:
        b = s.enc(b"\x8a" if byte else b"\x8b", reg=reg_for(s, size, True),
                  rm=rm_for(s, size, False), opsize=size, byte_regs=byte, prefixes=noise(s))
    elif form == 2:  # B0+r / B8+r, with imm64 under REX.W
        r = reg_for(s, size, True)
        n = 8 if size == 64 else nbytes(size)
        b = s.enc(b"\xb0" if byte else b"\xb8", no_modrm=True, opsize=size, opcode_reg=r,
                  byte_regs=byte, imm_bytes=imm(s.rand_imm(n), n))
    else:  # C6/C7 /0
        b = s.enc(b"\xc6" if byte else b"\xc7", reg=0, rm=rm_for(s, size, True), opsize=size,
                  byte_regs=byte, imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    s.emit(b)


def op_movx(s):
    kind = s.rng.choice(["movzx", "movsx", "movsxd"])
    if not s.allowed(kind):
        return
    if kind == "movsxd":
        size = s.rng.choice([64, 64, 32, 16])
        b = s.enc(b"\x63", reg=s.reg_dst(), rm=rm_for(s, 32, False), opsize=size)
    else:
        src = s.rng.choice([8, 16])
        size = s.rng.choice([16, 32, 64]) if src == 8 else s.rng.choice([32, 64])
        op = {("movzx", 8): b"\x0f\xb6", ("movzx", 16): b"\x0f\xb7",
              ("movsx", 8): b"\x0f\xbe", ("movsx", 16): b"\x0f\xbf"}[(kind, src)]
        if src == 8:
            rm = s.rm_operand(1, False, byte=True)
            b = s.enc(op, reg=s.reg_dst(), rm=rm, opsize=size, byte_regs=True)
        else:
            b = s.enc(op, reg=s.reg_dst(), rm=rm_for(s, 16, False), opsize=size)
    s.emit(b)


def op_lea(s):
    """LEA computes without touching memory: any registers, any scale and
    displacement, 16/32/64-bit results, 32-bit addressing under 67."""
    if not s.allowed("lea"):
        return
    size = s.rng.choice([16, 32, 64, 64])
    form = s.rng.randrange(6)
    disp = s.rng.choice([0, 1, -1, 0x7F, -0x80, 0x7FFFFFFF, -0x80000000, s.rng.randrange(-5000, 5000)])
    if form == 0:
        m = Mem(rip_target=s.pos() + s.rng.randrange(-0x1000, 0x1000))
    else:
        base = s.reg_any() if form != 1 else None
        index = s.rng.choice([r for r in range(16) if r != RSP]) if form != 2 else None
        if base is None and index is None:
            base = s.reg_any()
        m = Mem(base=base, index=index, scale=s.rng.choice([1, 2, 4, 8]), disp=disp,
                addr32=s.chance(0.15), wide_disp=s.chance(0.1))
    s.emit(s.enc(b"\x8d", reg=s.reg_dst(), rm=m, opsize=size))


def op_xchg(s):
    if not s.allowed("xchg"):
        return
    size = pick_size(s)
    byte = size == 8
    if not byte and s.chance(0.3):
        # 90+r: XCHG with rAX; 90 itself is NOP, but 87 C0 is not
        r = s.reg_dst()
        s.emit(s.enc(b"\x90", no_modrm=True, opsize=size, opcode_reg=r))
        return
    rm = rm_for(s, size, True)
    b = s.enc(b"\x86" if byte else b"\x87", reg=reg_for(s, size, True), rm=rm, opsize=size,
              byte_regs=byte, prefixes=lock_for(s, rm))
    s.emit(b)


def op_bswap(s):
    if not s.allowed("bswap"):
        return
    # BSWAP r16 is undefined (SDM): 32 and 64 only
    s.emit(s.enc(b"\x0f\xc8", no_modrm=True, opsize=s.rng.choice([32, 64]),
                 opcode_reg=s.reg_dst()))


def op_convert(s):
    """CBW/CWDE/CDQE (98), CWD/CDQ/CQO (99)."""
    op = s.rng.choice([b"\x98", b"\x99"])
    if not s.allowed("cbw-cwd"):
        return
    s.emit(s.enc(op, no_modrm=True, opsize=s.rng.choice([16, 32, 64])))


# ---- XADD, CMPXCHG, CMPXCHG8B/16B ----

def op_xadd_cmpxchg(s):
    kind = s.rng.choice(["xadd", "cmpxchg"])
    if not s.allowed(kind):
        return
    size = pick_size(s)
    byte = size == 8
    rm = rm_for(s, size, True)
    op = {"xadd": b"\x0f\xc0", "cmpxchg": b"\x0f\xb0"}[kind]
    if not byte:
        op = op[:1] + bytes([op[1] + 1])
    reg = reg_for(s, size, kind == "xadd")
    s.emit(s.enc(op, reg=reg, rm=rm, opsize=size, byte_regs=byte, prefixes=lock_for(s, rm)),
           fl_def=STATUS)


def op_cmpxchg8b(s):
    wide = s.chance(0.5)
    if not s.allowed("cmpxchg16b" if wide else "cmpxchg8b"):
        return
    m = s.mem(16 if wide else 8, align=16 if wide else 1)
    pre = [LOCK] if s.chance(0.5) else []
    s.emit(s.enc(b"\x0f\xc7", reg=1, rm=m, opsize=64 if wide else 32, prefixes=pre), fl_def=ZF)


# ---- MUL IMUL DIV IDIV ----

def op_mul(s):
    form = s.rng.randrange(4)
    if form == 0:  # F6/F7 /4 /5: rDX:rAX = rAX * r/m
        kind = s.rng.choice(["mul", "imul"])
        if not s.allowed(kind):
            return
        size = pick_size(s)
        byte = size == 8
        b = s.enc(b"\xf6" if byte else b"\xf7", reg=4 if kind == "mul" else 5,
                  rm=rm_for(s, size, False), opsize=size, byte_regs=byte)
    elif form == 1:  # IMUL r, r/m
        if not s.allowed("imul"):
            return
        size = pick_size(s, byte=False)
        b = s.enc(b"\x0f\xaf", reg=s.reg_dst(), rm=rm_for(s, size, False), opsize=size)
    else:  # IMUL r, r/m, imm8 / imm
        if not s.allowed("imul"):
            return
        size = pick_size(s, byte=False)
        if form == 2:
            b = s.enc(b"\x6b", reg=s.reg_dst(), rm=rm_for(s, size, False), opsize=size,
                      imm_bytes=imm(s.rand_imm(1), 1))
        else:
            b = s.enc(b"\x69", reg=s.reg_dst(), rm=rm_for(s, size, False), opsize=size,
                      imm_bytes=imm(s.rand_imm(imm_for(size)), imm_for(size)))
    s.emit(b, fl_def=CF | OF, fl_undef=SF | ZF | AF | PF)


def op_div(s):
    """DIV/IDIV: #DE (divide by zero, quotient too large) is an accepted
    outcome; most of the time the dividend's high half is prepared so that
    the quotient fits, and a register divisor is made non-zero."""
    kind = s.rng.choice(["div", "idiv"])
    if not s.allowed(kind):
        return
    size = pick_size(s)
    byte = size == 8
    guard = s.chance(0.8)
    if guard:
        if byte:
            # AH = 0, or AX sign-extended from AL
            s.emit(s.enc(b"\xb4", no_modrm=True, opsize=8, imm_bytes=b"\x00") if kind == "div"
                   else s.enc(b"\x98", no_modrm=True, opsize=16))
        elif kind == "div":
            s.emit(s.enc(b"\x31", reg=2, rm=2, opsize=32), fl_def=LOGIC_DEF, fl_undef=AF)
        else:
            s.emit(s.enc(b"\x99", no_modrm=True, opsize=size))
    if guard and s.chance(0.7):
        r = s.reg_dst() if not byte else s.reg8(True, allow_high=False)
        if r in (0, 2):  # keep the dividend
            return
        value = s.rng.choice([1, 2, 3, 7, 10, 0xFF, 0x7F, 0x80, s.rand_imm(4) | 1])
        if byte:
            s.set_reg(r, value & 0xFF or 1, 8)
        else:
            s.set_reg(r, value, 64 if size == 64 and s.chance(0.5) else 32)
        rm = r
    else:
        rm = rm_for(s, size, False)
    s.emit(s.enc(b"\xf6" if byte else b"\xf7", reg=6 if kind == "div" else 7, rm=rm,
                 opsize=size, byte_regs=byte),
           fl_undef=STATUS)


# ---- shifts and rotates ----

SHIFT_NAMES = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"]


def shift_effect(kind, size, count):
    """(defined, undefined, conditional) for a shift or rotate by count (the
    masked count, or None if only known at run time)."""
    rotate = kind in ("rol", "ror", "rcl", "rcr")
    if count == 0:
        return 0, 0, False
    if count is None:
        if rotate:
            return CF, OF, True
        cf_maybe_big = kind in ("shl", "shr", "sal") and size in (8, 16)
        return (SF | ZF | PF | (0 if cf_maybe_big else CF),
                OF | AF | (CF if cf_maybe_big else 0), True)
    of = OF if count == 1 else 0
    if rotate:
        return CF | of, OF & ~of, False
    cf_big = kind in ("shl", "shr", "sal") and count >= size
    fdef = SF | ZF | PF | of | (0 if cf_big else CF)
    return fdef, AF | (OF & ~of) | (CF if cf_big else 0), False


def op_shift(s):
    ext = s.rng.randrange(8)
    if ext == 6 and s.chance(0.8):
        ext = 4  # /6 is an undocumented alias of SHL: rare
    kind = SHIFT_NAMES[ext]
    if not s.allowed(kind):
        return
    size = pick_size(s)
    byte = size == 8
    mask = 0x3F if size == 64 else 0x1F
    reads = CF if kind in ("rcl", "rcr") else 0
    form = s.rng.randrange(3)
    if form == 2 and s.chance(0.5) and s.writable(1):
        cnt = s.rng.choice([0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 0xFF])
        s.set_reg(1, cnt, 8)
    s.need_flags(reads)
    rm = rm_for(s, size, True)
    if form == 0:
        cnt = s.rng.choice([0, 1, 2, 3, 7, 8, 9, 16, 31, 32, 33, 63, 64, 0x80, s.rng.randrange(256)])
        b = s.enc(b"\xc0" if byte else b"\xc1", reg=ext, rm=rm, opsize=size, byte_regs=byte,
                  imm_bytes=imm(cnt, 1))
        count = cnt & mask
    elif form == 1:
        b = s.enc(b"\xd0" if byte else b"\xd1", reg=ext, rm=rm, opsize=size, byte_regs=byte)
        count = 1
    else:
        b = s.enc(b"\xd2" if byte else b"\xd3", reg=ext, rm=rm, opsize=size, byte_regs=byte)
        count = s.known_value(1)
        if count is not None:
            count &= mask
    fdef, fundef, cond = shift_effect(kind, size, count)
    s.emit(b, fl_def=fdef, fl_undef=fundef, fl_cond=cond, fl_read=reads)


def op_shld(s):
    """SHLD/SHRD. A count above the operand size leaves the result undefined
    (16-bit only, counts 17-31): 16-bit forms use known counts up to 16."""
    kind = s.rng.choice(["shld", "shrd"])
    if not s.allowed(kind):
        return
    size = pick_size(s, byte=False)
    mask = 0x3F if size == 64 else 0x1F
    use_cl = s.chance(0.5)
    if use_cl and size == 16 and not s.writable(1):
        use_cl = False
    if use_cl:
        cnt = s.rng.choice([0, 1, 2, 8, 15, 16, 31, 32, 63]) if size != 16 else s.rng.randrange(17)
        known = size == 16 or (s.chance(0.5) and s.writable(1))
        if known:
            s.set_reg(1, cnt, 8)
    else:
        cnt = s.rng.choice([0, 1, 2, 8, 15, 16, 31, 32, 63, s.rng.randrange(256)])
        if size == 16:
            cnt = s.rng.randrange(17) | (s.rng.choice([0, 0x20, 0x40]))
        known = True
    rm = rm_for(s, size, True)
    if isinstance(rm, Mem) and rm.rip_target is not None and not use_cl:
        s.used.add(kind + "-imm-rip")
    reg = s.reg_any()
    op = {"shld": 0xA4, "shrd": 0xAC}[kind] + (1 if use_cl else 0)
    b = s.enc(bytes([0x0F, op]), reg=reg, rm=rm, opsize=size,
              imm_bytes=b"" if use_cl else imm(cnt, 1))
    if known:
        c = cnt & mask
        if c == 0:
            s.emit(b)
            return
        of = OF if c == 1 else 0
        s.emit(b, fl_def=CF | SF | ZF | PF | of, fl_undef=AF | (OF & ~of))
    else:
        s.emit(b, fl_def=CF | SF | ZF | PF, fl_undef=AF | OF, fl_cond=True)


# ---- bit operations ----

def op_bt(s):
    ext = s.rng.randrange(4)  # BT BTS BTR BTC
    kind = ["bt", "bts", "btr", "btc"][ext]
    if not s.allowed(kind):
        return
    size = pick_size(s, byte=False)
    if s.chance(0.5):  # imm8 form: the offset is taken modulo the operand size
        rm = rm_for(s, size, ext != 0)
        pre = lock_for(s, rm) if ext else []
        b = s.enc(b"\x0f\xba", reg=4 + ext, rm=rm, opsize=size, prefixes=pre,
                  imm_bytes=imm(s.rng.randrange(256), 1))
    elif s.chance(0.5):  # register operand: offset modulo the size
        rm = s.reg_dst() if ext else s.reg_any()
        b = s.enc(bytes([0x0F, 0xA3 + 8 * ext]), reg=s.reg_any(), rm=rm, opsize=size)
    else:
        # memory with a register offset: a bit string that may start before
        # or after the operand; keep it inside the page
        off_reg = s.reg_dst()
        nb = size // 8
        start = s.rng.randrange(0x200, DATA_SIZE - 0x200) & ~(nb - 1)
        bit = s.rng.randrange(-0x1000, 0x1000)
        if not 0 <= start + (bit >> 3) < DATA_SIZE - nb:
            bit = 0
        # the offset is the register's low 16/32/64 bits, signed
        s.set_reg(off_reg, bit & 0xFFFFFFFFFFFFFFFF, 64 if size == 64 else 32)
        m = s.mem(nb, offset=start)
        pre = [LOCK] if ext and s.chance(0.3) else []
        b = s.enc(bytes([0x0F, 0xA3 + 8 * ext]), reg=off_reg, rm=m, opsize=size, prefixes=pre)
    s.emit(b, fl_def=CF, fl_undef=OF | SF | AF | PF)


def op_bsf(s):
    """BSF/BSR: a zero source leaves the destination unchanged and sets ZF
    (AMD documents it, Intel CPUs do it, the SDM says undefined)."""
    kind = s.rng.choice(["bsf", "bsr", "popcnt"])
    if not s.allowed(kind):
        return
    size = pick_size(s, byte=False)
    if kind == "popcnt":
        s.emit(s.enc(b"\x0f\xb8", mandatory=0xF3, reg=s.reg_dst(), rm=rm_for(s, size, False),
                     opsize=size), fl_def=STATUS)
        return
    op = b"\x0f\xbc" if kind == "bsf" else b"\x0f\xbd"
    if size == 32:
        s.used.add(kind + "-32")  # a zero source leaves all 64 bits alone
    s.emit(s.enc(op, reg=s.reg_dst(), rm=rm_for(s, size, False), opsize=size),
           fl_def=ZF, fl_undef=CF | OF | SF | AF | PF)


# ---- flag users and flag instructions ----

def op_setcc(s):
    if not s.allowed("setcc"):
        return
    cc = s.rng.randrange(16)
    s.need_flags(CC_READS[cc])
    rm = s.rm_operand(1, True, byte=True)
    s.emit(s.enc(bytes([0x0F, 0x90 + cc]), reg=0, rm=rm, opsize=8, byte_regs=True),
           fl_read=CC_READS[cc])


def op_cmovcc(s):
    if not s.allowed("cmovcc"):
        return
    cc = s.rng.randrange(16)
    s.need_flags(CC_READS[cc])
    size = pick_size(s, byte=False)
    s.emit(s.enc(bytes([0x0F, 0x40 + cc]), reg=s.reg_dst(), rm=rm_for(s, size, False),
                 opsize=size), fl_read=CC_READS[cc])


def op_carry(s):
    """CLC, STC, CMC."""
    if not s.allowed("carry"):
        return
    op = s.rng.choice([b"\xf8", b"\xf9", b"\xf5"])
    s.need_flags(CF if op == b"\xf5" else 0)
    s.emit(op, fl_def=CF, fl_read=CF if op == b"\xf5" else 0)


def op_lahf_sahf(s):
    if s.chance(0.5):
        if not s.allowed("lahf"):
            return
        s.need_flags(SF | ZF | AF | PF | CF)
        s.emit(b"\x9f", fl_read=SF | ZF | AF | PF | CF)
    else:
        if not s.allowed("sahf"):
            return
        s.emit(b"\x9e", fl_def=SF | ZF | AF | PF | CF)


def op_cld_std(s):
    if not s.allowed("cld-std"):
        return
    s.df = s.rng.randrange(2)
    s.emit(b"\xfd" if s.df else b"\xfc")


# ---- stack ----

def op_push_pop(s):
    if not s.stack_ok or not s.allowed("push-pop"):
        return
    room_push = s.rsp_off - 0x400 >= 16
    room_pop = s.rsp_off <= 0xFF0 - 8
    kind = s.rng.randrange(6)
    o16 = s.chance(0.15)
    n = 2 if o16 else 8
    if kind <= 2 and room_push:
        if kind == 0:
            b = s.enc(b"\x50", no_modrm=True, opsize=16 if o16 else 32, opcode_reg=s.reg_any())
        elif kind == 1:
            if s.chance(0.5):
                b = s.enc(b"\x6a", no_modrm=True, opsize=16 if o16 else 32,
                          imm_bytes=imm(s.rand_imm(1), 1))
            else:
                b = s.enc(b"\x68", no_modrm=True, opsize=16 if o16 else 32,
                          imm_bytes=imm(s.rand_imm(2 if o16 else 4), 2 if o16 else 4))
        else:
            b = s.enc(b"\xff", reg=6, rm=s.mem(n, allow_rsp=False), opsize=16 if o16 else 32)
        s.emit(b, rsp=-n)
    elif kind <= 4 and room_pop:
        if kind == 3:
            b = s.enc(b"\x58", no_modrm=True, opsize=16 if o16 else 32, opcode_reg=s.reg_dst())
        else:
            # POP r/m computes the address after incrementing RSP (SDM POP):
            # RSP-based operands are left out, the others are unaffected
            b = s.enc(b"\x8f", reg=0, rm=s.mem(n, allow_rsp=False), opsize=16 if o16 else 32)
        s.emit(b, rsp=n)
    elif room_push and s.allowed("pushf-popf"):
        # PUSHF, or PUSH imm; POPF with a known value (TF, NT, RF stay clear;
        # AC too: kvm_pvm raises #AC for it, lib/user.h)
        if s.chance(0.5):
            s.need_flags(STATUS)
            s.emit(b"\x9c", fl_read=STATUS, rsp=-8)
        else:
            v = 0
            for f in (CF, PF, AF, ZF, SF, OF):
                v |= f if s.chance(0.5) else 0
            s.df = 1 if s.chance(0.2) else 0
            v |= 0x400 if s.df else 0
            s.emit(s.enc(b"\x68", no_modrm=True, imm_bytes=imm(v, 4)), rsp=-8)
            s.emit(b"\x9d", fl_def=STATUS, rsp=8)


def op_call_pop(s):
    """CALL to the next instruction, then POP: RIP into a register."""
    if not s.stack_ok or not s.allowed("call") or s.rsp_off < 0x420:
        return
    s.emit(s.enc(b"\xe8", no_modrm=True, imm_bytes=imm(0, 4)), rsp=-8)
    s.emit(s.enc(b"\x58", no_modrm=True, opcode_reg=s.reg_dst()), rsp=8)


# ---- strings ----

STRING_OPS = {"movs": 0xA4, "cmps": 0xA6, "stos": 0xAA, "lods": 0xAC, "scas": 0xAE}


def op_string(s):
    kind = s.rng.choice(list(STRING_OPS))
    if not s.allowed(kind) or not s.writable(1):
        return
    size = pick_size(s)
    nb = size // 8
    rep = s.chance(0.7)
    count = s.rng.choice([0, 1, 2, 3, 5, 8, 16]) if rep else 1
    # pointers in the middle of the page: room either way whatever DF is
    span = count * nb + 16
    if kind in ("movs", "cmps", "lods"):
        s.set_reg(6, DATA_ADDR + s.rng.randrange(span, DATA_SIZE - span), 32)
    if kind in ("movs", "cmps", "stos", "scas"):
        s.set_reg(7, DATA_ADDR + s.rng.randrange(span, DATA_SIZE - span), 32)
    if rep:
        s.set_reg(1, count, 32 if s.chance(0.8) else 64)
    pre = []
    if rep:
        pre.append(s.rng.choice([0xF3, 0xF2]) if kind in ("cmps", "scas") else 0xF3)
    if s.chance(0.1):
        pre.append(0x67)  # ECX, ESI, EDI: the values above fit in 32 bits
    op = STRING_OPS[kind] + (0 if size == 8 else 1)
    b = s.enc(bytes([op]), no_modrm=True, opsize=size, prefixes=pre)
    if kind in ("cmps", "scas"):
        if count == 0:
            s.emit(b)
        else:
            s.emit(b, fl_def=STATUS)
    else:
        s.emit(b)


def op_xlat(s):
    """XLAT reads [RBX + AL]: only while RBX is the base register."""
    if s.base != 3 or s.base_off > DATA_SIZE - 0x100 or not s.allowed("xlat"):
        return
    s.emit(b"\xd7")


# ---- no-ops and hints ----

def op_nop(s):
    if not s.allowed("nop"):
        return
    kind = s.rng.randrange(5)
    if kind == 0:
        s.emit(b"\x90")
    elif kind == 1:
        s.emit(b"\x66\x90")
    elif kind == 2:
        s.emit(b"\xf3\x90")  # PAUSE
    elif kind == 3:
        # 0F 1F /0: the memory operand is not accessed, any registers do
        m = Mem(base=s.reg_any(), index=s.rng.choice([None, 0, 1, 2, 3, 5, 9]),
                scale=s.rng.choice([1, 8]), disp=s.rng.randrange(-0x1000, 0x1000))
        s.emit(s.enc(b"\x0f\x1f", reg=0, rm=m, opsize=s.rng.choice([16, 32])))
    else:
        fence = s.rng.choice([b"\x0f\xae\xe8", b"\x0f\xae\xf0", b"\x0f\xae\xf8"])
        s.emit(fence)


def op_clflush_prefetch(s):
    if not s.allowed("cache"):
        return
    m = s.mem(1)
    if s.chance(0.5):
        s.emit(s.enc(b"\x0f\xae", reg=7, rm=m))           # CLFLUSH
    else:
        s.emit(s.enc(b"\x0f\x18", reg=s.rng.randrange(4), rm=m))  # PREFETCHh


OPS = [
    (12, op_alu), (4, op_unary), (3, op_test), (6, op_mov), (3, op_movx), (4, op_lea),
    (2, op_xchg), (1, op_bswap), (1, op_convert), (2, op_xadd_cmpxchg), (1, op_cmpxchg8b),
    (3, op_mul), (2, op_div), (5, op_shift), (2, op_shld), (2, op_bt), (2, op_bsf),
    (2, op_setcc), (2, op_cmovcc), (1, op_carry), (1, op_lahf_sahf), (1, op_cld_std),
    (3, op_push_pop), (1, op_call_pop), (3, op_string), (1, op_xlat), (1, op_nop),
    (1, op_clflush_prefetch),
]
