/*
 * MMX/SSE data movement and the conversions with integer and MMX
 * operands: MOVAPS & co., MOVD/MOVQ, MOVSS/MOVSD, the half-register moves,
 * MOVQ2DQ/MOVDQ2Q, the sign-mask extractions, MASKMOVQ/MASKMOVDQU,
 * PEXTRB/W/D/Q, PINSRB/W/D/Q, EXTRACTPS, CVTSI2Sx/CVTSx2SI and the
 * MMX-operand CVTs
 * (Intel SDM vol. 2, the instruction pages).
 *
 * Moves are IR on 8-byte pieces of env and guest memory; a 16-byte
 * access is two 8-byte guest accesses. Memory is read first, then comes
 * the MMX transition (which moves MMx to slot x of the register file, so
 * MMX registers are read only after it), then the register reads and
 * writes and any store; an MMX register written inline gets bits 79:64 set
 * to ones (9.5.1). A faulting store from an MMX register therefore leaves
 * the transition made.
 */
#include "target/x86/fpu_helper.h"
#include "target/x86/sse_helper.h"
#include "target/x86/translate-sse.h"

static bool aligned_mov(int mnem)
{
    return mnem != M_MOVUPS && mnem != M_MOVUPD && mnem != M_MOVDQU && mnem != M_LDDQU;
}

/* MOVAPS MOVAPD MOVUPS MOVUPD MOVDQA MOVDQU LDDQU MOVNTPS MOVNTPD MOVNTDQ
 * MOVNTDQA: 16 bytes */
void gen_sse_mov(DisasContext *s, X86Insn *insn)
{
    bool align = aligned_mov(insn->mnem);
    if (insn->op[0].kind == OPK_MEM) {
        size_t src = sse_reg_off(insn, 1);
        if (align) {
            gen_sse_check_align(s);
        }
        IRv lo = gen_env_ld64(src), hi = gen_env_ld64(src + 8);
        gen_st(s, lo, gen_ea(s), MO_64);
        gen_st(s, hi, gen_sse_addr(s, 8), MO_64);
        return;
    }
    size_t src = gen_sse_src(s, insn, 1, align);
    size_t dst = sse_reg_off(insn, 0);
    IRv lo = gen_env_ld64(src), hi = gen_env_ld64(src + 8);
    gen_env_st64(lo, dst);
    gen_env_st64(hi, dst + 8);
}

/* MOVD and MOVQ in all their forms (0F 6E/7E/6F/7F, F3 0F 7E, 66 0F D6,
 * MOVNTQ): the low 4 or 8 bytes move, an XMM destination is zero-extended. */
void gen_sse_movq(DisasContext *s, X86Insn *insn)
{
    X86Operand *d = &insn->op[0], *src = &insn->op[1];
    bool mmx = sse_uses_mmx(insn);
    IRv v;

    if (src->kind == OPK_REG && (src->reg_class == RC_MMX || src->reg_class == RC_XMM)) {
        if (mmx) {
            gen_mmx_enter(s); /* MMx is slot x from here on */
        }
        v = gen_env_ld64(sse_reg_off(insn, 1));
    } else {
        v = gen_op_read(s, 1); /* a GPR or memory, zero-extended */
        if (mmx) {
            gen_mmx_enter(s);
        }
    }
    if (d->kind == OPK_MEM) {
        gen_st(s, v, gen_ea(s), size_memop(d->size));
        return;
    }
    if (d->reg_class == RC_GPR) {
        gen_reg_write(s, d->reg, d->size, false, v);
        return;
    }
    size_t off = sse_reg_off(insn, 0);
    gen_env_st64(v, off);
    if (d->reg_class == RC_MMX) {
        gen_mmx_mark(off);
    } else {
        gen_env_st64(gen_const(0), off + 8);
    }
}

void gen_sse_movd(DisasContext *s, X86Insn *insn)
{
    gen_sse_movq(s, insn);
}

/* MOVSS/MOVSD: register to register merges the low element; a load
 * zero-extends it to 128 bits. */
