/*
 * The native backend's register allocator (see regalloc.h): local to each
 * basic block, in one forward pass after the backward liveness pass here.
 * Guest registers (globals) and temps live in host registers and are
 * written back only when they must be: a dirty global at the end of a
 * basic block, before a helper that may read it, on a slow path; a temp
 * that lives across basic blocks ("cross") in its spill slot.
 */
#include "accel/tcg/backend/x86_64/regalloc.h"

#include <glib.h>

/* Callee-saved first: values there survive helper calls. */
static const int8_t reg_order[] = { RBX, R12, R13, R14, RSI, RDI, R8,
                                    R9,  R10, R11, RAX, RCX, RDX };

int32_t slot_disp(int32_t slot)
{
    return slot * 8;
}

int32_t slot_alloc(Gen *g)
{
    if (g->nfree_slots) {
        return g->free_slots[--g->nfree_slots];
    }
    if (g->next_slot >= FRAME_SLOTS) {
        g->failed = true;
        return 0;
    }
    return (int32_t)g->next_slot++;
}

void slot_free(Gen *g, int32_t slot)
{
    g->free_slots[g->nfree_slots++] = slot;
}

/* Write a register's value back to its home (env for a global, a spill
 * slot for a temp), leaving the register copy valid. */
void reg_writeback(Gen *g, int r)
{
    IRv v = g->owner[r];
    VState *s = vstate(g, v);
    if (!s->dirty) {
        return;
    }
    if (is_global(v)) {
        st_sized(&g->cb, global_is32(v) ? 2 : 3, r, RBP, -1, global_off(v));
    } else {
        if (s->slot < 0) {
            s->slot = slot_alloc(g);
        }
        st_sized(&g->cb, 3, r, RSP, -1, slot_disp(s->slot));
    }
    s->dirty = false;
}

void reg_forget(Gen *g, int r)
{
    IRv v = g->owner[r];
    if (v != IR_NONE && v != OWNER_SCRATCH) {
        VState *s = vstate(g, v);
        s->loc = L_MEM;
        s->reg = -1;
    }
    g->owner[r] = IR_NONE;
}

/* Global v's next value goes to env (or nowhere) by other means: drop any
 * register copy without storing it. */
void global_discard(Gen *g, IRv v)
{
    VState *s = vstate(g, v);
    if (s->loc == L_REG && g->owner[s->reg] == v) {
        g->owner[s->reg] = IR_NONE;
    }
    *s = (VState){ L_MEM, -1, false, -1 };
}

void reg_spill(Gen *g, int r)
{
    if (g->owner[r] != IR_NONE && g->owner[r] != OWNER_SCRATCH) {
        reg_writeback(g, r);
    }
    reg_forget(g, r);
}

void reg_bind(Gen *g, int r, IRv v, bool dirty)
{
    g->owner[r] = v;
    VState *s = vstate(g, v);
    s->loc = L_REG;
    s->reg = (int8_t)r;
    s->dirty = dirty;
}

/* A free register from mask (not locked), evicting one if none is free. */
int reg_alloc(Gen *g, uint16_t mask)
{
    mask &= REG_ALLOCATABLE & ~g->locked;
    for (unsigned i = 0; i < sizeof(reg_order); i++) {
        int r = reg_order[i];
        if ((mask >> r & 1) && g->owner[r] == IR_NONE) {
            return r;
        }
    }
    /* evict: a clean value first (no store needed), caller-saved first */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = sizeof(reg_order) - 1; i >= 0; i--) {
            int r = reg_order[i];
            if (!(mask >> r & 1) || g->owner[r] == OWNER_SCRATCH) {
                continue;
            }
            if (pass == 0 && vstate(g, g->owner[r])->dirty) {
                continue;
            }
            reg_spill(g, r);
            return r;
        }
    }
    g->failed = true; /* every register locked: cannot happen with <= 6 inputs */
    return RAX;
}

/* The register for output d when it takes no input's register: a global
 * already in a register keeps it (its old value dies here; a looping
 * block's globals then stay where the loop keeps them), else any. own_reg
 * is that register (not an input of the op), or -1. */
int out_alloc(Gen *g, IRv d, uint16_t mask)
{
    int r = own_reg(g, d);
    return r >= 0 && (mask >> r & 1) ? r : reg_alloc(g, mask);
}

int own_reg(Gen *g, IRv d)
{
    if (is_global(d)) {
        VState *s = vstate(g, d);
        if (s->loc == L_REG && g->owner[s->reg] == d && !(g->locked >> s->reg & 1)) {
            return s->reg;
        }
    }
    return -1;
}

