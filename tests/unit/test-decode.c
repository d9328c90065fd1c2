/*
 * The x86 decoder and disassembler against hand-assembled byte strings:
 * prefix rules, ModRM/SIB addressing in the three address sizes, operand
 * and immediate sizes, mode-dependent encodings and #UD cases, each
 * expectation worked out from the Intel SDM vol. 2 (ch. 2, Appendix A and
 * the instruction pages) rather than from the decoder's output. Then
 * millions of random byte strings: the decoder must never read past the
 * bytes it was given, never crash, and be consistent about lengths.
 * (tests/unit/decode-oracle.py checks lengths, names and operands of
 * ~55000 assembled instructions against GNU binutils.)
 */
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "target/x86/decode.h"

enum { ES, CS, SS, DS, FS, GS };
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static size_t parse_hex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1] && n < max;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        char b[3] = { p[0], p[1], 0 };
        out[n++] = (uint8_t)strtoul(b, NULL, 16);
        p += 2;
    }
    return n;
}

/* Decode hex in mode (16/32/64) and expect OK. */
static X86Insn dec(int mode, const char *hex)
{
    uint8_t buf[32];
    size_t n = parse_hex(hex, buf, sizeof(buf));
    X86Insn insn;
    X86DecodeResult r = x86_decode(&insn, buf, n, mode / 8);
    if (r != X86_DECODE_OK) {
        g_test_message("%d-bit %s: result %d", mode, hex, r);
    }
    g_assert_cmpint(r, ==, X86_DECODE_OK);
    return insn;
}

static X86DecodeResult dec_result(int mode, const char *hex)
{
    uint8_t buf[32];
    size_t n = parse_hex(hex, buf, sizeof(buf));
    X86Insn insn;
    return x86_decode(&insn, buf, n, mode / 8);
}

static void check_reg(const X86Operand *o, int rc, int reg, int size, bool high8)
{
    g_assert_cmpint(o->kind, ==, OPK_REG);
    g_assert_cmpint(o->reg_class, ==, rc);
    g_assert_cmpint(o->reg, ==, reg);
    g_assert_cmpint(o->size, ==, size);
    g_assert_cmpint(o->high8, ==, high8);
}

static void check_mem(const X86Insn *in, int base, int index, int scale, int64_t disp, int seg)
{
    g_assert_cmpint(in->mem.base, ==, base);
    g_assert_cmpint(in->mem.index, ==, index);
    if (index >= 0) {
        g_assert_cmpint(in->mem.scale, ==, scale);
    }
    g_assert_cmpint(in->mem.disp, ==, disp);
    g_assert_cmpint(in->mem.seg, ==, seg);
}

/* ---- prefixes ---- */

static void test_prefixes(void)
{
    X86Insn in;

    /* Legacy prefixes in any order: lock, fs, opsize, rep before ADD. */
    in = dec(32, "f0 64 66 01 18");         /* lock add word ptr fs:[eax], bx */
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.mnem, ==, M_ADD);
    g_assert_cmpint(in.opsize, ==, 2);
    g_assert_true(in.prefixes & PFX_LOCK);
    g_assert_true(in.prefixes & PFX_SEG);
    g_assert_cmpint(in.seg_override, ==, FS);
    g_assert_cmpint(in.mem.seg, ==, FS);
    g_assert_true(in.flags & X86_INSN_LOCKABLE);
    in = dec(32, "66 f0 64 01 18");
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.opsize, ==, 2);
    g_assert_cmpint(in.mem.seg, ==, FS);

    /* The last segment override wins. */
    in = dec(32, "2e 3e 26 36 8b 07");      /* ss: mov eax, [edi] */
    g_assert_cmpint(in.len, ==, 6);
    g_assert_cmpint(in.mem.seg, ==, SS);

    /* 64-bit mode ignores CS/DS/ES/SS overrides; FS and GS apply. */
    in = dec(64, "26 8b 00");
    g_assert_cmpint(in.seg_override, ==, -1);
    g_assert_cmpint(in.mem.seg, ==, DS);
    in = dec(64, "64 26 8b 00");
    g_assert_cmpint(in.mem.seg, ==, FS);
    in = dec(64, "65 8b 04 24");            /* mov eax, gs:[rsp] */
    g_assert_cmpint(in.mem.seg, ==, GS);
    in = dec(64, "8b 04 24");                /* [rsp]: SS by default */
    g_assert_cmpint(in.mem.seg, ==, SS);

    /* Of F2/F3 the last counts: as the REP kind and as the mandatory prefix. */
    in = dec(32, "f2 f3 a4");
    g_assert_cmpint(in.mnem, ==, M_MOVS);
    g_assert_true(in.prefixes & PFX_REP);
    g_assert_false(in.prefixes & PFX_REPNE);
    in = dec(32, "f3 f2 a6");
    g_assert_cmpint(in.mnem, ==, M_CMPS);
    g_assert_true(in.prefixes & PFX_REPNE);
    g_assert_false(in.prefixes & PFX_REP);
    g_assert_cmpint(dec(32, "f2 f3 0f 58 c1").mnem, ==, M_ADDSS);
    g_assert_cmpint(dec(32, "f3 f2 0f 58 c1").mnem, ==, M_ADDSD);
    /* F3 beats 66 as the mandatory prefix whatever the order; 66 is then
     * an operand-size prefix that ADDSS ignores. */
    g_assert_cmpint(dec(32, "66 f3 0f 58 c1").mnem, ==, M_ADDSS);
    g_assert_cmpint(dec(32, "f3 66 0f 58 c1").mnem, ==, M_ADDSS);

    /* 66 as a mandatory prefix does not change the operand size, and is
     * consumed: 66 0F 3A 16 is PEXTRD r/m32. */
    in = dec(32, "66 0f 3a 16 c0 01");
    g_assert_cmpint(in.mnem, ==, M_PEXTRD);
    g_assert_cmpint(in.opsize, ==, 4);
    g_assert_false(in.prefixes & PFX_OPSIZE);
    check_reg(&in.op[0], RC_GPR, RAX, 4, false);
    check_reg(&in.op[1], RC_XMM, 0, 16, false);
    g_assert_cmpint(in.op[2].imm, ==, 1);
    /* ... but with F2 selecting CRC32, 66 is the operand size again. */
    in = dec(32, "66 f2 0f 38 f1 c3");
    g_assert_cmpint(in.mnem, ==, M_CRC32);
    check_reg(&in.op[0], RC_GPR, RAX, 4, false);
    check_reg(&in.op[1], RC_GPR, RBX, 2, false);
    in = dec(64, "f2 48 0f 38 f0 c3");       /* crc32 rax, bl */
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    check_reg(&in.op[1], RC_GPR, RBX, 1, false);
    /* 66 F3 0F B8: POPCNT r16 (F3 selects, 66 sizes). */
    in = dec(32, "66 f3 0f b8 c1");
    g_assert_cmpint(in.mnem, ==, M_POPCNT);
    g_assert_cmpint(in.opsize, ==, 2);

    /* REX counts only right before the opcode. */
    in = dec(64, "48 66 01 c0");             /* REX.W then 66: add ax, ax */
    g_assert_cmpint(in.len, ==, 4);
    g_assert_cmpint(in.rex, ==, 0);
    g_assert_false(in.prefixes & PFX_REX);
    g_assert_cmpint(in.opsize, ==, 2);
    in = dec(64, "66 48 01 c0");             /* REX.W beats 66: add rax, rax */
    g_assert_cmpint(in.rex, ==, 0x48);
    g_assert_true(in.prefixes & PFX_REX);
    g_assert_cmpint(in.opsize, ==, 8);
    in = dec(64, "41 48 01 c0");             /* of two REX the last: add rax, rax */
    g_assert_cmpint(in.rex, ==, 0x48);
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    in = dec(64, "41 66 8b c0");             /* REX.B cancelled: mov ax, ax */
    check_reg(&in.op[1], RC_GPR, RAX, 2, false);

    /* In 16- and 32-bit mode 40-4F are INC/DEC. */
    in = dec(32, "48");
    g_assert_cmpint(in.mnem, ==, M_DEC);
    check_reg(&in.op[0], RC_GPR, RAX, 4, false);
    in = dec(16, "41");
    g_assert_cmpint(in.mnem, ==, M_INC);
    check_reg(&in.op[0], RC_GPR, RCX, 2, false);

    /* Operand and address size defaults and the 66/67 toggles. */
    in = dec(16, "8b 07");
    g_assert_cmpint(in.opsize, ==, 2);
    g_assert_cmpint(in.addrsize, ==, 2);
    in = dec(16, "66 67 8b 07");
    g_assert_cmpint(in.opsize, ==, 4);
    g_assert_cmpint(in.addrsize, ==, 4);
    in = dec(64, "67 8b 07");
    g_assert_cmpint(in.opsize, ==, 4);
    g_assert_cmpint(in.addrsize, ==, 4);
    in = dec(64, "8b 07");
    g_assert_cmpint(in.addrsize, ==, 8);
}

