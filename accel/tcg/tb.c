/*
 * The translation-block cache: blocks are found by (physical address of
 * pc, pc, CS base, hflags), so a block is reused only for the same code
 * under the same mapping and mode. Each physical page with code lists its
 * blocks; a guest write to such a page (seen by the TLB's NOTDIRTY slow
 * path) invalidates them all, and chained jumps into them are unlinked.
 * Invalidated blocks are freed only between executions, because the
 * interpreter may be running one of them.
 */
#include <glib.h>
#include <string.h>

#include "accel/tcg/optimize.h"
#include "accel/tcg/backend.h"
#include "hw/core/machine.h"
#include "system/log.h"
#include "target/x86/decode.h"

/*
 * The block table: open addressing with linear probing over slots that
 * hold a key's hash and the block. The key is the block's own fields
 * (physical pc, pc, CS base, hflags), so a lookup reads one slot and the
 * block it names: after a jump cache miss this is the next cost (a GHashTable
 * read three arrays and a separate key).
 */
typedef struct TBSlot {
    uint64_t hash;           /* 0: never used; TB_SLOT_GONE: removed */
    TranslationBlock *tb;
} TBSlot;

#define TB_SLOT_GONE 1ull

static TBSlot *tb_slots;
static size_t tb_nslots;     /* a power of 2 */
static size_t tb_nfilled;    /* live and removed */
static size_t tb_nlive;

static GHashTable *code_pages; /* physical page -> GPtrArray of TranslationBlock* */
static GPtrArray *deferred;    /* invalidated blocks waiting to be freed */

static uint64_t tb_phys_pc(const TranslationBlock *tb)
{
    return tb->phys[0] + (tb->pc & ~TARGET_PAGE_MASK);
}

/* Never 0 or TB_SLOT_GONE: the top bit is set. */
static uint64_t tb_hash(uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    uint64_t h = pc * 0x9e3779b97f4a7c15ull ^ phys_pc * 0xc2b2ae3d27d4eb4full ^ cs_base ^
                 (uint64_t)hflags << 29;
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h | 1ull << 63;
}

static bool tb_matches(const TranslationBlock *tb, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                       uint32_t hflags)
{
    return tb->pc == pc && tb->cs_base == cs_base && tb->hflags == hflags &&
           tb_phys_pc(tb) == phys_pc;
}

static TranslationBlock *tb_table_find(TCGCPU *t, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                                       uint32_t hflags)
{
    uint64_t h = tb_hash(phys_pc, pc, cs_base, hflags);
    t->tb_table_lookups++;
    for (size_t i = h & (tb_nslots - 1);; i = (i + 1) & (tb_nslots - 1)) {
        TBSlot *s = &tb_slots[i];
        t->tb_table_probes++;
        if (!s->hash) {
            return NULL;
        }
        if (s->hash == h && tb_matches(s->tb, phys_pc, pc, cs_base, hflags)) {
            return s->tb;
        }
    }
}

static void tb_table_place(TranslationBlock *tb, uint64_t h)
{
    for (size_t i = h & (tb_nslots - 1);; i = (i + 1) & (tb_nslots - 1)) {
        TBSlot *s = &tb_slots[i];
        if (!s->hash || s->hash == TB_SLOT_GONE) {
            tb_nfilled += !s->hash;
            s->hash = h;
            s->tb = tb;
            tb_nlive++;
            return;
        }
    }
}

/* Fresh slots, twice the live blocks' room at least (removed ones go). */
static void tb_table_resize(size_t nslots)
{
    TBSlot *old = tb_slots;
    size_t nold = tb_nslots;
    tb_slots = g_new0(TBSlot, nslots);
    tb_nslots = nslots;
    tb_nfilled = tb_nlive = 0;
    for (size_t i = 0; i < nold; i++) {
        if (old[i].tb) {
            tb_table_place(old[i].tb, old[i].hash);
        }
    }
    g_free(old);
}

static void tb_table_insert(TranslationBlock *tb)
{
    if ((tb_nfilled + 1) * 2 > tb_nslots) {
        size_t n = tb_nslots;
        while ((tb_nlive + 1) * 4 > n) {
            n *= 2;
        }
        tb_table_resize(n);
    }
    tb_table_place(tb, tb_hash(tb_phys_pc(tb), tb->pc, tb->cs_base, tb->hflags));
}

