/* mimic-test: timeout=300 */
/*
 * x87 instructions at CPL 3 (lib/insn.h), compared across accelerators
 * bit for bit, transcendentals included (Intel SDM vol. 1 chapter 8, vol. 2
 * each instruction's page):
 *   FLD/FST/FSTP in 32, 64 and 80 bits with zeros, denormals, pseudo-
 *   denormals, unnormals, infinities, pseudo-infinities, QNaNs and SNaNs,
 *   every rounding mode for the narrowing stores; FILD, FIST, FISTP, FISTTP
 *   in 16, 32 and 64 bits, out of range (the integer indefinite), every
 *   rounding mode; FBLD/FBSTP;
 *   FADD FSUB FSUBR FMUL FDIV FDIVR in their register (D8, DC, DE) and
 *   memory (m32, m64, m16int, m32int) forms, with precision control 24, 53
 *   and 64 bits and the four rounding modes;
 *   FSQRT FABS FCHS FRNDINT FSCALE FXTRACT FPREM FPREM1;
 *   FCOM FCOMP FCOMPP FUCOM* FCOMI* FUCOMI* FICOM FTST FXAM (every class and
 *   the empty register), FCMOVcc;
 *   the constants FLD1 FLDZ FLDPI FLDL2E FLDL2T FLDLG2 FLDLN2 in every
 *   rounding mode;
 *   stack overflow and underflow (IE and SF, C1), FXCH FINCSTP FDECSTP
 *   FFREE, FNSTSW FNSTCW FLDCW FNSTENV FLDENV FNCLEX;
 *   FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1, out of range (C2);
 *   an unmasked exception raising #MF at the next waiting instruction.
 * Exceptions are masked unless said otherwise, so their flags accumulate
 * in FSW. Condition codes an instruction leaves undefined (its "FPU Flags
 * Affected") are masked: C0 C2 C3 after arithmetic, loads and stores.
 */
#include "insn.h"

#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_C3 0x4000
#define C_UNDEF (FSW_C0 | FSW_C2 | FSW_C3)
#define FCW_RC(rc) ((uint16_t)((rc) << 10))
#define FCW_PC(pc) ((uint16_t)((pc) << 8))
#define FCW_MASKED 0x003f
#define PC24 0
#define PC53 2
#define PC64 3

/* Operands: A at 0x100, B at 0x110 (80-bit), results from 0x200 */
#define OPA 0x100
#define OPB 0x110
#define RES 0x200

struct f80 {
    uint16_t se;
    uint64_t m;
};

static const struct f80 values[] = {
    { 0x0000, 0 },                        /* +0 */
    { 0x8000, 0 },                        /* -0 */
    { 0x3fff, 0x8000000000000000ull },    /* 1 */
    { 0xbfff, 0x8000000000000000ull },    /* -1 */
    { 0x4000, 0xc000000000000000ull },    /* 3 */
    { 0x3ffd, 0xaaaaaaaaaaaaaaabull },    /* 1/3 */
    { 0x3fff, 0xc000000000000000ull },    /* 1.5 */
    { 0x4000, 0xa000000000000000ull },    /* 2.5 */
    { 0xbffe, 0x8000000000000000ull },    /* -0.5 */
    { 0x3fff, 0x8000008000000001ull },    /* 1 + 2^-24 + 2^-63: a tie for single, plus */
    { 0x3fff, 0x8000000000000400ull },    /* 1 + 2^-53: a tie for double */
    { 0x4000, 0xc90fdaa22168c235ull },    /* pi */
    { 0x401d, 0xee6b280000000000ull },    /* 1e9 */
    { 0x403e, 0x8000000000000000ull },    /* 2^63 */
    { 0xc03e, 0x8000000000000000ull },    /* -2^63 */
    { 0x400e, 0xffff000000000000ull },    /* 65535 */
    { 0x7ffe, 0xffffffffffffffffull },    /* largest */
    { 0x43fe, 0xffffff0000000000ull },    /* above single's range */
    { 0x0001, 0x8000000000000000ull },    /* smallest normal */
    { 0x3f80, 0x8000000000000000ull },    /* 2^-127: single denormal */
    { 0x0000, 0x0000000000000001ull },    /* smallest denormal */
    { 0x0000, 0x8000000000000000ull },    /* pseudo-denormal */
    { 0x3fff, 0x4000000000000000ull },    /* unnormal: invalid */
    { 0x7fff, 0x8000000000000000ull },    /* +inf */
    { 0xffff, 0x8000000000000000ull },    /* -inf */
    { 0x7fff, 0x0000000000000000ull },    /* pseudo-infinity: invalid */
    { 0x7fff, 0xc000000000000001ull },    /* QNaN */
    { 0xffff, 0x8000000000000005ull },    /* -SNaN */
    { 0xffff, 0xc000000000000000ull },    /* the indefinite */
};
#define N_VALUES (sizeof(values) / sizeof(values[0]))
/* A smaller set for operand pairs */
static const unsigned pair_values[] = { 0, 1, 2, 3, 4, 5, 9, 11, 13, 16, 18, 20, 23, 24, 26, 27 };
#define N_PAIR (sizeof(pair_values) / sizeof(pair_values[0]))

