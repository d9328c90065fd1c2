/*
 * SSE/SSE2/SSE3/SSE4.1 floating point: arithmetic, compares, conversions,
 * rounding and dot products (Intel SDM vol. 1, 10.2.3 MXCSR, 11.5
 * "SSE, SSE2, and SSE3 Exceptions"; vol. 2, the instruction pages).
 *
 * The operation runs on the host's SSE unit under the guest's MXCSR
 * (rounding, DAZ, FTZ) with every exception masked (host-fpu.h); this file
 * applies the guest's masks (11.5.2): when an unmasked exception is among
 * the pre-computation ones (IE, DE, ZE), only those flags are set; when it
 * is a post-computation one (OE, UE, PE), all flags are; either way the
 * destination is left alone and #XM is raised, or #UD when CR4.OSXMMEXCPT
 * is clear (12.8.2). What the masked host run cannot show is redone here:
 * FTZ applies only with UE masked (10.2.3.3), and with UE unmasked a tiny
 * result signals underflow even when exact (4.9.1.5) and, not being
 * delivered, no precision exception (as measured on Intel parts).
 */
#include "target/x86/sse_helper.h"

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"
#include "target/x86/fpu-internal.h"
#include "target/x86/sse-internal.h"

static _Noreturn void sse_raise(X86CPU *cpu)
{
    cpu_raise_exception(cpu, (cpu->env.cr4 & CR4_OSXMMEXCPT) ? EXCP13_XF : EXCP06_UD);
}

/* Fold the flags exc of an operation into MXCSR, or raise for an unmasked one. */
static void sse_exceptions(X86CPU *cpu, uint32_t exc)
{
    X86CPUState *env = &cpu->env;
    uint32_t unmasked = exc & ~(env->mxcsr >> 7) & MXCSR_FLAGS;
    const uint32_t pre = MXCSR_IE | MXCSR_DE | MXCSR_ZE;

    if (unmasked & pre) {
        env->mxcsr |= exc & pre;
        sse_raise(cpu);
    }
    env->mxcsr |= exc;
    if (unmasked) {
        sse_raise(cpu);
    }
}

/* The MXCSR the host runs with: the guest's, without FTZ when UE is unmasked. */
static uint32_t sse_run_mxcsr(const X86CPUState *env)
{
    uint32_t mx = env->mxcsr;
    return (mx & MXCSR_UM) ? mx : mx & ~(uint32_t)MXCSR_FTZ;
}

/* The floating-point results an operation may underflow into: element
 * size (0: none) and count, from element 0. */
static void result_shape(HSSEOp op, int *esize, int *n)
{
    *esize = 0;
    *n = 0;
    switch (op) {
    case HSSE_ADDPS: case HSSE_SUBPS: case HSSE_MULPS: case HSSE_DIVPS:
    case HSSE_ADDSUBPS: case HSSE_HADDPS: case HSSE_HSUBPS:
        *esize = 4, *n = 4;
        break;
    case HSSE_ADDPD: case HSSE_SUBPD: case HSSE_MULPD: case HSSE_DIVPD:
    case HSSE_ADDSUBPD: case HSSE_HADDPD: case HSSE_HSUBPD:
        *esize = 8, *n = 2;
        break;
    case HSSE_ADDSS: case HSSE_SUBSS: case HSSE_MULSS: case HSSE_DIVSS: case HSSE_CVTSD2SS:
        *esize = 4, *n = 1;
        break;
    case HSSE_ADDSD: case HSSE_SUBSD: case HSSE_MULSD: case HSSE_DIVSD:
        *esize = 8, *n = 1;
        break;
    case HSSE_CVTPD2PS:
        *esize = 4, *n = 2;
        break;
    default:
        break;
    }
}

static bool any_denormal(const uint8_t *r, int esize, int n)
{
    for (int i = 0; i < n; i++) {
        if (esize == 4) {
            uint32_t v = fx_ld32(r + 4 * i);
            if (!(v & 0x7f800000u) && (v & 0x007fffffu)) {
                return true;
            }
        } else if (esize == 8) {
            uint64_t v = fx_ld64(r + 8 * i);
            if (!(v & 0x7ff0000000000000ull) && (v & 0x000fffffffffffffull)) {
                return true;
            }
        }
    }
    return false;
}

/* Result element lane of an operation in result_shape() as a scalar
 * operation on two elements of d and s (one for a conversion). */
