/*
 * Control transfer: JMP, Jcc, JrCXZ, LOOP/LOOPE/LOOPNE, CALL, RET (near,
 * direct and indirect), the far forms (JMPF/CALLF/RETF through
 * seg_helper.c), INT n/INT3/INTO/INT1, IRET, HLT, UD0/UD1/UD2, BOUND.
 * Intel SDM vol. 2 instruction pages. Near branch targets are truncated to
 * 16 bits with a 16-bit operand size outside 64-bit mode, to 32 bits
 * outside 64-bit mode otherwise.
 */
#include "target/x86/translate.h"

#include "target/x86/excp.h"
#include "target/x86/excp_helper.h"
#include "target/x86/misc_helper.h"
#include "target/x86/seg_helper.h"

static uint64_t branch_target(DisasContext *s, X86Insn *insn)
{
    uint64_t t = s->next_eip + (uint64_t)insn->op[0].imm;
    if (s->cs64) {
        return t;
    }
    return insn->opsize == 2 ? (uint16_t)t : (uint32_t)t;
}

/* A direct branch: #GP at the branch for a non-canonical target. */
static void gen_jmp_checked(DisasContext *s, uint64_t target)
{
    if (gen_check_branch(s, gen_const(target))) {
        gen_jmp(s, target);
    }
}

/* Taken: slot 1 to the target; not taken: slot 0 to the next instruction. */
static void gen_branch(DisasContext *s, IRLabel taken, uint64_t target)
{
    gen_jmp(s, s->next_eip);
    ir_label_set(taken);
    gen_jmp_checked(s, target);
}

static void gen_jcc(DisasContext *s, X86Insn *insn, int cc)
{
    uint64_t target = branch_target(s, insn);
    gen_update_cc_op(s);
    IRLabel taken = ir_label_new();
    gen_brcond_cc(s, cc, taken);
    if (!gen_side_exit(s, taken, target)) {
        gen_branch(s, taken, target);
    }
}

#define JCC(n, cc)                                                                             \
    static void gen_J##n(DisasContext *s, X86Insn *insn) { gen_jcc(s, insn, cc); }
JCC(O, 0)
JCC(NO, 1)
JCC(B, 2)
JCC(AE, 3)
JCC(E, 4)
JCC(NE, 5)
JCC(BE, 6)
JCC(A, 7)
JCC(S, 8)
JCC(NS, 9)
JCC(P, 10)
JCC(NP, 11)
JCC(L, 12)
JCC(GE, 13)
JCC(LE, 14)
JCC(G, 15)

/* JCXZ/JECXZ/JRCXZ: the counter is the address size's rCX. */
static void gen_JCXZ(DisasContext *s, X86Insn *insn)
{
    uint64_t target = branch_target(s, insn);
    gen_update_cc_op(s);
    IRLabel taken = ir_label_new();
    ir_brcondi(IR_EQ, gen_trunc(cpu_regs[R_ECX], insn->addrsize), 0, taken);
    gen_branch(s, taken, target);
}

/* LOOP/LOOPE/LOOPNE: rCX (address size) -= 1 without touching the flags,
 * then branch if it is not 0 (and ZF is 1 / 0). */
static void gen_loop(DisasContext *s, X86Insn *insn, int zf_cc)
{
    uint64_t target = branch_target(s, insn);
    int asize = insn->addrsize;
    IRv c = gen_temp();
    ir_addi(c, cpu_regs[R_ECX], -1);
    c = gen_trunc(c, asize);
    IRv z = zf_cc >= 0 ? gen_condition(s, zf_cc) : IR_NONE;
    gen_reg_write(s, R_ECX, asize, false, c);
    gen_update_cc_op(s);
    IRLabel taken = ir_label_new(), not_taken = ir_label_new();
    if (z != IR_NONE) {
        ir_brcondi(IR_EQ, z, 0, not_taken);
    }
    ir_brcondi(IR_NE, c, 0, taken);
    ir_label_set(not_taken);
    gen_branch(s, taken, target);
}

