/*
 * Integer helpers of the translator: the parts of the general-purpose
 * instruction set that are clearer in C than in IR (Intel SDM vol. 2:
 * DIV, IDIV, RCL/RCR, BSF/BSR, POPCNT, DAA/DAS/AAA/AAS), the single-step
 * trap and the interrupt shadow.
 */
#include <glib.h>

#include "target/x86/int_helper.h"

#include "accel/tcg/exec.h"
#include "target/x86/cc.h"

#define DR6_BS (1u << 14)

uint64_t helper_single_step(X86CPU *cpu)
{
    cpu->env.dr[6] |= DR6_BS;
    cpu_raise_exception(cpu, 1 /* #DB */);
}

/* A fault while pushing the #DB frame unwinds to the CPU loop, which puts
 * rIP back to the branch: that branch then runs again (a known imprecision
 * of this rare case). */
uint64_t helper_single_step_env(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    env->dr[6] |= DR6_BS;
    x86_cpu_sync_eflags(env);
    x86_do_interrupt(cpu, 1 /* #DB */, false, false, false, 0, 0);
    return 0;
}

uint64_t helper_set_inhibit_irq(X86CPU *cpu)
{
    cpu->env.hflags |= HF_INHIBIT_IRQ;
    return 0;
}

static void set_reg(X86CPUState *env, int reg, int size, uint64_t v)
{
    switch (size) {
    case 1:
        env->regs[reg] = (env->regs[reg] & ~0xffull) | (v & 0xff);
        break;
    case 2:
        env->regs[reg] = (env->regs[reg] & ~0xffffull) | (v & 0xffff);
        break;
    case 4:
        env->regs[reg] = (uint32_t)v;
        break;
    default:
        env->regs[reg] = v;
        break;
    }
}

uint64_t helper_div(X86CPU *cpu, uint64_t size, uint64_t divisor)
{
    X86CPUState *env = &cpu->env;
    unsigned bits = 8 * (unsigned)size;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    divisor &= mask;
    if (divisor == 0) {
        cpu_raise_exception(cpu, 0 /* #DE */);
    }
    if (size == 1) {
        uint64_t n = env->regs[R_EAX] & 0xffff;
        uint64_t q = n / divisor;
        if (q > 0xff) {
            cpu_raise_exception(cpu, 0);
        }
        set_reg(env, R_EAX, 2, (n % divisor) << 8 | q);
        return 0;
    }
    unsigned __int128 n = (unsigned __int128)(env->regs[R_EDX] & mask) << bits |
                          (env->regs[R_EAX] & mask);
    unsigned __int128 q = n / divisor;
    if (q > mask) {
        cpu_raise_exception(cpu, 0);
    }
    set_reg(env, R_EAX, (int)size, (uint64_t)q);
    set_reg(env, R_EDX, (int)size, (uint64_t)(n % divisor));
    return 0;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

uint64_t helper_idiv(X86CPU *cpu, uint64_t size, uint64_t divisor)
{
    X86CPUState *env = &cpu->env;
    unsigned bits = 8 * (unsigned)size;
    int64_t d = sext(divisor, bits);
    if (d == 0) {
        cpu_raise_exception(cpu, 0 /* #DE */);
    }
    __int128 n;
    if (size == 1) {
        n = sext(env->regs[R_EAX] & 0xffff, 16);
    } else if (size == 8) {
        n = (__int128)((unsigned __int128)env->regs[R_EDX] << 64 | env->regs[R_EAX]);
    } else {
        n = sext(env->regs[R_EDX], bits) * ((__int128)1 << bits) +
            (__int128)(env->regs[R_EAX] & ((1ull << bits) - 1));
    }
    /* The one quotient __int128 cannot hold overflows every size anyway. */
    if (d == -1 && n == (__int128)((unsigned __int128)1 << 127)) {
        cpu_raise_exception(cpu, 0);
    }
    __int128 q = n / d, r = n % d;
    __int128 lim = (__int128)1 << (bits - 1);
    if (q >= lim || q < -lim) {
        cpu_raise_exception(cpu, 0);
    }
    if (size == 1) {
        set_reg(env, R_EAX, 2, ((uint64_t)r & 0xff) << 8 | ((uint64_t)q & 0xff));
    } else {
        set_reg(env, R_EAX, (int)size, (uint64_t)q);
        set_reg(env, R_EDX, (int)size, (uint64_t)r);
    }
    return 0;
}

/*
 * RCL/RCR rotate the size*8+1 bit quantity CF:value (SDM vol. 2B, RCL/RCR/
 * ROL/ROR). The count is taken modulo 9 and 17 for bytes and words. OF is
 * defined for a count of 1 only; Intel parts give the first step's OF for
 * every count, and so does this.
 */
static uint64_t rotc(uint64_t val, uint64_t count, uint64_t eflags, uint64_t size, bool left,
                     uint64_t *flags_out)
{
    unsigned bits = 8 * (unsigned)size;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t msb = 1ull << (bits - 1);
    unsigned n = (unsigned)count;
    if (bits == 8) {
        n %= 9;
    } else if (bits == 16) {
        n %= 17;
    }
    uint64_t cf = eflags & RFLAGS_CF;
    val &= mask;
    /* OF as the first one-bit step gives it, for every count (cc.h) */
    uint64_t of = left ? ((val >> (bits - 1)) ^ (val >> (bits - 2))) & 1
                       : ((val >> (bits - 1)) ^ cf) & 1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t out;
        if (left) {
            out = (val & msb) != 0;
            val = ((val << 1) | cf) & mask;
        } else {
            out = val & 1;
            val = (val >> 1) | (cf ? msb : 0);
        }
        cf = out;
    }
    if (n == 0) {
        *flags_out = eflags;
    } else {
        *flags_out = (eflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF)) | (cf ? RFLAGS_CF : 0) |
                     (of ? RFLAGS_OF : 0);
    }
    return val;
}

