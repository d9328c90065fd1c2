/*
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 instructions: the
 * operations (integer, floating point, shuffles, compares, string
 * compares) and the dispatch rows of all of them; the moves and
 * conversions are in translate-sse-mov.c. Intel SDM vol. 1, ch. 9-12, and
 * the instruction pages of vol. 2.
 *
 * The #UD/#NM checks of CR0.EM/TS and CR4.OSFXSR are the dispatcher's
 * (rows flagged SSE; an MMX form needs no OSFXSR). Each operation is one
 * helper call on env offsets of its registers (sse_helper.h); a memory
 * source is first loaded into xmm_t0, and a 16-byte one must be aligned
 * (#GP(0)) except for the unaligned moves and the SSE4.2 string compares.
 * Memory is read before the MMX transition and before any register is
 * written, so a fault leaves the state of the instruction's start.
 */
#include "target/x86/excp_helper.h"
#include "target/x86/fpu_helper.h"
#include "target/x86/sse_helper.h"
#include "target/x86/translate-sse.h"

/* ---- operands ---- */

bool sse_uses_mmx(const X86Insn *insn)
{
    for (int i = 0; i < insn->nops && i < 4; i++) {
        if (sse_is_mmx(insn, i)) {
            return true;
        }
    }
    return false;
}

IRv gen_sse_addr(DisasContext *s, int off)
{
    IRv a = gen_temp();
    ir_addi(a, gen_ea(s), off);
    if (!s->cs64) {
        ir_ext32u(a, a);
    }
    return a;
}

void gen_sse_check_align(DisasContext *s)
{
    IRLabel ok = ir_label_new();
    ir_brcondi(IR_TSTEQ, gen_ea(s), 15, ok);
    ir_call2(helper_raise_exception_err, HELPER_ENV, IR_NONE, gen_const(X86_EXCP_GP),
             gen_const(0));
    ir_label_set(ok);
}

IRv gen_env_ld64(size_t off)
{
    IRv v = gen_temp();
    ir_ld_env(v, off, MO_64);
    return v;
}

void gen_env_st64(IRv v, size_t off)
{
    ir_st_env(v, off, MO_64);
}

void gen_mmx_mark(size_t off)
{
    ir_st_env(gen_const(0xffff), off + 8, MO_16);
}

void gen_sse_load_t0(DisasContext *s, int size, bool align)
{
    if (size == 16) {
        if (align) {
            gen_sse_check_align(s);
        }
        IRv lo = gen_ld(s, gen_ea(s), MO_64);
        IRv hi = gen_ld(s, gen_sse_addr(s, 8), MO_64);
        gen_env_st64(lo, ENV_T0_OFF);
        gen_env_st64(hi, ENV_T0_OFF + 8);
        return;
    }
    ir_st_env(gen_ld(s, gen_ea(s), size_memop(size)), ENV_T0_OFF, size_memop(size));
}

size_t gen_sse_src(DisasContext *s, X86Insn *insn, int n, bool align)
{
    if (insn->op[n].kind == OPK_REG) {
        return sse_reg_off(insn, n);
    }
    gen_sse_load_t0(s, insn->op[n].size, align);
    return ENV_T0_OFF;
}

void gen_mmx_enter(DisasContext *s)
{
    ir_call0(helper_mmx_enter, HELPER_NOREGS, IR_NONE);
}

/* The memory source of every legacy SSE instruction with a 16-byte
 * operand must be aligned but for these (vol. 1, 11.6.8; vol. 2B, 4.1.1). */
static bool needs_align(int mnem)
{
    switch (mnem) {
    case M_MOVUPS: case M_MOVUPD: case M_MOVDQU: case M_LDDQU:
    case M_PCMPESTRI: case M_PCMPESTRM: case M_PCMPISTRI: case M_PCMPISTRM:
        return false;
    default:
        return true;
    }
}

static uint64_t imm8(const X86Insn *insn, int n)
{
    return (uint64_t)insn->op[n].imm & 0xff;
}

/* ---- integer operations: d = d op s ---- */

typedef uint64_t (*SseBin)(X86CPU *, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*SseImm)(X86CPU *, uint64_t, uint64_t, uint64_t, uint64_t);