int scratch_alloc(Gen *g, uint16_t mask)
{
    int r = reg_alloc(g, mask);
    g->owner[r] = OWNER_SCRATCH;
    g->locked |= 1u << r;
    return r;
}

/* Put value v in some register (of mask) and lock it for this op. */
int load_val(Gen *g, IRv v, uint16_t mask)
{
    if (is_const(v)) {
        int r = scratch_alloc(g, mask);
        mov_ri(&g->cb, r, const_val(g, v));
        return r;
    }
    VState *s = vstate(g, v);
    if (s->loc == L_REG) {
        if (mask >> s->reg & 1) {
            g->locked |= 1u << s->reg;
            return s->reg;
        }
        int r = reg_alloc(g, mask);
        mov_rr(&g->cb, true, r, s->reg);
        g->owner[s->reg] = IR_NONE;
        reg_bind(g, r, v, s->dirty);
        g->locked |= 1u << r;
        return r;
    }
    int r = reg_alloc(g, mask);
    if (is_global(v)) {
        ld_zx(&g->cb, global_is32(v) ? 2 : 3, r, RBP, -1, global_off(v));
        reg_bind(g, r, v, false);
    } else if (s->loc == L_MEM && s->slot >= 0) {
        ld_zx(&g->cb, 3, r, RSP, -1, slot_disp(s->slot));
        reg_bind(g, r, v, false);
    } else {
        /* a temp read before any write: the interpreter reads zero */
        mov_ri_keepflags(&g->cb, r, 0);
        reg_bind(g, r, v, true);
    }
    g->locked |= 1u << r;
    return r;
}

/* Move whatever occupies register r elsewhere (keeping it locked if it
 * was), so the op can use r for itself. */
void reg_vacate(Gen *g, int r)
{
    IRv v = g->owner[r];
    if (v == IR_NONE) {
        return;
    }
    bool was_locked = g->locked >> r & 1;
    g->locked |= 1u << r;
    if (v == OWNER_SCRATCH || was_locked) {
        int n = reg_alloc(g, REG_ALLOCATABLE);
        mov_rr(&g->cb, true, n, r);
        g->owner[n] = v;
        if (v != OWNER_SCRATCH) {
            vstate(g, v)->reg = (int8_t)n;
        }
        g->locked |= 1u << n;
        g->owner[r] = IR_NONE;
    } else {
        reg_spill(g, r);
    }
    g->locked &= ~(1u << r);
}

/* The temp dies here: free its register and slot. */
void temp_kill(Gen *g, IRv v)
{
    VState *s = &g->tv[v];
    if (s->loc == L_REG && g->owner[s->reg] == v) {
        g->owner[s->reg] = IR_NONE;
    }
    if (s->slot >= 0) {
        slot_free(g, s->slot);
    }
    s->loc = L_DEAD;
    s->reg = -1;
    s->slot = -1;
    s->dirty = false;
}

/* Make register r hold output d (temp or global): r's previous owner, if
 * a dead input, is already gone; d's previous register is freed. */
void out_bind(Gen *g, IRv d, int r)
{
    VState *s = vstate(g, d);
    if (s->loc == L_REG && s->reg != r && g->owner[s->reg] == d) {
        g->owner[s->reg] = IR_NONE;
    }
    if (!is_global(d) && s->slot >= 0 && !g->cross[d]) {
        slot_free(g, s->slot);
        s->slot = -1;
    }
    g->locked &= ~(1u << r);
    reg_bind(g, r, d, true);
}

/* ---- whole-state synchronisation ---- */

/* Store dirty globals (kept in their registers, now clean). */
void sync_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v != IR_NONE && v != OWNER_SCRATCH && is_global(v)) {
            reg_writeback(g, r);
        }
    }
}

void forget_globals(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v != IR_NONE && v != OWNER_SCRATCH && is_global(v)) {
            reg_forget(g, r);
        }
    }
}

/* End of a basic block: everything to memory, nothing cached. */
void sync_all(Gen *g)
{
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v == IR_NONE || v == OWNER_SCRATCH) {
            continue;
        }
        if (is_global(v) || g->cross[v]) {
            reg_writeback(g, r);
            reg_forget(g, r);
        } else {
            temp_kill(g, v);
        }
    }
}

void snapshot_dirty(Gen *g, Stub *st)
{
    st->ndirty = 0;
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v != IR_NONE && v != OWNER_SCRATCH && is_global(v) && g->gv[IRV_INDEX(v)].dirty) {
            st->dirty[st->ndirty++] = (DirtyGlobal){ (int8_t)r, global_is32(v), global_off(v) };
        }
    }
}

