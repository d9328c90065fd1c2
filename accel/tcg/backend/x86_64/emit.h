/*
 * An x86-64 instruction encoder for the native backend: just the forms the
 * code generator uses, encoded per the Intel SDM vol. 2 (chapter 2: REX
 * prefixes, ModR/M and SIB; the opcode tables of chapters 3-4). Every
 * function appends bytes at cb->ptr; the caller checks space before a block
 * (cb_room), so single instructions never overflow.
 */
#ifndef ACCEL_TCG_BACKEND_X86_64_EMIT_H
#define ACCEL_TCG_BACKEND_X86_64_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum {
    CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7,
    CC_S = 8, CC_NS = 9, CC_P = 10, CC_NP = 11, CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15,
};

/* Group-1 ALU operations: the /digit of 0x81/0x83 and the base opcode of
 * the r/m,reg form (digit * 8 + 1). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
/* Group-2 shifts: the /digit of 0xC1/0xD3. */
enum { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

typedef struct CodeBuf {
    uint8_t *ptr;
    uint8_t *end;
} CodeBuf;

static inline void e8(CodeBuf *cb, uint8_t b)
{
    *cb->ptr++ = b;
}

static inline void e32(CodeBuf *cb, uint32_t v)
{
    memcpy(cb->ptr, &v, 4);
    cb->ptr += 4;
}

static inline void e64(CodeBuf *cb, uint64_t v)
{
    memcpy(cb->ptr, &v, 8);
    cb->ptr += 8;
}

static inline bool fits_s32(int64_t v)
{
    return v == (int32_t)v;
}

static inline bool fits_s8(int64_t v)
{
    return v == (int8_t)v;
}

/* REX prefix: W (64-bit operand), R (reg field), X (SIB index), B (rm/base).
 * byte_regs forces a REX so that registers 4-7 mean SPL..DIL, not AH..BH. */
static inline void rex(CodeBuf *cb, bool w, int reg, int index, int base, bool byte_regs)
{
    uint8_t r = 0x40 | (w << 3) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
    if (r != 0x40 || (byte_regs && ((reg & 0xc) == 4 || (base & 0xc) == 4))) {
        e8(cb, r);
    }
}

/* ModR/M for register-direct operands. */
static inline void modrm_rr(CodeBuf *cb, int reg, int rm)
{
    e8(cb, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* ModR/M (+SIB, +disp) for [base + index*scale + disp]; index < 0: none. */
static inline void modrm_mem(CodeBuf *cb, int reg, int base, int index, int scale_log2, int32_t disp)
{
    int mod = disp == 0 && (base & 7) != RBP ? 0 : fits_s8(disp) ? 1 : 2;
    if (index < 0 && (base & 7) != RSP) {
        e8(cb, mod << 6 | (reg & 7) << 3 | (base & 7));
    } else {
        e8(cb, mod << 6 | (reg & 7) << 3 | 4);
        e8(cb, scale_log2 << 6 | ((index < 0 ? RSP : index) & 7) << 3 | (base & 7));
    }
    if (mod == 1) {
        e8(cb, (uint8_t)disp);
    } else if (mod == 2) {
        e32(cb, (uint32_t)disp);
    }
}

/* op reg, rm (register forms), with optional 0x0F escape. */
static inline void op_rr(CodeBuf *cb, bool w, int opc, int reg, int rm)
{
    rex(cb, w, reg, 0, rm, false);
    if (opc > 0xff) {
        e8(cb, opc >> 8);
    }
    e8(cb, opc & 0xff);
    modrm_rr(cb, reg, rm);
}

static inline void op_rm(CodeBuf *cb, bool w, int opc, int reg, int base, int index, int scale,
                         int32_t disp, bool byte_regs)
{
    rex(cb, w, reg, index < 0 ? 0 : index, base, byte_regs);
    if (opc > 0xff) {
        e8(cb, opc >> 8);
    }
    e8(cb, opc & 0xff);
    modrm_mem(cb, reg, base, index, scale, disp);
}

/* alu dst, src (0x01 + op*8 is "op r/m, reg"). */
static inline void alu_rr(CodeBuf *cb, bool w, int alu, int dst, int src)
{
    op_rr(cb, w, alu * 8 + 1, src, dst);
}

static inline void alu_ri(CodeBuf *cb, bool w, int alu, int dst, int32_t imm)
{
    if (fits_s8(imm)) {
        op_rr(cb, w, 0x83, alu, dst);
        e8(cb, (uint8_t)imm);
    } else {
        op_rr(cb, w, 0x81, alu, dst);
        e32(cb, (uint32_t)imm);
    }
}

/* alu reg, [base + disp]  (0x03 + op*8 is "op reg, r/m"). */
static inline void alu_rm(CodeBuf *cb, bool w, int alu, int reg, int base, int index, int32_t disp)
{
    op_rm(cb, w, alu * 8 + 3, reg, base, index, 0, disp, false);
}

static inline void test_rr(CodeBuf *cb, bool w, int a, int b)
{
    op_rr(cb, w, 0x85, b, a);
}

static inline void test_ri(CodeBuf *cb, bool w, int r, int32_t imm)
{
    op_rr(cb, w, 0xf7, 0, r);
    e32(cb, (uint32_t)imm);
}

static inline void mov_rr(CodeBuf *cb, bool w, int dst, int src)
{
    op_rr(cb, w, 0x89, src, dst);
}

static inline void mov_ri(CodeBuf *cb, int dst, uint64_t v)
{
    if (v == 0) {
        op_rr(cb, false, 0x31, dst, dst); /* xor r32, r32 (clobbers flags) */
    } else if (v <= 0xffffffffull) {
        rex(cb, false, 0, 0, dst, false);
        e8(cb, 0xb8 + (dst & 7));
        e32(cb, (uint32_t)v);
    } else if (fits_s32((int64_t)v)) {
        op_rr(cb, true, 0xc7, 0, dst);
        e32(cb, (uint32_t)v);
    } else {
        rex(cb, true, 0, 0, dst, false);
        e8(cb, 0xb8 + (dst & 7));
        e64(cb, v);
    }
}

/* Like mov_ri but never touches the flags (no xor for zero). */
static inline void mov_ri_keepflags(CodeBuf *cb, int dst, uint64_t v)
{
    if (v == 0) {
        rex(cb, false, 0, 0, dst, false);
        e8(cb, 0xb8 + (dst & 7));
        e32(cb, 0);
    } else {
        mov_ri(cb, dst, v);
    }
}

/* Loads and stores of 1/2/4/8 bytes at [base + index + disp]. */
static inline void ld_zx(CodeBuf *cb, unsigned size_log2, int dst, int base, int index, int32_t disp)
{
    switch (size_log2) {
    case 0: op_rm(cb, false, 0x0fb6, dst, base, index, 0, disp, false); break;
    case 1: op_rm(cb, false, 0x0fb7, dst, base, index, 0, disp, false); break;
    case 2: op_rm(cb, false, 0x8b, dst, base, index, 0, disp, false); break;
    default: op_rm(cb, true, 0x8b, dst, base, index, 0, disp, false); break;
    }
}

/* Sign-extending load to 32 (w = false) or 64 bits. */
static inline void ld_sx(CodeBuf *cb, bool w, unsigned size_log2, int dst, int base, int index, int32_t disp)
{
    switch (size_log2) {
    case 0: op_rm(cb, w, 0x0fbe, dst, base, index, 0, disp, false); break;
    case 1: op_rm(cb, w, 0x0fbf, dst, base, index, 0, disp, false); break;
    case 2:
        if (w) {
            op_rm(cb, true, 0x63, dst, base, index, 0, disp, false);
        } else {
            op_rm(cb, false, 0x8b, dst, base, index, 0, disp, false);
        }
        break;
    default: op_rm(cb, true, 0x8b, dst, base, index, 0, disp, false); break;
    }
}

static inline void st_sized(CodeBuf *cb, unsigned size_log2, int src, int base, int index, int32_t disp)
{
    switch (size_log2) {
    case 0: op_rm(cb, false, 0x88, src, base, index, 0, disp, true); break;
    case 1:
        e8(cb, 0x66);
        op_rm(cb, false, 0x89, src, base, index, 0, disp, false);
        break;
    case 2: op_rm(cb, false, 0x89, src, base, index, 0, disp, false); break;
    default: op_rm(cb, true, 0x89, src, base, index, 0, disp, false); break;
    }
}

/* mov [base + index + disp], imm (sign-extended imm32 for 8 bytes; no
 * index if index < 0). */
static inline void st_imm_idx(CodeBuf *cb, unsigned size_log2, int base, int index, int32_t disp, int32_t imm)
{
    switch (size_log2) {
    case 0:
        op_rm(cb, false, 0xc6, 0, base, index, 0, disp, false);
        e8(cb, (uint8_t)imm);
        break;
    case 1:
        e8(cb, 0x66);
        op_rm(cb, false, 0xc7, 0, base, index, 0, disp, false);
        e8(cb, (uint8_t)imm);
        e8(cb, (uint8_t)(imm >> 8));
        break;
    default:
        op_rm(cb, size_log2 == 3, 0xc7, 0, base, index, 0, disp, false);
        e32(cb, (uint32_t)imm);
        break;
    }
}

static inline void st_imm(CodeBuf *cb, unsigned size_log2, int base, int32_t disp, int32_t imm)
{
    st_imm_idx(cb, size_log2, base, -1, disp, imm);
}

static inline void lea(CodeBuf *cb, int dst, int base, int index, int scale, int32_t disp)
{
    op_rm(cb, true, 0x8d, dst, base, index, scale, disp, false);
}

static inline void shift_ri(CodeBuf *cb, bool w, int sh, int r, unsigned count)
{
    if (count == 1) {
        op_rr(cb, w, 0xd1, sh, r);
    } else {
        op_rr(cb, w, 0xc1, sh, r);
        e8(cb, (uint8_t)count);
    }
}

/* rorx dst, src, imm (BMI2; SDM vol. 2, RORX: VEX.LZ.F2.0F3A.W1 F0 /r ib):
 * a copy rotated right, flags untouched. */
static inline void rorx_ri(CodeBuf *cb, int dst, int src, unsigned count)
{
    e8(cb, 0xc4);
    e8(cb, (uint8_t)((~dst & 8) << 4 | 0x40 | (~src & 8) << 2 | 0x03)); /* R X B, map 0F3A */
    e8(cb, 0xfb);                                                       /* W1, vvvv unused, L0, F2 */
    e8(cb, 0xf0);
    modrm_rr(cb, dst, src);
    e8(cb, (uint8_t)count);
}

/* Shift by CL. */
static inline void shift_rcl(CodeBuf *cb, bool w, int sh, int r)
{
    op_rr(cb, w, 0xd3, sh, r);
}

/* Group-3 unary ops on a register: 2 not, 3 neg, 4 mul, 5 imul. */
static inline void unary(CodeBuf *cb, bool w, int digit, int r)
{
    op_rr(cb, w, 0xf7, digit, r);
}

static inline void imul_rr(CodeBuf *cb, bool w, int dst, int src)
{
    op_rr(cb, w, 0x0faf, dst, src);
}

static inline void movzx8(CodeBuf *cb, int dst, int src)
{
    rex(cb, false, dst, 0, src, true);
    e8(cb, 0x0f);
    e8(cb, 0xb6);
    modrm_rr(cb, dst, src);
}

static inline void movsx8(CodeBuf *cb, bool w, int dst, int src)
{
    rex(cb, w, dst, 0, src, true);
    e8(cb, 0x0f);
    e8(cb, 0xbe);
    modrm_rr(cb, dst, src);
}

static inline void movzx16(CodeBuf *cb, int dst, int src)
{
    op_rr(cb, false, 0x0fb7, dst, src);
}

static inline void movsx16(CodeBuf *cb, bool w, int dst, int src)
{
    op_rr(cb, w, 0x0fbf, dst, src);
}

static inline void movsxd(CodeBuf *cb, int dst, int src)
{
    op_rr(cb, true, 0x63, dst, src);
}

static inline void bswap_r(CodeBuf *cb, bool w, int r)
{
    rex(cb, w, 0, 0, r, false);
    e8(cb, 0x0f);
    e8(cb, 0xc8 + (r & 7));
}

/* rol r16, 8: swaps the two low bytes. */
static inline void rol16_8(CodeBuf *cb, int r)
{
    e8(cb, 0x66);
    op_rr(cb, false, 0xc1, SH_ROL, r);
    e8(cb, 8);
}

static inline void setcc(CodeBuf *cb, int cc, int r)
{
    rex(cb, false, 0, 0, r, true);
    e8(cb, 0x0f);
    e8(cb, 0x90 + cc);
    modrm_rr(cb, 0, r);
}

static inline void cmovcc(CodeBuf *cb, bool w, int cc, int dst, int src)
{
    op_rr(cb, w, 0x0f40 + cc, dst, src);
}

/* Jumps and calls with a rel32 to patch later: return the displacement's
 * address. */
static inline uint8_t *jcc32(CodeBuf *cb, int cc)
{
    e8(cb, 0x0f);
    e8(cb, 0x80 + cc);
    e32(cb, 0);
    return cb->ptr - 4;
}

static inline uint8_t *jmp32(CodeBuf *cb)
{
    e8(cb, 0xe9);
    e32(cb, 0);
    return cb->ptr - 4;
}

/* Point the rel32 at disp to target. */
static inline void patch_rel32(uint8_t *disp, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (disp + 4));
    memcpy(disp, &rel, 4);
}

static inline void jmp_to(CodeBuf *cb, const uint8_t *target)
{
    patch_rel32(jmp32(cb), target);
}

static inline void jmp_reg(CodeBuf *cb, int r)
{
    rex(cb, false, 0, 0, r, false);
    e8(cb, 0xff);
    modrm_rr(cb, 4, r);
}

/* call fn: direct when within reach, else through RAX (clobbered by the
 * call anyway). */
static inline void call_abs(CodeBuf *cb, const void *fn)
{
    int64_t rel = (const uint8_t *)fn - (cb->ptr + 5);
    if (fits_s32(rel)) {
        e8(cb, 0xe8);
        e32(cb, (uint32_t)rel);
    } else {
        mov_ri(cb, RAX, (uint64_t)(uintptr_t)fn);
        e8(cb, 0xff);
        modrm_rr(cb, 2, RAX);
    }
}

static inline void push_r(CodeBuf *cb, int r)
{
    rex(cb, false, 0, 0, r, false);
    e8(cb, 0x50 + (r & 7));
}

static inline void pop_r(CodeBuf *cb, int r)
{
    rex(cb, false, 0, 0, r, false);
    e8(cb, 0x58 + (r & 7));
}

static inline void ret(CodeBuf *cb)
{
    e8(cb, 0xc3);
}

#endif
