/* mimic-test: */
/*
 * MMX and SSE2 integer SIMD at CPL 3 (lib/insn.h), compared across
 * accelerators (Intel SDM vol. 1 chapters 9 and 11, vol. 2 each
 * instruction's page): SSE2 integer arithmetic with wrap-around and
 * saturation, multiplies (PMULLW PMULHW PMULHUW PMULUDQ PMADDWD), PSADBW,
 * PAVG, min/max, compares, packs with saturation, unpacks, logic, shifts by
 * register (the whole low quadword is the count: counts past the element
 * size clear it, or fill it with sign bits for PSRA) and by immediate, byte
 * shifts, PSHUFD/PSHUFHW/PSHUFLW, PEXTRW/PINSRW, PMOVMSKB/MOVMSKPS/PD; the
 * MMX forms of the integer operations, the x87 state MMX instructions
 * leave (TOP 0, every tag valid, exponent bits of the written register all
 * ones) and EMMS, MOVD/MOVQ between GPRs and MMX registers,
 * MOVQ2DQ/MOVDQ2Q, MASKMOVQ, PSHUFW.
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

static void setup(UserRegs *r, uint32_t mxcsr)
{
    insn_init(r);
    r->gpr[UR_RDI] = USER_DATA_ADDR;
    insn_set_mxcsr(r, mxcsr);
    for (unsigned i = 2; i < 16; i++) {
        insn_set_xmm(r, i, 0x0202020202020202ull * i, 0x1010101010101010ull * i);
    }
}

/* ---- SSE2 integer ---- */

#define IOPS(X)                                                                                    \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq) X(paddsb) X(paddsw)    \
    X(paddusb) X(paddusw) X(psubsb) X(psubsw) X(psubusb) X(psubusw) X(pmullw) X(pmulhw)            \
    X(pmulhuw) X(pmuludq) X(pmaddwd) X(psadbw) X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw)     \
    X(pmaxsw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw) X(pcmpgtd) X(packsswb)       \
    X(packssdw) X(packuswb) X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpcklqdq) X(punpckhbw)     \
    X(punpckhwd) X(punpckhdq) X(punpckhqdq) X(pand) X(pandn) X(por) X(pxor) X(psllw) X(pslld)      \
    X(psllq) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad)
#define I_BODY(op) INSN_BODY(i_##op, #op " %xmm1, %xmm0");
IOPS(I_BODY)
#define I_NAME(op) "i_" #op ","
INSN_TABLE(int_table, IOPS(I_NAME));
#define I_STR(op) #op,
static const char int_names[][12] = { IOPS(I_STR) };
#define N_INT_OPS (sizeof(int_names) / sizeof(int_names[0]))
#define FIRST_SHIFT 49  /* psllw: the rest take a count */

/* Immediate forms; the placeholder 2 is patched */
INSN_BODY(ii_psllw, "psllw $2, %xmm0");
INSN_BODY(ii_pslld, "pslld $2, %xmm0");
INSN_BODY(ii_psllq, "psllq $2, %xmm0");
INSN_BODY(ii_psrlw, "psrlw $2, %xmm0");
INSN_BODY(ii_psrld, "psrld $2, %xmm0");
INSN_BODY(ii_psrlq, "psrlq $2, %xmm0");
INSN_BODY(ii_psraw, "psraw $2, %xmm0");
INSN_BODY(ii_psrad, "psrad $2, %xmm0");
INSN_BODY(ii_pslldq, "pslldq $2, %xmm0");
INSN_BODY(ii_psrldq, "psrldq $2, %xmm0");
INSN_BODY(ii_pshufd, "pshufd $2, %xmm1, %xmm0");
INSN_BODY(ii_pshufhw, "pshufhw $2, %xmm1, %xmm0");
INSN_BODY(ii_pshuflw, "pshuflw $2, %xmm1, %xmm0");
INSN_BODY(ii_pextrw, "pextrw $2, %xmm1, %eax");
INSN_BODY(ii_pinsrw, "pinsrw $2, %ebx, %xmm0");
INSN_BODY(ii_pinsrw_m, "pinsrw $2, 0x100(%rdi), %xmm0");
INSN_TABLE(imm_table, "ii_psllw,ii_pslld,ii_psllq,ii_psrlw,ii_psrld,ii_psrlq,ii_psraw,ii_psrad,"
                      "ii_pslldq,ii_psrldq,ii_pshufd,ii_pshufhw,ii_pshuflw,ii_pextrw,ii_pinsrw,"
                      "ii_pinsrw_m");
#define N_IMM_OPS 16
INSN_BODY(mv_pmovmskb, "pmovmskb %xmm1, %eax");
INSN_BODY(mv_movmskps, "movmskps %xmm1, %eax");
INSN_BODY(mv_movmskpd, "movmskpd %xmm1, %eax");

