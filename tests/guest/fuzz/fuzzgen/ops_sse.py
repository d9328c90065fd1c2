"""SSE through SSE4.2 instructions on XMM registers for the fuzzer (Intel
SDM vol. 2 opcode pages; what mimic64's CPUID advertises).

A table row: name, mandatory prefix (None, 0x66, 0xF2, 0xF3), opcode bytes,
operand kind, memory operand size, whether a memory operand must be
16-byte aligned (legacy-SSE m128 operands are, except the unaligned moves,
LDDQU and PCMPxSTRx; SDM vol. 1, 11.4.1), and which r/m forms exist.

Left out on purpose: RCPPS/RCPSS/RSQRTPS/RSQRTSS (approximations whose bits
differ between implementations), DPPS/DPPD (intermediate rounding),
MASKMOVDQU (stores through RDI), LDMXCSR.

Kinds:
  xx   xmm, xmm/m           xxi  ... , imm8          xxc  ..., imm8 0-7
  sh   xmm shifted by imm8 (ModR/M reg is the opcode extension)
  xg   xmm, r/m32|64 (REX.W picks 64)      xgi  ..., imm8
  gx   r32|64, xmm/m                        gxi  r/m32|64, xmm, imm8
  mx   m (or xmm), xmm: stores              gmx  r/m32|64, xmm
  fl   xmm, xmm/m setting ZF PF CF (OF SF AF cleared)
  str  PCMPxSTRx: imm8, writes ECX or XMM0 and the flags
"""

from .encode import imm
from .seq import STATUS

A, U = True, False
ANY, REG, MEM = "any", "reg", "mem"

P66, PF2, PF3 = 0x66, 0xF2, 0xF3


def _int66(pairs, kind="xx", msize=16, align=A, esc=b"\x0f"):
    return [(n, P66, esc + bytes([o]), kind, msize, align, ANY) for n, o in pairs]


SSE_TABLE = []
SSE_TABLE += _int66([
    ("paddb", 0xFC), ("paddw", 0xFD), ("paddd", 0xFE), ("paddq", 0xD4), ("psubb", 0xF8),
    ("psubw", 0xF9), ("psubd", 0xFA), ("psubq", 0xFB), ("paddsb", 0xEC), ("paddsw", 0xED),
    ("paddusb", 0xDC), ("paddusw", 0xDD), ("psubsb", 0xE8), ("psubsw", 0xE9), ("psubusb", 0xD8),
    ("psubusw", 0xD9), ("pmullw", 0xD5), ("pmulhw", 0xE5), ("pmulhuw", 0xE4), ("pmuludq", 0xF4),
    ("pmaddwd", 0xF5), ("psadbw", 0xF6), ("pavgb", 0xE0), ("pavgw", 0xE3), ("pand", 0xDB),
    ("pandn", 0xDF), ("por", 0xEB), ("pxor", 0xEF), ("pcmpeqb", 0x74), ("pcmpeqw", 0x75),
    ("pcmpeqd", 0x76), ("pcmpgtb", 0x64), ("pcmpgtw", 0x65), ("pcmpgtd", 0x66), ("pminub", 0xDA),
    ("pmaxub", 0xDE), ("pminsw", 0xEA), ("pmaxsw", 0xEE), ("punpcklbw", 0x60),
    ("punpcklwd", 0x61), ("punpckldq", 0x62), ("punpcklqdq", 0x6C), ("punpckhbw", 0x68),
    ("punpckhwd", 0x69), ("punpckhdq", 0x6A), ("punpckhqdq", 0x6D), ("packsswb", 0x63),
    ("packuswb", 0x67), ("packssdw", 0x6B), ("psrlw", 0xD1), ("psrld", 0xD2), ("psrlq", 0xD3),
    ("psraw", 0xE1), ("psrad", 0xE2), ("psllw", 0xF1), ("pslld", 0xF2), ("psllq", 0xF3),
])
SSE_TABLE += [
    ("pshufd", P66, b"\x0f\x70", "xxi", 16, A, ANY),
    ("pshufhw", PF3, b"\x0f\x70", "xxi", 16, A, ANY),
    ("pshuflw", PF2, b"\x0f\x70", "xxi", 16, A, ANY),
    ("psrlw-imm", P66, b"\x0f\x71", "sh2", 0, U, REG), ("psraw-imm", P66, b"\x0f\x71", "sh4", 0, U, REG),
    ("psllw-imm", P66, b"\x0f\x71", "sh6", 0, U, REG), ("psrld-imm", P66, b"\x0f\x72", "sh2", 0, U, REG),
    ("psrad-imm", P66, b"\x0f\x72", "sh4", 0, U, REG), ("pslld-imm", P66, b"\x0f\x72", "sh6", 0, U, REG),
    ("psrlq-imm", P66, b"\x0f\x73", "sh2", 0, U, REG), ("psrldq", P66, b"\x0f\x73", "sh3", 0, U, REG),
    ("psllq-imm", P66, b"\x0f\x73", "sh6", 0, U, REG), ("pslldq", P66, b"\x0f\x73", "sh7", 0, U, REG),
    ("pmovmskb", P66, b"\x0f\xd7", "gx", 0, U, REG),
    ("pinsrw", P66, b"\x0f\xc4", "xgi", 2, U, ANY),
    ("pextrw", P66, b"\x0f\xc5", "gxi-reg", 0, U, REG),
    ("movd-to-xmm", P66, b"\x0f\x6e", "xg", 4, U, ANY),
    ("movd-from-xmm", P66, b"\x0f\x7e", "gmx", 4, U, ANY),
    ("movq-load", PF3, b"\x0f\x7e", "xx", 8, U, ANY),
    ("movq-store", P66, b"\x0f\xd6", "mx", 8, U, ANY),
    ("movdqa-load", P66, b"\x0f\x6f", "xx", 16, A, ANY),
    ("movdqu-load", PF3, b"\x0f\x6f", "xx", 16, U, ANY),
    ("movdqa-store", P66, b"\x0f\x7f", "mx", 16, A, ANY),
    ("movdqu-store", PF3, b"\x0f\x7f", "mx", 16, U, ANY),
    ("movntdq", P66, b"\x0f\xe7", "mx", 16, A, MEM),
    ("crc32-8", PF2, b"\x0f\x38\xf0", "crc8", 1, U, ANY),
    ("crc32", PF2, b"\x0f\x38\xf1", "crc", 4, U, ANY),
]

