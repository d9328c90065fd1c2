/*
 * System instructions: CLI/STI, IN/OUT, MOV to/from CR and DR, the
 * descriptor-table registers (LGDT LIDT SGDT SIDT LLDT SLDT LTR STR),
 * LMSW/SMSW/CLTS, INVLPG/INVD/WBINVD, CPUID, RDTSC/RDTSCP, RDMSR/WRMSR,
 * RDPMC, SYSCALL/SYSRET/SYSENTER/SYSEXIT/SWAPGS, LAR/LSL/VERR/VERW, and the
 * cache-control no-ops (CLFLUSH, fences, prefetches). Intel SDM vol. 2
 * instruction pages and vol. 3A chapter 2. The work is done by the system
 * helpers (misc_helper.h, seg_helper.h); this file decides what needs a
 * block end afterwards.
 */
#include "target/x86/translate.h"

#include <stddef.h>

#include "target/x86/excp.h"
#include "target/x86/int_helper.h"
#include "target/x86/misc_helper.h"
#include "target/x86/seg_helper.h"

/* CLI/STI may change IF when CPL <= IOPL (protected mode) or IOPL = 3
 * (V86); else #GP(0) (CR4.PVI/VME are not implemented). */
static bool if_change_allowed(DisasContext *s)
{
    if (!s->pe) {
        return true;
    }
    return s->vm86 ? s->iopl == 3 : s->cpl <= s->iopl;
}

static void gen_CLI(DisasContext *s, X86Insn *insn)
{
    if (!if_change_allowed(s)) {
        gen_exception_err(s, EXCP0D_GP, 0);
        return;
    }
    IRv rf = gen_temp();
    ir_ld_env(rf, offsetof(X86CPUState, rflags), MO_64);
    ir_andi(rf, rf, ~(uint64_t)RFLAGS_IF);
    ir_st_env(rf, offsetof(X86CPUState, rflags), MO_64);
}

/* STI: interrupts stay blocked for one more instruction if IF was 0. */
static void gen_STI(DisasContext *s, X86Insn *insn)
{
    if (!if_change_allowed(s)) {
        gen_exception_err(s, EXCP0D_GP, 0);
        return;
    }
    IRv rf = gen_temp();
    ir_ld_env(rf, offsetof(X86CPUState, rflags), MO_64);
    IRLabel was_set = ir_label_new();
    ir_brcond(IR_TSTNE, rf, gen_const(RFLAGS_IF), was_set);
    ir_call0(helper_set_inhibit_irq, HELPER_ENV, IR_NONE);
    ir_label_set(was_set);
    ir_ori(rf, rf, RFLAGS_IF);
    ir_st_env(rf, offsetof(X86CPUState, rflags), MO_64);
    s->end = DISAS_EOB_NEXT;
}

/* ---- port I/O: the helpers check the I/O permission bitmap ---- */

static void gen_IN(DisasContext *s, X86Insn *insn)
{
    IRv port = gen_trunc(gen_op_read(s, 1), 2);
    IRv v = gen_temp();
    ir_call2(helper_in, HELPER_ENV, v, port, gen_const(insn->op[0].size));
    gen_op_write(s, 0, v);
}

/* A port write can change the machine under the running code (A20, PAM,
 * a reset, an interrupt line): the block ends after it. */
static void gen_OUT(DisasContext *s, X86Insn *insn)
{
    IRv port = gen_trunc(gen_op_read(s, 0), 2);
    IRv v = gen_op_read(s, 1);
    ir_call3(helper_out, HELPER_ENV, IR_NONE, port, v, gen_const(insn->op[1].size));
    s->end = DISAS_EOB_NEXT;
}

/* ---- control and debug registers (CPL 0: checked by the dispatcher) ---- */

static void gen_mov_ctl(DisasContext *s, X86Insn *insn, int rc, void *read, void *write)
{
    if (insn->op[0].kind == OPK_REG && insn->op[0].reg_class == rc) {
        IRv v = gen_op_read(s, 1);
        ir_call2(write, HELPER_ENV, IR_NONE, gen_const(insn->op[0].reg), v);
        s->end = DISAS_EOB_NEXT;
    } else {
        IRv v = gen_temp();
        ir_call1(read, HELPER_ENV, v, gen_const(insn->op[1].reg));
        gen_op_write(s, 0, v);
    }
}

static void gen_MOV_CR(DisasContext *s, X86Insn *insn)
{
    gen_mov_ctl(s, insn, RC_CR, (void *)helper_read_cr, (void *)helper_write_cr);
}

static void gen_MOV_DR(DisasContext *s, X86Insn *insn)
{
    gen_mov_ctl(s, insn, RC_DR, (void *)helper_read_dr, (void *)helper_write_dr);
}

/* ---- descriptor tables ---- */

/* In 64-bit mode the pseudo-descriptor base is 64 bits whatever the
 * operand size. */
static uint64_t dt_opsize(DisasContext *s, X86Insn *insn)
{
    return s->cs64 ? 8 : insn->opsize;
}

