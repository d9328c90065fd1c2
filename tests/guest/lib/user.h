/*
 * User-mode harness of the guest tests: instruction bodies run at CPL 3 in
 * 64-bit mode (or compatibility mode), so that under kvm_pvm they execute
 * natively on the host CPU, the oracle the other accelerators are compared
 * with. Intel SDM vol. 3A: 9.8.5 (initializing IA-32e mode), 5.2.1 and 3.4.5
 * (code segments with L=1 and L=0), 6.14 (64-bit interrupt and exception
 * handling), 7.7 (the 64-bit TSS, RSP0 and IST) and vol. 1 19.5.2 (the I/O
 * permission bitmap), vol. 1 10.5 (FXSAVE).
 *
 * Usage, from test_main():
 *
 *     user_init();                 long mode, CPL 0, compatibility mode
 *     user_call(fn, arg);          fn runs at CPL 3 (compatibility mode)
 *     user_call64(blob, arg);      or a 64-bit program does (see below)
 *
 * and inside, as often as wanted:
 *
 *     UserRegs r;
 *     user_regs_init(&r);
 *     r.gpr[UR_RAX] = 1;
 *     int vec = user_run(code, len, &r);
 *
 * The body is copied to USER_CODE_ADDR and entered with every register of
 * *regs (GPRs, RFLAGS, the FXSAVE image: x87, MXCSR, XMM0-15); it runs until
 * it raises an exception (end it with INT3 or UD2), and *regs then holds the
 * state at the exception: registers, RIP, RFLAGS, the vector, error code
 * and CR2 (after #PF). Bodies reach memory at USER_DATA_ADDR (4 KiB) and
 * the stack below USER_STACK_TOP. CPL 0 is a couple of dozen instructions
 * per body, since kvm_pvm emulates CPL 0 in software.
 *
 * kvm_pvm runs only 64-bit user code natively; compatibility-mode code goes
 * through KVM's instruction emulator (~6 us per instruction, and it turns
 * INT3 into #UD). So a test that runs many bodies is a 64-bit program: 64-bit
 * C built into a position-independent blob that the 32-bit image carries
 * (lib/user64-blob.S, user64.ld, meson.build) and user_call64() runs at
 * CPL 3. user_run(), user_regs_init() and the helpers below exist in both
 * worlds (user-run.c is built for both). Compatibility-mode bodies run under
 * kvm_pvm in that emulator too, not on the CPU: no oracle there.
 * README.md, "The user-mode harness", has the whole list of what kvm_pvm
 * allows.
 *
 * RFLAGS: bodies run with IF=1, IOPL=0, AC=0; TF, RF, NT and VM clear; the
 * arithmetic flags, DF and ID are as *regs says. kvm_pvm cannot give user
 * mode an IOPL (CLI/STI fault at CPL 3 whatever IOPL says), and with AC=1 it
 * raises #AC on misaligned accesses although CR0.AM is clear (the host's
 * CR0.AM shows through). Every interrupt source is masked at the PIC, so
 * IF=1 lets nothing in, and the value PUSHF reads is the same on every
 * accelerator. IN/OUT at CPL 3 reach COM1 (0x3f8-0x3ff) and isa-debug-exit
 * (0xf4-0xf7) through the TSS I/O bitmap; every other port raises #GP.
 *
 * Memory: the low 1 GiB is identity-mapped with 2 MiB pages, all user
 * accessible (U/S=1), so a body can reach the harness too: keep its memory
 * operands in the data page. USER_UNMAPPED_ADDR is the first unmapped byte.
 */
#ifndef USER_H
#define USER_H

/* Fixed addresses, below the EBDA and clear of the Multiboot information
 * at 0x9000: the same for every build, so bodies and generators can name
 * them. */
#define USER_TRAP_STACK_TOP 0x11000      /* TSS RSP0 */
#define USER_IST_STACK_TOP 0x12000       /* TSS IST1: #DF, NMI, #MC */
#define USER_HARNESS_STACK_TOP 0x20000   /* the CPL 3 harness (user_call) */
#define USER_CODE_ADDR 0x20000
#define USER_CODE_SIZE 0x10000
#define USER_DATA_ADDR 0x30000
#define USER_DATA_SIZE 0x1000
#define USER_STACK_TOP 0x32000           /* one page below it */
#define USER_UNMAPPED_ADDR 0x40000000    /* past the identity map */

/* Selectors: the user ones sit where Linux has them (SDM 5.8.8 SYSRET
 * layout), so that kvm_pvm, which runs user mode on the host's own
 * descriptor table, loads the same kind of segment for them. */
#define USER_K32_CS 0x08
#define USER_K_DS 0x10
#define USER_K64_CS 0x18
#define USER_U32_CS 0x23
#define USER_U_DS 0x2b
#define USER_U64_CS 0x33
#define USER_TSS_SEL 0x40

#define USER_MODE_64 0
#define USER_MODE_32 1

/* UserRegs.gpr[] indexes, in the order of the instruction encoding */
#define UR_RAX 0
#define UR_RCX 1
#define UR_RDX 2
#define UR_RBX 3
#define UR_RSP 4
#define UR_RBP 5
#define UR_RSI 6
#define UR_RDI 7
#define UR_R8 8
#define UR_R9 9
#define UR_R10 10
#define UR_R11 11
#define UR_R12 12
#define UR_R13 13
#define UR_R14 14
#define UR_R15 15

