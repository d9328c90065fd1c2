/*
 * The softmmu TLB: a direct-mapped cache per MMU index from linear pages to
 * host memory (RAM) or to the physical address space (MMIO). A hit is one
 * compare and an add; a miss walks the guest's page tables
 * (target/x86/paging.c) and fills the entry. Tags carry flags in their low
 * bits so that the fast path misses for MMIO and for writes to pages that
 * hold translated code, which the slow path handles.
 */
#include <string.h>

#include "accel/tcg/tcg-cpu.h"
#include "hw/core/machine.h"
#include "target/x86/excp.h"
#include "target/x86/paging.h"
#include "system/main-loop.h"


static inline TLBEntry *tlb_entry(TCGCPU *t, int mmu_idx, uint64_t addr)
{
    return &t->tlb[mmu_idx][(addr >> TARGET_PAGE_BITS) & (TLB_SIZE - 1)];
}

static inline TLBAux *tlb_aux(TCGCPU *t, int mmu_idx, const TLBEntry *e)
{
    return &t->tlb_aux[mmu_idx][e - t->tlb[mmu_idx]];
}

static void tlb_entry_clear(TLBEntry *e)
{
    e->tag_read = e->tag_write = e->tag_code = TLB_INVALID;
}

static bool tlb_entry_is_page(const TLBEntry *e, uint64_t page)
{
    return (e->tag_read & TARGET_PAGE_MASK) == page || (e->tag_write & TARGET_PAGE_MASK) == page ||
           (e->tag_code & TARGET_PAGE_MASK) == page;
}

void tlb_init(TCGCPU *t)
{
    for (int m = 0; m < MMU_COUNT; m++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            tlb_entry_clear(&t->tlb[m][i]);
            t->tlb_aux[m][i].global = t->tlb_aux[m][i].listed = false;
        }
        t->tlb_nused[m] = 0;
        for (unsigned i = 0; i < TLB_VICTIMS; i++) {
            tlb_entry_clear(&t->victim[m][i]);
            t->victim_aux[m][i].global = false;
        }
    }
    t->large_lo = UINT64_MAX;
    t->large_hi = 0;
}

void tlb_flush(X86CPU *cpu, bool all)
{
    TCGCPU *t = tcg_cpu(cpu);
    t->tlb_flushes++;
    if (all || t->jmp_nlocal > TB_JMP_CACHE_SIZE) {
        memset(t->jmp_cache, 0, sizeof(t->jmp_cache));
    } else {
        /* a CR3 load: global mappings (and the blocks behind them) stay */
        for (unsigned k = 0; k < t->jmp_nlocal; k++) {
            t->jmp_cache[t->jmp_local[k]] = NULL;
        }
    }
    t->jmp_nlocal = 0;
    for (int m = 0; m < MMU_COUNT; m++) {
        unsigned kept = 0;
        for (unsigned k = 0; k < t->tlb_nused[m]; k++) {
            unsigned i = t->tlb_used[m][k];
            TLBEntry *e = &t->tlb[m][i];
            TLBAux *x = &t->tlb_aux[m][i];
            if (all || !x->global) {
                tlb_entry_clear(e);
                x->listed = x->global = false;
            } else {
                t->tlb_used[m][kept++] = (uint16_t)i;
            }
        }
        t->tlb_nused[m] = kept;
        for (unsigned i = 0; i < TLB_VICTIMS; i++) {
            if (all || !t->victim_aux[m][i].global) {
                tlb_entry_clear(&t->victim[m][i]);
            }
        }
    }
    if (all) {
        t->large_lo = UINT64_MAX;
        t->large_hi = 0;
    }
}

void tlb_flush_page(X86CPU *cpu, uint64_t addr)
{
    TCGCPU *t = tcg_cpu(cpu);
    t->tlb_page_flushes++;
    if (addr >= t->large_lo && addr < t->large_hi) {
        /* entries are 4 KiB slices; a large page's other slices must go too */
        tlb_flush(cpu, true);
        return;
    }
    /* the blocks in this page and those reaching into it from the one before */
    for (int k = 0; k < 2; k++) {
        unsigned base = tb_jmp_cache_hash_page(addr - (uint64_t)k * TARGET_PAGE_SIZE);
        memset(&t->jmp_cache[base], 0, TB_JMP_PAGE_SIZE * sizeof(t->jmp_cache[0]));
    }
    uint64_t page = addr & TARGET_PAGE_MASK;
    for (int m = 0; m < MMU_COUNT; m++) {
        TLBEntry *e = tlb_entry(t, m, addr);
        if (tlb_entry_is_page(e, page)) {
            tlb_entry_clear(e);
        }
        for (unsigned i = 0; i < TLB_VICTIMS; i++) {
            if (tlb_entry_is_page(&t->victim[m][i], page)) {
                tlb_entry_clear(&t->victim[m][i]);
            }
        }
    }
}

