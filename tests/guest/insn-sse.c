/* mimic-test: timeout=300 */
/*
 * SSE, SSE2 and SSE3 floating point and data movement at CPL 3
 * (lib/insn.h), compared across accelerators bit for bit (Intel SDM vol. 1
 * chapters 10-12, vol. 2 each instruction's page; the integer SIMD and MMX
 * operations are in insn-sse-int.c, SSSE3 and SSE4 in insn-sse4.c):
 *   packed and scalar single and double arithmetic, MIN/MAX (which return
 *   the second operand for NaNs and zeros of either sign), SQRT, CMPcc with
 *   all eight predicates, COMIS/UCOMIS (EFLAGS; QNaN raises IE only for
 *   COMIS), logic, shuffles and unpacks, the SSE3 horizontal and ADDSUB
 *   operations and duplicating moves, over zeros of both signs, denormals,
 *   infinities, QNaNs with payloads and SNaNs, with MXCSR's four rounding
 *   modes, DAZ and FTZ, masked exception flags accumulating and one
 *   unmasked (#XM, destination unchanged);
 *   conversions between single, double, int32 and int64 (scalar, packed, to
 *   and from MMX) with out-of-range inputs (the integer indefinite) and
 *   truncation;
 *   moves: MOVSS/MOVSD merge between registers and zero-extend from memory,
 *   MOVLPS/MOVHPS/MOVHLPS/MOVLHPS, MOVD/MOVQ between GPRs and registers,
 *   MASKMOVDQU, MOVNT*, MOVAPS/MOVAPD/MOVDQA on misaligned memory (#GP);
 *   not run, because under kvm_pvm KVM's instruction emulator answers them
 *   instead of the CPU (as #UD, or by running the instruction): ADDPS and
 *   FXSAVE on misaligned memory and LDMXCSR with reserved bits, all #GP(0)
 *   on hardware;
 *   RCPPS/RCPSS/RSQRTPS/RSQRTSS, whose results are implementation-specific
 *   (relative error at most 1.5 * 2^-12): checked as within that bound of
 *   the exact result the same body computes with DIVPS and SQRTPS, special
 *   inputs (zeros, infinities, NaNs, denormals) compared exactly.
 */
#include "insn.h"

#define MXCSR_DEFAULT 0x1f80
#define MXCSR_DAZ 0x0040
#define MXCSR_FTZ 0x8000
#define MXCSR_RC(rc) ((uint32_t)(rc) << 13)

/* ---- operand values ---- */

static const uint32_t ps_vals[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbfc00000u, 0x3eaaaaabu, 0x33800000u,
    0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0xffc00001u, 0x7f800001u, 0x4f000000u,
};
#define N_PS 16
static const uint64_t pd_vals[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x3fd5555555555555ull, 0x3ca0000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xfff8000000000001ull, 0x7ff0000000000001ull, 0x43e0000000000000ull,
    0x41dfffffffe00000ull, 0xc1e0000000100000ull, 0x4415af1d78b58c40ull, 0x3fe0000000000000ull,
};
#define N_PD 20
static const uint64_t int_vals[][2] = {
    { 0, 0 },
    { ~0ull, ~0ull },
    { 0x0000000000000001ull, 0x8000000000000000ull },
    { 0x7f80ff0001fe55aaull, 0x807f00ff7fff8000ull },
    { 0xfedcba9876543210ull, 0x0123456789abcdefull },
    { 0x00000000ffffffffull, 0x7fffffff80000000ull },
    { 0x7fff7fff7fff7fffull, 0x8000800080008000ull },
    { 0x8090a0b0c0d0e0f0ull, 0x0102030405060708ull },
};
#define N_INT 8

/* Bits above the scalar lane, which scalar operations keep */
#define UPPER_PS 0x123456789abcdef0ull

static void set_ps(UserRegs *r, unsigned x, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    insn_set_xmm(r, x, (uint64_t)d << 32 | c, (uint64_t)b << 32 | a);
}

static void setup(UserRegs *r, uint32_t mxcsr)
{
    insn_init(r);
    r->gpr[UR_RDI] = USER_DATA_ADDR;
    insn_set_mxcsr(r, mxcsr);
    /* registers the bodies do not name keep a pattern, to catch stray writes */
    for (unsigned i = 2; i < 16; i++) {
        insn_set_xmm(r, i, 0x0202020202020202ull * i, 0x1010101010101010ull * i);
    }
}

