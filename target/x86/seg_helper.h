/*
 * Segmentation and privilege: segment register loads, far transfers, the
 * LDT and task registers, LAR/LSL/VERR/VERW, fast system calls and the
 * hflags summary (Intel SDM vol. 3A, chapter 3 "Protected-Mode Memory
 * Management", chapter 5 "Protection", 7.2 "Task Management Data
 * Structures"; vol. 2 pseudo-code of MOV/POP Sreg, JMP, CALL, RET, LLDT,
 * LTR, LAR, LSL, VERR/VERW, SYSCALL, SYSRET, SYSENTER, SYSEXIT, SWAPGS).
 *
 * Conventions for the translator:
 *  - opsize arguments are the instruction's operand size in bytes: 2, 4, 8;
 *  - helpers that transfer control (ljmp, lcall, lret, syscall, sysret,
 *    sysenter, sysexit) set env->rip (and CS, maybe SS/rSP/rflags) and
 *    return 0: the block must end after the call, looking the next block up
 *    from env (CS base, rip and hflags may all have changed). Those that
 *    rewrite rflags (syscall, sysret, sysenter) go through
 *    x86_cpu_load_eflags(): cc_op is dynamic after them;
 *  - helper_load_seg may change hflags (SS: CPL-independent SS32; any of
 *    DS/ES/SS: ADDSEG): outside 64-bit mode the block must end after a load
 *    of DS, ES or SS. The MOV SS / POP SS interrupt shadow is the
 *    translator's;
 *  - checks the translator is expected to make itself are still made here
 *    where the helper depends on them (CPL 0, protected mode), so a helper
 *    is safe to call in any state.
 * CPL is kept in hflags: 0 in real mode, 3 in V86 mode, SS.DPL in
 * protected mode (the SDM's definition, robust across the switch from real
 * mode before CS is reloaded).
 * Task switches (JMP/CALL to a TSS or task gate) are not implemented: they
 * print a message once and raise #GP(selector).
 */
#ifndef TARGET_X86_SEG_HELPER_H
#define TARGET_X86_SEG_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"

/* Descriptor types (table 3-1, 3-2; 64-bit meanings in IA-32e mode). */
#define DESC_TSS16_AVAIL 1
#define DESC_LDT 2
#define DESC_TSS16_BUSY 3
#define DESC_CALL_GATE16 4
#define DESC_TASK_GATE 5
#define DESC_INT_GATE16 6
#define DESC_TRAP_GATE16 7
#define DESC_TSS_AVAIL 9  /* 32-bit, or 64-bit in IA-32e mode */
#define DESC_TSS_BUSY 11
#define DESC_CALL_GATE 12
#define DESC_INT_GATE 14
#define DESC_TRAP_GATE 15
/* Code/data type bits (S = 1) */
#define DESC_A 1        /* accessed */
#define DESC_W 2        /* data: writable */
#define DESC_R 2        /* code: readable */
#define DESC_E 4        /* data: expand-down */
#define DESC_C 4        /* code: conforming */
#define DESC_CODE 8

/* ---- helpers for generated code ---- */

/* MOV Sreg / POP Sreg / LDS..LGS: load seg (R_ES..R_GS, not R_CS) with all
 * the checks of the mode; #GP/#SS/#NP with the selector as error code. */
uint64_t helper_load_seg(X86CPU *cpu, uint64_t seg, uint64_t selector);
/* A data access of size bytes at offset in segment seg (write: nonzero for a
 * store) outside 64-bit mode: the limit, expand-down, null and type checks of
 * SDM vol. 3A 5.3-5.6; #GP(0), or #SS(0) through SS. */
uint64_t helper_seg_check(X86CPU *cpu, uint64_t offset, uint64_t seg, uint64_t size,
                          uint64_t write);
