/*
 * Segmentation and privilege for tcg: descriptor decoding, segment register
 * loads with their protection checks, far JMP/CALL/RET including call gates,
 * LLDT/LTR, LAR/LSL/VERR/VERW, SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS and
 * the hflags summary. Intel SDM vol. 3A chapters 3 and 5 (5.5-5.8 privilege
 * checks, 5.8.5-5.8.6 call gates and stack switching), 7.2 (TSS), and the
 * vol. 2 pseudo-code of each instruction.
 *
 * Every helper reads and checks everything (descriptors, the new stack)
 * before it writes any register, so a fault leaves the guest state as it
 * was; only the descriptor accessed/busy bits are written early, as the
 * processor does when it loads a descriptor.
 */
#include "target/x86/seg_helper.h"

#include <stdio.h>

#define SEL_MASK 0xfffcu

static inline bool is_null_sel(uint16_t sel)
{
    return (sel & SEL_MASK) == 0;
}

static inline int desc_dpl(uint32_t hi)
{
    return (hi >> 13) & 3;
}

static inline unsigned desc_type(uint32_t hi)
{
    return (hi >> 8) & 0xf;
}

static inline bool desc_s(uint32_t hi)
{
    return hi & (1u << 12);
}

static inline bool desc_p(uint32_t hi)
{
    return hi & (1u << 15);
}

static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static inline MemOp size_memop(unsigned size)
{
    return size == 8 ? MO_64 : size == 4 ? MO_32 : size == 2 ? MO_16 : MO_8;
}

_Noreturn static void raise_err(X86CPU *cpu, int vector, uint32_t err)
{
    cpu_raise_exception_err(cpu, vector, err);
}

int x86_cpl(const X86CPUState *env)
{
    if (!(env->cr0 & CR0_PE)) {
        return 0;
    }
    if (env->rflags & RFLAGS_VM) {
        return 3;
    }
    return (env->segs[R_SS].flags >> SEG_DPL_SHIFT) & 3;
}

void x86_update_hflags(X86CPUState *env)
{
    uint32_t hf = env->hflags & HF_INHIBIT_IRQ; /* kept by the translator */
    int cpl = x86_cpl(env);
    hf |= (uint32_t)cpl;
    if (env->cr0 & CR0_PE) {
        hf |= HF_PE;
    }
    if (env->efer & EFER_LMA) {
        hf |= HF_LMA;
        if (env->segs[R_CS].flags & SEG_L) {
            hf |= HF_CS64;
        }
    }
    if (env->segs[R_CS].flags & SEG_DB) {
        hf |= HF_CS32;
    }
    if (env->segs[R_SS].flags & SEG_DB) {
        hf |= HF_SS32;
    }
    if (env->rflags & RFLAGS_VM) {
        hf |= HF_VM;
    }
    if (!(hf & HF_CS64) &&
        (!(hf & HF_PE) || (hf & HF_VM) ||
         (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) != 0)) {
        hf |= HF_ADDSEG;
    }
    if (env->rflags & RFLAGS_TF) {
        hf |= HF_TF;
    }
    if (env->cr4 & CR4_OSFXSR) {
        hf |= HF_OSFXSR;
    }
    if (env->cr0 & CR0_EM) {
        hf |= HF_EM;
    }
    if (env->cr0 & CR0_TS) {
        hf |= HF_TS;
    }
    if (env->cr0 & CR0_MP) {
        hf |= HF_MP;
    }
    if ((env->cr0 & CR0_AM) && (env->rflags & RFLAGS_AC) && cpl == 3) {
        hf |= HF_AC;
    }
    hf |= (uint32_t)((env->rflags >> RFLAGS_IOPL_SHIFT) & 3) << HF_IOPL_SHIFT;
    if (!(hf & HF_CS64)) {
        for (int seg = 0; seg < SEG_COUNT; seg++) {
            hf |= x86_seg_check_class(env, seg) << (HF_SEGCHK_SHIFT + 2 * seg);
        }
    }
    env->hflags = hf;
}

