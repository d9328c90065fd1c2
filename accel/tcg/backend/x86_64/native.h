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

/* sse-inline.c: can helper_sse_fp's operation hop run inline, and emit its
 * fast path (operands at env offsets d and s, tmp a TCGCPU scratch offset
 * from R15); returns how many jcc displacements in slow[] lead to the helper. */
bool sse_inline_supported(uint64_t hop);
unsigned sse_inline_emit(CodeBuf *cb, uint64_t hop, int32_t d, int32_t s, uint64_t imm,
                         int32_t tmp, uint8_t *slow[4]);
/* An integer SSE helper call with these constant arguments as one host
 * instruction on env's XMM slots: emitted (true), or not inlinable. */
bool sse_int_inline_emit(CodeBuf *cb, const void *fn, unsigned nargs, const uint64_t *args);

#endif
