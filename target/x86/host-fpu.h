/*
 * The host's own x87 and SSE units as the arithmetic engine of the guest's.
 *
 * mimic's tcg runs on x86-64 hosts, whose x87 and SSE units implement the
 * very formats, rounding, denormal handling, NaN propagation and exception
 * flags the guest expects (Intel SDM vol. 1, ch. 4, 8, 10, 11). So the
 * x87/SSE helpers do the bookkeeping the host cannot do for them (the guest's
 * register stack and tags, its pending-exception state, #MF/#XM) and hand
 * each floating-point operation to the host, run under the guest's control
 * word or MXCSR. That makes results, C1 (round-up), and the IE/DE/ZE/OE/UE/PE
 * flags bit-exact with hardware, transcendentals included.
 *
 * This file is the only host-specific part: a port to another host replaces
 * it with a software implementation of the same functions.
 */
#ifndef TARGET_X86_HOST_FPU_H
#define TARGET_X86_HOST_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* An 80-bit extended-precision value as FXSAVE and FLD m80 lay it out:
 * 64-bit significand (explicit integer bit) then sign and 15-bit exponent. */
typedef struct Fx80 {
    uint64_t mant;
    uint16_t sexp;
    uint16_t pad[3];
} Fx80;

/* x87 status word bits (SDM vol. 1, 8.1.3) */
#define FSW_IE 0x0001
#define FSW_DE 0x0002
#define FSW_ZE 0x0004
#define FSW_OE 0x0008
#define FSW_UE 0x0010
#define FSW_PE 0x0020
#define FSW_SF 0x0040
#define FSW_ES 0x0080
#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_TOP_SHIFT 11
#define FSW_TOP_MASK 0x3800
#define FSW_C3 0x4000
#define FSW_B 0x8000
#define FSW_EXC 0x003f
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/*
 * The x87 operations run on the host. Each reads host ST(0) = in[0] and
 * ST(1) = in[1] (and the memory operand, if any), with the guest's control
 * word, and is the same instruction as the guest's: the register forms use
 * ST(1) for the guest's ST(i).
 */
typedef enum HX87Op {
    /* ST(0) = ST(0) op ST(1) */
    HX87_FADD, HX87_FMUL, HX87_FSUB, HX87_FSUBR, HX87_FDIV, HX87_FDIVR,
    /* ST(0) = ST(0) op m32fp / m64fp / m16int / m32int */
    HX87_FADD_M32, HX87_FMUL_M32, HX87_FSUB_M32, HX87_FSUBR_M32, HX87_FDIV_M32, HX87_FDIVR_M32,
    HX87_FADD_M64, HX87_FMUL_M64, HX87_FSUB_M64, HX87_FSUBR_M64, HX87_FDIV_M64, HX87_FDIVR_M64,
    HX87_FIADD_M16, HX87_FIMUL_M16, HX87_FISUB_M16, HX87_FISUBR_M16, HX87_FIDIV_M16,
    HX87_FIDIVR_M16,
    HX87_FIADD_M32, HX87_FIMUL_M32, HX87_FISUB_M32, HX87_FISUBR_M32, HX87_FIDIV_M32,
    HX87_FIDIVR_M32,
    /* compares of ST(0) with ST(1) / memory: the status word's C0 C2 C3 */
    HX87_FCOM, HX87_FUCOM, HX87_FCOM_M32, HX87_FCOM_M64, HX87_FICOM_M16, HX87_FICOM_M32,
    HX87_FTST, HX87_FXAM,
    /* pushes: loads and constants */
    HX87_FLD_M32, HX87_FLD_M64, HX87_FILD_M16, HX87_FILD_M32, HX87_FILD_M64, HX87_FBLD,
    HX87_FLD1, HX87_FLDL2T, HX87_FLDL2E, HX87_FLDPI, HX87_FLDLG2, HX87_FLDLN2, HX87_FLDZ,
    /* stores of ST(0) to memory (the FISTP m64 / FISTTP / FBSTP pop the host's copy) */
    HX87_FST_M32, HX87_FST_M64, HX87_FIST_M16, HX87_FIST_M32, HX87_FISTP_M64,
    HX87_FISTTP_M16, HX87_FISTTP_M32, HX87_FISTTP_M64, HX87_FBSTP,
    /* on ST(0) (FPTAN, FSINCOS, FXTRACT push a second result) */
    HX87_FCHS, HX87_FABS, HX87_FSQRT, HX87_FRNDINT, HX87_F2XM1, HX87_FSIN, HX87_FCOS,
    HX87_FPTAN, HX87_FSINCOS, HX87_FXTRACT,
    /* on ST(0) and ST(1) (FPATAN, FYL2X, FYL2XP1 pop) */
    HX87_FPATAN, HX87_FYL2X, HX87_FYL2XP1, HX87_FSCALE, HX87_FPREM, HX87_FPREM1,
    HX87_NB_OPS
} HX87Op;

/*
 * Run op on the host under control word cw and condition codes cc (C0-C3
 * as in the status word) with ST(0) = in[0], ST(1) = in[1]; mem is the
 * memory operand (read or written, up to 10 bytes). Returns the status
 * word right after the instruction: exception flags, condition codes (the
 * ones it leaves alone as in cc), and TOP, from which the stack depth after it is
 * (8 - TOP) & 7 with 2 before. out[0..2] receive ST(0..2) after it.
 * Unmasked exceptions behave as on hardware (a scaled result on overflow,
 * an untouched destination on invalid) and never reach the host's own
 * exception handling.
 */
