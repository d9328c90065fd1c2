/*
 * MMX/SSE..SSE4.2 helpers against the host CPU (tests/unit/x86-oracle.h):
 * each instruction runs natively on random registers (float and double
 * specials, denormals, NaNs, integer and saturation bounds) under random
 * MXCSR rounding, DAZ/FTZ and exception masks, and the helper the
 * translator calls for it must leave the same XMM/MMX registers, MXCSR,
 * x87 tags/TOP, result register and flags, and raise #XM exactly when the
 * host does. RCPPS/RSQRTPS run on the host's own unit, so they match the
 * host (other CPUs give other approximations; guest tests mask them).
 */
#include "target/x86/cc.h"
#include "target/x86/excp.h"
#include "target/x86/fpu_helper.h"
#include "target/x86/host-fpu.h"
#include "target/x86/int_helper.h"
#include "target/x86/sse_helper.h"
#include "tests/unit/x86-oracle.h"
#include "tests/unit/x86-rand.h"

/* ---- the cases ---- */

typedef enum Kind {
    K_BIN,      /* helper(d, s, len) */
    K_SHIFT,    /* helper(d, count = low 64 bits of s, len) */
    K_SHIFTI,   /* helper(d, imm, len): 0F 71-73 /ext ib on register 1 */
    K_IMM,      /* helper(d, s, imm, len) */
    K_FP,       /* helper_sse_fp(op, d, s, imm) */
    K_FPIMM,    /* the same with an imm8 (CMPxx 0-7, ROUNDxx 0-15) */
    K_DP,       /* helper_dpps/dppd(d, s, imm) */
    K_COMI,     /* helper_sse_comi(op, d, s) -> flags */
    K_CVT2SI,   /* helper_sse_cvt2si(op, bits, s) -> rax */
    K_CVTSI2,   /* helper_sse_cvtsi2(sd, bits, d, rax) */
    K_CVTMMX,   /* helper_sse_cvt_mmx(op, d, s) */
    K_PTEST,    /* helper_ptest(d, s) -> flags */
    K_MSK,      /* helper(s[, len]) -> rax */
    K_PCMPSTR,  /* helper_pcmpstr(d, s, ctl) */
    K_CRC32,    /* helper_crc32(rax, rcx, bytes) -> rax */
} Kind;

typedef uint64_t (*Bin)(X86CPU *, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*Imm)(X86CPU *, uint64_t, uint64_t, uint64_t, uint64_t);

typedef struct Case {
    const char *name;
    uint8_t pfx;   /* mandatory prefix of the XMM form: 0, 0x66, 0xf3, 0xf2 */
    uint8_t map;   /* 1: 0F, 2: 0F 38, 3: 0F 3A */
    uint8_t opc;
    Kind kind;
    void *fn;
    int op;        /* HSSE op, ext of K_SHIFTI, width of K_CVT*, ... */
    bool mmx;      /* also has an MMX form (no prefix, mm registers) */
    bool xmm;      /* has an XMM form */
} Case;

#define B(n, m, o, mx) { #n, 0x66, m, o, K_BIN, (void *)helper_##n, 0, mx, true }
#define BP(n, p, m, o, h) { #n, p, m, o, K_BIN, (void *)helper_##h, 0, false, true }
#define SH(n, o) { #n, 0x66, 1, o, K_SHIFT, (void *)helper_##n, 0, true, true }
#define SHI(n, o, ext, mx) { #n, 0x66, 1, o, K_SHIFTI, (void *)helper_##n, ext, mx, true }
#define IM(n, p, m, o, mx, x) { #n, p, m, o, K_IMM, (void *)helper_##n, 0, mx, x }
#define FP(n, p, o) { #n, p, 1, o, K_FP, NULL, HSSE_##n, false, true }
#define FPI(n, p, m, o) { #n, p, m, o, K_FPIMM, NULL, HSSE_##n, false, true }

