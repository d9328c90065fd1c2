/*
 * The IR optimizer: constant folding, copy propagation (through temps and
 * globals), branch/select fusion (a brcond or movcond testing a setcond
 * result against zero tests the setcond's own comparison instead) and
 * dead-code removal (of temps nobody reads, and of global writes that a
 * later write replaces before anything could observe the global), within
 * each basic block of a translated block. Both backends run the optimized IR. Disabled with
 * MIMIC_TCG_NO_OPT=1 in the environment, to bisect a bug to it.
 *
 * What it may not change: writes to globals (the guest state must be exact
 * when an instruction faults or a helper looks at it), anything with side
 * effects (guest memory, helpers that are not pure, block exits).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "accel/tcg/ir-internal.h"
#include "accel/tcg/optimize.h"

/* What is known about a value: it equals `copy` (a temp, global or
 * constant), recorded while `copy` (if a temp or global) has generation
 * `gen`. */
typedef struct Known {
    IRv copy;
    uint32_t gen;
} Known;

/* A temp that holds setcond(cond, a, b), valid while the temp, a and b
 * keep the generations recorded here and no label has intervened. */
typedef struct SetcondInfo {
    uint32_t epoch, gen_self, gen_a, gen_b;
    IRv a, b;
    uint8_t cond, type;
} SetcondInfo;

typedef struct Opt {
    IRBlock *b;
    uint32_t *z32_epoch; /* per temp: its high 32 bits are known zero while == epoch */
    SetcondInfo *setcond; /* per temp */
    uint32_t epoch;       /* bumped at every basic-block boundary */
    Known *temp_known;   /* per temp */
    uint32_t *temp_gen;  /* bumped when a temp is written */
    Known glob_known[IR_MAX_GLOBALS];
    uint32_t glob_gen[IR_MAX_GLOBALS];
} Opt;

static bool is_temp(IRv v)
{
    return v != IR_NONE && !(v & (IRV_GLOBAL | IRV_CONST));
}

static uint32_t *gen_of(Opt *o, IRv v)
{
    if (v & IRV_GLOBAL) {
        return &o->glob_gen[IRV_INDEX(v)];
    }
    return is_temp(v) ? &o->temp_gen[v] : NULL;
}

static Known *known_of(Opt *o, IRv v)
{
    if (v & IRV_GLOBAL) {
        return &o->glob_known[IRV_INDEX(v)];
    }
    return is_temp(v) ? &o->temp_known[v] : NULL;
}

static bool known_valid(Opt *o, const Known *k)
{
    if (k->copy == IR_NONE) {
        return false;
    }
    uint32_t *g = gen_of(o, k->copy);
    return !g || *g == k->gen;
}

static void forget_all(Opt *o)
{
    o->epoch++;
    for (uint32_t i = 0; i < o->b->ntemps; i++) {
        o->temp_known[i].copy = IR_NONE;
    }
    for (unsigned i = 0; i < IR_MAX_GLOBALS; i++) {
        o->glob_known[i].copy = IR_NONE;
    }
}

static void forget_globals(Opt *o)
{
    for (unsigned i = 0; i < IR_MAX_GLOBALS; i++) {
        o->glob_known[i].copy = IR_NONE;
        o->glob_gen[i]++; /* temps copied from a global are stale too */
    }
}

/* A value to use in place of v: what it is known to equal. */
static IRv resolve(Opt *o, IRv v)
{
    Known *k = known_of(o, v);
    if (k && known_valid(o, k)) {
        return k->copy;
    }
    return v;
}

static IRType type_of(Opt *o, IRv v)
{
    if (v & IRV_GLOBAL) {
        return ir_globals[IRV_INDEX(v)].type;
    }
    if (v & IRV_CONST) {
        return o->b->const_type[IRV_INDEX(v)];
    }
    return o->b->temp_type[v];
}

static bool const_val(Opt *o, IRv v, uint64_t *out)
{
    if ((v & IRV_CONST) && !(v & IRV_GLOBAL)) {
        *out = o->b->consts[IRV_INDEX(v)];
        return true;
    }
    return false;
}

/* the output v gets a new value: forget it, and what was copied from it */
static void written(Opt *o, IRv v)
{
    uint32_t *g = gen_of(o, v);
    if (g) {
        (*g)++;
    }
    Known *k = known_of(o, v);
    if (k) {
        k->copy = IR_NONE;
    }
}

