/*
 * Random x87/SSE operands and states for the host-oracle tests: values
 * weighted towards the cases that matter (zeros, infinities, NaNs,
 * denormals, unnormals, integer and saturation bounds, results that round,
 * overflow or underflow), random control words and MXCSRs.
 */
#ifndef TESTS_UNIT_X86_RAND_H
#define TESTS_UNIT_X86_RAND_H

#include <glib.h>
#include <string.h>

#include "target/x86/fpu-internal.h"

static GRand *rng;

static inline uint64_t r64(void)
{
    return (uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng);
}

static inline unsigned rn(unsigned n)
{
    return (unsigned)g_rand_int_range(rng, 0, (gint32)n);
}

static inline Fx80 rand_fx80(void)
{
    Fx80 v = { 0 };
    uint16_t sign = rn(2) ? 0x8000 : 0;
    uint64_t m = r64();
    switch (rn(16)) {
    case 0:
        break;
    case 1:
        v.mant = 1ull << 63, v.sexp = 0x3fff;
        break;
    case 2:
        v.mant = m | 1ull << 63, v.sexp = (uint16_t)(0x3fff - 70 + rn(140));
        break;
    case 3:
        v.mant = m | 1ull << 63, v.sexp = (uint16_t)(1 + rn(0x7ffe));
        break;
    case 4:
        v.mant = m >> rn(64) & ~(1ull << 63);
        break;
    case 5:
        v.mant = m | 1ull << 63; /* pseudo-denormal */
        break;
    case 6:
        v.mant = 1ull << 63, v.sexp = 0x7fff;
        break;
    case 7:
        v.mant = m | 3ull << 62, v.sexp = 0x7fff;
        break;
    case 8:
        v.mant = (m & ~(1ull << 62)) | 1ull << 63 | 1, v.sexp = 0x7fff;
        break;
    case 9:
        v = fpu_indefinite();
        break;
    case 10:
        v.mant = m >> 1, v.sexp = (uint16_t)(1 + rn(0x7fff)); /* unnormal, pseudo-NaN/inf */
        break;
    case 11: {
        uint64_t n = 1 + (m >> (1 + rn(63)));
        int lz = __builtin_clzll(n);
        v.mant = n << lz, v.sexp = (uint16_t)(0x3fff + 63 - lz);
        break;
    }
    case 12: { /* around the integer store limits 2^15, 2^31, 2^63 and 10^18 */
        static const int e[] = { 14, 15, 16, 30, 31, 32, 59, 62, 63, 64 };
        v.mant = rn(2) ? 1ull << 63 : m | 1ull << 63;
        v.sexp = (uint16_t)(0x3fff + e[rn(10)]);
        break;
    }
    case 13:
        v.mant = m | 1ull << 63, v.sexp = (uint16_t)(1 + rn(64));
        break;
    case 14:
        v.mant = m | 1ull << 63, v.sexp = (uint16_t)(0x7ffe - rn(64));
        break;
    default:
        v.mant = m | 1ull << 63, v.sexp = (uint16_t)(0x3fff - 3 + rn(8));
        break;
    }
    v.sexp |= sign;
    return v;
}

/* A memory operand of the type the encoding reads (10 bytes + padding). */
static inline void rand_mem(uint8_t *b, int type)
{
    uint64_t m = r64();
    for (int i = 0; i < 16; i++) {
        b[i] = (uint8_t)r64();
    }
    switch (type) {
    case 4: { /* m32fp */
        static const uint32_t sp[] = { 0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000,
                                       0x7fc00000, 0x7f800001, 0x00000001, 0x007fffff,
                                       0x7f7fffff, 0x00800000 };
        uint32_t v = rn(3) ? (uint32_t)m : sp[rn(11)];
        memcpy(b, &v, 4);
        break;
    }
    case 8: { /* m64fp */
        static const uint64_t sp[] = { 0, 1ull << 63, 0x3ff0000000000000ull,
                                       0x7ff0000000000000ull, 0x7ff8000000000000ull,
                                       0x7ff0000000000001ull, 1, 0x000fffffffffffffull,
                                       0x7fefffffffffffffull };
        uint64_t v = rn(3) ? m : sp[rn(9)];
        memcpy(b, &v, 8);
        break;
    }
    case 2: /* m16int */
    case 32: /* m32int */
    case 64: { /* m64int: small, boundary or random */
        int bits = type == 2 ? 16 : type;
        uint64_t v = rn(3) == 0 ? (1ull << (bits - 1)) - rn(2) : rn(2) ? m >> rn(64) : m;
        if (rn(2)) {
            v = 0 - v;
        }
        memcpy(b, &v, (size_t)bits / 8);
        break;
    }
    case 80: {
        Fx80 v = rand_fx80();
        memcpy(b, &v, 10);
        break;
    }
    case 10: /* packed BCD: mostly valid digits */
        for (int i = 0; i < 9; i++) {
            b[i] = rn(8) ? (uint8_t)(rn(10) << 4 | rn(10)) : (uint8_t)r64();
        }
        b[9] = rn(2) ? 0x80 : rn(8) ? 0 : (uint8_t)r64();
        break;
    default:
        break;
    }
}