/* ---- packed single ---- */

#define XOP(name, mnem) INSN_BODY(name, mnem " %xmm1, %xmm0")
XOP(ps_add, "addps");
XOP(ps_sub, "subps");
XOP(ps_mul, "mulps");
XOP(ps_div, "divps");
XOP(ps_min, "minps");
XOP(ps_max, "maxps");
XOP(ps_sqrt, "sqrtps");
XOP(ps_and, "andps");
XOP(ps_andn, "andnps");
XOP(ps_or, "orps");
XOP(ps_xor, "xorps");
XOP(ps_unpckl, "unpcklps");
XOP(ps_unpckh, "unpckhps");
XOP(ps_addsub, "addsubps");
XOP(ps_hadd, "haddps");
XOP(ps_hsub, "hsubps");
XOP(ps_movsldup, "movsldup");
XOP(ps_movshdup, "movshdup");
XOP(ps_cvtps2pd, "cvtps2pd");
XOP(ps_cvtps2dq, "cvtps2dq");
XOP(ps_cvttps2dq, "cvttps2dq");
XOP(ps_cvtss2sd, "cvtss2sd");
INSN_BODY(ps_cmp, "cmpps $0, %xmm1, %xmm0");
INSN_BODY(ps_shuf, "shufps $0, %xmm1, %xmm0");
INSN_TABLE(ps_table, "ps_add,ps_sub,ps_mul,ps_div,ps_min,ps_max,ps_sqrt,ps_and,ps_andn,ps_or,"
                     "ps_xor,ps_unpckl,ps_unpckh,ps_addsub,ps_hadd,ps_hsub,ps_movsldup,"
                     "ps_movshdup,ps_cvtps2pd,ps_cvtps2dq,ps_cvttps2dq,ps_cvtss2sd");
static const char ps_names[][10] = {
    "addps", "subps", "mulps", "divps", "minps", "maxps", "sqrtps", "andps", "andnps", "orps",
    "xorps", "unpcklps", "unpckhps", "addsubps", "haddps", "hsubps", "movsldup", "movshdup",
    "cvtps2pd", "cvtps2dq", "cvttps2dq", "cvtss2sd",
};
#define N_PS_OPS 22
/* the ones rounding and DAZ/FTZ change */
static bool ps_rounds(unsigned f)
{
    return f <= 6 || (f >= 13 && f <= 15) || f >= 18;
}

static const uint32_t mxcsr_variants[] = {
    MXCSR_DEFAULT | MXCSR_RC(1), MXCSR_DEFAULT | MXCSR_RC(2), MXCSR_DEFAULT | MXCSR_RC(3),
    MXCSR_DEFAULT | MXCSR_DAZ, MXCSR_DEFAULT | MXCSR_FTZ, MXCSR_DEFAULT | MXCSR_DAZ | MXCSR_FTZ,
    MXCSR_DEFAULT | 0x3f,  /* every flag already set */
};
#define N_MXCSR (sizeof(mxcsr_variants) / sizeof(mxcsr_variants[0]))
/* Under the variants, first operands 1/3 (inexact results) and a denormal
 * (DAZ, FTZ): every VARIANT_STEP-th from 4 */
#define VARIANT_FIRST 4
#define VARIANT_STEP 2

static void ps_run(const InsnCode *body, const char *name, uint32_t mxcsr, unsigned step)
{
    UserRegs r;
    bool variant = mxcsr != MXCSR_DEFAULT;
    for (unsigned a = variant ? VARIANT_FIRST : 0; a < (variant ? VARIANT_FIRST + 3 : N_PS);
         a += step) {
        for (unsigned b = 0; b < N_PS; b += 4) {
            setup(&r, mxcsr);
            set_ps(&r, 0, ps_vals[a], ps_vals[a], ps_vals[(a + 1) % N_PS], ps_vals[a]);
            set_ps(&r, 1, ps_vals[b], ps_vals[b + 1], ps_vals[b + 2], ps_vals[b + 3]);
            insn_run(body, &r, F_NONE, "%s %x a%u b%u", name, mxcsr, a, b);
        }
    }
}

