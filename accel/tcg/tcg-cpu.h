/*
 * The tcg accelerator's private state: translation blocks, the softmmu TLB
 * and the per-vCPU execution context shared by the CPU loop (cpu-exec.c),
 * the TB cache (tb.c), the TLB (tlb.c) and the backends (backend/).
 */
#ifndef ACCEL_TCG_TCG_CPU_H
#define ACCEL_TCG_TCG_CPU_H

#include <glib.h>
#include <setjmp.h>
#include <stdatomic.h>

#include "accel/tcg/exec.h"
#include "accel/tcg/ir-internal.h"

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

typedef struct TranslationBlock TranslationBlock;

/* Where a chained jump comes from, so it can be unlinked. */
typedef struct TBJump {
    TranslationBlock *from;
    int slot;
} TBJump;

struct TranslationBlock {
    uint64_t pc;      /* linear address of the first instruction */
    uint64_t cs_base;
    uint32_t hflags;
    uint64_t size;    /* guest bytes */
    uint64_t phys[2]; /* physical pages it covers (phys[1] = -1 if one) */
    IRBlock *ir;
    void *backend;    /* the backend's prepared form, made on first run */
    TranslationBlock *jmp_dest[IR_MAX_JUMPS];
    GArray *jmp_in;   /* TBJump: blocks chained to this one */
    bool invalid;
    bool uncached;    /* translated from MMIO: run once, never looked up */
    uint64_t exec_count;
};

/* Low bits of a TLB tag that make the fast path miss on purpose. */
#define TLB_INVALID 1ull   /* no mapping for this access kind */
#define TLB_MMIO 2ull      /* not RAM: go through the address space */
#define TLB_NOTDIRTY 4ull  /* the page holds translated code: writes invalidate it */
#define TLB_FLAGS_MASK 7ull

#define TLB_BITS 13
#define TLB_SIZE (1u << TLB_BITS)
/* Entries evicted by a fill wait here: two hot pages whose numbers agree in
 * their low TLB_BITS (the kernel's 2 MiB-aligned allocations often do) then
 * cost a swap on the slow path instead of a page walk each. */
#define TLB_VICTIMS 8

/* A direct-mapped cache of the hash table in front of it, keyed by the
 * block's linear pc: valid only while linear->physical mappings are, so
 * every TLB flush empties it. */
#define TB_JMP_CACHE_BITS 14
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

#define TB_JMP_PAGE_BITS (TB_JMP_CACHE_BITS / 2)
#define TB_JMP_PAGE_SIZE (1u << TB_JMP_PAGE_BITS)

/* The high half of the index comes from the page number: one page's blocks
 * share a run of TB_JMP_PAGE_SIZE entries, which INVLPG clears alone. */
static inline unsigned tb_jmp_cache_hash_page(uint64_t pc)
{
    return ((unsigned)(pc >> TARGET_PAGE_BITS) & (TB_JMP_PAGE_SIZE - 1)) << TB_JMP_PAGE_BITS;
}

static inline unsigned tb_jmp_cache_hash(uint64_t pc)
{
    return tb_jmp_cache_hash_page(pc) | ((unsigned)(pc ^ (pc >> TB_JMP_PAGE_BITS)) & (TB_JMP_PAGE_SIZE - 1));
}

/* What the fast path reads: 32 bytes, so generated code indexes it with
 * a shift. The rest of an entry's state is in TLBAux, same index. */
typedef struct TLBEntry {
    uint64_t tag_read;  /* page | TLB_* flags, or TLB_INVALID */
    uint64_t tag_write;
    uint64_t tag_code;
    uintptr_t addend;   /* host address = guest linear address + addend (RAM only) */
} TLBEntry;

typedef struct TLBAux {
    uint64_t paddr;     /* physical page */
    bool global;
    bool listed;        /* in TCGCPU.tlb_used (filled since the last flush) */
} TLBAux;

/* Where a native block may raise a guest exception (a helper call, a
 * load/store slow path): published in TCGCPU.site before the call so that
 * the CPU loop can restore rIP and cc_op of that instruction. */
typedef struct TCGSite {
    TranslationBlock *tb;
    uint64_t pc;     /* linear pc of the instruction (its insn_start) */
    uint32_t cc_op;
    uint32_t memop;  /* IR_LDST_IMM of a load/store slow path */
} TCGSite;