static inline void rand_x87_state(X86CPUState *env, bool random_masks)
{
    uint8_t *fx = env->fxsave;
    uint16_t fcw = (uint16_t)(0x0040 | rn(4) << 8 | rn(4) << 10 | 0x3f);

    if (random_masks && rn(3) == 0) {
        fcw = (uint16_t)((fcw & ~0x3f) | rn(64));
    }
    fx_st16(fx + FX_FCW, fcw);
    uint16_t flags = rn(4) == 0 ? (uint16_t)(rn(0x80) & (fcw | FSW_SF) & 0x7f) : 0;
    fx_st16(fx + FX_FSW, (uint16_t)(rn(8) << 11 | (r64() & FSW_CC) | flags));
    fx[FX_FTW] = 0;
    for (int p = 0; p < 8; p++) {
        if (rn(10) < 7) {
            fx[FX_FTW] |= (uint8_t)(1u << p);
        }
    }
    for (int i = 0; i < 8; i++) {
        Fx80 v = rand_fx80();
        memcpy(fx + FX_ST(i), &v, 10);
        memset(fx + FX_ST(i) + 10, 0, 6);
    }
    env->mxcsr = 0x1f80;
    fx_st32(fx + FX_MXCSR, 0x1f80);
}

static inline uint32_t rand_f32(void)
{
    static const uint32_t sp[] = {
        0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
        0xffc00000, 0x7f800001, 0xffa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff,
        0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x3f000000, 0x3fc00000, 0x40200000,
        0x00400000, 0x0c000000, 0x34000000,
    };
    uint32_t m = (uint32_t)r64();
    switch (rn(4)) {
    case 0:
        return sp[rn(sizeof(sp) / 4)];
    case 1: /* near 1, so products and sums round */
        return (m & 0x807fffffu) | (uint32_t)(0x3e + rn(4)) << 23;
    case 2: /* tiny: results underflow */
        return (m & 0x807fffffu) | rn(30) << 23;
    default:
        return m;
    }
}

static inline uint64_t rand_f64(void)
{
    static const uint64_t sp[] = {
        0, 1ull << 63, 0x3ff0000000000000ull, 0x7ff0000000000000ull, 0xfff8000000000000ull,
        0x7ff0000000000001ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
        0x7fefffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
        0x43e0000000000000ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
        0x47efffffe0000000ull, 0x380fffffe0000000ull,
    };
    uint64_t m = r64();
    switch (rn(4)) {
    case 0:
        return sp[rn(sizeof(sp) / 8)];
    case 1:
        return (m & 0x800fffffffffffffull) | (uint64_t)(0x3fe + rn(4)) << 52;
    case 2:
        return (m & 0x800fffffffffffffull) | (uint64_t)rn(60) << 52;
    default:
        return m;
    }
}

/* 16 bytes as floats, doubles or integers with saturation bounds. */
static inline void rand_vec(uint8_t *v)
{
    static const uint16_t w[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0xff80, 0x0100 };
    switch (rn(4)) {
    case 0:
        for (int i = 0; i < 4; i++) {
            fx_st32(v + 4 * i, rand_f32());
        }
        break;
    case 1:
        for (int i = 0; i < 2; i++) {
            fx_st64(v + 8 * i, rand_f64());
        }
        break;
    case 2:
        for (int i = 0; i < 8; i++) {
            fx_st16(v + 2 * i, rn(2) ? w[rn(10)] : (uint16_t)r64());
        }
        break;
    default:
        fx_st64(v, r64());
        fx_st64(v + 8, r64());
        break;
    }
}

static inline uint32_t rand_mxcsr(bool masks)
{
    uint32_t mx = rn(4) << MXCSR_RC_SHIFT | (rn(4) == 0 ? MXCSR_DAZ : 0) |
                  (rn(4) == 0 ? MXCSR_FTZ : 0) | (rn(2) ? rn(64) : 0) | MXCSR_MASKS;
    if (masks && rn(2)) {
        mx &= ~(rn(64) << 7);
    }
    return mx;
}

#endif
