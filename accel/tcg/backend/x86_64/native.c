/*
 * The native backend: compiles IR blocks to x86-64 host code, op by op,
 * with the register allocator in regalloc.c (values in host registers,
 * written back only when they must be).
 *
 * Guest loads and stores take the softmmu TLB hit path inline (index,
 * tag compare, add the entry's addend); a miss, MMIO or a store to a page
 * holding translated code jumps to an out-of-line stub that saves what it
 * must and calls tlb.c. Helper calls and slow paths first publish a
 * TCGSite (block, guest pc, cc_op of the instruction) so that a guest
 * exception raised inside is precise.
 *
 * Blocks are chained by patching the rel32 of their goto_tb jumps;
 * lookup_and_goto asks the TB cache without leaving generated code.
 * Every block starts by testing the vCPU's exit request. The code cache is
 * one mapping (-accel tcg,tb-size=MiB); when it is full the whole
 * translation cache is flushed and compilation starts over at its
 * beginning.
 *
 * Fixed host registers: RBP holds &cpu->env (X86CPU starts with env, so it
 * is also the helpers' X86CPU *), R15 the vCPU's TCGCPU (TLB, exit
 * request); RSP points at the spill slots. Encodings are in emit.h; the
 * code cache, block entry and the slow paths in code-cache.c; guest SSE
 * arithmetic inline in sse-inline.c (native.h lists what they share). A
 * block that jumps back to its own start runs as a loop that keeps its
 * most used globals in fixed registers (loop.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/backend/x86_64/emit.h"
#include "accel/tcg/backend/x86_64/native.h"
#include "system/log.h"
#include "target/x86/cc.h"
#include "target/x86/excp_helper.h"
#include "target/x86/sse_helper.h"

#define OP_ROOM 4096              /* the most one IR op can emit */

#include "accel/tcg/backend/x86_64/regalloc.h"

/* Registers that hold a looping block's globals, callee-saved first. */

/* ---- op emission ---- */

static int host_cc(unsigned c)
{
    static const int8_t map[] = {
        [IR_EQ] = CC_E,   [IR_NE] = CC_NE,  [IR_LT] = CC_L,     [IR_GE] = CC_GE,
        [IR_LE] = CC_LE,  [IR_GT] = CC_G,   [IR_LTU] = CC_B,    [IR_GEU] = CC_AE,
        [IR_LEU] = CC_BE, [IR_GTU] = CC_A,  [IR_TSTEQ] = CC_E,  [IR_TSTNE] = CC_NE,
    };
    return map[c];
}

static bool imm_ok(const Gen *g, IRv v, bool w)
{
    return is_const(v) && (!w || fits_s32((int64_t)const_val(g, v)));
}

static void gen_binary(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv d = op->args[0], a = op->args[1], b = op->args[2];
    unsigned ai = 1, bi = 2;
    bool commutative = op->opc == IR_add || op->opc == IR_mul || op->opc == IR_and ||
                       op->opc == IR_or || op->opc == IR_xor;
    if (commutative && !reusable(g, i, ai, a, d) && reusable(g, i, bi, b, d)) {
        IRv tmp = a;
        a = b;
        b = tmp;
        ai = 2;
        bi = 1;
    }
    if (commutative && is_const(a) && !is_const(b)) {
        IRv tmp = a;
        a = b;
        b = tmp;
        unsigned ti = ai;
        ai = bi;
        bi = ti;
    }
    int ra = load_val(g, a, REG_ALLOCATABLE);
    bool bimm = op->opc != IR_mul && imm_ok(g, b, w);
    int rb = bimm ? -1 : load_val(g, b, REG_ALLOCATABLE);
    int r;
    if (reusable(g, i, ai, a, d)) {
        r = take_reg(g, ra, a, d);
    } else if (op->opc == IR_add && w) {
        r = out_alloc(g, d, REG_ALLOCATABLE);
        if (bimm) {
            lea(&g->cb, r, ra, -1, 0, (int32_t)const_val(g, b));
        } else {
            lea(&g->cb, r, ra, rb, 0, 0);
        }
        out_bind(g, d, r);
        return;
    } else {
        r = out_alloc(g, d, REG_ALLOCATABLE);
        mov_rr(&g->cb, w, r, ra);
    }
    int alu = -1;
    switch (op->opc) {
    case IR_add: alu = ALU_ADD; break;
    case IR_sub: alu = ALU_SUB; break;
    case IR_and: alu = ALU_AND; break;
    case IR_or: alu = ALU_OR; break;
    case IR_xor: alu = ALU_XOR; break;
    default: break;
    }
    if (op->opc == IR_mul) {
        imul_rr(&g->cb, w, r, rb);
    } else if (bimm) {
        alu_ri(&g->cb, w, alu, r, (int32_t)const_val(g, b));
    } else {
        alu_rr(&g->cb, w, alu, r, rb);
    }
    out_bind(g, d, r);
    if (alu >= 0) {
        /* ZF now says whether d is zero */
        g->zf_val = d;
        g->zf_reg = (int8_t)r;
        g->zf_w = w;
    }
}

static void gen_shift(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv d = op->args[0], a = op->args[1], b = op->args[2];
    int sh = 0;
    switch (op->opc) {
    case IR_shl: sh = SH_SHL; break;
    case IR_shr: sh = SH_SHR; break;
    case IR_sar: sh = SH_SAR; break;
    case IR_rotl: sh = SH_ROL; break;
    default: sh = SH_ROR; break;
    }
    if (is_const(b)) {
        int ra = load_val(g, a, REG_ALLOCATABLE);
        int r = reusable(g, i, 1, a, d) ? take_reg(g, ra, a, d) : out_alloc(g, d, REG_ALLOCATABLE);
        if (r != ra) {
            mov_rr(&g->cb, w, r, ra);
        }
        unsigned count = const_val(g, b) & (w ? 63 : 31);
        if (count) {
            shift_ri(&g->cb, w, sh, r, count);
        } else if (!w) {
            mov_rr(&g->cb, false, r, r);
        }
        out_bind(g, d, r);
        return;
    }
    int rb = load_val(g, b, REG_ALLOCATABLE);
    if (rb != RCX) {
        reg_vacate(g, RCX);
        mov_rr(&g->cb, false, RCX, rb);
        g->owner[RCX] = OWNER_SCRATCH;
        g->locked |= 1u << RCX;
    }
    int ra = load_val(g, a, REG_ALLOCATABLE & ~(1u << RCX));
    int r;
    if (reusable(g, i, 1, a, d) && ra != RCX) {
        r = take_reg(g, ra, a, d);
    } else {
        r = out_alloc(g, d, REG_ALLOCATABLE & ~(1u << RCX));
        mov_rr(&g->cb, w, r, ra);
    }
    shift_rcl(&g->cb, w, sh, r);
    out_bind(g, d, r);
}

