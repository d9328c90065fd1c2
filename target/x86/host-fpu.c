/*
 * x87 and SSE operations executed by the x86-64 host (see host-fpu.h).
 *
 * Each x87 operation is one asm block that leaves the host FPU as it found
 * it: it saves the host control word, FNINITs, loads the guest's control
 * word and condition codes (FLDENV: an instruction that leaves some of C0-C3
 * alone must find the guest's there) and the operands, runs the one
 * instruction, reads the status word and
 * clears the flags with FNCLEX before anything could wait on them (an
 * unmasked guest exception must never trap in the host), stores the
 * results with all exceptions masked and FNINITs again. The instructions
 * are written as bytes with the memory operand at [rax] so that each is
 * exactly the encoding in the SDM's opcode tables (AT&T mnemonics swap
 * FSUB/FSUBR for some register forms). The helpers around it hold no long
 * double values, so the compiler keeps nothing on the x87 stack.
 *
 * SSE operations run with the guest's MXCSR (rounding, DAZ, FTZ) but all
 * exceptions masked, and report the flags they raised; the caller applies
 * the guest's masks (SDM vol. 1, 11.5.2).
 */
#include "target/x86/host-fpu.h"

#include <immintrin.h>
#include <string.h>

#if !defined(__x86_64__)
#error "host-fpu.c runs guest x87/SSE arithmetic on an x86-64 host's FPU"
#endif

#define X87_CLOBBERS "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

#define X87_ASM(bytes)                                                                         \
    __asm__ volatile("fnstcw %[saved]\n\t"                                                     \
                     "fninit\n\t"                                                              \
                     "fldenv %[env]\n\t"                                                       \
                     "fldt 16(%[in])\n\t"                                                      \
                     "fldt (%[in])\n\t"                                                        \
                     ".byte " bytes "\n\t"                                                     \
                     "fnstsw %[sw]\n\t"                                                        \
                     "fnclex\n\t"                                                              \
                     "fldcw %[mcw]\n\t"                                                        \
                     "fstpt (%[out])\n\t"                                                      \
                     "fstpt 16(%[out])\n\t"                                                    \
                     "fstpt 32(%[out])\n\t"                                                    \
                     "fninit\n\t"                                                              \
                     "fldcw %[saved]"                                                          \
                     : [saved] "=m"(saved), [sw] "=m"(sw)                                      \
                     : [env] "m"(env), [mcw] "m"(mcw), [in] "r"(in), [out] "r"(out), "a"(mem) \
                     : X87_CLOBBERS)

#define X87_CASE(op, bytes)                                                                    \
    case op:                                                                                   \
        X87_ASM(bytes);                                                                        \
        break

