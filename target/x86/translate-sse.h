/*
 * What the MMX/SSE translation files (translate-sse.c, translate-sse-mov.c)
 * share: register operands as offsets into X86CPUState, memory operands
 * loaded into the xmm_t0 scratch slot as 8-byte guest accesses (the IR has
 * no 128-bit values), the 16-byte alignment rule, and the MMX state
 * transition (Intel SDM vol. 1, 9.5 and 11.6.8).
 */
#ifndef TARGET_X86_TRANSLATE_SSE_H
#define TARGET_X86_TRANSLATE_SSE_H

#include "target/x86/fpu-internal.h"
#include "target/x86/translate.h"

/* The XMM or MMX register of operand n. */
static inline size_t sse_reg_off(const X86Insn *insn, int n)
{
    const X86Operand *o = &insn->op[n];
    return o->reg_class == RC_MMX ? ENV_MM_OFF(o->reg & 7) : ENV_XMM_OFF(o->reg & 15);
}

static inline bool sse_is_mmx(const X86Insn *insn, int n)
{
    return insn->op[n].kind == OPK_REG && insn->op[n].reg_class == RC_MMX;
}

/* Any MMX register among the operands: the instruction is an MMX one. */
bool sse_uses_mmx(const X86Insn *insn);

/* Linear address of the memory operand plus off, wrapped outside 64-bit mode. */
IRv gen_sse_addr(DisasContext *s, int off);
/* #GP(0) unless the memory operand's linear address is 16-byte aligned
 * (SDM vol. 1, 11.6.8). */
void gen_sse_check_align(DisasContext *s);
/* Load size bytes (2, 4, 8 or 16) of the memory operand into xmm_t0. */
void gen_sse_load_t0(DisasContext *s, int size, bool align);
/* Operand n as an env offset: its register, or the memory operand in
 * xmm_t0 (16-byte operands checked for alignment when align). */
size_t gen_sse_src(DisasContext *s, X86Insn *insn, int n, bool align);
/* x87 -> MMX transition before an MMX instruction writes or reads MMX state. */
void gen_mmx_enter(DisasContext *s);

/* 64-bit pieces of env. */
IRv gen_env_ld64(size_t off);
void gen_env_st64(IRv v, size_t off);
/* An MMX register was written inline: bits 79:64 of its x87 slot become ones. */
void gen_mmx_mark(size_t off);

/* translate-sse-mov.c */
void gen_sse_mov(DisasContext *s, X86Insn *insn);
void gen_sse_movd(DisasContext *s, X86Insn *insn);
void gen_sse_movq(DisasContext *s, X86Insn *insn);
void gen_sse_movscalar(DisasContext *s, X86Insn *insn);
void gen_sse_movhl(DisasContext *s, X86Insn *insn);
void gen_sse_movq2dq(DisasContext *s, X86Insn *insn);
void gen_sse_movmsk(DisasContext *s, X86Insn *insn);
void gen_sse_maskmov(DisasContext *s, X86Insn *insn);
void gen_sse_extract(DisasContext *s, X86Insn *insn);
void gen_sse_insert(DisasContext *s, X86Insn *insn);
void gen_sse_cvt(DisasContext *s, X86Insn *insn);
void gen_sse_movnti(DisasContext *s, X86Insn *insn);

#endif