uint16_t hx87_run(HX87Op op, uint16_t cw, uint16_t cc, const Fx80 in[2], Fx80 out[3],
                  void *mem);

static inline int hx87_depth(uint16_t sw)
{
    return (8 - ((sw & FSW_TOP_MASK) >> FSW_TOP_SHIFT)) & 7;
}

/* MXCSR bits (SDM vol. 1, 10.2.3) */
#define MXCSR_IE 0x0001
#define MXCSR_DE 0x0002
#define MXCSR_ZE 0x0004
#define MXCSR_OE 0x0008
#define MXCSR_UE 0x0010
#define MXCSR_PE 0x0020
#define MXCSR_DAZ 0x0040
#define MXCSR_IM 0x0080
#define MXCSR_DM 0x0100
#define MXCSR_ZM 0x0200
#define MXCSR_OM 0x0400
#define MXCSR_UM 0x0800
#define MXCSR_PM 0x1000
#define MXCSR_RC_SHIFT 13
#define MXCSR_RC_MASK 0x6000
#define MXCSR_FTZ 0x8000
#define MXCSR_FLAGS 0x003f
#define MXCSR_MASKS 0x1f80
/* The bits LDMXCSR and FXRSTOR accept (MXCSR_MASK, SDM vol. 1, 11.6.6). */
#define MXCSR_MASK_BITS 0xffffu

/* SSE floating-point operations on 128-bit registers, d = d op s as the
 * instruction of the same name (scalar forms keep d's upper elements). */
typedef enum HSSEOp {
    HSSE_ADDPS, HSSE_ADDPD, HSSE_ADDSS, HSSE_ADDSD,
    HSSE_SUBPS, HSSE_SUBPD, HSSE_SUBSS, HSSE_SUBSD,
    HSSE_MULPS, HSSE_MULPD, HSSE_MULSS, HSSE_MULSD,
    HSSE_DIVPS, HSSE_DIVPD, HSSE_DIVSS, HSSE_DIVSD,
    HSSE_MINPS, HSSE_MINPD, HSSE_MINSS, HSSE_MINSD,
    HSSE_MAXPS, HSSE_MAXPD, HSSE_MAXSS, HSSE_MAXSD,
    HSSE_SQRTPS, HSSE_SQRTPD, HSSE_SQRTSS, HSSE_SQRTSD,
    HSSE_RCPPS, HSSE_RCPSS, HSSE_RSQRTPS, HSSE_RSQRTSS,
    HSSE_ADDSUBPS, HSSE_ADDSUBPD, HSSE_HADDPS, HSSE_HADDPD, HSSE_HSUBPS, HSSE_HSUBPD,
    HSSE_CMPPS, HSSE_CMPPD, HSSE_CMPSS, HSSE_CMPSD,  /* predicate imm 0-7 */
    HSSE_CVTPS2PD, HSSE_CVTPD2PS, HSSE_CVTSS2SD, HSSE_CVTSD2SS,
    HSSE_CVTDQ2PS, HSSE_CVTPS2DQ, HSSE_CVTTPS2DQ,
    HSSE_CVTDQ2PD, HSSE_CVTPD2DQ, HSSE_CVTTPD2DQ,
    HSSE_ROUNDPS, HSSE_ROUNDPD, HSSE_ROUNDSS, HSSE_ROUNDSD, /* imm: SSE4.1 rounding control */
    HSSE_NB_OPS
} HSSEOp;

/*
 * Run op on the host with MXCSR = mxcsr (its exception masks are ignored:
 * the host runs with all masked). d and s are 16 bytes each. Returns the
 * exception flags raised (MXCSR bits 0-5).
 */
uint32_t hsse_run(HSSEOp op, uint32_t mxcsr, uint8_t d[16], const uint8_t s[16], int imm);

/* COMISS/UCOMISS/COMISD/UCOMISD: returns ZF PF CF at their rflags positions
 * (OF SF AF clear) and the flags raised in *exc. */
typedef enum HSSECmpOp { HSSE_COMISS, HSSE_UCOMISS, HSSE_COMISD, HSSE_UCOMISD } HSSECmpOp;
uint64_t hsse_comi(HSSECmpOp op, uint32_t mxcsr, const uint8_t a[16], const uint8_t b[16],
                   uint32_t *exc);

/* Scalar float -> integer: CVTSS2SI, CVTTSS2SI, CVTSD2SI, CVTTSD2SI, with a
 * 32- or 64-bit result (the integer indefinite on overflow). */
typedef enum HSSECvtOp { HSSE_CVTSS2SI, HSSE_CVTTSS2SI, HSSE_CVTSD2SI, HSSE_CVTTSD2SI } HSSECvtOp;
uint64_t hsse_cvt_to_int(HSSECvtOp op, int bits, uint32_t mxcsr, const uint8_t s[16],
                         uint32_t *exc);
/* Integer -> scalar float into d's low element: CVTSI2SS (sd = false) or
 * CVTSI2SD, from a 32- or 64-bit integer. */
uint32_t hsse_cvt_from_int(bool sd, int bits, uint32_t mxcsr, uint8_t d[16], uint64_t v);

#endif
