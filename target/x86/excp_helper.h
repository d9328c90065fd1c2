/*
 * Exception and interrupt delivery and IRET (Intel SDM vol. 3A, chapter 6
 * "Interrupt and Exception Handling": 6.12 protected-mode delivery, 6.14
 * IA-32e mode, 6.15 #DF rules (table 6-5); vol. 3A 20.1.4 real-address
 * mode; vol. 2A INT n/INTO/INT3/INT1 and IRET pseudo-code).
 *
 * x86_do_interrupt() is declared in accel/tcg/exec.h: the CPU loop calls it
 * with env->rip at the faulting instruction (exceptions) or the next one
 * (external interrupts), after x86_cpu_sync_eflags(). It reads the IVT/IDT,
 * GDT/LDT and TSS and pushes the frame before it changes any register, so a
 * fault during delivery (raised from cpu_ld/cpu_st, unwinding to the CPU
 * loop) leaves the state as it was; the loop then calls x86_do_interrupt()
 * again for the new fault, which combines it with the one being delivered
 * (recorded in env->exception_old) into #DF or a triple fault.
 *
 * env->exception_old must be -1 when no delivery is in progress: the CPU
 * loop sets it to -1 when it creates the vCPU and after every reset
 * (x86_cpu_reset() zeroes it, and 0 would read as "#DE being delivered").
 * x86_do_interrupt() sets it to the vector of an exception while it
 * delivers it and back to -1 when the handler is entered.
 *
 * Task gates, task switches and IRET with NT=1 are not implemented:
 * mimic prints a message naming the vector and resets the guest by a triple
 * fault for a task gate in the IDT, and raises #GP for IRET with NT=1 (and
 * far JMP/CALL to a TSS or task gate, in seg_helper.c).
 */
#ifndef TARGET_X86_EXCP_HELPER_H
#define TARGET_X86_EXCP_HELPER_H

#include <stdint.h>

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"

/* Provided by the CPU loop (accel/tcg): shutdown, which on a PC resets the
 * machine. Called when a fault occurs while delivering #DF. */
void x86_triple_fault(X86CPU *cpu);

/*
 * IRET/IRETD/IRETQ with operand size opsize (2, 4 or 8 bytes): real mode,
 * V86 (IOPL 3, else #GP(0)), protected mode to the same or an outer
 * privilege level, protected mode to V86, IA-32e IRET. Sets rip, CS, SS,
 * rSP and rflags (through x86_cpu_load_eflags: the record in cc_* is
 * rewritten, so cc_op is dynamic after the call) and hflags. The block must
 * end after it (env->rip is the new rIP). Returns 0.
 */
uint64_t helper_iret(X86CPU *cpu, uint64_t opsize);

/* Raise an exception from generated code (never returns). */
uint64_t helper_raise_exception(X86CPU *cpu, uint64_t vector);
uint64_t helper_raise_exception_err(X86CPU *cpu, uint64_t vector, uint64_t error_code);
/*
 * INT n (opcode CD): in V86 mode with IOPL < 3, #GP(0) (CR4.VME's
 * redirection is not implemented); otherwise a software interrupt pushing
 * next_rip, with the gate DPL >= CPL check. Never returns.
 */
uint64_t helper_int(X86CPU *cpu, uint64_t vector, uint64_t next_rip);
/* INT3 (CC) and INTO (CE, when OF=1): software interrupts without the V86
 * IOPL check. vector is 3 or 4. Never returns. */
uint64_t helper_raise_interrupt(X86CPU *cpu, uint64_t vector, uint64_t next_rip);

#endif
