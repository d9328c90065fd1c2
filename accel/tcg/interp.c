/*
 * The portable backend: an interpreter of IR blocks. It runs on any host;
 * it is the reference the native backend is checked against.
 *
 * Values: temps live in an array, constants in the block's pool, globals
 * in X86CPUState itself, so helpers always see current globals and there
 * is nothing to sync. I32 values are kept zero-extended in 64-bit slots.
 *
 * Guest loads and stores take the TLB hit path inline; a miss, MMIO or a
 * write to a code page goes to tlb.c. Chained blocks (goto_tb) and
 * lookup_and_goto continue here without returning to the CPU loop, until
 * the vCPU is asked to exit.
 */
#include <string.h>

#include "accel/tcg/tcg-cpu.h"
#include "system/log.h"

typedef struct Frame {
    uint64_t *temps;
    const uint64_t *consts;
    uint8_t *env;
} Frame;

static inline uint64_t get(const Frame *f, IRv v)
{
    if (v & IRV_GLOBAL) {
        const IRGlobal *g = &ir_globals[IRV_INDEX(v)];
        if (g->type == IR_I32) {
            uint32_t x;
            memcpy(&x, f->env + g->offset, 4);
            return x;
        }
        uint64_t x;
        memcpy(&x, f->env + g->offset, 8);
        return x;
    }
    if (v & IRV_CONST) {
        return f->consts[IRV_INDEX(v)];
    }
    return f->temps[v];
}

static inline void set(Frame *f, IRv v, uint64_t x, IRType t)
{
    if (t == IR_I32) {
        x = (uint32_t)x;
    }
    if (v & IRV_GLOBAL) {
        const IRGlobal *g = &ir_globals[IRV_INDEX(v)];
        if (g->type == IR_I32) {
            uint32_t y = x;
            memcpy(f->env + g->offset, &y, 4);
        } else {
            memcpy(f->env + g->offset, &x, 8);
        }
        return;
    }
    f->temps[v] = x;
}

static inline int64_t sval(uint64_t x, IRType t)
{
    return t == IR_I32 ? (int64_t)(int32_t)x : (int64_t)x;
}

static bool cond_eval(IRCond c, uint64_t a, uint64_t b, IRType t)
{
    switch (c) {
    case IR_EQ: return a == b;
    case IR_NE: return a != b;
    case IR_LT: return sval(a, t) < sval(b, t);
    case IR_GE: return sval(a, t) >= sval(b, t);
    case IR_LE: return sval(a, t) <= sval(b, t);
    case IR_GT: return sval(a, t) > sval(b, t);
    case IR_LTU: return a < b;
    case IR_GEU: return a >= b;
    case IR_LEU: return a <= b;
    case IR_GTU: return a > b;
    case IR_TSTEQ: return (a & b) == 0;
    case IR_TSTNE: return (a & b) != 0;
    }
    return false;
}

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

