/*
 * The tcg accelerator: the CPU loop that finds or translates the block at
 * CS:rIP, runs it with the interpreter, takes interrupts at block
 * boundaries and delivers exceptions. Guest exceptions unwind here with
 * siglongjmp from wherever they are raised (a helper, the TLB, the
 * translator); when one comes from inside a block, rIP and the lazy flags
 * state are put back to those of the faulting instruction first.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "accel/accel.h"
#include "accel/tcg/backend.h"
#include "hw/core/device.h"
#include "system/log.h"
#include "system/main-loop.h"
#include "system/runstate.h"
#include "target/x86/cc.h"
#include "target/x86/translate.h"

/* exception_index values that are not vectors */
#define EXCP_EXIT_LOOP (-1)
#define EXCP_RESTART (-2) /* back to the instruction's start, as for a fault, with no exception */

_Noreturn void tcg_unwind(TCGCPU *t)
{
    siglongjmp(t->jmp_env, 1);
}

_Noreturn void tcg_restart_insn(TCGCPU *t)
{
    t->run_one_insn = true;
    t->cpu->env.exception_index = EXCP_RESTART;
    tcg_unwind(t);
}

static _Noreturn void raise_common(X86CPU *cpu, int vector, bool has_err, uint32_t err, bool soft,
                                   uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    env->exception_index = vector;
    env->exception_has_error = has_err;
    env->error_code = err;
    env->exception_is_soft = soft;
    env->exception_next_rip = next_rip;
    tcg_unwind(tcg_cpu(cpu));
}

_Noreturn void cpu_raise_exception(X86CPU *cpu, int vector)
{
    raise_common(cpu, vector, false, 0, false, 0);
}

_Noreturn void cpu_raise_exception_err(X86CPU *cpu, int vector, uint32_t error_code)
{
    raise_common(cpu, vector, true, error_code, false, 0);
}

_Noreturn void cpu_raise_soft_interrupt(X86CPU *cpu, int vector, uint64_t next_rip)
{
    raise_common(cpu, vector, false, 0, true, next_rip);
}

_Noreturn void cpu_loop_exit(X86CPU *cpu)
{
    cpu->env.exception_index = EXCP_EXIT_LOOP;
    tcg_unwind(tcg_cpu(cpu));
}

void x86_triple_fault(X86CPU *cpu)
{
    TCGCPU *t = tcg_cpu(cpu);
    t->triple_fault = true;
    cpu->env.exception_index = EXCP_EXIT_LOOP;
    tcg_unwind(t);
}

const TCGBackend *tcg_be;
size_t tcg_code_cache_size;

static bool tcg_available(char **why)
{
    (void)why;
    return true;
}

/* -accel tcg[,backend=interp|native]; MIMIC_TCG_BACKEND picks the default
 * (the test suite runs everything under both). */
static int tcg_pick_backend(const Machine *m, char **err)
{
    const char *name = NULL;
    const char *opts = m->cfg ? m->cfg->accel_opts : NULL;
    if (opts && *opts) {
        gchar **props = g_strsplit(opts, ",", -1);
        for (gchar **p = props; *p; p++) {
            uint64_t mib;
            if (g_str_has_prefix(*p, "backend=")) {
                name = g_intern_string(*p + 8);
            } else if (g_str_has_prefix(*p, "tb-size=")) {
                if (!parse_u64(*p + 8, &mib) || mib < 1 || mib > 2048) {
                    *err = g_strdup_printf("-accel tcg,%s: the code cache size is 1 to 2048 (MiB)", *p);
                    g_strfreev(props);
                    return -1;
                }
                tcg_code_cache_size = (size_t)mib << 20;
            } else if (**p) {
                *err = g_strdup_printf("-accel tcg: unknown property '%s' (tcg takes backend= and tb-size=)",
                                       *p);
                g_strfreev(props);
                return -1;
            }
        }
        g_strfreev(props);
    }
    if (!name) {
        name = getenv("MIMIC_TCG_BACKEND");
    }
#ifdef __x86_64__
    const TCGBackend *dflt = &tcg_backend_native;
#else
    const TCGBackend *dflt = &tcg_backend_interp;
#endif
    if (!name || !*name) {
        tcg_be = dflt;
    } else if (!strcmp(name, "interp")) {
        tcg_be = &tcg_backend_interp;
#ifdef __x86_64__
    } else if (!strcmp(name, "native")) {
        tcg_be = &tcg_backend_native;
#endif
    } else {
        *err = g_strdup_printf("-accel tcg,backend=%s: unknown backend (interp%s)", name,
#ifdef __x86_64__
                               " or native"
#else
                               "; native needs an x86-64 host"
#endif
        );
        return -1;
    }
    return 0;
}