static void put80(unsigned off, struct f80 v)
{
    INSN_MEM64(off) = v.m;
    INSN_MEM16(off + 8) = v.se;
}

static void setup(UserRegs *r, uint16_t fcw)
{
    insn_init(r);
    r->gpr[UR_RDI] = USER_DATA_ADDR;
    insn_fx_set16(r, FX_FCW, fcw);
}

static uint16_t fcw_of(unsigned pc, unsigned rc)
{
    return 0x40 | FCW_MASKED | FCW_PC(pc) | FCW_RC(rc);
}

/* ---- loads and stores ---- */

INSN_BODY(ld80_st32, "fldt 0x100(%rdi)\n fstps 0x200(%rdi)");
INSN_BODY(ld80_st64, "fldt 0x100(%rdi)\n fstpl 0x200(%rdi)");
INSN_BODY(ld80_st80, "fldt 0x100(%rdi)\n fld %st(0)\n fstpt 0x200(%rdi)");
INSN_BODY(ld32, "flds 0x100(%rdi)");
INSN_BODY(ld64, "fldl 0x100(%rdi)");
INSN_BODY(ld80_fst32, "fldt 0x100(%rdi)\n fsts 0x200(%rdi)");
INSN_BODY(ld80_fist16, "fldt 0x100(%rdi)\n fists 0x200(%rdi)");
INSN_BODY(ld80_fistp32, "fldt 0x100(%rdi)\n fistpl 0x200(%rdi)");
INSN_BODY(ld80_fistp64, "fldt 0x100(%rdi)\n fistpll 0x200(%rdi)");
INSN_BODY(ld80_fisttp16, "fldt 0x100(%rdi)\n fisttps 0x200(%rdi)");
INSN_BODY(ld80_fisttp32, "fldt 0x100(%rdi)\n fisttpl 0x200(%rdi)");
INSN_BODY(ld80_fisttp64, "fldt 0x100(%rdi)\n fisttpll 0x200(%rdi)");
INSN_BODY(ld80_fbstp, "fldt 0x100(%rdi)\n fbstp 0x200(%rdi)");
INSN_TABLE(store_table, "ld80_st32,ld80_st64,ld80_st80,ld80_fst32,ld80_fist16,ld80_fistp32,"
                        "ld80_fistp64,ld80_fisttp16,ld80_fisttp32,ld80_fisttp64,ld80_fbstp");
static const char store_names[][10] = {
    "fstp32", "fstp64", "fstp80", "fst32", "fist16", "fistp32", "fistp64", "fisttp16",
    "fisttp32", "fisttp64", "fbstp",
};
#define N_STORES 11
INSN_BODY(fild16, "filds 0x100(%rdi)");
INSN_BODY(fild32, "fildl 0x100(%rdi)");
INSN_BODY(fild64, "fildll 0x100(%rdi)");
INSN_BODY(fbld, "fbld 0x100(%rdi)");

