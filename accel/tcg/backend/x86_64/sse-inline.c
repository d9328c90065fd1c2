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
#include "target/x86/sse_helper.h"

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

static const uint8_t comi_insn[4][2] = {
    [HSSE_COMISS] = { 0, 0x2f }, [HSSE_UCOMISS] = { 0, 0x2e },
    [HSSE_COMISD] = { 0x66, 0x2f }, [HSSE_UCOMISD] = { 0x66, 0x2e },
};
static const uint8_t cvt2si_insn[4][2] = {
    [HSSE_CVTSS2SI] = { 0xf3, 0x2d }, [HSSE_CVTTSS2SI] = { 0xf3, 0x2c },
    [HSSE_CVTSD2SI] = { 0xf2, 0x2d }, [HSSE_CVTTSD2SI] = { 0xf2, 0x2c },
};

SseInlineKind sse_inline_kind(const void *fn, const uint64_t *args, unsigned nconst)
{
    if (fn == (const void *)helper_sse_fp && nconst == 4) {
        return args[0] < HSSE_ROUNDPS && sse_inline[args[0]].opcode ? SSE_INLINE_FP : SSE_INLINE_NONE;
    }
    if (fn == (const void *)helper_sse_comi && nconst == 3) {
        return args[0] <= HSSE_UCOMISD ? SSE_INLINE_COMI : SSE_INLINE_NONE;
    }
    if (fn == (const void *)helper_sse_cvt2si && nconst == 3) {
        return args[0] <= HSSE_CVTTSD2SI && (args[1] == 32 || args[1] == 64) ? SSE_INLINE_CVT2SI
                                                                               : SSE_INLINE_NONE;
    }
    if (fn == (const void *)helper_sse_cvtsi2 && nconst == 3) {
        return args[1] == 32 || args[1] == 64 ? SSE_INLINE_CVTSI2 : SSE_INLINE_NONE;
    }
    return SSE_INLINE_NONE;
}

void sse_mxcsr_normalize(CodeBuf *cb, int32_t tmp)
{
    ld_zx(cb, 2, RAX, RBP, -1, offsetof(X86CPUState, mxcsr));
    alu_ri(cb, false, ALU_AND, RAX, MXCSR_FLAG_BITS);
    alu_ri(cb, false, ALU_OR, RAX, MXCSR_DEFAULT);
    st_sized(cb, 2, RAX, R15, -1, tmp);
    sse_load_mxcsr(cb, R15, tmp);
}

void sse_save_mxcsr(CodeBuf *cb, int base, int32_t disp)
{
    sse_mem(cb, 0, 0xae, 3, base, disp);
}

void sse_load_mxcsr(CodeBuf *cb, int base, int32_t disp)
{
    sse_mem(cb, 0, 0xae, 2, base, disp);
}

/*
 * The host's MXCSR is "known" when its controls are the default and it has
 * no flag the guest's lacks. Every way through an inline operation leaves
 * it so: the fast path ORs the host's flags into the guest's, and the
 * helpers leave the host's controls as they found them and its flags
 * within the guest's. Only C code in between can break it, so the caller
 * says whether any ran since the last inline operation.
 */