static void test_length_limit(void)
{
    X86Insn in;
    uint8_t buf[32];

    /* 14 prefixes + NOP = 15 bytes: fine. */
    memset(buf, 0x66, 14);
    buf[14] = 0x90;
    g_assert_cmpint(x86_decode(&in, buf, 15, 4), ==, X86_DECODE_OK);
    g_assert_cmpint(in.len, ==, 15);
    /* 15 prefixes + NOP: the 16th byte is past the limit (#GP). */
    memset(buf, 0x66, 15);
    buf[15] = 0x90;
    g_assert_cmpint(x86_decode(&in, buf, 16, 4), ==, X86_DECODE_TOO_LONG);
    /* A long instruction made too long by prefixes: 5 x F0 +
     * mov dword ptr [eax+ebx*4+disp32], imm32 (c7 84 98 d32 i32 = 11). */
    g_assert_cmpint(dec_result(32, "f0 f0 f0 f0 f0 c7 84 98 00 00 00 00 11 22 33 44"), ==,
                    X86_DECODE_TOO_LONG);
    g_assert_cmpint(dec(32, "f0 f0 f0 f0 c7 84 98 00 00 00 00 11 22 33 44").len, ==, 15);
    /* Bytes running out before the instruction does. */
    g_assert_cmpint(dec_result(32, ""), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "66"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "0f"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "0f 38"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "8b"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "8b 04"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(32, "8b 80 00 00 00"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(64, "48 b8 01 02 03 04 05 06 07"), ==, X86_DECODE_NEED_MORE);
    g_assert_cmpint(dec_result(16, "ea 00 00 00"), ==, X86_DECODE_NEED_MORE);
}

/* ---- ModRM / SIB ---- */

static void test_modrm16(void)
{
    /* SDM vol. 2, table 2-1: the eight base/index combinations. */
    static const struct { const char *hex; int base, index, seg; } rm[8] = {
        { "8b 00", RBX, RSI, DS }, { "8b 01", RBX, RDI, DS },
        { "8b 02", RBP, RSI, SS }, { "8b 03", RBP, RDI, SS },
        { "8b 04", RSI, -1, DS }, { "8b 05", RDI, -1, DS },
        { "8b 46 fe", RBP, -1, SS }, { "8b 07", RBX, -1, DS },
    };
    X86Insn in;

    for (int i = 0; i < 8; i++) {
        in = dec(16, rm[i].hex);
        g_assert_cmpint(in.mem.base, ==, rm[i].base);
        g_assert_cmpint(in.mem.index, ==, rm[i].index);
        g_assert_cmpint(in.mem.seg, ==, rm[i].seg);
        check_reg(&in.op[0], RC_GPR, RAX, 2, false);
        g_assert_cmpint(in.op[1].kind, ==, OPK_MEM);
        g_assert_cmpint(in.op[1].size, ==, 2);
    }
    in = dec(16, "8b 46 fe");                /* mov ax, [bp-2] */
    g_assert_cmpint(in.len, ==, 3);
    g_assert_cmpint(in.mem.disp, ==, -2);
    in = dec(16, "8b 0e 34 12");             /* mod 0 rm 6: [disp16], DS */
    g_assert_cmpint(in.len, ==, 4);
    check_mem(&in, -1, -1, 1, 0x1234, DS);
    in = dec(16, "8b 88 34 12");             /* [bx+si+0x1234] */
    g_assert_cmpint(in.len, ==, 4);
    check_mem(&in, RBX, RSI, 1, 0x1234, DS);
    in = dec(16, "8b 96 00 80");             /* [bp-0x8000]: disp16 sign-extended */
    check_mem(&in, RBP, -1, 1, -0x8000, SS);
    in = dec(16, "26 8b 46 02");             /* es: overrides the BP default */
    g_assert_cmpint(in.mem.seg, ==, ES);
    /* 67 in 16-bit code gives 32-bit addressing with a SIB byte. */
    in = dec(16, "67 8b 44 8b 10");          /* mov ax, [ebx+ecx*4+0x10] */
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.addrsize, ==, 4);
    check_mem(&in, RBX, RCX, 4, 0x10, DS);
}

static void test_modrm32(void)
{
    X86Insn in;

    in = dec(32, "8b 44 24 10");             /* mov eax, [esp+0x10] */
    g_assert_cmpint(in.len, ==, 4);
    check_mem(&in, RSP, -1, 1, 0x10, SS);
    in = dec(32, "8b 45 f8");                /* [ebp-8] */
    check_mem(&in, RBP, -1, 1, -8, SS);
    in = dec(32, "8b 05 78 56 34 12");       /* mod 0 rm 5: [disp32] */
    g_assert_cmpint(in.len, ==, 6);
    check_mem(&in, -1, -1, 1, 0x12345678, DS);
    g_assert_false(in.mem.rip_rel);
    in = dec(32, "8b 04 9d 00 01 00 00");    /* SIB base 5, mod 0: [ebx*4+0x100] */
    g_assert_cmpint(in.len, ==, 7);
    check_mem(&in, -1, RBX, 4, 0x100, DS);
    in = dec(32, "8b 04 20");                /* SIB index 4 = none: [eax] */
    g_assert_cmpint(in.len, ==, 3);
    check_mem(&in, RAX, -1, 1, 0, DS);
    in = dec(32, "8b 44 d8 80");             /* [eax+ebx*8-0x80] */
    check_mem(&in, RAX, RBX, 8, -0x80, DS);
    in = dec(32, "8b 84 4d 00 00 00 80");    /* [ebp+ecx*2+disp32]: SS */
    g_assert_cmpint(in.len, ==, 7);
    check_mem(&in, RBP, RCX, 2, (int32_t)0x80000000, SS);
    in = dec(32, "8b 45 00");                /* [ebp+0]: mod 1 with base ebp */
    check_mem(&in, RBP, -1, 1, 0, SS);
    /* 67 in 32-bit code: 16-bit addressing. */
    in = dec(32, "67 8b 00");
    g_assert_cmpint(in.addrsize, ==, 2);
    check_mem(&in, RBX, RSI, 1, 0, DS);
}