/* Offsets in UserRegs, for long.S */
#define UR_OFF_GPR 0
#define UR_OFF_RIP 128
#define UR_OFF_RFLAGS 136
#define UR_OFF_VECTOR 144
#define UR_OFF_ERROR 152
#define UR_OFF_CR2 160
#define UR_OFF_CS 168
#define UR_OFF_SS 176
#define UR_OFF_MODE 184
#define UR_OFF_FX 192
#define UR_SIZE 704

/* RFLAGS bits (SDM vol. 1, 3.4.3) */
#define RFLAGS_CF 0x0001u
#define RFLAGS_FIXED1 0x0002u
#define RFLAGS_PF 0x0004u
#define RFLAGS_AF 0x0010u
#define RFLAGS_ZF 0x0040u
#define RFLAGS_SF 0x0080u
#define RFLAGS_TF 0x0100u
#define RFLAGS_IF 0x0200u
#define RFLAGS_DF 0x0400u
#define RFLAGS_OF 0x0800u
#define RFLAGS_AC 0x40000u
#define RFLAGS_ID 0x200000u
#define RFLAGS_STATUS (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)
/* What a body may ask for; the rest is fixed (see above). */
#define USER_RFLAGS_SETTABLE (RFLAGS_STATUS | RFLAGS_DF | RFLAGS_ID)
#define USER_RFLAGS_FIXED (RFLAGS_FIXED1 | RFLAGS_IF)

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifndef __x86_64__
#include "guest.h"
#endif

/* FXSAVE image (SDM vol. 1, table 10-2, 64-bit format) */
#define FX_FCW 0
#define FX_FSW 2
#define FX_FTW 4      /* abridged: one bit per register, 1 = valid */
#define FX_MXCSR 24
#define FX_ST(i) (32 + 16 * (i))
#define FX_XMM(i) (160 + 16 * (i))
#define FX_FCW_DEFAULT 0x037f   /* FNINIT */
#define FX_MXCSR_DEFAULT 0x1f80 /* power-up: all exceptions masked */

typedef struct UserRegs {
    uint64_t gpr[16];    /* RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 (UR_*) */
    uint64_t rip;        /* out: RIP pushed by the exception */
    uint64_t rflags;     /* in: see USER_RFLAGS_SETTABLE; out: as pushed */
    uint64_t vector;     /* out */
    uint64_t error_code; /* out: 0 for vectors without one */
    uint64_t cr2;        /* out: the faulting address after #PF */
    uint64_t cs, ss;     /* out */
    uint64_t mode;       /* in: USER_MODE_64 or USER_MODE_32 */
    uint8_t fx[512];     /* in/out: FXSAVE image (x87, MXCSR, XMM0-15) */
} __attribute__((aligned(16))) UserRegs;

/* Where user_run() finds the harness's entry, for the caller's mode: in
 * 32-bit code the harness's own symbols; in a 64-bit program (below) the
 * ones user_call64() handed it. */
typedef struct UserEnv {
    uint64_t frame;     /* UserRegs: the body's state, in and out */
    uint64_t body_jump; /* uint64_t: where the entry jumps into the body */
    uint64_t enter;     /* void (*)(void): run the body in frame */
    uint64_t enter32;   /* body_jump for compatibility-mode bodies */
} UserEnv;
extern const UserEnv *user_env;

#ifndef __x86_64__
/* Long mode: page tables, GDT, TSS, IDT; returns at CPL 0 in compatibility
 * mode. From here on exceptions go to this harness's IDT, not to the
 * runtime's set_handler(). Idempotent. */
void user_init(void);

/* Run fn(arg) at CPL 3 in compatibility mode on the harness stack, back at
 * CPL 0 when it returns. printf/check work inside; exit_test() does not
 * (its CLI faults at CPL 3): return instead. An unexpected exception in
 * fn is reported as a failure and ends the test. Under kvm_pvm,
 * compatibility-mode code runs in KVM's instruction emulator, slowly:
 * for anything that loops, use a 64-bit program and user_call64(). */
void user_call(void (*fn)(void *), void *arg);

/* Run a 64-bit program at CPL 3 in 64-bit mode: blob is a position-
 * independent image built from 64-bit C (user64-blob.S, meson.build) that
 * starts with user64_start(); returns what its user64_main(arg) returned. */
int user_call64(const void *blob, void *arg);
#else
/* The 64-bit program's main, called by user64_start() at CPL 3. */
int user64_main(void *arg);
#endif

/* Registers for a body: GPRs 0, RSP = USER_STACK_TOP, RFLAGS = IF only,
 * x87 as after FNINIT, MXCSR 0x1f80, XMM 0, 64-bit mode. */
void user_regs_init(UserRegs *r);

/* Run len bytes of code at USER_CODE_ADDR at CPL 3 (only from inside
 * user_call or user_call64) until it raises an exception; returns the
 * vector, or -1 if the body is too large or this is not called at CPL 3. */
int user_run(const void *code, size_t len, UserRegs *regs);

/* True for the exceptions that push an error code (SDM vol. 3A, 6.13). */
bool user_vector_has_error(unsigned vector);
/* "#DE", "#PF", ... */
const char *user_vector_name(unsigned vector);

/* Bulk copy/fill (the runtime has no libc; rep movsb/stosb). */
void user_copy(void *dst, const void *src, size_t n);
void user_fill(void *dst, uint8_t v, size_t n);

#define USER_DATA ((volatile uint8_t *)USER_DATA_ADDR)

#endif /* __ASSEMBLER__ */
#endif
