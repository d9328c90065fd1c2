/*
 * The x86 translator's framework: the block loop (fetch, decode, dispatch
 * per mnemonic), operand access with the register-write rules of Intel SDM
 * vol. 1, 3.4.1.1, effective addresses (vol. 1, 3.7.5 and vol. 2A, 2.1.5),
 * the stack (vol. 1, 6.2), block exits, and the prefix and mode checks
 * every instruction shares (vol. 2A, 2.1.1 LOCK; vol. 3A, 2.5 and 13.1
 * for CR0.EM/TS and CR4.OSFXSR).
 *
 * Data accesses are checked against their segment (vol. 3A 5.3-5.6) as
 * hflags classify it, see translate.h.
 */
#include "target/x86/translate.h"

#include <stddef.h>
#include <string.h>

#include "target/x86/excp_helper.h"
#include "target/x86/int_helper.h"
#include "target/x86/seg_helper.h"

#define PAGE_BITS 12
#define PAGE_SIZE_4K (1ull << PAGE_BITS)
#define X86_MAX_INSN_LEN 15

IRv cpu_regs[16];
IRv cpu_rip;
IRv cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
IRv cpu_cc_op;
IRv cpu_seg_base[SEG_COUNT];

static X86GenFn gen_table[M_COUNT];

static const X86GenRow *const gen_tables[] = {
    x86_gen_alu_rows,
    x86_gen_shift_rows,
    x86_gen_bits_rows,
    x86_gen_mov_rows,
    x86_gen_ctl_rows,
    x86_gen_string_rows,
    x86_gen_system_rows,
    x86_gen_fpu_rows,
    x86_gen_sse_rows,
};

void x86_translate_init(void)
{
    static const char *const reg_names[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    };
    static const char *const seg_names[SEG_COUNT] = {
        "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base",
    };
    static bool done;
    if (done) {
        return;
    }
    done = true;
    for (int i = 0; i < 16; i++) {
        cpu_regs[i] = ir_global(IR_I64, offsetof(X86CPUState, regs[i]), reg_names[i]);
    }
    cpu_rip = ir_global(IR_I64, offsetof(X86CPUState, rip), "rip");
    cpu_cc_dst = ir_global(IR_I64, offsetof(X86CPUState, cc_dst), "cc_dst");
    cpu_cc_src = ir_global(IR_I64, offsetof(X86CPUState, cc_src), "cc_src");
    cpu_cc_src2 = ir_global(IR_I64, offsetof(X86CPUState, cc_src2), "cc_src2");
    cpu_cc_op = ir_global(IR_I32, offsetof(X86CPUState, cc_op), "cc_op");
    for (int i = 0; i < SEG_COUNT; i++) {
        cpu_seg_base[i] = ir_global(IR_I64, offsetof(X86CPUState, segs[i].base), seg_names[i]);
    }
    /* The first row registered for a mnemonic wins. */
    for (size_t t = 0; t < sizeof(gen_tables) / sizeof(gen_tables[0]); t++) {
        for (const X86GenRow *r = gen_tables[t]; r->fn; r++) {
            if (r->mnem < M_COUNT && !gen_table[r->mnem]) {
                gen_table[r->mnem] = r->fn;
            }
        }
    }
}

/* ---- values ---- */

IRv gen_temp(void)
{
    return ir_temp(IR_I64);
}

IRv gen_const(uint64_t v)
{
    return ir_const(IR_I64, v);
}