static void record_copy(Opt *o, IRv d, IRv s)
{
    Known *k = known_of(o, d);
    if (!k || d == s || type_of(o, d) != type_of(o, s)) {
        return;
    }
    uint32_t *g = gen_of(o, s);
    k->copy = s;
    k->gen = g ? *g : 0;
}

/* New constants go into the block being optimized, which is the current one. */
static IRv make_const(Opt *o, IRType t, uint64_t v)
{
    g_assert(ir_block_current() == o->b);
    return ir_const(t, v);
}

static bool fold(unsigned opc, IRType t, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned w = t == IR_I32 ? 32 : 64;
    uint64_t mask = t == IR_I32 ? 0xffffffffull : ~0ull;
    switch (opc) {
    case IR_add: *r = a + b; break;
    case IR_sub: *r = a - b; break;
    case IR_mul: *r = a * b; break;
    case IR_and: *r = a & b; break;
    case IR_or: *r = a | b; break;
    case IR_xor: *r = a ^ b; break;
    case IR_shl: *r = a << (b & (w - 1)); break;
    case IR_shr: *r = (a & mask) >> (b & (w - 1)); break;
    case IR_sar:
        *r = t == IR_I32 ? (uint64_t)((int32_t)a >> (b & 31)) : (uint64_t)((int64_t)a >> (b & 63));
        break;
    case IR_neg: *r = -a; break;
    case IR_not: *r = ~a; break;
    case IR_ext8u: *r = (uint8_t)a; break;
    case IR_ext8s: *r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_ext16u: *r = (uint16_t)a; break;
    case IR_ext16s: *r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_ext32u: *r = (uint32_t)a; break;
    case IR_ext32s: *r = (uint64_t)(int64_t)(int32_t)a; break;
    default: return false;
    }
    *r &= mask;
    return true;
}

static void make_mov(IROp *op, IRv d, IRv s)
{
    uint8_t type = op->type;
    memset(op, 0, sizeof(*op));
    op->opc = IR_mov;
    op->type = type;
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = s;
}

/* x OP c where the result is x itself: add/sub/or/xor/shifts by 0, and by -1, mul by 1 */
static bool identity(unsigned opc, uint64_t c, IRType t)
{
    uint64_t ones = t == IR_I32 ? 0xffffffffull : ~0ull;
    switch (opc) {
    case IR_add: case IR_sub: case IR_or: case IR_xor:
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
        return c == 0;
    case IR_and:
        return c == ones;
    case IR_mul:
        return c == 1;
    default:
        return false;
    }
}

static uint32_t gen_now(Opt *o, IRv v)
{
    uint32_t *g = gen_of(o, v);
    return g ? *g : 0;
}

/* x == 0 / x != 0 where x = setcond(c, a, b): the comparison itself (or
 * its inverse). Returns false if x's setcond is not known here. */
static bool fuse_setcond(Opt *o, IRv x, IRv zero, unsigned *cond, IRv *a, IRv *b, uint8_t *type)
{
    uint64_t z;
    if (!is_temp(x) || !const_val(o, zero, &z) || z != 0 || (*cond != IR_EQ && *cond != IR_NE)) {
        return false;
    }
    const SetcondInfo *si = &o->setcond[x];
    if (si->epoch != o->epoch || si->gen_self != gen_now(o, x) || si->gen_a != gen_now(o, si->a) ||
        si->gen_b != gen_now(o, si->b)) {
        return false;
    }
    *cond = *cond == IR_NE ? si->cond : ir_cond_invert(si->cond);
    *a = si->a;
    *b = si->b;
    *type = si->type;
    return true;
}

/* Are v's high 32 bits known to be zero here? (I32 values always are.) */
static bool high_zero(Opt *o, IRv v)
{
    uint64_t c;
    if (type_of(o, v) == IR_I32) {
        return true;
    }
    if (const_val(o, v, &c)) {
        return c <= 0xffffffffull;
    }
    return is_temp(v) && o->z32_epoch[v] == o->epoch;
}

