/*
 * Integer arithmetic: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT,
 * MUL/IMUL/DIV/IDIV, CBW..CQO, XADD, CMPXCHG/8B/16B, and the decimal and
 * flag-only instructions (DAA DAS AAA AAS AAM AAD SALC LAHF SAHF CLC STC
 * CMC CLD STD). Intel SDM vol. 2, the instruction pages; flags per cc.h.
 */
#include "target/x86/translate.h"

#include <stddef.h>

#include "target/x86/int_helper.h"

static int op_size(X86Insn *insn)
{
    return insn->op[0].size;
}

static bool same_gpr(X86Insn *insn)
{
    const X86Operand *a = &insn->op[0], *b = &insn->op[1];
    return a->kind == OPK_REG && b->kind == OPK_REG && a->reg_class == RC_GPR &&
           b->reg_class == RC_GPR && a->reg == b->reg && a->high8 == b->high8;
}

typedef enum AluOp { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
                     ALU_TEST } AluOp;

static void gen_alu(DisasContext *s, X86Insn *insn, AluOp op)
{
    int size = op_size(insn);
    if ((op == ALU_XOR || op == ALU_SUB) && same_gpr(insn)) {
        /* the zeroing idiom: the result does not depend on the register */
        IRv zero = gen_const(0);
        gen_op_write(s, 0, zero);
        if (op == ALU_XOR) {
            gen_set_cc(s, CC_OP_LOGICB, size, zero, IR_NONE, IR_NONE);
        } else {
            gen_set_cc(s, CC_OP_SUBB, size, zero, zero, IR_NONE);
            s->cc_srcT = zero;
        }
        return;
    }
    IRv a = gen_op_read(s, 0);
    IRv b = gen_op_read_size(s, 1, size);
    IRv r = gen_temp(), c = IR_NONE;
    switch (op) {
    case ALU_ADD:
        ir_add(r, a, b);
        break;
    case ALU_ADC:
        c = gen_compute_cf(s);
        ir_add(r, a, b);
        ir_add(r, r, c);
        break;
    case ALU_SUB:
    case ALU_CMP:
        ir_sub(r, a, b);
        break;
    case ALU_SBB:
        c = gen_compute_cf(s);
        ir_sub(r, a, b);
        ir_sub(r, r, c);
        break;
    case ALU_AND:
    case ALU_TEST:
        ir_and(r, a, b);
        break;
    case ALU_OR:
        ir_or(r, a, b);
        break;
    case ALU_XOR:
        ir_xor(r, a, b);
        break;
    }
    /* logic results of zero-extended operands need no truncation */
    if (op != ALU_AND && op != ALU_TEST && op != ALU_OR && op != ALU_XOR) {
        r = gen_trunc(r, size);
    }
    if (op != ALU_CMP && op != ALU_TEST) {
        gen_op_write_zx(s, 0, r);
    }
    switch (op) {
    case ALU_ADD:
        gen_set_cc(s, CC_OP_ADDB, size, r, b, IR_NONE);
        break;
    case ALU_ADC:
        gen_set_cc(s, CC_OP_ADCB, size, r, b, c);
        break;
    case ALU_SUB:
    case ALU_CMP:
        gen_set_cc(s, CC_OP_SUBB, size, r, b, IR_NONE);
        s->cc_srcT = a;
        break;
    case ALU_SBB:
        gen_set_cc(s, CC_OP_SBBB, size, r, b, c);
        break;
    default:
        gen_set_cc(s, CC_OP_LOGICB, size, r, IR_NONE, IR_NONE);
        break;
    }
}

static void gen_ADD(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_ADD); }
static void gen_OR(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_OR); }
static void gen_ADC(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_ADC); }
static void gen_SBB(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_SBB); }
static void gen_AND(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_AND); }
static void gen_SUB(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_SUB); }
static void gen_XOR(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_XOR); }
static void gen_CMP(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_CMP); }
static void gen_TEST(DisasContext *s, X86Insn *insn) { gen_alu(s, insn, ALU_TEST); }

static void gen_incdec(DisasContext *s, X86Insn *insn, bool dec)
{
    int size = op_size(insn);
    IRv cf = gen_compute_cf(s);
    IRv r = gen_temp();
    ir_addi(r, gen_op_read(s, 0), dec ? -1 : 1);
    r = gen_trunc(r, size);
    gen_op_write_zx(s, 0, r);
    gen_set_cc(s, dec ? CC_OP_DECB : CC_OP_INCB, size, r, cf, IR_NONE);
}

