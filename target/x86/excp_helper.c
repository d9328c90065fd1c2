/*
 * Exception and interrupt delivery, and IRET, for tcg. Intel SDM vol. 3A:
 * 6.4-6.5 (sources and classes), 6.12 (protected-mode delivery through
 * interrupt and trap gates, stack switch from the TSS, frame with or
 * without error code, from V86 mode with the data segments), 6.14
 * (IA-32e: 16-byte gates, IST, 64-bit frame, RSP aligned to 16), 6.15
 * interrupt 8 (table 6-5, the #DF rules) and shutdown, 20.1.4 (real-address
 * mode IVT), 17.3.1.1 (the RF bit pushed for faults); vol. 2 pseudo-code of
 * INT n/INTO/INT3 and IRET.
 *
 * All reads (IVT/IDT, GDT/LDT, TSS) and the stack pushes happen before any
 * register changes, so a fault during delivery leaves the interrupted state
 * intact and the CPU loop can deliver that fault (or #DF) instead.
 */
#include "target/x86/excp_helper.h"

#include <stdio.h>

#include "target/x86/seg_helper.h"

#define SEL_MASK 0xfffcu

enum { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PAGE_FAULT };

static int excp_class(int vector)
{
    switch (vector) {
    case EXCP00_DE:
    case EXCP0A_TS:
    case EXCP0B_NP:
    case EXCP0C_SS:
    case EXCP0D_GP:
        return CLASS_CONTRIBUTORY;
    case EXCP0E_PF:
        return CLASS_PAGE_FAULT;
    default:
        return CLASS_BENIGN;
    }
}

/* Faults push RF = 1 (17.3.1.1); #DB from instruction breakpoints would
 * not, but mimic raises none. Traps and aborts push RF as it is. */
static bool is_fault(int vector)
{
    switch (vector) {
    case EXCP00_DE:
    case EXCP05_BR:
    case EXCP06_UD:
    case EXCP07_NM:
    case EXCP0A_TS:
    case EXCP0B_NP:
    case EXCP0C_SS:
    case EXCP0D_GP:
    case EXCP0E_PF:
    case EXCP10_MF:
    case EXCP11_AC:
    case EXCP13_XF:
        return true;
    default:
        return false;
    }
}

static inline int desc_dpl(uint32_t hi)
{
    return (hi >> 13) & 3;
}

static inline unsigned desc_type(uint32_t hi)
{
    return (hi >> 8) & 0xf;
}

static inline bool desc_p(uint32_t hi)
{
    return hi & (1u << 15);
}

static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

_Noreturn static void raise_err(X86CPU *cpu, int vector, uint32_t err)
{
    cpu_raise_exception_err(cpu, vector, err);
}

typedef struct Event {
    int vector;
    bool is_soft;     /* INT n / INT3 / INTO: DPL check, EXT = 0 */
    bool has_error;
    uint32_t error_code;
    uint64_t ret_rip; /* what is pushed as the return address */
    uint64_t rflags;  /* what is pushed as RFLAGS */
    uint32_t ext;     /* EXT bit of error codes raised while delivering */
} Event;

/* Handler entered: the flags the SDM clears, the end of the delivery. */
static void enter_handler(X86CPUState *env, uint64_t clear)
{
    x86_cpu_load_eflags(env, 0, clear);
    env->exception_old = -1;
    env->halted = false;
    env->interrupt_shadow = false;
    env->hflags &= ~HF_INHIBIT_IRQ;
    x86_update_hflags(env);
}

