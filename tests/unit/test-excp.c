/*
 * Exception and interrupt delivery and IRET (Intel SDM vol. 3A, chapter 6
 * and 20.1.4) with IVT/IDT, GDT and TSS built in a flat buffer, paging off:
 * the frame pushed, the new CS:rIP, SS:rSP and flags, and the #DF/shutdown
 * rules of table 6-5.
 */
#include <glib.h>

#include "target/x86/paging.h"
#include "target/x86/seg_helper.h"
#include "tests/unit/tcg-test-stubs.h"

static X86CPU cpu;
static X86CPUState *env = &cpu.env;

static void set_flags(uint64_t fl)
{
    stub_set_flags(env, fl);
}

static uint64_t get_flags(void)
{
    return stub_get_flags(env);
}

static void setup_prot32(int cpl)
{
    stub_setup_prot32(&cpu, cpl);
}

static void idt32(int vec, uint32_t handler, unsigned type, unsigned dpl, bool p)
{
    phys_st64(IDT + vec * 8, desc_gate(KCODE, handler, type, dpl, p, 0));
}

static void test_real_mode_int(void)
{
    stub_init();
    stub_cpu_init(&cpu);
    /* IVT entry 0x21 -> 2000:5678 */
    phys_st16(0x21 * 4, 0x5678);
    phys_st16(0x21 * 4 + 2, 0x2000);
    env->idt.base = 0;
    env->idt.limit = 0x3ff;
    x86_seg_load_real(env, R_CS, 0x1000);
    x86_seg_load_real(env, R_SS, 0x0700);
    env->regs[R_ESP] = 0x1000;
    env->rip = 0x100;
    set_flags(RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_TF | RFLAGS_CF | RFLAGS_AC);
    x86_update_hflags(env);

    g_assert_cmpint(stub_deliver(&cpu, 0x21, false, true, false, 0, 0x102), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x0ffa);
    g_assert_cmphex(phys_ld(0x7000 + 0xffa, MO_16), ==, 0x102);   /* IP */
    g_assert_cmphex(phys_ld(0x7000 + 0xffc, MO_16), ==, 0x1000);  /* CS */
    g_assert_cmphex(phys_ld(0x7000 + 0xffe, MO_16), ==,
                    RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_TF | RFLAGS_CF); /* FLAGS */
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x2000);
    g_assert_cmphex(env->segs[R_CS].base, ==, 0x20000);
    g_assert_cmphex(env->rip, ==, 0x5678);
    g_assert_cmphex(get_flags(), ==, RFLAGS_FIXED1 | RFLAGS_CF); /* IF, TF, AC cleared */
    g_assert_cmpint(env->exception_old, ==, -1);

    /* IRET brings everything back */
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 2), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x1000);
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0x1000);
    g_assert_cmphex(env->rip, ==, 0x102);
    g_assert_cmphex(get_flags(), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_TF | RFLAGS_CF);
    g_assert_true(env->hflags & HF_TF);
}

/* "lidt 0" then an exception: #GP cannot be delivered either -> #DF -> shutdown */
static void test_real_mode_triple(void)
{
    stub_init();
    stub_cpu_init(&cpu);
    env->idt.limit = 0;
    g_assert_cmpint(stub_deliver(&cpu, EXCP03_BP, false, true, false, 0, 1), ==, -1);
    g_assert_cmpint(stub_triple_faults, ==, 1);
}

static void test_prot_same_privilege(void)
{
    setup_prot32(0);
    idt32(EXCP0D_GP, 0x11223344, DESC_INT_GATE, 0, true);
    g_assert_cmpint(stub_deliver(&cpu, EXCP0D_GP, false, false, true, 0x1234, 0), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000 - 16);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, 0x1234);  /* error code */
    g_assert_cmphex(stub_rd32(0x7000 - 12), ==, 0x500);   /* EIP of the faulting instruction */
    g_assert_cmphex(stub_rd32(0x7000 - 8), ==, KCODE);
    /* a fault pushes RF = 1 */
    g_assert_cmphex(stub_rd32(0x7000 - 4), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF | RFLAGS_RF);
    g_assert_cmphex(env->rip, ==, 0x11223344);
    g_assert_cmphex(env->segs[R_CS].selector, ==, KCODE);
    g_assert_cmphex(get_flags(), ==, RFLAGS_FIXED1 | RFLAGS_CF); /* interrupt gate: IF = 0 */
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    /* the accessed bit of the handler's CS descriptor was set */
    g_assert_true(stub_rd32(GDT + KCODE + 4) & (DESC_A << 8));

    /* IRET after popping the error code (the handler's ADD ESP, 4) */
    env->regs[R_ESP] += 4;
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 4), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000);
    g_assert_cmphex(env->rip, ==, 0x500);
    g_assert_cmphex(get_flags(), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF | RFLAGS_RF);

    /* a hardware interrupt through a 16-bit trap gate: 16-bit frame, IF kept */
    phys_st64(IDT + 0x30 * 8, desc_gate(KCODE, 0x4444, DESC_TRAP_GATE16, 0, true, 0));
    set_flags(RFLAGS_FIXED1 | RFLAGS_IF);
    env->regs[R_ESP] = 0x7000;
    g_assert_cmpint(stub_deliver(&cpu, 0x30, true, false, false, 0, 0), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000 - 6);
    g_assert_cmphex(phys_ld(0x7000 - 6, MO_16), ==, 0x500);
    g_assert_cmphex(phys_ld(0x7000 - 2, MO_16), ==, RFLAGS_FIXED1 | RFLAGS_IF);
    g_assert_cmphex(env->rip, ==, 0x4444);
    g_assert_true(get_flags() & RFLAGS_IF);
}

