/*
 * x87 FPU data instructions: arithmetic, compares, loads, stores, stack
 * manipulation (Intel SDM vol. 1, ch. 8; vol. 2 instruction pages).
 *
 * The register stack, tags and status word are kept here (fpu-internal.h);
 * the arithmetic itself runs on the host's x87 (host-fpu.h). What is left to
 * this file are the stack rules of SDM vol. 1, 8.5.1.1: reading an empty
 * register is a stack underflow, pushing onto a full one an overflow, both
 * IE with SF (C1 = 0 / 1). Masked, the instruction goes on with the QNaN
 * indefinite in place of the operand or result; unmasked, and for any
 * unmasked IE, DE or ZE, the registers and TOP are left alone and only the
 * status word (flags, ES, B) changes, the #MF coming at the next waiting
 * instruction (8.5 and 8.6). Stores to memory also stay undone after an
 * unmasked OE or UE (8.5.4, 8.5.5).
 *
 * An instruction commits its status word and registers only after its
 * memory store, so a page fault leaves the FPU as it was.
 */
#include "target/x86/fpu_helper.h"

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"
#include "target/x86/fpu-internal.h"

/* ---- stack and status word ---- */

void fpu_push(X86CPUState *env)
{
    uint8_t *fx = env->fxsave;
    uint8_t tmp[16];

    memcpy(tmp, fx + FX_ST(7), 16);
    memmove(fx + FX_ST(1), fx + FX_ST(0), 7 * 16);
    memcpy(fx + FX_ST(0), tmp, 16);
    uint16_t fsw = fpu_fsw(env);
    int top = (((fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT) - 1) & 7;
    fpu_set_fsw(env, (uint16_t)((fsw & ~FSW_TOP_MASK) | top << FSW_TOP_SHIFT));
}

void fpu_pop(X86CPUState *env)
{
    uint8_t *fx = env->fxsave;
    uint8_t tmp[16];

    fx[FX_FTW] &= (uint8_t)~(1u << fpu_top(env));
    memcpy(tmp, fx + FX_ST(0), 16);
    memmove(fx + FX_ST(0), fx + FX_ST(1), 7 * 16);
    memcpy(fx + FX_ST(7), tmp, 16);
    uint16_t fsw = fpu_fsw(env);
    int top = (((fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT) + 1) & 7;
    fpu_set_fsw(env, (uint16_t)((fsw & ~FSW_TOP_MASK) | top << FSW_TOP_SHIFT));
}

void fpu_set_top(X86CPUState *env, int top)
{
    int old = fpu_top(env);
    if (top != old) {
        uint8_t *fx = env->fxsave;
        uint8_t tmp[128];
        /* physical register p moves from slot (p - old) & 7 to (p - top) & 7 */
        for (int p = 0; p < 8; p++) {
            memcpy(tmp + 16 * ((p - top) & 7), fx + FX_ST((p - old) & 7), 16);
        }
        memcpy(fx + FX_ST(0), tmp, 128);
        fpu_set_fsw(env, (uint16_t)((fpu_fsw(env) & ~FSW_TOP_MASK) | top << FSW_TOP_SHIFT));
    }
}

void fpu_set_top0(X86CPUState *env)
{
    fpu_set_top(env, 0);
}

void fpu_update_es(X86CPUState *env)
{
    uint16_t fsw = fpu_fsw(env) & ~(FSW_ES | FSW_B);
    if (fsw & ~fpu_fcw(env) & FSW_EXC) {
        fsw |= FSW_ES | FSW_B;
    }
    fpu_set_fsw(env, fsw);
}

/*
 * Fold the status word sw of a host operation into *fsw: exception flags,
 * ES/B when one is unmasked, and C0-C3 (the host ran with the guest's, so
 * those the instruction leaves alone come back unchanged). Returns false
 * when an unmasked IE, DE or ZE stops the instruction (8.5.1-8.5.3: no
 * result, no pop).
 */
static bool fsw_merge(uint16_t fcw, uint16_t *fsw, uint16_t sw)
{
    const uint16_t cc_mask = FSW_CC;
    uint16_t exc = sw & FSW_EXC;
    uint16_t unmasked = exc & ~fcw & FSW_EXC;
    uint16_t f = *fsw | exc;

    if (unmasked) {
        f |= FSW_ES | FSW_B;
    }
    *fsw = (uint16_t)((f & ~cc_mask) | (sw & cc_mask));
    return !(unmasked & (FSW_IE | FSW_DE | FSW_ZE));
}

/* A stack underflow (overflow = false) or overflow: IE + SF, C1 = 0 / 1.
 * Returns true if IE is masked and the masked response applies. */
static bool stack_fault(uint16_t fcw, uint16_t *fsw, bool overflow)
{
    uint16_t f = (*fsw & ~FSW_C1) | FSW_IE | FSW_SF | (overflow ? FSW_C1 : 0);
    bool masked = fcw & FSW_IE;
    if (!masked) {
        f |= FSW_ES | FSW_B;
    }
    *fsw = f;
    return masked;
}

static uint64_t fpu_addr(const X86CPUState *env, uint64_t addr, unsigned off)
{
    addr += off;
    return (env->hflags & HF_CS64) ? addr : (uint32_t)addr;
}

/* Store len bytes (2, 4, 8 or 10) of buf at linear address addr. */
static void fpu_mem_store(X86CPU *cpu, uint64_t addr, const uint8_t *buf, int len)
{
    X86CPUState *env = &cpu->env;
    int mmu = x86_mmu_index(env);
    switch (len) {
    case 2:
        cpu_st(cpu, addr, fx_ld16(buf), MO_16, mmu);
        break;
    case 4:
        cpu_st(cpu, addr, fx_ld32(buf), MO_32, mmu);
        break;
    case 8:
        cpu_st(cpu, addr, fx_ld64(buf), MO_64, mmu);
        break;
    default:
        cpu_st(cpu, addr, fx_ld64(buf), MO_64, mmu);
        cpu_st(cpu, fpu_addr(env, addr, 8), fx_ld16(buf + 8), MO_16, mmu);
        break;
    }
}

uint64_t helper_fwait(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    /* With CR0.NE clear the PC reports the error through FERR# and IRQ 13
     * instead; mimic does not model that path and lets the instruction run
     * (as with IGNNE# asserted). */
    if ((fpu_fsw(env) & FSW_ES) && (env->cr0 & CR0_NE)) {
        cpu_raise_exception(cpu, EXCP10_MF);
    }
    return 0;
}

/* ---- arithmetic ---- */

uint64_t helper_fpu_arith(X86CPU *cpu, uint64_t op, uint64_t dst, uint64_t src, uint64_t pop)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 in[2], out[3];

    if (fpu_st_empty(env, (int)dst) || fpu_st_empty(env, (int)src)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        out[0] = fpu_indefinite();
    } else {
        fpu_st_get(env, (int)dst, &in[0]);
        fpu_st_get(env, (int)src, &in[1]);
        uint16_t sw = hx87_run((HX87Op)op, fcw, fsw, in, out, NULL);
        if (!fsw_merge(fcw, &fsw, sw)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
    }
    fpu_set_fsw(env, fsw);
    fpu_st_set(env, (int)dst, &out[0]);
    if (pop) {
        fpu_pop(env);
    }
    return 0;
}

uint64_t helper_fpu_arith_mem(X86CPU *cpu, uint64_t op, uint64_t value)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 in[2] = { { 0 } }, out[3];
    uint8_t mem[16] = { 0 };

    if (fpu_st_empty(env, 0)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        out[0] = fpu_indefinite();
    } else {
        fpu_st_get(env, 0, &in[0]);
        fx_st64(mem, value);
        uint16_t sw = hx87_run((HX87Op)op, fcw, fsw, in, out, mem);
        if (!fsw_merge(fcw, &fsw, sw)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
    }
    fpu_set_fsw(env, fsw);
    fpu_st_set(env, 0, &out[0]);
    return 0;
}

/* ---- compares ---- */

/* Compare ST(0) with ST(i) or mem; true if the compare completed (its
 * C0 C2 C3 are in *fsw) and the pops apply. *under: a stack underflow. */
static bool fpu_compare(X86CPUState *env, HX87Op op, int i, const uint8_t *mem, uint16_t *fsw,
                        bool *under)
{
    uint16_t fcw = fpu_fcw(env);
    Fx80 in[2] = { { 0 } }, out[3];
    uint8_t buf[16] = { 0 };

    *under = fpu_st_empty(env, 0) || (!mem && fpu_st_empty(env, i));
    if (*under) {
        /* "unordered", masked or not; pops only when masked */
        bool masked = stack_fault(fcw, fsw, false);
        *fsw |= FSW_C0 | FSW_C2 | FSW_C3;
        return masked;
    }
    fpu_st_get(env, 0, &in[0]);
    if (mem) {
        memcpy(buf, mem, 8);
    } else {
        fpu_st_get(env, i, &in[1]);
    }
    uint16_t sw = hx87_run(op, fcw, *fsw, in, out, buf);
    return fsw_merge(fcw, fsw, sw);
}

uint64_t helper_fpu_com(X86CPU *cpu, uint64_t op, uint64_t i, uint64_t npop)
{
    X86CPUState *env = &cpu->env;
    uint16_t fsw = fpu_fsw(env);
    bool under;
    bool go = fpu_compare(env, (HX87Op)op, (int)i, NULL, &fsw, &under);

    fpu_set_fsw(env, fsw);
    for (uint64_t n = 0; go && n < npop; n++) {
        fpu_pop(env);
    }
    return 0;
}

uint64_t helper_fpu_com_mem(X86CPU *cpu, uint64_t op, uint64_t value, uint64_t pop)
{
    X86CPUState *env = &cpu->env;
    uint16_t fsw = fpu_fsw(env);
    uint8_t mem[8];

    bool under;
    fx_st64(mem, value);
    bool go = fpu_compare(env, (HX87Op)op, 0, mem, &fsw, &under);
    fpu_set_fsw(env, fsw);
    if (go && pop) {
        fpu_pop(env);
    }
    return 0;
}

uint64_t helper_fpu_comi(X86CPU *cpu, uint64_t op, uint64_t i, uint64_t pop, uint64_t eflags)
{
    X86CPUState *env = &cpu->env;
    uint16_t fsw = fpu_fsw(env), before = fsw;
    bool under;
    bool go = fpu_compare(env, (HX87Op)op, (int)i, NULL, &fsw, &under);

    /* FCOMI puts the result in ZF PF CF and leaves C0-C3 alone, but for
     * C1 = 0 on a stack underflow (vol. 2A, FCOMI) */
    uint16_t cc = fsw;
    uint16_t keep = under ? FSW_C0 | FSW_C2 | FSW_C3 : FSW_CC;
    fsw = (uint16_t)((fsw & ~keep) | (before & keep));
    fpu_set_fsw(env, fsw);
    if (go && pop) {
        fpu_pop(env);
    }
    eflags &= ~(uint64_t)(RFLAGS_OF | RFLAGS_SF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF);
    return eflags | ((cc & FSW_C3) ? RFLAGS_ZF : 0) | ((cc & FSW_C2) ? RFLAGS_PF : 0) |
           ((cc & FSW_C0) ? RFLAGS_CF : 0);
}

/* ---- loads ---- */

static void fpu_push_value(X86CPUState *env, const Fx80 *v)
{
    fpu_push(env);
    fpu_st_set(env, 0, v);
}

uint64_t helper_fpu_load(X86CPU *cpu, uint64_t op, uint64_t lo, uint64_t hi)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 in[2] = { { 0 } }, out[3];
    uint8_t mem[16] = { 0 };

    if (!fpu_st_empty(env, 7)) {
        if (!stack_fault(fcw, &fsw, true)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        out[0] = fpu_indefinite();
    } else {
        fx_st64(mem, lo);
        fx_st16(mem + 8, (uint16_t)hi);
        uint16_t sw = hx87_run((HX87Op)op, fcw, fsw, in, out, mem);
        /* a denormal single or double still loads when DE is unmasked */
        if (!fsw_merge(fcw, &fsw, sw) && (sw & ~fcw & FSW_IE)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
    }
    fpu_set_fsw(env, fsw);
    fpu_push_value(env, &out[0]);
    return 0;
}

uint64_t helper_fpu_fld80(X86CPU *cpu, uint64_t lo, uint64_t hi)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 v = { .mant = lo, .sexp = (uint16_t)hi };

    if (!fpu_st_empty(env, 7)) {
        if (!stack_fault(fcw, &fsw, true)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        v = fpu_indefinite();
    } else {
        fsw &= ~FSW_C1;
    }
    fpu_set_fsw(env, fsw);
    fpu_push_value(env, &v);
    return 0;
}

uint64_t helper_fpu_fld_st(X86CPU *cpu, uint64_t i)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 v;

    /* an empty source is reported (C1 = 0) before a full stack */
    if (fpu_st_empty(env, (int)i) || !fpu_st_empty(env, 7)) {
        if (!stack_fault(fcw, &fsw, !fpu_st_empty(env, 7) && !fpu_st_empty(env, (int)i))) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        v = fpu_indefinite();
    } else {
        fpu_st_get(env, (int)i, &v);
        fsw &= ~FSW_C1;
    }
    fpu_set_fsw(env, fsw);
    fpu_push_value(env, &v);
    return 0;
}

/* ---- stores ---- */

static int store_size(HX87Op op)
{
    switch (op) {
    case HX87_FST_M32:
    case HX87_FIST_M32:
    case HX87_FISTTP_M32:
        return 4;
    case HX87_FST_M64:
    case HX87_FISTP_M64:
    case HX87_FISTTP_M64:
        return 8;
    case HX87_FBSTP:
        return 10;
    default:
        return 2;
    }
}

uint64_t helper_fpu_store(X86CPU *cpu, uint64_t op, uint64_t addr, uint64_t pop)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 in[2] = { { 0 } }, out[3];
    uint8_t mem[16] = { 0 };
    bool store;

    if (fpu_st_empty(env, 0)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        /* the masked response stores the indefinite of the destination
         * format: what converting the QNaN indefinite gives */
        in[0] = fpu_indefinite();
        hx87_run((HX87Op)op, fcw | FSW_EXC, fsw, in, out, mem);
        store = true;
    } else {
        fpu_st_get(env, 0, &in[0]);
        uint16_t sw = hx87_run((HX87Op)op, fcw, fsw, in, out, mem);
        store = fsw_merge(fcw, &fsw, sw) && !(sw & ~fcw & (FSW_OE | FSW_UE));
    }
    if (store) {
        fpu_mem_store(cpu, addr, mem, store_size((HX87Op)op));
    }
    fpu_set_fsw(env, fsw);
    if (store && pop) {
        fpu_pop(env);
    }
    return 0;
}

uint64_t helper_fpu_fstp80(X86CPU *cpu, uint64_t addr)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 v;
    uint8_t mem[16];

    if (fpu_st_empty(env, 0)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        v = fpu_indefinite();
    } else {
        fpu_st_get(env, 0, &v);
        fsw &= ~FSW_C1;
    }
    memcpy(mem, &v, 10);
    fpu_mem_store(cpu, addr, mem, 10);
    fpu_set_fsw(env, fsw);
    fpu_pop(env);
    return 0;
}