typedef struct LaneOp {
    HSSEOp scalar;    /* ADDSS..DIVSD or CVTSD2SS */
    uint64_t a, b;
    int size;         /* element bytes of a and b */
} LaneOp;

static LaneOp lane_op(HSSEOp op, int lane, const uint8_t *d, const uint8_t *s)
{
    LaneOp l = { .size = 4 };
    HSSEOp base = HSSE_ADDSS;
    const uint8_t *pa = d, *pb = s;
    int ia = lane, ib = lane;

    switch (op) {
    case HSSE_ADDPD: case HSSE_SUBPD: case HSSE_MULPD: case HSSE_DIVPD:
        l.size = 8;
        base = (HSSEOp)(op + 2); /* xxPS xxPD xxSS xxSD: the scalar form */
        break;
    case HSSE_ADDPS: case HSSE_SUBPS: case HSSE_MULPS: case HSSE_DIVPS:
        base = (HSSEOp)(op + 2);
        break;
    case HSSE_ADDSUBPS:
    case HSSE_ADDSUBPD:
        l.size = op == HSSE_ADDSUBPD ? 8 : 4;
        base = (lane & 1) ? (l.size == 8 ? HSSE_ADDSD : HSSE_ADDSS)
                          : (l.size == 8 ? HSSE_SUBSD : HSSE_SUBSS);
        break;
    case HSSE_HADDPS:
    case HSSE_HSUBPS:
        base = op == HSSE_HADDPS ? HSSE_ADDSS : HSSE_SUBSS;
        pa = pb = lane < 2 ? d : s;
        ia = 2 * (lane & 1);
        ib = ia + 1;
        break;
    case HSSE_HADDPD:
    case HSSE_HSUBPD:
        l.size = 8;
        base = op == HSSE_HADDPD ? HSSE_ADDSD : HSSE_SUBSD;
        pa = pb = lane == 0 ? d : s;
        ia = 0;
        ib = 1;
        break;
    case HSSE_CVTPD2PS:
    case HSSE_CVTSD2SS:
        l.size = 8;
        base = HSSE_CVTSD2SS;
        pa = pb = s;
        break;
    default: /* the scalar forms themselves */
        l.size = (op == HSSE_ADDSD || op == HSSE_SUBSD || op == HSSE_MULSD || op == HSSE_DIVSD) ? 8 : 4;
        base = op;
        break;
    }
    l.scalar = base;
    memcpy(&l.a, pa + l.size * ia, (size_t)l.size);
    memcpy(&l.b, pb + l.size * ib, (size_t)l.size);
    return l;
}

static bool is_denormal(uint64_t v, int size)
{
    uint8_t b[8];
    memcpy(b, &v, 8);
    return any_denormal(b, size, 1);
}

/*
 * Is the result of l inexact at the destination precision with an
 * unbounded exponent? (With UE or OE unmasked that, not the delivered
 * result, is what PE reports.) The x87 with its precision control set to
 * 24 or 53 bits rounds exactly so; DAZ applies to the inputs.
 */
static bool inexact_unbounded(const LaneOp *l, uint32_t mxcsr)
{
    HX87Op ld = l->size == 8 ? HX87_FLD_M64 : HX87_FLD_M32;
    Fx80 in[2] = { { 0 } }, out[3], x[2];
    uint64_t v[2] = { l->a, l->b };
    bool single = l->scalar == HSSE_CVTSD2SS || l->size == 4;
    uint16_t cw = (uint16_t)(0x003f | (single ? 0 : 2) << FCW_PC_SHIFT |
                             ((mxcsr & MXCSR_RC_MASK) >> MXCSR_RC_SHIFT) << FCW_RC_SHIFT);

    if (l->scalar == HSSE_CVTSD2SS) {
        v[1] = 0x3ff0000000000000ull; /* x * 1.0 rounds x */
    }
    for (int i = 0; i < 2; i++) {
        uint64_t e = v[i];
        if ((mxcsr & MXCSR_DAZ) && is_denormal(e, l->size == 8 || l->scalar == HSSE_CVTSD2SS ? 8 : 4)) {
            e &= l->size == 8 ? 1ull << 63 : 1ull << 31;
        }
        hx87_run(l->scalar == HSSE_CVTSD2SS ? HX87_FLD_M64 : ld, 0x037f, 0, in, out, &e);
        x[i] = out[0];
    }
    static const HX87Op x87op[] = {
        [HSSE_ADDSS] = HX87_FADD, [HSSE_ADDSD] = HX87_FADD, [HSSE_SUBSS] = HX87_FSUB,
        [HSSE_SUBSD] = HX87_FSUB, [HSSE_MULSS] = HX87_FMUL, [HSSE_MULSD] = HX87_FMUL,
        [HSSE_DIVSS] = HX87_FDIV, [HSSE_DIVSD] = HX87_FDIV, [HSSE_CVTSD2SS] = HX87_FMUL,
    };
    uint16_t sw = hx87_run(x87op[l->scalar], cw, 0, x, out, NULL);
    return sw & FSW_PE;
}

