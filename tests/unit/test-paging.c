/*
 * x86_translate() against page tables built in a flat "physical" buffer,
 * in every paging mode (Intel SDM vol. 3A, chapter 4): the translation, the
 * prot bits for the TLB, accessed/dirty write-back, and the #PF error code
 * of each kind of fault (4.7: P=1, W=2, U=4, RSVD=8, I/D=16).
 */
#include <glib.h>

#include "target/x86/paging.h"
#include "tests/unit/tcg-test-stubs.h"

static X86CPU cpu;

typedef struct Xlate {
    bool ok;
    uint64_t pa, size;
    int prot;
    uint32_t err;
} Xlate;

static Xlate xl(uint64_t va, X86Access acc, int mmu)
{
    Xlate r = { 0 };
    r.ok = x86_translate(&cpu, va, acc, mmu, &r.pa, &r.prot, &r.size, &r.err);
    return r;
}

static void setup(uint64_t cr0, uint64_t cr4, uint64_t efer, uint64_t cr3)
{
    stub_init();
    stub_cpu_init(&cpu);
    cpu.env.cr0 = cr0 | CR0_PE | CR0_ET;
    cpu.env.cr4 = cr4;
    cpu.env.efer = efer;
    cpu.env.cr3 = cr3;
}

#define RW (PG_P | PG_RW)
#define URW (PG_P | PG_RW | PG_US)

