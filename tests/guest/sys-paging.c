/* mimic-test: */
/*
 * Paging at CPL 0 (and CPL 3 for the U/S checks), after Intel SDM vol. 3A
 * chapter 4: 32-bit paging with 4 KiB and 4 MiB pages (4.3), PAE paging
 * with 4 KiB and 2 MiB pages (4.4), 4-level paging with 4 KiB and 2 MiB
 * pages (4.5; 1 GiB pages only if CPUID advertises them), the accessed and
 * dirty flags (4.8), access rights: CR0.WP, U/S, NX with EFER.NXE (4.6),
 * the #PF error code and CR2 (4.7) including reserved-bit faults, and the
 * TLB rules of 4.10: INVLPG, MOV to CR3 (not for global pages), CR4.PGE
 * toggling. A PTE changed without invalidation may be used either way
 * (4.10.4.3): the test only checks it sees the old or the new page. Code
 * that crosses a page boundary is modified through its own address and
 * through an alias and must run as modified (vol. 3A 11.6).
 */
#include "sys-long.h"

#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u
#define PTE_NX (1ull << 63)
#define PTE_BIT51 (1ull << 51)
#define PDE32_BIT21 (1u << 21)

#define PF_P 0x01u
#define PF_W 0x02u
#define PF_U 0x04u
#define PF_RSVD 0x08u
#define PF_ID 0x10u

#define VEC_UD 6
#define VEC_PF 14

#define TEST_LIN 0x40000000u /* the 4 KiB test pages, 4 KiB apart */
#define BIG_PHYS 0x800000u   /* what the large test pages map */
#define BIG_LIN32 0x80000000u
#define RSVD_LIN32 0x80400000u
#define BIG_LIN 0x40200000u  /* PAE and 4-level: the 2 MiB page */

#define NPAGES 20
#define PAT(i) (0xa5000000u | (i))
#define BIG_PAT 0x4d4d0000u

static uint8_t pages[NPAGES][4096] __attribute__((aligned(4096)));
static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint32_t pt32[1024] __attribute__((aligned(4096)));
static uint64_t pdpt_pae[4] __attribute__((aligned(32)));
static uint64_t pd_pae0[512] __attribute__((aligned(4096)));
static uint64_t pd_pae1[512] __attribute__((aligned(4096)));
static uint64_t pt_pae[512] __attribute__((aligned(4096)));
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt4[512] __attribute__((aligned(4096)));
static uint64_t pd4_id[512] __attribute__((aligned(4096)));
static uint64_t pd4[512] __attribute__((aligned(4096)));
static uint64_t pt4[512] __attribute__((aligned(4096)));

SYS_CATCH_DEFINE

static uint32_t page(int i)
{
    return (uint32_t)(uintptr_t)pages[i];
}

static uint32_t lin(int i)
{
    return TEST_LIN + 4096u * (uint32_t)i;
}

/*
 * kvm_pvm cannot enable paging outside IA-32e mode (MOV to CR0 raises
 * #GP). A section whose paging cannot be enabled runs "dry": nothing is
 * accessed and every check of it is reported as failed, under the same
 * name, so the configurations still compare line by line
 * (known-deviations.txt lists them for kvm).
 */
static bool dry;

#define CHECK(ok, ...) check(!dry && (ok), __VA_ARGS__)
#define CHECK_EQ(got, want, ...)                                                                   \
    (dry ? check(false, __VA_ARGS__) : check_eq(got, want, __VA_ARGS__))

/* Turn paging on (CR0.PG) for a legacy section; false if refused. */
static bool paging_on(void)
{
    uint32_t cr0 = read_cr0() | CR0_PG;
    fault_clear();
    TRY("mov %0, %%cr0", : : "r"(cr0) : "memory");
    dry = sys_fault.vector >= 0;
    return !dry;
}

/* ---- accesses that may fault ---- */

static int try_read(uint32_t addr, uint32_t *val)
{
    uint32_t v = 0xdeadbeef;
    fault_clear();
    if (!dry) {
        TRY("movl (%1), %0", : "+r"(v) : "r"(addr) : "memory");
    }
    *val = v;
    return sys_fault.vector;
}

