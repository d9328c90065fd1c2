/* mimic-test: timeout=300 */
/*
 * Bit, exchange, condition and data-movement instructions at CPL 3
 * (lib/insn.h), compared across accelerators (Intel SDM vol. 2, each
 * instruction's page):
 *   BT BTS BTR BTC with register and immediate offsets, register and
 *   memory operands, memory bit offsets far outside the operand (signed,
 *   scaled to the operand size), LOCK;
 *   BSF BSR (a zero source leaves the destination as it was on Intel
 *   parts, ZF=1), POPCNT, BSWAP;
 *   CMPXCHG in every size, CMPXCHG8B, CMPXCHG16B (#GP(0) unless 16-byte
 *   aligned), XADD, XCHG (90-97, 86/87, with memory, the 90 NOP);
 *   SETcc, CMOVcc and Jcc for all 16 conditions and every combination of
 *   CF PF ZF SF OF that matters; CMOVcc reads its memory operand even when
 *   the condition is false;
 *   LAHF SAHF, CBW CWDE CDQE CWD CDQ CQO, MOVZX MOVSX MOVSXD (also 63 /r
 *   without REX.W), LEA with every addressing form, 32-bit address size
 *   wrapping at 4 GiB, 16- and 32-bit operand sizes.
 * Undefined flags: OF SF AF PF after BT*, CF OF SF AF PF after BSF/BSR.
 */
#include "insn.h"

#define HIGH_JUNK 0xa1b2c3d4e5f60718ull
#define BIT_BASE 0x800 /* the bit string's byte 0, in the data page */

static const unsigned size_bits[4] = { 8, 16, 32, 64 };

static uint64_t size_mask(unsigned s)
{
    return s == 3 ? ~0ull : (1ull << size_bits[s]) - 1;
}

/* ---- BT BTS BTR BTC ---- */

#define F_BT_UNDEF (F_OF | F_SF | F_AF | F_PF)

