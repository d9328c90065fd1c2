/*
 * The host CPU as the oracle for the x87/MMX/SSE helper tests: a tiny
 * code buffer runs one guest instruction natively between FXRSTOR and
 * FXSAVE of the same 512-byte image the helpers keep in env->fxsave, so
 * both sides start from the same state and their results can be compared
 * byte for byte. The unit under test runs on a vCPU wired to a small RAM
 * and the tcg unwinding (cpu_raise_exception lands in oracle_call's
 * sigsetjmp). A #MF or #XM of the native run arrives as SIGFPE and is
 * reported with the FPU state at the fault.
 */
#ifndef TESTS_UNIT_X86_ORACLE_H
#define TESTS_UNIT_X86_ORACLE_H

#include <glib.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "accel/tcg/tcg-cpu.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "target/x86/cpu.h"
#include "target/x86/fpu-internal.h"

#define ORACLE_RAM_SIZE 0x10000
#define ORACLE_MEM 0x1000 /* guest address of the memory operand */

typedef struct OracleRegs {
    uint64_t rflags_out, rax_out, rcx_out;
    uint64_t rax_in, rdx_in, rcx_in;
} OracleRegs;

typedef struct Oracle {
    Machine m;
    X86CPU cpu;
    TCGCPU *tcg;
    uint8_t *ram;
    uint8_t *code;
    uint8_t clean[512] __attribute__((aligned(16)));
} Oracle;

static Oracle oracle;
static sigjmp_buf oracle_fpe_jmp;
static uint8_t oracle_fpe_state[512] __attribute__((aligned(16)));

static void oracle_on_fpe(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    memcpy(oracle_fpe_state, uc->uc_mcontext.fpregs, 512);
    siglongjmp(oracle_fpe_jmp, 1);
}

static inline void oracle_init(void)
{
    Oracle *o = &oracle;
    o->m.mem = as_create("memory", 1ull << 32);
    o->m.io = as_create("io", 0x10000);
    o->ram = g_malloc0(ORACLE_RAM_SIZE);
    as_add_ram(o->m.mem, "ram", 0, ORACLE_RAM_SIZE, o->ram, false, NULL);
    o->cpu.machine = &o->m;
    o->tcg = g_new0(TCGCPU, 1);
    o->tcg->cpu = &o->cpu;
    tlb_init(o->tcg);
    o->cpu.accel = o->tcg;

    o->code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    g_assert(o->code != MAP_FAILED);
    __asm__ volatile("fninit\n\tfxsave64 %0" : "=m"(o->clean));
    fx_st32(o->clean + 24, 0x1f80);

    struct sigaction sa = { .sa_sigaction = oracle_on_fpe, .sa_flags = SA_SIGINFO };
    sigaction(SIGFPE, &sa, NULL);
}

/* 64-bit mode, CPL 0, paging off, x87 and SSE enabled with #MF/#XM. */
static inline void oracle_reset_cpu(void)
{
    X86CPUState *env = &oracle.cpu.env;
    memset(env, 0, sizeof(*env));
    env->cr0 = CR0_PE | CR0_ET | CR0_NE;
    env->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    env->efer = EFER_LMA | EFER_LME;
    env->hflags = HF_PE | HF_CS64 | HF_LMA | HF_OSFXSR;
    memcpy(env->fxsave, oracle.clean, 512);
    env->mxcsr = 0x1f80;
    env->exception_index = -1;
}

/*
 * Run insn natively with FXRSTOR(in) before and FXSAVE(out) after; mem
 * (if any) is at [rdx]. Returns true if it faulted with SIGFPE (out is
 * then the state at the fault).
 */
static inline bool oracle_host_run(const uint8_t *insn, size_t len, const uint8_t *in,
                                   uint8_t *out, void *mem, uint64_t rflags, OracleRegs *regs)
{
    static uint8_t img_in[512] __attribute__((aligned(16)));
    static uint8_t img_out[512] __attribute__((aligned(16)));
    static OracleRegs r;
    uint8_t *p = oracle.code;

#define EMIT(...)                                                                              \
    do {                                                                                       \
        static const uint8_t b_[] = { __VA_ARGS__ };                                           \
        memcpy(p, b_, sizeof(b_));                                                             \
        p += sizeof(b_);                                                                       \
    } while (0)
    EMIT(0x41, 0x50, 0x9d);             /* push %r8; popfq */
    EMIT(0x48, 0x0f, 0xae, 0x0f);       /* fxrstor64 (%rdi) */
    EMIT(0x49, 0x8b, 0x41, 0x18);       /* mov 24(%r9), %rax */
    EMIT(0x49, 0x8b, 0x49, 0x28);       /* mov 40(%r9), %rcx */
    if (!mem) {
        EMIT(0x49, 0x8b, 0x51, 0x20);   /* mov 32(%r9), %rdx */
    }
    memcpy(p, insn, len);
    p += len;
    EMIT(0x9c, 0x41, 0x8f, 0x01);       /* pushfq; popq (%r9) */
    EMIT(0x49, 0x89, 0x41, 0x08);       /* mov %rax, 8(%r9) */
    EMIT(0x49, 0x89, 0x49, 0x10);       /* mov %rcx, 16(%r9) */
    EMIT(0x48, 0x0f, 0xae, 0x06);       /* fxsave64 (%rsi) */
    EMIT(0x49, 0xba);                   /* movabs $clean, %r10 */
    uint64_t clean = (uint64_t)(uintptr_t)oracle.clean;
    memcpy(p, &clean, 8);
    p += 8;
    EMIT(0x49, 0x0f, 0xae, 0x0a);       /* fxrstor64 (%r10) */
    EMIT(0xc3);
#undef EMIT

    memcpy(img_in, in, 512);
    memset(img_out, 0, 512);
    r = regs ? *regs : (OracleRegs){ 0 };
    void (*fn)(void *, void *, void *, void *, uint64_t, void *) = (void *)oracle.code;
    bool faulted = false;
    if (sigsetjmp(oracle_fpe_jmp, 1) == 0) {
        fn(img_in, img_out, mem, NULL, (rflags & 0x8d5) | 2, &r);
        memcpy(out, img_out, 512);
    } else {
        faulted = true;
        memcpy(out, oracle_fpe_state, 512);
        __asm__ volatile("fxrstor64 %0" : : "m"(oracle.clean));
    }
    if (regs) {
        *regs = r;
    }
    return faulted;
}

/*
 * Run a helper call; returns the exception vector it raised, or -1. The
 * callers' locals are not written between the sigsetjmp and a longjmp
 * that matters (a raised exception fails the comparison anyway), so GCC's
 * -Wclobbered guesses are noise here.
 */
#pragma GCC diagnostic ignored "-Wclobbered"
#define ORACLE_CALL(expr)                                                                      \
    ({                                                                                         \
        int v_ = -1;                                                                         \
        oracle.cpu.env.exception_index = -1;                                                   \
        if (sigsetjmp(oracle.tcg->jmp_env, 0) == 0) {                                          \
            expr;                                                                              \
        } else {                                                                               \
            v_ = oracle.cpu.env.exception_index;                                               \
        }                                                                                      \
        v_;                                                                                    \
    })

static inline uint8_t *oracle_guest_mem(void)
{
    return oracle.ram + ORACLE_MEM;
}

static inline void oracle_hexdump(const char *what, const uint8_t *p, size_t n)
{
    GString *s = g_string_new(what);
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
    }
    g_test_message("%s", s->str);
    g_string_free(s, TRUE);
}

#endif
