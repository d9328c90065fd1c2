/*
 * The IR builder: appends ops to the current thread's block. Each emitter
 * checks operand types, so a translator bug shows up at translation time
 * rather than as wrong guest results.
 */
#include "accel/tcg/ir-internal.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

IRGlobal ir_globals[IR_MAX_GLOBALS];
unsigned ir_nglobals;

const IROpDef ir_op_defs[IR_NB_OPS] = {
#define IR_OP(name, nout, nin, nconst, flags) { #name, nout, nin, nconst, flags },
#include "accel/tcg/ir-ops.def"
#undef IR_OP
};

static _Thread_local IRBlock *cur;

IRBlock *ir_block_begin(void)
{
    IRBlock *b = g_new0(IRBlock, 1);
    b->ntemps = 1; /* temp 0 is IR_NONE */
    cur = b;
    return b;
}

IRBlock *ir_block_current(void)
{
    return cur;
}

void ir_block_free(IRBlock *b)
{
    if (!b) {
        return;
    }
    if (cur == b) {
        cur = NULL;
    }
    g_free(b->ops);
    g_free(b->temp_type);
    g_free(b->consts);
    g_free(b->const_type);
    g_free(b->label_pos);
    g_free(b);
}

void ir_block_release_ops(IRBlock *b)
{
    g_free(b->ops);
    b->ops = NULL;
    b->nops = b->ops_cap = 0;
    g_free(b->temp_type);
    b->temp_type = NULL;
    b->temps_cap = 0;
    g_free(b->label_pos);
    b->label_pos = NULL;
}

const IROp *ir_block_ops(const IRBlock *b, size_t *nops)
{
    *nops = b->nops;
    return b->ops;
}

size_t ir_block_nvalues(const IRBlock *b)
{
    return b->ntemps;
}

void ir_block_finish(IRBlock *b)
{
    b->label_pos = g_new0(uint32_t, b->nlabels + 1);
    for (size_t i = 0; i < b->nops; i++) {
        if (b->ops[i].opc == IR_label) {
            b->label_pos[b->ops[i].imm] = i;
        }
    }
}

IRv ir_global(IRType t, size_t env_offset, const char *name)
{
    g_assert(ir_nglobals < IR_MAX_GLOBALS); /* a fixed set made at start-up */
    ir_globals[ir_nglobals] = (IRGlobal){ env_offset, t, name };
    return IRV_GLOBAL | ir_nglobals++;
}

IRv ir_temp(IRType t)
{
    IRBlock *b = cur;
    if (b->ntemps >= b->temps_cap) {
        b->temps_cap = b->temps_cap ? b->temps_cap * 2 : 64;
        b->temp_type = g_renew(uint8_t, b->temp_type, b->temps_cap);
    }
    b->temp_type[b->ntemps] = t;
    return b->ntemps++;
}

IRv ir_const(IRType t, uint64_t v)
{
    IRBlock *b = cur;
    if (t == IR_I32) {
        v = (uint32_t)v;
    }
    /* reuse a recent identical constant: blocks repeat small ones a lot */
    for (uint32_t i = b->nconsts; i-- > 0 && i + 16 >= b->nconsts;) {
        if (b->consts[i] == v && b->const_type[i] == t) {
            return IRV_CONST | i;
        }
    }
    if (b->nconsts == b->consts_cap) {
        b->consts_cap = b->consts_cap ? b->consts_cap * 2 : 32;
        b->consts = g_renew(uint64_t, b->consts, b->consts_cap);
        b->const_type = g_renew(uint8_t, b->const_type, b->consts_cap);
    }
    b->consts[b->nconsts] = v;
    b->const_type[b->nconsts] = t;
    return IRV_CONST | b->nconsts++;
}

IRType ir_type(IRv v)
{
    if (v & IRV_GLOBAL) {
        return ir_globals[IRV_INDEX(v)].type;
    }
    if (v & IRV_CONST) {
        return cur->const_type[IRV_INDEX(v)];
    }
    return cur->temp_type[v];
}

bool ir_is_const(IRv v, uint64_t *value)
{
    if (!(v & IRV_CONST) || (v & IRV_GLOBAL)) {
        return false;
    }
    *value = cur->consts[IRV_INDEX(v)];
    return true;
}

static IROp *emit(IROpc opc, IRType type)
{
    IRBlock *b = cur;
    if (b->nops == b->ops_cap) {
        b->ops_cap = b->ops_cap ? b->ops_cap * 2 : 256;
        b->ops = g_renew(IROp, b->ops, b->ops_cap);
    }
    IROp *op = &b->ops[b->nops++];
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    return op;
}

