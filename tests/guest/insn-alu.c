/* mimic-test: */
/*
 * Integer arithmetic and logic at CPL 3 (lib/insn.h), compared across
 * accelerators: ADD ADC SUB SBB AND OR XOR CMP TEST, INC DEC NEG NOT in 8,
 * 16, 32 and 64 bits, register, memory, LOCKed memory and immediate forms,
 * the high-byte registers AH-BH and the REX byte registers SPL-R15B, with
 * edge values (0, 1, -1, the largest and smallest signed, patterns) and the
 * carry in clear and set. Bits above an 8- or 16-bit destination must
 * survive, a 32-bit destination is zero-extended (Intel SDM vol. 1,
 * 3.4.1.1). Masked as undefined (vol. 2, each instruction's "Flags
 * Affected"): AF after AND, OR, XOR and TEST; nothing else here.
 */
#include "insn.h"

/* ---- bodies ---- */

/* op src, dst in each size: register to register, register to memory,
 * memory to register, and register to memory with LOCK */
#define BODIES(op)                                                                                 \
    INSN_BODY(op##_rr8, #op "b %bl, %al");                                                         \
    INSN_BODY(op##_rr16, #op "w %bx, %ax");                                                        \
    INSN_BODY(op##_rr32, #op "l %ebx, %eax");                                                      \
    INSN_BODY(op##_rr64, #op "q %rbx, %rax");                                                      \
    INSN_BODY(op##_rm8, #op "b %bl, (%rdi)");                                                      \
    INSN_BODY(op##_rm16, #op "w %bx, (%rdi)");                                                     \
    INSN_BODY(op##_rm32, #op "l %ebx, (%rdi)");                                                    \
    INSN_BODY(op##_rm64, #op "q %rbx, (%rdi)");                                                    \
    INSN_BODY(op##_mr8, #op "b (%rdi), %al");                                                      \
    INSN_BODY(op##_mr16, #op "w (%rdi), %ax");                                                     \
    INSN_BODY(op##_mr32, #op "l (%rdi), %eax");                                                    \
    INSN_BODY(op##_mr64, #op "q (%rdi), %rax")
#define LOCK_BODIES(op)                                                                            \
    INSN_BODY(op##_lk8, "lock " #op "b %bl, (%rdi)");                                              \
    INSN_BODY(op##_lk16, "lock " #op "w %bx, (%rdi)");                                             \
    INSN_BODY(op##_lk32, "lock " #op "l %ebx, (%rdi)");                                            \
    INSN_BODY(op##_lk64, "lock " #op "q %rbx, (%rdi)")
/* Immediates: the accumulator short forms, 80/81 with a full immediate, 83
 * with a sign-extended imm8, a 64-bit operation with a sign-extended
 * imm32, and memory destinations. */
#define IMM_BODIES(op)                                                                             \
    INSN_BODY(op##_i0, #op "b $0x80, %al");                                                        \
    INSN_BODY(op##_i1, #op "b $0x7f, %cl");                                                        \
    INSN_BODY(op##_i2, #op "w $-1, %cx");                                                          \
    INSN_BODY(op##_i3, #op "w $0x8001, %ax");                                                      \
    INSN_BODY(op##_i4, #op "l $0x80000000, %ecx");                                                 \
    INSN_BODY(op##_i5, #op "l $-128, %eax");                                                       \
    INSN_BODY(op##_i6, #op "q $-0x80000000, %rax");                                                \
    INSN_BODY(op##_i7, #op "q $0x7f, %rcx");                                                       \
    INSN_BODY(op##_i8, #op "q $0x12345678, %rcx");                                                 \
    INSN_BODY(op##_i9, #op "b $1, (%rdi)");                                                        \
    INSN_BODY(op##_i10, #op "w $0x7fff, (%rdi)");                                                  \
    INSN_BODY(op##_i11, #op "l $-1, (%rdi)");                                                      \
    INSN_BODY(op##_i12, #op "q $-0x7fffffff, (%rdi)")

BODIES(add);
BODIES(adc);
BODIES(sub);
BODIES(sbb);
BODIES(and);
BODIES(or);
BODIES(xor);
BODIES(cmp);
LOCK_BODIES(add);
LOCK_BODIES(adc);
LOCK_BODIES(sub);
LOCK_BODIES(sbb);
LOCK_BODIES(and);
LOCK_BODIES(or);
LOCK_BODIES(xor);
IMM_BODIES(add);
IMM_BODIES(adc);
IMM_BODIES(sub);
IMM_BODIES(sbb);
IMM_BODIES(and);
IMM_BODIES(or);
IMM_BODIES(xor);
IMM_BODIES(cmp);
IMM_BODIES(test);
/* TEST has no reg <- mem direction: its r/m operand is only read */
INSN_BODY(test_rr8, "testb %bl, %al");
INSN_BODY(test_rr16, "testw %bx, %ax");
INSN_BODY(test_rr32, "testl %ebx, %eax");
INSN_BODY(test_rr64, "testq %rbx, %rax");
INSN_BODY(test_rm8, "testb %bl, (%rdi)");
INSN_BODY(test_rm16, "testw %bx, (%rdi)");
INSN_BODY(test_rm32, "testl %ebx, (%rdi)");
INSN_BODY(test_rm64, "testq %rbx, (%rdi)");

#define UNARY_BODIES(op)                                                                           \
    INSN_BODY(op##_r8, #op "b %al");                                                               \
    INSN_BODY(op##_r16, #op "w %ax");                                                              \
    INSN_BODY(op##_r32, #op "l %eax");                                                             \
    INSN_BODY(op##_r64, #op "q %rax");                                                             \
    INSN_BODY(op##_m8, #op "b (%rdi)");                                                            \
    INSN_BODY(op##_m16, #op "w (%rdi)");                                                           \
    INSN_BODY(op##_m32, #op "l (%rdi)");                                                           \
    INSN_BODY(op##_m64, #op "q (%rdi)");                                                           \
    INSN_BODY(op##_l8, "lock " #op "b (%rdi)");                                                    \
    INSN_BODY(op##_l64, "lock " #op "q (%rdi)")
UNARY_BODIES(inc);
UNARY_BODIES(dec);
UNARY_BODIES(neg);
UNARY_BODIES(not);

/* Byte registers: the legacy high bytes (no REX) and the REX low bytes of
 * RSP-RDI and R8-R15 (vol. 1, 3.7.2.1) */
INSN_BODY(hb_add_ah_bh, "addb %ah, %bh");
INSN_BODY(hb_adc_bh_ah, "adcb %bh, %ah");
INSN_BODY(hb_sub_ch_dh, "subb %ch, %dh");
INSN_BODY(hb_sbb_dh_al, "sbbb %dh, %al");
INSN_BODY(hb_and_al_ch, "andb %al, %ch");
INSN_BODY(hb_or_ah_ah, "orb %ah, %ah");
INSN_BODY(hb_xor_bh_cl, "xorb %bh, %cl");
INSN_BODY(hb_cmp_ah_bl, "cmpb %ah, %bl");
INSN_BODY(hb_test_ch_dh, "testb %ch, %dh");
INSN_BODY(hb_add_imm_ah, "addb $0x81, %ah");
INSN_BODY(hb_adc_imm_bh, "adcb $0x7f, %bh");
INSN_BODY(hb_sub_mem_ch, "subb (%rdi), %ch");
INSN_BODY(hb_xor_dh_mem, "xorb %dh, (%rdi)");
INSN_BODY(hb_inc_ah, "incb %ah");
INSN_BODY(hb_dec_bh, "decb %bh");
INSN_BODY(hb_neg_ch, "negb %ch");
INSN_BODY(hb_not_dh, "notb %dh");
INSN_BODY(rb_add_sil_dil, "addb %sil, %dil");
INSN_BODY(rb_sub_spl_bpl, "subb %spl, %bpl");
INSN_BODY(rb_adc_r8b_r15b, "adcb %r8b, %r15b");
INSN_BODY(rb_xor_r9b_al, "xorb %r9b, %al");
INSN_BODY(rb_cmp_bpl_r14b, "cmpb %bpl, %r14b");
INSN_BODY(rb_neg_sil, "negb %sil");
INSN_BODY(rb_inc_r12b, "incb %r12b");
/* Encodings gas does not pick for these: the 02 (r8 <- r/m8) direction
 * register to register, and the 82 alias of 80, invalid in 64-bit mode
 * (vol. 2, appendix A.3, table A-2: 82 is i64). */
INSN_BODY(enc_02, ".byte 0x02, 0xc3");         /* add %bl, %al */
INSN_BODY(enc_rex_02, ".byte 0x40, 0x02, 0xe7"); /* add %dil, %spl */
INSN_BODY(enc_82, ".byte 0x82, 0xc0, 0x01");   /* #UD */

/* ---- values ---- */

static const unsigned size_bits[4] = { 8, 16, 32, 64 };

static uint64_t size_mask(unsigned s)
{
    return s == 3 ? ~0ull : (1ull << size_bits[s]) - 1;
}

/* Edge values of a size: 0, 1, -1, the largest and smallest signed, and
 * two patterns. */
static uint64_t edge(unsigned s, unsigned i)
{
    uint64_t mask = size_mask(s);
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return mask;
    case 3: return mask >> 1;
    case 4: return (mask >> 1) + 1;
    case 5: return 0x5555555555555555ull & mask;
    default: return 0xfedcba9876543210ull & mask;
    }
}
#define N_EDGE 7
/* For memory forms, the first five */
#define N_EDGE_MEM 5

/* Bits above the operand: kept for 8 and 16 bits, cleared for 32. */
#define HIGH_JUNK 0xa1b2c3d4e5f60718ull
#define MEM_OFF 0x100
/* Flags in: none, or every status flag (CF is what ADC/SBB read; the
 * others must not leak into results) */
#define FLAGS_IN(c) ((c) ? (uint64_t)RFLAGS_STATUS : 0)

static void set_operands(UserRegs *r, unsigned s, uint64_t a, uint64_t b, unsigned c)
{
    uint64_t mask = size_mask(s);
    insn_init(r);
    r->gpr[UR_RAX] = (HIGH_JUNK & ~mask) | a;
    r->gpr[UR_RCX] = (HIGH_JUNK & ~mask) | a;
    r->gpr[UR_RBX] = (~HIGH_JUNK & ~mask) | b;
    r->gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
    r->rflags |= FLAGS_IN(c);
}

/* ---- two-operand forms ---- */

struct forms {
    const InsnCode *rr[4], *rm[4], *mr[4], *lk[4];
};

static void binary_op(const char *name, const struct forms *f, uint64_t undef, bool carry_in)
{
    UserRegs r;
    unsigned ncarry = carry_in ? 2 : 1;
    for (unsigned s = 0; s < 4; s++) {
        insn_group("%s%u r,r", name, size_bits[s]);
        for (unsigned a = 0; a < N_EDGE; a++) {
            for (unsigned b = 0; b < N_EDGE; b++) {
                for (unsigned c = 0; c < ncarry; c++) {
                    set_operands(&r, s, edge(s, a), edge(s, b), c);
                    insn_run(f->rr[s], &r, undef, "%llx,%llx%s", (unsigned long long)edge(s, a),
                             (unsigned long long)edge(s, b), c ? " c" : "");
                }
            }
        }
        /* memory operands: the operand at MEM_OFF, the pattern around it */
        insn_group("%s%u mem", name, size_bits[s]);
        for (unsigned a = 0; a < N_EDGE_MEM; a++) {
            for (unsigned b = 0; b < N_EDGE_MEM; b++) {
                for (unsigned c = 0; c < ncarry; c++) {
                    uint64_t va = edge(s, a), vb = edge(s, b);
                    uint64_t mask = size_mask(s);
                    set_operands(&r, s, va, vb, c);
                    INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | va;
                    insn_run(f->rm[s], &r, undef, "m,r %llx,%llx%s", (unsigned long long)va,
                             (unsigned long long)vb, c ? " c" : "");
                    if (f->mr[s]) {
                        set_operands(&r, s, va, vb, c);
                        INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | vb;
                        insn_run(f->mr[s], &r, undef, "r,m %llx,%llx%s", (unsigned long long)va,
                                 (unsigned long long)vb, c ? " c" : "");
                    }
                    if (f->lk[s]) {
                        set_operands(&r, s, va, vb, c);
                        INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | va;
                        insn_run(f->lk[s], &r, undef, "lock m,r %llx,%llx%s",
                                 (unsigned long long)va, (unsigned long long)vb, c ? " c" : "");
                    }
                }
            }
        }
    }
}

#define FORMS(op)                                                                                  \
    (&(struct forms){ { &op##_rr8, &op##_rr16, &op##_rr32, &op##_rr64 },                           \
                      { &op##_rm8, &op##_rm16, &op##_rm32, &op##_rm64 },                           \
                      { &op##_mr8, &op##_mr16, &op##_mr32, &op##_mr64 },                           \
                      { &op##_lk8, &op##_lk16, &op##_lk32, &op##_lk64 } })
#define FORMS_NOLOCK(op)                                                                           \
    (&(struct forms){ { &op##_rr8, &op##_rr16, &op##_rr32, &op##_rr64 },                           \
                      { &op##_rm8, &op##_rm16, &op##_rm32, &op##_rm64 },                           \
                      { &op##_mr8, &op##_mr16, &op##_mr32, &op##_mr64 },                           \
                      { 0, 0, 0, 0 } })

static void binary_tests(void)
{
    binary_op("add", FORMS(add), F_NONE, false);
    binary_op("adc", FORMS(adc), F_NONE, true);
    binary_op("sub", FORMS(sub), F_NONE, false);
    binary_op("sbb", FORMS(sbb), F_NONE, true);
    binary_op("and", FORMS(and), F_AF, false);
    binary_op("or", FORMS(or), F_AF, false);
    binary_op("xor", FORMS(xor), F_AF, false);
    binary_op("cmp", FORMS_NOLOCK(cmp), F_NONE, false);
    binary_op("test",
              (&(struct forms){ { &test_rr8, &test_rr16, &test_rr32, &test_rr64 },
                                { &test_rm8, &test_rm16, &test_rm32, &test_rm64 },
                                { 0, 0, 0, 0 },
                                { 0, 0, 0, 0 } }),
              F_AF, false);
}

/* ---- immediates ---- */

struct imm_forms {
    const InsnCode *b[13];
};

static void imm_op(const char *name, const struct imm_forms *f, uint64_t undef, bool carry_in)
{
    UserRegs r;
    insn_group("%s imm", name);
    for (unsigned k = 0; k < 13; k++) {
        for (unsigned v = 0; v < N_EDGE; v++) {
            for (unsigned c = 0; c < (carry_in ? 2u : 1u); c++) {
                /* the same edge in every register and in memory, at 64 bits:
                 * each form takes the part of its size */
                insn_init(&r);
                uint64_t x = edge(3, v);
                r.gpr[UR_RAX] = x;
                r.gpr[UR_RCX] = x;
                r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
                INSN_MEM64(MEM_OFF) = x;
                r.rflags |= FLAGS_IN(c);
                insn_run(f->b[k], &r, undef, "%u %llx%s", k, (unsigned long long)x, c ? " c" : "");
                /* and the sign bit of the smaller sizes */
                insn_init(&r);
                x = 0x0000800080008080ull ^ (v & 1 ? ~0ull : 0);
                r.gpr[UR_RAX] = x;
                r.gpr[UR_RCX] = x;
                r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
                INSN_MEM64(MEM_OFF) = x;
                r.rflags |= FLAGS_IN(c);
                insn_run(f->b[k], &r, undef, "%u %llx%s", k, (unsigned long long)x, c ? " c" : "");
            }
        }
    }
}

#define IMM_FORMS(op)                                                                              \
    (&(struct imm_forms){ { &op##_i0, &op##_i1, &op##_i2, &op##_i3, &op##_i4, &op##_i5, &op##_i6,  \
                            &op##_i7, &op##_i8, &op##_i9, &op##_i10, &op##_i11, &op##_i12 } })

static void imm_tests(void)
{
    imm_op("add", IMM_FORMS(add), F_NONE, false);
    imm_op("adc", IMM_FORMS(adc), F_NONE, true);
    imm_op("sub", IMM_FORMS(sub), F_NONE, false);
    imm_op("sbb", IMM_FORMS(sbb), F_NONE, true);
    imm_op("and", IMM_FORMS(and), F_AF, false);
    imm_op("or", IMM_FORMS(or), F_AF, false);
    imm_op("xor", IMM_FORMS(xor), F_AF, false);
    imm_op("cmp", IMM_FORMS(cmp), F_NONE, false);
    imm_op("test", IMM_FORMS(test), F_AF, false);
}

/* ---- one-operand forms ---- */

struct unary_forms {
    const InsnCode *r[4], *m[4], *l8, *l64;
};

static void unary_op(const char *name, const struct unary_forms *f)
{
    UserRegs r;
    for (unsigned s = 0; s < 4; s++) {
        insn_group("%s%u", name, size_bits[s]);
        for (unsigned v = 0; v < N_EDGE; v++) {
            for (unsigned c = 0; c < 2; c++) {
                uint64_t x = edge(s, v);
                set_operands(&r, s, x, 0, c);
                insn_run(f->r[s], &r, F_NONE, "r %llx%s", (unsigned long long)x, c ? " c" : "");
                set_operands(&r, s, x, 0, c);
                INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~size_mask(s)) | x;
                insn_run(f->m[s], &r, F_NONE, "m %llx%s", (unsigned long long)x, c ? " c" : "");
                if (s == 0 || s == 3) {
                    set_operands(&r, s, x, 0, c);
                    INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~size_mask(s)) | x;
                    insn_run(s ? f->l64 : f->l8, &r, F_NONE, "lock m %llx%s",
                             (unsigned long long)x, c ? " c" : "");
                }
            }
        }
    }
}

#define UNARY_FORMS(op)                                                                            \
    (&(struct unary_forms){ { &op##_r8, &op##_r16, &op##_r32, &op##_r64 },                         \
                            { &op##_m8, &op##_m16, &op##_m32, &op##_m64 }, &op##_l8, &op##_l64 })

static void unary_tests(void)
{
    unary_op("inc", UNARY_FORMS(inc));
    unary_op("dec", UNARY_FORMS(dec));
    unary_op("neg", UNARY_FORMS(neg));
    unary_op("not", UNARY_FORMS(not));
}

/* ---- byte registers ---- */

static void byte_reg_case(const InsnCode *body, const char *what, uint64_t undef)
{
    static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
    UserRegs r;
    for (unsigned a = 0; a < sizeof(vals); a++) {
        for (unsigned b = 0; b < sizeof(vals); b++) {
            for (unsigned c = 0; c < 2; c++) {
                insn_init(&r);
                /* low byte and high byte of each register differ, and
                 * every register differs */
                for (unsigned i = 0; i < 16; i++) {
                    if (i != UR_RSP) {
                        r.gpr[i] = 0x1111111111111111ull * i ^ HIGH_JUNK;
                    }
                }
                r.gpr[UR_RAX] = (r.gpr[UR_RAX] & ~0xffffull) | vals[a] << 8 | vals[b];
                r.gpr[UR_RBX] = (r.gpr[UR_RBX] & ~0xffffull) | vals[b] << 8 | vals[a];
                r.gpr[UR_RCX] = (r.gpr[UR_RCX] & ~0xffffull) | vals[a] << 8 | (vals[b] ^ 0x5a);
                r.gpr[UR_RDX] = (r.gpr[UR_RDX] & ~0xffffull) | (vals[b] ^ 0x33) << 8 | vals[a];
                r.gpr[UR_RSI] = (r.gpr[UR_RSI] & ~0xffull) | vals[a];
                r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF + vals[b] / 16;
                r.gpr[UR_RBP] = (r.gpr[UR_RBP] & ~0xffull) | vals[b];
                r.gpr[UR_R8] = (r.gpr[UR_R8] & ~0xffull) | vals[a];
                r.gpr[UR_R15] = (r.gpr[UR_R15] & ~0xffull) | vals[b];
                r.gpr[UR_R9] = (r.gpr[UR_R9] & ~0xffull) | vals[b];
                r.gpr[UR_R12] = (r.gpr[UR_R12] & ~0xffull) | vals[a];
                r.gpr[UR_R14] = (r.gpr[UR_R14] & ~0xffull) | vals[a];
                /* RSP's low byte is SPL: the stack pointer itself, which the
                 * body only reads */
                r.rflags |= FLAGS_IN(c);
                insn_run(body, &r, undef, "%s %x,%x%s", what, vals[a], vals[b], c ? " c" : "");
            }
        }
    }
}

static void byte_reg_tests(void)
{
    insn_group("byte registers");
    byte_reg_case(&hb_add_ah_bh, "add ah,bh", F_NONE);
    byte_reg_case(&hb_adc_bh_ah, "adc bh,ah", F_NONE);
    byte_reg_case(&hb_sub_ch_dh, "sub ch,dh", F_NONE);
    byte_reg_case(&hb_sbb_dh_al, "sbb dh,al", F_NONE);
    byte_reg_case(&hb_and_al_ch, "and al,ch", F_AF);
    byte_reg_case(&hb_or_ah_ah, "or ah,ah", F_AF);
    byte_reg_case(&hb_xor_bh_cl, "xor bh,cl", F_AF);
    byte_reg_case(&hb_cmp_ah_bl, "cmp ah,bl", F_NONE);
    byte_reg_case(&hb_test_ch_dh, "test ch,dh", F_AF);
    byte_reg_case(&hb_add_imm_ah, "add 81,ah", F_NONE);
    byte_reg_case(&hb_adc_imm_bh, "adc 7f,bh", F_NONE);
    byte_reg_case(&hb_sub_mem_ch, "sub m,ch", F_NONE);
    byte_reg_case(&hb_xor_dh_mem, "xor dh,m", F_AF);
    byte_reg_case(&hb_inc_ah, "inc ah", F_NONE);
    byte_reg_case(&hb_dec_bh, "dec bh", F_NONE);
    byte_reg_case(&hb_neg_ch, "neg ch", F_NONE);
    byte_reg_case(&hb_not_dh, "not dh", F_NONE);
    byte_reg_case(&rb_add_sil_dil, "add sil,dil", F_NONE);
    byte_reg_case(&rb_sub_spl_bpl, "sub spl,bpl", F_NONE);
    byte_reg_case(&rb_adc_r8b_r15b, "adc r8b,r15b", F_NONE);
    byte_reg_case(&rb_xor_r9b_al, "xor r9b,al", F_AF);
    byte_reg_case(&rb_cmp_bpl_r14b, "cmp bpl,r14b", F_NONE);
    byte_reg_case(&rb_neg_sil, "neg sil", F_NONE);
    byte_reg_case(&rb_inc_r12b, "inc r12b", F_NONE);
    byte_reg_case(&enc_02, "02 add bl,al", F_NONE);
    byte_reg_case(&enc_rex_02, "40 02 add dil,spl", F_NONE);
}

/* ---- self-checks: values the SDM pins down ---- */

static void known_results(void)
{
    UserRegs r;
    set_operands(&r, 3, 0x7fffffffffffffffull, 1, 0);
    insn_run(&add_rr64, &r, F_NONE, "known: add 7fff..,1");
    insn_check_eq(r.gpr[UR_RAX], 0x8000000000000000ull, "add: 0x7fff...ffff + 1");
    /* OF (signed overflow), SF, AF (carry out of bit 3), PF (low byte 0
     * has even parity); no CF, no ZF */
    insn_check_eq(r.rflags & RFLAGS_STATUS, RFLAGS_OF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF,
                  "add: 0x7fff...ffff + 1 flags");

    set_operands(&r, 2, 0, 1, 0);
    insn_run(&sub_rr32, &r, F_NONE, "known: sub 0,1");
    insn_check_eq(r.gpr[UR_RAX], 0xffffffffull, "sub: 0 - 1 in 32 bits, zero-extended");
    insn_check_eq(r.rflags & RFLAGS_STATUS, RFLAGS_CF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF,
                  "sub: 0 - 1 flags");

    set_operands(&r, 0, 0xff, 0, 1);
    insn_run(&inc_r8, &r, F_NONE, "known: inc ff with CF");
    insn_check_eq(r.gpr[UR_RAX], (HIGH_JUNK & ~0xffull), "inc: 0xff + 1 wraps in 8 bits");
    insn_check_eq(r.rflags & RFLAGS_STATUS, RFLAGS_CF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF,
                  "inc: CF kept, ZF AF PF set");

    set_operands(&r, 0, 0, 0, 0);
    int v = insn_run(&enc_82, &r, F_NONE, "known: 82 /0");
    insn_check_eq((uint64_t)v, VEC_UD, "opcode 82 in 64-bit mode: #UD");
}

void insn_main(void)
{
    known_results();
    binary_tests();
    imm_tests();
    unary_tests();
    byte_reg_tests();
}