static void gen_unary(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv d = op->args[0], a = op->args[1];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int r = reusable(g, i, 1, a, d) ? take_reg(g, ra, a, d) : out_alloc(g, d, REG_ALLOCATABLE);
    CodeBuf *cb = &g->cb;
    switch (op->opc) {
    case IR_mov:
        if (r != ra) {
            mov_rr(cb, w, r, ra);
        }
        break;
    case IR_neg:
    case IR_not:
        if (r != ra) {
            mov_rr(cb, w, r, ra);
        }
        unary(cb, w, op->opc == IR_neg ? 3 : 2, r);
        break;
    case IR_ext8u: movzx8(cb, r, ra); break;
    case IR_ext8s: movsx8(cb, w, r, ra); break;
    case IR_ext16u: movzx16(cb, r, ra); break;
    case IR_ext16s: movsx16(cb, w, r, ra); break;
    case IR_ext32u:
    case IR_extu_i32_i64:
    case IR_trunc_i64_i32:
        mov_rr(cb, false, r, ra);
        break;
    case IR_ext32s:
    case IR_exts_i32_i64:
        movsxd(cb, r, ra);
        break;
    case IR_bswap:
        switch (op->imm & MO_SIZE) {
        case MO_8: movzx8(cb, r, ra); break;
        case MO_16:
            movzx16(cb, r, ra);
            rol16_8(cb, r);
            break;
        case MO_32:
            mov_rr(cb, false, r, ra);
            bswap_r(cb, false, r);
            break;
        default:
            if (r != ra) {
                mov_rr(cb, true, r, ra);
            }
            bswap_r(cb, true, r);
            break;
        }
        break;
    default:
        break;
    }
    out_bind(g, d, r);
}

/* Which of the looping block's globals v is, or -1. */
static void gen_mov(Gen *g, size_t i, const IROp *op)
{
    IRv d = op->args[0], a = op->args[1];
    if (is_const(a) && is_global(d) && loop_index(g, d) < 0 &&
        (global_is32(d) || fits_s32((int64_t)const_val(g, a)))) {
        /* a constant into a guest register or flag slot (rIP before an
         * exit, cc_op): one store now, instead of a register to keep and
         * write back later (a looping block's globals stay in registers) */
        global_discard(g, d);
        st_imm(&g->cb, global_is32(d) ? 2 : 3, RBP, global_off(d), (int32_t)const_val(g, a));
        return;
    }
    if (is_const(a)) {
        int r = out_alloc(g, d, REG_ALLOCATABLE);
        uint64_t v = const_val(g, a);
        mov_ri(&g->cb, r, op->type == IR_I32 ? (uint32_t)v : v);
        out_bind(g, d, r);
        return;
    }
    gen_unary(g, i, op);
}

/* Compare a with b (register or immediate) for condition c. */
static void emit_compare(Gen *g, unsigned c, bool w, int ra, IRv b, int rb)
{
    bool test = c == IR_TSTEQ || c == IR_TSTNE;
    if (rb < 0) {
        int32_t imm = (int32_t)const_val(g, b);
        if (test) {
            test_ri(&g->cb, w, ra, imm);
        } else {
            alu_ri(&g->cb, w, ALU_CMP, ra, imm);
        }
    } else if (test) {
        test_rr(&g->cb, w, ra, rb);
    } else {
        alu_rr(&g->cb, w, ALU_CMP, ra, rb);
    }
}

/* The compare before a jcc on c: none when it is "a == 0" or "a != 0"
 * and the flags still come from the ALU op that computed a, in ra. */
static void emit_branch_compare(Gen *g, unsigned c, bool w, IRv a, int ra, IRv b, int rb)
{
    if ((c == IR_EQ || c == IR_NE) && rb < 0 && const_val(g, b) == 0 && g->zf_prev == a &&
        g->zf_reg == ra && g->zf_w == w) {
        return;
    }
    emit_compare(g, c, w, ra, b, rb);
}

static void gen_setcond(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv d = op->args[0], a = op->args[1], b = op->args[2];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = imm_ok(g, b, w) ? -1 : load_val(g, b, REG_ALLOCATABLE);
    int r = reg_alloc(g, REG_ALLOCATABLE);
    emit_compare(g, op->imm, w, ra, b, rb);
    setcc(&g->cb, host_cc(op->imm), r);
    movzx8(&g->cb, r, r);
    out_bind(g, d, r);
}

static void gen_movcond(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv d = op->args[0], a = op->args[1], b = op->args[2], tv = op->args[3], fv = op->args[4];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = imm_ok(g, b, w) ? -1 : load_val(g, b, REG_ALLOCATABLE);
    int rt = load_val(g, tv, REG_ALLOCATABLE);
    int rf = load_val(g, fv, REG_ALLOCATABLE);
    int r = reg_alloc(g, REG_ALLOCATABLE);
    emit_compare(g, op->imm, w, ra, b, rb);
    mov_rr(&g->cb, w, r, rf);
    cmovcc(&g->cb, w, host_cc(op->imm), r, rt);
    out_bind(g, d, r);
}

static void gen_mul2(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv lo = op->args[0], hi = op->args[1], a = op->args[2], b = op->args[3];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = load_val(g, b, REG_ALLOCATABLE);
    /* RDX:RAX = RAX * rb; move the inputs out of RAX/RDX first */
    static const int8_t fixed[] = { RAX, RDX };
    for (unsigned k = 0; k < 2; k++) {
        reg_vacate(g, fixed[k]);
        g->owner[fixed[k]] = OWNER_SCRATCH;
        g->locked |= 1u << fixed[k];
    }
    ra = is_const(a) ? -1 : vstate(g, a)->reg;
    rb = is_const(b) ? -1 : vstate(g, b)->reg;
    /* constants were in scratch registers that reg_vacate moved: reload */
    if (ra < 0) {
        mov_ri(&g->cb, RAX, const_val(g, a));
    } else {
        mov_rr(&g->cb, w, RAX, ra);
    }
    if (rb < 0) {
        rb = scratch_alloc(g, REG_ALLOCATABLE & ~((1u << RAX) | (1u << RDX)));
        mov_ri(&g->cb, rb, const_val(g, b));
    }
    unary(&g->cb, w, op->opc == IR_mulu2 ? 4 : 5, rb);
    g->owner[RAX] = g->owner[RDX] = IR_NONE;
    out_bind(g, lo, RAX);
    out_bind(g, hi, RDX);
}

/* ---- guest memory ---- */

/* Caller-saved registers holding values, but for this op's scratch. */
static uint16_t live_caller_saved(const Gen *g)
{
    uint16_t m = 0;
    for (int r = 0; r < 16; r++) {
        if ((REG_CALLER_SAVED >> r & 1) && g->owner[r] != IR_NONE && g->owner[r] != OWNER_SCRATCH) {
            m |= 1u << r;
        }
    }
    return m;
}


/* (libgcc fills the CPU model in a constructor: a test is a load) */
static bool host_bmi2(void)
{
    return __builtin_cpu_supports("bmi2");
}