static void test_modrm64(void)
{
    X86Insn in;

    in = dec(64, "8b 05 10 00 00 00");       /* mod 0 rm 5: RIP-relative */
    g_assert_cmpint(in.len, ==, 6);
    g_assert_true(in.mem.rip_rel);
    g_assert_cmpint(in.mem.base, ==, -1);
    g_assert_cmpint(in.mem.disp, ==, 0x10);
    in = dec(64, "41 8b 05 f0 ff ff ff");    /* REX.B does not change RIP-relative */
    g_assert_true(in.mem.rip_rel);
    g_assert_cmpint(in.mem.disp, ==, -0x10);
    in = dec(64, "67 8b 05 10 00 00 00");    /* still RIP-relative with 67 (EIP) */
    g_assert_true(in.mem.rip_rel);
    g_assert_cmpint(in.addrsize, ==, 4);
    in = dec(64, "8b 04 25 34 12 00 00");    /* SIB no base no index: absolute */
    g_assert_false(in.mem.rip_rel);
    check_mem(&in, -1, -1, 1, 0x1234, DS);
    in = dec(64, "41 8b 45 00");             /* r13 base needs mod 1: [r13+0] */
    g_assert_cmpint(in.len, ==, 4);
    check_mem(&in, R13, -1, 1, 0, DS);      /* r13 is not rBP: DS */
    in = dec(64, "41 8b 04 24");             /* [r12]: SIB, r12 is not rSP: DS */
    check_mem(&in, R12, -1, 1, 0, DS);
    in = dec(64, "41 8b 04 25 00 10 00 00"); /* base 5 mod 0 with REX.B: still no base */
    g_assert_cmpint(in.len, ==, 8);
    check_mem(&in, -1, -1, 1, 0x1000, DS);
    in = dec(64, "42 8b 04 20");             /* REX.X: index 12 exists: [rax+r12] */
    check_mem(&in, RAX, R12, 1, 0, DS);
    in = dec(64, "4b 8b 44 c8 12");          /* [r8+r9*8+0x12] */
    check_mem(&in, R8, R9, 8, 0x12, DS);
    in = dec(64, "48 8b 84 24 00 00 00 80"); /* disp32 sign-extended */
    check_mem(&in, RSP, -1, 1, -0x80000000ll, SS);
    /* Registers through REX.R/B. */
    in = dec(64, "4d 8b f8");                /* mov r15, r8 */
    check_reg(&in.op[0], RC_GPR, R15, 8, false);
    check_reg(&in.op[1], RC_GPR, R8, 8, false);
}

static void test_byte_regs(void)
{
    X86Insn in;

    in = dec(64, "88 e0");                   /* mov al, ah */
    check_reg(&in.op[0], RC_GPR, RAX, 1, false);
    check_reg(&in.op[1], RC_GPR, RAX, 1, true);
    in = dec(64, "40 88 e0");                /* with REX: mov al, spl */
    check_reg(&in.op[1], RC_GPR, RSP, 1, false);
    in = dec(32, "88 fb");                   /* mov bl, bh */
    check_reg(&in.op[0], RC_GPR, RBX, 1, false);
    check_reg(&in.op[1], RC_GPR, RBX, 1, true);
    in = dec(64, "b4 12");                   /* mov ah, 0x12 (B0+r) */
    check_reg(&in.op[0], RC_GPR, RAX, 1, true);
    in = dec(64, "40 b6 12");                /* mov sil, 0x12 */
    check_reg(&in.op[0], RC_GPR, RSI, 1, false);
    in = dec(64, "41 b6 12");                /* mov r14b, 0x12 */
    check_reg(&in.op[0], RC_GPR, R14, 1, false);
    in = dec(64, "0f b6 c7");                /* movzx eax, bh */
    check_reg(&in.op[1], RC_GPR, RBX, 1, true);
    in = dec(64, "44 0f b6 c7");             /* movzx r8d, dil */
    check_reg(&in.op[0], RC_GPR, R8, 4, false);
    check_reg(&in.op[1], RC_GPR, RDI, 1, false);
}

/* ---- immediates ---- */

static void test_immediates(void)
{
    X86Insn in;

    in = dec(64, "48 05 ff ff ff ff");        /* add rax, Iz: sign-extended */
    g_assert_cmpint(in.len, ==, 6);
    g_assert_cmpint(in.op[1].kind, ==, OPK_IMM);
    g_assert_cmpint(in.op[1].imm, ==, -1);
    g_assert_cmpint(in.op[1].size, ==, 8);
    in = dec(32, "66 05 34 12");             /* add ax, Iz = Iw */
    g_assert_cmpint(in.len, ==, 4);
    g_assert_cmpint(in.op[1].imm, ==, 0x1234);
    in = dec(64, "48 b8 88 77 66 55 44 33 22 11"); /* mov rax, imm64 */
    g_assert_cmpint(in.len, ==, 10);
    g_assert_cmpint(in.op[1].imm, ==, 0x1122334455667788ll);
    in = dec(64, "b8 ff ff ff ff");          /* mov eax, imm32 */
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(64, "48 c7 c0 00 00 00 80");    /* mov rax, Iz sign-extended */
    g_assert_cmpint(in.len, ==, 7);
    g_assert_cmpint(in.op[1].imm, ==, -0x80000000ll);
    in = dec(32, "83 c0 ff");                 /* add eax, Ib sign-extended */
    g_assert_cmpint(in.op[1].imm, ==, -1);
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(32, "6b c0 80");                 /* imul eax, eax, -128 */
    g_assert_cmpint(in.nops, ==, 3);
    g_assert_cmpint(in.op[2].imm, ==, -128);
    in = dec(64, "6a ff");                    /* push -1: 64-bit */
    g_assert_cmpint(in.opsize, ==, 8);
    g_assert_cmpint(in.op[0].imm, ==, -1);
    in = dec(32, "80 c0 ff");                 /* add al, 0xff: Ib zero-extended */
    g_assert_cmpint(in.op[1].imm, ==, 0xff);
    in = dec(32, "cd 80");
    g_assert_cmpint(in.mnem, ==, M_INT);
    g_assert_cmpint(in.op[0].imm, ==, 0x80);
    in = dec(32, "c8 34 12 05");              /* enter 0x1234, 5 */
    g_assert_cmpint(in.len, ==, 4);
    g_assert_cmpint(in.op[0].imm, ==, 0x1234);
    g_assert_cmpint(in.op[1].imm, ==, 5);
    in = dec(32, "c2 08 00");                  /* ret 8 */
    g_assert_cmpint(in.op[0].imm, ==, 8);

    /* moffs has the address size. */
    in = dec(64, "a1 88 77 66 55 44 33 22 11");
    g_assert_cmpint(in.len, ==, 9);
    g_assert_cmpint(in.op[1].kind, ==, OPK_MEM);
    check_mem(&in, -1, -1, 1, 0x1122334455667788ll, DS);
    in = dec(64, "67 a0 78 56 34 12");
    g_assert_cmpint(in.len, ==, 6);
    g_assert_cmpint(in.mem.disp, ==, 0x12345678);
    in = dec(16, "a3 34 12");                  /* mov [0x1234], ax */
    g_assert_cmpint(in.len, ==, 3);
    in = dec(32, "64 a2 78 56 34 12");         /* mov fs:[...], al */
    g_assert_cmpint(in.mem.seg, ==, FS);

    /* Relative branches. */
    in = dec(32, "eb fe");
    g_assert_cmpint(in.op[0].kind, ==, OPK_REL);
    g_assert_cmpint(in.op[0].imm, ==, -2);
    in = dec(32, "e8 00 01 00 00");
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.op[0].imm, ==, 0x100);
    in = dec(32, "66 e8 00 01");               /* 16-bit operand size: rel16 */
    g_assert_cmpint(in.len, ==, 4);
    g_assert_cmpint(in.op[0].size, ==, 2);
    in = dec(16, "0f 84 fe ff");               /* je rel16 */
    g_assert_cmpint(in.len, ==, 4);
    g_assert_cmpint(in.op[0].imm, ==, -2);

    /* Far pointers. */
    in = dec(32, "ea 78 56 34 12 10 00");
    g_assert_cmpint(in.mnem, ==, M_JMPF);
    g_assert_cmpint(in.len, ==, 7);
    g_assert_cmpint(in.op[0].kind, ==, OPK_FAR);
    g_assert_cmpint(in.op[0].imm, ==, 0x12345678);
    g_assert_cmpint(in.op[0].seg_imm, ==, 0x10);
    in = dec(16, "9a 34 12 00 f0");
    g_assert_cmpint(in.mnem, ==, M_CALLF);
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(in.op[0].imm, ==, 0x1234);
    g_assert_cmpint(in.op[0].seg_imm, ==, 0xf000);
}