static void gen_INC(DisasContext *s, X86Insn *insn) { gen_incdec(s, insn, false); }
static void gen_DEC(DisasContext *s, X86Insn *insn) { gen_incdec(s, insn, true); }

static void gen_NEG(DisasContext *s, X86Insn *insn)
{
    int size = op_size(insn);
    IRv a = gen_op_read(s, 0);
    IRv r = gen_temp();
    ir_neg(r, a);
    r = gen_trunc(r, size);
    gen_op_write_zx(s, 0, r);
    /* NEG is 0 - a: CF = (a != 0) */
    gen_set_cc(s, CC_OP_SUBB, size, r, a, IR_NONE);
    s->cc_srcT = gen_const(0);
}

static void gen_NOT(DisasContext *s, X86Insn *insn)
{
    IRv r = gen_temp();
    ir_not(r, gen_op_read(s, 0));
    gen_op_write(s, 0, r);
}

/* ---- multiply and divide ---- */

/* The accumulator pair of MUL/IMUL/DIV by size: AL/AH, AX/DX, EAX/EDX, RAX/RDX. */
static void gen_write_pair(DisasContext *s, int size, IRv lo, IRv hi)
{
    if (size == 1) {
        IRv ax = gen_temp();
        ir_shli(ax, hi, 8);
        ir_or(ax, ax, gen_trunc(lo, 1));
        gen_reg_write(s, R_EAX, 2, false, ax);
    } else {
        gen_reg_write(s, R_EAX, size, false, lo);
        gen_reg_write(s, R_EDX, size, false, hi);
    }
}

/* The explicit operand of the accumulator forms (F6/F7 /4-/7): the last one,
 * whether or not the decoder lists the implicit accumulator before it. */
static int acc_form_src(X86Insn *insn)
{
    return insn->nops > 0 ? insn->nops - 1 : 0;
}

static void gen_mul1(DisasContext *s, X86Insn *insn, bool sign)
{
    int n = acc_form_src(insn);
    int size = insn->op[n].size;
    IRv b = sign ? gen_op_read_sx(s, n) : gen_op_read(s, n);
    IRv a = sign ? gen_sext(cpu_regs[R_EAX], size) : gen_trunc(cpu_regs[R_EAX], size);
    IRv lo = gen_temp(), hi = gen_temp(), ov = gen_temp();
    if (size == 8) {
        if (sign) {
            ir_muls2(lo, hi, a, b);
            IRv ext = gen_temp();
            ir_sari(ext, lo, 63);
            ir_setcond(IR_NE, ov, hi, ext);
        } else {
            ir_mulu2(lo, hi, a, b);
            ir_setcond(IR_NE, ov, hi, gen_const(0));
        }
    } else {
        /* the full product fits 64 bits */
        IRv p = gen_temp();
        ir_mul(p, a, b);
        ir_shri(hi, p, 8 * size);
        hi = gen_trunc(hi, size);
        lo = gen_trunc(p, size);
        if (sign) {
            ir_setcond(IR_NE, ov, p, gen_sext(p, size));
        } else {
            ir_setcond(IR_NE, ov, hi, gen_const(0));
        }
    }
    gen_write_pair(s, size, lo, hi);
    gen_set_cc(s, CC_OP_MULB, size, gen_trunc(lo, size), ov, IR_NONE);
}

static void gen_MUL(DisasContext *s, X86Insn *insn) { gen_mul1(s, insn, false); }

/* IMUL r, r/m [, imm]: truncated product, CF = OF = it did not fit. */
static void gen_IMUL(DisasContext *s, X86Insn *insn)
{
    if (insn->map == 0 && (insn->opcode & 0xfe) == 0xf6) {
        gen_mul1(s, insn, true);
        return;
    }
    int size = op_size(insn);
    /* 69/6B: IMUL r, r/m, imm; 0F AF: IMUL r, r/m */
    int src = insn->map == 0 ? 1 : 0;
    IRv a = gen_op_read_sx(s, src);
    IRv b = src ? gen_op_read(s, 2) : gen_op_read_sx(s, 1);
    b = gen_sext(b, size);
    IRv lo = gen_temp(), ov = gen_temp();
    if (size == 8) {
        IRv hi = gen_temp(), ext = gen_temp();
        ir_muls2(lo, hi, a, b);
        ir_sari(ext, lo, 63);
        ir_setcond(IR_NE, ov, hi, ext);
    } else {
        ir_mul(lo, a, b);
        ir_setcond(IR_NE, ov, lo, gen_sext(lo, size));
    }
    lo = gen_trunc(lo, size);
    gen_op_write_zx(s, 0, lo);
    gen_set_cc(s, CC_OP_MULB, size, lo, ov, IR_NONE);
}