static void load_store_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_STORES; f++) {
        insn_group("%s", store_names[f]);
        for (unsigned v = 0; v < N_VALUES; v++) {
            for (unsigned rc = 0; rc < 4; rc++) {
                /* the exact formats need one rounding mode */
                if (f == 2 && rc) {
                    continue;
                }
                setup(&r, fcw_of(PC64, rc));
                put80(OPA, values[v]);
                insn_fsw_undef = C_UNDEF;
                insn_run(insn_at(store_table, f), &r, F_NONE, "v%u rc%u", v, rc);
            }
        }
    }
    /* narrow loads: every bit pattern class of single and double */
    static const uint32_t singles[] = { 0, 0x80000000u, 0x3f800000u, 0x00000001u, 0x807fffffu,
                                        0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u,
                                        0xffbfffffu, 0x7f7fffffu, 0x00800000u };
    static const uint64_t doubles[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                        0x0000000000000001ull, 0x800fffffffffffffull,
                                        0x7ff0000000000000ull, 0xfff0000000000000ull,
                                        0x7ff8000000000000ull, 0x7ff0000000000001ull,
                                        0xfff7ffffffffffffull, 0x7fefffffffffffffull,
                                        0x0010000000000000ull };
    insn_group("fld32/64");
    for (unsigned i = 0; i < sizeof(singles) / sizeof(singles[0]); i++) {
        setup(&r, fcw_of(PC64, 0));
        INSN_MEM32(OPA) = singles[i];
        insn_fsw_undef = C_UNDEF;
        insn_run(&ld32, &r, F_NONE, "fld32 %x", singles[i]);
        setup(&r, fcw_of(PC64, 0));
        INSN_MEM64(OPA) = doubles[i];
        insn_fsw_undef = C_UNDEF;
        insn_run(&ld64, &r, F_NONE, "fld64 %llx", (unsigned long long)doubles[i]);
    }
    static const uint64_t ints[] = { 0, 1, 0xffffffffffffffffull, 0x7fff, 0x8000, 0x7fffffff,
                                     0x80000000, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                     0x0020000000000001ull, 0x123456789abcdef0ull };
    insn_group("fild");
    for (unsigned i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        for (unsigned f = 0; f < 3; f++) {
            setup(&r, fcw_of(PC64, 0));
            INSN_MEM64(OPA) = ints[i];
            insn_fsw_undef = C_UNDEF;
            insn_run(f == 0 ? &fild16 : f == 1 ? &fild32 : &fild64, &r, F_NONE, "fild%u %llx",
                     16u << f, (unsigned long long)ints[i]);
        }
    }
    static const uint64_t bcds[][2] = {
        { 0x0000000000000000ull, 0x0000 }, { 0x0000000000000001ull, 0x8000 },
        { 0x9999999999999999ull, 0x0099 }, { 0x1234567890123456ull, 0x8012 },
        { 0x00000000000000a0ull, 0x0000 }, { 0x0000000000000000ull, 0x8000 },
        { 0xffffffffffffffffull, 0xffff },
    };
    for (unsigned i = 0; i < sizeof(bcds) / sizeof(bcds[0]); i++) {
        setup(&r, fcw_of(PC64, 0));
        INSN_MEM64(OPA) = bcds[i][0];
        INSN_MEM16(OPA + 8) = (uint16_t)bcds[i][1];
        insn_fsw_undef = C_UNDEF;
        insn_run(&fbld, &r, F_NONE, "fbld %llx %llx", (unsigned long long)bcds[i][1],
                 (unsigned long long)bcds[i][0]);
    }
}

/* ---- arithmetic ---- */

/* ST0 = A, ST1 = B, then the operation */
#define ARITH(name, op) INSN_BODY(name, "fldt 0x110(%rdi)\n fldt 0x100(%rdi)\n" op)
ARITH(a_fadd, "fadd %st(1), %st");           /* D8 C1: ST0 = ST0 + ST1 */
ARITH(a_fsub, "fsub %st(1), %st");           /* D8 E1: ST0 = ST0 - ST1 */
ARITH(a_fsubr, "fsubr %st(1), %st");         /* D8 E9: ST0 = ST1 - ST0 */
ARITH(a_fmul, "fmul %st(1), %st");
ARITH(a_fdiv, "fdiv %st(1), %st");           /* D8 F1: ST0 = ST0 / ST1 */
ARITH(a_fdivr, "fdivr %st(1), %st");         /* D8 F9: ST0 = ST1 / ST0 */
ARITH(a_dc_fsub, ".byte 0xdc, 0xe9");        /* FSUB ST1, ST0: ST1 = ST1 - ST0 */
ARITH(a_dc_fdivr, ".byte 0xdc, 0xf1");       /* FDIVR ST1, ST0: ST1 = ST0 / ST1 */
ARITH(a_de_faddp, ".byte 0xde, 0xc1");       /* FADDP ST1, ST0 */
ARITH(a_de_fsubp, ".byte 0xde, 0xe9");       /* FSUBP ST1, ST0: ST1 = ST1 - ST0, pop */
ARITH(a_de_fdivp, ".byte 0xde, 0xf9");       /* FDIVP ST1, ST0: ST1 = ST1 / ST0, pop */
ARITH(a_de_fmulp, ".byte 0xde, 0xc9");
ARITH(a_fprem, "fprem");
ARITH(a_fprem1, "fprem1");
ARITH(a_fscale, "fscale");
ARITH(a_fpatan, "fpatan");
ARITH(a_fyl2x, "fyl2x");
ARITH(a_fyl2xp1, "fyl2xp1");
INSN_TABLE(arith_table, "a_fadd,a_fsub,a_fsubr,a_fmul,a_fdiv,a_fdivr,a_dc_fsub,a_dc_fdivr,"
                        "a_de_faddp,a_de_fsubp,a_de_fdivp,a_de_fmulp,a_fprem,a_fprem1,a_fscale,"
                        "a_fpatan,a_fyl2x,a_fyl2xp1");