void gen_sse_movscalar(DisasContext *s, X86Insn *insn)
{
    int size = insn->mnem == M_MOVSS ? 4 : 8;
    MemOp mo = size == 4 ? MO_32 : MO_64;
    IRv v = gen_temp();

    if (insn->op[0].kind == OPK_MEM) {
        ir_ld_env(v, sse_reg_off(insn, 1), mo);
        gen_st(s, v, gen_ea(s), mo);
        return;
    }
    size_t dst = sse_reg_off(insn, 0);
    if (insn->op[1].kind == OPK_MEM) {
        v = gen_ld(s, gen_ea(s), mo);
        gen_env_st64(v, dst); /* zero-extended to 64 bits */
        gen_env_st64(gen_const(0), dst + 8);
        return;
    }
    ir_ld_env(v, sse_reg_off(insn, 1), mo);
    ir_st_env(v, dst, mo);
}

/* MOVLPS MOVLPD MOVHPS MOVHPD (m64 to/from one half), MOVHLPS, MOVLHPS */
void gen_sse_movhl(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    bool high = m == M_MOVHPS || m == M_MOVHPD || m == M_MOVLHPS;

    if (insn->op[0].kind == OPK_MEM) {
        IRv v = gen_env_ld64(sse_reg_off(insn, 1) + (high ? 8 : 0));
        gen_st(s, v, gen_ea(s), MO_64);
        return;
    }
    size_t dst = sse_reg_off(insn, 0) + (high ? 8 : 0);
    IRv v;
    if (insn->op[1].kind == OPK_MEM) {
        v = gen_ld(s, gen_ea(s), MO_64);
    } else {
        /* MOVHLPS takes the source's high half, MOVLHPS its low half */
        v = gen_env_ld64(sse_reg_off(insn, 1) + (m == M_MOVHLPS ? 8 : 0));
    }
    gen_env_st64(v, dst);
}

/* MOVQ2DQ xmm, mm (upper half zeroed); MOVDQ2Q mm, xmm */
void gen_sse_movq2dq(DisasContext *s, X86Insn *insn)
{
    gen_mmx_enter(s);
    IRv v = gen_env_ld64(sse_reg_off(insn, 1));
    size_t dst = sse_reg_off(insn, 0);
    gen_env_st64(v, dst);
    if (insn->mnem == M_MOVQ2DQ) {
        gen_env_st64(gen_const(0), dst + 8);
    } else {
        gen_mmx_mark(dst);
    }
}

/* MOVMSKPS MOVMSKPD PMOVMSKB: the sign bits into a 32-bit register */
void gen_sse_movmsk(DisasContext *s, X86Insn *insn)
{
    IRv r = gen_temp();
    IRv src = gen_const(sse_reg_off(insn, 1));
    if (insn->mnem == M_PMOVMSKB) {
        bool mmx = sse_uses_mmx(insn);
        if (mmx) {
            gen_mmx_enter(s);
        }
        ir_call2(helper_pmovmskb, HELPER_NOREGS, r, src, gen_const(mmx ? 8 : 16));
    } else {
        ir_call1(insn->mnem == M_MOVMSKPS ? helper_movmskps : helper_movmskpd, HELPER_NOREGS, r, src);
    }
    gen_reg_write(s, insn->op[0].reg, 4, false, r);
}

/* MASKMOVQ/MASKMOVDQU: the selected bytes to DS:rDI */
void gen_sse_maskmov(DisasContext *s, X86Insn *insn)
{
    bool mmx = sse_uses_mmx(insn);
    if (mmx) {
        gen_mmx_enter(s);
    }
    ir_call4(helper_maskmov, HELPER_NOREGS, IR_NONE, gen_const(sse_reg_off(insn, 0)),
             gen_const(sse_reg_off(insn, 1)), gen_ea(s), gen_const(mmx ? 8 : 16));
}