static void ps_tests(void)
{
    for (unsigned f = 0; f < N_PS_OPS; f++) {
        insn_group("%s", ps_names[f]);
        ps_run(insn_at(ps_table, f), ps_names[f], MXCSR_DEFAULT, 1);
        if (ps_rounds(f)) {
            for (unsigned m = 0; m < N_MXCSR; m++) {
                ps_run(insn_at(ps_table, f), ps_names[f], mxcsr_variants[m], VARIANT_STEP);
            }
        }
    }
    insn_group("cmpps");
    for (unsigned p = 0; p < 8; p++) {
        ps_run(insn_with_imm8(&ps_cmp, (uint8_t)p), p & 1 ? "cmpps odd" : "cmpps even",
               MXCSR_DEFAULT, 2);
    }
    insn_group("shufps");
    static const uint8_t shuf_imms[] = { 0x00, 0x1b, 0xe4, 0x4e, 0xff, 0x93 };
    for (unsigned i = 0; i < sizeof(shuf_imms); i++) {
        ps_run(insn_with_imm8(&ps_shuf, shuf_imms[i]), "shufps", MXCSR_DEFAULT, 5);
    }
}

/* ---- packed double ---- */

XOP(pd_add, "addpd");
XOP(pd_sub, "subpd");
XOP(pd_mul, "mulpd");
XOP(pd_div, "divpd");
XOP(pd_min, "minpd");
XOP(pd_max, "maxpd");
XOP(pd_sqrt, "sqrtpd");
XOP(pd_and, "andpd");
XOP(pd_andn, "andnpd");
XOP(pd_or, "orpd");
XOP(pd_xor, "xorpd");
XOP(pd_unpckl, "unpcklpd");
XOP(pd_unpckh, "unpckhpd");
XOP(pd_addsub, "addsubpd");
XOP(pd_hadd, "haddpd");
XOP(pd_hsub, "hsubpd");
XOP(pd_movddup, "movddup");
XOP(pd_cvtpd2ps, "cvtpd2ps");
XOP(pd_cvtpd2dq, "cvtpd2dq");
XOP(pd_cvttpd2dq, "cvttpd2dq");
XOP(pd_cvtsd2ss, "cvtsd2ss");
INSN_BODY(pd_cmp, "cmppd $0, %xmm1, %xmm0");
INSN_BODY(pd_shuf, "shufpd $0, %xmm1, %xmm0");
INSN_TABLE(pd_table, "pd_add,pd_sub,pd_mul,pd_div,pd_min,pd_max,pd_sqrt,pd_and,pd_andn,pd_or,"
                     "pd_xor,pd_unpckl,pd_unpckh,pd_addsub,pd_hadd,pd_hsub,pd_movddup,"
                     "pd_cvtpd2ps,pd_cvtpd2dq,pd_cvttpd2dq,pd_cvtsd2ss");
static const char pd_names[][10] = {
    "addpd", "subpd", "mulpd", "divpd", "minpd", "maxpd", "sqrtpd", "andpd", "andnpd", "orpd",
    "xorpd", "unpcklpd", "unpckhpd", "addsubpd", "haddpd", "hsubpd", "movddup", "cvtpd2ps",
    "cvtpd2dq", "cvttpd2dq", "cvtsd2ss",
};
#define N_PD_OPS 21
static bool pd_rounds(unsigned f)
{
    return f <= 6 || (f >= 13 && f <= 15) || f >= 17;
}

static void pd_run(const InsnCode *body, const char *name, uint32_t mxcsr, unsigned step)
{
    UserRegs r;
    bool variant = mxcsr != MXCSR_DEFAULT;
    for (unsigned a = variant ? VARIANT_FIRST : 0; a < (variant ? VARIANT_FIRST + 3 : N_PD);
         a += step) {
        for (unsigned b = 0; b < N_PD; b += variant ? 4 : 2) {
            setup(&r, mxcsr);
            insn_set_xmm(&r, 0, pd_vals[(a + 7) % N_PD], pd_vals[a]);
            insn_set_xmm(&r, 1, pd_vals[b + 1], pd_vals[b]);
            insn_run(body, &r, F_NONE, "%s %x a%u b%u", name, mxcsr, a, b);
        }
    }
}

static void pd_tests(void)
{
    for (unsigned f = 0; f < N_PD_OPS; f++) {
        insn_group("%s", pd_names[f]);
        pd_run(insn_at(pd_table, f), pd_names[f], MXCSR_DEFAULT, 2);
        if (pd_rounds(f)) {
            for (unsigned m = 0; m < N_MXCSR; m++) {
                pd_run(insn_at(pd_table, f), pd_names[f], mxcsr_variants[m], VARIANT_STEP);
            }
        }
    }
    insn_group("cmppd");
    for (unsigned p = 0; p < 8; p++) {
        pd_run(insn_with_imm8(&pd_cmp, (uint8_t)p), p & 1 ? "cmppd odd" : "cmppd even",
               MXCSR_DEFAULT, 3);
    }
    insn_group("shufpd");
    for (unsigned i = 0; i < 4; i++) {
        pd_run(insn_with_imm8(&pd_shuf, (uint8_t)i), "shufpd", MXCSR_DEFAULT, 7);
    }
}

