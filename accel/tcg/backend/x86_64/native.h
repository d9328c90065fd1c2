/*
 * What the native backend's files share: the compiled form of a block, the
 * code cache's bounds, and the functions generated code calls.
 *   native.c      IR -> x86-64 code (op emission, blocks, loops)
 *   regalloc.c    the register allocator and liveness (regalloc.h: Gen)
 *   sse-inline.c  guest SSE arithmetic inline on the host's SSE unit
 *   code-cache.c  the code cache, running and chaining blocks, slow paths
 */
#ifndef ACCEL_TCG_BACKEND_X86_64_NATIVE_H
#define ACCEL_TCG_BACKEND_X86_64_NATIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/backend/x86_64/emit.h"
#include "accel/tcg/tcg-cpu.h"

/* A block's exit value in RAX: the block pointer | slot (0, 1) or this. */
enum { EXIT_NOCHAIN = IR_EXIT_NOCHAIN };

#define MAX_BLOCK_CODE (256u << 10) /* room a block must find, else the cache is flushed */
/* The stack frame the entry sequence makes: spill slots for temps. */
#define FRAME_SLOTS 4096
#define FRAME_SIZE (FRAME_SLOTS * 8 + 8) /* keeps RSP 16-byte aligned at calls */

typedef struct NativeTB {
    uint8_t *code;
    uint8_t *code_nocheck; /* past the exit-request check: for forward jumps */
    uint8_t *jmp_disp[IR_MAX_JUMPS];  /* goto_tb's patchable rel32, or NULL */
    uint8_t *jmp_reset[IR_MAX_JUMPS]; /* where it points when unlinked */
    TCGSite *sites;
} NativeTB;

/* Where the next block goes, the cache's end, and the exit sequence. */
extern uint8_t *native_cache_next, *native_cache_end, *native_epilogue;

/* Compile tb at native_cache_next; false if the cache is too full. */
bool native_compile(TCGCPU *t, TranslationBlock *tb, NativeTB *ntb);

/* Called from generated code. */
uint64_t native_ld_slow(TCGCPU *t, const TCGSite *site);
uint64_t native_st_slow(TCGCPU *t, const TCGSite *site);
const uint8_t *native_lookup(TCGCPU *t);

/* sse-inline.c: whether a call of fn with these constant arguments (nconst
 * of them; helper_sse_cvtsi2 takes a fourth, a register) runs inline, and
 * its fast path (val: that register; out: the result's; tmp a TCGCPU
 * scratch offset from R15; r two scratch registers; host_known: the host's
 * MXCSR is as the last inline operation left it). Returns the jcc
 * displacement that leads to the helper. Saving and restoring the host's
 * MXCSR around C code. */
typedef enum SseInlineKind {
    SSE_INLINE_NONE, SSE_INLINE_FP, SSE_INLINE_COMI, SSE_INLINE_CVT2SI, SSE_INLINE_CVTSI2
} SseInlineKind;
SseInlineKind sse_inline_kind(const void *fn, const uint64_t *args, unsigned nconst);
uint8_t *sse_inline_emit(CodeBuf *cb, SseInlineKind kind, const uint64_t *args, int val, int out,
                         int32_t tmp, bool host_known, const int r[2]);
void sse_save_mxcsr(CodeBuf *cb, int base, int32_t disp);
/* The host's MXCSR made known: default controls and the guest's flags
 * (the host's own flags are nobody's). Uses RAX and [R15 + tmp]. */
void sse_mxcsr_normalize(CodeBuf *cb, int32_t tmp);
void sse_load_mxcsr(CodeBuf *cb, int base, int32_t disp);
/* An integer SSE helper call with these constant arguments as one host
 * instruction on env's XMM slots: emitted (true), or not inlinable. */
bool sse_int_inline_emit(CodeBuf *cb, const void *fn, unsigned nargs, const uint64_t *args);

#endif