/* Element size and index (from the imm8) of PEXTR*, PINSR*, EXTRACTPS. */
static void element_of(const X86Insn *insn, int imm_op, int *size, int *index)
{
    int imm = (int)(insn->op[imm_op].imm & 0xff);
    bool mmx = sse_uses_mmx(insn);
    switch (insn->mnem) {
    case M_PEXTRB:
    case M_PINSRB:
        *size = 1, *index = imm & 15;
        break;
    case M_PEXTRW:
    case M_PINSRW:
        *size = 2, *index = imm & (mmx ? 3 : 7);
        break;
    case M_PEXTRQ:
    case M_PINSRQ:
        *size = 8, *index = imm & 1;
        break;
    default: /* PEXTRD PINSRD EXTRACTPS */
        *size = 4, *index = imm & 3;
        break;
    }
}

void gen_sse_extract(DisasContext *s, X86Insn *insn)
{
    int size, index;
    IRv v = gen_temp();
    element_of(insn, 2, &size, &index);
    if (sse_uses_mmx(insn)) {
        gen_mmx_enter(s);
    }
    ir_ld_env(v, sse_reg_off(insn, 1) + (size_t)(size * index), size_memop(size));
    if (insn->op[0].kind == OPK_MEM) {
        gen_st(s, v, gen_ea(s), size_memop(size));
    } else {
        /* a register destination is written whole: zero-extended */
        gen_reg_write(s, insn->op[0].reg, insn->op[0].size < 4 ? 4 : insn->op[0].size, false, v);
    }
}

void gen_sse_insert(DisasContext *s, X86Insn *insn)
{
    int size, index;
    element_of(insn, 2, &size, &index);
    IRv v = gen_op_read(s, 1);
    size_t off = sse_reg_off(insn, 0);
    if (sse_uses_mmx(insn)) {
        gen_mmx_enter(s);
        gen_mmx_mark(off);
    }
    ir_st_env(v, off + (size_t)(size * index), size_memop(size));
}

/* CVTSI2SS/SD, CVT(T)SS2SI, CVT(T)SD2SI and the MMX-operand conversions */
void gen_sse_cvt(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    switch (m) {
    case M_CVTSI2SS:
    case M_CVTSI2SD: {
        IRv v = gen_op_read(s, 1);
        ir_call4(helper_sse_cvtsi2, HELPER_NOREGS, IR_NONE, gen_const(m == M_CVTSI2SD),
                 gen_const((uint64_t)insn->op[1].size * 8), gen_const(sse_reg_off(insn, 0)), v);
        return;
    }
    case M_CVTSS2SI:
    case M_CVTTSS2SI:
    case M_CVTSD2SI:
    case M_CVTTSD2SI: {
        HSSECvtOp op = m == M_CVTSS2SI    ? HSSE_CVTSS2SI
                       : m == M_CVTTSS2SI ? HSSE_CVTTSS2SI
                       : m == M_CVTSD2SI  ? HSSE_CVTSD2SI
                                          : HSSE_CVTTSD2SI;
        size_t src = gen_sse_src(s, insn, 1, true);
        IRv r = gen_temp();
        ir_call3(helper_sse_cvt2si, HELPER_NOREGS, r, gen_const(op),
                 gen_const((uint64_t)insn->op[0].size * 8), gen_const(src));
        gen_reg_write(s, insn->op[0].reg, insn->op[0].size, false, r);
        return;
    }
    default: {
        SSECvtMMX op = m == M_CVTPI2PS    ? SSE_CVTPI2PS
                       : m == M_CVTPI2PD  ? SSE_CVTPI2PD
                       : m == M_CVTPS2PI  ? SSE_CVTPS2PI
                       : m == M_CVTTPS2PI ? SSE_CVTTPS2PI
                       : m == M_CVTPD2PI  ? SSE_CVTPD2PI
                                          : SSE_CVTTPD2PI;
        size_t src = gen_sse_src(s, insn, 1, true);
        /* the x87 -> MMX transition comes with an MMX register operand only */
        if (sse_uses_mmx(insn)) {
            gen_mmx_enter(s);
        }
        ir_call3(helper_sse_cvt_mmx, HELPER_NOREGS, IR_NONE, gen_const(op),
                 gen_const(sse_reg_off(insn, 0)), gen_const(src));
        return;
    }
    }
}

/* MOVNTI: an ordinary store of a general register */
void gen_sse_movnti(DisasContext *s, X86Insn *insn)
{
    gen_op_write(s, 0, gen_op_read(s, 1));
}