static const char arith_names[][10] = {
    "fadd", "fsub", "fsubr", "fmul", "fdiv", "fdivr", "dc fsub", "dc fdivr", "faddp",
    "fsubp", "fdivp", "fmulp", "fprem", "fprem1", "fscale", "fpatan", "fyl2x", "fyl2xp1",
};
#define N_ARITH 18
/* FPREM/FPREM1 set C0 C1 C3 to quotient bits and C2 to "incomplete" */
#define ARITH_FPREM 12

/* ST0 = A then a memory operand at 0x110 */
INSN_BODY(m_fadd32, "fldt 0x100(%rdi)\n fadds 0x110(%rdi)");
INSN_BODY(m_fsub64, "fldt 0x100(%rdi)\n fsubl 0x110(%rdi)");
INSN_BODY(m_fsubr32, "fldt 0x100(%rdi)\n fsubrs 0x110(%rdi)");
INSN_BODY(m_fmul64, "fldt 0x100(%rdi)\n fmull 0x110(%rdi)");
INSN_BODY(m_fdiv32, "fldt 0x100(%rdi)\n fdivs 0x110(%rdi)");
INSN_BODY(m_fdivr64, "fldt 0x100(%rdi)\n fdivrl 0x110(%rdi)");
INSN_BODY(m_fiadd16, "fldt 0x100(%rdi)\n fiadds 0x110(%rdi)");
INSN_BODY(m_fisub32, "fldt 0x100(%rdi)\n fisubl 0x110(%rdi)");
INSN_BODY(m_fidivr16, "fldt 0x100(%rdi)\n fidivrs 0x110(%rdi)");
INSN_BODY(m_fimul32, "fldt 0x100(%rdi)\n fimull 0x110(%rdi)");
INSN_TABLE(mem_table, "m_fadd32,m_fsub64,m_fsubr32,m_fmul64,m_fdiv32,m_fdivr64,m_fiadd16,"
                      "m_fisub32,m_fidivr16,m_fimul32");
#define N_MEM 10

static void arith_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_ARITH; f++) {
        insn_group("%s", arith_names[f]);
        for (unsigned a = 0; a < N_PAIR; a++) {
            for (unsigned b = 0; b < N_PAIR; b++) {
                setup(&r, fcw_of(PC64, 0));
                put80(OPA, values[pair_values[a]]);
                put80(OPB, values[pair_values[b]]);
                insn_fsw_undef = f == ARITH_FPREM || f == ARITH_FPREM + 1 ? 0 : C_UNDEF;
                insn_run(insn_at(arith_table, f), &r, F_NONE, "v%u,v%u", pair_values[a],
                         pair_values[b]);
            }
        }
    }
    /* precision control and rounding on the basic four */
    static const unsigned pcs[] = { PC24, PC53, PC64 };
    static const unsigned pc_pairs[][2] = { { 2, 5 }, { 5, 4 }, { 9, 2 }, { 10, 11 }, { 11, 12 },
                                            { 16, 16 }, { 18, 4 }, { 19, 5 }, { 20, 2 }, { 12, 5 } };
    insn_group("pc/rc");
    for (unsigned f = 0; f < 6; f++) {
        for (unsigned p = 0; p < 3; p++) {
            for (unsigned rc = 0; rc < 4; rc++) {
                for (unsigned k = 0; k < sizeof(pc_pairs) / sizeof(pc_pairs[0]); k++) {
                    setup(&r, fcw_of(pcs[p], rc));
                    put80(OPA, values[pc_pairs[k][0]]);
                    put80(OPB, values[pc_pairs[k][1]]);
                    insn_fsw_undef = C_UNDEF;
                    insn_run(insn_at(arith_table, f), &r, F_NONE, "%s pc%u rc%u v%u,v%u",
                             arith_names[f], pcs[p], rc, pc_pairs[k][0], pc_pairs[k][1]);
                }
            }
        }
    }
    /* memory operands: the operand's bits, read as the instruction's
     * format */
    static const uint64_t mem_ops[] = { 0, 0x3f800000u, 0x00000001u, 0x7fc00000u, 0x7f800001u,
                                        0x3ff0000000000000ull, 0x8000000000000001ull,
                                        0x7ff0000000000000ull, 0xffffffffffff8000ull,
                                        0x0000000000007fffull };
    insn_group("memory operands");
    for (unsigned f = 0; f < N_MEM; f++) {
        for (unsigned a = 0; a < N_PAIR; a += 3) {
            for (unsigned m = 0; m < sizeof(mem_ops) / sizeof(mem_ops[0]); m++) {
                setup(&r, fcw_of(PC64, a & 3));
                put80(OPA, values[pair_values[a]]);
                INSN_MEM64(OPB) = mem_ops[m];
                insn_fsw_undef = C_UNDEF;
                insn_run(insn_at(mem_table, f), &r, F_NONE, "%u v%u,%llx", f, pair_values[a],
                         (unsigned long long)mem_ops[m]);
            }
        }
    }
}