static void gen_ldst(Gen *g, size_t i, const IROp *op, bool is_store)
{
    MemOp mop = IR_LDST_MEMOP(op->imm);
    int mmu = IR_LDST_MMU(op->imm);
    unsigned s = mop & MO_SIZE;
    bool w = op->type == IR_I64;
    IRv addr = op->args[1];
    int ra = load_val(g, addr, REG_ALLOCATABLE);
    /* a constant stored is an immediate (sign-extended for 8 bytes) */
    bool vimm = is_store && is_const(op->args[0]) && (s < 3 || fits_s32((int64_t)const_val(g, op->args[0])));
    int rv = is_store && !vimm ? load_val(g, op->args[0], REG_ALLOCATABLE) : -1;
    int s0 = scratch_alloc(g, REG_ALLOCATABLE);
    int s1 = scratch_alloc(g, REG_ALLOCATABLE);
    CodeBuf *cb = &g->cb;
    TLBEntry *tlb = g->t->tlb[mmu];

    /* s0 = index * sizeof(TLBEntry) (32); with BMI2 a rotated copy (the
     * bits rotated to the top are masked off) saves the move */
    if (host_bmi2()) {
        rorx_ri(cb, s0, ra, TARGET_PAGE_BITS - 5);
    } else {
        mov_rr(cb, true, s0, ra);
        shift_ri(cb, true, SH_SHR, s0, TARGET_PAGE_BITS - 5);
    }
    alu_ri(cb, false, ALU_AND, s0, (TLB_SIZE - 1) << 5);
    if (s) {
        lea(cb, s1, ra, -1, 0, (int32_t)((1u << s) - 1));
    } else {
        mov_rr(cb, true, s1, ra);
    }
    alu_ri(cb, true, ALU_AND, s1, (int32_t)TARGET_PAGE_MASK);
    int32_t tag = t_off(g, is_store ? &tlb[0].tag_write : &tlb[0].tag_read);
    alu_rm(cb, true, ALU_CMP, s1, R15, s0, tag);

    Stub st = { .kind = is_store ? STUB_ST : STUB_LD, .addr = (int8_t)ra, .val = (int8_t)rv,
                .val_imm = vimm ? (int32_t)const_val(g, op->args[0]) : 0 };
    st.jump_disp = jcc32(cb, CC_NE);
    op_rm(cb, true, 0x8b, s0, R15, s0, 0, t_off(g, &tlb[0].addend), false);

    int r = -1;
    if (vimm) {
        st_imm_idx(cb, s, ra, s0, 0, st.val_imm);
    } else if (is_store) {
        st_sized(cb, s, rv, ra, s0, 0);
    } else {
        /* the output takes s1 (free now that the compare is done), or the
         * register of the global it replaces */
        r = own_reg(g, op->args[0]);
        if (r < 0) {
            r = s1;
        }
        if (mop & MO_SIGN) {
            ld_sx(cb, w, s, r, ra, s0, 0);
        } else {
            ld_zx(cb, s, r, ra, s0, 0);
        }
    }
    st.back = cb->ptr;
    st.out = (int8_t)r;
    st.out32 = !w;
    TCGSite *site = &g->sites[g->nsites++];
    *site = (TCGSite){ g->tb, g->cur_pc, g->cur_cc_op, (uint32_t)op->imm };
    st.site = site;
    snapshot_dirty(g, &st);
    st.saved = live_caller_saved(g);
    if (!is_store) {
        st.saved &= ~(1u << r);
    }
    g_array_append_val(g->stubs, st);
    /* a store never needs the self-modification check: the fast path
     * cannot reach a page with code (TLB_NOTDIRTY), and the slow path
     * restarts the instruction if it would write over this block */
    if (!is_store) {
        g->owner[s1] = IR_NONE;
        out_bind(g, op->args[0], r);
    }
}

/* ---- calls ---- */

static void load_to(Gen *g, IRv v, int dst)
{
    if (is_const(v)) {
        mov_ri(&g->cb, dst, const_val(g, v));
        return;
    }
    VState *s = vstate(g, v);
    if (s->loc == L_REG) {
        mov_rr(&g->cb, true, dst, s->reg);
    } else if (is_global(v)) {
        ld_zx(&g->cb, global_is32(v) ? 2 : 3, dst, RBP, -1, global_off(v));
    } else if (s->slot >= 0) {
        ld_zx(&g->cb, 3, dst, RSP, -1, slot_disp(s->slot));
    } else {
        mov_ri(&g->cb, dst, 0);
    }
}

static void publish_site(Gen *g, uint32_t memop)
{
    TCGSite *site = &g->sites[g->nsites++];
    *site = (TCGSite){ g->tb, g->cur_pc, g->cur_cc_op, memop };
    mov_ri(&g->cb, RAX, (uint64_t)(uintptr_t)site);
    st_sized(&g->cb, 3, RAX, R15, -1, t_off(g, &g->t->site));
}

/* A helper call that runs inline as host SSE (sse-inline.c)? Its leading
 * constant arguments go to args. */
static SseInlineKind sse_inlinable(const Gen *g, const IROp *op, uint64_t args[4])
{
    const void *fn = (const void *)(uintptr_t)op->imm;
    /* helper_sse_cvtsi2's last argument, the value, may be anything */
    unsigned nargs = op->args[6], nconst = nargs - (fn == (const void *)helper_sse_cvtsi2);
    if (nargs > 4 || !(op->args[7] & IR_CALL_NO_GLOBALS)) {
        return SSE_INLINE_NONE;
    }
    for (unsigned k = 0; k < nconst; k++) {
        if (!is_const(op->args[1 + k])) {
            return SSE_INLINE_NONE;
        }
        args[k] = const_val(g, op->args[1 + k]);
    }
    return sse_inline_kind(fn, args, nconst);
}

/* An SSE helper as the host instruction (sse-inline.c); the helper only on
 * the way out of line, which leaves the allocator's state as it found it:
 * it stores the dirty globals (a guest exception reads env), keeps the
 * live caller-saved registers and does not touch the globals. */
static void gen_sse_inline(Gen *g, const IROp *op, SseInlineKind kind, const uint64_t args[4])
{
    Stub st = { .kind = STUB_SSE, .fn = (const void *)(uintptr_t)op->imm, .nargs = 3, .val = -1, .out = -1 };
    memcpy(st.args, args, sizeof(st.args));
    if (kind == SSE_INLINE_FP) {
        st.nargs = 4;
    } else if (kind == SSE_INLINE_CVTSI2) {
        st.val = (int8_t)load_val(g, op->args[4], REG_ALLOCATABLE);
    }
    int r[2];
    for (unsigned k = 0; k < 2; k++) {
        r[k] = scratch_alloc(g, REG_ALLOCATABLE);
    }
    IRv ret = op->args[0];
    if (ret != IR_NONE) {
        st.out = (int8_t)r[1];
        st.out32 = is_global(ret) ? global_is32(ret) : g->b->temp_type[ret] == IR_I32;
    }
    st.jump_disp = sse_inline_emit(&g->cb, kind, args, st.val, st.out, t_off(g, &g->t->native_arg[0]),
                                   g->mxcsr_known, r);
    st.back = g->cb.ptr;
    st.site = &g->sites[g->nsites++];
    *st.site = (TCGSite){ g->tb, g->cur_pc, g->cur_cc_op, 0 };
    snapshot_dirty(g, &st);
    st.saved = live_caller_saved(g);
    g_array_append_val(g->stubs, st);
    g->mxcsr_known = true;
    if (ret != IR_NONE) {
        g->owner[r[1]] = IR_NONE;
        out_bind(g, ret, r[1]);
    }
}