# Floating point: packed single (no prefix), packed double (66), scalar
# single (F3), scalar double (F2)
FP_FORMS = [(None, "ps", 16, A), (P66, "pd", 16, A), (PF3, "ss", 4, U), (PF2, "sd", 8, U)]
for _name, _op in [("add", 0x58), ("mul", 0x59), ("sub", 0x5C), ("div", 0x5E), ("min", 0x5D),
                   ("max", 0x5F), ("sqrt", 0x51)]:
    for _pfx, _sfx, _msize, _al in FP_FORMS:
        SSE_TABLE.append((_name + _sfx, _pfx, bytes([0x0F, _op]), "xx", _msize, _al, ANY))
for _pfx, _sfx, _msize, _al in FP_FORMS:
    SSE_TABLE.append(("cmp" + _sfx, _pfx, b"\x0f\xc2", "xxc", _msize, _al, ANY))
for _name, _op in [("and", 0x54), ("andn", 0x55), ("or", 0x56), ("xor", 0x57), ("unpckl", 0x14),
                   ("unpckh", 0x15)]:
    for _pfx, _sfx in [(None, "ps"), (P66, "pd")]:
        SSE_TABLE.append((_name + _sfx, _pfx, bytes([0x0F, _op]), "xx", 16, A, ANY))
