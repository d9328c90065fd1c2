/*
 * x87/MMX/SSE instructions through the whole tcg pipeline (decoder,
 * translate-fpu.c, translate-sse*.c, IR, interpreter, helpers) against the
 * host CPU: the same instruction bytes run natively (tests/unit/x86-oracle.h)
 * and as guest code in 32-bit flat protected mode, from the same register
 * and memory state; the registers, flags, x87/MMX/XMM state, MXCSR and
 * memory after it, and the exception it raised (#MF, #XM), must agree.
 * Plus the checks no host can show: #NM/#UD from CR0/CR4, alignment #GP,
 * WAIT's CR0.MP rule.
 */
#include "accel/accel.h"
#include "target/x86/cc.h"
#include "target/x86/cpu-model.h"
#include "target/x86/excp.h"
#include "tests/unit/x86-oracle.h"
#include "tests/unit/x86-rand.h"

extern const AccelOps tcg_accel_ops;

/* Guest memory layout (physical = linear, paging off) */
#define G_GDT 0x0800
#define G_IDT 0x1000
#define G_HANDLERS 0x2000
#define G_CODE 0x4000
#define G_DATA 0x5000
#define G_STACK 0x8000
#define NO_EXCEPTION 0xffffffffu

static Machine tm;
static X86CPU tcpu;
static uint8_t *tram;

static void put_desc(uint8_t *p, uint32_t base, uint32_t limit, uint16_t flags)
{
    uint64_t d = (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)flags << 40 |
                 (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)(base >> 24) << 56;
    memcpy(p, &d, 8);
}

static void guest_init(void)
{
    char *err = NULL;
    tm.mem = as_create("memory", 1ull << 32);
    tm.io = as_create("io", 0x10000);
    tram = g_malloc0(0x10000);
    as_add_ram(tm.mem, "ram", 0, 0x10000, tram, false, NULL);
    tcpu.machine = &tm;
    tcpu.model = cpu_model_default();
    tm.cpu = &tcpu;
    g_assert_cmpint(tcg_accel_ops.init(&tm, &err), ==, 0);
    g_assert_cmpint(tcg_accel_ops.vcpu_init(&tcpu, &err), ==, 0);

    /* GDT: 0x10 flat 32-bit code, 0x18 flat data */
    put_desc(tram + G_GDT + 0x10, 0, 0xfffff, 0xc09b);
    put_desc(tram + G_GDT + 0x18, 0, 0xfffff, 0xc093);
    /* IDT: vector v -> "mov ebx, v; hlt" */
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t h = G_HANDLERS + 8 * v;
        uint64_t gate = (h & 0xffff) | 0x10ull << 16 | 0x8e00ull << 32 | (uint64_t)(h >> 16) << 48;
        memcpy(tram + G_IDT + 8 * v, &gate, 8);
        tram[h] = 0xbb;
        memcpy(tram + h + 1, &v, 4);
        tram[h + 5] = 0xf4;
    }
}

/* Flat 32-bit protected mode with x87/SSE enabled, state from fx. */
static void guest_reset(const uint8_t *fx, uint32_t mxcsr, uint32_t eax, uint32_t ecx,
                        uint32_t edx, uint64_t rflags)
{
    X86CPUState *env = &tcpu.env;
    x86_cpu_reset(&tcpu);
    x86_cpu_set_flat32(env, G_CODE);
    env->cr0 |= CR0_NE | CR0_MP;
    env->cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
    env->gdt.base = G_GDT;
    env->gdt.limit = 0x1f;
    env->idt.base = G_IDT;
    env->idt.limit = 0xff;
    env->regs[R_ESP] = G_STACK;
    env->regs[R_EAX] = eax;
    env->regs[R_ECX] = ecx;
    env->regs[R_EDX] = edx;
    env->regs[R_EBX] = NO_EXCEPTION;
    env->rflags = RFLAGS_FIXED1 | (rflags & CC_OSZAPC);
    memcpy(env->fxsave, fx, 512);
    env->mxcsr = mxcsr;
}

