/* mimic-test: timeout=300 */
/*
 * Shifts and rotates at CPL 3 (lib/insn.h), compared across accelerators:
 * SHL SHR SAR ROL ROR RCL RCR by 1 (D0/D1), by CL (D2/D3) and by imm8
 * (C0/C1), SHLD and SHRD by imm8 and CL, in every size, register and memory
 * destinations, with counts 0, 1, around each operand size, past the 5- and
 * 6-bit count masks and with bits above CL's low byte, carry in clear and
 * set.
 *
 * Undefined flags (Intel SDM vol. 2, SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR,
 * SHLD, SHRD), for the masked count c (count & 0x1f, or & 0x3f with
 * REX.W): with c = 0 nothing changes, flags included. Otherwise OF is
 * undefined unless c = 1; AF is undefined after SHL/SHR/SAR/SHLD/SHRD; CF
 * after SHL and SHR when c >= the operand size. SHLD/SHRD of 16 bits with
 * c > 16 leave the result and flags undefined: not run.
 */
#include "insn.h"

/* ---- bodies ---- */

enum { OP_SHL, OP_SHR, OP_SAR, OP_ROL, OP_ROR, OP_RCL, OP_RCR, N_OPS };
static const char op_names[N_OPS][4] = { "shl", "shr", "sar", "rol", "ror", "rcl", "rcr" };

/* by 1, by CL, by imm8 (the placeholder 2 is patched), by CL to memory,
 * by imm8 to memory */