/*
 * RAM or ROM appeared or vanished at some guest-physical range (PAM
 * shadowing, a PCI BAR moving): the TLB's host pointers and blocks
 * translated from the old contents are stale. Map changes are rare, so
 * everything goes; inside a running block the invalidated code is freed
 * only between blocks, as for self-modifying code.
 */
static void tcg_mem_changed(void *opaque, const MemRegion *r)
{
    Machine *m = opaque;
    (void)r;
    if (m->cpu && m->cpu->accel) {
        tlb_flush(m->cpu, true);
        tb_flush_all(tcg_cpu(m->cpu));
    }
}

/*
 * Devices (IDE bus-master, fw_cfg DMA) and loaders write guest RAM without
 * going through the TLB, so the self-modifying-code check never sees
 * them: code translated from that RAM is dropped here. The TB cache
 * belongs to the vCPU thread; writes made on another thread are queued and
 * handled by the CPU loop before it runs the next block.
 */
static GMutex dma_lock;
static GArray *dma_ranges; /* uint64_t start, end pairs */
static atomic_bool dma_pending;

static void tcg_invalidate_range(TCGCPU *t, uint64_t start, uint64_t end)
{
    for (uint64_t page = start & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        if (tb_page_has_code(page)) {
            tb_invalidate_phys_page(t, page);
        }
    }
}

static void tcg_ram_written(void *opaque, uint64_t addr, uint64_t len)
{
    Machine *m = opaque;
    X86CPU *cpu = m->cpu;
    if (!cpu || !cpu->accel || !len) {
        return;
    }
    if (cpu->thread && pthread_equal(pthread_self(), cpu->thread)) {
        tcg_invalidate_range(tcg_cpu(cpu), addr, addr + len);
        return;
    }
    g_mutex_lock(&dma_lock);
    if (!dma_ranges) {
        dma_ranges = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    }
    uint64_t range[2] = { addr, addr + len };
    g_array_append_vals(dma_ranges, range, 2);
    g_mutex_unlock(&dma_lock);
    atomic_store(&dma_pending, true);
    atomic_store(&tcg_cpu(cpu)->exit_request, true);
}

static void tcg_drain_dma(TCGCPU *t)
{
    g_mutex_lock(&dma_lock);
    atomic_store(&dma_pending, false);
    for (guint i = 0; dma_ranges && i + 1 < dma_ranges->len; i += 2) {
        tcg_invalidate_range(t, g_array_index(dma_ranges, uint64_t, i),
                             g_array_index(dma_ranges, uint64_t, i + 1));
    }
    if (dma_ranges) {
        g_array_set_size(dma_ranges, 0);
    }
    g_mutex_unlock(&dma_lock);
}

static int tcg_init(Machine *m, char **err)
{
    if (tcg_pick_backend(m, err) < 0) {
        return -1;
    }
    tb_cache_init();
    x86_translate_init();
    m->accel_irqchip = false;
    MemListener l = { .ram_add = tcg_mem_changed, .ram_del = tcg_mem_changed,
                      .ram_written = tcg_ram_written, .opaque = m };
    as_add_listener(m->mem, &l);
    return 0;
}

static int tcg_vcpu_init(X86CPU *cpu, char **err)
{
    if (cpu->model->passthrough) {
        *err = g_strdup("-cpu host needs -accel kvm");
        return -1;
    }
    TCGCPU *t = g_new0(TCGCPU, 1);
    t->cpu = cpu;
    tlb_init(t);
    cpu->accel = t;
    if (!tcg_be) {
        tcg_be = &tcg_backend_interp; /* unit tests that skip init */
    }
    if (!tcg_be->init(t, err)) {
        cpu->accel = NULL;
        g_free(t);
        return -1;
    }
    cpu->env.exception_old = -1;
    return 0;
}

static void tcg_destroy(Machine *m)
{
    X86CPU *cpu = m->cpu;
    if (cpu && cpu->accel) {
        TCGCPU *t = cpu->accel;
        const char *stats = getenv("MIMIC_TCG_STATS");
        if (stats && *stats && strcmp(stats, "0")) {
            fprintf(stderr,
                    "mimic: tcg (%s): %" G_GUINT64_FORMAT " blocks translated, %" G_GUINT64_FORMAT
                    " invalidated, %" G_GUINT64_FORMAT " full flushes, %" G_GUINT64_FORMAT
                    " code cache flushes; TLB: %" G_GUINT64_FORMAT " fills, %" G_GUINT64_FORMAT
                    " victim hits, %" G_GUINT64_FORMAT " flushes, %" G_GUINT64_FORMAT
                    " page flushes; block table: %" G_GUINT64_FORMAT " searches, %" G_GUINT64_FORMAT " slots read\n",
                    tcg_be->name, t->tbs_translated, t->tbs_invalidated, t->tb_flushes,
                    t->code_cache_flushes, t->tlb_fills, t->tlb_victim_hits, t->tlb_flushes, t->tlb_page_flushes,
                    t->tb_table_lookups, t->tb_table_probes);
        }
        tb_flush_all(t);
        tb_free_deferred();
        g_free(t);
        cpu->accel = NULL;
    }
}

