/*
 * x86-64 instruction decoder: prefixes, REX, opcode maps, ModRM/SIB,
 * displacement and immediates, after the Intel SDM vol. 2, chapter 2
 * (instruction format, 2.1-2.2) and Appendix A (opcode maps, operand
 * notation). The tables live in decode-tables.c; this file walks them and
 * builds the operands.
 *
 * Rules that are easy to get wrong, all from SDM vol. 2 ch. 2:
 *  - legacy prefixes come in any order; at most 15 bytes in all (#GP);
 *    of F2/F3 the last one counts, for REP and as the mandatory prefix;
 *    a prefix consumed as the mandatory prefix of an SSE row is removed
 *    from X86Insn.prefixes (66 then does not change the operand size);
 *  - REX counts only right before the opcode (a legacy prefix after it
 *    cancels it); REX.W beats 66h;
 *  - in 64-bit mode CS/DS/ES/SS overrides are ignored (as if absent), FS
 *    and GS apply; default-64 rows take 64-bit operands unless 66h; near
 *    branches stay 64-bit even with 66h, as on Intel CPUs (PFX_OPSIZE is
 *    then removed too, the prefix being ignored);
 *  - without REX, byte registers 4-7 are AH, CH, DH, BH: the operand has
 *    high8 set and reg 0-3 (the GPR whose bits 15:8 it is); with any REX
 *    they are SPL, BPL, SIL, DIL.
 *
 * Operand conventions (what decode.h leaves open):
 *  - OPK_IMM: Ib/Iw zero-extended, Iz/Iv and sign-extended bytes (Ibs)
 *    sign-extended to 64 bits; size is the operand size the value is used
 *    at. OPK_REL: imm is the sign-extended displacement, size the operand
 *    size that rIP wraps to.
 *  - X86Mem.disp is sign-extended from its encoded width (moffs: zero-
 *    extended); the effective address wraps at X86Insn.addrsize.
 *  - String operands (X = DS:rSI, Y = ES:rDI) are OPK_MEM with op.reg = 6
 *    (rSI) or 7 (rDI). X86Insn.mem describes the rSI one if there is one
 *    (its segment is overridable), else the rDI one (always ES). XLAT's
 *    operand is OPK_MEM base rBX (AL is added), MASKMOVQ/MASKMOVDQU's
 *    implicit destination OPK_MEM base rDI, both DS unless overridden.
 *  - Undefined encodings decode as OK with mnem M_INVALID, nops 0, flags 0
 *    and len covering the bytes looked at (ModRM, SIB and displacement
 *    included when the row has a ModRM byte).
 */
#include "target/x86/decode.h"

#include <string.h>

#include "target/x86/decode-tables.h"

#define MAX_INSN_LEN 15

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };
enum { REG_BX = 3, REG_SP = 4, REG_BP = 5, REG_SI = 6, REG_DI = 7 };

static const char *const mnem_names[M_COUNT] = {
#define X(e, s) [M_##e] = s,
#include "target/x86/mnemonics.def"
#undef X
};

const char *x86_mnem_name(X86Mnem m)
{
    return (unsigned)m < M_COUNT ? mnem_names[m] : "?";
}

typedef struct Decoder {
    const uint8_t *bytes;
    size_t avail;
    unsigned pos;
    X86DecodeResult err; /* the first failure; later fetches return 0 */
    X86Insn *insn;
    int code_size;
    bool invalid;
    bool mem_claimed;    /* insn->mem is taken by an rSI-side or ModRM operand */
} Decoder;

static uint8_t fetch8(Decoder *d)
{
    if (d->err != X86_DECODE_OK) {
        return 0;
    }
    if (d->pos >= MAX_INSN_LEN) {
        d->err = X86_DECODE_TOO_LONG;
        return 0;
    }
    if (d->pos >= d->avail) {
        d->err = X86_DECODE_NEED_MORE;
        return 0;
    }
    return d->bytes[d->pos++];
}

/* n little-endian bytes, zero-extended. */
static uint64_t fetch(Decoder *d, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v |= (uint64_t)fetch8(d) << (8 * i);
    }
    return v;
}

