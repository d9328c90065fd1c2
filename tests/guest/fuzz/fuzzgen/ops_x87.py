"""x87 basics for the fuzzer (Intel SDM vol. 1 chapter 8, vol. 2 opcode
pages; C0-C3 effects from their "FPU Flags Affected" sections).

C0-C3 tracking (Seq.fsw_undef): most arithmetic defines C1 and leaves C0,
C2, C3 undefined; compares and FXAM define all four; FCOMI defines C1 only
and EFLAGS' ZF PF CF. FNSTSW needs all four defined (an FXAM goes first).
The register stack is tracked too (Seq.x87_*): sequences that may take a
stack fault are marked "x87-stack-fault".
Left out: transcendentals (F2XM1, FYL2X, FSIN, FPTAN, ...: their last bits
differ between implementations), FSTENV/FSAVE/FXSAVE (they store the FPU
instruction and data pointers, which the comparison leaves out).
"""

from .seq import CF, PF, AF, ZF, SF, OF, CC_READS, FSW_C0, FSW_C1, FSW_C2, FSW_C3, FSW_CC

ARITH = (FSW_C1, FSW_C0 | FSW_C2 | FSW_C3)   # C1 defined, the rest undefined
COMPARE = (FSW_CC, 0)
ALL_UNDEF = (0, FSW_CC)

CONSTANTS = {"fld1": 0xE8, "fldl2t": 0xE9, "fldl2e": 0xEA, "fldpi": 0xEB, "fldlg2": 0xEC,
             "fldln2": 0xED, "fldz": 0xEE}
# D8 /digit, on ST(0) and ST(i) or m32; DC on ST(i) and ST(0) or m64
ARITH_OPS = ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"]
ONE_BYTE = {"fchs": b"\xd9\xe0", "fabs": b"\xd9\xe1", "fsqrt": b"\xd9\xfa",
            "frndint": b"\xd9\xfc", "fdecstp": b"\xd9\xf6", "fincstp": b"\xd9\xf7",
            "fnop": b"\xd9\xd0"}
# FCMOVcc: (opcode, condition code whose flags it reads)
FCMOV = [(b"\xda\xc0", 2), (b"\xda\xc8", 4), (b"\xda\xd0", 6), (b"\xda\xd8", 10),
         (b"\xdb\xc0", 3), (b"\xdb\xc8", 5), (b"\xdb\xd0", 7), (b"\xdb\xd8", 11)]


def sti(s):
    return s.x87_reg()


def op_fld(s):
    kind = s.rng.randrange(6)
    if kind == 0:
        name = s.rng.choice(list(CONSTANTS))
        if s.allowed(name):
            s.emit(bytes([0xD9, CONSTANTS[name]]), fsw=ARITH)
            s.x87_push()
    elif kind == 1 and s.allowed("fld-st"):
        i = sti(s)
        s.emit(bytes([0xD9, 0xC0 + i]), fsw=ARITH)
        s.x87_use(i)
        s.x87_push()
    elif kind == 2 and s.allowed("fld-m"):
        size = s.rng.choice([4, 8, 8])
        s.emit(s.enc(b"\xd9" if size == 4 else b"\xdd", reg=0, rm=s.mem(size)), fsw=ARITH)
        s.x87_push()
    elif kind == 3 and s.allowed("fld-m80"):
        s.emit(s.enc(b"\xdb", reg=5, rm=s.mem(10)), fsw=ARITH)
        s.x87_push()
    elif kind >= 4 and s.allowed("fild"):
        size = s.rng.choice([2, 4, 8])
        op, ext = {2: (b"\xdf", 0), 4: (b"\xdb", 0), 8: (b"\xdf", 5)}[size]
        s.emit(s.enc(op, reg=ext, rm=s.mem(size)), fsw=ARITH)
        s.x87_push()


def op_fst(s):
    kind = s.rng.randrange(5)
    if kind == 0 and s.allowed("fst-st"):
        i, pop = sti(s), s.chance(0.5)
        s.emit(bytes([0xDD, (0xD8 if pop else 0xD0) + i]), fsw=ARITH)
        s.x87_use(0)
        s.x87_set(i, True)
        s.x87_pop(1 if pop else 0)
    elif kind == 1 and s.allowed("fst-m"):
        size, ext = s.rng.choice([4, 8]), s.rng.choice([2, 3])
        s.emit(s.enc(b"\xd9" if size == 4 else b"\xdd", reg=ext, rm=s.mem(size)), fsw=ARITH)
        s.x87_use(0)
        s.x87_pop(1 if ext == 3 else 0)
    elif kind == 2 and s.allowed("fstp-m80"):
        s.emit(s.enc(b"\xdb", reg=7, rm=s.mem(10)), fsw=ARITH)
        s.x87_use(0)
        s.x87_pop()
    elif kind == 3 and s.allowed("fist"):
        size = s.rng.choice([2, 4, 8])
        op, ext = {2: (b"\xdf", s.rng.choice([2, 3])), 4: (b"\xdb", s.rng.choice([2, 3])),
                   8: (b"\xdf", 7)}[size]
        s.emit(s.enc(op, reg=ext, rm=s.mem(size)), fsw=ARITH)
        s.x87_use(0)
        s.x87_pop(0 if ext == 2 else 1)
    elif kind == 4 and s.allowed("fisttp"):
        size = s.rng.choice([2, 4, 8])
        op = {2: b"\xdf", 4: b"\xdb", 8: b"\xdd"}[size]
        s.emit(s.enc(op, reg=1, rm=s.mem(size)), fsw=ARITH)
        s.x87_use(0)
        s.x87_pop()