/* DIV/IDIV: the helper checks for #DE and writes the registers; the flags
 * are undefined and left as they were. */
static void gen_div(DisasContext *s, X86Insn *insn, bool sign)
{
    int n = acc_form_src(insn);
    IRv d = gen_op_read(s, n);
    ir_call2(sign ? helper_idiv : helper_div, HELPER_ENV, IR_NONE,
             gen_const((uint64_t)insn->op[n].size), d);
}

static void gen_DIV(DisasContext *s, X86Insn *insn) { gen_div(s, insn, false); }
static void gen_IDIV(DisasContext *s, X86Insn *insn) { gen_div(s, insn, true); }

/* ---- sign extension of the accumulator ---- */

static void gen_cbw_family(DisasContext *s, int from)
{
    IRv v = gen_sext(cpu_regs[R_EAX], from);
    gen_reg_write(s, R_EAX, from * 2, false, v);
}

static void gen_CBW(DisasContext *s, X86Insn *insn) { gen_cbw_family(s, 1); }
static void gen_CWDE(DisasContext *s, X86Insn *insn) { gen_cbw_family(s, 2); }
static void gen_CDQE(DisasContext *s, X86Insn *insn) { gen_cbw_family(s, 4); }

static void gen_cwd_family(DisasContext *s, int size)
{
    IRv v = gen_sext(cpu_regs[R_EAX], size);
    ir_sari(v, v, 63);
    gen_reg_write(s, R_EDX, size, false, v);
}

static void gen_CWD(DisasContext *s, X86Insn *insn) { gen_cwd_family(s, 2); }
static void gen_CDQ(DisasContext *s, X86Insn *insn) { gen_cwd_family(s, 4); }
static void gen_CQO(DisasContext *s, X86Insn *insn) { gen_cwd_family(s, 8); }

/* ---- exchange-and-operate ---- */

static void gen_XADD(DisasContext *s, X86Insn *insn)
{
    int size = op_size(insn);
    IRv a = gen_op_read(s, 0);
    IRv b = gen_op_read(s, 1);
    IRv r = gen_temp();
    ir_add(r, a, b);
    r = gen_trunc(r, size);
    if (op_is_mem(insn, 0)) {
        gen_op_write_zx(s, 0, r);
        gen_op_write_zx(s, 1, a);
    } else {
        /* SDM order: SRC <- DEST, then DEST <- sum (same register: sum) */
        gen_op_write_zx(s, 1, a);
        gen_op_write_zx(s, 0, r);
    }
    gen_set_cc(s, CC_OP_ADDB, size, r, b, IR_NONE);
}

/* CMPXCHG: a memory destination is always written (the old value when the
 * compare fails); a register destination only when it succeeds (a 32-bit
 * one keeps bits 63:32 on failure, as the hardware does), the accumulator
 * only on failure. */
static void gen_CMPXCHG(DisasContext *s, X86Insn *insn)
{
    int size = op_size(insn);
    IRv old = gen_op_read(s, 0);
    IRv src = gen_op_read(s, 1);
    IRv acc = gen_trunc(cpu_regs[R_EAX], size);
    IRLabel fail = ir_label_new(), done = ir_label_new();
    if (op_is_mem(insn, 0)) {
        IRv newv = gen_temp();
        ir_movcond(IR_EQ, newv, acc, old, src, old);
        gen_op_write_zx(s, 0, newv);
    }
    ir_brcond(IR_NE, acc, old, fail);
    if (!op_is_mem(insn, 0)) {
        gen_op_write_zx(s, 0, src);
    }
    ir_br(done);
    ir_label_set(fail);
    gen_reg_write(s, R_EAX, size, false, old);
    ir_label_set(done);
    IRv r = gen_temp();
    ir_sub(r, acc, old);
    gen_set_cc(s, CC_OP_SUBB, size, gen_trunc(r, size), old, IR_NONE);
    s->cc_srcT = acc;
}

