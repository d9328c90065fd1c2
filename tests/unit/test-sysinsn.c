/*
 * System-instruction helpers on a flat test machine (GDT/IDT/TSS in a
 * buffer): segment loads and their #GP/#SS/#NP error codes (Intel SDM vol.
 * 3A 5.5-5.7), far CALL through a call gate with stack switch and parameter
 * copy and the far RET back (5.8.5-5.8.6), LAR/LSL/VERR/VERW, LTR/LLDT,
 * SYSCALL/SYSRET and SYSENTER/SYSEXIT, control registers and IA-32e
 * activation (2.5, 9.8.5), MSRs, CPUID, the TSC, HLT and the I/O
 * permission bitmap (vol. 1, 19.5).
 */
#include <glib.h>

#include "hw/core/timer.h"
#include "target/x86/misc_helper.h"
#include "target/x86/seg_helper.h"
#include "tests/unit/tcg-test-stubs.h"

static X86CPU cpu;
static X86CPUState *env = &cpu.env;

/* Extra GDT entries of these tests */
#define DATA_NP (GDT_FREE + 0x00)      /* data, not present */
#define CODE_XO (GDT_FREE + 0x08)      /* execute-only code */
#define GATE_R3 (GDT_FREE + 0x10 + 3)  /* 32-bit call gate, DPL 3, 2 params -> KCODE */
#define DATA_BASE (GDT_FREE + 0x18)    /* data with base 0x12340000, limit 0xfff */
#define TSS_AVAIL (GDT_FREE + 0x20)    /* available 32-bit TSS */
#define LDT_DESC (GDT_FREE + 0x28)
#define SYS_CS (GDT_FREE + 0x30)       /* STAR / SYSENTER_CS base: 4 entries */

static void extra_descs(void)
{
    phys_st64(GDT + DATA_NP, desc_seg(0, 0xfffff, TYPE_DATA, 0, SEG_DB | SEG_G) & ~(1ull << 47));
    phys_st64(GDT + CODE_XO, desc_seg(0, 0xfffff, 0x18, 0, SEG_DB | SEG_G));
    phys_st64(GDT + (GATE_R3 & ~7), desc_gate(KCODE, 0x4000, DESC_CALL_GATE, 3, true, 2));
    phys_st64(GDT + DATA_BASE, desc_seg(0x12340000, 0xfff, TYPE_DATA | DESC_A, 3, SEG_DB));
    phys_st64(GDT + TSS_AVAIL, desc_seg(0x3800, 0x67, DESC_TSS_AVAIL, 0, 0));
    phys_st64(GDT + LDT_DESC, desc_seg(0x5000, 0x17, DESC_LDT, 0, 0));
}

static void setup(int cpl)
{
    stub_setup_prot32(&cpu, cpl);
    extra_descs();
}

/* Run a helper; return the vector it raised (-1 if none). */
#define RAISED_RET(ret, ...)                                                                   \
    (STUB_HELPER(&cpu, ret, __VA_ARGS__) == STUB_EXCEPTION ? env->exception_index : -1)
#define RAISED(...) RAISED_RET(NULL, __VA_ARGS__)