static void test_prot_ring3_to_ring0(void)
{
    setup_prot32(3);
    idt32(0x80, 0x8000, DESC_TRAP_GATE, 3, true);
    idt32(EXCP0D_GP, 0x9999, DESC_INT_GATE, 0, true);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);

    g_assert_cmpint(stub_deliver(&cpu, 0x80, false, true, false, 0, 0x502), ==, 0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    g_assert_cmphex(env->segs[R_SS].selector, ==, KDATA);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 20);
    g_assert_cmphex(stub_rd32(0x9000 - 20), ==, 0x502);  /* next EIP (software interrupt) */
    g_assert_cmphex(stub_rd32(0x9000 - 16), ==, UCODE);
    g_assert_cmphex(stub_rd32(0x9000 - 12), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    g_assert_cmphex(stub_rd32(0x9000 - 8), ==, 0x7000);  /* old ESP */
    g_assert_cmphex(stub_rd32(0x9000 - 4), ==, UDATA);   /* old SS */
    g_assert_cmphex(env->segs[R_CS].selector, ==, KCODE);
    g_assert_true(get_flags() & RFLAGS_IF);         /* trap gate */

    /* IRET to ring 3: SS:ESP restored, DS left alone (DPL 3) */
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 4), ==, 0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_CS].selector, ==, UCODE);
    g_assert_cmphex(env->segs[R_SS].selector, ==, UDATA);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7000);
    g_assert_cmphex(env->rip, ==, 0x502);
    g_assert_cmphex(env->segs[R_DS].selector, ==, UDATA);

    /* INT to a DPL 0 gate from ring 3: #GP(vector * 8 + 2), delivered */
    idt32(0x81, 0x8000, DESC_INT_GATE, 0, true);
    g_assert_cmpint(stub_deliver(&cpu, 0x81, false, true, false, 0, 0x504), ==, 0);
    g_assert_cmphex(env->rip, ==, 0x9999);
    g_assert_cmphex(stub_rd32(0x9000 - 24), ==, 0x81 * 8 + 2); /* error code, EXT = 0 */
    g_assert_cmphex(stub_rd32(0x9000 - 20), ==, 0x502);        /* the INT itself */
}

static void test_v86_to_ring0(void)
{
    setup_prot32(0);
    idt32(0x0d, 0x7777, DESC_INT_GATE, 0, true);
    set_flags(RFLAGS_FIXED1 | RFLAGS_VM | RFLAGS_IF);
    static const int segs[] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };
    for (int i = 0; i < 6; i++) {
        x86_seg_load_real(env, segs[i], (uint16_t)(0x100 * (i + 1)));
    }
    env->regs[R_ESP] = 0xfffe;
    env->rip = 0x10;
    x86_update_hflags(env);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);

    g_assert_cmpint(stub_deliver(&cpu, EXCP0D_GP, false, false, true, 0, 0), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x9000 - 40);
    g_assert_cmphex(stub_rd32(0x9000 - 4), ==, 0x600);  /* GS */
    g_assert_cmphex(stub_rd32(0x9000 - 8), ==, 0x500);  /* FS */
    g_assert_cmphex(stub_rd32(0x9000 - 12), ==, 0x300); /* DS */
    g_assert_cmphex(stub_rd32(0x9000 - 16), ==, 0x400); /* ES */
    g_assert_cmphex(stub_rd32(0x9000 - 20), ==, 0x200); /* SS */
    g_assert_cmphex(stub_rd32(0x9000 - 24), ==, 0xfffe);
    g_assert_true(stub_rd32(0x9000 - 28) & RFLAGS_VM);
    g_assert_cmphex(stub_rd32(0x9000 - 32), ==, 0x100); /* CS */
    g_assert_cmphex(stub_rd32(0x9000 - 36), ==, 0x10);  /* EIP */
    g_assert_cmphex(stub_rd32(0x9000 - 40), ==, 0);     /* error code */
    g_assert_cmphex(env->segs[R_DS].selector, ==, 0);
    g_assert_cmphex(env->segs[R_GS].selector, ==, 0);
    g_assert_false(get_flags() & RFLAGS_VM);
    g_assert_false(env->hflags & HF_VM);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);

    /* and back to V86 with IRETD */
    env->regs[R_ESP] += 4;
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 4), ==, 0);
    g_assert_true(env->hflags & HF_VM);
    g_assert_cmphex(env->segs[R_FS].base, ==, 0x5000);
    g_assert_cmphex(env->segs[R_SS].base, ==, 0x2000);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xfffe);
    g_assert_cmphex(env->rip, ==, 0x10);
}