static const struct { uint16_t mnem; SseBin fn; } bin_ops[] = {
    { M_PADDB, helper_paddb }, { M_PADDW, helper_paddw }, { M_PADDD, helper_paddd },
    { M_PADDQ, helper_paddq }, { M_PADDSB, helper_paddsb }, { M_PADDSW, helper_paddsw },
    { M_PADDUSB, helper_paddusb }, { M_PADDUSW, helper_paddusw }, { M_PSUBB, helper_psubb },
    { M_PSUBW, helper_psubw }, { M_PSUBD, helper_psubd }, { M_PSUBQ, helper_psubq },
    { M_PSUBSB, helper_psubsb }, { M_PSUBSW, helper_psubsw }, { M_PSUBUSB, helper_psubusb },
    { M_PSUBUSW, helper_psubusw }, { M_PMULLW, helper_pmullw }, { M_PMULHW, helper_pmulhw },
    { M_PMULHUW, helper_pmulhuw }, { M_PMULUDQ, helper_pmuludq }, { M_PMADDWD, helper_pmaddwd },
    { M_PSADBW, helper_psadbw }, { M_PAVGB, helper_pavgb }, { M_PAVGW, helper_pavgw },
    { M_PMINUB, helper_pminub }, { M_PMAXUB, helper_pmaxub }, { M_PMINSW, helper_pminsw },
    { M_PMAXSW, helper_pmaxsw }, { M_PAND, helper_pand }, { M_PANDN, helper_pandn },
    { M_POR, helper_por }, { M_PXOR, helper_pxor }, { M_ANDPS, helper_pand },
    { M_ANDPD, helper_pand }, { M_ANDNPS, helper_pandn }, { M_ANDNPD, helper_pandn },
    { M_ORPS, helper_por }, { M_ORPD, helper_por }, { M_XORPS, helper_pxor },
    { M_XORPD, helper_pxor }, { M_PCMPEQB, helper_pcmpeqb }, { M_PCMPEQW, helper_pcmpeqw },
    { M_PCMPEQD, helper_pcmpeqd }, { M_PCMPEQQ, helper_pcmpeqq },
    { M_PCMPGTB, helper_pcmpgtb }, { M_PCMPGTW, helper_pcmpgtw },
    { M_PCMPGTD, helper_pcmpgtd }, { M_PCMPGTQ, helper_pcmpgtq },
    { M_PACKSSWB, helper_packsswb }, { M_PACKSSDW, helper_packssdw },
    { M_PACKUSWB, helper_packuswb }, { M_PACKUSDW, helper_packusdw },
    { M_PUNPCKLBW, helper_punpcklbw }, { M_PUNPCKLWD, helper_punpcklwd },
    { M_PUNPCKLDQ, helper_punpckldq }, { M_PUNPCKLQDQ, helper_punpcklqdq },
    { M_PUNPCKHBW, helper_punpckhbw }, { M_PUNPCKHWD, helper_punpckhwd },
    { M_PUNPCKHDQ, helper_punpckhdq }, { M_PUNPCKHQDQ, helper_punpckhqdq },
    { M_UNPCKLPS, helper_punpckldq }, { M_UNPCKHPS, helper_punpckhdq },
    { M_UNPCKLPD, helper_punpcklqdq }, { M_UNPCKHPD, helper_punpckhqdq },
    { M_PSHUFB, helper_pshufb }, { M_PHADDW, helper_phaddw }, { M_PHADDD, helper_phaddd },
    { M_PHADDSW, helper_phaddsw }, { M_PHSUBW, helper_phsubw }, { M_PHSUBD, helper_phsubd },
    { M_PHSUBSW, helper_phsubsw }, { M_PMADDUBSW, helper_pmaddubsw },
    { M_PMULHRSW, helper_pmulhrsw }, { M_PSIGNB, helper_psignb }, { M_PSIGNW, helper_psignw },
    { M_PSIGND, helper_psignd }, { M_PABSB, helper_pabsb }, { M_PABSW, helper_pabsw },
    { M_PABSD, helper_pabsd }, { M_PMULLD, helper_pmulld }, { M_PMULDQ, helper_pmuldq },
    { M_PMINSB, helper_pminsb }, { M_PMINSD, helper_pminsd }, { M_PMINUW, helper_pminuw },
    { M_PMINUD, helper_pminud }, { M_PMAXSB, helper_pmaxsb }, { M_PMAXSD, helper_pmaxsd },
    { M_PMAXUW, helper_pmaxuw }, { M_PMAXUD, helper_pmaxud },
    { M_PHMINPOSUW, helper_phminposuw }, { M_PMOVSXBW, helper_pmovsxbw },
    { M_PMOVSXBD, helper_pmovsxbd }, { M_PMOVSXBQ, helper_pmovsxbq },
    { M_PMOVSXWD, helper_pmovsxwd }, { M_PMOVSXWQ, helper_pmovsxwq },
    { M_PMOVSXDQ, helper_pmovsxdq }, { M_PMOVZXBW, helper_pmovzxbw },
    { M_PMOVZXBD, helper_pmovzxbd }, { M_PMOVZXBQ, helper_pmovzxbq },
    { M_PMOVZXWD, helper_pmovzxwd }, { M_PMOVZXWQ, helper_pmovzxwq },
    { M_PMOVZXDQ, helper_pmovzxdq }, { M_MOVSHDUP, helper_movshdup },
    { M_MOVSLDUP, helper_movsldup }, { M_MOVDDUP, helper_movddup },
    { M_BLENDVPS, helper_blendvps }, { M_BLENDVPD, helper_blendvpd },
    { M_PBLENDVB, helper_pblendvb },
};