/* After a reset or a register load from outside: everything derived from
 * the registers is recomputed. */
static int tcg_put_state(X86CPU *cpu)
{
    TCGCPU *t = tcg_cpu(cpu);
    X86CPUState *env = &cpu->env;
    env->exception_old = -1; /* nothing is being delivered */
    env->exception_index = EXCP_EXIT_LOOP;
    x86_cpu_load_eflags(env, env->rflags, ~0ull);
    x86_update_hflags(env);
    tlb_flush(cpu, true);
    /* RAM was rewritten behind the TLB (the loaders): drop all code */
    tb_flush_all(t);
    return 0;
}

static int tcg_get_state(X86CPU *cpu)
{
    x86_cpu_sync_eflags(&cpu->env);
    return 0;
}

static void tcg_vcpu_kick(X86CPU *cpu)
{
    TCGCPU *t = tcg_cpu(cpu);
    if (t) {
        atomic_store(&t->exit_request, true);
    }
}

static void log_cpu_state(const X86CPUState *env)
{
    static const char *const names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                           "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
    for (int i = 0; i < 16; i += 4) {
        log_printf("%-3s=%016" G_GINT64_MODIFIER "x %-3s=%016" G_GINT64_MODIFIER "x %-3s=%016" G_GINT64_MODIFIER
                   "x %-3s=%016" G_GINT64_MODIFIER "x\n",
                   names[i], env->regs[i], names[i + 1], env->regs[i + 1], names[i + 2],
                   env->regs[i + 2], names[i + 3], env->regs[i + 3]);
    }
    log_printf("rip=%016" G_GINT64_MODIFIER "x rfl=%08" G_GINT64_MODIFIER "x cc_op=%u hflags=%08x\n",
               env->rip, env->rflags, env->cc_op, env->hflags);
    static const char *const segs[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };
    for (int i = 0; i < SEG_COUNT; i++) {
        const SegmentCache *sc = &env->segs[i];
        log_printf("%s =%04x %016" G_GINT64_MODIFIER "x %08x %04x\n", segs[i], sc->selector, sc->base,
                   sc->limit, sc->flags);
    }
    log_printf("cr0=%08" G_GINT64_MODIFIER "x cr2=%016" G_GINT64_MODIFIER "x cr3=%016" G_GINT64_MODIFIER
               "x cr4=%08" G_GINT64_MODIFIER "x efer=%" G_GINT64_MODIFIER "x\n",
               env->cr0, env->cr2, env->cr3, env->cr4, env->efer);
}

/* Deliver what the last unwind recorded. Raising again inside (a fault
 * while pushing the frame) comes back through the setjmp in the loop. */
static void deliver_exception(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    int vector = env->exception_index;
    env->exception_index = EXCP_EXIT_LOOP;
    x86_cpu_sync_eflags(env);
    if (log_enabled(LOG_INT)) {
        log_printf("exception %d%s err=%x at %04x:%016" G_GINT64_MODIFIER "x cr2=%" G_GINT64_MODIFIER "x\n",
                   vector, env->exception_is_soft ? " (int n)" : "", env->error_code,
                   env->segs[R_CS].selector, env->rip, env->cr2);
    }
    x86_do_interrupt(cpu, vector, false, env->exception_is_soft, env->exception_has_error,
                     env->error_code, env->exception_next_rip);
    env->exception_old = -1;
}

static bool interrupt_deliverable(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    return atomic_load(&cpu->intr) && (env->rflags & RFLAGS_IF) && !(env->hflags & HF_INHIBIT_IRQ);
}

