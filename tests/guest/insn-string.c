/* mimic-test: timeout=300 */
/*
 * String instructions at CPL 3 (lib/insn.h), compared across accelerators
 * (Intel SDM vol. 2: MOVS, STOS, LODS, CMPS, SCAS, REP/REPE/REPNE; vol. 1,
 * 7.3.9): every size, with and without REP prefixes, DF clear and set,
 * counts 0, 1, a few and many, REPE/REPNE stopping on the first mismatch or
 * match, REPNE on MOVS (acts as REP), overlapping MOVS (element by element,
 * not memmove), the 32-bit address size (67: RCX, RSI, RDI as ECX, ESI,
 * EDI), and REPs that fault part-way: a page fault at a page boundary
 * leaves RCX, RSI and RDI at the element that faulted (the iterations
 * before it done), RIP at the instruction, CR2 at the first byte of the
 * page (vol. 3A, 6.5 and the REP pages). A REP with RCX = 0 touches no
 * memory, not even a bad address. Undefined flags: none.
 */
#include "insn.h"

#define SRC 0x100
#define DST 0x600
#define REGION 0x300

/* ---- bodies: size b w l q, op ---- */

#define STR_SIZE(s)                                                                                \
    INSN_BODY(movs_##s, "movs" #s);                                                                \
    INSN_BODY(rep_movs_##s, "rep movs" #s);                                                        \
    INSN_BODY(stos_##s, "stos" #s);                                                                \
    INSN_BODY(rep_stos_##s, "rep stos" #s);                                                        \
    INSN_BODY(lods_##s, "lods" #s);                                                                \
    INSN_BODY(rep_lods_##s, "rep lods" #s);                                                        \
    INSN_BODY(cmps_##s, "cmps" #s);                                                                \
    INSN_BODY(repe_cmps_##s, "repe cmps" #s);                                                      \
    INSN_BODY(repne_cmps_##s, "repne cmps" #s);                                                    \
    INSN_BODY(scas_##s, "scas" #s);                                                                \
    INSN_BODY(repe_scas_##s, "repe scas" #s);                                                      \
    INSN_BODY(repne_scas_##s, "repne scas" #s)
STR_SIZE(b);
STR_SIZE(w);
STR_SIZE(l);
STR_SIZE(q);
#define STR_ROW(s)                                                                                 \
    "movs_" #s ",rep_movs_" #s ",stos_" #s ",rep_stos_" #s ",lods_" #s ",rep_lods_" #s ",cmps_" #s \
    ",repe_cmps_" #s ",repne_cmps_" #s ",scas_" #s ",repe_scas_" #s ",repne_scas_" #s ","
INSN_TABLE(str_table, STR_ROW(b) STR_ROW(w) STR_ROW(l) STR_ROW(q));
#define N_STR_OPS 12
static const char str_names[N_STR_OPS][12] = {
    "movs", "rep movs", "stos", "rep stos", "lods", "rep lods",
    "cmps", "repe cmps", "repne cmps", "scas", "repe scas", "repne scas",
};
static const char size_names[4] = { 'b', 'w', 'l', 'q' };

/* odd prefixes and address sizes */
INSN_BODY(repne_movsb, ".byte 0xf2, 0xa4");         /* REPNE MOVSB: a plain REP */
INSN_BODY(rep_rex_stos, ".byte 0xf3, 0x48, 0xab");    /* rep stosq with REX after F3 */
INSN_BODY(a32_rep_movsb, "addr32 rep movsb");
INSN_BODY(a32_rep_stosl, "addr32 rep stosl");
INSN_BODY(a32_repne_scasb, "addr32 repne scasb");
INSN_BODY(a32_repe_cmpsq, "addr32 repe cmpsq");
INSN_BODY(a32_lodsw, "addr32 lodsw");
INSN_BODY(rep_movsq_seg, "rep movsq %ds:(%rsi), %es:(%rdi)");
INSN_BODY(rep_twice, "rep movsb\n rep stosb");
INSN_TABLE(odd_table, "repne_movsb,rep_rex_stos,a32_rep_movsb,a32_rep_stosl,a32_repne_scasb,"
                      "a32_repe_cmpsq,a32_lodsw,rep_movsq_seg,rep_twice");
static const char odd_names[][16] = {
    "repne movsb", "rep rex stosq", "a32 rep movsb", "a32 rep stosl", "a32 repne scasb",
    "a32 repe cmpsq", "a32 lodsw", "rep movsq ds es", "rep movsb stosb",
};
#define N_ODD (sizeof(odd_names) / sizeof(odd_names[0]))

/* ---- memory contents ---- */

static void put(unsigned off, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: INSN_MEM8(off) = (uint8_t)v; break;
    case 2: INSN_MEM16(off) = (uint16_t)v; break;
    case 4: INSN_MEM32(off) = (uint32_t)v; break;
    default: INSN_MEM64(off) = v; break;
    }
}

/* Source and destination regions: for layout 0 they hold the same
 * elements but element 5 (counted in the direction of travel); for layout 1
 * they differ everywhere but element 3. */
#define FILL 0x4142434445464748ull
#define MARK 0x9192939495969798ull

static void regions(unsigned size, unsigned layout, bool down)
{
    for (unsigned i = 0; i < REGION / size; i++) {
        unsigned k = down ? REGION / size - 1 - i : i;  /* element number in travel order */
        uint64_t v = 0x0102030405060708ull * (k + 1);
        uint64_t w = layout == 0 ? (k == 5 ? ~v : v) : (k == 3 ? v : v ^ 0x5a5a5a5a5a5a5a5aull);
        put(SRC + i * size, size, v);
        put(DST + i * size, size, w);
    }
}

/* SCAS: the destination's elements all FILL but element 4, MARK */
static void scan_region(unsigned size, bool down)
{
    for (unsigned i = 0; i < REGION / size; i++) {
        unsigned k = down ? REGION / size - 1 - i : i;
        put(DST + i * size, size, k == 4 ? MARK : FILL);
    }
}

static const uint64_t counts[] = { 0, 1, 3, 40 };

static void setup(UserRegs *r, unsigned s, bool down, uint64_t count)
{
    unsigned size = 1u << s;
    insn_init(r);
    r->gpr[UR_RSI] = USER_DATA_ADDR + SRC + (down ? REGION - size : 0);
    r->gpr[UR_RDI] = USER_DATA_ADDR + DST + (down ? REGION - size : 0);
    r->gpr[UR_RCX] = count;
    r->gpr[UR_RAX] = 0xa1b2c3d4e5f60718ull;
    r->rflags |= down ? RFLAGS_DF : 0;
}

static void string_tests(void)
{
    UserRegs r;
    for (unsigned op = 0; op < N_STR_OPS; op++) {
        insn_group("%s", str_names[op]);
        for (unsigned s = 0; s < 4; s++) {
            unsigned size = 1u << s;
            for (unsigned down = 0; down < 2; down++) {
                for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                    for (unsigned layout = 0; layout < 2; layout++) {
                        setup(&r, s, down, counts[c]);
                        if (op >= 9) {
                            scan_region(size, down);
                            /* REPE SCAS runs over FILL, REPNE SCAS looks for MARK */
                            r.gpr[UR_RAX] = layout ? MARK : FILL;
                        } else {
                            regions(size, layout, down);
                        }
                        /* flags in: all set or none, as they must not leak */
                        r.rflags |= layout ? RFLAGS_STATUS : 0;
                        insn_run(insn_at(str_table, s * N_STR_OPS + op), &r, F_NONE,
                                 "%c %s n=%llu l%u", size_names[s], down ? "down" : "up",
                                 (unsigned long long)counts[c], layout);
                    }
                }
            }
        }
    }
}

/* Overlapping MOVS: each element is read after the previous one was
 * written, so a forward copy one element up repeats the first element. */
static void overlap_tests(void)
{
    UserRegs r;
    insn_group("overlap");
    for (unsigned s = 0; s < 4; s++) {
        for (unsigned down = 0; down < 2; down++) {
            for (unsigned shift = 1; shift <= 9; shift += 4) {
                insn_init(&r);
                regions(1, 1, false);
                uint64_t src = USER_DATA_ADDR + SRC + 0x80;
                r.gpr[UR_RSI] = src;
                r.gpr[UR_RDI] = down ? src - shift : src + shift;
                r.gpr[UR_RCX] = 24;
                r.rflags |= down ? RFLAGS_DF : 0;
                insn_run(insn_at(str_table, s * N_STR_OPS + 1), &r, F_NONE, "rep movs%c %s %u",
                         size_names[s], down ? "down" : "up", shift);
            }
        }
    }
}

static void odd_tests(void)
{
    UserRegs r;
    insn_group("odd prefixes");
    for (unsigned f = 0; f < N_ODD; f++) {
        for (unsigned v = 0; v < 4; v++) {
            bool junk = v & 1, down = v & 2;
            setup(&r, 0, down, 9);
            regions(1, 0, down);
            scan_region(1, down);
            /* bits above 32 that 67 must ignore: in RCX the count, in RSI
             * and RDI the addresses */
            if (junk && f >= 2 && f <= 6) {
                r.gpr[UR_RCX] |= 0x5a5a5a5a00000000ull;
                r.gpr[UR_RSI] |= 0xdead000000000000ull;
                r.gpr[UR_RDI] |= 0xbeef00000000ull;
            }
            r.gpr[UR_RAX] = MARK;
            insn_run(insn_at(odd_table, f), &r, F_NONE, "%s v%u", odd_names[f], v);
        }
    }
    /* 32-bit addresses wrap at 4 GiB: ESI 0xfffffffe counts up to 0, 1... */
    setup(&r, 0, false, 4);
    r.gpr[UR_RSI] = 0xfffffffeull;
    r.gpr[UR_RDI] = USER_DATA_ADDR + DST;
    insn_run(&a32_rep_movsb, &r, F_NONE, "a32 rep movsb from esi=fffffffe");
}

/* ---- REPs that fault part-way ---- */

INSN_BODY(f_rep_stosb, "rep stosb");
INSN_BODY(f_rep_stosq, "rep stosq");
INSN_BODY(f_rep_movsb, "rep movsb");
INSN_BODY(f_rep_movsl, "rep movsl");
INSN_BODY(f_rep_movsq, "rep movsq");
INSN_BODY(f_repe_cmpsb, "repe cmpsb");
INSN_BODY(f_repne_scasb, "repne scasb");
INSN_BODY(f_rep_lodsw, "rep lodsw");
INSN_BODY(f_stosb, "stosb");
INSN_BODY(f_movsq, "movsq");

static void fault_run(const InsnCode *body, const char *what, uint64_t rsi, uint64_t rdi,
                      uint64_t rcx, bool down)
{
    UserRegs r;
    insn_init(&r);
    r.gpr[UR_RSI] = rsi;
    r.gpr[UR_RDI] = rdi;
    r.gpr[UR_RCX] = rcx;
    r.gpr[UR_RAX] = 0x5c5c5c5c5c5c5c5cull;
    r.rflags |= down ? RFLAGS_DF : 0;
    insn_run(body, &r, F_NONE, "%s", what);
}

static void fill_page(unsigned page, uint8_t v)
{
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)INSN_WIN_PAGE(page);
    for (unsigned i = 0; i < 0x1000; i++) {
        p[i] = v;
    }
}

static void fault_tests(void)
{
    const uint64_t data = USER_DATA_ADDR;
    fill_page(INSN_PG_RW, 0x11);
    fill_page(INSN_PG_RW_RO, 0x22);
    fill_page(INSN_PG_RW_SUP, 0x33);
    fill_page(INSN_PG_RW2, 0x44);
    fill_page(INSN_PG_RW3, 0x55);
    /* writes that run into a not-present page, up and down */
    fault_run(&f_rep_stosb, "rep stosb into not-present", 0, INSN_WIN_PAGE(INSN_PG_NP) - 5, 64,
              false);
    fault_run(&f_rep_stosq, "rep stosq into not-present, RCX all ones", 0,
              INSN_WIN_PAGE(INSN_PG_NP) - 16, ~0ull, false);
    fault_run(&f_rep_stosq, "rep stosq straddling into not-present", 0,
              INSN_WIN_PAGE(INSN_PG_NP) - 20, 8, false);
    fault_run(&f_rep_stosb, "rep stosb down into not-present", 0,
              INSN_WIN_PAGE(INSN_PG_RW_RO) + 3, 64, true);
    /* into a read-only page, a supervisor page */
    fault_run(&f_rep_movsl, "rep movsl into read-only", data + SRC,
              INSN_WIN_PAGE(INSN_PG_RO) - 8, 16, false);
    fault_run(&f_rep_movsb, "rep movsb into supervisor", data + SRC,
              INSN_WIN_PAGE(INSN_PG_SUP) - 7, 16, false);
    fault_run(&f_rep_movsq, "rep movsq reading from supervisor", INSN_WIN_PAGE(INSN_PG_SUP) - 24,
              data + DST, 16, false);
    /* reads that run into a not-present page */
    fault_run(&f_rep_movsq, "rep movsq reading into not-present", INSN_WIN_PAGE(INSN_PG_NP2) - 32,
              data + DST, 40, false);
    fault_run(&f_repe_cmpsb, "repe cmpsb into not-present", INSN_WIN_PAGE(INSN_PG_NP2) - 6,
              INSN_WIN_PAGE(INSN_PG_RW3) + 0x100, 100, false);
    fault_run(&f_repne_scasb, "repne scasb into not-present", 0, INSN_WIN_PAGE(INSN_PG_NP2) - 9,
              ~0ull, false);
    fault_run(&f_rep_lodsw, "rep lodsw into not-present", INSN_WIN_PAGE(INSN_PG_NP) - 6, 0, 50,
              false);
    /* across a good page boundary: no fault */
    fault_run(&f_rep_movsq, "rep movsq across two good pages", INSN_WIN_PAGE(INSN_PG_RW3) - 24,
              data + DST, 6, false);
    /* count 0 touches nothing, not even an unmapped address; a single
     * element to an unmapped address faults */
    fault_run(&f_rep_stosb, "rep stosb n=0 to unmapped", 0, USER_UNMAPPED_ADDR, 0, false);
    fault_run(&f_rep_movsq, "rep movsq n=0 from unmapped", USER_UNMAPPED_ADDR, data + DST, 0,
              false);
    fault_run(&f_stosb, "stosb to unmapped", 0, USER_UNMAPPED_ADDR + 1, 0, false);
    fault_run(&f_movsq, "movsq from non-canonical", 0x8000000000000000ull, data + DST, 0, false);
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    setup(&r, 0, false, 3);
    int v = insn_run(&f_rep_stosb, &r, F_NONE, "known: rep stosb n=3");
    insn_check_eq((uint64_t)v, VEC_BP, "rep stosb n=3 runs to the end");
    insn_check_eq(r.gpr[UR_RCX], 0, "rep stosb n=3: RCX 0");
    insn_check_eq(INSN_MEM32(DST) & 0xffffff, 0x181818, "rep stosb n=3: three bytes stored");

    insn_init(&r);
    r.gpr[UR_RDI] = INSN_WIN_PAGE(INSN_PG_NP) - 5;
    r.gpr[UR_RCX] = 64;
    v = insn_run(&f_rep_stosb, &r, F_NONE, "known: rep stosb faulting after 5");
    insn_check_eq((uint64_t)v, VEC_PF, "rep stosb into a not-present page: #PF");
    insn_check_eq(r.cr2, INSN_WIN_PAGE(INSN_PG_NP), "rep stosb: CR2 at the page");
    insn_check_eq(r.error_code, 6, "rep stosb: error code W/R=1 U/S=1 P=0");
    insn_check_eq(r.gpr[UR_RCX], 59, "rep stosb: RCX counts the 5 bytes done");
    insn_check_eq(r.gpr[UR_RDI], INSN_WIN_PAGE(INSN_PG_NP), "rep stosb: RDI at the page");
    insn_check_eq(r.rip, USER_CODE_ADDR, "rep stosb: RIP at the instruction");
}

void insn_main(void)
{
    known_results();
    string_tests();
    overlap_tests();
    odd_tests();
    insn_group_end();
    fault_tests();
}
