/*
 * A 128-bit (or 64-bit MMX) register as the SIMD helpers compute on it, and
 * its transfer to and from X86CPUState at a byte offset (sse_helper.h). The
 * host is little-endian x86-64, like the guest, so element i of each view
 * is the guest's element i.
 */
#ifndef TARGET_X86_SSE_INTERNAL_H
#define TARGET_X86_SSE_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "target/x86/cpu.h"

typedef union Vec {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t d[4];
    int32_t sd[4];
    uint64_t q[2];
    int64_t sq[2];
} Vec;

static inline void vec_load(X86CPU *cpu, uint64_t off, Vec *v)
{
    memcpy(v, (uint8_t *)&cpu->env + off, 16);
}

/* Write the low len bytes; an MMX destination (len 8) gets bits 79:64 of
 * its x87 register set to ones (SDM vol. 1, 9.5.1). */
static inline void vec_store(X86CPU *cpu, uint64_t off, const Vec *v, uint64_t len)
{
    uint8_t *p = (uint8_t *)&cpu->env + off;
    memcpy(p, v, len == 8 ? 8 : 16);
    if (len == 8) {
        p[8] = 0xff;
        p[9] = 0xff;
    }
}

/* Signed and unsigned saturation of an intermediate to 8 and 16 bits. */
static inline int8_t sat8s(int v)
{
    return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

static inline uint8_t sat8u(int v)
{
    return (uint8_t)(v > 255 ? 255 : v < 0 ? 0 : v);
}

static inline int16_t sat16s(int v)
{
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

static inline uint16_t sat16u(int64_t v)
{
    return (uint16_t)(v > 65535 ? 65535 : v < 0 ? 0 : v);
}

#endif
