/* mimic-test: */
/*
 * Multiply and divide at CPL 3 (lib/insn.h), compared across accelerators:
 * MUL and one-operand IMUL (F6/F7 /4 /5) in 8, 16, 32 and 64 bits, IMUL
 * with two (0F AF) and three operands (6B imm8, 69 imm16/32), DIV and IDIV
 * (F6/F7 /6 /7) with dividends whose high half is zero, the sign extension
 * of the low half, or big enough to overflow the quotient, register and
 * memory operands. #DE (Intel SDM vol. 2, DIV/IDIV: divisor 0, or a
 * quotient too large for its register) leaves every register and flag as
 * it was, RIP at the divide.
 *
 * Undefined flags (vol. 2, "Flags Affected"): SF ZF AF PF after MUL and
 * IMUL (CF and OF are defined), all six after DIV and IDIV.
 */
#include "insn.h"

#define F_MUL_UNDEF (F_SF | F_ZF | F_AF | F_PF)

/* ---- bodies ---- */

INSN_BODY(mul_r8, "mulb %bl");
INSN_BODY(mul_r16, "mulw %bx");
INSN_BODY(mul_r32, "mull %ebx");
INSN_BODY(mul_r64, "mulq %rbx");
INSN_BODY(imul1_r8, "imulb %bl");
INSN_BODY(imul1_r16, "imulw %bx");
INSN_BODY(imul1_r32, "imull %ebx");
INSN_BODY(imul1_r64, "imulq %rbx");
INSN_BODY(mul_m8, "mulb (%rdi)");
INSN_BODY(mul_m16, "mulw (%rdi)");
INSN_BODY(mul_m32, "mull (%rdi)");
INSN_BODY(mul_m64, "mulq (%rdi)");
INSN_BODY(imul1_m8, "imulb (%rdi)");
INSN_BODY(imul1_m16, "imulw (%rdi)");
INSN_BODY(imul1_m32, "imull (%rdi)");
INSN_BODY(imul1_m64, "imulq (%rdi)");
/* the high byte: MUL AH is "mul r/m8" with ModRM naming AH */
INSN_BODY(mul_ah, "mulb %ah");
INSN_BODY(imul_bh, "imulb %bh");
INSN_BODY(imul2_r16, "imulw %bx, %cx");
INSN_BODY(imul2_r32, "imull %ebx, %ecx");
INSN_BODY(imul2_r64, "imulq %rbx, %rcx");
INSN_BODY(imul2_m16, "imulw (%rdi), %cx");
INSN_BODY(imul2_m32, "imull (%rdi), %ecx");
INSN_BODY(imul2_m64, "imulq (%rdi), %rcx");
INSN_BODY(imul3_i8_16, "imulw $-128, %bx, %cx");
INSN_BODY(imul3_i8_32, "imull $127, %ebx, %ecx");
INSN_BODY(imul3_i8_64, "imulq $-1, %rbx, %rcx");
INSN_BODY(imul3_i16, "imulw $0x7fff, %bx, %cx");
INSN_BODY(imul3_i16n, "imulw $-0x8000, (%rdi), %cx");
INSN_BODY(imul3_i32, "imull $0x80000000, %ebx, %ecx");
INSN_BODY(imul3_i32m, "imull $0x12345, (%rdi), %ecx");
INSN_BODY(imul3_i64, "imulq $-0x80000000, %rbx, %rcx");
INSN_BODY(imul3_i64p, "imulq $0x7fffffff, (%rdi), %rcx");
INSN_BODY(imul3_same, "imulq $3, %rcx, %rcx");
INSN_BODY(div_r8, "divb %bl");
INSN_BODY(div_r16, "divw %bx");
INSN_BODY(div_r32, "divl %ebx");
INSN_BODY(div_r64, "divq %rbx");
INSN_BODY(idiv_r8, "idivb %bl");
INSN_BODY(idiv_r16, "idivw %bx");
INSN_BODY(idiv_r32, "idivl %ebx");
INSN_BODY(idiv_r64, "idivq %rbx");
INSN_BODY(div_m8, "divb (%rdi)");
INSN_BODY(div_m16, "divw (%rdi)");
INSN_BODY(div_m32, "divl (%rdi)");
INSN_BODY(div_m64, "divq (%rdi)");
INSN_BODY(idiv_m8, "idivb (%rdi)");
INSN_BODY(idiv_m16, "idivw (%rdi)");
INSN_BODY(idiv_m32, "idivl (%rdi)");
INSN_BODY(idiv_m64, "idivq (%rdi)");
INSN_BODY(div_ah, "divb %ah");
INSN_BODY(idiv_dh, "idivb %dh");
/* the dividend's own register as divisor: RDX:RAX / RAX */
INSN_BODY(div_rax, "divq %rax");
INSN_BODY(idiv_edx, "idivl %edx");