static void gen_dt(DisasContext *s, X86Insn *insn, void *helper, bool load)
{
    ir_call2(helper, HELPER_ENV, IR_NONE, gen_ea(s), gen_const(dt_opsize(s, insn)));
    if (load) {
        s->end = DISAS_EOB_NEXT;
    }
}

static void gen_LGDT(DisasContext *s, X86Insn *insn) { gen_dt(s, insn, (void *)helper_lgdt, true); }
static void gen_LIDT(DisasContext *s, X86Insn *insn) { gen_dt(s, insn, (void *)helper_lidt, true); }
static void gen_SGDT(DisasContext *s, X86Insn *insn) { gen_dt(s, insn, (void *)helper_sgdt, false); }
static void gen_SIDT(DisasContext *s, X86Insn *insn) { gen_dt(s, insn, (void *)helper_sidt, false); }

/* LLDT, LTR, LAR, LSL, VERR, VERW are not recognised in real and V86 mode. */
static bool gen_check_pmode(DisasContext *s)
{
    if (!s->pe || s->vm86) {
        gen_exception(s, EXCP06_UD);
        return false;
    }
    return true;
}

static void gen_LLDT(DisasContext *s, X86Insn *insn)
{
    if (gen_check_pmode(s)) {
        ir_call1(helper_lldt, HELPER_ENV, IR_NONE, gen_trunc(gen_op_read(s, 0), 2));
    }
}

static void gen_LTR(DisasContext *s, X86Insn *insn)
{
    if (gen_check_pmode(s)) {
        ir_call1(helper_ltr, HELPER_ENV, IR_NONE, gen_trunc(gen_op_read(s, 0), 2));
    }
}

static void gen_read_to_op0(DisasContext *s, void *helper)
{
    IRv v = gen_temp();
    ir_call0(helper, HELPER_ENV, v);
    gen_op_write(s, 0, v);
}

static void gen_SLDT(DisasContext *s, X86Insn *insn) { gen_read_to_op0(s, (void *)helper_sldt); }
static void gen_STR(DisasContext *s, X86Insn *insn) { gen_read_to_op0(s, (void *)helper_str); }
static void gen_SMSW(DisasContext *s, X86Insn *insn) { gen_read_to_op0(s, (void *)helper_smsw); }

static void gen_LMSW(DisasContext *s, X86Insn *insn)
{
    ir_call1(helper_lmsw, HELPER_ENV, IR_NONE, gen_op_read(s, 0));
    s->end = DISAS_EOB_NEXT;
}

static void gen_CLTS(DisasContext *s, X86Insn *insn)
{
    ir_call0(helper_clts, HELPER_ENV, IR_NONE);
    s->end = DISAS_EOB_NEXT;
}

static void gen_INVLPG(DisasContext *s, X86Insn *insn)
{
    ir_call1(helper_invlpg, HELPER_ENV, IR_NONE, gen_ea(s));
    s->end = DISAS_EOB_NEXT;
}

static void gen_WBINVD(DisasContext *s, X86Insn *insn)
{
    ir_call0(helper_wbinvd, HELPER_ENV, IR_NONE);
}

/* ---- identification, time, MSRs ---- */

static void gen_env_helper(DisasContext *s, void *helper, bool end)
{
    ir_call0(helper, HELPER_ENV, IR_NONE);
    if (end) {
        s->end = DISAS_EOB_NEXT;
    }
}

static void gen_CPUID(DisasContext *s, X86Insn *insn) { gen_env_helper(s, (void *)helper_cpuid, false); }
static void gen_RDTSC(DisasContext *s, X86Insn *insn) { gen_env_helper(s, (void *)helper_rdtsc, false); }
static void gen_RDTSCP(DisasContext *s, X86Insn *insn) { gen_env_helper(s, (void *)helper_rdtscp, false); }
static void gen_RDMSR(DisasContext *s, X86Insn *insn) { gen_env_helper(s, (void *)helper_rdmsr, false); }
static void gen_WRMSR(DisasContext *s, X86Insn *insn) { gen_env_helper(s, (void *)helper_wrmsr, true); }

/* No performance counters are modelled: every counter index is invalid. */
static void gen_RDPMC(DisasContext *s, X86Insn *insn)
{
    gen_exception_err(s, EXCP0D_GP, 0);
}

/* ---- fast system calls: the helpers load CS, SS, rIP and rflags ---- */

static void gen_sys_transfer(DisasContext *s, void *helper, int nargs, uint64_t arg)
{
    gen_update_cc_op(s);
    if (nargs) {
        ir_call1(helper, HELPER_ENV, IR_NONE, gen_const(arg));
    } else {
        ir_call0(helper, HELPER_ENV, IR_NONE);
    }
    gen_eob_env(s);
}

static void gen_SYSCALL(DisasContext *s, X86Insn *insn)
{
    gen_sys_transfer(s, (void *)helper_syscall, 1, s->next_eip);
}

static void gen_SYSRET(DisasContext *s, X86Insn *insn)
{
    gen_sys_transfer(s, (void *)helper_sysret, 1, insn->opsize == 8 ? 8 : 4);
}

