/*
 * MMX/SSE data movement inside registers: packs with saturation, unpacks,
 * shuffles, PSHUFB, PALIGNR, blends, PMOVSX/PMOVZX, INSERTPS, the sign-mask
 * extractions, PTEST and MASKMOVQ/MASKMOVDQU (Intel SDM vol. 2, the page of
 * each instruction).
 */
#include "target/x86/sse_helper.h"

#include "accel/tcg/exec.h"
#include "target/x86/fpu-internal.h"
#include "target/x86/sse-internal.h"

/* ---- packs: the elements of d, then those of s, narrowed ---- */

uint64_t helper_packsswb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned n = (unsigned)(len / 2);
    for (unsigned i = 0; i < n; i++) {
        r.sb[i] = sat8s(a.sw[i]);
        r.sb[n + i] = sat8s(b.sw[i]);
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_packuswb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned n = (unsigned)(len / 2);
    for (unsigned i = 0; i < n; i++) {
        r.b[i] = sat8u(a.sw[i]);
        r.b[n + i] = sat8u(b.sw[i]);
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_packssdw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    unsigned n = (unsigned)(len / 4);
    for (unsigned i = 0; i < n; i++) {
        r.sw[i] = sat16s(a.sd[i]);
        r.sw[n + i] = sat16s(b.sd[i]);
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_packusdw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 4; i++) {
        r.w[i] = sat16u(a.sd[i]);
        r.w[4 + i] = sat16u(b.sd[i]);
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

/* ---- unpacks: interleave the low (or high) halves of d and s ---- */

#define UNPACK(name, F, HIGH)                                                                  \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec a, b, r = { .q = { 0, 0 } };                                                                           \
        vec_load(cpu, d, &a);                                                                  \
        vec_load(cpu, s, &b);                                                                  \
        unsigned n = (unsigned)(len / sizeof(a.F[0]) / 2);                                     \
        unsigned base = (HIGH) ? n : 0;                                                        \
        for (unsigned i = 0; i < n; i++) {                                                     \
            r.F[2 * i] = a.F[base + i];                                                        \
            r.F[2 * i + 1] = b.F[base + i];                                                    \
        }                                                                                      \
        vec_store(cpu, d, &r, len);                                                            \
        return 0;                                                                              \
    }

UNPACK(punpcklbw, b, 0)
UNPACK(punpcklwd, w, 0)
UNPACK(punpckldq, d, 0)
UNPACK(punpcklqdq, q, 0)
UNPACK(punpckhbw, b, 1)
UNPACK(punpckhwd, w, 1)
UNPACK(punpckhdq, d, 1)
UNPACK(punpckhqdq, q, 1)

/* ---- shuffles ---- */

uint64_t helper_pshufb(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < len; i++) {
        r.b[i] = (b.b[i] & 0x80) ? 0 : a.b[b.b[i] & (len - 1)];
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_pshufw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 4; i++) {
        r.w[i] = b.w[(imm >> (2 * i)) & 3];
    }
    vec_store(cpu, d, &r, 8);
    return 0;
}

uint64_t helper_pshufd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 4; i++) {
        r.d[i] = b.d[(imm >> (2 * i)) & 3];
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_pshufhw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    r.q[0] = b.q[0];
    for (unsigned i = 0; i < 4; i++) {
        r.w[4 + i] = b.w[4 + ((imm >> (2 * i)) & 3)];
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_pshuflw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    r.q[1] = b.q[1];
    for (unsigned i = 0; i < 4; i++) {
        r.w[i] = b.w[(imm >> (2 * i)) & 3];
    }
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_shufps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    r.d[0] = a.d[imm & 3];
    r.d[1] = a.d[(imm >> 2) & 3];
    r.d[2] = b.d[(imm >> 4) & 3];
    r.d[3] = b.d[(imm >> 6) & 3];
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_shufpd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    r.q[0] = a.q[imm & 1];
    r.q[1] = b.q[(imm >> 1) & 1];
    vec_store(cpu, d, &r, 16);
    return 0;
}

/* PALIGNR: d:s (s in the low half) shifted right by imm bytes */
uint64_t helper_palignr(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b, r = { .q = { 0, 0 } };
    uint8_t cat[32];
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    memcpy(cat, b.b, len);
    memcpy(cat + len, a.b, len);
    for (unsigned i = 0; i < len; i++) {
        r.b[i] = imm + i < 2 * len ? cat[imm + i] : 0;
    }
    vec_store(cpu, d, &r, len);
    return 0;
}

uint64_t helper_movshdup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    r.d[0] = r.d[1] = b.d[1];
    r.d[2] = r.d[3] = b.d[3];
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_movsldup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    r.d[0] = r.d[1] = b.d[0];
    r.d[2] = r.d[3] = b.d[2];
    vec_store(cpu, d, &r, 16);
    return 0;
}

uint64_t helper_movddup(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)
{
    Vec b, r = { .q = { 0, 0 } };
    vec_load(cpu, s, &b);
    r.q[0] = r.q[1] = b.q[0];
    vec_store(cpu, d, &r, 16);
    return 0;
}

/* ---- blends ---- */