static void tb_table_remove(TranslationBlock *tb)
{
    uint64_t h = tb_hash(tb_phys_pc(tb), tb->pc, tb->cs_base, tb->hflags);
    for (size_t i = h & (tb_nslots - 1);; i = (i + 1) & (tb_nslots - 1)) {
        TBSlot *s = &tb_slots[i];
        if (!s->hash) {
            return;
        }
        if (s->tb == tb) {
            s->hash = TB_SLOT_GONE;
            s->tb = NULL;
            tb_nlive--;
            return;
        }
    }
}

void tb_cache_init(void)
{
    if (tb_slots) {
        return;
    }
    tb_slots = g_new0(TBSlot, 1024);
    tb_nslots = 1024;
    code_pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify)g_ptr_array_unref);
    deferred = g_ptr_array_new();
}

static void tb_free(TranslationBlock *tb)
{
    tcg_be->free(tb->backend);
    ir_block_free(tb->ir);
    if (tb->jmp_in) {
        g_array_free(tb->jmp_in, TRUE);
    }
    g_free(tb);
}

void tb_free_deferred(void)
{
    for (guint i = 0; i < deferred->len; i++) {
        tb_free(g_ptr_array_index(deferred, i));
    }
    g_ptr_array_set_size(deferred, 0);
}

/* Remove tb from the lookup table, its pages and every chain. */
static void tb_invalidate(TCGCPU *t, TranslationBlock *tb)
{
    if (tb->invalid) {
        return;
    }
    tb->invalid = true;
    unsigned h = tb_jmp_cache_hash(tb->pc);
    if (t->jmp_cache[h] == tb) {
        t->jmp_cache[h] = NULL;
    }
    tb_table_remove(tb);
    for (int i = 0; i < 2; i++) {
        if (tb->phys[i] == (uint64_t)-1) {
            continue;
        }
        GPtrArray *list = g_hash_table_lookup(code_pages, &tb->phys[i]);
        if (list) {
            g_ptr_array_remove_fast(list, tb);
        }
    }
    /* unlink jumps into this block, and our own outgoing links */
    for (guint i = 0; tb->jmp_in && i < tb->jmp_in->len; i++) {
        TBJump *j = &g_array_index(tb->jmp_in, TBJump, i);
        if (j->from->jmp_dest[j->slot] == tb) {
            j->from->jmp_dest[j->slot] = NULL;
            if (tcg_be->unlink) {
                tcg_be->unlink(j->from, j->slot);
            }
        }
    }
    if (tb->jmp_in) {
        g_array_set_size(tb->jmp_in, 0);
    }
    /* the blocks we jump to must forget us: we are freed before them */
    for (int s = 0; s < IR_MAX_JUMPS; s++) {
        TranslationBlock *to = tb->jmp_dest[s];
        for (guint i = 0; to && to->jmp_in && i < to->jmp_in->len; i++) {
            TBJump *j = &g_array_index(to->jmp_in, TBJump, i);
            if (j->from == tb && j->slot == s) {
                g_array_remove_index_fast(to->jmp_in, i);
                break;
            }
        }
        tb->jmp_dest[s] = NULL;
        if (tcg_be->unlink) {
            tcg_be->unlink(tb, s);
        }
    }
    g_ptr_array_add(deferred, tb);
}

static inline TranslationBlock *jmp_cache_find(TCGCPU *t, uint64_t pc, uint64_t cs_base,
                                               uint32_t hflags)
{
    TranslationBlock *tb = t->jmp_cache[tb_jmp_cache_hash(pc)];
    if (tb && tb->pc == pc && tb->cs_base == cs_base && tb->hflags == hflags) {
        return tb;
    }
    return NULL;
}

/* Enter tb in the jump cache. A CR3 load empties only the entries of
 * blocks whose code page the TLB does not map globally (listed here): the
 * kernel's blocks stay across context switches. */