/* After op wrote its (I64 temp) output: does the result have zero high bits? */
static bool result_high_zero(Opt *o, const IROp *op)
{
    uint64_t c;
    switch (op->opc) {
    case IR_ld:
        return !(IR_LDST_MEMOP(op->imm) & MO_SIGN) && (IR_LDST_MEMOP(op->imm) & MO_SIZE) <= MO_32;
    case IR_ld_env:
        return !(op->args[1] & MO_SIGN) && (op->args[1] & MO_SIZE) <= MO_32;
    case IR_ext8u: case IR_ext16u: case IR_ext32u: case IR_extu_i32_i64: case IR_setcond:
        return true;
    case IR_mov:
        return high_zero(o, op->args[1]);
    case IR_and:
        return high_zero(o, op->args[1]) || high_zero(o, op->args[2]);
    case IR_or: case IR_xor:
        return high_zero(o, op->args[1]) && high_zero(o, op->args[2]);
    case IR_shr:
        return high_zero(o, op->args[1]) || (const_val(o, op->args[2], &c) && (c & 63) >= 32);
    case IR_movcond:
        return high_zero(o, op->args[3]) && high_zero(o, op->args[4]);
    default:
        return false;
    }
}

static void forward(Opt *o)
{
    IRBlock *b = o->b;
    for (size_t i = 0; i < b->nops; i++) {
        IROp *op = &b->ops[i];
        const IROpDef *def = &ir_op_defs[op->opc];
        if (op->opc == IR_label) {
            forget_all(o);
            continue;
        }
        /* substitute inputs */
        /* inputs are args[in_base..], outputs args[0..] (ir_op_shape) */
        IRArgShape shape = ir_op_shape(op);
        unsigned nin = shape.nin, nout = shape.nout, in_base = nin ? shape.in[0] : 0;
        for (unsigned a = 0; a < nin; a++) {
            IRv v = op->args[in_base + a];
            IRv r = resolve(o, v);
            if (r != v && type_of(o, r) == type_of(o, v)) {
                op->args[in_base + a] = r;
            }
        }

        /* branch and select on a setcond result */
        if (op->opc == IR_brcond) {
            unsigned c = op->args[2];
            IRv a, b2;
            uint8_t t;
            if (fuse_setcond(o, op->args[0], op->args[1], &c, &a, &b2, &t)) {
                op->args[0] = a;
                op->args[1] = b2;
                op->args[2] = c;
                op->type = t;
            }
        } else if (op->opc == IR_movcond) {
            unsigned c = op->imm;
            IRv a, b2;
            uint8_t t;
            if (fuse_setcond(o, op->args[1], op->args[2], &c, &a, &b2, &t) && t == op->type) {
                op->args[1] = a;
                op->args[2] = b2;
                op->imm = c;
            }
        }

        /* zero-extending what is known to be zero-extended is a copy */
        if (op->opc == IR_ext32u && high_zero(o, op->args[1])) {
            make_mov(op, op->args[0], op->args[1]);
        }

        /* simplify */
        if (nout == 1 && !(def->flags & IRF_SIDE) && op->opc != IR_ld_env && op->opc != IR_setcond &&
            op->opc != IR_movcond && op->opc != IR_bswap && op->opc != IR_mov) {
            uint64_t x, y, r;
            IRType t = op->type;
            if (nin == 1 && const_val(o, op->args[1], &x) && fold(op->opc, t, x, 0, &r) &&
                op->opc != IR_extu_i32_i64 && op->opc != IR_exts_i32_i64 && op->opc != IR_trunc_i64_i32) {
                make_mov(op, op->args[0], make_const(o, type_of(o, op->args[0]), r));
            } else if (nin == 2 && const_val(o, op->args[1], &x) && const_val(o, op->args[2], &y) &&
                       fold(op->opc, t, x, y, &r)) {
                make_mov(op, op->args[0], make_const(o, t, r));
            } else if (nin == 2 && const_val(o, op->args[2], &y) && identity(op->opc, y, t)) {
                make_mov(op, op->args[0], op->args[1]);
            } else if (nin == 2 && (op->opc == IR_add || op->opc == IR_or || op->opc == IR_xor) &&
                       const_val(o, op->args[1], &x) && x == 0) {
                make_mov(op, op->args[0], op->args[2]);
            }
        }

        /* effects on what is known */
        if (op->opc == IR_call && !(op->args[7] & IR_CALL_NO_GLOBALS)) {
            forget_globals(o);
        }
        if (op->opc == IR_st_env || op->opc == IR_ld_env) {
            /* env stores may alias globals; be safe either way */
            if (op->opc == IR_st_env) {
                forget_globals(o);
            }
        }
        if (op->opc == IR_call) {
            if (op->args[0] != IR_NONE) {
                written(o, op->args[0]);
            }
        } else {
            for (unsigned a = 0; a < nout; a++) {
                written(o, op->args[a]);
            }
        }
        for (unsigned a = 0; a < nout; a++) {
            IRv v = op->args[a];
            if (is_temp(v)) {
                bool z = nout == 1 && op->opc != IR_call && type_of(o, v) == IR_I64 &&
                         result_high_zero(o, op);
                o->z32_epoch[v] = z ? o->epoch : 0;
            }
        }
        if (op->opc == IR_setcond && is_temp(op->args[0])) {
            SetcondInfo *si = &o->setcond[op->args[0]];
            si->epoch = o->epoch;
            si->gen_self = gen_now(o, op->args[0]);
            si->a = op->args[1];
            si->b = op->args[2];
            si->gen_a = gen_now(o, si->a);
            si->gen_b = gen_now(o, si->b);
            si->cond = (uint8_t)op->imm;
            si->type = op->type;
            if (si->a == op->args[0] || si->b == op->args[0]) {
                si->epoch = o->epoch - 1; /* it overwrote its own operand */
            }
        }
        if (op->opc == IR_mov) {
            record_copy(o, op->args[0], op->args[1]);
            /* a global's value is also known from the temp it was given */
        }
        if (def->flags & IRF_BB_END) {
            forget_all(o);
        }
    }
}