static void test_no_paging(void)
{
    setup(0, 0, 0, 0);
    Xlate r = xl(0x1234567890ull, ACC_WRITE, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x34567890); /* 32-bit linear addresses */
    g_assert_cmpint(r.prot, ==, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    g_assert_cmpint(stub_phys_stores, ==, 0);
}

/* 32-bit paging: CR3 0x1000, PD[1] -> PT 0x2000, PT[5] -> frame 0x345000 */
static void test_32bit_4k(void)
{
    setup(CR0_PG, 0, 0, 0x1000);
    phys_st32(0x1000 + 1 * 4, 0x2000 | URW);
    phys_st32(0x2000 + 5 * 4, 0x345000 | URW);
    uint64_t va = (1u << 22) | (5u << 12) | 0x123;

    Xlate r = xl(va, ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x345123);
    g_assert_cmphex(r.size, ==, 4096);
    /* clean page: no write permission cached, so a write comes back */
    g_assert_cmpint(r.prot, ==, PAGE_READ | PAGE_EXEC);
    g_assert_cmphex(phys_ld(0x1004, MO_32), ==, 0x2000 | URW | PG_A);
    g_assert_cmphex(phys_ld(0x2014, MO_32), ==, 0x345000 | URW | PG_A);
    g_assert_cmpint(stub_phys_stores, ==, 2);

    /* a second read changes nothing, so writes nothing */
    r = xl(va, ACC_READ, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmpint(stub_phys_stores, ==, 2);

    /* the write sets D on the PTE only, and the page becomes writable */
    r = xl(va, ACC_WRITE, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmpint(r.prot, ==, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    g_assert_cmphex(phys_ld(0x2014, MO_32), ==, 0x345000 | URW | PG_A | PG_D);
    g_assert_cmphex(phys_ld(0x1004, MO_32), ==, 0x2000 | URW | PG_A);
    g_assert_cmpint(stub_phys_stores, ==, 3);
    r = xl(va, ACC_WRITE, MMU_USER);
    g_assert_cmpint(stub_phys_stores, ==, 3);

    /* not present: P=0; error code says write and user */
    r = xl((1u << 22) | (6u << 12), ACC_WRITE, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_W | PF_ERR_U);
    r = xl(2u << 22, ACC_READ, MMU_KERNEL); /* PDE not present */
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, 0);
    /* 32-bit paging reports no I/D bit */
    r = xl(2u << 22, ACC_EXEC, MMU_KERNEL);
    g_assert_cmphex(r.err, ==, 0);
}

static void test_32bit_pse(void)
{
    setup(CR0_PG, CR4_PSE, 0, 0x1000);
    /* 4 MiB page at 0x12_0040_0000: PDE bits 20:13 = physical 39:32 */
    phys_st32(0x1000 + 3 * 4, 0x00400000 | (0x12u << 13) | URW | PG_PS | PG_G);
    Xlate r = xl((3u << 22) | 0x2abcde, ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x1200400000ull | 0x2abcde);
    g_assert_cmphex(r.size, ==, 4u << 20);
    g_assert_false(r.prot & PAGE_GLOBAL); /* CR4.PGE = 0 */
    g_assert_cmphex(phys_ld(0x100c, MO_32) & (PG_A | PG_D), ==, PG_A);

    cpu.env.cr4 |= CR4_PGE;
    r = xl((3u << 22) | 0x2abcde, ACC_WRITE, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_true(r.prot & PAGE_GLOBAL);
    g_assert_true(r.prot & PAGE_WRITE);
    g_assert_cmphex(phys_ld(0x100c, MO_32) & (PG_A | PG_D), ==, PG_A | PG_D);

    /* bit 21 is reserved with MAXPHYADDR 40 */
    phys_st32(0x1000 + 4 * 4, 0x00800000 | (1u << 21) | URW | PG_PS);
    r = xl(4u << 22, ACC_READ, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);

    /* without CR4.PSE the PS bit is ignored: the PDE points to a table */
    cpu.env.cr4 = 0;
    phys_st32(0x1000 + 5 * 4, 0x3000 | URW | PG_PS);
    phys_st32(0x3000, 0x777000 | URW);
    r = xl(5u << 22, ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x777000);
    g_assert_cmphex(r.size, ==, 4096);
}

/* U/S and R/W with CR0.WP, on a 32-bit 4 KiB mapping */
static void test_us_wp(void)
{
    setup(CR0_PG, 0, 0, 0x1000);
    phys_st32(0x1000, 0x2000 | URW);
    phys_st32(0x2000 + 0 * 4, 0x10000 | PG_P | PG_RW);          /* supervisor RW */
    phys_st32(0x2000 + 1 * 4, 0x11000 | PG_P | PG_US);          /* user RO */
    phys_st32(0x2000 + 2 * 4, 0x12000 | PG_P | PG_US | PG_D);   /* user RO, dirty */

    Xlate r = xl(0x0000, ACC_READ, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_U);
    r = xl(0x0000, ACC_EXEC, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_U);
    r = xl(0x0000, ACC_WRITE, MMU_KERNEL);
    g_assert_true(r.ok);

    /* supervisor may read and execute user pages (no SMEP/SMAP) */
    r = xl(0x1000, ACC_EXEC, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x11000);

    /* read-only page: user write always faults */
    r = xl(0x1000, ACC_WRITE, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    /* supervisor write: allowed with WP = 0 (and D gets set) */
    r = xl(0x1000, ACC_WRITE, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_true(r.prot & PAGE_WRITE);
    g_assert_true(phys_ld(0x2004, MO_32) & PG_D);
    /* ... but a user read of it must not get write permission */
    r = xl(0x1000, ACC_READ, MMU_USER);
    g_assert_true(r.ok);
    g_assert_false(r.prot & PAGE_WRITE);

    cpu.env.cr0 |= CR0_WP;
    r = xl(0x2000, ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_false(r.prot & PAGE_WRITE);
    r = xl(0x2000, ACC_WRITE, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_W);
    g_assert_cmphex(phys_ld(0x2008, MO_32), ==, 0x12000 | PG_P | PG_US | PG_D | PG_A); /* A from the read */

    /* R/W=0 in the PDE makes the whole table read-only */
    phys_st32(0x1000 + 1 * 4, 0x3000 | PG_P | PG_US);
    phys_st32(0x3000, 0x13000 | URW | PG_D);
    r = xl(1u << 22, ACC_WRITE, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_W);
    /* U/S=0 in the PDE makes it supervisor-only */
    phys_st32(0x1000 + 2 * 4, 0x4000 | PG_P | PG_RW);
    phys_st32(0x4000, 0x14000 | URW);
    r = xl(2u << 22, ACC_READ, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_U);
    /* no accessed bits were set by the faulting accesses */
    g_assert_false(phys_ld(0x4000, MO_32) & PG_A);
}

/* PAE: CR3 0x5020 -> PDPT; PDPTE[2] -> PD 0x6000 */
static void test_pae(void)
{
    setup(CR0_PG, CR4_PAE, EFER_NXE, 0x5020);
    phys_st64(0x5020 + 2 * 8, 0x6000 | PG_P);
    phys_st64(0x6000 + 0 * 8, 0x7000 | URW);                       /* -> PT */
    phys_st64(0x6000 + 1 * 8, 0x1234600000ull | URW | PG_PS);       /* 2 MiB */
    phys_st64(0x7000 + 3 * 8, 0xabcdef000ull | URW | PG_XD);        /* 4K, XD */
    uint64_t base = 2ull << 30;

    Xlate r = xl(base + (3u << 12) + 0x10, ACC_READ, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0xabcdef010ull);
    g_assert_false(r.prot & PAGE_EXEC);
    /* the PDPTE has no accessed bit: left alone */
    g_assert_cmphex(phys_ld(0x5030, MO_64), ==, 0x6000 | PG_P);
    g_assert_true(phys_ld(0x6000, MO_64) & PG_A);
    g_assert_cmphex(phys_ld(0x7018, MO_64), ==, 0xabcdef000ull | URW | PG_XD | PG_A);

    r = xl(base + (3u << 12), ACC_EXEC, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_I);
    r = xl(base + (4u << 12), ACC_EXEC, MMU_USER); /* not present, fetch */
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_U | PF_ERR_I);

    r = xl(base + (1u << 21) + 0x1fffff, ACC_EXEC, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x12347fffffull);
    g_assert_cmphex(r.size, ==, 2u << 20);
    g_assert_true(r.prot & PAGE_EXEC);

    /* without NXE, bit 63 is reserved and no I/D bit is reported */
    cpu.env.efer = 0;
    r = xl(base + (3u << 12), ACC_EXEC, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);

    /* a PDPTE with R/W set (reserved in PAE PDPTEs), read at walk time */
    phys_st64(0x5020 + 1 * 8, 0x6000 | PG_P | PG_RW);
    r = xl(1ull << 30, ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);
    /* 2 MiB page with bit 13 set: reserved */
    phys_st64(0x6000 + 2 * 8, 0x1234600000ull | (1u << 13) | URW | PG_PS);
    r = xl(base + (2u << 21), ACC_WRITE, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U);
    /* address bits above MAXPHYADDR (40) are reserved */
    phys_st64(0x7000 + 5 * 8, (1ull << 40) | URW);
    r = xl(base + (5u << 12), ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);
    /* PAE linear addresses are 32 bits */
    cpu.env.efer = EFER_NXE;
    r = xl((1ull << 32) | base | (3u << 12), ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0xabcdef000ull);
}

/* 4-level: PML4 0x8000, PDPT 0x9000, PD 0xa000, PT 0xb000 */
static void setup_4level(void)
{
    setup(CR0_PG, CR4_PAE | CR4_PGE, EFER_LME | EFER_LMA | EFER_NXE, 0x8000);
    phys_st64(0x8000 + 0x1ff * 8, 0x9000 | URW);     /* top of the address space */
    phys_st64(0x9000 + 0x1fe * 8, 0xa000 | URW);
    phys_st64(0xa000 + 0 * 8, 0xb000 | URW);
    phys_st64(0xb000 + 1 * 8, 0xfedcba000ull | URW | PG_G);
    phys_st64(0xa000 + 1 * 8, 0x40000000ull | PG_P | PG_RW | PG_PS); /* 2 MiB, supervisor */
    phys_st64(0x9000 + 0x1ff * 8, 0x80000000ull | URW | PG_PS | PG_XD); /* 1 GiB */
}

#define KVA(pdpt, pd, pt) (0xffffff8000000000ull | (uint64_t)(pdpt) << 30 | (uint64_t)(pd) << 21 | (uint64_t)(pt) << 12)

static void test_4level(void)
{
    setup_4level();
    Xlate r = xl(KVA(0x1fe, 0, 1) + 0x678, ACC_WRITE, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0xfedcba678ull);
    g_assert_cmpint(r.prot, ==, PAGE_READ | PAGE_WRITE | PAGE_EXEC | PAGE_GLOBAL);
    g_assert_cmphex(phys_ld(0x8000 + 0x1ff * 8, MO_64), ==, 0x9000 | URW | PG_A);
    g_assert_cmphex(phys_ld(0x9000 + 0x1fe * 8, MO_64), ==, 0xa000 | URW | PG_A);
    g_assert_cmphex(phys_ld(0xa000, MO_64), ==, 0xb000 | URW | PG_A);
    g_assert_cmphex(phys_ld(0xb008, MO_64), ==, 0xfedcba000ull | URW | PG_G | PG_A | PG_D);
    g_assert_cmpint(stub_phys_stores, ==, 4);

    r = xl(KVA(0x1fe, 1, 0) + 0x12345, ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0x40012345ull);
    g_assert_cmphex(r.size, ==, 2u << 20);
    r = xl(KVA(0x1fe, 1, 0), ACC_READ, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_U);

    r = xl(KVA(0x1ff, 0, 0) + 0x3fffffff, ACC_READ, MMU_USER);
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, 0xbfffffffull);
    g_assert_cmphex(r.size, ==, 1u << 30);
    g_assert_false(r.prot & PAGE_EXEC);
    r = xl(KVA(0x1ff, 5, 0), ACC_EXEC, MMU_USER);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_U | PF_ERR_I);

    /* non-canonical: not a page fault */
    r = xl(0x0000800000000000ull, ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_NONCANON);
    /* canonical but unmapped low half */
    r = xl(0x1000, ACC_EXEC, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_I);
}

static void test_4level_reserved(void)
{
    setup_4level();
    /* PS in a PML4E is reserved */
    phys_st64(0x8000 + 0x100 * 8, 0x9000 | URW | PG_PS);
    Xlate r = xl(0xffff800000000000ull, ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);
    /* 1 GiB page with bit 29 set */
    phys_st64(0x9000 + 0x1fd * 8, 0x80000000ull | (1u << 29) | URW | PG_PS);
    r = xl(KVA(0x1fd, 0, 0), ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);
    /* XD without EFER.NXE is reserved */
    cpu.env.efer &= ~EFER_NXE;
    r = xl(KVA(0x1ff, 0, 0), ACC_READ, MMU_KERNEL);
    g_assert_false(r.ok);
    g_assert_cmphex(r.err, ==, PF_ERR_P | PF_ERR_RSVD);
    /* G is reported only with CR4.PGE */
    cpu.env.cr4 &= ~CR4_PGE;
    r = xl(KVA(0x1fe, 0, 1), ACC_READ, MMU_KERNEL);
    g_assert_true(r.ok);
    g_assert_false(r.prot & PAGE_GLOBAL);
    /* nothing was written for the faults */
    g_assert_false(phys_ld(0x8000 + 0x100 * 8, MO_64) & PG_A);
}

static void test_debug_walk(void)
{
    setup_4level();
    uint64_t pa;
    g_assert_true(x86_translate_debug(&cpu, KVA(0x1fe, 1, 0) + 5, &pa));
    g_assert_cmphex(pa, ==, 0x40000005ull);
    g_assert_false(x86_translate_debug(&cpu, 0x1000, &pa));
    g_assert_cmpint(stub_phys_stores, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/paging/none", test_no_paging);
    g_test_add_func("/paging/32bit-4k", test_32bit_4k);
    g_test_add_func("/paging/32bit-pse", test_32bit_pse);
    g_test_add_func("/paging/us-wp", test_us_wp);
    g_test_add_func("/paging/pae", test_pae);
    g_test_add_func("/paging/4level", test_4level);
    g_test_add_func("/paging/4level-reserved", test_4level_reserved);
    g_test_add_func("/paging/debug-walk", test_debug_walk);
    return g_test_run();
}