def op_farith(s):
    ext = s.rng.randrange(8)
    name = ARITH_OPS[ext]
    if not s.allowed(name):
        return
    compare = name in ("fcom", "fcomp")
    pops = 1 if name == "fcomp" else 0
    fsw = COMPARE if compare else ARITH
    form = s.rng.randrange(5)
    i = sti(s)
    if form == 0:      # D8: ST(0) = ST(0) op ST(i)
        s.emit(bytes([0xD8, 0xC0 + 8 * ext + i]), fsw=fsw)
        s.x87_use(0, i)
    elif form == 1 and not compare:  # DC: ST(i) = ST(i) op ST(0)
        s.emit(bytes([0xDC, 0xC0 + 8 * ext + i]), fsw=fsw)
        s.x87_use(0, i)
    elif form == 2 and not compare:  # DE: ... and pop
        s.emit(bytes([0xDE, 0xC0 + 8 * ext + i]), fsw=fsw)
        s.x87_use(0, i)
        pops = 1
    elif form == 3:    # m32fp / m64fp
        size = s.rng.choice([4, 8])
        s.emit(s.enc(b"\xd8" if size == 4 else b"\xdc", reg=ext, rm=s.mem(size)), fsw=fsw)
        s.x87_use(0)
    elif s.allowed("fiarith"):  # m16int / m32int
        size = s.rng.choice([2, 4])
        s.emit(s.enc(b"\xde" if size == 2 else b"\xda", reg=ext, rm=s.mem(size)), fsw=fsw)
        s.x87_use(0)
    else:
        return
    s.x87_pop(pops)


def op_fmisc(s):
    kind = s.rng.randrange(9)
    if kind == 0:
        name = s.rng.choice(list(ONE_BYTE))
        if s.allowed(name):
            s.emit(ONE_BYTE[name], fsw=ALL_UNDEF if name == "fnop" else ARITH)
            if name == "fdecstp" and s.x87 is not None:
                s.x87 = [s.x87[7]] + s.x87[:7]
            elif name == "fincstp" and s.x87 is not None:
                s.x87 = s.x87[1:] + [s.x87[0]]
            elif name not in ("fnop", "fdecstp", "fincstp"):
                s.x87_use(0)
    elif kind == 1 and s.allowed("fxch"):
        i = sti(s)
        s.emit(bytes([0xD9, 0xC8 + i]), fsw=ARITH)
        s.x87_use(0, i)
    elif kind == 2 and s.allowed("ftst-fxam"):
        op = s.rng.choice([b"\xd9\xe4", b"\xd9\xe5"])
        s.emit(op, fsw=COMPARE)
        if op == b"\xd9\xe4":
            s.x87_use(0)   # FTST faults on an empty ST0; FXAM classifies it
    elif kind == 3 and s.allowed("fucom"):
        i = sti(s)
        op, regs, pops = s.rng.choice([(bytes([0xDD, 0xE0 + i]), (0, i), 0),
                                       (bytes([0xDD, 0xE8 + i]), (0, i), 1),
                                       (b"\xda\xe9", (0, 1), 2), (b"\xde\xd9", (0, 1), 2)])
        s.emit(op, fsw=COMPARE)
        s.x87_use(*regs)
        s.x87_pop(pops)
    elif kind == 4 and s.allowed("fcomi"):
        # ZF PF CF from the compare; OF SF AF taken as undefined
        op, i = s.rng.choice([0xDB, 0xDF]), sti(s)
        s.emit(bytes([op, s.rng.choice([0xE8, 0xF0]) + i]), fl_def=ZF | PF | CF,
               fl_undef=OF | SF | AF, fsw=(FSW_C1, 0))
        s.x87_use(0, i)
        s.x87_pop(1 if op == 0xDF else 0)
    elif kind == 5 and s.allowed("fcmov"):
        op, cc = s.rng.choice(FCMOV)
        i = sti(s)
        s.need_flags(CC_READS[cc])
        s.emit(op[:1] + bytes([op[1] + i]), fl_read=CC_READS[cc], fsw=ARITH)
        s.x87_use(0, i)
    elif kind == 6 and s.allowed("fnstsw"):
        s.need_fsw()
        if s.chance(0.5):
            s.emit(b"\xdf\xe0", fsw=ALL_UNDEF)     # FNSTSW AX
        else:
            s.emit(s.enc(b"\xdd", reg=7, rm=s.mem(2)), fsw=ALL_UNDEF)
    elif kind == 7 and s.allowed("fcw"):
        if s.chance(0.5):
            s.emit(s.enc(b"\xd9", reg=7, rm=s.mem(2)), fsw=ALL_UNDEF)   # FNSTCW
        else:
            s.emit(s.enc(b"\xd9", reg=5, rm=s.mem(2)), fsw=ALL_UNDEF)   # FLDCW
    elif kind == 8 and s.allowed("finit-fclex"):
        i = sti(s)
        op = s.rng.choice([b"\xdb\xe3", b"\xdb\xe2", b"\x9b", bytes([0xDD, 0xC0 + i])])
        s.emit(op, fsw=COMPARE if op == b"\xdb\xe3" else ALL_UNDEF)
        if op == b"\xdb\xe3":
            s.x87 = [False] * 8            # FNINIT: all empty
        elif op[0] == 0xDD:
            s.x87_set(i, False)            # FFREE


OPS = [(3, op_fld), (2, op_fst), (3, op_farith), (2, op_fmisc)]