/* ---- operand size in 64-bit mode ---- */

static void test_default64(void)
{
    X86Insn in;

    in = dec(64, "50");
    g_assert_cmpint(in.mnem, ==, M_PUSH);
    g_assert_cmpint(in.opsize, ==, 8);
    g_assert_true(in.flags & X86_INSN_DEF64);
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    in = dec(64, "66 50");                    /* push ax */
    g_assert_cmpint(in.opsize, ==, 2);
    in = dec(64, "41 5f");                    /* pop r15 */
    check_reg(&in.op[0], RC_GPR, R15, 8, false);
    in = dec(64, "ff 30");                    /* push qword ptr [rax] */
    g_assert_cmpint(in.op[0].size, ==, 8);
    in = dec(64, "c9");
    g_assert_cmpint(in.mnem, ==, M_LEAVE);
    g_assert_cmpint(in.opsize, ==, 8);
    in = dec(64, "0f a1");                    /* pop fs */
    g_assert_cmpint(in.opsize, ==, 8);
    /* Near branches: 64-bit even with 66 (Intel 64); 66 is dropped. */
    in = dec(64, "66 e8 00 00 00 00");
    g_assert_cmpint(in.len, ==, 6);
    g_assert_cmpint(in.opsize, ==, 8);
    g_assert_false(in.prefixes & PFX_OPSIZE);
    in = dec(64, "66 0f 84 00 00 00 00");
    g_assert_cmpint(in.len, ==, 7);
    in = dec(64, "66 ff d0");                 /* call rax */
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    in = dec(64, "66 c3");
    g_assert_cmpint(in.opsize, ==, 8);
    /* Not default-64: far return, IRET, MOV. */
    g_assert_cmpint(dec(64, "cf").opsize, ==, 4);
    g_assert_cmpint(dec(64, "48 cf").opsize, ==, 8);
    g_assert_cmpint(dec(64, "cb").opsize, ==, 4);
    /* REX.W gives far indirect CALL and LSS an m16:64 (Intel). */
    in = dec(64, "48 ff 18");
    g_assert_cmpint(in.mnem, ==, M_CALLF);
    g_assert_cmpint(in.op[0].size, ==, 10);
    g_assert_cmpint(dec(64, "ff 18").op[0].size, ==, 6);
    g_assert_cmpint(dec(16, "ff 1f").op[0].size, ==, 4);
    /* MOV CR: 64-bit in 64-bit mode, 32 elsewhere, whatever 66 says. */
    in = dec(64, "0f 20 c0");
    g_assert_cmpint(in.mnem, ==, M_MOV_CR);
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    check_reg(&in.op[1], RC_CR, 0, 8, false);
    in = dec(32, "66 0f 22 d8");               /* mov cr3, eax */
    check_reg(&in.op[0], RC_CR, 3, 4, false);
    check_reg(&in.op[1], RC_GPR, RAX, 4, false);
    in = dec(64, "44 0f 20 c0");               /* mov rax, cr8 */
    check_reg(&in.op[1], RC_CR, 8, 8, false);
    in = dec(32, "0f 20 00");                  /* mod is ignored: mov eax, cr0 */
    g_assert_cmpint(in.len, ==, 3);
    check_reg(&in.op[0], RC_GPR, RAX, 4, false);
    in = dec(32, "0f 21 f8");                  /* mov eax, dr7 */
    check_reg(&in.op[1], RC_DR, 7, 4, false);
}

/* ---- mode-dependent and undefined encodings ---- */

