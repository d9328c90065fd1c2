/*
 * x86 paging for the tcg TLB: the page walk of each paging mode, the
 * access-rights checks and the accessed/dirty updates (Intel SDM vol. 3A,
 * chapter 4: 4.3 32-bit paging, 4.4 PAE paging, 4.5 4-level paging, 4.6
 * access rights, 4.7 page-fault exceptions, 4.8 accessed and dirty flags).
 *
 * The walk is done in two steps: walk() reads the paging-structure entries
 * and finds the leaf (not-present and reserved-bit faults end it early),
 * then x86_translate() applies the access rights of the whole path and
 * writes the accessed and dirty bits back. Accessed/dirty bits are written
 * only for an access that succeeds, so a faulting access leaves the tables
 * as they were. MAXPHYADDR comes from the CPU model (40 bits for mimic64).
 */
#include "target/x86/paging.h"

#include "target/x86/cpu.h"

#define PT_LEVELS_MAX 4

typedef struct PageWalk {
    /* result of the walk */
    uint64_t paddr;      /* physical address of vaddr */
    uint64_t page_size;
    uint64_t leaf;       /* the leaf entry (PTE or large-page PDE/PDPTE) */
    bool rw, us, xd;     /* combined over the path: all RW, all US, any XD */
    uint32_t fault;      /* 0, or PF_ERR_RSVD with PF_ERR_P (reserved bit),
                          * or PF_ERR_NONCANON; not present: fault_np */
    bool fault_np;
    /* the entries of the path, for accessed/dirty write-back */
    int nent;
    uint64_t ent_addr[PT_LEVELS_MAX];
    uint64_t ent_val[PT_LEVELS_MAX];
    bool ent_has_a[PT_LEVELS_MAX]; /* PAE PDPTEs have no accessed bit */
} PageWalk;

static unsigned phys_bits(X86CPU *cpu)
{
    unsigned m = cpu->model && cpu->model->phys_bits ? cpu->model->phys_bits : 40;
    return m > 52 ? 52 : m;
}

/* Bits 51:MAXPHYADDR of an 8-byte entry: reserved (4.4.2, 4.5.4). */
static uint64_t rsvd_addr_bits(X86CPU *cpu)
{
    unsigned m = phys_bits(cpu);
    return ((1ull << 52) - 1) & ~((1ull << m) - 1);
}

static void walk_note(PageWalk *w, uint64_t addr, uint64_t val, bool has_a)
{
    w->ent_addr[w->nent] = addr;
    w->ent_val[w->nent] = val;
    w->ent_has_a[w->nent] = has_a;
    w->nent++;
}

static void walk_combine(PageWalk *w, uint64_t e, bool nxe)
{
    w->rw = w->rw && (e & PG_RW);
    w->us = w->us && (e & PG_US);
    if (nxe && (e & PG_XD)) {
        w->xd = true;
    }
}

/* 32-bit paging (4.3): 4-byte entries, 4 KiB pages and, with CR4.PSE, 4 MiB
 * pages whose PDE bits 20:13 give physical bits 39:32 (PSE-36). */