/* ---- scalars ---- */

XOP(ss_add, "addss");
XOP(ss_sub, "subss");
XOP(ss_mul, "mulss");
XOP(ss_div, "divss");
XOP(ss_min, "minss");
XOP(ss_max, "maxss");
XOP(ss_sqrt, "sqrtss");
XOP(ss_comi, "comiss");
XOP(ss_ucomi, "ucomiss");
XOP(ss_movss, "movss");
XOP(sd_add, "addsd");
XOP(sd_sub, "subsd");
XOP(sd_mul, "mulsd");
XOP(sd_div, "divsd");
XOP(sd_min, "minsd");
XOP(sd_max, "maxsd");
XOP(sd_sqrt, "sqrtsd");
XOP(sd_comi, "comisd");
XOP(sd_ucomi, "ucomisd");
XOP(sd_movsd, "movsd");
INSN_BODY(ss_cmp, "cmpss $0, %xmm1, %xmm0");
INSN_BODY(sd_cmp, "cmpsd $0, %xmm1, %xmm0");
INSN_TABLE(scalar_table, "ss_add,ss_sub,ss_mul,ss_div,ss_min,ss_max,ss_sqrt,ss_comi,ss_ucomi,"
                         "ss_movss,sd_add,sd_sub,sd_mul,sd_div,sd_min,sd_max,sd_sqrt,sd_comi,"
                         "sd_ucomi,sd_movsd");
static const char scalar_names[][8] = { "add", "sub", "mul", "div", "min", "max", "sqrt", "comi",
                                        "ucomi", "mov" };

static void scalar_run(const InsnCode *body, bool dbl, const char *name, uint32_t mxcsr,
                       unsigned step)
{
    UserRegs r;
    unsigned n = dbl ? N_PD : N_PS;
    bool variant = mxcsr != MXCSR_DEFAULT;
    for (unsigned a = variant ? VARIANT_FIRST : 0; a < (variant ? VARIANT_FIRST + 3 : n);
         a += step) {
        for (unsigned b = a & 1; b < n; b += 2) {
            setup(&r, mxcsr);
            if (dbl) {
                insn_set_xmm(&r, 0, UPPER_PS, pd_vals[a]);
                insn_set_xmm(&r, 1, ~UPPER_PS, pd_vals[b]);
            } else {
                insn_set_xmm(&r, 0, UPPER_PS, UPPER_PS << 32 | ps_vals[a]);
                insn_set_xmm(&r, 1, ~UPPER_PS, ~UPPER_PS << 32 | ps_vals[b]);
            }
            /* COMIS/UCOMIS set ZF PF CF and clear OF SF AF */
            r.rflags |= (a ^ b) & 1 ? RFLAGS_STATUS : 0;
            insn_run(body, &r, F_NONE, "%s%s %x a%u b%u", name, dbl ? "sd" : "ss", mxcsr, a, b);
        }
    }
}

static void scalar_tests(void)
{
    for (unsigned d = 0; d < 2; d++) {
        for (unsigned f = 0; f < 10; f++) {
            insn_group("%s%s", scalar_names[f], d ? "sd" : "ss");
            scalar_run(insn_at(scalar_table, d * 10 + f), d, scalar_names[f], MXCSR_DEFAULT, 1);
            if (f <= 6) {
                for (unsigned m = 0; m < N_MXCSR; m++) {
                    scalar_run(insn_at(scalar_table, d * 10 + f), d, scalar_names[f],
                               mxcsr_variants[m], VARIANT_STEP);
                }
            }
        }
        insn_group("cmp%s", d ? "sd" : "ss");
        for (unsigned p = 0; p < 8; p++) {
            scalar_run(insn_with_imm8(d ? &sd_cmp : &ss_cmp, (uint8_t)p), d, "cmp",
                       MXCSR_DEFAULT, 4);
        }
    }
}

/* ---- conversions with general registers ---- */