static void test_load_seg(void)
{
    setup(0);
    g_assert_cmpint(RAISED(helper_load_seg, R_ES, DATA_BASE), ==, -1);
    g_assert_cmphex(env->segs[R_ES].base, ==, 0x12340000);
    g_assert_cmphex(env->segs[R_ES].limit, ==, 0xfff);
    g_assert_true(env->hflags & HF_ADDSEG);
    /* the accessed bit is written back to the GDT */
    g_assert_false(stub_rd32(GDT + KDATA + 4) & (DESC_A << 8));
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, KDATA), ==, -1);
    g_assert_true(stub_rd32(GDT + KDATA + 4) & (DESC_A << 8));

    /* null: fine for DS, #GP(0) for SS outside 64-bit mode */
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, 0), ==, -1);
    g_assert_cmphex(env->segs[R_DS].flags & SEG_P, ==, 0);
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, 0), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, 0);
    /* not present: #NP for DS, #SS for SS, with the selector */
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, DATA_NP), ==, EXCP0B_NP);
    g_assert_cmphex(env->error_code, ==, DATA_NP);
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, DATA_NP), ==, EXCP0C_SS);
    g_assert_cmphex(env->error_code, ==, DATA_NP);
    /* SS must be writable data with DPL = RPL = CPL */
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, KCODE), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, KCODE);
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, UDATA), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, UDATA & 0xfffc);
    /* execute-only code is not readable */
    g_assert_cmpint(RAISED(helper_load_seg, R_FS, CODE_XO), ==, EXCP0D_GP);
    /* beyond the GDT limit */
    g_assert_cmpint(RAISED(helper_load_seg, R_GS, 0x1000), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, 0x1000);
    /* TI = 1 with no LDT */
    g_assert_cmpint(RAISED(helper_load_seg, R_GS, 0x0c), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, 0x0c);
    /* a failed load changed nothing */
    g_assert_cmphex(env->segs[R_SS].selector, ==, KDATA);

    /* at CPL 3 a DPL 0 data segment is out of reach */
    setup(3);
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, KDATA), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, KDATA);
    /* RPL 3 on a DPL 0 segment at CPL 0 neither */
    setup(0);
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, KDATA | 3), ==, EXCP0D_GP);

    /* real mode: base = selector << 4, limit and attributes kept */
    stub_init();
    stub_cpu_init(&cpu);
    g_assert_cmpint(RAISED(helper_load_seg, R_DS, 0x1234), ==, -1);
    g_assert_cmphex(env->segs[R_DS].base, ==, 0x12340);
    g_assert_cmphex(env->segs[R_DS].limit, ==, 0xffff);
    g_assert_cmpint(RAISED(helper_load_seg, R_CS, 0x1234), ==, EXCP06_UD);
}

static void test_load_ss_64(void)
{
    stub_setup_long(&cpu, 0);
    /* null SS is allowed in 64-bit mode at CPL < 3 (RPL = CPL), CPL stays */
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, 0), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_false(env->hflags & HF_ADDSEG);
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, 3), ==, EXCP0D_GP);
    stub_setup_long(&cpu, 3);
    g_assert_cmpint(RAISED(helper_load_seg, R_SS, 3), ==, EXCP0D_GP);
}

static void test_call_gate(void)
{
    setup(3);
    /* two dword parameters on the ring 3 stack */
    phys_st32(0x7000, 0x1111);
    phys_st32(0x7004, 0x2222);
    g_assert_cmpint(RAISED(helper_lcall, GATE_R3, 0xdead, 4, 0x507), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->segs[R_CS].selector, ==, KCODE);
    g_assert_cmphex(env->segs[R_SS].selector, ==, KDATA);
    g_assert_cmphex(env->rip, ==, 0x4000); /* from the gate, not the instruction */
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 24);
    g_assert_cmphex(stub_rd32(0x9000 - 4), ==, UDATA);   /* old SS */
    g_assert_cmphex(stub_rd32(0x9000 - 8), ==, 0x7000);  /* old ESP */
    g_assert_cmphex(stub_rd32(0x9000 - 12), ==, 0x2222); /* parameters, same order */
    g_assert_cmphex(stub_rd32(0x9000 - 16), ==, 0x1111);
    g_assert_cmphex(stub_rd32(0x9000 - 20), ==, UCODE);
    g_assert_cmphex(stub_rd32(0x9000 - 24), ==, 0x507);

    /* RET 8 back to ring 3: parameters released on both stacks */
    g_assert_cmpint(RAISED(helper_lret, 4, 8), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, UCODE);
    g_assert_cmphex(env->segs[R_SS].selector, ==, UDATA);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7008);
    g_assert_cmphex(env->rip, ==, 0x507);

    /* a direct far CALL to a DPL 0 segment from ring 3 */
    g_assert_cmpint(RAISED(helper_lcall, KCODE, 0x1, 4, 0x50e), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, KCODE);
    /* JMP through the gate cannot raise the privilege */
    g_assert_cmpint(RAISED(helper_ljmp, GATE_R3, 0, 0), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, KCODE);
}

