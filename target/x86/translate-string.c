/*
 * String instructions: MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/
 * REPNE (Intel SDM vol. 2, the instruction pages and "REP/REPE/REPZ/REPNE/
 * REPNZ"). Source DS:rSI (segment overridable), destination ES:rDI, both
 * rSI/rDI/rCX of the address size; DF selects the direction.
 *
 * A repeated instruction is restartable by construction: one element per
 * trip through its block. The block does one element, steps rSI/rDI and
 * rCX, and when more remain jumps back to the instruction itself, so
 * interrupts and faults fall between iterations with the registers exact.
 */
#include "target/x86/translate.h"

#include <stddef.h>

#include "target/x86/excp.h"
#include "target/x86/misc_helper.h"

typedef enum StrOp { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS } StrOp;

static int elem_size(X86Insn *insn, StrOp op)
{
    if (!(insn->opcode & 1)) {
        return 1;
    }
    if (op == STR_INS || op == STR_OUTS) {
        return insn->opsize == 2 ? 2 : 4;
    }
    return insn->opsize;
}

/* +size or -size by RFLAGS.DF */
static IRv gen_step(int size)
{
    IRv df = gen_temp();
    ir_ld_env(df, offsetof(X86CPUState, rflags), MO_64);
    ir_shri(df, df, 10);
    ir_andi(df, df, 1);
    ir_mul(df, df, gen_const((uint64_t)(-2 * (int64_t)size)));
    ir_addi(df, df, size);
    return df;
}

static IRv gen_str_addr(DisasContext *s, X86Insn *insn, int reg, int seg)
{
    return gen_linear(s, gen_trunc(cpu_regs[reg], insn->addrsize), seg);
}

static void gen_str_advance(DisasContext *s, X86Insn *insn, int reg, IRv step)
{
    IRv t = gen_temp();
    ir_add(t, cpu_regs[reg], step);
    gen_reg_write(s, reg, insn->addrsize, false, t);
}

/* INS/OUTS need the I/O permission bitmap where CPL > IOPL or in V86 mode. */
static bool io_needs_check(DisasContext *s)
{
    return s->pe && (s->cpl > s->iopl || s->vm86);
}

