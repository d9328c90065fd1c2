/*
 * Unit tests of the translator's flag and integer machinery: the lazy
 * condition-code record (target/x86/cc_helper.c) and the integer helpers
 * (target/x86/int_helper.c). The oracle is the host CPU: the same operation
 * is executed with inline assembly (the host is x86-64) and the flags it
 * produces are compared with what the record computes, masking the flags
 * the SDM leaves undefined for that instruction.
 */
#include <cpuid.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "accel/tcg/exec.h"
#include "target/x86/cc.h"
#include "target/x86/int_helper.h"

#define OSZAPC 0x8d5ull
#define CF RFLAGS_CF
#define PF RFLAGS_PF
#define AF RFLAGS_AF
#define ZF RFLAGS_ZF
#define SF RFLAGS_SF
#define OF RFLAGS_OF

/* Run "insn" with the arithmetic flags preset to flags_in; the red zone
 * is stepped over so pushfq/popfq do not clobber the compiler's locals. */
#define FLAGS_PRE                                                                              \
    "lea -128(%%rsp), %%rsp\n\t"                                                               \
    "pushfq\n\t"                                                                               \
    "andq $~0x8d5, (%%rsp)\n\t"                                                                \
    "orq %[fin], (%%rsp)\n\t"                                                                  \
    "popfq\n\t"
#define FLAGS_POST                                                                             \
    "\n\tpushfq\n\t"                                                                           \
    "popq %[fout]\n\t"                                                                         \
    "lea 128(%%rsp), %%rsp"

/* Two-operand ALU instruction of one size: x = x OP y. */
#define HOST_BIN(name, mnem, type, sfx)                                                        \
    static uint64_t host_##name##sfx(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout)    \
    {                                                                                          \
        type x = (type)a, y = (type)b;                                                         \
        uint64_t f;                                                                            \
        asm volatile(FLAGS_PRE mnem #sfx " %[y], %[x]" FLAGS_POST                              \
                     : [x] "+r"(x), [fout] "=&r"(f)                                            \
                     : [y] "r"(y), [fin] "r"(fin)                                              \
                     : "cc", "memory");                                                        \
        *fout = f;                                                                             \
        return (uint64_t)x;                                                                    \
    }

/* One-operand instruction (INC, DEC, NEG). */
#define HOST_UN(name, mnem, type, sfx)                                                         \
    static uint64_t host_##name##sfx(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout)    \
    {                                                                                          \
        type x = (type)a;                                                                      \
        uint64_t f;                                                                            \
        (void)b;                                                                               \
        asm volatile(FLAGS_PRE mnem #sfx " %[x]" FLAGS_POST                                    \
                     : [x] "+r"(x), [fout] "=&r"(f)                                            \
                     : [fin] "r"(fin)                                                          \
                     : "cc", "memory");                                                        \
        *fout = f;                                                                             \
        return (uint64_t)x;                                                                    \
    }

/* Shift or rotate by CL. */
#define HOST_SH(name, mnem, type, sfx)                                                         \
    static uint64_t host_##name##sfx(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout)    \
    {                                                                                          \
        type x = (type)a;                                                                      \
        uint8_t c = (uint8_t)b;                                                                \
        uint64_t f;                                                                            \
        asm volatile(FLAGS_PRE mnem #sfx " %%cl, %[x]" FLAGS_POST                              \
                     : [x] "+r"(x), [fout] "=&r"(f)                                            \
                     : "c"(c), [fin] "r"(fin)                                                  \
                     : "cc", "memory");                                                        \
        *fout = f;                                                                             \
        return (uint64_t)x;                                                                    \
    }

#define ALL_SIZES(M, name, mnem)                                                               \
    M(name, mnem, uint8_t, b) M(name, mnem, uint16_t, w) M(name, mnem, uint32_t, l)            \
    M(name, mnem, uint64_t, q)