static void test_far_same_level(void)
{
    setup(0);
    g_assert_cmpint(RAISED(helper_lcall, KCODE, 0x1234, 2, 0x505), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000 - 4);
    g_assert_cmphex(phys_ld(0x7000 - 2, MO_16), ==, KCODE);
    g_assert_cmphex(phys_ld(0x7000 - 4, MO_16), ==, 0x505);
    g_assert_cmpint(RAISED(helper_lret, 2, 0), ==, -1);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000);
    g_assert_cmphex(env->rip, ==, 0x505);

    /* far JMP to a code segment at the same level */
    g_assert_cmpint(RAISED(helper_ljmp, KCODE, 0x2000, 0), ==, -1);
    g_assert_cmphex(env->rip, ==, 0x2000);
    /* a jump to a TSS would be a task switch */
    g_assert_cmpint(RAISED(helper_ljmp, TSS_AVAIL, 0, 0), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, TSS_AVAIL);

    /* real mode far JMP */
    stub_init();
    stub_cpu_init(&cpu);
    g_assert_cmpint(RAISED(helper_ljmp, 0x07c0, 0x10, 0), ==, -1);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0x7c00);
    g_assert_cmphex(env->rip, ==, 0x10);
}

static void test_lar_lsl_verr(void)
{
    setup(3);
    uint64_t r = 0;
    g_assert_cmpint(RAISED_RET(&r, helper_lar, DATA_BASE), ==, -1);
    g_assert_cmphex(r, ==, LAR_LSL_VALID | 0x0040f300); /* P DPL3 S type 3, D/B */
    g_assert_cmpint(RAISED_RET(&r, helper_lsl, DATA_BASE), ==, -1);
    g_assert_cmphex(r, ==, LAR_LSL_VALID | 0xfff);
    g_assert_cmpint(RAISED_RET(&r, helper_lsl, UCODE), ==, -1);
    g_assert_cmphex(r, ==, LAR_LSL_VALID | 0xffffffff);
    /* DPL 0 invisible at CPL 3: ZF = 0 */
    g_assert_cmpint(RAISED_RET(&r, helper_lar, KDATA), ==, -1);
    g_assert_cmphex(r, ==, 0);
    /* call gates: LAR yes, LSL no */
    g_assert_cmpint(RAISED_RET(&r, helper_lar, GATE_R3), ==, -1);
    g_assert_true(r & LAR_LSL_VALID);
    g_assert_cmpint(RAISED_RET(&r, helper_lsl, GATE_R3), ==, -1);
    g_assert_cmphex(r, ==, 0);
    g_assert_cmpint(RAISED_RET(&r, helper_lar, 0), ==, -1);
    g_assert_cmphex(r, ==, 0);

    g_assert_cmpint(RAISED_RET(&r, helper_verr, UCODE), ==, -1);
    g_assert_cmpint(r, ==, 1);
    g_assert_cmpint(RAISED_RET(&r, helper_verw, UCODE), ==, -1);
    g_assert_cmpint(r, ==, 0);
    g_assert_cmpint(RAISED_RET(&r, helper_verw, UDATA), ==, -1);
    g_assert_cmpint(r, ==, 1);
    g_assert_cmpint(RAISED_RET(&r, helper_verw, KDATA), ==, -1);
    g_assert_cmpint(r, ==, 0);

    /* #UD in real mode */
    stub_init();
    stub_cpu_init(&cpu);
    g_assert_cmpint(RAISED(helper_lar, 8), ==, EXCP06_UD);
}

static void test_ltr_lldt(void)
{
    setup(0);
    g_assert_cmpint(RAISED(helper_ltr, TSS_AVAIL), ==, -1);
    g_assert_cmphex(env->tr.base, ==, 0x3800);
    g_assert_cmphex(env->tr.flags & SEG_TYPE_MASK, ==, DESC_TSS_BUSY);
    g_assert_cmphex((stub_rd32(GDT + TSS_AVAIL + 4) >> 8) & 0xf, ==, DESC_TSS_BUSY);
    /* now busy: a second LTR fails */
    g_assert_cmpint(RAISED(helper_ltr, TSS_AVAIL), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, TSS_AVAIL);
    g_assert_cmpint(RAISED(helper_ltr, 0), ==, EXCP0D_GP);

    g_assert_cmpint(RAISED(helper_lldt, LDT_DESC), ==, -1);
    g_assert_cmphex(env->ldt.base, ==, 0x5000);
    /* an LDT selector now resolves through it */
    phys_st64(0x5000 + 8, desc_seg(0xabc000, 0xfffff, TYPE_DATA, 0, SEG_DB | SEG_G));
    g_assert_cmpint(RAISED(helper_load_seg, R_ES, 0x0c), ==, -1);
    g_assert_cmphex(env->segs[R_ES].base, ==, 0xabc000);
    g_assert_cmpint(RAISED(helper_lldt, KDATA), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_lldt, 0), ==, -1);
    g_assert_cmpint(RAISED(helper_load_seg, R_ES, 0x0c), ==, EXCP0D_GP);

    setup(3);
    g_assert_cmpint(RAISED(helper_lldt, LDT_DESC), ==, EXCP0D_GP);
    g_assert_cmphex(env->error_code, ==, 0);
}