static const struct { uint16_t mnem; SseImm fn; } imm_ops[] = {
    { M_PSHUFW, helper_pshufw }, { M_PSHUFD, helper_pshufd }, { M_PSHUFHW, helper_pshufhw },
    { M_PSHUFLW, helper_pshuflw }, { M_SHUFPS, helper_shufps }, { M_SHUFPD, helper_shufpd },
    { M_PALIGNR, helper_palignr }, { M_PBLENDW, helper_pblendw }, { M_BLENDPS, helper_blendps },
    { M_BLENDPD, helper_blendpd }, { M_MPSADBW, helper_mpsadbw },
};

static const struct { uint16_t mnem; SseBin fn; } shift_ops[] = {
    { M_PSLLW, helper_psllw }, { M_PSLLD, helper_pslld }, { M_PSLLQ, helper_psllq },
    { M_PSRLW, helper_psrlw }, { M_PSRLD, helper_psrld }, { M_PSRLQ, helper_psrlq },
    { M_PSRAW, helper_psraw }, { M_PSRAD, helper_psrad }, { M_PSLLDQ, helper_pslldq },
    { M_PSRLDQ, helper_psrldq },
};

/* The helper of a mnemonic in one of the tables above (the dispatch rows
 * send only mnemonics that are in it). */
static SseBin find_bin(int m)
{
    for (size_t i = 0; i < sizeof(bin_ops) / sizeof(bin_ops[0]); i++) {
        if (bin_ops[i].mnem == m) {
            return bin_ops[i].fn;
        }
    }
    return NULL;
}

static SseImm find_imm(int m)
{
    for (size_t i = 0; i < sizeof(imm_ops) / sizeof(imm_ops[0]); i++) {
        if (imm_ops[i].mnem == m) {
            return imm_ops[i].fn;
        }
    }
    return NULL;
}

static SseBin find_shift(int m)
{
    for (size_t i = 0; i < sizeof(shift_ops) / sizeof(shift_ops[0]); i++) {
        if (shift_ops[i].mnem == m) {
            return shift_ops[i].fn;
        }
    }
    return NULL;
}

static void gen_sse_bin(DisasContext *s, X86Insn *insn)
{
    bool mmx = sse_uses_mmx(insn);
    size_t src = gen_sse_src(s, insn, 1, needs_align(insn->mnem));
    if (mmx) {
        gen_mmx_enter(s);
    }
    ir_call3(find_bin(insn->mnem), HELPER_NOREGS, IR_NONE, gen_const(sse_reg_off(insn, 0)),
             gen_const(src), gen_const(mmx ? 8 : 16));
}

static void gen_sse_imm(DisasContext *s, X86Insn *insn)
{
    bool mmx = sse_uses_mmx(insn);
    size_t src = gen_sse_src(s, insn, 1, true);
    if (mmx) {
        gen_mmx_enter(s);
    }
    ir_call4(find_imm(insn->mnem), HELPER_NOREGS, IR_NONE, gen_const(sse_reg_off(insn, 0)),
             gen_const(src), gen_const(imm8(insn, 2)), gen_const(mmx ? 8 : 16));
}