ALL_SIZES(HOST_BIN, add, "add")
ALL_SIZES(HOST_BIN, adc, "adc")
ALL_SIZES(HOST_BIN, sub, "sub")
ALL_SIZES(HOST_BIN, sbb, "sbb")
ALL_SIZES(HOST_BIN, and, "and")
ALL_SIZES(HOST_BIN, or, "or")
ALL_SIZES(HOST_BIN, xor, "xor")
ALL_SIZES(HOST_UN, inc, "inc")
ALL_SIZES(HOST_UN, dec, "dec")
ALL_SIZES(HOST_UN, neg, "neg")
ALL_SIZES(HOST_SH, shl, "shl")
ALL_SIZES(HOST_SH, shr, "shr")
ALL_SIZES(HOST_SH, sar, "sar")
ALL_SIZES(HOST_SH, rcl, "rcl")
ALL_SIZES(HOST_SH, rcr, "rcr")

typedef uint64_t (*HostOp)(uint64_t a, uint64_t b, uint64_t fin, uint64_t *fout);

#define SIZED(name) { host_##name##b, host_##name##w, host_##name##l, host_##name##q }

/* The flags the SDM leaves undefined are computed as Intel parts do; on
 * another vendor's host only the defined ones can be compared. */
static bool host_is_intel(void)
{
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d);
    return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
}

static const uint64_t interesting[] = {
    0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0x0f, 0x10, 0x1f, 0xf0,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x5555555555555555ull,
};

static uint64_t mask_of(unsigned sz)
{
    return sz == 3 ? ~0ull : (1ull << (8u << sz)) - 1;
}

/* Operand pairs: every pair of interesting values plus pseudo-random ones. */
static void for_operands(void (*fn)(uint64_t a, uint64_t b, void *opaque), void *opaque)
{
    size_t n = G_N_ELEMENTS(interesting);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            fn(interesting[i], interesting[j], opaque);
        }
    }
    GRand *r = g_rand_new_with_seed(1234);
    for (int i = 0; i < 4000; i++) {
        uint64_t a = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
        uint64_t b = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
        fn(a, b, opaque);
    }
    g_rand_free(r);
}

typedef struct ArithCase {
    HostOp host[4];
    uint32_t cc_base; /* CC_OP_ADDB etc. */
    int kind;         /* how the record is built */
    uint64_t defined; /* flags the SDM defines */
    uint64_t fin;     /* input flags */
} ArithCase;

enum { K_BIN, K_CARRY, K_LOGIC, K_INCDEC, K_NEG };

static void check_arith(uint64_t a, uint64_t b, void *opaque)
{
    const ArithCase *c = opaque;
    for (unsigned sz = 0; sz < 4; sz++) {
        uint64_t m = mask_of(sz);
        uint64_t hf, r = c->host[sz](a, b, c->fin, &hf) & m;
        uint64_t src = b & m, src2 = 0;
        switch (c->kind) {
        case K_CARRY:
            src2 = c->fin & CF;
            break;
        case K_INCDEC:
            src = c->fin & CF;
            break;
        case K_NEG:
            src = a & m;
            break;
        }
        uint64_t f = cc_compute_all(c->cc_base + sz, r, src, src2);
        if (c->defined & CF) {
            /* CF alone (cc_compute_c) agrees with the host too */
            g_assert_cmphex(cc_compute_c(c->cc_base + sz, r, src, src2), ==, hf & CF);
        }
        if ((f & c->defined) != (hf & c->defined)) {
            g_test_message("op %u size %u a=%#" G_GINT64_MODIFIER "x b=%#" G_GINT64_MODIFIER
                           "x: flags %#" G_GINT64_MODIFIER "x, host %#" G_GINT64_MODIFIER "x",
                           c->cc_base, sz, a, b, f & c->defined, hf & c->defined);
            g_assert_cmphex(f & c->defined, ==, hf & c->defined);
        }
    }
}

static void run_arith(HostOp *host, uint32_t base, int kind, uint64_t defined)
{
    for (uint64_t fin = 0; fin <= CF; fin++) {
        ArithCase c = { .cc_base = base, .kind = kind, .defined = defined, .fin = fin };
        memcpy(c.host, host, sizeof(c.host));
        for_operands(check_arith, &c);
    }
}

