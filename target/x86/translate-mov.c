/*
 * Data movement: MOV (with moffs and segment registers), MOVZX, MOVSX,
 * MOVSXD, LEA, XCHG, XLAT, NOP/PAUSE, PUSH/POP in all forms, PUSHA/POPA,
 * PUSHF/POPF, ENTER/LEAVE, LDS/LES/LSS/LFS/LGS, ARPL. Intel SDM vol. 2
 * instruction pages; segment loads go through helper_load_seg
 * (seg_helper.h), which makes the protection checks.
 */
#include "target/x86/translate.h"

#include "target/x86/excp.h"
#include "target/x86/int_helper.h"
#include "target/x86/seg_helper.h"

/* A segment register load. Loads of DS/ES/SS can change hflags (ADDSEG,
 * SS32), so the block ends after them; MOV SS and POP SS also open the
 * one-instruction interrupt shadow (SDM vol. 3A, 6.8.3). */
static void gen_load_seg(DisasContext *s, int seg, IRv selector)
{
    ir_call2(helper_load_seg, HELPER_ENV, IR_NONE, gen_const((uint64_t)seg),
             gen_trunc(selector, 2));
}

static void gen_after_seg_load(DisasContext *s, int seg, bool shadow)
{
    if (seg == R_SS && shadow) {
        ir_call0(helper_set_inhibit_irq, HELPER_ENV, IR_NONE);
    }
    /* FS/GS too in protected mode outside 64-bit mode: their access
     * checks (HF_SEGCHK) live in hflags */
    if ((seg != R_FS && seg != R_GS) || (s->pe && !s->vm86 && !s->cs64)) {
        s->end = DISAS_EOB_NEXT;
    }
}

static bool is_sreg(const X86Operand *op)
{
    return op->kind == OPK_REG && op->reg_class == RC_SEG;
}

static void gen_MOV(DisasContext *s, X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *src = &insn->op[1];
    if ((is_sreg(d) && (d->reg >= SEG_COUNT || d->reg == R_CS)) ||
        (is_sreg(src) && src->reg >= SEG_COUNT)) {
        gen_exception(s, EXCP06_UD);
        return;
    }
    if (is_sreg(d)) {
        gen_load_seg(s, d->reg, gen_op_read(s, 1));
        gen_after_seg_load(s, d->reg, true);
        return;
    }
    /* the common 32/64-bit forms in one op each */
    bool dgpr = d->kind == OPK_REG && d->reg_class == RC_GPR && !d->high8;
    bool sgpr = src->kind == OPK_REG && src->reg_class == RC_GPR && !src->high8;
    if (dgpr && d->size >= 4) {
        IRv dst = cpu_regs[d->reg & 15];
        if (src->kind == OPK_MEM) {
            gen_ld_to(s, dst, gen_ea(s), size_memop(d->size));
        } else if (sgpr && d->size == 8) {
            ir_mov(dst, cpu_regs[src->reg & 15]);
        } else if (sgpr) {
            ir_ext32u(dst, cpu_regs[src->reg & 15]);
        } else if (src->kind == OPK_IMM) {
            ir_movi(dst, d->size == 8 ? (uint64_t)src->imm : (uint32_t)src->imm);
        } else {
            gen_op_write(s, 0, gen_op_read(s, 1));
        }
        return;
    }
    if (d->kind == OPK_MEM && sgpr) {
        /* a store takes the register's low bytes itself */
        gen_st(s, cpu_regs[src->reg & 15], gen_ea(s), size_memop(d->size));
        return;
    }
    gen_op_write_zx(s, 0, gen_op_read_size(s, 1, d->size));
}

static void gen_MOVZX(DisasContext *s, X86Insn *insn)
{
    gen_op_write_zx(s, 0, gen_op_read(s, 1));
}

static void gen_MOVSX(DisasContext *s, X86Insn *insn)
{
    gen_op_write(s, 0, gen_op_read_sx(s, 1));
}

static void gen_LEA(DisasContext *s, X86Insn *insn)
{
    gen_op_write(s, 0, gen_ea_offset(s));
}

static void gen_XCHG(DisasContext *s, X86Insn *insn)
{
    IRv a = gen_op_read(s, 0);
    IRv b = gen_op_read(s, 1);
    /* a memory operand (op 0) is stored before the register changes */
    gen_op_write_zx(s, 0, b);
    gen_op_write_zx(s, 1, a);
}

static void gen_NOP(DisasContext *s, X86Insn *insn)
{
}

/* XLAT: AL = [seg:(rBX + AL)], wrapped to the address size. */
static void gen_XLAT(DisasContext *s, X86Insn *insn)
{
    IRv off = gen_temp();
    ir_add(off, cpu_regs[R_EBX], gen_trunc(cpu_regs[R_EAX], 1));
    off = gen_trunc(off, insn->addrsize);
    int seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
    IRv v = gen_ld(s, gen_linear(s, off, seg), MO_8);
    gen_reg_write(s, R_EAX, 1, false, v);
}