#define BT_OP(op)                                                                                  \
    INSN_BODY(op##_rw, #op "w %bx, %ax");                                                          \
    INSN_BODY(op##_rl, #op "l %ebx, %eax");                                                        \
    INSN_BODY(op##_rq, #op "q %rbx, %rax");                                                        \
    INSN_BODY(op##_mw, #op "w %bx, (%rdi)");                                                       \
    INSN_BODY(op##_ml, #op "l %ebx, (%rdi)");                                                      \
    INSN_BODY(op##_mq, #op "q %rbx, (%rdi)");                                                      \
    INSN_BODY(op##_iw, #op "w $2, %ax");                                                           \
    INSN_BODY(op##_il, #op "l $2, %eax");                                                          \
    INSN_BODY(op##_iq, #op "q $2, %rax");                                                          \
    INSN_BODY(op##_imw, #op "w $2, (%rdi)");                                                       \
    INSN_BODY(op##_iml, #op "l $2, (%rdi)");                                                       \
    INSN_BODY(op##_imq, #op "q $2, (%rdi)")
BT_OP(bt);
BT_OP(bts);
BT_OP(btr);
BT_OP(btc);
INSN_BODY(lock_bts, "lock btsq %rbx, (%rdi)");
INSN_BODY(lock_btr, "lock btrl %ebx, (%rdi)");
INSN_BODY(lock_btc, "lock btcw %bx, (%rdi)");
INSN_BODY(lock_btsi, "lock btsl $2, (%rdi)");
#define BT_ROW(op) #op "_rw," #op "_rl," #op "_rq," #op "_mw," #op "_ml," #op "_mq," #op "_iw," #op "_il," #op "_iq," #op "_imw," #op "_iml," #op "_imq,"
INSN_TABLE(bt_table, BT_ROW(bt) BT_ROW(bts) BT_ROW(btr) BT_ROW(btc));
static const char bt_names[4][4] = { "bt", "bts", "btr", "btc" };

/* Register offsets, taken modulo the operand size for a register operand
 * and as a signed bit offset into memory for a memory operand. */
static const int64_t bit_offsets[] = {
    0, 1, 7, 15, 16, 31, 32, 63, 64, 65, -1, -2, -16, -17, -33, -64, -65, 0x1234, -0x1234,
    0x7fff, -0x8000, 0x7fffffff, -0x7fffffff - 1, 0x10000000005ll, -0x10000000003ll,
    0x7fffffffffffffffll, -0x7fffffffffffffffll - 1,
};
#define N_OFFSETS (sizeof(bit_offsets) / sizeof(bit_offsets[0]))
static const uint8_t bit_imms[] = { 0, 3, 15, 16, 31, 33, 63, 64 + 5, 255 };

/* The offset as the operand size sees it: its low bits, sign-extended. */
static int64_t offset_as(unsigned s, int64_t off)
{
    unsigned bits = size_bits[s];
    return bits == 64 ? off : (int64_t)((uint64_t)off << (64 - bits)) >> (64 - bits);
}

/* RDI such that the operand holding the bit lands at BIT_BASE + a small
 * displacement: the bit string is addressed from RDI by offset >> log2(size)
 * operands (vol. 2, BT: "bit base" and "bit offset"). */
static uint64_t bit_string_base(unsigned s, int64_t off)
{
    unsigned bytes = size_bits[s] / 8, shift = s == 1 ? 4 : s == 2 ? 5 : 6;
    int64_t units = offset_as(s, off) >> shift;
    uint64_t target = USER_DATA_ADDR + BIT_BASE + (uint64_t)((off & 0x70) >> 2);
    return target - (uint64_t)units * bytes;
}

static void bt_tests(void)
{
    UserRegs r;
    for (unsigned op = 0; op < 4; op++) {
        insn_group("%s", bt_names[op]);
        for (unsigned s = 1; s < 4; s++) {
            uint64_t mask = size_mask(s);
            for (unsigned o = 0; o < N_OFFSETS; o++) {
                int64_t off = bit_offsets[o];
                for (unsigned fl = 0; fl < 2; fl++) {
                    insn_init(&r);
                    r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | (0x5a3cc3a5f00f0ff0ull & mask);
                    r.gpr[UR_RBX] = (uint64_t)off;
                    r.rflags |= fl ? RFLAGS_STATUS : 0;
                    insn_run(insn_at(bt_table, op * 12 + s - 1), &r, F_BT_UNDEF, "r%u %llx%s",
                             size_bits[s], (unsigned long long)off, fl ? " f" : "");
                    insn_init(&r);
                    r.gpr[UR_RBX] = (uint64_t)off;
                    r.gpr[UR_RDI] = bit_string_base(s, off);
                    r.rflags |= fl ? RFLAGS_STATUS : 0;
                    insn_run(insn_at(bt_table, op * 12 + 3 + s - 1), &r, F_BT_UNDEF,
                             "m%u %llx%s", size_bits[s], (unsigned long long)off, fl ? " f" : "");
                }
            }
            for (unsigned i = 0; i < sizeof(bit_imms); i++) {
                insn_init(&r);
                r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | (0x5a3cc3a5f00f0ff0ull & mask);
                r.gpr[UR_RDI] = USER_DATA_ADDR + BIT_BASE;
                r.rflags |= i & 1 ? RFLAGS_STATUS : 0;
                insn_run(insn_with_imm8(insn_at(bt_table, op * 12 + 6 + s - 1), bit_imms[i]), &r,
                         F_BT_UNDEF, "ri%u %u", size_bits[s], bit_imms[i]);
                r.gpr[UR_RAX] = 0;
                insn_run(insn_with_imm8(insn_at(bt_table, op * 12 + 9 + s - 1), bit_imms[i]), &r,
                         F_BT_UNDEF, "mi%u %u", size_bits[s], bit_imms[i]);
            }
        }
    }
    insn_group("bt lock");
    for (unsigned o = 0; o < N_OFFSETS; o += 2) {
        int64_t off = bit_offsets[o];
        insn_init(&r);
        r.gpr[UR_RBX] = (uint64_t)off;
        r.gpr[UR_RDI] = bit_string_base(3, off);
        insn_run(&lock_bts, &r, F_BT_UNDEF, "lock bts64 %llx", (unsigned long long)off);
        r.gpr[UR_RDI] = bit_string_base(2, off);
        insn_run(&lock_btr, &r, F_BT_UNDEF, "lock btr32 %llx", (unsigned long long)off);
        r.gpr[UR_RDI] = bit_string_base(1, off);
        insn_run(&lock_btc, &r, F_BT_UNDEF, "lock btc16 %llx", (unsigned long long)off);
    }
    insn_init(&r);
    r.gpr[UR_RDI] = USER_DATA_ADDR + BIT_BASE;
    insn_run(insn_with_imm8(&lock_btsi, 37), &r, F_BT_UNDEF, "lock bts32 imm 37");
}

/* ---- BSF BSR POPCNT BSWAP ---- */

#define F_BS_UNDEF (F_CF | F_OF | F_SF | F_AF | F_PF)

INSN_BODY(bsf_w, "bsfw %bx, %ax");
INSN_BODY(bsf_l, "bsfl %ebx, %eax");
INSN_BODY(bsf_q, "bsfq %rbx, %rax");
INSN_BODY(bsr_w, "bsrw %bx, %ax");
INSN_BODY(bsr_l, "bsrl %ebx, %eax");
INSN_BODY(bsr_q, "bsrq %rbx, %rax");
INSN_BODY(bsf_mw, "bsfw (%rdi), %ax");
INSN_BODY(bsf_ml, "bsfl (%rdi), %eax");
INSN_BODY(bsf_mq, "bsfq (%rdi), %rax");
INSN_BODY(bsr_mw, "bsrw (%rdi), %ax");
INSN_BODY(bsr_ml, "bsrl (%rdi), %eax");
INSN_BODY(bsr_mq, "bsrq (%rdi), %rax");
INSN_BODY(popcnt_w, "popcntw %bx, %ax");
INSN_BODY(popcnt_l, "popcntl %ebx, %eax");
INSN_BODY(popcnt_q, "popcntq %rbx, %rax");
INSN_BODY(popcnt_mw, "popcntw (%rdi), %ax");
INSN_BODY(popcnt_ml, "popcntl (%rdi), %eax");
INSN_BODY(popcnt_mq, "popcntq (%rdi), %rax");
INSN_TABLE(scan_table, "bsf_w,bsf_l,bsf_q,bsf_mw,bsf_ml,bsf_mq,bsr_w,bsr_l,bsr_q,bsr_mw,bsr_ml,bsr_mq,"
                       "popcnt_w,popcnt_l,popcnt_q,popcnt_mw,popcnt_ml,popcnt_mq");
INSN_BODY(bswap_l, "bswapl %eax");
INSN_BODY(bswap_q, "bswapq %rax");
INSN_BODY(bswap_r9d, "bswapl %r9d");
INSN_BODY(bswap_r15, "bswapq %r15");

static const uint64_t scan_values[] = {
    0, 1, 2, 0x8000, 0x80000000, 0x8000000000000000ull, ~0ull, 0x00f0000000000100ull,
    0x0000000100000000ull, 0x0001000000010000ull, 0x5555555555555555ull, 0xfedcba9876543210ull,
};

static void scan_tests(void)
{
    UserRegs r;
    static const char names[3][8] = { "bsf", "bsr", "popcnt" };
    for (unsigned op = 0; op < 3; op++) {
        insn_group("%s", names[op]);
        for (unsigned s = 1; s < 4; s++) {
            for (unsigned v = 0; v < sizeof(scan_values) / sizeof(scan_values[0]); v++) {
                uint64_t x = scan_values[v];
                for (unsigned m = 0; m < 2; m++) {
                    insn_init(&r);
                    r.gpr[UR_RAX] = HIGH_JUNK;
                    r.gpr[UR_RBX] = x;
                    r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
                    INSN_MEM64(0x100) = x;
                    r.rflags |= (v + m) & 1 ? RFLAGS_STATUS : 0;
                    insn_run(insn_at(scan_table, op * 6 + m * 3 + s - 1), &r,
                             op < 2 ? F_BS_UNDEF : F_NONE, "%c%u %llx", m ? 'm' : 'r',
                             size_bits[s], (unsigned long long)x);
                }
            }
        }
    }
    insn_group("bswap");
    for (unsigned v = 0; v < sizeof(scan_values) / sizeof(scan_values[0]); v++) {
        insn_init(&r);
        r.gpr[UR_RAX] = scan_values[v] ^ HIGH_JUNK;
        r.gpr[UR_R9] = scan_values[v];
        r.gpr[UR_R15] = ~scan_values[v];
        insn_run(&bswap_l, &r, F_NONE, "l %llx", (unsigned long long)(scan_values[v] ^ HIGH_JUNK));
        insn_run(&bswap_q, &r, F_NONE, "then q");
        insn_run(&bswap_r9d, &r, F_NONE, "r9d %llx", (unsigned long long)scan_values[v]);
        insn_run(&bswap_r15, &r, F_NONE, "r15 %llx", (unsigned long long)~scan_values[v]);
    }
}

/* ---- CMPXCHG CMPXCHG8B CMPXCHG16B XADD XCHG ---- */

INSN_BODY(cx_rb, "cmpxchgb %bl, %cl");
INSN_BODY(cx_rw, "cmpxchgw %bx, %cx");
INSN_BODY(cx_rl, "cmpxchgl %ebx, %ecx");
INSN_BODY(cx_rq, "cmpxchgq %rbx, %rcx");
INSN_BODY(cx_mb, "cmpxchgb %bl, (%rdi)");
INSN_BODY(cx_mw, "cmpxchgw %bx, (%rdi)");
INSN_BODY(cx_ml, "cmpxchgl %ebx, (%rdi)");
INSN_BODY(cx_mq, "cmpxchgq %rbx, (%rdi)");
INSN_BODY(cx_lb, "lock cmpxchgb %bl, (%rdi)");
INSN_BODY(cx_lw, "lock cmpxchgw %bx, (%rdi)");
INSN_BODY(cx_ll, "lock cmpxchgl %ebx, (%rdi)");
INSN_BODY(cx_lq, "lock cmpxchgq %rbx, (%rdi)");
INSN_TABLE(cx_table, "cx_rb,cx_rw,cx_rl,cx_rq,cx_mb,cx_mw,cx_ml,cx_mq,cx_lb,cx_lw,cx_ll,cx_lq");
INSN_BODY(cx_ah, "cmpxchgb %ah, %bh");
INSN_BODY(cx_self, "cmpxchgl %eax, %eax");
INSN_BODY(cx8b, "cmpxchg8b (%rdi)");
INSN_BODY(cx8b_lock, "lock cmpxchg8b (%rdi)");
INSN_BODY(cx16b, "cmpxchg16b (%rdi)");
INSN_BODY(cx16b_lock, "lock cmpxchg16b (%rdi)");
INSN_BODY(cx8b_reg, ".byte 0x0f, 0xc7, 0xc8"); /* mod=3: #UD */
INSN_BODY(xadd_rb, "xaddb %bl, %al");
INSN_BODY(xadd_rw, "xaddw %bx, %ax");
INSN_BODY(xadd_rl, "xaddl %ebx, %eax");
INSN_BODY(xadd_rq, "xaddq %rbx, %rax");
INSN_BODY(xadd_mb, "xaddb %bl, (%rdi)");
INSN_BODY(xadd_mw, "lock xaddw %bx, (%rdi)");
INSN_BODY(xadd_ml, "xaddl %ebx, (%rdi)");
INSN_BODY(xadd_mq, "lock xaddq %rbx, (%rdi)");
INSN_BODY(xadd_self, "xaddl %eax, %eax");
INSN_BODY(xadd_ah, "xaddb %ah, %al");
INSN_TABLE(xadd_table, "xadd_rb,xadd_rw,xadd_rl,xadd_rq,xadd_mb,xadd_mw,xadd_ml,xadd_mq,xadd_self,"
                       "xadd_ah");
INSN_BODY(xchg_q, "xchgq %rbx, %rax");        /* 48 93 */
INSN_BODY(xchg_l, "xchgl %ebx, %eax");        /* 93 */
INSN_BODY(xchg_w, "xchgw %bx, %ax");          /* 66 93 */
INSN_BODY(xchg_b, "xchgb %bl, %al");
INSN_BODY(xchg_hb, "xchgb %ah, %al");
INSN_BODY(xchg_87, "xchgq %rcx, %rdx");
INSN_BODY(xchg_self, "xchgl %ecx, %ecx");     /* 87 c9: zero-extends */
INSN_BODY(xchg_nop, ".byte 0x90");             /* NOP: does not zero-extend EAX */
INSN_BODY(xchg_r8d, ".byte 0x41, 0x90");       /* xchg %r8d, %eax */
INSN_BODY(xchg_r8, ".byte 0x49, 0x90");        /* xchg %r8, %rax */
INSN_BODY(xchg_pause, "pause");
INSN_BODY(xchg_mb, "xchgb %al, (%rdi)");
INSN_BODY(xchg_mw, "xchgw (%rdi), %bx");
INSN_BODY(xchg_ml, "xchgl %eax, (%rdi)");
INSN_BODY(xchg_mq, "lock xchgq %rax, (%rdi)");
INSN_TABLE(xchg_table, "xchg_q,xchg_l,xchg_w,xchg_b,xchg_hb,xchg_87,xchg_self,xchg_nop,xchg_r8d,"
                       "xchg_r8,xchg_pause,xchg_mb,xchg_mw,xchg_ml,xchg_mq");
#define N_XCHG 15

static void exchange_tests(void)
{
    UserRegs r;
    static const uint64_t vals[] = { 0, 1, 0x7f, 0x80, 0xffff, 0x80000000, 0xffffffff,
                                     0x7fffffffffffffffull, ~0ull };
    insn_group("cmpxchg");
    for (unsigned f = 0; f < 12; f++) {
        unsigned s = f % 4;
        uint64_t mask = size_mask(s);
        for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
            for (unsigned eq = 0; eq < 2; eq++) {
                uint64_t dest = vals[v] & mask, acc = eq ? dest : (dest ^ 0x81) & mask;
                insn_init(&r);
                r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | acc;
                r.gpr[UR_RBX] = ~HIGH_JUNK;
                r.gpr[UR_RCX] = (0x1122334455667788ull & ~mask) | dest;
                r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
                INSN_MEM64(0x100) = (INSN_MEM64(0x100) & ~mask) | dest;
                insn_run(insn_at(cx_table, f), &r, F_NONE, "%s%u %llx %s",
                         f < 4 ? "r" : f < 8 ? "m" : "lock", size_bits[s],
                         (unsigned long long)dest, eq ? "eq" : "ne");
            }
        }
    }
    for (unsigned eq = 0; eq < 2; eq++) {
        insn_init(&r);
        r.gpr[UR_RAX] = 0x1234 | (eq ? 0x3400 : 0x5600);
        r.gpr[UR_RBX] = 0x3499;
        insn_run(&cx_ah, &r, F_NONE, "ah,bh %s", eq ? "eq" : "ne");
        insn_init(&r);
        r.gpr[UR_RAX] = HIGH_JUNK;
        insn_run(&cx_self, &r, F_NONE, "eax,eax");
    }

    insn_group("cmpxchg8b/16b");
    for (unsigned v = 0; v < 4; v++) {
        for (unsigned eq = 0; eq < 2; eq++) {
            uint64_t m0 = 0x0123456789abcdefull * (v + 1), m1 = ~m0 ^ (uint64_t)v << 40;
            for (unsigned f = 0; f < 4; f++) {
                insn_init(&r);
                unsigned align = f >= 2 && v == 3 ? 8 : 0; /* 16B misaligned: #GP(0) */
                r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100 + align;
                INSN_MEM64(0x100 + align) = m0;
                INSN_MEM64(0x108 + align) = m1;
                if (f < 2) {
                    r.gpr[UR_RAX] = HIGH_JUNK << 32 | (uint32_t)(eq ? m0 : m0 + 1);
                    r.gpr[UR_RDX] = ~HIGH_JUNK << 32 | (uint32_t)(eq || v & 1 ? m0 >> 32 : m0);
                    r.gpr[UR_RBX] = 0xaaaaaaaabbbbbbbbull;
                    r.gpr[UR_RCX] = 0xccccccccddddddddull;
                } else {
                    r.gpr[UR_RAX] = eq ? m0 : m0 ^ 1;
                    r.gpr[UR_RDX] = eq || v & 1 ? m1 : m1 ^ (1ull << 63);
                    r.gpr[UR_RBX] = 0xaaaaaaaabbbbbbbbull;
                    r.gpr[UR_RCX] = 0xccccccccddddddddull;
                }
                r.rflags |= eq ? 0 : RFLAGS_STATUS;
                const InsnCode *b = f == 0 ? &cx8b : f == 1 ? &cx8b_lock : f == 2 ? &cx16b : &cx16b_lock;
                insn_run(b, &r, F_NONE, "%s v%u %s%s", f < 2 ? "8b" : "16b", v, eq ? "eq" : "ne",
                         f & 1 ? " lock" : "");
            }
        }
    }
    insn_init(&r);
    insn_run(&cx8b_reg, &r, F_NONE, "cmpxchg8b register operand");

    insn_group("xadd");
    for (unsigned f = 0; f < 10; f++) {
        unsigned s = f < 8 ? f % 4 : f == 8 ? 2 : 0;
        uint64_t mask = size_mask(s);
        for (unsigned a = 0; a < sizeof(vals) / sizeof(vals[0]); a += 2) {
            for (unsigned b = 0; b < sizeof(vals) / sizeof(vals[0]); b += 3) {
                insn_init(&r);
                r.gpr[UR_RAX] = (HIGH_JUNK & ~mask) | (vals[a] & mask) | (f == 9 ? vals[b] << 8 & 0xff00 : 0);
                r.gpr[UR_RBX] = (~HIGH_JUNK & ~mask) | (vals[b] & mask);
                r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
                INSN_MEM64(0x100) = (INSN_MEM64(0x100) & ~mask) | (vals[a] & mask);
                insn_run(insn_at(xadd_table, f), &r, F_NONE, "%u %llx,%llx", f,
                         (unsigned long long)vals[a], (unsigned long long)vals[b]);
            }
        }
    }

    insn_group("xchg");
    for (unsigned f = 0; f < N_XCHG; f++) {
        for (unsigned v = 0; v < 3; v++) {
            insn_init(&r);
            for (unsigned i = 0; i < 16; i++) {
                if (i != UR_RSP) {
                    r.gpr[i] = (0x0101010101010101ull * (i + 1)) ^ (v ? HIGH_JUNK : 0) ^ (v == 2 ? ~0ull : 0);
                }
            }
            r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
            insn_run(insn_at(xchg_table, f), &r, F_NONE, "%u v%u", f, v);
        }
    }
}

/* ---- conditions ---- */

#define COND(cc)                                                                                   \
    INSN_BODY(cmovw_##cc, "cmov" #cc "w %bx, %ax");                                                \
    INSN_BODY(cmovl_##cc, "cmov" #cc "l %ebx, %eax");                                              \
    INSN_BODY(cmovq_##cc, "cmov" #cc "q %rbx, %rax");                                              \
    INSN_BODY(cmovm_##cc, "cmov" #cc "l (%rdi), %eax");                                            \
    INSN_BODY(j8_##cc, "j" #cc " 1f\n movl $1, %eax\n1:");                                         \
    INSN_BODY(j32_##cc, "{disp32} j" #cc " 1f\n movl $1, %eax\n1:")
COND(o);
COND(no);
COND(b);
COND(ae);
COND(e);
COND(ne);
COND(be);
COND(a);
COND(s);
COND(ns);
COND(p);
COND(np);
COND(l);
COND(ge);
COND(le);
COND(g);
#define COND_ROW(cc) "cmovw_" #cc ",cmovl_" #cc ",cmovq_" #cc ",cmovm_" #cc ",j8_" #cc ",j32_" #cc ","
INSN_TABLE(cond_table, COND_ROW(o) COND_ROW(no) COND_ROW(b) COND_ROW(ae) COND_ROW(e) COND_ROW(ne)
                       COND_ROW(be) COND_ROW(a) COND_ROW(s) COND_ROW(ns) COND_ROW(p) COND_ROW(np)
                       COND_ROW(l) COND_ROW(ge) COND_ROW(le) COND_ROW(g));
static const char cond_names[16][3] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                        "s", "ns", "p", "np", "l", "ge", "le", "g" };
INSN_BODY(setcc_all, "seto (%rdi)\n setno 1(%rdi)\n setb 2(%rdi)\n setae 3(%rdi)\n"
                     "sete 4(%rdi)\n setne 5(%rdi)\n setbe 6(%rdi)\n seta 7(%rdi)\n"
                     "sets 8(%rdi)\n setns 9(%rdi)\n setp 10(%rdi)\n setnp 11(%rdi)\n"
                     "setl 12(%rdi)\n setge 13(%rdi)\n setle 14(%rdi)\n setg 15(%rdi)");
INSN_BODY(setcc_regs, "setb %ah\n sete %sil\n setg %r9b\n setp %bl\n setno %bh\n setle %r15b");
/* 0F 90 /r with a reg field other than 0: the SDM leaves it out; Intel
 * parts ignore the reg field. */
INSN_BODY(setcc_reg7, ".byte 0x0f, 0x94, 0x38"); /* sete (%rax) with reg=7 */

/* The five flags conditions read, in every combination */
static uint64_t flag_combo(unsigned k)
{
    return (k & 1 ? RFLAGS_CF : 0) | (k & 2 ? RFLAGS_PF : 0) | (k & 4 ? RFLAGS_ZF : 0) |
           (k & 8 ? RFLAGS_SF : 0) | (k & 16 ? RFLAGS_OF : 0);
}

static void condition_tests(void)
{
    UserRegs r;
    insn_group("setcc");
    for (unsigned k = 0; k < 32; k++) {
        insn_init(&r);
        r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
        r.rflags |= flag_combo(k) | (k & 1 ? RFLAGS_AF : 0);
        insn_run(&setcc_all, &r, F_NONE, "all %x", (unsigned)flag_combo(k));
        insn_init(&r);
        for (unsigned i = 0; i < 16; i++) {
            if (i != UR_RSP) {
                r.gpr[i] = HIGH_JUNK ^ i;
            }
        }
        r.rflags |= flag_combo(k);
        insn_run(&setcc_regs, &r, F_NONE, "regs %x", (unsigned)flag_combo(k));
        insn_init(&r);
        r.gpr[UR_RAX] = USER_DATA_ADDR + 0x100;
        r.rflags |= flag_combo(k);
        insn_run(&setcc_reg7, &r, F_NONE, "reg field 7 %x", (unsigned)flag_combo(k));
    }
    /* every combination for each condition, on CMOV 32 (which zero-extends
     * even when it does not move) and Jcc; the rest on a subset */
    for (unsigned c = 0; c < 16; c++) {
        insn_group("cond %s", cond_names[c]);
        for (unsigned k = 0; k < 32; k++) {
            for (unsigned f = 0; f < 6; f++) {
                if (f != 1 && f != 4 && (k & 5) != 0 && (k & 5) != 5) {
                    continue;
                }
                insn_init(&r);
                r.gpr[UR_RAX] = HIGH_JUNK;
                r.gpr[UR_RBX] = ~HIGH_JUNK;
                r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
                r.rflags |= flag_combo(k);
                insn_run(insn_at(cond_table, c * 6 + f), &r, F_NONE, "%u %x", f,
                         (unsigned)flag_combo(k));
            }
        }
        /* the memory operand is read whatever the condition */
        for (unsigned k = 0; k < 32; k += 31) {
            insn_init(&r);
            r.gpr[UR_RAX] = HIGH_JUNK;
            r.gpr[UR_RDI] = USER_UNMAPPED_ADDR + 0x10;
            r.rflags |= flag_combo(k);
            insn_run(insn_at(cond_table, c * 6 + 3), &r, F_NONE, "unmapped %x",
                     (unsigned)flag_combo(k));
        }
    }
}

/* ---- LAHF SAHF, conversions, MOVZX MOVSX MOVSXD ---- */

INSN_BODY(lahf, "lahf");
INSN_BODY(sahf, "sahf");
INSN_BODY(cbw, "cbtw");
INSN_BODY(cwde, "cwtl");
INSN_BODY(cdqe, "cltq");
INSN_BODY(cwd, "cwtd");
INSN_BODY(cdq, "cltd");
INSN_BODY(cqo, "cqto");
INSN_TABLE(conv_table, "cbw,cwde,cdqe,cwd,cdq,cqo");
INSN_BODY(movzbw, "movzbw %bl, %cx");
INSN_BODY(movzbl, "movzbl %bl, %ecx");
INSN_BODY(movzbq, "movzbq %bl, %rcx");
INSN_BODY(movzwl, "movzwl %bx, %ecx");
INSN_BODY(movzwq, "movzwq %bx, %rcx");
INSN_BODY(movsbw, "movsbw %bl, %cx");
INSN_BODY(movsbl, "movsbl %bl, %ecx");
INSN_BODY(movsbq, "movsbq %bl, %rcx");
INSN_BODY(movswl, "movswl %bx, %ecx");
INSN_BODY(movswq, "movswq %bx, %rcx");
INSN_BODY(movslq, "movslq %ebx, %rcx");
INSN_BODY(movsxd32, ".byte 0x63, 0xcb");       /* movsxd %ebx, %ecx without REX.W */
INSN_BODY(movsxd16, ".byte 0x66, 0x63, 0xcb"); /* and with 66 */
INSN_BODY(movzbl_ah, "movzbl %bh, %ecx");
INSN_BODY(movsbw_ah, "movsbw %bh, %cx");
INSN_BODY(movzbw_m, "movzbw (%rdi), %cx");
INSN_BODY(movzwq_m, "movzwq (%rdi), %rcx");
INSN_BODY(movsbq_m, "movsbq (%rdi), %rcx");
INSN_BODY(movswl_m, "movswl (%rdi), %ecx");
INSN_BODY(movslq_m, "movslq (%rdi), %rcx");
INSN_BODY(movsxd32_m, ".byte 0x63, 0x0f");     /* movsxd (%rdi), %ecx */
INSN_TABLE(ext_table, "movzbw,movzbl,movzbq,movzwl,movzwq,movsbw,movsbl,movsbq,movswl,movswq,"
                      "movslq,movsxd32,movsxd16,movzbl_ah,movsbw_ah,movzbw_m,movzwq_m,movsbq_m,"
                      "movswl_m,movslq_m,movsxd32_m");
#define N_EXT 21

static void data_tests(void)
{
    UserRegs r;
    insn_group("lahf");
    for (unsigned k = 0; k < 64; k++) {
        insn_init(&r);
        r.gpr[UR_RAX] = HIGH_JUNK;
        r.rflags |= flag_combo(k & 31) | (k & 32 ? RFLAGS_AF : 0);
        insn_run(&lahf, &r, F_NONE, "%x", (unsigned)r.rflags);
    }
    insn_group("sahf");
    for (unsigned ah = 0; ah < 256; ah += 3) {
        insn_init(&r);
        r.gpr[UR_RAX] = (HIGH_JUNK & ~0xff00ull) | ah << 8;
        r.rflags |= ah & 4 ? RFLAGS_OF : 0;
        insn_run(&sahf, &r, F_NONE, "%x", ah);
    }
    static const uint64_t conv_vals[] = { 0, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff, 0x80000000,
                                          0x7fffffffffffffffull, 0x8000000000000000ull,
                                          0x123456789abcdef0ull, 0xfedcba9876543210ull };
    insn_group("cbw..cqo");
    for (unsigned f = 0; f < 6; f++) {
        for (unsigned v = 0; v < sizeof(conv_vals) / sizeof(conv_vals[0]); v++) {
            insn_init(&r);
            r.gpr[UR_RAX] = conv_vals[v];
            r.gpr[UR_RDX] = HIGH_JUNK;
            insn_run(insn_at(conv_table, f), &r, F_NONE, "%u %llx", f,
                     (unsigned long long)conv_vals[v]);
        }
    }
    insn_group("movzx/movsx");
    for (unsigned f = 0; f < N_EXT; f++) {
        for (unsigned v = 0; v < sizeof(conv_vals) / sizeof(conv_vals[0]); v++) {
            insn_init(&r);
            r.gpr[UR_RBX] = conv_vals[v] ^ (f == 13 || f == 14 ? conv_vals[v] << 8 : 0);
            r.gpr[UR_RCX] = HIGH_JUNK;
            r.gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
            INSN_MEM64(0x100) = conv_vals[v];
            insn_run(insn_at(ext_table, f), &r, F_NONE, "%u %llx", f,
                     (unsigned long long)conv_vals[v]);
        }
    }
}

/* ---- LEA and address sizes ---- */

INSN_BODY(lea0, "leaq (%rax), %rcx");
INSN_BODY(lea1, "leaq 0x7f(%rax), %rcx");
INSN_BODY(lea2, "leaq -0x80(%rax), %rcx");
INSN_BODY(lea3, "leaq 0x12345678(%rax), %rcx");
INSN_BODY(lea4, "leaq -0x80000000(%rax), %rcx");
INSN_BODY(lea5, "leaq (%rax,%rbx), %rcx");
INSN_BODY(lea6, "leaq (%rax,%rbx,2), %rcx");
INSN_BODY(lea7, "leaq (%rax,%rbx,4), %rcx");
INSN_BODY(lea8, "leaq 0x10(%rax,%rbx,8), %rcx");
INSN_BODY(lea9, "leaq (,%rbx,8), %rcx");
INSN_BODY(lea10, "leaq 0x1234(,%rbx,4), %rcx");
INSN_BODY(lea11, "leaq -0x789abcdf, %rcx");  /* SIB, no base, no index: disp32 sign-extended */
INSN_BODY(lea12, "leaq -8(%rip), %rcx");
INSN_BODY(lea13, "leaq (%rbp), %rcx");       /* mod=1 disp8 0 */
INSN_BODY(lea14, "leaq (%r13), %rcx");
INSN_BODY(lea15, "leaq (%rsp), %rcx");
INSN_BODY(lea16, "leaq 8(%r12), %rcx");
INSN_BODY(lea17, "leaq -1(%r12,%r13,2), %r14");
INSN_BODY(lea18, "leaq (%rax,%r12,4), %rcx"); /* SIB index 100 with REX.X: R12 */
INSN_BODY(lea19, "leaq (%rbp,%rbp,1), %rcx");
INSN_BODY(lea20, "leal (%rax,%rbx,8), %ecx");  /* 32-bit result, zero-extended */
INSN_BODY(lea21, "leaw 0x7fff(%rax,%rbx), %cx"); /* 16-bit: only CX written */
INSN_BODY(lea22, "leaq 0x10(%eax,%ebx,8), %rcx"); /* 67: 32-bit address, wraps */
INSN_BODY(lea23, "leal -1(%eax), %ecx");
INSN_BODY(lea24, "leaw (%eax,%ebx), %cx");
INSN_BODY(lea25, "leaq -8(%eip), %rcx");        /* 67 with RIP-relative: EIP-relative */
INSN_BODY(lea26, "leaq %fs:8(%rax), %rcx");     /* a segment override changes nothing */
INSN_BODY(lea27, "leaq (,%ebx,2), %rcx");
INSN_BODY(lea28, ".byte 0x48, 0x8d, 0xc0");   /* register operand: #UD */
INSN_TABLE(lea_table, "lea0,lea1,lea2,lea3,lea4,lea5,lea6,lea7,lea8,lea9,lea10,lea11,lea12,"
                      "lea13,lea14,lea15,lea16,lea17,lea18,lea19,lea20,lea21,lea22,lea23,lea24,"
                      "lea25,lea26,lea27,lea28");
#define N_LEA 29
/* 32-bit address size reaches memory through the low 32 bits of the
 * registers, wrapping at 4 GiB */
INSN_BODY(addr32_load, "movl (%eax), %ecx");
INSN_BODY(addr32_wrap, "movl 0x10(%eax,%ebx,4), %ecx");
INSN_BODY(addr32_store, "movq %rdx, -0x20(%esi)");

static void lea_tests(void)
{
    static const uint64_t bases[][2] = {
        { 0x0000000000001000ull, 0x0000000000000010ull },
        { 0x7fffffffffffffffull, 0x0000000000000001ull },
        { 0xfffffffffffffff0ull, 0x0000000000000020ull },
        { 0x00000000fffffff8ull, 0x0000000000000004ull },
        { 0x123456789abcdef0ull, 0xfedcba9876543210ull },
    };
    UserRegs r;
    insn_group("lea");
    for (unsigned f = 0; f < N_LEA; f++) {
        for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            insn_init(&r);
            r.gpr[UR_RAX] = bases[b][0];
            r.gpr[UR_RBX] = bases[b][1];
            r.gpr[UR_RCX] = HIGH_JUNK;
            r.gpr[UR_RBP] = bases[b][0] ^ 0x5555;
            r.gpr[UR_R12] = bases[b][1] ^ 0xaaaa;
            r.gpr[UR_R13] = bases[b][0] + 3;
            insn_run(insn_at(lea_table, f), &r, F_NONE, "%u %llx,%llx", f,
                     (unsigned long long)bases[b][0], (unsigned long long)bases[b][1]);
        }
    }
    insn_group("addr32");
    for (unsigned v = 0; v < 4; v++) {
        uint64_t junk = v & 1 ? 0xdeadbeef00000000ull : 0;
        insn_init(&r);
        r.gpr[UR_RAX] = junk | (USER_DATA_ADDR + 0x40 + 8 * v);
        insn_run(&addr32_load, &r, F_NONE, "load v%u", v);
        insn_init(&r);
        /* 0xffffff00 + 4 * 0xc041 + 0x10 = 0x100030014 -> 0x30014 */
        r.gpr[UR_RAX] = junk | 0xffffff00u;
        r.gpr[UR_RBX] = (v & 2 ? 0xffffffff00000000ull : 0) | (0xc041u + v);
        insn_run(&addr32_wrap, &r, F_NONE, "wrap v%u", v);
        insn_init(&r);
        r.gpr[UR_RSI] = junk | (USER_DATA_ADDR + 0x120 + 8 * v);
        r.gpr[UR_RDX] = 0x1122334455667788ull;
        insn_run(&addr32_store, &r, F_NONE, "store v%u", v);
    }
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    insn_init(&r);
    r.gpr[UR_RAX] = HIGH_JUNK;
    r.gpr[UR_RBX] = 0;
    int v = insn_run(insn_at(scan_table, 1), &r, F_BS_UNDEF, "known: bsf 32 of 0");
    insn_check_eq(r.rflags & RFLAGS_ZF, RFLAGS_ZF, "bsf of 0: ZF");
    insn_check_eq((uint64_t)v, VEC_BP, "bsf of 0: no exception");

    insn_init(&r);
    r.gpr[UR_RBX] = 0x00f0000000000100ull;
    insn_run(insn_at(scan_table, 8), &r, F_BS_UNDEF, "known: bsr 64");
    insn_check_eq(r.gpr[UR_RAX], 55, "bsr 0x00f0000000000100 = 55");
    insn_run(insn_at(scan_table, 2), &r, F_BS_UNDEF, "known: bsf 64");
    insn_check_eq(r.gpr[UR_RAX], 8, "bsf 0x00f0000000000100 = 8");
    insn_run(insn_at(scan_table, 14), &r, F_NONE, "known: popcnt 64");
    insn_check_eq(r.gpr[UR_RAX], 5, "popcnt 0x00f0000000000100 = 5");

    insn_init(&r);
    r.gpr[UR_RDI] = USER_DATA_ADDR + 0x108;
    v = insn_run(&cx16b, &r, F_NONE, "known: cmpxchg16b misaligned");
    insn_check_eq((uint64_t)v, VEC_GP, "cmpxchg16b at 8 mod 16: #GP");
    insn_check_eq(r.error_code, 0, "cmpxchg16b misaligned: error code 0");

    insn_init(&r);
    r.gpr[UR_RAX] = 0xffffff00u;
    r.gpr[UR_RBX] = 0xc041u;
    INSN_MEM32(0x14) = 0xc0ffee;
    insn_run(&addr32_wrap, &r, F_NONE, "known: addr32 wrap");
    insn_check_eq(r.gpr[UR_RCX], 0xc0ffee, "32-bit address wraps at 4 GiB");
}

void insn_main(void)
{
    known_results();
    bt_tests();
    scan_tests();
    exchange_tests();
    condition_tests();
    data_tests();
    lea_tests();
}