INSN_BODY(cv_ss2si32, "cvtss2si %xmm1, %eax");
INSN_BODY(cv_ss2si64, "cvtss2si %xmm1, %rax");
INSN_BODY(cv_tss2si32, "cvttss2si %xmm1, %eax");
INSN_BODY(cv_tss2si64, "cvttss2si %xmm1, %rax");
INSN_BODY(cv_sd2si32, "cvtsd2si %xmm1, %eax");
INSN_BODY(cv_sd2si64, "cvtsd2si %xmm1, %rax");
INSN_BODY(cv_tsd2si32, "cvttsd2si %xmm1, %eax");
INSN_BODY(cv_tsd2si64, "cvttsd2si %xmm1, %rax");
INSN_TABLE(cv_to_int, "cv_ss2si32,cv_ss2si64,cv_tss2si32,cv_tss2si64,cv_sd2si32,cv_sd2si64,"
                      "cv_tsd2si32,cv_tsd2si64");
INSN_BODY(cv_si2ss32, "cvtsi2ssl %ebx, %xmm0");
INSN_BODY(cv_si2ss64, "cvtsi2ssq %rbx, %xmm0");
INSN_BODY(cv_si2sd32, "cvtsi2sdl %ebx, %xmm0");
INSN_BODY(cv_si2sd64, "cvtsi2sdq %rbx, %xmm0");
INSN_BODY(cv_si2ss_m, "cvtsi2ssl 0x100(%rdi), %xmm0");
INSN_BODY(cv_dq2ps, "cvtdq2ps %xmm1, %xmm0");
INSN_BODY(cv_dq2pd, "cvtdq2pd %xmm1, %xmm0");
INSN_TABLE(cv_from_int, "cv_si2ss32,cv_si2ss64,cv_si2sd32,cv_si2sd64,cv_si2ss_m,cv_dq2ps,cv_dq2pd");
/* MMX conversions */
INSN_BODY(cv_pi2ps, "cvtpi2ps %mm1, %xmm0");
INSN_BODY(cv_ps2pi, "cvtps2pi %xmm1, %mm0");
INSN_BODY(cv_tps2pi, "cvttps2pi %xmm1, %mm0");
INSN_BODY(cv_pi2pd, "cvtpi2pd %mm1, %xmm0");
INSN_BODY(cv_pd2pi, "cvtpd2pi %xmm1, %mm0");
INSN_BODY(cv_tpd2pi, "cvttpd2pi %xmm1, %mm0");
INSN_TABLE(cv_mmx, "cv_pi2ps,cv_ps2pi,cv_tps2pi,cv_pi2pd,cv_pd2pi,cv_tpd2pi");

static void conversion_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < 8; f++) {
        bool dbl = f >= 4;
        insn_group("cvt to int %u", f);
        for (unsigned rc = 0; rc < 4; rc++) {
            for (unsigned v = 0; v < (dbl ? N_PD : N_PS); v++) {
                setup(&r, MXCSR_DEFAULT | MXCSR_RC(rc));
                r.gpr[UR_RAX] = 0xa1b2c3d4e5f60718ull;
                insn_set_xmm(&r, 1, ~0ull, dbl ? pd_vals[v] : ps_vals[v]);
                insn_run(insn_at(cv_to_int, f), &r, F_NONE, "rc%u v%u", rc, v);
            }
        }
    }
    static const uint64_t ints[] = { 0, 1, ~0ull, 0x7fffffff, 0x80000000, 0x01000001,
                                     0x7fffffffffffffffull, 0x8000000000000000ull,
                                     0x0020000000000001ull, 0xfedcba9876543210ull };
    for (unsigned f = 0; f < 7; f++) {
        insn_group("cvt from int %u", f);
        for (unsigned rc = 0; rc < 4; rc++) {
            for (unsigned v = 0; v < sizeof(ints) / sizeof(ints[0]); v++) {
                setup(&r, MXCSR_DEFAULT | MXCSR_RC(rc));
                r.gpr[UR_RBX] = ints[v];
                INSN_MEM64(0x100) = ints[v];
                insn_set_xmm(&r, 0, UPPER_PS, UPPER_PS);
                insn_set_xmm(&r, 1, ints[(v + 3) % 10], ints[v]);
                insn_run(insn_at(cv_from_int, f), &r, F_NONE, "rc%u %llx", rc,
                         (unsigned long long)ints[v]);
            }
        }
    }
    insn_group("cvt mmx");
    for (unsigned f = 0; f < 6; f++) {
        for (unsigned v = 0; v < N_PS; v++) {
            setup(&r, MXCSR_DEFAULT | MXCSR_RC(v & 3));
            insn_fx_set64(&r, FX_ST(1), ints[v % 10]);
            if (f == 4 || f == 5) {
                insn_set_xmm(&r, 1, pd_vals[(v + 5) % N_PD], pd_vals[v]);
            } else {
                set_ps(&r, 1, ps_vals[v], ps_vals[(v + 9) % N_PS], 0, 0);
            }
            insn_run(insn_at(cv_mmx, f), &r, F_NONE, "%u v%u", f, v);
        }
    }
}

