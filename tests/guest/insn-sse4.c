/* mimic-test: timeout=300 */
/*
 * SSSE3, SSE4.1 and SSE4.2 at CPL 3 (lib/insn.h), compared across
 * accelerators bit for bit (Intel SDM vol. 1 chapter 12, vol. 2 each
 * instruction's page):
 *   SSSE3 PABS PHADD PHSUB (saturating too) PMADDUBSW PMULHRSW PSHUFB PSIGN
 *   PALIGNR, in their XMM and MMX forms;
 *   SSE4.1 integer: PACKUSDW PCMPEQQ PMIN/PMAX (SB SD UD UW) PMULDQ PMULLD
 *   PHMINPOSUW PTEST (ZF CF) PMOVSX/PMOVZX from registers and memory,
 *   PBLENDW PBLENDVB, PEXTR/PINSR B D Q, MPSADBW, MOVNTDQA (not on
 *   misaligned memory: #GP(0) on hardware, but kvm_pvm's instruction
 *   emulator answers it with #UD);
 *   SSE4.1 floating point: BLENDPS/PD BLENDVPS/PD, DPPS/DPPD with their
 *   masks, EXTRACTPS INSERTPS (zero mask, memory source), ROUNDPS/PD/SS/SD
 *   with each rounding mode, the MXCSR one and the precision-exception
 *   suppression, over zeros, denormals, infinities and NaNs;
 *   SSE4.2: PCMPGTQ, CRC32 in every size from registers and memory,
 *   PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM with every data format,
 *   aggregation, polarity and output selection, implicit and explicit
 *   lengths (negative and past 16 saturating), their flags (CF ZF SF OF;
 *   AF PF cleared).
 */
#include "insn.h"

#define MXCSR_DEFAULT 0x1f80

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
static const uint32_t ps_vals[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbfc00000u, 0x3eaaaaabu, 0x3fc00000u,
    0x00000001u, 0x807fffffu, 0x40200000u, 0x7f7fffffu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0xbf000000u, 0x7f800001u, 0x4b7fffffu,
};
#define N_PS 16
static const uint64_t pd_vals[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x3fd5555555555555ull, 0x3ff8000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x4004000000000000ull, 0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xbfe0000000000000ull, 0x7ff0000000000001ull, 0x432fffffffffffffull,
};
#define N_PD 16

static void setup(UserRegs *r, uint32_t mxcsr)
{
    insn_init(r);
    r->gpr[UR_RDI] = USER_DATA_ADDR;
    insn_set_mxcsr(r, mxcsr);
    for (unsigned i = 2; i < 16; i++) {
        insn_set_xmm(r, i, 0x0202020202020202ull * i, 0x1010101010101010ull * i);
    }
}

/* ---- two-operand integer operations ---- */

#define XOPS(X)                                                                                    \
    X(pabsb) X(pabsw) X(pabsd) X(phaddw) X(phaddd) X(phaddsw) X(phsubw) X(phsubd) X(phsubsw)      \
    X(pmaddubsw) X(pmulhrsw) X(pshufb) X(psignb) X(psignw) X(psignd) X(packusdw) X(pcmpeqq)       \
    X(pmaxsb) X(pmaxsd) X(pmaxud) X(pmaxuw) X(pminsb) X(pminsd) X(pminud) X(pminuw) X(pmuldq)      \
    X(pmulld) X(phminposuw) X(pcmpgtq) X(pmovsxbw) X(pmovsxbd) X(pmovsxbq) X(pmovsxwd)            \
    X(pmovsxwq) X(pmovsxdq) X(pmovzxbw) X(pmovzxbd) X(pmovzxbq) X(pmovzxwd) X(pmovzxwq)           \
    X(pmovzxdq) X(ptest)
#define X_BODY(op) INSN_BODY(x_##op, #op " %xmm1, %xmm0");
XOPS(X_BODY)
#define X_NAME(op) "x_" #op ","
INSN_TABLE(xop_table, XOPS(X_NAME));
#define X_STR(op) #op,
static const char xop_names[][12] = { XOPS(X_STR) };
#define N_XOPS (sizeof(xop_names) / sizeof(xop_names[0]))
/* the SSSE3 ones in their MMX form */
#define MOPS(X)                                                                                    \
    X(pabsb) X(pabsw) X(pabsd) X(phaddw) X(phaddd) X(phaddsw) X(phsubw) X(phsubd) X(phsubsw)      \
    X(pmaddubsw) X(pmulhrsw) X(pshufb) X(psignb) X(psignw) X(psignd)