static void gen_call(Gen *g, size_t i, const IROp *op)
{
    static const int8_t arg_regs[] = { RSI, RDX, RCX, R8, R9 };
    unsigned flags = op->args[7];
    unsigned nargs = op->args[6];
    if ((flags & IR_CALL_NO_GLOBALS) && nargs <= 5) {
        /* integer SSE: no helper, nothing to sync or spill */
        uint64_t v[5];
        bool consts = true;
        for (unsigned k = 0; k < nargs; k++) {
            consts &= is_const(op->args[1 + k]);
            v[k] = consts ? const_val(g, op->args[1 + k]) : 0;
        }
        if (consts && sse_int_inline_emit(&g->cb, (const void *)(uintptr_t)op->imm, nargs, v)) {
            return;
        }
    }
    uint64_t sse_args[4];
    SseInlineKind sse = sse_inlinable(g, op, sse_args);
    if (sse != SSE_INLINE_NONE) {
        gen_sse_inline(g, op, sse, sse_args);
        return;
    }
    /* the helper may read globals, or fault (then the CPU loop and the
     * exception delivery read them from env) */
    if ((flags & (IR_CALL_NO_GLOBALS | IR_CALL_NO_FAULT)) != (IR_CALL_NO_GLOBALS | IR_CALL_NO_FAULT)) {
        sync_globals(g);
    }
    for (int r = 0; r < 16; r++) {
        if ((REG_CALLER_SAVED >> r & 1) && g->owner[r] != IR_NONE) {
            reg_spill(g, r);
        }
    }
    if (!(flags & IR_CALL_NO_FAULT)) {
        publish_site(g, 0);
    }
    for (unsigned k = 0; k < nargs; k++) {
        load_to(g, op->args[1 + k], arg_regs[k]);
    }
    mov_rr(&g->cb, true, RDI, RBP); /* X86CPU * == &cpu->env */
    call_abs(&g->cb, (const void *)(uintptr_t)op->imm);
    g->mxcsr_known = false; /* C code may have raised host flags */
    if (!(flags & IR_CALL_NO_GLOBALS)) {
        forget_globals(g);
    }
    if (!(flags & IR_CALL_PURE)) {
        g->may_smc = true;
    }
    IRv ret = op->args[0];
    if (ret != IR_NONE) {
        bool is32 = is_global(ret) ? global_is32(ret) : g->b->temp_type[ret] == IR_I32;
        if (is32) {
            mov_rr(&g->cb, false, RAX, RAX); /* I32 values are kept zero-extended */
        }
        out_bind(g, ret, RAX);
    }
}

/* ---- env loads and stores ---- */

static bool overlaps(int32_t off, unsigned size, IRv gl)
{
    int32_t go = global_off(gl);
    int32_t gs = global_is32(gl) ? 4 : 8;
    return off < go + gs && go < off + (int32_t)size;
}

/* An env access at [off, off+size) may touch a global cached in a
 * register: write it back first, and drop it if the access writes env. */
static void sync_overlapping(Gen *g, int32_t off, unsigned size, bool forget)
{
    for (int r = 0; r < 16; r++) {
        IRv v = g->owner[r];
        if (v != IR_NONE && v != OWNER_SCRATCH && is_global(v) && overlaps(off, size, v)) {
            reg_writeback(g, r);
            if (forget) {
                reg_forget(g, r);
            }
        }
    }
}

static void gen_ld_env(Gen *g, size_t i, const IROp *op)
{
    MemOp mop = op->args[1];
    int32_t off = (int32_t)op->imm;
    sync_overlapping(g, off, memop_size(mop), false);
    int r = reg_alloc(g, REG_ALLOCATABLE);
    if (mop & MO_SIGN) {
        ld_sx(&g->cb, op->type == IR_I64, mop & MO_SIZE, r, RBP, -1, off);
    } else {
        ld_zx(&g->cb, mop & MO_SIZE, r, RBP, -1, off);
    }
    out_bind(g, op->args[0], r);
}

static void gen_st_env(Gen *g, size_t i, const IROp *op)
{
    MemOp mop = op->args[1];
    int32_t off = (int32_t)op->imm;
    sync_overlapping(g, off, memop_size(mop), true);
    IRv v = op->args[0];
    if (is_const(v) && (mop & MO_SIZE) < 3) {
        st_imm(&g->cb, mop & MO_SIZE, RBP, off, (int32_t)const_val(g, v));
    } else if (is_const(v) && fits_s32((int64_t)const_val(g, v))) {
        st_imm(&g->cb, 3, RBP, off, (int32_t)const_val(g, v));
    } else {
        int r = load_val(g, v, REG_ALLOCATABLE);
        st_sized(&g->cb, mop & MO_SIZE, r, RBP, -1, off);
    }
}

/* ---- control flow ---- */

static void label_jump(Gen *g, uint32_t label, uint8_t *disp)
{
    if (g->label_addr[label]) {
        patch_rel32(disp, g->label_addr[label]);
    } else {
        LabelFix f = { label, disp };
        g_array_append_val(g->fixups, f);
    }
}

static void gen_brcond(Gen *g, size_t i, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv a = op->args[0], b = op->args[1];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = imm_ok(g, b, w) ? -1 : load_val(g, b, REG_ALLOCATABLE);
    if (g->side_exit[op->imm]) {
        /* a block exit taken from the middle of the block (the translator's
         * side exits): its stub stores the dirty globals, and the path that
         * goes on keeps every register */
        emit_branch_compare(g, op->args[2], w, a, ra, b, rb);
        Stub st = { .kind = STUB_SIDE_EXIT, .label = (uint32_t)op->imm };
        st.jump_disp = jcc32(&g->cb, host_cc(op->args[2]));
        snapshot_dirty(g, &st);
        g_array_append_val(g->stubs, st);
        return;
    }
    sync_all(g); /* stores only: the loaded registers still hold a and b */
    emit_branch_compare(g, op->args[2], w, a, ra, b, rb);
    label_jump(g, op->imm, jcc32(&g->cb, host_cc(op->args[2])));
}

/*
 * "brcond(c, a, b, L); call raise(vector[, err]); label L" is how the
 * translator checks for a guest exception (gen_exception_if): the raise is
 * cold and never returns, so it goes out of line with the dirty globals it
 * needs, and the fall-through path keeps its registers (no basic-block end).
 */