uint64_t helper_rcl(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags, uint64_t size)
{
    uint64_t f;
    return rotc(val, count, eflags, size, true, &f);
}

uint64_t helper_rcr(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags, uint64_t size)
{
    uint64_t f;
    return rotc(val, count, eflags, size, false, &f);
}

uint64_t helper_rcl_eflags(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags,
                           uint64_t size)
{
    uint64_t f;
    rotc(val, count, eflags, size, true, &f);
    return f;
}

uint64_t helper_rcr_eflags(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags,
                           uint64_t size)
{
    uint64_t f;
    rotc(val, count, eflags, size, false, &f);
    return f;
}

uint64_t helper_bsf(X86CPU *cpu, uint64_t v)
{
    return v ? (uint64_t)__builtin_ctzll(v) : 0;
}

uint64_t helper_bsr(X86CPU *cpu, uint64_t v)
{
    return v ? (uint64_t)(63 - __builtin_clzll(v)) : 0;
}

uint64_t helper_popcnt(X86CPU *cpu, uint64_t v)
{
    return (uint64_t)__builtin_popcountll(v);
}

/* CRC-32C, bit-reflected polynomial 0x82F63B78 (SDM vol. 2A, CRC32), a
 * byte at a time through a table of the 256 one-byte remainders. */
static uint32_t crc32c_table[256];

static gpointer crc32c_init(gpointer unused)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++) {
            c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0);
        }
        crc32c_table[b] = c;
    }
    return NULL;
}

uint64_t helper_crc32(X86CPU *cpu, uint64_t crc, uint64_t data, uint64_t size)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, crc32c_init, NULL);
    uint32_t c = (uint32_t)crc;
    for (unsigned i = 0; i < size; i++) {
        c = (c >> 8) ^ crc32c_table[(c ^ (uint32_t)(data >> (8 * i))) & 0xff];
    }
    return c;
}

/* SF ZF PF of a byte result; OF (undefined for the BCD adjusts) is 0. */
static uint64_t szp8(uint64_t al)
{
    al &= 0xff;
    return cc_parity(al) | (al == 0 ? RFLAGS_ZF : 0) | (al & 0x80 ? RFLAGS_SF : 0);
}

uint64_t helper_daa(X86CPU *cpu, uint64_t ax, uint64_t eflags)
{
    uint64_t al = ax & 0xff, old_al = al;
    bool old_cf = eflags & RFLAGS_CF, cf = false, af = false;
    if ((al & 0xf) > 9 || (eflags & RFLAGS_AF)) {
        cf = old_cf || al + 6 > 0xff;
        al = (al + 6) & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        cf = true;
    } else {
        cf = false;
    }
    uint64_t f = szp8(al) | (cf ? RFLAGS_CF : 0) | (af ? RFLAGS_AF : 0);
    return f << 16 | (ax & 0xff00) | al;
}

uint64_t helper_das(X86CPU *cpu, uint64_t ax, uint64_t eflags)
{
    uint64_t al = ax & 0xff, old_al = al;
    bool old_cf = eflags & RFLAGS_CF, cf = false, af = false;
    if ((al & 0xf) > 9 || (eflags & RFLAGS_AF)) {
        cf = old_cf || al < 6;
        al = (al - 6) & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        cf = true;
    }
    uint64_t f = szp8(al) | (cf ? RFLAGS_CF : 0) | (af ? RFLAGS_AF : 0);
    return f << 16 | (ax & 0xff00) | al;
}

uint64_t helper_aaa(X86CPU *cpu, uint64_t ax, uint64_t eflags)
{
    ax &= 0xffff;
    bool adj = (ax & 0xf) > 9 || (eflags & RFLAGS_AF);
    if (adj) {
        ax = (ax + 0x106) & 0xffff;
    }
    ax &= 0xff0f;
    uint64_t f = szp8(ax) | (adj ? RFLAGS_CF | RFLAGS_AF : 0);
    return f << 16 | ax;
}

uint64_t helper_aas(X86CPU *cpu, uint64_t ax, uint64_t eflags)
{
    ax &= 0xffff;
    bool adj = (ax & 0xf) > 9 || (eflags & RFLAGS_AF);
    if (adj) {
        /* SDM: AX -= 6 (a borrow reaches AH), then AH -= 1 */
        ax = (ax - 6) & 0xffff;
        ax = (ax - 0x100) & 0xffff;
    }
    ax &= 0xff0f;
    uint64_t f = szp8(ax) | (adj ? RFLAGS_CF | RFLAGS_AF : 0);
    return f << 16 | ax;
}