/* A translator bug, not guest input: stop loudly at translation time. */
#define CHECK_TYPE(cond) g_assert(cond)

static void op2(IROpc opc, IRv d, IRv a)
{
    IRType t = ir_type(d);
    CHECK_TYPE(ir_type(a) == t);
    IROp *op = emit(opc, t);
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = a;
}

static void op3(IROpc opc, IRv d, IRv a, IRv b)
{
    IRType t = ir_type(d);
    CHECK_TYPE(ir_type(a) == t && ir_type(b) == t);
    IROp *op = emit(opc, t);
    op->nargs = 3;
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
}

void ir_mov(IRv d, IRv a)
{
    if (d != a) {
        op2(IR_mov, d, a);
    }
}

void ir_movi(IRv d, uint64_t v)
{
    ir_mov(d, ir_const(ir_type(d), v));
}

#define BINOP(name)                                                                            \
    void ir_##name(IRv d, IRv a, IRv b)                                                        \
    {                                                                                          \
        op3(IR_##name, d, a, b);                                                               \
    }
BINOP(add)
BINOP(sub)
BINOP(mul)
BINOP(and)
BINOP(or)
BINOP(xor)
BINOP(shl)
BINOP(shr)
BINOP(sar)
BINOP(rotl)
BINOP(rotr)
#undef BINOP

void ir_neg(IRv d, IRv a)
{
    op2(IR_neg, d, a);
}

void ir_not(IRv d, IRv a)
{
    op2(IR_not, d, a);
}

void ir_addi(IRv d, IRv a, int64_t b)
{
    if (b == 0) {
        ir_mov(d, a);
    } else {
        ir_add(d, a, ir_const(ir_type(a), (uint64_t)b));
    }
}

void ir_andi(IRv d, IRv a, uint64_t b)
{
    ir_and(d, a, ir_const(ir_type(a), b));
}

void ir_ori(IRv d, IRv a, uint64_t b)
{
    ir_or(d, a, ir_const(ir_type(a), b));
}

void ir_xori(IRv d, IRv a, uint64_t b)
{
    ir_xor(d, a, ir_const(ir_type(a), b));
}

void ir_shli(IRv d, IRv a, unsigned b)
{
    ir_shl(d, a, ir_const(ir_type(a), b));
}

void ir_shri(IRv d, IRv a, unsigned b)
{
    ir_shr(d, a, ir_const(ir_type(a), b));
}

void ir_sari(IRv d, IRv a, unsigned b)
{
    ir_sar(d, a, ir_const(ir_type(a), b));
}

static void op_mul2(IROpc opc, IRv lo, IRv hi, IRv a, IRv b)
{
    IRType t = ir_type(lo);
    CHECK_TYPE(ir_type(hi) == t && ir_type(a) == t && ir_type(b) == t && lo != hi);
    IROp *op = emit(opc, t);
    op->nargs = 4;
    op->args[0] = lo;
    op->args[1] = hi;
    op->args[2] = a;
    op->args[3] = b;
}

void ir_mulu2(IRv lo, IRv hi, IRv a, IRv b)
{
    op_mul2(IR_mulu2, lo, hi, a, b);
}

void ir_muls2(IRv lo, IRv hi, IRv a, IRv b)
{
    op_mul2(IR_muls2, lo, hi, a, b);
}

void ir_ext8u(IRv d, IRv a)
{
    op2(IR_ext8u, d, a);
}

void ir_ext8s(IRv d, IRv a)
{
    op2(IR_ext8s, d, a);
}

void ir_ext16u(IRv d, IRv a)
{
    op2(IR_ext16u, d, a);
}

void ir_ext16s(IRv d, IRv a)
{
    op2(IR_ext16s, d, a);
}

void ir_ext32u(IRv d, IRv a)
{
    CHECK_TYPE(ir_type(d) == IR_I64);
    op2(IR_ext32u, d, a);
}

void ir_ext32s(IRv d, IRv a)
{
    CHECK_TYPE(ir_type(d) == IR_I64);
    op2(IR_ext32s, d, a);
}

static void op_conv(IROpc opc, IRv d, IRType dt, IRv a, IRType at)
{
    CHECK_TYPE(ir_type(d) == dt && ir_type(a) == at);
    IROp *op = emit(opc, dt);
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = a;
}

void ir_extu_i32_i64(IRv d64, IRv a32)
{
    op_conv(IR_extu_i32_i64, d64, IR_I64, a32, IR_I32);
}

void ir_exts_i32_i64(IRv d64, IRv a32)
{
    op_conv(IR_exts_i32_i64, d64, IR_I64, a32, IR_I32);
}

void ir_trunc_i64_i32(IRv d32, IRv a64)
{
    op_conv(IR_trunc_i64_i32, d32, IR_I32, a64, IR_I64);
}

void ir_bswap(IRv d, IRv a, MemOp size)
{
    op2(IR_bswap, d, a);
    cur->ops[cur->nops - 1].imm = size & MO_SIZE;
}

void ir_setcond(IRCond c, IRv d, IRv a, IRv b)
{
    CHECK_TYPE(ir_type(a) == ir_type(b));
    IROp *op = emit(IR_setcond, ir_type(a));
    op->nargs = 3;
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->imm = c;
    /* the result takes d's type; comparison is in a's */
}

void ir_movcond(IRCond c, IRv d, IRv a, IRv b, IRv t, IRv f)
{
    CHECK_TYPE(ir_type(a) == ir_type(b) && ir_type(t) == ir_type(d) && ir_type(f) == ir_type(d));
    IROp *op = emit(IR_movcond, ir_type(a));
    op->nargs = 5;
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = t;
    op->args[4] = f;
    op->imm = c;
}

IRLabel ir_label_new(void)
{
    return ++cur->nlabels;
}

void ir_label_set(IRLabel l)
{
    emit(IR_label, IR_I64)->imm = l;
}

void ir_br(IRLabel l)
{
    emit(IR_br, IR_I64)->imm = l;
}

void ir_brcond(IRCond c, IRv a, IRv b, IRLabel l)
{
    CHECK_TYPE(ir_type(a) == ir_type(b));
    IROp *op = emit(IR_brcond, ir_type(a));
    op->nargs = 2;
    op->args[0] = a;
    op->args[1] = b;
    op->args[2] = c;
    op->imm = l;
}

void ir_brcondi(IRCond c, IRv a, uint64_t b, IRLabel l)
{
    ir_brcond(c, a, ir_const(ir_type(a), b), l);
}

void ir_ld_env(IRv d, size_t offset, MemOp mop)
{
    IROp *op = emit(IR_ld_env, ir_type(d));
    op->nargs = 1;
    op->args[0] = d;
    op->args[1] = mop;
    op->imm = offset;
}

void ir_st_env(IRv v, size_t offset, MemOp mop)
{
    IROp *op = emit(IR_st_env, ir_type(v));
    op->nargs = 1;
    op->args[0] = v;
    op->args[1] = mop;
    op->imm = offset;
}

void ir_ld(IRv d, IRv addr, MemOp mop, int mmu_idx)
{
    CHECK_TYPE(ir_type(addr) == IR_I64);
    IROp *op = emit(IR_ld, ir_type(d));
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = addr;
    op->imm = IR_LDST_IMM(mop, mmu_idx);
}

void ir_st(IRv v, IRv addr, MemOp mop, int mmu_idx)
{
    CHECK_TYPE(ir_type(addr) == IR_I64);
    IROp *op = emit(IR_st, ir_type(v));
    op->nargs = 2;
    op->args[0] = v;
    op->args[1] = addr;
    op->imm = IR_LDST_IMM(mop, mmu_idx);
}

void ir_call(void *fn, unsigned flags, IRv ret, int nargs, const IRv *args)
{
    CHECK_TYPE(nargs >= 0 && nargs <= 5);
    CHECK_TYPE(ret == IR_NONE || ir_type(ret) == IR_I64);
    IROp *op = emit(IR_call, IR_I64);
    op->nargs = 1 + nargs;
    op->args[0] = ret;
    for (int i = 0; i < nargs; i++) {
        CHECK_TYPE(ir_type(args[i]) == IR_I64);
        op->args[1 + i] = args[i];
    }
    op->args[6] = nargs;
    op->args[7] = flags;
    op->imm = (uintptr_t)fn;
}

void ir_insn_start(uint64_t pc, uint32_t cc_op)
{
    IROp *op = emit(IR_insn_start, IR_I64);
    op->imm = pc;
    op->args[0] = cc_op;
}

void ir_goto_tb(int slot)
{
    emit(IR_goto_tb, IR_I64)->imm = slot;
}

void ir_exit_tb(int how)
{
    emit(IR_exit_tb, IR_I64)->imm = how;
}

void ir_lookup_and_goto(void)
{
    emit(IR_lookup_and_goto, IR_I64);
}

static void value_name(const IRBlock *b, IRv v, char *buf, size_t n)
{
    if (v & IRV_GLOBAL) {
        snprintf(buf, n, "%s", ir_globals[IRV_INDEX(v)].name);
    } else if (v & IRV_CONST) {
        snprintf(buf, n, "$0x%" G_GINT64_MODIFIER "x", b->consts[IRV_INDEX(v)]);
    } else {
        snprintf(buf, n, "t%u", v);
    }
}

void ir_dump(const IRBlock *b, void (*print)(const char *line, void *opaque), void *opaque)
{
    static const char *const conds[] = { "eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu",
                                         "gtu", "tsteq", "tstne" };
    for (size_t i = 0; i < b->nops; i++) {
        const IROp *op = &b->ops[i];
        GString *s = g_string_new(NULL);
        if (op->opc == IR_insn_start) {
            g_string_printf(s, " ---- %016" G_GINT64_MODIFIER "x cc_op=%u", op->imm, op->args[0]);
        } else {
            g_string_printf(s, " %s%s", ir_op_defs[op->opc].name, op->type == IR_I32 ? "_i32" : "");
            unsigned nv = op->opc == IR_call ? 1 + op->args[6] : op->nargs;
            for (unsigned a = 0; a < nv; a++) {
                char name[48];
                if (op->opc == IR_call && a == 0 && op->args[0] == IR_NONE) {
                    g_string_append(s, " -");
                    continue;
                }
                value_name(b, op->args[a], name, sizeof(name));
                g_string_append_printf(s, "%s%s", a ? ", " : " ", name);
            }
            if (op->opc == IR_setcond || op->opc == IR_movcond) {
                g_string_append_printf(s, ", %s", conds[op->imm]);
            } else if (op->opc == IR_brcond) {
                g_string_append_printf(s, ", %s, L%" G_GINT64_MODIFIER "u", conds[op->args[2]], op->imm);
            } else if (op->opc == IR_label || op->opc == IR_br) {
                g_string_append_printf(s, " L%" G_GINT64_MODIFIER "u", op->imm);
            } else if (op->opc == IR_ld || op->opc == IR_st) {
                g_string_append_printf(s, ", size=%u%s, mmu=%d", memop_size(IR_LDST_MEMOP(op->imm)),
                                       IR_LDST_MEMOP(op->imm) & MO_SIGN ? " signed" : "",
                                       IR_LDST_MMU(op->imm));
            } else if (op->opc == IR_ld_env || op->opc == IR_st_env) {
                g_string_append_printf(s, ", env+0x%" G_GINT64_MODIFIER "x", op->imm);
            } else if (op->opc == IR_call) {
                g_string_append_printf(s, ", fn=%p", (void *)(uintptr_t)op->imm);
            } else if (op->opc == IR_goto_tb || op->opc == IR_exit_tb || op->opc == IR_bswap) {
                g_string_append_printf(s, " %" G_GINT64_MODIFIER "u", op->imm);
            }
        }
        print(s->str, opaque);
        g_string_free(s, TRUE);
    }
}

IRArgShape ir_op_shape(const IROp *op)
{
    IRArgShape a = { 0 };
    const IROpDef *def = &ir_op_defs[op->opc];
    switch (op->opc) {
    case IR_brcond:
        a.nin = 2;
        a.in[0] = 0;
        a.in[1] = 1;
        return a;
    case IR_st_env:
        a.nin = 1;
        a.in[0] = 0;
        return a;
    case IR_ld_env:
        a.nout = 1;
        a.out[0] = 0;
        return a;
    case IR_st:
        a.nin = 2;
        a.in[0] = 0;
        a.in[1] = 1;
        return a;
    case IR_call:
        a.nin = op->args[6];
        for (unsigned i = 0; i < a.nin; i++) {
            a.in[i] = 1 + i;
        }
        if (op->args[0] != IR_NONE) {
            a.nout = 1;
            a.out[0] = 0;
        }
        return a;
    default:
        a.nout = def->nout;
        a.nin = def->nin;
        for (unsigned i = 0; i < a.nout; i++) {
            a.out[i] = i;
        }
        for (unsigned i = 0; i < a.nin; i++) {
            a.in[i] = a.nout + i;
        }
        return a;
    }
}