/* ---- one-operand instructions and the transcendentals ---- */

#define UNARY(name, op) INSN_BODY(name, "fldt 0x100(%rdi)\n" op)
UNARY(u_fsqrt, "fsqrt");
UNARY(u_fabs, "fabs");
UNARY(u_fchs, "fchs");
UNARY(u_frndint, "frndint");
UNARY(u_fxtract, "fxtract");
UNARY(u_fsin, "fsin");
UNARY(u_fcos, "fcos");
UNARY(u_fsincos, "fsincos");
UNARY(u_fptan, "fptan");
UNARY(u_f2xm1, "f2xm1");
UNARY(u_fxam, "fxam");
UNARY(u_ftst, "ftst");
INSN_TABLE(unary_table, "u_fsqrt,u_fabs,u_fchs,u_frndint,u_fxtract,u_fsin,u_fcos,u_fsincos,"
                        "u_fptan,u_f2xm1,u_fxam,u_ftst");
static const char unary_names[][8] = { "fsqrt", "fabs", "fchs", "frndint", "fxtract", "fsin",
                                       "fcos", "fsincos", "fptan", "f2xm1", "fxam", "ftst" };
#define N_UNARY 12
/* The condition codes each defines beyond C1: FSIN FCOS FSINCOS FPTAN set
 * C2 (out of range); FXAM sets all four; FTST C0 C2 C3. */
static uint16_t unary_undef(unsigned f)
{
    if (f >= 5 && f <= 8) {
        return FSW_C0 | FSW_C3;
    }
    return f >= 10 ? 0 : C_UNDEF;
}
INSN_BODY(fxam_empty, "fxam");
INSN_BODY(fxam_empty_st1, "fld1\n fxch %st(1)\n fincstp\n fincstp\n fdecstp\n fxam");