static uint64_t tlb_tag(const TLBEntry *e, X86Access acc)
{
    return acc == ACC_EXEC ? e->tag_code : acc == ACC_WRITE ? e->tag_write : e->tag_read;
}

/* A victim entry that maps page for acc goes back into its slot (e), and
 * what was in the slot takes the victim's place. */
static bool tlb_victim_swap(TCGCPU *t, int mmu_idx, TLBEntry *e, uint64_t page, X86Access acc)
{
    for (unsigned i = 0; i < TLB_VICTIMS; i++) {
        TLBEntry *v = &t->victim[mmu_idx][i];
        if ((tlb_tag(v, acc) & ~(TLB_MMIO | TLB_NOTDIRTY)) == page) {
            TLBAux *x = tlb_aux(t, mmu_idx, e), *vx = &t->victim_aux[mmu_idx][i];
            TLBEntry te = *e;
            uint64_t tpaddr = x->paddr;
            bool tglobal = x->global;
            *e = *v;
            x->paddr = vx->paddr;
            x->global = vx->global;
            *v = te;
            vx->paddr = tpaddr;
            vx->global = tglobal;
            if (!x->listed) {
                x->listed = true;
                t->tlb_used[mmu_idx][t->tlb_nused[mmu_idx]++] = (uint16_t)(e - t->tlb[mmu_idx]);
            }
            return true;
        }
    }
    return false;
}

/* The slot is about to be filled for another page: keep what it held. */
static void tlb_evict(TCGCPU *t, int mmu_idx, TLBEntry *e)
{
    if ((e->tag_read & e->tag_write & e->tag_code) & TLB_INVALID) {
        return;
    }
    unsigned i = t->victim_next[mmu_idx]++ % TLB_VICTIMS;
    t->victim[mmu_idx][i] = *e;
    t->victim_aux[mmu_idx][i] = *tlb_aux(t, mmu_idx, e);
}

/* Walk the page tables for addr and fill its entry; raise #PF on failure
 * (#GP, or #SS for an MO_X86_SS access, for a non-canonical address). */
static TLBEntry *tlb_fill(TCGCPU *t, uint64_t addr, X86Access acc, int mmu_idx, MemOp op)
{
    X86CPU *cpu = t->cpu;
    uint64_t paddr, page_size;
    int prot;
    uint32_t err;
    TLBEntry *e = tlb_entry(t, mmu_idx, addr);
    if (tlb_victim_swap(t, mmu_idx, e, addr & TARGET_PAGE_MASK, acc)) {
        t->tlb_victim_hits++;
        return e;
    }
    t->tlb_fills++;
    if (!x86_translate(cpu, addr, acc, mmu_idx, &paddr, &prot, &page_size, &err)) {
        if (err & PF_ERR_NONCANON) {
            /* not a page fault: a non-canonical address is #GP(0), #SS(0)
             * through SS (SDM 3.3.7.1, 6.15) */
            cpu_raise_exception_err(cpu, (op & MO_X86_SS) ? EXCP0C_SS : EXCP0D_GP, 0);
        }
        cpu->env.cr2 = addr;
        cpu_raise_exception_err(cpu, EXCP0E_PF, err);
    }
    if (page_size > TARGET_PAGE_SIZE) {
        uint64_t base = addr & ~(page_size - 1);
        t->large_lo = MIN(t->large_lo, base);
        t->large_hi = MAX(t->large_hi, base + page_size);
    }
    uint64_t page = addr & TARGET_PAGE_MASK;
    uint64_t ppage = paddr & TARGET_PAGE_MASK;
    TLBAux *x = tlb_aux(t, mmu_idx, e);
    if (!tlb_entry_is_page(e, page)) {
        tlb_evict(t, mmu_idx, e);
        tlb_entry_clear(e);
    } else if (x->paddr != ppage) {
        tlb_entry_clear(e);
    }
    if (!x->listed) {
        x->listed = true;
        t->tlb_used[mmu_idx][t->tlb_nused[mmu_idx]++] = (uint16_t)(e - t->tlb[mmu_idx]);
    }
    uint8_t *host = as_ram_ptr(cpu->machine->mem, ppage, TARGET_PAGE_SIZE);
    uint64_t flags = host ? 0 : TLB_MMIO;
    x->paddr = ppage;
    e->addend = host ? (uintptr_t)host - page : 0;
    x->global = prot & PAGE_GLOBAL;
    /* fill only the access kinds the walk allowed; the others miss and walk
     * again, which raises the right fault */
    if (prot & PAGE_READ) {
        e->tag_read = page | flags;
    }
    if (prot & PAGE_WRITE) {
        /* ROM (firmware, write-protected shadow RAM): writes take the slow
         * path, where the address space drops them */
        uint64_t rom = host && !as_ram_ptr_rw(cpu->machine->mem, ppage, TARGET_PAGE_SIZE) ? TLB_MMIO : 0;
        e->tag_write = page | flags | rom | (tb_page_has_code(ppage) ? TLB_NOTDIRTY : 0);
    }
    if (prot & PAGE_EXEC) {
        e->tag_code = page | flags;
    }
    return e;
}