uint16_t hx87_run(HX87Op op, uint16_t cw, uint16_t cc, const Fx80 in[2], Fx80 out[3], void *mem)
{
    uint16_t saved, sw = 0;
    const uint16_t mcw = 0x037f;
    /* the 32-bit FLDENV image: control word, condition codes, all empty */
    const uint32_t env[7] = { 0xffff0000u | (cw & 0x1f3fu), 0xffff0000u | (cc & FSW_CC),
                              0xffffffffu, 0, 0, 0, 0xffff0000u };
    switch (op) {
        X87_CASE(HX87_FADD, "0xd8, 0xc1");
        X87_CASE(HX87_FMUL, "0xd8, 0xc9");
        X87_CASE(HX87_FSUB, "0xd8, 0xe1");
        X87_CASE(HX87_FSUBR, "0xd8, 0xe9");
        X87_CASE(HX87_FDIV, "0xd8, 0xf1");
        X87_CASE(HX87_FDIVR, "0xd8, 0xf9");
        X87_CASE(HX87_FADD_M32, "0xd8, 0x00");
        X87_CASE(HX87_FMUL_M32, "0xd8, 0x08");
        X87_CASE(HX87_FSUB_M32, "0xd8, 0x20");
        X87_CASE(HX87_FSUBR_M32, "0xd8, 0x28");
        X87_CASE(HX87_FDIV_M32, "0xd8, 0x30");
        X87_CASE(HX87_FDIVR_M32, "0xd8, 0x38");
        X87_CASE(HX87_FADD_M64, "0xdc, 0x00");
        X87_CASE(HX87_FMUL_M64, "0xdc, 0x08");
        X87_CASE(HX87_FSUB_M64, "0xdc, 0x20");
        X87_CASE(HX87_FSUBR_M64, "0xdc, 0x28");
        X87_CASE(HX87_FDIV_M64, "0xdc, 0x30");
        X87_CASE(HX87_FDIVR_M64, "0xdc, 0x38");
        X87_CASE(HX87_FIADD_M16, "0xde, 0x00");
        X87_CASE(HX87_FIMUL_M16, "0xde, 0x08");
        X87_CASE(HX87_FISUB_M16, "0xde, 0x20");
        X87_CASE(HX87_FISUBR_M16, "0xde, 0x28");
        X87_CASE(HX87_FIDIV_M16, "0xde, 0x30");
        X87_CASE(HX87_FIDIVR_M16, "0xde, 0x38");
        X87_CASE(HX87_FIADD_M32, "0xda, 0x00");
        X87_CASE(HX87_FIMUL_M32, "0xda, 0x08");
        X87_CASE(HX87_FISUB_M32, "0xda, 0x20");
        X87_CASE(HX87_FISUBR_M32, "0xda, 0x28");
        X87_CASE(HX87_FIDIV_M32, "0xda, 0x30");
        X87_CASE(HX87_FIDIVR_M32, "0xda, 0x38");
        X87_CASE(HX87_FCOM, "0xd8, 0xd1");
        X87_CASE(HX87_FUCOM, "0xdd, 0xe1");
        X87_CASE(HX87_FCOM_M32, "0xd8, 0x10");
        X87_CASE(HX87_FCOM_M64, "0xdc, 0x10");
        X87_CASE(HX87_FICOM_M16, "0xde, 0x10");
        X87_CASE(HX87_FICOM_M32, "0xda, 0x10");
        X87_CASE(HX87_FTST, "0xd9, 0xe4");
        X87_CASE(HX87_FXAM, "0xd9, 0xe5");
        X87_CASE(HX87_FLD_M32, "0xd9, 0x00");
        X87_CASE(HX87_FLD_M64, "0xdd, 0x00");
        X87_CASE(HX87_FILD_M16, "0xdf, 0x00");
        X87_CASE(HX87_FILD_M32, "0xdb, 0x00");
        X87_CASE(HX87_FILD_M64, "0xdf, 0x28");
        X87_CASE(HX87_FBLD, "0xdf, 0x20");
        X87_CASE(HX87_FLD1, "0xd9, 0xe8");
        X87_CASE(HX87_FLDL2T, "0xd9, 0xe9");
        X87_CASE(HX87_FLDL2E, "0xd9, 0xea");
        X87_CASE(HX87_FLDPI, "0xd9, 0xeb");
        X87_CASE(HX87_FLDLG2, "0xd9, 0xec");
        X87_CASE(HX87_FLDLN2, "0xd9, 0xed");
        X87_CASE(HX87_FLDZ, "0xd9, 0xee");
        X87_CASE(HX87_FST_M32, "0xd9, 0x10");
        X87_CASE(HX87_FST_M64, "0xdd, 0x10");
        X87_CASE(HX87_FIST_M16, "0xdf, 0x10");
        X87_CASE(HX87_FIST_M32, "0xdb, 0x10");
        X87_CASE(HX87_FISTP_M64, "0xdf, 0x38");
        X87_CASE(HX87_FISTTP_M16, "0xdf, 0x08");
        X87_CASE(HX87_FISTTP_M32, "0xdb, 0x08");
        X87_CASE(HX87_FISTTP_M64, "0xdd, 0x08");
        X87_CASE(HX87_FBSTP, "0xdf, 0x30");
        X87_CASE(HX87_FCHS, "0xd9, 0xe0");
        X87_CASE(HX87_FABS, "0xd9, 0xe1");
        X87_CASE(HX87_FSQRT, "0xd9, 0xfa");
        X87_CASE(HX87_FRNDINT, "0xd9, 0xfc");
        X87_CASE(HX87_F2XM1, "0xd9, 0xf0");
        X87_CASE(HX87_FSIN, "0xd9, 0xfe");
        X87_CASE(HX87_FCOS, "0xd9, 0xff");
        X87_CASE(HX87_FPTAN, "0xd9, 0xf2");
        X87_CASE(HX87_FSINCOS, "0xd9, 0xfb");
        X87_CASE(HX87_FXTRACT, "0xd9, 0xf4");
        X87_CASE(HX87_FPATAN, "0xd9, 0xf3");
        X87_CASE(HX87_FYL2X, "0xd9, 0xf1");
        X87_CASE(HX87_FYL2XP1, "0xd9, 0xf9");
        X87_CASE(HX87_FSCALE, "0xd9, 0xfd");
        X87_CASE(HX87_FPREM, "0xd9, 0xf8");
        X87_CASE(HX87_FPREM1, "0xd9, 0xf5");
    case HX87_NB_OPS:
        break;
    }
    return sw;
}

