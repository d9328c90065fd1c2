/*
 * The interface between the tcg CPU loop and a code generator ("backend").
 * The portable interpreter (backend/interp.c) runs IR directly on any host;
 * the native backend (backend/x86_64/) compiles it to x86-64 host code.
 * One backend is chosen per process (-accel tcg,backend=interp|native).
 */
#ifndef ACCEL_TCG_BACKEND_H
#define ACCEL_TCG_BACKEND_H

#include "accel/tcg/tcg-cpu.h"

typedef struct TCGBackend {
    const char *name;
    /* Can this host use it, and set up for vCPU t (false + *err if not). */
    bool (*init)(TCGCPU *t, char **err);
    /* Make tb runnable (once, after translation). May flush the whole
     * translation cache if it is full, which invalidates every block
     * (tb included; it still runs once). */
    void (*prepare)(TCGCPU *t, TranslationBlock *tb);
    /* Run tb and the blocks chained from it; *last and *slot say through
     * which exit it left (slot -1: not chainable). */
    void (*exec)(TCGCPU *t, TranslationBlock *tb, TranslationBlock **last, int *slot);
    /* Free the prepared form (tb->backend). */
    void (*free)(void *prepared);
    /* from's exit slot now leads to to (tb->jmp_dest is already set), or
     * no longer does. Optional: the interpreter follows jmp_dest itself. */
    void (*link)(TranslationBlock *from, int slot, TranslationBlock *to);
    void (*unlink)(TranslationBlock *from, int slot);
} TCGBackend;

extern const TCGBackend tcg_backend_interp;
#ifdef __x86_64__
extern const TCGBackend tcg_backend_native;
#endif

/* The backend in use (set by the tcg accelerator's init). */
extern const TCGBackend *tcg_be;
/* -accel tcg,tb-size=MiB: the native code cache's size (0: the default). */
extern size_t tcg_code_cache_size;

#endif