/* Real-address mode (20.1.4): 4-byte IVT entries, 16-bit frame. */
static void do_interrupt_real(X86CPU *cpu, const Event *ev)
{
    X86CPUState *env = &cpu->env;
    uint32_t off = (uint32_t)ev->vector * 4;
    if (off + 3 > env->idt.limit) {
        raise_err(cpu, EXCP0D_GP, (uint32_t)ev->vector * 8 + ERR_IDT + ev->ext);
    }
    uint16_t ip = (uint16_t)cpu_ld(cpu, env->idt.base + off, MO_16, MMU_KERNEL);
    uint16_t cs = (uint16_t)cpu_ld(cpu, env->idt.base + off + 2, MO_16, MMU_KERNEL);
    X86Stack st;
    x86_stack_current(&st, cpu);
    x86_stack_push(&st, ev->rflags, 2);
    x86_stack_push(&st, env->segs[R_CS].selector, 2);
    x86_stack_push(&st, ev->ret_rip, 2);

    env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
    x86_seg_load_real(env, R_CS, cs);
    env->rip = ip;
    enter_handler(env, RFLAGS_IF | RFLAGS_TF | RFLAGS_AC);
}

/* Read and check the handler's code segment (6.12.1.1): #GP/#NP with the
 * selector and EXT. */
static void handler_cs(X86CPU *cpu, uint16_t sel, uint32_t ext, uint32_t *lo, uint32_t *hi)
{
    int cpl = x86_cpl(&cpu->env);
    if ((sel & SEL_MASK) == 0) {
        raise_err(cpu, EXCP0D_GP, ext);
    }
    uint32_t err = (sel & SEL_MASK) | ext;
    if (!x86_read_desc(cpu, sel, lo, hi) || !(*hi & (1u << 12)) ||
        !(desc_type(*hi) & DESC_CODE) || desc_dpl(*hi) > cpl) {
        raise_err(cpu, EXCP0D_GP, err);
    }
    if (cpu->env.efer & EFER_LMA) {
        if (!(*hi & (SEG_L << 8)) || (*hi & (SEG_DB << 8))) {
            raise_err(cpu, EXCP0D_GP, err);
        }
    }
    if (!desc_p(*hi)) {
        raise_err(cpu, EXCP0B_NP, err);
    }
}

static void commit_cs(X86CPU *cpu, uint16_t sel, uint32_t lo, uint32_t hi, int cpl)
{
    x86_set_desc_accessed(cpu, sel, hi);
    x86_seg_from_desc(&cpu->env.segs[R_CS], (uint16_t)((sel & SEL_MASK) | cpl), lo,
                      hi | (DESC_A << 8));
}

_Noreturn static void task_gate(X86CPU *cpu, int vector)
{
    fprintf(stderr,
            "mimic: tcg: IDT vector %d is a task gate: hardware task switching is not "
            "implemented; shutting the guest down\n",
            vector);
    cpu->env.exception_old = -1;
    x86_triple_fault(cpu);
    cpu_loop_exit(cpu);
}

