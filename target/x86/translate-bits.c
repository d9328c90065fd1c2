/*
 * Bit operations and condition users: BT BTS BTR BTC, BSF BSR (and
 * TZCNT/LZCNT, which run as BSF/BSR on a CPU that does not advertise
 * BMI1/LZCNT), POPCNT, BSWAP, CRC32, SETcc, CMOVcc. Intel SDM vol. 2.
 */
#include "target/x86/translate.h"

#include "target/x86/int_helper.h"

/*
 * BT family. With a register bit offset and a memory operand the offset is
 * signed and selects any bit relative to the operand's address (SDM vol.
 * 2A, "BT": the operand-size-aligned unit containing the bit); otherwise it
 * is taken modulo the operand width. CF = the bit; ZF is kept, and OF SF
 * AF PF (undefined) are kept too.
 */
typedef enum BtOp { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT } BtOp;

static void gen_bt(DisasContext *s, X86Insn *insn, BtOp op)
{
    int size = insn->op[0].size;
    int bits = 8 * size;
    MemOp mo = size_memop(size);
    IRv off = gen_op_read(s, 1);
    IRv bit = gen_temp();
    IRv addr = IR_NONE, v;

    if (op_is_mem(insn, 0) && insn->op[1].kind == OPK_REG) {
        IRv disp = gen_temp();
        IRv soff = gen_sext(off, size);
        /* byte displacement of the unit: (offset >> log2(bits)) * size */
        ir_sari(disp, soff, bits == 8 ? 3 : bits == 16 ? 4 : bits == 32 ? 5 : 6);
        ir_shli(disp, disp, size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3);
        addr = gen_temp();
        ir_add(addr, gen_ea(s), disp);
        if (!s->cs64) {
            ir_ext32u(addr, addr);
        }
        v = gen_ld(s, addr, mo);
    } else if (op_is_mem(insn, 0)) {
        addr = gen_ea(s);
        v = gen_ld(s, addr, mo);
    } else {
        v = gen_op_read(s, 0);
    }
    ir_andi(bit, off, (uint64_t)bits - 1);

    IRv cf = gen_temp(), mask = gen_temp(), r = gen_temp();
    ir_shr(cf, v, bit);
    ir_andi(cf, cf, 1);
    ir_shl(mask, gen_const(1), bit);
    switch (op) {
    case BT_SET:
        ir_or(r, v, mask);
        break;
    case BT_RESET:
        ir_not(mask, mask);
        ir_and(r, v, mask);
        break;
    case BT_COMPLEMENT:
        ir_xor(r, v, mask);
        break;
    case BT_TEST:
        break;
    }
    if (op != BT_TEST) {
        if (addr != IR_NONE) {
            gen_st(s, r, addr, mo);
        } else {
            gen_op_write_zx(s, 0, r);
        }
    }
    IRv f = gen_compute_eflags(s);
    ir_andi(f, f, ~(uint64_t)RFLAGS_CF);
    ir_or(f, f, cf);
    gen_set_eflags(s, f);
}

static void gen_BT(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_TEST); }
static void gen_BTS(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_SET); }
static void gen_BTR(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_RESET); }
static void gen_BTC(DisasContext *s, X86Insn *insn) { gen_bt(s, insn, BT_COMPLEMENT); }

/*
 * BSF/BSR: a zero source sets ZF and leaves the destination unchanged, all
 * 64 bits of it (what Intel and AMD parts do; the SDM calls the content
 * undefined). Otherwise ZF = 0. Of the flags the SDM leaves undefined, Intel
 * parts clear CF OF SF AF and set PF from the destination's low byte
 * (measured); so does this.
 */
static void gen_bitscan(DisasContext *s, X86Insn *insn, bool reverse)
{
    int size = insn->op[0].size;
    IRv v = gen_op_read(s, 1);
    IRv idx = gen_temp(), old = gen_op_read(s, 0), r = gen_temp();
    ir_call1(reverse ? helper_bsr : helper_bsf, HELPER_PURE, idx, v);
    ir_movcond(IR_EQ, r, v, gen_const(0), old, idx);
    /* a zero source writes nothing: a 32-bit destination keeps bits 63:32 */
    IRLabel zero = ir_label_new();
    ir_brcondi(IR_EQ, v, 0, zero);
    gen_op_write_zx(s, 0, gen_trunc(idx, size));
    ir_label_set(zero);
    IRv z = gen_temp(), p = gen_temp(), t = gen_temp();
    ir_setcond(IR_EQ, z, v, gen_const(0));
    ir_shli(z, z, 6);
    /* PF: the xor of the low byte's bits, folded into bit 0, inverted */
    ir_shri(t, r, 4);
    ir_xor(p, r, t);
    ir_shri(t, p, 2);
    ir_xor(p, p, t);
    ir_shri(t, p, 1);
    ir_xor(p, p, t);
    ir_andi(p, p, 1);
    ir_xori(p, p, 1);
    ir_shli(p, p, 2);
    ir_or(z, z, p);
    gen_set_eflags(s, z);
}