/* Run the code at G_CODE (ended by HLT); returns the vector raised or -1. */
static int guest_run(const uint8_t *code, size_t len)
{
    X86CPUState *env = &tcpu.env;
    memcpy(tram + G_CODE, code, len);
    tram[G_CODE + len] = 0xf4;
    tcg_accel_ops.put_state(&tcpu);
    for (int i = 0; i < 4 && tcg_accel_ops.vcpu_run(&tcpu) != ACCEL_EXIT_HALT; i++) {
    }
    tcg_accel_ops.get_state(&tcpu);
    return env->regs[R_EBX] == NO_EXCEPTION ? -1 : (int)env->regs[R_EBX];
}

/* ---- instruction generators: x87 (D8-DF) and SSE forms with [edx] ---- */

static bool x87_reg_form_valid(uint8_t op, uint8_t modrm)
{
    switch (op) {
    case 0xd9:
        return !((modrm >= 0xd1 && modrm <= 0xd7) || modrm == 0xe2 || modrm == 0xe3 ||
                 modrm == 0xe6 || modrm == 0xe7 || modrm == 0xef);
    case 0xda:
        return modrm < 0xe0 || modrm == 0xe9;
    case 0xdb:
        return modrm < 0xe5 || (modrm >= 0xe8 && modrm < 0xf8);
    case 0xdd:
        return modrm < 0xf0;
    case 0xde:
        return modrm != 0xd8 && !(modrm >= 0xda && modrm <= 0xdf);
    case 0xdf:
        return modrm < 0xe1 || (modrm >= 0xe8 && modrm < 0xf8);
    default:
        return true;
    }
}

/* Memory forms: the type of the operand, 0 for control forms left out. */
static int x87_mem_type(uint8_t op, int reg)
{
    switch (op) {
    case 0xd8: return 4;
    case 0xdc: return 8;
    case 0xda: return 32;
    case 0xde: return 2;
    case 0xd9: return reg == 0 || reg == 2 || reg == 3 ? 4 : reg == 5 || reg == 7 ? 2 : 0;
    case 0xdd: return reg <= 3 ? 8 : reg == 7 ? 2 : 0;
    case 0xdb: return reg <= 3 ? 32 : reg == 5 || reg == 7 ? 80 : 0;
    default: return reg <= 3 ? 2 : reg == 4 || reg == 6 ? 10 : 64;
    }
}

static size_t gen_x87(uint8_t *b, int *mtype)
{
    for (;;) {
        uint8_t op = (uint8_t)(0xd8 + rn(8));
        if (rn(2)) {
            int reg = (int)rn(8);
            if ((*mtype = x87_mem_type(op, reg))) {
                b[0] = op, b[1] = (uint8_t)(reg << 3 | 2);
                return 2;
            }
        } else {
            uint8_t modrm = (uint8_t)(0xc0 + rn(64));
            if (x87_reg_form_valid(op, modrm)) {
                *mtype = 0;
                b[0] = op, b[1] = modrm;
                return 2;
            }
        }
    }
}

/* SSE encodings (prefix, map, opcode, imm?) with xmm/mm registers 0-7. */
typedef struct SseForm {
    uint8_t pfx, map, opc;
    bool imm, mmx_too;
    uint8_t mem;   /* 0: register or memory, 1: register only, 2: memory only */
    uint8_t gpr;   /* 0: none, 1: a general register in ModRM.reg, 2: in ModRM.rm */
} SseForm;

