/*
 * MMX/SSE2/SSSE3/SSE4.1/SSE4.2 integer arithmetic, compares and shifts
 * (Intel SDM vol. 2, the pages of each instruction; vol. 1, 9.4 and 11.4
 * for saturation). Element-wise operations run on len / element-size
 * elements, so one helper serves the MMX (len 8) and XMM (len 16) forms.
 */
#include "target/x86/sse_helper.h"

#include <stdlib.h>

#include "target/x86/sse-internal.h"

/* d.F[i] = EXPR(x = d.F[i], y = s.F[i]) with x, y of type T */
#define ELEMENTWISE(name, F, T, EXPR)                                                          \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec a, b;                                                                              \
        vec_load(cpu, d, &a);                                                                  \
        vec_load(cpu, s, &b);                                                                  \
        for (unsigned i = 0; i < len / sizeof(a.F[0]); i++) {                                  \
            T x = a.F[i], y = b.F[i];                                                          \
            a.F[i] = (EXPR);                                                                   \
        }                                                                                      \
        vec_store(cpu, d, &a, len);                                                            \
        return 0;                                                                              \
    }

#define MIN(x, y) ((x) < (y) ? (x) : (y))
#define MAX(x, y) ((x) > (y) ? (x) : (y))

ELEMENTWISE(paddb, b, uint8_t, x + y)
ELEMENTWISE(paddw, w, uint16_t, x + y)
ELEMENTWISE(paddd, d, uint32_t, x + y)
ELEMENTWISE(paddq, q, uint64_t, x + y)
ELEMENTWISE(paddsb, sb, int8_t, sat8s(x + y))
ELEMENTWISE(paddsw, sw, int16_t, sat16s(x + y))
ELEMENTWISE(paddusb, b, uint8_t, sat8u(x + y))
ELEMENTWISE(paddusw, w, uint16_t, sat16u(x + y))
ELEMENTWISE(psubb, b, uint8_t, x - y)
ELEMENTWISE(psubw, w, uint16_t, x - y)
ELEMENTWISE(psubd, d, uint32_t, x - y)
ELEMENTWISE(psubq, q, uint64_t, x - y)
ELEMENTWISE(psubsb, sb, int8_t, sat8s(x - y))
ELEMENTWISE(psubsw, sw, int16_t, sat16s(x - y))
ELEMENTWISE(psubusb, b, uint8_t, sat8u(x - y))
ELEMENTWISE(psubusw, w, uint16_t, sat16u(x - y))
ELEMENTWISE(pmullw, sw, int16_t, (int16_t)(uint16_t)(x * y))
ELEMENTWISE(pmulhw, sw, int16_t, (int16_t)((x * y) >> 16))
ELEMENTWISE(pmulhuw, w, uint16_t, (uint16_t)(((uint32_t)x * y) >> 16))
ELEMENTWISE(pmuludq, q, uint64_t, (x & 0xffffffffu) * (y & 0xffffffffu))
ELEMENTWISE(pavgb, b, uint8_t, (x + y + 1) >> 1)
ELEMENTWISE(pavgw, w, uint16_t, (x + y + 1) >> 1)
ELEMENTWISE(pminub, b, uint8_t, MIN(x, y))
ELEMENTWISE(pmaxub, b, uint8_t, MAX(x, y))
ELEMENTWISE(pminsw, sw, int16_t, MIN(x, y))
ELEMENTWISE(pmaxsw, sw, int16_t, MAX(x, y))
ELEMENTWISE(pand, q, uint64_t, x & y)
ELEMENTWISE(pandn, q, uint64_t, ~x & y)
ELEMENTWISE(por, q, uint64_t, x | y)
ELEMENTWISE(pxor, q, uint64_t, x ^ y)
ELEMENTWISE(pcmpeqb, b, uint8_t, x == y ? 0xff : 0)
ELEMENTWISE(pcmpeqw, w, uint16_t, x == y ? 0xffff : 0)
ELEMENTWISE(pcmpeqd, d, uint32_t, x == y ? 0xffffffffu : 0)
ELEMENTWISE(pcmpeqq, q, uint64_t, x == y ? ~0ull : 0)
ELEMENTWISE(pcmpgtb, sb, int8_t, x > y ? -1 : 0)
ELEMENTWISE(pcmpgtw, sw, int16_t, x > y ? -1 : 0)
ELEMENTWISE(pcmpgtd, sd, int32_t, x > y ? -1 : 0)
ELEMENTWISE(pcmpgtq, sq, int64_t, x > y ? -1 : 0)

