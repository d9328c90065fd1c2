/*
 * The CPU instruction tests (tests/guest/insn-*.c): 64-bit programs that run
 * instruction bodies at CPL 3 through the user-mode harness (user.h) and
 * print, for each body, the state it ended in. Under kvm_pvm the bodies run
 * on the host CPU, so the runner's comparison of the kvm and tcg outputs
 * line by line checks the translator against real hardware.
 *
 * Each test is one file, compiled as a 64-bit program (user64_main() and the
 * bodies) and carried by lib/insn-boot.c, the 32-bit image's test_main(),
 * which also sets up what the fault tests need (insn_boot below).
 *
 * One line per body, only what changed:
 *
 *     NAME: VEC+OFF [e=ERR] [cr2=ADDR] f=RFLAGS [REG=VAL...] [[ADDR]=VAL...]
 *           [xN=HI_LO...] [mxcsr=V] [fcw=V fsw=V ftw=V] [stN=EXP:MANT...]
 *
 * VEC is the exception that ended the body (BP: it ran to its INT3) and OFF
 * the RIP it left, from the start of the body; RFLAGS has the flags the SDM
 * calls undefined for the instruction masked out (the caller names them);
 * registers, data-page and stack-page qwords, XMM registers and x87 state
 * appear only where they differ from what the body started with.
 */
#ifndef INSN_H
#define INSN_H

#include "user.h"

/* A 2 MiB window of 4 KiB pages with assorted attributes, set up by
 * insn-boot.c in the identity map's last 2 MiB (PD entry 511): what the
 * fault and string tests need besides the harness's all-user map. */
#define INSN_WIN_ADDR 0x3fe00000ull
#define INSN_WIN_PAGE(n) (INSN_WIN_ADDR + 0x1000ull * (n))
/* Pages in pairs, so that an access can run from a good page into a bad
 * one: */
#define INSN_PG_RW 0         /* user, read/write */
#define INSN_PG_NP 1         /* not present */
#define INSN_PG_RW_RO 2      /* user, read/write, before... */
#define INSN_PG_RO 3         /* user, read-only */
#define INSN_PG_RW_SUP 4     /* user, read/write, before... */
#define INSN_PG_SUP 5        /* supervisor, read/write (its first qword INSN_SUP_MAGIC) */
#define INSN_PG_RW_NX 6      /* user, read/write, before... */
#define INSN_PG_NX 7         /* user, read/write, execute-disable */
#define INSN_PG_RW2 8        /* user, read/write, two pages in a row */
#define INSN_PG_RW3 9
#define INSN_PG_NP2 10       /* not present, after the pair */
#define INSN_PG_UNASSIGNED 11 /* user, read/write, a physical address with nothing there */
#define INSN_PG_ALIAS_RW 12  /* user, read/write: the same physical page as INSN_PG_RW */
#define INSN_PG_ALIAS_CODE 13 /* user, read/write: the physical page of USER_CODE_ADDR */
#define INSN_PG_COUNT 14
/* Where INSN_PG_UNASSIGNED points: above the RAM of -m 64, below the PCI
 * hole's devices, where an i440FX PC decodes nothing. */
#define INSN_UNASSIGNED_PHYS 0x20000000u
/* The word the supervisor page starts with (written at CPL 0). */
#define INSN_SUP_MAGIC 0x5a5a5a5aa5a5a5a5ull

/* What insn-boot.c hands the program. */
typedef struct InsnBoot {
    uint32_t verbose;   /* "verbose" on the command line */
    uint32_t reserved;
} InsnBoot;

#ifdef __x86_64__

#include <stdarg.h>

/* A body: instructions assembled into .rodata after their length, copied
 * to USER_CODE_ADDR by user_run(). It ends where it raises an exception;
 * one that runs off its end hits the harness's INT3 fence right after it.
 * Bodies are handed around by pointer: a 64-bit program is position-
 * independent and has no relocations, so no static table may hold an
 * address (link-user64.sh checks). */