/* Remove pure ops whose temp outputs are never read. Temps die where the
 * block exits; across labels and branches every temp counts as live. */
static void dead_code(Opt *o)
{
    IRBlock *b = o->b;
    /* with a backward branch, a temp may be read before it is written:
     * then every temp counts as live at block boundaries */
    bool backward = false;
    uint8_t *label_seen = g_malloc0(b->nlabels + 1);
    for (size_t i = 0; i < b->nops; i++) {
        if (b->ops[i].opc == IR_label) {
            label_seen[b->ops[i].imm] = 1;
        } else if ((b->ops[i].opc == IR_br || b->ops[i].opc == IR_brcond) && label_seen[b->ops[i].imm]) {
            backward = true;
        }
    }
    g_free(label_seen);
    uint8_t *live = g_malloc0(b->ntemps);
    /* read_later[t]: some op after the current position reads t */
    uint8_t *read_later = g_malloc0(b->ntemps);
    /* gdead[g]: global g is written again before anything can observe it
     * (a guest memory access or helper that may fault or look at globals,
     * an env access, a branch or exit), so a value written now is lost */
    bool gdead[IR_MAX_GLOBALS] = { false };
    size_t out;
    for (size_t i = b->nops; i-- > 0;) {
        IROp *op = &b->ops[i];
        const IROpDef *def = &ir_op_defs[op->opc];
        if (op->opc == IR_goto_tb || op->opc == IR_exit_tb || op->opc == IR_lookup_and_goto) {
            memset(live, 0, b->ntemps);
        } else if (def->flags & IRF_BB_END) {
            /* a later basic block may read any temp the later ops read */
            if (backward) {
                memset(live, 1, b->ntemps);
            } else {
                memcpy(live, read_later, b->ntemps);
            }
        }
        /* inputs are args[in_base..], outputs args[0..] (ir_op_shape) */
        IRArgShape shape = ir_op_shape(op);
        unsigned nin = shape.nin, nout = shape.nout, in_base = nin ? shape.in[0] : 0;
        bool removable = !(def->flags & IRF_SIDE) && nout > 0 &&
                         !(op->opc == IR_call && !(op->args[7] & IR_CALL_PURE));
        if (op->opc == IR_call && (op->args[7] & IR_CALL_PURE)) {
            removable = true;
        }
        if (removable) {
            bool any_live = false;
            for (unsigned a = 0; a < nout; a++) {
                IRv v = op->args[a];
                if (is_temp(v) ? live[v] : !((v & IRV_GLOBAL) && gdead[IRV_INDEX(v)])) {
                    any_live = true;
                }
            }
            if (!any_live) {
                op->opc = IR_NB_OPS; /* dropped below */
                continue;
            }
        }
        /* a full product whose high half nobody reads is a plain multiply */
        if ((op->opc == IR_mulu2 || op->opc == IR_muls2) && is_temp(op->args[1]) &&
            !live[op->args[1]]) {
            IRv d = op->args[0], x = op->args[2], y = op->args[3];
            op->opc = IR_mul;
            op->nargs = 3;
            op->args[1] = x;
            op->args[2] = y;
            op->args[3] = 0;
            nout = 1;
            nin = 2;
            in_base = 1;
            (void)d;
        }
        for (unsigned a = 0; a < nout; a++) {
            IRv v = op->args[a];
            if (is_temp(v)) {
                live[v] = 0;
            } else if (v & IRV_GLOBAL) {
                gdead[IRV_INDEX(v)] = true;
            }
        }
        bool observes = (def->flags & (IRF_BB_END | IRF_MEM)) || op->opc == IR_ld_env ||
                        op->opc == IR_st_env ||
                        (op->opc == IR_call &&
                         (op->args[7] & (IR_CALL_NO_GLOBALS | IR_CALL_NO_FAULT)) !=
                             (IR_CALL_NO_GLOBALS | IR_CALL_NO_FAULT));
        if (observes) {
            memset(gdead, 0, sizeof(gdead));
        }
        for (unsigned a = 0; a < nin; a++) {
            IRv v = op->args[in_base + a];
            if (is_temp(v)) {
                live[v] = 1;
                read_later[v] = 1;
            } else if (v & IRV_GLOBAL) {
                gdead[IRV_INDEX(v)] = false;
            }
        }
    }
    g_free(read_later);
    /* compact */
    out = 0;
    for (size_t i = 0; i < b->nops; i++) {
        if (b->ops[i].opc != IR_NB_OPS) {
            b->ops[out++] = b->ops[i];
        }
    }
    b->nops = out;
    g_free(live);
}