/* SSSE3 */
ELEMENTWISE(pmulhrsw, sw, int16_t, (int16_t)((((x * y) >> 14) + 1) >> 1))
ELEMENTWISE(psignb, sb, int8_t, y < 0 ? (int8_t)-x : y == 0 ? 0 : x)
ELEMENTWISE(psignw, sw, int16_t, y < 0 ? (int16_t)-x : y == 0 ? 0 : x)
ELEMENTWISE(psignd, sd, int32_t, y < 0 ? (int32_t)(0u - (uint32_t)x) : y == 0 ? 0 : x)
/* PABS: d = |s|, the most negative value becoming its unsigned magnitude */
#define PABS(name, F, UF)                                                                      \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec b;                                                                                 \
        vec_load(cpu, s, &b);                                                                  \
        for (unsigned i = 0; i < len / sizeof(b.F[0]); i++) {                                  \
            if (b.F[i] < 0) {                                                                  \
                b.UF[i] = 0 - b.UF[i];                                                         \
            }                                                                                  \
        }                                                                                      \
        vec_store(cpu, d, &b, len);                                                            \
        return 0;                                                                              \
    }

PABS(pabsb, sb, b)
PABS(pabsw, sw, w)
PABS(pabsd, sd, d)

/* SSE4.1 */
ELEMENTWISE(pmulld, d, uint32_t, x * y)
ELEMENTWISE(pminsb, sb, int8_t, MIN(x, y))
ELEMENTWISE(pminsd, sd, int32_t, MIN(x, y))
ELEMENTWISE(pminuw, w, uint16_t, MIN(x, y))
ELEMENTWISE(pminud, d, uint32_t, MIN(x, y))
ELEMENTWISE(pmaxsb, sb, int8_t, MAX(x, y))
ELEMENTWISE(pmaxsd, sd, int32_t, MAX(x, y))
ELEMENTWISE(pmaxuw, w, uint16_t, MAX(x, y))
ELEMENTWISE(pmaxud, d, uint32_t, MAX(x, y))

uint64_t helper_pmuldq(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    a.sq[0] = (int64_t)a.sd[0] * b.sd[0];
    a.sq[1] = (int64_t)a.sd[2] * b.sd[2];
    vec_store(cpu, d, &a, len);
    return 0;
}

uint64_t helper_pmaddwd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < len / 4; i++) {
        int64_t sum = (int64_t)a.sw[2 * i] * b.sw[2 * i] + (int64_t)a.sw[2 * i + 1] * b.sw[2 * i + 1];
        a.d[i] = (uint32_t)sum; /* only 0x8000 * 0x8000 twice wraps, to 0x80000000 */
    }
    vec_store(cpu, d, &a, len);
    return 0;
}

uint64_t helper_psadbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned g = 0; g < len / 8; g++) {
        unsigned sum = 0;
        for (unsigned i = 0; i < 8; i++) {
            sum += (unsigned)abs(a.b[8 * g + i] - b.b[8 * g + i]);
        }
        a.q[g] = sum;
    }
    vec_store(cpu, d, &a, len);
    return 0;
}

uint64_t helper_pmaddubsw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < len / 2; i++) {
        /* destination bytes unsigned, source bytes signed */
        a.sw[i] = sat16s(a.b[2 * i] * b.sb[2 * i] + a.b[2 * i + 1] * b.sb[2 * i + 1]);
    }
    vec_store(cpu, d, &a, len);
    return 0;
}

/* PHADD/PHSUB: the low half of the result from pairs of d, the high half
 * from pairs of s. */
