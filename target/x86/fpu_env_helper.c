/*
 * x87/SSE control instructions: FNINIT, FNCLEX, FLDCW, FNSTENV/FLDENV,
 * FNSAVE/FRSTOR, FXSAVE/FXRSTOR, LDMXCSR, and the MMX state transitions
 * (Intel SDM vol. 1, 8.1.5-8.1.10 and figures 8-9 to 8-12 for the
 * environment images, 10.5.1 tables 10-2 to 10-4 for FXSAVE, 9.5-9.6 for
 * MMX/x87 aliasing; vol. 2 instruction pages).
 *
 * What this models of the current Intel parts the kvm oracle runs on
 * (CPUID.7.EBX bits 6 and 13): FCS and FDS are stored as 0, and FSTENV's
 * reserved upper halves read 0xffff. Loading a status and control word
 * re-derives ES and B from the unmasked flags, as FLDCW/FLDENV/FXRSTOR do on
 * hardware. FLDCW keeps bits 12 and 0-5, 8-11 and reads bit 6 as 1.
 */
#include "accel/tcg/exec.h"
#include "target/x86/excp.h"
#include "target/x86/fpu-internal.h"
#include "target/x86/fpu_helper.h"

#define FCW_WRITABLE 0x1f3f
#define FCW_ONES 0x0040

/* ---- tag word ---- */

static unsigned tag_of(const uint8_t *reg)
{
    uint64_t mant = fx_ld64(reg);
    uint16_t exp = fx_ld16(reg + 8) & 0x7fff;

    if (exp == 0x7fff) {
        return 2; /* special: infinity, NaN */
    }
    if (exp == 0) {
        return mant ? 2 : 1; /* denormal is special, zero is zero */
    }
    return (mant >> 63) ? 0 : 2; /* unnormal: special */
}

uint16_t fpu_full_tag_word(const X86CPUState *env)
{
    int top = fpu_top(env);
    uint16_t ftw = 0;

    for (int p = 0; p < 8; p++) {
        unsigned tag = 3;
        if ((env->fxsave[FX_FTW] >> p) & 1) {
            tag = tag_of(env->fxsave + FX_ST((p - top) & 7));
        }
        ftw |= (uint16_t)(tag << (2 * p));
    }
    return ftw;
}

uint8_t fpu_abridge_tag_word(uint16_t ftw)
{
    uint8_t t = 0;
    for (int p = 0; p < 8; p++) {
        if (((ftw >> (2 * p)) & 3) != 3) {
            t |= (uint8_t)(1u << p);
        }
    }
    return t;
}

/* ---- guest memory ---- */

static uint64_t img_addr(const X86CPUState *env, uint64_t addr, unsigned off)
{
    addr += off;
    return (env->hflags & HF_CS64) ? addr : (uint32_t)addr;
}

static void mem_write(X86CPU *cpu, uint64_t addr, const uint8_t *buf, unsigned len)
{
    int mmu = x86_mmu_index(&cpu->env);
    unsigned off = 0;
    for (; off + 8 <= len; off += 8) {
        cpu_st(cpu, img_addr(&cpu->env, addr, off), fx_ld64(buf + off), MO_64, mmu);
    }
    for (; off + 2 <= len; off += 2) {
        cpu_st(cpu, img_addr(&cpu->env, addr, off), fx_ld16(buf + off), MO_16, mmu);
    }
}

static void mem_read(X86CPU *cpu, uint64_t addr, uint8_t *buf, unsigned len)
{
    int mmu = x86_mmu_index(&cpu->env);
    unsigned off = 0;
    for (; off + 8 <= len; off += 8) {
        fx_st64(buf + off, cpu_ld(cpu, img_addr(&cpu->env, addr, off), MO_64, mmu));
    }
    for (; off + 2 <= len; off += 2) {
        fx_st16(buf + off, (uint16_t)cpu_ld(cpu, img_addr(&cpu->env, addr, off), MO_16, mmu));
    }
}

static bool real_format(const X86CPUState *env)
{
    return !(env->hflags & HF_PE) || (env->hflags & HF_VM);
}

/* ---- FNINIT FNCLEX FLDCW ---- */

void fpu_reset_state(X86CPUState *env)
{
    uint8_t *fx = env->fxsave;
    fpu_set_top0(env); /* the registers stay where they physically are */
    fx_st16(fx + FX_FCW, 0x037f);
    fx_st16(fx + FX_FSW, 0);
    fx[FX_FTW] = 0;
    fx_st16(fx + FX_FOP, 0);
    fx_st64(fx + FX_FIP, 0);
    fx_st64(fx + FX_FDP, 0);
}

uint64_t helper_fpu_fninit(X86CPU *cpu)
{
    fpu_reset_state(&cpu->env);
    return 0;
}

uint64_t helper_fpu_fnclex(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    fpu_set_fsw(env, fpu_fsw(env) & ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B));
    return 0;
}

uint64_t helper_fpu_fldcw(X86CPU *cpu, uint64_t fcw)
{
    X86CPUState *env = &cpu->env;
    fx_st16(env->fxsave + FX_FCW, (uint16_t)((fcw & FCW_WRITABLE) | FCW_ONES));
    fpu_update_es(env);
    return 0;
}

