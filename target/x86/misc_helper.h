/*
 * System instructions: control and debug registers, MSRs, CPUID, time
 * stamp counter, HLT, port I/O with its permission checks, descriptor-table
 * registers and cache/TLB control (Intel SDM vol. 3A, 2.5 "Control
 * Registers", 2.8 "System Instruction Summary", 4.10.4 TLB invalidation,
 * 17.17 "Time-Stamp Counter", vol. 1 19.5 "I/O Permission Bit Map",
 * vol. 4 MSR tables; vol. 2 pseudo-code of each instruction).
 *
 * Conventions for the translator: register numbers are the ModRM.reg value
 * (CR0-CR15, DR0-DR7); helpers that read or write general registers
 * (rdmsr, wrmsr, cpuid, rdtsc, rdtscp) use env->regs directly and fault
 * before writing anything. After helper_write_cr, helper_lmsw, helper_clts
 * and helper_wrmsr the block must end (paging mode, hflags or the TLB may
 * have changed). helper_hlt leaves the block itself (cpu_loop_exit).
 *
 * Time-stamp counter: TSC = clock_ns() * X86_TSC_HZ / 1e9 + offset, at a
 * fixed X86_TSC_HZ. tcg keeps the offset in env->tsc (a WRMSR to the TSC
 * sets it so the counter reads the written value at that moment); the TSC
 * thus counts from the machine's creation, not from the last reset.
 */
#ifndef TARGET_X86_MISC_HELPER_H
#define TARGET_X86_MISC_HELPER_H

#include <stdint.h>

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"

#include "target/x86/cpu-model.h"

/* 2 GHz: what CPUID leaf 0x15 reports (crystal x ratio). */
#define X86_TSC_HZ ((uint64_t)X86_CRYSTAL_HZ * X86_TSC_PER_CRYSTAL)

/* CR4 bits beyond cpu.h's list (2.5); mimic64 advertises exactly these. */
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_MCE (1u << 6)
#define CR4_PCE (1u << 8)

/* MSR indexes (SDM vol. 4, table 2-2). */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_ARCH_CAPABILITIES 0x10a
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_PHYSBASE0 0x200 /* base/mask pairs 0x200-0x20f */
#define MSR_IA32_MTRR_FIX64K_00000 0x250
#define MSR_IA32_MTRR_FIX16K_80000 0x258
#define MSR_IA32_MTRR_FIX16K_A0000 0x259
#define MSR_IA32_MTRR_FIX4K_C0000 0x268 /* 0x268-0x26f */
#define MSR_IA32_PAT 0x277
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* MOV CRn, reg / MOV reg, CRn (CR0, CR2, CR3, CR4, CR8; others #UD). */
uint64_t helper_write_cr(X86CPU *cpu, uint64_t reg, uint64_t value);
uint64_t helper_read_cr(X86CPU *cpu, uint64_t reg);
/* MOV DRn (stored and read back; DR7 breakpoints are not implemented:
 * no #DB is ever raised from DR0-DR3). DR4/DR5 alias DR6/DR7 unless
 * CR4.DE (then #UD). */
uint64_t helper_write_dr(X86CPU *cpu, uint64_t reg, uint64_t value);
uint64_t helper_read_dr(X86CPU *cpu, uint64_t reg);
/* RDMSR / WRMSR: ECX selects, EDX:EAX is the value. Unknown MSR: #GP(0). */
uint64_t helper_rdmsr(X86CPU *cpu);
uint64_t helper_wrmsr(X86CPU *cpu);
/* CPUID: EAX (and ECX) in, EAX/EBX/ECX/EDX out. */
uint64_t helper_cpuid(X86CPU *cpu);
/* RDTSC / RDTSCP (#GP(0) at CPL > 0 with CR4.TSD); RDTSCP sets ECX = TSC_AUX. */
uint64_t helper_rdtsc(X86CPU *cpu);
uint64_t helper_rdtscp(X86CPU *cpu);

/* The TSC as the guest would read it now (also for the lead's APIC timer). */
uint64_t x86_tsc_read(X86CPU *cpu);
/* HLT: #GP(0) at CPL > 0; otherwise halted, rip = next_rip, leaves the block. */
uint64_t helper_hlt(X86CPU *cpu, uint64_t next_rip);
/* I/O permission check (protected mode with CPL > IOPL, or V86): the TSS
 * I/O bitmap must allow ports port..port+size-1, else #GP(0). For INS/OUTS. */
uint64_t helper_check_io(X86CPU *cpu, uint64_t port, uint64_t size);
/* IN / OUT: the check above, then the device access (size 1, 2 or 4). */
uint64_t helper_in(X86CPU *cpu, uint64_t port, uint64_t size);

/* string_helper.c: REP STOS / REP MOVS over pages the TLB maps as RAM, in
 * 64-bit mode with a 64-bit address size; they stop wherever the
 * one-element path must take over (and do nothing with DF = 1). */
uint64_t helper_rep_stos_fast(X86CPU *cpu, uint64_t size, uint64_t mmu_idx);
uint64_t helper_rep_movs_fast(X86CPU *cpu, uint64_t size, uint64_t src_seg, uint64_t mmu_idx);
uint64_t helper_out(X86CPU *cpu, uint64_t port, uint64_t value, uint64_t size);
/* LGDT / LIDT from linear address addr (limit16, then base 24/32/64 bits
 * for opsize 2/4/8); CPL 0. SGDT / SIDT store them (base 32 bits unless
 * opsize 8), at any CPL. */
uint64_t helper_lgdt(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_lidt(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_sgdt(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_sidt(X86CPU *cpu, uint64_t addr, uint64_t opsize);
/* SLDT / STR (protected mode: #UD in real and V86 mode): the selector. */
uint64_t helper_sldt(X86CPU *cpu);
uint64_t helper_str(X86CPU *cpu);
/* SMSW: CR0 (the translator truncates to the destination); LMSW: CR0 bits
 * 3:0 (PE can be set, not cleared); CLTS: CR0.TS = 0. CPL 0 for the last two. */
uint64_t helper_smsw(X86CPU *cpu);
uint64_t helper_lmsw(X86CPU *cpu, uint64_t value);
uint64_t helper_clts(X86CPU *cpu);
/* INVLPG linear address; WBINVD / INVD (no caches modelled: only CPL 0). */
uint64_t helper_invlpg(X86CPU *cpu, uint64_t addr);
uint64_t helper_wbinvd(X86CPU *cpu);

#endif
