/* mimic-test: */
/*
 * The user-mode harness (lib/user.h) itself: bodies at CPL 3 in 64-bit and
 * compatibility mode, with the state they end in and the exceptions that
 * end them, as the Intel SDM describes them: ADD's flags (vol. 1, 3.4.3.1
 * and the ADD page of vol. 2), #DE from DIV by zero, #PF on an unmapped
 * address with its error code and CR2 (vol. 3A, 4.7), #GP from HLT, CLI
 * and MOV to CR0 at CPL 3 (vol. 3A, 5.9), #UD from UD2, INT3 as a trap
 * (RIP past it), registers, XMM and x87 state carried in and out, the data
 * page and the user stack.
 */
#include "user.h"

/* A body: code assembled here, copied to USER_CODE_ADDR by user_run(). */
#define BODY(name, bits, text)                                                                     \
    extern const uint8_t name[], name##_end[];                                                     \
    __asm__(".pushsection .rodata\n" #name ":\n.code" #bits "\n" text "\n.code32\n" #name          \
            "_end:\n.popsection\n")

BODY(body_add, 64, "add %rbx, %rax\n int3");
BODY(body_regs, 64, "xchg %r8, %r15\n not %r9\n int3");
BODY(body_div0, 64, "xor %ecx, %ecx\n div %rcx\n int3");
BODY(body_pf_read, 64, "movl $0x40001234, %eax\n movq (%rax), %rbx\n int3");
BODY(body_pf_write, 64, "movl $0x40005678, %eax\n movl %ebx, (%rax)\n int3");
BODY(body_hlt, 64, "hlt\n int3");
BODY(body_cli, 64, "cli\n int3");
BODY(body_mov_cr0, 64, "mov %rax, %cr0\n int3");
BODY(body_ud2, 64, "nop\n ud2");
BODY(body_sse, 64, "paddd %xmm1, %xmm0\n movq %xmm0, %rax\n int3");
BODY(body_x87, 64, "fld1\n fldpi\n faddp\n int3");
BODY(body_mem, 64, "movl $0x30000, %edi\n movq %rax, 8(%rdi)\n push %rax\n pop %rdx\n push %rbx\n"
                   " int3");
BODY(body_compat, 32, "add %ebx, %eax\n ud2");

#define LEN(name) ((size_t)(name##_end - name))

static void check64(uint64_t got, uint64_t want, const char *what)
{
    if (got == want) {
        check(true, "%s = 0x%llx", what, (unsigned long long)got);
    } else {
        check(false, "%s = 0x%llx, expected 0x%llx", what, (unsigned long long)got,
              (unsigned long long)want);
    }
}

static int run(const char *what, const uint8_t *code, size_t len, UserRegs *r)
{
    int v = user_run(code, len, r);
    printf("%s: %s (vector %d), rip +0x%llx\n", what, user_vector_name((unsigned)v), v,
           (unsigned long long)(r->rip - USER_CODE_ADDR));
    return v;
}

static uint64_t fx_u64(const UserRegs *r, unsigned off)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | r->fx[off + i];
    }
    return v;
}