/* CMPXCHG8B m64 / CMPXCHG16B m128: ZF only, other flags kept. */
static void gen_cmpxchg_wide(DisasContext *s, X86Insn *insn, int half)
{
    MemOp mo = size_memop(half);
    IRv addr = gen_ea(s);
    if (half == 8) {
        gen_exception_if(s, IR_TSTNE, addr, gen_const(15), X86_EXCP_GP);
    } else {
        gen_check_align(s, addr, 8);
    }
    IRv addr_hi = gen_temp();
    ir_addi(addr_hi, addr, half);
    IRv lo = gen_ld(s, addr, mo), hi = gen_ld(s, addr_hi, mo);
    IRv eax = gen_trunc(cpu_regs[R_EAX], half), edx = gen_trunc(cpu_regs[R_EDX], half);
    IRv ebx = gen_trunc(cpu_regs[R_EBX], half), ecx = gen_trunc(cpu_regs[R_ECX], half);
    IRv d1 = gen_temp(), d2 = gen_temp(), eq = gen_temp();
    ir_xor(d1, lo, eax);
    ir_xor(d2, hi, edx);
    ir_or(d1, d1, d2);
    ir_setcond(IR_EQ, eq, d1, gen_const(0));
    IRv nlo = gen_temp(), nhi = gen_temp();
    ir_movcond(IR_NE, nlo, eq, gen_const(0), ebx, lo);
    ir_movcond(IR_NE, nhi, eq, gen_const(0), ecx, hi);
    gen_st(s, nlo, addr, mo);
    gen_st(s, nhi, addr_hi, mo);
    IRv flags = gen_compute_eflags(s);
    IRLabel done = ir_label_new();
    ir_brcondi(IR_NE, eq, 0, done);
    gen_reg_write(s, R_EAX, half, false, lo);
    gen_reg_write(s, R_EDX, half, false, hi);
    ir_label_set(done);
    IRv z = gen_temp();
    ir_shli(z, eq, 6);
    ir_andi(flags, flags, ~(uint64_t)RFLAGS_ZF);
    ir_or(flags, flags, z);
    gen_set_eflags(s, flags);
}

static void gen_CMPXCHG8B(DisasContext *s, X86Insn *insn) { gen_cmpxchg_wide(s, insn, 4); }
static void gen_CMPXCHG16B(DisasContext *s, X86Insn *insn) { gen_cmpxchg_wide(s, insn, 8); }

/* ---- decimal arithmetic (not in 64-bit mode: the decoder marks them) ---- */

static void gen_bcd(DisasContext *s, void *helper)
{
    IRv r = gen_temp(), f = gen_temp();
    ir_call2(helper, HELPER_PURE, r, gen_trunc(cpu_regs[R_EAX], 2), gen_compute_eflags(s));
    gen_reg_write(s, R_EAX, 2, false, r);
    ir_shri(f, r, 16);
    gen_set_eflags(s, f);
}

static void gen_DAA(DisasContext *s, X86Insn *insn) { gen_bcd(s, (void *)helper_daa); }
static void gen_DAS(DisasContext *s, X86Insn *insn) { gen_bcd(s, (void *)helper_das); }
static void gen_AAA(DisasContext *s, X86Insn *insn) { gen_bcd(s, (void *)helper_aaa); }
static void gen_AAS(DisasContext *s, X86Insn *insn) { gen_bcd(s, (void *)helper_aas); }

/* AAM/AAD: SF ZF PF from AL, OF AF CF (undefined) clear: a LOGIC record. */
static void gen_AAM(DisasContext *s, X86Insn *insn)
{
    uint64_t base = (uint64_t)insn->op[0].imm & 0xff;
    if (base == 0) {
        gen_exception(s, X86_EXCP_DE);
        return;
    }
    IRv al = gen_trunc(cpu_regs[R_EAX], 1);
    /* AL < 256: divide by multiplying with a rounded-up reciprocal */
    uint64_t recip = ((1ull << 32) + base - 1) / base;
    IRv q = gen_temp(), r = gen_temp(), ax = gen_temp();
    ir_mul(q, al, gen_const(recip));
    ir_shri(q, q, 32);
    ir_mul(r, q, gen_const(base));
    ir_sub(r, al, r);
    ir_shli(ax, q, 8);
    ir_or(ax, ax, r);
    gen_reg_write(s, R_EAX, 2, false, ax);
    gen_set_cc(s, CC_OP_LOGICB, 1, r, IR_NONE, IR_NONE);
}