/* ---- FNSTENV FLDENV (figures 8-9 to 8-12) ---- */

void fpu_env_store(const X86CPUState *env, uint8_t *img, int opsize, bool real)
{
    const uint8_t *fx = env->fxsave;
    uint16_t fcw = fpu_fcw(env), fsw = fpu_fsw(env), ftw = fpu_full_tag_word(env);
    uint16_t fop = fx_ld16(fx + FX_FOP) & 0x7ff;
    uint32_t fip = (uint32_t)fx_ld64(fx + FX_FIP), fdp = (uint32_t)fx_ld64(fx + FX_FDP);

    if (opsize == 2) {
        fx_st16(img + 0, fcw);
        fx_st16(img + 2, fsw);
        fx_st16(img + 4, ftw);
        fx_st16(img + 6, (uint16_t)fip);
        fx_st16(img + 10, (uint16_t)fdp);
        if (real) {
            fx_st16(img + 8, (uint16_t)((fip >> 4) & 0xf000) | fop);
            fx_st16(img + 12, (uint16_t)((fdp >> 4) & 0xf000));
        } else {
            fx_st16(img + 8, 0);  /* FCS */
            fx_st16(img + 12, 0); /* FDS */
        }
        return;
    }
    fx_st32(img + 0, 0xffff0000u | fcw);
    fx_st32(img + 4, 0xffff0000u | fsw);
    fx_st32(img + 8, 0xffff0000u | ftw);
    if (real) {
        fx_st32(img + 12, 0xffff0000u | (fip & 0xffff));
        fx_st32(img + 16, (fip >> 16) << 12 | fop);
        fx_st32(img + 20, 0xffff0000u | (fdp & 0xffff));
        fx_st32(img + 24, (fdp >> 16) << 12);
    } else {
        fx_st32(img + 12, fip);
        fx_st32(img + 16, (uint32_t)fop << 16); /* FCS: 0 */
        fx_st32(img + 20, fdp);
        fx_st32(img + 24, 0xffff0000u); /* FDS */
    }
}