static bool lane_denormal(const uint8_t *r, int esize, int i)
{
    return any_denormal(r + esize * i, esize, 1);
}

/*
 * Run op on the host (r = r op s) and return the flags the guest's MXCSR
 * gets. With UE unmasked an element's tiny result signals UE even when
 * exact; with UE or OE unmasked, a tiny or overflowing element signals PE
 * only when inexact at an unbounded exponent range (the result is not
 * delivered, so never denormalised or rounded to infinity): then the
 * flags are gathered element by element.
 */
static uint32_t sse_run_op(const X86CPUState *env, HSSEOp op, uint8_t *r, const uint8_t *s,
                           int imm)
{
    uint32_t mx = sse_run_mxcsr(env);
    uint8_t d0[16];
    int esize, n;

    memcpy(d0, r, 16);
    uint32_t exc = hsse_run(op, mx, r, s, imm);
    result_shape(op, &esize, &n);
    bool um = !(env->mxcsr & MXCSR_UM), om = !(env->mxcsr & MXCSR_OM);
    if (!esize || !((um && ((exc & MXCSR_UE) || any_denormal(r, esize, n))) ||
                    (om && (exc & MXCSR_OE)))) {
        return exc;
    }
    exc = 0;
    for (int lane = 0; lane < n; lane++) {
        LaneOp l = lane_op(op, lane, d0, s);
        uint8_t x[16] = { 0 }, y[16] = { 0 };
        memcpy(x, &l.a, 8);
        memcpy(y, &l.b, 8);
        uint32_t e = hsse_run(l.scalar, mx, x, y, 0);
        bool tiny = um && ((e & MXCSR_UE) || lane_denormal(x, esize, 0));
        if (tiny || (om && (e & MXCSR_OE))) {
            e = (e & ~(uint32_t)MXCSR_PE) | (tiny ? MXCSR_UE : 0) |
                (inexact_unbounded(&l, mx) ? MXCSR_PE : 0);
        }
        exc |= e;
    }
    return exc;
}

/* Run op on copies of d and s; apply the guest's exception rules. */
static void sse_compute(X86CPU *cpu, HSSEOp op, uint8_t *r, const uint8_t *s, int imm)
{
    sse_exceptions(cpu, sse_run_op(&cpu->env, op, r, s, imm));
}

