/*
 * MMX/SSE/SSE2/SSE3/SSSE3/SSE4.1/SSE4.2 helpers called from generated code
 * (translate-sse.c). Intel SDM vol. 1, ch. 9-12, and the instruction pages
 * of vol. 2.
 *
 * Operands are byte offsets into X86CPUState: an XMM register
 * (ENV_XMM_OFF), an MMX register (ENV_MM_OFF: the MMX register is the low
 * 8 bytes of its x87 slot) or the scratch slot xmm_t0 into which the
 * translator has loaded a memory operand. len is the vector width: 8 for
 * MMX, 16 for XMM. A helper writing an MMX register sets bits 79:64 of its
 * x87 slot to all ones, as the hardware does (SDM vol. 1, 9.5.1); the
 * translator has made the MMX transition (helper_mmx_enter) before.
 */
#ifndef TARGET_X86_SSE_HELPER_H
#define TARGET_X86_SSE_HELPER_H

#include <stdint.h>

#include "target/x86/cpu.h"

/* ---- integer (sse_int_helper.c, sse_shuf_helper.c): d = d op s (PABS*,
 * PMOVSX/ZX*, PHMINPOSUW, MOVxDUP: d = op s; BLENDV*: selected by XMM0) ---- */
uint64_t helper_paddb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddsb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddusb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_paddusw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubsb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubusb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psubusw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmullw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmulhw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmulhuw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmuludq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaddwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psadbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pavgb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pavgw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminub(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxub(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pand(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pandn(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_por(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pxor(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpeqb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpeqw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpeqd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpgtb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpgtw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpgtd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpeqq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pcmpgtq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_packsswb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_packssdw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_packuswb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_packusdw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpcklbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpcklwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpckldq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpcklqdq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpckhbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpckhwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpckhdq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_punpckhqdq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pshufb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phaddw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phaddd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phaddsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phsubw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phsubd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phsubsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaddubsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmulhrsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psignb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psignw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_psignd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pabsb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pabsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pabsd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmulld(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmuldq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminsb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminsd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminuw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pminud(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxsb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxsd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxuw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmaxud(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_phminposuw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxbd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxbq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxwq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovsxdq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxbd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxbq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxwq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pmovzxdq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_movshdup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_movsldup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_movddup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_blendvps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_blendvpd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);
uint64_t helper_pblendvb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len);

/* Shifts of d's elements by count (an imm8, or the low 64 bits of the
 * source operand): all zeros (sign bits for PSRA) past the element width. */
uint64_t helper_psllw(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_pslld(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psllq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psrlw(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psrld(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psrlq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psraw(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psrad(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_pslldq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);
uint64_t helper_psrldq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len);

/* Operations with an imm8 control. */
uint64_t helper_pshufw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_pshufd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_pshufhw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_pshuflw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_palignr(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_pblendw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_blendps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_blendpd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_mpsadbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_insertps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_shufps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);
uint64_t helper_shufpd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len);

/* PMOVMSKB (len 8/16), MOVMSKPS, MOVMSKPD: the mask of sign bits of s. */
uint64_t helper_pmovmskb(X86CPU *cpu, uint64_t s, uint64_t len);
uint64_t helper_movmskps(X86CPU *cpu, uint64_t s);
uint64_t helper_movmskpd(X86CPU *cpu, uint64_t s);
/* PTEST: returns ZF and CF at their rflags positions (OF SF AF PF clear). */
uint64_t helper_ptest(X86CPU *cpu, uint64_t d, uint64_t s);
/* MASKMOVQ/MASKMOVDQU: bytes of data whose mask byte has bit 7 set go to
 * linear address addr + index. */
uint64_t helper_maskmov(X86CPU *cpu, uint64_t data, uint64_t mask, uint64_t addr, uint64_t len);

/* ---- floating point (sse_fp_helper.c) ---- */
/* d = d op s for an HSSEOp (host-fpu.h), with MXCSR rounding, DAZ, FTZ and
 * exception flags; an unmasked exception raises #XM (#UD without
 * CR4.OSXMMEXCPT) and leaves d alone. imm: compare predicate or ROUNDxx
 * control. */
uint64_t helper_sse_fp(X86CPU *cpu, uint64_t op, uint64_t d, uint64_t s, uint64_t imm);
/* COMISS & co. (HSSECmpOp): returns ZF PF CF (OF SF AF clear). */
uint64_t helper_sse_comi(X86CPU *cpu, uint64_t op, uint64_t a, uint64_t b);
/* CVT(T)SS2SI / CVT(T)SD2SI (HSSECvtOp) to a 32- or 64-bit integer. */
uint64_t helper_sse_cvt2si(X86CPU *cpu, uint64_t op, uint64_t bits, uint64_t s);
/* CVTSI2SS (sd = 0) / CVTSI2SD of a 32- or 64-bit integer into d. */
uint64_t helper_sse_cvtsi2(X86CPU *cpu, uint64_t sd, uint64_t bits, uint64_t d, uint64_t value);
/* The conversions with an MMX operand: CVTPI2PS, CVTPI2PD (s = MMX or m64),
 * CVTPS2PI, CVTTPS2PI, CVTPD2PI, CVTTPD2PI (d = MMX). */
typedef enum SSECvtMMX {
    SSE_CVTPI2PS, SSE_CVTPI2PD, SSE_CVTPS2PI, SSE_CVTTPS2PI, SSE_CVTPD2PI, SSE_CVTTPD2PI
} SSECvtMMX;
uint64_t helper_sse_cvt_mmx(X86CPU *cpu, uint64_t op, uint64_t d, uint64_t s);
/* DPPS / DPPD with the imm8 element masks. */
uint64_t helper_dpps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm);
uint64_t helper_dppd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm);

/* ---- string compares (sse_str_helper.c); CRC32 is int_helper.c's ---- */
/* PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM of xmm1 = d and xmm2/m128 = s.
 * ctl = imm8 | PCMPSTR_* below. Explicit lengths come from rAX and rDX
 * (64-bit with REX.W). Returns the flags (CF ZF SF OF at their rflags
 * positions) in bits 31:0 and, for the index forms, the index in bits
 * 63:32; the mask forms write XMM0. */
#define PCMPSTR_EXPLICIT 0x100
#define PCMPSTR_MASK 0x200
#define PCMPSTR_REXW 0x400
uint64_t helper_pcmpstr(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t ctl);

#endif