/* The HF_SEGCHK_* class of segment seg for hflags (x86_update_hflags). */
uint32_t x86_seg_check_class(const X86CPUState *env, int seg);
/* Far JMP ptr16:16/32, JMP m16:16/32/64 (offset already truncated to the
 * operand size). next_rip is unused until task switches exist. */
uint64_t helper_ljmp(X86CPU *cpu, uint64_t selector, uint64_t offset, uint64_t next_rip);
/* Far CALL: pushes CS and next_rip with operand size opsize (a call gate
 * decides the size itself), including call gates to more privileged code
 * with the stack switch and parameter copy. */
uint64_t helper_lcall(X86CPU *cpu, uint64_t selector, uint64_t offset, uint64_t opsize,
                      uint64_t next_rip);
/* Far RET [imm16]: pops rIP and CS, releases imm bytes, to the same or an
 * outer privilege level (then pops rSP and SS too). */
uint64_t helper_lret(X86CPU *cpu, uint64_t opsize, uint64_t imm);
/* LLDT / LTR (CPL 0, protected mode; LTR marks the TSS busy). */
uint64_t helper_lldt(X86CPU *cpu, uint64_t selector);
uint64_t helper_ltr(X86CPU *cpu, uint64_t selector);
/*
 * LAR / LSL: the return value carries ZF in bit 32. Bit 32 set: the
 * selector passed the checks, ZF = 1 and the destination gets bits 31:0
 * (LAR: descriptor bits 63:32 & 0x00f0ff00 -- the translator truncates to
 * the operand size; LSL: the byte-granular limit). Bit 32 clear: ZF = 0 and
 * the destination is not written. Other flags are unchanged.
 */
#define LAR_LSL_VALID (1ull << 32)
uint64_t helper_lar(X86CPU *cpu, uint64_t selector);
uint64_t helper_lsl(X86CPU *cpu, uint64_t selector);
/* VERR / VERW: return 1 if the segment is readable / writable at this CPL
 * (ZF = 1), 0 otherwise (ZF = 0). Other flags are unchanged. */
uint64_t helper_verr(X86CPU *cpu, uint64_t selector);
uint64_t helper_verw(X86CPU *cpu, uint64_t selector);
/*
 * SYSCALL / SYSRET as Intel implements them: #UD outside 64-bit mode or
 * with EFER.SCE = 0 (the AMD legacy-mode forms do not exist on Intel).
 * SYSRET with opsize 8 returns to 64-bit mode, with 4 to compatibility mode.
 */
uint64_t helper_syscall(X86CPU *cpu, uint64_t next_rip);
uint64_t helper_sysret(X86CPU *cpu, uint64_t opsize);
/* SYSENTER / SYSEXIT (SYSEXIT with opsize 8 returns to 64-bit mode). */
uint64_t helper_sysenter(X86CPU *cpu);
uint64_t helper_sysexit(X86CPU *cpu, uint64_t opsize);
/* SWAPGS (64-bit mode only: #UD otherwise; CPL 0). */
uint64_t helper_swapgs(X86CPU *cpu);

/* ---- shared with excp_helper.c and misc_helper.c ---- */

/* CPL from the mode and SS as described above (what hflags caches). */
int x86_cpl(const X86CPUState *env);
/* Raw descriptor of selector from the GDT or LDT (its TI bit): false if the
 * selector's index is beyond the table's limit. Reads with MMU_KERNEL. */
bool x86_read_desc(X86CPU *cpu, uint16_t selector, uint32_t *lo, uint32_t *hi);
/* Set the accessed bit of a code/data descriptor in memory if it is clear. */
void x86_set_desc_accessed(X86CPU *cpu, uint16_t selector, uint32_t hi);
/* Decode a code/data descriptor into a segment cache (limit scaled by G). */
void x86_seg_from_desc(SegmentCache *sc, uint16_t selector, uint32_t lo, uint32_t hi);
/* The null selector as loaded in protected mode: unusable, base 0. */
void x86_seg_null(SegmentCache *sc, uint16_t selector);
/* A null SS as 64-bit mode allows it below CPL 3: unusable, DPL = cpl. */
void x86_seg_null_ss(SegmentCache *sc, uint16_t selector, int cpl);
/* Real-mode and V86 segment loads: base = selector << 4 (V86 also sets
 * limit 0xffff and DPL 3 attributes; real mode keeps limit and attributes). */