/* ---- data access checks (vol. 3A 5.3 limits, 5.4.1 null, 5.5-5.6 types) ---- */

uint32_t x86_seg_check_class(const X86CPUState *env, int seg)
{
    const SegmentCache *sc = &env->segs[seg];
    unsigned type = sc->flags & SEG_TYPE_MASK;
    if ((env->cr0 & CR0_PE) && !(env->rflags & RFLAGS_VM)) {
        if (!(sc->flags & SEG_P)) {
            /* a null SS loaded in 64-bit mode and kept into compatibility
             * mode is left alone; null data segments fault on use */
            return seg == R_SS ? HF_SEGCHK_NONE : HF_SEGCHK_FULL;
        }
        if ((type & DESC_CODE) || (type & DESC_E) || !(type & DESC_W)) {
            return HF_SEGCHK_FULL;
        }
    }
    /* real and virtual-8086 mode check the cached limit only */
    return sc->limit == 0xffffffffu ? HF_SEGCHK_NONE : HF_SEGCHK_LIMIT;
}

uint64_t helper_seg_check(X86CPU *cpu, uint64_t offset, uint64_t seg, uint64_t size,
                          uint64_t write)
{
    X86CPUState *env = &cpu->env;
    const SegmentCache *sc = &env->segs[seg % SEG_COUNT];
    int vector = seg == R_SS ? EXCP0C_SS : EXCP0D_GP;
    unsigned type = sc->flags & SEG_TYPE_MASK;
    uint64_t last = offset + size - 1;
    if ((env->cr0 & CR0_PE) && !(env->rflags & RFLAGS_VM)) {
        if (!(sc->flags & SEG_P)) {
            raise_err(cpu, vector, 0);
        }
        if (type & DESC_CODE) {
            /* code segments are never writable; execute-only ones not readable */
            if (write || !(type & DESC_R)) {
                raise_err(cpu, vector, 0);
            }
        } else {
            if (write && !(type & DESC_W)) {
                raise_err(cpu, vector, 0);
            }
            if (type & DESC_E) {
                /* expand-down: offsets above the limit up to 64 KiB or 4 GiB */
                uint64_t top = (sc->flags & SEG_DB) ? 0xffffffffu : 0xffffu;
                if (offset <= sc->limit || last > top) {
                    raise_err(cpu, vector, 0);
                }
                return 0;
            }
        }
    }
    if (last > sc->limit) {
        raise_err(cpu, vector, 0);
    }
    return 0;
}

/* ---- descriptors ---- */

static bool desc_addr(X86CPU *cpu, uint16_t sel, unsigned len, uint64_t *addr)
{
    X86CPUState *env = &cpu->env;
    uint64_t base;
    uint32_t limit;
    if (sel & ERR_TI) {
        if (is_null_sel(env->ldt.selector)) {
            return false; /* no LDT loaded */
        }
        base = env->ldt.base;
        limit = env->ldt.limit;
    } else {
        base = env->gdt.base;
        limit = env->gdt.limit;
    }
    uint32_t off = sel & ~7u;
    if (off + len - 1 > limit) {
        return false;
    }
    *addr = base + off;
    return true;
}

bool x86_read_desc(X86CPU *cpu, uint16_t selector, uint32_t *lo, uint32_t *hi)
{
    uint64_t a;
    if (!desc_addr(cpu, selector, 8, &a)) {
        return false;
    }
    *lo = (uint32_t)cpu_ld(cpu, a, MO_32, MMU_KERNEL);
    *hi = (uint32_t)cpu_ld(cpu, a + 4, MO_32, MMU_KERNEL);
    return true;
}

/* The upper half of a 16-byte system descriptor (IA-32e mode, 3.5.2):
 * base 63:32, and a type field that must be zero. */
bool x86_read_desc_upper(X86CPU *cpu, uint16_t selector, uint32_t *base_hi, uint32_t *w3)
{
    uint64_t a;
    if (!desc_addr(cpu, selector, 16, &a)) {
        return false;
    }
    *base_hi = (uint32_t)cpu_ld(cpu, a + 8, MO_32, MMU_KERNEL);
    *w3 = (uint32_t)cpu_ld(cpu, a + 12, MO_32, MMU_KERNEL);
    return true;
}