/* ---- moves ---- */

INSN_BODY(mv_movss_rr, "movss %xmm1, %xmm0");
INSN_BODY(mv_movss_load, "movss 0x104(%rdi), %xmm0");
INSN_BODY(mv_movss_store, "movss %xmm1, 0x101(%rdi)");
INSN_BODY(mv_movsd_load, "movsd 0x104(%rdi), %xmm0");
INSN_BODY(mv_movsd_store, "movsd %xmm1, 0x103(%rdi)");
INSN_BODY(mv_movlps, "movlps 0x108(%rdi), %xmm0\n movhps 0x110(%rdi), %xmm1");
INSN_BODY(mv_movlps_st, "movlps %xmm1, 0x101(%rdi)\n movhps %xmm1, 0x111(%rdi)");
INSN_BODY(mv_movhlps, "movhlps %xmm1, %xmm0\n movlhps %xmm1, %xmm2");
INSN_BODY(mv_movlpd, "movlpd 0x108(%rdi), %xmm0\n movhpd 0x110(%rdi), %xmm1");
INSN_BODY(mv_movd_x, "movd %ebx, %xmm0\n movd %xmm1, %ecx\n movq %rbx, %xmm2\n movq %xmm1, %rdx");
INSN_BODY(mv_movd_m, "movd 0x104(%rdi), %xmm0\n movd %xmm1, 0x108(%rdi)");
INSN_BODY(mv_movq_xx, "movq %xmm1, %xmm0\n movq 0x108(%rdi), %xmm2\n movq %xmm1, 0x118(%rdi)");
INSN_BODY(mv_movaps, "movaps 0x100(%rdi), %xmm0\n movaps %xmm1, 0x120(%rdi)");
INSN_BODY(mv_movaps_mis, "movaps 0x108(%rdi), %xmm0");
INSN_BODY(mv_movaps_mis_st, "movapd %xmm1, 0x104(%rdi)");
INSN_BODY(mv_movdqa_mis, "movdqa 0x101(%rdi), %xmm0");
INSN_BODY(mv_movups, "movups 0x101(%rdi), %xmm0\n movdqu %xmm1, 0x133(%rdi)\n lddqu 0x107(%rdi), %xmm2");
INSN_BODY(mv_addss_mis, "addss 0x101(%rdi), %xmm0");
INSN_BODY(mv_maskmov, "maskmovdqu %xmm1, %xmm0");
INSN_BODY(mv_movnt, "movntps %xmm1, 0x100(%rdi)\n movntdq %xmm0, 0x110(%rdi)\n"
                    " movnti %rbx, 0x120(%rdi)\n movntpd %xmm1, 0x130(%rdi)\n sfence");
INSN_BODY(mv_mxcsr, "stmxcsr 0x100(%rdi)\n ldmxcsr 0x104(%rdi)\n addps %xmm1, %xmm0\n"
                    " stmxcsr 0x108(%rdi)");
INSN_BODY(mv_fxsave, "fxsave 0x100(%rdi)\n addps %xmm1, %xmm1\n fxrstor 0x100(%rdi)");
INSN_BODY(mv_xm_unmasked, "addps %xmm1, %xmm0");
INSN_BODY(mv_xm_div, "divss %xmm1, %xmm0");
INSN_BODY(mv_xm_cvt, "cvtps2dq %xmm1, %xmm0");
INSN_TABLE(move_table,
           "mv_movss_rr,mv_movss_load,mv_movss_store,mv_movsd_load,mv_movsd_store,mv_movlps,"
           "mv_movlps_st,mv_movhlps,mv_movlpd,mv_movd_x,mv_movd_m,mv_movq_xx,mv_movaps,"
           "mv_movaps_mis,mv_movaps_mis_st,mv_movdqa_mis,mv_movups,mv_addss_mis,"
           "mv_maskmov,mv_movnt,mv_mxcsr,mv_fxsave,"
           "mv_xm_unmasked,mv_xm_div,mv_xm_cvt");