#define M_BODY(op) INSN_BODY(m_##op, #op " %mm1, %mm0");
MOPS(M_BODY)
#define M_NAME(op) "m_" #op ","
INSN_TABLE(mop_table, MOPS(M_NAME));
#define N_MOPS 15
/* memory forms of the widening moves: 4, 8 or 2 bytes read, unaligned */
INSN_BODY(pmovsxbq_m, "pmovsxbq 0x101(%rdi), %xmm0");
INSN_BODY(pmovzxwd_m, "pmovzxwd 0x103(%rdi), %xmm0");
INSN_BODY(pmovsxdq_m, "pmovsxdq 0x105(%rdi), %xmm0");
INSN_BODY(movntdqa, "movntdqa 0x100(%rdi), %xmm0");

static void int_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_XOPS; f++) {
        insn_group("%s", xop_names[f]);
        for (unsigned a = 0; a < N_INT; a += 2) {
            for (unsigned b = 0; b < N_INT; b++) {
                setup(&r, MXCSR_DEFAULT);
                insn_set_xmm(&r, 0, int_vals[a][0], int_vals[a][1]);
                insn_set_xmm(&r, 1, int_vals[b][0], int_vals[b][1]);
                /* PTEST sets ZF and CF, clears OF SF AF PF */
                r.rflags |= (a ^ b) & 1 ? RFLAGS_STATUS : 0;
                insn_run(insn_at(xop_table, f), &r, F_NONE, "a%u b%u", a, b);
            }
        }
    }
    insn_group("ssse3 mmx");
    for (unsigned f = 0; f < N_MOPS; f++) {
        for (unsigned a = 0; a < N_INT; a += 3) {
            for (unsigned b = 0; b < N_INT; b++) {
                setup(&r, MXCSR_DEFAULT);
                insn_fx_set64(&r, FX_ST(0), int_vals[a][b & 1]);
                insn_fx_set64(&r, FX_ST(1), int_vals[b][a & 1]);
                insn_run(insn_at(mop_table, f), &r, F_NONE, "%s a%u b%u", xop_names[f], a, b);
            }
        }
    }
    insn_group("memory forms");
    for (unsigned v = 0; v < N_INT; v++) {
        setup(&r, MXCSR_DEFAULT);
        INSN_MEM64(0x100) = int_vals[v][0];
        INSN_MEM64(0x108) = int_vals[v][1];
        insn_run(&pmovsxbq_m, &r, F_NONE, "pmovsxbq m v%u", v);
        insn_run(&pmovzxwd_m, &r, F_NONE, "pmovzxwd m v%u", v);
        insn_run(&pmovsxdq_m, &r, F_NONE, "pmovsxdq m v%u", v);
        insn_run(&movntdqa, &r, F_NONE, "movntdqa v%u", v);
    }
}

/* ---- immediates ---- */

INSN_BODY(i_palignr, "palignr $2, %xmm1, %xmm0");
INSN_BODY(i_palignr_mmx, "palignr $2, %mm1, %mm0");
INSN_BODY(i_pblendw, "pblendw $2, %xmm1, %xmm0");
INSN_BODY(i_mpsadbw, "mpsadbw $2, %xmm1, %xmm0");
INSN_BODY(i_pextrb, "pextrb $2, %xmm1, %eax");
INSN_BODY(i_pextrw, "pextrw $2, %xmm1, 0x100(%rdi)");
INSN_BODY(i_pextrd, "pextrd $2, %xmm1, %eax");
INSN_BODY(i_pextrq, "pextrq $2, %xmm1, %rax");
INSN_BODY(i_pinsrb, "pinsrb $2, %ebx, %xmm0");
INSN_BODY(i_pinsrd, "pinsrd $2, 0x101(%rdi), %xmm0");
INSN_BODY(i_pinsrq, "pinsrq $2, %rbx, %xmm0");
INSN_BODY(i_extractps, "extractps $2, %xmm1, %eax");
INSN_BODY(i_extractps_m, "extractps $2, %xmm1, 0x102(%rdi)");
INSN_BODY(i_insertps, "insertps $2, %xmm1, %xmm0");
INSN_BODY(i_insertps_m, "insertps $2, 0x104(%rdi), %xmm0");
INSN_BODY(i_blendps, "blendps $2, %xmm1, %xmm0");
INSN_BODY(i_blendpd, "blendpd $2, %xmm1, %xmm0");
INSN_TABLE(imm_table, "i_palignr,i_palignr_mmx,i_pblendw,i_mpsadbw,i_pextrb,i_pextrw,i_pextrd,"
                      "i_pextrq,i_pinsrb,i_pinsrd,i_pinsrq,i_extractps,i_extractps_m,i_insertps,"
                      "i_insertps_m,i_blendps,i_blendpd");
