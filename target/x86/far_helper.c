/*
 * Far control transfers for tcg: far JMP, CALL and RET (direct and through
 * call gates, with the inner-level stack switch and parameter copy), and
 * the fast system calls SYSCALL/SYSRET and SYSENTER/SYSEXIT. Intel SDM
 * vol. 3A 5.8 "Privilege Level Checking When Transferring Program Control
 * Between Code Segments" (5.8.3-5.8.6 call gates, stack switching, returns),
 * 5.8.7-5.8.8 fast system calls, and the vol. 2 pseudo-code of JMP, CALL,
 * RET, SYSCALL, SYSRET, SYSENTER, SYSEXIT. Declared in seg_helper.h.
 */
#include "target/x86/seg_helper.h"

#define SEL_MASK 0xfffcu

static inline int desc_dpl(uint32_t hi)
{
    return (hi >> 13) & 3;
}

static inline unsigned desc_type(uint32_t hi)
{
    return (hi >> 8) & 0xf;
}

static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

_Noreturn static void raise_err(X86CPU *cpu, int vector, uint32_t err)
{
    cpu_raise_exception_err(cpu, vector, err);
}

static bool real_or_v86(const X86CPUState *env)
{
    return !(env->cr0 & CR0_PE) || (env->rflags & RFLAGS_VM);
}

/* The code segment is a 64-bit one (L=1 in IA-32e mode). */
static bool code_is64(const X86CPUState *env, uint32_t hi)
{
    return (env->efer & EFER_LMA) && (hi & (SEG_L << 8));
}

static bool is_code(uint32_t hi)
{
    return (hi & (1u << 12)) && (desc_type(hi) & DESC_CODE);
}

/* The new rIP must lie within the code segment's limit (64-bit: canonical). */
static void check_target_offset(X86CPU *cpu, uint32_t lo, uint32_t hi, uint64_t offset)
{
    if (code_is64(&cpu->env, hi)) {
        if (!is_canonical(offset)) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
        return;
    }
    SegmentCache sc;
    x86_seg_from_desc(&sc, 0, lo, hi);
    if (offset > sc.limit) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
}

/* Present bit and the IA-32e L/D combination of a target code segment. */
static void check_code_usable(X86CPU *cpu, uint16_t sel, uint32_t hi)
{
    if ((cpu->env.efer & EFER_LMA) && (hi & (SEG_L << 8)) && (hi & (SEG_DB << 8))) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    if (!(hi & (1u << 15))) {
        raise_err(cpu, EXCP0B_NP, sel & SEL_MASK);
    }
}

/* A code segment reached directly by far JMP/CALL (5.8.1, 5.8.2): CPL
 * does not change, so conforming needs DPL <= CPL, non-conforming
 * DPL = CPL and RPL <= CPL. */
/* The descriptor a far JMP/CALL names: a null selector or one outside its
 * table is #GP (SDM vol. 2, JMP/CALL far, protected mode). */