static bool raise_pattern(const Gen *g, size_t i)
{
    if (i + 2 >= g->nops) {
        return false;
    }
    const IROp *br = &g->ops[i], *call = &g->ops[i + 1], *lab = &g->ops[i + 2];
    if (call->opc != IR_call || lab->opc != IR_label || lab->imm != br->imm ||
        g->label_refs[br->imm] != 1) {
        return false;
    }
    if (call->imm != (uint64_t)(uintptr_t)helper_raise_exception &&
        call->imm != (uint64_t)(uintptr_t)helper_raise_exception_err) {
        return false;
    }
    for (unsigned k = 0; k < call->args[6]; k++) {
        if (!is_const(call->args[1 + k])) {
            return false;
        }
    }
    return call->args[0] == IR_NONE && call->args[6] <= 2;
}

static void gen_brcond_raise(Gen *g, size_t i, const IROp *op)
{
    const IROp *call = &g->ops[i + 1];
    bool w = op->type == IR_I64;
    IRv a = op->args[0], b = op->args[1];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = imm_ok(g, b, w) ? -1 : load_val(g, b, REG_ALLOCATABLE);
    emit_branch_compare(g, op->args[2], w, a, ra, b, rb);
    Stub st = { .kind = STUB_RAISE, .fn = (const void *)(uintptr_t)call->imm, .nargs = call->args[6] };
    for (unsigned k = 0; k < st.nargs; k++) {
        st.args[k] = const_val(g, call->args[1 + k]);
    }
    st.jump_disp = jcc32(&g->cb, host_cc(ir_cond_invert(op->args[2])));
    st.site = &g->sites[g->nsites++];
    *st.site = (TCGSite){ g->tb, g->cur_pc, g->cur_cc_op, 0 };
    snapshot_dirty(g, &st);
    g_array_append_val(g->stubs, st);
}

/* env->rip = rip, on a way out of the block (RAX is free there). */
static void store_rip(CodeBuf *cb, uint64_t rip)
{
    if (fits_s32((int64_t)rip)) {
        st_imm(cb, 3, RBP, offsetof(X86CPUState, rip), (int32_t)rip);
    } else {
        mov_ri(cb, RAX, rip);
        st_sized(cb, 3, RAX, RBP, -1, offsetof(X86CPUState, rip));
    }
}

static void exit_with(Gen *g, uintptr_t value)
{
    mov_ri(&g->cb, RAX, value);
    jmp_to(&g->cb, native_epilogue);
}

static void gen_insn_start(Gen *g, const IROp *op)
{
    if (g->may_smc) {
        /* the previous instruction may have written over this block */
        Stub st = { .kind = STUB_SMC, .rip = op->imm - g->tb->cs_base, .cc_op = op->args[0] };
        op_rm(&g->cb, false, 0x80, ALU_CMP, R15, -1, 0, t_off(g, &g->t->current_tb_invalidated), false);
        e8(&g->cb, 0);
        st.jump_disp = jcc32(&g->cb, CC_NE);
        snapshot_dirty(g, &st);
        g_array_append_val(g->stubs, st);
        g->may_smc = false;
    }
    g->cur_pc = op->imm;
    g->cur_cc_op = op->args[0];
}

/* lookup_and_goto's fast path, inline: the jump cache entry for CS base +
 * rIP, if it is the block for this pc, CS base and hflags, is entered
 * directly; anything else falls through to native_lookup. Every value is
 * in env (sync_all ran), and no register holds anything. */
static void gen_jmp_cache_probe(Gen *g)
{
    CodeBuf *cb = &g->cb;
    uint8_t *miss[5];
    ld_zx(cb, 3, RDX, RBP, -1, offsetof(X86CPUState, rip));
    ld_zx(cb, 3, RAX, RBP, -1, offsetof(X86CPUState, segs[R_CS].base));
    alu_rr(cb, true, ALU_ADD, RDX, RAX);                 /* pc */
    /* tb_jmp_cache_hash(pc) */
    mov_rr(cb, true, RCX, RDX);
    shift_ri(cb, true, SH_SHR, RCX, TARGET_PAGE_BITS - TB_JMP_PAGE_BITS);
    alu_ri(cb, false, ALU_AND, RCX, (TB_JMP_PAGE_SIZE - 1) << TB_JMP_PAGE_BITS);
    mov_rr(cb, true, RSI, RDX);
    shift_ri(cb, true, SH_SHR, RSI, TB_JMP_PAGE_BITS);
    alu_rr(cb, true, ALU_XOR, RSI, RDX);
    alu_ri(cb, false, ALU_AND, RSI, TB_JMP_PAGE_SIZE - 1);
    alu_rr(cb, true, ALU_OR, RCX, RSI);
    op_rm(cb, true, 0x8b, RCX, R15, RCX, 3, t_off(g, &g->t->jmp_cache[0]), false);
    test_rr(cb, true, RCX, RCX);
    miss[0] = jcc32(cb, CC_E);
    alu_rm(cb, true, ALU_CMP, RDX, RCX, -1, offsetof(TranslationBlock, pc));
    miss[1] = jcc32(cb, CC_NE);
    alu_rm(cb, true, ALU_CMP, RAX, RCX, -1, offsetof(TranslationBlock, cs_base));
    miss[2] = jcc32(cb, CC_NE);
    ld_zx(cb, 2, RAX, RBP, -1, offsetof(X86CPUState, hflags));
    alu_rm(cb, false, ALU_CMP, RAX, RCX, -1, offsetof(TranslationBlock, hflags));
    miss[3] = jcc32(cb, CC_NE);
    ld_zx(cb, 3, RCX, RCX, -1, offsetof(TranslationBlock, backend));
    test_rr(cb, true, RCX, RCX);
    miss[4] = jcc32(cb, CC_E);
    op_rm(cb, false, 0xff, 4, RCX, -1, 0, offsetof(NativeTB, code), false); /* jmp [rcx] */
    for (int k = 0; k < 5; k++) {
        patch_rel32(miss[k], cb->ptr);
    }
}

/* cmp qword/dword [base + disp], imm (sign-extended imm32) */
static void cmp_mem_imm(CodeBuf *cb, bool w, int base, int32_t disp, int32_t imm)
{
    op_rm(cb, w, 0x81, ALU_CMP, base, -1, 0, disp, false);
    e32(cb, (uint32_t)imm);
}

/* The same probe for a jump to a known pc (a direct jump to another page):
 * the entry's index, pc and CS base are constants, and rIP is stored only
 * on the way to native_lookup. */