/* Protected mode (6.12.1): 8-byte gates, 16- or 32-bit frame. */
static void do_interrupt_prot(X86CPU *cpu, const Event *ev)
{
    X86CPUState *env = &cpu->env;
    int cpl = x86_cpl(env);
    uint32_t gerr = (uint32_t)ev->vector * 8 + ERR_IDT + ev->ext;
    if ((uint32_t)ev->vector * 8 + 7 > env->idt.limit) {
        raise_err(cpu, EXCP0D_GP, gerr);
    }
    uint64_t ga = env->idt.base + (uint64_t)ev->vector * 8;
    uint32_t glo = (uint32_t)cpu_ld(cpu, ga, MO_32, MMU_KERNEL);
    uint32_t ghi = (uint32_t)cpu_ld(cpu, ga + 4, MO_32, MMU_KERNEL);
    unsigned type = desc_type(ghi);
    switch (type) {
    case DESC_INT_GATE16:
    case DESC_TRAP_GATE16:
    case DESC_INT_GATE:
    case DESC_TRAP_GATE:
        break;
    case DESC_TASK_GATE:
        if (ev->is_soft && desc_dpl(ghi) < cpl) {
            raise_err(cpu, EXCP0D_GP, (uint32_t)ev->vector * 8 + ERR_IDT);
        }
        if (!desc_p(ghi)) {
            raise_err(cpu, EXCP0B_NP, gerr);
        }
        task_gate(cpu, ev->vector);
    default:
        raise_err(cpu, EXCP0D_GP, gerr);
    }
    if (ev->is_soft && desc_dpl(ghi) < cpl) {
        raise_err(cpu, EXCP0D_GP, (uint32_t)ev->vector * 8 + ERR_IDT);
    }
    if (!desc_p(ghi)) {
        raise_err(cpu, EXCP0B_NP, gerr);
    }

    uint16_t sel = (uint16_t)(glo >> 16);
    unsigned gsz = (type & 8) ? 4 : 2;
    uint64_t offset = (glo & 0xffff) | (gsz == 4 ? (ghi & 0xffff0000u) : 0);
    uint32_t lo, hi;
    handler_cs(cpu, sel, ev->ext, &lo, &hi);
    int dpl = desc_dpl(hi);
    bool inner = !(desc_type(hi) & DESC_C) && dpl < cpl;
    bool v86 = env->rflags & RFLAGS_VM;
    if (v86 && (!inner || dpl != 0)) {
        raise_err(cpu, EXCP0D_GP, (sel & SEL_MASK) | ev->ext);
    }
    SegmentCache csc;
    x86_seg_from_desc(&csc, sel, lo, hi);
    if (offset > csc.limit) {
        raise_err(cpu, EXCP0D_GP, ev->ext);
    }

    X86Stack st;
    SegmentCache nss;
    uint16_t ss = 0;
    uint32_t slo = 0, shi = 0;
    int new_cpl = inner ? dpl : cpl;
    if (inner) {
        uint64_t sp;
        x86_tss_stack(cpu, dpl, 0, ev->ext, &ss, &sp);
        x86_check_inner_ss(cpu, ss, dpl, ev->ext, &slo, &shi);
        x86_seg_from_desc(&nss, ss, slo, shi | (DESC_A << 8));
        x86_stack_init(&st, cpu, &nss, sp, false, MMU_KERNEL);
        st.ss_err = (ss & SEL_MASK) | ev->ext;
        if (v86) {
            x86_stack_push(&st, env->segs[R_GS].selector, gsz);
            x86_stack_push(&st, env->segs[R_FS].selector, gsz);
            x86_stack_push(&st, env->segs[R_DS].selector, gsz);
            x86_stack_push(&st, env->segs[R_ES].selector, gsz);
        }
        x86_stack_push(&st, env->segs[R_SS].selector, gsz);
        x86_stack_push(&st, env->regs[R_ESP], gsz);
    } else {
        x86_stack_current(&st, cpu);
        st.ss_err = ev->ext;
    }
    x86_stack_push(&st, ev->rflags, gsz);
    x86_stack_push(&st, env->segs[R_CS].selector, gsz);
    x86_stack_push(&st, ev->ret_rip, gsz);
    if (ev->has_error) {
        x86_stack_push(&st, ev->error_code, gsz);
    }

    if (inner) {
        x86_set_desc_accessed(cpu, ss, shi);
        env->segs[R_SS] = nss;
        if (v86) {
            x86_seg_null(&env->segs[R_GS], 0);
            x86_seg_null(&env->segs[R_FS], 0);
            x86_seg_null(&env->segs[R_DS], 0);
            x86_seg_null(&env->segs[R_ES], 0);
        }
    }
    env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
    commit_cs(cpu, sel, lo, hi, new_cpl);
    env->rip = offset;
    uint64_t clear = RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM;
    if (!(type & 1)) {
        clear |= RFLAGS_IF; /* interrupt gate, not trap gate */
    }
    enter_handler(env, clear);
}