static void test_invalid(void)
{
    /* Invalid in 64-bit mode, valid elsewhere. */
    static const char *const no64[] = {
        "06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f", "60", "61",
        "62 00", "82 c0 01", "9a 00 00 00 00 00 00", "c4 00", "c5 00", "ce", "d4 0a",
        "d5 0a", "d6", "ea 00 00 00 00 00 00",
    };
    X86Insn in;

    for (size_t i = 0; i < G_N_ELEMENTS(no64); i++) {
        in = dec(64, no64[i]);
        g_assert_cmpint(in.mnem, ==, M_INVALID);
        g_assert_cmpint(in.len, ==, 1);
        g_assert_cmpint(in.flags, ==, 0);
        in = dec(32, no64[i]);
        g_assert_cmpint(in.mnem, !=, M_INVALID);
    }
    g_assert_cmpint(dec(32, "27").mnem, ==, M_DAA);
    g_assert_cmpint(dec(32, "d6").mnem, ==, M_SALC);
    in = dec(32, "d4 0a");
    g_assert_cmpint(in.mnem, ==, M_AAM);
    g_assert_cmpint(in.op[0].imm, ==, 10);
    in = dec(32, "c4 18");                     /* les ebx, [eax] */
    g_assert_cmpint(in.mnem, ==, M_LES);
    g_assert_cmpint(in.op[1].size, ==, 6);
    g_assert_cmpint(dec(32, "c4 c0").mnem, ==, M_INVALID);  /* a VEX prefix there */
    /* 63: ARPL outside 64-bit mode, MOVSXD in it. */
    in = dec(32, "63 c8");
    g_assert_cmpint(in.mnem, ==, M_ARPL);
    check_reg(&in.op[0], RC_GPR, RAX, 2, false);
    in = dec(64, "48 63 c8");
    g_assert_cmpint(in.mnem, ==, M_MOVSXD);
    check_reg(&in.op[0], RC_GPR, RCX, 8, false);
    check_reg(&in.op[1], RC_GPR, RAX, 4, false);
    /* Only in 64-bit mode. */
    g_assert_cmpint(dec(64, "0f 05").mnem, ==, M_SYSCALL);
    g_assert_cmpint(dec(32, "0f 05").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(64, "0f 01 f8").mnem, ==, M_SWAPGS);
    g_assert_cmpint(dec(32, "0f 01 f8").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(32, "0f 01 f9").mnem, ==, M_RDTSCP);
    /* A register where memory is required. */
    in = dec(32, "8d c0");                      /* lea eax, eax */
    g_assert_cmpint(in.mnem, ==, M_INVALID);
    g_assert_cmpint(in.len, ==, 2);
    g_assert_cmpint(dec(32, "0f 01 d0").mnem, ==, M_INVALID);    /* lgdt (xgetbv) */
    g_assert_cmpint(dec(32, "0f c7 c8").mnem, ==, M_INVALID);    /* cmpxchg8b eax */
    g_assert_cmpint(dec(32, "c5 c0").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(32, "ff d8").mnem, ==, M_INVALID);       /* callf eax */
    g_assert_cmpint(dec(32, "0f b2 c0").mnem, ==, M_INVALID);    /* lss eax, eax */
    g_assert_cmpint(dec(32, "0f 12 c1").mnem, ==, M_MOVHLPS);
    g_assert_cmpint(dec(32, "66 0f 12 c1").mnem, ==, M_INVALID); /* movlpd xmm, xmm */
    g_assert_cmpint(dec(32, "0f 50 00").mnem, ==, M_INVALID);    /* movmskps eax, [eax] */
    /* The length of an undefined encoding covers its ModRM and displacement. */
    in = dec(32, "8d 80 00 00 00 00");
    g_assert_cmpint(in.mnem, ==, M_LEA);
    g_assert_cmpint(dec(32, "0f ff 80 00 00 00 00").len, ==, 7);    /* ud0 eax, [eax+d32] */
    in = dec(32, "fe 38");                       /* group 4 /7 */
    g_assert_cmpint(in.mnem, ==, M_INVALID);
    g_assert_cmpint(in.len, ==, 2);
    in = dec(32, "fe 78 10");
    g_assert_cmpint(in.mnem, ==, M_INVALID);
    g_assert_cmpint(in.len, ==, 3);
    /* Segment and control registers that do not exist. */
    g_assert_cmpint(dec(32, "8e c8").mnem, ==, M_INVALID);       /* mov cs, eax */
    g_assert_cmpint(dec(32, "8c f0").mnem, ==, M_INVALID);       /* sreg 6 */
    g_assert_cmpint(dec(32, "8e d0").mnem, ==, M_MOV);           /* mov ss, ax */
    g_assert_cmpint(dec(32, "0f 20 c8").mnem, ==, M_INVALID);    /* cr1 */
    g_assert_cmpint(dec(32, "0f 20 e8").mnem, ==, M_INVALID);    /* cr5 */
    g_assert_cmpint(dec(64, "44 0f 20 c8").mnem, ==, M_INVALID); /* cr9 */
    g_assert_cmpint(dec(64, "44 0f 21 c0").mnem, ==, M_INVALID); /* dr8 */
    /* Features the CPU model does not have. */
    g_assert_cmpint(dec(32, "0f 38 f0 00").mnem, ==, M_INVALID); /* movbe */
    g_assert_cmpint(dec(32, "0f 01 c8").mnem, ==, M_INVALID);    /* monitor */
    g_assert_cmpint(dec(32, "0f 01 c9").mnem, ==, M_INVALID);    /* mwait */
    g_assert_cmpint(dec(32, "0f c7 f0").mnem, ==, M_INVALID);    /* rdrand */
    g_assert_cmpint(dec(32, "0f ae 20").mnem, ==, M_INVALID);    /* xsave */
    g_assert_cmpint(dec(32, "0f 0f c1 b4").mnem, ==, M_INVALID); /* 3DNow! */
    g_assert_cmpint(dec(32, "f3 0f bc c1").mnem, ==, M_BSF);     /* not TZCNT */
    g_assert_cmpint(dec(32, "f3 0f bd c1").mnem, ==, M_BSR);     /* not LZCNT */
    in = dec(32, "0f 0b");
    g_assert_cmpint(in.mnem, ==, M_UD2);
    g_assert_cmpint(in.len, ==, 2);
    in = dec(32, "0f b9 00");
    g_assert_cmpint(in.mnem, ==, M_UD1);
    g_assert_cmpint(in.len, ==, 3);
}

/* ---- instruction-specific rules ---- */