void fpu_env_load(X86CPUState *env, const uint8_t *img, int opsize, bool real)
{
    uint8_t *fx = env->fxsave;
    uint16_t fcw, fsw, ftw, fop;
    uint32_t fip, fdp;

    if (opsize == 2) {
        fcw = fx_ld16(img);
        fsw = fx_ld16(img + 2);
        ftw = fx_ld16(img + 4);
        fip = fx_ld16(img + 6);
        fdp = fx_ld16(img + 10);
        fop = 0;
        if (real) {
            fip |= (uint32_t)(fx_ld16(img + 8) & 0xf000) << 4;
            fop = fx_ld16(img + 8) & 0x7ff;
            fdp |= (uint32_t)(fx_ld16(img + 12) & 0xf000) << 4;
        }
    } else {
        fcw = fx_ld16(img);
        fsw = fx_ld16(img + 4);
        ftw = fx_ld16(img + 8);
        if (real) {
            fip = (fx_ld32(img + 12) & 0xffff) | (fx_ld32(img + 16) >> 12) << 16;
            fop = fx_ld32(img + 16) & 0x7ff;
            fdp = (fx_ld32(img + 20) & 0xffff) | (fx_ld32(img + 24) >> 12) << 16;
        } else {
            fip = fx_ld32(img + 12);
            fop = (fx_ld32(img + 16) >> 16) & 0x7ff;
            fdp = fx_ld32(img + 20);
        }
    }
    fx_st16(fx + FX_FCW, (uint16_t)((fcw & FCW_WRITABLE) | FCW_ONES));
    fpu_set_top(env, (fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT);
    fx_st16(fx + FX_FSW, fsw);
    fx[FX_FTW] = fpu_abridge_tag_word(ftw);
    fx_st16(fx + FX_FOP, fop);
    fx_st64(fx + FX_FIP, fip);
    fx_st64(fx + FX_FDP, fdp);
    fpu_update_es(env);
}

static unsigned env_size(uint64_t opsize)
{
    return opsize == 2 ? 14 : 28;
}

uint64_t helper_fpu_fnstenv(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    uint8_t img[28];

    fpu_env_store(env, img, (int)opsize, real_format(env));
    mem_write(cpu, addr, img, env_size(opsize));
    /* FNSTENV then masks all exceptions (vol. 2A, FSTENV) */
    fx_st16(env->fxsave + FX_FCW, fpu_fcw(env) | FCW_EXC_MASKS);
    fpu_update_es(env);
    return 0;
}

uint64_t helper_fpu_fldenv(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    uint8_t img[28];

    mem_read(cpu, addr, img, env_size(opsize));
    fpu_env_load(env, img, (int)opsize, real_format(env));
    return 0;
}

uint64_t helper_fpu_fnsave(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    uint8_t img[28 + 80];
    unsigned n = env_size(opsize);

    fpu_env_store(env, img, (int)opsize, real_format(env));
    for (int i = 0; i < 8; i++) {
        memcpy(img + n + 10 * i, env->fxsave + FX_ST(i), 10);
    }
    mem_write(cpu, addr, img, n + 80);
    fpu_reset_state(env);
    return 0;
}

uint64_t helper_fpu_frstor(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    X86CPUState *env = &cpu->env;
    uint8_t img[28 + 80];
    unsigned n = env_size(opsize);

    mem_read(cpu, addr, img, n + 80);
    fpu_env_load(env, img, (int)opsize, real_format(env));
    for (int i = 0; i < 8; i++) {
        memcpy(env->fxsave + FX_ST(i), img + n + 10 * i, 10);
        memset(env->fxsave + FX_ST(i) + 10, 0, 6);
    }
    return 0;
}

/* ---- FXSAVE FXRSTOR (tables 10-2 to 10-4) ---- */

void fpu_fxsave_store(const X86CPUState *env, uint8_t *img, bool rexw, int xmm_count)
{
    const uint8_t *fx = env->fxsave;

    memcpy(img, fx, 8); /* FCW FSW FTW FOP */
    img[5] = 0;
    if (rexw) {
        fx_st64(img + 8, fx_ld64(fx + FX_FIP));
        fx_st64(img + 16, fx_ld64(fx + FX_FDP));
    } else {
        fx_st32(img + 8, (uint32_t)fx_ld64(fx + FX_FIP));
        fx_st32(img + 12, 0); /* FCS */
        fx_st32(img + 16, (uint32_t)fx_ld64(fx + FX_FDP));
        fx_st32(img + 20, 0); /* FDS */
    }
    fx_st32(img + 24, env->mxcsr);
    fx_st32(img + 28, MXCSR_MASK_BITS);
    memcpy(img + FX_ST(0), fx + FX_ST(0), 8 * 16);
    memcpy(img + FX_XMM(0), fx + FX_XMM(0), 16 * (size_t)xmm_count);
}

bool fpu_fxsave_load(X86CPUState *env, const uint8_t *img, bool rexw, int xmm_count)
{
    uint8_t *fx = env->fxsave;
    uint32_t mxcsr = fx_ld32(img + 24);

    if (mxcsr & ~MXCSR_MASK_BITS) {
        return false;
    }
    fx_st16(fx + FX_FCW, (uint16_t)((fx_ld16(img) & FCW_WRITABLE) | FCW_ONES));
    fx_st16(fx + FX_FSW, fx_ld16(img + 2));
    fx[FX_FTW] = img[4];
    fx[5] = 0;
    fx_st16(fx + FX_FOP, fx_ld16(img + 6) & 0x7ff);
    if (rexw) {
        fx_st64(fx + FX_FIP, fx_ld64(img + 8));
        fx_st64(fx + FX_FDP, fx_ld64(img + 16));
    } else {
        fx_st64(fx + FX_FIP, fx_ld32(img + 8));
        fx_st64(fx + FX_FDP, fx_ld32(img + 16));
    }
    env->mxcsr = mxcsr;
    fx_st32(fx + FX_MXCSR, mxcsr);
    for (int i = 0; i < 8; i++) {
        memcpy(fx + FX_ST(i), img + FX_ST(i), 10);
        memset(fx + FX_ST(i) + 10, 0, 6);
    }
    memcpy(fx + FX_XMM(0), img + FX_XMM(0), 16 * (size_t)xmm_count);
    fpu_update_es(env);
    return true;
}

/* FXSAVE writes bytes 0-415 (XMM8-15 only in 64-bit mode) and leaves the
 * rest of the 512 alone. */
uint64_t helper_fxsave(X86CPU *cpu, uint64_t addr, uint64_t rexw)
{
    X86CPUState *env = &cpu->env;
    int xmm = (env->hflags & HF_CS64) ? 16 : 8;
    uint8_t img[512];

    if (addr & 15) {
        cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
    }
    fpu_fxsave_store(env, img, rexw != 0, xmm);
    mem_write(cpu, addr, img, FX_XMM(xmm));
    return 0;
}

uint64_t helper_fxrstor(X86CPU *cpu, uint64_t addr, uint64_t rexw)
{
    X86CPUState *env = &cpu->env;
    int xmm = (env->hflags & HF_CS64) ? 16 : 8;
    uint8_t img[512];

    if (addr & 15) {
        cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
    }
    mem_read(cpu, addr, img, FX_XMM(xmm));
    if (!fpu_fxsave_load(env, img, rexw != 0, xmm)) {
        cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
    }
    return 0;
}

uint64_t helper_ldmxcsr(X86CPU *cpu, uint64_t value)
{
    X86CPUState *env = &cpu->env;
    if (value & ~(uint64_t)MXCSR_MASK_BITS) {
        cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
    }
    env->mxcsr = (uint32_t)value;
    return 0;
}

/* ---- MMX ---- */

uint64_t helper_mmx_enter(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    fpu_set_top0(env);
    env->fxsave[FX_FTW] = 0xff;
    return 0;
}

uint64_t helper_emms(X86CPU *cpu)
{
    /* an MMX instruction too: TOP goes to 0 before the tags empty */
    fpu_set_top0(&cpu->env);
    cpu->env.fxsave[FX_FTW] = 0;
    return 0;
}