/* IA-32e mode (6.14): 16-byte gates, IST, always the 64-bit frame. */
static void do_interrupt_64(X86CPU *cpu, const Event *ev)
{
    X86CPUState *env = &cpu->env;
    int cpl = x86_cpl(env);
    uint32_t gerr = (uint32_t)ev->vector * 8 + ERR_IDT + ev->ext;
    if ((uint32_t)ev->vector * 16 + 15 > env->idt.limit) {
        raise_err(cpu, EXCP0D_GP, gerr);
    }
    uint64_t ga = env->idt.base + (uint64_t)ev->vector * 16;
    uint32_t glo = (uint32_t)cpu_ld(cpu, ga, MO_32, MMU_KERNEL);
    uint32_t ghi = (uint32_t)cpu_ld(cpu, ga + 4, MO_32, MMU_KERNEL);
    uint32_t goff_hi = (uint32_t)cpu_ld(cpu, ga + 8, MO_32, MMU_KERNEL);
    unsigned type = desc_type(ghi);
    if (type != DESC_INT_GATE && type != DESC_TRAP_GATE) {
        raise_err(cpu, EXCP0D_GP, gerr);
    }
    if (ev->is_soft && desc_dpl(ghi) < cpl) {
        raise_err(cpu, EXCP0D_GP, (uint32_t)ev->vector * 8 + ERR_IDT);
    }
    if (!desc_p(ghi)) {
        raise_err(cpu, EXCP0B_NP, gerr);
    }
    uint16_t sel = (uint16_t)(glo >> 16);
    uint64_t offset = (glo & 0xffff) | (ghi & 0xffff0000u) | (uint64_t)goff_hi << 32;
    int ist = ghi & 7;
    uint32_t lo, hi;
    handler_cs(cpu, sel, ev->ext, &lo, &hi);
    if (!is_canonical(offset)) {
        raise_err(cpu, EXCP0D_GP, ev->ext);
    }
    int dpl = desc_dpl(hi);
    bool inner = !(desc_type(hi) & DESC_C) && dpl < cpl;
    int new_cpl = inner ? dpl : cpl;

    uint64_t sp = env->regs[R_ESP];
    if (inner || ist) {
        uint16_t ss_unused;
        x86_tss_stack(cpu, dpl, ist, ev->ext, &ss_unused, &sp);
    }
    sp &= ~0xfull;
    if (!is_canonical(sp)) {
        raise_err(cpu, EXCP0C_SS, ev->ext);
    }
    SegmentCache nss = env->segs[R_SS];
    if (inner) {
        x86_seg_null_ss(&nss, (uint16_t)new_cpl, new_cpl);
    }
    X86Stack st;
    x86_stack_init(&st, cpu, &nss, sp, true, new_cpl == 3 ? MMU_USER : MMU_KERNEL);
    st.ss_err = ev->ext;
    x86_stack_push(&st, env->segs[R_SS].selector, 8);
    x86_stack_push(&st, env->regs[R_ESP], 8);
    x86_stack_push(&st, ev->rflags, 8);
    x86_stack_push(&st, env->segs[R_CS].selector, 8);
    x86_stack_push(&st, ev->ret_rip, 8);
    if (ev->has_error) {
        x86_stack_push(&st, ev->error_code, 8);
    }

    env->segs[R_SS] = nss;
    env->regs[R_ESP] = st.sp;
    commit_cs(cpu, sel, lo, hi, new_cpl);
    env->rip = offset;
    uint64_t clear = RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM;
    if (!(type & 1)) {
        clear |= RFLAGS_IF;
    }
    enter_handler(env, clear);
}

void x86_do_interrupt(X86CPU *cpu, int vector, bool is_hw, bool is_soft, bool has_error,
                      uint32_t error_code, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    bool is_exception = !is_hw && !is_soft;

    /* A fault while delivering an exception (table 6-5). */
    int old = env->exception_old;
    if (is_exception && old >= 0) {
        if (old == EXCP08_DF) {
            env->exception_old = -1;
            x86_triple_fault(cpu);
            return;
        }
        int c1 = excp_class(old), c2 = excp_class(vector);
        if ((c1 == CLASS_CONTRIBUTORY && c2 == CLASS_CONTRIBUTORY) ||
            (c1 == CLASS_PAGE_FAULT && c2 != CLASS_BENIGN)) {
            vector = EXCP08_DF;
            has_error = true;
            error_code = 0;
        }
    }
    env->exception_old = is_exception ? vector : -1;

    x86_cpu_sync_eflags(env);
    Event ev = {
        .vector = vector,
        .is_soft = is_soft,
        .has_error = has_error,
        .error_code = error_code,
        .ret_rip = is_soft ? next_rip : env->rip,
        .rflags = env->rflags,
        .ext = is_soft ? 0 : ERR_EXT,
    };
    if (is_exception && is_fault(vector)) {
        ev.rflags |= RFLAGS_RF;
    }
    if (!(env->cr0 & CR0_PE)) {
        do_interrupt_real(cpu, &ev);
    } else if (env->efer & EFER_LMA) {
        do_interrupt_64(cpu, &ev);
    } else {
        do_interrupt_prot(cpu, &ev);
    }
}