bool tlb_code_is_global(TCGCPU *t, uint64_t pc, int mmu_idx)
{
    TLBEntry *e = tlb_entry(t, mmu_idx, pc);
    return (e->tag_code & ~TLB_MMIO) == (pc & TARGET_PAGE_MASK) && tlb_aux(t, mmu_idx, e)->global;
}

void *tlb_probe_ram(TCGCPU *t, uint64_t addr, bool write, int mmu_idx)
{
    TLBEntry *e = tlb_entry(t, mmu_idx, addr);
    if ((write ? e->tag_write : e->tag_read) != (addr & TARGET_PAGE_MASK)) {
        return NULL;
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

void tlb_mark_code_page(TCGCPU *t, uint64_t paddr_page)
{
    for (int m = 0; m < MMU_COUNT; m++) {
        for (unsigned k = 0; k < t->tlb_nused[m]; k++) {
            TLBEntry *e = &t->tlb[m][t->tlb_used[m][k]];
            if (tlb_aux(t, m, e)->paddr == paddr_page && !(e->tag_write & TLB_INVALID)) {
                e->tag_write |= TLB_NOTDIRTY;
            }
        }
        for (unsigned i = 0; i < TLB_VICTIMS; i++) {
            TLBEntry *v = &t->victim[m][i];
            if (t->victim_aux[m][i].paddr == paddr_page && !(v->tag_write & TLB_INVALID)) {
                v->tag_write |= TLB_NOTDIRTY;
            }
        }
    }
}

static void tlb_clear_notdirty(TCGCPU *t, uint64_t paddr_page)
{
    for (int m = 0; m < MMU_COUNT; m++) {
        for (unsigned k = 0; k < t->tlb_nused[m]; k++) {
            TLBEntry *e = &t->tlb[m][t->tlb_used[m][k]];
            if (tlb_aux(t, m, e)->paddr == paddr_page) {
                e->tag_write &= ~TLB_NOTDIRTY;
            }
        }
        for (unsigned i = 0; i < TLB_VICTIMS; i++) {
            if (t->victim_aux[m][i].paddr == paddr_page) {
                t->victim[m][i].tag_write &= ~TLB_NOTDIRTY;
            }
        }
    }
}

uint64_t tlb_code_paddr(TCGCPU *t, uint64_t pc, int mmu_idx, bool *is_ram)
{
    uint64_t page = pc & TARGET_PAGE_MASK;
    TLBEntry *e = tlb_entry(t, mmu_idx, pc);
    if ((e->tag_code & ~TLB_MMIO) != page) {
        e = tlb_fill(t, pc, ACC_EXEC, mmu_idx, MO_8);
        if ((e->tag_code & ~TLB_MMIO) != page) {
            /* the walk succeeded but the page is not executable here */
            X86CPU *cpu = t->cpu;
            cpu->env.cr2 = pc;
            cpu_raise_exception_err(cpu, EXCP0E_PF, PF_ERR_P | PF_ERR_I | (mmu_idx == MMU_USER ? PF_ERR_U : 0));
        }
    }
    *is_ram = !(e->tag_code & TLB_MMIO);
    return tlb_aux(t, mmu_idx, e)->paddr | (pc & ~TARGET_PAGE_MASK);
}

/* Physical access of size bytes that lies within one page. */
static uint64_t phys_read(X86CPU *cpu, uint64_t paddr, unsigned size)
{
    uint8_t *host = as_ram_ptr(cpu->machine->mem, paddr, size);
    if (host) {
        uint64_t v = 0;
        memcpy(&v, host, size);
        return v;
    }
    bql_lock();
    uint64_t v = as_read(cpu->machine->mem, paddr, size);
    bql_unlock();
    return v;
}

static void phys_write(TCGCPU *t, uint64_t paddr, uint64_t v, unsigned size)
{
    X86CPU *cpu = t->cpu;
    uint64_t ppage = paddr & TARGET_PAGE_MASK;
    if (tb_page_has_code(ppage)) {
        tb_invalidate_phys_page(t, ppage);
        tlb_clear_notdirty(t, ppage);
        if (t->current_tb_invalidated && t->smc_restart) {
            /* native code checks for this only after helpers: its store
             * is not done, and the instruction runs again from new code */
            t->current_tb_invalidated = false;
            tcg_restart_insn(t);
        }
    }
    uint8_t *host = as_ram_ptr_rw(cpu->machine->mem, paddr, size);
    if (host) {
        memcpy(host, &v, size);
        return;
    }
    bql_lock();
    as_write(cpu->machine->mem, paddr, v, size);
    bql_unlock();
}

static uint64_t extend(uint64_t v, MemOp op)
{
    unsigned bits = memop_size(op) * 8;
    if ((op & MO_SIGN) && bits < 64) {
        return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
    }
    return v;
}

/* A stack access in 64-bit mode that runs from a canonical address past the
 * canonical boundary is #SS(0) before any page is looked at (measured on
 * Intel; a DS access there faults on its first page instead). */
static void tlb_check_ss_crossing(TCGCPU *t, uint64_t addr, unsigned size, MemOp op)
{
    uint64_t last = addr + size - 1;
    if ((op & MO_X86_SS) && (t->cpu->env.efer & EFER_LMA) &&
        (uint64_t)((int64_t)(last << 16) >> 16) != last) {
        cpu_raise_exception_err(t->cpu, EXCP0C_SS, 0);
    }
}

uint64_t tlb_ld_slow(TCGCPU *t, uint64_t addr, MemOp op, int mmu_idx)
{
    unsigned size = memop_size(op);
    uint64_t off = addr & ~TARGET_PAGE_MASK;
    if (off + size > TARGET_PAGE_SIZE) {
        /* crosses a page: byte by byte, both pages checked before use */
        tlb_check_ss_crossing(t, addr, size, op);
        MemOp byte = (MemOp)((op & (MO_X86_SS | MO_X86_RMW)) | MO_8);
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= tlb_ld_slow(t, addr + i, byte, mmu_idx) << (8 * i);
        }
        return extend(v, op);
    }
    uint64_t page = addr & TARGET_PAGE_MASK;
    TLBEntry *e = tlb_entry(t, mmu_idx, addr);
    if (op & MO_X86_RMW) {
        /* the destination of a read-modify-write: checked for the write
         * first, so a fault is reported with W/R = 1 */
        if ((e->tag_write & ~(TLB_MMIO | TLB_NOTDIRTY)) != page) {
            e = tlb_fill(t, addr, ACC_WRITE, mmu_idx, op);
        }
    } else if ((e->tag_read & ~(TLB_MMIO | TLB_NOTDIRTY)) != page) {
        e = tlb_fill(t, addr, ACC_READ, mmu_idx, op);
    }
    uint64_t v;
    if (e->tag_read & TLB_MMIO) {
        v = phys_read(t->cpu, tlb_aux(t, mmu_idx, e)->paddr | off, size);
    } else {
        v = 0;
        memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
    }
    return extend(v, op);
}

void tlb_st_slow(TCGCPU *t, uint64_t addr, uint64_t val, MemOp op, int mmu_idx)
{
    unsigned size = memop_size(op);
    uint64_t off = addr & ~TARGET_PAGE_MASK;
    if (off + size > TARGET_PAGE_SIZE) {
        /* check both pages first so a fault leaves memory untouched */
        tlb_check_ss_crossing(t, addr, size, op);
        uint64_t second = (addr + size - 1) & TARGET_PAGE_MASK;
        TLBEntry *e2 = tlb_entry(t, mmu_idx, second);
        if ((e2->tag_write & ~(TLB_MMIO | TLB_NOTDIRTY)) != second) {
            tlb_fill(t, second, ACC_WRITE, mmu_idx, op);
        }
        TLBEntry *e1 = tlb_entry(t, mmu_idx, addr);
        if ((e1->tag_write & ~(TLB_MMIO | TLB_NOTDIRTY)) != (addr & TARGET_PAGE_MASK)) {
            tlb_fill(t, addr, ACC_WRITE, mmu_idx, op);
        }
        for (unsigned i = 0; i < size; i++) {
            tlb_st_slow(t, addr + i, val >> (8 * i), MO_8, mmu_idx);
        }
        return;
    }
    uint64_t page = addr & TARGET_PAGE_MASK;
    TLBEntry *e = tlb_entry(t, mmu_idx, addr);
    if ((e->tag_write & ~(TLB_MMIO | TLB_NOTDIRTY)) != page) {
        e = tlb_fill(t, addr, ACC_WRITE, mmu_idx, op);
    }
    if (e->tag_write & (TLB_MMIO | TLB_NOTDIRTY)) {
        phys_write(t, tlb_aux(t, mmu_idx, e)->paddr | off, val, size);
        return;
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &val, size);
}

uint64_t cpu_ld(X86CPU *cpu, uint64_t addr, MemOp op, int mmu_idx)
{
    return tlb_ld_slow(tcg_cpu(cpu), addr, op, mmu_idx);
}

void cpu_st(X86CPU *cpu, uint64_t addr, uint64_t value, MemOp op, int mmu_idx)
{
    tlb_st_slow(tcg_cpu(cpu), addr, value, op, mmu_idx);
}

uint64_t cpu_phys_ld(X86CPU *cpu, uint64_t paddr, MemOp op)
{
    return extend(phys_read(cpu, paddr, memop_size(op)), op);
}

void cpu_phys_st(X86CPU *cpu, uint64_t paddr, uint64_t value, MemOp op)
{
    phys_write(tcg_cpu(cpu), paddr, value, memop_size(op));
}

uint64_t cpu_io_read(X86CPU *cpu, uint16_t port, unsigned size)
{
    bql_lock();
    uint64_t v = as_read(cpu->machine->io, port, size);
    bql_unlock();
    return v;
}

void cpu_io_write(X86CPU *cpu, uint16_t port, uint64_t value, unsigned size)
{
    bql_lock();
    as_write(cpu->machine->io, port, value, size);
    bql_unlock();
}

size_t translator_fetch(X86CPU *cpu, uint64_t addr, uint8_t *buf, size_t len, bool first_insn)
{
    TCGCPU *t = tcg_cpu(cpu);
    TranslationBlock *tb = t->current_tb;
    int mmu_idx = x86_mmu_index(&cpu->env);
    size_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t page = a & TARGET_PAGE_MASK;
        size_t n = MIN(len - done, TARGET_PAGE_SIZE - (a & ~TARGET_PAGE_MASK));
        bool is_ram;
        uint64_t paddr;
        if (page != (tb->pc & TARGET_PAGE_MASK) && !first_insn) {
            /* a later instruction reaching into the next page: let it start
             * the next block so its fetch fault is raised precisely */
            TLBEntry *e = tlb_entry(t, mmu_idx, a);
            if ((e->tag_code & ~TLB_MMIO) != page) {
                uint64_t p, ps;
                int prot;
                uint32_t err;
                if (!x86_translate(cpu, a, ACC_EXEC, mmu_idx, &p, &prot, &ps, &err) ||
                    !(prot & PAGE_EXEC)) {
                    return done;
                }
            }
        }
        paddr = tlb_code_paddr(t, a, mmu_idx, &is_ram);
        if (page != (tb->pc & TARGET_PAGE_MASK)) {
            tb->phys[1] = paddr & TARGET_PAGE_MASK;
        }
        if (is_ram) {
            memcpy(buf + done, as_ram_ptr(cpu->machine->mem, paddr, n), n);
        } else {
            bql_lock();
            as_read_buf(cpu->machine->mem, paddr, buf + done, n);
            bql_unlock();
            tb->uncached = true;
        }
        done += n;
    }
    return done;
}
