"""Control flow for the fuzzer: forward jumps over a group of instructions
(Jcc, JMP, LOOP, JRCXZ, short and near forms) and counted loops that run
a group 1-4 times (LOOP or DEC/JNZ back). Translators split blocks here.

State where paths meet: a flag is defined after a skipped group only if it
is defined both before and after the group. Inside a loop body the
generator starts from "all flags undefined", which covers every
iteration; see seq.py. Groups inside jumps and loops leave the stack alone
(stack_ok) so RSP is the same on every path, and the loop counter RCX is
protected inside loops.
"""

from .encode import EncodeError, imm
from .seq import CC_READS, STATUS, FSW_CC


def _group(s, gen_one, n):
    saved_stack = s.stack_ok
    s.stack_ok = False
    s.depth += 1
    for _ in range(n):
        gen_one()
    s.depth -= 1
    s.stack_ok = saved_stack


def op_skip(s, gen_one):
    if s.depth >= 2:
        return
    kind = s.rng.choice(["jcc"] * 4 + ["jmp", "loop", "jrcxz"])
    if not s.allowed(kind):
        return
    if kind == "loop" and not s.writable(1):
        return
    short = kind in ("loop", "jrcxz") or s.chance(0.75)
    reads = 0
    if kind == "jcc":
        cc = s.rng.randrange(16)
        reads = CC_READS[cc]
        s.need_flags(reads)
        op = bytes([0x70 + cc]) if short else bytes([0x0F, 0x80 + cc])
    elif kind == "jmp":
        op = b"\xeb" if short else b"\xe9"
    else:
        op = b"\xe2" if kind == "loop" else b"\xe3"
        if s.chance(0.15):
            op = b"\x67" + op  # ECX instead of RCX
    at = len(s.code)
    s.emit(op + (b"\0" if short else b"\0\0\0\0"), fl_read=reads)
    before = (s.undef, s.fsw_undef, s.x87)
    _group(s, gen_one, s.rng.randint(1, 3))
    dist = len(s.code) - (at + len(op) + (1 if short else 4))
    if short and dist > 127:
        raise EncodeError("skipped group too long for rel8")
    s.code[at + len(op):at + len(op) + (1 if short else 4)] = imm(dist, 1 if short else 4)
    s.undef |= before[0]
    s.fsw_undef |= before[1]
    if s.x87 != before[2]:
        s.x87 = None


def op_loop(s, gen_one):
    if s.depth >= 1 or not s.writable(1) or not s.allowed("counted-loop"):
        return
    s.set_reg(1, s.rng.randint(1, 4), 32)
    s.protected.add(1)
    s.undef = STATUS
    s.fsw_undef = FSW_CC
    head = len(s.code)
    x87_before = s.x87
    _group(s, gen_one, s.rng.randint(1, 3))
    s.protected.discard(1)
    if s.x87 != x87_before:
        # later iterations start from another stack than the one the body
        # was generated for
        s.used.add("x87-stack-fault")
        s.x87 = None
    if s.chance(0.5):
        dist = head - (len(s.code) + 2)
        if dist < -128:
            raise EncodeError("loop body too long for LOOP")
        s.emit(b"\xe2" + imm(dist, 1))
    else:
        s.emit(s.enc(b"\xff", reg=1, rm=1, opsize=32), fl_def=STATUS & ~0x1)  # DEC ECX
        dist = head - (len(s.code) + 2)
        if dist >= -128:
            s.emit(b"\x75" + imm(dist, 1), fl_read=0x40)
        else:
            s.emit(b"\x0f\x85" + imm(head - (len(s.code) + 6), 4), fl_read=0x40)


OPS = [(3, op_skip), (1, op_loop)]
