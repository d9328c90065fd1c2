/*
 * The portable backend: an interpreter of IR blocks. It runs on any host;
 * it is the reference the native backend is checked against.
 *
 * Before a block first runs, its ops are "prepared": every operand becomes
 * a pointer to its 64-bit slot (a temp of the block, a constant of its pool,
 * or a field of X86CPUState for a global), labels become op indexes, and
 * each op gets a handler specialised for its type, so the run loop is a
 * switch with no operand decoding. I32 values are kept zero-extended in
 * their 64-bit slots; a 32-bit global (cc_op) is read and written through
 * explicit narrow moves added at preparation. Globals live in the CPU state
 * itself, so helpers always see them current.
 *
 * Guest loads and stores take the TLB hit path inline; a miss, MMIO or a
 * write to a code page goes to tlb.c. Chained blocks (goto_tb) and
 * lookup_and_goto continue here without returning to the CPU loop, until
 * the vCPU is asked to exit.
 */
#include <string.h>

#include "accel/tcg/backend.h"
#include "system/log.h"
#include "target/x86/cc.h"

typedef enum PKind {
    P_MOV, P_MOV32,
    P_ADD, P_ADD32, P_SUB, P_SUB32, P_MUL, P_MUL32,
    P_AND, P_OR, P_XOR,
    P_SHL, P_SHL32, P_SHR, P_SHR32, P_SAR, P_SAR32,
    P_ROTL, P_ROTL32, P_ROTR, P_ROTR32,
    P_NEG, P_NEG32, P_NOT, P_NOT32,
    P_MULU2, P_MULU2_32, P_MULS2, P_MULS2_32,
    P_EXT8U, P_EXT8S, P_EXT8S32, P_EXT16U, P_EXT16S, P_EXT16S32, P_EXT32U, P_EXT32S,
    P_BSWAP,
    P_SETCOND, P_MOVCOND,
    P_BR, P_BRCOND,
    P_LD_ENV, P_ST_ENV,
    P_LD, P_ST,
    P_CALL,
    P_INSN_START,
    P_GOTO_TB, P_EXIT_TB, P_LOOKUP,
    P_LD_GLOBAL32, P_ST_GLOBAL32, /* narrow moves for 32-bit globals */
    P_NOP,
} PKind;

typedef struct POp {
    uint16_t kind;
    uint8_t cond;   /* IRCond, for setcond/movcond/brcond */
    uint8_t is32;   /* comparison width for conditions */
    uint32_t target; /* branch target (op index) */
    uint64_t *a[6]; /* outputs first, then inputs */
    uint64_t imm;
} POp;

typedef struct Prepared {
    POp *ops;
    size_t nops;
    uint64_t *temps;
} Prepared;

static inline int64_t sx32(uint64_t x)
{
    return (int64_t)(int32_t)x;
}

static bool cond_eval(unsigned c, uint64_t a, uint64_t b, bool is32)
{
    int64_t sa = is32 ? sx32(a) : (int64_t)a, sb = is32 ? sx32(b) : (int64_t)b;
    switch (c) {
    case IR_EQ: return a == b;
    case IR_NE: return a != b;
    case IR_LT: return sa < sb;
    case IR_GE: return sa >= sb;
    case IR_LE: return sa <= sb;
    case IR_GT: return sa > sb;
    case IR_LTU: return a < b;
    case IR_GEU: return a >= b;
    case IR_LEU: return a <= b;
    case IR_GTU: return a > b;
    case IR_TSTEQ: return (a & b) == 0;
    case IR_TSTNE: return (a & b) != 0;
    }
    return false;
}

/* ---- preparation ---- */

typedef struct PrepCtx {
    const IRBlock *b;
    uint8_t *env;
    uint64_t *temps;
    GArray *ops;        /* POp */
    uint32_t nscratch;  /* extra temps for 32-bit global moves */
    uint32_t *label_op; /* label -> op index in ops */
} PrepCtx;

static const IRGlobal *global_of(IRv v)
{
    return (v & IRV_GLOBAL) ? &ir_globals[IRV_INDEX(v)] : NULL;
}

static bool is_narrow_global(IRv v)
{
    const IRGlobal *g = global_of(v);
    return g && g->type == IR_I32;
}