uint64_t helper_raise_exception(X86CPU *cpu, uint64_t vector)
{
    cpu_raise_exception(cpu, (int)vector);
}

uint64_t helper_raise_exception_err(X86CPU *cpu, uint64_t vector, uint64_t error_code)
{
    cpu_raise_exception_err(cpu, (int)vector, (uint32_t)error_code);
}

uint64_t helper_int(X86CPU *cpu, uint64_t vector, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    if ((env->rflags & RFLAGS_VM) && ((env->rflags >> RFLAGS_IOPL_SHIFT) & 3) < 3) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    cpu_raise_soft_interrupt(cpu, (int)(vector & 0xff), next_rip);
}

uint64_t helper_raise_interrupt(X86CPU *cpu, uint64_t vector, uint64_t next_rip)
{
    cpu_raise_soft_interrupt(cpu, (int)(vector & 0xff), next_rip);
}

/* ---- IRET ---- */

/* The RFLAGS bits an IRET at this CPL/IOPL may change (IRET pseudo-code):
 * IF needs CPL <= IOPL, IOPL/VIF/VIP need CPL 0; a 16-bit IRET only
 * reaches bits 15:0. */
static uint64_t iret_mask(const X86CPUState *env, unsigned sz, int cpl)
{
    int iopl = (int)((env->rflags >> RFLAGS_IOPL_SHIFT) & 3);
    uint64_t m = RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |
                 RFLAGS_DF | RFLAGS_OF | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC | RFLAGS_ID;
    if (cpl <= iopl) {
        m |= RFLAGS_IF;
    }
    if (cpl == 0) {
        m |= RFLAGS_IOPL | RFLAGS_VIF | RFLAGS_VIP;
    }
    return sz == 2 ? (m & 0xffff) : m;
}

/* Real-address and V86 mode IRET. */
static void iret_real(X86CPU *cpu, unsigned sz)
{
    X86CPUState *env = &cpu->env;
    bool v86 = env->rflags & RFLAGS_VM;
    if (v86 && ((env->rflags >> RFLAGS_IOPL_SHIFT) & 3) < 3) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    X86Stack st;
    x86_stack_current(&st, cpu);
    uint64_t ip = x86_stack_pop(&st, sz);
    uint16_t cs = (uint16_t)x86_stack_pop(&st, sz);
    uint64_t fl = x86_stack_pop(&st, sz);
    if (ip > env->segs[R_CS].limit) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    /* VM, VIF, VIP never change here; V86 keeps IOPL as well */
    uint64_t mask = sz == 2 ? 0xffff : 0x257fd5;
    if (v86) {
        mask &= ~(uint64_t)RFLAGS_IOPL;
    }
    env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
    x86_seg_load_real(env, R_CS, cs);
    env->rip = ip;
    x86_cpu_load_eflags(env, fl, mask);
    x86_update_hflags(env);
}

/* IRET from CPL 0 to a V86 task (20.2.5): the frame also holds ESP, SS,
 * ES, DS, FS, GS. */
