/*
 * What the tcg accelerator offers the x86 target's helpers (target/x86/):
 * raising guest exceptions, guest memory through the softmmu TLB, and TLB
 * maintenance. A helper runs on the vCPU thread without the BQL; device
 * access (port I/O, MMIO) takes it inside these functions.
 */
#ifndef ACCEL_TCG_EXEC_H
#define ACCEL_TCG_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/ir.h"
#include "target/x86/cpu.h"

/* MMU indexes: which privilege a memory access is checked with. Implicit
 * supervisor accesses made while CPL is 3 (descriptor tables, the TSS,
 * the interrupt stack frame on a privilege change) use MMU_KERNEL. */
enum { MMU_KERNEL = 0, MMU_USER = 1, MMU_COUNT = 2 };

static inline int x86_mmu_index(const X86CPUState *env)
{
    return (env->hflags & HF_CPL_MASK) == 3 ? MMU_USER : MMU_KERNEL;
}

/*
 * Raise a guest exception (vector 0-31) or software interrupt from a helper
 * or from the TLB: records it in env (exception_*) and unwinds to the CPU
 * loop, which restores rIP and cc_op of the faulting instruction (from its
 * ir_insn_start) and then delivers it with x86_do_interrupt().
 */
_Noreturn void cpu_raise_exception(X86CPU *cpu, int vector);
_Noreturn void cpu_raise_exception_err(X86CPU *cpu, int vector, uint32_t error_code);
/* INT n / INT3 / INTO: delivered as software interrupts; next_rip is pushed. */
_Noreturn void cpu_raise_soft_interrupt(X86CPU *cpu, int vector, uint64_t next_rip);
/* Leave the current block at once with env already describing the next
 * instruction (HLT, a mode change made by a helper, a pending request). */
_Noreturn void cpu_loop_exit(X86CPU *cpu);

/* x86 bits in the MemOp of a guest load or store (above MO_SIGN), for the
 * slow path:
 *  MO_X86_SS: an access through SS; in 64-bit mode a non-canonical address
 *    (any byte of it) raises #SS(0) instead of #GP(0) (SDM vol. 3A 6.15);
 *  MO_X86_RMW: the load of a read-modify-write destination; the page is
 *    checked for writing before the read, so a fault is reported as a write
 *    (as Intel parts do). */
#define MO_X86_SS 8
#define MO_X86_RMW 16

/* Guest memory at a linear address, as the guest would access it (page
 * faults raised as #PF with CR2 set). Accesses crossing a page are split. */
uint64_t cpu_ld(X86CPU *cpu, uint64_t addr, MemOp op, int mmu_idx);
void cpu_st(X86CPU *cpu, uint64_t addr, uint64_t value, MemOp op, int mmu_idx);

/* Guest physical memory (page tables): RAM or MMIO, no translation. */
uint64_t cpu_phys_ld(X86CPU *cpu, uint64_t paddr, MemOp op);
void cpu_phys_st(X86CPU *cpu, uint64_t paddr, uint64_t value, MemOp op);

/* Port I/O (IN/OUT, string I/O): takes the BQL around the device access. */
uint64_t cpu_io_read(X86CPU *cpu, uint16_t port, unsigned size);
void cpu_io_write(X86CPU *cpu, uint16_t port, uint64_t value, unsigned size);

/* TLB maintenance: CR3 writes and paging-mode changes flush (global pages
 * kept unless all is set); INVLPG flushes one page. */
void tlb_flush(X86CPU *cpu, bool all);
void tlb_flush_page(X86CPU *cpu, uint64_t addr);

/* The guest changed hflags-relevant state from a helper: recompute hflags
 * (target/x86) and make the CPU loop look the next block up afresh. */
void x86_update_hflags(X86CPUState *env);

/*
 * Provided by target/x86 for the CPU loop:
 *  x86_translate(): linear -> physical for the TLB (paging.c);
 *  x86_do_interrupt(): deliver env->exception_* (or an external interrupt)
 *    through the IVT/IDT, with privilege and stack switches (excp_helper.c);
 *  x86_cpu_sync_eflags()/x86_cpu_load_eflags(): fold lazy flags into
 *    env->rflags and back (cc_helper.c);
 *  x86_translate_block(): guest code -> IR (translate.c).
 */
/*
 * The translator's instruction fetch: copy up to len code bytes at linear
 * addr (CS base + rIP) into buf, checking execute permission, and note the
 * pages the block covers (writes to them invalidate it). Returns how many
 * bytes could be fetched. When the first byte of the block's first
 * instruction cannot be fetched, it raises the fault (#PF) instead, because
 * nothing has run yet; when a later byte cannot, the translator ends the
 * block before that instruction, so the fault is raised when it is the
 * first instruction of a block. first_insn says which case applies.
 */
size_t translator_fetch(X86CPU *cpu, uint64_t addr, uint8_t *buf, size_t len, bool first_insn);

/* target/x86/translate.c: translate the block at CS base + rIP = pc into the
 * current IR block (ir_block_current()); at most max_insns instructions.
 * Returns the guest bytes it covers. */
uint64_t x86_translate_block(X86CPU *cpu, uint64_t pc, uint64_t cs_base, uint32_t hflags,
                             int max_insns);

typedef enum X86Access { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 } X86Access;
#define PAGE_READ 1
#define PAGE_WRITE 2
#define PAGE_EXEC 4
bool x86_translate(X86CPU *cpu, uint64_t vaddr, X86Access access, int mmu_idx, uint64_t *paddr,
                   int *prot, uint64_t *page_size, uint32_t *pf_error);
void x86_do_interrupt(X86CPU *cpu, int vector, bool is_hw, bool is_soft, bool has_error,
                      uint32_t error_code, uint64_t next_rip);
void x86_cpu_sync_eflags(X86CPUState *env);
void x86_cpu_load_eflags(X86CPUState *env, uint64_t rflags, uint64_t update_mask);

#endif