SSE_TABLE += [
    ("shufps", None, b"\x0f\xc6", "xxi", 16, A, ANY), ("shufpd", P66, b"\x0f\xc6", "xxi", 16, A, ANY),
    ("movaps-load", None, b"\x0f\x28", "xx", 16, A, ANY), ("movapd-load", P66, b"\x0f\x28", "xx", 16, A, ANY),
    ("movaps-store", None, b"\x0f\x29", "mx", 16, A, ANY), ("movapd-store", P66, b"\x0f\x29", "mx", 16, A, ANY),
    ("movups-load", None, b"\x0f\x10", "xx", 16, U, ANY), ("movupd-load", P66, b"\x0f\x10", "xx", 16, U, ANY),
    ("movss-load", PF3, b"\x0f\x10", "xx", 4, U, ANY), ("movsd-load", PF2, b"\x0f\x10", "xx", 8, U, ANY),
    ("movups-store", None, b"\x0f\x11", "mx", 16, U, ANY), ("movss-store", PF3, b"\x0f\x11", "mx", 4, U, ANY),
    ("movsd-store", PF2, b"\x0f\x11", "mx", 8, U, ANY),
    ("movhlps", None, b"\x0f\x12", "xx", 0, U, REG), ("movlps-load", None, b"\x0f\x12", "xx", 8, U, MEM),
    ("movlpd-load", P66, b"\x0f\x12", "xx", 8, U, MEM), ("movlps-store", None, b"\x0f\x13", "mx", 8, U, MEM),
    ("movlhps", None, b"\x0f\x16", "xx", 0, U, REG), ("movhps-load", None, b"\x0f\x16", "xx", 8, U, MEM),
    ("movhpd-load", P66, b"\x0f\x16", "xx", 8, U, MEM), ("movhps-store", None, b"\x0f\x17", "mx", 8, U, MEM),
    ("ucomiss", None, b"\x0f\x2e", "fl", 4, U, ANY), ("ucomisd", P66, b"\x0f\x2e", "fl", 8, U, ANY),
    ("comiss", None, b"\x0f\x2f", "fl", 4, U, ANY), ("comisd", P66, b"\x0f\x2f", "fl", 8, U, ANY),
    ("cvtps2pd", None, b"\x0f\x5a", "xx", 8, U, ANY), ("cvtpd2ps", P66, b"\x0f\x5a", "xx", 16, A, ANY),
    ("cvtss2sd", PF3, b"\x0f\x5a", "xx", 4, U, ANY), ("cvtsd2ss", PF2, b"\x0f\x5a", "xx", 8, U, ANY),
    ("cvtdq2ps", None, b"\x0f\x5b", "xx", 16, A, ANY), ("cvtps2dq", P66, b"\x0f\x5b", "xx", 16, A, ANY),
    ("cvttps2dq", PF3, b"\x0f\x5b", "xx", 16, A, ANY), ("cvttpd2dq", P66, b"\x0f\xe6", "xx", 16, A, ANY),
    ("cvtpd2dq", PF2, b"\x0f\xe6", "xx", 16, A, ANY), ("cvtdq2pd", PF3, b"\x0f\xe6", "xx", 8, U, ANY),
    ("cvtsi2ss", PF3, b"\x0f\x2a", "xg", 4, U, ANY), ("cvtsi2sd", PF2, b"\x0f\x2a", "xg", 4, U, ANY),
    ("cvttss2si", PF3, b"\x0f\x2c", "gx", 4, U, ANY), ("cvttsd2si", PF2, b"\x0f\x2c", "gx", 8, U, ANY),
    ("cvtss2si", PF3, b"\x0f\x2d", "gx", 4, U, ANY), ("cvtsd2si", PF2, b"\x0f\x2d", "gx", 8, U, ANY),
    ("movmskps", None, b"\x0f\x50", "gx", 0, U, REG), ("movmskpd", P66, b"\x0f\x50", "gx", 0, U, REG),
    ("stmxcsr", None, b"\x0f\xae", "stmxcsr", 4, U, MEM),
    # SSE3
    ("haddps", PF2, b"\x0f\x7c", "xx", 16, A, ANY), ("haddpd", P66, b"\x0f\x7c", "xx", 16, A, ANY),
    ("hsubps", PF2, b"\x0f\x7d", "xx", 16, A, ANY), ("hsubpd", P66, b"\x0f\x7d", "xx", 16, A, ANY),
    ("addsubps", PF2, b"\x0f\xd0", "xx", 16, A, ANY), ("addsubpd", P66, b"\x0f\xd0", "xx", 16, A, ANY),
    ("movsldup", PF3, b"\x0f\x12", "xx", 16, A, ANY), ("movshdup", PF3, b"\x0f\x16", "xx", 16, A, ANY),
    ("movddup", PF2, b"\x0f\x12", "xx", 8, U, ANY), ("lddqu", PF2, b"\x0f\xf0", "xx", 16, U, MEM),
    ("palignr", P66, b"\x0f\x3a\x0f", "xxi", 16, A, ANY),
    # SSE4.1
    ("pblendvb", P66, b"\x0f\x38\x10", "xx", 16, A, ANY),
    ("blendvps", P66, b"\x0f\x38\x14", "xx", 16, A, ANY),
    ("blendvpd", P66, b"\x0f\x38\x15", "xx", 16, A, ANY),
    ("ptest", P66, b"\x0f\x38\x17", "fl", 16, A, ANY),
    ("roundps", P66, b"\x0f\x3a\x08", "xxr", 16, A, ANY), ("roundpd", P66, b"\x0f\x3a\x09", "xxr", 16, A, ANY),
    ("roundss", P66, b"\x0f\x3a\x0a", "xxr", 4, U, ANY), ("roundsd", P66, b"\x0f\x3a\x0b", "xxr", 8, U, ANY),
    ("blendps", P66, b"\x0f\x3a\x0c", "xxi", 16, A, ANY), ("blendpd", P66, b"\x0f\x3a\x0d", "xxi", 16, A, ANY),
    ("pblendw", P66, b"\x0f\x3a\x0e", "xxi", 16, A, ANY),
    ("pextrb", P66, b"\x0f\x3a\x14", "gxi", 1, U, ANY), ("pextrw-m", P66, b"\x0f\x3a\x15", "gxi", 2, U, ANY),
    ("pextrd", P66, b"\x0f\x3a\x16", "gxi", 4, U, ANY), ("extractps", P66, b"\x0f\x3a\x17", "gxi", 4, U, ANY),
    ("pinsrb", P66, b"\x0f\x3a\x20", "xgi", 1, U, ANY), ("insertps", P66, b"\x0f\x3a\x21", "xxi", 4, U, ANY),
    ("pinsrd", P66, b"\x0f\x3a\x22", "xgi", 4, U, ANY), ("mpsadbw", P66, b"\x0f\x3a\x42", "xxi", 16, A, ANY),
    # SSE4.2 string compares
    ("pcmpestrm", P66, b"\x0f\x3a\x60", "str", 16, U, ANY), ("pcmpestri", P66, b"\x0f\x3a\x61", "str", 16, U, ANY),
    ("pcmpistrm", P66, b"\x0f\x3a\x62", "str", 16, U, ANY), ("pcmpistri", P66, b"\x0f\x3a\x63", "str", 16, U, ANY),
]
SSE_TABLE += _int66([
    ("pshufb", 0x00), ("phaddw", 0x01), ("phaddd", 0x02), ("phaddsw", 0x03), ("pmaddubsw", 0x04),
    ("phsubw", 0x05), ("phsubd", 0x06), ("phsubsw", 0x07), ("psignb", 0x08), ("psignw", 0x09),
    ("psignd", 0x0A), ("pmulhrsw", 0x0B), ("pabsb", 0x1C), ("pabsw", 0x1D), ("pabsd", 0x1E),
    ("pmuldq", 0x28), ("pcmpeqq", 0x29), ("packusdw", 0x2B), ("pcmpgtq", 0x37), ("pminsb", 0x38),
    ("pminsd", 0x39), ("pminuw", 0x3A), ("pminud", 0x3B), ("pmaxsb", 0x3C), ("pmaxsd", 0x3D),
    ("pmaxuw", 0x3E), ("pmaxud", 0x3F), ("pmulld", 0x40), ("phminposuw", 0x41),
], esc=b"\x0f\x38")
SSE_TABLE += [(n, P66, b"\x0f\x38" + bytes([o]), "xx", m, U, ANY) for n, o, m in [
    ("pmovsxbw", 0x20, 8), ("pmovsxbd", 0x21, 4), ("pmovsxbq", 0x22, 2), ("pmovsxwd", 0x23, 8),
    ("pmovsxwq", 0x24, 4), ("pmovsxdq", 0x25, 8), ("pmovzxbw", 0x30, 8), ("pmovzxbd", 0x31, 4),
    ("pmovzxbq", 0x32, 2), ("pmovzxwd", 0x33, 8), ("pmovzxwq", 0x34, 4), ("pmovzxdq", 0x35, 8)]]


