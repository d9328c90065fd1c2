/*
 * Blocks that loop in place (native.c): a block whose chained exit jumps
 * back to its own first instruction runs as a loop, with the 64-bit
 * globals it uses most in fixed host registers across iterations; each
 * way back tests the exit request and puts them back in their registers.
 */
#include <stddef.h>
#include <string.h>

#include "accel/tcg/backend/x86_64/emit.h"
#include "accel/tcg/backend/x86_64/regalloc.h"
#include "target/x86/cpu.h"
#include "system/log.h"
#include "target/x86/cc.h"

static const int8_t loop_regs[LOOP_GLOBALS] = { RBX, R12, R13, R14, RSI, RDI, R8 };

int loop_index(const Gen *g, IRv v)
{
    for (unsigned k = 0; k < g->nloop; k++) {
        if (g->loop_global[k] == v) {
            return (int)k;
        }
    }
    return -1;
}

/* The goto_tb that jumps back to the block's own first instruction, and
 * the 64-bit globals the block uses most, which will live in loop_regs. */
void loop_detect(Gen *g)
{
    g->loop_goto = SIZE_MAX;
    if (log_enabled(LOG_EXEC | LOG_CPU)) {
        return; /* every block must pass the CPU loop to be logged */
    }
    for (size_t i = 1; i < g->nops; i++) {
        if (g->ops[i].opc == IR_goto_tb && is_rip_store(&g->ops[i - 1]) &&
            const_val(g, g->ops[i - 1].args[1]) == g->tb->pc - g->tb->cs_base) {
            g->loop_goto = i;
            break;
        }
    }
    if (g->loop_goto == SIZE_MAX) {
        return;
    }
    size_t i = g->loop_goto;
    g->loop_label_op = SIZE_MAX;
    if (i >= 2 && g->ops[i - 2].opc == IR_label) {
        if (i + 1 >= g->nops || g->ops[i + 1].opc != IR_exit_tb || g->label_refs[g->ops[i - 2].imm] != 1 ||
            i < 3 || (g->ops[i - 3].opc != IR_exit_tb && g->ops[i - 3].opc != IR_lookup_and_goto)) {
            g->loop_goto = SIZE_MAX;
            return;
        }
        g->loop_label_op = i - 2;
    }
    unsigned uses[IR_MAX_GLOBALS] = { 0 };
    for (size_t i = 0; i < g->nops; i++) {
        if (i + 1 == g->loop_goto) {
            continue;
        }
        const IROp *op = &g->ops[i];
        IRArgShape a = ir_op_shape(op);
        for (unsigned k = 0; k < a.nin + a.nout; k++) {
            IRv v = op->args[k < a.nin ? a.in[k] : a.out[k - a.nin]];
            if (is_global(v) && !global_is32(v) && !is_rip(v)) {
                uses[IRV_INDEX(v)]++;
            }
        }
    }
    g->nloop = 0;
    while (g->nloop < LOOP_GLOBALS) {
        unsigned best = 0, bi = 0;
        for (unsigned k = 0; k < IR_MAX_GLOBALS; k++) {
            if (uses[k] > best) {
                best = uses[k];
                bi = k;
            }
        }
        if (!best) {
            break;
        }
        uses[bi] = 0;
        g->loop_global[g->nloop] = IRV_GLOBAL | bi;
        g->loop_reg[g->nloop] = loop_regs[g->nloop];
        g->nloop++;
    }
    if (!g->nloop) {
        g->loop_goto = SIZE_MAX;
    }
}

/* Load the loop's globals into their registers, once per entry. They count
 * as dirty from here on: one state holds at the head whichever way it is
 * reached. */
void loop_enter(Gen *g)
{
    for (unsigned k = 0; k < g->nloop; k++) {
        IRv v = g->loop_global[k];
        ld_zx(&g->cb, 3, g->loop_reg[k], RBP, -1, global_off(v));
        reg_bind(g, g->loop_reg[k], v, true);
    }
    if (g->has_sse_inline) {
        /* iterations start with the host's MXCSR known (gen_sse_inline) */
        sse_mxcsr_normalize(&g->cb, t_off(g, &g->t->native_arg[0]));
        g->mxcsr_known = true;
    }
    g->loop_head = g->cb.ptr;
}

/* The jump back: leave if the vCPU is asked to (or the block wrote over
 * itself), store the other dirty globals, put the loop's globals back in
 * their registers (a parallel move) and go to the head. */