static void unary_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_UNARY; f++) {
        insn_group("%s", unary_names[f]);
        for (unsigned v = 0; v < N_VALUES; v++) {
            for (unsigned rc = 0; rc < 4; rc++) {
                /* rounding matters only where results round */
                if (rc && (f == 1 || f == 2 || f >= 10)) {
                    continue;
                }
                setup(&r, fcw_of(PC64, rc));
                put80(OPA, values[v]);
                insn_fsw_undef = unary_undef(f);
                insn_run(insn_at(unary_table, f), &r, F_NONE, "v%u rc%u", v, rc);
            }
        }
    }
    /* transcendental arguments around their ranges */
    static const struct f80 args[] = {
        { 0x3ffe, 0x8000000000000000ull },  /* 0.5 */
        { 0x3ffe, 0xc90fdaa22168c235ull },  /* pi/4 */
        { 0x3fff, 0xc90fdaa22168c235ull },  /* pi/2 */
        { 0x4000, 0xc90fdaa22168c234ull },  /* just under pi */
        { 0x4001, 0xc90fdaa22168c235ull },  /* 2 pi */
        { 0x4035, 0x8000000000000000ull },  /* 2^54 */
        { 0x403e, 0xffffffffffffffffull },  /* just under 2^63 */
        { 0x403f, 0x8000000000000000ull },  /* 2^64: out of range */
        { 0xbffe, 0xb504f333f9de6484ull },  /* -1/sqrt(2) */
        { 0x3fbf, 0x8000000000000000ull },  /* 2^-64 */
    };
    insn_group("transcendentals");
    for (unsigned f = 5; f <= 9; f++) {
        for (unsigned a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
            setup(&r, fcw_of(PC64, 0));
            put80(OPA, args[a]);
            insn_fsw_undef = unary_undef(f);
            insn_run(insn_at(unary_table, f), &r, F_NONE, "%s a%u", unary_names[f], a);
        }
    }
    for (unsigned f = 15; f < N_ARITH; f++) {
        for (unsigned a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
            setup(&r, fcw_of(PC64, 0));
            put80(OPA, args[a]);
            put80(OPB, args[(a + 3) % 10]);
            insn_fsw_undef = C_UNDEF;
            insn_run(insn_at(arith_table, f), &r, F_NONE, "%s a%u", arith_names[f], a);
        }
    }
    insn_group_end();
    setup(&r, fcw_of(PC64, 0));
    insn_run(&fxam_empty, &r, F_NONE, "fxam of an empty register");
    setup(&r, fcw_of(PC64, 0));
    insn_fsw_undef = 0;
    insn_run(&fxam_empty_st1, &r, F_NONE, "fxam after fxch, fincstp, fdecstp");
}

/* ---- comparisons ---- */

#define CMP(name, op) INSN_BODY(name, "fldt 0x110(%rdi)\n fldt 0x100(%rdi)\n" op)
CMP(c_fcom, "fcom %st(1)");
CMP(c_fcomp, "fcomp %st(1)");
CMP(c_fcompp, "fcompp");
CMP(c_fucom, "fucom %st(1)");
CMP(c_fucompp, "fucompp");
CMP(c_fcomi, "fcomi %st(1), %st");
CMP(c_fucomi, "fucomi %st(1), %st");
CMP(c_fcomip, "fcomip %st(1), %st");
CMP(c_fucomip, "fucomip %st(1), %st");
CMP(c_fcom32, "fcoms 0x110(%rdi)");
CMP(c_fcomp64, "fcompl 0x110(%rdi)");
CMP(c_ficom16, "ficoms 0x110(%rdi)");
CMP(c_ficomp32, "ficompl 0x110(%rdi)");
INSN_TABLE(cmp_table, "c_fcom,c_fcomp,c_fcompp,c_fucom,c_fucompp,c_fcomi,c_fucomi,c_fcomip,"
                      "c_fucomip,c_fcom32,c_fcomp64,c_ficom16,c_ficomp32");
static const char cmp_names[][10] = { "fcom", "fcomp", "fcompp", "fucom", "fucompp", "fcomi",
                                      "fucomi", "fcomip", "fucomip", "fcom32", "fcomp64",
                                      "ficom16", "ficomp32" };
#define N_CMP 13
#define FCMOV(name, op) INSN_BODY(name, "fldt 0x110(%rdi)\n fldt 0x100(%rdi)\n" op)
FCMOV(fcmovb, "fcmovb %st(1), %st");
FCMOV(fcmove, "fcmove %st(1), %st");
FCMOV(fcmovbe, "fcmovbe %st(1), %st");
FCMOV(fcmovu, "fcmovu %st(1), %st");
FCMOV(fcmovnb, "fcmovnb %st(1), %st");
FCMOV(fcmovne, "fcmovne %st(1), %st");
FCMOV(fcmovnbe, "fcmovnbe %st(1), %st");
FCMOV(fcmovnu, "fcmovnu %st(1), %st");
INSN_TABLE(fcmov_table, "fcmovb,fcmove,fcmovbe,fcmovu,fcmovnb,fcmovne,fcmovnbe,fcmovnu");

