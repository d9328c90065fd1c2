/*
 * Lazy condition codes: computing OF SF ZF AF PF CF from the record of the
 * last flag-setting instruction (see cc.h for what each kind records).
 * Flag definitions: Intel SDM vol. 1, 3.4.3.1 and appendix A; per-instruction
 * effects from the instruction pages of vol. 2.
 */
#include "target/x86/cc.h"

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"

static uint64_t cc_mask(unsigned sz)
{
    return sz == 3 ? ~0ull : (1ull << (8u << sz)) - 1;
}

/* CF alone (INC/DEC at the start of a block need it to carry CF over);
 * cc_compute_all() takes its CF from here. */
uint64_t cc_compute_c(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    if (cc_op < CC_OP_ADDB || cc_op >= CC_OP_NB) {
        return src & RFLAGS_CF;
    }
    unsigned sz = CC_OP_SIZE(cc_op);
    uint64_t mask = cc_mask(sz);
    uint64_t msb = 1ull << ((8u << sz) - 1);
    uint64_t c = src2 & 1, a;
    dst &= mask;
    src &= mask;
    switch (CC_OP_KIND(cc_op)) {
    case CC_OP_ADDB:
        return dst < ((dst - src) & mask);
    case CC_OP_ADCB:
        a = (dst - src - c) & mask;
        return c ? dst <= a : dst < a;
    case CC_OP_SUBB:
        return ((dst + src) & mask) < src;
    case CC_OP_SBBB:
        a = (dst + src + c) & mask;
        return c ? a <= src : a < src;
    case CC_OP_INCB:
    case CC_OP_DECB:
    case CC_OP_SARB:
        return src & 1;
    case CC_OP_SHLB:
        return (src & msb) != 0;
    case CC_OP_MULB:
        return src != 0;
    default: /* CC_OP_LOGICB */
        return 0;
    }
}

uint64_t cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    if (cc_op < CC_OP_ADDB || cc_op >= CC_OP_NB) {
        /* CC_OP_EFLAGS (CC_OP_DYNAMIC never reaches env) */
        return src & CC_OSZAPC;
    }
    unsigned sz = CC_OP_SIZE(cc_op);
    uint64_t mask = cc_mask(sz);
    uint64_t msb = 1ull << ((8u << sz) - 1);
    uint64_t flags = cc_compute_c(cc_op, dst, src, src2);
    dst &= mask;
    src &= mask;

    flags |= cc_parity(dst);
    flags |= dst == 0 ? RFLAGS_ZF : 0;
    flags |= dst & msb ? RFLAGS_SF : 0;

    uint64_t a, of = 0, af = 0;
    uint64_t c = src2 & 1;
    switch (CC_OP_KIND(cc_op)) {
    case CC_OP_ADDB:
        a = (dst - src) & mask;
        of = ~(a ^ src) & (a ^ dst) & msb;
        af = (a ^ src ^ dst) & RFLAGS_AF;
        break;
    case CC_OP_ADCB:
        a = (dst - src - c) & mask;
        of = ~(a ^ src) & (a ^ dst) & msb;
        af = (a ^ src ^ dst) & RFLAGS_AF;
        break;
    case CC_OP_SUBB:
        a = (dst + src) & mask;
        of = (a ^ src) & (a ^ dst) & msb;
        af = (a ^ src ^ dst) & RFLAGS_AF;
        break;
    case CC_OP_SBBB:
        a = (dst + src + c) & mask;
        of = (a ^ src) & (a ^ dst) & msb;
        af = (a ^ src ^ dst) & RFLAGS_AF;
        break;
    case CC_OP_LOGICB:
        break;
    case CC_OP_INCB:
        of = dst == msb;
        af = (dst ^ (dst - 1) ^ 1) & RFLAGS_AF;
        break;
    case CC_OP_DECB:
        of = dst == msb - 1;
        af = (dst ^ (dst + 1) ^ 1) & RFLAGS_AF;
        break;
    case CC_OP_SHLB:
        of = (src2 ^ (src2 << 1)) & msb;
        break;
    case CC_OP_SARB:
        of = src2 & msb;
        break;
    case CC_OP_MULB:
        of = src != 0;
        flags &= ~(uint64_t)RFLAGS_ZF; /* Intel: ZF clear (undefined in the SDM) */
        break;
    }
    return flags | (of ? RFLAGS_OF : 0) | af;
}

uint64_t helper_cc_compute_all(X86CPU *cpu, uint64_t cc_op, uint64_t dst, uint64_t src,
                               uint64_t src2)
{
    (void)cpu;
    return cc_compute_all((uint32_t)cc_op, dst, src, src2);
}

uint64_t helper_cc_compute_c(X86CPU *cpu, uint64_t cc_op, uint64_t dst, uint64_t src,
                             uint64_t src2)
{
    (void)cpu;
    return cc_compute_c((uint32_t)cc_op, dst, src, src2);
}

uint64_t x86_cpu_get_eflags(const X86CPUState *env)
{
    uint64_t flags = cc_compute_all(env->cc_op, env->cc_dst, env->cc_src, env->cc_src2);
    return (env->rflags & ~(uint64_t)CC_OSZAPC) | flags | RFLAGS_FIXED1;
}

void x86_cpu_sync_eflags(X86CPUState *env)
{
    env->rflags = x86_cpu_get_eflags(env);
    env->cc_src = env->rflags & CC_OSZAPC;
    env->cc_op = CC_OP_EFLAGS;
}

/* Bits 1 is always 1; 3, 5, 15 and 22-63 are reserved zero. */
#define RFLAGS_RESERVED0 ((1u << 3) | (1u << 5) | (1u << 15) | ~0x3fffffull)

void x86_cpu_load_eflags(X86CPUState *env, uint64_t rflags, uint64_t update_mask)
{
    x86_cpu_sync_eflags(env);
    env->rflags = (env->rflags & ~update_mask) | (rflags & update_mask);
    env->rflags = (env->rflags & ~RFLAGS_RESERVED0) | RFLAGS_FIXED1;
    env->cc_src = env->rflags & CC_OSZAPC;
    env->cc_op = CC_OP_EFLAGS;

    /* hflags copies of TF, IOPL and AC (cpu.h) */
    uint32_t hf = env->hflags & ~(HF_TF | HF_IOPL_MASK | HF_AC);
    if (env->rflags & RFLAGS_TF) {
        hf |= HF_TF;
    }
    hf |= ((env->rflags >> RFLAGS_IOPL_SHIFT) & 3) << HF_IOPL_SHIFT;
    if ((env->rflags & RFLAGS_AC) && (env->cr0 & CR0_AM) && (hf & HF_CPL_MASK) == 3) {
        hf |= HF_AC;
    }
    env->hflags = hf;
}

uint64_t helper_load_eflags(X86CPU *cpu, uint64_t rflags, uint64_t mask)
{
    x86_cpu_load_eflags(&cpu->env, rflags, mask);
    return 0;
}