static void gen_AAD(DisasContext *s, X86Insn *insn)
{
    uint64_t base = (uint64_t)insn->op[0].imm & 0xff;
    IRv ah = gen_reg_read(s, R_EAX, 1, true);
    IRv al = gen_trunc(cpu_regs[R_EAX], 1);
    IRv r = gen_temp();
    ir_mul(r, ah, gen_const(base));
    ir_add(r, r, al);
    r = gen_trunc(r, 1);
    gen_reg_write(s, R_EAX, 2, false, r);
    gen_set_cc(s, CC_OP_LOGICB, 1, r, IR_NONE, IR_NONE);
}

static void gen_SALC(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_temp();
    ir_neg(v, gen_compute_cf(s));
    gen_reg_write(s, R_EAX, 1, false, v);
}

/* ---- flags ---- */

static void gen_LAHF(DisasContext *s, X86Insn *insn)
{
    IRv f = gen_compute_eflags(s);
    ir_ori(f, f, RFLAGS_FIXED1);
    gen_reg_write(s, R_EAX, 1, true, f);
}

static void gen_SAHF(DisasContext *s, X86Insn *insn)
{
    IRv ah = gen_reg_read(s, R_EAX, 1, true);
    IRv f = gen_compute_eflags(s);
    uint64_t m = RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF;
    ir_andi(ah, ah, m);
    ir_andi(f, f, RFLAGS_OF);
    ir_or(f, f, ah);
    gen_set_eflags(s, f);
}

static void gen_cf_op(DisasContext *s, int how)
{
    IRv f = gen_compute_eflags(s);
    if (how == 0) {
        ir_andi(f, f, ~(uint64_t)RFLAGS_CF);
    } else if (how == 1) {
        ir_ori(f, f, RFLAGS_CF);
    } else {
        ir_xori(f, f, RFLAGS_CF);
    }
    gen_set_eflags(s, f);
}

static void gen_CLC(DisasContext *s, X86Insn *insn) { gen_cf_op(s, 0); }
static void gen_STC(DisasContext *s, X86Insn *insn) { gen_cf_op(s, 1); }
static void gen_CMC(DisasContext *s, X86Insn *insn) { gen_cf_op(s, 2); }

static void gen_df(DisasContext *s, bool set)
{
    IRv rf = gen_temp();
    ir_ld_env(rf, offsetof(X86CPUState, rflags), MO_64);
    if (set) {
        ir_ori(rf, rf, RFLAGS_DF);
    } else {
        ir_andi(rf, rf, ~(uint64_t)RFLAGS_DF);
    }
    ir_st_env(rf, offsetof(X86CPUState, rflags), MO_64);
}

static void gen_CLD(DisasContext *s, X86Insn *insn) { gen_df(s, false); }
static void gen_STD(DisasContext *s, X86Insn *insn) { gen_df(s, true); }

const X86GenRow x86_gen_alu_rows[] = {
    { M_ADD, gen_ADD },   { M_OR, gen_OR },     { M_ADC, gen_ADC },
    { M_SBB, gen_SBB },   { M_AND, gen_AND },   { M_SUB, gen_SUB },
    { M_XOR, gen_XOR },   { M_CMP, gen_CMP },   { M_TEST, gen_TEST },
    { M_INC, gen_INC },   { M_DEC, gen_DEC },   { M_NEG, gen_NEG },
    { M_NOT, gen_NOT },   { M_MUL, gen_MUL },   { M_IMUL, gen_IMUL },
    { M_DIV, gen_DIV },   { M_IDIV, gen_IDIV }, { M_CBW, gen_CBW },
    { M_CWDE, gen_CWDE }, { M_CDQE, gen_CDQE }, { M_CWD, gen_CWD },
    { M_CDQ, gen_CDQ },   { M_CQO, gen_CQO },   { M_XADD, gen_XADD },
    { M_CMPXCHG, gen_CMPXCHG },     { M_CMPXCHG8B, gen_CMPXCHG8B },
    { M_CMPXCHG16B, gen_CMPXCHG16B }, { M_DAA, gen_DAA }, { M_DAS, gen_DAS },
    { M_AAA, gen_AAA },   { M_AAS, gen_AAS },   { M_AAM, gen_AAM },
    { M_AAD, gen_AAD },   { M_SALC, gen_SALC }, { M_LAHF, gen_LAHF },
    { M_SAHF, gen_SAHF }, { M_CLC, gen_CLC },   { M_STC, gen_STC },
    { M_CMC, gen_CMC },   { M_CLD, gen_CLD },   { M_STD, gen_STD },
    { M_INVALID, NULL },
};