static const char imm_names[][14] = {
    "palignr", "palignr mmx", "pblendw", "mpsadbw", "pextrb", "pextrw mem", "pextrd", "pextrq",
    "pinsrb", "pinsrd mem", "pinsrq", "extractps", "extractps mem", "insertps", "insertps mem",
    "blendps", "blendpd",
};
#define N_IMM 17
INSN_BODY(v_pblendvb, "pblendvb %xmm0, %xmm2, %xmm1");
INSN_BODY(v_blendvps, "blendvps %xmm0, %xmm2, %xmm1");
INSN_BODY(v_blendvpd, "blendvpd %xmm0, %xmm2, %xmm1");

static void imm_tests(void)
{
    static const uint8_t imms[] = { 0x00, 0x01, 0x03, 0x05, 0x07, 0x0f, 0x10, 0x11, 0x1f, 0x20,
                                    0x37, 0x4e, 0x80, 0xc9, 0xf0, 0xff };
    UserRegs r;
    for (unsigned f = 0; f < N_IMM; f++) {
        insn_group("%s", imm_names[f]);
        for (unsigned a = 2; a < N_INT; a += 2) {
            for (unsigned i = 0; i < sizeof(imms); i++) {
                setup(&r, MXCSR_DEFAULT);
                insn_set_xmm(&r, 0, int_vals[a][0], int_vals[a][1]);
                insn_set_xmm(&r, 1, int_vals[a + 1][0], int_vals[a + 1][1]);
                insn_fx_set64(&r, FX_ST(0), int_vals[a][1]);
                insn_fx_set64(&r, FX_ST(1), int_vals[a + 1][0]);
                r.gpr[UR_RAX] = 0xa1b2c3d4e5f60718ull;
                r.gpr[UR_RBX] = 0xfedcba9876543210ull;
                insn_run(insn_with_imm8(insn_at(imm_table, f), imms[i]), &r, F_NONE, "a%u imm %x",
                         a, imms[i]);
            }
        }
    }
    insn_group("blendv");
    for (unsigned m = 0; m < N_INT; m++) {
        for (unsigned f = 0; f < 3; f++) {
            setup(&r, MXCSR_DEFAULT);
            insn_set_xmm(&r, 0, int_vals[m][0], int_vals[m][1]);
            insn_set_xmm(&r, 1, 0x1111111111111111ull, 0x2222222222222222ull);
            insn_set_xmm(&r, 2, 0xaaaaaaaaaaaaaaaaull, 0xbbbbbbbbbbbbbbbbull);
            insn_run(f == 0 ? &v_pblendvb : f == 1 ? &v_blendvps : &v_blendvpd, &r, F_NONE,
                     "%u mask%u", f, m);
        }
    }
}

/* ---- floating point: DPPS DPPD ROUND* ---- */

INSN_BODY(f_dpps, "dpps $2, %xmm1, %xmm0");
INSN_BODY(f_dppd, "dppd $2, %xmm1, %xmm0");
INSN_BODY(f_roundps, "roundps $2, %xmm1, %xmm0");
INSN_BODY(f_roundpd, "roundpd $2, %xmm1, %xmm0");
INSN_BODY(f_roundss, "roundss $2, %xmm1, %xmm0");
INSN_BODY(f_roundsd, "roundsd $2, %xmm1, %xmm0");
INSN_TABLE(fp_table, "f_dpps,f_dppd,f_roundps,f_roundpd,f_roundss,f_roundsd");
static const char fp_names[][8] = { "dpps", "dppd", "roundps", "roundpd", "roundss", "roundsd" };