#define F(p, m, o) { p, m, o, false, false, 0, 0 }
#define FM(p, m, o) { p, m, o, false, true, 0, 0 }
#define FI(p, m, o) { p, m, o, true, false, 0, 0 }
static const SseForm sse_forms[] = {
    /* FP arithmetic: ps, pd, ss, sd */
    F(0, 1, 0x58), F(0x66, 1, 0x58), F(0xf3, 1, 0x58), F(0xf2, 1, 0x58),
    F(0, 1, 0x59), F(0x66, 1, 0x59), F(0xf3, 1, 0x59), F(0xf2, 1, 0x59),
    F(0, 1, 0x5c), F(0x66, 1, 0x5c), F(0xf3, 1, 0x5c), F(0xf2, 1, 0x5c),
    F(0, 1, 0x5d), F(0x66, 1, 0x5d), F(0xf3, 1, 0x5d), F(0xf2, 1, 0x5d),
    F(0, 1, 0x5e), F(0x66, 1, 0x5e), F(0xf3, 1, 0x5e), F(0xf2, 1, 0x5e),
    F(0, 1, 0x5f), F(0x66, 1, 0x5f), F(0xf3, 1, 0x5f), F(0xf2, 1, 0x5f),
    F(0, 1, 0x51), F(0x66, 1, 0x51), F(0xf3, 1, 0x51), F(0xf2, 1, 0x51),
    F(0, 1, 0x52), F(0xf3, 1, 0x52), F(0, 1, 0x53), F(0xf3, 1, 0x53),
    F(0, 1, 0x54), F(0x66, 1, 0x55), F(0, 1, 0x56), F(0x66, 1, 0x57),
    F(0, 1, 0x14), F(0x66, 1, 0x15), F(0x66, 1, 0xd0), F(0xf2, 1, 0xd0),
    F(0x66, 1, 0x7c), F(0xf2, 1, 0x7d), F(0, 1, 0x5a), F(0x66, 1, 0x5a), F(0xf3, 1, 0x5a),
    F(0xf2, 1, 0x5a), F(0, 1, 0x5b), F(0x66, 1, 0x5b), F(0xf3, 1, 0x5b), F(0x66, 1, 0xe6),
    F(0xf3, 1, 0xe6), F(0xf2, 1, 0xe6), F(0, 1, 0x2e), F(0x66, 1, 0x2f),
    FI(0, 1, 0xc2), FI(0x66, 1, 0xc2), FI(0xf3, 1, 0xc2), FI(0xf2, 1, 0xc2),
    FI(0, 1, 0xc6), FI(0x66, 1, 0xc6), F(0xf3, 1, 0x16), F(0xf3, 1, 0x12), F(0xf2, 1, 0x12),
    /* moves */
    F(0, 1, 0x10), F(0x66, 1, 0x10), F(0xf3, 1, 0x10), F(0xf2, 1, 0x10),
    F(0, 1, 0x11), F(0x66, 1, 0x11), F(0xf3, 1, 0x11), F(0xf2, 1, 0x11),
    F(0, 1, 0x28), F(0x66, 1, 0x29), F(0x66, 1, 0x6f), F(0xf3, 1, 0x6f), F(0x66, 1, 0x7f),
    F(0xf3, 1, 0x7f), F(0xf3, 1, 0x7e), F(0x66, 1, 0xd6), FM(0, 1, 0x6f), FM(0, 1, 0x7f),
    F(0, 1, 0x12), F(0, 1, 0x16), { 0x66, 1, 0x16, false, false, 2, 0 },
    { 0x66, 1, 0x13, false, false, 2, 0 }, { 0, 1, 0x17, false, false, 2, 0 },
    { 0x66, 1, 0x12, false, false, 2, 0 }, { 0, 1, 0x2b, false, false, 2, 0 },
    { 0x66, 1, 0xe7, false, true, 2, 0 },
    { 0x66, 1, 0x6e, false, true, 0, 2 }, { 0x66, 1, 0x7e, false, true, 0, 2 },
    /* integer, MMX and XMM */
    FM(0x66, 1, 0xfc), FM(0x66, 1, 0xfd), FM(0x66, 1, 0xfe), FM(0x66, 1, 0xd4), FM(0x66, 1, 0xec),
    FM(0x66, 1, 0xdd), FM(0x66, 1, 0xf8), FM(0x66, 1, 0xe9), FM(0x66, 1, 0xd8), FM(0x66, 1, 0xd5),
    FM(0x66, 1, 0xe5), FM(0x66, 1, 0xe4), FM(0x66, 1, 0xf4), FM(0x66, 1, 0xf5), FM(0x66, 1, 0xf6),
    FM(0x66, 1, 0xe0), FM(0x66, 1, 0xda), FM(0x66, 1, 0xee), FM(0x66, 1, 0xdb), FM(0x66, 1, 0xdf),
    FM(0x66, 1, 0x74), FM(0x66, 1, 0x66), FM(0x66, 1, 0x63), FM(0x66, 1, 0x6b), FM(0x66, 1, 0x67),
    FM(0x66, 1, 0x60), FM(0x66, 1, 0x62), FM(0x66, 1, 0x69), F(0x66, 1, 0x6c), F(0x66, 1, 0x6d),
    FM(0x66, 1, 0xd1), FM(0x66, 1, 0xe2), FM(0x66, 1, 0xf3),
    FM(0x66, 2, 0x00), FM(0x66, 2, 0x01), FM(0x66, 2, 0x03), FM(0x66, 2, 0x04), FM(0x66, 2, 0x06),
    FM(0x66, 2, 0x08), FM(0x66, 2, 0x0b), FM(0x66, 2, 0x1c), FM(0x66, 2, 0x1e),
    F(0x66, 2, 0x10), F(0x66, 2, 0x14), F(0x66, 2, 0x15), F(0x66, 2, 0x17), F(0x66, 2, 0x20),
    F(0x66, 2, 0x23), F(0x66, 2, 0x25), F(0x66, 2, 0x31), F(0x66, 2, 0x34), F(0x66, 2, 0x28),
    F(0x66, 2, 0x29), F(0x66, 2, 0x2b), F(0x66, 2, 0x37), F(0x66, 2, 0x38), F(0x66, 2, 0x3b),
    F(0x66, 2, 0x3e), F(0x66, 2, 0x40), F(0x66, 2, 0x41), { 0x66, 2, 0x2a, false, false, 2, 0 },
    FI(0x66, 1, 0x70), FI(0xf3, 1, 0x70), FI(0xf2, 1, 0x70), { 0, 1, 0x70, true, true, 0, 0 },
    FI(0x66, 3, 0x08), FI(0x66, 3, 0x09), FI(0x66, 3, 0x0a), FI(0x66, 3, 0x0b), FI(0x66, 3, 0x0c),
    FI(0x66, 3, 0x0d), FI(0x66, 3, 0x0e), { 0x66, 3, 0x0f, true, true, 0, 0 },
    FI(0x66, 3, 0x21), FI(0x66, 3, 0x40), FI(0x66, 3, 0x41), FI(0x66, 3, 0x42),
    FI(0x66, 3, 0x60), FI(0x66, 3, 0x61), FI(0x66, 3, 0x62), FI(0x66, 3, 0x63),
    { 0x66, 3, 0x14, true, false, 0, 2 }, { 0x66, 3, 0x15, true, false, 0, 2 },
    { 0x66, 3, 0x16, true, false, 0, 2 }, { 0x66, 3, 0x17, true, false, 0, 2 },
    { 0x66, 3, 0x20, true, false, 0, 2 }, { 0x66, 3, 0x22, true, false, 0, 2 },
    { 0x66, 1, 0xc4, true, true, 0, 2 }, { 0x66, 1, 0xc5, true, true, 1, 1 },
    { 0, 1, 0x50, false, false, 1, 1 }, { 0x66, 1, 0x50, false, false, 1, 1 },
    { 0x66, 1, 0xd7, false, true, 1, 1 },
    { 0xf3, 1, 0x2a, false, false, 0, 2 }, { 0xf2, 1, 0x2a, false, false, 0, 2 },
    { 0xf3, 1, 0x2d, false, false, 0, 1 }, { 0xf2, 1, 0x2c, false, false, 0, 1 },
    F(0, 1, 0x2a), F(0x66, 1, 0x2a), F(0, 1, 0x2d), F(0x66, 1, 0x2c),
    { 0xf3, 1, 0xd6, false, false, 1, 0 }, { 0xf2, 1, 0xd6, false, false, 1, 0 },
};
#undef F
#undef FM
#undef FI