static void test_cc_add_sub(void)
{
    HostOp add[] = SIZED(add), sub[] = SIZED(sub);
    run_arith(add, CC_OP_ADDB, K_BIN, OSZAPC);
    run_arith(sub, CC_OP_SUBB, K_BIN, OSZAPC);
}

static void test_cc_adc_sbb(void)
{
    HostOp adc[] = SIZED(adc), sbb[] = SIZED(sbb);
    run_arith(adc, CC_OP_ADCB, K_CARRY, OSZAPC);
    run_arith(sbb, CC_OP_SBBB, K_CARRY, OSZAPC);
}

static void test_cc_logic(void)
{
    HostOp and[] = SIZED(and), or[] = SIZED(or), xor[] = SIZED(xor);
    uint64_t def = OSZAPC & ~AF; /* AF undefined */
    run_arith(and, CC_OP_LOGICB, K_LOGIC, def);
    run_arith(or, CC_OP_LOGICB, K_LOGIC, def);
    run_arith(xor, CC_OP_LOGICB, K_LOGIC, def);
}

static void test_cc_inc_dec_neg(void)
{
    HostOp inc[] = SIZED(inc), dec[] = SIZED(dec), neg[] = SIZED(neg);
    run_arith(inc, CC_OP_INCB, K_INCDEC, OSZAPC);
    run_arith(dec, CC_OP_DECB, K_INCDEC, OSZAPC);
    /* NEG is recorded as SUB from 0 */
    run_arith(neg, CC_OP_SUBB, K_NEG, OSZAPC);
}

/* Shifts by every count: the record is built as translate-shift.c does
 * (src = the value shifted by count - 1, src2 = OF's source). The flags
 * the SDM leaves undefined (OF for counts above 1, CF for counts from the
 * width up, AF) come out as an Intel host gives them, so on one all are
 * compared. */
static void check_shift(uint64_t a, uint64_t unused, void *opaque)
{
    static HostOp shl[] = SIZED(shl), shr[] = SIZED(shr), sar[] = SIZED(sar);
    (void)unused;
    (void)opaque;
    for (unsigned sz = 0; sz < 4; sz++) {
        unsigned bits = 8u << sz;
        uint64_t m = mask_of(sz);
        unsigned cmask = sz == 3 ? 63 : 31;
        for (unsigned count = 1; count <= cmask; count++) {
            for (int k = 0; k < 3; k++) {
                HostOp h = k == 0 ? shl[sz] : k == 1 ? shr[sz] : sar[sz];
                uint64_t hf, r = h(a, count, 0, &hf) & m;
                uint64_t v = a & m, src;
                if (k == 0) {
                    src = (v << (count - 1)) & m;
                } else if (k == 1) {
                    src = (v >> (count - 1)) & m;
                } else {
                    int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
                    src = (uint64_t)(sv >> (count - 1)) & m;
                }
                uint64_t f = cc_compute_all((k == 0 ? CC_OP_SHLB : CC_OP_SARB) + sz, r, src,
                                            k == 2 ? 0 : v);
                uint64_t def = OSZAPC;
                if (!host_is_intel()) {
                    def = SF | ZF | PF | (count == 1 ? OF : 0) | (count < bits ? CF : 0);
                }
                g_assert_cmphex(cc_compute_c((k == 0 ? CC_OP_SHLB : CC_OP_SARB) + sz, r, src,
                                             k == 2 ? 0 : v),
                                ==, f & CF);
                if ((f & def) != (hf & def)) {
                    g_test_message("shift %d size %u a=%#" G_GINT64_MODIFIER "x count %u", k, sz,
                                   a, count);
                    g_assert_cmphex(f & def, ==, hf & def);
                }
            }
        }
    }
}

static void test_cc_shifts(void)
{
    for_operands(check_shift, NULL);
}