/* INSERTPS: a memory source is the m32 itself, whatever imm[7:6] says */
static void gen_insertps(DisasContext *s, X86Insn *insn)
{
    uint64_t imm = imm8(insn, 2);
    size_t src = gen_sse_src(s, insn, 1, false);
    if (insn->op[1].kind == OPK_MEM) {
        imm &= 0x3f;
    }
    ir_call4(helper_insertps, HELPER_NOREGS, IR_NONE, gen_const(sse_reg_off(insn, 0)),
             gen_const(src), gen_const(imm), gen_const(16));
}

/* Shifts by an imm8 (the 0F 71-73 groups) or by the low 64 bits of a
 * register or memory operand. */
static void gen_sse_shift(DisasContext *s, X86Insn *insn)
{
    bool mmx = sse_uses_mmx(insn);
    IRv count;
    if (insn->op[1].kind == OPK_IMM) {
        if (mmx) {
            gen_mmx_enter(s);
        }
        count = gen_const(imm8(insn, 1));
    } else {
        size_t src = gen_sse_src(s, insn, 1, true);
        if (mmx) {
            gen_mmx_enter(s);
        }
        count = gen_env_ld64(src);
    }
    ir_call3(find_shift(insn->mnem), HELPER_NOREGS, IR_NONE, gen_const(sse_reg_off(insn, 0)),
             count, gen_const(mmx ? 8 : 16));
}

/* ---- floating point ---- */

static const struct { uint16_t mnem; uint8_t op; } fp_ops[] = {
    { M_ADDPS, HSSE_ADDPS }, { M_ADDPD, HSSE_ADDPD }, { M_ADDSS, HSSE_ADDSS },
    { M_ADDSD, HSSE_ADDSD }, { M_SUBPS, HSSE_SUBPS }, { M_SUBPD, HSSE_SUBPD },
    { M_SUBSS, HSSE_SUBSS }, { M_SUBSD, HSSE_SUBSD }, { M_MULPS, HSSE_MULPS },
    { M_MULPD, HSSE_MULPD }, { M_MULSS, HSSE_MULSS }, { M_MULSD, HSSE_MULSD },
    { M_DIVPS, HSSE_DIVPS }, { M_DIVPD, HSSE_DIVPD }, { M_DIVSS, HSSE_DIVSS },
    { M_DIVSD, HSSE_DIVSD }, { M_MINPS, HSSE_MINPS }, { M_MINPD, HSSE_MINPD },
    { M_MINSS, HSSE_MINSS }, { M_MINSD, HSSE_MINSD }, { M_MAXPS, HSSE_MAXPS },
    { M_MAXPD, HSSE_MAXPD }, { M_MAXSS, HSSE_MAXSS }, { M_MAXSD, HSSE_MAXSD },
    { M_SQRTPS, HSSE_SQRTPS }, { M_SQRTPD, HSSE_SQRTPD }, { M_SQRTSS, HSSE_SQRTSS },
    { M_SQRTSD, HSSE_SQRTSD }, { M_RCPPS, HSSE_RCPPS }, { M_RCPSS, HSSE_RCPSS },
    { M_RSQRTPS, HSSE_RSQRTPS }, { M_RSQRTSS, HSSE_RSQRTSS },
    { M_ADDSUBPS, HSSE_ADDSUBPS }, { M_ADDSUBPD, HSSE_ADDSUBPD },
    { M_HADDPS, HSSE_HADDPS }, { M_HADDPD, HSSE_HADDPD }, { M_HSUBPS, HSSE_HSUBPS },
    { M_HSUBPD, HSSE_HSUBPD }, { M_CMPPS, HSSE_CMPPS }, { M_CMPPD, HSSE_CMPPD },
    { M_CMPSS, HSSE_CMPSS }, { M_CMPSD_SSE, HSSE_CMPSD },
    { M_CVTPS2PD, HSSE_CVTPS2PD }, { M_CVTPD2PS, HSSE_CVTPD2PS },
    { M_CVTSS2SD, HSSE_CVTSS2SD }, { M_CVTSD2SS, HSSE_CVTSD2SS },
    { M_CVTDQ2PS, HSSE_CVTDQ2PS }, { M_CVTPS2DQ, HSSE_CVTPS2DQ },
    { M_CVTTPS2DQ, HSSE_CVTTPS2DQ }, { M_CVTDQ2PD, HSSE_CVTDQ2PD },
    { M_CVTPD2DQ, HSSE_CVTPD2DQ }, { M_CVTTPD2DQ, HSSE_CVTTPD2DQ },
    { M_ROUNDPS, HSSE_ROUNDPS }, { M_ROUNDPD, HSSE_ROUNDPD }, { M_ROUNDSS, HSSE_ROUNDSS },
    { M_ROUNDSD, HSSE_ROUNDSD },
};