static void gen_LOOP(DisasContext *s, X86Insn *insn) { gen_loop(s, insn, -1); }
static void gen_LOOPE(DisasContext *s, X86Insn *insn) { gen_loop(s, insn, 4 /* E */); }
static void gen_LOOPNE(DisasContext *s, X86Insn *insn) { gen_loop(s, insn, 5 /* NE */); }

static void gen_JMP(DisasContext *s, X86Insn *insn)
{
    if (insn->op[0].kind == OPK_REL) {
        gen_jmp_checked(s, branch_target(s, insn));
        return;
    }
    IRv target = gen_op_read(s, 0);
    if (gen_check_branch(s, target)) {
        gen_jmp_indirect(s, target);
    }
}

/* CALL: the return address is stored, then a non-canonical target faults
 * with rSP not yet moved (as Intel does), then rSP and rIP change. */
static void gen_CALL(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    bool direct = insn->op[0].kind == OPK_REL;
    /* the target is read before the push (it may be addressed via rSP) */
    IRv target = direct ? gen_const(branch_target(s, insn)) : gen_op_read(s, 0);
    gen_st(s, gen_const(s->next_eip), gen_stack_addr(s, -size), size_memop(size));
    if (!gen_check_branch(s, target)) {
        return;
    }
    gen_stack_adjust(s, -size);
    if (direct) {
        gen_jmp(s, branch_target(s, insn));
    } else {
        gen_jmp_indirect(s, target);
    }
}

static void gen_RET(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    int64_t imm = insn->nops > 0 && insn->op[0].kind == OPK_IMM ? insn->op[0].imm & 0xffff : 0;
    IRv target = gen_stack_load(s, 0, size);
    if (!gen_check_branch(s, target)) {
        return;
    }
    gen_stack_adjust(s, size + imm);
    gen_jmp_indirect(s, target);
}

/* ---- far transfers and interrupts: the helpers set rIP, CS and more ---- */

/* The selector and offset of a far pointer operand (ptr16:xx or m16:xx). */
static void gen_far_ptr(DisasContext *s, X86Insn *insn, IRv *sel, IRv *off)
{
    const X86Operand *op = &insn->op[0];
    if (op->kind == OPK_FAR) {
        uint64_t o = (uint64_t)op->imm;
        *off = gen_const(insn->opsize == 2 ? (uint16_t)o : (uint32_t)o);
        *sel = gen_const(op->seg_imm);
        return;
    }
    int osize = insn->opsize;
    IRv addr = gen_ea(s);
    *off = gen_ld(s, addr, size_memop(osize));
    IRv a2 = gen_temp();
    ir_addi(a2, addr, osize);
    *sel = gen_ld(s, s->cs64 ? a2 : gen_trunc(a2, 4), MO_16);
}

static void gen_JMPF(DisasContext *s, X86Insn *insn)
{
    IRv sel, off;
    gen_far_ptr(s, insn, &sel, &off);
    gen_update_cc_op(s);
    ir_call3(helper_ljmp, HELPER_ENV, IR_NONE, sel, off, gen_const(s->next_eip));
    gen_eob_env(s);
}

static void gen_CALLF(DisasContext *s, X86Insn *insn)
{
    IRv sel, off;
    gen_far_ptr(s, insn, &sel, &off);
    gen_update_cc_op(s);
    ir_call4(helper_lcall, HELPER_ENV, IR_NONE, sel, off, gen_const((uint64_t)insn->opsize),
             gen_const(s->next_eip));
    gen_eob_env(s);
}

static void gen_RETF(DisasContext *s, X86Insn *insn)
{
    uint64_t imm = insn->nops > 0 && insn->op[0].kind == OPK_IMM ? insn->op[0].imm & 0xffff : 0;
    gen_update_cc_op(s);
    ir_call2(helper_lret, HELPER_ENV, IR_NONE, gen_const((uint64_t)insn->opsize),
             gen_const(imm));
    gen_eob_env(s);
}

static void gen_IRET(DisasContext *s, X86Insn *insn)
{
    gen_update_cc_op(s);
    ir_call1(helper_iret, HELPER_ENV, IR_NONE, gen_const((uint64_t)insn->opsize));
    gen_eob_env(s);
}

