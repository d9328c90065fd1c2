"""One fuzz sequence being built: its bytes, the initial machine state, and
what the generator knows statically while it adds instructions.

What is tracked (README.md, "Undefined results"):
- per status flag (CF PF AF ZF SF OF) whether it is defined on every path
  to the current point. An instruction defines flags, leaves flags
  undefined (SDM "Flags Affected": undefined), or, when a count known only
  at run time may be zero, leaves them as they were or as it sets them:
  then a flag it defines stays defined only if it was, and a flag it may
  leave undefined becomes undefined. Instructions that read flags (ADC,
  SETcc, PUSHF, LAHF, ...) are only emitted once those flags are defined;
  the generator inserts a CMP first where needed.
- the same for the x87 condition codes C0-C3.
- a mark per instruction boundary with the flags undefined there, so the
  guest can mask the right ones wherever the body stops (a fault can end
  it at any instruction).
- the stack pointer (exact: only PUSH/POP/CALL move it), the base and
  index registers that memory operands use (never written), DF.
"""

import struct

from .encode import Mem, encode, EncodeError, imm, HIGH_BYTE_BASE, RSP

CODE_ADDR = 0x20000
DATA_ADDR = 0x30000
DATA_SIZE = 0x1000
STACK_LOW = 0x400     # RSP stays within [STACK_LOW, DATA_SIZE - 8] of the page
STACK_START = 0xE00

CF, PF, AF, ZF, SF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x800
STATUS = CF | PF | AF | ZF | SF | OF
DF = 0x400
ID = 0x200000

FSW_C0, FSW_C1, FSW_C2, FSW_C3 = 0x100, 0x200, 0x400, 0x4000
FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3

# Flags read by condition code cc (SDM vol. 1, table B-1)
CC_READS = [OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF,
            SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF]

EDGE64 = [0, 1, 2, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0x8000000000000000,
          0x7FFFFFFFFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0x100000000,
          0xFFFFFFFF80000000, 0x8000, 0x7FFF, 0xFFFF, 0xFFFFFFFFFFFF8000, 0x80, 0x7F,
          0xFF, 0xFFFFFFFFFFFFFF80, 0x3F, 0x40, 0x41, 0x1F, 0x20, 0x21]

FLOAT64 = [0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
           0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000,
           0x7FF4000000000000, 0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x0010000000000000,
           0x7FEFFFFFFFFFFFFF, 0x4340000000000000, 0x41E0000000000000, 0xC3E0000000000000,
           0x3FE0000000000000, 0x400921FB54442D18]
FLOAT32 = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
           0x7FC00000, 0xFFC00000, 0x7FA00000, 0x00000001, 0x807FFFFF, 0x00800000,
           0x7F7FFFFF, 0x4B000000, 0x4F000000, 0xCF000000, 0x3F000000, 0x40490FDB]

# Registers memory operands may be based on: never implicit operands of
# anything the generator emits (RAX RCX RDX RSI RDI are, RSP is the stack).
ADDRESS_REGS = [3, 5, 8, 9, 10, 11, 12, 13, 14, 15]


class Retry(Exception):
    """The emitter chose something the generator would rather not have
    here: drop it and pick again (Seq.try_emit)."""


# Stack faults are kept in this share of the x87 instructions that would
# take one; the others are dropped and picked again.
X87_FAULT_KEEP = 0.15