typedef struct TCGCPU {
    X86CPU *cpu;
    TLBEntry tlb[MMU_COUNT][TLB_SIZE];
    TLBAux tlb_aux[MMU_COUNT][TLB_SIZE];
    /* the entries filled since the last flush, so a flush touches only those */
    uint16_t tlb_used[MMU_COUNT][TLB_SIZE];
    unsigned tlb_nused[MMU_COUNT];
    TLBEntry victim[MMU_COUNT][TLB_VICTIMS];
    TLBAux victim_aux[MMU_COUNT][TLB_VICTIMS];
    unsigned victim_next[MMU_COUNT];
    /* the linear range holding every large-page entry: an INVLPG inside it
     * flushes everything (entries are 4 KiB slices of the page) */
    uint64_t large_lo, large_hi;

    sigjmp_buf jmp_env;
    bool in_tb;          /* executing a block: faults restore from the last insn_start */
    uint64_t insn_pc;    /* the last insn_start passed */
    uint32_t insn_cc_op;
    uint64_t tb_cs_base;
    TranslationBlock *current_tb;
    bool current_tb_invalidated; /* the running block wrote over its own code */
    /* native code's store slow path: a store into the running block's own
     * page is not done; its instruction runs again, alone (run_one_insn:
     * the next block is that one instruction, translated afresh, not kept) */
    bool smc_restart;
    bool run_one_insn;
    bool triple_fault;

    atomic_bool exit_request;    /* leave the execution loop at the next chance */

    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];
    /* jump cache entries of blocks in pages not mapped globally, since the
     * last flush (jmp_nlocal may pass the array's size: then all go) */
    uint16_t jmp_local[TB_JMP_CACHE_SIZE];
    unsigned jmp_nlocal;
    const TCGSite *site;   /* native code: the instruction in a helper now */
    uint64_t native_arg[2]; /* native slow paths: address and value */

    /* counters, for -d stats later */
    uint64_t tbs_translated, tbs_invalidated, tb_flushes, code_cache_flushes;
    uint64_t tlb_fills, tlb_victim_hits, tlb_flushes, tlb_page_flushes;
    uint64_t tb_table_lookups, tb_table_probes; /* jump cache misses: table searches, slots read */
} TCGCPU;

static inline TCGCPU *tcg_cpu(X86CPU *cpu)
{
    return cpu->accel;
}

/* tb.c */
void tb_cache_init(void);
TranslationBlock *tb_lookup(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags);
TranslationBlock *tb_find_or_translate(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags);
TranslationBlock *tb_translate_once(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags);
void tb_link(TranslationBlock *from, int slot, TranslationBlock *to);
void tb_invalidate_phys_page(TCGCPU *t, uint64_t paddr_page);
bool tb_page_has_code(uint64_t paddr_page);
void tb_flush_all(TCGCPU *t);
void tb_free_deferred(void);

/* tlb.c */
void tlb_init(TCGCPU *t);
/* Physical address of the code at linear pc (fills the code TLB; may raise #PF). */
uint64_t tlb_code_paddr(TCGCPU *t, uint64_t pc, int mmu_idx, bool *is_ram);
void tlb_mark_code_page(TCGCPU *t, uint64_t paddr_page);
/* Whether the code TLB maps pc's page with a global entry. */
bool tlb_code_is_global(TCGCPU *t, uint64_t pc, int mmu_idx);
/* Host address of linear addr if the TLB already maps its page as plain
 * RAM for the access (for a write: not ROM, no translated code), else
 * NULL. Never walks or faults. */
void *tlb_probe_ram(TCGCPU *t, uint64_t addr, bool write, int mmu_idx);
/* The slow paths of guest loads and stores (the interpreter inlines the hit). */
uint64_t tlb_ld_slow(TCGCPU *t, uint64_t addr, MemOp op, int mmu_idx);
void tlb_st_slow(TCGCPU *t, uint64_t addr, uint64_t val, MemOp op, int mmu_idx);

/* The block whose code is running (it may write over itself), or NULL. */
static inline TranslationBlock *tcg_running_tb(const TCGCPU *t)
{
    if (!t->in_tb) {
        return NULL;
    }
    return t->site ? t->site->tb : t->current_tb;
}

/* cpu-exec.c */
_Noreturn void tcg_unwind(TCGCPU *t);
_Noreturn void tcg_restart_insn(TCGCPU *t);

#endif