static const char move_names[][20] = {
    "movss r,r", "movss load", "movss store", "movsd load", "movsd store", "movlps movhps",
    "movlps movhps st", "movhlps movlhps", "movlpd movhpd", "movd movq gpr", "movd mem",
    "movq", "movaps", "movaps misaligned", "movapd st misal", "movdqa misaligned", "movups",
    "addss misaligned", "maskmovdqu", "movnt", "ldmxcsr", "fxsave fxrstor", "#XM invalid",
    "#XM divide", "#XM cvt",
};
#define N_MOVES 25
#define FIRST_XM 22
#define MASKMOV 18

static void move_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_MOVES; f++) {
        for (unsigned v = 0; v < 3; v++) {
            uint32_t mxcsr = MXCSR_DEFAULT;
            if (f >= FIRST_XM) {
                /* unmask IE, ZE, PE in turn */
                mxcsr &= ~(v == 0 ? 0x80u : v == 1 ? 0x200u : 0x1000u);
            }
            setup(&r, mxcsr);
            r.gpr[UR_RBX] = 0xfedcba9876543210ull;
            r.gpr[UR_RCX] = 0xa1b2c3d4e5f60718ull;
            r.gpr[UR_RDX] = 0xa1b2c3d4e5f60718ull;
            insn_set_xmm(&r, 0, int_vals[v + 3][0], int_vals[v + 3][1]);
            insn_set_xmm(&r, 1, int_vals[v + 4][0], int_vals[v + 4][1] ^ 0x80);
            if (f >= FIRST_XM) {
                set_ps(&r, 0, ps_vals[2], ps_vals[14], ps_vals[4], ps_vals[v]);
                set_ps(&r, 1, ps_vals[v], ps_vals[2], ps_vals[0], ps_vals[15]);
            }
            /* MASKMOVDQU stores to [RDI] */
            r.gpr[UR_RDI] = USER_DATA_ADDR + (f == MASKMOV ? 0x141 : 0);
            /* LDMXCSR: RC up, DAZ, PE unmasked */
            INSN_MEM32(0x104) = 0x5fe0u;
            insn_run(insn_at(move_table, f), &r, F_NONE, "%s v%u", move_names[f], v);
        }
    }
}

/* ---- RCP and RSQRT: within the architectural bound ---- */

/* XMM2 = RCPPS(XMM1), XMM3 = 1/XMM1; XMM4 = RSQRTPS(XMM1), XMM5 =
 * 1/SQRTPS(XMM1); XMM6, XMM7 the same for the scalar forms on lane 0 */
INSN_BODY(rcp_body, "rcpps %xmm1, %xmm2\n movaps %xmm0, %xmm3\n divps %xmm1, %xmm3\n"
                    " rsqrtps %xmm1, %xmm4\n sqrtps %xmm1, %xmm5\n movaps %xmm0, %xmm8\n"
                    " divps %xmm5, %xmm8\n movaps %xmm8, %xmm5\n movaps %xmm1, %xmm6\n"
                    " rcpss %xmm1, %xmm6\n movaps %xmm1, %xmm7\n rsqrtss %xmm1, %xmm7");

static uint32_t lane(const UserRegs *r, unsigned x, unsigned i)
{
    return (uint32_t)(insn_fx64(r, FX_XMM(x) + 8 * (i / 2)) >> (32 * (i % 2)));
}

static bool special(uint32_t v)
{
    uint32_t e = v >> 23 & 0xff;
    return e == 0 || e == 0xff;
}

/* For a zero, denormal (taken as zero), infinite or NaN input, or a
 * negative one for RSQRT, the architecture defines the result: print it.
 * Otherwise the approximation a must have x's sign and be within
 * 1.5 * 2^-12 of it, which for single precision is 6144 units in the last
 * place at most. */
static bool rcp_all_close = true;

static void judge(char *buf, size_t size, const char *what, uint32_t in, uint32_t a, uint32_t x,
                  bool rsqrt)
{
    if (special(in) || (rsqrt && in >> 31)) {
        insn_snprintf(buf, size, "%s=%08x", what, a);
        return;
    }
    uint32_t d = a > x ? a - x : x - a;
    bool close = !((a ^ x) >> 31) && d <= 6144;
    rcp_all_close &= close;
    insn_snprintf(buf, size, "%s %s", what, close ? "close" : (a ^ x) >> 31 ? "SIGN" : "FAR");
}

