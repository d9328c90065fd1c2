/*
 * mimic's intermediate representation: what the x86 translator emits and
 * what the backends (accel/tcg/interp.c, later a native x86-64 code
 * generator) run.
 *
 * A block of IR is a list of ops on typed values. Values are:
 *   - globals: named slots of X86CPUState (guest registers, lazy flags),
 *     created once (ir_global) and valid in every block; a backend may cache
 *     them in host registers but must write them back before a helper call,
 *     a guest memory access that may fault, and the block's end;
 *   - temps: block-local values (ir_temp), dead at the end of the block and
 *     never visible to helpers except as arguments;
 *   - constants (ir_const).
 * Every op's operands share one type (I32 or I64) unless the op converts.
 *
 * Guest memory is reached only through ir_ld/ir_st with an MMU index, so a
 * backend can inline the TLB hit path. Helpers are plain C functions taking
 * the CPU and up to five 64-bit arguments and returning one 64-bit value.
 *
 * Precise faults: each guest instruction starts with ir_insn_start(pc,
 * cc_op). When a guest memory access or a helper raises a guest exception,
 * the backend reports the last insn_start it passed, and the CPU loop puts
 * that pc and cc_op back into X86CPUState before delivering the exception.
 * The translator therefore writes an instruction's results to globals only
 * after everything in that instruction that can fault.
 */
#ifndef ACCEL_TCG_IR_H
#define ACCEL_TCG_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct X86CPU X86CPU;

typedef enum IRType { IR_I32, IR_I64 } IRType;

/* A value handle: index into the block's value table. 0 is "none". */
typedef uint32_t IRv;
#define IR_NONE ((IRv)0)

/* A label inside the block (forward and backward branches). */
typedef uint32_t IRLabel;

/* Memory access shape for ir_ld/ir_st and env loads: size and extension. */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4, /* sign-extend a load to the value's type */
} MemOp;

static inline unsigned memop_size(MemOp op)
{
    return 1u << (op & MO_SIZE);
}

typedef enum IRCond {
    IR_EQ, IR_NE,
    IR_LT, IR_GE, IR_LE, IR_GT,     /* signed */
    IR_LTU, IR_GEU, IR_LEU, IR_GTU, /* unsigned */
    IR_TSTEQ, IR_TSTNE,             /* (a & b) == 0, != 0 */
} IRCond;

/* The condition that holds exactly when c does not. */
static inline IRCond ir_cond_invert(IRCond c)
{
    static const IRCond inv[] = {
        [IR_EQ] = IR_NE,   [IR_NE] = IR_EQ,   [IR_LT] = IR_GE,   [IR_GE] = IR_LT,
        [IR_LE] = IR_GT,   [IR_GT] = IR_LE,   [IR_LTU] = IR_GEU, [IR_GEU] = IR_LTU,
        [IR_LEU] = IR_GTU, [IR_GTU] = IR_LEU, [IR_TSTEQ] = IR_TSTNE, [IR_TSTNE] = IR_TSTEQ,
    };
    return inv[c];
}

/* The opcodes; accel/tcg/ir-ops.def has one line per op with its operand
 * shape, used by the builder, the optimizer, the dumper and the backends. */
typedef enum IROpc {
#define IR_OP(name, nout, nin, nconst, flags) IR_##name,
#include "accel/tcg/ir-ops.def"
#undef IR_OP
    IR_NB_OPS
} IROpc;

#define IR_MAX_ARGS 8

typedef struct IROp {
    uint16_t opc;
    uint8_t type;   /* IRType of the operation */
    uint8_t nargs;
    uint32_t args[IR_MAX_ARGS]; /* outputs, then inputs (IRv), then constants */
    uint64_t imm;   /* the op's constant (offset, pc, helper pointer, memop) */
} IROp;