static void tb_jmp_cache_set(TCGCPU *t, TranslationBlock *tb)
{
    unsigned h = tb_jmp_cache_hash(tb->pc);
    t->jmp_cache[h] = tb;
    if (tb->phys[1] != (uint64_t)-1 || !tlb_code_is_global(t, tb->pc, x86_mmu_index(&t->cpu->env))) {
        if (t->jmp_nlocal < TB_JMP_CACHE_SIZE) {
            t->jmp_local[t->jmp_nlocal] = (uint16_t)h;
        }
        t->jmp_nlocal++;
    }
}

TranslationBlock *tb_lookup(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    TranslationBlock *tb = jmp_cache_find(t, pc, cs_base, hflags);
    if (tb) {
        return tb;
    }
    bool is_ram;
    uint64_t phys = tlb_code_paddr(t, pc, x86_mmu_index(&t->cpu->env), &is_ram);
    tb = tb_table_find(t, phys, pc, cs_base, hflags);
    if (tb) {
        tb_jmp_cache_set(t, tb);
    }
    return tb;
}

static void tb_add_page(TCGCPU *t, TranslationBlock *tb, uint64_t page)
{
    GPtrArray *list = g_hash_table_lookup(code_pages, &page);
    if (!list) {
        list = g_ptr_array_new();
        uint64_t *key = g_new(uint64_t, 1);
        *key = page;
        g_hash_table_insert(code_pages, key, list);
        tlb_mark_code_page(t, page);
    }
    g_ptr_array_add(list, tb);
}

static void log_line(const char *line, void *opaque)
{
    (void)opaque;
    log_printf("%s\n", line);
}

/* -d in_asm: the block's guest code, decoded again from guest memory. */
static void log_block_asm(X86CPU *cpu, const TranslationBlock *tb)
{
    uint8_t *code = g_malloc(tb->size + 16);
    uint64_t first = MIN(tb->size, TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK));
    as_read_buf(cpu->machine->mem, tb->phys[0] + (tb->pc & ~TARGET_PAGE_MASK), code, first);
    if (tb->size > first) {
        as_read_buf(cpu->machine->mem, tb->phys[1], code + first, tb->size - first);
    }
    int code_size = (tb->hflags & HF_CS64) ? 8 : (tb->hflags & HF_CS32) ? 4 : 2;
    log_printf("IN: pc 0x%016" G_GINT64_MODIFIER "x (phys 0x%" G_GINT64_MODIFIER "x)\n", tb->pc,
               (uint64_t)(tb->phys[0] + (tb->pc & ~TARGET_PAGE_MASK)));
    for (uint64_t off = 0; off < tb->size;) {
        X86Insn insn;
        char text[128];
        if (x86_decode(&insn, code + off, tb->size - off, code_size) != X86_DECODE_OK) {
            break;
        }
        x86_disas(&insn, tb->pc + off, text, sizeof(text));
        log_printf("0x%016" G_GINT64_MODIFIER "x:  %s\n", tb->pc + off, text);
        off += insn.len;
    }
    log_printf("\n");
    g_free(code);
}

static TranslationBlock *tb_translate(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags,
                                      uint64_t phys, bool uncached, int max_insns);

TranslationBlock *tb_find_or_translate(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    TranslationBlock *cached = jmp_cache_find(t, pc, cs_base, hflags);
    if (cached) {
        return cached;
    }
    bool is_ram;
    uint64_t phys = tlb_code_paddr(t, pc, x86_mmu_index(&t->cpu->env), &is_ram);
    TranslationBlock *tb = tb_table_find(t, phys, pc, cs_base, hflags);
    if (tb) {
        tb_jmp_cache_set(t, tb);
        return tb;
    }

    tb = tb_translate(t, pc, cs_base, hflags, phys, !is_ram, (hflags & HF_TF) ? 1 : 512);
    if (tb->uncached) {
        return tb;
    }
    tb_add_page(t, tb, tb->phys[0]);
    if (tb->phys[1] != (uint64_t)-1) {
        tb_add_page(t, tb, tb->phys[1]);
    }
    tb_table_insert(tb);
    tb_jmp_cache_set(t, tb);
    return tb;
}

/* One instruction, run once and not kept (an instruction that wrote over
 * its own block runs again alone: tcg_restart_insn). */