static void walk_32(X86CPU *cpu, uint32_t va, PageWalk *w)
{
    X86CPUState *env = &cpu->env;
    uint64_t pde_addr = (env->cr3 & 0xfffff000u) + ((va >> 22) & 0x3ff) * 4;
    uint32_t pde = (uint32_t)cpu_phys_ld(cpu, pde_addr, MO_32);
    if (!(pde & PG_P)) {
        w->fault_np = true;
        return;
    }
    walk_note(w, pde_addr, pde, true);
    walk_combine(w, pde, false);
    if ((pde & PG_PS) && (env->cr4 & CR4_PSE)) {
        /* bits 21:(M-19) reserved; with M >= 40 only bit 21 (table 4-5) */
        unsigned m = phys_bits(cpu);
        unsigned hi_bits = m > 40 ? 8 : m - 32;
        uint32_t rsvd = ((1u << 22) - 1) & ~((1u << (13 + hi_bits)) - 1);
        if (pde & rsvd) {
            w->fault = PF_ERR_RSVD | PF_ERR_P;
            return;
        }
        uint64_t hi = ((uint64_t)(pde >> 13) & ((1u << hi_bits) - 1)) << 32;
        w->leaf = pde;
        w->page_size = 4u << 20;
        w->paddr = hi | (pde & 0xffc00000u) | (va & 0x3fffff);
        return;
    }
    uint64_t pte_addr = (pde & 0xfffff000u) + ((va >> 12) & 0x3ff) * 4;
    uint32_t pte = (uint32_t)cpu_phys_ld(cpu, pte_addr, MO_32);
    if (!(pte & PG_P)) {
        w->fault_np = true;
        return;
    }
    walk_note(w, pte_addr, pte, true);
    walk_combine(w, pte, false);
    w->leaf = pte;
    w->page_size = 4096;
    w->paddr = (pte & 0xfffff000u) | (va & 0xfff);
}

/*
 * PAE (4.4) and 4-level (4.5) paging share 8-byte entries and 512-entry
 * tables. levels is 3 (PAE: PDPT, PD, PT) or 4 (PML4 first). Large pages:
 * PS in a PDPTE (1 GiB, 4-level only) or in a PDE (2 MiB).
 */
static void walk_64(X86CPU *cpu, uint64_t va, int levels, PageWalk *w)
{
    X86CPUState *env = &cpu->env;
    bool nxe = env->efer & EFER_NXE;
    uint64_t rsvd_common = rsvd_addr_bits(cpu) | (nxe ? 0 : PG_XD);
    uint64_t table;
    int shift;

    if (levels == 3) {
        /* PDPTE register n from CR3 bits 31:5 (read at walk time) */
        uint64_t pdpte_addr = (env->cr3 & 0xffffffe0u) + ((va >> 30) & 3) * 8;
        uint64_t pdpte = cpu_phys_ld(cpu, pdpte_addr, MO_64);
        if (!(pdpte & PG_P)) {
            w->fault_np = true;
            return;
        }
        /* bits 2:1, 8:5, 63 and 51:M are reserved in a PAE PDPTE (table 4-8) */
        uint64_t rsvd = rsvd_addr_bits(cpu) | PG_XD | 0x1e6;
        if (pdpte & rsvd) {
            w->fault = PF_ERR_RSVD | PF_ERR_P;
            return;
        }
        walk_note(w, pdpte_addr, pdpte, false);
        table = pdpte & 0x000ffffffffff000ull;
        shift = 21;
    } else {
        table = env->cr3 & 0x000ffffffffff000ull;
        shift = 39;
    }

    for (;;) {
        uint64_t addr = table + ((va >> shift) & 0x1ff) * 8;
        uint64_t e = cpu_phys_ld(cpu, addr, MO_64);
        if (!(e & PG_P)) {
            w->fault_np = true;
            return;
        }
        uint64_t rsvd = rsvd_common;
        bool large = false;
        if (shift == 39) {
            rsvd |= PG_PS; /* PML4E bit 7 is reserved (table 4-14) */
        } else if (shift == 30 || shift == 21) {
            if (e & PG_PS) {
                large = true;
                /* bits 29:13 (1 GiB) or 20:13 (2 MiB) above the PAT bit */
                rsvd |= ((1ull << shift) - 1) & ~((1ull << 13) - 1);
            }
        }
        if (e & rsvd) {
            w->fault = PF_ERR_RSVD | PF_ERR_P;
            return;
        }
        walk_note(w, addr, e, true);
        walk_combine(w, e, nxe);
        if (large || shift == 12) {
            uint64_t size = 1ull << shift;
            w->leaf = e;
            w->page_size = size;
            w->paddr = (e & 0x000ffffffffff000ull & ~(size - 1)) | (va & (size - 1));
            return;
        }
        table = e & 0x000ffffffffff000ull;
        shift -= 9;
    }
}