static void test_syscall_sysenter(void)
{
    stub_setup_long(&cpu, 3);
    env->efer |= EFER_SCE;
    /* STAR[47:32] = kernel CS; STAR[63:48] + 16 = user CS64, + 8 = user SS */
    env->star = (uint64_t)(SYS_CS | 3) << 48 | (uint64_t)SYS_CS << 32;
    env->lstar = 0xffffffff81000000ull;
    env->fmask = RFLAGS_IF | RFLAGS_TF;
    stub_set_flags(env, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    g_assert_cmpint(RAISED(helper_syscall, 0x400123), ==, -1);
    g_assert_cmphex(env->regs[R_ECX], ==, 0x400123);
    g_assert_cmphex(env->regs[R_R11], ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    g_assert_cmphex(env->rip, ==, 0xffffffff81000000ull);
    g_assert_cmphex(env->segs[R_CS].selector, ==, SYS_CS);
    g_assert_cmphex(env->segs[R_SS].selector, ==, SYS_CS + 8);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_cmphex(stub_get_flags(env), ==, RFLAGS_FIXED1 | RFLAGS_CF);

    env->regs[R_R11] |= RFLAGS_VM; /* not restorable by SYSRET */
    g_assert_cmpint(RAISED(helper_sysret, 8), ==, -1);
    g_assert_cmphex(env->rip, ==, 0x400123);
    g_assert_cmphex(env->segs[R_CS].selector, ==, (SYS_CS + 16) | 3);
    g_assert_cmphex(env->segs[R_SS].selector, ==, (SYS_CS + 8) | 3);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_true(env->hflags & HF_CS64);
    g_assert_cmphex(stub_get_flags(env), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    /* SYSRET at CPL 3 */
    g_assert_cmpint(RAISED(helper_sysret, 8), ==, EXCP0D_GP);
    /* SYSCALL without EFER.SCE */
    env->efer &= ~(uint64_t)EFER_SCE;
    g_assert_cmpint(RAISED(helper_syscall, 0), ==, EXCP06_UD);

    /* 32-bit SYSENTER / SYSEXIT */
    setup(3);
    env->sysenter_cs = SYS_CS;
    env->sysenter_esp = 0x8800;
    env->sysenter_eip = 0xc0001000;
    g_assert_cmpint(RAISED(helper_sysenter), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->rip, ==, 0xc0001000);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8800);
    g_assert_cmphex(env->segs[R_SS].selector, ==, SYS_CS + 8);
    g_assert_false(stub_get_flags(env) & RFLAGS_IF);
    g_assert_true(env->hflags & HF_CS32);
    env->regs[R_EDX] = 0x8048000;
    env->regs[R_ECX] = 0xbffff000;
    g_assert_cmpint(RAISED(helper_sysexit, 4), ==, -1);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, (SYS_CS + 16) | 3);
    g_assert_cmphex(env->segs[R_SS].selector, ==, (SYS_CS + 24) | 3);
    g_assert_cmphex(env->rip, ==, 0x8048000);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xbffff000);

    /* SWAPGS */
    stub_setup_long(&cpu, 0);
    env->segs[R_GS].base = 0x1111;
    env->kernel_gs_base = 0x2222;
    g_assert_cmpint(RAISED(helper_swapgs), ==, -1);
    g_assert_cmphex(env->segs[R_GS].base, ==, 0x2222);
    g_assert_cmphex(env->kernel_gs_base, ==, 0x1111);
}