static void gen_string(DisasContext *s, X86Insn *insn, StrOp op)
{
    int size = elem_size(insn, op);
    MemOp mo = size_memop(size);
    int src_seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
    bool rep = insn->prefixes & (PFX_REP | PFX_REPNE);
    bool cmp = op == STR_CMPS || op == STR_SCAS;
    IRLabel done = IR_NONE;

    if (rep) {
        gen_update_cc_op(s);
        done = ir_label_new();
        ir_brcondi(IR_EQ, gen_trunc(cpu_regs[R_ECX], insn->addrsize), 0, done);
        if ((op == STR_STOS || op == STR_MOVS) && s->cs64 && insn->addrsize == 8) {
            /* the bulk of it in a helper (string_helper.c); the element
             * path below does what the helper leaves */
            if (op == STR_STOS) {
                ir_call2(helper_rep_stos_fast, HELPER_ENV, IR_NONE, gen_const((uint64_t)size),
                         gen_const((uint64_t)s->mmu_idx));
            } else {
                ir_call3(helper_rep_movs_fast, HELPER_ENV, IR_NONE, gen_const((uint64_t)size),
                         gen_const((uint64_t)src_seg), gen_const((uint64_t)s->mmu_idx));
            }
            ir_brcondi(IR_EQ, cpu_regs[R_ECX], 0, done);
        }
    }
    IRv step = gen_step(size);
    IRv a = IR_NONE, b = IR_NONE;
    IRv port = gen_trunc(cpu_regs[R_EDX], 2);
    switch (op) {
    case STR_MOVS:
        a = gen_ld(s, gen_str_addr(s, insn, R_ESI, src_seg), mo);
        gen_st(s, a, gen_str_addr(s, insn, R_EDI, R_ES), mo);
        break;
    case STR_CMPS:
        a = gen_ld(s, gen_str_addr(s, insn, R_ESI, src_seg), mo);
        b = gen_ld(s, gen_str_addr(s, insn, R_EDI, R_ES), mo);
        break;
    case STR_STOS:
        gen_st(s, cpu_regs[R_EAX], gen_str_addr(s, insn, R_EDI, R_ES), mo);
        break;
    case STR_LODS:
        a = gen_ld(s, gen_str_addr(s, insn, R_ESI, src_seg), mo);
        break;
    case STR_SCAS:
        a = gen_trunc(cpu_regs[R_EAX], size);
        b = gen_ld(s, gen_str_addr(s, insn, R_EDI, R_ES), mo);
        break;
    case STR_INS: {
        IRv dst = gen_str_addr(s, insn, R_EDI, R_ES);
        if (io_needs_check(s)) {
            ir_call2(helper_check_io, HELPER_ENV, IR_NONE, port, gen_const((uint64_t)size));
        }
        /* probe the destination first: a page fault must come before the
         * port is read, or the restarted instruction would read it twice */
        gen_st(s, gen_const(0), dst, mo);
        IRv v = gen_temp();
        ir_call2(helper_in, HELPER_ENV, v, port, gen_const((uint64_t)size));
        gen_st(s, v, dst, mo);
        break;
    }
    case STR_OUTS:
        if (io_needs_check(s)) {
            ir_call2(helper_check_io, HELPER_ENV, IR_NONE, port, gen_const((uint64_t)size));
        }
        a = gen_ld(s, gen_str_addr(s, insn, R_ESI, src_seg), mo);
        ir_call3(helper_out, HELPER_ENV, IR_NONE, port, a, gen_const((uint64_t)size));
        break;
    }

    if (op == STR_MOVS || op == STR_CMPS || op == STR_LODS || op == STR_OUTS) {
        gen_str_advance(s, insn, R_ESI, step);
    }
    if (op != STR_LODS && op != STR_OUTS) {
        gen_str_advance(s, insn, R_EDI, step);
    }
    if (op == STR_LODS) {
        gen_reg_write(s, R_EAX, size, false, a);
    }
    IRv r = IR_NONE;
    if (cmp) {
        r = gen_temp();
        ir_sub(r, a, b);
        r = gen_trunc(r, size);
    }
    if (!rep) {
        if (cmp) {
            gen_set_cc(s, CC_OP_SUBB, size, r, b, IR_NONE);
            s->cc_srcT = a;
        }
        return;
    }

    IRv c = gen_temp();
    ir_addi(c, cpu_regs[R_ECX], -1);
    c = gen_trunc(c, insn->addrsize);
    gen_reg_write(s, R_ECX, insn->addrsize, false, c);
    IRLabel again = ir_label_new();
    if (cmp) {
        /*
         * REPE goes on while the elements are equal (ZF = 1), REPNE while
         * they differ. The flags are those of the last comparison, written
         * only when the repetition stops: a fault in a later iteration finds
         * the flags from before the instruction, as Intel parts do (measured
         * under KVM: tests/guest/insn-string.c "repe cmpsb into not-present").
         */
        IRLabel stop = ir_label_new();
        ir_brcondi(IR_EQ, c, 0, stop);
        ir_brcond((insn->prefixes & PFX_REP) ? IR_EQ : IR_NE, a, b, again);
        ir_label_set(stop);
        ir_mov(cpu_cc_dst, r);
        ir_mov(cpu_cc_src, b);
        ir_movi(cpu_cc_op, CC_OP_SUBB + size_memop(size));
        ir_label_set(done);
        gen_cc_op_dynamic(s);
    } else {
        ir_brcondi(IR_NE, c, 0, again);
        ir_label_set(done);
    }
    gen_jmp(s, s->next_eip);
    ir_label_set(again);
    gen_jmp(s, s->eip);
}

static void gen_MOVS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_MOVS); }
static void gen_CMPS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_CMPS); }
static void gen_STOS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_STOS); }
static void gen_LODS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_LODS); }
static void gen_SCAS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_SCAS); }
static void gen_INS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_INS); }
static void gen_OUTS(DisasContext *s, X86Insn *insn) { gen_string(s, insn, STR_OUTS); }

const X86GenRow x86_gen_string_rows[] = {
    { M_MOVS, gen_MOVS }, { M_CMPS, gen_CMPS }, { M_STOS, gen_STOS },
    { M_LODS, gen_LODS }, { M_SCAS, gen_SCAS }, { M_INS, gen_INS },
    { M_OUTS, gen_OUTS }, { M_INVALID, NULL },
};