typedef struct InsnCode {
    uint32_t len;
    uint8_t code[];
} InsnCode;
#define INSN_BODY(name, text)                                                                      \
    extern const InsnCode name;                                                                    \
    __asm__(".pushsection .rodata\n.balign 4\n" #name ":\n.long " #name "_e - " #name "_s\n" #name  \
            "_s:\n" text "\n" #name "_e:\n.popsection\n")

/* A table of bodies for loops: "name" is a list of body names separated
 * by commas; the table holds their offsets from itself, which need no
 * relocation, and insn_at() turns an entry back into a body. (An array of
 * pointers initialised with addresses would need one, which the flat
 * image cannot have.) */
#define INSN_TABLE(name, list)                                                                     \
    extern const int32_t name[];                                                                   \
    __asm__(".pushsection .rodata\n.balign 4\n" #name ":\n.irp b," list "\n.long \\b - " #name   \
            "\n.endr\n.popsection\n")
static inline const InsnCode *insn_at(const int32_t *table, unsigned i)
{
    return (const InsnCode *)((const char *)table + table[i]);
}

/* A copy of a body whose last byte, an imm8, is replaced: one body for
 * every immediate. The copy lasts until the next call. */
const InsnCode *insn_with_imm8(const InsnCode *body, uint8_t imm);

/* Exception vectors (SDM vol. 3A, table 6-1) */
#define VEC_DE 0
#define VEC_DB 1
#define VEC_BP 3
#define VEC_OF 4
#define VEC_UD 6
#define VEC_NM 7
#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MF 16
#define VEC_AC 17
#define VEC_XM 19

/* Undefined-flag masks for insn_run() */
#define F_CF RFLAGS_CF
#define F_PF RFLAGS_PF
#define F_AF RFLAGS_AF
#define F_ZF RFLAGS_ZF
#define F_SF RFLAGS_SF
#define F_OF RFLAGS_OF
#define F_NONE 0
#define F_ALL (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)
/* The undefined flags are masked only when the body ran to its end (#BP):
 * one that faults leaves them as they were. With this bit, always (an
 * earlier instruction of the body left them undefined). */
#define INSN_UNDEF_ALWAYS (1ull << 63)

extern const InsnBoot *insn_boot;
extern int insn_failures;

/* Registers as user_regs_init() leaves them, the data page and the user
 * stack page filled with a fixed pattern. */
void insn_init(UserRegs *r);
/* Run a body from *r and print its line, named by fmt; *r then holds the
 * state it ended in. Returns the vector. */
int insn_run(const InsnCode *body, UserRegs *r, uint64_t undef, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int insn_vrun(const InsnCode *body, UserRegs *r, uint64_t undef, const char *fmt, va_list ap);

/* Groups of cases. Serial output is slow (COM1 at 115200 baud, about
 * 11 KiB/s, as mimic models the line rate), so inside a group each case
 * adds to the group's hash and prints only a one-hex-digit digest of its
 * line; insn_group_end() prints "NAME: N cases, hash H" and the digests,
 * 64 per line ("  NAME #FIRST: ..."), so a difference between two runs
 * most likely names the case (the hash catches the rest). With "verbose" on the kernel command line (-append
 * verbose) every case prints its whole line instead, numbered. Outside a
 * group every case prints its line. */
void insn_group(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void insn_group_end(void);
/* A result line of the test's own (no newline), as a case of the group. */
void insn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* FSW bits the next insn_run() leaves out (the x87 condition codes an
 * instruction leaves undefined); cleared by it. */
extern uint16_t insn_fsw_undef;

/* Output over COM1 (the I/O bitmap lets CPL 3 at it): %s %c %d %u %x %X,
 * l/ll/z, width, '0' and '-'. */
void insn_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int insn_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int insn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* "ok   - what" or "FAIL - what", counted in insn_failures (the runtime's
 * check() format, so the runner reads them the same way). */
bool insn_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool insn_check_eq(uint64_t got, uint64_t want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* FXSAVE image fields */
uint64_t insn_fx64(const UserRegs *r, unsigned off);
void insn_fx_set64(UserRegs *r, unsigned off, uint64_t v);
uint16_t insn_fx16(const UserRegs *r, unsigned off);
void insn_fx_set16(UserRegs *r, unsigned off, uint16_t v);
void insn_set_xmm(UserRegs *r, unsigned i, uint64_t hi, uint64_t lo);
void insn_set_mxcsr(UserRegs *r, uint32_t mxcsr);

/* Data-page access for setting up operands */
#define INSN_MEM64(off) (*(volatile uint64_t *)(uintptr_t)(USER_DATA_ADDR + (off)))
#define INSN_MEM32(off) (*(volatile uint32_t *)(uintptr_t)(USER_DATA_ADDR + (off)))
#define INSN_MEM16(off) (*(volatile uint16_t *)(uintptr_t)(USER_DATA_ADDR + (off)))
#define INSN_MEM8(off) (*(volatile uint8_t *)(uintptr_t)(USER_DATA_ADDR + (off)))

/* Each test's own entry, called by user64_main() in insn64.c; returns
 * nothing, failures go through insn_check. */
void insn_main(void);

#endif /* __x86_64__ */
#endif
