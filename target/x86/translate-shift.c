/*
 * Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD (Intel SDM
 * vol. 2B, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
 *
 * The count is masked to 5 bits (6 with a 64-bit operand); a masked count
 * of 0 leaves every flag as it was. With a count known at translation time
 * that is decided here; with CL the flag update is skipped at run time and
 * the lazy-flags record becomes dynamic after the instruction.
 */
#include "target/x86/translate.h"

#include "target/x86/int_helper.h"

/* The count operand: op[1] (op[2] for SHLD/SHRD) as CL or an immediate; a
 * missing operand is the D0/D1 form "by 1". */
static IRv gen_count(DisasContext *s, X86Insn *insn, int n, int size, int64_t *konst)
{
    unsigned mask = size == 8 ? 63 : 31;
    if (insn->nops <= n || insn->op[n].kind == OPK_NONE) {
        *konst = 1;
        return gen_const(1);
    }
    if (insn->op[n].kind == OPK_IMM) {
        *konst = (int64_t)((uint64_t)insn->op[n].imm & mask);
        return gen_const((uint64_t)*konst);
    }
    *konst = -1;
    IRv c = gen_temp();
    ir_andi(c, gen_op_read(s, n), mask);
    return c;
}

/* count - 1 (mod 64): the shift that leaves the last bit out at the edge. */
static IRv gen_count_minus1(IRv count, int64_t konst)
{
    if (konst >= 0) {
        return gen_const((uint64_t)(konst - 1) & 63);
    }
    IRv c1 = gen_temp();
    ir_addi(c1, count, -1);
    ir_andi(c1, c1, 63);
    return c1;
}

/*
 * Finish a shift whose flags are (kind, dst, src, src2) when the count is
 * not 0: statically when the count is known, else with a run-time skip.
 */
static void gen_shift_cc(DisasContext *s, int size, int64_t konst, IRv count, CCOp kind,
                         IRv dst, IRv src, IRv src2)
{
    if (konst == 0) {
        return;
    }
    if (konst > 0) {
        gen_set_cc(s, kind, size, dst, src, src2);
        return;
    }
    gen_update_cc_op(s);
    IRLabel skip = ir_label_new();
    ir_brcondi(IR_EQ, count, 0, skip);
    ir_mov(cpu_cc_dst, dst);
    ir_mov(cpu_cc_src, src);
    ir_mov(cpu_cc_src2, src2);
    ir_movi(cpu_cc_op, kind + size_memop(size));
    ir_label_set(skip);
    gen_cc_op_dynamic(s);
}

/* Same, for instructions that produce the whole flags word. */
static void gen_shift_eflags(DisasContext *s, int64_t konst, IRv count, IRv flags)
{
    if (konst == 0) {
        return;
    }
    if (konst > 0) {
        gen_set_eflags(s, flags);
        return;
    }
    gen_update_cc_op(s);
    IRLabel skip = ir_label_new();
    ir_brcondi(IR_EQ, count, 0, skip);
    ir_andi(cpu_cc_src, flags, CC_OSZAPC);
    ir_movi(cpu_cc_op, CC_OP_EFLAGS);
    ir_label_set(skip);
    gen_cc_op_dynamic(s);
}

typedef enum ShiftKind { SH_SHL, SH_SHR, SH_SAR } ShiftKind;

static void gen_shift(DisasContext *s, X86Insn *insn, ShiftKind k)
{
    int size = insn->op[0].size;
    int64_t konst;
    IRv count = gen_count(s, insn, 1, size, &konst);
    IRv v = k == SH_SAR ? gen_op_read_sx(s, 0) : gen_op_read(s, 0);
    IRv r = gen_temp(), src = gen_temp();
    /* the value shifted by count - 1 holds the last bit shifted out */
    IRv c1 = gen_count_minus1(count, konst);
    switch (k) {
    case SH_SHL:
        ir_shl(r, v, count);
        ir_shl(src, v, c1);
        break;
    case SH_SHR:
        ir_shr(r, v, count);
        ir_shr(src, v, c1);
        break;
    case SH_SAR:
        ir_sar(r, v, count);
        ir_sar(src, v, c1);
        break;
    }
    r = gen_trunc(r, size);
    gen_op_write_zx(s, 0, r);
    /* OF's source (cc.h): the operand, or 0 for SAR */
    IRv of_src = k == SH_SAR ? gen_const(0) : v;
    gen_shift_cc(s, size, konst, count, k == SH_SHL ? CC_OP_SHLB : CC_OP_SARB, r,
                 gen_trunc(src, size), of_src);
}