static void fp_tests(void)
{
    static const uint8_t dp_imms[] = { 0xff, 0xf1, 0x31, 0x7f, 0x33, 0x12, 0x0f, 0xf0 };
    static const uint8_t round_imms[] = { 0, 1, 2, 3, 4, 8, 9, 0xa, 0xb, 0xc };
    UserRegs r;
    for (unsigned f = 0; f < 6; f++) {
        insn_group("%s", fp_names[f]);
        bool dbl = f & 1;
        const uint8_t *imms = f < 2 ? dp_imms : round_imms;
        unsigned n_imms = f < 2 ? sizeof(dp_imms) : sizeof(round_imms);
        for (unsigned i = 0; i < n_imms; i++) {
            for (unsigned a = 0; a < 16; a += (f < 2 ? 1 : 2)) {
                /* RC up with DAZ for the MXCSR-driven cases, every other
                 * one */
                uint32_t mxcsr = MXCSR_DEFAULT | (a & 2 ? 0x4040u : 0);
                setup(&r, mxcsr);
                if (dbl) {
                    insn_set_xmm(&r, 0, pd_vals[(a + 5) % N_PD], pd_vals[a]);
                    insn_set_xmm(&r, 1, pd_vals[(a + 2) % N_PD], pd_vals[(a + 8) % N_PD]);
                } else {
                    insn_set_xmm(&r, 0, (uint64_t)ps_vals[(a + 5) % N_PS] << 32 | ps_vals[a],
                                 (uint64_t)ps_vals[(a + 1) % N_PS] << 32 | ps_vals[(a + 9) % N_PS]);
                    insn_set_xmm(&r, 1, (uint64_t)ps_vals[(a + 2) % N_PS] << 32 | ps_vals[a],
                                 (uint64_t)ps_vals[(a + 8) % N_PS] << 32 | ps_vals[(a + 3) % N_PS]);
                }
                insn_run(insn_with_imm8(insn_at(fp_table, f), imms[i]), &r, F_NONE,
                         "imm %x a%u", imms[i], a);
            }
        }
    }
}

/* ---- SSE4.2: CRC32 and the string compares ---- */

INSN_BODY(crc_b, "crc32b %bl, %eax");
INSN_BODY(crc_w, "crc32w %bx, %eax");
INSN_BODY(crc_l, "crc32l %ebx, %eax");
INSN_BODY(crc_q, "crc32q %rbx, %rax");
INSN_BODY(crc_bq, "crc32b %bl, %rax");      /* REX.W with a byte source */
INSN_BODY(crc_mb, "crc32b 0x101(%rdi), %eax");
INSN_BODY(crc_mq, "crc32q 0x103(%rdi), %rax");
INSN_BODY(crc_ah, "crc32b %ah, %ecx");
INSN_TABLE(crc_table, "crc_b,crc_w,crc_l,crc_q,crc_bq,crc_mb,crc_mq,crc_ah");

static void crc_tests(void)
{
    static const uint64_t vals[] = { 0, 1, ~0ull, 0x0123456789abcdefull, 0x8000000000000000ull,
                                     0xdeadbeefcafef00dull };
    UserRegs r;
    insn_group("crc32");
    for (unsigned f = 0; f < 8; f++) {
        for (unsigned a = 0; a < 6; a++) {
            for (unsigned b = 0; b < 6; b++) {
                setup(&r, MXCSR_DEFAULT);
                r.gpr[UR_RAX] = vals[a];
                r.gpr[UR_RBX] = vals[b];
                r.gpr[UR_RCX] = vals[(a + b) % 6];
                INSN_MEM64(0x100) = vals[b];
                INSN_MEM64(0x108) = vals[a];
                insn_run(insn_at(crc_table, f), &r, F_NONE, "%u a%u b%u", f, a, b);
            }
        }
    }
}

INSN_BODY(s_pcmpestri, "pcmpestri $2, %xmm2, %xmm1");
INSN_BODY(s_pcmpestrm, "pcmpestrm $2, %xmm2, %xmm1");
INSN_BODY(s_pcmpistri, "pcmpistri $2, %xmm2, %xmm1");
INSN_BODY(s_pcmpistrm, "pcmpistrm $2, %xmm2, %xmm1");
INSN_BODY(s_pcmpistri_m, "pcmpistri $2, 0x101(%rdi), %xmm1");
INSN_TABLE(str_table, "s_pcmpestri,s_pcmpestrm,s_pcmpistri,s_pcmpistrm,s_pcmpistri_m");
static const char str_names[][12] = { "pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm",
                                      "pcmpistri m" };

/* Operand pairs as text: the first is the "set" (XMM1), the second the
 * string searched (XMM2). Bytes after a NUL stay (only the implicit
 * forms stop there). */
