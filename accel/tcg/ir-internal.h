/*
 * The IR's representation, for the builder (ir.c), the backends and the
 * dumper. Translators use only ir.h.
 *
 * A value handle (IRv) encodes where the value lives in its top bits:
 *   IRV_GLOBAL | n  global n: a slot of X86CPUState at globals[n].offset
 *   IRV_CONST | n   constant n of the block's pool
 *   n (>= 1)        temp n of the block
 */
#ifndef ACCEL_TCG_IR_INTERNAL_H
#define ACCEL_TCG_IR_INTERNAL_H

#include "accel/tcg/ir.h"

#define IRV_GLOBAL 0x80000000u
#define IRV_CONST 0x40000000u
#define IRV_INDEX(v) ((v) & 0x3fffffffu)

#define IR_MAX_GLOBALS 64

typedef struct IRGlobal {
    size_t offset;
    IRType type;
    const char *name;
} IRGlobal;

extern IRGlobal ir_globals[IR_MAX_GLOBALS];
extern unsigned ir_nglobals;

struct IRBlock {
    IROp *ops;
    size_t nops, ops_cap;
    uint8_t *temp_type;   /* IRType per temp, index 0 unused */
    uint32_t ntemps, temps_cap;
    uint64_t *consts;
    uint8_t *const_type;
    uint32_t nconsts, consts_cap;
    uint32_t nlabels;
    uint32_t *label_pos;  /* op index of each label, filled by ir_block_finish */
};

/* Resolve labels; after this the block is read-only. */
void ir_block_finish(IRBlock *b);
/* Drop the ops once a backend has made its own form of them; the constant
 * pool stays (the backend's form points into it). */
void ir_block_release_ops(IRBlock *b);

/* Encodings of op constants (IROp.imm and trailing args). */
#define IR_LDST_IMM(memop, mmu) ((uint64_t)(memop) | (uint64_t)(mmu) << 8)
#define IR_LDST_MEMOP(imm) ((MemOp)((imm) & 0xff))
#define IR_LDST_MMU(imm) ((int)((imm) >> 8))
/* call: args[0] = ret (or IR_NONE), args[1..5] = arguments, args[6] = nargs,
 * args[7] = flags; imm = the function */

/* Which of an op's args are inputs and outputs (indexes into args); calls
 * and a few ops have layouts of their own. */
typedef struct IRArgShape {
    unsigned nin, nout;
    uint8_t in[5], out[2];
} IRArgShape;

IRArgShape ir_op_shape(const IROp *op);

/* Op metadata from ir-ops.def. */
typedef struct IROpDef {
    const char *name;
    uint8_t nout, nin, nconst, flags;
} IROpDef;

extern const IROpDef ir_op_defs[IR_NB_OPS];

#endif