static void gen_INT(DisasContext *s, X86Insn *insn)
{
    ir_call2(helper_int, HELPER_ENV, IR_NONE, gen_const((uint64_t)insn->op[0].imm & 0xff),
             gen_const(s->next_eip));
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_NORETURN;
}

static void gen_INT3(DisasContext *s, X86Insn *insn)
{
    ir_call2(helper_raise_interrupt, HELPER_ENV, IR_NONE, gen_const(EXCP03_BP),
             gen_const(s->next_eip));
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_NORETURN;
}

static void gen_INTO(DisasContext *s, X86Insn *insn)
{
    IRLabel skip = ir_label_new();
    gen_brcond_cc(s, 1 /* NO */, skip);
    ir_call2(helper_raise_interrupt, HELPER_ENV, IR_NONE, gen_const(EXCP04_OF),
             gen_const(s->next_eip));
    ir_label_set(skip);
}

/* INT1 (ICEBP) is a #DB trap without the gate privilege check: raised as an
 * exception whose saved rIP is the next instruction's. */
static void gen_INT1(DisasContext *s, X86Insn *insn)
{
    ir_insn_start(s->cs_base + s->next_eip, s->cc_op);
    gen_exception(s, EXCP01_DB);
}

/* HLT: the helper halts and leaves the block with rIP at the next
 * instruction, which the insn_start before it records. */
static void gen_HLT(DisasContext *s, X86Insn *insn)
{
    gen_update_cc_op(s);
    gen_store_next_rip(s);
    ir_insn_start(s->cs_base + s->next_eip, s->cc_op);
    ir_call1(helper_hlt, HELPER_ENV, IR_NONE, gen_const(s->next_eip));
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_NORETURN;
}

static void gen_UD(DisasContext *s, X86Insn *insn)
{
    gen_exception(s, EXCP06_UD);
}

/* BOUND r, m: #BR unless lower <= r <= upper (signed, operand size). */
static void gen_BOUND(DisasContext *s, X86Insn *insn)
{
    if (!op_is_mem(insn, 1)) {
        gen_exception(s, EXCP06_UD);
        return;
    }
    int size = insn->op[0].size;
    IRv idx = gen_op_read_sx(s, 0);
    IRv addr = gen_ea(s), a2 = gen_temp();
    IRv lo = gen_ld(s, addr, size_memop(size) | MO_SIGN);
    ir_addi(a2, addr, size);
    IRv hi = gen_ld(s, s->cs64 ? a2 : gen_trunc(a2, 4), size_memop(size) | MO_SIGN);
    gen_exception_if(s, IR_LT, idx, lo, EXCP05_BR);
    gen_exception_if(s, IR_GT, idx, hi, EXCP05_BR);
}

#define JROW(n) { M_J##n, gen_J##n }

const X86GenRow x86_gen_ctl_rows[] = {
    JROW(O), JROW(NO), JROW(B), JROW(AE), JROW(E), JROW(NE), JROW(BE), JROW(A),
    JROW(S), JROW(NS), JROW(P), JROW(NP), JROW(L), JROW(GE), JROW(LE), JROW(G),
    { M_JCXZ, gen_JCXZ },     { M_JECXZ, gen_JCXZ },  { M_JRCXZ, gen_JCXZ },
    { M_LOOP, gen_LOOP },     { M_LOOPE, gen_LOOPE }, { M_LOOPNE, gen_LOOPNE },
    { M_JMP, gen_JMP },       { M_CALL, gen_CALL },   { M_RET, gen_RET },
    { M_JMPF, gen_JMPF },     { M_CALLF, gen_CALLF }, { M_RETF, gen_RETF },
    { M_IRET, gen_IRET },     { M_INT, gen_INT },     { M_INT3, gen_INT3 },
    { M_INTO, gen_INTO },     { M_INT1, gen_INT1 },   { M_HLT, gen_HLT },
    { M_UD0, gen_UD },        { M_UD1, gen_UD },      { M_UD2, gen_UD },
    { M_BOUND, gen_BOUND },   { M_RSM, gen_UD },      { M_INVALID, NULL },
};
