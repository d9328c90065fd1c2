/*
 * SSE4.2 string compares (PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM).
 * Intel SDM vol. 2B, 4.1 "Imm8 Control Byte Operation for PCMPESTRI /
 * PCMPESTRM / PCMPISTRI / PCMPISTRM" and the instruction pages.
 *
 * The string compares treat operand 1 (d, "xmm1") and operand 2 (s,
 * "xmm2/m128") as strings of 16 bytes or 8 words with a length each:
 * explicit (|rAX|, |rDX| saturated) or up to the first null element. The
 * compare of every pair of elements is aggregated (imm8[3:2]) into
 * IntRes1, one bit per element of operand 2, with the overrides of table
 * 4-7 for elements past a string's end; polarity (imm8[5:4]) gives IntRes2.
 */
#include "target/x86/sse_helper.h"

#include "target/x86/fpu-internal.h"
#include "target/x86/sse-internal.h"

/* Element i of v in the imm8[1:0] format, sign- or zero-extended. */
static int elem(const Vec *v, unsigned fmt, unsigned i)
{
    switch (fmt & 3) {
    case 0:
        return v->b[i];
    case 1:
        return v->w[i];
    case 2:
        return v->sb[i];
    default:
        return v->sw[i];
    }
}

static unsigned implicit_len(const Vec *v, unsigned fmt, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (elem(v, fmt, i) == 0) {
            return i;
        }
    }
    return n;
}

static unsigned explicit_len(uint64_t reg, bool rexw, unsigned n)
{
    int64_t v = rexw ? (int64_t)reg : (int64_t)(int32_t)reg;
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return mag > n ? n : (unsigned)mag;
}

/* IntRes1: bit j for element j of operand 2 (b), la/lb the lengths. */
static unsigned aggregate(const Vec *a, const Vec *b, unsigned fmt, unsigned n, unsigned la,
                          unsigned lb)
{
    unsigned res = 0;

    switch ((fmt >> 2) & 3) {
    case 0: /* equal any: b[j] is one of the valid a[i] */
        for (unsigned j = 0; j < lb; j++) {
            for (unsigned i = 0; i < la; i++) {
                if (elem(a, fmt, i) == elem(b, fmt, j)) {
                    res |= 1u << j;
                }
            }
        }
        break;
    case 1: /* ranges: a holds (low, high) pairs */
        for (unsigned j = 0; j < lb; j++) {
            for (unsigned i = 0; i + 1 < la; i += 2) {
                int x = elem(b, fmt, j);
                if (x >= elem(a, fmt, i) && x <= elem(a, fmt, i + 1)) {
                    res |= 1u << j;
                }
            }
        }
        break;
    case 2: /* equal each: past both ends true, past one end false */
        for (unsigned j = 0; j < n; j++) {
            bool va = j < la, vb = j < lb;
            if (va && vb ? elem(a, fmt, j) == elem(b, fmt, j) : !va && !vb) {
                res |= 1u << j;
            }
        }
        break;
    default: /* equal ordered: a occurs in b at j (a's end matches all) */
        for (unsigned j = 0; j < n; j++) {
            bool match = true;
            for (unsigned i = 0; i < la && i + j < n && match; i++) {
                match = i + j < lb && elem(a, fmt, i) == elem(b, fmt, i + j);
            }
            if (match) {
                res |= 1u << j;
            }
        }
        break;
    }
    return res;
}

uint64_t helper_pcmpstr(X86CPU *cpu, uint64_t d, uint64_t s, uint64_t ctl)
{
    X86CPUState *env = &cpu->env;
    unsigned fmt = ctl & 0xff, n = (fmt & 1) ? 8 : 16;
    unsigned mask_all = (1u << n) - 1;
    Vec a, b;
    unsigned la, lb;

    vec_load(cpu, d, &a);
    vec_load(cpu, s, &b);
    if (ctl & PCMPSTR_EXPLICIT) {
        la = explicit_len(env->regs[R_EAX], ctl & PCMPSTR_REXW, n);
        lb = explicit_len(env->regs[R_EDX], ctl & PCMPSTR_REXW, n);
    } else {
        la = implicit_len(&a, fmt, n);
        lb = implicit_len(&b, fmt, n);
    }

    unsigned res = aggregate(&a, &b, fmt, n, la, lb);
    switch ((fmt >> 4) & 3) {
    case 1:
        res ^= mask_all;
        break;
    case 3: /* masked negative: only the valid elements of operand 2 */
        res ^= (1u << lb) - 1;
        break;
    default:
        break;
    }

    uint64_t flags = (res ? RFLAGS_CF : 0) | (lb < n ? RFLAGS_ZF : 0) | (la < n ? RFLAGS_SF : 0) |
                     ((res & 1) ? RFLAGS_OF : 0);
    if (ctl & PCMPSTR_MASK) {
        Vec m = { .q = { 0, 0 } };
        if (!(fmt & 0x40)) {
            m.w[0] = (uint16_t)res; /* the bit mask, zero-extended */
        }
        for (unsigned j = 0; (fmt & 0x40) && j < n; j++) {
            if ((res >> j) & 1) { /* expanded to an element mask */
                if (n == 16) {
                    m.b[j] = 0xff;
                } else {
                    m.w[j] = 0xffff;
                }
            }
        }
        vec_store(cpu, ENV_XMM_OFF(0), &m, 16);
        return flags;
    }
    uint64_t index = n;
    if (res) {
        index = (fmt & 0x40) ? 31 - (unsigned)__builtin_clz(res) : (unsigned)__builtin_ctz(res);
    }
    return flags | index << 32;
}