static uint64_t call_helper(X86CPU *cpu, const IROp *op, const Frame *f)
{
    uint64_t a[5] = { 0 };
    unsigned n = op->args[6];
    for (unsigned i = 0; i < n; i++) {
        a[i] = get(f, op->args[1 + i]);
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

/* Run one block. Returns the exit kind; *slot for goto_tb exits. */
enum { RUN_GOTO_TB, RUN_EXIT, RUN_LOOKUP };

static int run_block(TCGCPU *t, TranslationBlock *tb, int *slot)
{
    X86CPU *cpu = t->cpu;
    const IRBlock *b = tb->ir;
    if (t->vals_cap < b->ntemps) {
        t->vals_cap = b->ntemps * 2;
        t->vals = g_renew(uint64_t, t->vals, t->vals_cap);
    }
    Frame f = { .temps = t->vals, .consts = b->consts, .env = (uint8_t *)&cpu->env };
    const IROp *ops = b->ops;
    size_t n = b->nops;
    t->current_tb = tb;
    t->tb_cs_base = tb->cs_base;
    tb->exec_count++;

    for (size_t i = 0; i < n; i++) {
        const IROp *op = &ops[i];
        IRType ty = op->type;
        unsigned w = ty == IR_I32 ? 32 : 64;
        const uint32_t *a = op->args;
        switch ((IROpc)op->opc) {
        case IR_mov:
            set(&f, a[0], get(&f, a[1]), ty);
            break;
        case IR_movi:
            set(&f, a[0], op->imm, ty);
            break;
        case IR_add:
            set(&f, a[0], get(&f, a[1]) + get(&f, a[2]), ty);
            break;
        case IR_sub:
            set(&f, a[0], get(&f, a[1]) - get(&f, a[2]), ty);
            break;
        case IR_mul:
            set(&f, a[0], get(&f, a[1]) * get(&f, a[2]), ty);
            break;
        case IR_and:
            set(&f, a[0], get(&f, a[1]) & get(&f, a[2]), ty);
            break;
        case IR_or:
            set(&f, a[0], get(&f, a[1]) | get(&f, a[2]), ty);
            break;
        case IR_xor:
            set(&f, a[0], get(&f, a[1]) ^ get(&f, a[2]), ty);
            break;
        case IR_shl:
            set(&f, a[0], get(&f, a[1]) << (get(&f, a[2]) & (w - 1)), ty);
            break;
        case IR_shr:
            set(&f, a[0], get(&f, a[1]) >> (get(&f, a[2]) & (w - 1)), ty);
            break;
        case IR_sar:
            set(&f, a[0], (uint64_t)(sval(get(&f, a[1]), ty) >> (get(&f, a[2]) & (w - 1))), ty);
            break;
        case IR_rotl:
        case IR_rotr: {
            uint64_t x = get(&f, a[1]);
            unsigned c = get(&f, a[2]) & (w - 1);
            if (op->opc == IR_rotr) {
                c = (w - c) & (w - 1);
            }
            uint64_t r = c ? (x << c) | (x >> (w - c)) : x;
            set(&f, a[0], r, ty);
            break;
        }
        case IR_neg:
            set(&f, a[0], -get(&f, a[1]), ty);
            break;
        case IR_not:
            set(&f, a[0], ~get(&f, a[1]), ty);
            break;
        case IR_mulu2:
        case IR_muls2: {
            uint64_t x = get(&f, a[2]), y = get(&f, a[3]), lo, hi;
            if (ty == IR_I32) {
                uint64_t p = op->opc == IR_mulu2 ? (uint64_t)(uint32_t)x * (uint32_t)y
                                                 : (uint64_t)((int64_t)(int32_t)x * (int32_t)y);
                lo = p;
                hi = p >> 32;
            } else if (op->opc == IR_mulu2) {
                unsigned __int128 p = (unsigned __int128)x * y;
                lo = (uint64_t)p;
                hi = (uint64_t)(p >> 64);
            } else {
                __int128 p = (__int128)(int64_t)x * (int64_t)y;
                lo = (uint64_t)p;
                hi = (uint64_t)((unsigned __int128)p >> 64);
            }
            set(&f, a[0], lo, ty);
            set(&f, a[1], hi, ty);
            break;
        }
        case IR_ext8u:
            set(&f, a[0], (uint8_t)get(&f, a[1]), ty);
            break;
        case IR_ext8s:
            set(&f, a[0], (uint64_t)(int64_t)(int8_t)get(&f, a[1]), ty);
            break;
        case IR_ext16u:
            set(&f, a[0], (uint16_t)get(&f, a[1]), ty);
            break;
        case IR_ext16s:
            set(&f, a[0], (uint64_t)(int64_t)(int16_t)get(&f, a[1]), ty);
            break;
        case IR_ext32u:
        case IR_extu_i32_i64:
        case IR_trunc_i64_i32:
            set(&f, a[0], (uint32_t)get(&f, a[1]), ty);
            break;
        case IR_ext32s:
        case IR_exts_i32_i64:
            set(&f, a[0], (uint64_t)(int64_t)(int32_t)get(&f, a[1]), IR_I64);
            break;
        case IR_bswap:
            set(&f, a[0], bswap_n(get(&f, a[1]), op->imm), ty);
            break;
        case IR_setcond: {
            bool r = cond_eval(op->imm, get(&f, a[1]), get(&f, a[2]), ty);
            set(&f, a[0], r, IR_I64);
            break;
        }
        case IR_movcond: {
            bool r = cond_eval(op->imm, get(&f, a[1]), get(&f, a[2]), ty);
            set(&f, a[0], get(&f, r ? a[3] : a[4]), IR_I64);
            break;
        }
        case IR_label:
            break;
        case IR_br:
            i = b->label_pos[op->imm];
            break;
        case IR_brcond:
            if (cond_eval(a[2], get(&f, a[0]), get(&f, a[1]), ty)) {
                i = b->label_pos[op->imm];
            }
            break;
        case IR_ld_env: {
            MemOp mop = a[1];
            uint64_t v = 0;
            memcpy(&v, f.env + op->imm, memop_size(mop));
            set(&f, a[0], extend_load(v, mop), ty);
            break;
        }
        case IR_st_env: {
            uint64_t v = get(&f, a[0]);
            memcpy(f.env + op->imm, &v, memop_size(a[1]));
            break;
        }
        case IR_ld:
            set(&f, a[0], guest_ld(t, get(&f, a[1]), op->imm), ty);
            break;
        case IR_st:
            guest_st(t, get(&f, a[1]), get(&f, a[0]), op->imm);
            break;
        case IR_call: {
            uint64_t r = call_helper(cpu, op, &f);
            if (a[0] != IR_NONE) {
                set(&f, a[0], r, IR_I64);
            }
            break;
        }
        case IR_insn_start:
            if (t->current_tb_invalidated) {
                /* the previous instruction wrote over this block's code:
                 * stop here, the rest is retranslated from fresh bytes */
                t->current_tb_invalidated = false;
                cpu->env.rip = op->imm - tb->cs_base;
                cpu->env.cc_op = a[0];
                return RUN_EXIT;
            }
            t->insn_pc = op->imm;
            t->insn_cc_op = a[0];
            break;
        case IR_goto_tb:
            *slot = op->imm;
            return RUN_GOTO_TB;
        case IR_exit_tb:
            *slot = -1;
            return RUN_EXIT;
        case IR_lookup_and_goto:
            return RUN_LOOKUP;
        case IR_NB_OPS:
            break;
        }
    }
    *slot = -1;
    return RUN_EXIT;
}

void interp_exec(TCGCPU *t, TranslationBlock *tb, TranslationBlock **last, int *slot)
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