/* RCL/RCR helpers: result and flags for every count against the host. */
static void check_rotc(uint64_t a, uint64_t unused, void *opaque)
{
    static HostOp rcl[] = SIZED(rcl), rcr[] = SIZED(rcr);
    (void)unused;
    (void)opaque;
    for (unsigned sz = 0; sz < 4; sz++) {
        uint64_t m = mask_of(sz);
        unsigned cmask = sz == 3 ? 63 : 31;
        for (uint64_t cin = 0; cin <= 1; cin++) {
            for (unsigned count = 0; count <= cmask; count++) {
                for (int left = 0; left <= 1; left++) {
                    HostOp h = left ? rcl[sz] : rcr[sz];
                    uint64_t fin = cin | ZF | PF;
                    uint64_t hf, hr = h(a, count, fin, &hf) & m;
                    uint64_t r = (left ? helper_rcl : helper_rcr)(NULL, a & m, count, fin,
                                                                   1u << sz);
                    uint64_t f = (left ? helper_rcl_eflags : helper_rcr_eflags)(
                        NULL, a & m, count, fin, 1u << sz);
                    g_assert_cmphex(r, ==, hr);
                    /* OF for every count: Intel's first-step value */
                    uint64_t def = CF | ZF | PF | SF | AF;
                    if (count == 1 || host_is_intel()) {
                        def |= OF;
                    }
                    if ((f & def) != (hf & def)) {
                        g_test_message("rc%c size %u a=%#" G_GINT64_MODIFIER "x count %u cf %u",
                                       left ? 'l' : 'r', sz, a, count, (unsigned)cin);
                        g_assert_cmphex(f & def, ==, hf & def);
                    }
                }
            }
        }
    }
}

static void test_rcl_rcr(void)
{
    for_operands(check_rotc, NULL);
}

/* MUL/IMUL record: CF = OF = the product overflowed its low half, built as
 * translate-alu.c does for the 2-operand IMUL (the product of the sign-
 * extended operands compared with its own truncation). */
static void test_cc_mul(void)
{
    GRand *r = g_rand_new_with_seed(99);
    for (int i = 0; i < 20000; i++) {
        int32_t a = (int32_t)g_rand_int(r) >> (g_rand_int(r) & 31);
        int32_t b = (int32_t)g_rand_int(r) >> (g_rand_int(r) & 31);
        uint64_t hf;
        int32_t x = a;
        asm volatile(FLAGS_PRE "imull %[y], %[x]" FLAGS_POST
                     : [x] "+r"(x), [fout] "=&r"(hf)
                     : [y] "r"(b), [fin] "r"((uint64_t)0)
                     : "cc", "memory");
        int64_t p = (int64_t)a * b;
        uint64_t ov = p != (int64_t)(int32_t)p;
        uint64_t f = cc_compute_all(CC_OP_MULB + 2, (uint32_t)p, ov, 0);
        g_assert_cmpint((int32_t)p, ==, x);
        g_assert_cmphex(f & (CF | OF), ==, hf & (CF | OF));
    }
    g_rand_free(r);
}

