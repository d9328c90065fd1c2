/*
 * The native backend's runtime: the code cache (one RWX mapping, its entry
 * and exit sequences), running compiled blocks, patching chained jumps, the
 * C functions generated code calls (TLB slow paths, lookup_and_goto), and
 * the debugging aids (-d out_asm, MIMIC_PERFMAP=1). Code generation is in
 * native.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/backend.h"
#include "accel/tcg/backend/x86_64/emit.h"
#include "accel/tcg/backend/x86_64/native.h"
#include "system/log.h"

#define CODE_CACHE_DEFAULT (64u << 20) /* -accel tcg,tb-size= changes it */

uint8_t *native_cache_next, *native_cache_end, *native_epilogue;
static uint8_t *code_buf;
typedef uintptr_t (*EnterFn)(X86CPUState *env, const uint8_t *code, TCGCPU *t);
static EnterFn enter_code;

/* ---- called from generated code ---- */

uint64_t native_ld_slow(TCGCPU *t, const TCGSite *site)
{
    t->site = site;
    return tlb_ld_slow(t, t->native_arg[0], IR_LDST_MEMOP(site->memop), IR_LDST_MMU(site->memop));
}

uint64_t native_st_slow(TCGCPU *t, const TCGSite *site)
{
    t->site = site;
    t->smc_restart = true; /* no check after stores: see tlb.c phys_write */
    tlb_st_slow(t, t->native_arg[0], t->native_arg[1], IR_LDST_MEMOP(site->memop),
                IR_LDST_MMU(site->memop));
    t->smc_restart = false;
    return 0;
}

/* lookup_and_goto: the code of the block for the current CS:rIP, or NULL
 * to return to the CPU loop (which translates it). */
const uint8_t *native_lookup(TCGCPU *t)
{
    X86CPUState *env = &t->cpu->env;
    uint64_t cs_base = env->segs[R_CS].base, pc = cs_base + env->rip;
    /* the jump cache first (what tb_lookup does, without its call) */
    TranslationBlock *hit = t->jmp_cache[tb_jmp_cache_hash(pc)];
    if (hit && hit->pc == pc && hit->cs_base == cs_base && hit->hflags == env->hflags &&
        hit->backend && !log_enabled(LOG_EXEC | LOG_CPU)) {
        return ((NativeTB *)hit->backend)->code;
    }
    if (atomic_load(&t->exit_request) || log_enabled(LOG_EXEC | LOG_CPU)) {
        return NULL;
    }
    /* a #PF fetching the target is the target's: rIP is already there */
    t->in_tb = false;
    TranslationBlock *tb = tb_lookup(t, env->segs[R_CS].base + env->rip, env->segs[R_CS].base,
                                     env->hflags);
    t->in_tb = true;
    if (!tb || tb->invalid || !tb->backend) {
        return NULL;
    }
    return ((NativeTB *)tb->backend)->code;
}

/* ---- blocks ---- */

static void native_free(void *prepared)
{
    NativeTB *ntb = prepared;
    if (ntb) {
        g_free(ntb->sites);
        g_free(ntb);
    }
}

/* MIMIC_PERFMAP=1: tell perf(1) which guest block each piece of host code
 * is, in /tmp/perf-PID.map (its JIT symbol map format). */
static void perfmap_add(const TranslationBlock *tb, const uint8_t *start, size_t size)
{
    static FILE *map;
    static int enabled = -1;
    if (enabled < 0) {
        const char *e = getenv("MIMIC_PERFMAP");
        enabled = e && *e && strcmp(e, "0");
        if (enabled) {
            char *path = g_strdup_printf("/tmp/perf-%d.map", (int)getpid());
            map = fopen(path, "w");
            g_free(path);
            enabled = map != NULL;
        }
    }
    if (enabled) {
        fprintf(map, "%" G_GINT64_MODIFIER "x %zx guest-%" G_GINT64_MODIFIER "x\n",
                (uint64_t)(uintptr_t)start, size, tb->pc);
        fflush(map);
    }
}

/* -d out_asm: hex, one line per 16 bytes at its host address (feed it to
 * a disassembler, e.g. objdump -D -b binary -m i386:x86-64). */
static void log_host_code(const TranslationBlock *tb, const uint8_t *code, size_t size)
{
    log_printf("OUT: pc 0x%016" G_GINT64_MODIFIER "x host %p size %zu\n", tb->pc, (void *)code, size);
    for (size_t off = 0; off < size; off += 16) {
        char line[64];
        size_t n = MIN(size - off, 16), k = 0;
        for (size_t j = 0; j < n; j++) {
            k += (size_t)snprintf(line + k, sizeof(line) - k, "%02x", code[off + j]);
        }
        log_printf("  %p: %s\n", (void *)(code + off), line);
    }
    log_printf("\n");
}