/* ---- values ---- */

static const unsigned size_bits[4] = { 8, 16, 32, 64 };

static uint64_t size_mask(unsigned s)
{
    return s == 3 ? ~0ull : (1ull << size_bits[s]) - 1;
}

static uint64_t edge(unsigned s, unsigned i)
{
    uint64_t mask = size_mask(s);
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return mask;
    case 3: return mask >> 1;
    case 4: return (mask >> 1) + 1;
    case 5: return 3;
    case 6: return mask - 6;           /* -7 */
    case 7: return 0x5555555555555555ull & mask;
    default: return 0xfedcba9876543210ull & mask;
    }
}
#define N_EDGE 9

#define HIGH_JUNK 0xa1b2c3d4e5f60718ull
#define MEM_OFF 0x200

static uint64_t sext(unsigned s, uint64_t v)
{
    unsigned bits = size_bits[s];
    return bits == 64 ? v : (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

/* ---- multiply ---- */

static void mul_one(const char *name, unsigned s, const InsnCode *rbody, const InsnCode *mbody)
{
    UserRegs r;
    uint64_t mask = size_mask(s);
    insn_group("%s%u", name, size_bits[s]);
    for (unsigned a = 0; a < N_EDGE; a++) {
        for (unsigned b = 0; b < N_EDGE; b++) {
            uint64_t va = edge(s, a), vb = edge(s, b);
            insn_init(&r);
            r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | va;
            r.gpr[UR_RDX] = ~HIGH_JUNK;
            r.gpr[UR_RBX] = (~HIGH_JUNK & ~mask) | vb;
            r.rflags |= (a + b) & 1 ? RFLAGS_STATUS : 0;
            insn_run(rbody, &r, F_MUL_UNDEF, "r %llx*%llx", (unsigned long long)va,
                     (unsigned long long)vb);
            if (b % 2 == 0) {
                insn_init(&r);
                r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | va;
                r.gpr[UR_RDX] = ~HIGH_JUNK;
                r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
                INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | vb;
                insn_run(mbody, &r, F_MUL_UNDEF, "m %llx*%llx", (unsigned long long)va,
                         (unsigned long long)vb);
            }
        }
    }
}

static void imul2(unsigned s, const InsnCode *rbody, const InsnCode *mbody)
{
    UserRegs r;
    uint64_t mask = size_mask(s);
    insn_group("imul2 %u", size_bits[s]);
    for (unsigned a = 0; a < N_EDGE; a++) {
        for (unsigned b = 0; b < N_EDGE; b++) {
            uint64_t va = edge(s, a), vb = edge(s, b);
            insn_init(&r);
            r.gpr[UR_RCX] = (HIGH_JUNK & ~mask) | va;
            r.gpr[UR_RBX] = (~HIGH_JUNK & ~mask) | vb;
            r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
            INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | vb;
            insn_run(a + b < N_EDGE ? rbody : mbody, &r, F_MUL_UNDEF, "%s %llx*%llx",
                     a + b < N_EDGE ? "r" : "m", (unsigned long long)va, (unsigned long long)vb);
        }
    }
}

static void imul3(void)
{
    static const struct {
        char name[12];
        unsigned size;
    } forms[] = {
        { "i8 16", 1 }, { "i8 32", 2 }, { "i8 64", 3 }, { "i16", 1 }, { "i16 m", 1 },
        { "i32", 2 },   { "i32 m", 2 }, { "i64", 3 },   { "i64 m", 3 }, { "same reg", 3 },
    };
    const InsnCode *body[] = {
        &imul3_i8_16, &imul3_i8_32, &imul3_i8_64, &imul3_i16, &imul3_i16n,
        &imul3_i32,   &imul3_i32m,  &imul3_i64,   &imul3_i64p, &imul3_same,
    };
    UserRegs r;
    insn_group("imul3");
    for (unsigned f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        unsigned s = forms[f].size;
        uint64_t mask = size_mask(s);
        for (unsigned v = 0; v < N_EDGE; v++) {
            uint64_t x = edge(s, v);
            insn_init(&r);
            r.gpr[UR_RBX] = (HIGH_JUNK & ~mask) | x;
            r.gpr[UR_RCX] = s == 3 && f == 9 ? x : ~HIGH_JUNK;
            r.gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
            INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | x;
            insn_run(body[f], &r, F_MUL_UNDEF, "%s %llx", forms[f].name, (unsigned long long)x);
        }
    }
}

static void mul_tests(void)
{
    mul_one("mul", 0, &mul_r8, &mul_m8);
    mul_one("mul", 1, &mul_r16, &mul_m16);
    mul_one("mul", 2, &mul_r32, &mul_m32);
    mul_one("mul", 3, &mul_r64, &mul_m64);
    mul_one("imul", 0, &imul1_r8, &imul1_m8);
    mul_one("imul", 1, &imul1_r16, &imul1_m16);
    mul_one("imul", 2, &imul1_r32, &imul1_m32);
    mul_one("imul", 3, &imul1_r64, &imul1_m64);
    imul2(1, &imul2_r16, &imul2_m16);
    imul2(2, &imul2_r32, &imul2_m32);
    imul2(3, &imul2_r64, &imul2_m64);
    imul3();

    UserRegs r;
    insn_group("mul/imul high byte");
    for (unsigned a = 0; a < N_EDGE; a++) {
        for (unsigned b = 0; b < N_EDGE; b++) {
            insn_init(&r);
            r.gpr[UR_RAX] = (HIGH_JUNK & ~0xffffull) | edge(0, b) << 8 | edge(0, a);
            r.gpr[UR_RBX] = (~HIGH_JUNK & ~0xffffull) | edge(0, a) << 8 | edge(0, b);
            insn_run(&mul_ah, &r, F_MUL_UNDEF, "mul ah %llx,%llx", (unsigned long long)edge(0, a),
                     (unsigned long long)edge(0, b));
            insn_run(&imul_bh, &r, F_MUL_UNDEF, "then imul bh");
        }
    }
}

/* ---- divide ---- */

/* The dividend's high half for case h: zero, the sign extension of the
 * low half, one, the divisor minus one (the largest quotient that fits),
 * the divisor (too large by one), all ones. */
static uint64_t dividend_high(unsigned s, unsigned h, uint64_t lo, uint64_t divisor)
{
    uint64_t mask = size_mask(s);
    switch (h) {
    case 0: return 0;
    case 1: return (sext(s, lo) >> 63) ? mask : 0;
    case 2: return 1;
    case 3: return (divisor - 1) & mask;
    case 4: return divisor;
    default: return mask;
    }
}
#define N_HIGH 6

/* Register layout per size: 8 bits divide AX (AH:AL), the others
 * rDX:rAX. */
static void div_setup(UserRegs *r, unsigned s, uint64_t hi, uint64_t lo, uint64_t divisor)
{
    uint64_t mask = size_mask(s);
    insn_init(r);
    if (s == 0) {
        r->gpr[UR_RAX] = (HIGH_JUNK & ~0xffffull) | hi << 8 | lo;
        r->gpr[UR_RDX] = ~HIGH_JUNK;
    } else {
        r->gpr[UR_RAX] = (HIGH_JUNK & ~mask) | lo;
        r->gpr[UR_RDX] = (~HIGH_JUNK & ~mask) | hi;
    }
    r->gpr[UR_RBX] = (HIGH_JUNK & ~mask) | divisor;
    r->gpr[UR_RDI] = USER_DATA_ADDR + MEM_OFF;
    INSN_MEM64(MEM_OFF) = (INSN_MEM64(MEM_OFF) & ~mask) | divisor;
    /* flags in vary, so that a #DE that changes them shows */
    r->rflags |= (lo ^ divisor) & 1 ? RFLAGS_STATUS : RFLAGS_ZF | RFLAGS_OF;
}

static void div_one(const char *name, unsigned s, const InsnCode *rbody, const InsnCode *mbody)
{
    UserRegs r;
    insn_group("%s%u", name, size_bits[s]);
    for (unsigned d = 0; d < N_EDGE; d++) {
        uint64_t divisor = edge(s, d);
        for (unsigned l = 0; l < N_EDGE; l++) {
            uint64_t lo = edge(s, l);
            for (unsigned h = 0; h < N_HIGH; h++) {
                uint64_t hi = dividend_high(s, h, lo, divisor);
                bool mem = (d + l + h) % 3 == 0;
                div_setup(&r, s, hi, lo, divisor);
                insn_run(mem ? mbody : rbody, &r, F_ALL, "%s %llx:%llx/%llx", mem ? "m" : "r",
                         (unsigned long long)hi, (unsigned long long)lo,
                         (unsigned long long)divisor);
            }
        }
    }
}

static void div_tests(void)
{
    div_one("div", 0, &div_r8, &div_m8);
    div_one("div", 1, &div_r16, &div_m16);
    div_one("div", 2, &div_r32, &div_m32);
    div_one("div", 3, &div_r64, &div_m64);
    div_one("idiv", 0, &idiv_r8, &idiv_m8);
    div_one("idiv", 1, &idiv_r16, &idiv_m16);
    div_one("idiv", 2, &idiv_r32, &idiv_m32);
    div_one("idiv", 3, &idiv_r64, &idiv_m64);

    UserRegs r;
    insn_group("div odd operands");
    for (unsigned a = 0; a < N_EDGE; a++) {
        for (unsigned b = 0; b < N_EDGE; b++) {
            div_setup(&r, 0, edge(0, a), edge(0, b), 0);
            insn_run(&div_ah, &r, F_ALL, "div ah %llx:%llx", (unsigned long long)edge(0, a),
                     (unsigned long long)edge(0, b));
            div_setup(&r, 0, edge(0, a), edge(0, b), 0);
            r.gpr[UR_RDX] = (r.gpr[UR_RDX] & ~0xff00ull) | edge(0, (a + b) % N_EDGE) << 8;
            insn_run(&idiv_dh, &r, F_ALL, "idiv dh %llx:%llx", (unsigned long long)edge(0, a),
                     (unsigned long long)edge(0, b));
            div_setup(&r, 3, edge(3, a), edge(3, b), 0);
            insn_run(&div_rax, &r, F_ALL, "div rax %llx:%llx", (unsigned long long)edge(3, a),
                     (unsigned long long)edge(3, b));
            div_setup(&r, 2, edge(2, a), edge(2, b), 0);
            insn_run(&idiv_edx, &r, F_ALL, "idiv edx %llx:%llx", (unsigned long long)edge(2, a),
                     (unsigned long long)edge(2, b));
        }
    }
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    int v;

    div_setup(&r, 3, 0, 100, 0);
    v = insn_run(&div_r64, &r, F_ALL, "known: div by zero");
    insn_check_eq((uint64_t)v, VEC_DE, "div by zero: #DE");
    insn_check_eq(r.rip, USER_CODE_ADDR, "div by zero: RIP at the div");
    insn_check_eq(r.gpr[UR_RAX], (HIGH_JUNK & 0) | 100, "div by zero: RAX unchanged");

    /* -2^63 / -1 = 2^63 does not fit */
    div_setup(&r, 3, ~0ull, 0x8000000000000000ull, ~0ull);
    v = insn_run(&idiv_r64, &r, F_ALL, "known: idiv -2^63/-1");
    insn_check_eq((uint64_t)v, VEC_DE, "idiv -2^63 / -1: #DE");

    /* -7 / 2 = -3 remainder -1 (truncation towards zero) */
    div_setup(&r, 2, 0xffffffff, 0xfffffff9, 2);
    insn_run(&idiv_r32, &r, F_ALL, "known: idiv -7/2");
    insn_check_eq(r.gpr[UR_RAX], 0xfffffffdull, "idiv -7 / 2: quotient -3, zero-extended");
    insn_check_eq(r.gpr[UR_RDX], 0xffffffffull, "idiv -7 / 2: remainder -1, zero-extended");

    insn_init(&r);
    r.gpr[UR_RAX] = 0xffffffffffffffffull;
    r.gpr[UR_RBX] = 0xffffffffffffffffull;
    insn_run(&mul_r64, &r, F_MUL_UNDEF, "known: mul -1*-1");
    insn_check_eq(r.gpr[UR_RDX], 0xfffffffffffffffeull, "mul (2^64-1)^2: high half");
    insn_check_eq(r.gpr[UR_RAX], 1, "mul (2^64-1)^2: low half");
    insn_check_eq(r.rflags & (RFLAGS_CF | RFLAGS_OF), RFLAGS_CF | RFLAGS_OF,
                  "mul (2^64-1)^2: CF and OF");
}

void insn_main(void)
{
    known_results();
    mul_tests();
    div_tests();
}