uint64_t helper_fpu_fst_st(X86CPU *cpu, uint64_t i, uint64_t mode)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    bool pop = mode & FST_ST_POP;
    Fx80 v;

    if (fpu_st_empty(env, 0) && (mode & FST_ST_ALIAS_D9)) {
        /* the undocumented D9 D8+i form just pops an empty ST(0) */
        fpu_set_fsw(env, fsw & ~FSW_C1);
        fpu_pop(env);
        return 0;
    }
    if (fpu_st_empty(env, 0)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        v = fpu_indefinite();
    } else {
        fpu_st_get(env, 0, &v);
        fsw &= ~FSW_C1;
    }
    fpu_set_fsw(env, fsw);
    fpu_st_set(env, (int)i, &v);
    if (pop) {
        fpu_pop(env);
    }
    return 0;
}

/* ---- operations on the stack top ---- */

typedef struct X87TopOp {
    uint8_t nin;     /* registers read: ST(0), or ST(0) and ST(1) */
    int8_t delta;    /* stack change: +1 push, -1 pop (result in the new ST(0)) */
    bool writes;     /* stores a result (FTST and FXAM only set C0-C3) */
    uint16_t cc;     /* condition codes the instruction defines */
} X87TopOp;

static X87TopOp top_op_info(HX87Op op)
{
    switch (op) {
    case HX87_FSIN:
    case HX87_FCOS:
        return (X87TopOp){ 1, 0, true, FSW_C1 | FSW_C2 };
    case HX87_FPTAN:
    case HX87_FSINCOS:
        return (X87TopOp){ 1, 1, true, FSW_C1 | FSW_C2 };
    case HX87_FXTRACT:
        return (X87TopOp){ 1, 1, true, FSW_C1 };
    case HX87_FPATAN:
    case HX87_FYL2X:
    case HX87_FYL2XP1:
        return (X87TopOp){ 2, -1, true, FSW_C1 };
    case HX87_FSCALE:
        return (X87TopOp){ 2, 0, true, FSW_C1 };
    case HX87_FPREM:
    case HX87_FPREM1:
        return (X87TopOp){ 2, 0, true, FSW_CC };
    case HX87_FTST:
    case HX87_FXAM:
        return (X87TopOp){ 1, 0, false, FSW_CC };
    default: /* FCHS FABS FSQRT FRNDINT F2XM1 */
        return (X87TopOp){ 1, 0, true, FSW_C1 };
    }
}