static void gen_jmp_cache_probe_const(Gen *g, uint64_t rip)
{
    CodeBuf *cb = &g->cb;
    uint64_t pc = g->tb->cs_base + rip;
    uint8_t *miss[6];
    unsigned n = 0;
    ld_zx(cb, 3, RCX, R15, -1, t_off(g, &g->t->jmp_cache[tb_jmp_cache_hash(pc)]));
    test_rr(cb, true, RCX, RCX);
    miss[n++] = jcc32(cb, CC_E);
    if (fits_s32((int64_t)pc)) {
        cmp_mem_imm(cb, true, RCX, offsetof(TranslationBlock, pc), (int32_t)pc);
    } else {
        mov_ri(cb, RAX, pc);
        alu_rm(cb, true, ALU_CMP, RAX, RCX, -1, offsetof(TranslationBlock, pc));
    }
    miss[n++] = jcc32(cb, CC_NE);
    if (fits_s32((int64_t)g->tb->cs_base)) {
        cmp_mem_imm(cb, true, RCX, offsetof(TranslationBlock, cs_base), (int32_t)g->tb->cs_base);
    } else {
        mov_ri(cb, RAX, g->tb->cs_base);
        alu_rm(cb, true, ALU_CMP, RAX, RCX, -1, offsetof(TranslationBlock, cs_base));
    }
    miss[n++] = jcc32(cb, CC_NE);
    ld_zx(cb, 2, RAX, RBP, -1, offsetof(X86CPUState, hflags));
    alu_rm(cb, false, ALU_CMP, RAX, RCX, -1, offsetof(TranslationBlock, hflags));
    miss[n++] = jcc32(cb, CC_NE);
    ld_zx(cb, 3, RCX, RCX, -1, offsetof(TranslationBlock, backend));
    test_rr(cb, true, RCX, RCX);
    miss[n++] = jcc32(cb, CC_E);
    op_rm(cb, false, 0xff, 4, RCX, -1, 0, offsetof(NativeTB, code), false); /* jmp [rcx] */
    for (unsigned k = 0; k < n; k++) {
        patch_rel32(miss[k], cb->ptr);
    }
}

/* ---- blocks that loop to themselves ---- */

/* "brcond c, L" where L is the way back: the loop continues on c without
 * giving up the registers; the code after goes on with them. */
static void gen_brcond_loop(Gen *g, const IROp *op)
{
    bool w = op->type == IR_I64;
    IRv a = op->args[0], b = op->args[1];
    int ra = load_val(g, a, REG_ALLOCATABLE);
    int rb = imm_ok(g, b, w) ? -1 : load_val(g, b, REG_ALLOCATABLE);
    emit_branch_compare(g, op->args[2], w, a, ra, b, rb);
    uint8_t *skip = jcc32(&g->cb, host_cc(ir_cond_invert(op->args[2])));
    gen_loop_back(g, true);
    patch_rel32(skip, g->cb.ptr);
}

/* Emits nothing that changes the host's flags (moves, extensions, an
 * instruction start without the self-modification test). */
static bool keeps_host_flags(const Gen *g, const IROp *op)
{
    switch (op->opc) {
    case IR_mov:
        return !is_const(op->args[1]) || const_val(g, op->args[1]) != 0; /* 0 may be an XOR */
    case IR_ext8u: case IR_ext8s: case IR_ext16u: case IR_ext16s: case IR_ext32u: case IR_ext32s:
    case IR_extu_i32_i64: case IR_exts_i32_i64: case IR_trunc_i64_i32:
        return true;
    case IR_insn_start:
        return !g->may_smc;
    default:
        return false;
    }
}

static void gen_op(Gen *g, size_t i)
{
    const IROp *op = &g->ops[i];
    g->zf_prev = g->zf_val;
    if (!keeps_host_flags(g, op) || (op->opc != IR_insn_start && op->args[0] == g->zf_val)) {
        g->zf_val = IR_NONE;
    }
    if (g->loop_goto != SIZE_MAX && g->loop_label_op != SIZE_MAX) {
        if (i >= g->loop_label_op && i <= g->loop_goto + 1) {
            return; /* reached only through gen_brcond_loop */
        }
        if (op->opc == IR_brcond && op->imm == g->ops[g->loop_label_op].imm) {
            gen_brcond_loop(g, op);
            op_finish(g, i, op);
            return;
        }
    } else if (i + 1 == g->loop_goto) {
        return; /* the loop's rIP store: only its exits need rIP */
    } else if (i == g->loop_goto) {
        gen_loop_back(g, false);
        op_finish(g, i, op);
        return;
    }
    switch ((IROpc)op->opc) {
    case IR_mov:
        if (is_rip_store(op) && i + 1 < g->nops &&
            (g->ops[i + 1].opc == IR_goto_tb || g->ops[i + 1].opc == IR_lookup_and_goto)) {
            /* a chained jump (or a jump cache hit for a known pc) enters the
             * next block, which knows its own rIP: only the way out to the
             * CPU loop or to native_lookup stores it */
            global_discard(g, op->args[0]);
            g->exit_rip = const_val(g, op->args[1]);
            g->exit_rip_pending = true;
            break;
        }
        gen_mov(g, i, op);
        break;
    case IR_movi:
        break; /* the builder turns movi into mov from a constant */
    case IR_add: case IR_sub: case IR_mul: case IR_and: case IR_or: case IR_xor:
        gen_binary(g, i, op);
        break;
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
        gen_shift(g, i, op);
        break;
    case IR_neg: case IR_not:
    case IR_ext8u: case IR_ext8s: case IR_ext16u: case IR_ext16s: case IR_ext32u: case IR_ext32s:
    case IR_extu_i32_i64: case IR_exts_i32_i64: case IR_trunc_i64_i32: case IR_bswap:
        gen_unary(g, i, op);
        break;
    case IR_mulu2: case IR_muls2:
        gen_mul2(g, i, op);
        break;
    case IR_setcond:
        gen_setcond(g, i, op);
        break;
    case IR_movcond:
        gen_movcond(g, i, op);
        break;
    case IR_label:
        sync_all(g);
        g->label_addr[op->imm] = g->cb.ptr;
        g->mxcsr_known = false;
        g->may_smc = true; /* another path may arrive here after a store */
        break;
    case IR_br:
        sync_all(g);
        label_jump(g, op->imm, jmp32(&g->cb));
        break;
    case IR_brcond:
        if (raise_pattern(g, i)) {
            gen_brcond_raise(g, i, op);
            g->skip_to = i + 3;
        } else {
            gen_brcond(g, i, op);
        }
        break;
    case IR_ld_env:
        gen_ld_env(g, i, op);
        break;
    case IR_st_env:
        gen_st_env(g, i, op);
        break;
    case IR_ld:
        gen_ldst(g, i, op, false);
        break;
    case IR_st:
        gen_ldst(g, i, op, true);
        break;
    case IR_call:
        gen_call(g, i, op);
        break;
    case IR_insn_start:
        gen_insn_start(g, op);
        break;
    case IR_goto_tb: {
        int slot = (int)op->imm;
        sync_all(g);
        g->ntb->jmp_disp[slot] = jmp32(&g->cb);
        g->ntb->jmp_reset[slot] = g->cb.ptr;
        patch_rel32(g->ntb->jmp_disp[slot], g->cb.ptr);
        if (g->exit_rip_pending) {
            store_rip(&g->cb, g->exit_rip);
            g->exit_rip_pending = false;
        }
        break;
    }
    case IR_exit_tb:
        sync_all(g);
        exit_with(g, (uintptr_t)g->tb | (op->imm < IR_MAX_JUMPS ? op->imm : EXIT_NOCHAIN));
        break;
    case IR_lookup_and_goto: {
        sync_all(g);
        if (g->exit_rip_pending) {
            if (!log_enabled(LOG_EXEC | LOG_CPU)) {
                gen_jmp_cache_probe_const(g, g->exit_rip);
            }
            store_rip(&g->cb, g->exit_rip);
            g->exit_rip_pending = false;
        } else if (!log_enabled(LOG_EXEC | LOG_CPU)) {
            gen_jmp_cache_probe(g);
        }
        mov_rr(&g->cb, true, RDI, R15);
        call_abs(&g->cb, (const void *)native_lookup);
        test_rr(&g->cb, true, RAX, RAX);
        Stub st = { .kind = STUB_NOCHAIN };
        st.jump_disp = jcc32(&g->cb, CC_E);
        g_array_append_val(g->stubs, st);
        jmp_reg(&g->cb, RAX);
        break;
    }
    case IR_NB_OPS:
        break;
    }
    op_finish(g, i, op);
}