/* Walk the tables of the current mode; false if the walk faulted (w->fault
 * or w->fault_np say why). */
static bool walk(X86CPU *cpu, uint64_t vaddr, PageWalk *w)
{
    X86CPUState *env = &cpu->env;
    *w = (PageWalk){ .rw = true, .us = true };
    if (env->efer & EFER_LMA) {
        /* bits 63:47 must be copies of bit 47 (3.3.7.1) */
        if ((uint64_t)((int64_t)(vaddr << 16) >> 16) != vaddr) {
            w->fault = PF_ERR_NONCANON;
            return false;
        }
        walk_64(cpu, vaddr, 4, w);
    } else if (env->cr4 & CR4_PAE) {
        walk_64(cpu, (uint32_t)vaddr, 3, w);
    } else {
        walk_32(cpu, (uint32_t)vaddr, w);
    }
    return !w->fault && !w->fault_np;
}

bool x86_translate(X86CPU *cpu, uint64_t vaddr, X86Access access, int mmu_idx, uint64_t *paddr,
                   int *prot, uint64_t *page_size, uint32_t *pf_error)
{
    X86CPUState *env = &cpu->env;
    if (!(env->cr0 & CR0_PG)) {
        *paddr = (env->efer & EFER_LMA) ? vaddr : (uint32_t)vaddr;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        *page_size = 4096;
        return true;
    }

    bool user = mmu_idx == MMU_USER;
    bool write = access == ACC_WRITE;
    bool fetch = access == ACC_EXEC;
    bool nxe = env->efer & EFER_NXE;
    bool id_reported = nxe && (env->cr4 & CR4_PAE); /* PAE or 4-level with NXE (4.7) */
    uint32_t err = (write ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0) |
                   (fetch && id_reported ? PF_ERR_I : 0);

    PageWalk w;
    if (!walk(cpu, vaddr, &w)) {
        *pf_error = (w.fault & PF_ERR_NONCANON) ? PF_ERR_NONCANON : (err | w.fault);
        return false;
    }

    /* Access rights (4.6): user accesses need U/S=1 on the whole path;
     * supervisor writes need R/W=1 only with CR0.WP; XD forbids fetches. */
    bool wp = env->cr0 & CR0_WP;
    bool can_write = user ? (w.us && w.rw) : (w.rw || !wp);
    if ((user && !w.us) || (write && !can_write) || (fetch && w.xd)) {
        *pf_error = err | PF_ERR_P;
        return false;
    }

    /* Accessed on every entry of the path, dirty on the leaf for a write
     * (4.8); written back only when they change. */
    for (int i = 0; i < w.nent; i++) {
        if (!w.ent_has_a[i]) {
            continue;
        }
        uint64_t e = w.ent_val[i];
        uint64_t ne = e | PG_A;
        if (write && i == w.nent - 1) {
            ne |= PG_D;
        }
        if (ne != e) {
            /* A and D live in the low dword of either entry size */
            cpu_phys_st(cpu, w.ent_addr[i], (uint32_t)ne, MO_32);
            if (i == w.nent - 1) {
                w.leaf = ne;
            }
        }
    }

    int p = PAGE_READ;
    if (can_write && (w.leaf & PG_D)) {
        p |= PAGE_WRITE;
    }
    if (!w.xd) {
        p |= PAGE_EXEC;
    }
    if ((w.leaf & PG_G) && (env->cr4 & CR4_PGE)) {
        p |= PAGE_GLOBAL;
    }
    *prot = p;
    *paddr = w.paddr;
    *page_size = w.page_size;
    return true;
}

bool x86_translate_debug(X86CPU *cpu, uint64_t vaddr, uint64_t *paddr)
{
    X86CPUState *env = &cpu->env;
    if (!(env->cr0 & CR0_PG)) {
        *paddr = (env->efer & EFER_LMA) ? vaddr : (uint32_t)vaddr;
        return true;
    }
    PageWalk w;
    if (!walk(cpu, vaddr, &w)) {
        return false;
    }
    *paddr = w.paddr;
    return true;
}