uint64_t helper_pblendw(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 8; i++) {
        if ((imm >> i) & 1) {
            a.w[i] = b.w[i];
        }
    }
    vec_store(cpu, d, &a, 16);
    return 0;
}

uint64_t helper_blendps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            a.d[i] = b.d[i];
        }
    }
    vec_store(cpu, d, &a, 16);
    return 0;
}

uint64_t helper_blendpd(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < 2; i++) {
        if ((imm >> i) & 1) {
            a.q[i] = b.q[i];
        }
    }
    vec_store(cpu, d, &a, 16);
    return 0;
}

/* BLENDVPS/BLENDVPD/PBLENDVB: the sign bits of XMM0's elements select s */
#define BLENDV(name, F, SIGN)                                                                  \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec a, b, m;                                                                           \
        vec_load(cpu, d, &a);                                                                  \
        vec_load(cpu, s, &b);                                                                  \
        vec_load(cpu, ENV_XMM_OFF(0), &m);                                                     \
        for (unsigned i = 0; i < 16 / sizeof(a.F[0]); i++) {                                   \
            if (m.F[i] & (SIGN)) {                                                             \
                a.F[i] = b.F[i];                                                               \
            }                                                                                  \
        }                                                                                      \
        vec_store(cpu, d, &a, 16);                                                             \
        return 0;                                                                              \
    }

BLENDV(blendvps, d, 0x80000000u)
BLENDV(blendvpd, q, 0x8000000000000000ull)
BLENDV(pblendvb, b, 0x80)

/* ---- PMOVSX / PMOVZX: widen the low elements of s ---- */

#define PMOVX(name, DF, SF, N)                                                                 \
    uint64_t helper_##name(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t len)                  \
    {                                                                                          \
        Vec b, r = { .q = { 0, 0 } };                                                                              \
        vec_load(cpu, s, &b);                                                                  \
        for (unsigned i = 0; i < (N); i++) {                                                   \
            r.DF[i] = b.SF[i];                                                                 \
        }                                                                                      \
        vec_store(cpu, d, &r, 16);                                                             \
        return 0;                                                                              \
    }

PMOVX(pmovsxbw, sw, sb, 8)
PMOVX(pmovsxbd, sd, sb, 4)
PMOVX(pmovsxbq, sq, sb, 2)
PMOVX(pmovsxwd, sd, sw, 4)
PMOVX(pmovsxwq, sq, sw, 2)
PMOVX(pmovsxdq, sq, sd, 2)
PMOVX(pmovzxbw, w, b, 8)
PMOVX(pmovzxbd, d, b, 4)
PMOVX(pmovzxbq, q, b, 2)
PMOVX(pmovzxwd, d, w, 4)
PMOVX(pmovzxwq, q, w, 2)
PMOVX(pmovzxdq, q, d, 2)

/* INSERTPS: element imm[7:6] of s into element imm[5:4] of d, then zero
 * the elements in imm[3:0]. For a memory source the translator puts the
 * m32 in element 0 and clears imm[7:6]. */
uint64_t helper_insertps(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t imm, uint64_t len)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    a.d[(imm >> 4) & 3] = b.d[(imm >> 6) & 3];
    for (unsigned i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            a.d[i] = 0;
        }
    }
    vec_store(cpu, d, &a, 16);
    return 0;
}

/* ---- sign masks and tests ---- */

uint64_t helper_pmovmskb(X86CPU *cpu, uint64_t s, uint64_t len)
{
    Vec b;
    uint64_t m = 0;
    vec_load(cpu, s, &b);
    for (unsigned i = 0; i < len; i++) {
        m |= (uint64_t)(b.b[i] >> 7) << i;
    }
    return m;
}

uint64_t helper_movmskps(X86CPU *cpu, uint64_t s)
{
    Vec b;
    vec_load(cpu, s, &b);
    return (b.d[0] >> 31) | (b.d[1] >> 31) << 1 | (b.d[2] >> 31) << 2 | (b.d[3] >> 31) << 3;
}

uint64_t helper_movmskpd(X86CPU *cpu, uint64_t s)
{
    Vec b;
    vec_load(cpu, s, &b);
    return (b.q[0] >> 63) | (b.q[1] >> 63) << 1;
}

uint64_t helper_ptest(X86CPU *cpu, uint64_t d, uint64_t s)
{
    Vec a, b;
    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    bool zf = !(a.q[0] & b.q[0]) && !(a.q[1] & b.q[1]);
    bool cf = !(~a.q[0] & b.q[0]) && !(~a.q[1] & b.q[1]);
    return (zf ? RFLAGS_ZF : 0) | (cf ? RFLAGS_CF : 0);
}

uint64_t helper_maskmov(X86CPU *cpu, uint64_t data, uint64_t mask, uint64_t addr, uint64_t len)
{
    X86CPUState *env = &cpu->env;
    Vec v, m;
    vec_load(cpu, data, &v);
    vec_load(cpu, mask, &m);
    for (unsigned i = 0; i < len; i++) {
        if (m.b[i] & 0x80) {
            uint64_t a = addr + i;
            if (!(env->hflags & HF_CS64)) {
                a = (uint32_t)a;
            }
            cpu_st(cpu, a, v.b[i], MO_8, x86_mmu_index(env));
        }
    }
    return 0;
}