static void test_misc(void)
{
    X86Insn in;

    in = dec(64, "90");
    g_assert_cmpint(in.mnem, ==, M_NOP);
    g_assert_cmpint(in.nops, ==, 0);
    g_assert_cmpint(dec(64, "f3 90").mnem, ==, M_PAUSE);
    g_assert_cmpint(dec(32, "66 90").mnem, ==, M_NOP);
    in = dec(64, "41 90");                      /* xchg r8d, eax */
    g_assert_cmpint(in.mnem, ==, M_XCHG);
    check_reg(&in.op[0], RC_GPR, R8, 4, false);
    check_reg(&in.op[1], RC_GPR, RAX, 4, false);
    in = dec(64, "93");                          /* xchg ebx, eax */
    check_reg(&in.op[0], RC_GPR, RBX, 4, false);
    in = dec(32, "0f 1f 44 00 00");             /* the 5-byte NOP */
    g_assert_cmpint(in.mnem, ==, M_NOP);
    g_assert_cmpint(in.len, ==, 5);
    g_assert_cmpint(dec(64, "66 2e 0f 1f 84 00 00 00 00 00").len, ==, 10);
    g_assert_cmpint(dec(64, "f3 0f 1e fa").mnem, ==, M_NOP);   /* endbr64 */
    g_assert_cmpint(dec(32, "0f 18 00").mnem, ==, M_PREFETCHNTA);
    g_assert_cmpint(dec(32, "0f 18 08").mnem, ==, M_PREFETCHT0);
    g_assert_cmpint(dec(32, "0f 18 10").mnem, ==, M_PREFETCHT1);
    g_assert_cmpint(dec(32, "0f 18 18").mnem, ==, M_PREFETCHT2);
    g_assert_cmpint(dec(32, "0f 18 20").mnem, ==, M_NOP);
    g_assert_cmpint(dec(32, "0f 0d 08").mnem, ==, M_PREFETCHW);
    g_assert_cmpint(dec(32, "0f 0d 00").mnem, ==, M_PREFETCH);
    g_assert_cmpint(dec(32, "0f ae e8").mnem, ==, M_LFENCE);
    g_assert_cmpint(dec(32, "0f ae f0").mnem, ==, M_MFENCE);
    g_assert_cmpint(dec(32, "0f ae f8").mnem, ==, M_SFENCE);
    g_assert_cmpint(dec(32, "0f ae 38").mnem, ==, M_CLFLUSH);
    g_assert_cmpint(dec(32, "f3 0f b8 c1").mnem, ==, M_POPCNT);
    g_assert_cmpint(dec(32, "0f b8 c1").mnem, ==, M_INVALID);  /* JMPE */
    /* CMPXCHG8B / 16B. */
    in = dec(64, "f0 0f c7 0e");
    g_assert_cmpint(in.mnem, ==, M_CMPXCHG8B);
    g_assert_cmpint(in.op[0].size, ==, 8);
    g_assert_true(in.flags & X86_INSN_LOCKABLE);
    in = dec(64, "48 0f c7 0e");
    g_assert_cmpint(in.mnem, ==, M_CMPXCHG16B);
    g_assert_cmpint(in.op[0].size, ==, 16);
    /* Mnemonic by operand / address size. */
    g_assert_cmpint(dec(16, "98").mnem, ==, M_CBW);
    g_assert_cmpint(dec(32, "98").mnem, ==, M_CWDE);
    g_assert_cmpint(dec(64, "48 98").mnem, ==, M_CDQE);
    g_assert_cmpint(dec(32, "66 99").mnem, ==, M_CWD);
    g_assert_cmpint(dec(64, "99").mnem, ==, M_CDQ);
    g_assert_cmpint(dec(64, "48 99").mnem, ==, M_CQO);
    g_assert_cmpint(dec(16, "e3 00").mnem, ==, M_JCXZ);
    g_assert_cmpint(dec(32, "e3 00").mnem, ==, M_JECXZ);
    g_assert_cmpint(dec(64, "e3 00").mnem, ==, M_JRCXZ);
    g_assert_cmpint(dec(64, "67 e3 00").mnem, ==, M_JECXZ);
    g_assert_cmpint(dec(64, "66 0f 6e c0").mnem, ==, M_MOVD);
    g_assert_cmpint(dec(64, "66 48 0f 6e c0").mnem, ==, M_MOVQ);
    g_assert_cmpint(dec(64, "66 48 0f 3a 16 c0 01").mnem, ==, M_PEXTRQ);
    g_assert_cmpint(dec(64, "66 48 0f 3a 22 c0 01").mnem, ==, M_PINSRQ);
    /* Group 2 /6 executes as SHL; F6 /1 as TEST. */
    g_assert_cmpint(dec(32, "c0 f0 01").mnem, ==, M_SHL);
    g_assert_cmpint(dec(32, "f6 c8 01").mnem, ==, M_TEST);
    in = dec(32, "d1 e0");                       /* shl eax, 1 */
    g_assert_cmpint(in.op[1].kind, ==, OPK_IMM);
    g_assert_cmpint(in.op[1].imm, ==, 1);
    in = dec(32, "d3 e0");                       /* shl eax, cl */
    check_reg(&in.op[1], RC_GPR, RCX, 1, false);
    /* Flags of the rows. */
    g_assert_true(dec(32, "f3 a5").flags & X86_INSN_REPABLE);
    g_assert_true(dec(32, "0f 01 10").flags & X86_INSN_PRIV);       /* lgdt */
    g_assert_true(dec(32, "f4").flags & X86_INSN_PRIV);             /* hlt */
    g_assert_false(dec(32, "fa").flags & X86_INSN_PRIV);            /* cli: IOPL */
    g_assert_true(dec(32, "74 00").flags & X86_INSN_BRANCH);
    g_assert_true(dec(32, "0f 58 c1").flags & X86_INSN_SSE);
    g_assert_true(dec(32, "0f fc c1").flags & X86_INSN_SSE);        /* paddb mm */
    g_assert_true(dec(32, "d9 e8").flags & X86_INSN_X87);
    g_assert_false(dec(32, "89 00").flags & X86_INSN_LOCKABLE);     /* mov */
    g_assert_false(dec(32, "39 00").flags & X86_INSN_LOCKABLE);     /* cmp */
    g_assert_true(dec(32, "87 00").flags & X86_INSN_LOCKABLE);      /* xchg */
    g_assert_true(dec(32, "0f ab 00").flags & X86_INSN_LOCKABLE);   /* bts */
    g_assert_false(dec(32, "0f a3 00").flags & X86_INSN_LOCKABLE);  /* bt */
}

static void test_sse(void)
{
    X86Insn in;

    in = dec(64, "66 45 0f 58 c1");             /* addpd xmm8, xmm9 */
    g_assert_cmpint(in.mnem, ==, M_ADDPD);
    check_reg(&in.op[0], RC_XMM, 8, 16, false);
    check_reg(&in.op[1], RC_XMM, 9, 16, false);
    in = dec(32, "f2 0f 10 00");                /* movsd xmm0, qword ptr [eax] */
    g_assert_cmpint(in.mnem, ==, M_MOVSD);
    g_assert_cmpint(in.op[1].size, ==, 8);
    g_assert_false(in.prefixes & PFX_REPNE);
    in = dec(32, "f3 0f 10 00");
    g_assert_cmpint(in.mnem, ==, M_MOVSS);
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(64, "41 0f fc c1");                /* paddb mm0, mm1: REX.B ignored for MMX */
    check_reg(&in.op[1], RC_MMX, 1, 8, false);
    in = dec(32, "0f 60 00");                   /* punpcklbw mm0, dword ptr [eax] */
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(32, "66 0f 60 00");
    g_assert_cmpint(in.op[1].size, ==, 16);
    in = dec(32, "66 0f 38 10 c1");             /* pblendvb xmm0, xmm1, <xmm0> */
    g_assert_cmpint(in.nops, ==, 3);
    check_reg(&in.op[2], RC_XMM, 0, 16, false);
    in = dec(32, "66 0f 38 21 00");              /* pmovsxbd xmm0, dword ptr [eax] */
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(32, "66 0f 3a 21 00 10");          /* insertps xmm0, dword ptr [eax], 0x10 */
    g_assert_cmpint(in.op[1].size, ==, 4);
    in = dec(32, "66 0f 3a 21 c1 10");
    check_reg(&in.op[1], RC_XMM, 1, 16, false);
    in = dec(32, "0f c5 c1 03");                 /* pextrw eax, mm1, 3 */
    check_reg(&in.op[0], RC_GPR, RAX, 4, false);
    check_reg(&in.op[1], RC_MMX, 1, 8, false);
    g_assert_cmpint(dec(32, "0f c5 01 03").mnem, ==, M_INVALID);
    in = dec(32, "0f 71 d0 04");                 /* psrlw mm0, 4 */
    g_assert_cmpint(in.mnem, ==, M_PSRLW);
    g_assert_cmpint(dec(32, "66 0f 73 f8 04").mnem, ==, M_PSLLDQ);
    g_assert_cmpint(dec(32, "0f 73 f8 04").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(32, "0f 71 10 04").mnem, ==, M_INVALID);
    in = dec(32, "0f f7 c1");                    /* maskmovq: implicit ds:[edi] */
    g_assert_cmpint(in.mnem, ==, M_MASKMOVQ);
    g_assert_cmpint(in.mem.base, ==, RDI);
    g_assert_cmpint(in.mem.seg, ==, DS);
    g_assert_cmpint(dec(32, "f3 0f 58 c1").mnem, ==, M_ADDSS);
    g_assert_cmpint(dec(32, "f3 0f 54 c1").mnem, ==, M_INVALID);  /* no andps F3 form */
    g_assert_cmpint(dec(32, "f2 0f c2 c1 01").mnem, ==, M_CMPSD_SSE);
    in = dec(64, "f3 48 0f 2d c0");              /* cvtss2si rax, xmm0 */
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    in = dec(64, "f2 0f 2a c0");                 /* cvtsi2sd xmm0, eax */
    check_reg(&in.op[1], RC_GPR, RAX, 4, false);
    g_assert_cmpint(dec(32, "0f 77").mnem, ==, M_EMMS);
    g_assert_cmpint(dec(32, "0f ae 10").mnem, ==, M_LDMXCSR);
    g_assert_cmpint(dec(32, "66 0f 3a 63 c1 0c").mnem, ==, M_PCMPISTRI);
    g_assert_cmpint(dec(32, "66 0f 38 37 c1").mnem, ==, M_PCMPGTQ);
}