uint64_t helper_fpu_op(X86CPU *cpu, uint64_t opv)
{
    X86CPUState *env = &cpu->env;
    HX87Op op = (HX87Op)opv;
    X87TopOp info = top_op_info(op);
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 in[2] = { { 0 } }, out[3];
    int delta = info.delta;

    if (op == HX87_FXAM && fpu_st_empty(env, 0)) {
        /* empty: C3 C0 = 1 1, C1 the sign bit left in the register */
        fpu_st_get(env, 0, &in[0]);
        fsw = (uint16_t)((fsw & ~FSW_CC) | FSW_C3 | FSW_C0 | ((in[0].sexp & 0x8000) ? FSW_C1 : 0));
        fpu_set_fsw(env, fsw);
        return 0;
    }
    bool under = fpu_st_empty(env, 0) || (info.nin == 2 && fpu_st_empty(env, 1));
    bool over = delta > 0 && !fpu_st_empty(env, 7);
    if (under || over) {
        /* masked or not: C2 ("incomplete") clears, FTST says "unordered" */
        fsw &= (uint16_t)~(info.cc & FSW_C2);
        bool masked = stack_fault(fcw, &fsw, !under);
        if (!info.writes) {
            fsw |= FSW_C0 | FSW_C2 | FSW_C3;
        }
        if (!masked || !info.writes) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        out[0] = out[1] = fpu_indefinite();
    } else {
        fpu_st_get(env, 0, &in[0]);
        fpu_st_get(env, 1, &in[1]);
        uint16_t sw = hx87_run(op, fcw, fsw, in, out, NULL);
        if (!fsw_merge(fcw, &fsw, sw)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        /* FSIN & co. leave an out-of-range operand alone (C2 = 1) and push
         * nothing: the host's stack depth says what happened */
        delta = hx87_depth(sw) - 2;
    }
    fpu_set_fsw(env, fsw);
    if (!info.writes) {
        return 0;
    }
    if (delta > 0) {
        fpu_push(env);
        fpu_st_set(env, 1, &out[1]);
        fpu_st_set(env, 0, &out[0]);
    } else if (delta < 0) {
        fpu_st_set(env, 1, &out[0]);
        fpu_pop(env);
    } else {
        fpu_st_set(env, 0, &out[0]);
    }
    return 0;
}

/* ---- register moves ---- */

uint64_t helper_fpu_fxch(X86CPU *cpu, uint64_t i)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 a, b;

    if (fpu_st_empty(env, 0) || fpu_st_empty(env, (int)i)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        /* an empty register takes part as the QNaN indefinite */
        a = fpu_indefinite();
        b = fpu_indefinite();
        if (!fpu_st_empty(env, 0)) {
            fpu_st_get(env, 0, &a);
        }
        if (!fpu_st_empty(env, (int)i)) {
            fpu_st_get(env, (int)i, &b);
        }
    } else {
        fpu_st_get(env, 0, &a);
        fpu_st_get(env, (int)i, &b);
        fsw &= ~FSW_C1;
    }
    fpu_set_fsw(env, fsw);
    fpu_st_set(env, 0, &b);
    fpu_st_set(env, (int)i, &a);
    return 0;
}