uint8_t *sse_inline_emit(CodeBuf *cb, SseInlineKind kind, const uint64_t *args, int val, int out,
                         int32_t tmp, bool host_known, const int r[2])
{
    int32_t mx = offsetof(X86CPUState, mxcsr);
    uint8_t *slow;
    ld_zx(cb, 2, r[0], RBP, -1, mx);
    if (host_known) {
        alu_ri(cb, false, ALU_AND, r[0], ~(int32_t)MXCSR_FLAG_BITS);
        alu_ri(cb, false, ALU_CMP, r[0], MXCSR_DEFAULT);
    } else {
        /* any of: guest controls not default, host controls not default,
         * a host flag the guest lacks */
        mov_rr(cb, false, r[1], r[0]);
        alu_ri(cb, false, ALU_AND, r[0], ~(int32_t)MXCSR_FLAG_BITS);
        alu_ri(cb, false, ALU_XOR, r[0], MXCSR_DEFAULT);
        unary(cb, false, 2, r[1]);
        sse_save_mxcsr(cb, R15, tmp);
        alu_rm(cb, false, ALU_AND, r[1], R15, -1, tmp);
        alu_ri(cb, false, ALU_AND, r[1], MXCSR_FLAG_BITS);
        alu_rr(cb, false, ALU_OR, r[0], r[1]);
        ld_zx(cb, 2, r[1], R15, -1, tmp);
        alu_ri(cb, false, ALU_AND, r[1], ~(int32_t)MXCSR_FLAG_BITS);
        alu_ri(cb, false, ALU_XOR, r[1], MXCSR_DEFAULT);
        alu_rr(cb, false, ALU_OR, r[0], r[1]);
    }
    slow = jcc32(cb, CC_NE);
    switch (kind) {
    case SSE_INLINE_FP: {
        const SseInline *si = &sse_inline[args[0]];
        int32_t d = (int32_t)args[1];
        sse_mem(cb, 0xf3, 0x6f, 0, RBP, d);                  /* movdqu xmm0, [env + d] */
        sse_mem(cb, 0xf3, 0x6f, 1, RBP, (int32_t)args[2]);   /* movdqu xmm1, [env + s] */
        if (si->prefix) {
            e8(cb, si->prefix);
        }
        e8(cb, 0x0f);
        e8(cb, si->opcode);
        modrm_rr(cb, 0, 1); /* op xmm0, xmm1 */
        if (si->imm) {
            e8(cb, (uint8_t)(args[3] & 7));
        }
        sse_mem(cb, 0xf3, 0x7f, 0, RBP, d); /* movdqu [env + d], xmm0 */
        break;
    }
    case SSE_INLINE_COMI:
        /* (u)comis[sd] xmm0, [env + b]; ZF, PF and CF as EFLAGS bits */
        sse_mem(cb, 0xf3, 0x6f, 0, RBP, (int32_t)args[1]);
        sse_mem(cb, comi_insn[args[0]][0], comi_insn[args[0]][1], 0, RBP, (int32_t)args[2]);
        e8(cb, 0x9c); /* pushfq */
        pop_r(cb, out);
        alu_ri(cb, false, ALU_AND, out, 0x45);
        break;
    case SSE_INLINE_CVT2SI:
        /* cvt(t)s[sd]2si out, [env + s] */
        e8(cb, cvt2si_insn[args[0]][0]);
        op_rm(cb, args[1] == 64, 0x0f00 | cvt2si_insn[args[0]][1], out, RBP, -1, 0, (int32_t)args[2],
              false);
        break;
    case SSE_INLINE_CVTSI2: {
        /* cvtsi2s[sd] xmm0, val into d's low element */
        int32_t d = (int32_t)args[2];
        sse_mem(cb, 0xf3, 0x6f, 0, RBP, d);
        e8(cb, args[0] ? 0xf2 : 0xf3);
        op_rr(cb, args[1] == 64, 0x0f2a, 0, val);
        sse_mem(cb, 0xf3, 0x7f, 0, RBP, d);
        break;
    }
    case SSE_INLINE_NONE:
        break;
    }
    /* the flags raised; both controls are the default, so OR all of it */
    sse_save_mxcsr(cb, R15, tmp);
    ld_zx(cb, 2, r[0], R15, -1, tmp);
    op_rm(cb, false, 0x09, r[0], RBP, -1, 0, mx, false); /* or [env + mxcsr], r0 */
    return slow;
}