static void emit_dirty_stores(Gen *g, const Stub *st)
{
    for (unsigned k = 0; k < st->ndirty; k++) {
        st_sized(&g->cb, st->dirty[k].is32 ? 2 : 3, st->dirty[k].reg, RBP, -1, st->dirty[k].offset);
    }
}

/* Around a stub's C call: push the registers in saved, keep the stack
 * 16-byte aligned, and with mxcsr the host's MXCSR at [rsp]. Returns the
 * bytes below the pushes. */
static unsigned stub_save(Gen *g, uint16_t saved, bool mxcsr)
{
    unsigned npush = 0;
    for (int r = 0; r < 16; r++) {
        if (saved >> r & 1) {
            push_r(&g->cb, r);
            npush++;
        }
    }
    unsigned frame = ((npush + mxcsr) & 1) * 8 + mxcsr * 8;
    if (frame) {
        alu_ri(&g->cb, true, ALU_SUB, RSP, (int32_t)frame);
    }
    if (mxcsr) {
        sse_save_mxcsr(&g->cb, RSP, 0);
    }
    return frame | mxcsr;
}

static void stub_restore(Gen *g, uint16_t saved, unsigned frame)
{
    if (frame & 1) {
        sse_load_mxcsr(&g->cb, RSP, 0);
    }
    if (frame & ~1u) {
        alu_ri(&g->cb, true, ALU_ADD, RSP, (int32_t)(frame & ~1u));
    }
    for (int r = 15; r >= 0; r--) {
        if (saved >> r & 1) {
            pop_r(&g->cb, r);
        }
    }
}

/* fn(cpu, args...) with the site published for a fault (RAX clobbered). */
static void stub_call_helper(Gen *g, const Stub *st)
{
    static const int8_t regs[] = { RSI, RDX, RCX, R8 };
    mov_ri(&g->cb, RAX, (uint64_t)(uintptr_t)st->site);
    st_sized(&g->cb, 3, RAX, R15, -1, t_off(g, &g->t->site));
    for (unsigned k = 0; k < st->nargs; k++) {
        mov_ri(&g->cb, regs[k], st->args[k]);
    }
    mov_rr(&g->cb, true, RDI, RBP);
    call_abs(&g->cb, st->fn);
}

static void emit_stub(Gen *g, const Stub *st)
{
    CodeBuf *cb = &g->cb;
    patch_rel32(st->jump_disp, cb->ptr);
    uintptr_t nochain = (uintptr_t)g->tb | EXIT_NOCHAIN;
    switch (st->kind) {
    case STUB_ENTRY:
        /* a chained jump to here did not store rIP */
        store_rip(cb, g->tb->pc - g->tb->cs_base);
        exit_with(g, nochain);
        return;
    case STUB_NOCHAIN:
        exit_with(g, nochain);
        return;
    case STUB_SMC:
        emit_dirty_stores(g, st);
        st_imm(cb, 0, R15, t_off(g, &g->t->current_tb_invalidated), 0);
        store_rip(cb, st->rip);
        if (st->cc_op != CC_OP_DYNAMIC) {
            st_imm(cb, 2, RBP, offsetof(X86CPUState, cc_op), (int32_t)st->cc_op);
        }
        exit_with(g, nochain);
        return;
    case STUB_RAISE:
        emit_dirty_stores(g, st);
        stub_call_helper(g, st);
        e8(cb, 0x0f); /* ud2: the helper does not return */
        e8(cb, 0x0b);
        return;
    case STUB_SIDE_EXIT:
        emit_dirty_stores(g, st);
        patch_rel32(jmp32(cb), g->label_addr[st->label]);
        return;
    case STUB_LOOP_EXIT:
        /* the exit request seen between iterations: leave at the loop's start */
        emit_dirty_stores(g, st);
        store_rip(cb, st->rip);
        exit_with(g, nochain);
        return;
    case STUB_SSE: {
        emit_dirty_stores(g, st);
        /* the SSE helpers leave the host's MXCSR as inline code wants it */
        unsigned frame = stub_save(g, st->saved, false);
        if (st->val >= 0) {
            mov_rr(cb, true, R8, st->val); /* the fourth argument, before RSI-RCX are set */
        }
        stub_call_helper(g, st);
        if (st->out >= 0) {
            mov_rr(cb, !st->out32, st->out, RAX);
        }
        stub_restore(g, st->saved, frame);
        jmp_to(cb, st->back);
        return;
    }
    case STUB_LD:
    case STUB_ST:
        break;
    }
    emit_dirty_stores(g, st);
    /* C code may raise host flags the guest lacks: inline SSE in this block
     * needs them as they were */
    unsigned frame = stub_save(g, st->saved, g->has_sse_inline);
    st_sized(cb, 3, st->addr, R15, -1, t_off(g, &g->t->native_arg[0]));
    if (st->kind == STUB_ST && st->val < 0) {
        st_imm(cb, 3, R15, t_off(g, &g->t->native_arg[1]), st->val_imm);
    } else if (st->kind == STUB_ST) {
        st_sized(cb, 3, st->val, R15, -1, t_off(g, &g->t->native_arg[1]));
    }
    mov_rr(cb, true, RDI, R15);
    mov_ri(cb, RSI, (uint64_t)(uintptr_t)st->site);
    call_abs(cb, st->kind == STUB_LD ? (const void *)native_ld_slow : (const void *)native_st_slow);
    if (st->kind == STUB_LD) {
        mov_rr(cb, !st->out32, st->out, RAX);
    }
    stub_restore(g, st->saved, frame);
    jmp_to(cb, st->back);
}