/* Helper calls: the CPU and up to five 64-bit arguments. */
typedef uint64_t (*IRHelper0)(X86CPU *cpu);
typedef uint64_t (*IRHelper1)(X86CPU *cpu, uint64_t);
typedef uint64_t (*IRHelper2)(X86CPU *cpu, uint64_t, uint64_t);
typedef uint64_t (*IRHelper3)(X86CPU *cpu, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*IRHelper4)(X86CPU *cpu, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*IRHelper5)(X86CPU *cpu, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Call flags: what the helper may touch, so backends know what to sync. */
enum {
    IR_CALL_PURE = 1,        /* reads only its arguments: may be removed if unused */
    IR_CALL_NO_GLOBALS = 2,  /* neither reads nor writes globals (but may fault) */
    IR_CALL_NO_FAULT = 4,    /* never raises a guest exception */
};

/* ---- building a block (one at a time per thread) ---- */

typedef struct IRBlock IRBlock;

IRBlock *ir_block_begin(void);  /* start a new block on this thread */
IRBlock *ir_block_current(void);
void ir_block_free(IRBlock *b);
/* The ops and value table of a finished block, for backends. */
const IROp *ir_block_ops(const IRBlock *b, size_t *nops);
size_t ir_block_nvalues(const IRBlock *b);

/* Globals are process-wide: create them once at start-up. */
IRv ir_global(IRType t, size_t env_offset, const char *name);
IRv ir_temp(IRType t);
IRv ir_const(IRType t, uint64_t v);
IRType ir_type(IRv v);
bool ir_is_const(IRv v, uint64_t *value);

/* Moves and arithmetic: d = a OP b, all of one type. Shift and rotate
 * counts are taken modulo the type's width. */
void ir_mov(IRv d, IRv a);
void ir_movi(IRv d, uint64_t v);
void ir_add(IRv d, IRv a, IRv b);
void ir_sub(IRv d, IRv a, IRv b);
void ir_mul(IRv d, IRv a, IRv b);
void ir_and(IRv d, IRv a, IRv b);
void ir_or(IRv d, IRv a, IRv b);
void ir_xor(IRv d, IRv a, IRv b);
void ir_shl(IRv d, IRv a, IRv b);
void ir_shr(IRv d, IRv a, IRv b);
void ir_sar(IRv d, IRv a, IRv b);
void ir_rotl(IRv d, IRv a, IRv b);
void ir_rotr(IRv d, IRv a, IRv b);
void ir_neg(IRv d, IRv a);
void ir_not(IRv d, IRv a);
/* Constant-operand forms (build the constant for you). */
void ir_addi(IRv d, IRv a, int64_t b);
void ir_andi(IRv d, IRv a, uint64_t b);
void ir_ori(IRv d, IRv a, uint64_t b);
void ir_xori(IRv d, IRv a, uint64_t b);
void ir_shli(IRv d, IRv a, unsigned b);
void ir_shri(IRv d, IRv a, unsigned b);
void ir_sari(IRv d, IRv a, unsigned b);
/* Full products: (hi:lo) = a * b, unsigned or signed. */
void ir_mulu2(IRv lo, IRv hi, IRv a, IRv b);
void ir_muls2(IRv lo, IRv hi, IRv a, IRv b);
/* Extensions within a type: d = a's low 8/16/32 bits, zero- or sign-extended. */
void ir_ext8u(IRv d, IRv a);
void ir_ext8s(IRv d, IRv a);
void ir_ext16u(IRv d, IRv a);
void ir_ext16s(IRv d, IRv a);
void ir_ext32u(IRv d, IRv a); /* I64 only */
void ir_ext32s(IRv d, IRv a); /* I64 only */
/* Conversions between types. */
void ir_extu_i32_i64(IRv d64, IRv a32);
void ir_exts_i32_i64(IRv d64, IRv a32);
void ir_trunc_i64_i32(IRv d32, IRv a64);
void ir_bswap(IRv d, IRv a, MemOp size); /* swap the low memop_size bytes, zero above */
/* d = cond(a, b) ? 1 : 0;   d = cond(a, b) ? t : f */
void ir_setcond(IRCond c, IRv d, IRv a, IRv b);
void ir_movcond(IRCond c, IRv d, IRv a, IRv b, IRv t, IRv f);

/* Control flow inside the block. */
IRLabel ir_label_new(void);
void ir_label_set(IRLabel l);
void ir_br(IRLabel l);
void ir_brcond(IRCond c, IRv a, IRv b, IRLabel l);
void ir_brcondi(IRCond c, IRv a, uint64_t b, IRLabel l);

/* X86CPUState fields by offset (for state that is not a global). */
void ir_ld_env(IRv d, size_t offset, MemOp op);
void ir_st_env(IRv v, size_t offset, MemOp op);

/* Guest memory at linear address addr (I64) through the softmmu TLB of
 * mmu_idx. A load extends to d's type per op. May raise #PF/#GP etc. */
void ir_ld(IRv d, IRv addr, MemOp op, int mmu_idx);
void ir_st(IRv v, IRv addr, MemOp op, int mmu_idx);

/* Helper calls; ret may be IR_NONE. */
void ir_call(void *fn, unsigned flags, IRv ret, int nargs, const IRv *args);
#define ir_call0(fn, fl, ret) ir_call((void *)(IRHelper0)(fn), fl, ret, 0, NULL)
#define ir_call1(fn, fl, ret, a) ir_call((void *)(IRHelper1)(fn), fl, ret, 1, (IRv[]){ a })
#define ir_call2(fn, fl, ret, a, b) ir_call((void *)(IRHelper2)(fn), fl, ret, 2, (IRv[]){ a, b })
#define ir_call3(fn, fl, ret, a, b, c)                                                         \
    ir_call((void *)(IRHelper3)(fn), fl, ret, 3, (IRv[]){ a, b, c })
#define ir_call4(fn, fl, ret, a, b, c, d)                                                      \
    ir_call((void *)(IRHelper4)(fn), fl, ret, 4, (IRv[]){ a, b, c, d })
#define ir_call5(fn, fl, ret, a, b, c, d, e)                                                   \
    ir_call((void *)(IRHelper5)(fn), fl, ret, 5, (IRv[]){ a, b, c, d, e })

/* Instruction boundary: guest pc (linear: CS base + rIP) and the lazy
 * flags state (CCOp) that hold if this instruction faults. */
void ir_insn_start(uint64_t pc, uint32_t cc_op);

/* Block exits. ir_goto_tb(n) is a chainable jump through the block's
 * exit slot n (0 .. IR_MAX_JUMPS - 1): the translator stores the new rIP
 * first, then calls ir_goto_tb(n) and ir_exit_tb(n). ir_lookup_and_goto()
 * looks the block for the current rIP up without leaving the execution
 * loop. ir_exit_tb(n) returns to the CPU loop: n = the slot after goto_tb,
 * IR_EXIT_REQUESTED for "check interrupts and requests now". The values fit
 * in 3 bits: the native backend returns (block | n). */
enum { IR_MAX_JUMPS = 6, IR_EXIT_NOCHAIN = 6, IR_EXIT_REQUESTED = 7 };
void ir_goto_tb(int slot);
void ir_exit_tb(int how);
void ir_lookup_and_goto(void);

/* Print a block (-d op). */
void ir_dump(const IRBlock *b, void (*print)(const char *line, void *opaque), void *opaque);

#endif