static int64_t sext(uint64_t v, int bytes)
{
    int shift = 64 - 8 * bytes;
    return bytes >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

static void fetch_modrm(Decoder *d)
{
    if (!d->insn->has_modrm) {
        d->insn->modrm = fetch8(d);
        d->insn->has_modrm = true;
    }
}

static int mod_of(const X86Insn *insn) { return insn->modrm >> 6; }
static int reg_of(const X86Insn *insn) { return (insn->modrm >> 3) & 7; }
static int rm_of(const X86Insn *insn) { return insn->modrm & 7; }
static int rex_r(const X86Insn *insn) { return (insn->rex & 4) << 1; }
static int rex_x(const X86Insn *insn) { return (insn->rex & 2) << 2; }
static int rex_b(const X86Insn *insn) { return (insn->rex & 1) << 3; }

static int data_seg(const X86Insn *insn, int dflt)
{
    return insn->seg_override >= 0 ? insn->seg_override : dflt;
}

/* ModRM (mod != 3), SIB and displacement -> insn->mem (SDM vol. 2, 2.1.5
 * tables 2-1..2-3, and 2.2.1 for REX and RIP-relative addressing). */
static void decode_modrm_mem(Decoder *d)
{
    static const int8_t base16[8] = { REG_BX, REG_BX, REG_BP, REG_BP, REG_SI, REG_DI, REG_BP, REG_BX };
    static const int8_t index16[8] = { REG_SI, REG_DI, REG_SI, REG_DI, -1, -1, -1, -1 };
    X86Insn *insn = d->insn;
    X86Mem *m = &insn->mem;
    int mod = mod_of(insn), rm = rm_of(insn);
    int dflt = SEG_DS;

    m->base = m->index = -1;
    m->scale = 1;
    m->rip_rel = false;
    m->disp = 0;
    if (insn->addrsize == 2) {
        if (mod == 0 && rm == 6) {
            m->disp = sext(fetch(d, 2), 2);
        } else {
            m->base = base16[rm];
            m->index = index16[rm];
            if (m->base == REG_BP) {
                dflt = SEG_SS;
            }
            if (mod == 1) {
                m->disp = sext(fetch(d, 1), 1);
            } else if (mod == 2) {
                m->disp = sext(fetch(d, 2), 2);
            }
        }
    } else {
        if (rm == 4) {
            uint8_t sib = fetch8(d);
            int index = ((sib >> 3) & 7) | rex_x(insn);
            if (index != REG_SP) {
                m->index = index;
                m->scale = 1 << (sib >> 6);
            }
            if ((sib & 7) == REG_BP && mod == 0) {
                m->disp = sext(fetch(d, 4), 4);
            } else {
                m->base = (sib & 7) | rex_b(insn);
            }
        } else if (rm == 5 && mod == 0) {
            m->disp = sext(fetch(d, 4), 4);
            m->rip_rel = d->code_size == 8;
        } else {
            m->base = rm | rex_b(insn);
        }
        if (mod == 1) {
            m->disp = sext(fetch(d, 1), 1);
        } else if (mod == 2) {
            m->disp = sext(fetch(d, 4), 4);
        }
        if (m->base == REG_SP || m->base == REG_BP) {
            dflt = SEG_SS;
        }
    }
    m->seg = data_seg(insn, dflt);
    d->mem_claimed = true;
}

static int type_size(const Decoder *d, int type)
{
    int os = d->insn->opsize;

    switch (type) {
    case T_B: return 1;
    case T_W: return 2;
    case T_D: return 4;
    case T_Q: return 8;
    case T_DQ: return 16;
    case T_T: return 10;
    case T_V: return os;
    case T_Z: return os == 2 ? 2 : 4;
    case T_Y: return os == 8 ? 8 : 4;
    case T_P: return 2 + os;
    case T_S: return d->code_size == 8 ? 10 : 6;
    case T_A: return 2 * os;
    case T_QDQ: return os == 8 ? 16 : 8;
    case T_ENV: return os == 2 ? 14 : 28;
    case T_STATE: return os == 2 ? 94 : 108;
    default: return 0;
    }
}

static void set_reg(Decoder *d, X86Operand *o, int rc, int reg, int size)
{
    o->kind = OPK_REG;
    o->reg_class = rc;
    o->size = size;
    if (rc == RC_GPR && size == 1 && !d->insn->rex && reg >= 4 && reg < 8) {
        o->high8 = true;
        reg -= 4;
    }
    o->reg = reg;
}

static void set_mem(X86Operand *o, int size)
{
    o->kind = OPK_MEM;
    o->size = size;
}

/* An implicit memory operand at [base] in segment seg. */
static void set_implicit_mem(Decoder *d, X86Operand *o, int base, int seg, int size)
{
    X86Mem *m = &d->insn->mem;

    set_mem(o, size);
    o->reg = base < 0 ? 0 : base;
    if (base == REG_DI && seg == SEG_ES && d->mem_claimed) {
        return; /* MOVS/CMPS: mem keeps the rSI side */
    }
    m->base = base;
    m->index = -1;
    m->scale = 1;
    m->disp = 0;
    m->rip_rel = false;
    m->seg = seg;
    d->mem_claimed = true;
}

static void decode_operand(Decoder *d, X86Operand *o, const X86OpSpecInfo *si)
{
    X86Insn *insn = d->insn;
    bool reg_form = mod_of(insn) == 3;
    int rsize = type_size(d, si->rtype);

    switch (si->method) {
    case AM_E:
        if (reg_form) {
            set_reg(d, o, RC_GPR, rm_of(insn) | rex_b(insn), rsize);
        } else {
            set_mem(o, type_size(d, si->mtype));
        }
        break;
    case AM_M:
        if (reg_form) {
            d->invalid = true;
        }
        set_mem(o, rsize);
        break;
    case AM_R:
        set_reg(d, o, RC_GPR, rm_of(insn) | rex_b(insn), rsize);
        break;
    case AM_G:
        set_reg(d, o, RC_GPR, reg_of(insn) | rex_r(insn), rsize);
        break;
    case AM_S:
        set_reg(d, o, RC_SEG, reg_of(insn), 2);
        if (o->reg > SEG_GS) {
            d->invalid = true;
        }
        break;
    case AM_C:
        set_reg(d, o, RC_CR, reg_of(insn) | rex_r(insn), rsize);
        /* CR0, CR2-CR4 and (REX.R) CR8 exist; the others are #UD. */
        if (o->reg == 1 || (o->reg > 4 && o->reg != 8)) {
            d->invalid = true;
        }
        break;
    case AM_D:
        set_reg(d, o, RC_DR, reg_of(insn) | rex_r(insn), rsize);
        if (o->reg > 7) {
            d->invalid = true;
        }
        break;
    case AM_P:
        set_reg(d, o, RC_MMX, reg_of(insn), rsize);
        break;
    case AM_Q:
    case AM_N:
        if (reg_form) {
            set_reg(d, o, RC_MMX, rm_of(insn), rsize);
        } else {
            d->invalid |= si->method == AM_N;
            set_mem(o, type_size(d, si->mtype));
        }
        break;
    case AM_V:
        set_reg(d, o, RC_XMM, reg_of(insn) | rex_r(insn), rsize);
        break;
    case AM_W:
    case AM_U:
        if (reg_form) {
            set_reg(d, o, RC_XMM, rm_of(insn) | rex_b(insn), rsize);
        } else {
            d->invalid |= si->method == AM_U;
            set_mem(o, type_size(d, si->mtype));
        }
        break;
    case AM_I:
        o->kind = OPK_IMM;
        if (si->rtype == T_B || si->rtype == T_W) {
            o->size = rsize;
            o->imm = (int64_t)fetch(d, rsize);
        } else {
            /* Iz: 16 or 32 bits; Iv: 16, 32 or (B8+r) 64 bits. */
            int n = si->rtype == T_Z ? type_size(d, T_Z) : insn->opsize;
            o->size = insn->opsize;
            o->imm = sext(fetch(d, n), n);
        }
        break;
    case AM_IBS:
        o->kind = OPK_IMM;
        o->size = rsize;
        o->imm = sext(fetch(d, 1), 1);
        break;
    case AM_J:
        o->kind = OPK_REL;
        o->size = insn->opsize;
        o->imm = sext(fetch(d, rsize), rsize);
        break;
    case AM_O:
        set_implicit_mem(d, o, -1, data_seg(insn, SEG_DS), rsize);
        insn->mem.disp = (int64_t)fetch(d, insn->addrsize);
        break;
    case AM_A:
        o->kind = OPK_FAR;
        o->size = rsize;
        o->imm = (int64_t)fetch(d, rsize - 2);
        o->seg_imm = fetch(d, 2);
        break;
    case AM_X:
        d->mem_claimed = false; /* the rSI side wins over an earlier ES:rDI */
        set_implicit_mem(d, o, REG_SI, data_seg(insn, SEG_DS), rsize);
        break;
    case AM_Y:
        set_implicit_mem(d, o, REG_DI, SEG_ES, rsize);
        break;
    case AM_BX:
        set_implicit_mem(d, o, REG_BX, data_seg(insn, SEG_DS), rsize);
        break;
    case AM_DI:
        set_implicit_mem(d, o, REG_DI, data_seg(insn, SEG_DS), rsize);
        break;
    case AM_Z:
        set_reg(d, o, RC_GPR, (insn->opcode & 7) | rex_b(insn), rsize);
        break;
    case AM_FIXGPR:
        o->kind = OPK_REG;
        o->reg_class = RC_GPR;
        o->reg = si->reg;
        o->size = rsize;
        break;
    case AM_FIXSEG:
        set_reg(d, o, RC_SEG, si->reg, 2);
        break;
    case AM_ONE:
        o->kind = OPK_IMM;
        o->size = 1;
        o->imm = 1;
        break;
    case AM_ST0:
        set_reg(d, o, RC_ST, 0, 10);
        break;
    case AM_STI:
        set_reg(d, o, RC_ST, rm_of(insn), 10);
        break;
    case AM_XMM0:
        set_reg(d, o, RC_XMM, 0, 16);
        break;
    default:
        break;
    }
}

static bool method_uses_modrm(int method)
{
    switch (method) {
    case AM_E: case AM_M: case AM_R: case AM_G: case AM_S: case AM_C: case AM_D:
    case AM_P: case AM_Q: case AM_N: case AM_V: case AM_W: case AM_U: case AM_STI:
        return true;
    default:
        return false;
    }
}

static void compute_sizes(Decoder *d, uint32_t flags)
{
    X86Insn *insn = d->insn;
    bool p66 = insn->prefixes & PFX_OPSIZE;
    bool p67 = insn->prefixes & PFX_ADSIZE;

    if (d->code_size == 8) {
        if (insn->rex & 8) {
            insn->opsize = 8;
        } else if (flags & D_F64) {
            insn->opsize = 8;
            insn->prefixes &= ~PFX_OPSIZE; /* ignored, as on Intel */
        } else if (p66) {
            insn->opsize = 2;
        } else {
            insn->opsize = (flags & X86_INSN_DEF64) ? 8 : 4;
        }
        insn->addrsize = p67 ? 4 : 8;
    } else if (d->code_size == 4) {
        insn->opsize = p66 ? 2 : 4;
        insn->addrsize = p67 ? 2 : 4;
    } else {
        insn->opsize = p66 ? 4 : 2;
        insn->addrsize = p67 ? 4 : 2;
    }
}

static int size_index(int size)
{
    return size == 2 ? 0 : size == 4 ? 1 : 2;
}

/* Walk dispatch rows down to an instruction row; NULL if the encoding is
 * undefined before one is reached (or the bytes ran out). */
static const X86Row *dispatch(Decoder *d, const X86Row *row, int pfx_index)
{
    X86Insn *insn = d->insn;

    for (;;) {
        if ((row->flags & X86_INSN_NO64) && d->code_size == 8) {
            return NULL;
        }
        if ((row->flags & D_ONLY64) && d->code_size != 8) {
            return NULL;
        }
        switch (row->kind) {
        case ROW_INSN:
            return row;
        case ROW_ESC:
            insn->map = row->sub == x86_map_0f ? 1 : row->sub == x86_map_0f38 ? 2 : 3;
            insn->opcode = fetch8(d);
            row = &row->sub[insn->opcode];
            break;
        case ROW_GROUP:
            fetch_modrm(d);
            row = &row->sub[reg_of(insn)];
            break;
        case ROW_PREFIX:
            row = &row->sub[pfx_index];
            if (pfx_index == 1) {
                insn->prefixes &= ~PFX_OPSIZE;
            } else if (pfx_index == 2) {
                insn->prefixes &= ~PFX_REP;
            } else if (pfx_index == 3) {
                insn->prefixes &= ~PFX_REPNE;
            }
            break;
        case ROW_MOD:
            fetch_modrm(d);
            row = &row->sub[mod_of(insn) == 3];
            break;
        case ROW_RM:
            fetch_modrm(d);
            row = &row->sub[rm_of(insn)];
            break;
        case ROW_MODE64:
            row = &row->sub[d->code_size == 8];
            break;
        case ROW_REXB:
            row = &row->sub[insn->rex & 1];
            break;
        case ROW_X87:
            fetch_modrm(d);
            insn->map = 4;
            row = &row->sub[mod_of(insn) == 3 ? 8 + (insn->modrm & 0x3f) : reg_of(insn)];
            break;
        default:
            return NULL;
        }
        if (d->err != X86_DECODE_OK) {
            return NULL;
        }
    }
}

static void finish_invalid(Decoder *d)
{
    X86Insn *insn = d->insn;

    insn->mnem = M_INVALID;
    insn->nops = 0;
    insn->flags = 0;
    memset(insn->op, 0, sizeof(insn->op));
}

X86DecodeResult x86_decode(X86Insn *insn, const uint8_t *bytes, size_t avail, int code_size)
{
    Decoder d = { .bytes = bytes, .avail = avail, .insn = insn, .code_size = code_size };
    int last_rep = 0, seg = -1, pfx_index;
    uint8_t b;

    memset(insn, 0, sizeof(*insn));
    insn->seg_override = -1;
    insn->mem.base = insn->mem.index = -1;
    insn->mem.scale = 1;
    insn->mem.seg = SEG_DS;

    /* Prefixes (SDM vol. 2, 2.1.1) and REX (2.2.1). */
    for (;;) {
        b = fetch8(&d);
        if (d.err != X86_DECODE_OK) {
            return d.err;
        }
        if (code_size == 8 && (b & 0xf0) == 0x40) {
            insn->rex = b;
            continue;
        }
        int nseg = -1;
        switch (b) {
        case 0xf0: insn->prefixes |= PFX_LOCK; break;
        case 0xf2: last_rep = PFX_REPNE; break;
        case 0xf3: last_rep = PFX_REP; break;
        case 0x26: nseg = SEG_ES; break;
        case 0x2e: nseg = SEG_CS; break;
        case 0x36: nseg = SEG_SS; break;
        case 0x3e: nseg = SEG_DS; break;
        case 0x64: nseg = SEG_FS; break;
        case 0x65: nseg = SEG_GS; break;
        case 0x66: insn->prefixes |= PFX_OPSIZE; break;
        case 0x67: insn->prefixes |= PFX_ADSIZE; break;
        default: goto opcode;
        }
        insn->rex = 0; /* a legacy prefix after REX cancels it */
        if (nseg >= 0 && (code_size != 8 || nseg >= SEG_FS)) {
            seg = nseg; /* 64-bit mode ignores ES, CS, SS and DS overrides */
        }
    }
opcode:
    insn->prefixes |= last_rep;
    if (insn->rex) {
        insn->prefixes |= PFX_REX;
    }
    if (seg >= 0) {
        insn->seg_override = seg;
        insn->prefixes |= PFX_SEG;
    }
    insn->opcode = b;
    pfx_index = last_rep == PFX_REP ? 2 : last_rep == PFX_REPNE ? 3
              : (insn->prefixes & PFX_OPSIZE) ? 1 : 0;

    const X86Row *row = dispatch(&d, &x86_map_onebyte[b], pfx_index);
    if (d.err != X86_DECODE_OK) {
        return d.err;
    }
    uint32_t flags = row ? row->flags : 0;
    compute_sizes(&d, flags);

    if (row) {
        for (int i = 0; i < 4 && row->op[i]; i++) {
            if (method_uses_modrm(x86_opspec_info[row->op[i]].method)) {
                fetch_modrm(&d);
            }
        }
    }
    if (insn->has_modrm && mod_of(insn) != 3 && !(flags & D_MODIGN)) {
        decode_modrm_mem(&d);
    }
    if (!row || row->mnem == M_INVALID) {
        d.invalid = true;
    } else {
        insn->mnem = row->mnem;
        insn->flags = flags & D_PUBLIC_MASK;
        for (int i = 0; i < 4 && row->op[i]; i++) {
            decode_operand(&d, &insn->op[i], &x86_opspec_info[row->op[i]]);
            insn->nops = i + 1;
        }
        if (flags & D_WMNEM) {
            insn->mnem += (insn->rex & 8) ? 1 : 0;
        } else if (flags & D_OSMNEM) {
            insn->mnem += size_index(insn->opsize);
        } else if (flags & D_ASMNEM) {
            insn->mnem += size_index(insn->addrsize);
        }
        /* MOV CS, r/m is #UD (SDM MOV: "the MOV instruction cannot be
         * used to load the CS register"). */
        if (insn->mnem == M_MOV && insn->op[0].kind == OPK_REG &&
            insn->op[0].reg_class == RC_SEG && insn->op[0].reg == SEG_CS) {
            d.invalid = true;
        }
    }
    if (d.err != X86_DECODE_OK) {
        return d.err;
    }
    if (d.invalid) {
        finish_invalid(&d);
    }
    insn->len = d.pos;
    return X86_DECODE_OK;
}