/* ---- compiling a block ---- */

/* Whether another guest instruction starts before the block's next exit. */
static bool guest_code_follows(const Gen *g, size_t i)
{
    for (; i < g->nops; i++) {
        unsigned opc = g->ops[i].opc;
        if (opc == IR_insn_start) {
            return true;
        }
        if (opc == IR_label || opc == IR_br || opc == IR_goto_tb || opc == IR_exit_tb ||
            opc == IR_lookup_and_goto) {
            return false;
        }
    }
    return false;
}

/* Whether the code from op i to the end of its basic block reads a temp it
 * did not write: a side exit's stub stores only globals. */
static bool reads_older_temps(const Gen *g, size_t i)
{
    /* exit code is a few ops: a longer one simply does not count as a side exit */
    IRv mine[16];
    unsigned nmine = 0;
    for (; i < g->nops; i++) {
        const IROp *op = &g->ops[i];
        if (op->opc == IR_label) {
            break;
        }
        IRArgShape a = ir_op_shape(op);
        for (unsigned k = 0; k < a.nin; k++) {
            IRv v = op->args[a.in[k]];
            bool written = false;
            for (unsigned m = 0; m < nmine; m++) {
                written |= mine[m] == v;
            }
            if (is_temp(v) && !written) {
                return true;
            }
        }
        for (unsigned k = 0; k < a.nout; k++) {
            IRv v = op->args[a.out[k]];
            if (is_temp(v)) {
                if (nmine == G_N_ELEMENTS(mine)) {
                    return true;
                }
                mine[nmine++] = v;
            }
        }
        if (ends_bb(g, op) && op->opc != IR_brcond) {
            break;
        }
    }
    return false;
}

bool native_compile(TCGCPU *t, TranslationBlock *tb, NativeTB *ntb)
{
    Gen g = { .t = t, .tb = tb, .ntb = ntb, .b = tb->ir, .zf_val = IR_NONE, .zf_prev = IR_NONE };
    g.ops = ir_block_ops(g.b, &g.nops);
    uint32_t nt = g.b->ntemps + 1;
    unsigned nsites = 0;
    for (size_t i = 0; i < g.nops; i++) {
        unsigned opc = g.ops[i].opc;
        nsites += opc == IR_ld || opc == IR_st || opc == IR_call || opc == IR_brcond;
    }
    g.sites = ntb->sites = g_new0(TCGSite, nsites + 1);
    g.tv = g_new(VState, nt);
    for (uint32_t i = 0; i < nt; i++) {
        g.tv[i] = (VState){ L_DEAD, -1, false, -1 };
    }
    for (unsigned i = 0; i < IR_MAX_GLOBALS; i++) {
        g.gv[i] = (VState){ L_MEM, -1, false, -1 };
    }
    g.dead = g_new0(uint16_t, g.nops + 1);
    g.cross = g_new0(bool, nt);
    g.free_slots = g_new(int32_t, FRAME_SLOTS);
    g.label_addr = g_new0(uint8_t *, g.b->nlabels + 1);
    g.label_refs = g_new0(uint32_t, g.b->nlabels + 1);
    for (size_t i = 0; i < g.nops; i++) {
        if (g.ops[i].opc == IR_br || g.ops[i].opc == IR_brcond) {
            g.label_refs[g.ops[i].imm]++;
        }
    }
    /* side exits: a label with one branch to it, placed after an
     * unconditional exit (nothing falls into it) and after its branch */
    g.side_exit = g_new0(bool, g.b->nlabels + 1);
    bool *branched = g_new0(bool, g.b->nlabels + 1);
    for (size_t i = 0; i < g.nops; i++) {
        const IROp *op = &g.ops[i];
        if (op->opc == IR_brcond) {
            /* only where more guest code follows: a block's final Jcc is
             * faster with its stores before the compare */
            branched[op->imm] = guest_code_follows(&g, i + 1);
        } else if (op->opc == IR_label && i > 0 && g.label_refs[op->imm] == 1 && branched[op->imm]) {
            unsigned prev = g.ops[i - 1].opc;
            g.side_exit[op->imm] = (prev == IR_exit_tb || prev == IR_lookup_and_goto || prev == IR_br) &&
                                   !reads_older_temps(&g, i + 1);
        }
    }
    g_free(branched);
    for (size_t i = 0; i < g.nops; i++) {
        uint64_t args[4];
        g.has_sse_inline |= g.ops[i].opc == IR_call && sse_inlinable(&g, &g.ops[i], args) != SSE_INLINE_NONE;
    }
    g.fixups = g_array_new(FALSE, FALSE, sizeof(LabelFix));
    g.stubs = g_array_new(FALSE, FALSE, sizeof(Stub));
    g.cb.ptr = native_cache_next;
    g.cb.end = native_cache_end;
    g.failed = g.cb.end - g.cb.ptr < MAX_BLOCK_CODE;

    if (!g.failed) {
        ntb->code = g.cb.ptr;
        liveness(&g);
        loop_detect(&g);
        op_rm(&g.cb, false, 0x80, ALU_CMP, R15, -1, 0, t_off(&g, &t->exit_request), false);
        e8(&g.cb, 0);
        Stub entry = { .kind = STUB_ENTRY };
        entry.jump_disp = jcc32(&g.cb, CC_NE);
        g_array_append_val(g.stubs, entry);
        ntb->code_nocheck = g.cb.ptr;
        if (g.loop_goto != SIZE_MAX) {
            loop_enter(&g);
        }
        for (size_t i = 0; i < g.nops && !g.failed; i++) {
            if (i < g.skip_to) {
                continue;
            }
            if (g.cb.end - g.cb.ptr < OP_ROOM) {
                g.failed = true;
                break;
            }
            gen_op(&g, i);
        }
        /* the translator ends every block with an exit; be safe anyway */
        sync_all(&g);
        exit_with(&g, (uintptr_t)tb | EXIT_NOCHAIN);
        for (guint k = 0; k < g.fixups->len; k++) {
            LabelFix *f = &g_array_index(g.fixups, LabelFix, k);
            patch_rel32(f->disp, g.label_addr[f->label] ? g.label_addr[f->label] : g.cb.ptr);
        }
        for (guint k = 0; k < g.stubs->len && !g.failed; k++) {
            if (g.cb.end - g.cb.ptr < OP_ROOM) {
                g.failed = true;
                break;
            }
            emit_stub(&g, &g_array_index(g.stubs, Stub, k));
        }
    }
    if (!g.failed) {
        native_cache_next = (uint8_t *)(((uintptr_t)g.cb.ptr + 15) & ~(uintptr_t)15);
    }
    g_free(g.tv);
    g_free(g.dead);
    g_free(g.cross);
    g_free(g.free_slots);
    g_free(g.label_addr);
    g_free(g.label_refs);
    g_free(g.side_exit);
    g_array_free(g.fixups, TRUE);
    g_array_free(g.stubs, TRUE);
    return !g.failed;
}