static void test_control_regs(void)
{
    setup(0);
    /* long mode activation: LME, PAE, then PG -> LMA */
    env->efer = EFER_LME;
    g_assert_cmpint(RAISED(helper_write_cr, 0, env->cr0 | CR0_PG), ==, EXCP0D_GP);
    g_assert_false(env->cr0 & CR0_PG);
    g_assert_cmpint(RAISED(helper_write_cr, 4, CR4_PAE | CR4_PGE), ==, -1);
    g_assert_cmpint(stub_tlb_flushes_all, ==, 1);
    g_assert_cmpint(RAISED(helper_write_cr, 0, env->cr0 | CR0_PG), ==, -1);
    g_assert_true(env->efer & EFER_LMA);
    g_assert_true(env->hflags & HF_LMA);
    g_assert_false(env->hflags & HF_CS64); /* compatibility mode until CS is reloaded */
    g_assert_cmpint(stub_tlb_flushes_all, ==, 2);
    /* PAE cannot be cleared in IA-32e mode */
    g_assert_cmpint(RAISED(helper_write_cr, 4, 0), ==, EXCP0D_GP);
    /* CR3: TLB flush keeping global pages; bits above MAXPHYADDR #GP */
    g_assert_cmpint(RAISED(helper_write_cr, 3, 0x200000), ==, -1);
    g_assert_cmpint(stub_tlb_flushes, ==, 3);
    g_assert_cmpint(stub_tlb_flushes_all, ==, 2);
    g_assert_cmpint(RAISED(helper_write_cr, 3, 1ull << 40), ==, EXCP0D_GP);
    /* in 64-bit mode paging cannot be turned off */
    stub_set_seg(env, &env->segs[R_CS], KCODE64);
    x86_update_hflags(env);
    g_assert_cmpint(RAISED(helper_write_cr, 0, env->cr0 & ~(uint64_t)CR0_PG), ==, EXCP0D_GP);

    setup(0);
    /* invalid combinations and reserved bits */
    g_assert_cmpint(RAISED(helper_write_cr, 0, CR0_PG), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_write_cr, 0, CR0_PE | CR0_NW), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_write_cr, 4, 1u << 20), ==, EXCP0D_GP); /* SMEP */
    g_assert_cmpint(RAISED(helper_write_cr, 8, 0x10), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_write_cr, 5, 0), ==, EXCP06_UD);
    g_assert_cmpint(RAISED(helper_write_cr, 0, CR0_PE | CR0_TS | CR0_MP), ==, -1);
    g_assert_true(env->hflags & HF_TS);
    g_assert_true(env->cr0 & CR0_ET); /* hardwired */
    g_assert_cmpint(RAISED(helper_clts), ==, -1);
    g_assert_false(env->hflags & HF_TS);
    g_assert_cmpint(RAISED(helper_lmsw, 0x8), ==, -1);
    g_assert_true(env->cr0 & CR0_PE); /* LMSW cannot clear PE */
    g_assert_true(env->cr0 & CR0_TS);
    g_assert_cmphex(helper_smsw(&cpu) & 0xf, ==, 0x9);
    /* DR: DR7 bit 10 reads as 1; DR4 aliases DR6 without CR4.DE */
    g_assert_cmpint(RAISED(helper_write_dr, 7, 0x1), ==, -1);
    g_assert_cmphex(env->dr[7], ==, 0x401);
    uint64_t v = 0;
    g_assert_cmpint(RAISED_RET(&v, helper_read_dr, 4), ==, -1);
    g_assert_cmphex(v, ==, env->dr[6]);

    setup(3);
    g_assert_cmpint(RAISED(helper_read_cr, 0), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_hlt, 0x501), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_invlpg, 0), ==, EXCP0D_GP);
}

static uint64_t rdmsr(uint32_t msr, int *vec)
{
    env->regs[R_ECX] = msr;
    *vec = RAISED(helper_rdmsr);
    return env->regs[R_EAX] | env->regs[R_EDX] << 32;
}

static int wrmsr(uint32_t msr, uint64_t v)
{
    env->regs[R_ECX] = msr;
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
    return RAISED(helper_wrmsr);
}