uint64_t helper_sse_fp(X86CPU *cpu, uint64_t op, uint64_t d, uint64_t s, uint64_t imm)
{
    Vec r, b;
    vec_load(cpu, d, &r);
    vec_load(cpu, s, &b);
    sse_compute(cpu, (HSSEOp)op, r.b, b.b, (int)imm);
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_sse_comi(X86CPU *cpu, uint64_t op, uint64_t a, uint64_t b)
{
    Vec x, y;
    uint32_t exc;
    vec_load(cpu, a, &x);
    vec_load(cpu, b, &y);
    uint64_t flags = hsse_comi((HSSECmpOp)op, sse_run_mxcsr(&cpu->env), x.b, y.b, &exc);
    sse_exceptions(cpu, exc);
    return flags;
}

uint64_t helper_sse_cvt2si(X86CPU *cpu, uint64_t op, uint64_t bits, uint64_t s)
{
    Vec x;
    uint32_t exc;
    vec_load(cpu, s, &x);
    uint64_t v = hsse_cvt_to_int((HSSECvtOp)op, (int)bits, sse_run_mxcsr(&cpu->env), x.b, &exc);
    sse_exceptions(cpu, exc);
    return v;
}

uint64_t helper_sse_cvtsi2(X86CPU *cpu, uint64_t sd, uint64_t bits, uint64_t d, uint64_t value)
{
    Vec r;
    vec_load(cpu, d, &r);
    uint32_t exc = hsse_cvt_from_int(sd != 0, (int)bits, sse_run_mxcsr(&cpu->env), r.b, value);
    sse_exceptions(cpu, exc);
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_sse_cvt_mmx(X86CPU *cpu, uint64_t op, uint64_t d, uint64_t s)
{
    Vec r, b, t = { .q = { 0, 0 } };
    vec_load(cpu, d, &r);
    vec_load(cpu, s, &b);

    switch ((SSECvtMMX)op) {
    case SSE_CVTPI2PS:
        /* two integers into the low two floats; the upper two unchanged */
        b.q[1] = 0;
        sse_compute(cpu, HSSE_CVTDQ2PS, t.b, b.b, 0);
        r.q[0] = t.q[0];
        vec_store(cpu, d, &r, 16);
        break;
    case SSE_CVTPI2PD:
        sse_compute(cpu, HSSE_CVTDQ2PD, r.b, b.b, 0);
        vec_store(cpu, d, &r, 16);
        break;
    case SSE_CVTPS2PI:
    case SSE_CVTTPS2PI:
        b.q[1] = 0; /* only the low two floats take part */
        sse_compute(cpu, op == SSE_CVTPS2PI ? HSSE_CVTPS2DQ : HSSE_CVTTPS2DQ, t.b, b.b, 0);
        vec_store(cpu, d, &t, 8);
        break;
    case SSE_CVTPD2PI:
    case SSE_CVTTPD2PI:
        sse_compute(cpu, op == SSE_CVTPD2PI ? HSSE_CVTPD2DQ : HSSE_CVTTPD2DQ, t.b, b.b, 0);
        vec_store(cpu, d, &t, 8);
        break;
    }
    return 0;
}

/* ---- DPPS / DPPD: each product and sum rounded, masked-out products
 * +0.0 (vol. 2A, DPPS). The sums are those of the SDM's pseudo-code, but
 * each result element adds them in its own order, which shows when two
 * of them are NaNs (the first operand's NaN wins): measured on Intel
 * parts, element i of DPPS is (p[i^1] + p[i]) + (p[i^3] + p[i^2]) and of
 * DPPD p[i] + p[i^1]. The products, then each level of sums, are steps
 * of their own for exceptions: a step's flags are set (or it faults)
 * before the next, whose denormal operands may be the products. ---- */

static uint32_t scalar_op(const X86CPUState *env, HSSEOp op, void *r, const void *a,
                          const void *b)
{
    uint8_t x[16] = { 0 }, y[16] = { 0 };
    size_t n = op == HSSE_MULSD || op == HSSE_ADDSD ? 8 : 4;
    memcpy(x, a, n);
    memcpy(y, b, n);
    uint32_t exc = sse_run_op(env, op, x, y, 0);
    memcpy(r, x, n);
    return exc;
}

uint64_t helper_dpps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm)
{
    X86CPUState *env = &cpu->env;
    Vec a, b, p = { .q = { 0, 0 } }, q, r = { .q = { 0, 0 } };
    uint32_t exc = 0;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);

    for (int i = 0; i < 4; i++) {
        if ((imm >> (4 + i)) & 1) {
            exc |= scalar_op(env, HSSE_MULSS, &p.d[i], &a.d[i], &b.d[i]);
        }
    }
    sse_exceptions(cpu, exc);
    exc = 0;
    for (int i = 0; i < 4; i++) {
        exc |= scalar_op(env, HSSE_ADDSS, &q.d[i], &p.d[i ^ 1], &p.d[i]);
    }
    sse_exceptions(cpu, exc);
    exc = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t sum;
        exc |= scalar_op(env, HSSE_ADDSS, &sum, &q.d[i], &q.d[i ^ 2]);
        if ((imm >> i) & 1) {
            r.d[i] = sum;
        }
    }
    sse_exceptions(cpu, exc);
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_dppd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm)
{
    X86CPUState *env = &cpu->env;
    Vec a, b, p = { .q = { 0, 0 } }, r = { .q = { 0, 0 } };
    uint32_t exc = 0;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);

    for (int i = 0; i < 2; i++) {
        if ((imm >> (4 + i)) & 1) {
            exc |= scalar_op(env, HSSE_MULSD, &p.q[i], &a.q[i], &b.q[i]);
        }
    }
    sse_exceptions(cpu, exc);
    exc = 0;
    for (int i = 0; i < 2; i++) {
        uint64_t sum;
        exc |= scalar_op(env, HSSE_ADDSD, &sum, &p.q[i], &p.q[i ^ 1]);
        if ((imm >> i) & 1) {
            r.q[i] = sum;
        }
    }
    sse_exceptions(cpu, exc);
    vec_store(cpu, d, &r, 16);
    return 0;
}