static const Case cases[] = {
    B(paddb, 1, 0xfc, true), B(paddw, 1, 0xfd, true), B(paddd, 1, 0xfe, true),
    B(paddq, 1, 0xd4, true), B(paddsb, 1, 0xec, true), B(paddsw, 1, 0xed, true),
    B(paddusb, 1, 0xdc, true), B(paddusw, 1, 0xdd, true), B(psubb, 1, 0xf8, true),
    B(psubw, 1, 0xf9, true), B(psubd, 1, 0xfa, true), B(psubq, 1, 0xfb, true),
    B(psubsb, 1, 0xe8, true), B(psubsw, 1, 0xe9, true), B(psubusb, 1, 0xd8, true),
    B(psubusw, 1, 0xd9, true), B(pmullw, 1, 0xd5, true), B(pmulhw, 1, 0xe5, true),
    B(pmulhuw, 1, 0xe4, true), B(pmuludq, 1, 0xf4, true), B(pmaddwd, 1, 0xf5, true),
    B(psadbw, 1, 0xf6, true), B(pavgb, 1, 0xe0, true), B(pavgw, 1, 0xe3, true),
    B(pminub, 1, 0xda, true), B(pmaxub, 1, 0xde, true), B(pminsw, 1, 0xea, true),
    B(pmaxsw, 1, 0xee, true), B(pand, 1, 0xdb, true), B(pandn, 1, 0xdf, true),
    B(por, 1, 0xeb, true), B(pxor, 1, 0xef, true), B(pcmpeqb, 1, 0x74, true),
    B(pcmpeqw, 1, 0x75, true), B(pcmpeqd, 1, 0x76, true), B(pcmpgtb, 1, 0x64, true),
    B(pcmpgtw, 1, 0x65, true), B(pcmpgtd, 1, 0x66, true), B(packsswb, 1, 0x63, true),
    B(packssdw, 1, 0x6b, true), B(packuswb, 1, 0x67, true), B(punpcklbw, 1, 0x60, true),
    B(punpcklwd, 1, 0x61, true), B(punpckldq, 1, 0x62, true), B(punpckhbw, 1, 0x68, true),
    B(punpckhwd, 1, 0x69, true), B(punpckhdq, 1, 0x6a, true), B(punpcklqdq, 1, 0x6c, false),
    B(punpckhqdq, 1, 0x6d, false),
    B(pshufb, 2, 0x00, true), B(phaddw, 2, 0x01, true), B(phaddd, 2, 0x02, true),
    B(phaddsw, 2, 0x03, true), B(pmaddubsw, 2, 0x04, true), B(phsubw, 2, 0x05, true),
    B(phsubd, 2, 0x06, true), B(phsubsw, 2, 0x07, true), B(psignb, 2, 0x08, true),
    B(psignw, 2, 0x09, true), B(psignd, 2, 0x0a, true), B(pmulhrsw, 2, 0x0b, true),
    B(pabsb, 2, 0x1c, true), B(pabsw, 2, 0x1d, true), B(pabsd, 2, 0x1e, true),
    B(pblendvb, 2, 0x10, false), B(blendvps, 2, 0x14, false), B(blendvpd, 2, 0x15, false),
    B(pmovsxbw, 2, 0x20, false), B(pmovsxbd, 2, 0x21, false), B(pmovsxbq, 2, 0x22, false),
    B(pmovsxwd, 2, 0x23, false), B(pmovsxwq, 2, 0x24, false), B(pmovsxdq, 2, 0x25, false),
    B(pmuldq, 2, 0x28, false), B(pcmpeqq, 2, 0x29, false), B(packusdw, 2, 0x2b, false),
    B(pmovzxbw, 2, 0x30, false), B(pmovzxbd, 2, 0x31, false), B(pmovzxbq, 2, 0x32, false),
    B(pmovzxwd, 2, 0x33, false), B(pmovzxwq, 2, 0x34, false), B(pmovzxdq, 2, 0x35, false),
    B(pcmpgtq, 2, 0x37, false), B(pminsb, 2, 0x38, false), B(pminsd, 2, 0x39, false),
    B(pminuw, 2, 0x3a, false), B(pminud, 2, 0x3b, false), B(pmaxsb, 2, 0x3c, false),
    B(pmaxsd, 2, 0x3d, false), B(pmaxuw, 2, 0x3e, false), B(pmaxud, 2, 0x3f, false),
    B(pmulld, 2, 0x40, false), B(phminposuw, 2, 0x41, false),
    BP(andps, 0, 1, 0x54, pand), BP(andnps, 0, 1, 0x55, pandn), BP(orps, 0, 1, 0x56, por),
    BP(xorps, 0, 1, 0x57, pxor), BP(andpd, 0x66, 1, 0x54, pand), BP(unpcklps, 0, 1, 0x14, punpckldq),
    BP(unpckhps, 0, 1, 0x15, punpckhdq), BP(unpcklpd, 0x66, 1, 0x14, punpcklqdq),
    BP(unpckhpd, 0x66, 1, 0x15, punpckhqdq), BP(movshdup, 0xf3, 1, 0x16, movshdup),
    BP(movsldup, 0xf3, 1, 0x12, movsldup), BP(movddup, 0xf2, 1, 0x12, movddup),
    SH(psrlw, 0xd1), SH(psrld, 0xd2), SH(psrlq, 0xd3), SH(psraw, 0xe1), SH(psrad, 0xe2),
    SH(psllw, 0xf1), SH(pslld, 0xf2), SH(psllq, 0xf3),
    SHI(psrlw, 0x71, 2, true), SHI(psraw, 0x71, 4, true), SHI(psllw, 0x71, 6, true),
    SHI(psrld, 0x72, 2, true), SHI(psrad, 0x72, 4, true), SHI(pslld, 0x72, 6, true),
    SHI(psrlq, 0x73, 2, true), SHI(psllq, 0x73, 6, true), SHI(psrldq, 0x73, 3, false),
    SHI(pslldq, 0x73, 7, false),
    IM(pshufw, 0, 1, 0x70, true, false), IM(pshufd, 0x66, 1, 0x70, false, true),
    IM(pshufhw, 0xf3, 1, 0x70, false, true), IM(pshuflw, 0xf2, 1, 0x70, false, true),
    IM(shufps, 0, 1, 0xc6, false, true), IM(shufpd, 0x66, 1, 0xc6, false, true),
    IM(palignr, 0x66, 3, 0x0f, true, true), IM(pblendw, 0x66, 3, 0x0e, false, true),
    IM(blendps, 0x66, 3, 0x0c, false, true), IM(blendpd, 0x66, 3, 0x0d, false, true),
    IM(mpsadbw, 0x66, 3, 0x42, false, true), IM(insertps, 0x66, 3, 0x21, false, true),
    FP(ADDPS, 0, 0x58), FP(ADDPD, 0x66, 0x58), FP(ADDSS, 0xf3, 0x58), FP(ADDSD, 0xf2, 0x58),
    FP(MULPS, 0, 0x59), FP(MULPD, 0x66, 0x59), FP(MULSS, 0xf3, 0x59), FP(MULSD, 0xf2, 0x59),
    FP(SUBPS, 0, 0x5c), FP(SUBPD, 0x66, 0x5c), FP(SUBSS, 0xf3, 0x5c), FP(SUBSD, 0xf2, 0x5c),
    FP(MINPS, 0, 0x5d), FP(MINPD, 0x66, 0x5d), FP(MINSS, 0xf3, 0x5d), FP(MINSD, 0xf2, 0x5d),
    FP(DIVPS, 0, 0x5e), FP(DIVPD, 0x66, 0x5e), FP(DIVSS, 0xf3, 0x5e), FP(DIVSD, 0xf2, 0x5e),
    FP(MAXPS, 0, 0x5f), FP(MAXPD, 0x66, 0x5f), FP(MAXSS, 0xf3, 0x5f), FP(MAXSD, 0xf2, 0x5f),
    FP(SQRTPS, 0, 0x51), FP(SQRTPD, 0x66, 0x51), FP(SQRTSS, 0xf3, 0x51), FP(SQRTSD, 0xf2, 0x51),
    FP(RSQRTPS, 0, 0x52), FP(RSQRTSS, 0xf3, 0x52), FP(RCPPS, 0, 0x53), FP(RCPSS, 0xf3, 0x53),
    FP(ADDSUBPD, 0x66, 0xd0), FP(ADDSUBPS, 0xf2, 0xd0), FP(HADDPD, 0x66, 0x7c),
    FP(HADDPS, 0xf2, 0x7c), FP(HSUBPD, 0x66, 0x7d), FP(HSUBPS, 0xf2, 0x7d),
    FP(CVTPS2PD, 0, 0x5a), FP(CVTPD2PS, 0x66, 0x5a), FP(CVTSS2SD, 0xf3, 0x5a),
    FP(CVTSD2SS, 0xf2, 0x5a), FP(CVTDQ2PS, 0, 0x5b), FP(CVTPS2DQ, 0x66, 0x5b),
    FP(CVTTPS2DQ, 0xf3, 0x5b), FP(CVTTPD2DQ, 0x66, 0xe6), FP(CVTDQ2PD, 0xf3, 0xe6),
    FP(CVTPD2DQ, 0xf2, 0xe6),
    FPI(CMPPS, 0, 1, 0xc2), FPI(CMPPD, 0x66, 1, 0xc2), FPI(CMPSS, 0xf3, 1, 0xc2),
    FPI(CMPSD, 0xf2, 1, 0xc2), FPI(ROUNDPS, 0x66, 3, 0x08), FPI(ROUNDPD, 0x66, 3, 0x09),
    FPI(ROUNDSS, 0x66, 3, 0x0a), FPI(ROUNDSD, 0x66, 3, 0x0b),
    { "dpps", 0x66, 3, 0x40, K_DP, (void *)helper_dpps, 0, false, true },
    { "dppd", 0x66, 3, 0x41, K_DP, (void *)helper_dppd, 0, false, true },
    { "ucomiss", 0, 1, 0x2e, K_COMI, NULL, HSSE_UCOMISS, false, true },
    { "ucomisd", 0x66, 1, 0x2e, K_COMI, NULL, HSSE_UCOMISD, false, true },
    { "comiss", 0, 1, 0x2f, K_COMI, NULL, HSSE_COMISS, false, true },
    { "comisd", 0x66, 1, 0x2f, K_COMI, NULL, HSSE_COMISD, false, true },
    { "cvtss2si", 0xf3, 1, 0x2d, K_CVT2SI, NULL, HSSE_CVTSS2SI, false, true },
    { "cvttss2si", 0xf3, 1, 0x2c, K_CVT2SI, NULL, HSSE_CVTTSS2SI, false, true },
    { "cvtsd2si", 0xf2, 1, 0x2d, K_CVT2SI, NULL, HSSE_CVTSD2SI, false, true },
    { "cvttsd2si", 0xf2, 1, 0x2c, K_CVT2SI, NULL, HSSE_CVTTSD2SI, false, true },
    { "cvtsi2ss", 0xf3, 1, 0x2a, K_CVTSI2, NULL, 0, false, true },
    { "cvtsi2sd", 0xf2, 1, 0x2a, K_CVTSI2, NULL, 1, false, true },
    { "cvtpi2ps", 0, 1, 0x2a, K_CVTMMX, NULL, SSE_CVTPI2PS, false, true },
    { "cvtpi2pd", 0x66, 1, 0x2a, K_CVTMMX, NULL, SSE_CVTPI2PD, false, true },
    { "cvtps2pi", 0, 1, 0x2d, K_CVTMMX, NULL, SSE_CVTPS2PI, false, true },
    { "cvttps2pi", 0, 1, 0x2c, K_CVTMMX, NULL, SSE_CVTTPS2PI, false, true },
    { "cvtpd2pi", 0x66, 1, 0x2d, K_CVTMMX, NULL, SSE_CVTPD2PI, false, true },
    { "cvttpd2pi", 0x66, 1, 0x2c, K_CVTMMX, NULL, SSE_CVTTPD2PI, false, true },
    { "ptest", 0x66, 2, 0x17, K_PTEST, NULL, 0, false, true },
    { "movmskps", 0, 1, 0x50, K_MSK, (void *)helper_movmskps, 0, false, true },
    { "movmskpd", 0x66, 1, 0x50, K_MSK, (void *)helper_movmskpd, 0, false, true },
    { "pmovmskb", 0x66, 1, 0xd7, K_MSK, (void *)helper_pmovmskb, 1, true, true },
    { "pcmpestrm", 0x66, 3, 0x60, K_PCMPSTR, NULL, PCMPSTR_EXPLICIT | PCMPSTR_MASK, false, true },
    { "pcmpestri", 0x66, 3, 0x61, K_PCMPSTR, NULL, PCMPSTR_EXPLICIT, false, true },
    { "pcmpistrm", 0x66, 3, 0x62, K_PCMPSTR, NULL, PCMPSTR_MASK, false, true },
    { "pcmpistri", 0x66, 3, 0x63, K_PCMPSTR, NULL, 0, false, true },
    { "crc32", 0xf2, 2, 0xf0, K_CRC32, NULL, 0, false, true },
};