void x86_seg_load_real(X86CPUState *env, int seg, uint16_t selector);
/* Flat segments of SYSCALL/SYSENTER-style transfers. */
void x86_seg_flat_code(SegmentCache *sc, uint16_t selector, int dpl, bool long_mode);
void x86_seg_flat_data(SegmentCache *sc, uint16_t selector, int dpl);
/* The upper half of a 16-byte system descriptor in IA-32e mode: base
 * bits 63:32 and the dword whose type field must be 0. False if beyond the
 * table limit. */
bool x86_read_desc_upper(X86CPU *cpu, uint16_t selector, uint32_t *base_hi, uint32_t *w3);
/* The inner-level stack pointer from the TSS for privilege level dpl:
 * 16/32-bit TSS (SS:ESP), or 64-bit RSPn / ISTn (ist 1-7) with ss = 0.
 * #TS(TR selector | ext) if the TSS is too short. */
void x86_tss_stack(X86CPU *cpu, int dpl, int ist, uint32_t ext, uint16_t *ss, uint64_t *sp);
/* Check the SS selector for an inner stack switch to privilege dpl:
 * #TS(sel | ext) or #SS(sel | ext); returns the descriptor. */
void x86_check_inner_ss(X86CPU *cpu, uint16_t ss, int dpl, uint32_t ext, uint32_t *lo,
                        uint32_t *hi);

/* Far returns (RET, IRET): check the CS popped (#GP/#NP(cs)) and return
 * its descriptor; check and decode the SS of a return to the outer level
 * rpl (null allowed when returning to 64-bit mode below CPL 3); after such
 * a return, null the data segment registers the new CPL may not use. */
void x86_check_return_cs(X86CPU *cpu, uint16_t cs, uint32_t *lo, uint32_t *hi);
void x86_load_return_ss(X86CPU *cpu, uint16_t ss, int rpl, bool to64, SegmentCache *sc);
void x86_null_inaccessible_segs(X86CPUState *env, int cpl);
/* Print once that a task switch was asked for (not implemented). */
void x86_task_switch_unsupported(X86CPU *cpu, const char *what, uint16_t selector);

/*
 * A stack being pushed to or popped from without touching env until the
 * instruction commits: sp is the working stack pointer, mask selects its
 * width (0xffff, 0xffffffff or all for 64-bit), pushes and pops are checked
 * against the segment limit (#SS(ss_err)) outside 64-bit mode.
 */
typedef struct X86Stack {
    X86CPU *cpu;
    uint64_t base, sp, mask;
    uint32_t limit;
    uint16_t flags;
    bool long64;  /* 64-bit stack: no base, no limit */
    int mmu_idx;
    uint32_t ss_err;
} X86Stack;

/* Stack of SS, rSP as they are now, accessed at the current CPL. */
void x86_stack_current(X86Stack *st, X86CPU *cpu);
/* Stack of segment ss (not yet loaded) at sp. */
void x86_stack_init(X86Stack *st, X86CPU *cpu, const SegmentCache *ss, uint64_t sp, bool long64,
                    int mmu_idx);
void x86_stack_push(X86Stack *st, uint64_t value, unsigned size);
uint64_t x86_stack_pop(X86Stack *st, unsigned size);
/* Read at sp + off without popping. */
uint64_t x86_stack_peek(X86Stack *st, uint64_t off, unsigned size);
/* The new rSP to store: sp merged into the old value under mask. */
uint64_t x86_stack_rsp(const X86Stack *st, uint64_t old_rsp);

#endif
