/*
 * The 32-bit side of the CPU instruction tests (insn.h): test_main() enters
 * long mode through the user-mode harness, adds what the fault and string
 * tests need, and runs the test's 64-bit program at CPL 3.
 *
 * Added at CPL 0, after user_init():
 *   - a window of 4 KiB pages with assorted attributes (insn.h,
 *     INSN_PG_*) in place of the identity map's last 2 MiB page (Intel SDM
 *     vol. 3A, 4.5: a PDE with PS=0 points to a page table);
 *   - EFER.NXE, so that XD in a PTE makes the page non-executable (4.6);
 *   - CR0.AM, so that EFLAGS.AC=1 at CPL 3 turns on alignment checking
 *     (6.15, interrupt 17). The harness never sets AC; only bodies that ask
 *     for it by POPF see #AC.
 */
#include "insn.h"

#define CR0_AM (1u << 18)
#define MSR_EFER 0xc0000080
#define EFER_NXE (1u << 11)
#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_US 0x004ull
#define PTE_XD (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PD_WINDOW_INDEX 511
#define MBI_FLAG_CMDLINE (1u << 2)

extern const uint8_t user64_blob[];

static uint64_t window_pt[512] __attribute__((aligned(4096)));
static uint8_t window_ram[INSN_PG_COUNT][4096] __attribute__((aligned(4096)));

static uint64_t pte_for(unsigned page)
{
    uint64_t ram = (uint32_t)(uintptr_t)window_ram[page];
    switch (page) {
    case INSN_PG_NP:
    case INSN_PG_NP2:
        return 0;
    case INSN_PG_RO:
        return ram | PTE_P | PTE_US;
    case INSN_PG_SUP:
        return ram | PTE_P | PTE_RW;
    case INSN_PG_NX:
        return ram | PTE_P | PTE_RW | PTE_US | PTE_XD;
    case INSN_PG_UNASSIGNED:
        return INSN_UNASSIGNED_PHYS | PTE_P | PTE_RW | PTE_US;
    case INSN_PG_ALIAS_RW:
        return (uint32_t)(uintptr_t)window_ram[INSN_PG_RW] | PTE_P | PTE_RW | PTE_US;
    case INSN_PG_ALIAS_CODE:
        return USER_CODE_ADDR | PTE_P | PTE_RW | PTE_US;
    default:
        return ram | PTE_P | PTE_RW | PTE_US;
    }
}

static void window_setup(void)
{
    uint32_t cr3, cr0, lo, hi;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(cr3 & 0xfffff000u);
    const uint64_t *pdpt = (const uint64_t *)(uintptr_t)(uint32_t)(pml4[0] & PTE_ADDR);
    uint64_t *pd = (uint64_t *)(uintptr_t)(uint32_t)(pdpt[0] & PTE_ADDR);

    for (unsigned i = 0; i < 512; i++) {
        window_pt[i] = i < INSN_PG_COUNT ? pte_for(i) : 0;
    }
    *(volatile uint64_t *)window_ram[INSN_PG_SUP] = INSN_SUP_MAGIC;
    pd[PD_WINDOW_INDEX] = (uint32_t)(uintptr_t)window_pt | PTE_P | PTE_RW | PTE_US;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
    lo |= EFER_NXE;
    __asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(MSR_EFER));
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 |= CR0_AM;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    /* a new PDE and PTEs: flush the TLB */
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/* "verbose" as a word of the command line (-append verbose). */
static bool cmdline_verbose(void)
{
    if (!(mb_info->flags & MBI_FLAG_CMDLINE) || !mb_info->cmdline) {
        return false;
    }
    const char *s = (const char *)(uintptr_t)mb_info->cmdline;
    for (; *s; s++) {
        const char *w = "verbose", *p = s;
        while (*w && *p == *w) {
            p++;
            w++;
        }
        if (!*w && (s == (const char *)(uintptr_t)mb_info->cmdline || s[-1] == ' ') &&
            (*p == ' ' || !*p)) {
            return true;
        }
    }
    return false;
}

void test_main(void)
{
    static InsnBoot boot;
    boot.verbose = cmdline_verbose();
    user_init();
    window_setup();
    test_failures += user_call64(user64_blob, &boot);
}
