/*
 * The native backend's code generator state and its register allocator,
 * shared by native.c (op emission, blocks, loops) and regalloc.c (where
 * values live: host registers, X86CPUState for globals, spill slots for
 * temps; the liveness pass that says where temps die).
 */
#ifndef ACCEL_TCG_BACKEND_X86_64_REGALLOC_H
#define ACCEL_TCG_BACKEND_X86_64_REGALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accel/tcg/backend/x86_64/native.h"
#include "target/x86/cpu.h"

/* ---- register allocator state ---- */

enum { L_DEAD, L_MEM, L_REG };

typedef struct VState {
    uint8_t loc;
    int8_t reg;
    bool dirty; /* the register copy is newer than memory (env or slot) */
    int32_t slot;
} VState;

#define OWNER_SCRATCH 0xffffffffu
#define REG_ALLOCATABLE 0x7fcfu /* all but RSP, RBP and R15 */
#define REG_CALLER_SAVED                                                                         \
    ((1u << RAX) | (1u << RCX) | (1u << RDX) | (1u << RSI) | (1u << RDI) | (1u << R8) |          \
     (1u << R9) | (1u << R10) | (1u << R11))

typedef struct DirtyGlobal {
    int8_t reg;
    bool is32;
    int32_t offset;
} DirtyGlobal;

typedef enum StubKind {
    STUB_LD, STUB_ST, STUB_SMC, STUB_ENTRY, STUB_NOCHAIN, STUB_RAISE, STUB_SIDE_EXIT, STUB_LOOP_EXIT,
    STUB_SSE
} StubKind;

typedef struct Stub {
    StubKind kind;
    uint8_t *jump_disp;  /* the jcc that leads here */
    uint8_t *back;       /* where to continue */
    int8_t addr, val, out; /* val < 0: STUB_ST stores val_imm */
    int32_t val_imm;
    bool out32;
    uint16_t saved;      /* caller-saved registers to preserve */
    TCGSite *site;
    uint64_t rip;        /* STUB_SMC: guest rip and cc_op to leave with */
    uint32_t cc_op;
    const void *fn;      /* STUB_RAISE: helper_raise_exception[_err]; STUB_SSE: */
    uint64_t args[4];    /* helper_sse_fp; and their constant arguments */
    unsigned nargs;
    uint32_t label;       /* STUB_SIDE_EXIT: the exit code to continue at */
    unsigned ndirty;
    DirtyGlobal dirty[16];
} Stub;

/* Globals a looping block keeps in fixed registers (native.c loop_regs). */
#define LOOP_GLOBALS 7

typedef struct LabelFix {
    uint32_t label;
    uint8_t *disp;
} LabelFix;

typedef struct Gen {
    CodeBuf cb;
    TCGCPU *t;
    TranslationBlock *tb;
    NativeTB *ntb;
    const IRBlock *b;
    const IROp *ops;
    size_t nops;

    VState *tv; /* temps */
    VState gv[IR_MAX_GLOBALS];
    IRv owner[16];
    uint16_t locked;

    uint16_t *dead;  /* per op: args (by index) whose value dies there */
    bool *cross;     /* temps live across basic blocks */
    int32_t *free_slots;
    unsigned nfree_slots, next_slot;

    uint8_t **label_addr;
    GArray *fixups; /* LabelFix */
    GArray *stubs;  /* Stub */
    TCGSite *sites;
    unsigned nsites;

    uint32_t *label_refs; /* branches to each label */
    bool *side_exit;      /* labels only their one forward branch reaches, after an exit */
    size_t skip_to;       /* ops before this were consumed by a pattern */

    /* A block whose chained exit jumps to its own start loops in place:
     * the globals it uses most stay in fixed registers across iterations. */
    size_t loop_goto;     /* index of that goto_tb, or SIZE_MAX */
    size_t loop_label_op; /* "label L; rIP = start; goto_tb; exit_tb" when a
                           * brcond to L is the way back, else SIZE_MAX */
    uint8_t *loop_head;   /* where an iteration starts (after the loads) */
    unsigned nloop;
    IRv loop_global[LOOP_GLOBALS];
    int8_t loop_reg[LOOP_GLOBALS];

    uint64_t cur_pc;
    uint32_t cur_cc_op;
    bool may_smc; /* a store or call since the last instruction start */
    bool exit_rip_pending; /* "rIP = exit_rip; goto_tb": stored only when not chained */
    uint64_t exit_rip;
    bool failed;  /* out of code space or spill slots */
    bool has_sse_inline; /* helper_sse_fp runs inline somewhere in the block */
    bool mxcsr_known;    /* no C code since the last inline SSE operation */
    /* The host's ZF says whether zf_val (in zf_reg, zf_w wide) is zero;
     * zf_prev: so before the current op. */
    IRv zf_val, zf_prev;
    int8_t zf_reg;
    bool zf_w;
} Gen;

