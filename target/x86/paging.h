/*
 * x86 paging: linear -> physical translation for the tcg softmmu TLB
 * (Intel SDM vol. 3A, chapter 4 "Paging"): no paging, 32-bit paging with
 * 4 MiB PSE(-36) pages, PAE paging, 4-level paging with 2 MiB and 1 GiB pages.
 *
 * x86_translate() itself is declared in accel/tcg/exec.h; this header adds
 * the paging-structure bits and the extra prot bit the TLB honours.
 */
#ifndef TARGET_X86_PAGING_H
#define TARGET_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"

/*
 * Extra bit in x86_translate()'s *prot (beside PAGE_READ/WRITE/EXEC): the
 * leaf entry is global (G=1 with CR4.PGE), so tlb_flush(cpu, false) keeps it.
 */
#define PAGE_GLOBAL 8

/* Paging-structure entry bits (tables 4-4 .. 4-20). */
#define PG_P (1ull << 0)
#define PG_RW (1ull << 1)
#define PG_US (1ull << 2)
#define PG_PWT (1ull << 3)
#define PG_PCD (1ull << 4)
#define PG_A (1ull << 5)
#define PG_D (1ull << 6)
#define PG_PS (1ull << 7)  /* in a PDE/PDPTE: maps a large page */
#define PG_G (1ull << 8)
#define PG_PAT_LARGE (1ull << 12) /* PAT bit of a 2M/4M/1G page */
#define PG_XD (1ull << 63)

/*
 * Contract of x86_translate(cpu, vaddr, access, mmu_idx, &paddr, &prot,
 * &page_size, &pf_error):
 *  - mmu_idx MMU_USER checks the access as a user-mode (CPL 3) access,
 *    MMU_KERNEL as a supervisor one (which may touch user pages: mimic
 *    advertises neither SMEP nor SMAP);
 *  - on success returns true, *paddr = the physical address of vaddr
 *    itself, *page_size = 4 KiB, 2 MiB, 4 MiB or 1 GiB (the mapping's size;
 *    the physical page is aligned to it), *prot = PAGE_READ plus PAGE_WRITE
 *    if a write through this mmu_idx would now succeed without changing the
 *    entry (the dirty bit is already set, or this access was the write that
 *    set it), PAGE_EXEC unless XD, PAGE_GLOBAL for a global leaf;
 *    accessed/dirty bits are written back (cpu_phys_st) only when they change;
 *  - on failure returns false and *pf_error is the #PF error code (P, W,
 *    U, RSVD, I/D); the caller sets CR2 = vaddr and raises #PF. In 4-level
 *    paging a non-canonical vaddr returns false with PF_ERR_NONCANON: the
 *    caller raises #GP(0) instead.
 * With CR0.PG = 0 it is the identity (truncated to 32 bits unless long mode
 * is active), all access allowed, page size 4 KiB.
 * PAE paging reads the four PDPTEs at walk time instead of caching them at
 * MOV CR3; a reserved bit in a PDPTE is thus a #PF (RSVD) at the access
 * rather than a #GP at MOV CR3.
 */

/* The walk without permission checks or accessed/dirty writes, for the
 * gdbstub and monitor: false if vaddr is not mapped. */
bool x86_translate_debug(X86CPU *cpu, uint64_t vaddr, uint64_t *paddr);

#endif