static AccelExit tcg_vcpu_run(X86CPU *cpu)
{
    TCGCPU *t = tcg_cpu(cpu);
    X86CPUState *env = &cpu->env;
    /* live across siglongjmp: volatile */
    TranslationBlock *volatile last = NULL;
    volatile int last_slot = -1;

    if (sigsetjmp(t->jmp_env, 0)) {
        /* a guest exception or loop exit unwound to here */
        IRBlock *partial = ir_block_current();
        if (t->in_tb && env->exception_index != EXCP_EXIT_LOOP) {
            /* a fault: back to the state before the faulting instruction
             * (cpu_loop_exit callers have already set rIP and cc_op);
             * native code says where through the site it published */
            uint64_t pc = t->site ? t->site->pc : t->insn_pc;
            uint64_t cs_base = t->site ? t->site->tb->cs_base : t->tb_cs_base;
            uint32_t cc_op = t->site ? t->site->cc_op : t->insn_cc_op;
            env->rip = pc - cs_base;
            if (cc_op != CC_OP_DYNAMIC) {
                env->cc_op = cc_op; /* else env holds it already */
            }
        }
        if (env->exception_index == EXCP_RESTART) {
            env->exception_index = EXCP_EXIT_LOOP;
        }
        t->site = NULL;
        t->smc_restart = false;
        if (t->in_tb) {
            t->in_tb = false;
        } else if (partial && t->current_tb && t->current_tb->ir == partial &&
                   !t->current_tb->size) {
            /* faulted while translating: that block never existed */
            ir_block_free(partial);
            g_free(t->current_tb);
        }
        t->current_tb = NULL;
        last = NULL;
        last_slot = -1;
        if (t->triple_fault) {
            t->triple_fault = false;
            return ACCEL_EXIT_SHUTDOWN;
        }
        if (env->exception_index >= 0) {
            deliver_exception(cpu);
        }
        if (env->halted) {
            return ACCEL_EXIT_HALT;
        }
    }

    while (!atomic_load(&t->exit_request)) {
        if (atomic_load(&dma_pending)) {
            tcg_drain_dma(t);
        }
        /* The block that ran last may have invalidated itself (a store into
         * its own page: a CALL pushing onto a stack in that page, as boot
         * sectors at 0x7c00 do), and the deferred free below frees it. A
         * block translated next is likely to be allocated at its address,
         * and chaining "last" to it would then link that block to itself. */
        if (last && last->invalid) {
            last = NULL;
        }
        tb_free_deferred();
        if (interrupt_deliverable(cpu)) {
            bql_lock();
            int vector = cpu->intack(cpu->intack_opaque);
            bql_unlock();
            x86_cpu_sync_eflags(env);
            env->halted = false;
            if (log_enabled(LOG_INT)) {
                log_printf("interrupt 0x%02x at %04x:%016" G_GINT64_MODIFIER "x\n", vector,
                           env->segs[R_CS].selector, env->rip);
            }
            x86_do_interrupt(cpu, vector, true, false, false, 0, 0);
            last = NULL;
        }
        if (env->halted) {
            return ACCEL_EXIT_HALT;
        }
        uint64_t cs_base = env->segs[R_CS].base;
        TranslationBlock *tb = t->run_one_insn ? tb_translate_once(t, cs_base + env->rip, cs_base, env->hflags)
                                               : tb_find_or_translate(t, cs_base + env->rip, cs_base, env->hflags);
        t->run_one_insn = false;
        tcg_be->prepare(t, tb); /* may flush everything: last is then invalid */
        if (last && last_slot >= 0 && !last->invalid &&
            (last->pc & TARGET_PAGE_MASK) == (tb->pc & TARGET_PAGE_MASK) &&
            last->hflags == tb->hflags && last->cs_base == tb->cs_base) {
            tb_link(last, last_slot, tb);
        }
        if (log_enabled(LOG_CPU)) {
            x86_cpu_sync_eflags(env);
            log_cpu_state(env);
        }
        if (log_enabled(LOG_EXEC)) {
            log_printf("Trace %p [%016" G_GINT64_MODIFIER "x/%08x]\n", (void *)tb, tb->pc, tb->hflags);
        }
        TranslationBlock *ran;
        int slot;
        tcg_be->exec(t, tb, &ran, &slot);
        last = ran;
        last_slot = slot;
        if (tb->uncached && !tb->invalid) {
            tb->invalid = true; /* run once: MMIO contents may change */
            tcg_be->free(tb->backend);
            ir_block_free(tb->ir);
            g_free(tb);
            last = NULL;
        }
    }
    atomic_store(&t->exit_request, false);
    return ACCEL_EXIT_CONTINUE;
}

const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .available = tcg_available,
    .init = tcg_init,
    .vcpu_init = tcg_vcpu_init,
    .vcpu_run = tcg_vcpu_run,
    .vcpu_kick = tcg_vcpu_kick,
    .get_state = tcg_get_state,
    .put_state = tcg_put_state,
    .destroy = tcg_destroy,
};