static void iret_to_v86(X86CPU *cpu, X86Stack *st, uint64_t ip, uint16_t cs, uint64_t fl)
{
    X86CPUState *env = &cpu->env;
    uint64_t esp = x86_stack_pop(st, 4);
    uint16_t ss = (uint16_t)x86_stack_pop(st, 4);
    uint16_t es = (uint16_t)x86_stack_pop(st, 4);
    uint16_t ds = (uint16_t)x86_stack_pop(st, 4);
    uint16_t fs = (uint16_t)x86_stack_pop(st, 4);
    uint16_t gs = (uint16_t)x86_stack_pop(st, 4);

    x86_cpu_load_eflags(env, fl, 0x3f7fd5 | RFLAGS_VM);
    x86_seg_load_real(env, R_CS, cs);
    x86_seg_load_real(env, R_SS, ss);
    x86_seg_load_real(env, R_ES, es);
    x86_seg_load_real(env, R_DS, ds);
    x86_seg_load_real(env, R_FS, fs);
    x86_seg_load_real(env, R_GS, gs);
    env->regs[R_ESP] = (uint32_t)esp;
    env->rip = ip & 0xffff;
    x86_update_hflags(env);
}

uint64_t helper_iret(X86CPU *cpu, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    unsigned sz = (unsigned)opsize;
    if (!(env->cr0 & CR0_PE) || (env->rflags & RFLAGS_VM)) {
        iret_real(cpu, sz);
        return 0;
    }
    x86_cpu_sync_eflags(env);
    if (env->rflags & RFLAGS_NT) {
        /* a return from a nested task: no task switching in mimic; in
         * IA-32e mode this is #GP(0) architecturally */
        if (!(env->efer & EFER_LMA)) {
            x86_task_switch_unsupported(cpu, "IRET with NT=1 (task return)", env->tr.selector);
        }
        raise_err(cpu, EXCP0D_GP, 0);
    }

    int cpl = x86_cpl(env);
    bool in64 = env->hflags & HF_CS64;
    X86Stack st;
    x86_stack_current(&st, cpu);
    uint64_t ip = x86_stack_pop(&st, sz);
    uint16_t cs = (uint16_t)x86_stack_pop(&st, sz);
    uint64_t fl = x86_stack_pop(&st, sz);

    if (!(env->efer & EFER_LMA) && sz == 4 && (fl & RFLAGS_VM) && cpl == 0) {
        iret_to_v86(cpu, &st, ip, cs, fl);
        return 0;
    }

    uint32_t lo, hi;
    x86_check_return_cs(cpu, cs, &lo, &hi);
    int rpl = cs & 3;
    bool to64 = (env->efer & EFER_LMA) && (hi & (SEG_L << 8));
    if (to64) {
        if (!is_canonical(ip)) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
    } else {
        SegmentCache csc;
        x86_seg_from_desc(&csc, cs, lo, hi);
        if (ip > csc.limit) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
    }

    /* outer level, or any IRET in 64-bit mode: SS:rSP are popped too */
    bool pop_ss = rpl > cpl || in64;
    SegmentCache nss;
    uint64_t nsp = 0;
    if (pop_ss) {
        nsp = x86_stack_pop(&st, sz);
        uint16_t ss = (uint16_t)x86_stack_pop(&st, sz);
        x86_load_return_ss(cpu, ss, rpl, to64, &nss);
    }

    uint64_t mask = iret_mask(env, sz, cpl);
    if (pop_ss) {
        X86Stack ns;
        x86_stack_init(&ns, cpu, &nss, nsp, to64, rpl == 3 ? MMU_USER : MMU_KERNEL);
        env->segs[R_SS] = nss;
        env->regs[R_ESP] = x86_stack_rsp(&ns, env->regs[R_ESP]);
    } else {
        env->regs[R_ESP] = x86_stack_rsp(&st, env->regs[R_ESP]);
    }
    commit_cs(cpu, cs, lo, hi, rpl);
    env->rip = ip;
    x86_cpu_load_eflags(env, fl, mask);
    if (rpl > cpl) {
        x86_null_inaccessible_segs(env, rpl);
    }
    x86_update_hflags(env);
    return 0;
}