static void fx_set_u64(UserRegs *r, unsigned off, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        r->fx[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static void test_add(void)
{
    UserRegs r;
    user_regs_init(&r);
    r.gpr[UR_RAX] = 0x7fffffffffffffffull;
    r.gpr[UR_RBX] = 1;
    r.rflags |= RFLAGS_CF;
    int v = run("add", body_add, LEN(body_add), &r);
    check_eq(v, 3, "add ends with #BP");
    check64(r.rip, USER_CODE_ADDR + LEN(body_add), "add: rip after int3");
    check64(r.gpr[UR_RAX], 0x8000000000000000ull, "add: rax");
    /* CF=0 (no carry out), OF=1, SF=1, ZF=0, AF=1 (0xf + 1), PF=1 (0x00) */
    check_eq((uint32_t)r.rflags & RFLAGS_STATUS, RFLAGS_OF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF,
             "add: status flags");
    check_eq((uint32_t)r.rflags & (RFLAGS_IF | RFLAGS_FIXED1 | RFLAGS_TF | RFLAGS_DF),
             RFLAGS_IF | RFLAGS_FIXED1, "add: IF and bit 1 set, TF and DF clear");
    check_eq((uint32_t)r.cs, USER_U64_CS, "add: cs");
    check64(r.gpr[UR_RSP], USER_STACK_TOP, "add: rsp");
}

static void test_regs(void)
{
    UserRegs r;
    user_regs_init(&r);
    for (int i = 0; i < 16; i++) {
        if (i != UR_RSP) {
            r.gpr[i] = 0x0101010101010101ull * (uint64_t)(i + 1) ^ 0x8000000000000000ull;
        }
    }
    r.rflags |= RFLAGS_DF | RFLAGS_CF | RFLAGS_ZF;
    run("regs", body_regs, LEN(body_regs), &r);
    bool same = true;
    for (int i = 0; i < 16; i++) {
        uint64_t want = 0x0101010101010101ull * (uint64_t)(i + 1) ^ 0x8000000000000000ull;
        if (i == UR_R8) {
            want = 0x1010101010101010ull ^ 0x8000000000000000ull;
        } else if (i == UR_R15) {
            want = 0x0909090909090909ull ^ 0x8000000000000000ull;
        } else if (i == UR_R9) {
            want = ~(0x0a0a0a0a0a0a0a0aull ^ 0x8000000000000000ull);
        } else if (i == UR_RSP) {
            want = USER_STACK_TOP;
        }
        if (r.gpr[i] != want) {
            printf("  gpr %d = 0x%llx, expected 0x%llx\n", i, (unsigned long long)r.gpr[i],
                   (unsigned long long)want);
            same = false;
        }
    }
    check(same, "regs: all 16 GPRs carried in and out (r8/r15 swapped, r9 inverted)");
    check_eq((uint32_t)r.rflags & (RFLAGS_DF | RFLAGS_CF | RFLAGS_ZF),
             RFLAGS_DF | RFLAGS_CF | RFLAGS_ZF, "regs: DF, CF, ZF kept");
}

static void test_faults(void)
{
    UserRegs r;
    int v;

    user_regs_init(&r);
    r.gpr[UR_RAX] = 5;
    v = run("div by zero", body_div0, LEN(body_div0), &r);
    check_eq(v, 0, "div by zero: #DE");
    check64(r.rip, USER_CODE_ADDR + 2, "div by zero: rip at the div");
    check64(r.gpr[UR_RAX], 5, "div by zero: rax unchanged");

    user_regs_init(&r);
    v = run("read unmapped", body_pf_read, LEN(body_pf_read), &r);
    check_eq(v, 14, "read unmapped: #PF");
    /* P=0 (not present), W/R=0, U/S=1 */
    check_eq((uint32_t)r.error_code, 0x4, "read unmapped: error code");
    check64(r.cr2, 0x40001234, "read unmapped: cr2");
    check64(r.rip, USER_CODE_ADDR + 5, "read unmapped: rip at the load");

    user_regs_init(&r);
    v = run("write unmapped", body_pf_write, LEN(body_pf_write), &r);
    check_eq(v, 14, "write unmapped: #PF");
    check_eq((uint32_t)r.error_code, 0x6, "write unmapped: error code (W/R=1, U/S=1)");
    check64(r.cr2, 0x40005678, "write unmapped: cr2");

    user_regs_init(&r);
    v = run("hlt", body_hlt, LEN(body_hlt), &r);
    check_eq(v, 13, "hlt at CPL 3: #GP");
    check_eq((uint32_t)r.error_code, 0, "hlt at CPL 3: error code");
    check64(r.rip, USER_CODE_ADDR, "hlt at CPL 3: rip at the hlt");

    user_regs_init(&r);
    v = run("cli", body_cli, LEN(body_cli), &r);
    check_eq(v, 13, "cli at CPL 3 with IOPL 0: #GP");

    user_regs_init(&r);
    v = run("mov cr0", body_mov_cr0, LEN(body_mov_cr0), &r);
    check_eq(v, 13, "mov to cr0 at CPL 3: #GP");

    user_regs_init(&r);
    v = run("ud2", body_ud2, LEN(body_ud2), &r);
    check_eq(v, 6, "ud2: #UD");
    check64(r.rip, USER_CODE_ADDR + 1, "ud2: rip at the ud2");
}

static void test_state(void)
{
    UserRegs r;
    user_regs_init(&r);
    fx_set_u64(&r, FX_XMM(0), 0x00000001fffffffeull);
    fx_set_u64(&r, FX_XMM(0) + 8, 0x7fffffff80000000ull);
    fx_set_u64(&r, FX_XMM(1), 0x0000000300000003ull);
    fx_set_u64(&r, FX_XMM(1) + 8, 0x0000000100000001ull);
    fx_set_u64(&r, FX_XMM(15), 0x0123456789abcdefull);
    run("sse", body_sse, LEN(body_sse), &r);
    check64(r.gpr[UR_RAX], 0x0000000400000001ull, "paddd: low quadword");
    check64(fx_u64(&r, FX_XMM(0) + 8), 0x8000000080000001ull, "paddd: high quadword");
    check64(fx_u64(&r, FX_XMM(15)), 0x0123456789abcdefull, "xmm15 carried through");

    user_regs_init(&r);
    run("x87", body_x87, LEN(body_x87), &r);
    /* FLDPI gives 0x4000 c90fdaa22168c235; 1 + that is 0x4001 8487ed5110b4611a.8, a tie
     * that rounds to even */
    check64(fx_u64(&r, FX_ST(0)), 0x8487ed5110b4611aull, "x87: st0 significand of 1 + pi");
    check_eq(r.fx[FX_ST(0) + 8] | (uint32_t)r.fx[FX_ST(0) + 9] << 8, 0x4001, "x87: st0 exponent");
    /* TOP = 7 after two pushes and one pop */
    check_eq((r.fx[FX_FSW + 1] >> 3) & 7, 7, "x87: TOP");
    check_eq(r.fx[FX_FTW], 0x80, "x87: abridged tag word, ST0 = physical 7 valid");

    user_regs_init(&r);
    r.gpr[UR_RAX] = 0x1122334455667788ull;
    r.gpr[UR_RBX] = 0xa5a5a5a5a5a5a5a5ull;
    user_fill((void *)USER_DATA_ADDR, 0, USER_DATA_SIZE);
    user_fill((void *)(USER_STACK_TOP - 16), 0, 16);
    run("memory", body_mem, LEN(body_mem), &r);
    check64(*(volatile uint64_t *)(USER_DATA_ADDR + 8), 0x1122334455667788ull, "data page written");
    check64(r.gpr[UR_RDX], 0x1122334455667788ull, "push/pop through the user stack");
    check64(r.gpr[UR_RSP], USER_STACK_TOP - 8, "rsp after push");
    check64(*(volatile uint64_t *)(USER_STACK_TOP - 8), 0xa5a5a5a5a5a5a5a5ull, "user stack written");
}

static void test_compat(void)
{
    UserRegs r;
    user_regs_init(&r);
    r.mode = USER_MODE_32;
    r.gpr[UR_RAX] = 0xffffffff;
    r.gpr[UR_RBX] = 2;
    r.gpr[UR_R8] = 0x8888888888888888ull;
    int v = run("compat", body_compat, LEN(body_compat), &r);
    check_eq(v, 6, "compatibility mode: ends with #UD");
    check_eq((uint32_t)r.cs, USER_U32_CS, "compatibility mode: cs");
    check64(r.gpr[UR_RAX], 1, "compatibility mode: eax");
    check_eq((uint32_t)r.rflags & RFLAGS_CF, RFLAGS_CF, "compatibility mode: carry");
    check64(r.gpr[UR_R8], 0x8888888888888888ull, "compatibility mode: r8 untouched");
}

static void smoke(void *arg)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    check_eq(cs, USER_U32_CS, "harness runs at CPL 3 in compatibility mode");
    test_add();
    test_regs();
    test_faults();
    test_state();
    test_compat();
}

void test_main(void)
{
    user_init();
    user_call(smoke, 0);
}
