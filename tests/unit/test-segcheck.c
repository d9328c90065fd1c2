/*
 * Data-access checks against a segment (Intel SDM vol. 3A 5.3 limit
 * checking with expand-down segments and the B flag, 5.4.1 null selectors,
 * 5.5-5.6 type checks): the hflags class the translator specialises on
 * (HF_SEGCHK) and helper_seg_check, with descriptors from a flat GDT.
 */
#include <glib.h>

#include "target/x86/seg_helper.h"
#include "tests/unit/tcg-test-stubs.h"

static X86CPU cpu;
static X86CPUState *env = &cpu.env;

#define T_RO 0x10       /* data, read-only */
#define T_RW 0x12       /* data, read/write */
#define T_RW_DOWN 0x16  /* data, read/write, expand-down */
#define T_XO 0x18       /* code, execute-only */
#define T_XR 0x1a       /* code, execute/read */

/* Load segment seg from a new GDT entry (base 0) and recompute hflags. */
static void load(int seg, uint32_t limit, unsigned type, unsigned flags)
{
    uint16_t sel = GDT_FREE + 8 * (uint16_t)seg;
    phys_st64(GDT + sel, desc_seg(0, limit, type, 0, flags));
    stub_set_seg(env, &env->segs[seg], sel);
    x86_update_hflags(env);
}

/* 0 if the access is allowed, else the vector (error code checked 0). */
static int check(int seg, uint64_t offset, unsigned size, bool write)
{
    int r = STUB_HELPER(&cpu, NULL, helper_seg_check, offset, (uint64_t)seg, (uint64_t)size,
                        (uint64_t)write);
    if (r == 0) {
        return 0;
    }
    g_assert_cmpint(r, ==, STUB_EXCEPTION);
    g_assert_true(env->exception_has_error);
    g_assert_cmphex(env->error_code, ==, 0);
    return env->exception_index;
}

static void test_flat(void)
{
    stub_init();
    stub_setup_prot32(&cpu, 0);
    /* flat data segments need nothing; CS is code: writes through it fault */
    for (int seg = 0; seg < SEG_COUNT; seg++) {
        g_assert_cmpuint(HF_SEGCHK(env->hflags, seg), ==,
                         seg == R_CS ? HF_SEGCHK_FULL : HF_SEGCHK_NONE);
    }
    g_assert_cmpint(check(R_CS, 0x4000, 4, false), ==, 0);
    g_assert_cmpint(check(R_CS, 0x4000, 4, true), ==, EXCP0D_GP);
    /* 64-bit mode checks no segment */
    stub_setup_long(&cpu, 0);
    g_assert_cmphex(env->hflags >> HF_SEGCHK_SHIFT & 0xfff, ==, 0);
}

static void test_expand_up_limit(void)
{
    stub_init();
    stub_setup_prot32(&cpu, 0);
    load(R_DS, 0xfff, T_RW, SEG_DB);
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_DS), ==, HF_SEGCHK_LIMIT);
    g_assert_cmpint(check(R_DS, 0xffc, 4, false), ==, 0);
    g_assert_cmpint(check(R_DS, 0xffd, 4, true), ==, EXCP0D_GP);
    g_assert_cmpint(check(R_DS, 0x3020, 1, false), ==, EXCP0D_GP);
    /* through SS the same violation is #SS */
    load(R_SS, 0x5fff, T_RW, 0);
    g_assert_cmpint(check(R_SS, 0x5f80, 4, false), ==, 0);
    g_assert_cmpint(check(R_SS, 0x6000, 4, false), ==, EXCP0C_SS);
    g_assert_cmpint(check(R_SS, 0x5ffe, 4, false), ==, EXCP0C_SS);
}

