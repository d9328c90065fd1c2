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
 * is clear (12.8.2). Two things the masked host run cannot show are
 * redone here: FTZ applies only with UE masked (10.2.3.3), and with UE
 * unmasked underflow is signalled for tiny results even when exact
 * (4.9.1.5), which the masked run reports only when inexact.
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

/* Run op on copies of d and s; apply the guest's exception rules. */
static void sse_compute(X86CPU *cpu, HSSEOp op, uint8_t *r, const uint8_t *s, int imm)
{
    X86CPUState *env = &cpu->env;
    uint32_t exc = hsse_run(op, sse_run_mxcsr(env), r, s, imm);

    if (!(env->mxcsr & MXCSR_UM)) {
        int esize, n;
        result_shape(op, &esize, &n);
        if (any_denormal(r, esize, n)) {
            exc |= MXCSR_UE;
        }
    }
    sse_exceptions(cpu, exc);
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

/* ---- DPPS / DPPD, as the SDM's pseudo-code: each product and sum rounded,
 * masked-out products +0.0, flags of every operation performed ---- */

static uint32_t scalar_op(HSSEOp op, uint32_t mx, uint8_t *a, const uint8_t *b)
{
    uint8_t x[16] = { 0 }, y[16] = { 0 };
    memcpy(x, a, op == HSSE_MULSD || op == HSSE_ADDSD ? 8 : 4);
    memcpy(y, b, op == HSSE_MULSD || op == HSSE_ADDSD ? 8 : 4);
    uint32_t exc = hsse_run(op, mx, x, y, 0);
    memcpy(a, x, op == HSSE_MULSD || op == HSSE_ADDSD ? 8 : 4);
    return exc;
}

uint64_t helper_dpps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm)
{
    Vec a, b, t = { .q = { 0, 0 } }, r = { .q = { 0, 0 } };
    uint32_t mx = sse_run_mxcsr(&cpu->env), exc = 0;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);

    for (int i = 0; i < 4; i++) {
        if ((imm >> (4 + i)) & 1) {
            t.d[i] = a.d[i];
            exc |= scalar_op(HSSE_MULSS, mx, (uint8_t *)&t.d[i], (uint8_t *)&b.d[i]);
        }
    }
    exc |= scalar_op(HSSE_ADDSS, mx, (uint8_t *)&t.d[0], (uint8_t *)&t.d[1]);
    exc |= scalar_op(HSSE_ADDSS, mx, (uint8_t *)&t.d[2], (uint8_t *)&t.d[3]);
    exc |= scalar_op(HSSE_ADDSS, mx, (uint8_t *)&t.d[0], (uint8_t *)&t.d[2]);
    for (int i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            r.d[i] = t.d[0];
        }
    }
    sse_exceptions(cpu, exc);
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_dppd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm)
{
    Vec a, b, t = { .q = { 0, 0 } }, r = { .q = { 0, 0 } };
    uint32_t mx = sse_run_mxcsr(&cpu->env), exc = 0;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);

    for (int i = 0; i < 2; i++) {
        if ((imm >> (4 + i)) & 1) {
            t.q[i] = a.q[i];
            exc |= scalar_op(HSSE_MULSD, mx, (uint8_t *)&t.q[i], (uint8_t *)&b.q[i]);
        }
    }
    exc |= scalar_op(HSSE_ADDSD, mx, (uint8_t *)&t.q[0], (uint8_t *)&t.q[1]);
    for (int i = 0; i < 2; i++) {
        if ((imm >> i) & 1) {
            r.q[i] = t.q[0];
        }
    }
    sse_exceptions(cpu, exc);
    vec_store(cpu, d, &r, 16);
    return 0;
}
