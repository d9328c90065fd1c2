/*
 * The x86-64 instruction decoder: guest bytes -> X86Insn. Table driven (the
 * tables in decode-tables.c use the Intel SDM's operand notation, e.g.
 * "Ev,Gv" or "Vdq,Wdq,Ib") and shared by the translator, the disassembler
 * (-d in_asm) and the tests. It knows encodings only; what an instruction
 * does is the translator's business, keyed on X86Insn.mnem.
 */
#ifndef TARGET_X86_DECODE_H
#define TARGET_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mnemonics: one line each in target/x86/mnemonics.def, X(ENUM, "name"). */
typedef enum X86Mnem {
#define X(e, s) M_##e,
#include "target/x86/mnemonics.def"
#undef X
    M_COUNT
} X86Mnem;

const char *x86_mnem_name(X86Mnem m);

typedef enum X86OpKind {
    OPK_NONE,
    OPK_REG,  /* a register of class reg_class */
    OPK_MEM,  /* the memory operand described by X86Insn.mem */
    OPK_IMM,  /* immediate, sign- or zero-extended per the notation, in imm */
    OPK_REL,  /* relative branch: imm is the target offset from the next rIP */
    OPK_FAR,  /* ptr16:16/32 immediate: imm = offset, seg_imm = selector */
} X86OpKind;

typedef enum X86RegClass {
    RC_GPR,   /* reg 0-15; with size 1 and high8, AH/CH/DH/BH */
    RC_SEG,   /* ES CS SS DS FS GS = 0-5 */
    RC_CR,
    RC_DR,
    RC_MMX,   /* mm0-7 */
    RC_XMM,   /* xmm0-15 */
    RC_ST,    /* x87 st(i) */
} X86RegClass;

typedef struct X86Operand {
    uint8_t kind;      /* X86OpKind */
    uint8_t size;      /* bytes: 1, 2, 4, 8, 10 (m80), 16, or 0 if none/unsized */
    uint8_t reg_class; /* X86RegClass, for OPK_REG */
    uint8_t reg;       /* register number */
    bool high8;        /* AH, CH, DH, BH */
    int64_t imm;       /* OPK_IMM / OPK_REL / OPK_FAR offset */
    uint16_t seg_imm;  /* OPK_FAR selector */
} X86Operand;

typedef struct X86Mem {
    int8_t base;     /* GPR number or -1 */
    int8_t index;    /* GPR number or -1 */
    uint8_t scale;   /* 1, 2, 4, 8 */
    int8_t seg;      /* effective segment (override or default: SS for rBP/rSP base) */
    bool rip_rel;    /* 64-bit RIP-relative: disp is from the next rIP */
    int64_t disp;
} X86Mem;

enum {
    PFX_LOCK = 1,
    PFX_REP = 2,    /* F3 */
    PFX_REPNE = 4,  /* F2 */
    PFX_OPSIZE = 8, /* 66 */
    PFX_ADSIZE = 16, /* 67 */
    PFX_REX = 32,
    PFX_SEG = 64,   /* a segment override was given (seg in X86Insn.seg_override) */
};

typedef struct X86Insn {
    uint16_t mnem;     /* X86Mnem; M_INVALID for an undefined encoding (#UD) */
    uint8_t len;       /* bytes, 1-15 */
    uint8_t opsize;    /* effective operand size in bytes: 2, 4 or 8 */
    uint8_t addrsize;  /* effective address size: 2, 4 or 8 */
    uint8_t prefixes;  /* PFX_* */
    uint8_t rex;       /* the REX byte (0x40-0x4f) or 0 */
    int8_t seg_override; /* -1 or 0-5 */
    uint8_t map;       /* 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A, 4: x87 (D8-DF) */
    uint8_t opcode;    /* the opcode byte in its map */
    uint8_t modrm;     /* valid if has_modrm */
    bool has_modrm;
    uint8_t nops;
    X86Operand op[4];  /* in Intel order: destination first */
    X86Mem mem;        /* valid when an operand is OPK_MEM */
    uint32_t flags;    /* X86_INSN_* from the table row */
} X86Insn;

/* Table-row flags the translator and disassembler may use. */
enum {
    X86_INSN_LOCKABLE = 1,  /* LOCK is allowed (with a memory destination) */
    X86_INSN_REPABLE = 2,   /* string instruction: REP/REPE/REPNE apply */
    X86_INSN_PRIV = 4,      /* CPL 0 only (#GP otherwise) */
    X86_INSN_NO64 = 8,      /* invalid in 64-bit mode */
    X86_INSN_DEF64 = 16,    /* operand size defaults to 64 in 64-bit mode */
    X86_INSN_BRANCH = 32,   /* changes rIP */
    X86_INSN_SSE = 64,      /* SSE/MMX: #UD/#NM rules of CR0/CR4 apply */
    X86_INSN_X87 = 128,     /* x87: #NM rules apply */
};

typedef enum X86DecodeResult {
    X86_DECODE_OK,
    X86_DECODE_NEED_MORE, /* the bytes ran out before the instruction did */
    X86_DECODE_TOO_LONG,  /* over 15 bytes: #GP */
} X86DecodeResult;

/*
 * Decode one instruction from bytes[0..avail) for a code segment of
 * code_size 2, 4 or 8 (8 = 64-bit mode). An undefined encoding decodes as
 * OK with mnem = M_INVALID and len set, so the translator raises #UD.
 */
X86DecodeResult x86_decode(X86Insn *insn, const uint8_t *bytes, size_t avail, int code_size);

/* Intel-syntax text of a decoded instruction at rIP = pc ("add eax, [rbx+0x10]"). */
void x86_disas(const X86Insn *insn, uint64_t pc, char *buf, size_t size);

#endif