#define HORIZONTAL(name, F, EXPR)                                                              \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec a, b, r = { .q = { 0, 0 } };                                                       \
        vec_load(cpu, d, &a);                                                                  \
        vec_load(cpu, s, &b);                                                                  \
        unsigned half = (unsigned)(len / sizeof(a.F[0]) / 2);                                  \
        for (unsigned i = 0; i < half; i++) {                                                  \
            int x = a.F[2 * i], y = a.F[2 * i + 1];                                            \
            r.F[i] = (EXPR);                                                                   \
            x = b.F[2 * i];                                                                    \
            y = b.F[2 * i + 1];                                                                \
            r.F[half + i] = (EXPR);                                                            \
        }                                                                                      \
        vec_store(cpu, d, &r, len);                                                            \
        return 0;                                                                              \
    }

HORIZONTAL(phaddw, sw, (int16_t)(uint16_t)(x + y))
HORIZONTAL(phsubw, sw, (int16_t)(uint16_t)(x - y))
HORIZONTAL(phaddsw, sw, sat16s(x + y))
HORIZONTAL(phsubsw, sw, sat16s(x - y))

uint64_t helper_phaddd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned half = (unsigned)(len / 8);
    for (unsigned i = 0; i < half; i++) {
        r.d[i] = a.d[2 * i] + a.d[2 * i + 1];
        r.d[half + i] = b.d[2 * i] + b.d[2 * i + 1];
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_phsubd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned half = (unsigned)(len / 8);
    for (unsigned i = 0; i < half; i++) {
        r.d[i] = a.d[2 * i] - a.d[2 * i + 1];
        r.d[half + i] = b.d[2 * i] - b.d[2 * i + 1];
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_phminposuw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    unsigned best = 0;
    for (unsigned i = 1; i < 8; i++) {
        if (b.w[i] < b.w[best]) {
            best = i;
        }
    }
    r.w[0] = b.w[best];
    r.w[1] = (uint16_t)best;
    vec_store(cpu, d, &r, len);
    return 0;
}

/* ---- shifts: by the count in the low 64 bits of an operand or an imm8 ---- */

#define SHIFT(name, F, T, BITS, EXPR, BIG)                                                     \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len)              \
    {                                                                                          \
        Vec a;                                                                                 \
        vec_load(cpu, d, &a);                                                                  \
        for (unsigned i = 0; i < len / sizeof(a.F[0]); i++) {                                  \
            T x = a.F[i];                                                                      \
            a.F[i] = count > (BITS)-1 ? (BIG) : (EXPR);                                        \
        }                                                                                      \
        vec_store(cpu, d, &a, len);                                                            \
        return 0;                                                                              \
    }

SHIFT(psllw, w, uint16_t, 16, (uint16_t)(x << count), 0)
SHIFT(pslld, d, uint32_t, 32, x << count, 0)
SHIFT(psllq, q, uint64_t, 64, x << count, 0)
SHIFT(psrlw, w, uint16_t, 16, x >> count, 0)
SHIFT(psrld, d, uint32_t, 32, x >> count, 0)
SHIFT(psrlq, q, uint64_t, 64, x >> count, 0)
SHIFT(psraw, sw, int16_t, 16, x >> count, x >> 15)
SHIFT(psrad, sd, int32_t, 32, x >> count, x >> 31)

/* PSLLDQ/PSRLDQ: the whole register by count bytes (XMM only) */
uint64_t helper_pslldq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len)
{
    Vec a, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    for (unsigned i = 0; i < 16; i++) {
        if (count <= i) {
            r.b[i] = a.b[i - count];
        }
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_psrldq(X86CPU *cpu, uint64_t d, uint64_t count, uint64_t len)
{
    Vec a, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    for (unsigned i = 0; i < 16; i++) {
        if (count < 16 - i) {
            r.b[i] = a.b[i + count];
        }
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

/* MPSADBW: eight sums of absolute differences of 4-byte blocks of d
 * (starting at byte 4 * imm[2] + k) against the block 4 * imm[1:0] of s. */
uint64_t helper_mpsadbw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned di = ((imm >> 2) & 1) * 4, si = (imm & 3) * 4;
    for (unsigned k = 0; k < 8; k++) {
        unsigned sum = 0;
        for (unsigned m = 0; m < 4; m++) {
            sum += (unsigned)abs(a.b[di + k + m] - b.b[si + m]);
        }
        r.w[k] = (uint16_t)sum;
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}