static void setup_long(int cpl)
{
    stub_setup_long(&cpu, cpl);
    g_assert_true(env->hflags & HF_CS64);
}

static void idt64(int vec, uint64_t handler, unsigned type, unsigned dpl, int ist)
{
    phys_st64(IDT + vec * 16, desc_gate(KCODE64, (uint32_t)handler, type, dpl, true, (unsigned)ist));
    phys_st64(IDT + vec * 16 + 8, handler >> 32);
}

static void test_long_mode(void)
{
    setup_long(0);
    /* NMI through IST1: stack from the IST, aligned down to 16 */
    idt64(EXCP02_NMI, 0xffffffff80001000ull, DESC_INT_GATE, 0, 1);
    g_assert_cmpint(stub_deliver(&cpu, EXCP02_NMI, true, false, false, 0, 0), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xb000 - 40);
    g_assert_cmphex(stub_rd64(0xb000 - 40), ==, 0x500);
    g_assert_cmphex(stub_rd64(0xb000 - 32), ==, KCODE64);
    g_assert_cmphex(stub_rd64(0xb000 - 24), ==, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    g_assert_cmphex(stub_rd64(0xb000 - 16), ==, 0x7ff8);
    g_assert_cmphex(stub_rd64(0xb000 - 8), ==, KDATA);
    g_assert_cmphex(env->rip, ==, 0xffffffff80001000ull);
    g_assert_false(get_flags() & RFLAGS_IF);

    /* IRETQ pops SS:RSP even at the same privilege */
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 8), ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7ff8);
    g_assert_cmphex(env->rip, ==, 0x500);
    g_assert_cmphex(env->segs[R_SS].selector, ==, KDATA);
    g_assert_true(get_flags() & RFLAGS_IF);
}

static void test_long_mode_ring3(void)
{
    setup_long(3);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    idt64(EXCP0E_PF, 0xffffffff80002000ull, DESC_INT_GATE, 0, 0);
    g_assert_cmpint(stub_deliver(&cpu, EXCP0E_PF, false, false, true, 0x6, 0), ==, 0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 0);
    /* SS is the null selector with RPL 0; RSP0 aligned down to 16 */
    g_assert_cmphex(env->segs[R_SS].selector, ==, 0);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xa000 - 48);
    g_assert_cmphex(stub_rd64(0xa000 - 48), ==, 6);
    g_assert_cmphex(stub_rd64(0xa000 - 40), ==, 0x500);
    g_assert_cmphex(stub_rd64(0xa000 - 32), ==, UCODE64);
    g_assert_cmphex(stub_rd64(0xa000 - 16), ==, 0x7ff8);
    g_assert_cmphex(stub_rd64(0xa000 - 8), ==, UDATA);

    env->regs[R_ESP] += 8;
    g_assert_cmpint(STUB_HELPER(&cpu, NULL, helper_iret, 8), ==, 0);
    g_assert_cmpint(env->hflags & HF_CPL_MASK, ==, 3);
    g_assert_cmphex(env->segs[R_SS].selector, ==, UDATA);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x7ff8);
}