static void test_msrs(void)
{
    setup(0);
    int vec;
    g_assert_cmpint(wrmsr(MSR_EFER, EFER_SCE | EFER_NXE), ==, -1);
    g_assert_cmphex(rdmsr(MSR_EFER, &vec), ==, EFER_SCE | EFER_NXE);
    g_assert_cmpint(stub_tlb_flushes_all, ==, 1); /* NXE changes translations */
    g_assert_cmpint(wrmsr(MSR_EFER, 1u << 9), ==, EXCP0D_GP);
    g_assert_cmpint(wrmsr(0x12345678, 0), ==, EXCP0D_GP);
    rdmsr(0x3a, &vec);
    g_assert_cmpint(vec, ==, EXCP0D_GP);

    g_assert_cmpint(wrmsr(MSR_FS_BASE, 0x7fff12345000ull), ==, -1);
    g_assert_cmphex(env->segs[R_FS].base, ==, 0x7fff12345000ull);
    g_assert_cmpint(wrmsr(MSR_GS_BASE, 0x0000800000000000ull), ==, EXCP0D_GP);
    g_assert_cmpint(wrmsr(MSR_KERNEL_GS_BASE, 0xffff888000000000ull), ==, -1);
    g_assert_cmphex(env->kernel_gs_base, ==, 0xffff888000000000ull);

    g_assert_cmpint(wrmsr(MSR_IA32_PAT, 0x0007010600070106ull), ==, -1);
    g_assert_cmpint(wrmsr(MSR_IA32_PAT, 0x0000000000000002ull), ==, EXCP0D_GP);
    g_assert_cmphex(rdmsr(MSR_IA32_PAT, &vec), ==, 0x0007010600070106ull);

    g_assert_cmphex(rdmsr(MSR_IA32_MTRRCAP, &vec), ==, 0x508);
    /* IA32_ARCH_CAPABILITIES: not affected by Meltdown (RDCL_NO) nor MDS */
    g_assert_cmphex(rdmsr(MSR_IA32_ARCH_CAPABILITIES, &vec) & 0x21, ==, 0x21);
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_PHYSBASE0 + 2, 0x80000006ull), ==, -1);
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_PHYSBASE0 + 3, 0xff80000800ull), ==, -1);
    g_assert_cmphex(rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 2, &vec), ==, 0x80000006ull);
    g_assert_cmphex(rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 3, &vec), ==, 0xff80000800ull);
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_PHYSBASE0, 0x3), ==, EXCP0D_GP); /* type 3 */
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_FIX4K_C0000 + 7, 0x0505050505050505ull), ==, -1);
    g_assert_cmphex(rdmsr(MSR_IA32_MTRR_FIX4K_C0000 + 7, &vec), ==, 0x0505050505050505ull);
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0xc06), ==, -1);
    g_assert_cmpint(wrmsr(MSR_IA32_MTRR_DEF_TYPE, 0x1006), ==, EXCP0D_GP);
    g_assert_cmphex(rdmsr(MSR_IA32_MTRR_DEF_TYPE, &vec), ==, 0xc06);

    /* APIC base: BSP read-only, base and enable stored */
    uint64_t bsp = env->apic_base & (1u << 8);
    g_assert_cmpint(wrmsr(MSR_IA32_APIC_BASE, 0xfed00000 | (1u << 11)), ==, -1);
    g_assert_cmphex(rdmsr(MSR_IA32_APIC_BASE, &vec), ==, 0xfed00000 | (1u << 11) | bsp);
    g_assert_cmpint(wrmsr(MSR_IA32_APIC_BASE, 1u << 10), ==, EXCP0D_GP); /* no x2APIC */

    g_assert_cmpint(wrmsr(MSR_TSC_AUX, 0x1003), ==, -1);
    g_assert_cmpint(wrmsr(MSR_TSC_AUX, 1ull << 32), ==, EXCP0D_GP);
    g_assert_cmpint(wrmsr(MSR_IA32_MCG_CAP, 0), ==, EXCP0D_GP);
    g_assert_cmphex(rdmsr(MSR_IA32_MCG_CAP, &vec), ==, 0);
    g_assert_cmpint(vec, ==, -1);

    setup(3);
    g_assert_cmpint(wrmsr(MSR_EFER, 0), ==, EXCP0D_GP);
}