static size_t gen_sse(uint8_t *b, bool *mem, bool *mmx)
{
    const SseForm *f = &sse_forms[rn(sizeof(sse_forms) / sizeof(sse_forms[0]))];
    size_t n = 0;
    *mmx = f->mmx_too && rn(2);
    *mem = f->mem == 2 || (f->mem == 0 && rn(3) == 0);
    if (f->pfx && !(*mmx && f->pfx == 0x66)) {
        b[n++] = f->pfx;
    }
    b[n++] = 0x0f;
    if (f->map == 2) {
        b[n++] = 0x38;
    } else if (f->map == 3) {
        b[n++] = 0x3a;
    }
    b[n++] = f->opc;
    /* a general register operand is eax or ecx: edx holds the address */
    uint8_t reg = (uint8_t)rn(f->gpr == 1 ? 2 : 8), rm = (uint8_t)rn(f->gpr == 2 ? 2 : 8);
    b[n++] = *mem ? (uint8_t)(reg << 3 | 2) : (uint8_t)(0xc0 | reg << 3 | rm);
    if (f->imm) {
        b[n++] = (uint8_t)r64();
    }
    return n;
}

/* ---- the random comparison ---- */

static int run_one(const uint8_t *code, size_t len, bool mem, int mtype, bool random_masks)
{
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    static uint8_t hmem[32] __attribute__((aligned(16)));
    X86CPUState *env = &tcpu.env;
    X86CPUState st;

    memset(&st, 0, sizeof(st));
    memcpy(st.fxsave, oracle.clean, 512);
    rand_x87_state(&st, random_masks);
    for (int i = 0; i < 8; i++) {
        rand_vec(st.fxsave + FX_XMM(i));
    }
    memset(st.fxsave + FX_XMM(8), 0, 128);
    st.mxcsr = rand_mxcsr(random_masks);
    fx_st32(st.fxsave + FX_MXCSR, st.mxcsr);
    memcpy(in, st.fxsave, 512);
    if (mtype) {
        rand_mem(hmem, mtype);
        rand_mem(hmem + 16, 0);
    } else {
        rand_vec(hmem);
        rand_vec(hmem + 16);
    }
    uint64_t rflags = r64() & CC_OSZAPC;
    OracleRegs regs = { .rax_in = (uint32_t)r64(), .rcx_in = (uint32_t)r64() };
    if (rn(2)) {
        regs.rax_in = rn(40) - 20, regs.rcx_in = rn(40) - 20; /* small lengths and counts */
        regs.rax_in &= 0xffffffffu, regs.rcx_in &= 0xffffffffu;
    }
    uint32_t edx = mem ? G_DATA : (uint32_t)(rn(40) - 20);
    regs.rdx_in = edx;

    uint8_t gmem_before[32];
    memcpy(gmem_before, hmem, 32);
    bool trapped = oracle_host_run(code, len, in, out, mem ? hmem : NULL, rflags, &regs);

    guest_reset(in, st.mxcsr, (uint32_t)regs.rax_in, (uint32_t)regs.rcx_in, edx, rflags);
    memcpy(tram + G_DATA, gmem_before, 32);
    int vec = guest_run(code, len);
    fx_st32(env->fxsave + FX_MXCSR, env->mxcsr);

    bool ok = trapped ? (vec == EXCP13_XF || vec == EXCP10_MF) : vec == -1;
    ok &= !memcmp(out, env->fxsave, 5);
    for (int i = 0; i < 8; i++) {
        ok &= !memcmp(out + FX_ST(i), env->fxsave + FX_ST(i), 10);
    }
    ok &= !memcmp(out + FX_MXCSR, env->fxsave + FX_MXCSR, 4);
    ok &= !memcmp(out + FX_XMM(0), env->fxsave + FX_XMM(0), 128);
    if (!trapped) {
        ok &= (uint32_t)regs.rax_out == (uint32_t)env->regs[R_EAX];
        ok &= (uint32_t)regs.rcx_out == (uint32_t)env->regs[R_ECX];
        ok &= ((regs.rflags_out ^ env->rflags) & CC_OSZAPC) == 0;
        ok &= !memcmp(hmem, tram + G_DATA, 32);
    }
    if (!ok) {
        GString *hex = g_string_new("");
        for (size_t i = 0; i < len; i++) {
            g_string_append_printf(hex, "%02x ", code[i]);
        }
        g_test_message("mismatch: %s(mem %d) host trapped %d, guest vector %d; eax %08x/%08x "
                       "ecx %08x/%08x flags %03llx/%03llx mxcsr %04x -> %04x/%04x", hex->str, mem,
                       trapped, vec, (uint32_t)regs.rax_out, (uint32_t)env->regs[R_EAX],
                       (uint32_t)regs.rcx_out, (uint32_t)env->regs[R_ECX],
                       (unsigned long long)(regs.rflags_out & CC_OSZAPC),
                       (unsigned long long)(env->rflags & CC_OSZAPC), st.mxcsr,
                       fx_ld32(out + FX_MXCSR), env->mxcsr);
        g_string_free(hex, TRUE);
        oracle_hexdump("before:", in, 288);
        oracle_hexdump("host:", out, 288);
        oracle_hexdump("guest:", env->fxsave, 288);
        oracle_hexdump("mem before/host/guest:", gmem_before, 32);
        oracle_hexdump("", hmem, 32);
        oracle_hexdump("", tram + G_DATA, 32);
        return 1;
    }
    return 0;
}

