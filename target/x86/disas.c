/*
 * Intel-syntax text of a decoded instruction, in the style of
 * `objdump -d -M intel` (lower case, "dword ptr [rax+rbx*4+0x10]", branch
 * targets as absolute addresses, rep/lock prefixes spelt out). Used by
 * -d in_asm and the decoder's tests; it reads only X86Insn.
 *
 * Differences from objdump kept on purpose: operands are separated by
 * ", "; st(0) is written "st(0)"; a RIP-relative operand is followed by
 * "# <target>" at the end of the line; implicit operands the manual does
 * not write (MASKMOVQ's [rDI]) are not printed.
 */
#include "target/x86/decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct Out {
    char *buf;
    size_t size;
    size_t len;
} Out;

static void out(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(Out *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->size ? o->size - o->len : 0;

    va_start(ap, fmt);
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) {
        o->len += (size_t)n;
    }
}

static const char *const gpr64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const gpr32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const gpr16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const gpr8[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const gpr8_high[4] = { "ah", "ch", "dh", "bh" };
static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

static const char *gpr_name(int reg, int size, bool high8)
{
    reg &= 15;
    if (high8) {
        return gpr8_high[reg & 3];
    }
    switch (size) {
    case 1: return gpr8[reg];
    case 2: return gpr16[reg];
    case 4: return gpr32[reg];
    default: return gpr64[reg];
    }
}

static uint64_t mask_to(uint64_t v, int size)
{
    return size >= 8 || size <= 0 ? v : v & ((1ull << (8 * size)) - 1);
}

static const char *size_ptr(int size)
{
    switch (size) {
    case 1: return "byte ptr ";
    case 2: return "word ptr ";
    case 4: return "dword ptr ";
    case 6: return "fword ptr ";
    case 8: return "qword ptr ";
    case 10: return "tbyte ptr ";
    case 16: return "xmmword ptr ";
    default: return "";
    }
}

static bool is_string_op(const X86Insn *insn)
{
    return insn->flags & X86_INSN_REPABLE;
}

static void print_signed_disp(Out *o, int64_t disp)
{
    if (disp < 0) {
        out(o, "-0x%llx", (unsigned long long)-(uint64_t)disp);
    } else if (disp > 0) {
        out(o, "+0x%llx", (unsigned long long)disp);
    }
}

static void print_mem(Out *o, const X86Insn *insn, const X86Operand *op)
{
    const X86Mem *m = &insn->mem;
    int as = insn->addrsize;

    out(o, "%s", size_ptr(op->size));
    if (is_string_op(insn)) {
        int seg = op->reg == 7 ? 0 : (insn->seg_override >= 0 ? insn->seg_override : 3);
        out(o, "%s:[%s]", seg_names[seg], gpr_name(op->reg, as, false));
        return;
    }
    bool absolute = m->base < 0 && m->index < 0 && !m->rip_rel;
    if (insn->seg_override >= 0 || absolute || insn->mnem == M_XLAT) {
        out(o, "%s:", seg_names[m->seg >= 0 && m->seg < 6 ? m->seg : 3]);
    }
    if (absolute) {
        out(o, "0x%llx", (unsigned long long)mask_to((uint64_t)m->disp, as));
        return;
    }
    out(o, "[");
    if (m->rip_rel) {
        out(o, "%s", as == 4 ? "eip" : "rip");
    } else if (m->base >= 0) {
        out(o, "%s", gpr_name(m->base, as, false));
    }
    if (m->index >= 0) {
        out(o, "%s%s", m->base >= 0 ? "+" : "", gpr_name(m->index, as, false));
        if (as != 2) {
            out(o, "*%d", m->scale); /* a SIB byte: the scale is always encoded */
        }
    }
    print_signed_disp(o, m->disp);
    out(o, "]");
}

static void print_operand(Out *o, const X86Insn *insn, const X86Operand *op, uint64_t pc)
{
    switch (op->kind) {
    case OPK_REG:
        switch (op->reg_class) {
        case RC_GPR: out(o, "%s", gpr_name(op->reg, op->size, op->high8)); break;
        case RC_SEG: out(o, "%s", op->reg < 6 ? seg_names[op->reg] : "?"); break;
        case RC_CR: out(o, "cr%d", op->reg); break;
        case RC_DR: out(o, "dr%d", op->reg); break;
        case RC_MMX: out(o, "mm%d", op->reg); break;
        case RC_XMM: out(o, "xmm%d", op->reg); break;
        case RC_ST: out(o, "st(%d)", op->reg); break;
        default: out(o, "?"); break;
        }
        break;
    case OPK_MEM:
        print_mem(o, insn, op);
        break;
    case OPK_IMM:
        if (insn->map == 0 && (insn->opcode == 0xd0 || insn->opcode == 0xd1)) {
            out(o, "1"); /* shift by one: the count is in the opcode */
            break;
        }
        out(o, "0x%llx", (unsigned long long)mask_to((uint64_t)op->imm, op->size));
        break;
    case OPK_REL:
        out(o, "0x%llx", (unsigned long long)mask_to(pc + insn->len + (uint64_t)op->imm, op->size));
        break;
    case OPK_FAR:
        out(o, "0x%x:0x%llx", op->seg_imm, (unsigned long long)op->imm);
        break;
    default:
        break;
    }
}

/* Mnemonics whose operand size is not visible in their operands get the
 * w/d/q suffix assemblers use. */
static const char *size_suffix(const X86Insn *insn)
{
    static const char *const sfx[9] = { [2] = "w", [4] = "d", [8] = "q" };

    switch (insn->mnem) {
    case M_IRET:
    case M_PUSHF:
    case M_POPF:
    case M_PUSHA:
    case M_POPA:
        return sfx[insn->opsize & 15] ? sfx[insn->opsize & 15] : "";
    default:
        return "";
    }
}

static const char *rep_prefix(const X86Insn *insn)
{
    if (insn->prefixes & PFX_REPNE) {
        return "repne ";
    }
    if (insn->prefixes & PFX_REP) {
        return (insn->mnem == M_CMPS || insn->mnem == M_SCAS) ? "repe " : "rep ";
    }
    return "";
}

void x86_disas(const X86Insn *insn, uint64_t pc, char *buf, size_t size)
{
    Out o = { .buf = buf, .size = size };

    if (size) {
        buf[0] = '\0';
    }
    if (insn->mnem == M_INVALID || insn->mnem >= M_COUNT) {
        out(&o, "(bad)");
        return;
    }
    if (insn->prefixes & PFX_LOCK) {
        out(&o, "lock ");
    }
    out(&o, "%s%s%s", rep_prefix(insn), x86_mnem_name(insn->mnem), size_suffix(insn));

    int shown = 0;
    const X86Mem *rip_mem = NULL;
    for (int i = 0; i < insn->nops && i < 4; i++) {
        const X86Operand *op = &insn->op[i];
        if ((insn->mnem == M_MASKMOVQ || insn->mnem == M_MASKMOVDQU) && op->kind == OPK_MEM) {
            continue;
        }
        out(&o, shown++ ? ", " : " ");
        print_operand(&o, insn, op, pc);
        if (op->kind == OPK_MEM && insn->mem.rip_rel && !is_string_op(insn)) {
            rip_mem = &insn->mem;
        }
    }
    if (rip_mem) {
        uint64_t target = pc + insn->len + (uint64_t)rip_mem->disp;
        out(&o, "  # 0x%llx", (unsigned long long)mask_to(target, insn->addrsize));
    }
}