/* ---- SSE ---- */

static inline uint32_t host_mxcsr(uint32_t guest)
{
    return (guest & ~MXCSR_FLAGS & MXCSR_MASK_BITS) | MXCSR_MASKS;
}

/*
 * LDMXCSR is slow (some 60 ns on a virtualized host, against 1 ns for the
 * operation), so an operation runs under the host's MXCSR as it is when
 * that already does what the guest's would: same rounding/DAZ/FTZ, every
 * exception masked in the guest too, and no flag set in the host that the
 * guest does not already have (the flags read back are then the guest's
 * own plus those this operation raised, which the caller ORs in anyway).
 */
/* After an operation run under a loaded MXCSR: back to the host's
 * controls, with only the flags this operation raised (which the caller
 * gives the guest), so that the next operation may reuse it. */
static inline void mx_restore(bool fast, uint32_t saved, uint32_t after)
{
    if (!fast) {
        uint32_t restore = (saved & ~(uint32_t)MXCSR_FLAGS) | (after & MXCSR_FLAGS);
        __asm__ volatile("ldmxcsr %0" : : "m"(restore));
    }
}

static inline bool mx_reusable(uint32_t guest, uint32_t mx)
{
    uint32_t cur;
    __asm__ volatile("stmxcsr %0" : "=m"(cur));
    return (guest & MXCSR_MASKS) == MXCSR_MASKS && (cur & ~MXCSR_FLAGS) == (mx & ~MXCSR_FLAGS) &&
           !(cur & MXCSR_FLAGS & ~guest);
}

#define SSE_ASM(insn)                                                                          \
    do {                                                                                       \
        if (fast) {                                                                            \
            __asm__ volatile(insn "\n\t"                                                       \
                             "stmxcsr %[after]"                                                \
                             : [d] "+x"(vd), [after] "=m"(after)                               \
                             : [s] "x"(vs));                                                   \
        } else {                                                                               \
            __asm__ volatile("stmxcsr %[saved]\n\t"                                            \
                             "ldmxcsr %[mx]\n\t" insn "\n\t"                                   \
                             "stmxcsr %[after]"                                                \
                             : [d] "+x"(vd), [saved] "=m"(saved), [after] "=m"(after)          \
                             : [s] "x"(vs), [mx] "m"(mx));                                     \
        }                                                                                      \
    } while (0)

#define SSE_CASE(op, insn)                                                                     \
    case op:                                                                                   \
        SSE_ASM(insn " %[s], %[d]");                                                          \
        break