/* Scratch slots live after the block's temps. */
static uint64_t *scratch_slot(PrepCtx *c, unsigned i)
{
    return &c->temps[c->b->ntemps + i];
}

static uint64_t *slot(PrepCtx *c, IRv v)
{
    if (v & IRV_GLOBAL) {
        return (uint64_t *)(c->env + global_of(v)->offset);
    }
    if (v & IRV_CONST) {
        return &c->b->consts[IRV_INDEX(v)];
    }
    return &c->temps[v];
}

static POp *emit(PrepCtx *c, PKind kind)
{
    POp op = { .kind = kind };
    g_array_append_val(c->ops, op);
    return &g_array_index(c->ops, POp, c->ops->len - 1);
}

static PKind pick(IRType t, PKind k64, PKind k32)
{
    return t == IR_I32 ? k32 : k64;
}

/* Operand i of ir op: a pointer, reading 32-bit globals through a scratch. */
static uint64_t *in_slot(PrepCtx *c, IRv v, unsigned *scratch_used)
{
    if (is_narrow_global(v)) {
        uint64_t *s = scratch_slot(c, (*scratch_used)++);
        POp *ld = emit(c, P_LD_GLOBAL32);
        ld->a[0] = s;
        ld->a[1] = slot(c, v);
        return s;
    }
    return slot(c, v);
}