class Seq:
    def __init__(self, rng, index, exclude=frozenset()):
        self.rng = rng
        self.index = index
        self.used = set()       # instruction names emitted (or tried)
        self.exclude = exclude
        self.code = bytearray()
        self.marks = []
        self.undef = 0
        self.fsw_undef = 0
        self.rsp_off = STACK_START
        self.stack_ok = True    # cleared inside skipped groups and loops
        self.protected = set()  # registers no instruction may write
        self.depth = 0          # nesting of jumps and loops
        self.known = None       # (register, value, code length) after set_reg
        self.x87 = [False] * 8  # ST(i) holds a value (the stack starts empty)
        # initial state
        self.gpr = [self.rand_value() for _ in range(16)]
        base_regs = list(ADDRESS_REGS)
        rng.shuffle(base_regs)
        self.base = base_regs[0]
        self.base_off = rng.randrange(0, DATA_SIZE // 16) * 16
        self.gpr[self.base] = DATA_ADDR + self.base_off
        self.index_reg = base_regs[1] if rng.random() < 0.6 else None
        if self.index_reg is not None:
            self.index_val = rng.choice([0, 1, 2, 3, 8, 16, rng.randrange(0, 0x40)])
            self.gpr[self.index_reg] = self.index_val
            self.protected.add(self.index_reg)
        self.protected.update({RSP, self.base})
        self.gpr[RSP] = DATA_ADDR + STACK_START
        self.df = 1 if rng.random() < 0.2 else 0
        rf = 0
        for f in (CF, PF, AF, ZF, SF, OF):
            if rng.random() < 0.5:
                rf |= f
        rf |= DF if self.df else 0
        rf |= ID if rng.random() < 0.1 else 0
        self.rflags = rf
        self.mxcsr = 0x1F80
        self.mxcsr |= rng.randrange(4) << 13               # rounding control
        self.mxcsr |= 0x8000 if rng.random() < 0.15 else 0  # FTZ
        self.mxcsr |= 0x0040 if rng.random() < 0.15 else 0  # DAZ
        if rng.random() < 0.05:
            self.mxcsr &= ~(1 << rng.randrange(7, 13))       # an unmasked exception: #XM
            self.used.add("mxcsr-unmasked")
        if self.mxcsr & 0x0040:
            self.used.add("mxcsr-daz")
        self.fcw = 0x037F
        if rng.random() < 0.3:
            self.fcw = (self.fcw & ~0x0F00) | (rng.choice([0, 2, 3, 3]) << 8) | (rng.randrange(4) << 10)
        if rng.random() < 0.03:
            self.fcw &= ~(1 << rng.randrange(0, 6))          # an unmasked exception: #MF
            self.used.add("fcw-unmasked")
        if (self.fcw >> 8) & 3 != 3:
            self.used.add("x87-precision")                   # rounding to single or double
        self.xmm = [self.rand_xmm() for _ in range(16)]
        self.data_seed = rng.getrandbits(64)

    # ---- random values ----

    def rand_value(self, bits=64):
        r = self.rng.random()
        mask = (1 << bits) - 1
        if r < 0.35:
            return self.rng.choice(EDGE64) & mask
        if r < 0.45:
            return self.rng.randrange(0, 0x100)
        if r < 0.55:
            v = self.rng.getrandbits(32)
            return (v | (0xFFFFFFFF00000000 if v & 0x80000000 else 0)) & mask
        return self.rng.getrandbits(bits)

    def rand_imm(self, size):
        """An immediate of size bytes, as an unsigned value."""
        return self.rand_value(8 * size) & ((1 << (8 * size)) - 1)

    def rand_xmm(self):
        parts = []
        kind = self.rng.random()
        for _ in range(2):
            if kind < 0.3:
                parts.append(self.rng.choice(FLOAT64))
            elif kind < 0.6:
                parts.append(self.rng.choice(FLOAT32) | self.rng.choice(FLOAT32) << 32)
            else:
                parts.append(self.rand_value())
        return struct.pack("<QQ", *parts)

    def chance(self, p):
        return self.rng.random() < p

    def allowed(self, name):
        """May name be generated? Names asked for are remembered (used),
        so a comparison can tell which sequences contain what."""
        if name in self.exclude:
            return False
        self.used.add(name)
        return True

    # ---- registers ----

    def reg_any(self):
        return self.rng.randrange(16)

    def writable(self, r):
        if r >= HIGH_BYTE_BASE:
            r -= HIGH_BYTE_BASE + 4  # AH..BH live in RAX..RBX
        return r not in self.protected

    def reg_dst(self):
        while True:
            r = self.rng.randrange(16)
            if self.writable(r):
                return r

    def reg8(self, dst, allow_high=True):
        """A byte register: 0-15, or AH..BH (no REX with those)."""
        while True:
            if allow_high and self.chance(0.2):
                r = HIGH_BYTE_BASE + 4 + self.rng.randrange(4)
            else:
                r = self.rng.randrange(16)
            if not dst or self.writable(r):
                return r

    # ---- memory operands confined to the data page ----

    def mem(self, size, align=1, allow_rsp=True, offset=None):
        """A Mem whose effective address lies in the data page, aligned to
        align, with room for size bytes."""
        if offset is None:
            hi = DATA_SIZE - max(size, 1)
            offset = self.rng.randrange(0, hi // align + 1) * align
        ea = DATA_ADDR + offset
        forms = ["base"] * 5 + ["rip", "abs"]
        if self.index_reg is not None:
            forms += ["base_index"] * 3 + ["index"]
        if allow_rsp:
            forms.append("rsp")
        form = self.rng.choice(forms)
        wide = self.chance(0.15)
        a32 = self.chance(0.08)
        if form == "rip":
            return Mem(rip_target=ea, addr32=self.chance(0.05))
        if form == "abs":
            return Mem(absolute=True, disp=ea)
        if form == "rsp":
            return Mem(base=RSP, disp=ea - (DATA_ADDR + self.rsp_off), wide_disp=wide, addr32=a32)
        scale = self.rng.choice([1, 2, 4, 8])
        if form == "index":
            return Mem(index=self.index_reg, scale=scale, disp=ea - self.index_val * scale)
        base_val = DATA_ADDR + self.base_off
        if form == "base_index":
            return Mem(base=self.base, index=self.index_reg, scale=scale,
                       disp=ea - base_val - self.index_val * scale, wide_disp=wide, addr32=a32)
        return Mem(base=self.base, disp=ea - base_val, wide_disp=wide, addr32=a32)

    def rm_operand(self, size, dst, align=1, p_mem=0.4, byte=False):
        """A register or a data-page Mem for an r/m operand."""
        if self.chance(p_mem):
            return self.mem(size, align)
        if byte:
            return self.reg8(dst)
        return self.reg_dst() if dst else self.reg_any()

    # ---- emitting ----

    def pos(self):
        return CODE_ADDR + len(self.code)

    def enc(self, opcode, **kw):
        return encode(opcode, pos=self.pos(), **kw)

    def mark(self):
        self.marks.append((len(self.code), self.undef, self.fsw_undef))

    def emit(self, b, fl_def=0, fl_undef=0, fl_cond=False, fl_read=0, fsw=None, rsp=0):
        """Append one instruction and apply its effect on what is tracked.

        fl_def / fl_undef: status flags the instruction defines / leaves
        undefined. fl_cond: it changes them only if a run-time count is not
        zero. fl_read: flags it reads (must be defined). fsw: (defined,
        undefined) C0-C3 bits, or None if it leaves them alone. rsp: its
        change of RSP.
        """
        assert not (self.undef & fl_read), "flags read while undefined"
        assert rsp == 0 or self.stack_ok
        self.mark()
        self.code += b
        if fl_cond:
            self.undef |= fl_undef
        else:
            self.undef = (self.undef & ~(fl_def | fl_undef)) | fl_undef
        if fsw is not None:
            fdef, fundef = fsw
            self.fsw_undef = (self.fsw_undef & ~(fdef | fundef)) | fundef
        self.rsp_off += rsp
        assert STACK_LOW <= self.rsp_off <= DATA_SIZE - 8

    def need_flags(self, mask):
        """Make the flags in mask defined, with a CMP if they are not."""
        if not (self.undef & mask):
            return
        a, b = self.reg_any(), self.reg_any()
        choice = self.rng.randrange(3)
        if choice == 0:
            self.emit(self.enc(b"\x39", reg=a, rm=b, opsize=self.rng.choice([16, 32, 64])),
                      fl_def=STATUS)
        elif choice == 1:
            self.emit(self.enc(b"\x83", reg=7, rm=a, opsize=self.rng.choice([32, 64]),
                               imm_bytes=imm(self.rand_imm(1), 1)), fl_def=STATUS)
        else:
            self.emit(self.enc(b"\x3c", no_modrm=True, opsize=8,
                               imm_bytes=imm(self.rand_imm(1), 1)), fl_def=STATUS)

    def need_fsw(self):
        """Make C0-C3 defined (FXAM: it classifies ST0, even an empty one)."""
        if self.fsw_undef:
            self.emit(b"\xd9\xe5", fsw=(FSW_CC, 0))

    # ---- the x87 register stack: which ST(i) hold values ----
    # An instruction that reads an empty register or pushes onto a full one
    # takes a stack fault (SDM vol. 1, 8.5.1.1); the sequence is marked, since
    # QEMU does not model stack faults (qemu-exclusions.txt).

    # After paths with different stacks meet, self.x87 is None: unknown.

    def x87_fault(self):
        if self.rng.random() >= X87_FAULT_KEEP:
            raise Retry()
        self.used.add("x87-stack-fault")

    def x87_use(self, *regs):
        if self.x87 is None or any(not self.x87[i] for i in regs):
            self.x87_fault()

    def x87_push(self):
        if self.x87 is None or self.x87[7]:
            self.x87_fault()
        if self.x87 is not None:
            self.x87 = [True] + self.x87[:7]

    def x87_reg(self):
        """An ST(i) operand: mostly one that holds a value."""
        if self.x87 is not None and any(self.x87) and self.rng.random() > X87_FAULT_KEEP:
            return self.rng.choice([i for i in range(8) if self.x87[i]])
        return self.rng.randrange(8)

    def x87_pop(self, n=1):
        for _ in range(n):
            if self.x87 is not None:
                self.x87 = self.x87[1:] + [False]

    def x87_set(self, i, valid):
        if self.x87 is not None:
            self.x87 = self.x87[:i] + [valid] + self.x87[i + 1:]

    def set_reg(self, r, value, size=32):
        """MOV r, imm; known_value(r) returns value until the next
        instruction."""
        assert self.writable(r)
        if size == 64:
            self.emit(self.enc(b"\xb8", no_modrm=True, opsize=64, opcode_reg=r,
                               imm_bytes=imm(value, 8)))
        elif size == 8:
            self.emit(self.enc(b"\xb0", no_modrm=True, opsize=8, opcode_reg=r, byte_regs=True,
                               imm_bytes=imm(value, 1)))
        else:
            self.emit(self.enc(b"\xb8", no_modrm=True, opsize=32, opcode_reg=r,
                               imm_bytes=imm(value, 4)))
        self.known = (r, value, len(self.code))

    def known_value(self, r):
        if self.known and self.known[0] == r and self.known[2] == len(self.code):
            return self.known[1]
        return None

    def try_emit(self, fn):
        """Run an emitter; an operand combination that cannot be encoded
        (AH with REX, ...) is dropped without trace."""
        saved = (len(self.code), len(self.marks), self.undef, self.fsw_undef, self.rsp_off,
                 self.x87, self.df)
        try:
            fn(self)
            return True
        except (EncodeError, Retry):
            n, m, self.undef, self.fsw_undef, self.rsp_off, self.x87, self.df = saved
            del self.code[n:]
            del self.marks[m:]
            return False

    def finish(self, terminator):
        """The last instruction; a mark after it covers traps (INT3), whose
        RIP points past them."""
        self.emit(terminator)
        self.mark()

    def record(self):
        """The module record (fuzz.c, struct fuzz_record)."""
        marks = []
        seen = {}
        for off, u, f in self.marks:
            seen[off] = (u, f)  # the last mark at an offset wins: it is the state there
        for off in sorted(seen):
            u, f = seen[off]
            marks.append(struct.pack("<HHHH", off, u, f, 0))
        head = struct.pack("<IIHHIHBBIQQ", 0, self.index, len(self.code), len(marks),
                           self.mxcsr, self.fcw, 0, 0, 0, self.data_seed, self.rflags)
        head += struct.pack("<16Q", *self.gpr) + b"".join(self.xmm)
        body = head + b"".join(marks) + bytes(self.code)
        body += b"\0" * (-len(body) % 8)
        return struct.pack("<I", len(body)) + body[4:]