static void gen_SYSENTER(DisasContext *s, X86Insn *insn)
{
    gen_sys_transfer(s, (void *)helper_sysenter, 0, 0);
}

static void gen_SYSEXIT(DisasContext *s, X86Insn *insn)
{
    gen_sys_transfer(s, (void *)helper_sysexit, 1, insn->opsize == 8 ? 8 : 4);
}

static void gen_SWAPGS(DisasContext *s, X86Insn *insn)
{
    ir_call0(helper_swapgs, HELPER_ENV, IR_NONE);
}

/* ---- segment checks: ZF reports the result, other flags are kept ---- */

static void gen_set_zf(DisasContext *s, IRv zf)
{
    IRv f = gen_compute_eflags(s), z = gen_temp();
    ir_shli(z, zf, 6);
    ir_andi(f, f, ~(uint64_t)RFLAGS_ZF);
    ir_or(f, f, z);
    gen_set_eflags(s, f);
}

static void gen_lar_lsl(DisasContext *s, X86Insn *insn, void *helper)
{
    if (!gen_check_pmode(s)) {
        return;
    }
    IRv r = gen_temp(), ok = gen_temp();
    ir_call1(helper, HELPER_ENV, r, gen_trunc(gen_op_read(s, 1), 2));
    ir_shri(ok, r, 32);
    IRLabel skip = ir_label_new();
    ir_brcondi(IR_EQ, ok, 0, skip);
    gen_op_write(s, 0, r);
    ir_label_set(skip);
    gen_set_zf(s, ok);
}

static void gen_LAR(DisasContext *s, X86Insn *insn) { gen_lar_lsl(s, insn, (void *)helper_lar); }
static void gen_LSL(DisasContext *s, X86Insn *insn) { gen_lar_lsl(s, insn, (void *)helper_lsl); }

static void gen_verify(DisasContext *s, void *helper)
{
    if (!gen_check_pmode(s)) {
        return;
    }
    IRv ok = gen_temp();
    ir_call1(helper, HELPER_ENV, ok, gen_trunc(gen_op_read(s, 0), 2));
    gen_set_zf(s, ok);
}

static void gen_VERR(DisasContext *s, X86Insn *insn) { gen_verify(s, (void *)helper_verr); }
static void gen_VERW(DisasContext *s, X86Insn *insn) { gen_verify(s, (void *)helper_verw); }

/* ---- cache control ---- */

/* CLFLUSH faults as a one-byte read of its operand would (SDM vol. 2A,
 * CLFLUSH: "treated as a byte load" for permission checking). */
static void gen_CLFLUSH(DisasContext *s, X86Insn *insn)
{
    gen_ld(s, gen_ea(s), MO_8);
}

/* Fences order nothing on one in-order vCPU; prefetches never fault. */
static void gen_nop(DisasContext *s, X86Insn *insn)
{
}

const X86GenRow x86_gen_system_rows[] = {
    { M_CLI, gen_CLI },           { M_STI, gen_STI },           { M_IN, gen_IN },
    { M_OUT, gen_OUT },           { M_MOV_CR, gen_MOV_CR },     { M_MOV_DR, gen_MOV_DR },
    { M_LGDT, gen_LGDT },         { M_LIDT, gen_LIDT },         { M_SGDT, gen_SGDT },
    { M_SIDT, gen_SIDT },         { M_LLDT, gen_LLDT },         { M_LTR, gen_LTR },
    { M_SLDT, gen_SLDT },         { M_STR, gen_STR },           { M_SMSW, gen_SMSW },
    { M_LMSW, gen_LMSW },         { M_CLTS, gen_CLTS },         { M_INVLPG, gen_INVLPG },
    { M_WBINVD, gen_WBINVD },     { M_INVD, gen_WBINVD },       { M_CPUID, gen_CPUID },
    { M_RDTSC, gen_RDTSC },       { M_RDTSCP, gen_RDTSCP },     { M_RDMSR, gen_RDMSR },
    { M_WRMSR, gen_WRMSR },       { M_RDPMC, gen_RDPMC },       { M_SYSCALL, gen_SYSCALL },
    { M_SYSRET, gen_SYSRET },     { M_SYSENTER, gen_SYSENTER }, { M_SYSEXIT, gen_SYSEXIT },
    { M_SWAPGS, gen_SWAPGS },     { M_LAR, gen_LAR },           { M_LSL, gen_LSL },
    { M_VERR, gen_VERR },         { M_VERW, gen_VERW },         { M_CLFLUSH, gen_CLFLUSH },
    { M_LFENCE, gen_nop },        { M_MFENCE, gen_nop },        { M_SFENCE, gen_nop },
    { M_PREFETCH, gen_nop },      { M_PREFETCHW, gen_nop },     { M_PREFETCHNTA, gen_nop },
    { M_PREFETCHT0, gen_nop },    { M_PREFETCHT1, gen_nop },    { M_PREFETCHT2, gen_nop },
    { M_INVALID, NULL },
};