static void rcp_tests(void)
{
    /* normal inputs away from the tiny-result boundary, and specials */
    static const uint32_t ins[] = {
        0x3f800000u, 0x40490fdbu, 0x3eaaaaabu, 0xc2f6e979u, 0x3f7fffffu, 0x7e000000u,
        0x00800000u, 0x4b000001u, 0x3f3504f3u, 0x00000000u, 0x80000000u, 0x7f800000u,
        0xff800000u, 0x7fc00000u, 0x00000001u, 0x807fffffu, 0xbf800001u, 0x3dcccccdu,
        0x7f800001u, 0x5f000000u,
    };
    UserRegs r;
    for (unsigned i = 0; i + 4 <= sizeof(ins) / sizeof(ins[0]); i += 4) {
        setup(&r, MXCSR_DEFAULT);
        set_ps(&r, 0, 0x3f800000u, 0x3f800000u, 0x3f800000u, 0x3f800000u);
        set_ps(&r, 1, ins[i], ins[i + 1], ins[i + 2], ins[i + 3]);
        user_run(rcp_body.code, rcp_body.len, &r);
        for (unsigned k = 0; k < 4; k++) {
            uint32_t in = ins[i + k];
            char j1[32], j2[32];
            judge(j1, sizeof(j1), "rcpps", in, lane(&r, 2, k), lane(&r, 3, k), false);
            judge(j2, sizeof(j2), "rsqrtps", in, lane(&r, 4, k), lane(&r, 5, k), true);
            insn_report("%08x: %s %s", in, j1, j2);
            if (k == 0) {
                /* the scalar forms: lane 0 approximated, lanes 1-3 copied */
                judge(j1, sizeof(j1), "rcpss", in, lane(&r, 6, 0), lane(&r, 3, 0), false);
                judge(j2, sizeof(j2), "rsqrtss", in, lane(&r, 7, 0), lane(&r, 5, 0), true);
                insn_report("%08x: %s %s, upper lanes %s", in, j1, j2,
                            lane(&r, 6, 1) == ins[i + 1] && lane(&r, 7, 3) == ins[i + 3]
                                ? "kept" : "CHANGED");
            }
        }
    }
    insn_group_end();
    insn_check(rcp_all_close, "RCP/RSQRT of normal inputs within 1.5 * 2^-12 of the exact result");
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    setup(&r, MXCSR_DEFAULT);
    set_ps(&r, 0, 0x3f800000u, 0x7f800000u, 0x80000000u, 0x7fc00000u);
    set_ps(&r, 1, 0x3f800000u, 0xff800000u, 0x00000000u, 0x7f800001u);
    insn_run(&ps_add, &r, F_NONE, "known: addps");
    /* 1+1 = 2; inf + -inf = the indefinite (IE); -0 + +0 = +0; QNaN + SNaN:
     * the first operand's QNaN */
    insn_check_eq(insn_fx64(&r, FX_XMM(0)), 0xffc0000040000000ull, "addps lanes 0 and 1");
    insn_check_eq(insn_fx64(&r, FX_XMM(0) + 8), 0x7fc0000000000000ull, "addps lanes 2 and 3");
    insn_check_eq(insn_fx16(&r, FX_MXCSR), 0x1f81, "addps: MXCSR.IE");

    setup(&r, MXCSR_DEFAULT);
    insn_set_xmm(&r, 1, 0, 0x4f000000u);  /* 2^31 */
    insn_run(&cv_ss2si32, &r, F_NONE, "known: cvtss2si 2^31");
    insn_check_eq(r.gpr[UR_RAX], 0x80000000u, "cvtss2si out of range: the integer indefinite");

    setup(&r, MXCSR_DEFAULT);
    set_ps(&r, 0, 0x80000000u, 0, 0, 0);
    set_ps(&r, 1, 0x00000000u, 0, 0, 0);
    insn_run(&ss_min, &r, F_NONE, "known: minss -0,+0");
    insn_check_eq(insn_fx64(&r, FX_XMM(0)) & 0xffffffffu, 0, "minss(-0, +0) is the second operand");
}

void insn_main(void)
{
    known_results();
    ps_tests();
    pd_tests();
    scalar_tests();
    conversion_tests();
    insn_group("moves");
    move_tests();
    insn_group("rcp rsqrt");
    rcp_tests();
}