uint64_t helper_fpu_fcmov(X86CPU *cpu, uint64_t i, uint64_t cond)
{
    X86CPUState *env = &cpu->env;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env);
    Fx80 v;

    if (fpu_st_empty(env, 0) || fpu_st_empty(env, (int)i)) {
        if (!stack_fault(fcw, &fsw, false)) {
            fpu_set_fsw(env, fsw);
            return 0;
        }
        /* the masked response writes the indefinite whatever the condition */
        fpu_set_fsw(env, fsw);
        v = fpu_indefinite();
        fpu_st_set(env, 0, &v);
        return 0;
    }
    if (cond) {
        fpu_st_get(env, (int)i, &v);
        fpu_st_set(env, 0, &v);
    }
    return 0;
}

uint64_t helper_fpu_ffree(X86CPU *cpu, uint64_t i, uint64_t pop)
{
    X86CPUState *env = &cpu->env;
    env->fxsave[FX_FTW] &= (uint8_t)~(1u << fpu_phys(env, (int)i));
    fpu_set_fsw(env, fpu_fsw(env) & ~FSW_C1); /* C0-C3 undefined: C1 clears on Intel */
    if (pop) {
        fpu_pop(env);
    }
    return 0;
}

uint64_t helper_fpu_stack_adjust(X86CPU *cpu, uint64_t delta)
{
    X86CPUState *env = &cpu->env;
    uint8_t *fx = env->fxsave;
    uint8_t tmp[16];
    uint16_t fsw = fpu_fsw(env) & ~FSW_C1;
    int top = fpu_top(env);

    if (delta == 1) { /* FINCSTP: rotate without touching tags */
        memcpy(tmp, fx + FX_ST(0), 16);
        memmove(fx + FX_ST(0), fx + FX_ST(1), 7 * 16);
        memcpy(fx + FX_ST(7), tmp, 16);
        top = (top + 1) & 7;
    } else {
        memcpy(tmp, fx + FX_ST(7), 16);
        memmove(fx + FX_ST(1), fx + FX_ST(0), 7 * 16);
        memcpy(fx + FX_ST(0), tmp, 16);
        top = (top - 1) & 7;
    }
    fpu_set_fsw(env, (uint16_t)((fsw & ~FSW_TOP_MASK) | top << FSW_TOP_SHIFT));
    return 0;
}