static void test_tsc(void)
{
    setup(0);
    clock_set_manual(true);
    int vec;
    g_assert_cmpint(wrmsr(MSR_IA32_TSC, 1000000), ==, -1);
    clock_advance(1000); /* 1 us at 2 GHz = 2000 ticks */
    g_assert_cmpint(RAISED(helper_rdtsc), ==, -1);
    g_assert_cmphex(env->regs[R_EAX] | env->regs[R_EDX] << 32, ==, 1002000);
    g_assert_cmphex(rdmsr(MSR_IA32_TSC, &vec), ==, 1002000);
    wrmsr(MSR_TSC_AUX, 7);
    g_assert_cmpint(RAISED(helper_rdtscp), ==, -1);
    g_assert_cmphex(env->regs[R_ECX], ==, 7);
    /* CR4.TSD: RDTSC is privileged */
    env->cr4 |= CR4_TSD;
    stub_set_seg(env, &env->segs[R_SS], UDATA);
    x86_update_hflags(env);
    g_assert_cmpint(RAISED(helper_rdtsc), ==, EXCP0D_GP);
    clock_set_manual(false);
}

static void test_cpuid(void)
{
    setup(0);
    env->regs[R_EAX] = 0;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_EAX], ==, 0x15);
    g_assert_cmphex(env->regs[R_EBX], ==, 0x756e6547); /* "Genu" */
    env->regs[R_EAX] = 1;
    helper_cpuid(&cpu);
    uint32_t edx1 = (uint32_t)env->regs[R_EDX];
    g_assert_false(edx1 & CPUID_APIC); /* no machine: no APIC */
    g_assert_true(edx1 & CPUID_PAE);
    /* leaf 7 sub-leaf 0: IA32_ARCH_CAPABILITIES exists; sub-leaf 1 is empty */
    env->regs[R_EAX] = 7;
    env->regs[R_ECX] = 0;
    helper_cpuid(&cpu);
    uint32_t edx7 = (uint32_t)env->regs[R_EDX];
    g_assert_cmphex(env->regs[R_EAX], ==, 0);
    g_assert_true(edx7 & (1u << 29));
    env->regs[R_EAX] = 7;
    env->regs[R_ECX] = 1;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_EDX], ==, 0);
    /* leaf 0x15: a 1 GHz crystal, TSC = crystal * 2 / 1 (2 GHz) */
    env->regs[R_EAX] = 0x15;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_EAX], ==, 1);
    g_assert_cmphex(env->regs[R_EBX], ==, 2);
    g_assert_cmphex(env->regs[R_ECX], ==, 1000000000);
    /* beyond the highest basic or extended leaf: the highest basic leaf */
    env->regs[R_EAX] = 0x16;
    env->regs[R_ECX] = 0;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_ECX], ==, 1000000000);
    env->regs[R_EAX] = 0x80000009;
    env->regs[R_ECX] = 0;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_ECX], ==, 1000000000);
    (void)edx7;
    /* a basic leaf inside the range that the model leaves empty reads as zeros */
    env->regs[R_EAX] = 4;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_EAX] | env->regs[R_EBX] | env->regs[R_ECX] | env->regs[R_EDX],
                    ==, 0);
    /* a leaf inside the range that the model leaves empty reads as zeros */
    env->regs[R_EAX] = 0x80000005;
    env->regs[R_EBX] = 0x55;
    helper_cpuid(&cpu);
    g_assert_cmphex(env->regs[R_EAX] | env->regs[R_EBX] | env->regs[R_ECX] | env->regs[R_EDX],
                    ==, 0);
    env->regs[R_EAX] = 0x80000001;
    helper_cpuid(&cpu);
    g_assert_true(env->regs[R_EDX] & CPUID_EXT2_LM);
}

