/*
 * Guest SSE arithmetic on the host's SSE unit, inline in native code: the
 * one place the x86-64 backend knows it runs an x86 guest. helper_sse_fp
 * runs the very same instruction on the host (target/x86/host-fpu.c); when
 * the guest's MXCSR is the default (round to nearest, no DAZ/FTZ, every
 * exception masked) and the host's has the same controls and no flag the
 * guest lacks, the instruction runs right on env's XMM slots and the flags
 * it raises (the host's flags afterwards) are ORed into the guest's MXCSR.
 * Anything else falls back to the helper. Encodings: SDM vol. 2, the SSE
 * instructions' opcode tables.
 */
#include <stddef.h>

#include "accel/tcg/backend/x86_64/native.h"
#include "target/x86/cpu.h"
#include "target/x86/host-fpu.h"

typedef struct SseInline {
    uint8_t prefix; /* 0, 0x66, 0xf2 or 0xf3 */
    uint8_t opcode; /* after 0x0F */
    bool imm;       /* takes the predicate byte (CMPxx) */
} SseInline;

static const SseInline sse_inline[HSSE_ROUNDPS] = {
#define SSE4(base, o) [base] = { 0, o, 0 }, [base + 1] = { 0x66, o, 0 }, [base + 2] = { 0xf3, o, 0 }, \
                      [base + 3] = { 0xf2, o, 0 }
    SSE4(HSSE_ADDPS, 0x58), SSE4(HSSE_SUBPS, 0x5c), SSE4(HSSE_MULPS, 0x59),
    SSE4(HSSE_DIVPS, 0x5e), SSE4(HSSE_MINPS, 0x5d), SSE4(HSSE_MAXPS, 0x5f),
    SSE4(HSSE_SQRTPS, 0x51),
#undef SSE4
    [HSSE_RCPPS] = { 0, 0x53, 0 },      [HSSE_RCPSS] = { 0xf3, 0x53, 0 },
    [HSSE_RSQRTPS] = { 0, 0x52, 0 },    [HSSE_RSQRTSS] = { 0xf3, 0x52, 0 },
    [HSSE_ADDSUBPS] = { 0xf2, 0xd0, 0 }, [HSSE_ADDSUBPD] = { 0x66, 0xd0, 0 },
    [HSSE_HADDPS] = { 0xf2, 0x7c, 0 },  [HSSE_HADDPD] = { 0x66, 0x7c, 0 },
    [HSSE_HSUBPS] = { 0xf2, 0x7d, 0 },  [HSSE_HSUBPD] = { 0x66, 0x7d, 0 },
    [HSSE_CMPPS] = { 0, 0xc2, 1 },      [HSSE_CMPPD] = { 0x66, 0xc2, 1 },
    [HSSE_CMPSS] = { 0xf3, 0xc2, 1 },   [HSSE_CMPSD] = { 0xf2, 0xc2, 1 },
    [HSSE_CVTPS2PD] = { 0, 0x5a, 0 },   [HSSE_CVTPD2PS] = { 0x66, 0x5a, 0 },
    [HSSE_CVTSS2SD] = { 0xf3, 0x5a, 0 }, [HSSE_CVTSD2SS] = { 0xf2, 0x5a, 0 },
    [HSSE_CVTDQ2PS] = { 0, 0x5b, 0 },   [HSSE_CVTPS2DQ] = { 0x66, 0x5b, 0 },
    [HSSE_CVTTPS2DQ] = { 0xf3, 0x5b, 0 }, [HSSE_CVTDQ2PD] = { 0xf3, 0xe6, 0 },
    [HSSE_CVTPD2DQ] = { 0xf2, 0xe6, 0 }, [HSSE_CVTTPD2DQ] = { 0x66, 0xe6, 0 },
};

#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_FLAG_BITS 0x3fu

/* stmxcsr/movdqu with a [base + disp] operand. */
static void sse_mem(CodeBuf *cb, uint8_t prefix, int opc, int reg, int base, int32_t disp)
{
    if (prefix) {
        e8(cb, prefix);
    }
    op_rm(cb, false, 0x0f00 | opc, reg, base, -1, 0, disp, false);
}

bool sse_inline_supported(uint64_t hop)
{
    return hop < HSSE_ROUNDPS && sse_inline[hop].opcode;
}

unsigned sse_inline_emit(CodeBuf *cb, uint64_t hop, int32_t d, int32_t src, uint64_t imm,
                         int32_t tmp, uint8_t *slow[4])
{
    const SseInline *si = &sse_inline[hop];
    int32_t mx = offsetof(X86CPUState, mxcsr);
    /* guest controls default, host controls default, host flags within the guest's */
    ld_zx(cb, 2, RAX, RBP, -1, mx);
    mov_rr(cb, false, RDX, RAX);
    alu_ri(cb, false, ALU_AND, RDX, ~(int32_t)MXCSR_FLAG_BITS);
    alu_ri(cb, false, ALU_CMP, RDX, MXCSR_DEFAULT);
    slow[0] = jcc32(cb, CC_NE);
    sse_mem(cb, 0, 0xae, 3, R15, tmp); /* stmxcsr */
    ld_zx(cb, 2, RCX, R15, -1, tmp);
    mov_rr(cb, false, RDX, RCX);
    alu_ri(cb, false, ALU_AND, RDX, ~(int32_t)MXCSR_FLAG_BITS);
    alu_ri(cb, false, ALU_CMP, RDX, MXCSR_DEFAULT);
    slow[1] = jcc32(cb, CC_NE);
    unary(cb, false, 2, RAX);                         /* ~guest */
    alu_rr(cb, false, ALU_AND, RAX, RCX);             /* & host */
    alu_ri(cb, false, ALU_AND, RAX, MXCSR_FLAG_BITS); /* flags the guest lacks */
    slow[2] = jcc32(cb, CC_NE);
    sse_mem(cb, 0xf3, 0x6f, 0, RBP, d);   /* movdqu xmm0, [env + d] */
    sse_mem(cb, 0xf3, 0x6f, 1, RBP, src); /* movdqu xmm1, [env + s] */
    if (si->prefix) {
        e8(cb, si->prefix);
    }
    e8(cb, 0x0f);
    e8(cb, si->opcode);
    modrm_rr(cb, 0, 1); /* op xmm0, xmm1 */
    if (si->imm) {
        e8(cb, (uint8_t)(imm & 7));
    }
    sse_mem(cb, 0xf3, 0x7f, 0, RBP, d);   /* movdqu [env + d], xmm0 */
    sse_mem(cb, 0, 0xae, 3, R15, tmp);             /* stmxcsr: the flags raised */
    ld_zx(cb, 2, RCX, R15, -1, tmp);
    alu_ri(cb, false, ALU_AND, RCX, MXCSR_FLAG_BITS);
    op_rm(cb, false, 0x09, RCX, RBP, -1, 0, mx, false); /* or [env + mxcsr], ecx */
    return 3;
}