static void prepare_op(PrepCtx *c, const IROp *op)
{
    unsigned used = 0;
    IRv out[2] = { IR_NONE, IR_NONE };
    uint64_t *outs[2] = { NULL, NULL };
    const IROpDef *def = &ir_op_defs[op->opc];
    IRType t = op->type;
    unsigned nout = op->opc == IR_call ? (op->args[0] != IR_NONE) : def->nout;
    unsigned nin = op->opc == IR_call ? op->args[6] : def->nin;
    uint64_t *ins[5] = { 0 };

    /* inputs first: their narrow loads must precede the op */
    unsigned in_base = op->opc == IR_call ? 1 : def->nout;
    if (op->opc == IR_brcond) {
        in_base = 0;
    }
    if (op->opc == IR_st_env) {
        in_base = 0;
        nin = 1;
    }
    if (op->opc == IR_ld_env) {
        nin = 0;
    }
    for (unsigned i = 0; i < nin; i++) {
        ins[i] = in_slot(c, op->args[in_base + i], &used);
    }
    for (unsigned i = 0; i < nout && op->opc != IR_call; i++) {
        out[i] = op->args[i];
    }
    if (op->opc == IR_call && nout) {
        out[0] = op->args[0];
    }
    unsigned narrow_out = 0;
    for (unsigned i = 0; i < 2; i++) {
        if (out[i] == IR_NONE) {
            continue;
        }
        if (is_narrow_global(out[i])) {
            outs[i] = scratch_slot(c, used + narrow_out++);
        } else {
            outs[i] = slot(c, out[i]);
        }
    }
    if (used + narrow_out > c->nscratch) {
        c->nscratch = used + narrow_out;
    }

    POp *p = NULL;
    switch ((IROpc)op->opc) {
    case IR_mov:
        p = emit(c, pick(t, P_MOV, P_MOV32));
        break;
    case IR_movi:
        /* the builder emits mov from a pool constant instead */
        g_assert_not_reached();
    case IR_add: p = emit(c, pick(t, P_ADD, P_ADD32)); break;
    case IR_sub: p = emit(c, pick(t, P_SUB, P_SUB32)); break;
    case IR_mul: p = emit(c, pick(t, P_MUL, P_MUL32)); break;
    case IR_and: p = emit(c, P_AND); break;
    case IR_or: p = emit(c, P_OR); break;
    case IR_xor: p = emit(c, P_XOR); break;
    case IR_shl: p = emit(c, pick(t, P_SHL, P_SHL32)); break;
    case IR_shr: p = emit(c, pick(t, P_SHR, P_SHR32)); break;
    case IR_sar: p = emit(c, pick(t, P_SAR, P_SAR32)); break;
    case IR_rotl: p = emit(c, pick(t, P_ROTL, P_ROTL32)); break;
    case IR_rotr: p = emit(c, pick(t, P_ROTR, P_ROTR32)); break;
    case IR_neg: p = emit(c, pick(t, P_NEG, P_NEG32)); break;
    case IR_not: p = emit(c, pick(t, P_NOT, P_NOT32)); break;
    case IR_mulu2: p = emit(c, pick(t, P_MULU2, P_MULU2_32)); break;
    case IR_muls2: p = emit(c, pick(t, P_MULS2, P_MULS2_32)); break;
    case IR_ext8u: p = emit(c, P_EXT8U); break;
    case IR_ext8s: p = emit(c, pick(t, P_EXT8S, P_EXT8S32)); break;
    case IR_ext16u: p = emit(c, P_EXT16U); break;
    case IR_ext16s: p = emit(c, pick(t, P_EXT16S, P_EXT16S32)); break;
    case IR_ext32u:
    case IR_extu_i32_i64:
    case IR_trunc_i64_i32:
        p = emit(c, P_EXT32U);
        break;
    case IR_ext32s:
    case IR_exts_i32_i64:
        p = emit(c, P_EXT32S);
        break;
    case IR_bswap:
        p = emit(c, P_BSWAP);
        p->imm = op->imm;
        break;
    case IR_setcond:
        p = emit(c, P_SETCOND);
        p->cond = op->imm;
        break;
    case IR_movcond:
        p = emit(c, P_MOVCOND);
        p->cond = op->imm;
        break;
    case IR_label:
        c->label_op[op->imm] = c->ops->len;
        return;
    case IR_br:
        p = emit(c, P_BR);
        p->target = op->imm; /* label id until resolved */
        break;
    case IR_brcond:
        p = emit(c, P_BRCOND);
        p->cond = op->args[2];
        p->target = op->imm;
        break;
    case IR_ld_env:
        p = emit(c, P_LD_ENV);
        p->imm = (uint64_t)(uintptr_t)(c->env + op->imm);
        p->target = op->args[1]; /* MemOp */
        break;
    case IR_st_env:
        p = emit(c, P_ST_ENV);
        p->imm = (uint64_t)(uintptr_t)(c->env + op->imm);
        p->target = op->args[1];
        break;
    case IR_ld:
        p = emit(c, P_LD);
        p->imm = op->imm;
        break;
    case IR_st:
        p = emit(c, P_ST);
        p->imm = op->imm;
        break;
    case IR_call:
        p = emit(c, P_CALL);
        p->imm = op->imm;
        p->target = op->args[6];
        break;
    case IR_insn_start:
        p = emit(c, P_INSN_START);
        p->imm = op->imm;
        p->target = op->args[0];
        break;
    case IR_goto_tb:
        p = emit(c, P_GOTO_TB);
        p->imm = op->imm;
        break;
    case IR_exit_tb:
        p = emit(c, P_EXIT_TB);
        p->imm = op->imm;
        break;
    case IR_lookup_and_goto:
        p = emit(c, P_LOOKUP);
        break;
    case IR_NB_OPS:
        return;
    }
    p->is32 = t == IR_I32;
    unsigned k = 0;
    for (unsigned i = 0; i < 2; i++) {
        if (outs[i]) {
            p->a[k++] = outs[i];
        }
    }
    if (op->opc == IR_call && !outs[0]) {
        p->a[k++] = NULL;
    }
    for (unsigned i = 0; i < nin; i++) {
        p->a[k++] = ins[i];
    }
    /* write back 32-bit global outputs */
    for (unsigned i = 0; i < 2; i++) {
        if (out[i] != IR_NONE && is_narrow_global(out[i])) {
            POp *st = emit(c, P_ST_GLOBAL32);
            st->a[0] = slot(c, out[i]);
            st->a[1] = outs[i];
        }
    }
}

static Prepared *prepare(TCGCPU *t, TranslationBlock *tb)
{
    const IRBlock *b = tb->ir;
    PrepCtx c = { .b = b, .env = (uint8_t *)&t->cpu->env };
    /* scratch count is known only after a pass: size temps generously (at
     * most three narrow operands per op) */
    c.temps = g_new0(uint64_t, b->ntemps + 8);
    c.ops = g_array_sized_new(FALSE, TRUE, sizeof(POp), b->nops + 8);
    c.label_op = g_new0(uint32_t, b->nlabels + 1);
    for (size_t i = 0; i < b->nops; i++) {
        prepare_op(&c, &b->ops[i]);
        g_assert(c.nscratch <= 8);
    }
    Prepared *p = g_new0(Prepared, 1);
    p->nops = c.ops->len;
    p->ops = (POp *)g_array_free(c.ops, FALSE);
    p->temps = c.temps;
    for (size_t i = 0; i < p->nops; i++) {
        if (p->ops[i].kind == P_BR || p->ops[i].kind == P_BRCOND) {
            p->ops[i].target = c.label_op[p->ops[i].target];
        }
    }
    g_free(c.label_op);
    return p;
}