static size_t encode(const Case *c, bool mmx, bool rexw, uint8_t imm, uint8_t *b)
{
    size_t n = 0;
    uint8_t modrm = 0xca; /* reg 1, rm 2 */

    if (c->kind == K_CRC32) {
        int bytes = 1 << rn(4);
        if (bytes == 2) {
            b[n++] = 0x66;
        }
        b[n++] = 0xf2;
        if (bytes == 8) {
            b[n++] = 0x48;
        }
        b[n++] = 0x0f, b[n++] = 0x38, b[n++] = bytes == 1 ? 0xf0 : 0xf1, b[n++] = 0xc1;
        return n;
    }
    if (!mmx && c->pfx) {
        b[n++] = c->pfx;
    }
    if (rexw) {
        b[n++] = 0x48;
    }
    b[n++] = 0x0f;
    if (c->map == 2) {
        b[n++] = 0x38;
    } else if (c->map == 3) {
        b[n++] = 0x3a;
    }
    b[n++] = c->opc;
    switch (c->kind) {
    case K_SHIFTI:
        modrm = (uint8_t)(0xc1 | c->op << 3); /* register 1 */
        break;
    case K_CVT2SI:
    case K_MSK:
        modrm = 0xc2; /* eax, xmm2 */
        break;
    case K_CVTSI2:
        modrm = 0xc8; /* xmm1, eax */
        break;
    default:
        break;
    }
    b[n++] = modrm;
    if (c->kind == K_SHIFTI || c->kind == K_IMM || c->kind == K_FPIMM || c->kind == K_DP ||
        c->kind == K_PCMPSTR) {
        b[n++] = imm;
    }
    return n;
}