static void gen_sse_fp(DisasContext *s, X86Insn *insn)
{
    int op = -1;
    for (size_t i = 0; i < sizeof(fp_ops) / sizeof(fp_ops[0]); i++) {
        if (fp_ops[i].mnem == insn->mnem) {
            op = fp_ops[i].op;
        }
    }
    /* legacy CMPxx use imm[2:0], ROUNDxx imm[3:0] */
    uint64_t imm = insn->nops > 2 ? imm8(insn, 2) & (op >= HSSE_ROUNDPS ? 15 : 7) : 0;
    size_t src = gen_sse_src(s, insn, 1, true);
    ir_call4(helper_sse_fp, HELPER_NOREGS, IR_NONE, gen_const((uint64_t)op),
             gen_const(sse_reg_off(insn, 0)), gen_const(src), gen_const(imm));
}

static void gen_sse_dp(DisasContext *s, X86Insn *insn)
{
    size_t src = gen_sse_src(s, insn, 1, true);
    ir_call3(insn->mnem == M_DPPS ? helper_dpps : helper_dppd, HELPER_NOREGS, IR_NONE,
             gen_const(sse_reg_off(insn, 0)), gen_const(src), gen_const(imm8(insn, 2)));
}

static void gen_sse_comi(DisasContext *s, X86Insn *insn)
{
    HSSECmpOp op = insn->mnem == M_COMISS    ? HSSE_COMISS
                   : insn->mnem == M_UCOMISS ? HSSE_UCOMISS
                   : insn->mnem == M_COMISD  ? HSSE_COMISD
                                             : HSSE_UCOMISD;
    size_t src = gen_sse_src(s, insn, 1, true);
    IRv flags = gen_temp();
    ir_call3(helper_sse_comi, HELPER_NOREGS, flags, gen_const(op), gen_const(sse_reg_off(insn, 0)),
             gen_const(src));
    gen_set_eflags(s, flags);
}

/* ---- tests and string compares ---- */

static void gen_ptest(DisasContext *s, X86Insn *insn)
{
    size_t src = gen_sse_src(s, insn, 1, true);
    IRv flags = gen_temp();
    ir_call2(helper_ptest, HELPER_NOREGS, flags,
             gen_const(sse_reg_off(insn, 0)), gen_const(src));
    gen_set_eflags(s, flags);
}

static void gen_pcmpstr(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    uint64_t ctl = imm8(insn, 2) | (m == M_PCMPESTRI || m == M_PCMPESTRM ? PCMPSTR_EXPLICIT : 0) |
                   (m == M_PCMPESTRM || m == M_PCMPISTRM ? PCMPSTR_MASK : 0) |
                   ((insn->rex & 8) ? PCMPSTR_REXW : 0);
    size_t src = gen_sse_src(s, insn, 1, false);
    IRv res = gen_temp(), flags = gen_temp();
    ir_call3(helper_pcmpstr, HELPER_ENV, res, gen_const(sse_reg_off(insn, 0)), gen_const(src),
             gen_const(ctl));
    ir_ext32u(flags, res);
    if (!(ctl & PCMPSTR_MASK)) {
        IRv index = gen_temp();
        ir_shri(index, res, 32);
        gen_reg_write(s, R_ECX, 4, false, index);
    }
    gen_set_eflags(s, flags);
}

/* ---- MMX state and MXCSR ---- */

static void gen_emms(DisasContext *s, X86Insn *insn)
{
    ir_call0(helper_emms, HELPER_NOREGS, IR_NONE);
}

static void gen_ldmxcsr(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_ld(s, gen_ea(s), MO_32);
    ir_call1(helper_ldmxcsr, HELPER_NOREGS, IR_NONE, v);
}

static void gen_stmxcsr(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_temp();
    ir_ld_env(v, offsetof(X86CPUState, mxcsr), MO_32);
    gen_st(s, v, gen_ea(s), MO_32);
}