static void compare_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_CMP; f++) {
        insn_group("%s", cmp_names[f]);
        for (unsigned a = 0; a < N_PAIR; a++) {
            for (unsigned b = 0; b < N_PAIR; b += (f >= 9 ? 3 : 1)) {
                setup(&r, fcw_of(PC64, 0));
                put80(OPA, values[pair_values[a]]);
                put80(OPB, values[pair_values[b]]);
                if (f >= 9) {
                    /* memory operands: B's upper bits as a float or an int */
                    INSN_MEM64(OPB) = values[pair_values[b]].m ^ (uint64_t)b << 60;
                }
                /* FCOMI and friends: ZF PF CF from the compare, OF SF AF
                 * cleared; all defined. The flags in vary. */
                r.rflags |= (a ^ b) & 1 ? RFLAGS_STATUS : 0;
                insn_run(insn_at(cmp_table, f), &r, F_NONE, "v%u,v%u", pair_values[a],
                         pair_values[b]);
            }
        }
    }
    insn_group("fcmov");
    for (unsigned f = 0; f < 8; f++) {
        for (unsigned k = 0; k < 8; k++) {
            setup(&r, fcw_of(PC64, 0));
            put80(OPA, values[2]);
            put80(OPB, values[4]);
            r.rflags |= (k & 1 ? RFLAGS_CF : 0) | (k & 2 ? RFLAGS_ZF : 0) | (k & 4 ? RFLAGS_PF : 0);
            insn_run(insn_at(fcmov_table, f), &r, F_NONE, "%u flags %u", f, k);
        }
    }
}

/* ---- constants ---- */

INSN_BODY(k_fld1, "fld1");
INSN_BODY(k_fldz, "fldz");
INSN_BODY(k_fldpi, "fldpi");
INSN_BODY(k_fldl2e, "fldl2e");
INSN_BODY(k_fldl2t, "fldl2t");
INSN_BODY(k_fldlg2, "fldlg2");
INSN_BODY(k_fldln2, "fldln2");
INSN_TABLE(const_table, "k_fld1,k_fldz,k_fldpi,k_fldl2e,k_fldl2t,k_fldlg2,k_fldln2");

static void const_tests(void)
{
    UserRegs r;
    insn_group("constants");
    for (unsigned f = 0; f < 7; f++) {
        for (unsigned rc = 0; rc < 4; rc++) {
            for (unsigned pc = 0; pc < 4; pc += 2) {
                setup(&r, fcw_of(pc ? PC64 : PC24, rc));
                insn_fsw_undef = C_UNDEF;
                insn_run(insn_at(const_table, f), &r, F_NONE, "%u rc%u pc%u", f, rc, pc);
            }
        }
    }
}

/* ---- the stack, control and environment ---- */

INSN_BODY(s_overflow, "fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fldpi");
INSN_BODY(s_overflow_nan, "fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fldpi\n"
                          " fstpt 0x200(%rdi)");
INSN_BODY(s_underflow, "fadd %st(1), %st");
INSN_BODY(s_underflow_st, "fld1\n fstp %st(1)\n fstps 0x200(%rdi)");
INSN_BODY(s_fxch, "fld1\n fldpi\n fldz\n fxch %st(2)");
INSN_BODY(s_fxch_empty, "fld1\n fxch %st(3)");
INSN_BODY(s_incdec, "fld1\n fldpi\n fincstp\n fincstp\n fincstp\n fdecstp");
INSN_BODY(s_ffree, "fld1\n fldpi\n ffree %st(1)\n fldz");
INSN_BODY(s_ffreep, "fld1\n fldpi\n .byte 0xdf, 0xc0");   /* FFREEP ST0 */
INSN_BODY(s_fnstsw, "fld1\n fldz\n fdivrp\n fnstsw %ax\n fnstsw 0x200(%rdi)");
INSN_BODY(s_fnstcw, "fnstcw 0x200(%rdi)\n fldcw 0x100(%rdi)\n fld1\n fldl2t\n fnstcw 0x202(%rdi)");
INSN_BODY(s_fnclex, "fldz\n fld1\n fdivp\n fnclex");
INSN_BODY(s_fninit, "fld1\n fldcw 0x100(%rdi)\n fninit");
INSN_BODY(s_fnstenv, "fld1\n fldpi\n fldz\n fdivr %st(1), %st\n fnstenv 0x200(%rdi)");
INSN_BODY(s_fldenv, "fldenv 0x100(%rdi)");
INSN_BODY(s_fsave, "fld1\n fldpi\n fnsave 0x200(%rdi)\n fldz");
INSN_BODY(s_fxsave, "fld1\n fldpi\n fldz\n faddp\n fxsave 0x200(%rdi)");
INSN_BODY(s_mf, "fldz\n fld1\n fdivp\n fld1\n fwait");
INSN_BODY(s_mf_fnstsw, "fldz\n fld1\n fdivp\n fnstsw %ax\n fnclex\n fwait");
INSN_BODY(s_mf_next, "fldz\n fld1\n fdivp\n fldpi");
INSN_BODY(s_fdecstp_wrap, "fdecstp\n fld1\n fincstp\n fincstp");
INSN_BODY(s_fwait, "fld1\n fwait\n fstp %st(0)");
INSN_TABLE(stack_table, "s_overflow,s_overflow_nan,s_underflow,s_underflow_st,s_fxch,"
                        "s_fxch_empty,s_incdec,s_ffree,s_ffreep,s_fnstsw,s_fnstcw,s_fnclex,"
                        "s_fninit,s_fnstenv,s_fldenv,s_fsave,s_fxsave,s_mf,s_mf_fnstsw,"
                        "s_mf_next,s_fdecstp_wrap,s_fwait");