static void test_x87(void)
{
    X86Insn in;

    in = dec(32, "d9 e8");
    g_assert_cmpint(in.mnem, ==, M_FLD1);
    g_assert_cmpint(in.map, ==, 4);
    g_assert_cmpint(in.opcode, ==, 0xd9);
    g_assert_cmpint(in.modrm, ==, 0xe8);
    in = dec(32, "d8 c3");                       /* fadd st(0), st(3) */
    g_assert_cmpint(in.mnem, ==, M_FADD);
    check_reg(&in.op[0], RC_ST, 0, 10, false);
    check_reg(&in.op[1], RC_ST, 3, 10, false);
    in = dec(32, "dc c3");                       /* fadd st(3), st(0) */
    check_reg(&in.op[0], RC_ST, 3, 10, false);
    g_assert_cmpint(dec(32, "dc e9").mnem, ==, M_FSUB);     /* fsub st(1), st(0) */
    g_assert_cmpint(dec(32, "dc e1").mnem, ==, M_FSUBR);    /* fsubr st(1), st(0) */
    g_assert_cmpint(dec(32, "de f9").mnem, ==, M_FDIVP);
    g_assert_cmpint(dec(32, "de f1").mnem, ==, M_FDIVRP);
    g_assert_cmpint(dec(32, "de d9").mnem, ==, M_FCOMPP);
    g_assert_cmpint(dec(32, "de d8").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(32, "da e9").mnem, ==, M_FUCOMPP);
    in = dec(32, "dd 00");                       /* fld qword ptr [eax] */
    g_assert_cmpint(in.mnem, ==, M_FLD);
    g_assert_cmpint(in.op[0].size, ==, 8);
    g_assert_cmpint(dec(32, "db 28").op[0].size, ==, 10);   /* fld tbyte */
    g_assert_cmpint(dec(32, "df 28").op[0].size, ==, 8);    /* fild m64int */
    g_assert_cmpint(dec(32, "df 20").mnem, ==, M_FBLD);
    g_assert_cmpint(dec(32, "d9 20").op[0].size, ==, 28);   /* fldenv */
    g_assert_cmpint(dec(32, "66 d9 20").op[0].size, ==, 14);
    g_assert_cmpint(dec(32, "dd 30").op[0].size, ==, 108);  /* fnsave */
    in = dec(32, "df e0");                        /* fnstsw ax */
    check_reg(&in.op[0], RC_GPR, RAX, 2, false);
    g_assert_cmpint(dec(32, "d9 08").mnem, ==, M_INVALID);
    g_assert_cmpint(dec(32, "d9 d1").mnem, ==, M_INVALID);
    /* WAIT is its own instruction; FINIT is WAIT + FNINIT. */
    in = dec(32, "9b db e3");
    g_assert_cmpint(in.mnem, ==, M_WAIT);
    g_assert_cmpint(in.len, ==, 1);
    g_assert_cmpint(dec(32, "db e3").mnem, ==, M_FNINIT);
    g_assert_cmpint(dec(32, "db e2").mnem, ==, M_FNCLEX);
}

static void test_strings(void)
{
    X86Insn in;

    in = dec(64, "a4");                          /* movs byte ptr es:[rdi], ds:[rsi] */
    g_assert_cmpint(in.mnem, ==, M_MOVS);
    g_assert_cmpint(in.op[0].kind, ==, OPK_MEM);
    g_assert_cmpint(in.op[0].reg, ==, RDI);
    g_assert_cmpint(in.op[1].reg, ==, RSI);
    g_assert_cmpint(in.mem.base, ==, RSI);
    g_assert_cmpint(in.mem.seg, ==, DS);
    in = dec(32, "64 f3 a5");                    /* rep movs dword ptr es:[edi], fs:[esi] */
    g_assert_cmpint(in.op[0].size, ==, 4);
    g_assert_cmpint(in.mem.seg, ==, FS);
    g_assert_true(in.prefixes & PFX_REP);
    in = dec(32, "aa");                          /* stos: only ES:[edi] */
    g_assert_cmpint(in.mem.base, ==, RDI);
    g_assert_cmpint(in.mem.seg, ==, ES);
    in = dec(32, "26 ae");                       /* scas: ES not overridable */
    g_assert_cmpint(in.mem.seg, ==, ES);
    in = dec(16, "a7");                          /* cmps word ptr ds:[si], es:[di] */
    g_assert_cmpint(in.op[0].reg, ==, RSI);
    g_assert_cmpint(in.mem.base, ==, RSI);
    g_assert_cmpint(in.addrsize, ==, 2);
    in = dec(64, "48 ad");                       /* lods rax, qword ptr [rsi] */
    check_reg(&in.op[0], RC_GPR, RAX, 8, false);
    g_assert_cmpint(in.op[1].size, ==, 8);
    in = dec(32, "6d");                          /* ins dword ptr es:[edi], dx */
    g_assert_cmpint(in.op[0].size, ==, 4);
    check_reg(&in.op[1], RC_GPR, RDX, 2, false);
    in = dec(64, "48 6d");                       /* ins: at most 32 bits */
    g_assert_cmpint(in.op[0].size, ==, 4);
    in = dec(32, "65 d7");                       /* xlat byte ptr gs:[ebx] */
    g_assert_cmpint(in.mem.base, ==, RBX);
    g_assert_cmpint(in.mem.seg, ==, GS);
}

/* ---- the disassembler ---- */