/* ---- liveness ---- */


bool ends_bb(const Gen *g, const IROp *op)
{
    unsigned opc = op->opc;
    if (opc == IR_brcond) {
        return !g->side_exit[op->imm];
    }
    return opc == IR_br || opc == IR_goto_tb || opc == IR_exit_tb || opc == IR_lookup_and_goto;
}

void liveness(Gen *g)
{
    uint32_t nt = g->b->ntemps + 1;
    int32_t *first_bb = g_new(int32_t, nt);
    for (uint32_t i = 0; i < nt; i++) {
        first_bb[i] = -1;
    }
    int32_t bb = 0;
    for (size_t i = 0; i < g->nops; i++) {
        const IROp *op = &g->ops[i];
        if (op->opc == IR_label) {
            bb++;
        }
        IRArgShape a = ir_op_shape(op);
        for (unsigned k = 0; k < a.nin; k++) {
            IRv v = op->args[a.in[k]];
            if (is_temp(v)) {
                if (first_bb[v] < 0) {
                    first_bb[v] = bb;
                    g->cross[v] = true; /* read before written in its block */
                } else if (first_bb[v] != bb) {
                    g->cross[v] = true;
                }
            }
        }
        for (unsigned k = 0; k < a.nout; k++) {
            IRv v = op->args[a.out[k]];
            if (is_temp(v)) {
                if (first_bb[v] < 0) {
                    first_bb[v] = bb;
                } else if (first_bb[v] != bb) {
                    g->cross[v] = true;
                }
            }
        }
        if (ends_bb(g, op)) {
            bb++;
        }
    }
    g_free(first_bb);

    bool *live = g_new0(bool, nt);
    for (size_t i = g->nops; i-- > 0;) {
        const IROp *op = &g->ops[i];
        if (ends_bb(g, op)) {
            memcpy(live, g->cross, nt);
        }
        IRArgShape a = ir_op_shape(op);
        uint16_t dead = 0;
        for (unsigned k = 0; k < a.nout; k++) {
            IRv v = op->args[a.out[k]];
            if (is_temp(v)) {
                if (!live[v]) {
                    dead |= 1u << a.out[k];
                }
                live[v] = false;
            }
        }
        for (unsigned k = 0; k < a.nin; k++) {
            IRv v = op->args[a.in[k]];
            if (is_temp(v) && !live[v]) {
                dead |= 1u << a.in[k];
                live[v] = true;
            }
        }
        g->dead[i] = dead;
        if (op->opc == IR_label) {
            memcpy(live, g->cross, nt);
        }
    }
    g_free(live);
}

bool dies(const Gen *g, size_t i, unsigned argi)
{
    return g->dead[i] >> argi & 1;
}

/* Free the op's dying temp inputs (their registers may have become the
 * output already) and release scratch registers and locks. */
void op_finish(Gen *g, size_t i, const IROp *op)
{
    IRArgShape a = ir_op_shape(op);
    for (unsigned k = 0; k < a.nin; k++) {
        IRv v = op->args[a.in[k]];
        if (is_temp(v) && dies(g, i, a.in[k]) && g->tv[v].loc != L_DEAD) {
            bool is_out = false;
            for (unsigned o = 0; o < a.nout; o++) {
                is_out |= op->args[a.out[o]] == v;
            }
            if (!is_out) {
                temp_kill(g, v);
            }
        }
    }
    for (unsigned k = 0; k < a.nout; k++) {
        IRv v = op->args[a.out[k]];
        if (is_temp(v) && dies(g, i, a.out[k]) && !g->cross[v]) {
            temp_kill(g, v);
        }
    }
    for (int r = 0; r < 16; r++) {
        if (g->owner[r] == OWNER_SCRATCH) {
            g->owner[r] = IR_NONE;
        }
    }
    g->locked = 0;
}

/* Can the output take input v's register? When v dies here (a temp), or v
 * is the output itself (overwritten anyway). */
bool reusable(const Gen *g, size_t i, unsigned argi, IRv v, IRv d)
{
    if (is_const(v)) {
        return false;
    }
    return v == d || (is_temp(v) && dies(g, i, argi));
}

/* The output takes input v's register r: v is a temp dying here (forget
 * it) or the output itself (rebound by out_bind). */
int take_reg(Gen *g, int r, IRv v, IRv d)
{
    if (v != d) {
        temp_kill(g, v);
        g->owner[r] = IR_NONE;
    }
    return r;
}