/* The EFLAGS record returns what was stored, and load/sync round-trip. */
static void test_eflags_record(void)
{
    X86CPUState env;
    memset(&env, 0, sizeof(env));
    /* a zeroed state is a valid record: all flags clear */
    g_assert_cmphex(x86_cpu_get_eflags(&env), ==, RFLAGS_FIXED1);
    env.cc_op = CC_OP_SUBB + 2;
    env.cc_dst = 0;          /* 5 - 5 */
    env.cc_src = 5;
    env.rflags = RFLAGS_IF | RFLAGS_FIXED1 | RFLAGS_CF; /* stale CF */
    x86_cpu_sync_eflags(&env);
    g_assert_cmphex(env.rflags, ==, RFLAGS_IF | RFLAGS_FIXED1 | ZF | PF);
    g_assert_cmpuint(env.cc_op, ==, CC_OP_EFLAGS);

    x86_cpu_load_eflags(&env, CF | OF | RFLAGS_TF | (3u << 12) | (1u << 3), ~0ull);
    g_assert_cmphex(env.rflags, ==, CF | OF | RFLAGS_TF | (3u << 12) | RFLAGS_FIXED1);
    g_assert_true(env.hflags & HF_TF);
    g_assert_cmphex(env.hflags & HF_IOPL_MASK, ==, 3u << HF_IOPL_SHIFT);
    g_assert_cmphex(cc_compute_all(env.cc_op, env.cc_dst, env.cc_src, env.cc_src2), ==,
                    CF | OF);
    /* a partial mask keeps the other bits, including the lazy ones */
    env.cc_op = CC_OP_LOGICB;
    env.cc_dst = 0x80; /* SF */
    x86_cpu_load_eflags(&env, 0, RFLAGS_TF);
    g_assert_cmphex(env.rflags & (OSZAPC | RFLAGS_TF), ==, SF);
    g_assert_false(env.hflags & HF_TF);
}

static void test_bitscan_popcnt(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(interesting); i++) {
        uint64_t v = interesting[i];
        g_assert_cmpuint(helper_popcnt(NULL, v), ==, (uint64_t)__builtin_popcountll(v));
        if (v) {
            uint64_t hf, hr;
            asm("bsfq %1, %0" : "=r"(hf) : "r"(v) : "cc");
            asm("bsrq %1, %0" : "=r"(hr) : "r"(v) : "cc");
            g_assert_cmpuint(helper_bsf(NULL, v), ==, hf);
            g_assert_cmpuint(helper_bsr(NULL, v), ==, hr);
        }
    }
}

static void test_crc32(void)
{
    GRand *r = g_rand_new_with_seed(7);
    for (int i = 0; i < 2000; i++) {
        uint64_t crc = g_rand_int(r), d = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
        uint32_t c8 = (uint32_t)crc, c16 = (uint32_t)crc, c32 = (uint32_t)crc;
        uint64_t c64 = crc;
        asm("crc32b %1, %0" : "+r"(c8) : "r"((uint8_t)d));
        asm("crc32w %1, %0" : "+r"(c16) : "r"((uint16_t)d));
        asm("crc32l %1, %0" : "+r"(c32) : "r"((uint32_t)d));
        asm("crc32q %1, %0" : "+r"(c64) : "r"(d));
        g_assert_cmphex(helper_crc32(NULL, crc, d, 1), ==, c8);
        g_assert_cmphex(helper_crc32(NULL, crc, d, 2), ==, c16);
        g_assert_cmphex(helper_crc32(NULL, crc, d, 4), ==, c32);
        g_assert_cmphex(helper_crc32(NULL, crc, d, 8), ==, c64);
    }
    g_rand_free(r);
}

/* DAA/DAS/AAA/AAS are invalid in 64-bit mode, so the host cannot be asked:
 * the worked examples of the SDM (vol. 2A, DAA and DAS) and hand cases. */
static void test_bcd(void)
{
    /* ADD AL,BL: 79h + 35h = AEh, flags 0SZAPC = 110000; DAA -> 14h, CF AF PF */
    uint64_t r = helper_daa(NULL, 0xae, OF | SF);
    g_assert_cmphex(r & 0xffff, ==, 0x14);
    g_assert_cmphex((r >> 16) & (SF | ZF | AF | PF | CF), ==, AF | PF | CF);
    /* SUB AL,BL: 35h - 47h = EEh, flags 010111; DAS -> 88h, SF AF PF CF */
    r = helper_das(NULL, 0xee, SF | AF | PF | CF);
    g_assert_cmphex(r & 0xffff, ==, 0x88);
    g_assert_cmphex((r >> 16) & (SF | ZF | AF | PF | CF), ==, SF | AF | PF | CF);
    /* 9 + 8 = 11h with AF: AAA -> AH 1, AL 7, CF AF */
    r = helper_aaa(NULL, 0x0011, AF);
    g_assert_cmphex(r & 0xffff, ==, 0x0107);
    g_assert_cmphex((r >> 16) & (AF | CF), ==, AF | CF);
    /* 23 - 5: AL = 3 - 5 = FEh with AF, AH 2: AAS -> AH 1, AL 8 */
    r = helper_aas(NULL, 0x02fe, AF | CF);
    g_assert_cmphex(r & 0xffff, ==, 0x0108);
    g_assert_cmphex((r >> 16) & (AF | CF), ==, AF | CF);
    /* no adjustment needed */
    r = helper_aaa(NULL, 0x0305, 0);
    g_assert_cmphex(r & 0xffff, ==, 0x0305);
    g_assert_cmphex((r >> 16) & (AF | CF), ==, 0);
}