/* ---- integer SSE ----
 * The 16-byte forms of the integer helpers (target/x86/sse_int_helper.c,
 * sse_shuf_helper.c) are one host instruction each, exact whatever MXCSR
 * says: "op xmm0, xmm1" on env's slots. Keyed by helper, so ANDPS (which
 * shares PAND's helper) runs as PAND: the same bits. Encodings: SDM vol. 2,
 * appendix A (opcode maps 0F, 0F 38, 0F 3A). */

enum { SI_BIN, SI_IMM, SI_SHIFT };
enum { ISA_SSE2, ISA_SSE3, ISA_SSSE3, ISA_SSE41, ISA_SSE42 };

typedef struct SseIntInline {
    const void *fn;
    uint8_t prefix; /* 0x66, 0xf3, 0xf2 or 0 */
    uint8_t map;    /* 0 (0F), 0x38 (0F 38), 0x3a (0F 3A) */
    uint8_t opcode;
    uint8_t kind;   /* SI_BIN (d, s, len), SI_IMM (d, s, imm, len), SI_SHIFT (d, count, len) */
    uint8_t ext;    /* SI_SHIFT: the ModRM reg field (/2, /4, /6 ...) */
    uint8_t isa;
} SseIntInline;

#define B(f, op) { (const void *)f, 0x66, 0, op, SI_BIN, 0, ISA_SSE2 }
#define B38(f, op, isa) { (const void *)f, 0x66, 0x38, op, SI_BIN, 0, isa }
static const SseIntInline sse_int_inline[] = {
    B(helper_paddb, 0xfc), B(helper_paddw, 0xfd), B(helper_paddd, 0xfe), B(helper_paddq, 0xd4),
    B(helper_paddsb, 0xec), B(helper_paddsw, 0xed), B(helper_paddusb, 0xdc), B(helper_paddusw, 0xdd),
    B(helper_psubb, 0xf8), B(helper_psubw, 0xf9), B(helper_psubd, 0xfa), B(helper_psubq, 0xfb),
    B(helper_psubsb, 0xe8), B(helper_psubsw, 0xe9), B(helper_psubusb, 0xd8), B(helper_psubusw, 0xd9),
    B(helper_pmullw, 0xd5), B(helper_pmulhw, 0xe5), B(helper_pmulhuw, 0xe4), B(helper_pmuludq, 0xf4),
    B(helper_pmaddwd, 0xf5), B(helper_psadbw, 0xf6), B(helper_pavgb, 0xe0), B(helper_pavgw, 0xe3),
    B(helper_pminub, 0xda), B(helper_pmaxub, 0xde), B(helper_pminsw, 0xea), B(helper_pmaxsw, 0xee),
    B(helper_pand, 0xdb), B(helper_pandn, 0xdf), B(helper_por, 0xeb), B(helper_pxor, 0xef),
    B(helper_pcmpeqb, 0x74), B(helper_pcmpeqw, 0x75), B(helper_pcmpeqd, 0x76),
    B(helper_pcmpgtb, 0x64), B(helper_pcmpgtw, 0x65), B(helper_pcmpgtd, 0x66),
    B(helper_packsswb, 0x63), B(helper_packssdw, 0x6b), B(helper_packuswb, 0x67),
    B(helper_punpcklbw, 0x60), B(helper_punpcklwd, 0x61), B(helper_punpckldq, 0x62),
    B(helper_punpcklqdq, 0x6c), B(helper_punpckhbw, 0x68), B(helper_punpckhwd, 0x69),
    B(helper_punpckhdq, 0x6a), B(helper_punpckhqdq, 0x6d),
    { (const void *)helper_movshdup, 0xf3, 0, 0x16, SI_BIN, 0, ISA_SSE3 },
    { (const void *)helper_movsldup, 0xf3, 0, 0x12, SI_BIN, 0, ISA_SSE3 },
    { (const void *)helper_movddup, 0xf2, 0, 0x12, SI_BIN, 0, ISA_SSE3 },
    B38(helper_pshufb, 0x00, ISA_SSSE3), B38(helper_phaddw, 0x01, ISA_SSSE3),
    B38(helper_phaddd, 0x02, ISA_SSSE3), B38(helper_phaddsw, 0x03, ISA_SSSE3),
    B38(helper_pmaddubsw, 0x04, ISA_SSSE3), B38(helper_phsubw, 0x05, ISA_SSSE3),
    B38(helper_phsubd, 0x06, ISA_SSSE3), B38(helper_phsubsw, 0x07, ISA_SSSE3),
    B38(helper_psignb, 0x08, ISA_SSSE3), B38(helper_psignw, 0x09, ISA_SSSE3),
    B38(helper_psignd, 0x0a, ISA_SSSE3), B38(helper_pmulhrsw, 0x0b, ISA_SSSE3),
    B38(helper_pabsb, 0x1c, ISA_SSSE3), B38(helper_pabsw, 0x1d, ISA_SSSE3),
    B38(helper_pabsd, 0x1e, ISA_SSSE3),
    B38(helper_pmovsxbw, 0x20, ISA_SSE41), B38(helper_pmovsxbd, 0x21, ISA_SSE41),
    B38(helper_pmovsxbq, 0x22, ISA_SSE41), B38(helper_pmovsxwd, 0x23, ISA_SSE41),
    B38(helper_pmovsxwq, 0x24, ISA_SSE41), B38(helper_pmovsxdq, 0x25, ISA_SSE41),
    B38(helper_pmuldq, 0x28, ISA_SSE41), B38(helper_pcmpeqq, 0x29, ISA_SSE41),
    B38(helper_packusdw, 0x2b, ISA_SSE41),
    B38(helper_pmovzxbw, 0x30, ISA_SSE41), B38(helper_pmovzxbd, 0x31, ISA_SSE41),
    B38(helper_pmovzxbq, 0x32, ISA_SSE41), B38(helper_pmovzxwd, 0x33, ISA_SSE41),
    B38(helper_pmovzxwq, 0x34, ISA_SSE41), B38(helper_pmovzxdq, 0x35, ISA_SSE41),
    B38(helper_pcmpgtq, 0x37, ISA_SSE42),
    B38(helper_pminsb, 0x38, ISA_SSE41), B38(helper_pminsd, 0x39, ISA_SSE41),
    B38(helper_pminuw, 0x3a, ISA_SSE41), B38(helper_pminud, 0x3b, ISA_SSE41),
    B38(helper_pmaxsb, 0x3c, ISA_SSE41), B38(helper_pmaxsd, 0x3d, ISA_SSE41),
    B38(helper_pmaxuw, 0x3e, ISA_SSE41), B38(helper_pmaxud, 0x3f, ISA_SSE41),
    B38(helper_pmulld, 0x40, ISA_SSE41), B38(helper_phminposuw, 0x41, ISA_SSE41),
    { (const void *)helper_pshufd, 0x66, 0, 0x70, SI_IMM, 0, ISA_SSE2 },
    { (const void *)helper_pshufhw, 0xf3, 0, 0x70, SI_IMM, 0, ISA_SSE2 },
    { (const void *)helper_pshuflw, 0xf2, 0, 0x70, SI_IMM, 0, ISA_SSE2 },
    { (const void *)helper_shufps, 0, 0, 0xc6, SI_IMM, 0, ISA_SSE2 },
    { (const void *)helper_shufpd, 0x66, 0, 0xc6, SI_IMM, 0, ISA_SSE2 },
    { (const void *)helper_palignr, 0x66, 0x3a, 0x0f, SI_IMM, 0, ISA_SSSE3 },
    { (const void *)helper_blendps, 0x66, 0x3a, 0x0c, SI_IMM, 0, ISA_SSE41 },
    { (const void *)helper_blendpd, 0x66, 0x3a, 0x0d, SI_IMM, 0, ISA_SSE41 },
    { (const void *)helper_pblendw, 0x66, 0x3a, 0x0e, SI_IMM, 0, ISA_SSE41 },
    { (const void *)helper_mpsadbw, 0x66, 0x3a, 0x42, SI_IMM, 0, ISA_SSE41 },
    { (const void *)helper_psrlw, 0x66, 0, 0x71, SI_SHIFT, 2, ISA_SSE2 },
    { (const void *)helper_psraw, 0x66, 0, 0x71, SI_SHIFT, 4, ISA_SSE2 },
    { (const void *)helper_psllw, 0x66, 0, 0x71, SI_SHIFT, 6, ISA_SSE2 },
    { (const void *)helper_psrld, 0x66, 0, 0x72, SI_SHIFT, 2, ISA_SSE2 },
    { (const void *)helper_psrad, 0x66, 0, 0x72, SI_SHIFT, 4, ISA_SSE2 },
    { (const void *)helper_pslld, 0x66, 0, 0x72, SI_SHIFT, 6, ISA_SSE2 },
    { (const void *)helper_psrlq, 0x66, 0, 0x73, SI_SHIFT, 2, ISA_SSE2 },
    { (const void *)helper_psrldq, 0x66, 0, 0x73, SI_SHIFT, 3, ISA_SSE2 },
    { (const void *)helper_psllq, 0x66, 0, 0x73, SI_SHIFT, 6, ISA_SSE2 },
    { (const void *)helper_pslldq, 0x66, 0, 0x73, SI_SHIFT, 7, ISA_SSE2 },
};
#undef B
#undef B38