/* Offsets from R15 (= the TCGCPU) of its fields. */
static inline int32_t t_off(const Gen *g, const void *field)
{
    return (int32_t)((const uint8_t *)field - (const uint8_t *)g->t);
}

static inline bool is_global(IRv v)
{
    return (v & IRV_GLOBAL) != 0;
}

static inline bool is_const(IRv v)
{
    return (v & IRV_CONST) && !(v & IRV_GLOBAL);
}

static inline VState *vstate(Gen *g, IRv v)
{
    return is_global(v) ? &g->gv[IRV_INDEX(v)] : &g->tv[v];
}

static inline uint64_t const_val(const Gen *g, IRv v)
{
    uint64_t c = g->b->consts[IRV_INDEX(v)];
    return g->b->const_type[IRV_INDEX(v)] == IR_I32 ? (uint32_t)c : c;
}

static inline bool global_is32(IRv v)
{
    return ir_globals[IRV_INDEX(v)].type == IR_I32;
}

static inline int32_t global_off(IRv v)
{
    return (int32_t)ir_globals[IRV_INDEX(v)].offset;
}

static inline bool is_temp(IRv v)
{
    return v != IR_NONE && !(v & (IRV_GLOBAL | IRV_CONST));
}

static inline bool is_rip(IRv v)
{
    return is_global(v) && global_off(v) == (int32_t)offsetof(X86CPUState, rip);
}

/* "rIP = a constant" */
static inline bool is_rip_store(const IROp *op)
{
    return op->opc == IR_mov && is_rip(op->args[0]) && is_const(op->args[1]);
}

/* Spill slots for temps that live across basic blocks. */
int32_t slot_disp(int32_t slot);
int32_t slot_alloc(Gen *g);
void slot_free(Gen *g, int32_t slot);

/* One register: store its value home, forget it, both, or give it a value. */
void reg_writeback(Gen *g, int r);
void reg_forget(Gen *g, int r);
void reg_spill(Gen *g, int r);
void reg_bind(Gen *g, int r, IRv v, bool dirty);
void global_discard(Gen *g, IRv v);

/* Registers for an op: free or evicted, scratch, holding a value (locked
 * until op_finish), vacated for a fixed use. */
int reg_alloc(Gen *g, uint16_t mask);
int out_alloc(Gen *g, IRv d, uint16_t mask);
int own_reg(Gen *g, IRv d);
int scratch_alloc(Gen *g, uint16_t mask);
int load_val(Gen *g, IRv v, uint16_t mask);
void reg_vacate(Gen *g, int r);

/* Outputs and dead values. */
void temp_kill(Gen *g, IRv v);
void out_bind(Gen *g, IRv d, int r);

/* Whole state: dirty globals stored (and kept), globals forgotten, the end
 * of a basic block, the dirty globals a stub must store. */
void sync_globals(Gen *g);
void forget_globals(Gen *g);
void sync_all(Gen *g);
void snapshot_dirty(Gen *g, Stub *st);

/* Liveness: where temps die (Gen.dead, Gen.cross), which ops end a basic
 * block; after each op, op_finish frees what died; whether an output may
 * take an input's register. */
bool ends_bb(const Gen *g, const IROp *op);
void liveness(Gen *g);
bool dies(const Gen *g, size_t i, unsigned argi);
void op_finish(Gen *g, size_t i, const IROp *op);
bool reusable(const Gen *g, size_t i, unsigned argi, IRv v, IRv d);
int take_reg(Gen *g, int r, IRv v, IRv d);

/* loop.c: a block that loops in place (Gen.loop_*): finding it, loading
 * its globals on entry, the way back (keep_state: code follows the
 * branch and goes on with the allocator's state), a loop global's index. */
void loop_detect(Gen *g);
void loop_enter(Gen *g);
void gen_loop_back(Gen *g, bool keep_state);
int loop_index(const Gen *g, IRv v);

#endif