/* ---- stack ---- */

/* PUSH Sreg with a 32/64-bit operand size writes only the selector's 16
 * bits, as current Intel processors do (SDM vol. 2B, PUSH). */
static void gen_PUSH(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    if (is_sreg(&insn->op[0])) {
        gen_st(s, gen_op_read(s, 0), gen_stack_addr(s, -size), MO_16);
        gen_stack_adjust(s, -size);
        return;
    }
    gen_push(s, gen_op_read(s, 0), size);
}

static void gen_POP(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    const X86Operand *d = &insn->op[0];
    if (is_sreg(d) && (d->reg == R_CS || d->reg >= SEG_COUNT)) {
        gen_exception(s, EXCP06_UD);
        return;
    }
    IRv v = gen_stack_load(s, 0, size);
    if (is_sreg(d)) {
        gen_load_seg(s, d->reg, v);
        gen_stack_adjust(s, size);
        gen_after_seg_load(s, d->reg, true);
        return;
    }
    if (d->kind == OPK_MEM) {
        /* rSP as a base is used after the increment (SDM vol. 2B, POP) */
        IRv addr = gen_ea(s);
        if (insn->mem.base == R_ESP) {
            IRv a = gen_temp();
            ir_addi(a, addr, size);
            addr = s->cs64 ? a : gen_trunc(a, 4);
        }
        gen_st(s, v, addr, size_memop(size));
        gen_stack_adjust(s, size);
        return;
    }
    /* POP rSP: the popped value wins over the increment */
    gen_stack_adjust(s, size);
    gen_op_write_zx(s, 0, v);
}

static void gen_PUSHA(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    for (int r = R_EAX; r <= R_EDI; r++) {
        gen_st(s, cpu_regs[r], gen_stack_addr(s, -(int64_t)size * (r + 1)), size_memop(size));
    }
    gen_stack_adjust(s, -8 * (int64_t)size);
}

static void gen_POPA(DisasContext *s, X86Insn *insn)
{
    int size = insn->opsize;
    IRv v[8];
    for (int r = R_EAX; r <= R_EDI; r++) {
        v[r] = r == R_ESP ? IR_NONE : gen_stack_load(s, (int64_t)size * (7 - r), size);
    }
    for (int r = R_EAX; r <= R_EDI; r++) {
        if (r != R_ESP) {
            gen_reg_write(s, r, size, false, v[r]);
        }
    }
    gen_stack_adjust(s, 8 * (int64_t)size);
}

/* PUSHF/POPF in V86 mode need IOPL 3 (CR4.VME is not implemented). */
static void gen_PUSHF(DisasContext *s, X86Insn *insn)
{
    if (s->vm86 && s->iopl < 3) {
        gen_exception_err(s, EXCP0D_GP, 0);
        return;
    }
    IRv f = gen_get_rflags(s);
    ir_andi(f, f, ~(uint64_t)(RFLAGS_VM | RFLAGS_RF));
    gen_push(s, f, stack_opsize(s));
}

/* POPF: which flags may change follows the SDM's table by mode, CPL and
 * IOPL (vol. 2B, POPF); VM, VIF, VIP never; RF is cleared. */
static void gen_POPF(DisasContext *s, X86Insn *insn)
{
    if (s->vm86 && s->iopl < 3) {
        gen_exception_err(s, EXCP0D_GP, 0);
        return;
    }
    int size = stack_opsize(s);
    uint64_t mask = RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |
                    RFLAGS_DF | RFLAGS_OF | RFLAGS_NT | RFLAGS_AC | RFLAGS_ID | RFLAGS_RF;
    if (s->cpl == 0 && !s->vm86) {
        mask |= RFLAGS_IOPL;
    }
    if (s->cpl <= s->iopl) {
        mask |= RFLAGS_IF;
    }
    if (size == 2) {
        mask &= 0xffff;
    }
    IRv v = gen_stack_load(s, 0, size);
    ir_andi(v, v, ~(uint64_t)RFLAGS_RF);
    gen_stack_adjust(s, size);
    gen_update_cc_op(s);
    ir_call2(helper_load_eflags, HELPER_ENV, IR_NONE, v, gen_const(mask));
    gen_cc_op_dynamic(s);
    s->cc_op = CC_OP_EFLAGS;
    s->end = DISAS_EOB_NEXT;
}

/* ENTER imm16, imm8 (SDM vol. 2A, ENTER): every load and store first, then
 * rBP and rSP. */