static int try_write(uint32_t addr, uint32_t v)
{
    fault_clear();
    if (!dry) {
        TRY("movl %1, (%0)", : : "r"(addr), "r"(v) : "memory");
    }
    return sys_fault.vector;
}

static void write16(uint32_t addr, uint16_t v)
{
    if (!dry) {
        *(volatile uint16_t *)(uintptr_t)addr = v;
    }
}

/* CALL addr; the code there returns a value in EAX. A fault on the fetch
 * leaves the return address pushed: ESI restores ESP. */
static int try_call(uint32_t addr, uint32_t *eax)
{
    uint32_t r = 0xdeadbeef;
    fault_clear();
    if (!dry) {
        __asm__ volatile("movl $1f, sys_resume\n"
                         "mov %%esp, %%esi\n"
                         "call *%1\n"
                         "1: mov %%esi, %%esp\n"
                         "movl $0, sys_resume"
                         : "+a"(r) : "r"(addr) : "esi", "ecx", "edx", "memory");
    }
    *eax = r;
    return sys_fault.vector;
}

static void invlpg(uint32_t addr)
{
    __asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

#define FORMAT_WHAT(fmt)                                                                           \
    char what[128];                                                                                \
    va_list ap;                                                                                    \
    va_start(ap, fmt);                                                                             \
    vsnprintf(what, sizeof(what), fmt, ap);                                                        \
    va_end(ap)

static __attribute__((format(printf, 3, 4))) void expect_read(uint32_t addr, uint32_t want,
                                                              const char *fmt, ...)
{
    FORMAT_WHAT(fmt);
    uint32_t v;
    int vec = try_read(addr, &v);
    if (vec >= 0) {
        check(false, "%s = vector %d, error 0x%x", what, vec, sys_fault.error);
        return;
    }
    CHECK_EQ(v, want, "%s", what);
}

/* One line per fault: vector, error code and CR2 together. */
static void report_pf(int vec, uint32_t err, uint32_t cr2, uint32_t want_err, uint32_t want_cr2,
                      const char *what)
{
    if (dry) {
        check(false, "%s", what);
    } else if (vec < 0) {
        check(false, "%s = no fault, expected #PF error 0x%x CR2 0x%x", what, want_err, want_cr2);
    } else if (vec == VEC_PF && err == want_err && cr2 == want_cr2) {
        check(true, "%s = #PF error 0x%x CR2 0x%x", what, err, cr2);
    } else {
        check(false, "%s = vector %d error 0x%x CR2 0x%x, expected #PF error 0x%x CR2 0x%x", what,
              vec, err, cr2, want_err, want_cr2);
    }
}

static __attribute__((format(printf, 4, 5))) void expect_pf(int vec, uint32_t err, uint32_t cr2,
                                                             const char *fmt, ...)
{
    FORMAT_WHAT(fmt);
    report_pf(vec, sys_fault.error, read_cr2(), err, cr2, what);
}

static void put_code(uint32_t addr, const uint8_t *code, int n)
{
    volatile uint8_t *p = phys(addr);
    for (int i = 0; i < n; i++) {
        p[i] = code[i];
    }
}

/* mov $0x1234, %eax; ret */
static const uint8_t ret_1234[] = { 0xb8, 0x34, 0x12, 0x00, 0x00, 0xc3 };

static void fill_pages(void)
{
    for (int i = 0; i < NPAGES; i++) {
        for (int j = 0; j < 4096; j += 4) {
            *(volatile uint32_t *)&pages[i][j] = PAT(i);
        }
    }
    *(volatile uint32_t *)phys(BIG_PHYS + 0x10) = BIG_PAT | 0x10;
    *(volatile uint32_t *)phys(BIG_PHYS + 0x400000 + 0x10) = BIG_PAT | 0x11;
}

/* ---- what every paging mode must do ---- */

/* The PTEs of the section being tested (32-bit or 64-bit entries). */
struct ptes {
    void (*set)(int i, uint32_t pa, uint32_t flags);
    uint32_t (*get)(int i);
};

#define PG_CODE 11                 /* pages of common_checks() */
#define PG_INV 12                  /* 12 -> 13 */
#define PG_CR3 14                  /* 14 -> 15 */
#define PG_GLOBAL 16               /* 16 -> 17 */
#define PG_CROSS 18                /* 18, 19 */

/*
 * Through PTEs first..first+8 (s names the mode): fetch and its accessed
 * bit, not-present faults, CR0.WP, the TLB rules, code across a page.
 */
static void common_checks(const char *s, const struct ptes *pt, int first)
{
    const uint32_t rw = PTE_RW | PTE_P;
    const int code = first, np = first + 1, ro = first + 2, inv = first + 3, cr3 = first + 4,
              glob = first + 5, c0 = first + 6, c1 = first + 7, alias = first + 8;
    uint32_t v;

    put_code(page(PG_CODE), ret_1234, sizeof(ret_1234));
    pt->set(code, page(PG_CODE), rw);
    pt->set(np, 0, 0);
    pt->set(ro, page(1), PTE_P);
    pt->set(inv, page(PG_INV), rw);
    pt->set(cr3, page(PG_CR3), rw);
    pt->set(glob, page(PG_GLOBAL), rw | PTE_G);
    pt->set(c0, page(PG_CROSS), rw);
    pt->set(c1, page(PG_CROSS + 1), rw);
    pt->set(alias, page(PG_CROSS + 1), rw);
    write_cr3(read_cr3());

    CHECK(try_call(lin(code), &v) < 0 && v == 0x1234, "%sfetch from a 4 KiB page: code ran", s);
    CHECK_EQ(pt->get(code) & (PTE_A | PTE_D), PTE_A, "%sfetch: PTE accessed, not dirty", s);

    expect_pf(try_read(lin(np) + 8, &v), 0, lin(np) + 8, "%sread, not present", s);
    expect_pf(try_write(lin(np) + 12, 1), PF_W, lin(np) + 12, "%swrite, not present", s);

    write_cr0(read_cr0() & ~CR0_WP);
    CHECK(try_write(lin(ro) + 8, 0x3333) < 0,
          "%sCR0.WP=0: supervisor write to a read-only page", s);
    CHECK_EQ(pt->get(ro) & PTE_D, PTE_D, "%sCR0.WP=0: read-only page dirty", s);
    write_cr0(read_cr0() | CR0_WP);
    expect_pf(try_write(lin(ro) + 12, 0x4444), PF_P | PF_W, lin(ro) + 12,
              "%sCR0.WP=1: supervisor write to a read-only page", s);
    CHECK_EQ(*(volatile uint32_t *)&pages[1][12], PAT(1), "%sCR0.WP=1: nothing written", s);

    /* TLB (SDM 4.10.4) */
    expect_read(lin(inv), PAT(PG_INV), "%sINVLPG: before", s);
    pt->set(inv, page(PG_INV + 1), rw);
    try_read(lin(inv), &v);
    CHECK(v == PAT(PG_INV) || v == PAT(PG_INV + 1),
          "%sPTE changed without INVLPG: old or new page, no crash", s);
    invlpg(lin(inv));
    expect_read(lin(inv), PAT(PG_INV + 1), "%safter INVLPG: the new page", s);

    write_cr4(read_cr4() | CR4_PGE);
    expect_read(lin(cr3), PAT(PG_CR3), "%sMOV to CR3: before", s);
    expect_read(lin(glob), PAT(PG_GLOBAL), "%sglobal page: before", s);
    pt->set(cr3, page(PG_CR3 + 1), rw);
    pt->set(glob, page(PG_GLOBAL + 1), rw | PTE_G);
    write_cr3(read_cr3());
    expect_read(lin(cr3), PAT(PG_CR3 + 1), "%safter MOV to CR3: the new page", s);
    try_read(lin(glob), &v);
    CHECK(v == PAT(PG_GLOBAL) || v == PAT(PG_GLOBAL + 1),
          "%sglobal page after MOV to CR3: old or new page", s);
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    expect_read(lin(glob), PAT(PG_GLOBAL + 1), "%sglobal page after toggling CR4.PGE: the new page",
                s);
    write_cr4(read_cr4() & ~CR4_PGE);

    /* mov $0x11223344, %eax; ret three bytes before the end of a page:
     * the immediate's top half is on the next page */
    static const uint8_t cross[] = { 0xb8, 0x44, 0x33, 0x22, 0x11, 0xc3 };
    uint32_t at = lin(c1) - 3;
    for (int i = 0; i < 6; i += 2) {
        write16(at + i, (uint16_t)(cross[i] | cross[i + 1] << 8));
    }
    CHECK(try_call(at, &v) < 0 && v == 0x11223344, "%scode across a page boundary: ran", s);
    write16(lin(c1), 0x5566);
    CHECK(try_call(at, &v) < 0 && v == 0x55663344,
          "%scode across a page boundary: second page modified, runs modified", s);
    write16(lin(alias), 0x7788);
    CHECK(try_call(at, &v) < 0 && v == 0x77883344,
          "%smodified through an alias of the second page: runs modified", s);
    *(volatile uint8_t *)phys(page(PG_CROSS) + 4095) = 0x99;
    CHECK(try_call(at, &v) < 0 && v == 0x77889944,
          "%smodified through the identity map of the first page: runs modified", s);
}

/* ---- 32-bit paging ---- */

static void set32(int i, uint32_t pa, uint32_t flags)
{
    pt32[i] = pa | flags;
}

static uint32_t get32(int i)
{
    return pt32[i];
}

static void paging32(void)
{
    printf("32-bit paging:\n");
    fill_pages();
    pd32[0] = 0x000000 | PTE_PS | PTE_RW | PTE_P;
    pd32[1] = 0x400000 | PTE_PS | PTE_RW | PTE_P;
    pd32[TEST_LIN >> 22] = (uint32_t)(uintptr_t)pt32 | PTE_RW | PTE_P;
    pd32[BIG_LIN32 >> 22] = BIG_PHYS | PTE_PS | PTE_RW | PTE_P;
    pd32[RSVD_LIN32 >> 22] = (BIG_PHYS + 0x400000) | PTE_PS | PTE_RW | PTE_P | PDE32_BIT21;
    pt32[0] = page(0) | PTE_RW | PTE_P;
    pt32[1] = 0;                        /* not present */

    write_cr3((uint32_t)(uintptr_t)pd32);
    write_cr4(read_cr4() | CR4_PSE);
    paging_on();

    /* accessed and dirty */
    expect_read(lin(0), PAT(0), "32-bit: 4 KiB page read");
    CHECK_EQ(pt32[0] & (PTE_A | PTE_D), PTE_A, "32-bit: read: PTE accessed, not dirty");
    CHECK_EQ(pd32[TEST_LIN >> 22] & PTE_A, PTE_A, "32-bit: read: PDE accessed");
    try_write(lin(0) + 4, 0x1111);
    CHECK_EQ(pt32[0] & (PTE_A | PTE_D), PTE_A | PTE_D, "32-bit: write: PTE dirty");
    CHECK_EQ(*(volatile uint32_t *)&pages[0][4], 0x1111, "32-bit: write went to the page");
    expect_read(BIG_LIN32 + 0x10, BIG_PAT | 0x10, "32-bit: 4 MiB page read");
    CHECK_EQ(pd32[BIG_LIN32 >> 22] & (PTE_A | PTE_D), PTE_A,
             "32-bit: 4 MiB read: PDE accessed, not dirty");
    try_write(BIG_LIN32 + 0x20, 0x2222);
    CHECK_EQ(pd32[BIG_LIN32 >> 22] & PTE_D, PTE_D, "32-bit: 4 MiB write: PDE dirty");

    uint32_t v;
    expect_pf(try_call(lin(1), &v), 0, lin(1), "32-bit: fetch, not present (no I/D without PAE)");
    CHECK_EQ(sys_fault.eip, lin(1), "32-bit: fetch, not present: EIP");
    expect_pf(try_read(RSVD_LIN32 + 0x10, &v), PF_P | PF_RSVD, RSVD_LIN32 + 0x10,
              "32-bit: 4 MiB PDE with bit 21 set");

    static const struct ptes p32 = { set32, get32 };
    common_checks("32-bit: ", &p32, 2);

    write_cr0(read_cr0() & ~CR0_PG);
    write_cr4(read_cr4() & ~CR4_PSE);
}

/* ---- PAE paging ---- */

static void paging_pae(void)
{
    printf("PAE paging:\n");
    fill_pages();
    pdpt_pae[0] = (uint32_t)(uintptr_t)pd_pae0 | PTE_P;
    pdpt_pae[1] = (uint32_t)(uintptr_t)pd_pae1 | PTE_P;
    for (uint32_t i = 0; i < 4; i++) {
        pd_pae0[i] = (i << 21) | PTE_PS | PTE_RW | PTE_P;
    }
    pd_pae1[0] = (uint32_t)(uintptr_t)pt_pae | PTE_RW | PTE_P;
    pd_pae1[1] = BIG_PHYS | PTE_PS | PTE_RW | PTE_P;
    pt_pae[0] = page(0) | PTE_RW | PTE_P;
    pt_pae[1] = page(2) | PTE_RW | PTE_P | PTE_NX;
    pt_pae[2] = page(2) | PTE_RW | PTE_P;
    pt_pae[3] = page(1) | PTE_RW | PTE_P | PTE_BIT51;
    pt_pae[4] = 0;
    put_code(page(2), ret_1234, sizeof(ret_1234));

    write_cr3((uint32_t)(uintptr_t)pdpt_pae);
    write_cr4(read_cr4() | CR4_PAE);
    paging_on();

    uint32_t v;
    expect_read(lin(0), PAT(0), "PAE: 4 KiB page read");
    CHECK_EQ((uint32_t)pt_pae[0] & (PTE_A | PTE_D), PTE_A, "PAE: read: PTE accessed, not dirty");
    CHECK_EQ((uint32_t)pd_pae1[0] & PTE_A, PTE_A, "PAE: read: PDE accessed");
    try_write(lin(0) + 4, 0x1111);
    CHECK_EQ((uint32_t)pt_pae[0] & PTE_D, PTE_D, "PAE: write: PTE dirty");
    expect_read(BIG_LIN + 0x10, BIG_PAT | 0x10, "PAE: 2 MiB page read");
    CHECK_EQ((uint32_t)pd_pae1[1] & (PTE_A | PTE_D), PTE_A,
             "PAE: 2 MiB read: PDE accessed, not dirty");
    try_write(BIG_LIN + 0x20, 0x2222);
    CHECK_EQ((uint32_t)pd_pae1[1] & PTE_D, PTE_D, "PAE: 2 MiB write: PDE dirty");

    expect_pf(try_read(lin(1), &v), PF_P | PF_RSVD, lin(1), "PAE: EFER.NXE=0: bit 63 is reserved");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    expect_read(lin(1), 0x001234b8u, "PAE: EFER.NXE=1: read from an NX page");
    expect_pf(try_call(lin(1), &v), PF_P | PF_ID, lin(1), "PAE: EFER.NXE=1: fetch from an NX page");
    CHECK(try_call(lin(2), &v) < 0 && v == 0x1234, "PAE: fetch from the same page without NX");
    expect_pf(try_call(lin(4), &v), PF_ID, lin(4), "PAE: EFER.NXE=1: fetch, not present");
    expect_pf(try_read(lin(3) + 4, &v), PF_P | PF_RSVD, lin(3) + 4, "PAE: PTE with bit 51 set");
    expect_pf(try_write(lin(3) + 8, 1), PF_P | PF_W | PF_RSVD, lin(3) + 8,
              "PAE: PTE with bit 51 set, write");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);

    write_cr0(read_cr0() & ~CR0_PG);
    write_cr4(read_cr4() & ~CR4_PAE);
}