const X86GenRow x86_gen_sse_rows[] = {
    /* integer */
    { M_PADDB, gen_sse_bin }, { M_PADDW, gen_sse_bin }, { M_PADDD, gen_sse_bin },
    { M_PADDQ, gen_sse_bin }, { M_PADDSB, gen_sse_bin }, { M_PADDSW, gen_sse_bin },
    { M_PADDUSB, gen_sse_bin }, { M_PADDUSW, gen_sse_bin }, { M_PSUBB, gen_sse_bin },
    { M_PSUBW, gen_sse_bin }, { M_PSUBD, gen_sse_bin }, { M_PSUBQ, gen_sse_bin },
    { M_PSUBSB, gen_sse_bin }, { M_PSUBSW, gen_sse_bin }, { M_PSUBUSB, gen_sse_bin },
    { M_PSUBUSW, gen_sse_bin }, { M_PMULLW, gen_sse_bin }, { M_PMULHW, gen_sse_bin },
    { M_PMULHUW, gen_sse_bin }, { M_PMULUDQ, gen_sse_bin }, { M_PMADDWD, gen_sse_bin },
    { M_PSADBW, gen_sse_bin }, { M_PAVGB, gen_sse_bin }, { M_PAVGW, gen_sse_bin },
    { M_PMINUB, gen_sse_bin }, { M_PMAXUB, gen_sse_bin }, { M_PMINSW, gen_sse_bin },
    { M_PMAXSW, gen_sse_bin }, { M_PAND, gen_sse_bin }, { M_PANDN, gen_sse_bin },
    { M_POR, gen_sse_bin }, { M_PXOR, gen_sse_bin }, { M_ANDPS, gen_sse_bin },
    { M_ANDPD, gen_sse_bin }, { M_ANDNPS, gen_sse_bin }, { M_ANDNPD, gen_sse_bin },
    { M_ORPS, gen_sse_bin }, { M_ORPD, gen_sse_bin }, { M_XORPS, gen_sse_bin },
    { M_XORPD, gen_sse_bin }, { M_PCMPEQB, gen_sse_bin }, { M_PCMPEQW, gen_sse_bin },
    { M_PCMPEQD, gen_sse_bin }, { M_PCMPEQQ, gen_sse_bin }, { M_PCMPGTB, gen_sse_bin },
    { M_PCMPGTW, gen_sse_bin }, { M_PCMPGTD, gen_sse_bin }, { M_PCMPGTQ, gen_sse_bin },
    { M_PACKSSWB, gen_sse_bin }, { M_PACKSSDW, gen_sse_bin }, { M_PACKUSWB, gen_sse_bin },
    { M_PACKUSDW, gen_sse_bin }, { M_PUNPCKLBW, gen_sse_bin }, { M_PUNPCKLWD, gen_sse_bin },
    { M_PUNPCKLDQ, gen_sse_bin }, { M_PUNPCKLQDQ, gen_sse_bin },
    { M_PUNPCKHBW, gen_sse_bin }, { M_PUNPCKHWD, gen_sse_bin }, { M_PUNPCKHDQ, gen_sse_bin },
    { M_PUNPCKHQDQ, gen_sse_bin }, { M_UNPCKLPS, gen_sse_bin }, { M_UNPCKHPS, gen_sse_bin },
    { M_UNPCKLPD, gen_sse_bin }, { M_UNPCKHPD, gen_sse_bin }, { M_PSHUFB, gen_sse_bin },
    { M_PHADDW, gen_sse_bin }, { M_PHADDD, gen_sse_bin }, { M_PHADDSW, gen_sse_bin },
    { M_PHSUBW, gen_sse_bin }, { M_PHSUBD, gen_sse_bin }, { M_PHSUBSW, gen_sse_bin },
    { M_PMADDUBSW, gen_sse_bin }, { M_PMULHRSW, gen_sse_bin }, { M_PSIGNB, gen_sse_bin },
    { M_PSIGNW, gen_sse_bin }, { M_PSIGND, gen_sse_bin }, { M_PABSB, gen_sse_bin },
    { M_PABSW, gen_sse_bin }, { M_PABSD, gen_sse_bin }, { M_PMULLD, gen_sse_bin },
    { M_PMULDQ, gen_sse_bin }, { M_PMINSB, gen_sse_bin }, { M_PMINSD, gen_sse_bin },
    { M_PMINUW, gen_sse_bin }, { M_PMINUD, gen_sse_bin }, { M_PMAXSB, gen_sse_bin },
    { M_PMAXSD, gen_sse_bin }, { M_PMAXUW, gen_sse_bin }, { M_PMAXUD, gen_sse_bin },
    { M_PHMINPOSUW, gen_sse_bin }, { M_PMOVSXBW, gen_sse_bin }, { M_PMOVSXBD, gen_sse_bin },
    { M_PMOVSXBQ, gen_sse_bin }, { M_PMOVSXWD, gen_sse_bin }, { M_PMOVSXWQ, gen_sse_bin },
    { M_PMOVSXDQ, gen_sse_bin }, { M_PMOVZXBW, gen_sse_bin }, { M_PMOVZXBD, gen_sse_bin },
    { M_PMOVZXBQ, gen_sse_bin }, { M_PMOVZXWD, gen_sse_bin }, { M_PMOVZXWQ, gen_sse_bin },
    { M_PMOVZXDQ, gen_sse_bin }, { M_MOVSHDUP, gen_sse_bin }, { M_MOVSLDUP, gen_sse_bin },
    { M_MOVDDUP, gen_sse_bin }, { M_BLENDVPS, gen_sse_bin }, { M_BLENDVPD, gen_sse_bin },
    { M_PBLENDVB, gen_sse_bin },
    { M_PSHUFW, gen_sse_imm }, { M_PSHUFD, gen_sse_imm }, { M_PSHUFHW, gen_sse_imm },
    { M_PSHUFLW, gen_sse_imm }, { M_SHUFPS, gen_sse_imm }, { M_SHUFPD, gen_sse_imm },
    { M_PALIGNR, gen_sse_imm }, { M_PBLENDW, gen_sse_imm }, { M_BLENDPS, gen_sse_imm },
    { M_BLENDPD, gen_sse_imm }, { M_MPSADBW, gen_sse_imm }, { M_INSERTPS, gen_insertps },
    { M_PSLLW, gen_sse_shift }, { M_PSLLD, gen_sse_shift }, { M_PSLLQ, gen_sse_shift },
    { M_PSRLW, gen_sse_shift }, { M_PSRLD, gen_sse_shift }, { M_PSRLQ, gen_sse_shift },
    { M_PSRAW, gen_sse_shift }, { M_PSRAD, gen_sse_shift }, { M_PSLLDQ, gen_sse_shift },
    { M_PSRLDQ, gen_sse_shift },
    /* floating point */
    { M_ADDPS, gen_sse_fp }, { M_ADDPD, gen_sse_fp }, { M_ADDSS, gen_sse_fp },
    { M_ADDSD, gen_sse_fp }, { M_SUBPS, gen_sse_fp }, { M_SUBPD, gen_sse_fp },
    { M_SUBSS, gen_sse_fp }, { M_SUBSD, gen_sse_fp }, { M_MULPS, gen_sse_fp },
    { M_MULPD, gen_sse_fp }, { M_MULSS, gen_sse_fp }, { M_MULSD, gen_sse_fp },
    { M_DIVPS, gen_sse_fp }, { M_DIVPD, gen_sse_fp }, { M_DIVSS, gen_sse_fp },
    { M_DIVSD, gen_sse_fp }, { M_MINPS, gen_sse_fp }, { M_MINPD, gen_sse_fp },
    { M_MINSS, gen_sse_fp }, { M_MINSD, gen_sse_fp }, { M_MAXPS, gen_sse_fp },
    { M_MAXPD, gen_sse_fp }, { M_MAXSS, gen_sse_fp }, { M_MAXSD, gen_sse_fp },
    { M_SQRTPS, gen_sse_fp }, { M_SQRTPD, gen_sse_fp }, { M_SQRTSS, gen_sse_fp },
    { M_SQRTSD, gen_sse_fp }, { M_RCPPS, gen_sse_fp }, { M_RCPSS, gen_sse_fp },
    { M_RSQRTPS, gen_sse_fp }, { M_RSQRTSS, gen_sse_fp }, { M_ADDSUBPS, gen_sse_fp },
    { M_ADDSUBPD, gen_sse_fp }, { M_HADDPS, gen_sse_fp }, { M_HADDPD, gen_sse_fp },
    { M_HSUBPS, gen_sse_fp }, { M_HSUBPD, gen_sse_fp }, { M_CMPPS, gen_sse_fp },
    { M_CMPPD, gen_sse_fp }, { M_CMPSS, gen_sse_fp }, { M_CMPSD_SSE, gen_sse_fp },
    { M_CVTPS2PD, gen_sse_fp }, { M_CVTPD2PS, gen_sse_fp }, { M_CVTSS2SD, gen_sse_fp },
    { M_CVTSD2SS, gen_sse_fp }, { M_CVTDQ2PS, gen_sse_fp }, { M_CVTPS2DQ, gen_sse_fp },
    { M_CVTTPS2DQ, gen_sse_fp }, { M_CVTDQ2PD, gen_sse_fp }, { M_CVTPD2DQ, gen_sse_fp },
    { M_CVTTPD2DQ, gen_sse_fp }, { M_ROUNDPS, gen_sse_fp }, { M_ROUNDPD, gen_sse_fp },
    { M_ROUNDSS, gen_sse_fp }, { M_ROUNDSD, gen_sse_fp },
    { M_DPPS, gen_sse_dp }, { M_DPPD, gen_sse_dp },
    { M_COMISS, gen_sse_comi }, { M_COMISD, gen_sse_comi }, { M_UCOMISS, gen_sse_comi },
    { M_UCOMISD, gen_sse_comi },
    { M_PTEST, gen_ptest }, { M_PCMPESTRI, gen_pcmpstr }, { M_PCMPESTRM, gen_pcmpstr },
    { M_PCMPISTRI, gen_pcmpstr }, { M_PCMPISTRM, gen_pcmpstr },
    /* conversions with integers and MMX registers */
    { M_CVTPI2PS, gen_sse_cvt }, { M_CVTPS2PI, gen_sse_cvt }, { M_CVTTPS2PI, gen_sse_cvt },
    { M_CVTPI2PD, gen_sse_cvt }, { M_CVTPD2PI, gen_sse_cvt }, { M_CVTTPD2PI, gen_sse_cvt },
    { M_CVTSI2SS, gen_sse_cvt }, { M_CVTSI2SD, gen_sse_cvt }, { M_CVTSS2SI, gen_sse_cvt },
    { M_CVTTSS2SI, gen_sse_cvt }, { M_CVTSD2SI, gen_sse_cvt }, { M_CVTTSD2SI, gen_sse_cvt },
    /* moves */
    { M_MOVAPS, gen_sse_mov }, { M_MOVAPD, gen_sse_mov }, { M_MOVUPS, gen_sse_mov },
    { M_MOVUPD, gen_sse_mov }, { M_MOVDQA, gen_sse_mov }, { M_MOVDQU, gen_sse_mov },
    { M_LDDQU, gen_sse_mov }, { M_MOVNTPS, gen_sse_mov }, { M_MOVNTPD, gen_sse_mov },
    { M_MOVNTDQ, gen_sse_mov }, { M_MOVNTDQA, gen_sse_mov }, { M_MOVNTQ, gen_sse_movq },
    { M_MOVD, gen_sse_movd }, { M_MOVQ, gen_sse_movq }, { M_MOVSS, gen_sse_movscalar },
    { M_MOVSD, gen_sse_movscalar }, { M_MOVLPS, gen_sse_movhl }, { M_MOVLPD, gen_sse_movhl },
    { M_MOVHPS, gen_sse_movhl }, { M_MOVHPD, gen_sse_movhl }, { M_MOVHLPS, gen_sse_movhl },
    { M_MOVLHPS, gen_sse_movhl }, { M_MOVQ2DQ, gen_sse_movq2dq },
    { M_MOVDQ2Q, gen_sse_movq2dq }, { M_MOVMSKPS, gen_sse_movmsk },
    { M_MOVMSKPD, gen_sse_movmsk }, { M_PMOVMSKB, gen_sse_movmsk },
    { M_MASKMOVQ, gen_sse_maskmov }, { M_MASKMOVDQU, gen_sse_maskmov },
    { M_PEXTRB, gen_sse_extract }, { M_PEXTRW, gen_sse_extract }, { M_PEXTRD, gen_sse_extract },
    { M_PEXTRQ, gen_sse_extract }, { M_EXTRACTPS, gen_sse_extract },
    { M_PINSRB, gen_sse_insert }, { M_PINSRW, gen_sse_insert }, { M_PINSRD, gen_sse_insert },
    { M_PINSRQ, gen_sse_insert }, { M_MOVNTI, gen_sse_movnti },
    /* state */
    { M_EMMS, gen_emms }, { M_LDMXCSR, gen_ldmxcsr }, { M_STMXCSR, gen_stmxcsr },
    { M_INVALID, NULL },
};