static void test_disas(void)
{
    static const struct { int mode; const char *hex; const char *text; } cases[] = {
        { 64, "48 01 d8", "add rax, rbx" },
        { 64, "8b 44 98 10", "mov eax, dword ptr [rax+rbx*4+0x10]" },
        { 64, "f0 48 0f b1 0a", "lock cmpxchg qword ptr [rdx], rcx" },
        { 64, "f3 48 a5", "rep movs qword ptr es:[rdi], qword ptr ds:[rsi]" },
        { 64, "f3 a6", "repe cmps byte ptr ds:[rsi], byte ptr es:[rdi]" },
        { 64, "f2 ae", "repne scas al, byte ptr es:[rdi]" },
        { 64, "eb fe", "jmp 0x1000" },
        { 64, "e8 fb ff ff ff", "call 0x1000" },
        { 64, "0f 85 00 01 00 00", "jne 0x1106" },
        { 64, "48 8b 05 f9 0f 00 00", "mov rax, qword ptr [rip+0xff9]  # 0x2000" },
        { 64, "64 48 8b 04 25 28 00 00 00", "mov rax, qword ptr fs:0x28" },
        { 64, "88 e0", "mov al, ah" },
        { 64, "40 88 e6", "mov sil, spl" },
        { 64, "45 88 c1", "mov r9b, r8b" },
        { 64, "66 41 89 c7", "mov r15w, ax" },
        { 64, "44 89 c7", "mov edi, r8d" },
        { 64, "6a ff", "push 0xffffffffffffffff" },
        { 64, "48 c7 c0 ff ff ff ff", "mov rax, 0xffffffffffffffff" },
        { 64, "83 c0 ff", "add eax, 0xffffffff" },
        { 64, "c7 00 01 00 00 00", "mov dword ptr [rax], 0x1" },
        { 64, "0f 20 c0", "mov rax, cr0" },
        { 64, "8e d8", "mov ds, ax" },
        { 64, "d9 e8", "fld1" },
        { 64, "dc c1", "fadd st(1), st(0)" },
        { 64, "dd 1c 24", "fstp qword ptr [rsp]" },
        { 64, "66 0f 6f 04 24", "movdqa xmm0, xmmword ptr [rsp]" },
        { 64, "66 48 0f 7e c0", "movq rax, xmm0" },
        { 64, "0f 1f 44 00 00", "nop dword ptr [rax+rax*1]" },
        { 64, "48 cf", "iretq" },
        { 64, "9c", "pushfq" },
        { 64, "0f 01 f9", "rdtscp" },
        { 64, "d1 e0", "shl eax, 1" },
        { 64, "c4", "(bad)" },
        { 32, "8b 04 9d 00 01 00 00", "mov eax, dword ptr [ebx*4+0x100]" },
        { 32, "8b 45 f8", "mov eax, dword ptr [ebp-0x8]" },
        { 32, "a1 78 56 34 12", "mov eax, dword ptr ds:0x12345678" },
        { 32, "ea 78 56 34 12 10 00", "jmpf 0x10:0x12345678" },
        { 32, "ff 18", "callf fword ptr [eax]" },
        { 32, "66 e8 fc ff", "call 0x1000" },
        { 32, "d7", "xlat byte ptr ds:[ebx]" },
        { 32, "60", "pushad" },
        { 16, "8b 46 fe", "mov ax, word ptr [bp-0x2]" },
        { 16, "8b 00", "mov ax, word ptr [bx+si]" },
        { 16, "26 8a 0e 34 12", "mov cl, byte ptr es:0x1234" },
        { 16, "eb fe", "jmp 0x1000" },
        { 16, "e9 00 f0", "jmp 0x3" },           /* IP wraps at 64K */
        { 16, "cf", "iretw" },
    };
    char buf[128];

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        X86Insn in = dec(cases[i].mode, cases[i].hex);
        x86_disas(&in, 0x1000, buf, sizeof(buf));
        g_assert_cmpstr(buf, ==, cases[i].text);
    }
    /* Truncation is safe and terminated. */
    X86Insn in = dec(64, "48 8b 05 f9 0f 00 00");
    x86_disas(&in, 0x1000, buf, 8);
    g_assert_cmpstr(buf, ==, "mov rax");
    x86_disas(&in, 0x1000, buf, 0);
    g_assert_cmpstr(x86_mnem_name(M_CMPSD_SSE), ==, "cmpsd");
}

/* ---- random bytes ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Prefix-heavy starts reach the deep corners more often than uniform bytes. */
static void random_insn(uint8_t *b, size_t n)
{
    static const uint8_t pfx[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64, 0x65, 0x26, 0x48, 0x41, 0x4c };
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)rng();
    }
    size_t k = 0;
    unsigned np = rng() % 32 == 0 ? 8 + rng() % 8 : rng() % 4;
    for (unsigned i = 0; i < np && k < n; i++) {
        b[k++] = pfx[rng() % sizeof(pfx)];
    }
    switch (rng() % 4) {
    case 1: if (k < n) b[k] = 0x0f; break;
    case 2: if (k + 1 < n) { b[k] = 0x0f; b[k + 1] = 0x38; } break;
    case 3: if (k + 1 < n) { b[k] = 0x0f; b[k + 1] = 0x3a; } break;
    default: break;
    }
}

static void test_random(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(mem != MAP_FAILED);
    /* The page after the bytes is unmapped: any read past avail faults. */
    g_assert_cmpint(mprotect(mem + page, page, PROT_NONE), ==, 0);
    uint8_t *end = mem + page;
    const int iterations = g_test_slow() ? 20000000 : 2000000;
    long ok = 0, more = 0, toolong = 0;
    char text[160];

    for (int i = 0; i < iterations; i++) {
        static const int modes[3] = { 2, 4, 8 };
        int mode = modes[rng() % 3];
        size_t avail = rng() % 17;
        uint8_t *b = end - avail;
        X86Insn in, in2;

        random_insn(b, avail);
        X86DecodeResult r = x86_decode(&in, b, avail, mode);
        if (r == X86_DECODE_OK) {
            ok++;
            g_assert_cmpint(in.len, >=, 1);
            g_assert_cmpint(in.len, <=, 15);
            g_assert_cmpint(in.len, <=, avail);
            g_assert_cmpint(in.nops, <=, 4);
            g_assert_cmpint(in.mnem, <, M_COUNT);
            g_assert_true(in.opsize == 2 || in.opsize == 4 || in.opsize == 8);
            g_assert_true(in.addrsize == 2 || in.addrsize == 4 || in.addrsize == 8);
            /* No look-ahead: exactly len bytes decode the same, fewer run out. */
            if (i % 4 == 0) {
                size_t len = in.len;
                memmove(end - len, b, len);
                g_assert_cmpint(x86_decode(&in2, end - len, len, mode), ==, X86_DECODE_OK);
                g_assert_true(memcmp(&in, &in2, sizeof(in)) == 0);
                memmove(end - (len - 1), end - len, len - 1);
                g_assert_cmpint(x86_decode(&in2, end - (len - 1), len - 1, mode), ==,
                                X86_DECODE_NEED_MORE);
            }
            x86_disas(&in, rng(), text, (i & 7) ? sizeof(text) : rng() % 16);
        } else if (r == X86_DECODE_NEED_MORE) {
            more++;
            g_assert_cmpint(avail, <, 15);
        } else {
            g_assert_cmpint(r, ==, X86_DECODE_TOO_LONG);
            toolong++;
        }
    }
    g_test_message("%d random strings: %ld OK, %ld need more, %ld too long",
                   iterations, ok, more, toolong);
    g_assert_cmpint(ok, >, iterations / 4);
    g_assert_cmpint(toolong, >, 0);
    munmap(mem, 2 * page);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/decode/prefixes", test_prefixes);
    g_test_add_func("/decode/length-limit", test_length_limit);
    g_test_add_func("/decode/modrm16", test_modrm16);
    g_test_add_func("/decode/modrm32", test_modrm32);
    g_test_add_func("/decode/modrm64", test_modrm64);
    g_test_add_func("/decode/byte-regs", test_byte_regs);
    g_test_add_func("/decode/immediates", test_immediates);
    g_test_add_func("/decode/default64", test_default64);
    g_test_add_func("/decode/invalid", test_invalid);
    g_test_add_func("/decode/misc", test_misc);
    g_test_add_func("/decode/sse", test_sse);
    g_test_add_func("/decode/x87", test_x87);
    g_test_add_func("/decode/strings", test_strings);
    g_test_add_func("/decode/disas", test_disas);
    g_test_add_func("/decode/random", test_random);
    return g_test_run();
}
