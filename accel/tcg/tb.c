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

typedef struct TBKey {
    uint64_t phys_pc, pc, cs_base;
    uint32_t hflags;
} TBKey;

static GHashTable *tb_table;   /* TBKey* -> TranslationBlock* */
static GHashTable *code_pages; /* physical page -> GPtrArray of TranslationBlock* */
static GPtrArray *deferred;    /* invalidated blocks waiting to be freed */

static guint tb_key_hash(gconstpointer p)
{
    const TBKey *k = p;
    uint64_t h = k->pc * 0x9e3779b97f4a7c15ull ^ k->phys_pc ^ (uint64_t)k->hflags << 7 ^ k->cs_base;
    return (guint)(h ^ h >> 32);
}

static gboolean tb_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(TBKey)) == 0;
}

static void tb_key_fill(TBKey *k, uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    memset(k, 0, sizeof(*k)); /* padding takes part in memcmp */
    k->phys_pc = phys_pc;
    k->pc = pc;
    k->cs_base = cs_base;
    k->hflags = hflags;
}

void tb_cache_init(void)
{
    if (tb_table) {
        return;
    }
    tb_table = g_hash_table_new_full(tb_key_hash, tb_key_equal, g_free, NULL);
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

static uint64_t tb_phys_pc(const TranslationBlock *tb)
{
    return tb->phys[0] + (tb->pc & ~TARGET_PAGE_MASK);
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
    TBKey k;
    tb_key_fill(&k, tb_phys_pc(tb), tb->pc, tb->cs_base, tb->hflags);
    if (g_hash_table_lookup(tb_table, &k) == tb) {
        g_hash_table_remove(tb_table, &k);
    }
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

TranslationBlock *tb_lookup(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    TranslationBlock *tb = jmp_cache_find(t, pc, cs_base, hflags);
    if (tb) {
        return tb;
    }
    bool is_ram;
    uint64_t phys = tlb_code_paddr(t, pc, x86_mmu_index(&t->cpu->env), &is_ram);
    TBKey k;
    tb_key_fill(&k, phys, pc, cs_base, hflags);
    tb = g_hash_table_lookup(tb_table, &k);
    if (tb) {
        t->jmp_cache[tb_jmp_cache_hash(pc)] = tb;
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

TranslationBlock *tb_find_or_translate(TCGCPU *t, uint64_t pc, uint64_t cs_base, uint32_t hflags)
{
    TranslationBlock *cached = jmp_cache_find(t, pc, cs_base, hflags);
    if (cached) {
        return cached;
    }
    bool is_ram;
    X86CPU *cpu = t->cpu;
    uint64_t phys = tlb_code_paddr(t, pc, x86_mmu_index(&cpu->env), &is_ram);
    TBKey k;
    tb_key_fill(&k, phys, pc, cs_base, hflags);
    TranslationBlock *tb = g_hash_table_lookup(tb_table, &k);
    if (tb) {
        t->jmp_cache[tb_jmp_cache_hash(pc)] = tb;
        return tb;
    }

    tb = g_new0(TranslationBlock, 1);
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->hflags = hflags;
    tb->phys[0] = phys & TARGET_PAGE_MASK;
    tb->phys[1] = (uint64_t)-1;
    tb->uncached = !is_ram;
    tb->ir = ir_block_begin();
    t->current_tb = tb; /* translator_fetch records the pages in it */
    tb->size = x86_translate_block(cpu, pc, cs_base, hflags, (hflags & HF_TF) ? 1 : 512);
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

    if (tb->uncached) {
        return tb;
    }
    tb_add_page(t, tb, tb->phys[0]);
    if (tb->phys[1] != (uint64_t)-1) {
        tb_add_page(t, tb, tb->phys[1]);
    }
    TBKey *key = g_new(TBKey, 1);
    *key = k;
    g_hash_table_insert(tb_table, key, tb);
    t->jmp_cache[tb_jmp_cache_hash(pc)] = tb;
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
    GHashTableIter it;
    gpointer key, value;
    GPtrArray *all = g_ptr_array_new();
    g_hash_table_iter_init(&it, tb_table);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        g_ptr_array_add(all, value);
    }
    for (guint i = 0; i < all->len; i++) {
        TranslationBlock *tb = g_ptr_array_index(all, i);
        if (tb == tcg_running_tb(t)) {
            t->current_tb_invalidated = true;
        }
        tb_invalidate(t, tb);
    }
    g_ptr_array_free(all, TRUE);
    g_hash_table_remove_all(code_pages);
    t->tb_flushes++;
}