void gen_loop_back(Gen *g, bool keep_state)
{
    CodeBuf *cb = &g->cb;
    IRv saved_owner[16];
    VState saved_gv[IR_MAX_GLOBALS];
    memcpy(saved_owner, g->owner, sizeof(saved_owner));
    memcpy(saved_gv, g->gv, sizeof(saved_gv));
    uint64_t pc = g->tb->pc - g->tb->cs_base;
    Stub st = { .kind = STUB_LOOP_EXIT, .rip = pc };
    snapshot_dirty(g, &st);
    op_rm(cb, false, 0x80, ALU_CMP, R15, -1, 0, t_off(g, &g->t->exit_request), false);
    e8(cb, 0);
    st.jump_disp = jcc32(cb, CC_NE);
    g_array_append_val(g->stubs, st);
    if (g->may_smc) {
        Stub smc = { .kind = STUB_SMC, .rip = pc, .cc_op = CC_OP_DYNAMIC };
        snapshot_dirty(g, &smc);
        op_rm(cb, false, 0x80, ALU_CMP, R15, -1, 0, t_off(g, &g->t->current_tb_invalidated), false);
        e8(cb, 0);
        smc.jump_disp = jcc32(cb, CC_NE);
        g_array_append_val(g->stubs, smc);
    }
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v == IR_NONE) {
            continue;
        }
        if (v == OWNER_SCRATCH || !is_global(v)) {
            g->owner[r] = IR_NONE; /* no temp lives on: its register is free here */
        } else if (loop_index(g, v) < 0) {
            reg_writeback(g, r);
            reg_forget(g, r);
        }
    }
    /* each loop global to its register; RAX (not a loop register) breaks cycles */
    bool done[LOOP_GLOBALS] = { false };
    unsigned left = g->nloop;
    while (left) {
        bool progress = false;
        for (unsigned k = 0; k < g->nloop; k++) {
            if (done[k]) {
                continue;
            }
            IRv v = g->loop_global[k];
            VState *s = vstate(g, v);
            int want = g->loop_reg[k];
            if (s->loc == L_REG && s->reg == want) {
                done[k] = true;
                left--;
                progress = true;
            } else if (g->owner[want] == IR_NONE) {
                if (s->loc == L_REG) {
                    mov_rr(cb, true, want, s->reg);
                    g->owner[s->reg] = IR_NONE;
                } else {
                    ld_zx(cb, 3, want, RBP, -1, global_off(v));
                }
                reg_bind(g, want, v, true);
                done[k] = true;
                left--;
                progress = true;
            }
        }
        if (!progress) {
            /* a cycle: the remaining globals sit in each other's registers;
             * park one in RAX (free again once its cycle has moved) */
            bool parked = false;
            for (unsigned k = 0; k < g->nloop && !parked; k++) {
                VState *s = vstate(g, g->loop_global[k]);
                if (!done[k] && s->loc == L_REG && g->owner[RAX] == IR_NONE) {
                    mov_rr(cb, true, RAX, s->reg);
                    g->owner[s->reg] = IR_NONE;
                    reg_bind(g, RAX, g->loop_global[k], true);
                    parked = true;
                }
            }
            if (!parked) {
                g->failed = true; /* cannot happen: no way to make progress */
                break;
            }
        }
    }
    if (g->has_sse_inline && !g->mxcsr_known) {
        sse_mxcsr_normalize(&g->cb, t_off(g, &g->t->native_arg[0])); /* RAX is free: only loop globals are in registers */
    }
    patch_rel32(jmp32(cb), g->loop_head);
    if (keep_state) {
        /* the code after a conditional way back goes on from the branch */
        memcpy(g->owner, saved_owner, sizeof(saved_owner));
        memcpy(g->gv, saved_gv, sizeof(saved_gv));
        return;
    }
    /* nothing falls through: what follows starts from an empty state */
    for (int r = 0; r < 16; r++) {
        if (g->owner[r] != IR_NONE && g->owner[r] != OWNER_SCRATCH && !is_global(g->owner[r])) {
            temp_kill(g, g->owner[r]);
        }
        reg_forget(g, r);
    }
    for (unsigned k = 0; k < IR_MAX_GLOBALS; k++) {
        g->gv[k] = (VState){ L_MEM, -1, false, -1 };
    }
}