static void gen_SHL(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SHL); }
static void gen_SHR(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SHR); }
static void gen_SAR(DisasContext *s, X86Insn *insn) { gen_shift(s, insn, SH_SAR); }

/*
 * ROL/ROR: an 8- or 16-bit value is replicated across 32 bits so that a
 * 32-bit rotate by the (5-bit) count rotates it modulo its width. CF is the
 * bit that wrapped around; OF is defined for count 1 and computed for every
 * count as the first one-bit step would, as Intel parts do (cc.h): ROL
 * a[n-1] ^ a[n-2], ROR a[0] ^ a[n-1].
 */
static void gen_rotate(DisasContext *s, X86Insn *insn, bool left)
{
    int size = insn->op[0].size;
    int bits = 8 * size;
    int64_t konst;
    IRv count = gen_count(s, insn, 1, size, &konst);
    IRv v = gen_op_read(s, 0);
    IRv r = gen_temp();
    if (size == 8) {
        if (left) {
            ir_rotl(r, v, count);
        } else {
            ir_rotr(r, v, count);
        }
    } else {
        IRv rep = gen_temp();
        if (size == 1) {
            ir_mul(rep, v, gen_const(0x01010101));
        } else if (size == 2) {
            ir_mul(rep, v, gen_const(0x00010001));
        } else {
            ir_mov(rep, v);
        }
        IRv v32 = ir_temp(IR_I32), c32 = ir_temp(IR_I32), r32 = ir_temp(IR_I32);
        ir_trunc_i64_i32(v32, rep);
        ir_trunc_i64_i32(c32, count);
        if (left) {
            ir_rotl(r32, v32, c32);
        } else {
            ir_rotr(r32, v32, c32);
        }
        ir_extu_i32_i64(r, r32);
        r = gen_trunc(r, size);
    }
    gen_op_write_zx(s, 0, r);
    if (konst == 0) {
        return;
    }
    IRv cf = gen_temp(), of = gen_temp(), t = gen_temp();
    if (left) {
        ir_andi(cf, r, 1);
        ir_shri(t, v, 1);
        ir_xor(of, v, t);
        ir_shri(of, of, bits - 2);
    } else {
        ir_shri(cf, r, bits - 1);
        ir_shri(t, v, bits - 1);
        ir_xor(of, v, t);
    }
    ir_andi(of, of, 1);
    IRv f = gen_compute_eflags(s);
    ir_andi(f, f, ~(uint64_t)(RFLAGS_CF | RFLAGS_OF));
    ir_or(f, f, cf);
    ir_shli(of, of, 11);
    ir_or(f, f, of);
    gen_shift_eflags(s, konst, count, f);
}

static void gen_ROL(DisasContext *s, X86Insn *insn) { gen_rotate(s, insn, true); }
static void gen_ROR(DisasContext *s, X86Insn *insn) { gen_rotate(s, insn, false); }

static void gen_rotate_carry(DisasContext *s, X86Insn *insn, bool left)
{
    int size = insn->op[0].size;
    int64_t konst;
    IRv count = gen_count(s, insn, 1, size, &konst);
    IRv v = gen_op_read(s, 0);
    IRv f = gen_compute_eflags(s);
    IRv r = gen_temp(), nf = gen_temp();
    IRv sz = gen_const((uint64_t)size);
    ir_call4(left ? helper_rcl : helper_rcr, HELPER_PURE, r, v, count, f, sz);
    ir_call4(left ? helper_rcl_eflags : helper_rcr_eflags, HELPER_PURE, nf, v, count, f, sz);
    gen_op_write_zx(s, 0, r);
    gen_shift_eflags(s, konst, count, nf);
}