static void native_prepare(TCGCPU *t, TranslationBlock *tb)
{
    if (tb->backend) {
        return;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        NativeTB *ntb = g_new0(NativeTB, 1);
        if (native_compile(t, tb, ntb)) {
            tb->backend = ntb;
            ir_block_release_ops(tb->ir);
            perfmap_add(tb, ntb->code, (size_t)(native_cache_next - ntb->code));
            if (log_enabled(LOG_OUT_ASM)) {
                log_host_code(tb, ntb->code, (size_t)(native_cache_next - ntb->code));
            }
            return;
        }
        native_free(ntb);
        /* the code cache is full: drop every block and start over */
        tb_flush_all(t);
        t->code_cache_flushes++;
        native_cache_next = native_epilogue + 64;
    }
    fprintf(stderr, "mimic: tcg: the block at 0x%" G_GINT64_MODIFIER "x does not fit the native "
            "backend's limits; use -accel tcg,backend=interp\n", tb->pc);
    exit(1);
}

static void native_exec(TCGCPU *t, TranslationBlock *tb, TranslationBlock **last, int *slot)
{
    NativeTB *ntb = tb->backend;
    t->in_tb = true;
    t->current_tb_invalidated = false;
    t->current_tb = tb;
    t->tb_cs_base = tb->cs_base;
    t->site = NULL;
    uintptr_t r = enter_code(&t->cpu->env, ntb->code, t);
    t->in_tb = false;
    t->site = NULL;
    *last = (TranslationBlock *)(r & ~(uintptr_t)7);
    *slot = (r & 7) < IR_MAX_JUMPS ? (int)(r & 7) : -1;
}

/* A chained jump to a higher address skips the target's exit-request
 * check: a cycle of blocks has at least one jump that does not go up, and
 * that one checks, so a requested exit still comes within one pass over
 * the code (indirect jumps enter with the check too). */
static void native_link(TranslationBlock *from, int slot, TranslationBlock *to)
{
    NativeTB *f = from->backend, *n = to->backend;
    if (f && n && f->jmp_disp[slot] && !log_enabled(LOG_EXEC | LOG_CPU)) {
        patch_rel32(f->jmp_disp[slot], to->pc > from->pc ? n->code_nocheck : n->code);
    }
}

static void native_unlink(TranslationBlock *from, int slot)
{
    NativeTB *f = from->backend;
    if (f && f->jmp_disp[slot]) {
        patch_rel32(f->jmp_disp[slot], f->jmp_reset[slot]);
    }
}

/* The entry and exit sequences, once at the start of the code cache:
 * enter(env, code) saves the callee-saved registers, makes the frame and
 * jumps to code; blocks leave through the native_epilogue with RAX = the value
 * native_exec decodes (block | exit slot). */
static bool code_cache_init(char **err)
{
    if (code_buf) {
        return true;
    }
    /* near the executable if possible, so helper calls are rel32 calls */
    size_t size = tcg_code_cache_size ? tcg_code_cache_size : CODE_CACHE_DEFAULT;
    uintptr_t hint = ((uintptr_t)&native_exec & ~(uintptr_t)0xfffff) - size - (64u << 20);
    void *p = mmap((void *)hint, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        *err = g_strdup("tcg native backend: cannot map an executable code cache");
        return false;
    }
    code_buf = p;
    native_cache_end = code_buf + size;
    CodeBuf cb = { code_buf, native_cache_end };
    static const int8_t saved[] = { RBP, RBX, R12, R13, R14, R15 };
    enter_code = (EnterFn)(void *)cb.ptr;
    for (unsigned i = 0; i < sizeof(saved); i++) {
        push_r(&cb, saved[i]);
    }
    alu_ri(&cb, true, ALU_SUB, RSP, FRAME_SIZE);
    mov_rr(&cb, true, RBP, RDI);
    mov_rr(&cb, true, R15, RDX);
    jmp_reg(&cb, RSI);
    native_epilogue = cb.ptr;
    alu_ri(&cb, true, ALU_ADD, RSP, FRAME_SIZE);
    for (int i = sizeof(saved) - 1; i >= 0; i--) {
        pop_r(&cb, saved[i]);
    }
    ret(&cb);
    native_cache_next = native_epilogue + 64;
    return true;
}

static bool native_init(TCGCPU *t, char **err)
{
    _Static_assert(sizeof(TLBEntry) == 32, "the inline TLB lookup scales the index by 32");
    return code_cache_init(err);
}

const TCGBackend tcg_backend_native = {
    .name = "native",
    .init = native_init,
    .prepare = native_prepare,
    .exec = native_exec,
    .free = native_free,
    .link = native_link,
    .unlink = native_unlink,
};
