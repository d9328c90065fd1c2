/*
 * Integer helpers of the translator (int_helper.c): the single-step trap,
 * the interrupt shadow, division, rotate-through-carry, bit scans, BCD adjust.
 * Calling convention: accel/tcg/ir.h (the CPU and up to five 64-bit
 * arguments, a 64-bit result).
 */
#ifndef TARGET_X86_INT_HELPER_H
#define TARGET_X86_INT_HELPER_H

#include <stdint.h>

#include "target/x86/cpu.h"

/* The single-step trap after an instruction run with RFLAGS.TF: DR6.BS and
 * #DB. The translator puts the next instruction's insn_start before it. */
uint64_t helper_single_step(X86CPU *cpu);
/* The same trap where the next rIP is known only at run time (env->rip
 * already holds it, after an indirect branch or a far transfer): the #DB is
 * delivered from here and the block then returns to the CPU loop. */
uint64_t helper_single_step_env(X86CPU *cpu);
/* Open the one-instruction interrupt shadow of STI / MOV SS / POP SS. */
uint64_t helper_set_inhibit_irq(X86CPU *cpu);

/* DIV/IDIV of rDX:rAX (AX for bytes) by divisor, size 1/2/4/8: writes
 * quotient and remainder to env->regs or raises #DE (nothing written). */
uint64_t helper_div(X86CPU *cpu, uint64_t size, uint64_t divisor);
uint64_t helper_idiv(X86CPU *cpu, uint64_t size, uint64_t divisor);

/* RCL/RCR of a size-byte value by count (already masked to 5/6 bits), with
 * eflags the flags before: the result, and the flags after. */
uint64_t helper_rcl(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags, uint64_t size);
uint64_t helper_rcr(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags, uint64_t size);
uint64_t helper_rcl_eflags(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags,
                           uint64_t size);
uint64_t helper_rcr_eflags(X86CPU *cpu, uint64_t val, uint64_t count, uint64_t eflags,
                           uint64_t size);

/* Index of the lowest / highest set bit of a nonzero value; population count. */
uint64_t helper_bsf(X86CPU *cpu, uint64_t v);
uint64_t helper_bsr(X86CPU *cpu, uint64_t v);
uint64_t helper_popcnt(X86CPU *cpu, uint64_t v);

/* CRC32 (SSE4.2): the CRC-32C of the low size bytes of data, continuing crc. */
uint64_t helper_crc32(X86CPU *cpu, uint64_t crc, uint64_t data, uint64_t size);

/* DAA/DAS/AAA/AAS on AX with the flags before: returns flags << 16 | new AX. */
uint64_t helper_daa(X86CPU *cpu, uint64_t ax, uint64_t eflags);
uint64_t helper_das(X86CPU *cpu, uint64_t ax, uint64_t eflags);
uint64_t helper_aaa(X86CPU *cpu, uint64_t ax, uint64_t eflags);
uint64_t helper_aas(X86CPU *cpu, uint64_t ax, uint64_t eflags);

#endif