TranslationBlock *tb_translate_once(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    bool is_ram;
    uint64_t phys = tlb_code_paddr(t, pc, x86_mmu_index(&t->cpu->env), &is_ram);
    return tb_translate(t, pc, cs_base, hflags, phys, true, 1);
}

static TranslationBlock *tb_translate(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags,
                                      uint64_t phys, bool uncached, int max_insns)
{
    X86CPU *cpu = t->cpu;
    TranslationBlock *tb = g_new0(TranslationBlock, 1);
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->hflags = hflags;
    tb->phys[0] = phys & TARGET_PAGE_MASK;
    tb->phys[1] = (uint64_t)-1;
    tb->uncached = uncached;
    tb->ir = ir_block_begin();
    t->current_tb = tb; /* translator_fetch records the pages in it */
    tb->size = x86_translate_block(cpu, pc, cs_base, hflags, max_insns);
    ir_optimize(tb->ir);
    ir_block_finish(tb->ir);
    t->tbs_translated++;
    if (log_enabled(LOG_IN_ASM)) {
        log_block_asm(cpu, tb);
    }
    if (log_enabled(LOG_OP)) {
        log_printf("OP: pc 0x%016" G_GINT64_MODIFIER "x\n", tb->pc);
        ir_dump(tb->ir, log_line, NULL);
        log_printf("\n");
    }
    return tb;
}

void tb_link(TranslationBlock *from, int slot, TranslationBlock *to)
{
    if (from->invalid || to->invalid || to->uncached || from->uncached ||
        from->jmp_dest[slot] == to) {
        return;
    }
    if (from->jmp_dest[slot]) {
        /* relinked elsewhere (the old target was retranslated): forget it */
        TranslationBlock *old = from->jmp_dest[slot];
        for (guint i = 0; old->jmp_in && i < old->jmp_in->len; i++) {
            TBJump *j = &g_array_index(old->jmp_in, TBJump, i);
            if (j->from == from && j->slot == slot) {
                g_array_remove_index_fast(old->jmp_in, i);
                break;
            }
        }
    }
    from->jmp_dest[slot] = to;
    if (tcg_be->link) {
        tcg_be->link(from, slot, to);
    }
    if (!to->jmp_in) {
        to->jmp_in = g_array_new(FALSE, FALSE, sizeof(TBJump));
    }
    TBJump j = { from, slot };
    g_array_append_val(to->jmp_in, j);
}

bool tb_page_has_code(uint64_t paddr_page)
{
    return code_pages && g_hash_table_contains(code_pages, &paddr_page);
}

void tb_invalidate_phys_page(TCGCPU *t, uint64_t paddr_page)
{
    GPtrArray *list = g_hash_table_lookup(code_pages, &paddr_page);
    if (!list) {
        return;
    }
    g_ptr_array_ref(list);
    while (list->len) {
        TranslationBlock *tb = g_ptr_array_index(list, list->len - 1);
        if (tb == tcg_running_tb(t)) {
            t->current_tb_invalidated = true;
        }
        tb_invalidate(t, tb); /* removes it from list */
        t->tbs_invalidated++;
    }
    g_ptr_array_unref(list);
    g_hash_table_remove(code_pages, &paddr_page);
}

void tb_flush_all(TCGCPU *t)
{
    GPtrArray *all = g_ptr_array_new();
    for (size_t i = 0; i < tb_nslots; i++) {
        if (tb_slots[i].tb) {
            g_ptr_array_add(all, tb_slots[i].tb);
        }
    }
    for (guint i = 0; i < all->len; i++) {
        TranslationBlock *tb = g_ptr_array_index(all, i);
        if (tb == tcg_running_tb(t)) {
            t->current_tb_invalidated = true;
        }
        tb_invalidate(t, tb);
    }
    g_ptr_array_free(all, TRUE);
    /* all removed: start with empty slots, not a table of tombstones */
    memset(tb_slots, 0, tb_nslots * sizeof(*tb_slots));
    tb_nfilled = tb_nlive = 0;
    g_hash_table_remove_all(code_pages);
    t->tb_flushes++;
}