/* DIV/IDIV results for sizes that do not fault, against the host. */
static void test_div(void)
{
    X86CPU cpu;
    memset(&cpu, 0, sizeof(cpu));
    X86CPUState *env = &cpu.env;
    GRand *r = g_rand_new_with_seed(5);
    for (int i = 0; i < 5000; i++) {
        uint64_t hi = g_rand_int(r) & 0xffff, lo = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
        uint64_t d = ((uint64_t)g_rand_int(r) << 32 | g_rand_int(r)) | (1ull << 20);
        /* 64-bit unsigned: quotient fits because hi < d */
        env->regs[R_EDX] = hi;
        env->regs[R_EAX] = lo;
        helper_div(&cpu, 8, d);
        uint64_t q = lo, rem = hi;
        asm("divq %2" : "+a"(q), "+d"(rem) : "r"(d) : "cc");
        g_assert_cmphex(env->regs[R_EAX], ==, q);
        g_assert_cmphex(env->regs[R_EDX], ==, rem);
        /* 32-bit signed with the upper register halves ignored */
        int32_t a32 = (int32_t)g_rand_int(r), d32 = (int32_t)(g_rand_int(r) | 1);
        env->regs[R_EAX] = 0xdead000000000000ull | (uint32_t)a32;
        env->regs[R_EDX] = 0xbeef000000000000ull | (uint32_t)(a32 < 0 ? -1 : 0);
        helper_idiv(&cpu, 4, 0xffff000000000000ull | (uint32_t)d32);
        g_assert_cmphex(env->regs[R_EAX], ==, (uint32_t)(a32 / d32));
        g_assert_cmphex(env->regs[R_EDX], ==, (uint32_t)(a32 % d32));
        /* 8-bit: AX / r8 into AL (quotient) and AH (remainder), rest kept */
        uint16_t ax = g_rand_int(r) & 0x3fff;
        uint8_t d8 = (g_rand_int(r) & 0xff) | 0x40;
        env->regs[R_EAX] = 0x1234567800000000ull | ax;
        helper_div(&cpu, 1, d8);
        g_assert_cmphex(env->regs[R_EAX], ==,
                        0x1234567800000000ull | (uint64_t)(ax % d8) << 8 | (ax / d8));
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/translate/cc/add-sub", test_cc_add_sub);
    g_test_add_func("/translate/cc/adc-sbb", test_cc_adc_sbb);
    g_test_add_func("/translate/cc/logic", test_cc_logic);
    g_test_add_func("/translate/cc/inc-dec-neg", test_cc_inc_dec_neg);
    g_test_add_func("/translate/cc/shifts", test_cc_shifts);
    g_test_add_func("/translate/cc/mul", test_cc_mul);
    g_test_add_func("/translate/cc/eflags-record", test_eflags_record);
    g_test_add_func("/translate/helper/rcl-rcr", test_rcl_rcr);
    g_test_add_func("/translate/helper/bitscan-popcnt", test_bitscan_popcnt);
    g_test_add_func("/translate/helper/crc32", test_crc32);
    g_test_add_func("/translate/helper/bcd", test_bcd);
    g_test_add_func("/translate/helper/div", test_div);
    return g_test_run();
}