/* The eight compare predicates of CMPPS & co. as immediates. */
#define SSE_CMP_CASE(op, insn)                                                                 \
    case op:                                                                                   \
        switch (imm & 7) {                                                                     \
        case 0: SSE_ASM(insn " $0, %[s], %[d]"); break;                                      \
        case 1: SSE_ASM(insn " $1, %[s], %[d]"); break;                                      \
        case 2: SSE_ASM(insn " $2, %[s], %[d]"); break;                                      \
        case 3: SSE_ASM(insn " $3, %[s], %[d]"); break;                                      \
        case 4: SSE_ASM(insn " $4, %[s], %[d]"); break;                                      \
        case 5: SSE_ASM(insn " $5, %[s], %[d]"); break;                                      \
        case 6: SSE_ASM(insn " $6, %[s], %[d]"); break;                                      \
        default: SSE_ASM(insn " $7, %[s], %[d]"); break;                                     \
        }                                                                                      \
        break

/* ROUNDxx: imm bit 2 picks MXCSR.RC, else bits 1:0 are the rounding mode;
 * the host runs the MXCSR form under the mode chosen. */
#define SSE_ROUND_CASE(op, insn)                                                               \
    case op:                                                                                   \
        SSE_ASM(insn " $4, %[s], %[d]");                                                      \
        break

uint32_t hsse_run(HSSEOp op, uint32_t mxcsr, uint8_t d[16], const uint8_t s[16], int imm)
{
    __m128i vd, vs;
    uint32_t saved = 0, after = 0, mx = host_mxcsr(mxcsr);

    memcpy(&vd, d, 16);
    memcpy(&vs, s, 16);
    if (op >= HSSE_ROUNDPS && !(imm & 4)) {
        mx = (mx & ~MXCSR_RC_MASK) | (uint32_t)(imm & 3) << MXCSR_RC_SHIFT;
    }
    bool fast = mx_reusable(mxcsr, mx);
    switch (op) {
        SSE_CASE(HSSE_ADDPS, "addps");
        SSE_CASE(HSSE_ADDPD, "addpd");
        SSE_CASE(HSSE_ADDSS, "addss");
        SSE_CASE(HSSE_ADDSD, "addsd");
        SSE_CASE(HSSE_SUBPS, "subps");
        SSE_CASE(HSSE_SUBPD, "subpd");
        SSE_CASE(HSSE_SUBSS, "subss");
        SSE_CASE(HSSE_SUBSD, "subsd");
        SSE_CASE(HSSE_MULPS, "mulps");
        SSE_CASE(HSSE_MULPD, "mulpd");
        SSE_CASE(HSSE_MULSS, "mulss");
        SSE_CASE(HSSE_MULSD, "mulsd");
        SSE_CASE(HSSE_DIVPS, "divps");
        SSE_CASE(HSSE_DIVPD, "divpd");
        SSE_CASE(HSSE_DIVSS, "divss");
        SSE_CASE(HSSE_DIVSD, "divsd");
        SSE_CASE(HSSE_MINPS, "minps");
        SSE_CASE(HSSE_MINPD, "minpd");
        SSE_CASE(HSSE_MINSS, "minss");
        SSE_CASE(HSSE_MINSD, "minsd");
        SSE_CASE(HSSE_MAXPS, "maxps");
        SSE_CASE(HSSE_MAXPD, "maxpd");
        SSE_CASE(HSSE_MAXSS, "maxss");
        SSE_CASE(HSSE_MAXSD, "maxsd");
        SSE_CASE(HSSE_SQRTPS, "sqrtps");
        SSE_CASE(HSSE_SQRTPD, "sqrtpd");
        SSE_CASE(HSSE_SQRTSS, "sqrtss");
        SSE_CASE(HSSE_SQRTSD, "sqrtsd");
        SSE_CASE(HSSE_RCPPS, "rcpps");
        SSE_CASE(HSSE_RCPSS, "rcpss");
        SSE_CASE(HSSE_RSQRTPS, "rsqrtps");
        SSE_CASE(HSSE_RSQRTSS, "rsqrtss");
        SSE_CASE(HSSE_ADDSUBPS, "addsubps");
        SSE_CASE(HSSE_ADDSUBPD, "addsubpd");
        SSE_CASE(HSSE_HADDPS, "haddps");
        SSE_CASE(HSSE_HADDPD, "haddpd");
        SSE_CASE(HSSE_HSUBPS, "hsubps");
        SSE_CASE(HSSE_HSUBPD, "hsubpd");
        SSE_CMP_CASE(HSSE_CMPPS, "cmpps");
        SSE_CMP_CASE(HSSE_CMPPD, "cmppd");
        SSE_CMP_CASE(HSSE_CMPSS, "cmpss");
        SSE_CMP_CASE(HSSE_CMPSD, "cmpsd");
        SSE_CASE(HSSE_CVTPS2PD, "cvtps2pd");
        SSE_CASE(HSSE_CVTPD2PS, "cvtpd2ps");
        SSE_CASE(HSSE_CVTSS2SD, "cvtss2sd");
        SSE_CASE(HSSE_CVTSD2SS, "cvtsd2ss");
        SSE_CASE(HSSE_CVTDQ2PS, "cvtdq2ps");
        SSE_CASE(HSSE_CVTPS2DQ, "cvtps2dq");
        SSE_CASE(HSSE_CVTTPS2DQ, "cvttps2dq");
        SSE_CASE(HSSE_CVTDQ2PD, "cvtdq2pd");
        SSE_CASE(HSSE_CVTPD2DQ, "cvtpd2dq");
        SSE_CASE(HSSE_CVTTPD2DQ, "cvttpd2dq");
        SSE_ROUND_CASE(HSSE_ROUNDPS, "roundps");
        SSE_ROUND_CASE(HSSE_ROUNDPD, "roundpd");
        SSE_ROUND_CASE(HSSE_ROUNDSS, "roundss");
        SSE_ROUND_CASE(HSSE_ROUNDSD, "roundsd");
    case HSSE_NB_OPS:
        break;
    }
    memcpy(d, &vd, 16);
    mx_restore(fast, saved, after);
    after &= MXCSR_FLAGS;
    if (op >= HSSE_ROUNDPS && (imm & 8)) {
        after &= ~(uint32_t)MXCSR_PE; /* imm bit 3 suppresses the precision exception */
    }
    return after;
}