static void test_io_and_hlt(void)
{
    setup(3); /* IOPL 0, CPL 3: the bitmap decides */
    /* a TSS at 0x3800 with an I/O map at offset 0x68 */
    phys_st64(GDT + TSS_AVAIL, desc_seg(0x3800, 0x68 + 0x400 / 8 + 1, DESC_TSS_BUSY, 0, 0));
    stub_set_seg(env, &env->tr, TSS_AVAIL);
    phys_st16(0x3800 + 0x66, 0x68);
    memset(stub_ram + 0x3800 + 0x68, 0xff, 0x400 / 8 + 1);
    stub_ram[0x3800 + 0x68 + 0x3f8 / 8] = 0xfe; /* only port 0x3f8 allowed */
    uint64_t v = 0;
    g_assert_cmpint(RAISED_RET(&v, helper_in, 0x3f8, 1), ==, -1);
    g_assert_cmphex(v, ==, 0x78);
    g_assert_cmphex(stub_io_port, ==, 0x3f8);
    g_assert_cmpint(RAISED(helper_in, 0x3f8, 2), ==, EXCP0D_GP); /* 0x3f9 denied */
    g_assert_cmpint(RAISED(helper_out, 0x3f9, 0, 1), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_out, 0x80, 0, 1), ==, EXCP0D_GP);
    /* beyond the TSS limit: denied */
    g_assert_cmpint(RAISED(helper_out, 0xfff0, 0, 1), ==, EXCP0D_GP);
    /* IOPL 3 lets CPL 3 through without the bitmap */
    stub_set_flags(env, RFLAGS_FIXED1 | RFLAGS_IOPL);
    x86_update_hflags(env);
    g_assert_cmpint(RAISED(helper_out, 0x80, 0x55, 1), ==, -1);
    g_assert_cmphex(stub_io_value, ==, 0x55);
    /* ... but not V86 mode, where only the bitmap counts */
    stub_set_flags(env, RFLAGS_FIXED1 | RFLAGS_IOPL | RFLAGS_VM);
    x86_update_hflags(env);
    g_assert_cmpint(RAISED(helper_out, 0x80, 0x55, 1), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_out, 0x3f8, 0x55, 1), ==, -1);

    setup(0);
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_hlt, 0x501), ==, STUB_LOOP_EXIT);
    g_assert_true(env->halted);
    g_assert_cmphex(env->rip, ==, 0x501);
}

static void test_descriptor_tables(void)
{
    setup(0);
    phys_st16(0x6000, 0x3ff);
    phys_st32(0x6002, 0xff123456);
    g_assert_cmpint(RAISED(helper_lidt, 0x6000, 2), ==, -1);
    g_assert_cmphex(env->idt.base, ==, 0x123456); /* 24 bits with a 16-bit operand */
    g_assert_cmphex(env->idt.limit, ==, 0x3ff);
    g_assert_cmpint(RAISED(helper_lgdt, 0x6000, 4), ==, -1);
    g_assert_cmphex(env->gdt.base, ==, 0xff123456);
    g_assert_cmpint(RAISED(helper_sidt, 0x6100, 4), ==, -1);
    g_assert_cmphex(phys_ld(0x6100, MO_16), ==, 0x3ff);
    g_assert_cmphex(phys_ld(0x6102, MO_32), ==, 0x123456);
    uint64_t v = 0;
    g_assert_cmpint(RAISED_RET(&v, helper_str), ==, -1);
    g_assert_cmphex(v, ==, TSS32);

    setup(3);
    g_assert_cmpint(RAISED(helper_lgdt, 0x6000, 4), ==, EXCP0D_GP);
    g_assert_cmpint(RAISED(helper_sgdt, 0x6100, 4), ==, -1); /* not privileged */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sysinsn/load-seg", test_load_seg);
    g_test_add_func("/sysinsn/load-ss-64", test_load_ss_64);
    g_test_add_func("/sysinsn/call-gate", test_call_gate);
    g_test_add_func("/sysinsn/far-same-level", test_far_same_level);
    g_test_add_func("/sysinsn/lar-lsl-verr", test_lar_lsl_verr);
    g_test_add_func("/sysinsn/ltr-lldt", test_ltr_lldt);
    g_test_add_func("/sysinsn/syscall-sysenter", test_syscall_sysenter);
    g_test_add_func("/sysinsn/control-regs", test_control_regs);
    g_test_add_func("/sysinsn/msrs", test_msrs);
    g_test_add_func("/sysinsn/tsc", test_tsc);
    g_test_add_func("/sysinsn/cpuid", test_cpuid);
    g_test_add_func("/sysinsn/io-and-hlt", test_io_and_hlt);
    g_test_add_func("/sysinsn/descriptor-tables", test_descriptor_tables);
    return g_test_run();
}