static void test_expand_down(void)
{
    stub_init();
    stub_setup_prot32(&cpu, 0);
    /* B = 1: valid offsets are limit+1 .. 4 GiB - 1 */
    load(R_SS, 0x3fff, T_RW_DOWN, SEG_DB);
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_SS), ==, HF_SEGCHK_FULL);
    g_assert_cmpint(check(R_SS, 0x3f00, 4, false), ==, EXCP0C_SS);
    g_assert_cmpint(check(R_SS, 0x3fff, 1, true), ==, EXCP0C_SS);
    g_assert_cmpint(check(R_SS, 0x4000, 4, true), ==, 0);
    g_assert_cmpint(check(R_SS, 0x4f00, 4, false), ==, 0);
    g_assert_cmpint(check(R_SS, 0xfffffffc, 4, false), ==, 0);
    g_assert_cmpint(check(R_SS, 0xfffffffd, 4, false), ==, EXCP0C_SS);
    /* B = 0: the upper bound is 0xffff */
    load(R_ES, 0x0fff, T_RW_DOWN, 0);
    g_assert_cmpint(check(R_ES, 0xfffe, 2, false), ==, 0);
    g_assert_cmpint(check(R_ES, 0xffff, 2, false), ==, EXCP0D_GP);
    g_assert_cmpint(check(R_ES, 0x10000, 1, false), ==, EXCP0D_GP);
}

static void test_types(void)
{
    stub_init();
    stub_setup_prot32(&cpu, 0);
    load(R_ES, 0xfffff, T_RO, SEG_G | SEG_DB);
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_ES), ==, HF_SEGCHK_FULL);
    g_assert_cmpint(check(R_ES, 0x4000, 4, false), ==, 0);
    g_assert_cmpint(check(R_ES, 0x4000, 4, true), ==, EXCP0D_GP);
    load(R_FS, 0xfffff, T_XR, SEG_G | SEG_DB);
    g_assert_cmpint(check(R_FS, 0x4000, 4, false), ==, 0);
    g_assert_cmpint(check(R_FS, 0x4000, 4, true), ==, EXCP0D_GP);
    load(R_GS, 0xfffff, T_XO, SEG_G | SEG_DB);
    g_assert_cmpint(check(R_GS, 0x4000, 1, false), ==, EXCP0D_GP);
}

static void test_null(void)
{
    stub_init();
    stub_setup_prot32(&cpu, 0);
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_load_seg, R_ES, 0), ==, 0);
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_ES), ==, HF_SEGCHK_FULL);
    g_assert_cmpint(check(R_ES, 0x4000, 4, false), ==, EXCP0D_GP);
    g_assert_cmpint(check(R_ES, 0x4000, 4, true), ==, EXCP0D_GP);
}

static void test_real_mode(void)
{
    stub_init();
    stub_cpu_init(&cpu);
    x86_update_hflags(env);
    /* 64 KiB limits, no type checks: CS may be written */
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_DS), ==, HF_SEGCHK_LIMIT);
    g_assert_cmpint(check(R_CS, 0x100, 2, true), ==, 0);
    g_assert_cmpint(check(R_DS, 0xfffe, 2, false), ==, 0);
    g_assert_cmpint(check(R_DS, 0xffff, 2, false), ==, EXCP0D_GP);
    g_assert_cmpint(check(R_SS, 0xffff, 2, true), ==, EXCP0C_SS);
    /* a 4 GiB limit kept from protected mode ("unreal" mode) is flat */
    env->segs[R_ES].limit = 0xffffffff;
    x86_update_hflags(env);
    g_assert_cmpuint(HF_SEGCHK(env->hflags, R_ES), ==, HF_SEGCHK_NONE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/segcheck/flat", test_flat);
    g_test_add_func("/segcheck/expand-up-limit", test_expand_up_limit);
    g_test_add_func("/segcheck/expand-down", test_expand_down);
    g_test_add_func("/segcheck/types", test_types);
    g_test_add_func("/segcheck/null", test_null);
    g_test_add_func("/segcheck/real-mode", test_real_mode);
    return g_test_run();
}