static void interp_free(void *prepared)
{
    Prepared *p = prepared;
    if (p) {
        g_free(p->ops);
        g_free(p->temps);
        g_free(p);
    }
}

static void ensure_prepared(TCGCPU *t, TranslationBlock *tb)
{
    if (!tb->backend) {
        tb->backend = prepare(t, tb);
        ir_block_release_ops(tb->ir); /* the prepared form is all we run */
    }
}

/* ---- execution ---- */

static inline uint64_t extend_load(uint64_t v, MemOp op)
{
    unsigned bits = memop_size(op) * 8;
    if ((op & MO_SIGN) && bits < 64) {
        return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
    }
    return v;
}

static inline uint64_t guest_ld(TCGCPU *t, uint64_t addr, uint64_t imm)
{
    MemOp op = IR_LDST_MEMOP(imm);
    int mmu = IR_LDST_MMU(imm);
    unsigned size = memop_size(op);
    TLBEntry *e = &t->tlb[mmu][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
    /* the tag compare fails for flagged entries and for page-crossing
     * accesses (the last byte's page differs) */
    if (e->tag_read == ((addr + size - 1) & TARGET_PAGE_MASK) &&
        ((addr ^ (addr + size - 1)) & TARGET_PAGE_MASK) == 0) {
        uint64_t v = 0;
        memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
        return extend_load(v, op);
    }
    return tlb_ld_slow(t, addr, op, mmu);
}

static inline void guest_st(TCGCPU *t, uint64_t addr, uint64_t v, uint64_t imm)
{
    MemOp op = IR_LDST_MEMOP(imm);
    int mmu = IR_LDST_MMU(imm);
    unsigned size = memop_size(op);
    TLBEntry *e = &t->tlb[mmu][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
    if (e->tag_write == ((addr + size - 1) & TARGET_PAGE_MASK) &&
        ((addr ^ (addr + size - 1)) & TARGET_PAGE_MASK) == 0) {
        memcpy((void *)(uintptr_t)(addr + e->addend), &v, size);
        return;
    }
    tlb_st_slow(t, addr, v, op, mmu);
}

static uint64_t bswap_n(uint64_t x, unsigned size_log2)
{
    switch (size_log2) {
    case 1: return __builtin_bswap16((uint16_t)x);
    case 2: return __builtin_bswap32((uint32_t)x);
    case 3: return __builtin_bswap64(x);
    default: return x & 0xff;
    }
}

static uint64_t call_helper(X86CPU *cpu, const POp *op)
{
    uint64_t a[5] = { 0 };
    unsigned n = op->target;
    for (unsigned i = 0; i < n; i++) {
        a[i] = *op->a[1 + i];
    }
    void *fn = (void *)(uintptr_t)op->imm;
    switch (n) {
    case 0: return ((IRHelper0)fn)(cpu);
    case 1: return ((IRHelper1)fn)(cpu, a[0]);
    case 2: return ((IRHelper2)fn)(cpu, a[0], a[1]);
    case 3: return ((IRHelper3)fn)(cpu, a[0], a[1], a[2]);
    case 4: return ((IRHelper4)fn)(cpu, a[0], a[1], a[2], a[3]);
    default: return ((IRHelper5)fn)(cpu, a[0], a[1], a[2], a[3], a[4]);
    }
}

static inline uint64_t rotl64(uint64_t x, unsigned c)
{
    c &= 63;
    return c ? (x << c) | (x >> (64 - c)) : x;
}

static inline uint32_t rotl32(uint32_t x, unsigned c)
{
    c &= 31;
    return c ? (x << c) | (x >> (32 - c)) : x;
}

/* Run one block. Returns the exit kind; *slot for goto_tb exits. */
enum { RUN_GOTO_TB, RUN_EXIT, RUN_LOOKUP };

static int run_block(TCGCPU *t, TranslationBlock *tb, int *slot)
{
    X86CPU *cpu = t->cpu;
    ensure_prepared(t, tb);
    const Prepared *pr = tb->backend;
    const POp *ops = pr->ops;
    size_t n = pr->nops;
    t->current_tb = tb;
    t->tb_cs_base = tb->cs_base;
    tb->exec_count++;

#define A(i) (*op->a[i])
    for (size_t i = 0; i < n; i++) {
        const POp *op = &ops[i];
        switch ((PKind)op->kind) {
        case P_MOV: A(0) = A(1); break;
        case P_MOV32: A(0) = (uint32_t)A(1); break;
        case P_ADD: A(0) = A(1) + A(2); break;
        case P_ADD32: A(0) = (uint32_t)(A(1) + A(2)); break;
        case P_SUB: A(0) = A(1) - A(2); break;
        case P_SUB32: A(0) = (uint32_t)(A(1) - A(2)); break;
        case P_MUL: A(0) = A(1) * A(2); break;
        case P_MUL32: A(0) = (uint32_t)(A(1) * A(2)); break;
        case P_AND: A(0) = A(1) & A(2); break;
        case P_OR: A(0) = A(1) | A(2); break;
        case P_XOR: A(0) = A(1) ^ A(2); break;
        case P_SHL: A(0) = A(1) << (A(2) & 63); break;
        case P_SHL32: A(0) = (uint32_t)(A(1) << (A(2) & 31)); break;
        case P_SHR: A(0) = A(1) >> (A(2) & 63); break;
        case P_SHR32: A(0) = (uint32_t)A(1) >> (A(2) & 31); break;
        case P_SAR: A(0) = (uint64_t)((int64_t)A(1) >> (A(2) & 63)); break;
        case P_SAR32: A(0) = (uint32_t)(sx32(A(1)) >> (A(2) & 31)); break;
        case P_ROTL: A(0) = rotl64(A(1), A(2)); break;
        case P_ROTL32: A(0) = rotl32(A(1), A(2)); break;
        case P_ROTR: A(0) = rotl64(A(1), 64 - (A(2) & 63)); break;
        case P_ROTR32: A(0) = rotl32(A(1), 32 - (A(2) & 31)); break;
        case P_NEG: A(0) = -A(1); break;
        case P_NEG32: A(0) = (uint32_t)-A(1); break;
        case P_NOT: A(0) = ~A(1); break;
        case P_NOT32: A(0) = (uint32_t)~A(1); break;
        case P_MULU2: {
            unsigned __int128 p = (unsigned __int128)A(2) * A(3);
            uint64_t lo = (uint64_t)p, hi = (uint64_t)(p >> 64);
            A(0) = lo;
            A(1) = hi;
            break;
        }
        case P_MULU2_32: {
            uint64_t p = (uint64_t)(uint32_t)A(2) * (uint32_t)A(3);
            A(0) = (uint32_t)p;
            A(1) = p >> 32;
            break;
        }
        case P_MULS2: {
            __int128 p = (__int128)(int64_t)A(2) * (int64_t)A(3);
            uint64_t lo = (uint64_t)p, hi = (uint64_t)((unsigned __int128)p >> 64);
            A(0) = lo;
            A(1) = hi;
            break;
        }
        case P_MULS2_32: {
            int64_t p = sx32(A(2)) * sx32(A(3));
            A(0) = (uint32_t)p;
            A(1) = (uint32_t)((uint64_t)p >> 32);
            break;
        }
        case P_EXT8U: A(0) = (uint8_t)A(1); break;
        case P_EXT8S: A(0) = (uint64_t)(int64_t)(int8_t)A(1); break;
        case P_EXT8S32: A(0) = (uint32_t)(int32_t)(int8_t)A(1); break;
        case P_EXT16U: A(0) = (uint16_t)A(1); break;
        case P_EXT16S: A(0) = (uint64_t)(int64_t)(int16_t)A(1); break;
        case P_EXT16S32: A(0) = (uint32_t)(int32_t)(int16_t)A(1); break;
        case P_EXT32U: A(0) = (uint32_t)A(1); break;
        case P_EXT32S: A(0) = (uint64_t)sx32(A(1)); break;
        case P_BSWAP: A(0) = bswap_n(A(1), op->imm); break;
        case P_SETCOND: A(0) = cond_eval(op->cond, A(1), A(2), op->is32); break;
        case P_MOVCOND: A(0) = cond_eval(op->cond, A(1), A(2), op->is32) ? A(3) : A(4); break;
        case P_BR:
            i = op->target - 1;
            break;
        case P_BRCOND:
            if (cond_eval(op->cond, A(0), A(1), op->is32)) {
                i = op->target - 1;
            }
            break;
        case P_LD_ENV: {
            uint64_t v = 0;
            memcpy(&v, (void *)(uintptr_t)op->imm, memop_size(op->target));
            A(0) = extend_load(v, op->target);
            if (op->is32) {
                A(0) = (uint32_t)A(0);
            }
            break;
        }
        case P_ST_ENV: {
            uint64_t v = A(0);
            memcpy((void *)(uintptr_t)op->imm, &v, memop_size(op->target));
            break;
        }
        case P_LD: {
            uint64_t v = guest_ld(t, A(1), op->imm);
            A(0) = op->is32 ? (uint32_t)v : v;
            break;
        }
        case P_ST:
            guest_st(t, A(1), A(0), op->imm);
            break;
        case P_CALL: {
            uint64_t r = call_helper(cpu, op);
            if (op->a[0]) {
                A(0) = r;
            }
            break;
        }
        case P_INSN_START:
            if (t->current_tb_invalidated) {
                /* the previous instruction wrote over this block's code:
                 * stop here, the rest is retranslated from fresh bytes */
                t->current_tb_invalidated = false;
                cpu->env.rip = op->imm - tb->cs_base;
                if (op->target != CC_OP_DYNAMIC) {
                    cpu->env.cc_op = op->target;
                }
                *slot = -1;
                return RUN_EXIT;
            }
            t->insn_pc = op->imm;
            t->insn_cc_op = op->target;
            break;
        case P_GOTO_TB:
            *slot = op->imm;
            return RUN_GOTO_TB;
        case P_EXIT_TB:
            *slot = -1;
            return RUN_EXIT;
        case P_LOOKUP:
            return RUN_LOOKUP;
        case P_LD_GLOBAL32: {
            uint32_t v;
            memcpy(&v, op->a[1], 4);
            A(0) = v;
            break;
        }
        case P_ST_GLOBAL32: {
            uint32_t v = (uint32_t)A(1);
            memcpy(op->a[0], &v, 4);
            break;
        }
        case P_NOP:
            break;
        }
    }
#undef A
    *slot = -1;
    return RUN_EXIT;
}

static void interp_exec(TCGCPU *t, TranslationBlock *tb, TranslationBlock **last, int *slot)
{
    X86CPUState *env = &t->cpu->env;
    for (;;) {
        int s;
        t->in_tb = true;
        t->current_tb_invalidated = false;
        int r = run_block(t, tb, &s);
        t->in_tb = false;
        *last = tb;
        *slot = -1;
        /* block-by-block logging needs every block to pass the CPU loop */
        if (atomic_load(&t->exit_request) || tb->invalid || log_enabled(LOG_EXEC | LOG_CPU)) {
            if (r == RUN_GOTO_TB) {
                *slot = s;
            }
            return;
        }
        if (r == RUN_GOTO_TB) {
            TranslationBlock *next = tb->jmp_dest[s];
            if (next && !next->invalid) {
                tb = next;
                continue;
            }
            *slot = s;
            return;
        }
        if (r == RUN_LOOKUP) {
            TranslationBlock *next = tb_lookup(t, env->segs[R_CS].base + env->rip,
                                               env->segs[R_CS].base, env->hflags);
            if (next) {
                tb = next;
                continue;
            }
        }
        return;
    }
}

static bool interp_init(TCGCPU *t, char **err)
{
    return true;
}

static void interp_prepare(TCGCPU *t, TranslationBlock *tb)
{
    ensure_prepared(t, tb);
}

const TCGBackend tcg_backend_interp = {
    .name = "interp",
    .init = interp_init,
    .prepare = interp_prepare,
    .exec = interp_exec,
    .free = interp_free,
};