static void test_translate_x87(void)
{
    uint8_t code[4];
    int fails = 0;
    for (int n = 0; n < 20000 && fails < 5; n++) {
        int mtype;
        size_t len = gen_x87(code, &mtype);
        fails += run_one(code, len, mtype != 0, mtype, n & 1);
    }
    g_assert_cmpint(fails, ==, 0);
}

static void test_translate_sse(void)
{
    uint8_t code[16];
    int fails = 0;
    for (int n = 0; n < 30000 && fails < 5; n++) {
        bool mem, mmx;
        size_t len = gen_sse(code, &mem, &mmx);
        fails += run_one(code, len, mem, 0, n & 1);
    }
    g_assert_cmpint(fails, ==, 0);
}

/* ---- what the host cannot show: CR0/CR4 checks, alignment ---- */

static int run_guest_only(const uint8_t *code, size_t len, uint64_t cr0_set, uint64_t cr0_clear,
                          uint64_t cr4_clear, uint32_t edx)
{
    guest_reset(oracle.clean, 0x1f80, 0, 0, edx, 0);
    tcpu.env.cr0 = (tcpu.env.cr0 | cr0_set) & ~cr0_clear;
    tcpu.env.cr4 &= ~cr4_clear;
    return guest_run(code, len);
}

static void test_translate_faults(void)
{
    static const uint8_t fadd[] = { 0xd8, 0xc1 }, addps[] = { 0x0f, 0x58, 0xc1 };
    static const uint8_t paddb_mmx[] = { 0x0f, 0xfc, 0xc1 }, fwait[] = { 0x9b };
    static const uint8_t movaps_load[] = { 0x0f, 0x28, 0x02 }, movups_load[] = { 0x0f, 0x10, 0x02 };
    static const uint8_t movdqa_store[] = { 0x66, 0x0f, 0x7f, 0x02 };
    static const uint8_t fxsave[] = { 0x0f, 0xae, 0x02 }, ldmxcsr[] = { 0x0f, 0xae, 0x12 };
    static const uint8_t pcmpistri[] = { 0x66, 0x0f, 0x3a, 0x63, 0x02, 0x00 };

    /* x87: #NM with EM or TS */
    g_assert_cmpint(run_guest_only(fadd, 2, CR0_TS, 0, 0, 0), ==, EXCP07_NM);
    g_assert_cmpint(run_guest_only(fadd, 2, CR0_EM, 0, 0, 0), ==, EXCP07_NM);
    g_assert_cmpint(run_guest_only(fadd, 2, 0, 0, 0, 0), ==, -1);
    /* WAIT: #NM only with MP and TS */
    g_assert_cmpint(run_guest_only(fwait, 1, CR0_TS, 0, 0, 0), ==, EXCP07_NM);
    g_assert_cmpint(run_guest_only(fwait, 1, CR0_TS, CR0_MP, 0, 0), ==, -1);
    g_assert_cmpint(run_guest_only(fwait, 1, CR0_EM, 0, 0, 0), ==, -1);
    /* SSE: #UD with EM or without OSFXSR, then #NM with TS */
    g_assert_cmpint(run_guest_only(addps, 3, CR0_EM, 0, 0, 0), ==, EXCP06_UD);
    g_assert_cmpint(run_guest_only(addps, 3, 0, 0, CR4_OSFXSR, 0), ==, EXCP06_UD);
    g_assert_cmpint(run_guest_only(addps, 3, CR0_TS, 0, 0, 0), ==, EXCP07_NM);
    g_assert_cmpint(run_guest_only(ldmxcsr, 3, 0, 0, CR4_OSFXSR, G_DATA), ==, EXCP06_UD);
    /* MMX needs no OSFXSR */
    g_assert_cmpint(run_guest_only(paddb_mmx, 3, 0, 0, CR4_OSFXSR, 0), ==, -1);
    g_assert_cmpint(run_guest_only(paddb_mmx, 3, CR0_EM, 0, 0, 0), ==, EXCP06_UD);
    g_assert_cmpint(run_guest_only(paddb_mmx, 3, CR0_TS, 0, 0, 0), ==, EXCP07_NM);
    /* FXSAVE: #NM with TS or EM; alignment #GP */
    g_assert_cmpint(run_guest_only(fxsave, 3, CR0_EM, 0, 0, G_DATA), ==, EXCP07_NM);
    g_assert_cmpint(run_guest_only(fxsave, 3, 0, 0, 0, G_DATA + 8), ==, EXCP0D_GP);
    g_assert_cmpint(run_guest_only(fxsave, 3, 0, 0, 0, G_DATA), ==, -1);
    /* 16-byte aligned operands */
    g_assert_cmpint(run_guest_only(movaps_load, 3, 0, 0, 0, G_DATA + 4), ==, EXCP0D_GP);
    g_assert_cmpint(run_guest_only(movaps_load, 3, 0, 0, 0, G_DATA + 16), ==, -1);
    g_assert_cmpint(run_guest_only(movups_load, 3, 0, 0, 0, G_DATA + 4), ==, -1);
    g_assert_cmpint(run_guest_only(movdqa_store, 4, 0, 0, 0, G_DATA + 8), ==, EXCP0D_GP);
    g_assert_cmpint(run_guest_only(pcmpistri, 6, 0, 0, 0, G_DATA + 1), ==, -1);
    /* a pending unmasked x87 exception: #MF at the next waiting
     * instruction when CR0.NE is set, before it changes anything */
    static uint8_t fx[512] __attribute__((aligned(16)));
    static const uint8_t fld1[] = { 0xd9, 0xe8 }, fnstsw_ax[] = { 0xdf, 0xe0 };
    memcpy(fx, oracle.clean, 512);
    fx_st16(fx + FX_FCW, 0x037e);
    fx_st16(fx + FX_FSW, FSW_IE | FSW_ES | FSW_B);
    guest_reset(fx, 0x1f80, 0, 0, 0, 0);
    g_assert_cmpint(guest_run(fld1, 2), ==, EXCP10_MF);
    g_assert_cmphex(tcpu.env.fxsave[FX_FTW], ==, 0);
    guest_reset(fx, 0x1f80, 0, 0, 0, 0);
    g_assert_cmpint(guest_run(fnstsw_ax, 2), ==, -1); /* a no-wait instruction */
    g_assert_cmphex(tcpu.env.regs[R_EAX] & 0xffff, ==, FSW_IE | FSW_ES | FSW_B);
    guest_reset(fx, 0x1f80, 0, 0, 0, 0);
    tcpu.env.cr0 &= ~(uint64_t)CR0_NE;
    g_assert_cmpint(guest_run(fld1, 2), ==, -1);
    g_assert_cmphex(tcpu.env.fxsave[FX_FTW], ==, 0x80);
    /* the #GP was precise: nothing stored */
    memset(tram + G_DATA, 0x77, 32);
    g_assert_cmpint(run_guest_only(movdqa_store, 4, 0, 0, 0, G_DATA + 8), ==, EXCP0D_GP);
    g_assert_cmphex(tram[G_DATA + 8], ==, 0x77);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(0x7c6);
    oracle_init();
    guest_init();
    g_test_add_func("/fpu-translate/x87", test_translate_x87);
    g_test_add_func("/fpu-translate/sse", test_translate_sse);
    g_test_add_func("/fpu-translate/faults", test_translate_faults);
    return g_test_run();
}