#define SHIFT_SIZE(op, sfx, reg)                                                                   \
    INSN_BODY(op##_1##sfx, #op #sfx " $1, %" #reg);                                                \
    INSN_BODY(op##_cl##sfx, #op #sfx " %cl, %" #reg);                                              \
    INSN_BODY(op##_i##sfx, #op #sfx " $2, %" #reg);                                                \
    INSN_BODY(op##_mcl##sfx, #op #sfx " %cl, (%rdi)");                                             \
    INSN_BODY(op##_mi##sfx, #op #sfx " $2, (%rdi)")
#define SHIFT_BODIES(op)                                                                           \
    SHIFT_SIZE(op, b, al);                                                                         \
    SHIFT_SIZE(op, w, ax);                                                                         \
    SHIFT_SIZE(op, l, eax);                                                                        \
    SHIFT_SIZE(op, q, rax)
SHIFT_BODIES(shl);
SHIFT_BODIES(shr);
SHIFT_BODIES(sar);
SHIFT_BODIES(rol);
SHIFT_BODIES(ror);
SHIFT_BODIES(rcl);
SHIFT_BODIES(rcr);

#define DOUBLE_SIZE(op, sfx, src, dst)                                                             \
    INSN_BODY(op##_cl##sfx, #op #sfx " %cl, %" #src ", %" #dst);                                   \
    INSN_BODY(op##_i##sfx, #op #sfx " $2, %" #src ", %" #dst);                                     \
    INSN_BODY(op##_mcl##sfx, #op #sfx " %cl, %" #src ", (%rdi)");                                  \
    INSN_BODY(op##_mi##sfx, #op #sfx " $2, %" #src ", (%rdi)")
DOUBLE_SIZE(shld, w, bx, ax);
DOUBLE_SIZE(shld, l, ebx, eax);
DOUBLE_SIZE(shld, q, rbx, rax);
DOUBLE_SIZE(shrd, w, bx, ax);
DOUBLE_SIZE(shrd, l, ebx, eax);
DOUBLE_SIZE(shrd, q, rbx, rax);

/* Group 2 /6 is blank in the SDM's opcode map (vol. 2, table A-6); Intel
 * parts run it as SHL. */
INSN_BODY(grp2_6_by1, ".byte 0xd1, 0xf0");      /* "sal" %eax, 1 */
INSN_BODY(grp2_6_bycl, ".byte 0x48, 0xd3, 0xf0"); /* "sal" %rax, %cl */
/* high-byte destinations */
INSN_BODY(rol_ah_cl, "rolb %cl, %ah");
INSN_BODY(sar_bh_1, "sarb $1, %bh");
INSN_BODY(rcr_ch_3, "rcrb $3, %ch");
INSN_BODY(shl_dh_cl, "shlb %cl, %dh");

/* The shift and rotate bodies: op, size, form */
#define SHIFT_ROW(o, sfx) #o "_1" #sfx "," #o "_cl" #sfx "," #o "_i" #sfx "," #o "_mcl" #sfx "," #o "_mi" #sfx ","
#define SHIFT_OP(o) SHIFT_ROW(o, b) SHIFT_ROW(o, w) SHIFT_ROW(o, l) SHIFT_ROW(o, q)
INSN_TABLE(shift_table, SHIFT_OP(shl) SHIFT_OP(shr) SHIFT_OP(sar) SHIFT_OP(rol) SHIFT_OP(ror)
                        SHIFT_OP(rcl) SHIFT_OP(rcr));

static const InsnCode *shift_body(unsigned op, unsigned s, unsigned f)
{
    return insn_at(shift_table, (op * 4 + s) * 5 + f);
}

#define F_BY1 0
#define F_CL 1
#define F_IMM 2
#define F_MCL 3
#define F_MIMM 4

/* ---- values ---- */

static const unsigned size_bits[4] = { 8, 16, 32, 64 };

static uint64_t size_mask(unsigned s)
{
    return s == 3 ? ~0ull : (1ull << size_bits[s]) - 1;
}

static uint64_t value(unsigned s, unsigned i)
{
    uint64_t mask = size_mask(s);
    switch (i) {
    case 0: return 1;
    case 1: return (mask >> 1) + 1;          /* sign bit only */
    case 2: return mask >> 1;                /* largest signed */
    case 3: return mask;                     /* -1 */
    case 4: return ((mask >> 1) + 1) | 1;    /* both ends */
    default: return 0xc3a55a3c96e1e178ull & mask;
    }
}
#define N_VALUES 6

/* Counts in CL: zero, one, either side of each operand size and the count
 * masks, and one with bits above CL (only CL counts). */
static const unsigned counts[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 0x3ff };
#define N_COUNTS (sizeof(counts) / sizeof(counts[0]))
static const uint8_t imm_counts[] = { 0, 1, 3, 8, 17, 31, 32, 63, 200 };

#define HIGH_JUNK 0xa1b2c3d4e5f60718ull
#define MEM_OFF 0x300

static uint64_t shift_undef(unsigned op, unsigned s, unsigned count)
{
    unsigned c = count & (s == 3 ? 0x3f : 0x1f);
    if (c == 0) {
        return 0;
    }
    uint64_t undef = c == 1 ? 0 : F_OF;
    if (op <= OP_SAR) {
        undef |= F_AF;
    }
    if ((op == OP_SHL || op == OP_SHR) && c >= size_bits[s]) {
        undef |= F_CF;
    }
    return undef;
}

static void setup(UserRegs *r, unsigned s, uint64_t v, uint64_t src, uint64_t count, bool flags)
{
    uint64_t mask = size_mask(s);
    insn_init(r);
    r->gpr[UR_RAX] = (HIGH_JUNK & ~mask) | v;
    r->gpr[UR_RBX] = (~HIGH_JUNK & ~mask) | src;
    r->gpr[UR_RCX] = count | 0x5a5a000000000000ull;
    r->gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
    INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | v;
    /* every status flag set, or none: a count of 0 must keep them all */
    r->rflags |= flags ? RFLAGS_STATUS : 0;
}

static void shift_op(unsigned op)
{
    UserRegs r;
    for (unsigned s = 0; s < 4; s++) {
        insn_group("%s%u", op_names[op], size_bits[s]);
        for (unsigned v = 0; v < N_VALUES; v++) {
            uint64_t x = value(s, v);
            for (unsigned fl = 0; fl < 2; fl++) {
                setup(&r, s, x, 0, 1, fl);
                insn_run(shift_body(op, s, F_BY1), &r, shift_undef(op, s, 1), "%llx,1%s",
                         (unsigned long long)x, fl ? " f" : "");
                for (unsigned c = 0; c < N_COUNTS; c++) {
                    setup(&r, s, x, 0, counts[c], fl);
                    insn_run(shift_body(op, s, F_CL), &r, shift_undef(op, s, counts[c]),
                             "%llx,cl=%x%s", (unsigned long long)x, counts[c], fl ? " f" : "");
                }
            }
            for (unsigned c = 0; c < sizeof(imm_counts); c++) {
                unsigned fl = (v + c) & 1;
                setup(&r, s, x, 0, 0, fl);
                insn_run(insn_with_imm8(shift_body(op, s, F_IMM), imm_counts[c]), &r,
                         shift_undef(op, s, imm_counts[c]), "%llx,imm=%u%s",
                         (unsigned long long)x, imm_counts[c], fl ? " f" : "");
            }
        }
        insn_group("%s%u mem", op_names[op], size_bits[s]);
        for (unsigned v = 0; v < N_VALUES; v++) {
            uint64_t x = value(s, v);
            for (unsigned c = 0; c < N_COUNTS; c += 2) {
                unsigned fl = (v + c / 2) & 1;
                setup(&r, s, x, 0, counts[c], fl);
                insn_run(shift_body(op, s, F_MCL), &r, shift_undef(op, s, counts[c]),
                         "m %llx,cl=%x%s", (unsigned long long)x, counts[c], fl ? " f" : "");
            }
            for (unsigned c = 0; c < sizeof(imm_counts); c += 2) {
                unsigned fl = (v + c / 2) & 1;
                setup(&r, s, x, 0, 0, fl);
                insn_run(insn_with_imm8(shift_body(op, s, F_MIMM), imm_counts[c]), &r,
                         shift_undef(op, s, imm_counts[c]), "m %llx,imm=%u%s",
                         (unsigned long long)x, imm_counts[c], fl ? " f" : "");
            }
        }
    }
}

/* ---- SHLD / SHRD ---- */

static uint64_t double_undef(unsigned s, unsigned count)
{
    unsigned c = count & (s == 3 ? 0x3f : 0x1f);
    if (c == 0) {
        return 0;
    }
    return F_AF | (c == 1 ? 0 : F_OF);
}

static bool double_defined(unsigned s, unsigned count)
{
    return s != 1 || (count & 0x1f) <= 16;
}

/* SHLD then SHRD, sizes 16 32 64, forms CL, imm8, CL to memory, imm8 to
 * memory */
#define DOUBLE_ROW(o, sfx) #o "_cl" #sfx "," #o "_i" #sfx "," #o "_mcl" #sfx "," #o "_mi" #sfx ","
INSN_TABLE(double_table, DOUBLE_ROW(shld, w) DOUBLE_ROW(shld, l) DOUBLE_ROW(shld, q)
                         DOUBLE_ROW(shrd, w) DOUBLE_ROW(shrd, l) DOUBLE_ROW(shrd, q));

static const InsnCode *double_body(unsigned op, unsigned s, unsigned f)
{
    return insn_at(double_table, (op * 3 + s - 1) * 4 + f);
}

static void double_op(unsigned op)
{
    UserRegs r;
    const char *name = op ? "shrd" : "shld";
    for (unsigned s = 1; s < 4; s++) {
        insn_group("%s%u", name, size_bits[s]);
        for (unsigned v = 0; v < N_VALUES; v++) {
            uint64_t x = value(s, v), y = value(s, (v + 3) % N_VALUES) ^ 0x2;
            for (unsigned c = 0; c < N_COUNTS; c++) {
                if (!double_defined(s, counts[c])) {
                    continue;
                }
                unsigned fl = (v + c) & 1;
                setup(&r, s, x, y, counts[c], fl);
                insn_run(double_body(op, s, 0), &r, double_undef(s, counts[c]), "%llx,%llx,cl=%x%s",
                         (unsigned long long)x, (unsigned long long)y, counts[c], fl ? " f" : "");
                if (c % 2 == 0) {
                    setup(&r, s, x, y, counts[c], fl);
                    insn_run(double_body(op, s, 2), &r, double_undef(s, counts[c]),
                             "m %llx,%llx,cl=%x%s", (unsigned long long)x, (unsigned long long)y,
                             counts[c], fl ? " f" : "");
                }
            }
            for (unsigned c = 0; c < sizeof(imm_counts); c++) {
                if (!double_defined(s, imm_counts[c])) {
                    continue;
                }
                unsigned fl = (v + c) & 1;
                setup(&r, s, x, y, 0, fl);
                insn_run(insn_with_imm8(double_body(op, s, c & 1 ? 3 : 1), imm_counts[c]), &r,
                         double_undef(s, imm_counts[c]), "%s %llx,%llx,imm=%u%s",
                         c & 1 ? "m" : "r", (unsigned long long)x, (unsigned long long)y,
                         imm_counts[c], fl ? " f" : "");
            }
        }
    }
}

static void double_tests(void)
{
    double_op(0);
    double_op(1);
}

/* ---- odd encodings and byte registers ---- */

static void odd_tests(void)
{
    UserRegs r;
    insn_group("high bytes");
    for (unsigned v = 0; v < N_VALUES; v++) {
        for (unsigned c = 0; c < N_COUNTS; c += 3) {
            uint64_t x = value(0, v);
            insn_init(&r);
            r.gpr[UR_RAX] = HIGH_JUNK ^ x << 8;
            r.gpr[UR_RBX] = ~HIGH_JUNK ^ x << 8;
            r.gpr[UR_RCX] = (HIGH_JUNK & ~0xffffull) | x << 8 | counts[c];
            r.gpr[UR_RDX] = HIGH_JUNK ^ (x << 8) ^ (uint64_t)counts[c] << 9;
            r.rflags |= c & 1 ? RFLAGS_STATUS : 0;
            insn_run(&rol_ah_cl, &r, shift_undef(OP_ROL, 0, counts[c]), "rol ah,cl %llx,%x",
                     (unsigned long long)x, counts[c]);
            insn_run(&sar_bh_1, &r, shift_undef(OP_SAR, 0, 1), "then sar bh,1");
            insn_run(&rcr_ch_3, &r, shift_undef(OP_RCR, 0, 3), "then rcr ch,3");
            insn_run(&shl_dh_cl, &r, shift_undef(OP_SHL, 0, (uint8_t)r.gpr[UR_RCX]),
                     "then shl dh,cl");
        }
    }
    insn_group_end();
    for (unsigned v = 0; v < N_VALUES; v += 2) {
        setup(&r, 2, value(2, v), 0, 5, false);
        insn_run(&grp2_6_by1, &r, shift_undef(OP_SHL, 2, 1), "d1 /6 %llx",
                 (unsigned long long)value(2, v));
        setup(&r, 3, value(3, v), 0, 5, true);
        insn_run(&grp2_6_bycl, &r, shift_undef(OP_SHL, 3, 5), "d3 /6 %llx,5",
                 (unsigned long long)value(3, v));
    }
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    /* 0x80000000 >> 31 arithmetic: all ones in 32 bits, zero-extended; CF
     * is the last bit out (bit 30, 0) */
    setup(&r, 2, 0x80000000u, 0, 31, false);
    insn_run(shift_body(OP_SAR, 2, F_CL), &r, shift_undef(OP_SAR, 2, 31), "known: sar 80000000,31");
    insn_check_eq(r.gpr[UR_RAX], 0xffffffffull, "sar 0x80000000 by 31");
    insn_check_eq(r.rflags & RFLAGS_CF, 0, "sar 0x80000000 by 31: CF");
    /* RCL of 8 bits by 9 is a full turn through CF: nothing changes */
    setup(&r, 0, 0x81, 0, 9, true);
    insn_run(shift_body(OP_RCL, 0, F_CL), &r, shift_undef(OP_RCL, 0, 9), "known: rcl 81,9");
    insn_check_eq(r.gpr[UR_RAX] & 0xff, 0x81, "rcl 8 bits by 9: value back");
    insn_check_eq(r.rflags & RFLAGS_CF, RFLAGS_CF, "rcl 8 bits by 9: CF back");
    /* SHLD 64 by 4: 0x0123...cdef:0xf000... */
    setup(&r, 3, 0x0123456789abcdefull, 0xf000000000000000ull, 4, false);
    insn_run(&shld_clq, &r, double_undef(3, 4), "known: shld 4");
    insn_check_eq(r.gpr[UR_RAX], 0x123456789abcdeffull, "shld 64 by 4");
}

void insn_main(void)
{
    known_results();
    for (unsigned op = 0; op < N_OPS; op++) {
        shift_op(op);
    }
    double_tests();
    odd_tests();
}