/* Does op read (or, with out, write) v? */
static bool op_uses(const IROp *op, IRv v, bool out)
{
    IRArgShape a = ir_op_shape(op);
    unsigned n = out ? a.nout : a.nin;
    for (unsigned k = 0; k < n; k++) {
        if (op->args[out ? a.out[k] : a.in[k]] == v) {
            return true;
        }
    }
    return false;
}

/* Between an op and the move of its result into a global, nothing may
 * observe the global's old value as the guest state: no fault (memory
 * access, helper), no env access, no branch. (An instruction boundary is
 * seen only by an exit after a store or call, as in dead_code.) */
static bool observes_state(const IROp *op)
{
    return ir_op_defs[op->opc].flags & (IRF_BB_END | IRF_GLOBALS | IRF_MEM);
}

/*
 * "op t, ...; mov G, t" (x86 results reach their register last) becomes "op G, ...", and later reads of t read G: the
 * backends then compute into the guest register in place instead of
 * computing a temp and copying it (the native backend's allocator would
 * otherwise hold two registers and copy between them). Only where nothing
 * in between reads or writes G or could observe it, where t has no other
 * write, and where every read of t comes before G is written again, in the
 * same basic block. The same for "op t, ...; op2 G, t, x" where t dies at
 * op2 and op2 cannot fault and does not read G (IMUL's temp product).
 */