static const char str_pairs[][2][17] = {
    { "aeiou\0xxxxxxxxxx", "Hello, World abc" },
    { "azAZ09\0zzzzzzzzz", "Hello, World 123" },
    { "Hello, Wor\0ld ab", "Hello, World abc" },
    { "lo, W\0qqqqqqqqqq", "Hello, World, lo" },
    { "\0bcdefghijklmnop", "abcdefghijklmnop" },
    { "ABCDEFGHIJKLMNOP", "\0BCDEFGHIJKLMNOP" },
};
#define N_STR_PAIRS (sizeof(str_pairs) / sizeof(str_pairs[0]))

static uint64_t text64(const char *s)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | (uint8_t)s[i];
    }
    return v;
}

static void str_tests(void)
{
    /* explicit lengths (RAX for XMM1, RDX for XMM2): within, past 16 or 8,
     * negative (the absolute value counts) */
    static const int64_t lens[][2] = { { 5, 16 }, { 16, 3 }, { -6, 100 }, { 0, 7 }, { 17, -17 } };
    UserRegs r;
    for (unsigned f = 0; f < 5; f++) {
        insn_group("%s", str_names[f]);
        for (unsigned imm = 0; imm < 128; imm++) {
            /* every format, aggregation and polarity with one output
             * selection; the other selection on a subset */
            if ((imm & 0x40) && (imm & 0x0c) != 0x0c) {
                continue;
            }
            for (unsigned p = 0; p < N_STR_PAIRS; p++) {
                if (f == 4 && p > 1) {
                    continue;
                }
                unsigned l = (imm + p) % (sizeof(lens) / sizeof(lens[0]));
                setup(&r, MXCSR_DEFAULT);
                insn_set_xmm(&r, 1, text64(str_pairs[p][0] + 8), text64(str_pairs[p][0]));
                insn_set_xmm(&r, 2, text64(str_pairs[p][1] + 8), text64(str_pairs[p][1]));
                for (unsigned k = 0; k < 16; k++) {
                    INSN_MEM8(0x101 + k) = (uint8_t)str_pairs[p][1][k];
                }
                r.gpr[UR_RAX] = (uint64_t)lens[l][0];
                r.gpr[UR_RDX] = (uint64_t)lens[l][1];
                r.gpr[UR_RCX] = 0xa1b2c3d4e5f60718ull;
                r.rflags |= p & 1 ? RFLAGS_STATUS : 0;
                insn_run(insn_with_imm8(insn_at(str_table, f), (uint8_t)imm), &r, F_NONE,
                         "imm %x p%u l%u", imm, p, l);
            }
        }
    }
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    /* CRC32C (Castagnoli) of the byte 0 from 0xffffffff: the reflected
     * polynomial 0x82f63b78 applied 8 times */
    uint32_t crc = 0xffffffffu;
    for (int i = 0; i < 8; i++) {
        crc = crc & 1 ? crc >> 1 ^ 0x82f63b78u : crc >> 1;
    }
    setup(&r, MXCSR_DEFAULT);
    r.gpr[UR_RAX] = 0xffffffffffffffffull;
    r.gpr[UR_RBX] = 0;
    insn_run(&crc_b, &r, F_NONE, "known: crc32b 0");
    insn_check_eq(r.gpr[UR_RAX], crc, "crc32b of 0 from all ones (zero-extended)");

    /* PCMPISTRI equal any, unsigned bytes, least significant index: the
     * first vowel of "Hello, World abc" is 'e' at 1 */
    setup(&r, MXCSR_DEFAULT);
    insn_set_xmm(&r, 1, text64(str_pairs[0][0] + 8), text64(str_pairs[0][0]));
    insn_set_xmm(&r, 2, text64(str_pairs[0][1] + 8), text64(str_pairs[0][1]));
    insn_run(insn_with_imm8(&s_pcmpistri, 0x00), &r, F_NONE, "known: pcmpistri vowels");
    insn_check_eq(r.gpr[UR_RCX], 1, "pcmpistri: first vowel at index 1");
    /* CF: a match; SF: XMM1 has a NUL; no ZF: XMM2 has none; OF: 'H' is
     * no vowel */
    insn_check_eq(r.rflags & RFLAGS_STATUS, RFLAGS_CF | RFLAGS_SF, "pcmpistri: CF and SF");
}

void insn_main(void)
{
    known_results();
    int_tests();
    imm_tests();
    fp_tests();
    crc_tests();
    str_tests();
}