/* Run the helper(s) the translator would emit; returns the vector raised. */
static int run_helpers(const Case *c, bool mmx, bool rexw, uint8_t imm, OracleRegs *r,
                       uint64_t *rax, uint64_t *flags, uint64_t rflags, int *crc_bytes)
{
    X86CPU *cpu = &oracle.cpu;
    X86CPUState *env = &cpu->env;
    uint64_t d = mmx ? ENV_MM_OFF(1) : ENV_XMM_OFF(1), s = mmx ? ENV_MM_OFF(2) : ENV_XMM_OFF(2);
    uint64_t len = mmx ? 8 : 16;
    int v = -1;

    if (mmx || c->kind == K_CVTMMX) {
        helper_mmx_enter(cpu);
    }
    switch (c->kind) {
    case K_BIN:
        v = ORACLE_CALL(((Bin)c->fn)(cpu, d, s, len));
        break;
    case K_SHIFT: {
        uint64_t count;
        memcpy(&count, (uint8_t *)env + s, 8);
        v = ORACLE_CALL(((Bin)c->fn)(cpu, d, count, len));
        break;
    }
    case K_SHIFTI:
        d = mmx ? ENV_MM_OFF(1) : ENV_XMM_OFF(1);
        v = ORACLE_CALL(((Bin)c->fn)(cpu, d, imm, len));
        break;
    case K_IMM:
        v = ORACLE_CALL(((Imm)c->fn)(cpu, d, s, imm, len));
        break;
    case K_FP:
    case K_FPIMM:
        v = ORACLE_CALL(helper_sse_fp(cpu, (uint64_t)c->op, d, s, imm));
        break;
    case K_DP:
        v = ORACLE_CALL(((Bin)c->fn)(cpu, d, s, imm));
        break;
    case K_COMI:
        v = ORACLE_CALL(*flags = helper_sse_comi(cpu, (uint64_t)c->op, d, s));
        *flags |= rflags & ~(uint64_t)CC_OSZAPC;
        break;
    case K_CVT2SI:
        *rax = r->rax_in;
        v = ORACLE_CALL(*rax = helper_sse_cvt2si(cpu, (uint64_t)c->op, rexw ? 64 : 32, s));
        break;
    case K_CVTSI2:
        v = ORACLE_CALL(helper_sse_cvtsi2(cpu, (uint64_t)c->op, rexw ? 64 : 32, d,
                                          rexw ? r->rax_in : (uint32_t)r->rax_in));
        break;
    case K_CVTMMX: {
        bool to_mm = c->op == SSE_CVTPS2PI || c->op == SSE_CVTTPS2PI || c->op == SSE_CVTPD2PI ||
                     c->op == SSE_CVTTPD2PI;
        d = to_mm ? ENV_MM_OFF(1) : ENV_XMM_OFF(1);
        s = to_mm ? ENV_XMM_OFF(2) : ENV_MM_OFF(2);
        v = ORACLE_CALL(helper_sse_cvt_mmx(cpu, (uint64_t)c->op, d, s));
        break;
    }
    case K_PTEST:
        *flags = helper_ptest(cpu, d, s) | (rflags & ~(uint64_t)CC_OSZAPC);
        break;
    case K_MSK:
        if (c->op) {
            *rax = ((uint64_t (*)(X86CPU *, uint64_t, uint64_t))c->fn)(cpu, s, len);
        } else {
            *rax = ((uint64_t (*)(X86CPU *, uint64_t))c->fn)(cpu, s);
        }
        break;
    case K_PCMPSTR: {
        env->regs[R_EAX] = r->rax_in;
        env->regs[R_EDX] = r->rdx_in;
        uint64_t res = helper_pcmpstr(cpu, d, s, (uint64_t)c->op | imm | (rexw ? PCMPSTR_REXW : 0));
        *flags = (res & 0xffffffffu) | (rflags & ~(uint64_t)CC_OSZAPC);
        *rax = res >> 32; /* the index (in rcx) */
        break;
    }
    case K_CRC32:
        *rax = helper_crc32(cpu, (uint32_t)r->rax_in, r->rcx_in, (uint64_t)*crc_bytes);
        break;
    }
    return v;
}

