/*
 * The decoder's table format, shared by decode-tables.c (the rows) and
 * decode.c / disas.c (the code that walks them). Private to target/x86:
 * users of the decoder see only target/x86/decode.h.
 *
 * A map (one-byte, 0F, 0F38, 0F3A) is 256 rows indexed by the opcode byte.
 * A row is either an instruction (ROW_INSN: mnemonic, up to four operand
 * specs, flags) or a dispatch to a small sub-table selected by something
 * the opcode byte alone does not settle: ModRM.reg (the SDM's opcode
 * extension groups), the mandatory prefix, ModRM.mod, ModRM.rm, the mode,
 * REX.B, or, for the x87 escapes, the whole ModRM byte.
 */
#ifndef TARGET_X86_DECODE_TABLES_H
#define TARGET_X86_DECODE_TABLES_H

#include <stdint.h>

#include "target/x86/decode.h"

typedef enum X86RowKind {
    ROW_INSN,     /* an instruction */
    ROW_GROUP,    /* sub[ModRM.reg], 8 rows */
    ROW_PREFIX,   /* sub[none, 66, F3, F2], 4 rows: the mandatory prefix */
    ROW_MOD,      /* sub[0] for a memory operand (mod != 3), sub[1] for mod == 3 */
    ROW_RM,       /* sub[ModRM.rm], 8 rows (used under mod == 3) */
    ROW_MODE64,   /* sub[0] outside 64-bit mode, sub[1] in it */
    ROW_REXB,     /* sub[REX.B] (opcode 90: NOP/PAUSE or XCHG r8) */
    ROW_X87,      /* sub[ModRM.reg] if mod != 3, else sub[8 + (ModRM & 0x3f)] */
    ROW_ESC,      /* sub is the next opcode map (0F, 0F38, 0F3A) */
} X86RowKind;

/* Decoder-internal row flags, above the public X86_INSN_* bits. */
enum {
    D_F64 = 1 << 8,      /* 64-bit mode: operand size 64 whatever 66h says (Intel near branches) */
    D_ONLY64 = 1 << 9,   /* #UD outside 64-bit mode */
    D_WMNEM = 1 << 10,   /* REX.W selects mnem + 1 (MOVD -> MOVQ, PEXTRD -> PEXTRQ, ...) */
    D_OSMNEM = 1 << 11,  /* operand size 2/4/8 selects mnem, mnem + 1, mnem + 2 */
    D_ASMNEM = 1 << 12,  /* address size 2/4/8 selects mnem, mnem + 1, mnem + 2 */
    D_MODIGN = 1 << 13,  /* ModRM.mod is ignored, rm names a register (MOV CR/DR) */
    D_PUBLIC_MASK = 0xff,
};

typedef struct X86Row {
    uint16_t mnem;            /* X86Mnem (ROW_INSN) */
    uint8_t kind;             /* X86RowKind */
    uint8_t op[4];            /* X86OpSpec indices, Intel order */
    uint32_t flags;           /* X86_INSN_* | D_* */
    const struct X86Row *sub; /* the sub-table of a dispatch row */
} X86Row;

/* How an operand spec is decoded: the SDM's addressing method letter... */
typedef enum X86AddrMethod {
    AM_NONE,
    AM_E,      /* ModRM.rm: GPR or memory */
    AM_M,      /* ModRM.rm: memory only */
    AM_R,      /* ModRM.rm: GPR, mod ignored (MOV CR/DR) */
    AM_G,      /* ModRM.reg: GPR */
    AM_S,      /* ModRM.reg: segment register */
    AM_C,      /* ModRM.reg: control register */
    AM_D,      /* ModRM.reg: debug register */
    AM_P,      /* ModRM.reg: MMX register */
    AM_Q,      /* ModRM.rm: MMX register or memory */
    AM_N,      /* ModRM.rm: MMX register only */
    AM_V,      /* ModRM.reg: XMM register */
    AM_W,      /* ModRM.rm: XMM register or memory */
    AM_U,      /* ModRM.rm: XMM register only */
    AM_I,      /* immediate: b/w zero-extended, z/v sign-extended to 64 bits */
    AM_IBS,    /* immediate byte, sign-extended to the operand size */
    AM_J,      /* relative branch offset */
    AM_O,      /* moffs: absolute offset of address size, no ModRM */
    AM_A,      /* far pointer immediate */
    AM_X,      /* string source DS:rSI (segment overridable) */
    AM_Y,      /* string destination ES:rDI */
    AM_BX,     /* XLAT's DS:[rBX + AL] */
    AM_DI,     /* MASKMOVQ/MASKMOVDQU's implicit DS:[rDI] */
    AM_Z,      /* GPR in the opcode's low three bits (+ REX.B) */
    AM_FIXGPR, /* a named GPR (AL, CL, DX, eAX, rAX) */
    AM_FIXSEG, /* a named segment register */
    AM_ONE,    /* the constant 1 (shift by one) */
    AM_ST0,    /* x87 st(0) */
    AM_STI,    /* x87 st(ModRM.rm) */
    AM_XMM0,   /* implicit xmm0 (BLENDV) */
} X86AddrMethod;

/* ...and its operand type letter: the size in bytes once the operand and
 * address sizes are known. */
typedef enum X86OpType {
    T_0,     /* unsized (LEA, INVLPG, FXSAVE's 512 bytes) */
    T_B,     /* 1 */
    T_W,     /* 2 */
    T_D,     /* 4 */
    T_Q,     /* 8 */
    T_DQ,    /* 16 */
    T_T,     /* 10 (m80) */
    T_V,     /* operand size */
    T_Z,     /* 2 with 16-bit operand size, else 4 */
    T_Y,     /* 8 with 64-bit operand size, else 4 */
    T_P,     /* far pointer: 2 + operand size */
    T_S,     /* descriptor-table pseudo-descriptor: 10 in 64-bit mode, else 6 */
    T_A,     /* BOUND's pair: 2 * operand size */
    T_QDQ,   /* 8, or 16 with 64-bit operand size (CMPXCHG8B/16B) */
    T_ENV,   /* x87 environment: 14 with 16-bit operand size, else 28 */
    T_STATE, /* x87 state (FSAVE): 94 with 16-bit operand size, else 108 */
} X86OpType;

typedef struct X86OpSpecInfo {
    uint8_t method; /* X86AddrMethod */
    uint8_t rtype;  /* X86OpType of the register (or the only) form */
    uint8_t mtype;  /* X86OpType of the memory form */
    uint8_t reg;    /* AM_FIXGPR / AM_FIXSEG: which register */
} X86OpSpecInfo;

extern const X86OpSpecInfo x86_opspec_info[];
extern const X86Row x86_map_onebyte[256];
extern const X86Row x86_map_0f[256];
extern const X86Row x86_map_0f38[256];
extern const X86Row x86_map_0f3a[256];

#endif