def _mem_for(s, msize, align):
    """A memory operand, aligned where the instruction requires it. Never a
    misaligned one: kvm_pvm sends the #GP through KVM's instruction
    emulator, which reports #UD for the instructions it does not know."""
    return s.mem(max(msize, 1), align=16 if align else 1)


def _rm_xmm(s, e, msize=None):
    name, pfx, op, kind, size, align, rm_kind = e
    size = size if msize is None else msize
    if rm_kind == MEM or (rm_kind == ANY and s.chance(0.35)):
        return _mem_for(s, size, align)
    return s.rng.randrange(16)


# Two floating-point sources: if both are NaNs, SSE returns the first
# (SDM vol. 1, table 4-7), where x87 picks the larger significand.
NAN_RULE = ("add", "sub", "mul", "div", "hadd", "hsub", "addsub")


def op_sse(s):
    e = s.rng.choice(SSE_TABLE)
    name, pfx, op, kind, msize, align, rm_kind = e
    if not s.allowed(name):
        return
    if name.startswith(NAN_RULE) and name[-2:] in ("ps", "pd", "ss", "sd"):
        s.used.add("sse-nan-rule")
    x = s.rng.randrange(16)
    enc = lambda **kw: s.enc(op, mandatory=pfx, **kw)
    if kind == "xx":
        s.emit(enc(reg=x, rm=_rm_xmm(s, e)))
    elif kind == "xxi":
        s.emit(enc(reg=x, rm=_rm_xmm(s, e), imm_bytes=imm(s.rng.randrange(256), 1)))
    elif kind == "xxc":
        s.emit(enc(reg=x, rm=_rm_xmm(s, e), imm_bytes=imm(s.rng.randrange(8), 1)))
    elif kind == "xxr":
        # bits 0-1 rounding, bit 2 use MXCSR.RC, bit 3 suppress precision
        s.emit(enc(reg=x, rm=_rm_xmm(s, e), imm_bytes=imm(s.rng.randrange(16), 1)))
    elif kind.startswith("sh"):
        count = s.rng.choice([0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 63, 64, 0xFF, s.rng.randrange(256)])
        s.emit(enc(reg=int(kind[2]), rm=x, imm_bytes=imm(count, 1)))
    elif kind == "fl":
        s.emit(enc(reg=x, rm=_rm_xmm(s, e)), fl_def=STATUS)
    elif kind == "mx":
        s.emit(enc(reg=x, rm=_rm_xmm(s, e)))
    elif kind in ("xg", "xgi"):
        wide = kind == "xg" and s.chance(0.5) or (name == "pinsrd" and s.chance(0.5))
        n = 8 if wide else msize
        rm = s.mem(n) if s.chance(0.35) else s.reg_any()
        tail = imm(s.rng.randrange(256), 1) if kind == "xgi" else b""
        s.emit(enc(reg=x, rm=rm, opsize=64 if wide else 32, imm_bytes=tail))
    elif kind == "gmx":
        wide = s.chance(0.5)
        rm = s.mem(8 if wide else 4) if s.chance(0.35) else s.reg_dst()
        s.emit(enc(reg=x, rm=rm, opsize=64 if wide else 32))
    elif kind == "gx":
        wide = s.chance(0.5)
        rm = _rm_xmm(s, e)
        s.emit(enc(reg=s.reg_dst(), rm=rm, opsize=64 if wide else 32))
    elif kind == "gxi-reg":
        s.emit(enc(reg=s.reg_dst(), rm=x, imm_bytes=imm(s.rng.randrange(256), 1)))
    elif kind == "gxi":
        wide = name == "pextrd" and s.chance(0.5)
        rm = s.mem(8 if wide else msize) if s.chance(0.35) else s.reg_dst()
        s.emit(enc(reg=x, rm=rm, opsize=64 if wide else 32, imm_bytes=imm(s.rng.randrange(256), 1)))
    elif kind in ("crc8", "crc"):
        if kind == "crc8":
            rm = s.mem(1) if s.chance(0.35) else s.reg8(False)
            s.emit(enc(reg=s.reg_dst(), rm=rm, opsize=s.rng.choice([32, 64]), byte_regs=True))
        else:
            size = s.rng.choice([16, 32, 64])
            rm = s.mem(size // 8) if s.chance(0.35) else s.reg_any()
            s.emit(s.enc(op, mandatory=pfx, reg=s.reg_dst(), rm=rm, opsize=size))
    elif kind == "stmxcsr":
        s.emit(enc(reg=3, rm=s.mem(4)))
    elif kind == "str" and name.endswith("i") and not s.writable(1):
        return
    elif kind == "str":
        # ECX (..stri) or XMM0 (..strm) and all six flags; ..estr.. read
        # EAX and EDX as lengths
        s.emit(enc(reg=x, rm=_rm_xmm(s, e), imm_bytes=imm(s.rng.randrange(128), 1)),
               fl_def=STATUS)
    else:
        raise AssertionError(kind)


OPS = [(14, op_sse)]