static void sse_random_run(bool unmasked, int iterations)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    uint8_t code[16];
    int fails = 0;

    for (int n = 0; n < iterations && fails < 10; n++) {
        const Case *c = &cases[rn(sizeof(cases) / sizeof(cases[0]))];
        bool mmx = c->mmx && (!c->xmm || rn(2));
        bool rexw = (c->kind == K_CVT2SI || c->kind == K_CVTSI2 || c->kind == K_PCMPSTR) && rn(2);
        uint8_t imm = (uint8_t)r64();
        if (c->kind == K_FPIMM && c->map == 1) {
            imm &= 7;
        } else if (c->kind == K_FPIMM) {
            imm &= 15;
        } else if (c->kind == K_SHIFTI && rn(2)) {
            imm &= 0x1f;
        }

        oracle_reset_cpu();
        for (int i = 0; i < 16; i++) {
            rand_vec(env->fxsave + FX_XMM(i));
        }
        for (int i = 0; i < 8; i++) {
            fx_st64(env->fxsave + FX_ST(i), r64());
            fx_st16(env->fxsave + FX_ST(i) + 8, (uint16_t)r64());
        }
        fx_st16(env->fxsave + FX_FSW, (uint16_t)(rn(8) << 11));
        env->fxsave[FX_FTW] = (uint8_t)r64();
        if (c->kind == K_SHIFT && rn(2)) { /* counts around the element widths */
            fx_st64(env->fxsave + (mmx ? FX_ST(2) : FX_XMM(2)), rn(70));
        }
        env->mxcsr = rand_mxcsr(unmasked);
        fx_st32(env->fxsave + FX_MXCSR, env->mxcsr);
        memcpy(in, env->fxsave, 512);

        OracleRegs regs = { .rax_in = r64(), .rdx_in = r64(), .rcx_in = r64() };
        if (c->kind == K_PCMPSTR) {
            regs.rax_in = (uint64_t)(int64_t)(int)(rn(40) - 20);
            regs.rdx_in = (uint64_t)(int64_t)(int)(rn(40) - 20);
            if (rn(4) == 0) {
                regs.rax_in ^= 0xffffffff00000000ull; /* only REX.W sees the upper half */
            }
        }
        int crc_bytes = 1;
        size_t len = encode(c, mmx, rexw, imm, code);
        if (c->kind == K_CRC32) {
            crc_bytes = code[0] == 0x66 ? 2 : code[len - 2] == 0xf0 ? 1 : code[1] == 0x48 ? 8 : 4;
        }
        uint64_t rflags = r64() & CC_OSZAPC;
        OracleRegs hr = regs;
        bool trapped = oracle_host_run(code, len, in, out, NULL, rflags, &hr);

        uint64_t rax = 0, flags = 0;
        int vec = run_helpers(c, mmx, rexw, imm, &regs, &rax, &flags, rflags, &crc_bytes);
        fx_st32(env->fxsave + FX_MXCSR, env->mxcsr);

        bool ok = trapped == (vec == EXCP13_XF) && (trapped || vec == -1);
        ok &= !memcmp(out + FX_MXCSR, env->fxsave + FX_MXCSR, 4);
        ok &= !memcmp(out + FX_XMM(0), env->fxsave + FX_XMM(0), 256);
        ok &= !memcmp(out, env->fxsave, 5) && !memcmp(out + FX_ST(0), env->fxsave + FX_ST(0), 128);
        if (!trapped) {
            switch (c->kind) {
            case K_COMI:
            case K_PTEST:
                ok &= ((hr.rflags_out ^ flags) & CC_OSZAPC) == 0;
                break;
            case K_PCMPSTR:
                ok &= ((hr.rflags_out ^ flags) & CC_OSZAPC) == 0;
                if (!(c->op & PCMPSTR_MASK)) {
                    ok &= hr.rcx_out == (uint32_t)rax;
                }
                break;
            case K_CVT2SI:
                ok &= hr.rax_out == (rexw ? rax : (uint32_t)rax);
                break;
            case K_MSK:
                ok &= hr.rax_out == rax;
                break;
            case K_CRC32:
                ok &= hr.rax_out == rax;
                break;
            default:
                break;
            }
        }
        if (!ok) {
            fails++;
            g_test_message("mismatch: %s%s imm %02x mxcsr %04x: host trapped %d mxcsr %04x, helper "
                           "vector %d mxcsr %04x; rax %llx/%llx rcx %llx flags %llx/%llx",
                           c->name, mmx ? " (mmx)" : rexw ? " (rex.w)" : "", imm,
                           fx_ld32(in + FX_MXCSR), trapped, fx_ld32(out + FX_MXCSR), vec,
                           env->mxcsr, (unsigned long long)hr.rax_out,
                           (unsigned long long)rax, (unsigned long long)hr.rcx_out,
                           (unsigned long long)hr.rflags_out & CC_OSZAPC,
                           (unsigned long long)flags & CC_OSZAPC);
            oracle_hexdump("xmm1, xmm2 before:", in + FX_XMM(1), 32);
            oracle_hexdump("host xmm1:", out + FX_XMM(1), 16);
            oracle_hexdump("helper xmm1:", env->fxsave + FX_XMM(1), 16);
            oracle_hexdump("host mm/x87:", out, 160);
            oracle_hexdump("helper mm/x87:", env->fxsave, 160);
        }
    }
    g_assert_cmpint(fails, ==, 0);
}