void x86_set_desc_accessed(X86CPU *cpu, uint16_t selector, uint32_t hi)
{
    uint64_t a;
    if (!(hi & (DESC_A << 8)) && desc_addr(cpu, selector, 8, &a)) {
        cpu_st(cpu, a + 5, ((hi >> 8) & 0xff) | DESC_A, MO_8, MMU_KERNEL);
    }
}

void x86_seg_from_desc(SegmentCache *sc, uint16_t selector, uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23)) {
        limit = (limit << 12) | 0xfff;
    }
    sc->selector = selector;
    sc->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    sc->limit = limit;
    sc->flags = (hi >> 8) & 0xf0ff;
}

void x86_seg_null(SegmentCache *sc, uint16_t selector)
{
    /* Intel clears the base with the selector (AMD keeps FS/GS bases) */
    *sc = (SegmentCache){ .selector = selector };
}

/* Unusable, but keeping DPL = CPL, which is where CPL lives. */
void x86_seg_null_ss(SegmentCache *sc, uint16_t selector, int cpl)
{
    *sc = (SegmentCache){ .selector = selector,
                          .flags = (uint16_t)(cpl << SEG_DPL_SHIFT) | SEG_DB };
}

void x86_seg_load_real(X86CPUState *env, int seg, uint16_t selector)
{
    SegmentCache *sc = &env->segs[seg];
    sc->selector = selector;
    sc->base = (uint64_t)selector << 4;
    if (env->rflags & RFLAGS_VM) {
        /* V86 (20.2.1): 64 KiB, DPL 3, read/write accessed, 16-bit */
        sc->limit = 0xffff;
        sc->flags = SEG_P | SEG_S | (3 << SEG_DPL_SHIFT) | DESC_W | DESC_A;
    }
}

void x86_seg_flat_code(SegmentCache *sc, uint16_t selector, int dpl, bool long_mode)
{
    *sc = (SegmentCache){
        .selector = selector, .base = 0, .limit = 0xffffffff,
        .flags = SEG_P | SEG_S | SEG_G | (uint16_t)(dpl << SEG_DPL_SHIFT) |
                 DESC_CODE | DESC_R | DESC_A | (long_mode ? SEG_L : SEG_DB),
    };
}

void x86_seg_flat_data(SegmentCache *sc, uint16_t selector, int dpl)
{
    *sc = (SegmentCache){
        .selector = selector, .base = 0, .limit = 0xffffffff,
        .flags = SEG_P | SEG_S | SEG_G | SEG_DB | (uint16_t)(dpl << SEG_DPL_SHIFT) | DESC_W |
                 DESC_A,
    };
}

/* ---- TSS stacks (7.2.1, 7.7) ---- */

void x86_tss_stack(X86CPU *cpu, int dpl, int ist, uint32_t ext, uint16_t *ss, uint64_t *sp)
{
    X86CPUState *env = &cpu->env;
    const SegmentCache *tr = &env->tr;
    uint32_t err = (tr->selector & SEL_MASK) | ext;
    if (env->efer & EFER_LMA) {
        uint32_t off = ist ? 0x24 + (uint32_t)(ist - 1) * 8 : 4 + (uint32_t)dpl * 8;
        if (off + 7 > tr->limit) {
            raise_err(cpu, EXCP0A_TS, err);
        }
        *sp = cpu_ld(cpu, tr->base + off, MO_64, MMU_KERNEL);
        *ss = 0;
    } else if ((tr->flags & SEG_TYPE_MASK) & 8) {
        uint32_t off = 4 + (uint32_t)dpl * 8; /* ESPn, SSn */
        if (off + 5 > tr->limit) {
            raise_err(cpu, EXCP0A_TS, err);
        }
        *sp = cpu_ld(cpu, tr->base + off, MO_32, MMU_KERNEL);
        *ss = (uint16_t)cpu_ld(cpu, tr->base + off + 4, MO_16, MMU_KERNEL);
    } else {
        uint32_t off = 2 + (uint32_t)dpl * 4; /* 16-bit TSS: SPn, SSn */
        if (off + 3 > tr->limit) {
            raise_err(cpu, EXCP0A_TS, err);
        }
        *sp = cpu_ld(cpu, tr->base + off, MO_16, MMU_KERNEL);
        *ss = (uint16_t)cpu_ld(cpu, tr->base + off + 2, MO_16, MMU_KERNEL);
    }
}