uint64_t size_mask(int size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

MemOp size_memop(int size)
{
    switch (size) {
    case 1:
        return MO_8;
    case 2:
        return MO_16;
    case 4:
        return MO_32;
    default:
        return MO_64;
    }
}

/* A block-local temp (not a global or a constant): may be handed back
 * as is where a copy would only cost an op. */
static bool is_temp(IRv v)
{
    return v != IR_NONE && v < ir_block_nvalues(ir_block_current());
}

static IRv gen_ext(IRv v, int size, bool sign)
{
    uint64_t c;
    if (ir_is_const(v, &c)) {
        if (size < 8) {
            unsigned sh = 64 - 8 * (unsigned)size;
            c = sign ? (uint64_t)((int64_t)(c << sh) >> sh) : c & size_mask(size);
        }
        return gen_const(c);
    }
    if (size >= 8 && is_temp(v)) {
        return v;
    }
    IRv t = gen_temp();
    switch (size) {
    case 1:
        sign ? ir_ext8s(t, v) : ir_ext8u(t, v);
        break;
    case 2:
        sign ? ir_ext16s(t, v) : ir_ext16u(t, v);
        break;
    case 4:
        sign ? ir_ext32s(t, v) : ir_ext32u(t, v);
        break;
    default:
        ir_mov(t, v);
        break;
    }
    return t;
}

IRv gen_trunc(IRv v, int size)
{
    return gen_ext(v, size, false);
}

IRv gen_sext(IRv v, int size)
{
    return gen_ext(v, size, true);
}

/* ---- registers ---- */

IRv gen_reg_read(DisasContext *s, int reg, int size, bool high8)
{
    if (high8) {
        IRv t = gen_temp();
        ir_shri(t, cpu_regs[reg & 3], 8);
        ir_ext8u(t, t);
        return t;
    }
    return gen_trunc(cpu_regs[reg & 15], size);
}

/* reg = (reg & ~(mask << shift)) | ((v & mask) << shift); zx: v has no
 * bits above mask already */
static void gen_deposit(IRv reg, IRv v, uint64_t mask, unsigned shift, bool zx)
{
    IRv t = v, r = gen_temp();
    if (!zx) {
        t = gen_temp();
        ir_andi(t, v, mask);
    }
    if (shift) {
        IRv u = gen_temp();
        ir_shli(u, t, shift);
        t = u;
    }
    ir_andi(r, reg, ~(mask << shift));
    ir_or(reg, r, t);
}

static void gen_reg_write_ext(DisasContext *s, int reg, int size, bool high8, IRv v, bool zx)
{
    if (high8) {
        gen_deposit(cpu_regs[reg & 3], v, 0xff, 8, zx);
        return;
    }
    IRv r = cpu_regs[reg & 15];
    switch (size) {
    case 1:
        gen_deposit(r, v, 0xff, 0, zx);
        break;
    case 2:
        gen_deposit(r, v, 0xffff, 0, zx);
        break;
    case 4:
        if (zx) {
            ir_mov(r, v);
        } else {
            ir_ext32u(r, v);
        }
        break;
    default:
        ir_mov(r, v);
        break;
    }
}

void gen_reg_write(DisasContext *s, int reg, int size, bool high8, IRv v)
{
    gen_reg_write_ext(s, reg, size, high8, v, false);
}

/* ---- operands ---- */

bool op_is_mem(const X86Insn *insn, int n)
{
    return n < 4 && insn->op[n].kind == OPK_MEM;
}

static IRv gen_seg_selector(int seg)
{
    IRv t = gen_temp();
    ir_ld_env(t, offsetof(X86CPUState, segs) + (size_t)seg * sizeof(SegmentCache) +
                     offsetof(SegmentCache, selector),
              MO_16);
    return t;
}

/* Instructions whose operand 0 is read, then written: a memory destination
 * is probed for writing before the read (MO_X86_RMW). */
static bool insn_is_rmw(const X86Insn *insn)
{
    switch (insn->mnem) {
    case M_ADD: case M_OR: case M_ADC: case M_SBB: case M_AND: case M_SUB: case M_XOR:
    case M_INC: case M_DEC: case M_NOT: case M_NEG:
    case M_ROL: case M_ROR: case M_RCL: case M_RCR: case M_SHL: case M_SAL: case M_SHR:
    case M_SAR: case M_SHLD: case M_SHRD:
    case M_BTS: case M_BTR: case M_BTC: case M_XADD: case M_XCHG: case M_CMPXCHG:
        return true;
    default:
        return false;
    }
}

static IRv gen_op_read_ext(DisasContext *s, int n, bool sign)
{
    const X86Operand *op = &s->insn->op[n];
    IRv v;
    switch (op->kind) {
    case OPK_REG:
        if (op->reg_class == RC_SEG) {
            v = gen_seg_selector(op->reg);
        } else {
            v = gen_reg_read(s, op->reg, op->size, op->high8);
        }
        break;
    case OPK_MEM:
        return gen_ld(s, gen_ea(s), size_memop(op->size) | (sign ? MO_SIGN : 0) |
                                        (n == 0 && insn_is_rmw(s->insn) ? MO_X86_RMW : 0));
    case OPK_IMM:
    case OPK_REL:
    case OPK_FAR:
        return gen_const((uint64_t)op->imm);
    default:
        return gen_const(0);
    }
    return sign ? gen_sext(v, op->size) : v;
}

IRv gen_op_read(DisasContext *s, int n)
{
    return gen_op_read_ext(s, n, false);
}

IRv gen_op_read_sx(DisasContext *s, int n)
{
    return gen_op_read_ext(s, n, true);
}

IRv gen_op_read_size(DisasContext *s, int n, int size)
{
    const X86Operand *op = &s->insn->op[n];
    if (op->kind == OPK_IMM || op->kind == OPK_REL || op->kind == OPK_FAR) {
        return gen_const((uint64_t)op->imm & size_mask(size));
    }
    IRv v = gen_op_read(s, n);
    return op->size == size ? v : gen_trunc(v, size);
}

static void gen_op_write_ext(DisasContext *s, int n, IRv v, bool zx)
{
    const X86Operand *op = &s->insn->op[n];
    if (op->kind == OPK_MEM) {
        gen_st(s, v, gen_ea(s), size_memop(op->size));
    } else if (op->kind == OPK_REG && op->reg_class == RC_GPR) {
        gen_reg_write_ext(s, op->reg, op->size, op->high8, v, zx);
    }
}

void gen_op_write(DisasContext *s, int n, IRv v)
{
    gen_op_write_ext(s, n, v, false);
}

void gen_op_write_zx(DisasContext *s, int n, IRv v)
{
    gen_op_write_ext(s, n, v, true);
}

/* ---- addresses ---- */

IRv gen_ea_offset(DisasContext *s)
{
    const X86Insn *insn = s->insn;
    const X86Mem *m = &insn->mem;
    if (m->rip_rel) {
        uint64_t a = s->next_eip + (uint64_t)m->disp;
        return gen_const(insn->addrsize == 4 ? (uint32_t)a : a);
    }
    IRv t = IR_NONE;
    if (m->base >= 0) {
        t = gen_temp();
        ir_addi(t, cpu_regs[m->base & 15], m->disp);
    }
    if (m->index >= 0) {
        IRv i = cpu_regs[m->index & 15];
        unsigned sh = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        if (sh) {
            IRv x = gen_temp();
            ir_shli(x, i, sh);
            i = x;
        }
        if (t == IR_NONE) {
            t = gen_temp();
            ir_addi(t, i, m->disp);
        } else {
            ir_add(t, t, i);
        }
    }
    if (t == IR_NONE) {
        /* absolute (moffs, disp32): wrapped at translation time */
        return gen_const((uint64_t)m->disp & size_mask(insn->addrsize));
    }
    if (insn->addrsize == 2) {
        ir_ext16u(t, t);
    } else if (insn->addrsize == 4) {
        ir_ext32u(t, t);
    }
    return t;
}

IRv gen_linear(DisasContext *s, IRv offset, int seg)
{
    bool add;
    if (s->cs64) {
        add = seg == R_FS || seg == R_GS;
    } else {
        add = seg == R_FS || seg == R_GS || seg == R_CS || s->addseg;
    }
    IRv t = offset;
    if (add) {
        t = gen_temp();
        if (seg == R_CS) {
            ir_addi(t, offset, (int64_t)s->cs_base);
        } else {
            ir_add(t, offset, cpu_seg_base[seg]);
        }
        if (!s->cs64) {
            ir_ext32u(t, t);
        }
    }
    if (s->cs64 ? seg == R_SS : HF_SEGCHK(s->hflags, seg) != HF_SEGCHK_NONE) {
        int i = s->nsegref++ % 4;
        s->segref[i].lin = t;
        s->segref[i].off = offset;
        s->segref[i].seg = seg;
    }
    return t;
}

/* The segment check of an access of op at addr (if addr came from
 * gen_linear for a segment that needs one); returns op with the SS fault
 * class added for a 64-bit stack access. */
static MemOp gen_seg_check(DisasContext *s, IRv addr, MemOp op, bool write)
{
    int n = s->nsegref < 4 ? s->nsegref : 4;
    for (int k = 1; k <= n; k++) {
        int i = (s->nsegref - k) % 4;
        if (s->segref[i].lin != addr) {
            continue;
        }
        int seg = s->segref[i].seg;
        unsigned size = memop_size(op);
        if (s->cs64) {
            return (MemOp)(op | MO_X86_SS);
        }
        if (HF_SEGCHK(s->hflags, seg) == HF_SEGCHK_LIMIT) {
            IRv last = gen_temp(), limit = gen_temp();
            ir_addi(last, s->segref[i].off, size - 1);
            ir_ld_env(limit, offsetof(X86CPUState, segs[seg].limit), MO_32);
            gen_exception_if(s, IR_GTU, last, limit, seg == R_SS ? X86_EXCP_SS : X86_EXCP_GP);
        } else {
            write |= (op & MO_X86_RMW) != 0;
            ir_call4(helper_seg_check, IR_CALL_NO_GLOBALS, IR_NONE, s->segref[i].off,
                     gen_const((uint64_t)seg), gen_const(size), gen_const(write));
        }
        return (MemOp)(seg == R_SS ? op | MO_X86_SS : op);
    }
    return op;
}

IRv gen_ea(DisasContext *s)
{
    if (s->ea == IR_NONE) {
        int seg = s->insn->mem.seg;
        if (seg < 0 || seg >= SEG_COUNT) {
            seg = R_DS;
        }
        s->ea = gen_linear(s, gen_ea_offset(s), seg);
    }
    return s->ea;
}

void gen_check_align(DisasContext *s, IRv addr, unsigned size)
{
    if ((s->hflags & HF_AC) && size > 1) {
        gen_exception_if(s, IR_TSTNE, addr, gen_const(size - 1), X86_EXCP_AC);
    }
}

IRv gen_ld(DisasContext *s, IRv addr, MemOp op)
{
    IRv t = gen_temp();
    gen_ld_to(s, t, addr, op);
    return t;
}

void gen_ld_to(DisasContext *s, IRv t, IRv addr, MemOp op)
{
    op = gen_seg_check(s, addr, op, false);
    gen_check_align(s, addr, memop_size(op));
    ir_ld(t, addr, op, s->mmu_idx);
}

void gen_st(DisasContext *s, IRv v, IRv addr, MemOp op)
{
    op = gen_seg_check(s, addr, op, true);
    gen_check_align(s, addr, memop_size(op));
    ir_st(v, addr, op, s->mmu_idx);
}

/* 48-bit linear addresses (the CPU model's virt_bits): bits 63:47 equal. */
static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

bool gen_check_branch(DisasContext *s, IRv target)
{
    uint64_t c;
    if (!s->cs64) {
        return true;
    }
    if (ir_is_const(target, &c)) {
        if (!canonical(c)) {
            gen_exception_err(s, X86_EXCP_GP, 0);
            return false;
        }
        return true;
    }
    IRv t = gen_temp();
    ir_shli(t, target, 16);
    ir_sari(t, t, 16);
    gen_exception_if(s, IR_NE, t, target, X86_EXCP_GP);
    return true;
}

/* ---- stack ---- */

int stack_opsize(DisasContext *s)
{
    if (s->cs64) {
        return s->insn->opsize == 2 ? 2 : 8;
    }
    return s->insn->opsize;
}

IRv gen_stack_addr(DisasContext *s, int64_t offset)
{
    IRv t = gen_temp();
    ir_addi(t, cpu_regs[R_ESP], offset);
    if (s->stack_size == 2) {
        ir_ext16u(t, t);
    } else if (s->stack_size == 4) {
        ir_ext32u(t, t);
    }
    return gen_linear(s, t, R_SS);
}

void gen_push(DisasContext *s, IRv v, int size)
{
    gen_st(s, v, gen_stack_addr(s, -size), size_memop(size));
    gen_stack_adjust(s, -size);
}

IRv gen_stack_load(DisasContext *s, int64_t offset, int size)
{
    return gen_ld(s, gen_stack_addr(s, offset), size_memop(size));
}

void gen_stack_adjust(DisasContext *s, int64_t delta)
{
    IRv rsp = cpu_regs[R_ESP];
    if (s->stack_size == 8) {
        ir_addi(rsp, rsp, delta);
        return;
    }
    IRv t = gen_temp();
    ir_addi(t, rsp, delta);
    gen_reg_write(s, R_ESP, s->stack_size, false, t);
}

/* ---- block exits ---- */

void gen_store_next_rip(DisasContext *s)
{
    ir_movi(cpu_rip, s->next_eip);
}

/* Under RFLAGS.TF the block holds one instruction and every exit with a
 * known target traps there; the trap belongs to the next instruction. */
static void gen_single_step_trap(DisasContext *s, uint64_t eip)
{
    ir_insn_start(s->cs_base + eip, s->cc_op);
    ir_call0(helper_single_step, HELPER_ENV, IR_NONE);
    ir_exit_tb(IR_EXIT_REQUESTED);
}

static uint64_t wrap_eip(DisasContext *s, uint64_t eip)
{
    return s->code_size == 8 ? eip : s->code_size == 4 ? (uint32_t)eip : (uint16_t)eip;
}

void gen_jmp(DisasContext *s, uint64_t eip)
{
    gen_update_cc_op(s);
    ir_movi(cpu_rip, eip);
    if (s->hflags & HF_TF) {
        gen_single_step_trap(s, eip);
    } else if (s->hflags & HF_INHIBIT_IRQ) {
        /* the shadow has ended: let the CPU loop look at interrupts */
        ir_exit_tb(IR_EXIT_REQUESTED);
    } else if (s->next_slot < IR_MAX_JUMPS &&
               ((s->cs_base + eip) >> 12) == (s->pc_start >> 12)) {
        /* chained jumps stay within the block's page: the link is then
         * valid as long as the block is (a page's mapping may change) */
        int slot = s->next_slot++;
        ir_goto_tb(slot);
        ir_exit_tb(slot);
    } else {
        ir_lookup_and_goto();
    }
    s->end = DISAS_JUMP;
}

bool gen_side_exit(DisasContext *s, IRLabel label, uint64_t eip)
{
    /* keep two slots for however the block ends; a backward branch is
     * likely a loop, better ended here (the native backend runs a block
     * that jumps to its own start as a loop) */
    if (eip <= s->eip || s->next_slot + s->nside + 1 > IR_MAX_JUMPS - 2 ||
        (s->hflags & (HF_TF | HF_INHIBIT_IRQ)) || (s->cs64 && !canonical(eip))) {
        return false;
    }
    s->side[s->nside].label = label;
    s->side[s->nside].target = eip;
    s->side[s->nside].cc_op = s->cc_op;
    s->nside++;
    return true;
}

/* The taken paths of the side exits: each reached only from its branch,
 * where the flags record had been stored (gen_update_cc_op). */
static void gen_side_exits(DisasContext *s)
{
    for (int i = 0; i < s->nside; i++) {
        ir_label_set(s->side[i].label);
        s->cc_op = s->side[i].cc_op;
        s->cc_op_dirty = false;
        s->cc_srcT = IR_NONE;
        gen_jmp(s, s->side[i].target);
    }
}

void gen_jmp_indirect(DisasContext *s, IRv eip)
{
    gen_update_cc_op(s);
    ir_mov(cpu_rip, eip);
    if (s->hflags & HF_TF) {
        ir_call0(helper_single_step_env, HELPER_ENV, IR_NONE);
        ir_exit_tb(IR_EXIT_REQUESTED);
    } else if (s->hflags & HF_INHIBIT_IRQ) {
        ir_exit_tb(IR_EXIT_REQUESTED);
    } else {
        ir_lookup_and_goto();
    }
    s->end = DISAS_JUMP;
}

void gen_eob_env(DisasContext *s)
{
    gen_cc_op_dynamic(s);
    if (s->hflags & HF_TF) {
        ir_call0(helper_single_step_env, HELPER_ENV, IR_NONE);
    }
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_JUMP;
}

void gen_eob_next(DisasContext *s)
{
    gen_update_cc_op(s);
    gen_store_next_rip(s);
    if (s->hflags & HF_TF) {
        gen_single_step_trap(s, s->next_eip);
    } else {
        ir_exit_tb(IR_EXIT_REQUESTED);
    }
    s->end = DISAS_JUMP;
}

/* ---- exceptions ---- */

/* The CPU loop restores rIP and cc_op from this instruction's insn_start. */
static void gen_raise(DisasContext *s, int vector, bool has_err, uint32_t err)
{
    if (has_err) {
        ir_call2(helper_raise_exception_err, HELPER_ENV, IR_NONE, gen_const((uint64_t)vector),
                 gen_const(err));
    } else {
        ir_call1(helper_raise_exception, HELPER_ENV, IR_NONE, gen_const((uint64_t)vector));
    }
}

void gen_exception(DisasContext *s, int vector)
{
    gen_raise(s, vector, false, 0);
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_NORETURN;
}

void gen_exception_err(DisasContext *s, int vector, uint32_t error_code)
{
    gen_raise(s, vector, true, error_code);
    ir_exit_tb(IR_EXIT_REQUESTED);
    s->end = DISAS_NORETURN;
}

/* The exceptions that push an error code (SDM vol. 3A, table 6-1). */
static bool vector_has_error(int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

void gen_exception_if(DisasContext *s, IRCond cond, IRv a, IRv b, int vector)
{
    IRLabel skip = ir_label_new();
    ir_brcond(ir_cond_invert(cond), a, b, skip);
    gen_raise(s, vector, vector_has_error(vector), 0);
    ir_label_set(skip);
}

bool gen_check_x87(DisasContext *s)
{
    if (s->hflags & (HF_EM | HF_TS)) {
        gen_exception(s, X86_EXCP_NM);
        return false;
    }
    return true;
}

/* MMX forms (an MMX register and no XMM register) need no CR4.OSFXSR. */
static bool insn_is_mmx(const X86Insn *insn)
{
    bool mmx = false;
    for (int i = 0; i < insn->nops && i < 4; i++) {
        if (insn->op[i].kind == OPK_REG) {
            if (insn->op[i].reg_class == RC_XMM) {
                return false;
            }
            mmx |= insn->op[i].reg_class == RC_MMX;
        }
    }
    return mmx || insn->mnem == M_EMMS;
}

bool gen_check_sse(DisasContext *s)
{
    if ((s->hflags & HF_EM) || (!insn_is_mmx(s->insn) && !(s->hflags & HF_OSFXSR))) {
        gen_exception(s, X86_EXCP_UD);
        return false;
    }
    if (s->hflags & HF_TS) {
        gen_exception(s, X86_EXCP_NM);
        return false;
    }
    return true;
}

/* ---- the block loop ---- */

static void gen_insn(DisasContext *s, X86Insn *insn)
{
    s->ea = IR_NONE;
    s->nsegref = 0;
    if (insn->mnem == M_INVALID || insn->mnem >= M_COUNT ||
        ((insn->flags & X86_INSN_NO64) && s->cs64)) {
        gen_exception(s, X86_EXCP_UD);
        return;
    }
    /* LOCK needs a lockable instruction with a memory destination (SDM vol.
     * 2A, 2.1.1); one vCPU makes every locked RMW atomic as it stands. */
    if ((insn->prefixes & PFX_LOCK) &&
        (!(insn->flags & X86_INSN_LOCKABLE) || !op_is_mem(insn, 0))) {
        gen_exception(s, X86_EXCP_UD);
        return;
    }
    if ((insn->flags & X86_INSN_PRIV) && s->cpl > 0) {
        gen_exception_err(s, X86_EXCP_GP, 0);
        return;
    }
    if ((insn->flags & X86_INSN_X87) && !gen_check_x87(s)) {
        return;
    }
    if ((insn->flags & X86_INSN_SSE) && !gen_check_sse(s)) {
        return;
    }
    X86GenFn fn = gen_table[insn->mnem];
    if (!fn) {
        gen_exception(s, X86_EXCP_UD);
        return;
    }
    fn(s, insn);
}

typedef enum FetchResult { FETCH_OK, FETCH_STOP, FETCH_TOO_LONG } FetchResult;

/*
 * Fetch and decode the instruction at s->pc. Bytes are fetched from the
 * instruction's own page first and from the next page only when the
 * instruction runs into it, so an instruction ending at a page boundary
 * never touches (or faults on) the page after it.
 */
static FetchResult fetch_decode(DisasContext *s, X86Insn *insn, bool first)
{
    uint8_t buf[X86_MAX_INSN_LEN];
    uint64_t pc = s->pc;
    size_t in_page = PAGE_SIZE_4K - (pc & (PAGE_SIZE_4K - 1));
    size_t want = in_page < X86_MAX_INSN_LEN ? in_page : X86_MAX_INSN_LEN;
    size_t got = translator_fetch(s->cpu, pc, buf, want, first);
    if (got == 0) {
        return FETCH_STOP;
    }
    X86DecodeResult r = x86_decode(insn, buf, got, s->code_size);
    if (r == X86_DECODE_NEED_MORE && got == want && want < X86_MAX_INSN_LEN) {
        got += translator_fetch(s->cpu, pc + want, buf + want, X86_MAX_INSN_LEN - want, first);
        r = x86_decode(insn, buf, got, s->code_size);
    }
    if (r == X86_DECODE_TOO_LONG) {
        return FETCH_TOO_LONG;
    }
    if (r == X86_DECODE_NEED_MORE) {
        /* All 15 bytes were there: the instruction is too long. Otherwise a
         * later byte is not fetchable: end the block before it, so it faults
         * as the first instruction of a block. */
        return got == X86_MAX_INSN_LEN || first ? FETCH_TOO_LONG : FETCH_STOP;
    }
    return FETCH_OK;
}

static void disas_init(DisasContext *s, X86CPU *cpu, uint64_t pc, uint64_t cs_base,
                       uint32_t hflags)
{
    memset(s, 0, sizeof(*s));
    s->cpu = cpu;
    s->cs_base = cs_base;
    s->pc_start = pc;
    s->hflags = hflags;
    s->cs64 = hflags & HF_CS64;
    s->lma = hflags & HF_LMA;
    s->pe = hflags & HF_PE;
    s->vm86 = hflags & HF_VM;
    s->addseg = hflags & HF_ADDSEG;
    s->cpl = hflags & HF_CPL_MASK;
    s->iopl = (hflags & HF_IOPL_MASK) >> HF_IOPL_SHIFT;
    s->code_size = s->cs64 ? 8 : (hflags & HF_CS32) ? 4 : 2;
    s->stack_size = s->cs64 ? 8 : (hflags & HF_SS32) ? 4 : 2;
    s->mmu_idx = s->cpl == 3 ? MMU_USER : MMU_KERNEL;
    s->cc_op = CC_OP_DYNAMIC;
    s->end = DISAS_NEXT;
}

uint64_t x86_translate_block(X86CPU *cpu, uint64_t pc, uint64_t cs_base, uint32_t hflags,
                             int max_insns)
{
    DisasContext ctx, *s = &ctx;
    X86Insn insn;
    disas_init(s, cpu, pc, cs_base, hflags);
    s->insn = &insn;

    if (hflags & HF_INHIBIT_IRQ) {
        /* The instruction after STI / MOV SS runs in the interrupt shadow;
         * the shadow ends with it, so it is a block of its own. */
        IRv t = ir_temp(IR_I32);
        ir_ld_env(t, offsetof(X86CPUState, hflags), MO_32);
        IRv m = ir_const(IR_I32, ~(uint32_t)HF_INHIBIT_IRQ);
        ir_and(t, t, m);
        ir_st_env(t, offsetof(X86CPUState, hflags), MO_32);
        max_insns = 1;
    }
    if ((hflags & HF_TF) || max_insns < 1) {
        max_insns = 1;
    }

    uint64_t eip = pc - cs_base;
    uint64_t end_pc = pc;
    for (;;) {
        s->eip = eip;
        s->pc = cs_base + eip;
        if (!s->cs64) {
            s->pc = (uint32_t)s->pc;
        }
        memset(&insn, 0, sizeof(insn));
        FetchResult fr = fetch_decode(s, &insn, s->num_insns == 0);
        if (fr == FETCH_STOP) {
            s->next_eip = eip;
            gen_jmp(s, eip);
            break;
        }
        ir_insn_start(s->pc, s->cc_op);
        s->num_insns++;
        if (fr == FETCH_TOO_LONG) {
            s->next_eip = eip;
            gen_exception_err(s, X86_EXCP_GP, 0);
            end_pc = s->pc + 1;
            break;
        }
        s->next_eip = wrap_eip(s, eip + insn.len);
        end_pc = s->pc + insn.len;
        gen_insn(s, &insn);

        if (s->end == DISAS_EOB_NEXT) {
            gen_eob_next(s);
        }
        if (s->end != DISAS_NEXT) {
            break;
        }
        eip = s->next_eip;
        uint64_t next_pc = cs_base + eip;
        if (!s->cs64) {
            next_pc = (uint32_t)next_pc;
        }
        if (s->num_insns >= max_insns || (next_pc >> PAGE_BITS) != (pc >> PAGE_BITS)) {
            if (hflags & HF_INHIBIT_IRQ) {
                gen_eob_next(s);
            } else {
                gen_jmp(s, eip);
            }
            break;
        }
    }
    gen_side_exits(s);
    return end_pc - pc;
}