static void gen_ENTER(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    MemOp mo = size_memop(size);
    uint64_t alloc = (uint64_t)insn->op[0].imm & 0xffff;
    int level = (int)(insn->op[1].imm & 31);

    gen_st(s, cpu_regs[R_EBP], gen_stack_addr(s, -size), mo);
    IRv frame = gen_temp();
    ir_addi(frame, cpu_regs[R_ESP], -size);
    frame = gen_trunc(frame, s->stack_size);
    for (int i = 1; i < level; i++) {
        IRv a = gen_temp();
        ir_addi(a, cpu_regs[R_EBP], -(int64_t)size * i);
        IRv v = gen_ld(s, gen_linear(s, gen_trunc(a, s->stack_size), R_SS), mo);
        gen_st(s, v, gen_stack_addr(s, -(int64_t)size * (i + 1)), mo);
    }
    int pushes = 1;
    if (level > 0) {
        gen_st(s, frame, gen_stack_addr(s, -(int64_t)size * (level + 1)), mo);
        pushes = level + 1;
    }
    gen_reg_write(s, R_EBP, size, false, frame);
    gen_stack_adjust(s, -(int64_t)size * pushes - (int64_t)alloc);
}

static void gen_LEAVE(DisasContext *s, X86Insn *insn)
{
    int size = stack_opsize(s);
    IRv base = gen_trunc(cpu_regs[R_EBP], s->stack_size);
    IRv v = gen_ld(s, gen_linear(s, base, R_SS), size_memop(size));
    IRv rsp = gen_temp();
    ir_addi(rsp, base, size);
    gen_reg_write(s, R_ESP, s->stack_size, false, rsp);
    gen_reg_write(s, R_EBP, size, false, v);
}

/* ---- far pointer loads ---- */

static void gen_load_far(DisasContext *s, X86Insn *insn, int seg)
{
    int size = insn->op[0].size;
    IRv addr = gen_ea(s);
    IRv off = gen_ld(s, addr, size_memop(size));
    IRv a2 = gen_temp();
    ir_addi(a2, addr, size);
    IRv sel = gen_ld(s, s->cs64 ? a2 : gen_trunc(a2, 4), MO_16);
    gen_load_seg(s, seg, sel);
    gen_op_write_zx(s, 0, off);
    gen_after_seg_load(s, seg, false);
}

static void gen_LES(DisasContext *s, X86Insn *insn) { gen_load_far(s, insn, R_ES); }
static void gen_LDS(DisasContext *s, X86Insn *insn) { gen_load_far(s, insn, R_DS); }
static void gen_LSS(DisasContext *s, X86Insn *insn) { gen_load_far(s, insn, R_SS); }
static void gen_LFS(DisasContext *s, X86Insn *insn) { gen_load_far(s, insn, R_FS); }
static void gen_LGS(DisasContext *s, X86Insn *insn) { gen_load_far(s, insn, R_GS); }

/* ARPL (protected mode only): raise the destination's RPL to the source's,
 * ZF = it was lower. */
static void gen_ARPL(DisasContext *s, X86Insn *insn)
{
    if (!s->pe || s->vm86) {
        gen_exception(s, EXCP06_UD);
        return;
    }
    IRv d = gen_op_read(s, 0), src = gen_op_read(s, 1);
    IRv drpl = gen_temp(), srpl = gen_temp(), raised = gen_temp(), r = gen_temp();
    ir_andi(drpl, d, 3);
    ir_andi(srpl, src, 3);
    ir_andi(raised, d, ~3ull);
    ir_or(raised, raised, srpl);
    ir_movcond(IR_LTU, r, drpl, srpl, raised, d);
    gen_op_write_zx(s, 0, r);
    IRv z = gen_temp(), f = gen_compute_eflags(s);
    ir_setcond(IR_LTU, z, drpl, srpl);
    ir_shli(z, z, 6);
    ir_andi(f, f, ~(uint64_t)RFLAGS_ZF);
    ir_or(f, f, z);
    gen_set_eflags(s, f);
}

const X86GenRow x86_gen_mov_rows[] = {
    { M_MOV, gen_MOV },       { M_MOVZX, gen_MOVZX }, { M_MOVSX, gen_MOVSX },
    { M_MOVSXD, gen_MOVSX },  { M_LEA, gen_LEA },     { M_XCHG, gen_XCHG },
    { M_NOP, gen_NOP },       { M_PAUSE, gen_NOP },   { M_XLAT, gen_XLAT },
    { M_PUSH, gen_PUSH },     { M_POP, gen_POP },     { M_PUSHA, gen_PUSHA },
    { M_POPA, gen_POPA },     { M_PUSHF, gen_PUSHF }, { M_POPF, gen_POPF },
    { M_ENTER, gen_ENTER },   { M_LEAVE, gen_LEAVE }, { M_LES, gen_LES },
    { M_LDS, gen_LDS },       { M_LSS, gen_LSS },     { M_LFS, gen_LFS },
    { M_LGS, gen_LGS },       { M_ARPL, gen_ARPL },   { M_INVALID, NULL },
};