void x86_check_inner_ss(X86CPU *cpu, uint16_t ss, int dpl, uint32_t ext, uint32_t *lo,
                        uint32_t *hi)
{
    uint32_t err = (ss & SEL_MASK) | ext;
    if (is_null_sel(ss)) {
        raise_err(cpu, EXCP0A_TS, ext);
    }
    if (!x86_read_desc(cpu, ss, lo, hi)) {
        raise_err(cpu, EXCP0A_TS, err);
    }
    unsigned type = desc_type(*hi);
    if ((ss & 3) != dpl || desc_dpl(*hi) != dpl || !desc_s(*hi) || (type & DESC_CODE) ||
        !(type & DESC_W)) {
        raise_err(cpu, EXCP0A_TS, err);
    }
    if (!desc_p(*hi)) {
        raise_err(cpu, EXCP0C_SS, err);
    }
}

/* ---- stacks ---- */

void x86_stack_init(X86Stack *st, X86CPU *cpu, const SegmentCache *ss, uint64_t sp, bool long64,
                    int mmu_idx)
{
    st->cpu = cpu;
    st->long64 = long64;
    st->base = long64 ? 0 : ss->base;
    st->mask = long64 ? ~0ull : (ss->flags & SEG_DB) ? 0xffffffffull : 0xffffull;
    st->sp = sp & st->mask;
    st->limit = ss->limit;
    st->flags = ss->flags;
    st->mmu_idx = mmu_idx;
    st->ss_err = 0;
}

void x86_stack_current(X86Stack *st, X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    x86_stack_init(st, cpu, &env->segs[R_SS], env->regs[R_ESP], env->hflags & HF_CS64,
                   x86_mmu_index(env));
}

/* Limit check of [off, off + size) in SS (5.3): expand-down segments hold
 * the offsets above the limit. */
static uint64_t stack_addr(X86Stack *st, uint64_t off, unsigned size)
{
    if (st->long64) {
        return st->base + off;
    }
    uint64_t last = off + size - 1;
    bool ok;
    if ((st->flags & (DESC_CODE | DESC_E)) == DESC_E) {
        uint64_t upper = (st->flags & SEG_DB) ? 0xffffffffull : 0xffffull;
        ok = off > st->limit && last <= upper;
    } else {
        ok = last <= st->limit;
    }
    if (!ok) {
        raise_err(st->cpu, EXCP0C_SS, st->ss_err);
    }
    return (uint32_t)(st->base + off);
}

void x86_stack_push(X86Stack *st, uint64_t value, unsigned size)
{
    uint64_t sp = (st->sp - size) & st->mask;
    cpu_st(st->cpu, stack_addr(st, sp, size), value, size_memop(size), st->mmu_idx);
    st->sp = sp;
}

uint64_t x86_stack_pop(X86Stack *st, unsigned size)
{
    uint64_t v = cpu_ld(st->cpu, stack_addr(st, st->sp, size), size_memop(size), st->mmu_idx);
    st->sp = (st->sp + size) & st->mask;
    return v;
}

uint64_t x86_stack_peek(X86Stack *st, uint64_t off, unsigned size)
{
    uint64_t a = stack_addr(st, (st->sp + off) & st->mask, size);
    return cpu_ld(st->cpu, a, size_memop(size), st->mmu_idx);
}

uint64_t x86_stack_rsp(const X86Stack *st, uint64_t old_rsp)
{
    if (st->mask == 0xffff) {
        return (old_rsp & ~0xffffull) | st->sp;
    }
    return st->sp; /* 32-bit stack pointer writes zero-extend */
}