static void into_globals(Opt *o)
{
    IRBlock *b = o->b;
    uint32_t *nwrites = g_new0(uint32_t, b->ntemps);
    size_t *first_read = g_new(size_t, b->ntemps);
    size_t *last_read = g_new0(size_t, b->ntemps);
    for (uint32_t v = 0; v < b->ntemps; v++) {
        first_read[v] = SIZE_MAX;
    }
    for (size_t i = 0; i < b->nops; i++) {
        IRArgShape a = ir_op_shape(&b->ops[i]);
        for (unsigned k = 0; k < a.nout; k++) {
            IRv v = b->ops[i].args[a.out[k]];
            if (is_temp(v)) {
                nwrites[v]++;
            }
        }
        for (unsigned k = 0; k < a.nin; k++) {
            IRv v = b->ops[i].args[a.in[k]];
            if (is_temp(v)) {
                first_read[v] = MIN(first_read[v], i);
                last_read[v] = i;
            }
        }
    }
    bool removed = false;
    /* last first: "op t; op2 t2, t; mov G, t2" needs op2 done before op */
    for (size_t i = b->nops; i-- > 0;) {
        IROp *op = &b->ops[i];
        if (op->opc == IR_NB_OPS) {
            continue;
        }
        const IROpDef *def = &ir_op_defs[op->opc];
        bool pure = def->nout == 1 && (def->flags == 0 || op->opc == IR_ld) && op->opc != IR_mov &&
                    op->opc != IR_movi;
        IRv t = op->args[0];
        /* (a read of t before its write: a loop reads the previous value) */
        if (!pure || !is_temp(t) || nwrites[t] != 1 || first_read[t] <= i) {
            continue;
        }
        size_t m;
        IRv gl = IR_NONE;
        bool is_mov = false;
        for (m = i + 1; m < b->nops && m <= last_read[t]; m++) {
            const IROp *q = &b->ops[m];
            if (q->opc == IR_NB_OPS) {
                continue;
            }
            const IROpDef *qd = &ir_op_defs[q->opc];
            IRv qo = q->args[0];
            if (qd->nout == 1 && (qo & IRV_GLOBAL) && type_of(o, qo) == type_of(o, t)) {
                if (q->opc == IR_mov && q->args[1] == t) {
                    gl = qo;
                    is_mov = true;
                    break;
                }
                /* "op t, ...; op2 G, t, x" where t dies: op2 works in place */
                if (qd->flags == 0 && m == last_read[t] && op_uses(q, t, false) && !op_uses(q, qo, false)) {
                    gl = qo;
                    break;
                }
            }
            if (observes_state(q)) {
                break;
            }
        }
        if (gl == IR_NONE) {
            continue;
        }
        bool ok = true;
        for (size_t k = i + 1; k < m && ok; k++) {
            const IROp *q = &b->ops[k];
            ok = q->opc == IR_NB_OPS || (!op_uses(q, gl, false) && !op_uses(q, gl, true));
        }
        for (size_t k = m + 1; k < last_read[t] && ok; k++) {
            /* t is still read after this op: G must keep t's value to there
             * (the last read itself reads before it writes or branches) */
            const IROp *q = &b->ops[k];
            ok = q->opc == IR_NB_OPS || (!(ir_op_defs[q->opc].flags & IRF_BB_END) && !op_uses(q, gl, true));
        }
        if (!ok) {
            continue;
        }
        op->args[0] = gl;
        if (is_mov) {
            b->ops[m].opc = IR_NB_OPS;
            removed = true;
        }
        for (size_t k = i + 1; k <= last_read[t]; k++) {
            IROp *q = &b->ops[k];
            if (q->opc == IR_NB_OPS) {
                continue;
            }
            IRArgShape a = ir_op_shape(q);
            for (unsigned n = 0; n < a.nin; n++) {
                if (q->args[a.in[n]] == t) {
                    q->args[a.in[n]] = gl;
                }
            }
        }
    }
    if (removed) {
        size_t out = 0;
        for (size_t i = 0; i < b->nops; i++) {
            if (b->ops[i].opc != IR_NB_OPS) {
                b->ops[out++] = b->ops[i];
            }
        }
        b->nops = out;
    }
    g_free(nwrites);
    g_free(first_read);
    g_free(last_read);
}

void ir_optimize(IRBlock *b)
{
    static int disabled = -1;
    if (disabled < 0) {
        const char *e = getenv("MIMIC_TCG_NO_OPT");
        disabled = e && *e && strcmp(e, "0") != 0;
    }
    if (disabled) {
        return;
    }
    Opt o = { .b = b };
    o.temp_known = g_new0(Known, b->ntemps);
    o.temp_gen = g_new0(uint32_t, b->ntemps);
    o.setcond = g_new0(SetcondInfo, b->ntemps);
    o.z32_epoch = g_new0(uint32_t, b->ntemps);
    o.epoch = 1;
    forward(&o);
    dead_code(&o);
    into_globals(&o);
    g_free(o.temp_known);
    g_free(o.temp_gen);
    g_free(o.setcond);
    g_free(o.z32_epoch);
}