static void gen_BSF(DisasContext *s, X86Insn *insn) { gen_bitscan(s, insn, false); }
static void gen_BSR(DisasContext *s, X86Insn *insn) { gen_bitscan(s, insn, true); }

/* POPCNT: ZF = source is 0, the other flags clear. */
static void gen_POPCNT(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_op_read(s, 1);
    IRv r = gen_temp(), z = gen_temp();
    ir_call1(helper_popcnt, HELPER_PURE, r, v);
    gen_op_write_zx(s, 0, r);
    ir_setcond(IR_EQ, z, v, gen_const(0));
    ir_shli(z, z, 6);
    gen_set_eflags(s, z);
}

/* BSWAP r16 is undefined in the SDM; the register reads 0 afterwards here. */
static void gen_BSWAP(DisasContext *s, X86Insn *insn)
{
    int size = insn->op[0].size;
    if (size == 2) {
        gen_op_write(s, 0, gen_const(0));
        return;
    }
    IRv r = gen_temp();
    ir_bswap(r, gen_op_read(s, 0), size_memop(size));
    gen_op_write_zx(s, 0, r);
}

/* CRC32 r32/r64, r/m: flags unchanged. */
static void gen_CRC32(DisasContext *s, X86Insn *insn)
{
    IRv r = gen_temp();
    ir_call3(helper_crc32, HELPER_PURE, r, gen_op_read(s, 0), gen_op_read(s, 1),
             gen_const(insn->op[1].size));
    gen_op_write_zx(s, 0, r);
}

static void gen_setcc(DisasContext *s, X86Insn *insn, int cc)
{
    gen_op_write_zx(s, 0, gen_condition(s, cc));
}

/* CMOVcc reads its source (and faults) whatever the condition, and a
 * 32-bit destination is zero-extended even when nothing moves. */
static void gen_cmovcc(DisasContext *s, X86Insn *insn, int cc)
{
    IRv src = gen_op_read(s, 1);
    IRv dst = gen_op_read(s, 0);
    IRv r = gen_temp();
    ir_movcond(IR_NE, r, gen_condition(s, cc), gen_const(0), src, dst);
    gen_op_write_zx(s, 0, r);
}

#define CC_ROWS(n, cc)                                                                         \
    static void gen_SET##n(DisasContext *s, X86Insn *insn) { gen_setcc(s, insn, cc); }        \
    static void gen_CMOV##n(DisasContext *s, X86Insn *insn) { gen_cmovcc(s, insn, cc); }

CC_ROWS(O, 0)
CC_ROWS(NO, 1)
CC_ROWS(B, 2)
CC_ROWS(AE, 3)
CC_ROWS(E, 4)
CC_ROWS(NE, 5)
CC_ROWS(BE, 6)
CC_ROWS(A, 7)
CC_ROWS(S, 8)
CC_ROWS(NS, 9)
CC_ROWS(P, 10)
CC_ROWS(NP, 11)
CC_ROWS(L, 12)
CC_ROWS(GE, 13)
CC_ROWS(LE, 14)
CC_ROWS(G, 15)

#define CC_ROW(n) { M_SET##n, gen_SET##n }, { M_CMOV##n, gen_CMOV##n }

const X86GenRow x86_gen_bits_rows[] = {
    { M_BT, gen_BT },         { M_BTS, gen_BTS },     { M_BTR, gen_BTR },
    { M_BTC, gen_BTC },       { M_BSF, gen_BSF },     { M_BSR, gen_BSR },
    { M_TZCNT, gen_BSF },     { M_LZCNT, gen_BSR },   { M_POPCNT, gen_POPCNT },
    { M_BSWAP, gen_BSWAP },   { M_CRC32, gen_CRC32 },
    CC_ROW(O), CC_ROW(NO), CC_ROW(B),  CC_ROW(AE), CC_ROW(E),  CC_ROW(NE),
    CC_ROW(BE), CC_ROW(A), CC_ROW(S),  CC_ROW(NS), CC_ROW(P),  CC_ROW(NP),
    CC_ROW(L), CC_ROW(GE), CC_ROW(LE), CC_ROW(G),
    { M_INVALID, NULL },
};