static void test_sse_masked(void)
{
    sse_random_run(false, 200000);
}

static void test_sse_unmasked(void)
{
    sse_random_run(true, 200000);
}

/* Without CR4.OSXMMEXCPT an unmasked SIMD exception is #UD. */
static void test_sse_osxmmexcpt(void)
{
    X86CPUState *env = &oracle.cpu.env;

    oracle_reset_cpu();
    env->cr4 &= ~(uint64_t)CR4_OSXMMEXCPT;
    env->mxcsr = 0x1f80 & ~MXCSR_ZM;
    fx_st32(env->fxsave + FX_XMM(1), 0x3f800000);
    fx_st32(env->fxsave + FX_XMM(2), 0);
    g_assert_cmpint(ORACLE_CALL(helper_sse_fp(&oracle.cpu, HSSE_DIVSS, ENV_XMM_OFF(1),
                                              ENV_XMM_OFF(2), 0)), ==, EXCP06_UD);
    g_assert_cmphex(env->mxcsr & MXCSR_FLAGS, ==, MXCSR_ZE);
    g_assert_cmphex(fx_ld32(env->fxsave + FX_XMM(1)), ==, 0x3f800000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(0x55e);
    oracle_init();
    g_test_add_func("/sse/masked", test_sse_masked);
    g_test_add_func("/sse/unmasked", test_sse_unmasked);
    g_test_add_func("/sse/osxmmexcpt", test_sse_osxmmexcpt);
    return g_test_run();
}