/* ---- segment register loads (MOV/POP Sreg, LDS...) ---- */

static void load_seg_prot(X86CPU *cpu, int seg, uint16_t sel)
{
    X86CPUState *env = &cpu->env;
    int cpl = x86_cpl(env);
    int rpl = sel & 3;
    uint32_t lo, hi;

    if (is_null_sel(sel)) {
        if (seg != R_SS) {
            x86_seg_null(&env->segs[seg], sel);
            return;
        }
        /* a null SS only in 64-bit mode below CPL 3, with RPL = CPL */
        if (!(env->hflags & HF_CS64) || cpl == 3 || rpl != cpl) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
        x86_seg_null_ss(&env->segs[R_SS], sel, cpl);
        return;
    }
    if (!x86_read_desc(cpu, sel, &lo, &hi)) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    unsigned type = desc_type(hi);
    int dpl = desc_dpl(hi);
    if (seg == R_SS) {
        if (rpl != cpl || !desc_s(hi) || (type & DESC_CODE) || !(type & DESC_W) || dpl != cpl) {
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
        if (!desc_p(hi)) {
            raise_err(cpu, EXCP0C_SS, sel & SEL_MASK);
        }
    } else {
        if (!desc_s(hi) || ((type & DESC_CODE) && !(type & DESC_R))) {
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
        /* data and non-conforming code: DPL >= max(CPL, RPL) */
        if ((type & (DESC_CODE | DESC_C)) != (DESC_CODE | DESC_C) && (dpl < cpl || dpl < rpl)) {
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
        if (!desc_p(hi)) {
            raise_err(cpu, EXCP0B_NP, sel & SEL_MASK);
        }
    }
    x86_set_desc_accessed(cpu, sel, hi);
    x86_seg_from_desc(&env->segs[seg], sel, lo, hi | (DESC_A << 8));
}

uint64_t helper_load_seg(X86CPU *cpu, uint64_t seg, uint64_t selector)
{
    X86CPUState *env = &cpu->env;
    uint16_t sel = (uint16_t)selector;
    if (seg >= SEG_COUNT || seg == R_CS) {
        cpu_raise_exception(cpu, EXCP06_UD); /* MOV CS is undefined */
    }
    if (!(env->cr0 & CR0_PE) || (env->rflags & RFLAGS_VM)) {
        x86_seg_load_real(env, (int)seg, sel);
    } else {
        load_seg_prot(cpu, (int)seg, sel);
    }
    x86_update_hflags(env);
    return 0;
}

/* ---- shared by far returns (RET, IRET) ---- */

void x86_check_return_cs(X86CPU *cpu, uint16_t cs, uint32_t *lo, uint32_t *hi)
{
    X86CPUState *env = &cpu->env;
    int rpl = cs & 3;
    if (is_null_sel(cs)) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (!x86_read_desc(cpu, cs, lo, hi)) {
        raise_err(cpu, EXCP0D_GP, cs & SEL_MASK);
    }
    unsigned type = desc_type(*hi);
    int dpl = desc_dpl(*hi);
    if (!desc_s(*hi) || !(type & DESC_CODE) || rpl < x86_cpl(env) ||
        ((type & DESC_C) ? dpl > rpl : dpl != rpl)) {
        raise_err(cpu, EXCP0D_GP, cs & SEL_MASK);
    }
    if ((env->efer & EFER_LMA) && (*hi & (SEG_L << 8)) && (*hi & (SEG_DB << 8))) {
        raise_err(cpu, EXCP0D_GP, cs & SEL_MASK);
    }
    if (!desc_p(*hi)) {
        raise_err(cpu, EXCP0B_NP, cs & SEL_MASK);
    }
}

void x86_load_return_ss(X86CPU *cpu, uint16_t ss, int rpl, bool to64, SegmentCache *sc)
{
    uint32_t lo, hi;
    if (is_null_sel(ss)) {
        /* allowed only when returning to 64-bit mode below CPL 3 */
        if (!to64 || rpl == 3 || (ss & 3) != rpl) {
            raise_err(cpu, EXCP0D_GP, 0);
        }
        x86_seg_null_ss(sc, ss, rpl);
        return;
    }
    if ((ss & 3) != rpl || !x86_read_desc(cpu, ss, &lo, &hi)) {
        raise_err(cpu, EXCP0D_GP, ss & SEL_MASK);
    }
    unsigned type = desc_type(hi);
    if (!desc_s(hi) || (type & DESC_CODE) || !(type & DESC_W) || desc_dpl(hi) != rpl) {
        raise_err(cpu, EXCP0D_GP, ss & SEL_MASK);
    }
    if (!desc_p(hi)) {
        raise_err(cpu, EXCP0C_SS, ss & SEL_MASK);
    }
    x86_set_desc_accessed(cpu, ss, hi);
    x86_seg_from_desc(sc, ss, lo, hi | (DESC_A << 8));
}

void x86_null_inaccessible_segs(X86CPUState *env, int cpl)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
    for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        SegmentCache *sc = &env->segs[segs[i]];
        unsigned type = sc->flags & SEG_TYPE_MASK;
        int dpl = (sc->flags >> SEG_DPL_SHIFT) & 3;
        bool conforming = (type & (DESC_CODE | DESC_C)) == (DESC_CODE | DESC_C);
        /* an already unusable register keeps its base (FS/GS in 64-bit mode) */
        if ((sc->flags & SEG_P) && !conforming && dpl < cpl) {
            x86_seg_null(sc, 0);
        }
    }
}

/* ---- LLDT, LTR ---- */

static void check_system_insn(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    if (!(env->cr0 & CR0_PE) || (env->rflags & RFLAGS_VM)) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
}

/* Load a system descriptor (LDT or TSS) of an allowed type into sc. */
static uint32_t load_system_desc(X86CPU *cpu, uint16_t sel, unsigned type_a, unsigned type_b,
                                 SegmentCache *sc)
{
    X86CPUState *env = &cpu->env;
    uint32_t lo, hi, base_hi = 0, w3 = 0;
    if (sel & ERR_TI) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    if (!x86_read_desc(cpu, sel, &lo, &hi)) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    unsigned type = desc_type(hi);
    if (desc_s(hi) || (type != type_a && type != type_b)) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    if (env->efer & EFER_LMA) {
        if (!x86_read_desc_upper(cpu, sel, &base_hi, &w3)) {
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
        if (((w3 >> 8) & 0x1f) != 0) {
            raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
        }
    }
    if (!desc_p(hi)) {
        raise_err(cpu, EXCP0B_NP, sel & SEL_MASK);
    }
    x86_seg_from_desc(sc, sel, lo, hi);
    sc->base |= (uint64_t)base_hi << 32;
    if (!is_canonical(sc->base)) {
        raise_err(cpu, EXCP0D_GP, sel & SEL_MASK);
    }
    return hi;
}

uint64_t helper_lldt(X86CPU *cpu, uint64_t selector)
{
    X86CPUState *env = &cpu->env;
    uint16_t sel = (uint16_t)selector;
    check_system_insn(cpu);
    if (x86_cpl(env) != 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (is_null_sel(sel)) {
        x86_seg_null(&env->ldt, sel); /* later LDT references #GP */
        return 0;
    }
    SegmentCache sc;
    load_system_desc(cpu, sel, DESC_LDT, DESC_LDT, &sc);
    env->ldt = sc;
    return 0;
}

uint64_t helper_ltr(X86CPU *cpu, uint64_t selector)
{
    X86CPUState *env = &cpu->env;
    uint16_t sel = (uint16_t)selector;
    check_system_insn(cpu);
    if (x86_cpl(env) != 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    if (is_null_sel(sel)) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    /* an available TSS: 32/64-bit, or 16-bit outside IA-32e mode */
    unsigned t16 = (env->efer & EFER_LMA) ? DESC_TSS_AVAIL : DESC_TSS16_AVAIL;
    SegmentCache sc;
    uint32_t hi = load_system_desc(cpu, sel, DESC_TSS_AVAIL, t16, &sc);
    uint64_t a;
    if (desc_addr(cpu, sel, 8, &a)) { /* it was just read from there */
        cpu_st(cpu, a + 4, hi | (2u << 8), MO_32, MMU_KERNEL); /* busy */
    }
    sc.flags |= 2;
    env->tr = sc;
    return 0;
}

/* ---- LAR, LSL, VERR, VERW ---- */

/* Common checks: the descriptor exists and is visible at CPL/RPL. */
static bool visible_desc(X86CPU *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    X86CPUState *env = &cpu->env;
    if (is_null_sel(sel) || !x86_read_desc(cpu, sel, lo, hi)) {
        return false;
    }
    unsigned type = desc_type(*hi);
    bool conforming_code = desc_s(*hi) && (type & (DESC_CODE | DESC_C)) == (DESC_CODE | DESC_C);
    int dpl = desc_dpl(*hi);
    return conforming_code || (dpl >= x86_cpl(env) && dpl >= (sel & 3));
}

static bool system_type_ok(X86CPUState *env, unsigned type, bool lar)
{
    /* LAR also accepts gates; IA-32e mode drops 16-bit TSSs and task gates */
    bool lma = env->efer & EFER_LMA;
    switch (type) {
    case DESC_LDT:
    case DESC_TSS_AVAIL:
    case DESC_TSS_BUSY:
        return true;
    case DESC_TSS16_AVAIL:
    case DESC_TSS16_BUSY:
        return !lma;
    case DESC_CALL_GATE:
        return lar;
    case DESC_CALL_GATE16:
    case DESC_TASK_GATE:
        return lar && !lma;
    default:
        return false;
    }
}

uint64_t helper_lar(X86CPU *cpu, uint64_t selector)
{
    uint32_t lo, hi;
    check_system_insn(cpu);
    if (!visible_desc(cpu, (uint16_t)selector, &lo, &hi) ||
        (!desc_s(hi) && !system_type_ok(&cpu->env, desc_type(hi), true))) {
        return 0;
    }
    return LAR_LSL_VALID | (hi & 0x00f0ff00u);
}

uint64_t helper_lsl(X86CPU *cpu, uint64_t selector)
{
    uint32_t lo, hi;
    check_system_insn(cpu);
    if (!visible_desc(cpu, (uint16_t)selector, &lo, &hi) ||
        (!desc_s(hi) && !system_type_ok(&cpu->env, desc_type(hi), false))) {
        return 0;
    }
    SegmentCache sc;
    x86_seg_from_desc(&sc, (uint16_t)selector, lo, hi);
    return LAR_LSL_VALID | sc.limit;
}

uint64_t helper_verr(X86CPU *cpu, uint64_t selector)
{
    uint32_t lo, hi;
    check_system_insn(cpu);
    if (!visible_desc(cpu, (uint16_t)selector, &lo, &hi) || !desc_s(hi)) {
        return 0;
    }
    unsigned type = desc_type(hi);
    return !(type & DESC_CODE) || (type & DESC_R);
}

uint64_t helper_verw(X86CPU *cpu, uint64_t selector)
{
    uint32_t lo, hi;
    check_system_insn(cpu);
    if (!visible_desc(cpu, (uint16_t)selector, &lo, &hi) || !desc_s(hi)) {
        return 0;
    }
    unsigned type = desc_type(hi);
    return !(type & DESC_CODE) && (type & DESC_W);
}

/* ---- SWAPGS ---- */

uint64_t helper_swapgs(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    if (!(env->hflags & HF_CS64)) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    if (x86_cpl(env) != 0) {
        raise_err(cpu, EXCP0D_GP, 0);
    }
    uint64_t t = env->segs[R_GS].base;
    env->segs[R_GS].base = env->kernel_gs_base;
    env->kernel_gs_base = t;
    return 0;
}

void x86_task_switch_unsupported(X86CPU *cpu, const char *what, uint16_t sel)
{
    static bool said;
    if (!said) {
        said = true;
        fprintf(stderr,
                "mimic: tcg: %s (selector 0x%04x): hardware task switching is not "
                "implemented\n",
                what, sel);
    }
}