static void gen_RCL(DisasContext *s, X86Insn *insn) { gen_rotate_carry(s, insn, true); }
static void gen_RCR(DisasContext *s, X86Insn *insn) { gen_rotate_carry(s, insn, false); }

/*
 * SHLD/SHRD dst, src, count: dst shifted with bits of src coming in. For
 * 16- and 32-bit operands the pair is built in one 64-bit value; a count
 * above 16 on a 16-bit operand (undefined in the SDM) then shifts in zeros.
 */
static void gen_double_shift(DisasContext *s, X86Insn *insn, bool left)
{
    int size = insn->op[0].size;
    int bits = 8 * size;
    int64_t konst;
    IRv count = gen_count(s, insn, 2, size, &konst);
    IRv d = gen_op_read(s, 0);
    IRv x = gen_op_read(s, 1);
    IRv r = gen_temp(), src = gen_temp();
    IRv c1 = gen_count_minus1(count, konst);
    if (size == 8) {
        IRv inv = gen_temp(), t = gen_temp();
        /* 64 - count, for count 1..63 (count 0 keeps d: result masked below) */
        ir_sub(inv, gen_const(64), count);
        ir_andi(inv, inv, 63);
        if (left) {
            ir_shl(r, d, count);
            ir_shr(t, x, inv);
            ir_shl(src, d, c1);
        } else {
            ir_shr(r, d, count);
            ir_shl(t, x, inv);
            ir_shr(src, d, c1);
        }
        /* count 0: inv is 0 and t would be x itself */
        IRv zero = gen_const(0);
        ir_movcond(IR_EQ, t, count, zero, zero, t);
        ir_or(r, r, t);
    } else {
        IRv pair = gen_temp(), t = gen_temp();
        if (left) {
            /* d:x in the top of 64 bits */
            ir_shli(pair, d, 64 - bits);
            ir_shli(t, x, 64 - 2 * bits);
            ir_or(pair, pair, t);
            ir_shl(r, pair, count);
            ir_shri(r, r, 64 - bits);
            ir_shl(src, pair, c1);
            ir_shri(src, src, 64 - bits);
        } else {
            /* x:d in the bottom */
            ir_shli(pair, x, bits);
            ir_or(pair, pair, d);
            ir_shr(r, pair, count);
            ir_shr(src, pair, c1);
        }
    }
    r = gen_trunc(r, size);
    gen_op_write_zx(s, 0, r);
    /* OF's source (cc.h): SHLD a; SHRD a ^ b << (n - 1) */
    IRv of_src = d;
    if (!left) {
        of_src = gen_temp();
        ir_shli(of_src, x, bits - 1);
        ir_xor(of_src, of_src, d);
    }
    gen_shift_cc(s, size, konst, count, left ? CC_OP_SHLB : CC_OP_SARB, r,
                 gen_trunc(src, size), of_src);
}

static void gen_SHLD(DisasContext *s, X86Insn *insn) { gen_double_shift(s, insn, true); }
static void gen_SHRD(DisasContext *s, X86Insn *insn) { gen_double_shift(s, insn, false); }

const X86GenRow x86_gen_shift_rows[] = {
    { M_SHL, gen_SHL },   { M_SAL, gen_SHL },   { M_SHR, gen_SHR },
    { M_SAR, gen_SAR },   { M_ROL, gen_ROL },   { M_ROR, gen_ROR },
    { M_RCL, gen_RCL },   { M_RCR, gen_RCR },   { M_SHLD, gen_SHLD },
    { M_SHRD, gen_SHRD }, { M_INVALID, NULL },
};