uint64_t hsse_comi(HSSECmpOp op, uint32_t mxcsr, const uint8_t a[16], const uint8_t b[16],
                   uint32_t *exc)
{
    __m128i va, vb;
    uint32_t saved = 0, after = 0, mx = host_mxcsr(mxcsr);
    uint8_t zf = 0, pf = 0, cf = 0;

    memcpy(&va, a, 16);
    memcpy(&vb, b, 16);
    bool fast = mx_reusable(mxcsr, mx);
#define COMI_ASM(insn)                                                                         \
    do {                                                                                       \
        if (fast) {                                                                            \
            __asm__ volatile(insn " %[b], %[a]\n\t"                                            \
                             "stmxcsr %[after]"                                                \
                             : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf), [after] "=m"(after)     \
                             : [a] "x"(va), [b] "x"(vb));                                      \
        } else {                                                                               \
            __asm__ volatile("stmxcsr %[saved]\n\t"                                            \
                             "ldmxcsr %[mx]\n\t" insn " %[b], %[a]\n\t"                        \
                             "stmxcsr %[after]"                                                \
                             : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf), [saved] "=m"(saved),    \
                               [after] "=m"(after)                                             \
                             : [a] "x"(va), [b] "x"(vb), [mx] "m"(mx));                        \
        }                                                                                      \
    } while (0)
    switch (op) {
    case HSSE_COMISS:
        COMI_ASM("comiss");
        break;
    case HSSE_UCOMISS:
        COMI_ASM("ucomiss");
        break;
    case HSSE_COMISD:
        COMI_ASM("comisd");
        break;
    case HSSE_UCOMISD:
        COMI_ASM("ucomisd");
        break;
    }
