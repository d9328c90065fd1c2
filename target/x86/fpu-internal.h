/*
 * The x87/MMX/SSE state as the helpers see it: accessors on env->fxsave,
 * which holds it in the FXSAVE layout (Intel SDM vol. 1, 10.5.1, table
 * 10-2): FCW, FSW, the abridged tag word (one bit per physical register,
 * 1 = not empty), FOP, FIP, FDP, MXCSR, ST(0)-ST(7) in stack order, XMM0-15.
 * TOP lives in FSW bits 13:11. ST(i) is physical register (TOP + i) & 7, so
 * a push or pop rotates the eight 16-byte slots by one; MMx is physical
 * register x (SDM vol. 1, 9.5.1), i.e. slot x once MMX code has set TOP 0.
 * env->mxcsr is authoritative for MXCSR; fxsave+24 is written by FXSAVE only.
 */
#ifndef TARGET_X86_FPU_INTERNAL_H
#define TARGET_X86_FPU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "target/x86/cpu.h"
#include "target/x86/host-fpu.h"

#define FX_FCW 0
#define FX_FSW 2
#define FX_FTW 4
#define FX_FOP 6
#define FX_FIP 8
#define FX_FDP 16
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define FX_ST(i) (32 + 16 * (i))
#define FX_XMM(i) (160 + 16 * (i))

/* Offsets of registers in X86CPUState, for SIMD helpers' operands. */
#define ENV_XMM_OFF(i) (offsetof(X86CPUState, fxsave) + FX_XMM(i))
#define ENV_MM_OFF(i) (offsetof(X86CPUState, fxsave) + FX_ST(i))
#define ENV_T0_OFF offsetof(X86CPUState, xmm_t0)

/* FCW fields (SDM vol. 1, 8.1.5) */
#define FCW_EXC_MASKS 0x003f
#define FCW_PC_SHIFT 8
#define FCW_RC_SHIFT 10

static inline uint16_t fx_ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static inline void fx_st16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static inline uint32_t fx_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void fx_st32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline uint64_t fx_ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void fx_st64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static inline uint16_t fpu_fcw(const X86CPUState *env)
{
    return fx_ld16(env->fxsave + FX_FCW);
}

static inline uint16_t fpu_fsw(const X86CPUState *env)
{
    return fx_ld16(env->fxsave + FX_FSW);
}

static inline void fpu_set_fsw(X86CPUState *env, uint16_t fsw)
{
    fx_st16(env->fxsave + FX_FSW, fsw);
}

static inline int fpu_top(const X86CPUState *env)
{
    return (fpu_fsw(env) & FSW_TOP_MASK) >> FSW_TOP_SHIFT;
}

static inline int fpu_phys(const X86CPUState *env, int i)
{
    return (fpu_top(env) + i) & 7;
}

static inline bool fpu_st_empty(const X86CPUState *env, int i)
{
    return !((env->fxsave[FX_FTW] >> fpu_phys(env, i)) & 1);
}

static inline void fpu_st_get(const X86CPUState *env, int i, Fx80 *v)
{
    memset(v, 0, sizeof(*v));
    memcpy(v, env->fxsave + FX_ST(i), 10);
}

/* Write ST(i) and tag it not empty. Bytes 10-15 of a slot are reserved:
 * kept zero as FXSAVE writes them. */
static inline void fpu_st_set(X86CPUState *env, int i, const Fx80 *v)
{
    memcpy(env->fxsave + FX_ST(i), v, 10);
    memset(env->fxsave + FX_ST(i) + 10, 0, 6);
    env->fxsave[FX_FTW] |= (uint8_t)(1u << fpu_phys(env, i));
}

/* The x87's "real indefinite": the QNaN a masked invalid operation returns. */
static inline Fx80 fpu_indefinite(void)
{
    return (Fx80){ .mant = 0xc000000000000000ull, .sexp = 0xffff };
}

/* Decrement TOP (the slot of ST(7) becomes ST(0), contents kept). */
void fpu_push(X86CPUState *env);
/* Tag ST(0) empty and increment TOP (its contents move to ST(7)). */
void fpu_pop(X86CPUState *env);
/* Change TOP, rotating the slots so each physical register keeps its
 * contents (FLDENV, FNINIT). */
void fpu_set_top(X86CPUState *env, int top);
/* TOP = 0: physical register x in slot x, as MMX instructions address them. */
void fpu_set_top0(X86CPUState *env);

/* ES and B summarise the unmasked exception flags (SDM vol. 1, 8.1.3.1). */
void fpu_update_es(X86CPUState *env);

/* The 16-bit full tag word of FSTENV/FSAVE (SDM vol. 1, 8.1.7), from the
 * abridged one and the register contents. */
uint16_t fpu_full_tag_word(const X86CPUState *env);
/* Abridged tag byte of a full tag word (FLDENV/FRSTOR: 11 = empty). */
uint8_t fpu_abridge_tag_word(uint16_t ftw);

#endif