/* ---- 4-level paging ---- */

static void set64(int i, uint32_t pa, uint32_t flags)
{
    pt4[i] = pa | flags;
}

static uint32_t get64(int i)
{
    return (uint32_t)pt4[i];
}

/* 64-bit user code at lin(1), entered with RDI = the address to use. */
#define U_READ 0x00  /* mov (%rdi), %eax; ud2 */
#define U_WRITE 0x10 /* movl $1, (%rdi); ud2 */
#define U_JUMP 0x20  /* jmp *%rdi */
static const uint8_t user_code[] = {
    [U_READ] = 0x8b, 0x07, 0x0f, 0x0b,
    [U_WRITE] = 0xc7, 0x07, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x0b,
    [U_JUMP] = 0xff, 0xe7,
};
#define UD2_PAGE_OFF 0x100 /* a UD2 in the pages user code jumps to */

static int user(uint32_t op, uint32_t addr)
{
    return sl_user_run(SL_U64_CS, lin(1) + op, lin(3), addr);
}

static void expect_user_pf(int vec, uint32_t err, uint32_t cr2, const char *what)
{
    report_pf(vec, (uint32_t)sl_frame.error, (uint32_t)sl_frame.cr2, err, cr2, what);
}

static void paging4(void)
{
    printf("4-level paging:\n");
    fill_pages();
    uint64_t t = PTE_RW | PTE_P;
    pml4[0] = (uint32_t)(uintptr_t)pdpt4 | t | PTE_US;
    pdpt4[0] = (uint32_t)(uintptr_t)pd4_id | t;
    pdpt4[1] = (uint32_t)(uintptr_t)pd4 | t | PTE_US;
    pdpt4[2] = (uint32_t)(uintptr_t)pd4 | t | PTE_US | PTE_BIT51;
    for (uint32_t i = 0; i < 4; i++) {
        pd4_id[i] = (i << 21) | PTE_PS | t;
    }
    pd4[0] = (uint32_t)(uintptr_t)pt4 | t | PTE_US;
    pd4[1] = BIG_PHYS | PTE_PS | t;
    pt4[0] = page(0) | t;                          /* supervisor data */
    pt4[1] = page(2) | PTE_P | PTE_US;             /* user code, read-only */
    pt4[2] = page(3) | t | PTE_US;                 /* user stack */
    pt4[3] = page(1) | t;                          /* supervisor */
    pt4[4] = page(4) | PTE_P | PTE_US;             /* user, read-only */
    pt4[5] = page(5) | t | PTE_US | PTE_NX;        /* user, no execute */
    pt4[6] = page(6) | t;                          /* supervisor, executable */
    pt4[7] = 0;
    pt4[8] = page(7) | t | PTE_US;                 /* user data */
    put_code(page(2), user_code, sizeof(user_code));
    for (int i = 4; i <= 6; i++) {
        *(volatile uint16_t *)&pages[i][UD2_PAGE_OFF] = 0x0b0f;
    }

    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    sl_long_enter((uint32_t)(uintptr_t)pml4);

    uint32_t v;
    expect_read(lin(0), PAT(0), "4-level: 4 KiB page read");
    check_eq((uint32_t)pt4[0] & (PTE_A | PTE_D), PTE_A, "4-level: read: PTE accessed, not dirty");
    check((pml4[0] & pdpt4[1] & pd4[0] & PTE_A) != 0,
          "4-level: read: PML4E, PDPTE and PDE accessed");
    check_eq((uint32_t)(pdpt4[1] | pd4[0]) & PTE_D, 0, "4-level: read: PDPTE and PDE not dirty");
    try_write(lin(0) + 4, 0x1111);
    check_eq((uint32_t)pt4[0] & PTE_D, PTE_D, "4-level: write: PTE dirty");
    expect_read(BIG_LIN + 0x10, BIG_PAT | 0x10, "4-level: 2 MiB page read");
    check_eq((uint32_t)pd4[1] & (PTE_A | PTE_D), PTE_A,
             "4-level: 2 MiB read: PDE accessed, not dirty");
    try_write(BIG_LIN + 0x20, 0x2222);
    check_eq((uint32_t)pd4[1] & PTE_D, PTE_D, "4-level: 2 MiB write: PDE dirty");
    expect_pf(try_read(0x80000000u + 0x40, &v), PF_P | PF_RSVD, 0x80000040u,
              "4-level: PDPTE with bit 51 set");

    if (cpuid(0x80000001u, 0).edx & (1u << 26)) {
        pdpt4[3] = PTE_PS | t; /* linear 3 GiB -> physical 0 */
        expect_read(0xc0000000u + page(0), PAT(0), "4-level: 1 GiB page read");
        check_eq((uint32_t)pdpt4[3] & PTE_A, PTE_A, "4-level: 1 GiB read: PDPTE accessed");
    } else {
        printf("1 GiB pages: not advertised (CPUID 80000001h EDX bit 26 clear), skipped\n");
    }

    /* CPL 0: supervisor write to a user read-only page, NX */
    write_cr0(read_cr0() & ~CR0_WP);
    check(try_write(lin(4) + 8, 0x3333) < 0,
          "4-level: CR0.WP=0: supervisor write to a user read-only page");
    write_cr0(read_cr0() | CR0_WP);
    expect_pf(try_write(lin(4) + 12, 0x4444), PF_P | PF_W, lin(4) + 12,
              "4-level: CR0.WP=1: supervisor write to a user read-only page");
    expect_pf(try_call(lin(5) + UD2_PAGE_OFF, &v), PF_P | PF_ID, lin(5) + UD2_PAGE_OFF,
              "4-level: supervisor fetch from an NX page");

    /* CPL 3 */
    check_eq((uint32_t)user(U_READ, lin(8)), VEC_UD, "4-level: user read from a user page");
    check_eq((uint32_t)user(U_WRITE, lin(8)), VEC_UD, "4-level: user write to a user page");
    check_eq((uint32_t)pt4[8] & (PTE_A | PTE_D), PTE_A | PTE_D,
             "4-level: user write: PTE accessed and dirty");
    expect_user_pf(user(U_READ, lin(3) + 16), PF_P | PF_U, lin(3) + 16,
                   "4-level: user read from a supervisor page");
    expect_user_pf(user(U_WRITE, lin(3) + 20), PF_P | PF_W | PF_U, lin(3) + 20,
                   "4-level: user write to a supervisor page");
    check_eq((uint32_t)user(U_READ, lin(4) + 24), VEC_UD,
             "4-level: user read from a read-only page");
    expect_user_pf(user(U_WRITE, lin(4) + 24), PF_P | PF_W | PF_U, lin(4) + 24,
                   "4-level: user write to a read-only page");
    expect_user_pf(user(U_READ, lin(7) + 28), PF_U, lin(7) + 28, "4-level: user read, not present");
    expect_user_pf(user(U_JUMP, lin(7) + UD2_PAGE_OFF), PF_U | PF_ID, lin(7) + UD2_PAGE_OFF,
                   "4-level: user fetch, not present");
    check_eq((uint32_t)user(U_JUMP, lin(4) + UD2_PAGE_OFF), VEC_UD,
             "4-level: user fetch from a user page");
    check_eq((uint32_t)sl_frame.rip, lin(4) + UD2_PAGE_OFF,
             "4-level: user fetch: #UD at the target");
    expect_user_pf(user(U_JUMP, lin(5) + UD2_PAGE_OFF), PF_P | PF_U | PF_ID, lin(5) + UD2_PAGE_OFF,
                   "4-level: user fetch from an NX page");
    expect_user_pf(user(U_JUMP, lin(6) + UD2_PAGE_OFF), PF_P | PF_U | PF_ID, lin(6) + UD2_PAGE_OFF,
                   "4-level: user fetch from a supervisor page");
    check_eq((uint32_t)sl_frame.rip, lin(6) + UD2_PAGE_OFF,
             "4-level: user fetch: #PF at the target");

    static const struct ptes p64 = { set64, get64 };
    common_checks("4-level: ", &p64, 9);

    sl_long_leave();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);
}

void test_main(void)
{
    sys_catch_init();
    sl_init();
    paging32();
    paging_pae();
    dry = false;
    paging4();
    check_eq(read_cr0() & CR0_PG, 0, "paging off at the end");
}