#undef COMI_ASM
    mx_restore(fast, saved, after);
    *exc = after & MXCSR_FLAGS;
    return (zf ? 0x40u : 0) | (pf ? 0x04u : 0) | (cf ? 0x01u : 0);
}

uint64_t hsse_cvt_to_int(HSSECvtOp op, int bits, uint32_t mxcsr, const uint8_t s[16],
                         uint32_t *exc)
{
    __m128i vs;
    uint32_t saved = 0, after = 0, mx = host_mxcsr(mxcsr);
    uint64_t r = 0;

    memcpy(&vs, s, 16);
    bool fast = mx_reusable(mxcsr, mx);
#define CVT_ASM(insn, mod)                                                                     \
    do {                                                                                       \
        if (fast) {                                                                            \
            __asm__ volatile(insn " %[s], %" mod "[r]\n\t"                                     \
                             "stmxcsr %[after]"                                                \
                             : [r] "=r"(r), [after] "=m"(after)                                \
                             : [s] "x"(vs));                                                   \
        } else {                                                                               \
            __asm__ volatile("stmxcsr %[saved]\n\t"                                            \
                             "ldmxcsr %[mx]\n\t" insn " %[s], %" mod "[r]\n\t"                 \
                             "stmxcsr %[after]"                                                \
                             : [r] "=r"(r), [saved] "=m"(saved), [after] "=m"(after)           \
                             : [s] "x"(vs), [mx] "m"(mx));                                     \
        }                                                                                      \
    } while (0)
#define CVT_CASE(op, insn)                                                                     \
    case op:                                                                                   \
        if (bits == 64) {                                                                      \
            CVT_ASM(insn, "q");                                                                \
        } else {                                                                               \
            CVT_ASM(insn, "k");                                                                \
            r = (uint32_t)r;                                                                   \
        }                                                                                      \
        break
    switch (op) {
        CVT_CASE(HSSE_CVTSS2SI, "cvtss2si");
        CVT_CASE(HSSE_CVTTSS2SI, "cvttss2si");
        CVT_CASE(HSSE_CVTSD2SI, "cvtsd2si");
        CVT_CASE(HSSE_CVTTSD2SI, "cvttsd2si");
    }
#undef CVT_CASE
#undef CVT_ASM
    mx_restore(fast, saved, after);
    *exc = after & MXCSR_FLAGS;
    return r;
}

uint32_t hsse_cvt_from_int(bool sd, int bits, uint32_t mxcsr, uint8_t d[16], uint64_t v)
{
    __m128i vd;
    uint32_t saved = 0, after = 0, mx = host_mxcsr(mxcsr);

    memcpy(&vd, d, 16);
    bool fast = mx_reusable(mxcsr, mx);
#define CVTI_ASM(insn, mod)                                                                    \
    do {                                                                                       \
        if (fast) {                                                                            \
            __asm__ volatile(insn " %" mod "[v], %[d]\n\t"                                     \
                             "stmxcsr %[after]"                                                \
                             : [d] "+x"(vd), [after] "=m"(after)                               \
                             : [v] "r"(v));                                                    \
        } else {                                                                               \
            __asm__ volatile("stmxcsr %[saved]\n\t"                                            \
                             "ldmxcsr %[mx]\n\t" insn " %" mod "[v], %[d]\n\t"                 \
                             "stmxcsr %[after]"                                                \
                             : [d] "+x"(vd), [saved] "=m"(saved), [after] "=m"(after)          \
                             : [v] "r"(v), [mx] "m"(mx));                                      \
        }                                                                                      \
    } while (0)
    if (sd) {
        if (bits == 64) {
            CVTI_ASM("cvtsi2sdq", "q");
        } else {
            CVTI_ASM("cvtsi2sdl", "k");
        }
    } else {
        if (bits == 64) {
            CVTI_ASM("cvtsi2ssq", "q");
        } else {
            CVTI_ASM("cvtsi2ssl", "k");
        }
    }
#undef CVTI_ASM
    mx_restore(fast, saved, after);
    memcpy(d, &vd, 16);
    return after & MXCSR_FLAGS;
}