static void int_tests(void)
{
    UserRegs r;
    for (unsigned f = 0; f < N_INT_OPS; f++) {
        insn_group("%s", int_names[f]);
        if (f < FIRST_SHIFT) {
            for (unsigned a = 0; a < N_INT; a++) {
                for (unsigned b = 0; b < N_INT; b++) {
                    setup(&r, MXCSR_DEFAULT);
                    insn_set_xmm(&r, 0, int_vals[a][0], int_vals[a][1]);
                    insn_set_xmm(&r, 1, int_vals[b][0], int_vals[b][1]);
                    insn_run(insn_at(int_table, f), &r, F_NONE, "a%u b%u", a, b);
                }
            }
        } else {
            /* the count is the whole low quadword of the source */
            static const uint64_t counts[] = { 0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                               0x100000001ull, ~0ull };
            for (unsigned a = 2; a < N_INT; a++) {
                for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
                    setup(&r, MXCSR_DEFAULT);
                    insn_set_xmm(&r, 0, int_vals[a][0], int_vals[a][1]);
                    insn_set_xmm(&r, 1, 0x5555, counts[c]);
                    insn_run(insn_at(int_table, f), &r, F_NONE, "a%u count %llx", a,
                             (unsigned long long)counts[c]);
                }
            }
        }
    }
    static const uint8_t imms[] = { 0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 63, 64, 0x1b, 0xe4, 0xff };
    for (unsigned f = 0; f < N_IMM_OPS; f++) {
        insn_group("imm %u", f);
        for (unsigned a = 2; a < N_INT; a++) {
            for (unsigned i = 0; i < sizeof(imms); i++) {
                setup(&r, MXCSR_DEFAULT);
                insn_set_xmm(&r, 0, int_vals[a][0], int_vals[a][1]);
                insn_set_xmm(&r, 1, int_vals[(a + 1) % N_INT][0], int_vals[(a + 1) % N_INT][1]);
                r.gpr[UR_RAX] = 0xa1b2c3d4e5f60718ull;
                r.gpr[UR_RBX] = 0x0123456789abcdefull;
                insn_run(insn_with_imm8(insn_at(imm_table, f), imms[i]), &r, F_NONE,
                         "a%u imm %u", a, imms[i]);
            }
        }
    }
    insn_group("movmsk");
    for (unsigned a = 0; a < N_INT; a++) {
        for (unsigned f = 0; f < 3; f++) {
            setup(&r, MXCSR_DEFAULT);
            r.gpr[UR_RAX] = 0xa1b2c3d4e5f60718ull;
            insn_set_xmm(&r, 1, int_vals[a][0], int_vals[a][1]);
            insn_run(f == 0 ? &mv_pmovmskb : f == 1 ? &mv_movmskps : &mv_movmskpd, &r, F_NONE,
                     "%u a%u", f, a);
        }
    }
}

/* ---- MMX ---- */

#define MOPS(X)                                                                                    \
    X(paddb) X(paddsw) X(paddusb) X(psubq) X(paddq) X(pmulhw) X(pmullw) X(pmaddwd) X(pmuludq)      \
    X(pcmpgtb) X(pcmpeqw) X(packsswb) X(packuswb) X(punpcklbw) X(punpckhdq) X(pand) X(pxor)       \
    X(psadbw) X(pavgb) X(pminub) X(pmaxsw) X(psllq) X(psrad) X(psrlw)
#define M_BODY(op) INSN_BODY(m_##op, #op " %mm1, %mm0");
MOPS(M_BODY)
#define M_NAME(op) "m_" #op ","
INSN_TABLE(mmx_table, MOPS(M_NAME));
#define M_STR(op) #op,
static const char mmx_names[][12] = { MOPS(M_STR) };
#define N_MMX_OPS (sizeof(mmx_names) / sizeof(mmx_names[0]))
INSN_BODY(mmx_pshufw, "pshufw $0x1b, %mm1, %mm0");
INSN_BODY(mmx_psllw_imm, "psllw $9, %mm0");
INSN_BODY(mmx_emms, "paddb %mm1, %mm0\n emms");
INSN_BODY(mmx_movd, "movd %ebx, %mm2\n movd %mm1, %ecx\n movq %mm1, %rdx\n movq %rbx, %mm3");
INSN_BODY(mmx_q2dq, "movq2dq %mm1, %xmm0\n movdq2q %xmm1, %mm2");
INSN_BODY(mmx_after_x87, "fld1\n fldpi\n paddb %mm1, %mm0");
INSN_BODY(mmx_then_x87, "paddb %mm1, %mm0\n fld1");
INSN_BODY(mmx_pextrw, "pextrw $2, %mm1, %eax\n pinsrw $3, %ebx, %mm0\n pmovmskb %mm1, %ecx");
INSN_BODY(mmx_maskmovq, "maskmovq %mm1, %mm0");
INSN_TABLE(mmx_misc_table, "mmx_pshufw,mmx_psllw_imm,mmx_emms,mmx_movd,mmx_q2dq,mmx_after_x87,"
                           "mmx_then_x87,mmx_pextrw,mmx_maskmovq");

static void mmx_tests(void)
{
    UserRegs r;
    insn_group("mmx");
    for (unsigned f = 0; f < N_MMX_OPS; f++) {
        for (unsigned a = 0; a < N_INT; a++) {
            for (unsigned b = 0; b < N_INT; b += 2) {
                setup(&r, MXCSR_DEFAULT);
                insn_fx_set64(&r, FX_ST(0), int_vals[a][0]);
                insn_fx_set64(&r, FX_ST(1), f >= 21 ? (uint64_t)(a * 9 + b) : int_vals[b][1]);
                insn_run(insn_at(mmx_table, f), &r, F_NONE, "%s a%u b%u", mmx_names[f], a, b);
            }
        }
    }
    insn_group("mmx misc");
    for (unsigned a = 0; a < N_INT; a++) {
        for (unsigned f = 0; f < 9; f++) {
            setup(&r, MXCSR_DEFAULT);
            insn_fx_set64(&r, FX_ST(0), int_vals[a][0]);
            insn_fx_set64(&r, FX_ST(1), int_vals[(a + 3) % N_INT][1]);
            insn_set_xmm(&r, 1, int_vals[a][1], int_vals[(a + 5) % N_INT][0]);
            r.gpr[UR_RBX] = int_vals[(a + 2) % N_INT][0];
            r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
            insn_run(insn_at(mmx_misc_table, f), &r, F_NONE, "%u a%u", f, a);
        }
    }
}

void insn_main(void)
{
    int_tests();
    mmx_tests();
}