/* (libgcc fills the CPU model in a constructor: a test is a load) */
static bool host_has(uint8_t isa)
{
    switch (isa) {
    case ISA_SSE3: return __builtin_cpu_supports("sse3");
    case ISA_SSSE3: return __builtin_cpu_supports("ssse3");
    case ISA_SSE41: return __builtin_cpu_supports("sse4.1");
    case ISA_SSE42: return __builtin_cpu_supports("sse4.2");
    default: return true; /* SSE2: every x86-64 */
    }
}

bool sse_int_inline_emit(CodeBuf *cb, const void *fn, unsigned nargs, const uint64_t *args)
{
    const SseIntInline *si = NULL;
    for (size_t i = 0; i < sizeof(sse_int_inline) / sizeof(sse_int_inline[0]); i++) {
        if (sse_int_inline[i].fn == fn) {
            si = &sse_int_inline[i];
            break;
        }
    }
    unsigned want = si && si->kind == SI_IMM ? 4 : 3;
    if (!si || nargs != want || args[want - 1] != 16 || !host_has(si->isa) ||
        (si->kind == SI_SHIFT && args[1] > 0xff)) {
        return false; /* MMX (8 bytes) and shifts by a register stay helpers */
    }
    int32_t d = (int32_t)args[0];
    sse_mem(cb, 0xf3, 0x6f, 0, RBP, d); /* movdqu xmm0, [env + d] */
    if (si->kind != SI_SHIFT) {
        sse_mem(cb, 0xf3, 0x6f, 1, RBP, (int32_t)args[1]); /* movdqu xmm1, [env + s] */
    }
    if (si->prefix) {
        e8(cb, si->prefix);
    }
    e8(cb, 0x0f);
    if (si->map) {
        e8(cb, si->map);
    }
    e8(cb, si->opcode);
    if (si->kind == SI_SHIFT) {
        modrm_rr(cb, si->ext, 0); /* op xmm0, imm8 */
        e8(cb, (uint8_t)args[1]);
    } else {
        modrm_rr(cb, 0, 1); /* op xmm0, xmm1 */
        if (si->kind == SI_IMM) {
            e8(cb, (uint8_t)args[2]);
        }
    }
    sse_mem(cb, 0xf3, 0x7f, 0, RBP, d); /* movdqu [env + d], xmm0 */
    return true;
}