static void read_far_desc(X86CPU *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    if ((sel & SEL_MASK) == 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (!x86_read_desc(cpu, sel, lo, hi)) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
}

static void check_direct_code(X86CPU *cpu, uint16_t sel, uint32_t hi)
{
    int cpl = x86_cpl(&cpu->env);
    int dpl = desc_dpl(hi);
    if (!is_code(hi) ||
        ((desc_type(hi) & DESC_C) ? dpl > cpl : ((sel & 3) > cpl || dpl != cpl))) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    check_code_usable(cpu, sel, hi);
}

static void commit_cs(X86CPU *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int rpl)
{
    x86_set_desc_accessed(cpu, sel, hi);
    x86_seg_from_desc(&cpu->env.segs[R_CS], (uint16_t)((sel & SEL_MASK) | rpl), lo,
                      hi | (DESC_A << 8));
}

typedef struct CallGate {
    uint16_t sel;       /* target code segment */
    uint64_t offset;
    unsigned size;      /* 2, 4 or 8: the size of what the gate pushes */
    unsigned params;    /* parameter count (32/16-bit gates) */
    uint32_t lo, hi;    /* the target's descriptor */
} CallGate;

/* Decode a call gate and check it and its target (5.8.4): JMP and CALL
 * differ only in what they do with a more privileged target. */
static void call_gate_target(X86CPU *cpu, uint16_t gsel, uint32_t glo, uint32_t ghi, CallGate *g)
{
    X86CPUState *env = &cpu->env;
    bool lma = env->efer & EFER_LMA;
    unsigned type = desc_type(ghi);
    int cpl = x86_cpl(env);
    int gdpl = desc_dpl(ghi);
    if (lma && type != DESC_CALL_GATE) {
        raise_err(cpu, EXCP0D_GP, gsel & SEL_MASK);
    }
    if (gdpl < cpl || (gsel & 3) > gdpl) {
        raise_err(cpu, EXCP0D_GP, gsel & SEL_MASK);
    }
    if (!(ghi & (1u << 15))) {
        raise_err(cpu, EXCP0B_NP, gsel & SEL_MASK);
    }
    g->sel = (uint16_t)(glo >> 16);
    g->offset = glo & 0xffff;
    g->params = ghi & 0x1f;
    g->size = type == DESC_CALL_GATE ? 4 : 2;
    if (type == DESC_CALL_GATE) {
        g->offset |= ghi & 0xffff0000u;
    }
    if (lma) {
        uint32_t base_hi, w3;
        if (!x86_read_desc_upper(cpu, gsel, &base_hi, &w3) || ((w3 >> 8) & 0x1f) != 0) {
            raise_err(cpu, EXCP0D_GP, gsel & SEL_MASK);
        }
        g->offset |= (uint64_t)base_hi << 32;
        g->size = 8;
        g->params = 0;
    }
    if ((g->sel & SEL_MASK) == 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (!x86_read_desc(cpu, g->sel, &g->lo, &g->hi) || !is_code(g->hi) ||
        desc_dpl(g->hi) > cpl || (lma && !code_is64(env, g->hi))) {
        raise_err(cpu, EXCP0D_GP, g->sel & SEL_MASK);
    }
    check_code_usable(cpu, g->sel, g->hi);
}

_Noreturn static void task_switch(X86CPU *cpu, uint16_t sel, const char *what)
{
    if (!(cpu->env.efer & EFER_LMA)) {
        x86_task_switch_unsupported(cpu, what, sel);
    }
    raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
}

uint64_t helper_ljmp(X86CPU *cpu, uint64_t selector, uint64_t offset, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    uint16_t sel = (uint16_t)selector;
    uint32_t lo, hi;
    int cpl = x86_cpl(env);

    if (real_or_v86(env)) {
        x86_seg_load_real(env, R_CS, sel);
        env->rip = offset;
        x86_update_hflags(env);
        return 0;
    }
    read_far_desc(cpu, sel, &lo, &hi);
    if (hi & (1u << 12)) {
        check_direct_code(cpu, sel, hi);
        check_target_offset(cpu, lo, hi, offset);
        commit_cs(cpu, sel, lo, hi, cpl);
        env->rip = offset;
    } else {
        switch (desc_type(hi)) {
        case DESC_CALL_GATE:
        case DESC_CALL_GATE16: {
            CallGate g;
            call_gate_target(cpu, sel, lo, hi, &g);
            /* a jump through a gate never changes CPL */
            if (!(desc_type(g.hi) & DESC_C) && desc_dpl(g.hi) != cpl) {
                raise_err(cpu, EXCP0D_GP, g.sel & SEL_MASK);
            }
            check_target_offset(cpu, g.lo, g.hi, g.offset);
            commit_cs(cpu, g.sel, g.lo, g.hi, cpl);
            env->rip = g.offset;
            break;
        }
        case DESC_TASK_GATE:
        case DESC_TSS16_AVAIL:
        case DESC_TSS_AVAIL:
            task_switch(cpu, sel, "far JMP to a task");
        default:
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
    }
    x86_update_hflags(env);
    return 0;
}

/* CALL through a gate to a more privileged non-conforming segment (5.8.5,
 * 5.8.6): new stack from the TSS, old SS:rSP and the parameters on it. */
static void call_inner(X86CPU *cpu, const CallGate *g, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    int dpl = desc_dpl(g->hi);
    bool lma = env->efer & EFER_LMA;
    uint16_t ss;
    uint64_t sp;
    uint32_t slo = 0, shi = 0;
    SegmentCache nss;
    X86Stack ns, os;

    x86_tss_stack(cpu, dpl, 0, 0, &ss, &sp);
    if (lma) {
        x86_seg_null_ss(&nss, (uint16_t)dpl, dpl);
        x86_stack_init(&ns, cpu, &nss, sp, true, MMU_KERNEL);
    } else {
        x86_check_inner_ss(cpu, ss, dpl, 0, &slo, &shi);
        x86_seg_from_desc(&nss, ss, slo, shi | (DESC_A << 8));
        x86_stack_init(&ns, cpu, &nss, sp, false, MMU_KERNEL);
        ns.ss_err = ss & SEL_MASK;
    }
    check_target_offset(cpu, g->lo, g->hi, g->offset);

    x86_stack_current(&os, cpu);
    unsigned sz = g->size;
    x86_stack_push(&ns, env->segs[R_SS].selector, sz);
    x86_stack_push(&ns, env->regs[R_ESP], sz);
    for (unsigned i = g->params; i-- > 0;) {
        x86_stack_push(&ns, x86_stack_peek(&os, (uint64_t)i * sz, sz), sz);
    }
    x86_stack_push(&ns, env->segs[R_CS].selector, sz);
    x86_stack_push(&ns, next_rip, sz);

    if (!lma) {
        x86_set_desc_accessed(cpu, ss, shi);
    }
    env->segs[R_SS] = nss;
    env->regs[R_ESP] = x86_stack_rsp(&ns, env->regs[R_ESP]);
    commit_cs(cpu, g->sel, g->lo, g->hi, dpl);
    env->rip = g->offset;
}

uint64_t helper_lcall(X86CPU *cpu, uint64_t selector, uint64_t offset, uint64_t opsize,
                      uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    uint16_t sel = (uint16_t)selector;
    unsigned sz = (unsigned)opsize;
    uint32_t lo, hi;
    int cpl = x86_cpl(env);
    X86Stack st;

    x86_stack_current(&st, cpu);
    if (real_or_v86(env)) {
        x86_stack_push(&st, env->segs[R_CS].selector, sz);
        x86_stack_push(&st, next_rip, sz);
        env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
        x86_seg_load_real(env, R_CS, sel);
        env->rip = offset;
        x86_update_hflags(env);
        return 0;
    }
    read_far_desc(cpu, sel, &lo, &hi);
    if (hi & (1u << 12)) {
        check_direct_code(cpu, sel, hi);
        check_target_offset(cpu, lo, hi, offset);
        x86_stack_push(&st, env->segs[R_CS].selector, sz);
        x86_stack_push(&st, next_rip, sz);
        env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
        commit_cs(cpu, sel, lo, hi, cpl);
        env->rip = offset;
    } else {
        switch (desc_type(hi)) {
        case DESC_CALL_GATE:
        case DESC_CALL_GATE16: {
            CallGate g;
            call_gate_target(cpu, sel, lo, hi, &g);
            if (!(desc_type(g.hi) & DESC_C) && desc_dpl(g.hi) < cpl) {
                call_inner(cpu, &g, next_rip);
                break;
            }
            check_target_offset(cpu, g.lo, g.hi, g.offset);
            x86_stack_push(&st, env->segs[R_CS].selector, g.size);
            x86_stack_push(&st, next_rip, g.size);
            env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
            commit_cs(cpu, g.sel, g.lo, g.hi, cpl);
            env->rip = g.offset;
            break;
        }
        case DESC_TASK_GATE:
        case DESC_TSS16_AVAIL:
        case DESC_TSS_AVAIL:
            task_switch(cpu, sel, "far CALL to a task");
        default:
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
    }
    x86_update_hflags(env);
    return 0;
}

uint64_t helper_lret(X86CPU *cpu, uint64_t opsize, uint64_t imm)
{
    X86CPUState *env = &cpu->env;
    unsigned sz = (unsigned)opsize;
    X86Stack st;
    x86_stack_current(&st, cpu);
    uint64_t ip = x86_stack_pop(&st, sz);
    uint16_t cs = (uint16_t)x86_stack_pop(&st, sz);
    st.sp = (st.sp + imm) & st.mask;

    if (real_or_v86(env)) {
        env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
        x86_seg_load_real(env, R_CS, cs);
        env->rip = ip;
        x86_update_hflags(env);
        return 0;
    }

    uint32_t lo, hi;
    x86_check_return_cs(cpu, cs, &lo, &hi);
    int rpl = cs & 3;
    bool to64 = code_is64(env, hi);
    check_target_offset(cpu, lo, hi, ip);
    if (rpl == x86_cpl(env)) {
        env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
        commit_cs(cpu, cs, lo, hi, rpl);
    } else {
        /* to an outer level: the caller's SS:rSP follow the parameters */
        uint64_t nsp = x86_stack_pop(&st, sz);
        uint16_t nss_sel = (uint16_t)x86_stack_pop(&st, sz);
        SegmentCache nss;
        X86Stack ns;
        x86_load_return_ss(cpu, nss_sel, rpl, to64, &nss);
        x86_stack_init(&ns, cpu, &nss, nsp, to64, rpl == 3 ? MMU_USER : MMU_KERNEL);
        ns.sp = (ns.sp + imm) & ns.mask;
        env->segs[R_SS] = nss;
        env->regs[R_ESP] = x86_stack_rsp(&ns, env->regs[R_ESP]);
        commit_cs(cpu, cs, lo, hi, rpl);
        x86_null_inaccessible_segs(env, rpl);
    }
    env->rip = ip;
    x86_update_hflags(env);
    return 0;
}

/* ---- SYSCALL / SYSRET (IA32_STAR, LSTAR, FMASK) ---- */

uint64_t helper_syscall(X86CPU *cpu, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    if (!(env->hflags & HF_CS64) || !(env->efer & EFER_SCE)) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    x86_cpu_sync_eflags(env);
    uint16_t sel = (uint16_t)(env->star >> 32);
    env->regs[R_ECX] = next_rip;
    env->regs[R_R11] = env->rflags & ~(uint64_t)RFLAGS_RF;
    x86_seg_flat_code(&env->segs[R_CS], sel & SEL_MASK, 0, true);
    x86_seg_flat_data(&env->segs[R_SS], (uint16_t)((sel + 8) & SEL_MASK), 0);
    x86_cpu_load_eflags(env, env->rflags & ~env->fmask & ~(uint64_t)RFLAGS_RF, ~0ull);
    env->rip = env->lstar;
    x86_update_hflags(env);
    return 0;
}

uint64_t helper_sysret(X86CPU *cpu, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    if (!(env->hflags & HF_CS64) || !(env->efer & EFER_SCE)) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    if (x86_cpl(env) != 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    uint16_t sel = (uint16_t)(env->star >> 48);
    if (opsize == 8) {
        if (!is_canonical(env->regs[R_ECX])) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
        x86_seg_flat_code(&env->segs[R_CS], (uint16_t)((sel + 16) | 3), 3, true);
        env->rip = env->regs[R_ECX];
    } else {
        x86_seg_flat_code(&env->segs[R_CS], sel | 3, 3, false);
        env->rip = (uint32_t)env->regs[R_ECX];
    }
    x86_seg_flat_data(&env->segs[R_SS], (uint16_t)((sel + 8) | 3), 3);
    x86_cpu_load_eflags(env, (env->regs[R_R11] & 0x3c7fd7) | RFLAGS_FIXED1, ~0ull);
    x86_update_hflags(env);
    return 0;
}

/* ---- SYSENTER / SYSEXIT (IA32_SYSENTER_CS/ESP/EIP) ---- */

uint64_t helper_sysenter(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    uint16_t cs = (uint16_t)env->sysenter_cs;
    if (!(env->cr0 & CR0_PE) || (cs & SEL_MASK) == 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    bool lma = env->efer & EFER_LMA;
    x86_cpu_load_eflags(env, 0, RFLAGS_VM | RFLAGS_IF | RFLAGS_RF);
    x86_seg_flat_code(&env->segs[R_CS], cs & SEL_MASK, 0, lma);
    x86_seg_flat_data(&env->segs[R_SS], (uint16_t)((cs + 8) & SEL_MASK), 0);
    env->regs[R_ESP] = lma ? env->sysenter_esp : (uint32_t)env->sysenter_esp;
    env->rip = lma ? env->sysenter_eip : (uint32_t)env->sysenter_eip;
    x86_update_hflags(env);
    return 0;
}

uint64_t helper_sysexit(X86CPU *cpu, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    uint16_t cs = (uint16_t)env->sysenter_cs;
    if (!(env->cr0 & CR0_PE) || (env->rflags & RFLAGS_VM) || (cs & SEL_MASK) == 0 ||
        x86_cpl(env) != 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (opsize == 8) {
        if (!is_canonical(env->regs[R_EDX]) || !is_canonical(env->regs[R_ECX])) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
        x86_seg_flat_code(&env->segs[R_CS], (uint16_t)((cs + 32) | 3), 3, true);
        x86_seg_flat_data(&env->segs[R_SS], (uint16_t)((cs + 40) | 3), 3);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->rip = env->regs[R_EDX];
    } else {
        x86_seg_flat_code(&env->segs[R_CS], (uint16_t)((cs + 16) | 3), 3, false);
        x86_seg_flat_data(&env->segs[R_SS], (uint16_t)((cs + 24) | 3), 3);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->rip = (uint32_t)env->regs[R_EDX];
    }
    x86_update_hflags(env);
    return 0;
}