static const char stack_names[][20] = {
    "overflow", "overflow stored", "underflow", "underflow fstp", "fxch", "fxch empty",
    "fincstp fdecstp", "ffree", "ffreep", "fnstsw", "fnstcw fldcw", "fnclex", "fninit",
    "fnstenv", "fldenv", "fnsave", "fxsave", "#MF at fwait", "fnstsw fnclex", "#MF at fldpi",
    "fdecstp wrap", "fwait",
};
#define N_STACK 22

static void stack_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_STACK; f++) {
        for (unsigned v = 0; v < 2; v++) {
            /* v1: ZE unmasked (for #MF), a different control word for
             * FLDCW, an environment image for FLDENV */
            uint16_t fcw = fcw_of(PC64, 0);
            if (v) {
                fcw &= (uint16_t)~0x0004;
            }
            setup(&r, fcw);
            INSN_MEM16(OPA) = v ? 0x0c7f : 0x027a;
            if (f == 14) {
                /* FCW, FSW (TOP 5, C3 C0, PE), FTW (ST0 valid, the rest
                 * empty), then the pointers: a 28-byte image */
                INSN_MEM32(OPA) = 0xffff0000u | (v ? 0x0e7f : 0x037f);
                INSN_MEM32(OPA + 4) = 0xffff0000u | 0x4000 | 5 << 11 | 0x0100 | 0x20;
                INSN_MEM32(OPA + 8) = 0xffff0000u | (v ? 0xfffc : 0xf3ff);
            }
            insn_run(insn_at(stack_table, f), &r, F_NONE, "%s v%u", stack_names[f], v);
        }
    }
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    setup(&r, fcw_of(PC64, 0));
    insn_run(&k_fldpi, &r, F_NONE, "known: fldpi");
    insn_check_eq(insn_fx64(&r, FX_ST(0)), 0xc90fdaa22168c235ull, "fldpi significand");
    insn_check_eq(insn_fx16(&r, FX_ST(0) + 8), 0x4000, "fldpi exponent");

    setup(&r, fcw_of(PC64, 0));
    put80(OPA, values[7]);  /* 2.5 */
    insn_run(insn_at(store_table, 5), &r, F_NONE, "known: fistp32 2.5");
    insn_check_eq(INSN_MEM32(RES), 2, "fistp 2.5 rounds to even");

    setup(&r, fcw_of(PC64, 0));
    put80(OPA, values[13]);  /* 2^63 */
    insn_run(insn_at(store_table, 4), &r, F_NONE, "known: fist16 2^63");
    insn_check_eq(INSN_MEM16(RES), 0x8000, "fist16 out of range: integer indefinite");
    insn_check_eq(insn_fx16(&r, FX_FSW) & 0x3f, 0x01, "fist16 out of range: IE");

    setup(&r, fcw_of(PC64, 0));
    int v = insn_run(&s_mf, &r, F_NONE, "known: #MF");
    insn_check_eq((uint64_t)v, VEC_BP, "masked division by zero: no exception");
    setup(&r, fcw_of(PC64, 0) & (uint16_t)~0x0004);
    v = insn_run(&s_mf, &r, F_NONE, "known: #MF unmasked");
    insn_check_eq((uint64_t)v, VEC_MF, "unmasked division by zero: #MF at the next x87 instruction");
}

void insn_main(void)
{
    known_results();
    load_store_tests();
    arith_tests();
    unary_tests();
    compare_tests();
    const_tests();
    insn_group_end();
    stack_tests();
}