static void test_double_fault(void)
{
    setup_prot32(0);
    idt32(EXCP0D_GP, 0x1111, DESC_INT_GATE, 0, false); /* not present */
    idt32(EXCP08_DF, 0x8888, DESC_INT_GATE, 0, true);
    idt32(EXCP06_UD, 0x6666, DESC_INT_GATE, 0, false);
    idt32(EXCP0B_NP, 0xbbbb, DESC_INT_GATE, 0, true);

    /* #GP -> #NP while delivering: contributory twice -> #DF(0) */
    g_assert_cmpint(stub_deliver(&cpu, EXCP0D_GP, false, false, true, 0, 0), ==, 0);
    g_assert_cmphex(env->rip, ==, 0x8888);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, 0);     /* error code 0 */
    g_assert_cmphex(stub_rd32(0x7000 - 12), ==, 0x500);
    g_assert_cmpint(stub_triple_faults, ==, 0);

    /* #UD (benign) -> #NP: delivered serially, error code = IDT entry | EXT */
    setup_prot32(0);
    idt32(EXCP06_UD, 0x6666, DESC_INT_GATE, 0, false);
    idt32(EXCP0B_NP, 0xbbbb, DESC_INT_GATE, 0, true);
    g_assert_cmpint(stub_deliver(&cpu, EXCP06_UD, false, false, false, 0, 0), ==, 0);
    g_assert_cmphex(env->rip, ==, 0xbbbb);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, EXCP06_UD * 8 + 2 + 1);

    /* #PF then #PF on the push -> #DF */
    setup_prot32(0);
    env->cr0 |= CR0_PG;
    env->cr3 = 0x100000;
    phys_st32(0x100000, 0x101000 | 3);
    for (uint32_t p = 0; p < 0x400; p++) {
        if (p != 7) { /* the stack page 0x7000 is not mapped */
            phys_st32(0x101000 + p * 4, p << 12 | 3);
        }
    }
    idt32(EXCP0E_PF, 0xeeee, DESC_INT_GATE, 0, true);
    idt32(EXCP08_DF, 0x8888, DESC_INT_GATE, 0, true);
    env->regs[R_ESP] = 0x8000; /* the frame goes into 0x7fxx */
    g_assert_cmpint(stub_deliver(&cpu, EXCP0E_PF, false, false, true, 2, 0), ==, -1);
    /* #PF -> #PF = #DF, whose frame faults as well -> shutdown */
    g_assert_cmpint(stub_triple_faults, ==, 1);
    g_assert_cmphex(env->cr2, ==, 0x7ffc);
    g_assert_cmphex(env->rip, ==, 0x500); /* nothing changed */
    g_assert_cmphex(env->regs[R_ESP], ==, 0x8000);
}

static void test_gate_checks(void)
{
    setup_prot32(0);
    /* vector beyond the IDT limit: #GP(vector * 8 + 2 + EXT) */
    env->idt.limit = 0x10 * 8 - 1;
    idt32(EXCP0D_GP, 0xdddd, DESC_INT_GATE, 0, true);
    g_assert_cmpint(stub_deliver(&cpu, 0x20, true, false, false, 0, 0), ==, 0);
    g_assert_cmphex(env->rip, ==, 0xdddd);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, 0x20 * 8 + 2 + 1);

    /* a gate to a non-code selector: #GP(selector + EXT) */
    setup_prot32(0);
    idt32(EXCP0D_GP, 0xdddd, DESC_INT_GATE, 0, true);
    phys_st64(IDT + 0x40 * 8, desc_gate(KDATA, 0x1234, DESC_INT_GATE, 0, true, 0));
    g_assert_cmpint(stub_deliver(&cpu, 0x40, true, false, false, 0, 0), ==, 0);
    g_assert_cmphex(env->rip, ==, 0xdddd);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, KDATA + 1);

    /* a data-segment type in the IDT is not a gate */
    setup_prot32(0);
    idt32(EXCP0D_GP, 0xdddd, DESC_INT_GATE, 0, true);
    phys_st64(IDT + 0x41 * 8, desc_gate(KCODE, 0x1234, DESC_LDT, 0, true, 0));
    g_assert_cmpint(stub_deliver(&cpu, 0x41, false, true, false, 0, 0x501), ==, 0);
    g_assert_cmphex(env->rip, ==, 0xdddd);
    g_assert_cmphex(stub_rd32(0x7000 - 16), ==, 0x41 * 8 + 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/excp/real-mode-int", test_real_mode_int);
    g_test_add_func("/excp/real-mode-triple", test_real_mode_triple);
    g_test_add_func("/excp/prot-same-privilege", test_prot_same_privilege);
    g_test_add_func("/excp/prot-ring3-to-ring0", test_prot_ring3_to_ring0);
    g_test_add_func("/excp/v86-to-ring0", test_v86_to_ring0);
    g_test_add_func("/excp/long-mode-ist", test_long_mode);
    g_test_add_func("/excp/long-mode-ring3", test_long_mode_ring3);
    g_test_add_func("/excp/double-fault", test_double_fault);
    g_test_add_func("/excp/gate-checks", test_gate_checks);
    return g_test_run();
}
